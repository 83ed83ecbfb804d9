/* SPDX-License-Identifier: Apache-2.0 */
/* Options shared by the report, query and export commands, and their row layouts. */
#include <stdio.h>
#include <string.h>

#include "cli/report.h"
#include "kwhpos/util.h"
#include "kwhpos/core.h"
#include "kwhpos/query.h"

const char *cli_time(int64_t t)
{
    static char bufs[4][32];
    static int next;
    char *b = bufs[next++ % 4];
    if (t == 0)
        b[0] = '\0';
    else
        period_format_time(t, b, sizeof bufs[0]);
    return b;
}

const char *cli_minute(int64_t t)
{
    static char bufs[4][32];
    static int next;
    char *b = bufs[next++ % 4];
    period_format_time(t, b, sizeof bufs[0]);
    b[16] = '\0';
    return b;
}

int cli_period(struct cli *c, const struct cli_args *a, bool *on, struct kwh_period *p)
{
    const char *from = cli_str(a, "from"), *to = cli_str(a, "to");
    struct kwh_err e;
    *on = from != NULL || to != NULL;
    if (!*on)
        return 0;
    if ((from != NULL && from[0] == '\0') || (to != NULL && to[0] == '\0'))
        return cli_usage(c,
                         "--%s is empty: give a date YYYY-MM-DD, a month YYYY-MM or a "
                         "time \"YYYY-MM-DD HH:MM\"",
                         from != NULL && from[0] == '\0' ? "from" : "to");
    if (period_from_text(from, to, core_now(c->core), p, &e) < 0)
        return cli_usage(c, "%s", e.msg);
    return 0;
}

int cli_page(struct cli *c, const struct cli_args *a, int64_t *limit, int64_t *offset)
{
    int rc;
    if ((rc = cli_fixed(c, a, "limit", 0, KWH_PAGE_MAX, KWH_PAGE_DEFAULT, limit)) != 0 ||
        (rc = cli_fixed(c, a, "offset", 0, INT32_MAX, 0, offset)) != 0)
        return rc;
    if (*limit < 1 || *offset < 0)
        return cli_usage(c, "--limit 1 to %d, --offset 0 or more", KWH_PAGE_MAX);
    return 0;
}

static int text_opt(struct cli *c, const struct cli_args *a, const char *key, bool *on, char *buf,
                    size_t n)
{
    const char *v = cli_str(a, key);
    *on = v != NULL;
    if (v != NULL && (v[0] == '\0' || !str_copy(buf, n, v)))
        return cli_usage(c, "--%s: give some text, not too long", key);
    return 0;
}

int cli_sale_filter(struct cli *c, const struct cli_args *a, struct kwh_sale_filter *f)
{
    int rc;
    memset(f, 0, sizeof f[0]);
    if ((rc = cli_period(c, a, &f->by_date, &f->period)) != 0 ||
        (rc = text_opt(c, a, "operator", &f->by_operator, f->operator_name,
                       sizeof f->operator_name)) != 0 ||
        (rc = text_opt(c, a, "name", &f->by_name, f->name, sizeof f->name)) != 0 ||
        (rc = cli_number(c, a, "customer", &f->customer_no)) != 0 ||
        (rc = cli_number(c, a, "meter", &f->meter_no)) != 0)
        return rc;
    f->by_customer_no = cli_flag(a, "customer");
    f->by_meter_no = cli_flag(a, "meter");
    if ((rc = cli_area_opt(c, a, &f->by_area, &f->area_id)) != 0)
        return rc;
    if (cli_flag(a, "limit") || cli_flag(a, "offset"))
        return cli_page(c, a, &f->limit, &f->offset);
    return 0;
}

int cli_customer_filter(struct cli *c, const struct cli_args *a, struct kwh_customer_filter *f)
{
    int rc;
    memset(f, 0, sizeof f[0]);
    if ((rc = cli_period(c, a, &f->by_last_purchase, &f->last_purchase)) != 0 ||
        (rc = text_opt(c, a, "name", &f->by_name, f->name, sizeof f->name)) != 0 ||
        (rc = text_opt(c, a, "address", &f->by_address, f->address, sizeof f->address)) != 0 ||
        (rc = cli_number(c, a, "customer", &f->customer_no)) != 0 ||
        (rc = cli_number(c, a, "meter", &f->meter_no)) != 0)
        return rc;
    f->by_customer_no = cli_flag(a, "customer");
    f->by_meter_no = cli_flag(a, "meter");
    if (cli_flag(a, "tariff")) {
        f->by_tariff = true;
        if ((rc = cli_tariff(c, a, &f->tariff_id)) != 0)
            return rc;
    }
    f->include_closed = cli_flag(a, "closed");
    if ((rc = cli_area_opt(c, a, &f->by_area, &f->area_id)) != 0)
        return rc;
    /* paging by key: the accounts after customer number NO (the last one shown) */
    if ((rc = cli_number(c, a, "after", &f->after_no)) != 0)
        return rc;
    if (f->after_no != 0 && cli_flag(a, "offset"))
        return cli_usage(c, "--after and --offset: give one of them");
    if (cli_flag(a, "limit") || cli_flag(a, "offset"))
        return cli_page(c, a, &f->limit, &f->offset);
    return 0;
}

static const struct out_col sale_cols[] = {
    {KWH_NC("column", "time"), OUT_DATA_ONLY},
    {KWH_NC("column", "when"), OUT_TEXT_ONLY},
    {KWH_NC("column", "invoice"), OUT_NUM | OUT_DATA_ONLY},
    {KWH_NC("column", "customer"), 0},
    {KWH_NC("column", "name"), OUT_WIDE},
    {KWH_NC("column", "meter"), OUT_DATA_ONLY},
    {KWH_NC("column", "kind"), 0},
    {KWH_NC("column", "kwh"), OUT_NUM},
    {KWH_NC("column", "adjust_kwh"), OUT_NUM | OUT_DATA_ONLY},
    {KWH_NC("column", "free_kwh"), OUT_NUM | OUT_DATA_ONLY},
    {KWH_NC("column", "price"), OUT_NUM | OUT_DATA_ONLY},
    {KWH_NC("column", "amount"), OUT_NUM},
    {KWH_NC("column", "fee"), OUT_NUM | OUT_DATA_ONLY},
    {KWH_NC("column", "pay"), 0},
    {KWH_NC("column", "operator"), OUT_WIDE},
    {KWH_NC("column", "count"), OUT_NUM | OUT_DATA_ONLY}, /* 1; the total line: how many */
};

struct out_table *cli_sales_table(void)
{
    return out_table_new(sale_cols, (int)KWH_ARRAY_LEN(sale_cols));
}

void cli_sales_row(struct out_table *t, const struct kwh_sale *s)
{
    const char *full = cli_time(s->created);
    out_cell(t, full);
    out_cellf(t, "%.11s", full + 5); /* MM-DD HH:MM */
    out_cellf(t, "%lld", (long long)s->invoice_no);
    out_cellf(t, "%08u", s->customer_no);
    out_cell(t, s->customer_name);
    out_cellf(t, "%08u", s->meter_no);
    out_cell(t, model_op_name(s->kind));
    out_cell(t, cli_dec(s->energy_ckwh, 2));
    out_cell(t, cli_dec(s->adjust_ckwh, 2));
    out_cell(t, cli_dec(s->free_ckwh, 2));
    out_cell(t, cli_dec(s->price, 4));
    out_cell(t, cli_dec(s->amount_fen, 2));
    out_cell(t, cli_dec(s->fee_fen, 2));
    out_cell(t, model_pay_name(s->pay_method));
    out_cell(t, s->operator_name);
    out_cell(t, "1");
}

void cli_sales_total_row(struct out_table *t, const struct kwh_sale_totals *tot)
{
    /* each total under its own column: the count under count, not under customer */
    out_cell(t, "total");
    out_cell(t, "total");
    out_cell(t, "");
    out_cell(t, "");
    out_cell(t, "");
    out_cell(t, "");
    out_cell(t, "");
    out_cell(t, cli_dec(tot->energy_ckwh, 2));
    out_cell(t, cli_dec(tot->adjust_ckwh, 2));
    out_cell(t, cli_dec(tot->free_ckwh, 2));
    out_cell(t, "");
    out_cell(t, cli_dec(tot->amount_fen, 2));
    out_cell(t, cli_dec(tot->fee_fen, 2));
    out_cell(t, "");
    out_cell(t, "");
    out_cellf(t, "%lld", (long long)tot->count);
}

static const struct out_col totals_cols[] = {
    {KWH_NC("column", "count"), OUT_NUM},      {KWH_NC("column", "kwh"), OUT_NUM},
    {KWH_NC("column", "adjust_kwh"), OUT_NUM}, {KWH_NC("column", "free_kwh"), OUT_NUM},
    {KWH_NC("column", "amount"), OUT_NUM},     {KWH_NC("column", "fee"), OUT_NUM},
};

struct out_table *cli_totals_table(const struct kwh_sale_totals *tot)
{
    struct out_table *t = out_table_new(totals_cols, (int)KWH_ARRAY_LEN(totals_cols));
    out_cellf(t, "%lld", (long long)tot->count);
    out_cell(t, cli_dec(tot->energy_ckwh, 2));
    out_cell(t, cli_dec(tot->adjust_ckwh, 2));
    out_cell(t, cli_dec(tot->free_ckwh, 2));
    out_cell(t, cli_dec(tot->amount_fen, 2));
    out_cell(t, cli_dec(tot->fee_fen, 2));
    return t;
}

static const struct out_col customer_cols[] = {
    {KWH_NC("column", "customer_no"), 0},
    {KWH_NC("column", "name"), OUT_WIDE},
    {KWH_NC("column", "address"), OUT_DATA_ONLY},
    {KWH_NC("column", "phone"), OUT_DATA_ONLY},
    {KWH_NC("column", "meter"), 0},
    {KWH_NC("column", "type"), OUT_DATA_ONLY},
    {KWH_NC("column", "rating"), OUT_NUM | OUT_DATA_ONLY},
    {KWH_NC("column", "limit"), OUT_NUM | OUT_DATA_ONLY},
    {KWH_NC("column", "alarm"), OUT_NUM | OUT_DATA_ONLY},
    {KWH_NC("column", "overdraft"), OUT_NUM | OUT_DATA_ONLY},
    {KWH_NC("column", "hoard"), OUT_NUM | OUT_DATA_ONLY},
    {KWH_NC("column", "ct"), OUT_NUM | OUT_DATA_ONLY},
    {KWH_NC("column", "tariff"), OUT_WIDE},
    {KWH_NC("column", "purchase_count"), OUT_NUM | OUT_DATA_ONLY},
    {KWH_NC("column", "status"), 0},
    {KWH_NC("column", "card"), 0},
    {KWH_NC("column", "balance_kwh"), OUT_NUM},
    {KWH_NC("column", "last_purchase"), OUT_DATA_ONLY},
    {KWH_NC("column", "bought"), OUT_TEXT_ONLY},
    {KWH_NC("column", "opened"), OUT_DATA_ONLY},
    {KWH_NC("column", "area"), OUT_DATA_ONLY},
};

struct out_table *cli_customers_table(void)
{
    return out_table_new(customer_cols, (int)KWH_ARRAY_LEN(customer_cols));
}

void cli_customers_row(struct cli *c, struct out_table *t, const struct kwh_customer *cu)
{
    static const char *const types[] = {"", "single", "ct", "direct"};
    out_cellf(t, "%08u", cu->customer_no);
    out_cell(t, cu->name);
    out_cell(t, cu->address);
    out_cell(t, cu->phone);
    out_cellf(t, "%08u", cu->meter.meter_no);
    out_cell(t, cu->meter.meter_type >= 1 && cu->meter.meter_type <= 3 ? types[cu->meter.meter_type]
                                                                       : "?");
    out_cellf(t, "%d", cu->meter.rating_a);
    out_cellf(t, "%d", cu->meter.current_limit_a);
    out_cell(t, cli_dec(cu->meter.alarm_ckwh, 2));
    out_cell(t, cli_dec(cu->meter.overdraft_ckwh, 2));
    out_cell(t, cli_dec(cu->meter.hoard_ckwh, 2));
    out_cellf(t, "%d", cu->meter.ct_ratio);
    out_cell(t, cu->tariff_name);
    out_cellf(t, "%d", cu->purchase_count);
    out_cell(t, model_status_name(cu->status));
    out_cell(t, query_customer_has_card(cu) ? "yes" : "none");
    out_cell(t, cli_dec(cu->balance_ckwh, 2));
    out_cell(t, cli_time(cu->last_purchase));
    out_cellf(t, "%.10s", cli_time(cu->last_purchase));
    out_cell(t, cli_time(cu->opened));
    out_cell(t, cli_area_title(c, cu->area_id));
}
