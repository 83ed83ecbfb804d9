/* SPDX-License-Identifier: Apache-2.0 */
/* The invoice printer on a real site, writing files: the original and its 补打 copies,
 * refusals that count nothing, the last good form when the file goes bad, saved forms
 * with their role rules, reports, and the GB18030 bytes. (Printing through CUPS is the
 * integration suite's: tests/integ/print_invoice.sh.) */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "check.h"
#include "fakecard.h"
#include "kwhpos/printer.h"
#include "kwhpos/util.h"
#include "site.h"
#include "ops.h"

struct fix {
    struct site *s;
    struct kwh_config cfg;
    struct printer *p;
    char form[400], out[400];
};

static void put_file(const char *path, const char *text)
{
    struct kwh_err e;
    if (file_write_atomic(path, text, strlen(text), 0644, &e) < 0)
        fail_msg("%s", e.msg);
}

static char *read_file(const char *path)
{
    char *text;
    size_t len;
    struct kwh_err e;
    if (file_read_all(path, 1 << 20, &text, &len, &e) < 0)
        fail_msg("%s", e.msg);
    return text;
}

static void copy_shipped_form(const char *name, const char *to)
{
    const char *top = getenv("KWH_TOP") ? getenv("KWH_TOP") : ".";
    char path[512], *text;
    snprintf(path, sizeof path, "%s/forms/%s", top, name);
    text = read_file(path);
    put_file(to, text);
    free(text);
}

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    struct kwh_err e;
    void *site;

    site_setup(&site);
    f->s = site;
    snprintf(f->form, sizeof f->form, "%s/receipt.form", f->s->dir);
    snprintf(f->out, sizeof f->out, "%s/out.txt", f->s->dir);
    copy_shipped_form("receipt80.form", f->form);
    config_defaults(&f->cfg);
    str_copy(f->cfg.db_path, sizeof f->cfg.db_path, f->s->db);
    str_copy(f->cfg.print_form, sizeof f->cfg.print_form, f->form);
    str_copy(f->cfg.print_encoding, sizeof f->cfg.print_encoding, "utf-8");
    f->cfg.print_crlf = false;
    if (printer_new(&f->cfg, &f->p, &e) < 0)
        fail_msg("printer: %s", e.msg);
    *state = f;
    return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    struct fix *f = *state;
    void *site = f->s;
    char dir[256];

    printer_free(f->p);
    str_copy(dir, sizeof dir, f->s->dir);
    site_teardown(&site);
    nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static struct printer_dest to_file(const char *path)
{
    return (struct printer_dest){path, PRINT_RAW};
}

static void printer__original_once_then_counted_reprints(void **state)
{
    struct fix *f = *state;
    struct site *s = f->s;
    struct printer_dest to = to_file(f->out);
    struct printer_result res;
    struct kwh_err e;
    char *text;

    site_open(s, 12345678, 10000);
    assert_int_equal(printer_invoice(f->p, s->core, &s->seller, 1, false, &to, &res, &e), 0);
    assert_int_equal(res.reprint, 0);
    assert_int_equal(res.job_id, 0);
    assert_string_equal(res.note, "");
    text = read_file(f->out);
    assert_non_null(strstr(text, "开户购电\n"));
    assert_non_null(strstr(text, "用户名称：张三\n"));
    assert_non_null(strstr(text, "大写金额：伍拾贰元捌角叁分\n"));
    assert_null(strstr(text, "补打"));
    free(text);
    assert_int_equal(site_q1(s, "SELECT printed > 0 FROM sales WHERE invoice_no = 1"), 1);

    unlink(f->out);
    REFUSED(KWH_ECONFLICT, "补打发票",
            printer_invoice(f->p, s->core, &s->seller, 1, false, &to, &res, &e_));
    assert_int_equal(access(f->out, F_OK), -1);
    assert_false(res.output_failed);

    for (int i = 1; i <= 2; i++) {
        char mark[96];
        assert_int_equal(printer_invoice(f->p, s->core, &s->admin, 1, true, &to, &res, &e), 0);
        assert_int_equal(res.reprint, i);
        snprintf(mark, sizeof mark, "开户购电                         补打(第%d次)\n", i);
        text = read_file(f->out);
        assert_non_null(strstr(text, mark));
        free(text);
    }
    assert_int_equal(site_q1(s, "SELECT reprints FROM sales WHERE invoice_no = 1"), 2);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'invoice-print'"), 3);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'invoice-print' AND "
                                "after LIKE 'copy=reprint 2 to=file %out.txt'"),
                     1);
}

static void printer__refusals_before_the_copy_count_nothing(void **state)
{
    struct fix *f = *state;
    struct site *s = f->s;
    struct printer_dest bad = {f->out, 7}, empty = {"", -1};
    struct printer_result res;
    struct kwh_err e;

    site_open(s, 12345678, 10000);
    /* printing is off: no queue in the INI */
    assert_false(printer_enabled(f->p));
    assert_int_equal(printer_check(f->p, NULL, &res, &e), KWH_EIO);
    assert_int_equal(e.detail, PRINT_FAIL_NO_QUEUE);
    assert_non_null(strstr(e.msg, "[print] queue"));
    REFUSED(KWH_EIO, "printing is off",
            printer_invoice(f->p, s->core, &s->seller, 1, true, NULL, &res, &e_));
    REFUSED(KWH_EINVAL, "raw or pdf",
            printer_invoice(f->p, s->core, &s->seller, 1, true, &bad, &res, &e_));
    REFUSED(KWH_EINVAL, "name the file",
            printer_invoice(f->p, s->core, &s->seller, 1, true, &empty, &res, &e_));
    bad.format = PRINT_RAW;
    /* a form file that never parsed, and no saved form */
    put_file(f->form, "width 40\n---\n{amout}\n");
    REFUSED(KWH_EINVAL, "no invoice form to print with: ",
            printer_invoice(f->p, s->core, &s->seller, 1, true, &bad, &res, &e_));
    REFUSED(KWH_EINVAL, "receipt.form:3:2: unknown variable 'amout' (did you mean 'amount'?)",
            printer_invoice(f->p, s->core, &s->seller, 1, true, &bad, &res, &e_));
    put_file(f->form, "width 40\n---\n{amount}\n");
    REFUSED(KWH_ENOTFOUND, "no invoice 5",
            printer_invoice(f->p, s->core, &s->seller, 5, true, &bad, &res, &e_));
    assert_int_equal(site_q1(s, "SELECT reprints + printed FROM sales WHERE invoice_no = 1"), 0);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op LIKE 'invoice-%'"), 0);
    (void)e;
}

static void printer__a_failed_copy_leaves_the_invoice_to_print_again(void **state)
{
    struct fix *f = *state;
    struct site *s = f->s;
    struct printer_dest to = to_file("/nonexistent/dir/out.txt");
    struct printer_result res;
    struct kwh_err e;

    site_open(s, 12345678, 10000);
    assert_true(printer_invoice(f->p, s->core, &s->seller, 1, false, &to, &res, &e) < 0);
    assert_true(res.output_failed);
    assert_non_null(strstr(e.msg, "invoice 1 was not printed"));
    assert_int_equal(site_q1(s, "SELECT printed FROM sales WHERE invoice_no = 1"), 0);
    assert_int_equal(site_q1(s, "SELECT state FROM sales WHERE invoice_no = 1"), KWH_STATE_DONE);
    to = to_file(f->out);
    assert_int_equal(printer_invoice(f->p, s->core, &s->seller, 1, false, &to, &res, &e), 0);
    assert_int_equal(res.reprint, 0);
}

static void printer__a_bad_form_file_keeps_the_last_good_form(void **state)
{
    struct fix *f = *state;
    struct site *s = f->s;
    struct printer_dest to = to_file(f->out);
    struct printer_result res;
    struct kwh_err e;
    char *second;

    site_open(s, 12345678, 10000);
    assert_int_equal(printer_invoice(f->p, s->core, &s->seller, 1, false, &to, &res, &e), 0);
    put_file(f->form, "width 48\n---\n  金额：{amount  >} {nosuch}\n");
    assert_int_equal(printer_invoice(f->p, s->core, &s->seller, 1, true, &to, &res, &e), 0);
    assert_non_null(strstr(res.note, "form not changed (the last good one stays in use)"));
    assert_non_null(strstr(res.note, "receipt.form:3:"));
    second = read_file(f->out);
    assert_non_null(strstr(second, "补打(第1次)"));
    assert_non_null(strstr(second, "售电收据"));
    free(second);

    /* a good file again is taken at the next print */
    put_file(f->form, "width 40\n---\n单据 {invoice_no} {reprint     }\n");
    assert_int_equal(printer_invoice(f->p, s->core, &s->seller, 1, true, &to, &res, &e), 0);
    assert_string_equal(res.note, "");
    second = read_file(f->out);
    assert_string_equal(second, "单据 00000001     补打(第2次)\n");
    free(second);
}

static void printer__a_fresh_printer_falls_back_to_the_newest_saved_form(void **state)
{
    struct fix *f = *state;
    struct site *s = f->s;
    struct printer_dest to = to_file(f->out);
    struct printer_result res;
    struct printer *fresh;
    struct kwh_err e;
    char path[1024], *text;

    site_open(s, 12345678, 10000);
    put_file(f->form, "width 40\n---\n旧格式 {invoice_no}\n");
    assert_int_equal(printer_form_backup(f->p, s->core, &s->seller, path, sizeof path, &e), 0);
    s->now += 5;
    put_file(f->form, "width 40\n---\n新格式 {invoice_no}\n");
    assert_int_equal(printer_form_backup(f->p, s->core, &s->seller, path, sizeof path, &e), 0);
    put_file(f->form, "width 40\n---\n{broken\n");

    assert_int_equal(printer_new(&f->cfg, &fresh, &e), 0);
    assert_int_equal(printer_invoice(fresh, s->core, &s->seller, 1, false, &to, &res, &e), 0);
    assert_non_null(strstr(res.note, "printed with the saved form receipt-"));
    text = read_file(f->out);
    assert_string_equal(text, "新格式 00000001\n");
    free(text);
    printer_free(fresh);
}

static void printer__saved_forms_restore_for_admins_only(void **state)
{
    struct fix *f = *state;
    struct site *s = f->s;
    char path[1024], name[256], expect_dir[400], **names, *text;
    struct kwh_err e;
    int n;

    snprintf(expect_dir, sizeof expect_dir, "%s/form-backups", s->dir);
    assert_string_equal(printer_backup_dir(f->p), expect_dir);
    assert_string_equal(printer_form_path(f->p), f->form);
    put_file(f->form, "width 40\n---\n保存的 {invoice_no}\n");
    assert_int_equal(printer_form_backup(f->p, s->core, &s->seller, path, sizeof path, &e), 0);
    assert_int_equal(strncmp(path, expect_dir, strlen(expect_dir)), 0);
    str_copy(name, sizeof name, strrchr(path, '/') + 1);
    assert_string_equal(name, "receipt-20261124-060000.form");
    assert_int_equal(print_form_backups(expect_dir, f->form, &names, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], name);
    print_form_backups_free(names);

    put_file(f->form, "width 40\n---\n改过的 {invoice_no}\n");
    REFUSED(KWH_EPERM, "管理员", printer_form_restore(f->p, s->core, &s->seller, name, &e_));
    text = read_file(f->form);
    assert_non_null(strstr(text, "改过的"));
    free(text);
    REFUSED(KWH_EINVAL, "name a saved form",
            printer_form_restore(f->p, s->core, &s->admin, "", &e_));
    REFUSED(KWH_EINVAL, "name a saved form",
            printer_form_restore(f->p, s->core, &s->admin, "..", &e_));
    REFUSED(KWH_ENOTFOUND, "", printer_form_restore(f->p, s->core, &s->admin, "nosuch.form", &e_));
    snprintf(path, sizeof path, "%s/bad.form", s->dir);
    put_file(path, "width 40\n---\n{nosuch}\n");
    REFUSED(KWH_EINVAL, "unknown variable",
            printer_form_restore(f->p, s->core, &s->admin, path, &e_));
    text = read_file(f->form);
    assert_non_null(strstr(text, "改过的"));
    free(text);

    assert_int_equal(printer_form_restore(f->p, s->core, &s->admin, name, &e), 0);
    /* restored into the station's forms/ (beside the database), never over the INI's form */
    snprintf(path, sizeof path, "%s/forms/receipt.form", s->dir);
    assert_string_equal(printer_form_path(f->p), path);
    text = read_file(path);
    assert_non_null(strstr(text, "保存的"));
    free(text);
    text = read_file(f->form);
    assert_non_null(strstr(text, "改过的"));
    free(text);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'form-backup'"), 1);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'form-restore' "
                                "AND operator = 'system'"),
                     1);
}

static void printer__the_designer_save_is_audited(void **state)
{
    struct fix *f = *state;
    struct site *s = f->s;
    struct print_form *form;
    struct kwh_session nobody = {0};
    struct kwh_err e;
    char edited[1024], *text;
    int i = 0;

    assert_int_equal(print_form_load(f->form, &form, &e), 0);
    assert_int_equal(print_form_delete(form, i, &e), 0);
    REFUSED(KWH_EPERM, "log in", printer_form_save(f->p, s->core, &nobody, form, &e_));
    assert_int_equal(printer_form_save(f->p, s->core, &s->seller, form, &e), 0);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'form-save' AND "
                                "operator = 'clerk'"),
                     1);
    print_form_free(form);
    /* the edited copy is the station's, and the form in use from now on */
    snprintf(edited, sizeof edited, "%s/forms/receipt.form", s->dir);
    assert_string_equal(printer_form_path(f->p), edited);
    assert_int_equal(print_form_load(edited, &form, &e), 0);
    print_form_free(form);
    text = read_file(f->form);
    assert_non_null(strstr(text, "{unit"));
    free(text);
}

static void printer__reports_and_gb18030_bytes(void **state)
{
    struct fix *f = *state;
    struct site *s = f->s;
    struct printer_dest to = to_file(f->out);
    struct printer_result res;
    struct printer *gb;
    struct kwh_config cfg = f->cfg;
    struct kwh_err e;
    char *text;

    assert_int_equal(
        printer_report(f->p, "daily", "日报 2026-11-24\n合计\t128.50\n", &to, &res, &e), 0);
    text = read_file(f->out);
    assert_string_equal(text, "日报 2026-11-24\n合计    128.50\n");
    free(text);
    REFUSED(KWH_EINVAL, "no report", printer_report(f->p, "x", NULL, &to, &res, &e_));
    REFUSED(KWH_EIO, "printing is off", printer_report(f->p, "x", "a\n", NULL, &res, &e_));

    site_open(s, 12345678, 10000);
    str_copy(cfg.print_encoding, sizeof cfg.print_encoding, "gb18030");
    cfg.print_crlf = true;
    assert_int_equal(printer_new(&cfg, &gb, &e), 0);
    assert_int_equal(printer_invoice(gb, s->core, &s->seller, 1, false, &to, &res, &e), 0);
    text = read_file(f->out);
    /* 张三 in GB18030, at the end of its line */
    assert_non_null(strstr(text, "\xd5\xc5\xc8\xfd\r\n"));
    assert_null(strstr(text, "张三"));
    free(text);
    printer_free(gb);
}

static void printer__a_value_too_wide_is_printed_cut_with_a_warning(void **state)
{
    struct fix *f = *state;
    struct site *s = f->s;
    struct printer_dest to = to_file(f->out);
    struct printer_result res;
    struct kwh_account_req a = site_account(s, 12345678, "阳光花园小区第三期物业管理有限公司");
    struct kwh_purchase_req p = {KWH_BY_KWH, 1000, 0, KWH_PAY_CASH};
    struct kwh_receipt r;
    struct kwh_err e;

    fakecard_blank(s->card);
    assert_int_equal(ops_open(s->core, &s->seller, &a, &p, &r, &e), 0);
    assert_int_equal(printer_invoice(f->p, s->core, &s->seller, 1, false, &to, &res, &e), 0);
    assert_non_null(strstr(res.note, "customer"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
        T(printer__original_once_then_counted_reprints),
        T(printer__refusals_before_the_copy_count_nothing),
        T(printer__a_failed_copy_leaves_the_invoice_to_print_again),
        T(printer__a_bad_form_file_keeps_the_last_good_form),
        T(printer__a_fresh_printer_falls_back_to_the_newest_saved_form),
        T(printer__saved_forms_restore_for_admins_only),
        T(printer__the_designer_save_is_audited),
        T(printer__reports_and_gb18030_bytes),
        T(printer__a_value_too_wide_is_printed_cut_with_a_warning),
#undef T
    };
    setenv("TZ", "UTC", 1);
    tzset();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
