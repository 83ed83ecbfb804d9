/* SPDX-License-Identifier: Apache-2.0 */
/* The operations in one call each, for unit tests: read the card, plan, commit (what a
 * screen does in three steps with the plan shown in between). The product has no such
 * shortcut. Each takes the customer number the card must belong to, as a guard (0: any). */
#ifndef KWHPOS_TEST_OPS_H
#define KWHPOS_TEST_OPS_H

#include "kwhpos/core.h"
#include "kwhpos/plan.h"

int ops_open(struct kwh_core *c, const struct kwh_session *s, const struct kwh_account_req *a,
             const struct kwh_purchase_req *p, struct kwh_receipt *out, struct kwh_err *e);
int ops_first_card(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                   const struct kwh_purchase_req *p, struct kwh_receipt *out, struct kwh_err *e);
int ops_sell(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
             const struct kwh_purchase_req *p, struct kwh_receipt *out, struct kwh_err *e);
int ops_resell(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
               const struct kwh_purchase_req *p, struct kwh_receipt *out, struct kwh_err *e);
int ops_reissue(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                bool consumed, int64_t fee_fen, const struct kwh_purchase_req *p,
                struct kwh_receipt *out, struct kwh_err *e);
int ops_refund_card(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                    struct kwh_err *e);
/* The refund's figures from the refund card in the reader (the plan, not committed). */
int ops_refund_quote(struct kwh_core *c, const struct kwh_session *s, struct kwh_plan_view *out,
                     struct kwh_err *e);
int ops_refund(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
               int pay_method, struct kwh_receipt *out, struct kwh_err *e);
int ops_meter_change(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                     const struct kwh_meter_change_req *m, const struct kwh_purchase_req *p,
                     struct kwh_receipt *out, struct kwh_err *e);
/* Reads the card only when the plan says the parameters go onto it. */
int ops_edit(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
             const struct kwh_account_req *a, bool *card_written, struct kwh_err *e);
int ops_transfer(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                 const char *name, const char *address, const char *phone, struct kwh_err *e);
int ops_close(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no, bool force,
              struct kwh_err *e);
int ops_tool(struct kwh_core *c, const struct kwh_session *s, int type,
             const struct kwh_meter_params *params, struct kwh_err *e);
int ops_wipe(struct kwh_core *c, const struct kwh_session *s, struct kwh_err *e);
/* 读卡: the view of the card in the reader; a refused card is not an error here. */
int ops_read(struct kwh_core *c, const struct kwh_session *s, struct kwh_card_view *out,
             struct kwh_err *e);

#endif
