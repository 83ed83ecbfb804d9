/* SPDX-License-Identifier: Apache-2.0 */
/* 补打发票 (M33): the recent invoices, newest first, found by operator, date and
 * customer; Enter prints the chosen one again as a copy marked 补打(第n次) and counted
 * (an invoice that never left the program prints as its original). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/invoice.h"
#include "kwhpos/util.h"
#include "ui/parts.h"
#include "ui/qview.h"
#include "kwhpos/printer.h"

#define SHOWN 200 /* the newest invoices listed */

enum { F_OPER, F_NO, F_FROM, F_TO, F_N };
enum { C_NO, C_TIME, C_KIND, C_NAME, C_AMOUNT, C_OPER, C_REPRINTS };

struct reprint {
    struct qview q; /* first: the qview_screen_* callbacks */
    struct field f[F_N];
    struct kwh_sale *rows;
    size_t n;
};

static const struct list_col cols[] = {
    /* 76 columns with the gaps; the longest kind (Account opening) and "unprinted" whole */
    {N_("Invoice"), 7, false}, {N_("Time"), 16, false}, {N_("Kind"), 15, false},
    {N_("Name"), 7, false},    {N_("Amount"), 8, true}, {N_("Operator"), 8, false},
    {N_("Reprints"), 9, true},
};

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct kwh_sale *v = &((struct reprint *)ctx)->rows[row];
    char b[32];

    switch (col) {
    case C_NO: snprintf(buf, n, "%" PRId64, v->invoice_no); break;
    case C_TIME: snprintf(buf, n, "%s", fmt_time(b, sizeof b, v->created)); break;
    case C_KIND:
        snprintf(buf, n, "%s",
                 v->state == KWH_STATE_CANCELLED ? label_state(v->state) : model_op_label(v->kind));
        break;
    case C_NAME: snprintf(buf, n, "%s", v->customer_name); break;
    case C_AMOUNT: fmt_money(buf, n, v->amount_fen + v->fee_fen); break;
    case C_OPER: snprintf(buf, n, "%s", v->operator_name); break;
    default:
        if (v->printed == 0)
            snprintf(buf, n, "%s", _("unprinted"));
        else
            snprintf(buf, n, "%d", v->reprints);
        break;
    }
}

static int load(struct app *a, void *st, struct kwh_err *e)
{
    struct reprint *s = st;
    const struct form *fm = &s->q.fm;
    struct invoice_query q = {.limit = SHOWN};
    struct kwh_period p;
    int rc;

    if ((rc = qview_period(a, &s->q, &p, e)) < 0)
        return rc;
    if (rc == 1) {
        q.from = p.from;
        q.to = p.to;
    }
    if (s->f[F_OPER].on)
        q.operator_name = form_text(fm, F_OPER);
    if (s->f[F_NO].on)
        q.customer_no = (uint32_t)form_value(fm, F_NO);
    free(s->rows);
    s->rows = NULL;
    if ((rc = invoice_list(a->core, &a->s, &q, &s->rows, &s->n, e)) < 0)
        return rc;
    s->q.l.n = (int)s->n;
    s->q.total = (int64_t)s->n;
    snprintf(s->q.info, sizeof s->q.info, "%s",
             s->n == SHOWN ? _("The newest invoices found; the filters find older ones.")
                           : _("Invoices found, newest first."));
    return 0;
}

static void open_row(struct app *a, void *st, int row)
{
    struct reprint *s = st;
    const struct kwh_sale *v = &s->rows[row];
    struct printer_result res;
    struct kwh_err e, le;
    char q[256], done[128];
    bool original = v->printed == 0;
    int64_t no = v->invoice_no;
    int rc, sel = s->q.l.sel;

    if (original)
        snprintf(q, sizeof q, _("Invoice %" PRId64 " was never printed: print its original?"), no);
    else
        snprintf(q, sizeof q, _("Print invoice %" PRId64 " again, marked as reprint no. %d?"), no,
                 v->reprints + 1);
    if (!dialog_confirm(a, _("Reprint invoice"), q))
        return;
    app_msg(a, CLR_INFO, "%s", _("Printing..."));
    app_draw(a);
    kwh_err_clear(&e);
    rc = ui_print_invoice(a, no, !original, &res, &e);
    if (rc < 0 && !res.output_failed && e.code != KWH_EIO) {
        app_error(a, &e);
        return;
    }
    if (original)
        snprintf(done, sizeof done, _("Invoice %" PRId64 " printed."), no);
    else
        snprintf(done, sizeof done, _("Invoice %" PRId64 " printed as reprint no. %d."), no,
                 res.reprint);
    kwh_err_clear(&le);
    if (load(a, s, &le) == 0)
        s->q.l.sel = sel;
    ui_print_outcome(a, rc, &res, &e, done);
}

static const struct qview_ops ops = {
    .cols = cols,
    .ncols = (int)KWH_ARRAY_LEN(cols),
    .cell = cell,
    .load = load,
    .open = open_row,
    .open_label = N_("Reprint"),
};

static void reprint_enter(struct app *a, void *st, int arg)
{
    struct reprint *s = st;

    (void)arg;
    s->f[F_OPER] = qview_operator_field(0, 0);
    s->f[F_NO] = (struct field){
        .label = N_("Cust. no."), .kind = FK_DIGITS, .row = 1, .maxlen = 9, .check = true};
    qview_period_fields(&s->f[F_FROM], &s->f[F_TO], 0, 1);
    qview_init(&s->q, &ops, s, s->f, F_N, 2);
    qview_dates(&s->q, F_FROM, F_TO);
    qview_run(a, &s->q);
}

static void reprint_leave(struct app *a, void *st)
{
    (void)a;
    free(((struct reprint *)st)->rows);
}

const struct screen scr_reprint = {
    .title = N_("Reprint invoice"),
    .actions = ACT_BIT(ACT_FIND),
    .submit_label = N_("Find"),
    .submit_now = qview_screen_submit,
    .state_size = sizeof(struct reprint),
    .enter = reprint_enter,
    .draw = qview_screen_draw,
    .action = qview_screen_action,
    .key = qview_screen_key,
    .leave = reprint_leave,
};
