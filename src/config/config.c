/* SPDX-License-Identifier: Apache-2.0 */
/* The INI file: a table of keys -> type, bounds, default, target; iniparser to read,
 * our own writer (atomic, quoting) to write. */
#include "kwhpos/config.h"

#include <ctype.h>
#include <iniparser/iniparser.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kwhpos/model.h"
#include "kwhpos/util.h"

#define STATION_FILE "station.ini"
#define DEFAULT_FORM "receipt80.form"

enum opt_type { OPT_STR, OPT_PATH, OPT_INT, OPT_BOOL, OPT_ENUM, OPT_TRISTATE };

struct opt {
    const char *key; /* "section:key" as iniparser spells it */
    enum opt_type type;
    size_t off;          /* into struct kwh_config */
    size_t size;         /* for strings */
    long min, max;       /* for ints */
    const char *choices; /* for enums: "a|b|c"; for ints, the values allowed */
    const char *def;
    const char *help;
};

#define STR(f) offsetof(struct kwh_config, f), sizeof(((struct kwh_config *)0)->f)
#define NUM(f) offsetof(struct kwh_config, f), 0

#define STMT(m, i, col_t, col_r, col_a, unit_, fmt_, header_)                                      \
    {"reconcile_" m ":time",                                                                       \
     OPT_STR,                                                                                      \
     STR(statement[i].time),                                                                       \
     0,                                                                                            \
     0,                                                                                            \
     NULL,                                                                                         \
     col_t,                                                                                        \
     "the statement's time column: its name in the header line, or its position (1, 2, ...)"},     \
        {"reconcile_" m ":reference",                                                              \
         OPT_STR,                                                                                  \
         STR(statement[i].reference),                                                              \
         0,                                                                                        \
         0,                                                                                        \
         NULL,                                                                                     \
         col_r,                                                                                    \
         "the statement's reference column (the transaction or slip number), by name or "          \
         "position"},                                                                              \
        {"reconcile_" m ":amount",                                                                 \
         OPT_STR,                                                                                  \
         STR(statement[i].amount),                                                                 \
         0,                                                                                        \
         0,                                                                                        \
         NULL,                                                                                     \
         col_a,                                                                                    \
         "the statement's amount column, by name or position"},                                    \
        {"reconcile_" m ":unit",                                                                   \
         OPT_ENUM,                                                                                 \
         STR(statement[i].unit),                                                                   \
         0,                                                                                        \
         0,                                                                                        \
         "yuan|fen",                                                                               \
         unit_,                                                                                    \
         "the amount's unit: yuan (12.50, up to 2 decimals) or fen (1250)"},                       \
        {"reconcile_" m ":time_format",                                                            \
         OPT_STR,                                                                                  \
         STR(statement[i].time_format),                                                            \
         0,                                                                                        \
         0,                                                                                        \
         NULL,                                                                                     \
         fmt_,                                                                                     \
         "how the time reads: %Y %m %d %H %M %S and the characters between them"},                 \
        {"reconcile_" m ":header",                                                                 \
         OPT_INT,                                                                                  \
         NUM(statement[i].header),                                                                 \
         0,                                                                                        \
         100,                                                                                      \
         NULL,                                                                                     \
         header_,                                                                                  \
         "the line holding the column names (the lines before it are skipped); 0 = none"},         \
        {"reconcile_" m ":footer",                                                                 \
         OPT_INT,                                                                                  \
         NUM(statement[i].footer),                                                                 \
         0,                                                                                        \
         100,                                                                                      \
         NULL,                                                                                     \
         "0",                                                                                      \
         "lines at the end that are not payments (totals), skipped"},                              \
        {"reconcile_" m ":encoding",                                                               \
         OPT_ENUM,                                                                                 \
         STR(statement[i].encoding),                                                               \
         0,                                                                                        \
         0,                                                                                        \
         "utf-8|gb18030",                                                                          \
         "utf-8",                                                                                  \
         "the statement file's encoding"},                                                         \
    {                                                                                              \
        "reconcile_" m ":dir", OPT_PATH, STR(statement_dir[i]), 0, 0, NULL, "",                    \
            "the folder the reconciliation screen's file list opens in (the last one chosen "      \
            "there is kept in the station file); empty = the working folder"                       \
    }

static const struct opt opts[] = {
    {"database:path", OPT_PATH, STR(db_path), 0, 0, NULL, "/var/lib/kwhpos/kwhpos.db",
     "the site database (SQLite)"},
    {"database:url", OPT_STR, STR(db_url), 0, 0, NULL, "",
     "the site database on a PostgreSQL server instead: a libpq connection string "
     "(postgresql://... or host=... dbname=... user=...); empty = [database] path"},
    {"reader:driver", OPT_ENUM, STR(reader_driver), 0, 0, "serial|pcsc", "serial",
     "card reader driver: serial (the simulator, serial readers) or pcsc (USB smart card "
     "readers such as the ACS ACR39U, through pcscd)"},
    {"reader:port", OPT_PATH, STR(reader_port), 0, 0, NULL, "",
     "serial card reader port, e.g. /dev/ttyUSB0; empty = no reader"},
    {"reader:baud", OPT_INT, NUM(reader_baud), 1200, 230400,
     "1200|2400|4800|9600|19200|38400|57600|115200|230400", "9600",
     "serial card reader speed, bits per second"},
    {"reader:timeout_ms", OPT_INT, NUM(reader_timeout_ms), 200, 30000, NULL, "1000",
     "serial card reader: how long to wait for its answer, milliseconds (a card write "
     "adds the time the card needs); raise it on a slow line or a busy box"},
    {"reader:name", OPT_STR, STR(reader_name), 0, 0, NULL, "",
     "PC/SC reader: the start of its name, e.g. ACS ACR39U (kwhpos ports lists them); "
     "empty = the first reader"},
    {"reader:dialect", OPT_ENUM, STR(reader_dialect), 0, 0, "acs|iso", "acs",
     "PC/SC reader: its commands for memory cards, acs (ACS ACR38/ACR39) or iso (ISO "
     "7816-4 class 00)"},
    {"ui:language", OPT_ENUM, STR(language), 0, 0, "zh_CN|en", "zh_CN",
     "zh_CN or en; when absent, en on the Linux console (TERM=linux), else zh_CN"},
    {"ui:idle_lock_minutes", OPT_INT, NUM(idle_lock_minutes), 0, 1440, NULL, "15",
     "lock the screen after this many idle minutes; 0 = never"},
    {"ui:colour", OPT_TRISTATE, NUM(colour), 0, 0, NULL, "auto", "auto, on or off"},
    {"ui:demo", OPT_BOOL, NUM(demo), 0, 0, NULL, "false",
     "training mode: the simulator panel is available"},
    {"print:queue", OPT_STR, STR(print_queue), 0, 0, NULL, "",
     "CUPS queue for invoices; empty = printing off"},
    {"print:mode", OPT_ENUM, STR(print_mode), 0, 0, "raw|pdf", "raw",
     "raw (character printers) or pdf"},
    {"print:encoding", OPT_ENUM, STR(print_encoding), 0, 0, "gb18030|utf-8", "gb18030",
     "text encoding of raw output"},
    {"print:escpos", OPT_BOOL, NUM(print_escpos), 0, 0, NULL, "false",
     "send ESC/POS initialise and cut codes (receipt printers)"},
    {"print:form", OPT_PATH, STR(print_form), 0, 0, NULL, "",
     "the invoice form file; empty = receipt80.form as installed (share/kwhpos/forms)"},
    {"print:auto", OPT_BOOL, NUM(print_auto), 0, 0, NULL, "false",
     "print the invoice after every sale without asking"},
    {"print:server", OPT_STR, STR(print_server), 0, 0, NULL, "",
     "CUPS server: its socket path or host:port; empty = the system's (CUPS_SERVER, "
     "client.conf)"},
    {"print:wait_seconds", OPT_INT, NUM(print_wait_seconds), 0, 600, NULL, "20",
     "follow each job this long and report a printer that fails; 0 = only hand it to CUPS"},
    {"print:crlf", OPT_BOOL, NUM(print_crlf), 0, 0, NULL, "true",
     "raw output: end lines with CR LF (dot-matrix printers); false = LF only"},
    {"print:feed", OPT_INT, NUM(print_feed), 0, 50, NULL, "0",
     "raw output: blank lines after the page, to clear the tear bar or the cutter"},
    {"print:form_feed", OPT_BOOL, NUM(print_form_feed), 0, 0, NULL, "false",
     "raw output: a form feed after the page (continuous invoice paper)"},
    {"print:escpos_chinese", OPT_BOOL, NUM(print_escpos_chinese), 0, 0, NULL, "false",
     "raw output with escpos: switch the printer to Chinese characters (FS &)"},
    {"print:form_backups", OPT_PATH, STR(print_form_backups), 0, 0, NULL, "",
     "folder for saved invoice forms (保存发票格式); empty = beside the database, in "
     "form-backups/"},
    {"backup:dir", OPT_PATH, STR(backup_dir), 0, 0, NULL, "",
     "folder for backups; empty = beside the database, in backups/"},
    {"backup:interval_hours", OPT_INT, NUM(backup_interval_hours), 0, 8760, NULL, "24",
     "automatic backup when the last one is older; 0 = never"},
    {"backup:keep", OPT_INT, NUM(backup_keep), 1, 10000, NULL, "30", "how many backups to keep"},
    {"audit:anchors", OPT_PATH, STR(audit_anchors), 0, 0, NULL, "",
     "file the audit chain's anchors are appended to (and syslog); empty = "
     "audit-anchors.log beside the database"},
    {"anomaly:unloaded_days", OPT_INT, NUM(anomaly_unloaded_days), 1, 3650, NULL, "7",
     "kwhpos anomalies unloaded: a purchase not in the meter after this many days"},
    {"anomaly:idle_days", OPT_INT, NUM(anomaly_idle_days), 1, 3650, NULL, "60",
     "kwhpos anomalies idle: an open account without a purchase for this many days"},
    {"anomaly:outlier_days", OPT_INT, NUM(anomaly_outlier_days), 1, 3650, NULL, "30",
     "kwhpos anomalies outliers: the energy used over this many days up to now"},
    {"anomaly:outlier_factor", OPT_INT, NUM(anomaly_outlier_factor), 2, 1000, NULL, "3",
     "kwhpos anomalies outliers: listed above this many times the area's median"},
    STMT("wechat", 0, "1", "2", "3", "yuan", "%Y-%m-%d %H:%M:%S", "1"),
    STMT("alipay", 1, "1", "2", "3", "yuan", "%Y-%m-%d %H:%M:%S", "1"),
    STMT("card", 2, "1", "2", "3", "yuan", "%Y-%m-%d %H:%M:%S", "1"),
    STMT("transfer", 3, "1", "2", "3", "yuan", "%Y-%m-%d %H:%M:%S", "1"),
    {"sim:dir", OPT_PATH, STR(sim_dir), 0, 0, NULL, "",
     "the simulator's directory (demo and training)"},
    {"station:dir", OPT_PATH, STR(station_dir), 0, 0, NULL, "",
     "this station's own folder, written by kwhpos (station.ini, forms/); empty = the "
     "database's folder"},
    {"station:name", OPT_STR, STR(station_name), 0, 0, NULL, "",
     "this station's name, kept with every card write it records (待确认写卡 and kwhpos "
     "pending list show it); empty = this machine's host name"},
};

_Static_assert(sizeof opts / sizeof opts[0] <= 8 * sizeof((struct kwh_config *)0)->station_keys,
               "a bit of station_keys for each setting");

/* Notes that the station file gives setting i (a row of opts). */
static void key_mark(struct kwh_config *c, size_t i)
{
    c->station_keys[i / 8] |= (unsigned char)(1u << (i % 8));
}

/* What the terminal UI may change for this station: kept in the station file
 * (station.ini in [station] dir), never in the INI. Every key of [reader], so a new
 * reader setting is a station setting as soon as it is in the table. */
static bool station_key(const struct opt *o)
{
    size_t n = strlen(o->key);
    return strncmp(o->key, "reader:", 7) == 0 || strcmp(o->key, "backup:dir") == 0 ||
           (strncmp(o->key, "reconcile_", 10) == 0 && n > 4 && strcmp(o->key + n - 4, ":dir") == 0);
}

static void *field(struct kwh_config *c, const struct opt *o)
{
    return (char *)c + o->off;
}

static const void *cfield(const struct kwh_config *c, const struct opt *o)
{
    return (const char *)c + o->off;
}

static const struct opt *find_opt(const char *key)
{
    for (size_t i = 0; i < KWH_ARRAY_LEN(opts); i++)
        if (strcmp(opts[i].key, key) == 0)
            return &opts[i];
    return NULL;
}

static bool choice_ok(const char *choices, const char *v)
{
    size_t n = strlen(v);
    const char *p = choices;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, v, n) == 0)
            return true;
        if (!bar)
            break;
        p = bar + 1;
    }
    return false;
}

static int parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < KWH_ARRAY_LEN(yes); i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* base: the directory relative paths are taken from ("" = as given). */
static int set_value(struct kwh_config *c, const struct opt *o, const char *v, const char *base,
                     struct kwh_err *e)
{
    char sect[32];
    const char *colon = strchr(o->key, ':');
    snprintf(sect, sizeof sect, "%.*s", (int)(colon - o->key), o->key);

    if (!utf8_is_clean_line(v))
        return kwh_err_set(e, KWH_EINVAL,
                           "[%s] %s: the value has control characters or is "
                           "not UTF-8",
                           sect, colon + 1);
    switch (o->type) {
    case OPT_STR:
    case OPT_PATH: {
        char buf[KWH_PATH_MAX * 2];
        bool joined = o->type == OPT_PATH && v[0] != '\0' && v[0] != '/' && base[0] != '\0';
        if (joined)
            snprintf(buf, sizeof buf, "%s/%s", base, v);
        else
            snprintf(buf, sizeof buf, "%s", v);
        size_t max = o->size - 1 < KWH_CONFIG_VALUE_MAX ? o->size - 1 : KWH_CONFIG_VALUE_MAX;
        if (strlen(buf) > max && joined && strlen(v) <= max)
            return kwh_err_set(e, KWH_EINVAL,
                               "[%s] %s: the path is longer than %zu bytes once this file's "
                               "folder is put in front: shorten it or make it absolute",
                               sect, colon + 1, max);
        if (strlen(buf) > max)
            return kwh_err_set(e, KWH_EINVAL,
                               "[%s] %s: the value is longer than %zu bytes: shorten it", sect,
                               colon + 1, max);
        memcpy(field(c, o), buf, strlen(buf) + 1);
        return 0;
    }
    case OPT_INT: {
        char *end;
        long n = strtol(v, &end, 10);
        if (v[0] == '\0' || *end != '\0' || n < o->min || n > o->max)
            return kwh_err_set(e, KWH_EINVAL,
                               "[%s] %s = '%s': expected a whole number from "
                               "%ld to %ld",
                               sect, colon + 1, v, o->min, o->max);
        if (o->choices != NULL && !choice_ok(o->choices, v))
            return kwh_err_set(e, KWH_EINVAL, "[%s] %s = '%s': expected one of %s", sect, colon + 1,
                               v, o->choices);
        *(int *)field(c, o) = (int)n;
        return 0;
    }
    case OPT_BOOL:
        if (parse_bool(v, (bool *)field(c, o)) < 0)
            return kwh_err_set(e, KWH_EINVAL, "[%s] %s = '%s': expected true or false", sect,
                               colon + 1, v);
        return 0;
    case OPT_TRISTATE: {
        bool b;
        if (strcasecmp(v, "auto") == 0)
            *(int *)field(c, o) = -1;
        else if (parse_bool(v, &b) == 0)
            *(int *)field(c, o) = b;
        else
            return kwh_err_set(e, KWH_EINVAL, "[%s] %s = '%s': expected auto, on or off", sect,
                               colon + 1, v);
        return 0;
    }
    case OPT_ENUM:
        if (!choice_ok(o->choices, v))
            return kwh_err_set(e, KWH_EINVAL, "[%s] %s = '%s': expected one of %s", sect, colon + 1,
                               v, o->choices);
        snprintf(field(c, o), o->size, "%s", v);
        return 0;
    }
    return KWH_EINVAL;
}

void config_defaults(struct kwh_config *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < KWH_ARRAY_LEN(opts); i++)
        if (set_value(c, &opts[i], opts[i].def, "", NULL) != 0)
            abort(); /* the table itself is wrong */
}

/* iniparser reports syntax errors through a printf-like callback; keep the first. */
static char parse_error[512];

static int capture_error(const char *fmt, ...)
{
    va_list ap;
    if (parse_error[0] != '\0')
        return 0;
    va_start(ap, fmt);
    vsnprintf(parse_error, sizeof parse_error, fmt, ap);
    va_end(ap);
    for (char *p = parse_error; *p; p++)
        if (*p == '\n')
            *p = ' ';
    return 0;
}

/* Reads path over c. station: only the station's keys are allowed (the station file). */
static int load_file(struct kwh_config *c, const char *path, bool station, struct kwh_err *e)
{
    dictionary *d;
    char base[KWH_PATH_MAX];
    const char *slash;
    int rc = 0, nsec;
    FILE *f;

    f = fopen(path, "r");
    if (f == NULL)
        return kwh_err_set(e, KWH_ENOTFOUND, "configuration file %s cannot be read", path);
    fclose(f);
    parse_error[0] = '\0';
    iniparser_set_error_callback(capture_error);
    d = iniparser_load(path);
    iniparser_set_error_callback(NULL);
    if (d == NULL || parse_error[0] != '\0') {
        iniparser_freedict(d);
        return kwh_err_set(e, KWH_EINVAL, "%s: %s", path,
                           parse_error[0] ? parse_error : kwh_tr("cannot be parsed"));
    }
    slash = strrchr(path, '/');
    if (slash)
        snprintf(base, sizeof base, "%.*s", (int)(slash - path), path);
    else
        snprintf(base, sizeof base, ".");

    nsec = iniparser_getnsec(d);
    for (int s = 0; s < nsec && rc == 0; s++) {
        const char *sec = iniparser_getsecname(d, s);
        int nkeys = iniparser_getsecnkeys(d, sec);
        const char **keys;
        if (nkeys <= 0)
            continue;
        keys = calloc((size_t)nkeys, sizeof *keys);
        if (keys == NULL) {
            rc = kwh_err_set(e, KWH_ENOMEM, "out of memory reading %s", path);
            break;
        }
        iniparser_getseckeys(d, sec, keys);
        for (int k = 0; k < nkeys && rc == 0; k++) {
            const struct opt *o = find_opt(keys[k]);
            const char *v = iniparser_getstring(d, keys[k], NULL);
            const char *colon = strchr(keys[k], ':'), *key = colon ? colon + 1 : keys[k];
            if (v == NULL)
                continue; /* a section named like a setting ([ui:colour]): reported below */
            if (o == NULL) {
                rc = kwh_err_set(e, KWH_EINVAL,
                                 "%s: unknown setting [%s] %s (see "
                                 "etc/kwhpos.ini for the known ones)",
                                 path, sec, key);
                break;
            }
            if (station && !station_key(o)) {
                rc = kwh_err_set(e, KWH_EINVAL,
                                 "%s: [%s] %s is not a setting of the station: it belongs in "
                                 "the INI",
                                 path, sec, key);
                break;
            }
            rc = set_value(c, o, v, base, e);
            if (rc == 0 && strcmp(o->key, "ui:language") == 0)
                c->language_set = true;
            if (rc == 0 && station)
                key_mark(c, (size_t)(o - opts));
        }
        free(keys);
    }
    if (rc == 0) {
        for (int s = 0; s < nsec; s++) {
            const char *sec = iniparser_getsecname(d, s);
            bool known = false;
            for (size_t i = 0; i < KWH_ARRAY_LEN(opts); i++)
                if (strncmp(opts[i].key, sec, strlen(sec)) == 0 && opts[i].key[strlen(sec)] == ':')
                    known = true;
            if (!known) {
                rc = kwh_err_set(e, KWH_EINVAL, "%s: unknown section [%s]", path, sec);
                break;
            }
        }
    }
    iniparser_freedict(d);
    return rc;
}

int config_load(struct kwh_config *c, const char *path, struct kwh_err *e)
{
    int rc;

    config_defaults(c);
    rc = load_file(c, path, false, e);
    if (rc == KWH_ENOTFOUND)
        return rc;
    if (rc < 0) {
        if (e)
            kwh_err_prefix(e, "configuration");
        config_defaults(c);
        return rc;
    }
    snprintf(c->path, sizeof c->path, "%s", path);
    return 0;
}

/* dir/name into buf; false when it does not fit. */
static bool join(char *buf, size_t n, const char *dir, const char *name)
{
    int len = snprintf(buf, n, "%s/%s", dir, name);
    return len > 0 && (size_t)len < n;
}

int config_station_load(struct kwh_config *c, const char *db_path, struct kwh_err *e)
{
    char path[KWH_PATH_MAX + 16], edited[KWH_PATH_MAX * 2];
    const char *slash, *name;
    int rc;

    if (c->station_dir[0] == '\0') {
        slash = db_path != NULL ? strrchr(db_path, '/') : NULL;
        if (slash == NULL)
            snprintf(c->station_dir, sizeof c->station_dir, ".");
        else
            snprintf(c->station_dir, sizeof c->station_dir, "%.*s",
                     (int)(slash == db_path ? 1 : slash - db_path), db_path);
    }
    if (!join(path, sizeof path, c->station_dir, STATION_FILE))
        return kwh_err_set(e, KWH_EINVAL, "[station] dir: the path is too long");
    memset(c->station_keys, 0, sizeof c->station_keys);
    rc = load_file(c, path, true, e);
    if (rc < 0 && rc != KWH_ENOTFOUND)
        return rc;
    /* the invoice form: the installed one unless the INI names another, and the copy
       edited in the designer over either */
    if (c->print_form[0] == '\0' &&
        !file_shipped("share/kwhpos/forms/" DEFAULT_FORM, "../forms/" DEFAULT_FORM, c->print_form,
                      sizeof c->print_form))
        snprintf(c->print_form, sizeof c->print_form, "%s", DEFAULT_FORM);
    slash = strrchr(c->print_form, '/');
    name = slash != NULL ? slash + 1 : c->print_form;
    if (snprintf(edited, sizeof edited, "%s/forms/%s", c->station_dir, name) <
            (int)sizeof c->print_form &&
        access(edited, R_OK) == 0)
        str_copy(c->print_form, sizeof c->print_form, edited);
    return 0;
}

int config_form_edit_path(const struct kwh_config *c, char *buf, size_t n)
{
    const char *slash = strrchr(c->print_form, '/');
    const char *name = slash ? slash + 1 : c->print_form;
    const char *db_slash = strrchr(c->db_path, '/');
    int len;

    if (c->station_dir[0] != '\0')
        len = snprintf(buf, n, "%s/forms/%s", c->station_dir, name);
    else if (db_slash != NULL) /* not resolved yet: the database's folder, as it would be */
        len = snprintf(buf, n, "%.*s/forms/%s", (int)(db_slash - c->db_path), c->db_path, name);
    else
        len = snprintf(buf, n, "forms/%s", name);
    return len > 0 && (size_t)len < n ? 0 : KWH_EINVAL;
}

int config_set(struct kwh_config *c, const char *key, const char *value, struct kwh_err *e)
{
    char k[64];
    const struct opt *o;
    const char *dot = strchr(key, '.');

    if (dot == NULL || strlen(key) >= sizeof k)
        return kwh_err_set(e, KWH_EINVAL, "'%s': name a setting as section.key", key);
    snprintf(k, sizeof k, "%.*s:%s", (int)(dot - key), key, dot + 1);
    o = find_opt(k);
    if (o == NULL)
        return kwh_err_set(e, KWH_EINVAL, "unknown setting '%s'", key);
    if (set_value(c, o, value, "", e) < 0)
        return e ? e->code : KWH_EINVAL;
    if (strcmp(o->key, "ui:language") == 0)
        c->language_set = true;
    return 0;
}

static bool needs_quotes(const char *v)
{
    if (v[0] == '\0')
        return false;
    if (isspace((unsigned char)v[0]) || isspace((unsigned char)v[strlen(v) - 1]))
        return true;
    /* and a backslash: at the end of a bare value iniparser joins the next line */
    return strpbrk(v, ";#=\"'[]\\") != NULL;
}

static void value_text(const struct kwh_config *c, const struct opt *o, char *buf, size_t n)
{
    switch (o->type) {
    case OPT_STR:
    case OPT_PATH:
    case OPT_ENUM: snprintf(buf, n, "%s", (const char *)cfield(c, o)); break;
    case OPT_INT: snprintf(buf, n, "%d", *(const int *)cfield(c, o)); break;
    case OPT_BOOL: snprintf(buf, n, "%s", *(const bool *)cfield(c, o) ? "true" : "false"); break;
    case OPT_TRISTATE: {
        int v = *(const int *)cfield(c, o);
        snprintf(buf, n, "%s", v < 0 ? "auto" : v ? "on" : "off");
        break;
    }
    }
}

/* Writes the keys of c that keep(o) selects, with their help lines, atomically. */
static int write_file(const struct kwh_config *c, const char *path, const char *header,
                      bool (*keep)(const struct kwh_config *, const struct opt *), unsigned mode,
                      struct kwh_err *e)
{
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    char last[32] = "";
    int rc;

    if (m == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    fputs(header, m);
    for (size_t i = 0; i < KWH_ARRAY_LEN(opts); i++) {
        const struct opt *o = &opts[i];
        const char *colon = strchr(o->key, ':');
        char sect[32], val[KWH_PATH_MAX * 2];
        snprintf(sect, sizeof sect, "%.*s", (int)(colon - o->key), o->key);
        if (!keep(c, o))
            continue;
        if (strcmp(sect, last) != 0) {
            fprintf(m, "\n[%s]\n", sect);
            snprintf(last, sizeof last, "%s", sect);
        }
        value_text(c, o, val, sizeof val);
        if (strchr(val, '"') != NULL) {
            fclose(m);
            free(out);
            return kwh_err_set(e, KWH_EINVAL, "[%s] %s: a value cannot contain '\"'", sect,
                               colon + 1);
        }
        fprintf(m, "; %s\n", o->help);
        if (needs_quotes(val))
            fprintf(m, "%s = \"%s\"\n", colon + 1, val);
        else
            fprintf(m, "%s = %s\n", colon + 1, val);
    }
    if (fclose(m) != 0) {
        free(out);
        return kwh_err_set(e, KWH_EIO, "cannot build the configuration text");
    }
    rc = file_write_atomic(path, out, len, mode, e);
    free(out);
    return rc;
}

static bool every_key(const struct kwh_config *c, const struct opt *o)
{
    return strcmp(o->key, "ui:language") != 0 || c->language_set;
}

int config_save(const struct kwh_config *c, const char *path, struct kwh_err *e)
{
    return write_file(c, path, "; kwhpos configuration (see kwhpos.ini(5) for every setting)\n",
                      every_key, 0644, e);
}

static bool saved_station_key(const struct kwh_config *c, const struct opt *o)
{
    size_t i = (size_t)(o - opts);
    return station_key(o) && (c->station_keys[i / 8] & (1u << (i % 8))) != 0;
}

int config_station_save(struct kwh_config *c, const char *section_or_key, struct kwh_err *e)
{
    char path[KWH_PATH_MAX + 16], k[64];
    size_t n = strlen(section_or_key);
    const char *dot = strchr(section_or_key, '.');
    int rc;

    if (n >= sizeof k)
        return kwh_err_set(e, KWH_EINVAL, "'%s': no such setting", section_or_key);
    snprintf(k, sizeof k, "%s", section_or_key);
    if (dot != NULL)
        k[dot - section_or_key] = ':';
    for (size_t i = 0; i < KWH_ARRAY_LEN(opts); i++) {
        const struct opt *o = &opts[i];
        bool match =
            dot != NULL ? strcmp(o->key, k) == 0 : strncmp(o->key, k, n) == 0 && o->key[n] == ':';
        if (match && station_key(o))
            key_mark(c, i);
    }
    if (!join(path, sizeof path, c->station_dir, STATION_FILE))
        return kwh_err_set(e, KWH_EINVAL, "[station] dir: the path is too long");
    priv_raise(); /* the station's folder belongs to the program's group */
    rc = write_file(c, path,
                    "; kwhpos: this station's settings, written by kwhpos (通讯参数设置).\n"
                    "; They override the same keys of the INI; remove a key to go back to the\n"
                    "; INI's value. See kwhpos.ini(5).\n",
                    saved_station_key, 0644, e);
    priv_lower();
    return rc;
}

int config_station_save_reader(struct kwh_config *c, struct kwh_err *e)
{
    return config_station_save(c, "reader", e);
}

const struct kwh_stmt_map *config_statement(const struct kwh_config *c, int pay)
{
    switch (pay) {
    case KWH_PAY_WECHAT: return &c->statement[0];
    case KWH_PAY_ALIPAY: return &c->statement[1];
    case KWH_PAY_CARD: return &c->statement[2];
    case KWH_PAY_TRANSFER: return &c->statement[3];
    default: return NULL;
    }
}

static const char *const statement_sections[4] = {"reconcile_wechat", "reconcile_alipay",
                                                  "reconcile_card", "reconcile_transfer"};

static int statement_index(int pay)
{
    switch (pay) {
    case KWH_PAY_WECHAT: return 0;
    case KWH_PAY_ALIPAY: return 1;
    case KWH_PAY_CARD: return 2;
    case KWH_PAY_TRANSFER: return 3;
    default: return -1;
    }
}

const char *config_statement_section(int pay)
{
    int i = statement_index(pay);
    return i < 0 ? NULL : statement_sections[i];
}

char *config_statement_dir(struct kwh_config *c, int pay)
{
    int i = statement_index(pay);
    return i < 0 ? NULL : c->statement_dir[i];
}

const char *config_db(const struct kwh_config *c)
{
    return c->db_url[0] != '\0' ? c->db_url : c->db_path;
}

const char *config_language(const struct kwh_config *c, const char *term)
{
    if (c->language_set)
        return c->language;
    if (term != NULL && strcmp(term, "linux") == 0)
        return "en";
    return "zh_CN";
}

const char *config_key(size_t i, const char **help)
{
    static char name[64];
    const char *colon;
    if (i >= KWH_ARRAY_LEN(opts))
        return NULL;
    colon = strchr(opts[i].key, ':');
    snprintf(name, sizeof name, "%.*s.%s", (int)(colon - opts[i].key), opts[i].key, colon + 1);
    if (help)
        *help = opts[i].help;
    return name;
}
