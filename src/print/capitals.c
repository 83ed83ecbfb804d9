/* SPDX-License-Identifier: Apache-2.0 */
/* Amounts in Chinese capital numerals (大写金额), by the rules of the People's Bank of
 * China for bills and vouchers; the choices where the rules allow two forms are
 * listed in docs/forms.md. */
#include "kwhpos/print.h"

#include <stdio.h>
#include <string.h>

static const char *const digit[10] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};
static const char *const place[4] = {"", "拾", "佰", "仟"};

struct out {
    char buf[512];
    size_t len;
};

static void put(struct out *o, const char *s)
{
    size_t n = strlen(s);
    if (o->len + n < sizeof o->buf) { /* cannot fail: 16 digits need < 200 bytes */
        memcpy(o->buf + o->len, s, n);
        o->len += n;
        o->buf[o->len] = '\0';
    }
}

/* One group of four digits (1..9999): inner zeros collapse to one 零, trailing zeros
 * are silent. */
static void put_group(struct out *o, unsigned g)
{
    unsigned d[4] = {g % 10, g / 10 % 10, g / 100 % 10, g / 1000};
    bool started = false, zero = false;

    for (int i = 3; i >= 0; i--) {
        if (d[i] == 0) {
            zero = started;
            continue;
        }
        if (zero)
            put(o, digit[0]);
        zero = false;
        put(o, digit[d[i]]);
        put(o, place[i]);
        started = true;
    }
}

/* The whole-yuan part, 1 <= yuan < 10^16, grouped by 万 and 亿. */
static void put_yuan(struct out *o, uint64_t yuan)
{
    unsigned g[4];
    int top = 0;
    bool gap = false;

    for (int k = 0; k < 4; k++) {
        g[k] = (unsigned)(yuan % 10000);
        yuan /= 10000;
        if (g[k] != 0)
            top = k;
    }
    for (int k = top; k >= 0; k--) {
        if (g[k] == 0) {
            gap = true;
            if (k == 2 && g[3] != 0)
                put(o, "亿");
            continue;
        }
        if (k < top && (gap || g[k] < 1000))
            put(o, digit[0]);
        gap = false;
        put_group(o, g[k]);
        put(o, k == 1 || k == 3 ? "万" : k == 2 ? "亿" : "");
    }
}

int print_capitals(int64_t fen, char *buf, size_t n, struct kwh_err *e)
{
    uint64_t mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    uint64_t yuan = mag / 100;
    unsigned jiao = (unsigned)(mag / 10 % 10), cent = (unsigned)(mag % 10);
    struct out o = {.len = 0};

    o.buf[0] = '\0';
    if (yuan >= 10000000000000000ULL)
        return kwh_err_set(e, KWH_EINVAL, "amount is too large for capital numerals");
    if (fen < 0)
        put(&o, "负");
    if (yuan > 0) {
        put_yuan(&o, yuan);
        put(&o, "元");
    }
    if (jiao == 0 && cent == 0) {
        put(&o, yuan == 0 ? "零元整" : "整");
    } else {
        if (jiao != 0) {
            if (yuan % 10 == 0 && yuan > 0)
                put(&o, digit[0]);
            put(&o, digit[jiao]);
            put(&o, "角");
        }
        if (cent != 0) {
            if (jiao == 0 && yuan > 0)
                put(&o, digit[0]);
            put(&o, digit[cent]);
            put(&o, "分");
        }
    }
    if (o.len + 1 > n)
        return kwh_err_set(e, KWH_EINVAL, "buffer too small for capital numerals");
    memcpy(buf, o.buf, o.len + 1);
    return 0;
}
