/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/util: the pinyin initials table, generated at build time from the Unihan
 * readings (tools/pinyin-gen.sh; build/gen/pinyin_table.c). */
#ifndef KWHPOS_UTIL_PINYIN_TABLE_H
#define KWHPOS_UTIL_PINYIN_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define PINYIN_BMP_FIRST 0x3400u
#define PINYIN_BMP_LAST 0x9FFFu

/* One letter per code point of PINYIN_BMP_FIRST..PINYIN_BMP_LAST, '.' for none. */
extern const char pinyin_bmp[];
/* Beyond the BMP: (code point << 8 | letter), sorted. */
extern const uint32_t pinyin_sup[];
extern const size_t pinyin_nsup;

#endif
