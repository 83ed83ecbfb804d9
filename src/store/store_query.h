/* SPDX-License-Identifier: Apache-2.0 */
/* The database side of queries, reports, shifts, backup and restore (src/store). Every
 * function returns 0 or a negative KWH_E* code with the detail in e. */
#ifndef KWHPOS_STORE_QUERY_H
#define KWHPOS_STORE_QUERY_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kwhpos/err.h"
#include "kwhpos/model.h"
#include "store/store.h"

/* --- query.c: accounts (M20) -------------------------------------------------------- */

/* Filters; a NULL text or a false flag is off. Text filters match anywhere. */
struct store_cust_q {
    bool by_no;
    uint32_t customer_no;
    bool by_meter;
    uint32_t meter_no;
    const char *name;
    bool by_tariff;
    int64_t tariff_id;
    const char *address;
    bool by_last_purchase;
    int64_t lp_from, lp_to; /* [from, to) */
    bool include_closed;    /* status closed too; open and refunded always */
    const char *area_path;  /* accounts in this area's subtree ("/1/4/"), or NULL */
    int64_t scope_op;       /* an operator limited to subtrees: only those (0: off) */
    int64_t after_no;       /* keyset paging: customer numbers above this (0: off) */
    int64_t before_no;      /* keyset paging backwards: customer numbers below this, the
                               page read from the highest down (0: off; the page is still
                               returned in ascending order) */
    bool from_end;          /* the page counted from the highest number down (offset from
                               the end), returned in ascending order */
};

int store_customers_count(struct store *s, const struct store_cust_q *q, int64_t *n,
                          struct kwh_err *e);
/* A page in customer-number order; *rows is caller-freed (NULL when empty). */
int store_customers_page(struct store *s, const struct store_cust_q *q, int64_t limit,
                         int64_t offset, struct kwh_customer **rows, size_t *n, struct kwh_err *e);
/* Every match in customer-number order; stops when fn returns non-zero (returned). */
int store_customers_each(struct store *s, const struct store_cust_q *q,
                         int (*fn)(void *ctx, const struct kwh_customer *cu), void *ctx,
                         struct kwh_err *e);

/* --- query.c: the customer search -------------------------------------------------------- */

enum store_search_kind {
    STORE_SEARCH_NUMBER,    /* a customer or meter number, exactly */
    STORE_SEARCH_SUBSTRING, /* 3 characters or more anywhere in name, address, phone, initials */
    STORE_SEARCH_PREFIX,    /* shorter: the start of the name or of its initials */
};

struct store_search_q {
    int kind; /* enum store_search_kind */
    uint32_t number;
    const char *text;
    bool include_closed;
    int64_t scope_op; /* an operator limited to subtrees (0: off) */
    int64_t after_id; /* keyset paging (number and substring): ids above this */
};

/* A page of accounts matching q: by id (number, substring) or by name, then by initials
 * (prefix; each at most limit). Substring: a match (ASCII case folded) in the name,
 * address, phone or initials; SQLite: the FTS5 trigram index customers_fts; PostgreSQL:
 * the 3- and 4-character pieces in customers_gram, read in id order (migrate.c, version
 * 10). The prefixes use the indexes on name and name_py. *rows caller-freed. */
int store_customers_search(struct store *s, const struct store_search_q *q, int64_t limit,
                           struct kwh_customer **rows, size_t *n, struct kwh_err *e);

/* --- anomalies (kwhpos/oversight.h; how each is computed: docs/cli.md) --- */

enum store_anomaly_kind {
    STORE_ANOM_UNLOADED,  /* open accounts whose last purchase, before :before, is not in
                             the meter as far as the counter has seen */
    STORE_ANOM_IDLE,      /* open accounts without a purchase since :before */
    STORE_ANOM_BACKWARDS, /* a meter report with a total lower than the meter's report
                             before it (by the meter's clock) */
    STORE_ANOM_COPY,      /* a card seen in an older state than at its previous read */
    STORE_ANOM_USAGE,     /* energy used per account between its reads in [from, to) */
    STORE_ANOM_PSC,       /* a read that saw the card's PSC error counter below 3 */
};

struct store_anomaly_q {
    int kind;
    int64_t before;        /* UNLOADED, IDLE */
    int64_t from, to;      /* USAGE */
    const char *area_path; /* this area and below (NULL: all) */
    int64_t scope_op;      /* an operator limited to subtrees (0: off) */
};

/* One finding: the account and, per kind, what was seen (see oversight.h). */
struct store_anomaly {
    uint32_t customer_no;
    char name[KWH_TEXT_MAX];
    uint32_t meter_no;
    int64_t area_id;
    int64_t when;
    int64_t a, b, c, d;
};

int store_anomalies(struct store *s, const struct store_anomaly_q *q, struct store_anomaly **rows,
                    size_t *n, struct kwh_err *e);

/* --- query.c: sales (M21) ----------------------------------------------------------- */

/* Settled (done) sales created in [from, to), with optional filters. */
struct store_sale_q {
    int64_t from, to;
    const char *operator_name; /* every operator, deleted ones too, with this name */
    bool by_no;
    uint32_t customer_no;
    bool by_meter;
    uint32_t meter_no;
    const char *name;
    const char *area_path; /* accounts in this area's subtree, or NULL */
    int64_t scope_op;      /* an operator limited to subtrees: only their accounts (0: off) */
};

struct store_sums {
    int64_t n;
    int64_t energy_ckwh, adjust_ckwh, free_ckwh, amount_fen, fee_fen;
    int64_t arrears_fen; /* arrears recovered */
};

/* Called once per (kind, pay method) group, or once with kind = pay = -1 when not
 * grouped (also when nothing matches: all zero). */
typedef int (*store_sums_fn)(void *ctx, int kind, int pay, const struct store_sums *sums);

/* Sums of the matching sales. from_summary: read the hourly summary instead of the sales
 * (q->from and q->to on whole hours, no customer filters; the caller checks). */
int store_sales_sums(struct store *s, const struct store_sale_q *q, bool from_summary, bool grouped,
                     store_sums_fn fn, void *ctx, struct kwh_err *e);
/* The summaries' units: sales_sum's hours (created / 3600), sales_sum_day's UTC days
 * (created / 86400), sales_sum_month's UTC months (since January 1970). */
enum store_sum_unit { STORE_SUM_HOUR, STORE_SUM_DAY, STORE_SUM_MONTH };
/* The rows of a summary over [lo, hi) of its unit, one range scan of its key, each row as
 * it is stored (an operator, kind and payment method of one unit): fn(ctx, unit, kind,
 * pay, sums). opname (NULL: all) keeps one operator's. For reports that add the rows up
 * in C. */
typedef int (*store_unit_fn)(void *ctx, int64_t unit, int kind, int pay,
                             const struct store_sums *sums);
int store_sales_sum_scan(struct store *s, int unit, int64_t lo, int64_t hi, const char *opname,
                         store_unit_fn fn, void *ctx, struct kwh_err *e);
/* A page, oldest first; *rows is caller-freed. */
int store_sales_page(struct store *s, const struct store_sale_q *q, int64_t limit, int64_t offset,
                     struct kwh_sale **rows, size_t *n, struct kwh_err *e);
int store_sales_each(struct store *s, const struct store_sale_q *q,
                     int (*fn)(void *ctx, const struct kwh_sale *sale), void *ctx,
                     struct kwh_err *e);
/* Whether the hourly summary equals the sums recomputed from every sale. */
/* The tiers' and fees' totals of the settled sales q selects, by item and ref (caller
 * frees *out): from the hourly summary over the hours the period touches when q filters by
 * no more than the period and the operator, else from the sales' own lines. */
int store_items_sums(struct store *s, const struct store_sale_q *q, struct kwh_item_total **out,
                     size_t *n, struct kwh_err *e);
int store_sales_sum_verify(struct store *s, bool *ok, struct kwh_err *e);
/* Recomputes the hourly summary from every sale (inside a transaction). */
int store_sales_sum_rebuild(struct store *s, struct kwh_err *e);

/* --- query.c: per area ---------------------------------------------------------------------- */

/* Per area and tariff: the open and refunded accounts and their balance, and what every
 * account of it owes (arrears, closed accounts too): fn(area, tariff, price in force at
 * now, accounts, balance, arrears). */
int store_area_balances(struct store *s, int64_t now,
                        int (*fn)(void *ctx, int64_t area_id, int64_t tariff_id, int64_t price,
                                  int64_t accounts, int64_t balance_ckwh, int64_t arrears_fen),
                        void *ctx, struct kwh_err *e);
/* The settled sales of [from, to) per account area (only operator opname's, unless NULL):
 * fn(area, sums). */
int store_area_sales(struct store *s, int64_t from, int64_t to, const char *opname,
                     int (*fn)(void *ctx, int64_t area_id, const struct store_sums *sums),
                     void *ctx, struct kwh_err *e);

/* --- query.c: events (M22-M25) ------------------------------------------------------ */

struct store_event_q {
    int kind;
    int64_t from, to;
    const char *operator_name;
    const char *area_path; /* accounts in this area's subtree, or NULL */
    int64_t scope_op;      /* an operator limited to subtrees (0: off) */
};

struct store_event_row {
    int64_t id;
    int kind;
    int64_t created;
    uint32_t customer_no;
    char customer_name[KWH_TEXT_MAX];
    uint32_t meter_no;
    char operator_name[KWH_NAME_MAX];
    int64_t fee_fen;
    char before[512];
    char after[512];
};

/* Events that happened (no card write, or its card write done). */
int store_events_count(struct store *s, const struct store_event_q *q, int64_t *n,
                       struct kwh_err *e);
int store_events_page(struct store *s, const struct store_event_q *q, int64_t limit, int64_t offset,
                      struct store_event_row **rows, size_t *n, struct kwh_err *e);

/* --- shift.c: 交班 ------------------------------------------------------------------ */

struct store_shift {
    int64_t id;
    int64_t operator_id;
    int64_t started, ended;
    int64_t after_sale_id; /* the shift holds the operator's sales with id in */
    int64_t last_sale_id;  /* (after_sale_id, last_sale_id] */
    int64_t money_in_fen, money_out_fen, expected_cash_fen, counted_cash_fen;
    int64_t pending;
};

/* An operator's sales: created in [from, to) and id in (after_id, upto_id]. */
struct store_shift_q {
    int64_t operator_id;
    int64_t from, to;
    int64_t after_id, upto_id;
    const char *area_path; /* only the sales of accounts in this subtree (NULL: all) */
};

/* One group of the shift's money: state done or cancelled (both were paid at the time),
 * refund_out: a negative amount (paid out). */
typedef int (*store_shift_fn)(void *ctx, int kind, int pay, bool refund_out,
                              const struct store_sums *sums);

int store_shift_sums(struct store *s, const struct store_shift_q *q, store_shift_fn fn, void *ctx,
                     struct kwh_err *e);
/* The sales replaced by the done sales of kinds (a bit mask, bit k = kind k: the kinds
 * that replace a sale) in the range, grouped by the replacing kind and the replaced
 * sale's payment method. */
int store_shift_returns(struct store *s, const struct store_shift_q *q, int64_t kinds,
                        store_shift_fn fn, void *ctx, struct kwh_err *e);
/* The range's money per fee type, net of what its re-sales (kinds, as above) gave back:
 * one row per fee type (item KWH_ITEM_FEE, ref its id, 0 the card fee; name its name
 * now, else as at the sale), count the fees taken less those given back or reversed;
 * *out caller-freed. */
int store_shift_fees(struct store *s, const struct store_shift_q *q, int64_t kinds,
                     struct kwh_item_total **out, size_t *n, struct kwh_err *e);
/* The range's sales in one state (void or pending), oldest first; *rows caller-freed. */
int store_shift_sales(struct store *s, const struct store_shift_q *q, int state,
                      struct kwh_sale **rows, size_t *n, struct kwh_err *e);
/* The operator's last closed shift (*found false when none). */
int store_shift_last(struct store *s, int64_t operator_id, struct store_shift *out, bool *found,
                     struct kwh_err *e);
int store_shift_get(struct store *s, int64_t id, struct store_shift *out, struct kwh_err *e);
/* Inserts sh (inside a transaction); sets sh->id. */
int store_shift_insert(struct store *s, struct store_shift *sh, struct kwh_err *e);
/* The newest sale id (0 when none). */
int store_sales_max_id(struct store *s, int64_t *id, struct kwh_err *e);
/* The ids of operators with this name, the active one first, then deleted ones newest
 * first (at most max). */
int store_operator_ids(struct store *s, const char *name, int64_t *ids, size_t max, size_t *n,
                       struct kwh_err *e);

/* --- backup.c: M27, M28 ------------------------------------------------------------- */

/* Copies the open database to path (which must not exist) with the online backup API in
 * one pass, so writers on other connections go on; the copy is written under a
 * temporary name of its own, switched out of WAL mode, checked with integrity_check,
 * fsynced and given the name path (KWH_ECONFLICT when path exists, even if it appeared
 * meanwhile). *bytes receives its size. stop (may be NULL): once *stop is set the copy
 * ends at its next step with KWH_EIO, leaving no file. */
int store_backup_to(struct store *s, const char *path, int64_t *bytes,
                    const volatile sig_atomic_t *stop, struct kwh_err *e);

/* PRAGMA integrity_check of the open database: *ok and SQLite's first line. */
int store_integrity(struct store *s, bool *ok, char *msg, size_t n, struct kwh_err *e);
/* A check of the database at path on a connection of its own, which another thread
 * may use: opened here (with the program's group), then PRAGMA integrity_check (full)
 * or quick_check (structure, not index contents) by store_check_run, in any one thread
 * at a time: *ok and SQLite's first complaint. An error only when the file cannot be
 * checked at all. stop (may be NULL): once set, the check ends soon with *ok true
 * (nothing known). */
struct store_check;
/* *out NULL (and 0) for a server database (PostgreSQL): nothing to check there. */
int store_check_open(const char *path, struct store_check **out, struct kwh_err *e);
int store_check_run(struct store_check *k, bool full, const atomic_int *stop, bool *ok, char *msg,
                    size_t n, struct kwh_err *e);
void store_check_close(struct store_check *k); /* accepts NULL */

/* What a database file holds, for a restore's checks. */
struct store_file_info {
    bool sqlite; /* an SQLite database at all */
    bool intact; /* integrity_check ok */
    char integrity[256];
    bool kwhpos; /* has the kwhpos tables and a site secret */
    int version; /* schema version (user_version) */
    uint8_t secret[KWH_SECRET_LEN];
    int64_t accounts;  /* open and refunded accounts */
    int64_t last_sale; /* newest sale's time, 0 when none */
};

/* Inspects the database file at path, opening it read-write: give it a private copy. */
int store_file_inspect(const char *path, struct store_file_info *out, struct kwh_err *e);

/* Replaces the database at db_path with the file new_path (same file system), after
 * making sure no other connection has db_path open (an exclusive lock; KWH_ECONFLICT
 * otherwise). While holding the lock the old database is checkpointed and, when
 * keep_path is not NULL, copied there as it is (unchecked: it may be the damaged one);
 * it leaves WAL mode, and the pages of new_path are copied into it in one atomic
 * transaction. */
int store_replace(const char *db_path, const char *new_path, const char *keep_path,
                  struct kwh_err *e);

/* `kwhpos db copy`: the whole site in from into a new, empty database at target (either
 * backend; store_open's create rules), in one transaction, while no station writes to
 * from; then store_compare. fn (may be NULL) hears each table and its rows. */
typedef void (*store_copy_fn)(void *ctx, const char *table, int64_t rows);
int store_copy(struct store *from, const char *target, store_copy_fn fn, void *ctx,
               struct kwh_err *e);
/* Counts and sums per table, the maintained totals and report summary included, equal in
 * both (KWH_EDB naming the first difference otherwise). */
int store_compare(struct store *a, struct store *b, struct kwh_err *e);

/* Puts the backup copy new_path where target has no database yet: an SQLite copy is
 * renamed into place (the same file system; an existing file or the -wal, -shm or
 * -journal left of one is refused); on PostgreSQL it is restored into the empty database
 * in one transaction. */
int store_install(const char *target, const char *new_path, struct kwh_err *e);

#endif
