/* SPDX-License-Identifier: Apache-2.0 */
/* Fixed-point decimal text and UTF-8 helpers. */
#include "kwhpos/util.h"

#include <ctype.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

int fixed_parse(const char *s, int decimals, int64_t max, const char *what, int64_t *out,
                struct kwh_err *e)
{
    const char *p = s;
    bool neg = false, digits = false;
    int64_t ip = 0, fp = 0;
    int fd = 0;

    if (s == NULL)
        return kwh_err_set(e, KWH_EINVAL, "%s: no value given", what);
    while (*p == ' ')
        p++;
    if (*p == '-' || *p == '+') {
        neg = *p == '-';
        p++;
    }
    for (; isdigit((unsigned char)*p); p++) {
        digits = true;
        if (ip > 100000000000000LL || decimals > 6)
            return kwh_err_set(e, KWH_EINVAL, "%s: '%s' is too large", what, s);
        ip = ip * 10 + (*p - '0');
    }
    if (*p == '.') {
        p++;
        for (; isdigit((unsigned char)*p); p++) {
            digits = true;
            if (fd == decimals) {
                if (decimals == 0)
                    return kwh_err_set(e, KWH_EINVAL, "%s: '%s' must be a whole number", what, s);
                return kwh_err_set(e, KWH_EINVAL,
                                   "%s: '%s' has more than %d digit%s after the point", what, s,
                                   decimals, decimals == 1 ? "" : "s");
            }
            fp = fp * 10 + (*p - '0');
            fd++;
        }
    }
    while (*p == ' ')
        p++;
    if (!digits || *p != '\0')
        return kwh_err_set(e, KWH_EINVAL, "%s: '%s' is not a number", what, s);
    for (; fd < decimals; fd++)
        fp *= 10;
    for (int i = 0; i < decimals; i++)
        ip *= 10;
    ip += fp;
    if (ip > max)
        return kwh_err_set(e, KWH_EINVAL, "%s: '%s' is too large", what, s);
    *out = neg ? -ip : ip;
    return 0;
}

int meter_no_parse(const char *s, const char *what, uint32_t *out, struct kwh_err *e)
{
    const char *rule = kwh_tr(KWH_N("a meter number is exactly 8 digits, the last 8 of the "
                                    "number on the meter with any leading zeros (e.g. "
                                    "01234567)"));
    size_t n = s != NULL ? strlen(s) : 0;
    uint32_t v = 0;

    if (n == 0)
        return kwh_err_set(e, KWH_EINVAL, "%s: no meter number given; %s", what, rule);
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return kwh_err_set(e, KWH_EINVAL, "%s '%s': digits only; %s", what, s, rule);
    if (n != 8)
        return kwh_err_set(e, KWH_EINVAL, "%s '%s' has %zu digits; %s", what, s, n, rule);
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (uint32_t)(s[i] - '0');
    if (v == 0)
        return kwh_err_set(e, KWH_EINVAL, "%s '%s': 00000000 is not a meter number; %s", what, s,
                           rule);
    *out = v;
    return 0;
}

int fixed_format(int64_t v, int decimals, char *buf, size_t n)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t scale = 1;
    int len;

    for (int i = 0; i < decimals; i++)
        scale *= 10;
    if (decimals > 0)
        len = snprintf(buf, n, "%s%llu.%0*llu", v < 0 ? "-" : "", (unsigned long long)(mag / scale),
                       decimals, (unsigned long long)(mag % scale));
    else
        len = snprintf(buf, n, "%s%llu", v < 0 ? "-" : "", (unsigned long long)mag);
    if (len < 0 || (size_t)len >= n)
        return KWH_EINVAL;
    return len;
}

int utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c;
    int len;

    if (n == 0) {
        *cp = 0xFFFD;
        return 0;
    }
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    } else if ((u[0] & 0xE0) == 0xC0) {
        c = u[0] & 0x1F;
        len = 2;
    } else if ((u[0] & 0xF0) == 0xE0) {
        c = u[0] & 0x0F;
        len = 3;
    } else if ((u[0] & 0xF8) == 0xF0) {
        c = u[0] & 0x07;
        len = 4;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if ((size_t)len > n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (int i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        c = (c << 6) | (u[i] & 0x3F);
    }
    /* overlong forms, surrogates and out-of-range values are invalid */
    if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
        (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = c;
    return len;
}

bool utf8_valid(const char *s)
{
    return utf8_valid_n(s, strlen(s));
}

bool utf8_valid_n(const char *s, size_t n)
{
    while (n > 0) {
        uint32_t cp;
        int len = utf8_decode(s, n, &cp);
        if (cp == 0xFFFD && len == 1)
            return false;
        s += len;
        n -= (size_t)len;
    }
    return true;
}

int text_check_line(const char *what, const char *s, struct kwh_err *e)
{
    if (s == NULL || utf8_is_clean_line(s))
        return 0;
    if (!utf8_valid(s))
        return kwh_err_set(e, KWH_EINVAL,
                           "%s: the text is not UTF-8 (it was typed or saved in another "
                           "encoding, such as GBK): type it again in a UTF-8 terminal",
                           kwh_tr(what));
    return kwh_err_set(e, KWH_EINVAL,
                       "%s: enter one line of text (no line breaks, tabs or control characters)",
                       kwh_tr(what));
}

bool utf8_is_clean_line(const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        uint32_t cp;
        int len = utf8_decode(s, n, &cp);
        if (cp == 0xFFFD && len == 1)
            return false;
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
            return false;
        s += len;
        n -= (size_t)len;
    }
    return true;
}

/* The C library's wcwidth, as ncurses and the terminal count: in the UTF-8 C locale
 * whatever locale the program runs in (a unit test or the printing module may not have
 * called setlocale). */
int utf8_cp_width(uint32_t cp)
{
    static locale_t utf8;
    locale_t old;
    int w;

    if (cp == 0)
        return 0;
    if (cp < 0x7F)
        return 1;
    if (utf8 == (locale_t)0)
        utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (utf8 == (locale_t)0)
        return 1;
    old = uselocale(utf8);
    w = wcwidth((wchar_t)cp);
    uselocale(old);
    return w < 0 ? 1 : w; /* unassigned or a control: one cell, as a replacement shows */
}

int utf8_width(const char *s)
{
    size_t n = strlen(s);
    int w = 0;
    while (n > 0) {
        uint32_t cp;
        int len = utf8_decode(s, n, &cp);
        w += utf8_cp_width(cp);
        s += len;
        n -= (size_t)len;
    }
    return w;
}

size_t utf8_prefix_for_width(const char *s, int cols)
{
    size_t n = strlen(s), used = 0;
    int w = 0;
    while (used < n) {
        uint32_t cp;
        int len = utf8_decode(s + used, n - used, &cp);
        int cw = utf8_cp_width(cp);
        if (w + cw > cols)
            break;
        w += cw;
        used += (size_t)len;
    }
    return used;
}

bool str_copy(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);
    if (n == 0)
        return len == 0;
    if (len < n) {
        memcpy(dst, src, len + 1);
        return true;
    }
    /* cut at a code point boundary */
    size_t cut = n - 1;
    while (cut > 0 && ((unsigned char)src[cut] & 0xC0) == 0x80)
        cut--;
    memcpy(dst, src, cut);
    dst[cut] = '\0';
    return false;
}

bool str_is_digits(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return s[n] == '\0';
}
