/* SPDX-License-Identifier: Apache-2.0 */
/* 冲正 requests: a clerk asks, an administrator decides later from the list (docs/units.md,
 * "冲正: reversals"). The request keeps what was asked; the approval plans the reversal
 * anew, so the rules apply to the ledger as it stands then, and commits it in the
 * requester's name with the approver beside it. */
#include <stdio.h>
#include <string.h>

#include "core/plan_int.h"
#include "kwhpos/money.h"
#include "kwhpos/oversight.h"
#include "kwhpos/util.h"
#include "store/store.h"
#include "store/store_invoice.h"

const char *reversal_request_state_name(int state)
{
    switch (state) {
    case KWH_REVREQ_WAITING: return "waiting";
    case KWH_REVREQ_APPROVED: return "approved";
    case KWH_REVREQ_REJECTED: return "rejected";
    default: return "?";
    }
}

int reversal_request(struct kwh_core *c, const struct kwh_session *s,
                     const struct kwh_reversal_req *r, int64_t *id, struct kwh_err *e)
{
    struct kwh_reversal_request q;
    struct kwh_plan *p = NULL;
    char detail[400], subject[48];
    int rc;

    /* the same checks as a reversal on the spot: refused now rather than at approval */
    if ((rc = reversal_plan(c, s, r, &p, e)) < 0)
        return rc;
    memset(&q, 0, sizeof q);
    q.sale_id = p->v.replaced.id;
    q.invoice_no = r->invoice_no;
    str_copy(q.reason, sizeof q.reason, r->reason);
    q.correct = r->correct;
    q.pay_method = r->pay_method;
    str_copy(q.pay_ref, sizeof q.pay_ref, r->pay_ref);
    q.amount_fen = r->amount_fen;
    q.requested_by = s->operator_id;
    q.requested = core_now(c);
    plan_free(p);
    snprintf(detail, sizeof detail, "invoice=%lld reason=%s correction=%s amount=%lld",
             (long long)r->invoice_no, r->reason,
             r->correct ? (r->pay_method >= 0 ? model_pay_name(r->pay_method) : "as-recorded")
                        : "none",
             (long long)(r->correct ? r->amount_fen : -1));
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_revreq_insert(c->db, &q, id, e)) < 0 ||
        (snprintf(subject, sizeof subject, "request %lld", (long long)*id),
         (rc = audit_append(c, s->name, "reversal-request", subject, "", detail, e)) < 0)) {
        store_rollback(c->db);
        return rc;
    }
    return store_commit(c->db, e);
}

int reversal_requests(struct kwh_core *c, const struct kwh_session *s, bool all,
                      struct kwh_reversal_request **out, size_t *n, struct kwh_err *e)
{
    int64_t scope_op;
    int rc;
    *out = NULL;
    *n = 0;
    /* the operators' scope: a request is its account's */
    if ((rc = need_operator(s, e)) < 0 || (rc = scope_of(c, s, &scope_op, e)) < 0)
        return rc;
    return store_revreq_list(c->db, all, 0, scope_op, out, n, e);
}

/* The waiting request id, for administrator s (another person than the requester). */
static int decidable(struct kwh_core *c, const struct kwh_session *s, int64_t id,
                     struct kwh_reversal_request *q, struct kwh_err *e)
{
    int rc;
    if ((rc = need_admin(s, kwh_tr("冲正 (reversal)"), e)) < 0)
        return rc;
    if ((rc = store_revreq_get(c->db, id, q, e)) < 0 ||
        (rc = scope_permit(c, s, q->area_id, e)) < 0)
        return rc;
    if (q->state != KWH_REVREQ_WAITING)
        return kwh_err_set(
            e, KWH_ECONFLICT, "reversal request %lld was already %s by %s", (long long)id,
            q->state == KWH_REVREQ_APPROVED ? kwh_tr("approved") : kwh_tr("rejected"), q->decider);
    return 0;
}

int reversal_request_approve(struct kwh_core *c, const struct kwh_session *s, int64_t id,
                             const char *password, struct kwh_receipt *rec, struct kwh_err *e)
{
    struct kwh_reversal_request q;
    struct kwh_reversal_req r;
    struct kwh_session asker, again;
    struct kwh_operator op;
    struct kwh_plan *p = NULL;
    size_t len;
    int rc;

    if ((rc = decidable(c, s, id, &q, e)) < 0)
        return rc;
    if (q.requested_by == s->operator_id)
        return kwh_err_set(e, KWH_EPERM,
                           "a reversal is approved by another person than the one who asks "
                           "for it");
    if (password != NULL && (rc = auth_login(c, s->name, password, &again, e)) < 0)
        return rc;
    if ((rc = store_operator_get_id(c->db, q.requested_by, &op, e)) < 0)
        return rc;
    memset(&asker, 0, sizeof asker);
    asker.operator_id = op.id;
    str_copy(asker.name, sizeof asker.name, op.name);
    asker.role = op.role;
    memset(&r, 0, sizeof r);
    r.invoice_no = q.invoice_no;
    str_copy(r.reason, sizeof r.reason, q.reason);
    r.correct = q.correct;
    r.pay_method = q.pay_method;
    str_copy(r.pay_ref, sizeof r.pay_ref, q.pay_ref);
    r.amount_fen = q.amount_fen;
    /* the rules again, on the ledger as it is now */
    if ((rc = reversal_plan(c, &asker, &r, &p, e)) < 0)
        return kwh_err_prefix(e, "reversal request %lld cannot be approved (reject it)",
                              (long long)id);
    p->approver_id = s->operator_id;
    p->request_id = id;
    str_copy(p->v.approver, sizeof p->v.approver, s->name);
    len = strlen(p->audit_detail);
    snprintf(p->audit_detail + len, sizeof p->audit_detail - len, " approved_by=%s request=%lld",
             s->name, (long long)id);
    rc = plan_commit(c, &asker, p, rec, e);
    plan_free(p);
    return rc;
}

int reversal_request_reject(struct kwh_core *c, const struct kwh_session *s, int64_t id,
                            const char *reason, struct kwh_err *e)
{
    struct kwh_reversal_request q;
    char detail[400];
    int rc;

    if (text_check_line(KWH_N("reason"), reason, e) < 0)
        return KWH_EINVAL;
    if (reason == NULL || reason[0] == '\0' || !utf8_is_clean_line(reason) ||
        strlen(reason) >= KWH_TEXT_MAX)
        return kwh_err_set(e, KWH_EINVAL, "rejecting a reversal: give the reason, in one line");
    if ((rc = decidable(c, s, id, &q, e)) < 0)
        return rc;
    snprintf(detail, sizeof detail, "request=%lld invoice=%lld requested_by=%s reason=%s",
             (long long)id, (long long)q.invoice_no, q.requester, reason);
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_revreq_decide(c->db, id, KWH_REVREQ_REJECTED, s->operator_id, core_now(c), 0,
                                  e)) < 0 ||
        (rc = audit_append(c, s->name, "reversal-reject", "request", "", detail, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    return store_commit(c->db, e);
}
