/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/core: what a plan holds, and the pieces the operation files build it with
 * (plan.c). An operation file fills a plan; plan_commit executes it. */
#ifndef KWHPOS_CORE_PLAN_INT_H
#define KWHPOS_CORE_PLAN_INT_H

#include "core/internal.h"

#define PLAN_MAX_PENDING 8

/* What the plan was built on; plan_commit checks each inside the intent's transaction. */
struct plan_expect {
    int64_t settings_version; /* always */
    bool account;             /* the account as read: every column, its last card write and
                                 its pending writes */
    struct kwh_customer cu;
    int64_t last_op_id;
    size_t npending;
    int64_t pending[PLAN_MAX_PENDING];
    bool tariff; /* the tariff and its price version */
    int64_t tariff_id, price_id, price;
    char tariff_name[KWH_NAME_MAX];
    bool by_month; /* the free allowance depended on the month */
    int month;
    bool meter_free; /* the meter number is free (or held only by meter_holder) */
    uint32_t meter_no;
    int64_t meter_holder;
    bool pay_ref; /* the payment reference is not in the ledger (but in sale ref_except) */
    int pay_method;
    char ref[KWH_REF_MAX];
    int64_t ref_except;
};

struct kwh_plan {
    struct kwh_plan_view v;
    int64_t operator_id;
    bool spent;   /* its intent was recorded: it never commits again */
    bool claimed; /* the writer's claim on op is held (store_op_claim) */
    struct plan_expect x;
    struct kwh_site site; /* the settings, read once */
    bool has_tariff;      /* the tariff expected (plan_expect_tariff), with its tiers */
    struct kwh_tariff tariff;
    bool has_fees; /* the fee types, read once (plan_price) */
    struct kwh_fee_type *fees;
    size_t nfees;

    /* the card write */
    bool card_write;
    uint8_t old_img[KWH_CARD_SIZE];
    struct kwh_card card; /* an opening's is encoded at commit, with its customer number */
    struct store_op op;   /* kind, customer, serial, new image, meter, balance, consumed */
    size_t ntake;         /* a reissue takes over the lost card's pending writes */
    int64_t take[PLAN_MAX_PENDING];
    bool take_void[PLAN_MAX_PENDING]; /* known not written: cancelled instead */

    /* the account the effects apply to, when not the one read (a reissue's, after the
       lost card's pending writes are taken over) */
    bool has_base;
    struct kwh_customer base;

    /* the ledger rows */
    struct kwh_sale sales[2];
    size_t nsales;
    bool new_account; /* an opening: inserted pending, its number assigned at commit */
    struct kwh_customer account;
    bool has_event;
    struct store_event event;

    /* an account change without a card write (with one: after it is done) */
    unsigned cu_fields;
    struct kwh_customer cu_after;
    char text_audit_op[32];
    char text_before[512], text_after[512];

    /* arrears entered with the account change (a refund's overdraft left unpaid) */
    int64_t arrears_add_fen;
    char arrears_reason[KWH_TEXT_MAX];

    /* 冲正: the administrator who approved it (0: not yet) */
    bool needs_approval;
    int64_t approver_id;
    int64_t request_id; /* the waiting request it decides (0: approved on the spot) */

    /* the audit record of the operation */
    char audit_op[32];
    char audit_subject[64];
    char audit_before[512];
    char audit_detail[512];
};

/* A new plan of kind for session s, with the site's settings read once (p->site) and
 * their version expected; NULL with e set on error. */
struct kwh_plan *plan_new(struct kwh_core *c, const struct kwh_session *s, int kind,
                          struct kwh_err *e);

/* Expects the account as cu (read just now): every column, its last card write, no
 * pending write (a reissue lists those it takes over in p->take first). */
/* The account customer_no, refused (KWH_EPERM) when outside the operator's areas: the
 * scope rule before any other check says anything about it. */
int plan_account_by_no(struct kwh_core *c, struct kwh_plan *p, uint32_t customer_no,
                       struct kwh_customer *cu, struct kwh_err *e);
int plan_expect_account(struct kwh_core *c, struct kwh_plan *p, const struct kwh_customer *cu,
                        struct kwh_err *e);
/* Expects tariff_id at its current price version; *t (may be NULL) receives it. */
int plan_expect_tariff(struct kwh_core *c, struct kwh_plan *p, int64_t tariff_id,
                       struct kwh_tariff *t, struct kwh_err *e);
/* Expects the account cu (plan_expect_account) and its tariff at its current price
 * version; cu's price and tariff name become those of the version expected, so the
 * quote and the expectation are one reading. */
int plan_expect_customer(struct kwh_core *c, struct kwh_plan *p, struct kwh_customer *cu,
                         struct kwh_err *e);
/* Expects meter_no free at commit, or held only by account holder (0: none). */
void plan_expect_meter_free(struct kwh_plan *p, uint32_t meter_no, int64_t holder);

/* Prices purchase req for account cu (rules_price with the plan's settings and month,
 * the month expected when the grant depended on it). */
int plan_price(struct kwh_core *c, struct kwh_plan *p, const struct kwh_customer *cu,
               const struct kwh_purchase_req *req, const struct kwh_sale *replaced,
               int64_t hoard_base_ckwh, struct rules_quote *q, struct kwh_err *e);

/* The user card of account cu written over old (read as such) at purchase count `count`
 * loading card_ckwh, free_ckwh of it free, with flags: a purchase, a re-sale, or (冲正
 * taking the energy back) the card as it was before the purchase. */
int plan_user_card(struct kwh_core *c, struct kwh_plan *p, const struct kwh_customer *cu,
                   const uint8_t old[KWH_CARD_SIZE], int count, int64_t card_ckwh,
                   int64_t free_ckwh, uint8_t flags, struct kwh_err *e);
/* A purchase onto the user card of account cu (card read as old): priced (plan_price),
 * the account's card at purchase count `count` loading it with flags, and its sale row
 * (replacing `replaced`, or NULL). */
int plan_purchase(struct kwh_core *c, struct kwh_plan *p, const struct kwh_customer *cu,
                  const uint8_t old[KWH_CARD_SIZE], const struct kwh_purchase_req *req,
                  const struct kwh_sale *replaced, int count, int64_t hoard_base_ckwh,
                  uint8_t flags, struct kwh_err *e);

/* The card write: new card over the image read (old), encoded with the site keys; the
 * op row's kind and customer from the plan. */
int plan_write_card(struct kwh_core *c, struct kwh_plan *p, const uint8_t old[KWH_CARD_SIZE],
                    const struct kwh_card *card, struct kwh_err *e);
/* A wipe: the image to write is given whole. */
void plan_write_image(struct kwh_plan *p, const uint8_t old[KWH_CARD_SIZE],
                      const uint8_t img[KWH_CARD_SIZE], const uint8_t serial[KWH_SERIAL_LEN]);

/* Adds a sale row (the plan shows its first). */
void plan_add_sale(struct kwh_plan *p, const struct kwh_sale *sale);

/* The audit record: op, subject and detail (printf). */
void plan_audit(struct kwh_plan *p, const char *op, const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Completes the view (the account as it will stand, the card, the sale) once the plan
 * is built, and gives it: *out = p and 0, or p freed and the error. Call last. */
int plan_finish(struct kwh_core *c, struct kwh_plan *p, struct kwh_plan **out, struct kwh_err *e);

/* Why the card's last purchase cannot be replaced by 重新售电, or 0 (resale.c). */
int resale_replaceable(struct kwh_core *c, const struct seen_card *v, struct kwh_err *e);

/* Frees p and returns rc (for the error paths of the operation files). */
int plan_fail(struct kwh_plan *p, int rc);

#endif
