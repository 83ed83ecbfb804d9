/* SPDX-License-Identifier: Apache-2.0 */
/* The INI file: defaults, loading, every kind of bad value, and the atomic writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kwhpos/config.h"
#include "kwhpos/util.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/kwhcfg.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[96];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static const char *write_ini(const char *text)
{
    static char path[96];
    struct kwh_err e;
    snprintf(path, sizeof path, "%s/k.ini", dir);
    if (file_write_atomic(path, text, strlen(text), 0644, &e) < 0)
        fail_msg("%s", e.msg);
    return path;
}

static void config__defaults_are_usable(void **state)
{
    struct kwh_config c;
    (void)state;
    config_defaults(&c);
    assert_string_equal(c.db_path, "/var/lib/kwhpos/kwhpos.db");
    assert_int_equal(c.reader_baud, 9600);
    assert_int_equal(c.idle_lock_minutes, 15);
    assert_int_equal(c.colour, -1);
    assert_false(c.language_set);
    assert_string_equal(config_language(&c, "xterm-256color"), "zh_CN");
    assert_string_equal(config_language(&c, "linux"), "en");
}

static void config__loads_values_and_resolves_relative_paths(void **state)
{
    struct kwh_config c;
    struct kwh_err e;
    char want[128];
    (void)state;
    const char *p = write_ini("[database]\npath = site.db\n[reader]\nport = /dev/ttyUSB0\n"
                              "baud = 115200\n[ui]\nlanguage = en\ncolour = off\n"
                              "idle_lock_minutes = 0\n[print]\nqueue = \"front; desk\"\n");
    assert_int_equal(config_load(&c, p, &e), 0);
    snprintf(want, sizeof want, "%s/site.db", dir);
    assert_string_equal(c.db_path, want);
    assert_string_equal(c.reader_port, "/dev/ttyUSB0");
    assert_int_equal(c.reader_baud, 115200);
    assert_true(c.language_set);
    assert_string_equal(config_language(&c, "linux"), "en");
    assert_int_equal(c.colour, 0);
    assert_int_equal(c.idle_lock_minutes, 0);
    assert_string_equal(c.print_queue, "front; desk");
}

static void config__refuses_bad_values_naming_the_key(void **state)
{
    static const struct {
        const char *text, *needle;
    } bad[] = {
        {"[reader]\nbaud = fast\n", "[reader] baud = 'fast': expected a whole number"},
        {"[reader]\nbaud = 12\n", "from 1200 to 230400"},
        {"[reader]\nbaud = 14400\n",
         "expected one of 1200|2400|4800|9600|19200|38400|57600|115200|230400"},
        {"[ui]\nlanguage = fr\n", "expected one of zh_CN|en"},
        {"[ui]\ndemo = maybe\n", "expected true or false"},
        {"[ui]\ncolour = blue\n", "auto, on or off"},
        {"[ui]\nidle_lock = 5\n", "unknown setting [ui] idle_lock"},
        {"[printer]\nqueue = x\n", "unknown"},
        {"[ui\nlanguage = en\n", "k.ini"},
        {"[ui:colour]\npath = x\n[ui]\nlanguage = en\n", "unknown"},
        {"[print]\nwait_seconds = 601\n", "from 0 to 600"},
        {"[print]\nfeed = -1\n", "from 0 to 50"},
        {"[print]\ncrlf = sometimes\n", "expected true or false"},
    };
    struct kwh_config c;
    struct kwh_err e;
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *p = write_ini(bad[i].text);
        assert_int_equal(config_load(&c, p, &e), KWH_EINVAL);
        if (strstr(e.msg, bad[i].needle) == NULL)
            fail_msg("'%s': message '%s' lacks '%s'", bad[i].text, e.msg, bad[i].needle);
        /* nothing half-loaded: the defaults stand */
        assert_int_equal(c.reader_baud, 9600);
    }
    assert_int_equal(config_load(&c, "/nonexistent/k.ini", &e), KWH_ENOTFOUND);
}

static void config__saves_atomically_and_reads_back_the_same(void **state)
{
    struct kwh_config c, back;
    struct kwh_err e;
    char path[96];
    (void)state;
    config_defaults(&c);
    snprintf(path, sizeof path, "%s/saved.ini", dir);
    assert_int_equal(config_set(&c, "print.queue", "desk ; 2", &e), 0);
    assert_int_equal(config_set(&c, "reader.port", "/dev/ttyS1", &e), 0);
    /* a bare value ending in a backslash would join the next line when read */
    assert_int_equal(config_set(&c, "print.server", "host\\", &e), 0);
    assert_int_equal(config_set(&c, "ui.language", "en", &e), 0);
    assert_int_equal(config_set(&c, "reader.baud", "7", &e), KWH_EINVAL);
    assert_int_equal(config_set(&c, "nosuch.key", "7", &e), KWH_EINVAL);
    assert_int_equal(config_save(&c, path, &e), 0);
    assert_int_equal(config_load(&back, path, &e), 0);
    assert_string_equal(back.print_queue, "desk ; 2");
    assert_string_equal(back.reader_port, "/dev/ttyS1");
    assert_string_equal(back.print_server, "host\\");
    assert_string_equal(back.language, "en");
    assert_int_equal(back.reader_baud, c.reader_baud);
    assert_int_equal(access(path, R_OK), 0);
}

/* Whatever a load or a set keeps, a save writes so that it loads back: text values
   are bounded so that their line fits what iniparser reads. */
static void config__the_longest_values_save_and_load_back(void **state)
{
    struct kwh_config c, back;
    struct kwh_err e;
    char longest[KWH_CONFIG_VALUE_MAX + 2], path[96], again[96], cmp[256];
    char relv[KWH_CONFIG_VALUE_MAX], rel[KWH_CONFIG_VALUE_MAX + 32];
    const char *key;
    size_t texts = 0;
    (void)state;

    config_defaults(&c);
    /* quotes needed ('=' inside), KWH_CONFIG_VALUE_MAX bytes, absolute */
    memset(longest, 'a', sizeof longest);
    longest[0] = '/';
    longest[1] = '=';
    longest[KWH_CONFIG_VALUE_MAX] = '\0';
    for (size_t i = 0; (key = config_key(i, NULL)) != NULL; i++)
        if (config_set(&c, key, longest, &e) == 0)
            texts++;
    assert_true(texts >= 6);
    assert_int_equal(strlen(c.db_path), KWH_CONFIG_VALUE_MAX);
    snprintf(path, sizeof path, "%s/long.ini", dir);
    snprintf(again, sizeof again, "%s/long2.ini", dir);
    assert_int_equal(config_save(&c, path, &e), 0);
    if (config_load(&back, path, &e) != 0)
        fail_msg("the saved file does not load: %s", e.msg);
    assert_string_equal(back.db_path, longest);
    assert_string_equal(back.backup_dir, longest);
    assert_string_equal(back.print_form_backups, longest);
    assert_int_equal(config_save(&back, again, &e), 0);
    snprintf(cmp, sizeof cmp, "cmp -s %s %s", path, again);
    assert_int_equal(system(cmp), 0);

    /* one byte more is refused, naming the key and the limit */
    longest[KWH_CONFIG_VALUE_MAX] = 'a';
    longest[KWH_CONFIG_VALUE_MAX + 1] = '\0';
    assert_int_equal(config_set(&c, "database.path", longest, &e), KWH_EINVAL);
    assert_non_null(strstr(e.msg, "[database] path: the value is longer than 960 bytes"));
    assert_int_equal(strlen(c.db_path), KWH_CONFIG_VALUE_MAX); /* kept */

    /* a relative path that fits, but not once the INI's folder is put in front */
    memset(relv, 'b', sizeof relv);
    relv[KWH_CONFIG_VALUE_MAX - 5] = '\0';
    snprintf(rel, sizeof rel, "[database]\npath = %s\n", relv);
    assert_int_equal(config_load(&c, write_ini(rel), &e), KWH_EINVAL);
    if (strstr(e.msg,
               "the path is longer than 960 bytes once this file's folder is put in front") == NULL)
        fail_msg("message: %s", e.msg);
}

/* etc/kwhpos.ini documents every setting and loads cleanly. */
static void config__shipped_ini_names_every_setting(void **state)
{
    char path[1024], *text;
    struct kwh_config c;
    struct kwh_err e;
    const char *top = getenv("KWH_TOP") ? getenv("KWH_TOP") : ".";
    const char *help;
    (void)state;
    snprintf(path, sizeof path, "%s/etc/kwhpos.ini", top);
    assert_int_equal(config_load(&c, path, &e), 0);
    assert_int_equal(file_read_all(path, 1 << 20, &text, NULL, &e), 0);
    for (size_t i = 0; config_key(i, &help) != NULL; i++) {
        char key[64];
        const char *dot;
        snprintf(key, sizeof key, "%s", config_key(i, &help));
        dot = strchr(key, '.');
        if (strstr(text, dot + 1) == NULL || strstr(text, help) == NULL)
            fail_msg("etc/kwhpos.ini does not document %s (%s)", key, help);
    }
    free(text);
}

/* The station file: what the UI changes for this station, over the INI's values; only
   station settings; a save keeps what the file held; the INI is not touched. */
static void config__station_file_overrides_the_ini_and_keeps_its_keys(void **state)
{
    struct kwh_config c;
    struct kwh_err e;
    char ini_before[512], path[128], *text;
    const char *ini;
    (void)state;
    snprintf(path, sizeof path, "[database]\npath = %s/site.db\n[reader]\nport = /dev/ttyS0\n",
             dir);
    ini = write_ini(path);
    snprintf(ini_before, sizeof ini_before, "%s", path);
    assert_int_equal(config_load(&c, ini, &e), 0);
    assert_int_equal(config_station_load(&c, c.db_path, &e), 0);
    assert_string_equal(c.station_dir, dir);
    assert_string_equal(c.reader_port, "/dev/ttyS0");

    assert_int_equal(config_set(&c, "backup.dir", "/media/usb", &e), 0);
    assert_int_equal(config_station_save(&c, "backup.dir", &e), 0);
    assert_int_equal(config_set(&c, "reader.port", "/dev/ttyUSB3", &e), 0);
    assert_int_equal(config_station_save_reader(&c, &e), 0);
    assert_int_equal(file_read_all(ini, 1 << 16, &text, NULL, &e), 0);
    assert_string_equal(text, ini_before); /* the INI is never written */
    free(text);

    assert_int_equal(config_load(&c, ini, &e), 0);
    assert_int_equal(config_station_load(&c, c.db_path, &e), 0);
    assert_string_equal(c.reader_port, "/dev/ttyUSB3");
    assert_string_equal(c.backup_dir, "/media/usb");             /* the first save is kept */
    assert_true(strstr(c.print_form, "receipt80.form") != NULL); /* the installed form */

    snprintf(path, sizeof path, "%s/station.ini", dir);
    assert_int_equal(file_write_atomic(path, "[print]\nqueue = x\n", 18, 0644, &e), 0);
    assert_int_equal(config_station_load(&c, c.db_path, &e), KWH_EINVAL);
    assert_non_null(strstr(e.msg, "[print] queue is not a setting of the station"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(config__defaults_are_usable),
        cmocka_unit_test(config__loads_values_and_resolves_relative_paths),
        cmocka_unit_test(config__refuses_bad_values_naming_the_key),
        cmocka_unit_test(config__saves_atomically_and_reads_back_the_same),
        cmocka_unit_test(config__the_longest_values_save_and_load_back),
        cmocka_unit_test(config__shipped_ini_names_every_setting),
        cmocka_unit_test(config__station_file_overrides_the_ini_and_keeps_its_keys),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
