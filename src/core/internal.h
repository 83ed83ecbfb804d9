/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/core: the core object and what the service files share. */
#ifndef KWHPOS_CORE_INTERNAL_H
#define KWHPOS_CORE_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <threads.h>

#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "kwhpos/cardwrite.h"
#include "kwhpos/core.h"
#include "kwhpos/money.h"
#include "kwhpos/plan.h"
#include "kwhpos/query.h"
#include "kwhpos/units.h"
#include "store/store.h"

struct store_check;

/* The check of the database started with the core (guard.c): a thread of its own on a
 * connection of its own; the fields after `lock` are read and written under it. */
struct core_check {
    thrd_t thread;
    bool started;
    bool full_first; /* a small file: integrity_check at once, no quick_check */
    bool noted;      /* a failure was kept beside the database */
    atomic_int stop;
    char path[1024];
    struct store_check *conn; /* opened in core_check_start, used by the thread */
    mtx_t lock;
    cnd_t changed;
    bool quick_done, quick_ok, full_done, full_ok, finished;
    char msg[256]; /* what the failing phase found */
};

struct kwh_core {
    struct store *db;
    struct kwh_card_dev *dev;
    struct kwh_clock clock;
    bool has_clock;
    kwh_progress_fn progress;
    void *progress_ctx;
    uint8_t secret[KWH_SECRET_LEN];
    struct kwh_site_keys keys;
    const struct card_profile *profile; /* the site's card layout (setting card_profile) */
    uint8_t audit_key[32];              /* from the secret alone: survives an area code change */
    int64_t changes;                    /* audit records appended but logins (core_changes) */
    char anchor_path[1024];             /* where audit anchors go ("" = beside the database) */
    char station[KWH_STATION_MAX];      /* kept with each card write (core_set_station) */
    struct core_check check;
    /* the account query's last page (query.c): a screen paging by offset to the next or
       the previous page is answered by key from it */
    struct {
        bool valid;
        struct kwh_customer_filter f; /* limit, offset and after_no zeroed */
        int64_t operator_id, offset, limit;
        size_t n;
        uint32_t first, last; /* its customer numbers */
    } page_memo;
};

/* --- damage (guard.c) --- */

/* Keeps a check's failure beside the database (the first one stays): every terminal
 * refuses card writes until a restore or a passing `kwhpos check` removes it. */
void core_note_damage(struct kwh_core *c, const char *by, const char *why);
void core_clear_damage_at(const char *db_path);
/* Stops the background check and waits for it (core_close). */
void core_check_stop(struct kwh_core *c);

/* --- roles (auth.c) --- */

/* cu->price: the price of cu's tariff in force now (the store's account row has the newest
 * price version, which may be scheduled for later: 待生效). */
int account_price_now(struct kwh_core *c, struct kwh_customer *cu, struct kwh_err *e);
/* KWH_EPERM unless s is a logged-in admin; `what` names the operation. */
int need_admin(const struct kwh_session *s, const char *what, struct kwh_err *e);
/* KWH_EPERM unless s is a logged-in operator who has changed a forced password. */
int need_operator(const struct kwh_session *s, struct kwh_err *e);

/* --- areas and scope (area.c, scope.c) --- */

/* "园区A/1栋" for area id (the root: the site's name for it, "(site)" when none). */
void area_title(struct kwh_core *c, int64_t id, char *buf, size_t n);
/* The scope rule (scope.c) for the operator operator_id: 0 when area_id is inside their
 * areas (or they are unrestricted), else KWH_EPERM naming the area. */
int scope_permit_op(struct kwh_core *c, int64_t operator_id, int64_t area_id, struct kwh_err *e);
/* A new account's area for operator_id: asked (0: the top of the tree, or for an operator
 * limited to areas the first of theirs), refused outside their areas. */
int scope_area_or_default(struct kwh_core *c, int64_t operator_id, int64_t asked, int64_t *area,
                          struct kwh_err *e);
/* The operator to pass the store's queries as their scope: the session's operator when
 * limited to subtrees, else 0. */
int scope_of(struct kwh_core *c, const struct kwh_session *s, int64_t *scope_op, struct kwh_err *e);
/* The materialised path of area id ("/1/4/"), for the store's area filters. */
int area_path(struct kwh_core *c, int64_t id, char *buf, size_t n, struct kwh_err *e);

/* --- audit (audit.c) --- */

/* Appends a record to the hash chain; must be called inside a transaction. */
int audit_append(struct kwh_core *c, const char *operator_name, const char *op, const char *subject,
                 const char *before, const char *after, struct kwh_err *e);

/* --- keys (core.c) --- */

/* Re-derives the site keys after the area code changed. */
int core_reload_keys(struct kwh_core *c, struct kwh_err *e);
/* Loads the site's card layout (after it changed). */
int core_reload_profile(struct kwh_core *c, struct kwh_err *e);

void core_progress(struct kwh_core *c, const char *phase, int done, int total);

/* --- the card (cardio.c): the card writer over the core's device --- */

/* Reads the whole card (powering it first). */
int cardio_read(struct kwh_core *c, uint8_t img[KWH_CARD_SIZE], struct kwh_err *e);
/* The PSC error counter of the card in the reader: the tries left (0..3). Spends
 * nothing. */
int cardio_psc_tries(struct kwh_core *c, int *tries, struct kwh_err *e);
/* Reads the whole card again, in the session of the last read if it lasts. */
int cardio_reread(struct kwh_core *c, uint8_t img[KWH_CARD_SIZE], struct kwh_err *e);
/* Writes new over old (cardwrite_write): 0 with CARDWRITE_WRITTEN, or an error with
 * *outcome saying what the card can hold. */
int cardio_write(struct kwh_core *c, const uint8_t old[KWH_CARD_SIZE],
                 const uint8_t new_img[KWH_CARD_SIZE], enum cardwrite_outcome *outcome,
                 struct kwh_err *e);
/* Puts back old's bytes after an interrupted write (cardwrite_repair). */
int cardio_repair(struct kwh_core *c, const uint8_t current[KWH_CARD_SIZE],
                  const uint8_t old[KWH_CARD_SIZE], struct kwh_err *e);

/* --- the card as a plan sees it (cardview.c) --- */

/* A card image verified against the database, with its account. */
struct seen_card {
    uint8_t img[KWH_CARD_SIZE];
    struct kwh_card card;
    bool has_cust;
    struct kwh_customer cust;
    bool has_last_sale;
    struct kwh_sale last_sale;
    bool marked;   /* refused because it is on the blacklist (mark) */
    bool copy;     /* refused as a copy restored over a newer card (rolled back) */
    bool decoded;  /* card holds what card_decode made of the image (cardview.c's load) */
    int psc_tries; /* the PSC error counter the read saw (tries left, 0..3), -1 unknown */
    struct store_card_mark mark;
};

/* Verifies img with the site keys and the database (no device, no writes): a blank card,
 * a tool card, or a user or refund card that is the last record the database wrote to
 * it, with its account and the account's last purchase. KWH_ECARD when refused. */
int cardview_check(struct kwh_core *c, const uint8_t img[KWH_CARD_SIZE], struct seen_card *v,
                   struct kwh_err *e);

/* The account's last settled sale that loaded energy onto its card (a reissue or a
 * meter change without a purchase loads none); *found false when there is none. */
int cardview_last_purchase(struct kwh_core *c, int64_t customer_id, struct kwh_sale *out,
                           bool *found, struct kwh_err *e);

/* Whether the card's last purchase is known to be in its meter: the meter's own report
 * on the card says so, or the ledger recorded such a report from an earlier reading. */
bool cardview_purchase_in_meter(const struct seen_card *v);

/* Whether the card's own meter refused its current record the last time it was in it:
 * the report shows a refusal code and the meter's count short of the card's. */
bool cardview_meter_refused(const struct seen_card *v);
/* What the refusal means and what to do, for a person ("" when not refused). */
void cardview_refusal(const struct seen_card *v, char *buf, size_t n);

/* Whether the card's meter report cannot say if its own meter took the last purchase:
 * damaged, or written by another meter. */
bool cardview_report_unknown(const struct seen_card *v);

/* --- site settings (settings.c) --- */

/* The card layout named id ("" or NULL: the default) if a site may choose it: known, and
 * not a test layout unless KWHPOS_TEST_PROFILES=1 (the test suites). */
int settings_profile_choosable(const char *id, const struct card_profile **out, struct kwh_err *e);

/* --- the rules operations share (rules.c) --- */

/* YYYYMM of t in local time: the month of the free allowance (M34). */
int rules_month(int64_t t);
/* What the meter is taken to hold already, for the hoard limit. */
int64_t rules_hoard_base(const struct kwh_customer *cu);
/* The meter's parameters as a card carries them. */
void rules_meter_params(const struct kwh_meter *m, struct kwh_meter_params *p);
/* A valid meter (a CT ratio of 0 becomes 1). */
int rules_check_meter(struct kwh_meter *m, struct kwh_err *e);
/* A name (required), an address and a phone: one line each, not too long. */
int rules_check_person(const char *name, const char *address, const char *phone, struct kwh_err *e);
/* The user card of an account as it stands (type, serial, meter, count, parameters). */
void rules_user_card(const struct kwh_customer *cu, struct kwh_card *card, int64_t now);
/* A blank card is in the reader (v from cardview_check); else why not, translated. */
int rules_blank_card(const struct seen_card *v, struct kwh_err *e);
/* The serial a blank card gets: its own when it has one, a fresh one otherwise. */
void rules_card_serial(const struct seen_card *v, uint8_t serial[KWH_SERIAL_LEN]);
/* The user card of an open account with nothing pending (v from cardview_check). */
int rules_account_card(struct kwh_core *c, const struct seen_card *v, struct kwh_err *e);
/* No card write of account cu waits for its card (KWH_ECONFLICT otherwise). */
int rules_settled(struct kwh_core *c, const struct kwh_customer *cu, struct kwh_err *e);

/* What a purchase is, before money is taken. */
struct rules_quote {
    int64_t energy_ckwh; /* paid energy */
    int64_t adjust_ckwh;
    int64_t free_ckwh;  /* monthly allowance granted with it */
    int64_t card_ckwh;  /* all of it: what the card loads */
    int64_t amount_fen; /* the energy's money */
    int64_t price;      /* a tiered purchase: the price of the tier it starts in */
    bool by_month;      /* the free allowance, the tier period or monthly fees depended on
                           the month */
    /* the money rules (docs/units.md) */
    struct units_split split; /* a tiered purchase's parts (split.n 0: flat) */
    int period_start;         /* the tier period it counts in (YYYYMM), 0 flat */
    size_t nfees;
    struct kwh_sale_item fees[KWH_ITEMS_MAX - KWH_TIERS_MAX];
    int64_t fees_fen;    /* their sum */
    int fee_month;       /* monthly fees paid through (YYYYMM), 0 none */
    int64_t arrears_fen; /* arrears recovered */
    int64_t total_fen;   /* what the customer pays: amount + fees + arrears */
};

/* What the money rules price a purchase with, read once by the plan. */
struct rules_terms {
    const struct kwh_tariff *tariff; /* the account's tariff at the version expected */
    const struct kwh_fee_type *fees; /* the fee types due at a sale (per sale, monthly) */
    size_t nfees;
    int recovery_mode; /* the site's arrears rule (enum kwh_recovery) */
    int64_t recovery_value;
    int64_t now;
};

/* The first month (YYYYMM) of tariff t's period that contains time now (0: flat). */
int rules_period_start(const struct kwh_tariff *t, int64_t now);

/* Whether ref is a reference payment method pay can carry (docs/units.md); "" is. */
int rules_check_pay_ref(int pay, const char *ref, struct kwh_err *e);

/* What can be said of a purchase request (p may be NULL: none) before the account and
 * the card are looked at, so a mistyped amount is named first: mode, value, payment,
 * adjustment, the per-sale maxima it states. Once per operation. */
int rules_check_request(const struct kwh_purchase_req *p, const struct kwh_site *site,
                        struct kwh_err *e);

/* Prices a purchase for account cu (its tariff's price, its free month, its meter's
 * hoard limit) with the site's settings, once, for a request rules_check_request
 * passed: the energy an amount buys within the maximum, M34, the card's capacity, the
 * hoard limit over hoard_base. replaced: the sale
 * a re-sale cancels (its grant is kept), or NULL. p may be NULL or KWH_BY_NONE: no
 * purchase (q then carries only the price). */
int rules_price(const struct kwh_site *site, const struct rules_terms *terms,
                const struct kwh_customer *cu, const struct kwh_purchase_req *p,
                const struct kwh_sale *replaced, int64_t hoard_base_ckwh, int month,
                struct rules_quote *q, struct kwh_err *e);

/* The sale room's yuan (docs/units.md): the largest payment by amount for account cu
 * whose paid energy fits in room_ckwh (and the per-sale maxima), from where the account
 * stands in its tier period, with the fees due and the arrears recovered from it, as
 * rules_price prices it; *q is that payment's quote. 0 (q zeroed) when no payment fits. */
int64_t rules_most_payment(const struct kwh_site *site, const struct rules_terms *terms,
                           const struct kwh_customer *cu, const struct kwh_sale *replaced,
                           int month, int64_t room_ckwh, struct rules_quote *q);

/* The month's free allowance (M34) a purchase for account cu loads: the grant of the sale
 * a re-sale replaces, else the site's monthly free energy with the account's first
 * purchase of the month (*by_month: it depended on the month). */
int64_t rules_free_grant(const struct kwh_site *site, const struct kwh_customer *cu,
                         const struct kwh_sale *replaced, int month, bool *by_month);
/* The paid energy a purchase may still add under the meter's hoard limit: the limit less
 * what the meter holds (hoard_base) and what the card loads besides (extra: adjustment,
 * free allowance); 0 when none. */
int64_t rules_hoard_room(const struct kwh_customer *cu, int64_t hoard_base_ckwh,
                         int64_t extra_ckwh);

/* A sale row for account cu from quote q and request p (p may be NULL). */
void rules_fill_sale(struct kwh_sale *sale, int kind, const struct kwh_customer *cu,
                     const struct rules_quote *q, const struct kwh_purchase_req *p, int count);

/* What a refund pays for ckwh of energy left to account customer_id (docs/units.md):
 * valued against its most recent paid purchases, last in first out, at the prices they
 * were bought at — a whole purchase at exactly what was paid for its energy, a part of
 * one rounded down (a tiered purchase's part from its highest tier down, each at its
 * tier's price) — so that free allowance and 调剂 energy (taken as consumed first) and
 * energy beyond what the purchases paid for are never paid out. *fen the money,
 * *paid_ckwh the energy it pays for (<= ckwh), *last_price the price of the last purchase
 * that had paid energy (0: none), *period_ckwh the part of it bought in tier period
 * period_start (YYYYMM; 0: none), which the account's period counter gives back. */
int rules_paid_back(struct kwh_core *c, int64_t customer_id, int64_t ckwh, int period_start,
                    int64_t *fen, int64_t *paid_ckwh, int64_t *last_price, int64_t *period_ckwh,
                    struct kwh_err *e);

/* What a sale does to its account's money columns when it settles (sign 1), or when a
 * re-sale cancels it (sign -1): the tier period's kWh, the arrears recovered, the month
 * the monthly fees are paid through. fields receives STORE_CU_MONEY when they change. */
void rules_money_effects(struct kwh_customer *cu, const struct kwh_sale *sale, int sign,
                         unsigned *fields);

/* --- settling card writes (settle.c) --- */

/* The effects of op (done) on its account cu: the settlement reads the kind's flags.
 * fields receives the column groups changed (STORE_CU_*). Reads the sales a re-sale
 * replaces; writes nothing. */
int settle_effects(struct kwh_core *c, const struct store_op *op, const struct kwh_sale *sales,
                   size_t n, struct kwh_customer *cu, unsigned *fields, int64_t now,
                   struct kwh_err *e);

/* Arrears carried (carry.c): what the closed accounts on meter_no still owe (*from_no:
 * the latest of them), and, inside the caller's transaction, the move of those arrears
 * to the new account cu becoming open (entries on both, audited; *fields gains
 * STORE_CU_MONEY when any moved: the caller writes cu). */
int arrears_carry_preview(struct kwh_core *c, uint32_t meter_no, int64_t *fen, uint32_t *from_no,
                          struct kwh_err *e);
int arrears_carry_in_tx(struct kwh_core *c, struct kwh_customer *cu, int64_t operator_id,
                        int64_t now, unsigned *fields, struct kwh_err *e);

/* Settles op id as done or void with its effects, inside the caller's transaction. */
int settle_in_tx(struct kwh_core *c, int64_t op_id, int state, const char *how, struct kwh_err *e);

/* settle_in_tx in a transaction of its own. */
int settle_op(struct kwh_core *c, int64_t op_id, int state, const char *how, struct kwh_err *e);

/* Settles every pending op on the card whose image is img (read just now). Fills the
 * counts; repairs the card when an interrupted write left it damaged. */
int settle_reconcile(struct kwh_core *c, uint8_t img[KWH_CARD_SIZE], int *done, int *voided,
                     char *notice, size_t notice_len, struct kwh_err *e);

#endif
