/* SPDX-License-Identifier: Apache-2.0 */
/* Queries, reports, backup and restore, export and import (docs/cli.md). This file has
 * the purchase reports and the shift report; query.c and data.c the rest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/report.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "kwhpos/core.h"
#include "kwhpos/query.h"
#include "kwhpos/print.h"

static const struct out_col report_cols[] = {
    {KWH_NC("column", "date"), 0},           {KWH_NC("column", "from"), OUT_DATA_ONLY},
    {KWH_NC("column", "to"), OUT_DATA_ONLY}, {KWH_NC("column", "count"), OUT_NUM},
    {KWH_NC("column", "kwh"), OUT_NUM},      {KWH_NC("column", "adjust_kwh"), OUT_NUM},
    {KWH_NC("column", "free_kwh"), OUT_NUM}, {KWH_NC("column", "amount"), OUT_NUM},
    {KWH_NC("column", "fee"), OUT_NUM},
};

static void totals_row(struct out_table *t, const char *label, const struct kwh_period *p,
                       const struct kwh_sale_totals *x)
{
    out_cell(t, label);
    out_cell(t, p ? cli_time(p->from) : "");
    out_cell(t, p ? cli_time(p->to) : "");
    out_cellf(t, "%lld", (long long)x->count);
    out_cell(t, cli_dec(x->energy_ckwh, 2));
    out_cell(t, cli_dec(x->adjust_ckwh, 2));
    out_cell(t, cli_dec(x->free_ckwh, 2));
    out_cell(t, cli_dec(x->amount_fen, 2));
    out_cell(t, cli_dec(x->fee_fen, 2));
}

static const struct out_col split_cols[] = {
    {KWH_NC("column", "by"), 0},        {KWH_NC("column", "count"), OUT_NUM},
    {KWH_NC("column", "kwh"), OUT_NUM}, {KWH_NC("column", "amount"), OUT_NUM},
    {KWH_NC("column", "fee"), OUT_NUM},
};

static void split_row(struct out_table *t, const char *label, const struct kwh_sale_totals *x)
{
    out_cell(t, label);
    out_cellf(t, "%lld", (long long)x->count);
    out_cell(t, cli_dec(x->energy_ckwh, 2));
    out_cell(t, cli_dec(x->amount_fen, 2));
    out_cell(t, cli_dec(x->fee_fen, 2));
}

static const char *const group_names[] = {"period", "daily", "monthly"};

static int print_report(struct cli *c, const struct out_opts *o, const struct kwh_sales_report *r)
{
    struct out_table *rows = out_table_new(report_cols, (int)KWH_ARRAY_LEN(report_cols));
    struct out_table *tot = out_table_new(report_cols, (int)KWH_ARRAY_LEN(report_cols));
    struct out_table *kinds = out_table_new(split_cols, (int)KWH_ARRAY_LEN(split_cols));
    struct out_table *pays = out_table_new(split_cols, (int)KWH_ARRAY_LEN(split_cols));
    int rc = CLI_OK;

    for (size_t i = 0; i < r->n; i++) {
        char label[32];
        if (r->group == KWH_GROUP_MONTH)
            period_format_month(r->rows[i].period.from, label, sizeof label);
        else if (r->group == KWH_GROUP_DAY)
            period_format_day(r->rows[i].period.from, label, sizeof label);
        else
            str_copy(label, sizeof label, "period");
        totals_row(rows, label, &r->rows[i].period, &r->rows[i].t);
    }
    totals_row(tot, "total", &r->period, &r->totals);
    for (int k = 0; k < KWH_OP_KINDS; k++)
        if (r->by_kind[k].count > 0)
            split_row(kinds, model_op_name(k), &r->by_kind[k]);
    for (int p = 0; p < KWH_PAY_COUNT; p++)
        if (r->by_pay[p].count > 0)
            split_row(pays, model_pay_name(p), &r->by_pay[p]);
    if (out_failed(c, (const struct out_table *[]){rows, tot, kinds, pays}, 4)) {
        rc = CLI_ERROR;
    } else if (o->format == OUT_CSV) {
        totals_row(rows, "total", &r->period, &r->totals);
        rc = out_csv(c, c->out, rows, o->encoding);
    } else if (o->format == OUT_XLSX) {
        const struct out_sheet sheets[] = {
            {r->group == KWH_GROUP_DAY     ? N_("daily report")
             : r->group == KWH_GROUP_MONTH ? N_("monthly report")
                                           : N_("period report"),
             r->group == KWH_GROUP_PERIOD ? tot : rows},
            {N_("by kind"), kinds},
            {N_("by payment method"), pays},
        };
        if (r->group != KWH_GROUP_PERIOD)
            totals_row(rows, "total", &r->period, &r->totals);
        rc = out_xlsx(c, c->out, sheets, 3);
    } else if (o->format == OUT_JSON) {
        fprintf(c->out, "{\"report\":\"%s\",\"from\":", group_names[r->group]);
        out_json_str(c->out, cli_time(r->period.from));
        fputs(",\"to\":", c->out);
        out_json_str(c->out, cli_time(r->period.to));
        fputs(",\"rows\":", c->out);
        out_json_array(c->out, rows);
        fputs(",\"totals\":", c->out);
        out_json_object(c->out, tot);
        fputs(",\"by_kind\":", c->out);
        out_json_array(c->out, kinds);
        fputs(",\"by_pay\":", c->out);
        out_json_array(c->out, pays);
        fputs("}\n", c->out);
    } else {
        fprintf(c->out,
                r->group == KWH_GROUP_DAY     ? _("daily report (日报表): %s to %s\n\n")
                : r->group == KWH_GROUP_MONTH ? _("monthly report (月报表): %s to %s\n\n")
                                              : _("period report (段时期报表): %s to %s\n\n"),
                cli_minute(r->period.from), cli_minute(r->period.to));
        if (r->group != KWH_GROUP_PERIOD) {
            totals_row(rows, "total", &r->period, &r->totals);
            out_text(c->out, rows);
        } else {
            out_text(c->out, tot);
        }
        fprintf(c->out, "\n%s\n", _("by kind:"));
        out_text(c->out, kinds);
        fprintf(c->out, "\n%s\n", _("by payment method:"));
        out_text(c->out, pays);
    }
    out_table_free(rows);
    out_table_free(tot);
    out_table_free(kinds);
    out_table_free(pays);
    return rc;
}

/* The monthly report's --from and --to name months: a day there would be silently
 * widened to its month. */
static int month_opt(struct cli *c, const struct cli_args *a, const char *key)
{
    const char *v = cli_str(a, key);
    if (v == NULL || (strlen(v) == 7 && v[4] == '-' && strspn(v, "0123456789-") == 7))
        return 0;
    return cli_usage(c, "report monthly: --%s '%s': give a month YYYY-MM", key, v);
}

/* The report as a PDF through the printing module: its text, then bar charts of the kWh
 * and the money of each row drawn from the same rows, which are per month when
 * per_month (else per day). */
static int report_pdf(struct cli *c, const struct kwh_sales_report *r, bool per_month)
{
    struct out_opts o = {.format = OUT_TEXT, .encoding = KWH_CSV_UTF8};
    struct print_pdf_opts po;
    struct print_page *page = NULL;
    const char **labels = calloc(r->n + 1, sizeof *labels);
    char(*label)[16] = calloc(r->n + 1, sizeof *label);
    int64_t *kwh = calloc(r->n + 1, sizeof *kwh), *yuan = calloc(r->n + 1, sizeof *yuan);
    char *text = NULL, *pdf = NULL, title[96];
    size_t text_len = 0, pdf_len = 0;
    struct kwh_err e;
    FILE *out = c->out, *mem;
    int rc = CLI_OK;

    if (labels == NULL || label == NULL || kwh == NULL || yuan == NULL ||
        (mem = open_memstream(&text, &text_len)) == NULL) {
        kwh_err_set(&e, KWH_ENOMEM, "out of memory");
        rc = cli_fail(c, &e);
        goto out;
    }
    c->out = mem;
    rc = print_report(c, &o, r);
    c->out = out;
    fclose(mem);
    if (rc != CLI_OK)
        goto out;
    for (size_t i = 0; i < r->n; i++) {
        if (per_month)
            period_format_month(r->rows[i].period.from, label[i], sizeof label[i]);
        else
            period_format_day(r->rows[i].period.from, label[i], sizeof label[i]);
        labels[i] = label[i];
        kwh[i] = r->rows[i].t.energy_ckwh;
        yuan[i] = r->rows[i].t.amount_fen + r->rows[i].t.fee_fen;
    }
    if (print_page_from_text(text, &page, &e) < 0)
        goto fail;
    snprintf(title, sizeof title, "%s",
             per_month ? _("kWh sold per month") : _("kWh sold per day"));
    if (print_page_add_chart(page, title, (int)r->n, labels, kwh, &e) < 0)
        goto fail;
    snprintf(title, sizeof title, "%s",
             per_month ? _("money per month (yuan)") : _("money per day (yuan)"));
    if (print_page_add_chart(page, title, (int)r->n, labels, yuan, &e) < 0)
        goto fail;
    print_pdf_opts_default(&po);
    if (print_pdf_render(page, &po, &pdf, &pdf_len, &e) < 0)
        goto fail;
    if (fwrite(pdf, 1, pdf_len, c->out) != pdf_len || fflush(c->out) != 0) {
        kwh_err_set(&e, KWH_EIO, "cannot write the PDF to the output");
        goto fail;
    }
    goto out;
fail:
    rc = cli_fail(c, &e);
out:
    print_page_free(page);
    free(pdf);
    free(text);
    free(labels);
    free(label);
    free(kwh);
    free(yuan);
    return rc;
}

static int report(struct cli *c, const struct cli_args *a, int group)
{
    struct kwh_sale_filter f;
    struct kwh_sales_report r;
    struct out_opts o;
    struct kwh_err e;
    const char *fmt = cli_str(a, "format");
    bool pdf = fmt != NULL && strcmp(fmt, "pdf") == 0;
    int rc;

    if (pdf) {
        if (cli_flag(a, "encoding") || cli_flag(a, "bom"))
            return cli_usage(c, "--encoding and --bom are for --format csv");
        if (isatty(fileno(c->out)))
            return cli_usage(c, "--format pdf writes a PDF file: send it to one (> report.pdf)");
        memset(&o, 0, sizeof o);
    } else if ((rc = out_parse(c, a, &o)) != 0) {
        return rc;
    }
    if (group == KWH_GROUP_MONTH &&
        ((rc = month_opt(c, a, "from")) != 0 || (rc = month_opt(c, a, "to")) != 0))
        return rc;
    if (cli_session(c, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = cli_sale_filter(c, a, &f)) != 0)
        return rc;
    if (!f.by_date && group == KWH_GROUP_MONTH) {
        f.by_date = true;
        f.period = period_month(core_now(c->core));
    }
    if (report_sales(c->core, &c->session, &f, group, &r, &e) < 0)
        return cli_fail(c, &e);
    if (pdf && group == KWH_GROUP_PERIOD) {
        /* the period's totals as the text, a bar a day in the charts (a month when the
           period is longer than two months) */
        struct kwh_sales_report days;
        bool months = r.period.to - r.period.from > 62 * 86400;
        if (report_sales(c->core, &c->session, &f, months ? KWH_GROUP_MONTH : KWH_GROUP_DAY, &days,
                         &e) < 0) {
            report_sales_fini(&r);
            return cli_fail(c, &e);
        }
        free(r.rows);
        r.rows = days.rows;
        r.n = days.n;
        days.rows = NULL;
        report_sales_fini(&days);
        rc = report_pdf(c, &r, months);
    } else {
        rc = pdf ? report_pdf(c, &r, group == KWH_GROUP_MONTH) : print_report(c, &o, &r);
    }
    report_sales_fini(&r);
    return rc;
}

static int cmd_daily(struct cli *c, const struct cli_args *a)
{
    return report(c, a, KWH_GROUP_DAY);
}

static int cmd_monthly(struct cli *c, const struct cli_args *a)
{
    return report(c, a, KWH_GROUP_MONTH);
}

static int cmd_period(struct cli *c, const struct cli_args *a)
{
    return report(c, a, KWH_GROUP_PERIOD);
}

/* --- 阶梯 and fees: kWh and money per tier, money per fee type ---------------------------- */

static const struct out_col item_cols[] = {
    {KWH_NC("column", "item"), 0},         {KWH_NC("column", "name"), 0},
    {KWH_NC("column", "count"), OUT_NUM},  {KWH_NC("column", "kwh"), OUT_NUM},
    {KWH_NC("column", "amount"), OUT_NUM},
};

static int cmd_items(struct cli *c, const struct cli_args *a)
{
    struct kwh_sale_filter f;
    struct kwh_item_total *t;
    struct out_table *tab;
    struct out_opts o;
    struct kwh_err e;
    size_t n;
    int rc;

    if ((rc = out_parse(c, a, &o)) != 0)
        return rc;
    if (cli_session(c, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = cli_sale_filter(c, a, &f)) != 0)
        return rc;
    if (report_items(c->core, &c->session, &f, &t, &n, &e) < 0)
        return cli_fail(c, &e);
    if ((tab = out_table_new(item_cols, (int)KWH_ARRAY_LEN(item_cols))) == NULL) {
        free(t);
        return cli_fail(c, &(struct kwh_err){.code = KWH_ENOMEM, .msg = "out of memory"});
    }
    for (size_t i = 0; i < n; i++) {
        if (t[i].item == KWH_ITEM_TIER) {
            out_cellf(tab, "tier%lld", (long long)t[i].ref);
            out_cell(tab, "");
            out_cellf(tab, "%lld", (long long)t[i].count);
            out_cell(tab, cli_dec(t[i].ckwh, 2));
        } else {
            out_cellf(tab, "fee%lld", (long long)t[i].ref);
            out_cell(tab, t[i].ref == 0 ? "补卡费" : t[i].name);
            out_cellf(tab, "%lld", (long long)t[i].count);
            out_cell(tab, "");
        }
        out_cell(tab, cli_dec(t[i].fen, 2));
    }
    free(t);
    rc = CLI_OK;
    if (o.format == OUT_CSV)
        rc = out_csv(c, c->out, tab, o.encoding);
    else if (o.format == OUT_JSON)
        out_json_array(c->out, tab);
    else
        out_text(c->out, tab);
    out_table_free(tab);
    return rc;
}

/* --- 交班 -------------------------------------------------------------------------------- */

static const char *const line_names[KWH_SHIFT_LINES] = {
    "open",         "sale",   "resale", "resale-return", "reissue",
    "meter-change", "refund", "owed",   "reversal",
};

static const struct out_col line_cols[] = {
    {KWH_NC("column", "line"), 0},         {KWH_NC("column", "count"), OUT_NUM},
    {KWH_NC("column", "amount"), OUT_NUM}, {KWH_NC("column", "fee"), OUT_NUM},
    {KWH_NC("column", "total"), OUT_NUM},
};
static const struct out_col fee_cols[] = {
    {KWH_NC("column", "fee"), 0},
    {KWH_NC("column", "name"), 0},
    {KWH_NC("column", "count"), OUT_NUM},
    {KWH_NC("column", "amount"), OUT_NUM},
};
static const struct out_col pay_cols[] = {
    {KWH_NC("column", "pay"), 0},
    {KWH_NC("column", "in"), OUT_NUM},
    {KWH_NC("column", "out"), OUT_NUM},
    {KWH_NC("column", "net"), OUT_NUM},
};
static const struct out_col summary_cols[] = {
    {KWH_NC("column", "shift"), OUT_NUM},
    {KWH_NC("column", "operator"), 0},
    {KWH_NC("column", "from"), 0},
    {KWH_NC("column", "to"), 0},
    {KWH_NC("column", "money_in"), OUT_NUM},
    {KWH_NC("column", "money_out"), OUT_NUM},
    {KWH_NC("column", "net"), OUT_NUM},
    {KWH_NC("column", "expected_cash"), OUT_NUM},
    {KWH_NC("column", "counted_cash"), OUT_NUM},
    {KWH_NC("column", "difference"), OUT_NUM},
    {KWH_NC("column", "voided"), OUT_NUM},
    {KWH_NC("column", "pending"), OUT_NUM},
    {KWH_NC("column", "audit_records"), OUT_NUM},
    {KWH_NC("column", "audit_head"), 0},
};

/* A label padded to 14 columns by display width (a Chinese label is as wide as its
 * characters are). */
static const char *label14(const char *label)
{
    static char buf[8][96];
    static int next;
    char *b = buf[next++ % 8];
    int pad = 14 - utf8_width(label);

    snprintf(b, sizeof buf[0], "%s%*s", label, pad > 0 ? pad : 0, "");
    return b;
}

/* fees: CSV gives the money per fee type instead of the lines. */
static int print_shift(struct cli *c, const struct out_opts *o, const struct kwh_shift_report *r,
                       bool fees_csv)
{
    struct out_table *lines = out_table_new(line_cols, (int)KWH_ARRAY_LEN(line_cols));
    struct out_table *fees = out_table_new(fee_cols, (int)KWH_ARRAY_LEN(fee_cols));
    struct out_table *pays = out_table_new(pay_cols, (int)KWH_ARRAY_LEN(pay_cols));
    struct out_table *sum = out_table_new(summary_cols, (int)KWH_ARRAY_LEN(summary_cols));
    struct out_table *voided = cli_sales_table(), *pending = cli_sales_table();
    int rc = CLI_OK;

    for (int i = 0; i < KWH_SHIFT_LINES; i++) {
        out_cell(lines, line_names[i]);
        out_cellf(lines, "%lld", (long long)r->lines[i].count);
        out_cell(lines, cli_dec(r->lines[i].amount_fen, 2));
        out_cell(lines, cli_dec(r->lines[i].fee_fen, 2));
        out_cell(lines, cli_dec(r->lines[i].total_fen, 2));
    }
    for (size_t i = 0; i < r->nfees; i++) {
        out_cellf(fees, "fee%lld", (long long)r->fees[i].ref);
        out_cell(fees, r->fees[i].name);
        out_cellf(fees, "%lld", (long long)r->fees[i].count);
        out_cell(fees, cli_dec(r->fees[i].fen, 2));
    }
    for (int p = 0; p < KWH_PAY_COUNT; p++) {
        out_cell(pays, model_pay_name(p));
        out_cell(pays, cli_dec(r->pay_in_fen[p], 2));
        out_cell(pays, cli_dec(r->pay_out_fen[p], 2));
        out_cell(pays, cli_dec(r->pay_in_fen[p] - r->pay_out_fen[p], 2));
    }
    if (r->shift_id)
        out_cellf(sum, "%lld", (long long)r->shift_id);
    else
        out_cell(sum, "");
    out_cell(sum, r->operator_name);
    out_cell(sum, r->from ? cli_time(r->from) : "");
    out_cell(sum, cli_time(r->to));
    out_cell(sum, cli_dec(r->money_in_fen, 2));
    out_cell(sum, cli_dec(r->money_out_fen, 2));
    out_cell(sum, cli_dec(r->net_fen, 2));
    out_cell(sum, cli_dec(r->expected_cash_fen, 2));
    out_cell(sum, r->counted ? cli_dec(r->counted_cash_fen, 2) : "");
    out_cell(sum, r->counted ? cli_dec(r->difference_fen, 2) : "");
    out_cellf(sum, "%zu", r->nvoided);
    out_cellf(sum, "%zu", r->npending);
    if (r->anchor.records > 0)
        out_cellf(sum, "%lld", (long long)r->anchor.records);
    else
        out_cell(sum, "");
    out_cell(sum, r->anchor.head);
    for (size_t i = 0; i < r->nvoided; i++)
        cli_sales_row(voided, &r->voided[i]);
    for (size_t i = 0; i < r->npending; i++)
        cli_sales_row(pending, &r->pending[i]);
    if (out_table_failed(lines) || out_table_failed(fees) || out_table_failed(pays) ||
        out_table_failed(sum) || out_table_failed(voided) || out_table_failed(pending)) {
        fprintf(stderr, "%s: out of memory\n", c->prog);
        rc = CLI_ERROR;
    } else if (o->format == OUT_CSV) {
        rc = out_csv(c, c->out, fees_csv ? fees : lines, o->encoding);
    } else if (o->format == OUT_XLSX) {
        const struct out_sheet sheets[] = {
            {N_("shift"), sum},        {N_("lines"), lines},
            {N_("by fee type"), fees}, {N_("by payment method"), pays},
            {N_("voided"), voided},    {N_("pending"), pending},
        };
        rc = out_xlsx(c, c->out, sheets, 6);
    } else if (o->format == OUT_JSON) {
        fputs("{\"shift\":", c->out);
        out_json_object(c->out, sum);
        fputs(",\"lines\":", c->out);
        out_json_array(c->out, lines);
        fputs(",\"fees\":", c->out);
        out_json_array(c->out, fees);
        fputs(",\"pay\":", c->out);
        out_json_array(c->out, pays);
        fputs(",\"voided\":", c->out);
        out_json_array(c->out, voided);
        fputs(",\"pending\":", c->out);
        out_json_array(c->out, pending);
        fputs("}\n", c->out);
    } else {
        fprintf(c->out,
                r->shift_id ? _("shift report (交班) of %s: %s to %s\n\n")
                            : _("shift report (交班) of %s (open): %s to %s\n\n"),
                r->operator_name, r->from ? cli_minute(r->from) : _("the start"),
                cli_minute(r->to));
        if (r->shift_id)
            fprintf(c->out, _("shift #%lld\n\n"), (long long)r->shift_id);
        out_text(c->out, lines);
        fputc('\n', c->out);
        if (r->nfees > 0) {
            fprintf(c->out, "%s\n", _("fees by type:"));
            out_text(c->out, fees);
            fputc('\n', c->out);
        }
        out_text(c->out, pays);
        fputc('\n', c->out);
        fprintf(c->out, "%s %14s\n", label14(_("money in")), cli_dec(r->money_in_fen, 2));
        fprintf(c->out, "%s %14s\n", label14(_("money out")), cli_dec(r->money_out_fen, 2));
        fprintf(c->out, "%s %14s\n", label14(_("net")), cli_dec(r->net_fen, 2));
        fprintf(c->out, "%s %14s\n", label14(_("expected cash")), cli_dec(r->expected_cash_fen, 2));
        if (r->counted) {
            fprintf(c->out, "%s %14s\n", label14(_("counted cash")),
                    cli_dec(r->counted_cash_fen, 2));
            fprintf(c->out, "%s %14s  %s\n", label14(_("difference")),
                    cli_dec(r->difference_fen, 2),
                    r->difference_fen < 0   ? _("(short)")
                    : r->difference_fen > 0 ? _("(over)")
                                            : _("(exact)"));
        }
        if (r->nvoided > 0) {
            fprintf(c->out, "\n%s\n", _("voided attempts (never reached the card, no money):"));
            out_text(c->out, voided);
        }
        if (r->npending > 0) {
            fprintf(c->out, "\n%s\n", _("pending (read these cards to settle them):"));
            out_text(c->out, pending);
        }
        if (r->nrequests > 0)
            fprintf(c->out, "\n%s %zu (kwhpos reverse list)\n",
                    _("reversal requests waiting for an administrator:"), r->nrequests);
        if (r->anchor.records > 0) {
            fputc('\n', c->out);
            fprintf(c->out, _("%s %lld records, head %.16s\n"), label14(_("audit anchor")),
                    (long long)r->anchor.records, r->anchor.head);
        }
    }
    out_table_free(lines);
    out_table_free(fees);
    out_table_free(pays);
    out_table_free(sum);
    out_table_free(voided);
    out_table_free(pending);
    return rc;
}

static int cmd_shift_report(struct cli *c, const struct cli_args *a)
{
    struct kwh_shift_report r;
    struct kwh_period p;
    struct out_opts o;
    struct kwh_err e;
    int64_t id, area = 0;
    bool by_period, in;
    int rc;

    if ((rc = out_parse(c, a, &o)) != 0 ||
        (rc = cli_fixed(c, a, "shift", 0, INT32_MAX, 0, &id)) != 0)
        return rc;
    if (cli_session(c, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = cli_period(c, a, &by_period, &p)) != 0)
        return rc;
    if (cli_flag(a, "shift") && id <= 0) {
        fprintf(stderr, "%s: report shift: no shift #%lld (shifts are numbered from 1)\n", c->prog,
                (long long)id);
        return CLI_NOTFOUND;
    }
    if (id > 0 && (by_period || cli_flag(a, "operator")))
        return cli_usage(c, "report shift: --shift ID with no operator or period (it has "
                            "its own), or --operator and a period; --in with either");
    if ((rc = cli_area_opt(c, a, &in, &area)) != 0)
        return rc;
    if (id > 0 && in)
        rc = shift_get_in_area(c->core, &c->session, id, area, &r, &e);
    else if (id > 0)
        rc = shift_get(c->core, &c->session, id, &r, &e);
    else if (in)
        rc = shift_in_area(c->core, &c->session, cli_str(a, "operator"), by_period ? &p : NULL,
                           area, &r, &e);
    else if (by_period)
        rc = shift_period(c->core, &c->session, cli_str(a, "operator"), &p, &r, &e);
    else
        rc = shift_current(c->core, &c->session, cli_str(a, "operator"), &r, &e);
    if (rc < 0)
        return cli_fail(c, &e);
    if (in && o.format == OUT_TEXT)
        fprintf(c->out, _("only the sales of the accounts in %s and below\n"),
                cli_area_title(c, area)[0] ? cli_area_title(c, area) : "/");
    rc = print_shift(c, &o, &r, cli_flag(a, "fees"));
    shift_report_fini(&r);
    return rc;
}

static int cmd_shift_close(struct cli *c, const struct cli_args *a)
{
    struct kwh_shift_report r;
    struct out_opts o;
    struct kwh_err e;
    int64_t counted;
    int rc;

    if ((rc = out_parse(c, a, &o)) != 0)
        return rc;
    if (!cli_flag(a, "counted"))
        return cli_usage(c, "shift close: count the cash in the drawer first and give it with "
                            "--counted YUAN");
    if ((rc = cli_fixed(c, a, "counted", 2, UNITS_MAX_FEN, 0, &counted)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || shift_close(c->core, &c->session, counted, &r, &e) < 0)
        return cli_fail(c, &e);
    rc = print_shift(c, &o, &r, cli_flag(a, "fees"));
    shift_report_fini(&r);
    return rc;
}

#define FMT "format= encoding= bom "
#define SALE_FILTERS "from= to= operator= customer= meter= name= in= "
#define PAGE "limit= offset= "
#define EVENT_HELP                                                                                 \
    "[--from D] [--to D] [--operator NAME] [--in AREA] [--limit N --offset N] [--format F]"

const struct cli_command cli_report_commands[] = {
    {"report daily", FMT SALE_FILTERS,
     "[--from D] [--to D] [--operator NAME] [--customer NO] [--meter NO] [--name TEXT] "
     "[--in AREA] [--format text|csv|json|xlsx|pdf] [--encoding utf-8|gb18030] [--bom]",
     N_("purchases per day with totals (日报表); default today"), cmd_daily, 0},
    {"report monthly", FMT SALE_FILTERS, "[--from YYYY-MM] [--to YYYY-MM] [filters as daily]",
     N_("purchases per month with totals (月报表); default this month"), cmd_monthly, 0},
    {"report period", FMT SALE_FILTERS, "[--from D] [--to D] [filters as daily]",
     N_("purchase totals over a period by kind and payment (段时期报表)"), cmd_period, 0},
    {"report shift", FMT "operator= from= to= shift= in= fees",
     "[--operator NAME] [--from D --to D] [--in AREA] | [--shift ID [--in AREA]] [--format F] "
     "[--fees]",
     N_("money of a shift (交班): the open one, a period, or a closed one"), cmd_shift_report, 0},
    {"report items",
     FMT "from= to= operator=", "[--from D] [--to D] [--operator NAME] [--format F]",
     N_("kWh and money per tier (阶梯电价) and money per fee type over a period; default today"),
     cmd_items, 0},
    {"shift close", FMT "counted= fees", "--counted YUAN [--format F] [--fees]",
     N_("close your shift (交班) with the cash counted in the drawer"), cmd_shift_close, 0},
    {"query customers",
     FMT PAGE "after= customer= meter= name= tariff= address= from= to= closed in=",
     "[--customer NO] [--meter NO] [--name TEXT] [--tariff T] [--address TEXT] [--from D] "
     "[--to D] [--closed] [--in AREA] [--limit N --offset N | --after NO] [--format F]",
     N_("accounts (用户信息查询); none = all that are not closed"), cli_query_customers, 0},
    {"query sales", FMT PAGE SALE_FILTERS,
     "[--from D] [--to D] [--operator NAME] [--customer NO] [--meter NO] [--name TEXT] "
     "[--in AREA] [--limit N --offset N] [--format F]",
     N_("purchases with totals (购电电量查询); default today"), cli_query_sales, 0},
    {"query transfers", FMT PAGE "from= to= operator= in=", EVENT_HELP,
     N_("ownership transfers (过户查询); default today"), cli_query_transfers, 0},
    {"query closings", FMT PAGE "from= to= operator= in=", EVENT_HELP,
     N_("account closings (销户查询); default today"), cli_query_closings, 0},
    {"query reissues", FMT PAGE "from= to= operator= in=", EVENT_HELP,
     N_("card reissues (补卡查询); default today"), cli_query_reissues, 0},
    {"query meter-changes", FMT PAGE "from= to= operator= in=", EVENT_HELP,
     N_("meter changes (换表查询); default today"), cli_query_meter_changes, 0},
    {"backup", "dir= keep= if-due", "[--dir DIR] [--keep N] [--if-due]",
     N_("back the database up while it is in use (数据备份)"), cli_backup, 0},
    {"restore", "dir=", "FILE [--dir DIR]",
     N_("replace the database with a backup (数据恢复, admin)"), cli_restore, 1},
    {"check", "", "", N_("integrity, audit chain, report summary, pending card writes"), cli_check,
     0},
    {"db copy", "to=", "--to DATABASE",
     N_("copy the whole site into a new, empty database (SQLite file or PostgreSQL) and verify "
        "it (admin)"),
     cli_db_copy, 1},
    {"export customers",
     "encoding= bom output= customer= meter= name= tariff= address= from= to= "
     "closed in=",
     "[filters as query customers] [--output FILE] [--encoding utf-8|gb18030] [--bom]",
     N_("every matching account as CSV"), cli_export_customers, 0},
    {"export sales", "encoding= bom output= " SALE_FILTERS,
     "[filters as query sales] [--output FILE] [--encoding utf-8|gb18030] [--bom]",
     N_("every matching purchase as CSV"), cli_export_sales, 0},
    {"import customers", "encoding=", "FILE.csv [--encoding utf-8|gb18030]",
     N_("create accounts without cards from CSV, all or nothing (admin)"), cli_import, 1},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
