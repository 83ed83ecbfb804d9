/* SPDX-License-Identifier: Apache-2.0 */
/* 交班 (B7): an operator's money over a shift or a period, the blind count and the
 * closing of a shift.
 *
 * A shift holds the operator's sales after their last close: sales are numbered in the
 * order they were recorded, so a shift is a range of sale ids, which no clock skew
 * between terminals can blur. Money is counted as it moved at the counter: a sale paid
 * and later replaced by a re-sale stays in the shift that took the money, and the
 * re-sale's shift gives the replaced amount back. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "core/query_int.h"
#include "kwhpos/money.h"
#include "kwhpos/oversight.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "store/store.h"
#include "store/store_query.h"

/* Sales created before the previous close by more than this cannot be in the shift; the
 * bound lets the database use the (operator, time) index. */
#define SHIFT_SLACK_S 3600

static int line_of(int kind, bool refund_out)
{
    switch (kind) {
    case KWH_OP_OPEN: return KWH_SHIFT_OPEN;
    case KWH_OP_SALE: return KWH_SHIFT_SALE;
    case KWH_OP_RESALE: return KWH_SHIFT_RESALE;
    case KWH_OP_REISSUE: return KWH_SHIFT_REISSUE;
    case KWH_OP_METER_CHANGE: return KWH_SHIFT_METER_CHANGE;
    case KWH_OP_REFUND: return refund_out ? KWH_SHIFT_REFUND : KWH_SHIFT_OWED;
    case KWH_OP_REVERSAL: return KWH_SHIFT_REVERSAL;
    }
    return -1;
}

static int add_money(void *ctx, int kind, int pay, bool refund_out, const struct store_sums *m)
{
    struct kwh_shift_report *r = ctx;
    int line = line_of(kind, refund_out);
    int64_t total = m->amount_fen + m->fee_fen + m->arrears_fen;
    if (line < 0 || pay < 0 || pay >= KWH_PAY_COUNT)
        return 0;
    r->lines[line].count += m->n;
    r->lines[line].amount_fen += m->amount_fen;
    r->lines[line].fee_fen += m->fee_fen;
    r->lines[line].total_fen += total;
    if (total >= 0)
        r->pay_in_fen[pay] += total;
    else
        r->pay_out_fen[pay] -= total;
    return 0;
}

static int add_return(void *ctx, int kind, int pay, bool refund_out, const struct store_sums *m)
{
    struct kwh_shift_report *r = ctx;
    struct kwh_shift_money *l = &r->lines[KWH_SHIFT_RESALE_RETURN];
    (void)kind;
    (void)refund_out;
    if (pay < 0 || pay >= KWH_PAY_COUNT)
        return 0;
    l->count += m->n;
    l->amount_fen -= m->amount_fen;
    l->fee_fen -= m->fee_fen;
    l->total_fen -= m->amount_fen + m->fee_fen + m->arrears_fen;
    r->pay_out_fen[pay] += m->amount_fen + m->fee_fen + m->arrears_fen;
    return 0;
}

static int fill(struct kwh_core *c, const struct store_shift_q *q, struct kwh_shift_report *r,
                struct kwh_err *e)
{
    int rc;
    if ((rc = store_shift_sums(c->db, q, add_money, r, e)) < 0 ||
        (rc = store_shift_returns(c->db, q, model_op_kinds(KWH_OPF_REPLACES), add_return, r, e)) <
            0 ||
        (rc = store_shift_sales(c->db, q, KWH_STATE_VOID, &r->voided, &r->nvoided, e)) < 0 ||
        (rc = store_shift_sales(c->db, q, KWH_STATE_PENDING, &r->pending, &r->npending, e)) < 0 ||
        (rc = store_shift_fees(c->db, q, model_op_kinds(KWH_OPF_REPLACES), &r->fees, &r->nfees,
                               e)) < 0)
        return rc;
    for (size_t i = 0; i < r->nfees; i++)
        if (r->fees[i].ref == 0)
            str_copy(r->fees[i].name, sizeof r->fees[i].name, fee_kind_label(KWH_FEE_CARD));
    {
        struct kwh_reversal_request *w;
        if ((rc = store_revreq_list(c->db, false, q->operator_id, 0, &w, &r->nrequests, e)) < 0)
            return rc;
        free(w);
    }
    for (int p = 0; p < KWH_PAY_COUNT; p++) {
        r->money_in_fen += r->pay_in_fen[p];
        r->money_out_fen += r->pay_out_fen[p];
    }
    r->net_fen = r->money_in_fen - r->money_out_fen;
    r->expected_cash_fen = r->pay_in_fen[KWH_PAY_CASH] - r->pay_out_fen[KWH_PAY_CASH];
    r->difference_fen = r->counted ? r->counted_cash_fen - r->expected_cash_fen : 0;
    return 0;
}

/* The operator a shift report is about: the session's own, or (admin) any by name. */
static int whose(struct kwh_core *c, const struct kwh_session *s, const char *name,
                 struct kwh_shift_report *r, struct kwh_err *e)
{
    int64_t ids[1];
    size_t n;
    int rc;

    if (name == NULL || strcmp(name, s->name) == 0) {
        r->operator_id = s->operator_id;
        str_copy(r->operator_name, sizeof r->operator_name, s->name);
        return 0;
    }
    if ((rc = need_admin(s, kwh_tr("another operator's shift report"), e)) < 0)
        return rc;
    if ((rc = store_operator_ids(c->db, name, ids, 1, &n, e)) < 0)
        return rc;
    if (n == 0)
        return kwh_err_set(e, KWH_ENOTFOUND, "no operator named '%s'", name);
    r->operator_id = ids[0];
    str_copy(r->operator_name, sizeof r->operator_name, name);
    return 0;
}

/* The range of the operator's shift that is still open. */
static int open_shift(struct kwh_core *c, struct kwh_shift_report *r, struct store_shift_q *q,
                      struct kwh_err *e)
{
    struct store_shift last;
    bool found;
    int rc;

    memset(q, 0, sizeof *q);
    if ((rc = store_shift_last(c->db, r->operator_id, &last, &found, e)) < 0 ||
        (rc = store_sales_max_id(c->db, &q->upto_id, e)) < 0)
        return rc;
    q->operator_id = r->operator_id;
    q->after_id = found ? last.last_sale_id : 0;
    q->from = found && last.ended > SHIFT_SLACK_S ? last.ended - SHIFT_SLACK_S : 0;
    q->to = INT64_MAX;
    r->from = found ? last.ended : 0;
    r->to = core_now(c);
    return 0;
}

int shift_current(struct kwh_core *c, const struct kwh_session *s, const char *operator_name,
                  struct kwh_shift_report *out, struct kwh_err *e)
{
    struct store_shift_q q;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0 || (rc = whose(c, s, operator_name, out, e)) < 0 ||
        (rc = open_shift(c, out, &q, e)) < 0 || (rc = fill(c, &q, out, e)) < 0) {
        shift_report_fini(out);
        return rc;
    }
    return 0;
}

int shift_period(struct kwh_core *c, const struct kwh_session *s, const char *operator_name,
                 const struct kwh_period *p, struct kwh_shift_report *out, struct kwh_err *e)
{
    struct store_shift_q q;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0 || (rc = query_check_period(p, e)) < 0 ||
        (rc = whose(c, s, operator_name, out, e)) < 0)
        return rc;
    q = (struct store_shift_q){out->operator_id, p->from, p->to, 0, INT64_MAX, NULL};
    out->from = p->from;
    out->to = p->to;
    if ((rc = fill(c, &q, out, e)) < 0) {
        shift_report_fini(out);
        return rc;
    }
    return 0;
}

int shift_in_area(struct kwh_core *c, const struct kwh_session *s, const char *operator_name,
                  const struct kwh_period *p, int64_t area_id, struct kwh_shift_report *out,
                  struct kwh_err *e)
{
    struct store_shift_q q;
    char path[KWH_AREA_PATH_MAX];
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0 || (p != NULL && (rc = query_check_period(p, e)) < 0) ||
        (rc = area_path(c, area_id, path, sizeof path, e)) < 0 ||
        (rc = scope_permit(c, s, area_id, e)) < 0 || (rc = whose(c, s, operator_name, out, e)) < 0)
        return rc;
    if (p != NULL) {
        q = (struct store_shift_q){out->operator_id, p->from, p->to, 0, INT64_MAX, NULL};
        out->from = p->from;
        out->to = p->to;
    } else if ((rc = open_shift(c, out, &q, e)) < 0) {
        return rc;
    }
    q.area_path = path;
    if ((rc = fill(c, &q, out, e)) < 0) {
        shift_report_fini(out);
        return rc;
    }
    return 0;
}

int shift_close(struct kwh_core *c, const struct kwh_session *s, int64_t counted_cash_fen,
                struct kwh_shift_report *out, struct kwh_err *e)
{
    struct store_shift_q q;
    struct store_shift sh;
    char subject[96], detail[256];
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if (counted_cash_fen < 0 || counted_cash_fen > UNITS_MAX_FEN)
        return kwh_err_set(e, KWH_EINVAL,
                           "counted cash: 0 or more yuan, as counted in the "
                           "drawer");
    out->counted = true;
    out->counted_cash_fen = counted_cash_fen;
    /* one transaction: nobody else closes this shift or sells into it meanwhile */
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = whose(c, s, NULL, out, e)) < 0 || (rc = open_shift(c, out, &q, e)) < 0 ||
        (rc = fill(c, &q, out, e)) < 0)
        goto fail;
    memset(&sh, 0, sizeof sh);
    sh.operator_id = out->operator_id;
    sh.started = out->from;
    sh.ended = out->to;
    sh.after_sale_id = q.after_id;
    sh.last_sale_id = q.upto_id;
    sh.money_in_fen = out->money_in_fen;
    sh.money_out_fen = out->money_out_fen;
    sh.expected_cash_fen = out->expected_cash_fen;
    sh.counted_cash_fen = counted_cash_fen;
    sh.pending = (int64_t)out->npending;
    if ((rc = store_shift_insert(c->db, &sh, e)) < 0)
        goto fail;
    snprintf(subject, sizeof subject, "shift#%" PRId64 " %s", sh.id, s->name);
    snprintf(detail, sizeof detail,
             "in=%" PRId64 " out=%" PRId64 " expected_cash=%" PRId64 " counted_cash=%" PRId64
             " difference=%" PRId64 " voided=%zu pending=%zu sales=%" PRId64 "..%" PRId64,
             out->money_in_fen, out->money_out_fen, out->expected_cash_fen, counted_cash_fen,
             out->difference_fen, out->nvoided, out->npending, q.after_id, q.upto_id);
    if ((rc = audit_append(c, s->name, "shift-close", subject, "", detail, e)) < 0)
        goto fail;
    if ((rc = store_commit(c->db, e)) < 0) {
        shift_report_fini(out);
        return rc;
    }
    out->shift_id = sh.id;
    /* the anchor on the report is the shift-close record just written (or a later one) */
    if ((rc = audit_anchor(c, "shift-close", &out->anchor, e)) < 0) {
        shift_report_fini(out);
        return rc;
    }
    return 0;
fail:
    store_rollback(c->db);
    shift_report_fini(out);
    return rc;
}

/* A closed shift again: the whole (area_path NULL), or its part in one area, whose cash
 * is the area's and which carries no count (the count is the whole drawer's). */
static int closed_shift(struct kwh_core *c, const struct kwh_session *s, int64_t shift_id,
                        const char *area_path, struct kwh_shift_report *out, struct kwh_err *e)
{
    struct store_shift sh;
    struct store_shift_q q;
    struct kwh_operator o;
    char subject[32];
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = store_shift_get(c->db, shift_id, &sh, e)) < 0)
        return rc;
    if (sh.operator_id != s->operator_id &&
        (rc = need_admin(s, kwh_tr("another operator's shift report"), e)) < 0)
        return rc;
    if ((rc = store_operator_get_id(c->db, sh.operator_id, &o, e)) < 0)
        return rc;
    out->shift_id = sh.id;
    out->operator_id = sh.operator_id;
    str_copy(out->operator_name, sizeof out->operator_name, o.name);
    out->from = sh.started;
    out->to = sh.ended;
    out->counted = area_path == NULL;
    out->counted_cash_fen = area_path == NULL ? sh.counted_cash_fen : 0;
    q = (struct store_shift_q){
        sh.operator_id,  sh.started > SHIFT_SLACK_S ? sh.started - SHIFT_SLACK_S : 0,
        INT64_MAX,       sh.after_sale_id,
        sh.last_sale_id, area_path};
    if ((rc = fill(c, &q, out, e)) < 0) {
        shift_report_fini(out);
        return rc;
    }
    snprintf(subject, sizeof subject, "shift#%" PRId64 " ", sh.id);
    if ((rc = audit_anchor_of(c, "shift-close", subject, &out->anchor, e)) < 0) {
        shift_report_fini(out);
        return rc;
    }
    return 0;
}

int shift_get(struct kwh_core *c, const struct kwh_session *s, int64_t shift_id,
              struct kwh_shift_report *out, struct kwh_err *e)
{
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    return closed_shift(c, s, shift_id, NULL, out, e);
}

int shift_get_in_area(struct kwh_core *c, const struct kwh_session *s, int64_t shift_id,
                      int64_t area_id, struct kwh_shift_report *out, struct kwh_err *e)
{
    char path[KWH_AREA_PATH_MAX];
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0 || (rc = area_path(c, area_id, path, sizeof path, e)) < 0 ||
        (rc = scope_permit(c, s, area_id, e)) < 0)
        return rc;
    return closed_shift(c, s, shift_id, path, out, e);
}

void shift_report_fini(struct kwh_shift_report *r)
{
    if (r == NULL)
        return;
    free(r->voided);
    free(r->pending);
    free(r->fees);
    r->voided = r->pending = NULL;
    r->fees = NULL;
    r->nvoided = r->npending = r->nfees = 0;
}
