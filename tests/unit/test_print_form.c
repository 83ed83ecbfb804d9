/* SPDX-License-Identifier: Apache-2.0 */
/* The form file parser: what it accepts, and every error with its line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/print.h"

static struct print_form *parse_ok(const char *text)
{
    struct print_form *f = NULL;
    struct kwh_err e = {0};

    if (print_form_parse(text, strlen(text), "t.form", &f, &e) != 0)
        fail_msg("unexpected error: %s", e.msg);
    return f;
}

/* The message of a parse that must fail with KWH_EINVAL. */
static const char *parse_err(const char *text, size_t len)
{
    static struct kwh_err e;
    struct print_form *f = NULL;

    kwh_err_clear(&e);
    assert_int_equal(print_form_parse(text, len, "t.form", &f, &e), KWH_EINVAL);
    assert_null(f);
    return e.msg;
}

#define ERR(text) parse_err(text, strlen(text))

static void expect_prefix(const char *msg, const char *prefix)
{
    if (strncmp(msg, prefix, strlen(prefix)) != 0)
        fail_msg("message '%s' does not start with '%s'", msg, prefix);
}

static void form__reads_header_titles_and_fields_by_display_column(void **state)
{
    struct print_form *f = parse_ok("# a receipt\n"
                                    "name Test receipt\n"
                                    "width 40\n"
                                    "---\n"
                                    "      售电收据\n"
                                    "金额：{amount   >}元\n");
    const struct print_item *it;
    (void)state;

    assert_string_equal(print_form_name(f), "Test receipt");
    assert_int_equal(print_form_width(f), 40);
    assert_int_equal(print_form_lines(f), 2);
    assert_int_equal(print_form_height(f), 0);
    assert_int_equal(print_form_item_count(f), 4);
    it = print_form_item(f, 0);
    assert_int_equal(it->kind, PRINT_ITEM_TITLE);
    assert_string_equal(it->text, "售电收据");
    assert_int_equal(it->row, 0);
    assert_int_equal(it->col, 6);
    assert_int_equal(it->width, 8);
    it = print_form_item(f, 1);
    assert_string_equal(it->text, "金额：");
    assert_int_equal(it->col, 0);
    assert_int_equal(it->width, 6);
    it = print_form_item(f, 2);
    assert_int_equal(it->kind, PRINT_ITEM_FIELD);
    assert_int_equal(it->var, PRINT_VAR_AMOUNT);
    assert_int_equal(it->row, 1);
    assert_int_equal(it->col, 6);
    assert_int_equal(it->width, 12);
    assert_int_equal(it->align, PRINT_RIGHT);
    it = print_form_item(f, 3);
    assert_string_equal(it->text, "元");
    assert_int_equal(it->col, 18);
    print_form_free(f);
}

static void form__reads_alignment_marks(void **state)
{
    struct print_form *f = parse_ok("width 60\n---\n{kwh <} {kwh  >} {kwh  ^} {kwh}\n");
    (void)state;
    assert_int_equal(print_form_item_count(f), 4);
    assert_int_equal(print_form_item(f, 0)->align, PRINT_LEFT);
    assert_int_equal(print_form_item(f, 1)->align, PRINT_RIGHT);
    assert_int_equal(print_form_item(f, 2)->align, PRINT_CENTER);
    assert_int_equal(print_form_item(f, 3)->align, PRINT_LEFT);
    assert_int_equal(print_form_item(f, 3)->width, 5);
    print_form_free(f);
}

static void form__keeps_single_spaces_inside_a_title(void **state)
{
    struct print_form *f = parse_ok("width 40\n---\nTel: 0571 88  收款 单位 {unit}\n");
    (void)state;
    assert_int_equal(print_form_item_count(f), 3);
    assert_string_equal(print_form_item(f, 0)->text, "Tel: 0571 88");
    assert_string_equal(print_form_item(f, 1)->text, "收款 单位");
    assert_int_equal(print_form_item(f, 1)->col, 14);
    assert_int_equal(print_form_item(f, 2)->kind, PRINT_ITEM_FIELD);
    print_form_free(f);
}

static void form__accepts_crlf_lines_and_a_byte_order_mark(void **state)
{
    struct print_form *f = parse_ok("\xEF\xBB\xBFwidth 20\r\n---\r\n表号：{meter_no}\r\n");
    (void)state;
    assert_int_equal(print_form_item_count(f), 2);
    assert_int_equal(print_form_item(f, 1)->width, 10);
    print_form_free(f);
}

static void form__reads_height_font_size_and_hidden_titles(void **state)
{
    struct print_form *f = parse_ok("width 20\nheight 5\nfont-size 12\ntitles hide\n---\n"
                                    "a\n\n\n\n\n\n   \n");
    (void)state;
    assert_int_equal(print_form_height(f), 5);
    assert_int_equal(print_form_lines(f), 5);
    assert_int_equal(print_form_font_size(f), 12);
    assert_true(print_form_titles_hidden(f));
    print_form_free(f);
}

static void form__counts_trailing_blank_lines_as_page_lines(void **state)
{
    struct print_form *f = parse_ok("width 20\n---\na\n\n\n");
    (void)state;
    assert_int_equal(print_form_lines(f), 3);
    print_form_free(f);
}

static void form__reports_an_unknown_variable_with_a_suggestion(void **state)
{
    (void)state;
    assert_string_equal(ERR("width 40\n---\n\n金额：{amout   }\n"),
                        "t.form:4:8: unknown variable 'amout' (did you mean 'amount'?)");
}

static void form__reports_an_unknown_variable_without_a_likely_name(void **state)
{
    (void)state;
    expect_prefix(ERR("width 40\n---\n{zzzzzzzz}\n"), "t.form:3:2: unknown variable 'zzzzzzzz'; ");
}

static void form__reports_a_field_past_the_page_edge(void **state)
{
    (void)state;
    assert_string_equal(ERR("width 16\n---\n金额：{amount  >}\n"),
                        "t.form:3:7: field {amount} ends at column 17, past the page width 16: "
                        "move or shorten it, or widen the page");
}

static void form__reports_a_title_past_the_page_edge(void **state)
{
    (void)state;
    expect_prefix(ERR("width 10\n---\n{kwh}  售电发票\n"),
                  "t.form:3:8: text '售电发票' ends at column 15, past the page width 10");
}

static void form__reports_invalid_utf8_at_its_column(void **state)
{
    (void)state;
    assert_string_equal(ERR("width 20\n---\n表号\xC3(x\n"),
                        "t.form:3:5: invalid UTF-8 (byte 0xC3): save the file as UTF-8");
    expect_prefix(ERR("width 20\n---\nab\xFF\n"), "t.form:3:3: invalid UTF-8 (byte 0xFF)");
    expect_prefix(ERR("width 20\n---\n\xE5\x94\n"), "t.form:3:1: invalid UTF-8");
    expect_prefix(ERR("width 20\n---\n\xC0\xAF\n"), "t.form:3:1: invalid UTF-8");
}

static void form__reports_a_tab(void **state)
{
    (void)state;
    assert_string_equal(ERR("width 20\n---\n售电\t{kwh}\n"),
                        "t.form:3:5: tab character: use spaces, a tab has no fixed width on paper");
    expect_prefix(ERR("# note\twith tab\nwidth 20\n---\n"), "t.form:1:7: tab character");
}

static void form__reports_control_characters_and_nul_bytes(void **state)
{
    (void)state;
    expect_prefix(ERR("width 20\n---\nab\x1b"
                      "c\n"),
                  "t.form:3:3: control character U+001B");
    expect_prefix(parse_err("width 20\n---\nab\0c\n", 16), "t.form:3:3: control character U+0000");
}

static void form__reports_braces_that_do_not_make_a_field(void **state)
{
    (void)state;
    expect_prefix(ERR("width 20\n---\nab}\n"), "t.form:3:3: '}' without a '{'");
    expect_prefix(ERR("width 20\n---\n{kwh   \n"), "t.form:3:1: field {kwh has no closing '}'");
    expect_prefix(ERR("width 20\n---\n{ kwh}\n"), "t.form:3:2: a field starts with its name");
    expect_prefix(ERR("width 20\n---\n{}\n"), "t.form:3:2: '{' starts a field but no variable");
    expect_prefix(ERR("width 20\n---\n{kwh x}\n"),
                  "t.form:3:6: unexpected character in field {kwh}");
    expect_prefix(ERR("width 20\n---\n{kwh > }\n"),
                  "t.form:3:7: unexpected character in field {kwh}");
    expect_prefix(ERR("width 20\n---\n{kwh {kwh}}\n"), "t.form:3:6: '{' inside field {kwh}");
    expect_prefix(ERR("width 40\n---\n金额{amount：}\n"), "t.form:3:12: unexpected character");
}

static void form__reports_header_mistakes(void **state)
{
    (void)state;
    expect_prefix(ERR("name x\n---\nabc\n"), "t.form:2: the header has no 'width' line");
    expect_prefix(ERR("width 20\nabc\n"), "t.form:2:1: 'abc' is not a header setting");
    expect_prefix(ERR("width 20\n售电发票\n"), "t.form:2:1: '售电发票' is not a header setting");
    expect_prefix(ERR("width 20\nwidth 30\n---\n"), "t.form:2:1: 'width' is set twice");
    expect_prefix(ERR("width 7\n---\n"), "t.form:1: 'width' must be from 8 to 250, not 7");
    expect_prefix(ERR("width 251\n---\n"), "t.form:1: 'width' must be from 8 to 250");
    expect_prefix(ERR("width 4x\n---\n"),
                  "t.form:1: 'width' needs a number from 8 to 250, not '4x'");
    expect_prefix(ERR("width\n---\n"), "t.form:1: 'width' needs a number");
    expect_prefix(ERR("width 20\ntitles maybe\n---\n"),
                  "t.form:2:8: 'titles' is 'print' or 'hide'");
    expect_prefix(ERR("width 20\nfont-size 99\n---\n"),
                  "t.form:2: 'font-size' must be from 6 to 36");
    expect_prefix(ERR("  width 20\n---\n"), "t.form:1:1: a header line starts with its setting");
    expect_prefix(ERR("width 20\n"), "t.form: no line '---' ends the header");
    expect_prefix(ERR(""), "t.form: no line '---' ends the header");
}

static void form__reports_a_line_past_a_fixed_height(void **state)
{
    (void)state;
    assert_string_equal(ERR("width 20\nheight 2\n---\na\nb\nc\n"),
                        "t.form:6: the page has 2 lines (height 2) and this is line 3 of it");
}

static void form__reports_a_combining_character_that_starts_a_title(void **state)
{
    (void)state;
    expect_prefix(ERR("width 20\n---\n  \xCC\x81x\n"), "t.form:3:3: combining character U+0301");
}

static void form__refuses_a_file_too_large_to_be_a_form(void **state)
{
    size_t n = PRINT_FORM_MAX_BYTES + 1;
    char *big = malloc(n);
    (void)state;
    assert_non_null(big);
    memset(big, 'a', n);
    expect_prefix(parse_err(big, n), "t.form: larger than");
    free(big);
}

static void form__default_forms_parse(void **state)
{
    static const char *const forms[] = {"receipt80.form", "receipt58.form", "invoice24.form"};
    const char *top = getenv("KWH_TOP");
    char path[4096];
    (void)state;
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        struct print_form *f = NULL;
        struct kwh_err e = {0};
        snprintf(path, sizeof path, "%s/forms/%s", top ? top : ".", forms[i]);
        if (print_form_load(path, &f, &e) != 0)
            fail_msg("%s", e.msg);
        assert_true(print_form_item_count(f) > 10);
        print_form_free(f);
    }
}

static void vars__name_lookup_and_table_agree(void **state)
{
    (void)state;
    for (int i = 0; i < PRINT_NVARS; i++) {
        const struct print_var_info *vi = print_var_info(i);
        assert_non_null(vi);
        assert_int_equal(print_var_find(vi->name, strlen(vi->name)), i);
        assert_true(vi->width >= (int)strlen(vi->name) + 2 + (vi->align != PRINT_LEFT));
        assert_true(vi->title[0] != '\0' && vi->help[0] != '\0');
    }
    assert_null(print_var_info(PRINT_NVARS));
    assert_null(print_var_info(-1));
    assert_int_equal(print_var_find("amoun", 5), -1);
}

static void vars__clean_values_so_any_text_prints(void **state)
{
    struct print_vars *v = print_vars_new();
    struct kwh_err e = {0};
    (void)state;
    assert_int_equal(print_vars_set(v, PRINT_VAR_ADDRESS,
                                    "a\tb\nc\xFF"
                                    "d",
                                    &e),
                     0);
    assert_string_equal(print_vars_get(v, PRINT_VAR_ADDRESS), "a b c?d");
    assert_int_equal(print_vars_set_named(v, "nosuch", "x", &e), KWH_EINVAL);
    expect_prefix(e.msg, "unknown print variable 'nosuch'");
    assert_int_equal(print_vars_set(v, PRINT_NVARS, "x", &e), KWH_EINVAL);
    assert_string_equal(print_vars_get(v, PRINT_VAR_UNIT), "");
    assert_int_equal(print_vars_set_reprint(v, 3, &e), 0);
    assert_string_equal(print_vars_get(v, PRINT_VAR_REPRINT), "补打(第3次)");
    assert_int_equal(print_vars_set_reprint(v, 0, &e), 0);
    assert_string_equal(print_vars_get(v, PRINT_VAR_REPRINT), "");
    assert_int_equal(print_vars_set_reprint(v, -1, &e), KWH_EINVAL);
    print_vars_free(v);
}

static void vars__set_time_fills_date_time_and_both(void **state)
{
    struct print_vars *v = print_vars_new();
    struct kwh_err e = {0};
    struct tm tm = {
        .tm_year = 126, .tm_mon = 10, .tm_mday = 4, .tm_hour = 9, .tm_min = 5, .tm_sec = 7};
    (void)state;
    assert_int_equal(print_vars_set_time(v, &tm, &e), 0);
    assert_string_equal(print_vars_get(v, PRINT_VAR_DATETIME), "2026-11-04 09:05:07");
    assert_string_equal(print_vars_get(v, PRINT_VAR_DATE), "2026-11-04");
    assert_string_equal(print_vars_get(v, PRINT_VAR_TIME), "09:05:07");
    print_vars_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(form__reads_header_titles_and_fields_by_display_column),
        cmocka_unit_test(form__reads_alignment_marks),
        cmocka_unit_test(form__keeps_single_spaces_inside_a_title),
        cmocka_unit_test(form__accepts_crlf_lines_and_a_byte_order_mark),
        cmocka_unit_test(form__reads_height_font_size_and_hidden_titles),
        cmocka_unit_test(form__counts_trailing_blank_lines_as_page_lines),
        cmocka_unit_test(form__reports_an_unknown_variable_with_a_suggestion),
        cmocka_unit_test(form__reports_an_unknown_variable_without_a_likely_name),
        cmocka_unit_test(form__reports_a_field_past_the_page_edge),
        cmocka_unit_test(form__reports_a_title_past_the_page_edge),
        cmocka_unit_test(form__reports_invalid_utf8_at_its_column),
        cmocka_unit_test(form__reports_a_tab),
        cmocka_unit_test(form__reports_control_characters_and_nul_bytes),
        cmocka_unit_test(form__reports_braces_that_do_not_make_a_field),
        cmocka_unit_test(form__reports_header_mistakes),
        cmocka_unit_test(form__reports_a_line_past_a_fixed_height),
        cmocka_unit_test(form__reports_a_combining_character_that_starts_a_title),
        cmocka_unit_test(form__refuses_a_file_too_large_to_be_a_form),
        cmocka_unit_test(form__default_forms_parse),
        cmocka_unit_test(vars__name_lookup_and_table_agree),
        cmocka_unit_test(vars__clean_values_so_any_text_prints),
        cmocka_unit_test(vars__set_time_fills_date_time_and_both),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
