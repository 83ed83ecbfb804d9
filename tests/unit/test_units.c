/* SPDX-License-Identifier: Apache-2.0 */
/* Money and energy arithmetic: the rounding rules and the round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kwhpos/model.h"
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

/* --- 阶梯电价 ------------------------------------------------------------------------------ */

/* Zhejiang's residential ladder: up to 2760 kWh a year at 0.538, to 4800 at 0.588, above
 * at 0.838 yuan/kWh. */
static const struct kwh_tier zj[3] = {{276000, 5380}, {480000, 5880}, {0, 8380}};

static void tiers__a_kwh_sale_splits_at_each_bound(void **state)
{
    struct units_split u;
    (void)state;
    /* the whole first tier, to the last 0.01 kWh */
    units_tiers_for_energy(zj, 3, 0, 0, 276000, &u);
    assert_int_equal(u.n, 1);
    assert_int_equal(u.tier[0], 1);
    assert_int_equal(u.fen[0], 148488);
    assert_int_equal(u.amount_fen, 148488);
    /* one 0.01 kWh short of the bound: 0.01 in tier 1, 0.01 in tier 2, each rounded */
    units_tiers_for_energy(zj, 3, 0, 275999, 2, &u);
    assert_int_equal(u.n, 2);
    assert_int_equal(u.tier[0], 1);
    assert_int_equal(u.ckwh[0], 1);
    assert_int_equal(u.tier[1], 2);
    assert_int_equal(u.ckwh[1], 1);
    assert_int_equal(u.fen[0], 1); /* 0.00538 -> 0.01 (half up) */
    assert_int_equal(u.fen[1], 1);
    /* standing exactly on the bound: all of it in tier 2 */
    units_tiers_for_energy(zj, 3, 0, 276000, 100, &u);
    assert_int_equal(u.n, 1);
    assert_int_equal(u.tier[0], 2);
    /* across all three */
    units_tiers_for_energy(zj, 3, 0, 0, 500000, &u);
    assert_int_equal(u.n, 3);
    assert_int_equal(u.ckwh[0], 276000);
    assert_int_equal(u.ckwh[1], 204000);
    assert_int_equal(u.ckwh[2], 20000);
    assert_int_equal(u.fen[1], 119952);
    assert_int_equal(u.fen[2], 16760);
    assert_int_equal(u.energy_ckwh, 500000);
    assert_int_equal(u.amount_fen, 148488 + 119952 + 16760);
    /* far past the last bound */
    units_tiers_for_energy(zj, 3, 0, 900000, 1000, &u);
    assert_int_equal(u.n, 1);
    assert_int_equal(u.tier[0], 3);
    assert_int_equal(u.fen[0], 838);
}

static void tiers__an_extra_allowance_raises_every_bound(void **state)
{
    struct units_split u;
    (void)state;
    /* 100 kWh more: 2860 kWh in tier 1, tier 2 to 4900 */
    units_tiers_for_energy(zj, 3, 10000, 276000, 10000, &u);
    assert_int_equal(u.n, 1);
    assert_int_equal(u.tier[0], 1);
    units_tiers_for_energy(zj, 3, 10000, 286000, 204100, &u);
    assert_int_equal(u.n, 2);
    assert_int_equal(u.tier[0], 2);
    assert_int_equal(u.ckwh[0], 204000);
    assert_int_equal(u.tier[1], 3);
    assert_int_equal(u.ckwh[1], 100);
    /* without it, the same purchase is 194000 in tier 2 */
    units_tiers_for_energy(zj, 3, 0, 286000, 204100, &u);
    assert_int_equal(u.ckwh[0], 194000);
    assert_int_equal(u.ckwh[1], 10100);
}

static void tiers__an_amount_buys_what_it_pays_for_and_the_parts_add_up(void **state)
{
    struct units_split u;
    (void)state;
    /* 1 kWh left in tier 1 (0.538), 1.00 yuan: 1 kWh there, then 0.462 / 0.588 -> 0.78 */
    units_tiers_for_amount(zj, 3, 0, 275900, 100, &u);
    assert_int_equal(u.n, 2);
    assert_int_equal(u.ckwh[0], 100);
    assert_int_equal(u.ckwh[1], 78);
    assert_int_equal(u.fen[0], 53); /* 53.8 fen rounded down ... */
    assert_int_equal(u.fen[1], 47); /* ... the last part takes the rest */
    assert_int_equal(u.amount_fen, 100);
    assert_int_equal(u.energy_ckwh, 178);
    /* too little for 0.01 kWh in the tier the account stands in */
    units_tiers_for_amount(zj, 3, 0, 480000, 0, &u);
    assert_int_equal(u.n, 0);
    units_tiers_for_amount(zj, 3, 0, 480000, 1, &u);
    assert_int_equal(u.n, 1);
    assert_int_equal(u.ckwh[0], 1); /* 0.01 yuan buys 0.01 kWh at 0.838 */
    /* a tier already past is skipped even when its price is higher than the next's */
    {
        const struct kwh_tier odd[3] = {{100, 900000}, {200, 5000}, {0, 6000}};
        units_tiers_for_amount(odd, 3, 0, 100, 100, &u);
        assert_int_equal(u.n, 2);
        assert_int_equal(u.tier[0], 2);
        assert_int_equal(u.ckwh[0], 100);
        assert_int_equal(u.tier[1], 3);
    }
}

/* Exact cost, in 0.0001 fen, of the energy between from and to in the period. */
static int64_t ladder_cost(int64_t from, int64_t to)
{
    int64_t bounds[3] = {276000, 480000, INT64_MAX / 16}, lo = 0, cost = 0;
    for (int i = 0; i < 3; i++) {
        int64_t a = from > lo ? from : lo, b = to < bounds[i] ? to : bounds[i];
        if (b > a)
            cost += (b - a) * zj[i].price;
        lo = bounds[i];
    }
    return cost;
}

/* Energy of the period between from and to that lies in tier i (0-based). */
static int64_t ladder_part(int i, int64_t from, int64_t to)
{
    int64_t lo = i == 0 ? 0 : zj[i - 1].upto_ckwh, hi = i == 2 ? INT64_MAX / 16 : zj[i].upto_ckwh;
    int64_t a = from > lo ? from : lo, b = to < hi ? to : hi;
    return b > a ? b - a : 0;
}

/* A year of sales, by kWh and by amount in turn, across the ladder: each sale's parts are
 * what the tier bounds and the exact prices say, computed here without the split. */
static void tiers__a_year_across_the_zhejiang_ladder(void **state)
{
    uint32_t seed = 20260101;
    int64_t used = 0, tier_total[3] = {0, 0, 0}, paid = 0;
    (void)state;
    for (int day = 0; day < 365; day++) {
        struct units_split u;
        int64_t v;
        seed = seed * 1103515245u + 12345u;
        v = (int64_t)((seed >> 8) % 5000) + 1; /* up to 50 kWh, or 50 yuan */
        if (day % 2 == 0) {
            units_tiers_for_energy(zj, 3, 0, used, v, &u);
            assert_int_equal(u.energy_ckwh, v);
            int64_t sum = 0;
            for (int k = 0; k < u.n; k++) {
                int t = u.tier[k] - 1;
                assert_int_equal(u.ckwh[k], ladder_part(t, used, used + v));
                /* half up to the fen */
                assert_int_equal(u.fen[k], (u.ckwh[k] * zj[t].price + 5000) / 10000);
                sum += u.fen[k];
            }
            assert_int_equal(u.amount_fen, sum);
        } else {
            units_tiers_for_amount(zj, 3, 0, used, v, &u);
            /* the most energy the money pays for at the exact prices */
            assert_true(ladder_cost(used, used + u.energy_ckwh) <= v * 10000);
            assert_true(ladder_cost(used, used + u.energy_ckwh + 1) > v * 10000);
            assert_int_equal(u.amount_fen, v);
            for (int k = 0; k < u.n; k++)
                assert_int_equal(u.ckwh[k], ladder_part(u.tier[k] - 1, used, used + u.energy_ckwh));
        }
        for (int k = 0; k < u.n; k++)
            tier_total[u.tier[k] - 1] += u.ckwh[k];
        paid += u.amount_fen;
        used += u.energy_ckwh;
    }
    /* the year's energy lies in the tiers as the bounds say */
    assert_true(used > 480000); /* the year reached the third tier */
    assert_int_equal(tier_total[0], 276000);
    assert_int_equal(tier_total[1], 204000);
    assert_int_equal(tier_total[2], used - 480000);
    /* and the money is the exact cost within a fen per sale */
    assert_true(paid * 10000 - ladder_cost(0, used) < 365 * 10000);
    assert_true(ladder_cost(0, used) - paid * 10000 < 365 * 5000);
}

static void recovery__a_percentage_rounds_down_and_never_exceeds_owed_or_room(void **state)
{
    (void)state;
    assert_int_equal(units_recover_percent(10000, 10, 5000, 9000), 1000);
    assert_int_equal(units_recover_percent(333, 10, 5000, 9000), 33);     /* 33.3 -> 33 */
    assert_int_equal(units_recover_percent(10000, 10, 700, 9000), 700);   /* owed */
    assert_int_equal(units_recover_percent(10000, 50, 9000, 2000), 2000); /* room */
    assert_int_equal(units_recover_percent(10000, 10, 5000, -5), 0);
    assert_int_equal(units_recover_percent(10000, 100, 99999, 10000), 10000);
    /* on top of a fixed cost: r <= 10% of (base + r) */
    assert_int_equal(units_recover_percent_on_top(9000, 10, 5000), 1000);
    assert_int_equal(units_recover_percent_on_top(9001, 10, 5000), 1000); /* 1000.1 -> 1000 */
    for (int64_t base = 1; base < 3000; base += 7) {
        int64_t r = units_recover_percent_on_top(base, 15, 1000000);
        assert_true(r * 100 <= 15 * (base + r));
        assert_true((r + 1) * 100 > 15 * (base + r + 1));
    }
    assert_int_equal(units_recover_percent_on_top(9000, 100, 1234), 1234);
    assert_int_equal(units_recover_percent_on_top(9000, 50, 10), 10);
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
        cmocka_unit_test(tiers__a_kwh_sale_splits_at_each_bound),
        cmocka_unit_test(tiers__an_extra_allowance_raises_every_bound),
        cmocka_unit_test(tiers__an_amount_buys_what_it_pays_for_and_the_parts_add_up),
        cmocka_unit_test(tiers__a_year_across_the_zhejiang_ladder),
        cmocka_unit_test(recovery__a_percentage_rounds_down_and_never_exceeds_owed_or_room),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
