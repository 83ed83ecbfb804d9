/* SPDX-License-Identifier: Apache-2.0 */
/* Meter files: "key value" lines closed by a check line, so a hand edit shows as E9.
 *
 *   kwhsim-meter 1
 *   number 12345678
 *   profile kwh1          the card layout the meter reads
 *   ...
 *   check 1a2b            CRC-16 of every byte before this line */
#include "meter.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/cardprofile.h"
#include "kwhpos/frame.h"
#include "kwhpos/model.h"
#include "kwhpos/util.h"

#define METER_FILE_MAX 4096

bool meter_path(const char *dir, uint32_t number, char *buf, size_t n)
{
    int w = snprintf(buf, n, "%s/meter-%08" PRIu32 ".txt", dir, number);
    return w > 0 && (size_t)w < n;
}

void meter_init(struct meter *m, uint32_t number, int type, int rating_a, int constant,
                const struct card_profile *profile)
{
    memset(m, 0, sizeof *m);
    m->number = number;
    m->profile = profile;
    m->type = type;
    m->rating_a = rating_a;
    m->constant = constant;
    m->p.meter_type = (uint8_t)type;
    m->p.current_limit_a = (uint16_t)rating_a;
    m->p.ct_ratio = 1;
    m->relay_open = true;
    m->trip = METER_TRIP_CREDIT;
    m->display = -1;
    m->clock = 1700000000;
}

int meter_type_parse(const char *s)
{
    int t = model_meter_type_parse(s);
    return t > 0 ? t : 0;
}

const char *meter_type_zh(int type)
{
    const struct kwh_name *n = model_name(model_meter_types, KWH_METER_TYPES, type);
    return n ? n->zh : "?";
}

static void hex_out(char *dst, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        snprintf(dst + 2 * i, 3, "%02x", p[i]);
}

static bool hex_in(const char *s, uint8_t *out, size_t n)
{
    if (strlen(s) != 2 * n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            return false;
        out[i] = (uint8_t)v;
    }
    return true;
}

int meter_save(const char *path, const struct meter *m, struct kwh_err *e)
{
    char buf[METER_FILE_MAX], key[2 * KWH_KEY_LEN + 1] = "-", psc[2 * KWH_PSC_LEN + 1] = "-";
    int n;

    if (m->keyed) {
        hex_out(key, m->keys.mac_key, KWH_KEY_LEN);
        hex_out(psc, m->keys.psc, KWH_PSC_LEN);
    }
    n = snprintf(buf, sizeof buf,
                 "kwhsim-meter 1\nnumber %08" PRIu32 "\nprofile %s\ntype %s\nrating %d\n"
                 "constant %d\n"
                 "keyed %d\narea %s\nkey %s\npsc %s\ncount %u\ngeneration %u\n"
                 "remaining %" PRId64 "\nused %" PRId64 "\nbought %" PRId64 "\n"
                 "current_limit %u\nalarm %" PRIu32 "\noverdraft %" PRIu32 "\nhoard %" PRIu32 "\n"
                 "ct_ratio %u\nrelay %s\ntrip %d\noverdraft_on %d\noverload %d\n"
                 "relay_test %d\ntest_mode %d\npower %" PRId64 "\ndisplay %d\nclock %" PRIu32 "\n"
                 "preset %" PRId64 "\nmanaged %d\n",
                 m->number, m->profile->id, model_meter_type_name(m->type), m->rating_a,
                 m->constant, m->keyed, m->keyed ? m->keys.area_code : "-", key, psc, m->count,
                 m->generation, m->remaining, m->used, m->bought, m->p.current_limit_a,
                 m->p.alarm_ckwh, m->p.overdraft_ckwh, m->p.hoard_ckwh, m->p.ct_ratio,
                 m->relay_open ? "open" : "closed", m->trip, m->overdraft_on, m->overload,
                 m->relay_test, m->test_mode, m->power_w, m->display, m->clock, m->preset,
                 m->managed);
    if (n < 0 || (size_t)n + 16 >= sizeof buf)
        return kwh_err_set(e, KWH_EINVAL, "meter file too long");
    n += snprintf(buf + n, sizeof buf - (size_t)n, "check %04x\n",
                  frame_crc16((const uint8_t *)buf, (size_t)n));
    return file_write_atomic(path, buf, (size_t)n, 0644, e);
}

static int bad(struct kwh_err *e, const char *path, int line, const char *what)
{
    return kwh_err_set(e, KWH_EINVAL,
                       "meter file %s line %d: %s (make the meter again with `kwhsim new-meter`)",
                       path, line, what);
}

/* Reads "name value" into *v within [lo, hi]. */
static bool num(const char *val, int64_t lo, int64_t hi, int64_t *v)
{
    char *end;
    long long x;

    errno = 0;
    x = strtoll(val, &end, 10);
    if (errno || end == val || *end || x < lo || x > hi)
        return false;
    *v = x;
    return true;
}

static int field(struct meter *m, const char *name, const char *val)
{
    int64_t v = 0;
    const int64_t U16 = 65535, U32 = 4294967295LL, BIG = (int64_t)1 << 40;

#define NUM(key, lo, hi, dst)                                                                      \
    if (strcmp(name, key) == 0) {                                                                  \
        if (!num(val, lo, hi, &v))                                                                 \
            return -1;                                                                             \
        dst = v;                                                                                   \
        return 0;                                                                                  \
    }
    if (strcmp(name, "type") == 0)
        return (m->type = meter_type_parse(val)) ? 0 : -1;
    if (strcmp(name, "profile") == 0)
        return (m->profile = cardprofile_find(val)) != NULL ? 0 : -1;
    if (strcmp(name, "area") == 0) {
        if (strcmp(val, "-") == 0)
            return 0;
        if (!str_is_digits(val, 6))
            return -1;
        memcpy(m->keys.area_code, val, 7);
        return 0;
    }
    if (strcmp(name, "key") == 0)
        return strcmp(val, "-") == 0 || hex_in(val, m->keys.mac_key, KWH_KEY_LEN) ? 0 : -1;
    if (strcmp(name, "psc") == 0)
        return strcmp(val, "-") == 0 || hex_in(val, m->keys.psc, KWH_PSC_LEN) ? 0 : -1;
    if (strcmp(name, "relay") == 0) {
        if (strcmp(val, "open") != 0 && strcmp(val, "closed") != 0)
            return -1;
        m->relay_open = strcmp(val, "open") == 0;
        return 0;
    }
    NUM("number", 0, 99999999, m->number)
    NUM("rating", 1, 10000, m->rating_a)
    NUM("constant", 1, 100000, m->constant)
    NUM("keyed", 0, 1, m->keyed)
    NUM("count", 0, U16, m->count)
    NUM("generation", 0, U16, m->generation)
    NUM("remaining", -BIG, BIG, m->remaining)
    NUM("used", 0, BIG, m->used)
    NUM("bought", 0, BIG, m->bought)
    NUM("current_limit", 0, U16, m->p.current_limit_a)
    NUM("alarm", 0, U32, m->p.alarm_ckwh)
    NUM("overdraft", 0, U32, m->p.overdraft_ckwh)
    NUM("hoard", 0, U32, m->p.hoard_ckwh)
    NUM("ct_ratio", 1, U16, m->p.ct_ratio)
    NUM("trip", 0, METER_TRIP_REFUND, m->trip)
    NUM("overdraft_on", 0, 1, m->overdraft_on)
    NUM("overload", 0, 1, m->overload)
    NUM("relay_test", 0, 1, m->relay_test)
    NUM("test_mode", 0, 1, m->test_mode)
    NUM("power", 0, BIG, m->power_w)
    NUM("display", -1, KWH_MC_E00, m->display)
    NUM("clock", 0, U32, m->clock)
    NUM("preset", 0, BIG, m->preset)
    NUM("managed", 0, 1, m->managed)
#undef NUM
    return -1;
}

int meter_load(const char *path, struct meter *m, struct kwh_err *e)
{
    char *text, *line, *save = NULL, *check_at;
    size_t len;
    int lineno = 0, rc;
    unsigned check = 0;
    bool seen_check = false;

    if ((rc = file_read_all(path, METER_FILE_MAX, &text, &len, e)) < 0)
        return rc;
    memset(m, 0, sizeof *m);
    m->profile = cardprofile_default(); /* a file from before layouts could be chosen */
    m->p.ct_ratio = 1;
    m->display = -1;
    check_at = strstr(text, "\ncheck ");
    if (check_at != NULL) {
        seen_check = sscanf(check_at + 7, "%4x", &check) == 1;
        m->damaged = !seen_check ||
                     check != frame_crc16((const uint8_t *)text, (size_t)(check_at + 1 - text));
        check_at[1] = '\0';
    } else {
        m->damaged = true;
    }
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *sp;

        lineno++;
        if (lineno == 1) {
            if (strcmp(line, "kwhsim-meter 1") != 0) {
                free(text);
                return bad(e, path, 1, "not a kwhsim meter file");
            }
            continue;
        }
        sp = strchr(line, ' ');
        if (sp == NULL) {
            free(text);
            return bad(e, path, lineno, "expected \"name value\"");
        }
        *sp = '\0';
        if (field(m, line, sp + 1) < 0) {
            rc = bad(e, path, lineno, "unknown name or value out of range");
            free(text);
            return rc;
        }
    }
    free(text);
    if (m->number == 0 || m->type == 0 || m->rating_a == 0 || m->constant == 0)
        return bad(e, path, lineno, "number, type, rating or constant is missing");
    return 0;
}
