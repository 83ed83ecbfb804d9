/* SPDX-License-Identifier: Apache-2.0 */
/* Invoices: printing and reprinting (补打发票), the recent list, a report's text on the
 * invoice printer, and the form file (check, backup, restore). docs/printing.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "kwhpos/invoice.h"
#include "kwhpos/printer.h"
#include "kwhpos/util.h"
#include "kwhpos/print.h"

static int get_printer(struct cli *c, struct kwh_err *e)
{
    if (c->printer != NULL)
        return 0;
    return printer_new(&c->cfg, &c->printer, e);
}

/* Exit code and one line for a printing failure. */
static int print_fail(struct cli *c, const struct printer_result *res, const struct kwh_err *e)
{
    if (res->output_failed) {
        fprintf(stderr, "%s: %s\n", c->prog, e->msg);
        return CLI_PRINT;
    }
    return cli_fail(c, e);
}

static void warn(struct cli *c, const struct printer_result *res)
{
    if (res->note[0] != '\0')
        fprintf(stderr, "%s: warning: %s\n", c->prog, res->note);
}

/* A positive invoice number from a word. */
static int invoice_arg(struct cli *c, const char *word, int64_t *no)
{
    struct kwh_err e;
    if (fixed_parse(word, 0, INT64_MAX / 2, "invoice number", no, &e) < 0 || *no < 1)
        return cli_usage(c, "'%s' is not an invoice number (see kwhpos invoices)", word);
    return 0;
}

static int cmd_print(struct cli *c, const struct cli_args *a)
{
    struct printer_dest to = {NULL, -1};
    struct printer_result res;
    struct kwh_err e;
    const char *format = cli_str(a, "format");
    int64_t no;
    int rc;

    if (a->npos != 1)
        return cli_usage(c, "print: give one invoice number (kwhpos invoices lists them)");
    if ((rc = invoice_arg(c, a->pos[0], &no)) != 0)
        return rc;
    to.file = cli_str(a, "file");
    if (format != NULL) {
        if (to.file == NULL)
            return cli_usage(c, "print: --format goes with --file (the queue's is in the INI)");
        if (strcmp(format, "raw") == 0)
            to.format = PRINT_RAW;
        else if (strcmp(format, "pdf") == 0)
            to.format = PRINT_PDF;
        else
            return cli_usage(c, "--format: raw or pdf");
    }
    if (to.file != NULL && to.file[0] == '\0')
        return cli_usage(c, "--file needs a file name");
    if (cli_session(c, &e) < 0 || get_printer(c, &e) < 0)
        return cli_fail(c, &e);
    if (printer_invoice(c->printer, c->core, &c->session, no, cli_flag(a, "reprint"), &to, &res,
                        &e) < 0)
        return print_fail(c, &res, &e);
    warn(c, &res);
    cli_kv(c, "invoice", "%lld", (long long)no);
    if (res.reprint > 0)
        cli_kv(c, "copy", "补打(第%d次)", res.reprint);
    else
        cli_kv(c, "copy", "original");
    if (to.file != NULL)
        cli_kv(c, "file", "%s", to.file);
    else
        cli_kv(c, "job", "%d", res.job_id);
    return CLI_OK;
}

/* Local midnight of a YYYY-MM-DD date, plus `days`. */
static int day_start(struct cli *c, const char *opt, const char *text, int days, int64_t *out)
{
    struct tm tm;
    int y, m, d;
    char tail;
    time_t t;

    if (sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 2000 || y > 9999 || m < 1 ||
        m > 12 || d < 1 || d > 31)
        return cli_usage(c, "--%s '%s': a date as YYYY-MM-DD", opt, text);
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_isdst = -1;
    t = mktime(&tm);
    if (t == (time_t)-1 || tm.tm_mday != d)
        return cli_usage(c, "--%s '%s': no such date", opt, text);
    if (days != 0) {
        tm.tm_mday += days;
        tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
        tm.tm_isdst = -1;
        t = mktime(&tm);
    }
    *out = (int64_t)t;
    return 0;
}

static int cmd_invoices(struct cli *c, const struct cli_args *a)
{
    struct invoice_query q;
    struct kwh_sale *s;
    struct kwh_err e;
    int64_t v;
    size_t n;
    int rc;

    memset(&q, 0, sizeof q);
    if (a->npos != 0)
        return cli_usage(c, "invoices: no arguments, only options (kwhpos help invoices)");
    if ((cli_str(a, "from") && (rc = day_start(c, "from", cli_str(a, "from"), 0, &q.from)) != 0) ||
        (cli_str(a, "to") && (rc = day_start(c, "to", cli_str(a, "to"), 1, &q.to)) != 0))
        return rc;
    if ((rc = cli_fixed(c, a, "before", 0, INT64_MAX / 2, 0, &q.below)) != 0 ||
        (rc = cli_fixed(c, a, "limit", 0, 1000, 20, &v)) != 0 ||
        (rc = cli_number(c, a, "customer", &q.customer_no)) != 0)
        return rc;
    if (v < 1)
        return cli_usage(c, "--limit: 1 to 1000");
    q.limit = (int)v;
    q.operator_name = cli_str(a, "operator");
    if (cli_session(c, &e) < 0 || invoice_list(c->core, &c->session, &q, &s, &n, &e) < 0)
        return cli_fail(c, &e);
    for (size_t i = 0; i < n; i++) {
        time_t t = (time_t)s[i].created;
        struct tm tm;
        char when[32];
        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        fprintf(c->out, "%08lld\t%s\t%s\t%s\t%08u\t%s\t%s\t%s\t%d\t%s\n",
                (long long)s[i].invoice_no, when, model_op_name(s[i].kind),
                model_state_name(s[i].state), s[i].customer_no, s[i].customer_name,
                cli_dec(s[i].amount_fen + s[i].fee_fen, 2), s[i].operator_name, s[i].reprints,
                s[i].printed > 0 ? "printed" : "not-printed");
    }
    free(s);
    return CLI_OK;
}

static int cmd_print_text(struct cli *c, const struct cli_args *a)
{
    const char *path = a->npos == 1 ? a->pos[0] : NULL;
    struct kwh_err e;
    char *text;
    size_t len;
    int rc;

    if (path == NULL)
        return cli_usage(c, "print-text: give the text file to print");
    if (cli_session(c, &e) < 0 || file_read_stream(path, 4u << 20, &text, &len, &e) < 0)
        return cli_fail(c, &e);
    if (strlen(text) != len) {
        free(text);
        return cli_usage(c, "print-text: %s is not a text file (it has NUL bytes)", path);
    }
    rc = cli_print_report(c, cli_str(a, "title") ? cli_str(a, "title") : path, text);
    free(text);
    return rc;
}

int cli_print_report(struct cli *c, const char *title, const char *text)
{
    struct printer_result res;
    struct kwh_err e;

    if (get_printer(c, &e) < 0)
        return cli_fail(c, &e);
    if (printer_report(c->printer, title, text, NULL, &res, &e) < 0)
        return print_fail(c, &res, &e);
    cli_kv(c, "job", "%d", res.job_id);
    return CLI_OK;
}

int cli_print_ready(struct cli *c)
{
    struct printer_result res;
    struct kwh_err e;

    if (get_printer(c, &e) < 0 || printer_check(c->printer, NULL, &res, &e) < 0) {
        kwh_err_prefix(&e, "--print: nothing was sold, the invoice could not be printed");
        return cli_fail(c, &e);
    }
    return 0;
}

int cli_print_invoice(struct cli *c, int64_t invoice_no)
{
    struct printer_result res;
    struct kwh_err e;

    if (get_printer(c, &e) < 0 ||
        printer_invoice(c->printer, c->core, &c->session, invoice_no, false, NULL, &res, &e) < 0) {
        fprintf(stderr,
                "%s: the sale is done (invoice %lld) but its invoice did not print: %s; "
                "print it with `kwhpos print %lld`\n",
                c->prog, (long long)invoice_no, e.msg, (long long)invoice_no);
        return CLI_PRINT;
    }
    warn(c, &res);
    cli_kv(c, "printed", "job %d", res.job_id);
    return CLI_OK;
}

/* ---- the form file ------------------------------------------------------------------ */

static int cmd_form_check(struct cli *c, const struct cli_args *a)
{
    const char *path = a->npos == 1 ? a->pos[0] : c->cfg.print_form;
    struct print_form *f = NULL;
    struct print_vars *v = NULL;
    struct print_page *page = NULL;
    struct kwh_err e;
    int rc = CLI_OK, fields = 0;

    if (a->npos > 1)
        return cli_usage(c, "form check: one form file (default: [print] form)");
    if (print_form_load(path, &f, &e) < 0)
        return cli_fail(c, &e);
    for (int i = 0; i < print_form_item_count(f); i++)
        fields += print_form_item(f, i)->kind == PRINT_ITEM_FIELD;
    if ((v = print_vars_new()) == NULL || print_vars_set_samples(v, &e) < 0 ||
        print_render(f, v, &page, &e) < 0) {
        if (v == NULL)
            kwh_err_set(&e, KWH_ENOMEM, "out of memory");
        rc = cli_fail(c, &e);
        goto out;
    }
    fprintf(c->out, "%s: ok: '%s', %d columns, %d lines, %d fields\n", path, print_form_name(f),
            print_form_width(f), print_form_lines(f), fields);
    if (page->overflows > 0)
        fprintf(c->out, "%s: warning: with the sample values, %s\n", path, page->note);
out:
    print_page_free(page);
    print_vars_free(v);
    print_form_free(f);
    return rc;
}

static int cmd_form_backup(struct cli *c, const struct cli_args *a)
{
    char path[KWH_PATH_MAX * 2];
    struct kwh_err e;
    (void)a;
    if (cli_session(c, &e) < 0 || get_printer(c, &e) < 0 ||
        printer_form_backup(c->printer, c->core, &c->session, path, sizeof path, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "%s\n", path);
    return CLI_OK;
}

static int cmd_form_backups(struct cli *c, const struct cli_args *a)
{
    struct kwh_err e;
    char **names;
    int n;
    (void)a;
    if (get_printer(c, &e) < 0 ||
        print_form_backups(printer_backup_dir(c->printer), printer_form_path(c->printer), &names,
                           &n, &e) < 0)
        return cli_fail(c, &e);
    for (int i = 0; i < n; i++)
        fprintf(c->out, "%s\n", names[i]);
    print_form_backups_free(names);
    return CLI_OK;
}

static int cmd_form_restore(struct cli *c, const struct cli_args *a)
{
    struct kwh_err e;
    if (a->npos != 1)
        return cli_usage(c, "form restore: give the saved form's name (kwhpos form backups)");
    if (cli_session(c, &e) < 0 || get_printer(c, &e) < 0 ||
        printer_form_restore(c->printer, c->core, &c->session, a->pos[0], &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "%s restored from %s\n", printer_form_path(c->printer), a->pos[0]);
    return CLI_OK;
}

const struct cli_command cli_print_commands[] = {
    {"print", "reprint file= format=", "INVOICE_NO [--reprint] [--file OUT [--format raw|pdf]]",
     N_("print an invoice; --reprint: a 补打 copy, marked and counted"), cmd_print, 1},
    {"invoices", "operator= from= to= customer= before= limit=",
     "[--operator NAME] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--customer NO] [--before N] "
     "[--limit N]",
     N_("recent invoices, newest first: number, time, kind, state, customer, name, amount, "
        "operator, reprints, printed"),
     cmd_invoices, 0},
    {"print-text", "title=", "FILE [--title T]",
     N_("print a text file (a report) on the invoice "
        "printer"),
     cmd_print_text, 1},
    {"form check", "", "[FILE]", N_("check an invoice form file (default: [print] form)"),
     cmd_form_check, 1},
    {"form backup", "", "", N_("save a copy of the invoice form (保存发票格式)"), cmd_form_backup,
     0},
    {"form backups", "", "", N_("the saved copies of the invoice form, newest first"),
     cmd_form_backups, 0},
    {"form restore", "", "NAME", N_("put a saved invoice form back (恢复发票格式, admin)"),
     cmd_form_restore, 1},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
