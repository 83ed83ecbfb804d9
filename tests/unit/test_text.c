/* SPDX-License-Identifier: Apache-2.0 */
/* Display width: glibc's wcwidth, the count ncurses and the terminal use, whatever
 * locale the caller runs in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "kwhpos/util.h"

static void width__counts_cjk_as_two_and_marks_as_zero(void **state)
{
    (void)state;
    assert_int_equal(utf8_width("abc"), 3);
    assert_int_equal(utf8_width("张三"), 4);
    assert_int_equal(utf8_width("ＡＢ"), 4);      /* full-width forms */
    assert_int_equal(utf8_width("e\xcc\x81"), 1); /* e + combining acute */
    assert_int_equal(utf8_width("😀"), 2);
}

/* The hand table this replaced counted each of these vowel signs as a column: a
 * Tibetan name shifted the columns after it. */
static void width__tibetan_vowel_signs_take_no_column(void **state)
{
    (void)state;
    /* བཀྲ་ཤིས་: BA, KA, subjoined RA, TSHEG, SHA, vowel sign I, SA, TSHEG */
    assert_int_equal(utf8_width("བཀྲ་ཤིས་"), 6);
    assert_int_equal(utf8_cp_width(0x0F72), 0);
    assert_int_equal(utf8_cp_width(0x0F92), 0); /* subjoined GA */
    /* a mark stays with its letter */
    assert_int_equal(utf8_prefix_for_width("བཀྲ་ཤིས་", 4), strlen("བཀྲ་ཤི"));
}

/* Every code point agrees with wcwidth in the UTF-8 locale (unprintable ones take a
 * cell, as the replacement character the terminal shows). */
static void width__agrees_with_wcwidth_everywhere(void **state)
{
    size_t differ = 0;
    (void)state;
    if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
        fail_msg("no C.UTF-8 locale");
    for (uint32_t cp = 1; cp <= 0x10FFFF; cp++) {
        int w;
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        w = wcwidth((wchar_t)cp);
        if (utf8_cp_width(cp) != (w < 0 ? 1 : w))
            differ++;
    }
    setlocale(LC_CTYPE, "C");
    assert_int_equal(differ, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(width__counts_cjk_as_two_and_marks_as_zero),
        cmocka_unit_test(width__tibetan_vowel_signs_take_no_column),
        cmocka_unit_test(width__agrees_with_wcwidth_everywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
