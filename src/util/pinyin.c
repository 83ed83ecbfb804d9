/* SPDX-License-Identifier: Apache-2.0 */
/* Pinyin initials of a name (张三丰 -> zsf), for the customer search: the letters come
 * from the Unicode Han Database's Mandarin readings, turned into a table at build time
 * (tools/pinyin-gen.sh). */
#include <string.h>

#include "kwhpos/util.h"
#include "util/pinyin_table.h"

char pinyin_initial(uint32_t cp)
{
    size_t lo = 0, hi = pinyin_nsup;

    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ? (char)cp
               : (cp >= 'A' && cp <= 'Z')                           ? (char)(cp - 'A' + 'a')
                                                                    : 0;
    if (cp >= PINYIN_BMP_FIRST && cp <= PINYIN_BMP_LAST) {
        char c = pinyin_bmp[cp - PINYIN_BMP_FIRST];
        return c == '.' ? 0 : c;
    }
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        uint32_t at = pinyin_sup[mid] >> 8;
        if (at == cp)
            return (char)(pinyin_sup[mid] & 0xFF);
        if (at < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

size_t pinyin_initials(const char *s, char *buf, size_t n)
{
    size_t len = strlen(s), o = 0;

    if (n == 0)
        return 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        int step = utf8_decode(s + i, len - i, &cp);
        char c = pinyin_initial(cp);
        if (c != 0 && o + 1 < n)
            buf[o++] = c;
        i += step > 0 ? (size_t)step : 1;
    }
    buf[o] = '\0';
    return o;
}
