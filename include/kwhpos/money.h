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

#include "kwhpos/csv.h"
#include "kwhpos/err.h"
#include "kwhpos/model.h"
#include "kwhpos/plan.h"

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

/* --- 冲正 requests approved later ------------------------------------------------------ */

/* Operator s asks for reversal r (plan.h), to be decided later by an administrator: the
 * reversal's rules are checked now (reversal_plan) and again at approval; one request
 * per sale waits at a time. The audit keeps it. *id: the request's number. */
int reversal_request(struct kwh_core *c, const struct kwh_session *s,
                     const struct kwh_reversal_req *r, int64_t *id, struct kwh_err *e);
/* The waiting requests (all: decided ones too), oldest first; *out caller-freed. */
int reversal_requests(struct kwh_core *c, const struct kwh_session *s, bool all,
                      struct kwh_reversal_request **out, size_t *n, struct kwh_err *e);
/* Administrator s, another person than the requester, approves request id: the reversal
 * is planned as the requester asked, with the world as it is now, and committed in their
 * name with s as the approver (the audit names both), the request marked approved in the
 * same transaction. password: s's own, checked again (NULL when s logged in for this
 * alone, as the command line does). rec (may be NULL): the reversal's entry. */
int reversal_request_approve(struct kwh_core *c, const struct kwh_session *s, int64_t id,
                             const char *password, struct kwh_receipt *rec, struct kwh_err *e);
/* Administrator s rejects request id with a reason (the audit keeps it). */
int reversal_request_reject(struct kwh_core *c, const struct kwh_session *s, int64_t id,
                            const char *reason, struct kwh_err *e);
const char *reversal_request_state_name(int state); /* "waiting", "approved", "rejected" */

/* --- statement reconciliation (对账) ------------------------------------------------ */

/* One payment of a provider's statement. */
struct kwh_statement_line {
    int64_t line; /* its line in the file, from 1 */
    int64_t time; /* seconds since the epoch (the time as written, local) */
    char ref[KWH_REF_MAX];
    int64_t fen; /* negative: money paid back */
};
struct kwh_statement {
    int pay; /* enum kwh_pay */
    struct kwh_statement_line *lines;
    size_t n;
    int64_t first, last; /* the earliest and latest time (0 when n == 0) */
};
#define KWH_STMT_LINE_MAX 4096          /* bytes in one line of a statement file */
#define KWH_STMT_FILE_MAX (64 << 20)    /* bytes in a statement file */
#define KWH_STMT_MAX_FEN 100000000000LL /* one line's amount: at most 1 000 000 000.00 */

/* Parses a statement of payment method pay laid out as m. Refused, naming the line: a NUL
 * byte, text that is not UTF-8 (after conversion from GB18030 where m says so), a line
 * longer than KWH_STMT_LINE_MAX, a missing column, a bad time, amount or reference;
 * and a method without statements (cash, other). Nothing is kept on failure. *out is
 * released with statement_fini. */
int statement_parse(int pay, const struct kwh_stmt_map *m, const char *data, size_t len,
                    struct kwh_statement *out, struct kwh_err *e);
/* statement_parse of the file at path (a pipe too). */
int statement_load(int pay, const struct kwh_stmt_map *m, const char *path,
                   struct kwh_statement *out, struct kwh_err *e);
void statement_fini(struct kwh_statement *s); /* accepts a zeroed struct */
/* The payment methods with statements: "wechat", "alipay", "card", "transfer" -> enum
 * kwh_pay, or -1. */
int statement_method_parse(const char *name);

/* The four groups of a reconciliation. */
enum kwh_recon_group {
    KWH_RECON_MATCHED = 0,        /* the same reference and amount on both sides */
    KWH_RECON_STATEMENT_ONLY = 1, /* in the statement, not in the ledger */
    KWH_RECON_LEDGER_ONLY = 2,    /* in the ledger (for the dates), not in the statement */
    KWH_RECON_DIFFER = 3,         /* on both sides, the amounts differ */
};
#define KWH_RECON_GROUPS 4
const char *recon_group_name(int group);  /* "matched", "statement-only", ... */
const char *recon_group_label(int group); /* translated */

/* One line of the result: a reference (statement lines and ledger entries summed). */
struct kwh_recon_row {
    int group;
    char ref[KWH_REF_MAX];
    int64_t line; /* the statement's first line with it; 0: none */
    int nlines;   /* statement lines with it */
    int64_t time; /* the statement's time, else the ledger's */
    int64_t stmt_fen, ledger_fen;
    int64_t invoice_no; /* the ledger's first invoice with it; 0: none */
    uint32_t customer_no;
    int nentries;  /* ledger entries with it */
    bool reversed; /* one of them was reversed (its money counts 0) */
};
struct kwh_recon {
    int pay;
    int64_t from, to;           /* the ledger's dates: [from, to) */
    struct kwh_recon_row *rows; /* by group, then time */
    size_t n;
    int64_t count[KWH_RECON_GROUPS];
    int64_t stmt_fen[KWH_RECON_GROUPS], ledger_fen[KWH_RECON_GROUPS];
};

/* Matches statement st against ledger entries (model.h; pure: no database). Rows are grouped by
 * reference; a reversed entry's money counts 0; the ledger's entries outside the range
 * are matched but never listed as missing from the statement; entries without a
 * reference are listed as missing (they cannot be matched). */
int recon_match(const struct kwh_statement *st, const struct kwh_ledger_entry *ledger, size_t n,
                struct kwh_recon *out, struct kwh_err *e);
/* Reconciles st with the ledger of its method over [from, to) (0, 0: the statement's
 * days, local midnight to midnight; an empty statement needs the dates). Reads only. Any
 * operator. */
int recon_run(struct kwh_core *c, const struct kwh_session *s, const struct kwh_statement *st,
              int64_t from, int64_t to, struct kwh_recon *out, struct kwh_err *e);
void recon_fini(struct kwh_recon *r); /* accepts a zeroed struct */
/* Whether anything differs (a group other than matched is not empty). */
bool recon_differs(const struct kwh_recon *r);

#endif
