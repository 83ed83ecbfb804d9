/* SPDX-License-Identifier: Apache-2.0 */
/* 大写金额: amounts in fen to Chinese capital numerals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "kwhpos/print.h"

static void expect_capitals(int64_t fen, const char *want)
{
    char buf[256];
    struct kwh_err e = {0};

    assert_int_equal(print_capitals(fen, buf, sizeof buf, &e), 0);
    if (strcmp(buf, want) != 0)
        fail_msg("%lld fen: got %s, want %s", (long long)fen, buf, want);
}

static void capitals__writes_zero_as_zero_yuan_whole(void **state)
{
    (void)state;
    expect_capitals(0, "零元整");
}

static void capitals__writes_cents_alone_without_yuan(void **state)
{
    (void)state;
    expect_capitals(5, "伍分");
    expect_capitals(50, "伍角");
    expect_capitals(55, "伍角伍分");
}

static void capitals__writes_whole_yuan_with_zheng(void **state)
{
    (void)state;
    expect_capitals(100, "壹元整");
    expect_capitals(1000, "壹拾元整");
    expect_capitals(10000, "壹佰元整");
}

static void capitals__writes_1005_07_with_zero_marks(void **state)
{
    (void)state;
    expect_capitals(100507, "壹仟零伍元零柒分");
}

static void capitals__writes_zero_before_jiao_when_the_yuan_digit_is_zero(void **state)
{
    (void)state;
    expect_capitals(10000010, "壹拾万元零壹角");
    expect_capitals(1050, "壹拾元零伍角");
    expect_capitals(168032, "壹仟陆佰捌拾元零叁角贰分");
}

static void capitals__writes_no_zheng_after_jiao(void **state)
{
    (void)state;
    expect_capitals(150, "壹元伍角");
    expect_capitals(140950, "壹仟肆佰零玖元伍角");
}

static void capitals__writes_the_largest_eight_digit_amount(void **state)
{
    (void)state;
    expect_capitals(9999999999LL, "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分");
}

static void capitals__writes_one_zero_for_a_run_of_zeros(void **state)
{
    (void)state;
    expect_capitals(600714, "陆仟零柒元壹角肆分");
    expect_capitals(100100, "壹仟零壹元整");
    expect_capitals(10000100, "壹拾万零壹元整");
}

static void capitals__writes_wan_and_yi_groups(void **state)
{
    (void)state;
    expect_capitals(100000000, "壹佰万元整");
    expect_capitals(10001000000LL, "壹亿零壹万元整");
    expect_capitals(10000000000LL, "壹亿元整");
    expect_capitals(10700053, "壹拾万柒仟元零伍角叁分");
    expect_capitals(11000000000LL, "壹亿壹仟万元整");
    expect_capitals(10010000000LL, "壹亿零壹拾万元整");
}

static void capitals__writes_wan_yi_for_the_fourth_group(void **state)
{
    (void)state;
    expect_capitals(100000000000000LL, "壹万亿元整");
    expect_capitals(100010000000000LL, "壹万零壹亿元整");
    expect_capitals(100000010000000LL, "壹万亿零壹拾万元整");
    expect_capitals(999999999999999999LL,
                    "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分");
}

static void capitals__writes_negative_amounts_with_fu(void **state)
{
    (void)state;
    expect_capitals(-1000, "负壹拾元整");
    expect_capitals(-5, "负伍分");
}

static void capitals__writes_teens_with_yi_shi(void **state)
{
    (void)state;
    expect_capitals(1500, "壹拾伍元整");
    expect_capitals(150000, "壹仟伍佰元整");
    expect_capitals(1500000, "壹万伍仟元整");
    expect_capitals(11000000, "壹拾壹万元整");
}

static void capitals__covers_a_table_of_amounts(void **state)
{
    static const struct {
        int64_t fen;
        const char *want;
    } t[] = {
        {1, "壹分"},
        {10, "壹角"},
        {101, "壹元零壹分"},
        {110, "壹元壹角"},
        {155, "壹元伍角伍分"},
        {111, "壹元壹角壹分"},
        {2000, "贰拾元整"},
        {2001, "贰拾元零壹分"},
        {10100, "壹佰零壹元整"},
        {11000, "壹佰壹拾元整"},
        {100000, "壹仟元整"},
        {1000000, "壹万元整"},
        {1000100, "壹万零壹元整"},
        {1001000, "壹万零壹拾元整"},
        {1010000, "壹万零壹佰元整"},
        {1100000, "壹万壹仟元整"},
        {2030405, "贰万零叁佰零肆元零伍分"},
        {12345678, "壹拾贰万叁仟肆佰伍拾陆元柒角捌分"},
        {9999999999LL, "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"},
        {10000000001LL, "壹亿元零壹分"},
        {12850, "壹佰贰拾捌元伍角"},
        {1640902, "壹万陆仟肆佰零玖元零贰分"},
        {32504, "叁佰贰拾伍元零肆分"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        expect_capitals(t[i].fen, t[i].want);
}

static void capitals__refuses_amounts_of_ten_quadrillion_yuan(void **state)
{
    char buf[256];
    struct kwh_err e = {0};
    (void)state;
    assert_int_equal(print_capitals(1000000000000000000LL, buf, sizeof buf, &e), KWH_EINVAL);
    assert_int_equal(print_capitals(INT64_MIN, buf, sizeof buf, &e), KWH_EINVAL);
    assert_int_equal(print_capitals(INT64_MAX, buf, sizeof buf, &e), KWH_EINVAL);
}

static void capitals__refuses_a_small_buffer(void **state)
{
    char buf[8];
    struct kwh_err e = {0};
    (void)state;
    assert_int_equal(print_capitals(100507, buf, sizeof buf, &e), KWH_EINVAL);
    assert_int_equal(print_capitals(5, buf, sizeof buf, &e), 0); /* 伍分: 6 bytes */
}

static void vars__set_amount_fills_figures_and_capitals_from_one_value(void **state)
{
    struct print_vars *v = print_vars_new();
    struct kwh_err e = {0};
    (void)state;
    assert_non_null(v);
    assert_int_equal(print_vars_set_amount(v, 100507, &e), 0);
    assert_string_equal(print_vars_get(v, PRINT_VAR_AMOUNT), "1005.07");
    assert_string_equal(print_vars_get(v, PRINT_VAR_AMOUNT_CN), "壹仟零伍元零柒分");
    assert_int_equal(print_vars_set_amount(v, -5, &e), 0);
    assert_string_equal(print_vars_get(v, PRINT_VAR_AMOUNT), "-0.05");
    assert_string_equal(print_vars_get(v, PRINT_VAR_AMOUNT_CN), "负伍分");
    print_vars_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(capitals__writes_zero_as_zero_yuan_whole),
        cmocka_unit_test(capitals__writes_cents_alone_without_yuan),
        cmocka_unit_test(capitals__writes_whole_yuan_with_zheng),
        cmocka_unit_test(capitals__writes_1005_07_with_zero_marks),
        cmocka_unit_test(capitals__writes_zero_before_jiao_when_the_yuan_digit_is_zero),
        cmocka_unit_test(capitals__writes_no_zheng_after_jiao),
        cmocka_unit_test(capitals__writes_the_largest_eight_digit_amount),
        cmocka_unit_test(capitals__writes_one_zero_for_a_run_of_zeros),
        cmocka_unit_test(capitals__writes_wan_and_yi_groups),
        cmocka_unit_test(capitals__writes_wan_yi_for_the_fourth_group),
        cmocka_unit_test(capitals__writes_negative_amounts_with_fu),
        cmocka_unit_test(capitals__writes_teens_with_yi_shi),
        cmocka_unit_test(capitals__covers_a_table_of_amounts),
        cmocka_unit_test(capitals__refuses_amounts_of_ten_quadrillion_yuan),
        cmocka_unit_test(capitals__refuses_a_small_buffer),
        cmocka_unit_test(vars__set_amount_fills_figures_and_capitals_from_one_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
