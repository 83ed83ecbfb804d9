/* SPDX-License-Identifier: Apache-2.0 */
/* 对账 from the command line: a provider's statement matched with the ledger (kwhpos
 * reconcile); and the 冲正 requests that wait for an administrator (kwhpos reverse
 * request, list, approve, reject). docs/cli.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "cli/report.h"
#include "kwhpos/config.h"
#include "kwhpos/core.h"
#include "kwhpos/money.h"
#include "kwhpos/query.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"

static const struct out_col recon_cols[] = {
    {"group", 0},           {"reference", OUT_WIDE}, {"time", 0},
    {"statement", OUT_NUM}, {"ledger", OUT_NUM},     {"invoice", OUT_NUM},
    {"customer", 0},        {"line", OUT_NUM},       {"note", OUT_WIDE},
};
static const struct out_col sum_cols[] = {
    {"group", 0},
    {"count", OUT_NUM},
    {"statement", OUT_NUM},
    {"ledger", OUT_NUM},
};

/* What a row needs said besides its numbers. */
static void note(const struct kwh_recon_row *r, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    if (r->nlines > 1)
        len += (size_t)snprintf(buf + len, n - len, _("%d lines in the statement; "), r->nlines);
    if (len < n && r->nentries > 1)
        len += (size_t)snprintf(buf + len, n - len, _("%d entries in the ledger; "), r->nentries);
    if (len < n && r->reversed)
        len += (size_t)snprintf(buf + len, n - len, "%s; ", _("reversed (冲正): counts 0"));
    if (len < n && r->ref[0] == '\0')
        len += (size_t)snprintf(buf + len, n - len, "%s; ", _("no reference"));
    if (len >= 2 && len < n)
        buf[len - 2] = '\0';
}

static int cmd_reconcile(struct cli *c, const struct cli_args *a)
{
    struct kwh_statement st;
    struct kwh_recon r;
    struct kwh_period p = {0, 0};
    struct out_opts o;
    struct out_table *t = NULL, *sum = NULL;
    struct kwh_err e;
    bool dates;
    int pay, rc;

    if (cli_str(a, "method") == NULL || a->npos != 1)
        return cli_usage(c, "reconcile: --method wechat|alipay|card|transfer FILE");
    if ((pay = statement_method_parse(cli_str(a, "method"))) < 0)
        return cli_usage(c, "--method: wechat, alipay, card or transfer (methods with a "
                            "provider's statement)");
    if ((rc = out_parse(c, a, &o)) != 0)
        return rc;
    if (cli_session(c, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = cli_period(c, a, &dates, &p)) != 0)
        return rc;
    if (statement_load(pay, config_statement(&c->cfg, pay), a->pos[0], &st, &e) < 0) {
        kwh_err_prefix(&e, "%s", a->pos[0]);
        return cli_fail(c, &e);
    }
    rc = recon_run(c->core, &c->session, &st, dates ? p.from : 0, dates ? p.to : 0, &r, &e);
    statement_fini(&st);
    if (rc < 0)
        return cli_fail(c, &e);
    t = out_table_new(recon_cols, KWH_ARRAY_LEN(recon_cols));
    sum = out_table_new(sum_cols, KWH_ARRAY_LEN(sum_cols));
    for (size_t i = 0; i < r.n; i++) {
        const struct kwh_recon_row *w = &r.rows[i];
        char text[200];
        out_cell(t, recon_group_name(w->group));
        out_cell(t, w->ref);
        out_cell(t, cli_time(w->time));
        out_cell(t, w->nlines ? cli_dec(w->stmt_fen, 2) : "");
        out_cell(t, w->nentries ? cli_dec(w->ledger_fen, 2) : "");
        if (w->invoice_no)
            out_cellf(t, "%lld", (long long)w->invoice_no);
        else
            out_cell(t, "");
        if (w->customer_no)
            out_cellf(t, "%08u", w->customer_no);
        else
            out_cell(t, "");
        if (w->line)
            out_cellf(t, "%lld", (long long)w->line);
        else
            out_cell(t, "");
        note(w, text, sizeof text);
        out_cell(t, text);
    }
    for (int g = 0; g < KWH_RECON_GROUPS; g++) {
        out_cell(sum, recon_group_name(g));
        out_cellf(sum, "%lld", (long long)r.count[g]);
        out_cell(sum, cli_dec(r.stmt_fen[g], 2));
        out_cell(sum, cli_dec(r.ledger_fen[g], 2));
    }
    if (out_failed(c, (const struct out_table *[]){t, sum}, 2)) {
        rc = CLI_ERROR;
    } else if (o.format == OUT_CSV) {
        rc = out_csv(c, c->out, t, o.encoding);
    } else if (o.format == OUT_XLSX) {
        const struct out_sheet sheets[] = {{N_("summary"), sum}, {N_("reconciliation"), t}};
        rc = out_xlsx(c, c->out, sheets, 2);
    } else if (o.format == OUT_JSON) {
        fputs("{\"summary\":", c->out);
        out_json_array(c->out, sum);
        fputs(",\"rows\":", c->out);
        out_json_array(c->out, t);
        fputs("}\n", c->out);
    } else {
        fprintf(c->out, _("reconciliation (对账) of %s payments, %s to %s\n\n"),
                cli_str(a, "method"), cli_minute(r.from), cli_minute(r.to));
        out_text(c->out, sum);
        fputc('\n', c->out);
        out_text(c->out, t);
    }
    if (rc == 0 && recon_differs(&r))
        rc = CLI_DIFFERS;
    out_table_free(t);
    out_table_free(sum);
    recon_fini(&r);
    return rc;
}

/* --- 冲正 requests --------------------------------------------------------------------- */

static int request_id(struct cli *c, const struct cli_args *a, int64_t *id)
{
    struct kwh_err e;
    if (a->npos != 1)
        return cli_usage(c, "give the request's number (kwhpos reverse list)");
    if (fixed_parse(a->pos[0], 0, INT64_MAX / 2, "request", id, &e) < 0 || *id <= 0)
        return cli_usage(c, "the request's number: a whole number (kwhpos reverse list)");
    return 0;
}

static int cmd_reverse_request(struct cli *c, const struct cli_args *a)
{
    struct kwh_reversal_req r;
    struct kwh_err e;
    int64_t id;
    int rc;

    if ((rc = cli_reversal_req(c, a, &r)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || reversal_request(c->core, &c->session, &r, &id, &e) < 0)
        return cli_fail(c, &e);
    cli_kv(c, "request", "%lld", (long long)id);
    cli_kv(c, "state", "waiting");
    return CLI_OK;
}

static const struct out_col req_cols[] = {
    {"request", OUT_NUM},
    {"state", 0},
    {"requested", 0},
    {"by", 0},
    {"invoice", OUT_NUM},
    {"customer", 0},
    {"name", OUT_WIDE},
    {"total", OUT_NUM},
    {"pay", 0},
    {"reason", OUT_WIDE},
    {"correction", OUT_WIDE},
    {"decided_by", 0},
    {"reversal", OUT_NUM},
};

static int cmd_reverse_list(struct cli *c, const struct cli_args *a)
{
    struct kwh_reversal_request *q;
    struct out_table *t;
    struct out_opts o;
    struct kwh_err e;
    size_t n;
    int rc;

    if ((rc = out_parse(c, a, &o)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 ||
        reversal_requests(c->core, &c->session, cli_flag(a, "all"), &q, &n, &e) < 0)
        return cli_fail(c, &e);
    t = out_table_new(req_cols, KWH_ARRAY_LEN(req_cols));
    for (size_t i = 0; i < n; i++) {
        char fix[160] = "";
        if (q[i].correct)
            snprintf(fix, sizeof fix, "%s %s %s",
                     q[i].pay_method >= 0 ? model_pay_name(q[i].pay_method) : "-",
                     q[i].pay_ref[0] ? q[i].pay_ref : "-",
                     q[i].amount_fen >= 0 ? cli_dec(q[i].amount_fen, 2) : "-");
        out_cellf(t, "%lld", (long long)q[i].id);
        out_cell(t, reversal_request_state_name(q[i].state));
        out_cell(t, cli_minute(q[i].requested));
        out_cell(t, q[i].requester);
        out_cellf(t, "%lld", (long long)q[i].invoice_no);
        out_cellf(t, "%08u", q[i].customer_no);
        out_cell(t, q[i].customer_name);
        out_cell(t, cli_dec(q[i].sale_fen, 2));
        out_cell(t, model_pay_name(q[i].sale_pay));
        out_cell(t, q[i].reason);
        out_cell(t, fix);
        out_cell(t, q[i].decider);
        if (q[i].reversal_invoice)
            out_cellf(t, "%lld", (long long)q[i].reversal_invoice);
        else
            out_cell(t, "");
    }
    free(q);
    rc = out_print(c, &o, t, N_("reversal requests"));
    out_table_free(t);
    return rc;
}

static int cmd_reverse_approve(struct cli *c, const struct cli_args *a)
{
    struct kwh_receipt rec;
    struct kwh_err e;
    int64_t id;
    int rc;

    if ((rc = request_id(c, a, &id)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 ||
        reversal_request_approve(c->core, &c->session, id, NULL, &rec, &e) < 0)
        return cli_fail(c, &e);
    cli_kv(c, "request", "%lld", (long long)id);
    cli_kv(c, "invoice", "%lld", (long long)rec.sale.invoice_no);
    cli_kv(c, "customer", "%08u", rec.sale.customer_no);
    cli_kv(c, "amount", "%s", cli_dec(rec.sale.amount_fen, 2));
    cli_kv(c, "approved_by", "%s", c->session.name);
    return CLI_OK;
}

static int cmd_reverse_reject(struct cli *c, const struct cli_args *a)
{
    struct kwh_err e;
    int64_t id;
    int rc;

    if ((rc = request_id(c, a, &id)) != 0)
        return rc;
    if (cli_str(a, "reason") == NULL)
        return cli_usage(c, "reverse reject: ID --reason TEXT");
    if (cli_session(c, &e) < 0 ||
        reversal_request_reject(c->core, &c->session, id, cli_str(a, "reason"), &e) < 0)
        return cli_fail(c, &e);
    cli_kv(c, "request", "%lld", (long long)id);
    cli_kv(c, "state", "rejected");
    return CLI_OK;
}

#define FMT "format= encoding= bom "

const struct cli_command cli_recon_commands[] = {
    {"reconcile", FMT "method= from= to=",
     "--method wechat|alipay|card|transfer [--from D --to D] [--format text|csv|json|xlsx] FILE",
     N_("match a payment provider's statement with the ledger (对账)"), cmd_reconcile, 1},
    {"reverse request", "invoice= reason= pay= ref= amount=",
     "--invoice NO --reason TEXT [--pay M] [--ref REF] [--amount YUAN]",
     N_("ask for a reversal (冲正) that an administrator approves later"), cmd_reverse_request, 0},
    {"reverse list", FMT "all", "[--all] [--format text|csv|json|xlsx]",
     N_("the reversal requests waiting for an administrator (--all: decided ones too)"),
     cmd_reverse_list, 0},
    {"reverse approve", "", "ID",
     N_("approve a waiting reversal request and carry it out (admin, not the requester)"),
     cmd_reverse_approve, 1},
    {"reverse reject", "reason=", "ID --reason TEXT",
     N_("reject a waiting reversal request (admin)"), cmd_reverse_reject, 1},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
