/* SPDX-License-Identifier: Apache-2.0 */
/* 冲正申请 (购电维护): the reversal requests clerks filed on the 冲正 screen, waiting for
 * an administrator (docs/units.md, "冲正: reversals"). Enter on a request shows it; an
 * administrator other than the requester approves it with their own password, which
 * carries the reversal out as planned now, or rejects it with a reason. Print and export
 * as the queries. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/money.h"
#include "kwhpos/util.h"
#include "ui/parts.h"
#include "ui/qview.h"

enum { F_ALL, F_N };
enum { C_ID, C_STATE, C_TIME, C_BY, C_INVOICE, C_CUST, C_TOTAL, C_REASON };
enum { D_DECISION, D_PASSWORD, D_WHY, D_N };

struct revreq {
    struct qview q; /* first: the qview_screen_* callbacks */
    struct field f[F_N];
    struct kwh_reversal_request *rows;
    size_t n;
    const struct kwh_reversal_request *cur; /* the row being printed or exported */
};

static const struct list_col cols[] = {
    {N_("No."), 4, true},     {N_("State"), 6, false},
    {N_("Time"), 16, false},  {N_("Requested by"), 12, false},
    {N_("Invoice"), 7, true}, {N_("Cust. no."), 9, false},
    {N_("Total"), 9, true},   {N_("Reason"), 6, false},
};
static const char *const decisions[] = {N_("Approve"), N_("Reject")};

static const char *state_label(int state)
{
    switch (state) {
    case KWH_REVREQ_WAITING: return _("waiting");
    case KWH_REVREQ_APPROVED: return _("approved");
    default: return _("rejected");
    }
}

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
    struct revreq *s = ctx;
    const struct kwh_reversal_request *r =
        s->cur != NULL ? s->cur : &s->rows[(size_t)s->q.offset + (size_t)row];
    char b[32];

    switch (col) {
    case C_ID: snprintf(buf, n, "%" PRId64, r->id); break;
    case C_STATE: snprintf(buf, n, "%s", state_label(r->state)); break;
    case C_TIME: snprintf(buf, n, "%s", fmt_time(b, sizeof b, r->requested)); break;
    case C_BY: snprintf(buf, n, "%s", r->requester); break;
    case C_INVOICE: snprintf(buf, n, "%" PRId64, r->invoice_no); break;
    case C_CUST: snprintf(buf, n, "%08" PRIu32, r->customer_no); break;
    case C_TOTAL: snprintf(buf, n, "%s", fmt_money(b, sizeof b, r->sale_fen)); break;
    default: snprintf(buf, n, "%s", r->reason); break;
    }
}

static int load(struct app *a, void *st, struct kwh_err *e)
{
    struct revreq *s = st;
    int rc;

    if (s->q.offset == 0) {
        free(s->rows);
        s->rows = NULL;
        s->n = 0;
        if ((rc = reversal_requests(a->core, &a->s, s->f[F_ALL].on, &s->rows, &s->n, e)) < 0)
            return rc;
        snprintf(s->q.info, sizeof s->q.info,
                 s->f[F_ALL].on ? _("%zu requests")
                                : _("%zu requests waiting for an administrator"),
                 s->n);
    }
    qview_held_page(&s->q, s->n);
    return 0;
}

static void details(const struct kwh_reversal_request *r, struct pairs *p)
{
    char b[32];
    pairs_add(p, _("Request"), "%" PRId64 " (%s)", r->id, state_label(r->state));
    pairs_add(p, _("Requested by"), "%s, %s", r->requester, fmt_time(b, sizeof b, r->requested));
    pairs_add(p, _("Invoice"), "%" PRId64, r->invoice_no);
    pairs_add(p, _("Customer"), "%08" PRIu32 " %s", r->customer_no, r->customer_name);
    pairs_add(p, _("Sale total (yuan)"), "%s, %s", fmt_money(b, sizeof b, r->sale_fen),
              model_pay_label(r->sale_pay));
    pairs_add(p, _("Reason"), "%s", r->reason);
    if (r->correct) {
        char amount[32];
        if (r->amount_fen >= 0)
            fmt_money(amount, sizeof amount, r->amount_fen);
        else
            str_copy(amount, sizeof amount, _("as recorded"));
        pairs_add(p, _("Correction"), "%s %s, %s",
                  r->pay_method >= 0 ? model_pay_label(r->pay_method) : _("as recorded"),
                  r->pay_ref, amount);
    }
    if (r->state != KWH_REVREQ_WAITING)
        pairs_add(p, _("Decided by"), "%s, %s", r->decider, fmt_time(b, sizeof b, r->decided));
    if (r->reversal_invoice)
        pairs_add(p, _("Reversal invoice"), "%" PRId64, r->reversal_invoice);
}

static void open_row(struct app *a, void *st, int row)
{
    struct revreq *s = st;
    const struct kwh_reversal_request *r = &s->rows[(size_t)s->q.offset + (size_t)row];
    struct field d[D_N];
    struct kwh_receipt rec;
    struct pairs p = {0};
    struct kwh_err e;
    int64_t id = r->id, invoice = r->invoice_no;
    int rc;

    details(r, &p);
    if (r->state != KWH_REVREQ_WAITING || a->s.role != KWH_ROLE_ADMIN) {
        dialog_pairs(a, _("Reversal request"), &p,
                     r->state == KWH_REVREQ_WAITING
                         ? _("An administrator approves or rejects it here.")
                         : NULL);
        return;
    }
    if (!dialog_confirm_pairs(a, _("Reversal request"), &p,
                              _("Decide it now? Enter: yes, Esc: not now.")))
        return;
    memset(d, 0, sizeof d);
    d[D_DECISION] = (struct field){.label = N_("Decision"),
                                   .kind = FK_CHOICE,
                                   .row = 0,
                                   .width = 10,
                                   .items = decisions,
                                   .nitems = 2};
    d[D_PASSWORD] = (struct field){.label = N_("Your password (to approve)"),
                                   .kind = FK_PASSWORD,
                                   .row = 1,
                                   .maxlen = 64,
                                   .width = 24};
    d[D_WHY] =
        (struct field){.label = N_("Reason (to reject)"), .kind = FK_TEXT, .row = 2, .maxlen = 120};
    if (!dialog_form(a, _("Reversal request"), d, D_N)) {
        memset(d[D_PASSWORD].ed.buf, 0, sizeof d[D_PASSWORD].ed.buf);
        app_msg(a, CLR_INFO, "%s", _("Cancelled; nothing was written."));
        return;
    }
    kwh_err_clear(&e);
    if (d[D_DECISION].sel == 0)
        rc = reversal_request_approve(a->core, &a->s, id, d[D_PASSWORD].ed.buf, &rec, &e);
    else
        rc = reversal_request_reject(a->core, &a->s, id, d[D_WHY].ed.buf, &e);
    memset(d[D_PASSWORD].ed.buf, 0, sizeof d[D_PASSWORD].ed.buf);
    if (rc < 0) {
        app_error(a, &e);
        return;
    }
    qview_run(a, &s->q); /* the list as it is now, then the outcome in the message line */
    if (d[D_DECISION].sel == 0)
        app_msg(a, CLR_OK,
                _("Request %" PRId64 " approved: invoice %" PRId64 " reversed, the reversal is "
                  "invoice %" PRId64 "."),
                id, invoice, rec.sale.invoice_no);
    else
        app_msg(a, CLR_OK, _("Request %" PRId64 " rejected."), id);
}

static int all_rows(struct app *a, void *ctx, struct table_sink *k, struct kwh_err *e)
{
    struct revreq *s = ctx;
    int stop = 0;
    (void)a;
    (void)e;
    for (size_t i = 0; i < s->n && !stop; i++) {
        s->cur = &s->rows[i];
        stop = table_sink_row(k, cell, s, 0);
    }
    s->cur = NULL;
    return 0;
}

static void table(struct app *a, void *st, bool print, struct table_src *t)
{
    (void)a;
    (void)print;
    qview_table(&((struct revreq *)st)->q, t, "reversal-requests", _("Reversal requests"),
                all_rows);
}

static const struct qview_ops ops = {
    .cols = cols,
    .ncols = (int)KWH_ARRAY_LEN(cols),
    .cell = cell,
    .load = load,
    .open = open_row,
    .open_label = N_("Decide"),
    .table = table,
};

static void revreq_enter(struct app *a, void *st, int arg)
{
    struct revreq *s = st;

    (void)arg;
    s->f[F_ALL] = (struct field){.label = N_("Decided ones too"), .kind = FK_CHECK, .row = 0};
    qview_init(&s->q, &ops, s, s->f, F_N, 1);
    qview_run(a, &s->q);
}

static void revreq_leave(struct app *a, void *st)
{
    struct revreq *s = st;
    (void)a;
    free(s->rows);
    s->rows = NULL;
    s->n = 0;
}

const struct screen scr_reversal_requests = {
    .title = N_("Reversal requests"),
    .actions = QVIEW_ACTIONS,
    .submit_label = N_("Find"),
    .submit_now = qview_screen_submit,
    .state_size = sizeof(struct revreq),
    .enter = revreq_enter,
    .draw = qview_screen_draw,
    .action = qview_screen_action,
    .key = qview_screen_key,
    .leave = revreq_leave,
};
