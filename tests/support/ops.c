/* SPDX-License-Identifier: Apache-2.0 */
#include "ops.h"

#include <stdlib.h>
#include <string.h>

/* Commits plan p (built with rc) and frees it. */
static int commit(struct kwh_core *c, const struct kwh_session *s, int rc, struct kwh_plan *p,
                  struct kwh_receipt *out, struct kwh_err *e)
{
    if (rc == 0)
        rc = plan_commit(c, s, p, out, e);
    plan_free(p);
    return rc;
}

/* The card in the reader, of account customer_no when that is not 0. */
static int read_card(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                     struct kwh_card_view *v, struct kwh_err *e)
{
    int rc = cardview_read(c, s, v, e);
    if (rc < 0)
        return rc;
    if (customer_no != 0 && v->has_customer && v->customer.customer_no != customer_no)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the card in the reader belongs to account %08u, not %08u: the card "
                           "was changed; read it again",
                           v->customer.customer_no, customer_no);
    return 0;
}

int ops_open(struct kwh_core *c, const struct kwh_session *s, const struct kwh_account_req *a,
             const struct kwh_purchase_req *p, struct kwh_receipt *out, struct kwh_err *e)
{
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    int rc = cardview_read(c, s, &v, e);
    if (rc == 0)
        rc = open_plan(c, s, &v, a, p, &plan, e);
    return commit(c, s, rc, plan, out, e);
}

int ops_first_card(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                   const struct kwh_purchase_req *p, struct kwh_receipt *out, struct kwh_err *e)
{
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    int rc = cardview_read(c, s, &v, e);
    if (rc == 0)
        rc = first_card_plan(c, s, customer_no, &v, p, &plan, e);
    return commit(c, s, rc, plan, out, e);
}

int ops_sell(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
             const struct kwh_purchase_req *p, struct kwh_receipt *out, struct kwh_err *e)
{
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    int rc = read_card(c, s, customer_no, &v, e);
    if (rc == 0)
        rc = sale_plan(c, s, &v, p, &plan, e);
    return commit(c, s, rc, plan, out, e);
}

int ops_resell(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
               const struct kwh_purchase_req *p, struct kwh_receipt *out, struct kwh_err *e)
{
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    int rc = read_card(c, s, customer_no, &v, e);
    if (rc == 0)
        rc = resale_plan(c, s, &v, p, &plan, e);
    return commit(c, s, rc, plan, out, e);
}

int ops_reissue(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                bool consumed, int64_t fee_fen, const struct kwh_purchase_req *p,
                struct kwh_receipt *out, struct kwh_err *e)
{
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    int rc = cardview_read(c, s, &v, e);
    if (rc == 0)
        rc = reissue_plan(c, s, customer_no, &v, consumed, fee_fen, p, &plan, e);
    return commit(c, s, rc, plan, out, e);
}

int ops_refund_card(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                    struct kwh_err *e)
{
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    int rc = read_card(c, s, customer_no, &v, e);
    if (rc == 0)
        rc = refund_card_plan(c, s, &v, &plan, e);
    return commit(c, s, rc, plan, NULL, e);
}

int ops_refund_quote(struct kwh_core *c, const struct kwh_session *s, struct kwh_plan_view *out,
                     struct kwh_err *e)
{
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    int rc = cardview_read(c, s, &v, e);
    if (rc == 0)
        rc = refund_plan(c, s, &v, KWH_PAY_CASH, &plan, e);
    if (rc == 0)
        *out = *plan_view(plan);
    plan_free(plan);
    return rc;
}

int ops_refund(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
               int pay_method, struct kwh_receipt *out, struct kwh_err *e)
{
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    int rc = read_card(c, s, customer_no, &v, e);
    if (rc == 0)
        rc = refund_plan(c, s, &v, pay_method, &plan, e);
    return commit(c, s, rc, plan, out, e);
}

int ops_meter_change(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                     const struct kwh_meter_change_req *m, const struct kwh_purchase_req *p,
                     struct kwh_receipt *out, struct kwh_err *e)
{
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    int rc = read_card(c, s, customer_no, &v, e);
    if (rc == 0)
        rc = meter_change_plan(c, s, &v, m, p, &plan, e);
    return commit(c, s, rc, plan, out, e);
}

int ops_edit(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
             const struct kwh_account_req *a, bool *card_written, struct kwh_err *e)
{
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    int rc = edit_plan(c, s, customer_no, NULL, a, &plan, e);

    if (rc == KWH_ECONFLICT && e != NULL && e->detail == KWH_PLAN_NEEDS_CARD) {
        if ((rc = read_card(c, s, customer_no, &v, e)) < 0)
            return rc;
        rc = edit_plan(c, s, customer_no, &v, a, &plan, e);
    }
    if (card_written != NULL)
        *card_written = rc == 0 && plan_view(plan)->writes_card;
    return commit(c, s, rc, plan, NULL, e);
}

int ops_transfer(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                 const char *name, const char *address, const char *phone, struct kwh_err *e)
{
    struct kwh_plan *plan = NULL;
    int rc = transfer_plan(c, s, customer_no, name, address, phone, &plan, e);
    return commit(c, s, rc, plan, NULL, e);
}

int ops_close(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no, bool force,
              struct kwh_err *e)
{
    struct kwh_plan *plan = NULL;
    int rc = close_plan(c, s, customer_no, force, &plan, e);
    return commit(c, s, rc, plan, NULL, e);
}

int ops_tool(struct kwh_core *c, const struct kwh_session *s, int type,
             const struct kwh_meter_params *params, struct kwh_err *e)
{
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    int rc = cardview_read(c, s, &v, e);
    if (rc == 0)
        rc = tool_card_plan(c, s, &v, type, params, &plan, e);
    return commit(c, s, rc, plan, NULL, e);
}

int ops_wipe(struct kwh_core *c, const struct kwh_session *s, struct kwh_err *e)
{
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    int rc = cardview_read(c, s, &v, e);
    /* a refused card may still be one this site can wipe (a replaced card) */
    if (rc == 0 || rc == KWH_ECARD)
        rc = wipe_plan(c, s, &v, &plan, e);
    return commit(c, s, rc, plan, NULL, e);
}

int ops_read(struct kwh_core *c, const struct kwh_session *s, struct kwh_card_view *out,
             struct kwh_err *e)
{
    int rc = cardview_read(c, s, out, e);
    return rc == KWH_ECARD ? 0 : rc;
}
