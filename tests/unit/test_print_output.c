/* SPDX-License-Identifier: Apache-2.0 */
/* Printer bytes: GB18030 and UTF-8 encodings, ESC/POS commands, PDF pages, and the
 * errors of print submission that need no print server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kwhpos/print.h"
#include "kwhpos/util.h"

/* fontconfig, under Pango, leaks its parsed configuration once per process (the
 * amount does not grow with the pages drawn); the sanitizer build must not count it. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

static struct print_page *page;
static char *bytes;
static size_t nbytes;

static int teardown(void **state)
{
    (void)state;
    print_page_free(page);
    free(bytes);
    page = NULL;
    bytes = NULL;
    return 0;
}

static bool contains(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return true;
    return false;
}

static void make_page(const char *text)
{
    struct kwh_err e = {0};
    assert_int_equal(print_page_from_text(text, &page, &e), 0);
}

static void encode(const struct print_raw_opts *o)
{
    struct kwh_err e = {0};
    if (print_raw_encode(page, o, &bytes, &nbytes, &e) != 0)
        fail_msg("%s", e.msg);
}

static void expect_bytes(const char *want, size_t n)
{
    if (nbytes != n || memcmp(bytes, want, n) != 0) {
        char got[512] = "";
        for (size_t i = 0; i < nbytes && i < 100; i++)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%02x", (unsigned char)bytes[i]);
        fail_msg("got %zu bytes: %s", nbytes, got);
    }
}

#define EXPECT(lit) expect_bytes(lit, sizeof(lit) - 1)

static void raw__encodes_chinese_titles_and_punctuation_as_gb18030(void **state)
{
    struct print_raw_opts o;
    (void)state;
    print_raw_opts_default(&o);
    make_page("售电：￥1\n");
    encode(&o);
    EXPECT("\xCA\xDB\xB5\xE7\xA3\xBA\xA3\xA4"
           "1\r\n");
}

static void raw__encodes_characters_outside_gb2312_with_four_bytes(void **state)
{
    struct print_raw_opts o;
    (void)state;
    print_raw_opts_default(&o);
    o.crlf = false;
    make_page("€é𠀀·\n");
    encode(&o);
    EXPECT("\xA2\xE3\xA8\xA6\x95\x32\x82\x36\xA1\xA4\n");
}

static void raw__passes_utf8_through_unchanged(void **state)
{
    struct print_raw_opts o;
    (void)state;
    print_raw_opts_default(&o);
    o.encoding = PRINT_UTF8;
    o.crlf = false;
    make_page("售电\n\nab\n");
    encode(&o);
    EXPECT("售电\n\nab\n");
}

static void raw__wraps_the_page_in_escpos_init_chinese_mode_feed_and_cut(void **state)
{
    struct print_raw_opts o;
    (void)state;
    print_raw_opts_default(&o);
    o.crlf = false;
    o.escpos_init = true;
    o.escpos_chinese = true;
    o.escpos_cut = true;
    o.feed_lines = 2;
    make_page("电\n");
    encode(&o);
    EXPECT("\x1B\x40\x1C\x26\xB5\xE7\n\n\n\x1D\x56\x42\x00");
}

static void raw__ends_a_dot_matrix_page_with_a_form_feed(void **state)
{
    struct print_raw_opts o;
    (void)state;
    print_raw_opts_default(&o);
    o.form_feed = true;
    make_page("a\nb\n");
    encode(&o);
    EXPECT("a\r\nb\r\n\f");
}

static void raw__renders_a_form_to_the_exact_receipt_bytes(void **state)
{
    struct print_form *f = NULL;
    struct print_vars *v = print_vars_new();
    struct print_raw_opts o;
    struct kwh_err e = {0};
    const char *t = "width 24\n---\n  售电收据\n金额：{amount  >}元\n{amount_cn         }\n";
    (void)state;
    assert_int_equal(print_form_parse(t, strlen(t), "t", &f, &e), 0);
    assert_int_equal(print_vars_set_amount(v, 100507, &e), 0);
    assert_int_equal(print_render(f, v, &page, &e), 0);
    print_raw_opts_default(&o);
    encode(&o);
    /* 售电收据 / 金额：    1005.07元 / 壹仟零伍元零柒分 */
    EXPECT("  \xCA\xDB\xB5\xE7\xCA\xD5\xBE\xDD\r\n"
           "\xBD\xF0\xB6\xEE\xA3\xBA    1005.07\xD4\xAA\r\n"
           "\xD2\xBC\xC7\xAA\xC1\xE3\xCE\xE9\xD4\xAA\xC1\xE3\xC6\xE2\xB7\xD6\r\n");
    print_form_free(f);
    print_vars_free(v);
}

static void pdf__draws_one_page_sized_to_the_grid(void **state)
{
    struct print_pdf_opts o;
    struct kwh_err e = {0};
    (void)state;
    make_page("售电发票：￥12.50\n（壹拾贰元伍角）\n");
    print_pdf_opts_default(&o);
    o.margin = 10;
    assert_int_equal(print_pdf_render(page, &o, &bytes, &nbytes, &e), 0);
    assert_true(nbytes > 1000);
    assert_memory_equal(bytes, "%PDF-", 5);
    /* 17 columns x 5 pt + 20 = 105 pt wide; 2 lines x 12.5 pt + 20 = 45 pt high */
    assert_true(contains(bytes, nbytes, "/MediaBox [ 0 0 105 45 ]"));
    assert_true(contains(bytes, nbytes, "/Count 1"));
    assert_true(contains(bytes, nbytes, "UMing"));
}

/* A report's bar charts go under its text: the page grows by a chart's height each and
 * is at least wide enough for one; the bars' labels and the scale are text in the PDF.
 * Too many charts or bars are refused and change nothing. */
static void pdf__draws_bar_charts_under_the_text(void **state)
{
    static const char *const labels[] = {"2026-10", "2026-11", "2026-12"};
    static const int64_t values[] = {12345, -500, 0};
    struct print_pdf_opts o;
    struct kwh_err e = {0};
    int64_t *many = calloc(PRINT_CHART_MAX + 1, sizeof *many);
    const char **names = calloc(PRINT_CHART_MAX + 1, sizeof *names);
    (void)state;
    assert_non_null(many);
    assert_non_null(names);
    for (int i = 0; i <= PRINT_CHART_MAX; i++)
        names[i] = "x";
    make_page("月报表\n");
    assert_int_equal(print_page_add_chart(page, "kWh", 3, labels, values, &e), 0);
    assert_int_equal(print_page_add_chart(page, "yuan", 3, labels, values, &e), 0);
    assert_int_equal(
        print_page_add_chart(page, "too many bars", PRINT_CHART_MAX + 1, names, many, &e),
        KWH_EINVAL);
    assert_int_equal(page->ncharts, 2);
    assert_int_equal(page->charts[0].values[1], -500);
    assert_string_equal(page->charts[1].labels[2], "2026-12");
    print_pdf_opts_default(&o);
    o.margin = 10;
    o.font_size = 10;
    assert_int_equal(print_pdf_render(page, &o, &bytes, &nbytes, &e), 0);
    assert_memory_equal(bytes, "%PDF-", 5);
    /* 480 + 20 pt wide; one line of 12.5 pt, 20 pt of margins and two charts of 200 +
       12.5 pt: 457.5 high */
    assert_true(contains(bytes, nbytes, "/MediaBox [ 0 0 500 457.5 ]"));
    while (page->ncharts < PRINT_CHARTS_MAX)
        assert_int_equal(print_page_add_chart(page, "more", 1, labels, values, &e), 0);
    assert_int_equal(print_page_add_chart(page, "one too many", 1, labels, values, &e), KWH_EINVAL);
    free(many);
    free(names);
}

static void output__writes_the_chosen_format_to_a_file(void **state)
{
    struct print_output o;
    struct kwh_err e = {0};
    char path[256], *back;
    size_t len;
    const char *tmp = getenv("TMPDIR");
    (void)state;
    snprintf(path, sizeof path, "%s/kwhout.%ld.bin", tmp ? tmp : "/tmp", (long)getpid());
    make_page("售电\n");
    print_output_default(&o);
    assert_int_equal(print_output_file(page, &o, path, &e), 0);
    assert_int_equal(file_read_all(path, 1 << 20, &back, &len, &e), 0);
    assert_int_equal(len, 6);
    assert_memory_equal(back, "\xCA\xDB\xB5\xE7\r\n", 6);
    free(back);
    o.format = PRINT_PDF;
    assert_int_equal(print_output_file(page, &o, path, &e), 0);
    assert_int_equal(file_read_all(path, 1 << 20, &back, &len, &e), 0);
    assert_memory_equal(back, "%PDF-", 5);
    free(back);
    unlink(path);
    assert_int_equal(print_output_file(page, &o, "/nonexistent/dir/x.pdf", &e), KWH_EIO);
}

static void submit__reports_an_unreachable_print_server(void **state)
{
    struct print_job_opts j = {
        .queue = "receipt", .server = "/nonexistent/cups.sock", .timeout_ms = 2000};
    struct kwh_err e = {0};
    int id = -1;
    (void)state;
    assert_int_equal(print_submit(&j, "application/vnd.cups-raw", "x", 1, &id, &e), KWH_EIO);
    assert_int_equal(e.detail, PRINT_FAIL_SERVER);
    assert_int_equal(id, 0);
    assert_non_null(strstr(e.msg, "cannot reach the print server /nonexistent/cups.sock"));
    assert_non_null(strstr(e.msg, "check that CUPS is running"));
}

static void submit__refuses_a_queue_name_cups_cannot_have(void **state)
{
    struct print_job_opts j = {.queue = "a/b", .server = "/nonexistent/cups.sock"};
    struct kwh_err e = {0};
    (void)state;
    assert_int_equal(print_submit(&j, "application/pdf", "x", 1, NULL, &e), KWH_EINVAL);
    assert_int_equal(e.detail, PRINT_FAIL_NO_QUEUE);
    j.queue = "";
    assert_int_equal(print_submit(&j, "application/pdf", "x", 1, NULL, &e), KWH_EINVAL);
    j.queue = NULL;
    assert_int_equal(print_submit(&j, "application/pdf", "x", 1, NULL, &e), KWH_EINVAL);
}

#define T(f) cmocka_unit_test_teardown(f, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(raw__encodes_chinese_titles_and_punctuation_as_gb18030),
        T(raw__encodes_characters_outside_gb2312_with_four_bytes),
        T(raw__passes_utf8_through_unchanged),
        T(raw__wraps_the_page_in_escpos_init_chinese_mode_feed_and_cut),
        T(raw__ends_a_dot_matrix_page_with_a_form_feed),
        T(raw__renders_a_form_to_the_exact_receipt_bytes),
        T(pdf__draws_one_page_sized_to_the_grid),
        T(pdf__draws_bar_charts_under_the_text),
        T(output__writes_the_chosen_format_to_a_file),
        T(submit__reports_an_unreachable_print_server),
        T(submit__refuses_a_queue_name_cups_cannot_have),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
