/* SPDX-License-Identifier: Apache-2.0 */
/* The operations of the manual as plans: read the card, plan, show the plan, commit it.
 *
 *   cardview_read   reads the card in the reader whole, settles pending writes on it,
 *                   notes the meter's report, and returns what it found with its image;
 *   X_plan          (one function per operation, one file each in src/core) never touches
 *                   the reader: it verifies the view's image again with the site keys,
 *                   loads the account fresh, checks every rule and builds the whole
 *                   outcome — what the clerk confirms (plan_view), the new card image, the
 *                   ledger rows, the audit record — and the expectations it was built on
 *                   (the account as read, the tariff's price version, the allowance month,
 *                   the settings version);
 *   plan_commit     executes that plan exactly: the card must still be byte for byte the
 *                   one read, every expectation must still hold (checked inside the
 *                   transaction that records the intent), then the card is written, read
 *                   back and the operation settled (docs/architecture.md). Nothing is
 *                   computed again: what the clerk saw is what is written and recorded.
 *
 * Every plan function checks the session's role itself. A plan is refused with a clear
 * message and nothing written when a rule fails; a commit is refused with nothing
 * written when the world changed since the plan ("the price of tariff X changed from
 * 0.5283 to 1.0000 since the quote: quote again"). */
#ifndef KWHPOS_PLAN_H
#define KWHPOS_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "kwhpos/card.h"
#include "kwhpos/err.h"
#include "kwhpos/model.h"

struct kwh_core;

/* --- the card as read (cardview.c) -------------------------------------------------- */

struct kwh_card_view {
    uint8_t img[KWH_CARD_SIZE]; /* the card as read, whole: what a plan is built from */
    bool ours;                  /* decodes and verifies for this site */
    char problem[KWH_ERR_MSG];  /* why it is refused, when it is */
    bool blank;                 /* usable for a new card */
    struct kwh_card card;       /* decoded (not verified when !ours) */
    bool has_customer;
    struct kwh_customer customer;
    bool purchase_loaded;      /* the last purchase is known to be in the meter */
    bool meter_refused;        /* the card's own meter refused this record last time */
    char refusal[KWH_ERR_MSG]; /* what the refusal means and what to do, or "" */
    bool has_last_sale;
    struct kwh_sale last_sale; /* the customer's last settled purchase */
    int settled_done;          /* pending writes this read confirmed */
    int settled_void;          /* pending writes this read found never happened */
    char notice[KWH_ERR_MSG];  /* e.g. "the sale of op #12 was completed on this card" */
};

/* Reads the card in the reader whole (powering it first), settles any pending write on
 * it, notes its meter's report on the account, and verifies it. Returns 0 for a card of
 * this site that is what the database last wrote to it (or blank); KWH_ECARD for a card
 * that is refused — another site's, forged, replaced by a reissue, rolled back — with
 * out describing what it says (unverified) and out->problem saying why; other errors
 * (no reader, no card) leave out without a card. */
int cardview_read(struct kwh_core *c, const struct kwh_session *s, struct kwh_card_view *out,
                  struct kwh_err *e);

/* --- requests ------------------------------------------------------------------------ */

struct kwh_purchase_req {
    int mode;                  /* enum kwh_purchase_mode */
    int64_t value;             /* ckwh for KWH_BY_KWH, fen for KWH_BY_AMOUNT */
    int64_t adjust_ckwh;       /* 调剂电量, free of charge */
    int pay_method;            /* enum kwh_pay */
    char pay_ref[KWH_REF_MAX]; /* the payment's reference ("" none; docs/units.md) */
};

/* Account details for opening or editing. */
struct kwh_account_req {
    char name[KWH_TEXT_MAX];
    char address[KWH_ADDR_MAX];
    char phone[KWH_PHONE_MAX];
    struct kwh_meter meter;
    int64_t tariff_id;
    int64_t area_id; /* the account's area (kwhpos/oversight.h); 0: the root when opening,
                        unchanged when editing */
};

/* 补卡售电: what the ledger knows of the lost card's last purchase, from which the
 * consumption state (已消费 / 未消费) is proposed. */
struct kwh_reissue_evidence {
    bool has_last_sale;
    struct kwh_sale last_sale; /* the last settled purchase that loaded energy */
    int purchase_count;        /* the purchase count on the account's last card */
    int loaded_count;          /* the count its meter last reported loaded (the report
                                  noted when a card was read), 0 without one */
    bool pending;              /* card writes not settled: the reissue takes them over */
    bool loaded;               /* the last purchase is known to be in the meter: propose
                                  已消费; otherwise 未消费 (the safe choice: a meter that
                                  did load it only answers EA to the new card) */
};

struct kwh_meter_change_req {
    struct kwh_meter meter;     /* the new meter (number may equal the old one) */
    int64_t old_remaining_ckwh; /* 旧表剩余电量, read off the old meter */
    char reason[KWH_TEXT_MAX];  /* why old_remaining_ckwh exceeds what the meter should
                                   hold by its last report ("" when it does not) */
};

/* The meter of a new account before anyone changes it: the screens and the command
 * line start from these (single-phase, 60 A, limit = rating, alarm 10, overdraft 5,
 * hoard 2000 kWh, CT ratio 1). */
void open_meter_defaults(struct kwh_meter *m);

/* A management card's parameters for 保电 (keeping a meter switched on): the meter's
 * own rating as its limit, alarm, overdraft and hoard 9999 kWh (manual 十二.3). */
void tool_card_keep_on(struct kwh_meter_params *p);

/* The current limit a management card carries to leave each meter's limit as it is. */
#define KWH_LIMIT_UNCHANGED 0

/* A reissue's fee: the site's default (settings) unless given. */
#define KWH_FEE_SITE INT64_MIN

/* --- the plan ----------------------------------------------------------------------- */

struct kwh_plan; /* opaque; heap; freed with plan_free */

/* Everything the clerk confirms. Money in fen, energy in 0.01 kWh, prices in 0.0001
 * yuan/kWh (docs/units.md). */
struct kwh_plan_view {
    int kind;         /* enum kwh_op_kind */
    bool writes_card; /* the card in the reader is written */
    bool has_account;
    struct kwh_customer before; /* the account as read (opening: the new account) */
    struct kwh_customer after;  /* the account as it will stand; an opening's customer
                                   number is 0 until the commit assigns it */
    bool has_sale;
    struct kwh_sale sale; /* the ledger row as it will be recorded: energy, adjustment,
                             free allowance, price, amount, fee, payment, purchase count
                             (its id, time and invoice number come with the commit) */
    int64_t card_ckwh;    /* the energy the card loads (meter change: carried + bought) */
    bool has_card;
    struct kwh_card card; /* the card as it will read (opening: without its customer number) */
    bool has_replaced;    /* 重新售电: the sale it replaces */
    struct kwh_sale replaced;
    int64_t difference_fen; /* amount - the replaced amount: > 0 the customer pays more */
    int64_t remaining_ckwh; /* 读卡退电: the meter's report; 换表: the old meter's */
    int64_t unloaded_ckwh;  /* purchases on the card the meter never loaded */
    int64_t refund_ckwh;    /* 读卡退电: the paid energy refunded (< 0: overdraft charged) */
    int64_t kept_ckwh;      /* 读卡退电: energy left that is not paid out (free allowance,
                               调剂, beyond what the purchases paid for) */
    int64_t refund_fen;     /* 读卡退电: paid to the customer (< 0: the customer pays) */
    int64_t carried_ckwh;   /* 换表: carried to the new meter */
    bool consumed;          /* 补卡: the lost card's purchase reached the meter */
    struct kwh_reissue_evidence evidence; /* 补卡: what the ledger says of it */
    bool against_evidence; /* 补卡: consumed is not what the evidence says (ask again) */
    bool forced;           /* 销户 with energy left (admin) */
    bool text_changes;     /* 用户信息维护: name, address, phone or tariff change */
    /* 冲正: the reversal is v.sale (the sale it reverses is v.replaced), the corrected
       entry that replaces the money (a payment method, reference or amount put right) */
    bool has_correction;
    struct kwh_sale correction;
    bool reverses_energy;        /* the card is written back: the entry cancels the energy too */
    char approver[KWH_NAME_MAX]; /* the administrator who approved it ("" not yet) */
    /* 开户: the arrears the closed accounts on the meter still owe, which the new account
       takes over when it opens (docs/units.md), and the latest of those accounts */
    int64_t carried_arrears_fen;
    uint32_t carried_from_no;
};

/* What the plan does (borrowed; valid until plan_free). */
const struct kwh_plan_view *plan_view(const struct kwh_plan *p);

/* Executes the plan: for a card write, the card in the reader must be byte for byte the
 * card the plan was built from (else KWH_ECONFLICT, "read it again"); then, in one
 * transaction, every expectation is checked (KWH_ECONFLICT with what changed, nothing
 * written) and the intent recorded; then the card is written (commit byte last), read
 * back and settled. KWH_EPENDING when the card went away at the commit byte: it settles
 * the next time that card is read. An opening's customer number is assigned inside the
 * intent's transaction, and its card encoded then. out (may be NULL) receives the
 * receipt. A plan is committed at most once. */
int plan_commit(struct kwh_core *c, const struct kwh_session *s, struct kwh_plan *p,
                struct kwh_receipt *out, struct kwh_err *e);

void plan_free(struct kwh_plan *p); /* accepts NULL */

/* --- one plan per operation (*out is the caller's to free) --------------------------- */

/* M10 用户开户: a new account on the blank card, with an optional first purchase (p may
 * be NULL or KWH_BY_NONE). */
int open_plan(struct kwh_core *c, const struct kwh_session *s, const struct kwh_card_view *blank,
              const struct kwh_account_req *a, const struct kwh_purchase_req *p,
              struct kwh_plan **out, struct kwh_err *e);

/* The first card of an account that has none (an imported one) on the blank card: it
 * opens the meter like an opening card, at the purchase count recorded at import + 1. */
int first_card_plan(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                    const struct kwh_card_view *blank, const struct kwh_purchase_req *p,
                    struct kwh_plan **out, struct kwh_err *e);

/* M11 日常售电: a purchase onto the customer's card. */
int sale_plan(struct kwh_core *c, const struct kwh_session *s, const struct kwh_card_view *card,
              const struct kwh_purchase_req *p, struct kwh_plan **out, struct kwh_err *e);

/* What a purchase on the card as read may be before any amount is typed (kind
 * KWH_OP_SALE for 日常售电, KWH_OP_RESALE for 重新售电): refused, with why and the way
 * out, when no amount could be sold (the last purchase not in the meter yet, the meter
 * refused the card, nothing to replace ...); else the most the card can take now under
 * its meter's hoard limit. The screens ask right after reading the card, before money
 * is taken; the plan checks the same again. */
struct kwh_sale_room {
    int64_t held_ckwh;  /* what the meter is taken to hold (for 重新售电: without the sale
                           it replaces) */
    int64_t hoard_ckwh; /* the meter's hoard limit */
    int64_t free_ckwh;  /* the month's free allowance the purchase would load */
    int64_t price;      /* the account's price now (tiered: of the tier it stands in) */
    int64_t max_ckwh;   /* the most energy that can be bought now (0: none) */
    int64_t max_fen;    /* the most that can be paid by amount: its energy fits, priced as
                           the plan prices it (tiers from where the account stands, fees
                           due, arrears recovered); 0: no payment buys energy now */
    /* of that payment: */
    int64_t max_energy_ckwh; /* the paid energy it buys */
    int64_t fee_fen;         /* the fees due */
    int64_t arrears_fen;     /* the arrears recovered */
    int64_t owed_fen;        /* the arrears owed before it */
    int tiers;               /* the tariff's tiers (0: flat) */
    int tier;                /* the tier it starts in (1..); 0: flat, or none fits */
};
int sale_room(struct kwh_core *c, const struct kwh_session *s, const struct kwh_card_view *card,
              int kind, struct kwh_sale_room *out, struct kwh_err *e);

/* M12 重新售电: replaces the card's last sale while it is not in the meter. */
int resale_plan(struct kwh_core *c, const struct kwh_session *s, const struct kwh_card_view *card,
                const struct kwh_purchase_req *p, struct kwh_plan **out, struct kwh_err *e);

/* M13 补卡售电: a new card for the account on the blank card. consumed: whether the
 * last purchase reached the meter (已消费); a purchase only with consumed. fee_fen may
 * be KWH_FEE_SITE. The old card is refused from then on; its unsettled writes are taken
 * over (or cancelled, when known not written) by the commit. */
int reissue_plan(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                 const struct kwh_card_view *blank, bool consumed, int64_t fee_fen,
                 const struct kwh_purchase_req *p, struct kwh_plan **out, struct kwh_err *e);

/* 补卡售电 before the blank card is read: the evidence for the consumption state of
 * account customer_no's last purchase (evidence.loaded proposes 已消费). */
int reissue_evidence(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                     struct kwh_reissue_evidence *out, struct kwh_err *e);

/* M14 制退电卡: the account's user card becomes a refund card. */
int refund_card_plan(struct kwh_core *c, const struct kwh_session *s,
                     const struct kwh_card_view *card, struct kwh_plan **out, struct kwh_err *e);

/* M15 读卡退电: the refund from the refund card after the meter wrote on it (no card
 * write). */
int refund_plan(struct kwh_core *c, const struct kwh_session *s,
                const struct kwh_card_view *refund_card, int pay_method, struct kwh_plan **out,
                struct kwh_err *e);
/* The same, where the meter's overdraft was used and the customer does not pay now: the
 * money owed becomes the account's arrears (欠费) with the reason, recovered by the
 * arrears rules (docs/units.md, "Refunds"); refused when nothing is owed. */
int refund_plan_unpaid(struct kwh_core *c, const struct kwh_session *s,
                       const struct kwh_card_view *refund_card, struct kwh_plan **out,
                       struct kwh_err *e);

/* M16 换表 (admin): the account moves to a new meter, carrying the old meter's remaining
 * energy (and a purchase the old meter never loaded) and an optional purchase. */
int meter_change_plan(struct kwh_core *c, const struct kwh_session *s,
                      const struct kwh_card_view *card, const struct kwh_meter_change_req *m,
                      const struct kwh_purchase_req *p, struct kwh_plan **out, struct kwh_err *e);

/* M19 用户信息维护 (admin): name, address, phone, tariff and meter parameters. Changed
 * meter parameters are written to the account's card: card is then required (else
 * KWH_ECONFLICT with detail KWH_PLAN_NEEDS_CARD); otherwise it may be NULL. */
int edit_plan(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
              const struct kwh_card_view *card, const struct kwh_account_req *a,
              struct kwh_plan **out, struct kwh_err *e);
#define KWH_PLAN_NEEDS_CARD 1 /* kwh_err.detail: read the customer's card and plan again */

/* 冲正 (docs/units.md): a sale recorded wrongly, by invoice number, with the reason. The
 * reversal is a new entry linked to it that cancels its money (energy, fees, arrears
 * recovered); the energy stays where it is, unless energy: then the customer's card, which
 * still holds the purchase unloaded (the condition of 重新售电), is written back to the
 * purchase before it and the entry takes the energy off too. With correct, a second
 * linked entry records the money as it should have been: pay_method (-1: as recorded) and
 * pay_ref, and amount_fen for the energy (-1: as recorded). */
struct kwh_reversal_req {
    int64_t invoice_no;
    char reason[KWH_TEXT_MAX];
    bool correct;
    int pay_method;
    char pay_ref[KWH_REF_MAX];
    int64_t amount_fen;
    bool energy; /* take the energy back off the card (reversal_plan_card) */
};
/* The plan of a reversal asked for by s (any operator); refused for a reversal, a sale
 * already reversed, a sale without money. It needs an administrator's approval
 * (reversal_approve) before plan_commit by s. */
int reversal_plan(struct kwh_core *c, const struct kwh_session *s, const struct kwh_reversal_req *r,
                  struct kwh_plan **out, struct kwh_err *e);
/* The same with the customer's card as read (card; NULL: none read). With r->energy the
 * card must hold the sale as its last purchase, not loaded by the meter (as 重新售电
 * requires; else KWH_ECONFLICT saying why, and only the money can be reversed); the plan
 * then writes the card (plan_commit's card protocol) back to the purchase count and
 * energy before the sale, and the entry cancels its energy with its money. Not with
 * correct, and not for an opening's purchase. */
int reversal_plan_card(struct kwh_core *c, const struct kwh_session *s,
                       const struct kwh_reversal_req *r, const struct kwh_card_view *card,
                       struct kwh_plan **out, struct kwh_err *e);
/* Four eyes: administrator name, another person than the one who asked, approves plan p
 * with their password (a wrong one counts toward their lock-out). */
int reversal_approve(struct kwh_core *c, struct kwh_plan *p, const char *name, const char *password,
                     struct kwh_err *e);

/* M17 用户过户: a new owner (no card needed). */
int transfer_plan(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                  const char *name, const char *address, const char *phone, struct kwh_plan **out,
                  struct kwh_err *e);

/* M18 用户销户: history stays; refused while energy is left unless force (admin). */
int close_plan(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no, bool force,
               struct kwh_plan **out, struct kwh_err *e);

/* M30 工具卡 on the blank card: management (params), clear, relay or test. */
int tool_card_plan(struct kwh_core *c, const struct kwh_session *s,
                   const struct kwh_card_view *blank, int type,
                   const struct kwh_meter_params *params, struct kwh_plan **out, struct kwh_err *e);

/* M31 清卡: the card back to a factory-blank card. Refused for the user card of an open
 * account and for foreign cards; a card replaced by a reissue may be wiped. */
int wipe_plan(struct kwh_core *c, const struct kwh_session *s, const struct kwh_card_view *card,
              struct kwh_plan **out, struct kwh_err *e);

#endif
