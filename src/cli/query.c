/* SPDX-License-Identifier: Apache-2.0 */
/* The query commands: accounts (M20), purchases (M21), transfers, closings, reissues and
 * meter changes (M22-M25). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/report.h"
#include "kwhpos/util.h"
#include "kwhpos/query.h"

/* Prints a listing; rows_label says what was listed. */
static int print_listing(struct cli *c, const struct out_opts *o, struct out_table *t,
                         int64_t shown, int64_t total, const char *what)
{
    /* CSV and xlsx (and a table out of memory) as every table; JSON and text with the
     * total */
    if (out_table_failed(t) || (o->format != OUT_JSON && o->format != OUT_TEXT))
        return out_print(c, o, t, what);
    if (o->format == OUT_JSON) {
        fprintf(c->out, "{\"total\":%lld,\"rows\":", (long long)total);
        out_json_array(c->out, t);
        fputs("}\n", c->out);
    } else {
        out_text(c->out, t);
        fprintf(c->out, _("%lld of %lld %s\n"), (long long)shown, (long long)total, _(what));
    }
    return CLI_OK;
}

int cli_query_customers(struct cli *c, const struct cli_args *a)
{
    struct kwh_customer_filter f;
    struct kwh_customer_page pg;
    struct out_table *t;
    struct out_opts o;
    struct kwh_err e;
    int rc;

    if ((rc = out_parse(c, a, &o)) != 0)
        return rc;
    if (cli_session(c, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = cli_customer_filter(c, a, &f)) != 0)
        return rc;
    if (query_customers(c->core, &c->session, &f, &pg, &e) < 0)
        return cli_fail(c, &e);
    t = cli_customers_table();
    for (size_t i = 0; i < pg.n; i++)
        cli_customers_row(c, t, &pg.rows[i]);
    rc = print_listing(c, &o, t, (int64_t)pg.n, pg.total, N_("accounts"));
    out_table_free(t);
    query_customer_page_fini(&pg);
    return rc;
}

int cli_query_sales(struct cli *c, const struct cli_args *a)
{
    struct kwh_sale_filter f;
    struct kwh_sale_page pg;
    struct out_table *t;
    struct out_opts o;
    struct kwh_err e;
    int rc = CLI_OK;

    if ((rc = out_parse(c, a, &o)) != 0)
        return rc;
    if (cli_session(c, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = cli_sale_filter(c, a, &f)) != 0)
        return rc;
    if (query_sales(c->core, &c->session, &f, &pg, &e) < 0)
        return cli_fail(c, &e);
    t = cli_sales_table();
    for (size_t i = 0; i < pg.n; i++)
        cli_sales_row(t, &pg.rows[i]);
    if (o.format == OUT_JSON) {
        struct out_table *tot = cli_totals_table(&pg.totals);
        fputs("{\"from\":", c->out);
        out_json_str(c->out, cli_time(pg.period.from));
        fputs(",\"to\":", c->out);
        out_json_str(c->out, cli_time(pg.period.to));
        fputs(",\"rows\":", c->out);
        out_json_array(c->out, t);
        fputs(",\"totals\":", c->out);
        out_json_object(c->out, tot);
        fputs("}\n", c->out);
        out_table_free(tot);
    } else {
        cli_sales_total_row(t, &pg.totals);
        if (o.format == OUT_TEXT)
            fprintf(c->out, "purchases (购电电量查询): %s to %s\n\n", cli_minute(pg.period.from),
                    cli_minute(pg.period.to));
        rc = print_listing(c, &o, t, (int64_t)pg.n, pg.totals.count, N_("purchases"));
    }
    out_table_free(t);
    query_sale_page_fini(&pg);
    return rc;
}

static const struct out_col event_cols[] = {
    {KWH_NC("column", "time"), 0},
    {KWH_NC("column", "kind"), OUT_DATA_ONLY},
    {KWH_NC("column", "customer"), 0},
    {KWH_NC("column", "name"), OUT_WIDE},
    {KWH_NC("column", "meter"), OUT_DATA_ONLY},
    {KWH_NC("column", "operator"), OUT_WIDE},
    {KWH_NC("column", "fee"), OUT_NUM | OUT_DATA_ONLY},
    {KWH_NC("column", "before"), OUT_DATA_ONLY},
    {KWH_NC("column", "after"), OUT_WIDE},
};

static int events(struct cli *c, const struct cli_args *a, int kind, const char *what)
{
    struct kwh_event_filter f;
    struct kwh_event_page pg;
    struct out_table *t;
    struct out_opts o;
    struct kwh_err e;
    int rc;

    memset(&f, 0, sizeof f);
    f.kind = kind;
    if ((rc = out_parse(c, a, &o)) != 0 || (rc = cli_page(c, a, &f.limit, &f.offset)) != 0)
        return rc;
    if (cli_session(c, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = cli_period(c, a, &f.by_date, &f.period)) != 0)
        return rc;
    if ((rc = cli_area_opt(c, a, &f.by_area, &f.area_id)) != 0)
        return rc;
    if (cli_str(a, "operator") != NULL) {
        f.by_operator = true;
        if (!str_copy(f.operator_name, sizeof f.operator_name, cli_str(a, "operator")))
            return cli_usage(c, "--operator: too long");
    }
    if (query_events(c->core, &c->session, &f, &pg, &e) < 0)
        return cli_fail(c, &e);
    t = out_table_new(event_cols, (int)KWH_ARRAY_LEN(event_cols));
    for (size_t i = 0; i < pg.n; i++) {
        const struct kwh_event *v = &pg.rows[i];
        out_cell(t, cli_time(v->created));
        out_cell(t, query_event_name(v->kind));
        out_cellf(t, "%08u", v->customer_no);
        out_cell(t, v->customer_name);
        out_cellf(t, "%08u", v->meter_no);
        out_cell(t, v->operator_name);
        out_cell(t, cli_dec(v->fee_fen, 2));
        out_cell(t, v->before);
        out_cell(t, v->after);
    }
    if (o.format == OUT_TEXT)
        fprintf(c->out, "%s: %s to %s\n\n", what, cli_minute(pg.period.from),
                cli_minute(pg.period.to));
    rc = print_listing(c, &o, t, (int64_t)pg.n, pg.total, what);
    out_table_free(t);
    query_event_page_fini(&pg);
    return rc;
}

int cli_query_transfers(struct cli *c, const struct cli_args *a)
{
    return events(c, a, KWH_EV_TRANSFER, N_("transfers (过户)"));
}

int cli_query_closings(struct cli *c, const struct cli_args *a)
{
    return events(c, a, KWH_EV_CLOSE, N_("closings (销户)"));
}

int cli_query_reissues(struct cli *c, const struct cli_args *a)
{
    return events(c, a, KWH_EV_REISSUE, N_("reissues (补卡)"));
}

int cli_query_meter_changes(struct cli *c, const struct cli_args *a)
{
    return events(c, a, KWH_EV_METER_CHANGE, N_("meter changes (换表)"));
}
