/* SPDX-License-Identifier: Apache-2.0 */
/* The money rules of commercial vending in the core (docs/units.md): fee types, arrears
 * and their recovery, reversals (冲正) with a second person's approval, and the
 * reconciliation of a payment provider's statement with the ledger. Tiered tariffs are
 * tariffs (core.h: tariff_add_tiers); a sale's tiers, fees and arrears are part of its
 * plan (plan.h). */
#ifndef KWHPOS_MONEY_H
#define KWHPOS_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kwhpos/err.h"
#include "kwhpos/model.h"

struct kwh_core;

/* --- fee types (费用设置) ------------------------------------------------------------- */

const char *fee_kind_name(int kind);  /* "card", "sale", "monthly" */
const char *fee_kind_label(int kind); /* translated */
int fee_kind_parse(const char *s);    /* -> enum kwh_fee_kind, or -1 */

int fee_list(struct kwh_core *c, struct kwh_fee_type **out, size_t *n, struct kwh_err *e);
/* Admin. A new fee changes what every account owes from then on: plans made before are
 * refused at commit (the settings version). */
int fee_add(struct kwh_core *c, const struct kwh_session *s, const char *name, int kind,
            int64_t amount_fen, int64_t *id, struct kwh_err *e);
int fee_update(struct kwh_core *c, const struct kwh_session *s, int64_t id, const char *name,
               int64_t amount_fen, struct kwh_err *e);
int fee_delete(struct kwh_core *c, const struct kwh_session *s, int64_t id, struct kwh_err *e);
/* The fee type by name or id text. */
int fee_find(struct kwh_core *c, const char *name_or_id, struct kwh_fee_type *out,
             struct kwh_err *e);

/* --- arrears (欠费) -------------------------------------------------------------------- */

/* How arrears are recovered: the site's rule, or an account's own (recovery_mode). */
struct kwh_recovery_rule {
    int mode;      /* enum kwh_recovery (SITE only for an account: use the site's) */
    int64_t value; /* fen (fixed) or percent 1..100 (percentage) */
};
int arrears_site_rule(struct kwh_core *c, struct kwh_recovery_rule *out, struct kwh_err *e);
int arrears_set_site_rule(struct kwh_core *c, const struct kwh_session *s,
                          const struct kwh_recovery_rule *r, struct kwh_err *e);
int arrears_set_account_rule(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                             const struct kwh_recovery_rule *r, struct kwh_err *e);

/* Admin: an old debt entered (fen > 0) or waived (fen < 0, at most what is owed), with a
 * reason; the audit log keeps it. */
int arrears_add(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no, int64_t fen,
                const char *reason, struct kwh_err *e);
/* The account's debts and recoveries, oldest first (caller frees *out). */
int arrears_history(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                    struct kwh_arrears_line **out, size_t *n, struct kwh_err *e);

/* 欠费 of the site: the accounts that owe arrears within the operator's scope (closed
 * ones too: their debt stays), most owed first (caller frees *out); *total_fen what they
 * owe together. */
int arrears_accounts(struct kwh_core *c, const struct kwh_session *s, struct kwh_customer **out,
                     size_t *n, int64_t *total_fen, struct kwh_err *e);

/* Admin: an account's extra first-tier allowance (large households), kWh per period. */
int account_set_tier_extra(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                           int64_t ckwh, struct kwh_err *e);

#endif
