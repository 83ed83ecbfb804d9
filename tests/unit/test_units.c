/* SPDX-License-Identifier: Apache-2.0 */
/* Money and energy arithmetic: the rounding rules and the round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kwhpos/units.h"
#include "kwhpos/util.h"

static void units__charge_for_energy_rounds_half_up_to_the_fen(void **state)
{
    (void)state;
    /* 100.00 kWh at 0.5283 = 52.83 yuan */
    assert_int_equal(units_amount_for_energy(10000, 5283), 5283);
    /* 1.00 kWh at 0.5283 = 0.5283 -> 0.53 */
    assert_int_equal(units_amount_for_energy(100, 5283), 53);
    /* 0.01 kWh at 0.5250 = 0.00525 -> 0.01 (half up) */
    assert_int_equal(units_amount_for_energy(1, 5000), 1);
    assert_int_equal(units_amount_for_energy(1, 4999), 0);
    assert_int_equal(units_amount_for_energy(0, 5283), 0);
    assert_int_equal(units_amount_for_energy(-100, 5283), -53);
}

static void units__energy_for_amount_never_exceeds_what_was_paid(void **state)
{
    (void)state;
    /* 100.00 yuan at 0.5283 = 189.286... kWh -> 189.28 */
    assert_int_equal(units_energy_for_amount(10000, 5283), 18928);
    assert_int_equal(units_energy_for_amount(1, 5283), 1);  /* 0.01 yuan -> 0.0189 -> 0.01 */
    assert_int_equal(units_energy_for_amount(1, 20000), 0); /* 0.01 yuan at 2 yuan/kWh */
    assert_int_equal(units_energy_for_amount(100, 0), 0);
}

static void units__refunds_round_in_the_sites_favour(void **state)
{
    (void)state;
    /* 1.00 kWh credit at 0.5283 -> 0.5283 -> 0.52 paid out */
    assert_int_equal(units_refund_for_energy(100, 5283), 52);
    /* 1.00 kWh debt -> 0.5283 -> 0.53 owed */
    assert_int_equal(units_refund_for_energy(-100, 5283), -53);
    assert_int_equal(units_refund_for_energy(0, 5283), 0);
}

/* For every amount 0.01 .. 300.00 yuan and many prices: the energy bought costs at most
 * the amount, and one more 0.01 kWh would cost more than the amount. */
static void units__amount_to_energy_round_trips_to_the_fen(void **state)
{
    static const int64_t prices[] = {1,    4999,  5000,  5283,  5610,  6180,  7777,  8500,
                                     9999, 10000, 10001, 12345, 15000, 33333, 99999, 999999};
    (void)state;
    for (size_t i = 0; i < sizeof prices / sizeof prices[0]; i++) {
        int64_t p = prices[i];
        for (int64_t a = 1; a <= 30000; a++) {
            int64_t e = units_energy_for_amount(a, p);
            /* exact cost of e (in 1e-6 yuan units) never exceeds the amount */
            assert_true(e * p <= a * 10000);
            assert_true((e + 1) * p > a * 10000);
        }
    }
}

/* The most that can be sold by amount into some room: its energy fits, one fen more
 * would not. */
static void units__amount_within_is_the_largest_that_fits(void **state)
{
    static const int64_t prices[] = {1, 4999, 5000, 5283, 7777, 10000, 12345, 99999, 999999};
    (void)state;
    assert_int_equal(units_amount_within(-1, 5283), 0);
    assert_int_equal(units_amount_within(0, 5283), 0);          /* 0.01 yuan would buy 0.01 kWh */
    assert_int_equal(units_amount_within(189000, 5283), 99849); /* 998.49 -> 1889.99 kWh */
    for (size_t i = 0; i < sizeof prices / sizeof prices[0]; i++) {
        for (int64_t room = 0; room <= 5000; room += 7) {
            int64_t a = units_amount_within(room, prices[i]);
            assert_true(units_energy_for_amount(a, prices[i]) <= room);
            assert_true(units_energy_for_amount(a + 1, prices[i]) > room);
        }
    }
}

/* Selling by energy then charging: the charge is within half a fen of the exact cost,
 * and the same energy sold again costs the same (no drift). */
static void units__energy_to_amount_is_within_half_a_fen(void **state)
{
    (void)state;
    for (int64_t p = 1; p <= 20000; p += 7) {
        for (int64_t e = 0; e <= 2000; e += 13) {
            int64_t a = units_amount_for_energy(e, p);
            int64_t exact = e * p; /* in 1e-4 fen */
            assert_true(a * 10000 - exact <= 5000);
            assert_true(exact - a * 10000 < 5000);
        }
    }
}

static void fixed__parses_money_and_energy_without_floats(void **state)
{
    int64_t v;
    struct kwh_err e;
    (void)state;
    assert_int_equal(fixed_parse("12.34", 2, 1000000, "amount", &v, &e), 0);
    assert_int_equal(v, 1234);
    assert_int_equal(fixed_parse(" 0.5 ", 2, 1000000, "amount", &v, &e), 0);
    assert_int_equal(v, 50);
    assert_int_equal(fixed_parse("7", 2, 1000000, "amount", &v, &e), 0);
    assert_int_equal(v, 700);
    assert_int_equal(fixed_parse("0.5283", 4, 999999, "price", &v, &e), 0);
    assert_int_equal(v, 5283);
    assert_int_equal(fixed_parse("-1.5", 2, 1000, "x", &v, &e), 0);
    assert_int_equal(v, -150);
    assert_int_equal(fixed_parse("1.234", 2, 1000000, "amount", &v, &e), KWH_EINVAL);
    assert_non_null(strstr(e.msg, "2 digits"));
    assert_int_equal(fixed_parse("", 2, 1000000, "amount", &v, &e), KWH_EINVAL);
    assert_int_equal(fixed_parse("1,5", 2, 1000000, "amount", &v, &e), KWH_EINVAL);
    assert_int_equal(fixed_parse("abc", 2, 1000000, "amount", &v, &e), KWH_EINVAL);
    assert_int_equal(fixed_parse("10001", 2, 1000000, "amount", &v, &e), KWH_EINVAL);
    assert_non_null(strstr(e.msg, "too large"));
    assert_int_equal(fixed_parse("99999999999999999999", 2, INT64_MAX, "x", &v, &e), KWH_EINVAL);
    assert_int_equal(fixed_parse(".", 2, 100, "x", &v, &e), KWH_EINVAL);
}

static void fixed__formats_back_exactly(void **state)
{
    char buf[32];
    (void)state;
    for (int64_t v = -100000; v <= 100000; v += 37) {
        int64_t back;
        assert_true(fixed_format(v, 2, buf, sizeof buf) > 0);
        assert_int_equal(fixed_parse(buf, 2, 10000000, "x", &back, NULL), 0);
        assert_int_equal(back, v);
    }
    fixed_format(-5, 2, buf, sizeof buf);
    assert_string_equal(buf, "-0.05");
    fixed_format(5283, 4, buf, sizeof buf);
    assert_string_equal(buf, "0.5283");
    assert_int_equal(fixed_format(123456, 2, buf, 4), KWH_EINVAL);
}

static void utf8__measures_chinese_by_display_columns(void **state)
{
    (void)state;
    assert_int_equal(utf8_width("售电"), 4);
    assert_int_equal(utf8_width("kWh"), 3);
    assert_int_equal(utf8_width("金额：￥12.00"), 13);
    assert_int_equal(utf8_prefix_for_width("售电系统", 5), 6);
    assert_true(utf8_is_clean_line("张三 101"));
    assert_false(utf8_is_clean_line("a\tb"));
    assert_false(utf8_is_clean_line("\xff\xfe"));
    char buf[5];
    assert_false(str_copy(buf, sizeof buf, "售电系统"));
    assert_string_equal(buf, "售");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(units__charge_for_energy_rounds_half_up_to_the_fen),
        cmocka_unit_test(units__energy_for_amount_never_exceeds_what_was_paid),
        cmocka_unit_test(units__refunds_round_in_the_sites_favour),
        cmocka_unit_test(units__amount_to_energy_round_trips_to_the_fen),
        cmocka_unit_test(units__amount_within_is_the_largest_that_fits),
        cmocka_unit_test(units__energy_to_amount_is_within_half_a_fen),
        cmocka_unit_test(fixed__parses_money_and_energy_without_floats),
        cmocka_unit_test(fixed__formats_back_exactly),
        cmocka_unit_test(utf8__measures_chinese_by_display_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
