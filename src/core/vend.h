/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/core: the card in the reader with its account, and the pieces the vending
 * operations share (vend.c, maint.c, account.c, toolcard.c). */
#ifndef KWHPOS_CORE_VEND_H
#define KWHPOS_CORE_VEND_H

#include "core/internal.h"

struct vend_card {
    uint8_t img[KWH_CARD_SIZE];
    struct kwh_card card;
    bool has_cust;
    struct kwh_customer cust;
    bool has_last_sale;
    struct kwh_sale last_sale;
    int settled_done, settled_void;
    char notice[KWH_ERR_MSG];
};

/* Whether the card's last purchase is known to be in its meter: the meter's own report
 * on the card says so, or the ledger recorded such a report from an earlier reading
 * (another meter may have written over the card's report since). */
bool vend_purchase_in_meter(const struct vend_card *v);

/* Whether the card's meter report cannot say if its own meter took the last purchase:
 * damaged, or written by another meter. */
bool vend_report_unknown(const struct vend_card *v);

/* Reads, settles pending writes, verifies the card and finds its account. */
int vend_load(struct kwh_core *c, struct vend_card *v, struct kwh_err *e);
/* vend_load, then: a user card of an open account (customer_no, when not 0), with
 * nothing pending. */
int vend_load_account_card(struct kwh_core *c, uint32_t customer_no, struct vend_card *v,
                           struct kwh_err *e);
/* Updates the account from the meter's report on the card. */
int note_meter_report(struct kwh_core *c, struct vend_card *v, struct kwh_err *e);
/* Prices a purchase for an account; replaced: the sale a re-sale cancels (or NULL);
 * hoard_base: energy the meter is taken to hold already. */
int vend_compute(struct kwh_core *c, const struct kwh_customer *cu,
                 const struct kwh_purchase_req *p, const struct kwh_sale *replaced,
                 int64_t hoard_base_ckwh, struct kwh_quote *q, struct kwh_err *e);
void vend_fill_sale(struct kwh_sale *sale, int kind, const struct kwh_customer *cu,
                    const struct kwh_quote *q, const struct kwh_purchase_req *p, int count);
/* The user card of an account as it stands (type, serial, meter, count, params). */
void vend_base_card(const struct kwh_customer *cu, struct kwh_card *card, int64_t now);
/* Runs the op and fills the receipt (out may be NULL). */
int vend_finish(struct kwh_core *c, const struct kwh_session *s, struct cardop *co,
                const uint8_t old[KWH_CARD_SIZE], struct kwh_receipt *out, struct kwh_err *e);
int vend_receipt(struct kwh_core *c, int64_t op_id, struct kwh_receipt *out, struct kwh_err *e);

#endif
