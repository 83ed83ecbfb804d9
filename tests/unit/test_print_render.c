/* SPDX-License-Identifier: Apache-2.0 */
/* Rendering a form with values: alignment by display width, overflow, hidden titles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "kwhpos/print.h"
#include "ops.h"

struct fixture {
    struct print_form *form;
    struct print_vars *vars;
    struct print_page *page;
};

static struct fixture fx;

static int setup(void **state)
{
    (void)state;
    memset(&fx, 0, sizeof fx);
    fx.vars = print_vars_new();
    return fx.vars == NULL;
}

static int teardown(void **state)
{
    (void)state;
    print_page_free(fx.page);
    print_form_free(fx.form);
    print_vars_free(fx.vars);
    return 0;
}

static void set(int var, const char *value)
{
    struct kwh_err e = {0};
    assert_int_equal(print_vars_set(fx.vars, var, value, &e), 0);
}

static void render(const char *text)
{
    struct kwh_err e = {0};
    if (print_form_parse(text, strlen(text), "t.form", &fx.form, &e) != 0)
        fail_msg("%s", e.msg);
    if (print_render(fx.form, fx.vars, &fx.page, &e) != 0)
        fail_msg("%s", e.msg);
}

static void render__aligns_values_left_right_and_centre_by_display_width(void **state)
{
    (void)state;
    set(PRINT_VAR_CUSTOMER, "张三");
    set(PRINT_VAR_AMOUNT, "128.50");
    set(PRINT_VAR_UNIT, "物业");
    render("width 40\n---\n"
           "{customer   }|\n"
           "{amount   >}|\n"
           "{unit     ^}|\n");
    assert_int_equal(fx.page->nlines, 3);
    assert_string_equal(fx.page->lines[0], "张三         |");
    assert_string_equal(fx.page->lines[1], "      128.50|");
    assert_string_equal(fx.page->lines[2], "    物业    |");
}

static void render__places_fields_after_chinese_titles_at_their_columns(void **state)
{
    (void)state;
    set(PRINT_VAR_METER_NO, "12345678");
    set(PRINT_VAR_METER_TYPE, "三相互感");
    render("width 48\n---\n表号：{meter_no}  表类型：{meter_type}  ok\n");
    assert_string_equal(fx.page->lines[0], "表号：12345678    表类型：三相互感      ok");
    assert_int_equal(fx.page->overflows, 0);
}

static void render__cuts_long_text_at_a_character_boundary(void **state)
{
    (void)state;
    set(PRINT_VAR_UNIT, "阳光花园物业");
    set(PRINT_VAR_CUSTOMER, "abcdefghijklmnopq");
    render("width 40\n---\n{unit }|\n{customer}|\n");
    /* 7 columns: three Chinese characters (6) and a blank, never half a character */
    assert_string_equal(fx.page->lines[0], "阳光花 |");
    assert_string_equal(fx.page->lines[1], "abcdefghij|");
    assert_int_equal(fx.page->overflows, 2);
    assert_string_equal(fx.page->note,
                        "value '阳光花园物业' of field unit does not fit its 7 columns: "
                        "widen the field");
}

static void render__fills_an_exact_value_that_does_not_fit_with_hashes(void **state)
{
    (void)state;
    set(PRINT_VAR_AMOUNT, "123456789.90");
    set(PRINT_VAR_AMOUNT_CN, "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角");
    render("width 40\n---\n￥{amount  >}元\n{amount_cn         }|\n");
    assert_string_equal(fx.page->lines[0], "￥###########元");
    assert_string_equal(fx.page->lines[1], "####################|");
    assert_int_equal(fx.page->overflows, 2);
}

static void render__prints_unset_values_as_blanks_and_trims_line_ends(void **state)
{
    (void)state;
    render("width 30\n---\n用户：{customer      }   \n   \n{kwh     >}\n");
    assert_int_equal(fx.page->nlines, 3);
    assert_string_equal(fx.page->lines[0], "用户：");
    assert_string_equal(fx.page->lines[1], "");
    assert_string_equal(fx.page->lines[2], "");
}

static void render__leaves_out_titles_of_pre_printed_stationery(void **state)
{
    (void)state;
    set(PRINT_VAR_KWH, "10.00");
    render("width 30\ntitles hide\n---\n购电量：{kwh     >}kWh\n");
    assert_string_equal(fx.page->lines[0], "              10.00");
}

static void render__pads_a_fixed_height_page_with_blank_lines(void **state)
{
    (void)state;
    render("width 20\nheight 6\n---\n售电发票\n");
    assert_int_equal(fx.page->nlines, 6);
    assert_string_equal(fx.page->lines[0], "售电发票");
    for (int i = 1; i < 6; i++)
        assert_string_equal(fx.page->lines[i], "");
    assert_int_equal(fx.page->width, 20);
}

static void render__fits_a_wide_value_exactly_in_its_field(void **state)
{
    (void)state;
    set(PRINT_VAR_AMOUNT_CN, "壹仟零伍元零柒分");
    render("width 40\n---\n{amount_cn     }|\n");
    assert_string_equal(fx.page->lines[0], "壹仟零伍元零柒分|");
    assert_int_equal(fx.page->overflows, 0);
}

static void render__centre_puts_the_odd_column_on_the_right(void **state)
{
    (void)state;
    set(PRINT_VAR_KWH, "1.5");
    render("width 20\n---\n{kwh  ^}|\n");
    assert_string_equal(fx.page->lines[0], "  1.5   |");
}

static void page__from_text_expands_tabs_and_drops_control_characters(void **state)
{
    struct kwh_err e = {0};
    (void)state;
    assert_int_equal(print_page_from_text("日报表\na\tb\x07"
                                          "c  \n\xFFz",
                                          &fx.page, &e),
                     0);
    assert_int_equal(fx.page->nlines, 3);
    assert_string_equal(fx.page->lines[0], "日报表");
    assert_string_equal(fx.page->lines[1], "a       bc");
    assert_string_equal(fx.page->lines[2], "?z");
    assert_int_equal(fx.page->width, 10);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(render__aligns_values_left_right_and_centre_by_display_width),
        T(render__places_fields_after_chinese_titles_at_their_columns),
        T(render__cuts_long_text_at_a_character_boundary),
        T(render__fills_an_exact_value_that_does_not_fit_with_hashes),
        T(render__prints_unset_values_as_blanks_and_trims_line_ends),
        T(render__leaves_out_titles_of_pre_printed_stationery),
        T(render__pads_a_fixed_height_page_with_blank_lines),
        T(render__fits_a_wide_value_exactly_in_its_field),
        T(render__centre_puts_the_odd_column_on_the_right),
        T(page__from_text_expands_tabs_and_drops_control_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
