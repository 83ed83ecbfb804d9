/* SPDX-License-Identifier: Apache-2.0 */
/* The designer model: move, delete, add, resize, align; the text written back; the
 * last-good loader; backups (保存发票格式) and restore (恢复发票格式). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kwhpos/print.h"
#include "kwhpos/util.h"

static const char *const sample = "# sample\n"
                                  "name sample\n"
                                  "width 30\n"
                                  "---\n"
                                  "      售电收据\n"
                                  "金额：{amount  >}  元\n"
                                  "{kwh     >}\n";

static struct print_form *form;
static char dir[256];

static int setup(void **state)
{
    struct kwh_err e = {0};
    const char *tmp = getenv("TMPDIR");
    (void)state;
    snprintf(dir, sizeof dir, "%s/kwhdesign.XXXXXX", tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        return 1;
    return print_form_parse(sample, strlen(sample), "t.form", &form, &e);
}

static int teardown(void **state)
{
    char cmd[300];
    (void)state;
    print_form_free(form);
    form = NULL;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) != 0;
}

static char *path_in(const char *name)
{
    static char p[4][300];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

static void write_file(const char *path, const char *text)
{
    struct kwh_err e = {0};
    assert_int_equal(file_write_atomic(path, text, strlen(text), 0644, &e), 0);
}

static void expect_round_trip(const struct print_form *f)
{
    char *text = print_form_format(f);
    struct print_form *back = NULL;
    struct kwh_err e = {0};

    assert_non_null(text);
    if (print_form_parse(text, strlen(text), "saved", &back, &e) != 0)
        fail_msg("saved form does not parse: %s\n%s", e.msg, text);
    if (!print_form_equal(f, back))
        fail_msg("saved form reads back differently:\n%s", text);
    print_form_free(back);
    free(text);
}

static int field_index(int var)
{
    for (int i = 0; i < print_form_item_count(form); i++)
        if (print_form_item(form, i)->kind == PRINT_ITEM_FIELD &&
            print_form_item(form, i)->var == var)
            return i;
    return -1;
}

static void design__lists_items_in_page_order_and_finds_them_by_cell(void **state)
{
    (void)state;
    assert_int_equal(print_form_item_count(form), 5);
    assert_int_equal(print_form_item_at(form, 1, 0), 1);
    assert_int_equal(print_form_item_at(form, 1, 6), 2);
    assert_int_equal(print_form_item_at(form, 1, 16), 2);
    assert_int_equal(print_form_item_at(form, 1, 17), -1);
    assert_int_equal(print_form_item_at(form, 2, 0), 4);
    assert_int_equal(print_form_item_at(form, 9, 0), -1);
}

static void design__moves_a_field_one_column_and_writes_it_there(void **state)
{
    struct kwh_err e = {0};
    int i = field_index(PRINT_VAR_KWH);
    char *text;
    (void)state;
    assert_int_equal(print_form_move(form, &i, 0, 1, &e), 0);
    assert_int_equal(print_form_item(form, i)->col, 1);
    text = print_form_format(form);
    assert_non_null(strstr(text, "\n {kwh     >}\n"));
    free(text);
    expect_round_trip(form);
}

static void design__refuses_to_move_onto_another_item(void **state)
{
    struct kwh_err e = {0};
    int i = field_index(PRINT_VAR_AMOUNT);
    (void)state;
    assert_int_equal(print_form_move(form, &i, 0, -1, &e), KWH_ECONFLICT);
    assert_string_equal(e.msg, "that place is taken by the title '金额：'");
    assert_int_equal(print_form_item(form, i)->col, 6);
    assert_int_equal(print_form_move(form, &i, 1, 0, &e), KWH_ECONFLICT);
    assert_string_equal(e.msg, "that place is taken by the field {kwh} (购电量)");
}

static void design__refuses_to_move_past_the_page_edges(void **state)
{
    struct kwh_err e = {0};
    int i = field_index(PRINT_VAR_KWH);
    (void)state;
    assert_int_equal(print_form_move(form, &i, 0, -1, &e), KWH_ECONFLICT);
    assert_string_equal(e.msg, "that is past the top or left edge of the page");
    assert_int_equal(print_form_move(form, &i, 0, 19, &e), 0);
    assert_int_equal(print_form_move(form, &i, 0, 1, &e), KWH_ECONFLICT);
    assert_string_equal(e.msg, "that is past the right edge (page width 30)");
    i = 0;
    assert_int_equal(print_form_move(form, &i, -1, 0, &e), KWH_ECONFLICT);
}

static void design__refuses_to_move_below_a_fixed_height(void **state)
{
    struct print_form *f = NULL;
    struct kwh_err e = {0};
    const char *t = "width 20\nheight 2\n---\n\n{kwh}\n";
    int i = 0;
    (void)state;
    assert_int_equal(print_form_parse(t, strlen(t), "t", &f, &e), 0);
    assert_int_equal(print_form_move(f, &i, 1, 0, &e), KWH_ECONFLICT);
    assert_string_equal(e.msg, "that is past the bottom of the page (2 lines)");
    assert_int_equal(print_form_move(f, &i, -1, 0, &e), 0);
    print_form_free(f);
}

static void design__moving_down_past_the_last_line_adds_a_line(void **state)
{
    struct kwh_err e = {0};
    int i = field_index(PRINT_VAR_KWH);
    (void)state;
    assert_int_equal(print_form_lines(form), 3);
    assert_int_equal(print_form_move(form, &i, 2, 0, &e), 0);
    assert_int_equal(print_form_lines(form), 5);
    assert_int_equal(print_form_item(form, i)->row, 4);
    expect_round_trip(form);
}

static void design__keeps_the_index_on_the_moved_item_when_the_order_changes(void **state)
{
    struct kwh_err e = {0};
    int i = field_index(PRINT_VAR_KWH);
    (void)state;
    assert_int_equal(print_form_move(form, &i, -2, 0, &e), KWH_ECONFLICT);
    assert_int_equal(print_form_move(form, &i, 0, 15, &e), 0);
    assert_int_equal(i, 4);
    assert_int_equal(print_form_move(form, &i, -2, 0, &e), 0);
    assert_int_equal(i, 1);
    assert_int_equal(print_form_item(form, i)->var, PRINT_VAR_KWH);
    assert_string_equal(print_form_item(form, 0)->text, "售电收据");
    assert_string_equal(print_form_item(form, 2)->text, "金额：");
}

static void design__keeps_titles_two_columns_apart(void **state)
{
    struct kwh_err e = {0};
    int i = 3; /* 元 at column 19 */
    (void)state;
    assert_string_equal(print_form_item(form, i)->text, "元");
    assert_int_equal(print_form_move(form, &i, -1, -4, &e), KWH_ECONFLICT);
    assert_string_equal(e.msg, "titles need two columns between them (next to '售电收据')");
    assert_int_equal(print_form_move(form, &i, -1, -3, &e), 0);
    assert_int_equal(print_form_item(form, i)->col, 16);
    expect_round_trip(form);
}

static void design__deletes_an_item(void **state)
{
    struct kwh_err e = {0};
    (void)state;
    assert_int_equal(print_form_delete(form, field_index(PRINT_VAR_AMOUNT), &e), 0);
    assert_int_equal(print_form_item_count(form), 4);
    assert_int_equal(field_index(PRINT_VAR_AMOUNT), -1);
    assert_int_equal(print_form_delete(form, 4, &e), KWH_EINVAL);
    expect_round_trip(form);
}

static void design__adds_a_field_with_its_default_width_and_alignment(void **state)
{
    struct kwh_err e = {0};
    int i = -1;
    const struct print_item *it;
    (void)state;
    assert_int_equal(print_form_add_field(form, PRINT_VAR_OPERATOR, 3, 2, &i, &e), 0);
    it = print_form_item(form, i);
    assert_int_equal(it->var, PRINT_VAR_OPERATOR);
    assert_int_equal(it->width, print_var_info(PRINT_VAR_OPERATOR)->width);
    assert_int_equal(it->align, PRINT_LEFT);
    assert_int_equal(print_form_add_field(form, PRINT_VAR_PRICE, 2, 5, &i, &e), KWH_ECONFLICT);
    assert_int_equal(print_form_add_field(form, PRINT_VAR_UNIT, 3, 1, &i, &e), KWH_ECONFLICT);
    assert_string_equal(e.msg, "that is past the right edge (page width 30)");
    assert_int_equal(print_form_add_field(form, PRINT_NVARS, 5, 0, &i, &e), KWH_EINVAL);
    expect_round_trip(form);
}

static void design__adds_a_title_and_refuses_text_the_file_cannot_hold(void **state)
{
    struct kwh_err e = {0};
    int i = -1;
    (void)state;
    assert_int_equal(print_form_add_title(form, "操作员：", 3, 0, &i, &e), 0);
    assert_int_equal(print_form_item(form, i)->width, 8);
    assert_int_equal(print_form_add_title(form, "a{b", 4, 0, &i, &e), KWH_EINVAL);
    assert_int_equal(print_form_add_title(form, "a  b", 4, 0, &i, &e), KWH_EINVAL);
    assert_int_equal(print_form_add_title(form, " a", 4, 0, &i, &e), KWH_EINVAL);
    assert_int_equal(print_form_add_title(form, "a\tb", 4, 0, &i, &e), KWH_EINVAL);
    assert_int_equal(print_form_add_title(form, "", 4, 0, &i, &e), KWH_EINVAL);
    assert_int_equal(print_form_add_title(form,
                                          "\xCC\x81"
                                          "a",
                                          4, 0, &i, &e),
                     KWH_EINVAL);
    assert_int_equal(print_form_add_title(form, "a b", 4, 0, &i, &e), 0);
    expect_round_trip(form);
}

static void design__resizes_and_realigns_a_field_within_its_limits(void **state)
{
    struct kwh_err e = {0};
    int i = field_index(PRINT_VAR_KWH);
    (void)state;
    assert_int_equal(print_form_resize(form, i, 5, &e), KWH_ECONFLICT);
    assert_string_equal(e.msg, "field kwh needs at least 6 columns to hold its name");
    assert_int_equal(print_form_resize(form, i, 31, &e), KWH_ECONFLICT);
    assert_int_equal(print_form_set_align(form, i, PRINT_LEFT, &e), 0);
    assert_int_equal(print_form_resize(form, i, 5, &e), 0);
    assert_int_equal(print_form_set_align(form, i, PRINT_CENTER, &e), KWH_ECONFLICT);
    assert_int_equal(print_form_resize(form, 0, 9, &e), KWH_EINVAL);
    expect_round_trip(form);
}

static void design__writes_the_default_forms_back_exactly_as_they_are(void **state)
{
    static const char *const forms[] = {"receipt80.form", "receipt58.form", "invoice24.form"};
    const char *top = getenv("KWH_TOP");
    char path[4096];
    (void)state;
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
        struct print_form *f = NULL;
        struct kwh_err e = {0};
        char *orig, *text;
        size_t len;
        snprintf(path, sizeof path, "%s/forms/%s", top ? top : ".", forms[k]);
        assert_int_equal(file_read_all(path, 1 << 20, &orig, &len, &e), 0);
        assert_int_equal(print_form_parse(orig, len, path, &f, &e), 0);
        text = print_form_format(f);
        assert_string_equal(text, orig);
        expect_round_trip(f);
        free(text);
        free(orig);
        print_form_free(f);
    }
}

static void design__saves_atomically_and_loads_the_same_form(void **state)
{
    struct print_form *back = NULL;
    struct kwh_err e = {0};
    int i = field_index(PRINT_VAR_KWH);
    (void)state;
    assert_int_equal(print_form_move(form, &i, 0, 3, &e), 0);
    assert_int_equal(print_form_save(form, path_in("x.form"), &e), 0);
    assert_int_equal(print_form_load(path_in("x.form"), &back, &e), 0);
    assert_true(print_form_equal(form, back));
    print_form_free(back);
}

static void design__copies_are_equal_and_independent(void **state)
{
    struct print_form *copy = print_form_dup(form);
    struct kwh_err e = {0};
    int i = 0;
    (void)state;
    assert_non_null(copy);
    assert_true(print_form_equal(form, copy));
    assert_int_equal(print_form_move(copy, &i, 0, 1, &e), 0);
    assert_false(print_form_equal(form, copy));
    print_form_free(copy);
}

static void design__starts_a_blank_page(void **state)
{
    struct print_form *f = NULL;
    struct kwh_err e = {0};
    (void)state;
    assert_int_equal(print_form_new(7, &f, &e), KWH_EINVAL);
    assert_int_equal(print_form_new(32, &f, &e), 0);
    assert_int_equal(print_form_lines(f), 0);
    assert_int_equal(print_form_add_field(f, PRINT_VAR_AMOUNT, 3, 0, NULL, &e), 0);
    assert_int_equal(print_form_lines(f), 4);
    expect_round_trip(f);
    print_form_free(f);
}

static void design__random_edits_always_read_back_equal(void **state)
{
    static const char *const words[] = {"售电", "A", "用户编号：", "x y", "（盖章）"};
    unsigned seed = 12345;
    int applied = 0;
    (void)state;
    for (int step = 0; step < 3000; step++) {
        struct kwh_err e = {0};
        int n = print_form_item_count(form), i, rc;
        seed = seed * 1103515245u + 12345u;
        unsigned r = seed >> 8;
        i = n > 0 ? (int)(r % (unsigned)n) : 0;
        switch (r % 7) {
        case 0:
        case 1:
            rc = n ? print_form_move(form, &i, (int)(r >> 4) % 3 - 1, (int)(r >> 6) % 3 - 1, &e)
                   : -1;
            break;
        case 2:
            rc = print_form_add_field(form, (int)(r >> 3) % PRINT_NVARS, (int)(r >> 5) % 8,
                                      (int)(r >> 9) % 30, NULL, &e);
            break;
        case 3:
            rc = print_form_add_title(form, words[(r >> 3) % 5], (int)(r >> 5) % 8,
                                      (int)(r >> 9) % 30, NULL, &e);
            break;
        case 4: rc = n && r % 3 == 0 ? print_form_delete(form, i, &e) : -1; break;
        case 5: rc = n ? print_form_resize(form, i, (int)(r >> 4) % 20, &e) : -1; break;
        default:
            rc = n ? print_form_set_align(form, i, (enum print_align)((r >> 4) % 3), &e) : -1;
            break;
        }
        if (rc == 0) {
            applied++;
            expect_round_trip(form);
        }
    }
    assert_true(applied > 300);
}

static void loader__keeps_the_last_good_form_when_the_file_turns_bad(void **state)
{
    struct print_form_loader *l = print_loader_new(path_in("live.form"));
    struct kwh_err e = {0};
    (void)state;
    assert_non_null(l);
    assert_int_equal(print_loader_refresh(l, &e), KWH_ENOTFOUND);
    assert_null(print_loader_form(l));
    write_file(path_in("live.form"), "width 20\n---\n{kwh}\n");
    assert_int_equal(print_loader_refresh(l, &e), 1);
    assert_int_equal(print_form_item_count(print_loader_form(l)), 1);
    assert_int_equal(print_loader_refresh(l, &e), 0);
    write_file(path_in("live.form"), "width 20\n---\n{kwhh}\n\n");
    assert_int_equal(print_loader_refresh(l, &e), KWH_EINVAL);
    assert_non_null(strstr(e.msg, "the last good one stays in use"));
    assert_non_null(strstr(e.msg, "live.form:3:2: unknown variable 'kwhh'"));
    assert_int_equal(print_form_item_count(print_loader_form(l)), 1);
    assert_int_equal(print_loader_refresh(l, &e), KWH_EINVAL);
    write_file(path_in("live.form"), "width 20\n---\n{kwh} {amount}\n");
    assert_int_equal(print_loader_refresh(l, &e), 1);
    assert_int_equal(print_form_item_count(print_loader_form(l)), 2);
    print_loader_free(l);
}

static void backup__writes_timestamped_copies_and_lists_them_newest_first(void **state)
{
    struct kwh_err e = {0};
    char out[512], **names = NULL;
    int n = 0;
    time_t t = 1795482000; /* 2026-11-24 in any time zone near UTC+8 */
    (void)state;
    write_file(path_in("invoice.form"), sample);
    assert_int_equal(
        print_form_backup(path_in("invoice.form"), path_in("bak"), t, out, sizeof out, &e), 0);
    assert_non_null(strstr(out, "/bak/invoice-2026112"));
    assert_int_equal(
        print_form_backup(path_in("invoice.form"), path_in("bak"), t, out, sizeof out, &e), 0);
    assert_non_null(strstr(out, "-2.form"));
    assert_int_equal(
        print_form_backup(path_in("invoice.form"), path_in("bak"), t + 60, out, sizeof out, &e), 0);
    write_file(path_in("bak/other-20261124-000000.form"), sample);
    write_file(path_in("bak/invoice-notes.txt"), "x");
    assert_int_equal(print_form_backups(path_in("bak"), path_in("invoice.form"), &names, &n, &e),
                     0);
    assert_int_equal(n, 3);
    assert_non_null(strstr(out, names[0]));
    assert_non_null(strstr(names[1], "-2.form"));
    assert_null(strstr(names[2], "-2.form"));
    assert_null(names[3]);
    print_form_backups_free(names);
}

static void backup__lists_nothing_for_a_missing_folder(void **state)
{
    struct kwh_err e = {0};
    char **names = NULL;
    int n = -1;
    (void)state;
    assert_int_equal(print_form_backups(path_in("none"), "a.form", &names, &n, &e), 0);
    assert_int_equal(n, 0);
    assert_null(names[0]);
    print_form_backups_free(names);
}

static void backup__refuses_a_form_with_an_error(void **state)
{
    struct kwh_err e = {0};
    char out[512];
    struct stat st;
    (void)state;
    write_file(path_in("bad.form"), "width 20\n---\n{x}\n");
    assert_int_equal(print_form_backup(path_in("bad.form"), path_in("bak"), 0, out, sizeof out, &e),
                     KWH_EINVAL);
    assert_non_null(strstr(e.msg, "not backed up, the form has an error: "));
    assert_int_equal(stat(path_in("bak"), &st), -1);
}

static void restore__replaces_the_form_with_a_good_backup(void **state)
{
    struct kwh_err e = {0};
    struct print_form *f = NULL;
    (void)state;
    write_file(path_in("cur.form"), "width 20\n---\n{kwh}\n");
    write_file(path_in("good.form"), sample);
    assert_int_equal(print_form_restore(path_in("good.form"), path_in("cur.form"), &e), 0);
    assert_int_equal(print_form_load(path_in("cur.form"), &f, &e), 0);
    assert_true(print_form_equal(f, form));
    print_form_free(f);
}

static void restore__refuses_a_bad_backup_and_leaves_the_form_alone(void **state)
{
    struct kwh_err e = {0};
    char *text;
    size_t len;
    (void)state;
    write_file(path_in("cur.form"), "width 20\n---\n{kwh}\n");
    write_file(path_in("broken.form"), "width 20\n---\n{kwh\n");
    assert_int_equal(print_form_restore(path_in("broken.form"), path_in("cur.form"), &e),
                     KWH_EINVAL);
    assert_non_null(strstr(e.msg, "not restored, the backup has an error: "));
    assert_non_null(strstr(e.msg, "broken.form:3:1:"));
    assert_int_equal(print_form_restore(path_in("missing.form"), path_in("cur.form"), &e),
                     KWH_ENOTFOUND);
    assert_int_equal(file_read_all(path_in("cur.form"), 4096, &text, &len, &e), 0);
    assert_string_equal(text, "width 20\n---\n{kwh}\n");
    free(text);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(design__lists_items_in_page_order_and_finds_them_by_cell),
        T(design__moves_a_field_one_column_and_writes_it_there),
        T(design__refuses_to_move_onto_another_item),
        T(design__refuses_to_move_past_the_page_edges),
        T(design__refuses_to_move_below_a_fixed_height),
        T(design__moving_down_past_the_last_line_adds_a_line),
        T(design__keeps_the_index_on_the_moved_item_when_the_order_changes),
        T(design__keeps_titles_two_columns_apart),
        T(design__deletes_an_item),
        T(design__adds_a_field_with_its_default_width_and_alignment),
        T(design__adds_a_title_and_refuses_text_the_file_cannot_hold),
        T(design__resizes_and_realigns_a_field_within_its_limits),
        T(design__writes_the_default_forms_back_exactly_as_they_are),
        T(design__saves_atomically_and_loads_the_same_form),
        T(design__copies_are_equal_and_independent),
        T(design__starts_a_blank_page),
        T(design__random_edits_always_read_back_equal),
        T(loader__keeps_the_last_good_form_when_the_file_turns_bad),
        T(backup__writes_timestamped_copies_and_lists_them_newest_first),
        T(backup__lists_nothing_for_a_missing_folder),
        T(backup__refuses_a_form_with_an_error),
        T(restore__replaces_the_form_with_a_good_backup),
        T(restore__refuses_a_bad_backup_and_leaves_the_form_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
