/* SPDX-License-Identifier: Apache-2.0 */
/* kwhsim's meter commands: new-meter, meter-insert, use, show, overload. */
#include "meter.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kwhpos/util.h"
#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "simlayout.h"

const char sim_meter_usage[] =
    "\n"
    "Meters (NUMBER is the 8-digit meter number; state in DIR/meter-NUMBER.txt):\n"
    "  new-meter NUMBER [--type single|three-ct|three-direct] [--rating A]\n"
    "            [--constant IMP] [--preset KWH] [--profile ID] [--force]\n"
    "                                     an un-opened meter (单相/三相互感/三相直通 too)\n"
    "                                     that reads cards of layout ID (default: the\n"
    "                                     simulator's, --profile)\n"
    "  meter-insert NUMBER CARD [--bad-contact]\n"
    "                                     the meter reads the card, acts, writes its\n"
    "                                     return area; prints its answer and display\n"
    "  use NUMBER --kwh X | --kw P (--hours H | --minutes M)\n"
    "                                     the load uses energy (measured side)\n"
    "  show NUMBER                        the display items (manual 十二)\n"
    "  overload NUMBER on|off             an overload on the line (on trips the relay)\n";

static bool meter_number(const char *s, uint32_t *out)
{
    if (s == NULL || !str_is_digits(s, 8))
        return false;
    *out = (uint32_t)strtoul(s, NULL, 10);
    return true;
}

/* Loads meter NUMBER of dir into m, with its path in path. */
static int open_meter(const char *dir, const char *arg, struct meter *m, char *path, size_t n)
{
    struct kwh_err e;
    uint32_t number;

    if (!meter_number(arg, &number))
        return sim_fail("\"%s\" is not a meter number: give its 8 digits", arg ? arg : "");
    if (!meter_path(dir, number, path, n))
        return sim_fail("the directory path is too long");
    if (meter_load(path, m, &e) < 0) {
        if (e.code == KWH_ENOTFOUND)
            return sim_fail("no meter %s in %s: make it with `kwhsim new-meter %s`", arg, dir, arg);
        return sim_fail("%s", e.msg);
    }
    return 0;
}

static int save_meter(const char *path, const struct meter *m)
{
    struct kwh_err e;

    if (meter_save(path, m, &e) < 0)
        return sim_fail("%s", e.msg);
    return 0;
}

static int cmd_new(const char *dir, int argc, char **argv)
{
    struct meter m;
    struct kwh_err e;
    char path[PATH_MAX];
    uint32_t number;
    int type = KWH_METER_SINGLE;
    int64_t rating = 60, constant = 1600, preset = 0;
    bool force = false;
    const struct card_profile *profile = sim_profile();
    struct stat st;

    if (argc < 1 || !meter_number(argv[0], &number))
        return sim_fail("new-meter: give the meter number, 8 digits (kwhsim new-meter 12345678)");
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--force") == 0) {
            force = true;
        } else if (strcmp(argv[i], "--type") == 0 && v) {
            if ((type = meter_type_parse(v)) == 0)
                return sim_fail("--type %s: use single, three-ct or three-direct (单相, 三相互感, "
                                "三相直通)",
                                v);
            i++;
        } else if (strcmp(argv[i], "--rating") == 0 && v) {
            if (fixed_parse(v, 0, 1000, "--rating", &rating, &e) < 0 || rating < 1)
                return sim_fail("--rating %s: the maximum current in amperes, 1 to 1000", v);
            i++;
        } else if (strcmp(argv[i], "--constant") == 0 && v) {
            if (fixed_parse(v, 0, 100000, "--constant", &constant, &e) < 0 || constant < 1)
                return sim_fail("--constant %s: impulses per kWh, 1 to 100000", v);
            i++;
        } else if (strcmp(argv[i], "--profile") == 0 && v) {
            if ((profile = cardprofile_find(v)) == NULL)
                return sim_fail("--profile %s: no card layout has that name (kwh1, test)", v);
            i++;
        } else if (strcmp(argv[i], "--preset") == 0 && v) {
            if (fixed_parse(v, 2, 9999999, "--preset", &preset, &e) < 0 || preset < 0)
                return sim_fail("--preset %s: kWh the factory left in the meter, like 50 or 12.5",
                                v);
            i++;
        } else {
            return sim_fail("new-meter: unexpected \"%s\"", argv[i]);
        }
    }
    if (!meter_path(dir, number, path, sizeof path))
        return sim_fail("the directory path is too long");
    if (!force && stat(path, &st) == 0)
        return sim_fail("meter %s exists: use --force to replace it", argv[0]);
    meter_init(&m, number, type, (int)rating, (int)constant, profile);
    if (preset > 0) {
        m.remaining = preset;
        m.preset = preset;
        m.relay_open = false;
        m.trip = METER_TRIP_NONE;
    }
    if (save_meter(path, &m))
        return 2;
    printf("meter %08" PRIu32 " (%s, %d A, C=%d, card layout %s), un-opened\n", number,
           meter_type_zh(type), (int)rating, (int)constant, profile->id);
    return 0;
}

static int cmd_insert(const char *dir, int argc, char **argv)
{
    struct meter m;
    struct sim_card c;
    struct kwh_err e;
    char mpath[PATH_MAX], cpath[PATH_MAX], real[PATH_MAX];
    bool bad_contact = false;
    int code;

    if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "--bad-contact") != 0))
        return sim_fail("usage: kwhsim meter-insert NUMBER CARD [--bad-contact]");
    bad_contact = argc == 3;
    if (open_meter(dir, argv[0], &m, mpath, sizeof mpath))
        return 2;
    if (!sim_card_path(dir, argv[1], cpath, sizeof cpath))
        return sim_fail("the card name %s is too long", argv[1]);
    if (simcard_load(cpath, &c, &e) < 0)
        return sim_fail("%s", e.msg);
    if (realpath(cpath, real) != NULL && simctl_card_in_reader(dir, real))
        return sim_fail("the card %s is in the reader: take it out first (kwhsim eject)", argv[1]);
    code = meter_insert(&m, &c, bad_contact);
    if (simcard_save(cpath, &c, &e) < 0)
        return sim_fail("%s", e.msg);
    /* a damaged meter keeps its damaged file: saving would write a fresh check line */
    if (!m.damaged && save_meter(mpath, &m))
        return 2;
    printf("meter %08" PRIu32 ": %s\n", m.number, meter_code_name(code));
    meter_show(&m, stdout);
    return 0;
}

static int cmd_use(const char *dir, int argc, char **argv)
{
    struct meter m;
    struct kwh_err e;
    char path[PATH_MAX];
    int64_t kwh = -1, kw = -1, hours = -1, minutes = -1, ckwh, seconds = 0;

    if (argc < 1)
        return sim_fail("usage: kwhsim use NUMBER --kwh X | --kw P (--hours H | --minutes M)");
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int64_t *dst = strcmp(argv[i], "--kwh") == 0       ? &kwh
                       : strcmp(argv[i], "--kw") == 0      ? &kw
                       : strcmp(argv[i], "--hours") == 0   ? &hours
                       : strcmp(argv[i], "--minutes") == 0 ? &minutes
                                                           : NULL;
        if (dst == NULL || v == NULL)
            return sim_fail("use: unexpected \"%s\" (usage: kwhsim use NUMBER --kwh X | --kw P "
                            "(--hours H | --minutes M))",
                            argv[i]);
        if (fixed_parse(v, 2, 10000000, argv[i], dst, &e) < 0 || *dst < 0)
            return sim_fail("%s %s: a number like 12.5 (at most two decimals)", argv[i], v);
        i++;
    }
    if (kwh >= 0 && kw < 0 && hours < 0 && minutes < 0) {
        ckwh = kwh;
    } else if (kwh < 0 && kw >= 0 && (hours >= 0) != (minutes >= 0)) {
        /* kw and hours are in hundredths: W = kw*10; Wh*100 = W * hours */
        if (hours >= 0) {
            ckwh = kw * 10 * hours / 1000;
            seconds = hours * 36;
        } else {
            ckwh = kw * 10 * minutes / 60000;
            seconds = minutes * 60 / 100;
        }
    } else {
        return sim_fail("use: give either --kwh X, or --kw P with --hours H or --minutes M");
    }
    if (open_meter(dir, argv[0], &m, path, sizeof path))
        return 2;
    if (m.damaged)
        return sim_fail("meter %s shows E9 (memory checksum error): make it again with new-meter "
                        "--force",
                        argv[0]);
    meter_use(&m, ckwh, kw >= 0 ? kw * 10 : 0, seconds, stdout);
    if (save_meter(path, &m))
        return 2;
    meter_show(&m, stdout);
    return 0;
}

static int cmd_show(const char *dir, int argc, char **argv)
{
    struct meter m;
    char path[PATH_MAX];

    if (argc != 1)
        return sim_fail("usage: kwhsim show NUMBER");
    if (open_meter(dir, argv[0], &m, path, sizeof path))
        return 2;
    printf("meter %08" PRIu32 "\n", m.number);
    meter_show(&m, stdout);
    return 0;
}

static int cmd_overload(const char *dir, int argc, char **argv)
{
    struct meter m;
    char path[PATH_MAX];

    if (argc != 2 || (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0))
        return sim_fail("usage: kwhsim overload NUMBER on|off");
    if (open_meter(dir, argv[0], &m, path, sizeof path))
        return 2;
    m.overload = strcmp(argv[1], "on") == 0;
    if (m.overload && meter_relay_closed(&m)) {
        m.relay_open = true;
        m.relay_test = false;
        m.trip = METER_TRIP_OVERLOAD;
        m.power_w = 0;
        printf("过载拉闸 overload trip\n");
    } else if (!m.overload) {
        printf("overload gone; %s\n", m.trip == METER_TRIP_OVERLOAD
                                          ? "the relay closes at the next card insertion"
                                          : "nothing tripped");
    }
    if (save_meter(path, &m))
        return 2;
    meter_show(&m, stdout);
    return 0;
}

bool sim_meter_command(const char *dir, const char *verb, int argc, char **argv, int *status)
{
    if (strcmp(verb, "new-meter") == 0)
        *status = cmd_new(dir, argc, argv);
    else if (strcmp(verb, "meter-insert") == 0)
        *status = cmd_insert(dir, argc, argv);
    else if (strcmp(verb, "use") == 0)
        *status = cmd_use(dir, argc, argv);
    else if (strcmp(verb, "show") == 0)
        *status = cmd_show(dir, argc, argv);
    else if (strcmp(verb, "overload") == 0)
        *status = cmd_overload(dir, argc, argv);
    else if (strcmp(verb, "card-piece") == 0)
        *status = sim_card_piece(dir, argc, argv);
    else
        return false;
    return true;
}
