/* SPDX-License-Identifier: Apache-2.0 */
/* The database: the only place with SQL (src/store). Speaks domain records.
 *
 * Writers bracket their work with store_begin (BEGIN IMMEDIATE) and store_commit or
 * store_rollback in one visible place in core/. Every function returns 0 or a
 * negative KWH_E* code with the detail in e. */
#ifndef KWHPOS_STORE_H
#define KWHPOS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "kwhpos/err.h"
#include "kwhpos/model.h"

#define STORE_SCHEMA_VERSION 11

struct store;

/* --- db.c ------------------------------------------------------------------------- */

/* Opens (create: makes a new file, refusing an existing one) and migrates. */
int store_open(struct store **out, const char *path, bool create, struct kwh_err *e);
void store_close(struct store *s); /* accepts NULL */
const char *store_path(const struct store *s);
/* Whether SQLite has called the file damaged (SQLITE_CORRUPT, SQLITE_NOTADB) on this
 * connection, including in a backup's check of its copy. */
bool store_damage_seen(const struct store *s);
int store_begin(struct store *s, struct kwh_err *e); /* BEGIN IMMEDIATE */
int store_commit(struct store *s, struct kwh_err *e);
void store_rollback(struct store *s);
bool store_in_tx(const struct store *s);
/* The folder for the site's own files beside its database (backups, private copies):
 * the database file's folder; for a database on a server, /var/lib/kwhpos. */
void store_local_dir(const char *target, char *buf, size_t n);
/* A file of the site's beside its database: DB<suffix> for a database file, and
 * <store_local_dir>/kwhpos-pg<suffix> for a server database. */
void store_side_file(const char *target, const char *suffix, char *buf, size_t n);
/* Whether target holds a database at all: a file there; a server database with any
 * table in it (an empty one is where a site can be created or restored). */
int store_exists(const char *target, bool *exists, struct kwh_err *e);
/* The schema version of the open database. */
int store_schema_version(struct store *s, int *version, struct kwh_err *e);

/* --- settings.c --------------------------------------------------------------------- */

int store_setting_get(struct store *s, const char *key, char *buf, size_t n, bool *found,
                      struct kwh_err *e);
int store_setting_set(struct store *s, const char *key, const char *value, struct kwh_err *e);
int store_setting_delete(struct store *s, const char *key, struct kwh_err *e);
/* Calls fn for each setting whose key starts with prefix, in key order; stops when fn
 * returns non-zero (returned). */
int store_settings_each(struct store *s, const char *prefix,
                        int (*fn)(void *ctx, const char *key, const char *value), void *ctx,
                        struct kwh_err *e);
int store_setting_get_i64(struct store *s, const char *key, int64_t def, int64_t *out,
                          struct kwh_err *e);
int store_setting_set_i64(struct store *s, const char *key, int64_t v, struct kwh_err *e);
int store_secret_get(struct store *s, uint8_t out[KWH_SECRET_LEN], struct kwh_err *e);
int store_secret_set(struct store *s, const uint8_t secret[KWH_SECRET_LEN], struct kwh_err *e);
/* The settings version: a counter every change of the business settings bumps (inside
 * the change's transaction), so a plan compares one integer. */
int store_settings_version(struct store *s, int64_t *out, struct kwh_err *e);
int store_settings_bump(struct store *s, struct kwh_err *e);
/* Whether any card has ever been written by this site. */
int store_cards_issued(struct store *s, bool *out, struct kwh_err *e);

/* --- operators.c -------------------------------------------------------------------- */

int store_operator_add(struct store *s, const char *name, int role, const char *hash,
                       bool must_change, int64_t now, int64_t *id, struct kwh_err *e);
/* Active operator by name; *hash (may be NULL) receives the password hash. */
int store_operator_get(struct store *s, const char *name, struct kwh_operator *out, char *hash,
                       size_t hash_len, struct kwh_err *e);
int store_operator_get_id(struct store *s, int64_t id, struct kwh_operator *out, struct kwh_err *e);
int store_operator_set_hash(struct store *s, int64_t id, const char *hash, bool must_change,
                            struct kwh_err *e);
int store_operator_set_lock(struct store *s, int64_t id, int failed, int lockouts,
                            int64_t locked_until, struct kwh_err *e);
int store_operator_set_role(struct store *s, int64_t id, int role, struct kwh_err *e);
int store_operator_deactivate(struct store *s, int64_t id, int64_t now, struct kwh_err *e);
int store_operator_count_admins(struct store *s, int64_t *n, struct kwh_err *e);
int store_operator_list(struct store *s, struct kwh_operator **out, size_t *n, struct kwh_err *e);

/* --- tariffs.c ---------------------------------------------------------------------- */

/* A tariff's kind (enum kwh_tariff_kind). */
int store_tariff_set_kind(struct store *s, int64_t id, int kind, struct kwh_err *e);
int store_tariff_add(struct store *s, const char *name, int64_t price, int64_t now,
                     int64_t operator_id, int64_t *id, struct kwh_err *e);
/* Tariff id (or named name) with the price version in force at now and the next one
 * scheduled after now (kwh_tariff.next_from). */
int store_tariff_get(struct store *s, int64_t id, int64_t now, struct kwh_tariff *out,
                     struct kwh_err *e);
int store_tariff_find(struct store *s, const char *name, int64_t now, struct kwh_tariff *out,
                      struct kwh_err *e);
int store_tariff_rename(struct store *s, int64_t id, const char *name, struct kwh_err *e);
int store_tariff_set_price(struct store *s, int64_t id, int64_t price, int64_t now,
                           int64_t operator_id, struct kwh_err *e);
/* A new price version of tariff id: t's price (flat), or its period and tiers (the first
 * tier's price is the version's price). */
int store_tariff_set_rates(struct store *s, int64_t id, const struct kwh_tariff *t, int64_t now,
                           int64_t operator_id, struct kwh_err *e);
/* A new tariff whose first price version is t's (store_tariff_set_rates). */
int store_tariff_add_rates(struct store *s, const char *name, const struct kwh_tariff *t,
                           int64_t now, int64_t operator_id, int64_t *id, struct kwh_err *e);
int store_tariff_deactivate(struct store *s, int64_t id, struct kwh_err *e);
int store_tariff_list(struct store *s, int64_t now, struct kwh_tariff **out, size_t *n,
                      struct kwh_err *e);
/* Every price version of tariff id, the latest valid_from first (price_since: from when;
 * a version from after now is scheduled, not yet in force). */
int store_tariff_versions(struct store *s, int64_t id, struct kwh_tariff **out, size_t *n,
                          struct kwh_err *e);

/* --- customers.c -------------------------------------------------------------------- */

/* The next free customer number (another terminal may take it first: the insert then
 * fails with KWH_ECONFLICT and nothing is written). */
int store_customer_next_no(struct store *s, uint32_t *no, struct kwh_err *e);
/* Inserts c (customer_no assigned when 0); sets c->id and c->customer_no. */
int store_customer_insert(struct store *s, struct kwh_customer *c, struct kwh_err *e);
/* The columns of an account, in groups, for store_customer_update. */
#define STORE_CU_PERSON 0x001  /* name, address, phone */
#define STORE_CU_TARIFF 0x002  /* tariff_id */
#define STORE_CU_METER 0x004   /* meter_no, meter_type */
#define STORE_CU_PARAMS 0x008  /* rating, limit, alarm, overdraft, hoard, CT ratio */
#define STORE_CU_STATUS 0x010  /* status */
#define STORE_CU_CARD 0x020    /* card serial and generation */
#define STORE_CU_COUNT 0x040   /* purchase_count */
#define STORE_CU_LOADED 0x080  /* loaded_count */
#define STORE_CU_BALANCE 0x100 /* balance_ckwh */
#define STORE_CU_REPORT 0x200  /* the meter's last report: remaining, when */
#define STORE_CU_CLOSED 0x400  /* closed */
#define STORE_CU_BOUGHT 0x800  /* last_purchase, free_month */
#define STORE_CU_OPENED 0x1000 /* opened */
#define STORE_CU_AREA 0x2000   /* area_id */
#define STORE_CU_MONEY 0x4000  /* period_start, period_ckwh, arrears_fen, fee_month */
#define STORE_CU_TERMS 0x8000  /* tier_extra_ckwh, recovery_mode, recovery_value */
#define STORE_CU_ALL 0xFFFF

/* Writes the column groups `fields` (STORE_CU_*) of c (by c->id), and no other: each
 * column left out is an index page and a trigger not touched. */
int store_customer_update(struct store *s, const struct kwh_customer *c, unsigned fields,
                          struct kwh_err *e);
int store_customer_get(struct store *s, int64_t id, struct kwh_customer *out, struct kwh_err *e);
int store_customer_by_no(struct store *s, uint32_t customer_no, struct kwh_customer *out,
                         struct kwh_err *e);
/* The account (pending, open or refunded) that holds meter_no now. */
int store_customer_by_meter(struct store *s, uint32_t meter_no, struct kwh_customer *out,
                            struct kwh_err *e);
int store_customer_by_serial(struct store *s, const uint8_t serial[CARD_SERIAL_LEN],
                             struct kwh_customer *out, struct kwh_err *e);
/* Fills name_py (the pinyin initials of the name) where it is empty (schema version 7). */
int store_customers_fill_py(struct store *s, struct kwh_err *e);
int store_tariff_in_use(struct store *s, int64_t tariff_id, int64_t *accounts, struct kwh_err *e);

struct store_total {
    int64_t tariff_id;
    int64_t price;
    int64_t accounts;
    int64_t balance_ckwh;
};
/* The maintained totals, one row per tariff. */
int store_totals(struct store *s, int64_t now, struct store_total **out, size_t *n,
                 struct kwh_err *e);

/* --- ops.c: card writes and money movements ------------------------------------------ */

struct store_op {
    int64_t id;
    int kind;
    int state;
    int64_t customer_id; /* 0 for tool cards */
    uint8_t serial[CARD_SERIAL_LEN];
    uint8_t slot[CARD_RECORD_LEN]; /* the record the card shows once done (card_record) */
    uint8_t old_image[KWH_CARD_SIZE];
    uint8_t new_image[KWH_CARD_SIZE];
    int64_t operator_id;
    int64_t created;
    int64_t settled;
    bool has_meter; /* new meter record for meter change / edit */
    struct kwh_meter meter;
    int64_t new_balance_ckwh;      /* meter change: the balance from then on */
    int reissue_consumed;          /* reissue: 1 已消费, 0 未消费 */
    char station[KWH_STATION_MAX]; /* the station that recorded it ("" before version 11) */
};

int store_op_insert(struct store *s, struct store_op *op, struct kwh_err *e);
int store_op_get(struct store *s, int64_t id, struct store_op *out, struct kwh_err *e);
int store_op_set_state(struct store *s, int64_t id, int state, int64_t now, struct kwh_err *e);
/* Pending ops written to the card with this serial, oldest first (at most max). */
int store_ops_pending_for_serial(struct store *s, const uint8_t serial[CARD_SERIAL_LEN],
                                 int64_t *ids, size_t max, size_t *n, struct kwh_err *e);
/* The account's pending ops, oldest first: their number in *n, the first max of their
 * ids in ids (ids may be NULL with max 0). */
int store_ops_pending_for_customer(struct store *s, int64_t customer_id, int64_t *ids, size_t max,
                                   size_t *n, struct kwh_err *e);
/* Marks a pending op as known not to have taken effect (it stays pending until its card
 * is tidied); store_op_not_written reads the mark. */
int store_op_mark_not_written(struct store *s, int64_t id, struct kwh_err *e);
int store_op_not_written(struct store *s, int64_t id, bool *out, struct kwh_err *e);
/* Marks a pending op whose writer saw its bytes reach the card (the outcome unknown, or
 * written but not recorded): only that card settles it, never a blank card read
 * (settle_reconcile); store_op_card_touched reads the mark. An op without either mark
 * lost its writer before it could tell (a kill, a crash). */
int store_op_mark_card_touched(struct store *s, int64_t id, struct kwh_err *e);
int store_op_card_touched(struct store *s, int64_t id, bool *out, struct kwh_err *e);
/* The writer's claim on a card write while it writes the card: taken inside the intent's
 * transaction (before others can see the op), released when the write is over, and
 * dropped by the system when the writing process or its connection dies. Another
 * terminal reading a copy of that card must not settle an op that is still claimed
 * (store_op_busy: claimed by another connection, still after waiting up to 2 seconds for
 * it to finish; one's own claim is not busy). */
int store_op_claim(struct store *s, int64_t id, struct kwh_err *e);
void store_op_release(struct store *s, int64_t id);
int store_op_busy(struct store *s, int64_t id, bool *busy, struct kwh_err *e);
/* Every pending op, oldest first: their number in *n, the first max of their ids in ids. */
int store_ops_pending(struct store *s, int64_t *ids, size_t max, size_t *n, struct kwh_err *e);
/* Whether any card write at all is pending (sales, tool cards, wipes). */
int store_ops_any_pending(struct store *s, bool *any, struct kwh_err *e);
/* The last done op that wrote this customer's card. */
int store_op_last_done_for_customer(struct store *s, int64_t customer_id, struct store_op *out,
                                    struct kwh_err *e);

/* Inserts a sale (money movement); sets sale->id. */
int store_sale_insert(struct store *s, struct kwh_sale *sale, struct kwh_err *e);
int store_sale_get(struct store *s, int64_t id, struct kwh_sale *out, struct kwh_err *e);
/* Sales belonging to an op. */
int store_sales_for_op(struct store *s, int64_t op_id, struct kwh_sale *out, size_t max, size_t *n,
                       struct kwh_err *e);
/* Marks a sale's state; done sales with money get the next invoice number. */
int store_sale_settle(struct store *s, int64_t id, int state, int64_t now, struct kwh_err *e);
/* The customer's last settled sale of one of the kinds (a set: bit k = kind k, see
 * model_op_kinds) with an id below before_id. */
int store_sale_last_of_kinds(struct store *s, int64_t customer_id, int64_t kinds, int64_t before_id,
                             struct kwh_sale *out, struct kwh_err *e);
/* A sale of payment method pay with reference ref, pending or done, other than sale
 * except (KWH_ENOTFOUND when none). */
int store_sale_by_ref(struct store *s, int pay, const char *ref, int64_t except,
                      struct kwh_sale *out, struct kwh_err *e);

/* 冲正: the settled entries linked to sale sale_id (its reversal and correction): how
 * many, the sum of their energy money, the first one's invoice number. */
int store_sale_reversed(struct store *s, int64_t sale_id, int64_t *n, int64_t *amount_fen,
                        int64_t *invoice_no, struct kwh_err *e);

/* --- money.c: fee types, arrears, reversals ------------------------------------------ */

/* The active fee types (per sale, monthly), by id. */
int store_fee_list(struct store *s, struct kwh_fee_type **out, size_t *n, struct kwh_err *e);
int store_fee_get(struct store *s, int64_t id, struct kwh_fee_type *out, struct kwh_err *e);
int store_fee_find(struct store *s, const char *name, struct kwh_fee_type *out, struct kwh_err *e);
int store_fee_add(struct store *s, const struct kwh_fee_type *f, int64_t now, int64_t *id,
                  struct kwh_err *e);
int store_fee_update(struct store *s, const struct kwh_fee_type *f, struct kwh_err *e);
int store_fee_deactivate(struct store *s, int64_t id, struct kwh_err *e);
/* An arrears entry (entered > 0, waived < 0) of an account. */
int store_arrears_insert(struct store *s, int64_t customer_id, int64_t fen, const char *reason,
                         int64_t operator_id, int64_t now, struct kwh_err *e);
/* The closed accounts on meter number meter_no (but except_id) that still owe arrears,
 * oldest first: what a new account on that meter takes over (docs/units.md). */
int store_arrears_on_meter(struct store *s, uint32_t meter_no, int64_t except_id,
                           struct kwh_customer **out, size_t *n, struct kwh_err *e);
/* The accounts that owe arrears (closed ones too), most owed first. */
int store_arrears_accounts(struct store *s, struct kwh_customer **out, size_t *n,
                           struct kwh_err *e);
/* The account's entries and its sales with arrears, oldest first. */
int store_arrears_history(struct store *s, int64_t customer_id, struct kwh_arrears_line **out,
                          size_t *n, struct kwh_err *e);

/* All pending sales with customer details. */
int store_sales_pending(struct store *s, struct kwh_sale **out, size_t *n, struct kwh_err *e);

/* --- events.c: transfers, closings, reissues, meter changes -------------------------- */

struct store_event {
    int64_t id;
    int kind; /* KWH_OP_* (TRANSFER uses 0 and a text detail) */
    int64_t customer_id;
    int64_t op_id; /* card write, when there is one */
    int64_t operator_id;
    int64_t created;
    char before[512]; /* key=value text, for people and the audit */
    char after[512];
};
#define STORE_EV_TRANSFER 101
#define STORE_EV_CLOSE 102

int store_event_insert(struct store *s, struct store_event *ev, struct kwh_err *e);

/* --- areas.c: the area tree, the operators' scope, the card blacklist ------------------- */

struct store_area {
    int64_t id;
    int64_t parent_id; /* 0: the root */
    char name[KWH_NAME_MAX];
    char path[512]; /* "/1/4/9/": the ids from the root */
};

/* Every area in path order (a parent before its subtree); *out caller-freed. */
int store_areas(struct store *s, struct store_area **out, size_t *n, struct kwh_err *e);
int store_area_get(struct store *s, int64_t id, struct store_area *out, struct kwh_err *e);
int store_area_root(struct store *s, struct store_area *out, struct kwh_err *e);
/* The child of parent named name. */
int store_area_child(struct store *s, int64_t parent, const char *name, struct store_area *out,
                     struct kwh_err *e);
/* Inserts a child of parent (its path made from the parent's); sets *id. KWH_ECONFLICT
 * when parent has a child of that name. */
int store_area_insert(struct store *s, int64_t parent, const char *name, int64_t now, int64_t *id,
                      struct kwh_err *e);
int store_area_rename(struct store *s, int64_t id, const char *name, struct kwh_err *e);
/* Moves id under parent: its path and every path below it. */
int store_area_move(struct store *s, int64_t id, int64_t parent, struct kwh_err *e);
int store_area_delete(struct store *s, int64_t id, struct kwh_err *e);
/* What hangs on an area: accounts (any status) in its subtree, child areas, scopes. */
int store_area_usage(struct store *s, int64_t id, int64_t *accounts, int64_t *children,
                     int64_t *scopes, struct kwh_err *e);
/* Open and refunded accounts in each area's subtree, for the list: fn per area. */
int store_area_counts(struct store *s, int (*fn)(void *ctx, int64_t area_id, int64_t n), void *ctx,
                      struct kwh_err *e);

/* The subtrees operator_id is limited to (none: unrestricted). */
int store_scope_get(struct store *s, int64_t operator_id, int64_t *areas, size_t max, size_t *n,
                    struct kwh_err *e);
int store_scope_set(struct store *s, int64_t operator_id, const int64_t *areas, size_t n,
                    struct kwh_err *e);
/* Whether area_id lies within the scope of operator_id (always, when unrestricted). */
int store_scope_allows(struct store *s, int64_t operator_id, int64_t area_id, bool *ok,
                       struct kwh_err *e);

struct store_card_mark {
    uint8_t serial[CARD_SERIAL_LEN];
    int64_t customer_id;
    int reason;
    int64_t marked, replaced;
    int64_t operator_id;
    int64_t attempts, last_attempt;
    uint32_t customer_no;
    char customer_name[KWH_TEXT_MAX];
    char operator_name[KWH_NAME_MAX];
    int64_t area_id;
};

/* Marks a card (upsert): a reissue's replacement keeps an earlier "lost" and adds when it
 * was replaced. */
int store_card_mark_put(struct store *s, const uint8_t serial[CARD_SERIAL_LEN], int64_t customer_id,
                        int reason, int64_t now, int64_t operator_id, struct kwh_err *e);
/* The mark of serial (KWH_ENOTFOUND: none). */
int store_card_mark_get(struct store *s, const uint8_t serial[CARD_SERIAL_LEN],
                        struct store_card_mark *out, struct kwh_err *e);
/* Counts a refused presentation of a marked card. */
/* What a read at the counter saw on a card (for the anomaly reports): ret_meter 0 when
 * the card had no valid meter report; psc_tries -1 when not read. */
struct store_seen {
    uint8_t serial[CARD_SERIAL_LEN];
    int64_t customer_id; /* 0: no account */
    int64_t seen;
    int purchase_count, generation;
    uint8_t slot[CARD_RECORD_LEN];
    uint32_t ret_meter;
    int ret_count;
    int64_t ret_time, ret_used, ret_bought;
    int ret_display;
    int psc_tries;
    int64_t operator_id;
};
int store_card_seen_add(struct store *s, const struct store_seen *r, struct kwh_err *e);
int store_card_mark_attempt(struct store *s, const uint8_t serial[CARD_SERIAL_LEN], int64_t now,
                            struct kwh_err *e);
int store_card_mark_delete(struct store *s, const uint8_t serial[CARD_SERIAL_LEN],
                           struct kwh_err *e);
/* Every mark, newest first, with its account; *out caller-freed. */
int store_card_marks(struct store *s, struct store_card_mark **out, size_t *n, struct kwh_err *e);

/* --- audit.c ------------------------------------------------------------------------ */

struct store_audit {
    int64_t id;
    int64_t ts;
    char operator_name[KWH_NAME_MAX];
    char op[32];
    char subject[128];
    char before[1024];
    char after[1024];
    uint8_t hash[32];
};

int store_audit_last_hash(struct store *s, int64_t *last_id, uint8_t hash[32], struct kwh_err *e);
int store_audit_insert(struct store *s, const struct store_audit *a, struct kwh_err *e);
/* Calls fn for each record in id order; stops when fn returns non-zero (returned). */
int store_audit_each(struct store *s, int (*fn)(void *ctx, const struct store_audit *a), void *ctx,
                     struct kwh_err *e);
/* The hash of record id; *found false when there is none. */
int store_audit_hash(struct store *s, int64_t id, uint8_t hash[32], bool *found, struct kwh_err *e);
/* The newest record of operation op whose subject starts with subject_prefix: its id (0
 * when none) and hash. */
int store_audit_find(struct store *s, const char *op, const char *subject_prefix, int64_t *id,
                     uint8_t hash[32], struct kwh_err *e);

/* --- recon.c: 对账 and 冲正 requests ------------------------------------------------ */

/* The sales by payment method pay made in [from, to) that took or paid out money (the
 * negative entry of a reversal left out), oldest first; *out caller-freed. */
int store_recon_ledger(struct store *s, int pay, int64_t from, int64_t to,
                       struct kwh_ledger_entry **out, size_t *n, struct kwh_err *e);
/* The same for the sales with reference ref, whenever made. */
int store_recon_ref(struct store *s, int pay, const char *ref, struct kwh_ledger_entry **out,
                    size_t *n, struct kwh_err *e);
/* A waiting request (r: sale_id, reason, the correction, requested_by, requested);
 * KWH_ECONFLICT when one for the sale is waiting or approved already. */
int store_revreq_insert(struct store *s, const struct kwh_reversal_request *r, int64_t *id,
                        struct kwh_err *e);
/* The waiting requests (all: every one), of operator requested_by (0: anyone's), on the
 * accounts in the subtrees operator scope_op is limited to (0: every account), oldest
 * first; *out caller-freed. */
int store_revreq_list(struct store *s, bool all, int64_t requested_by, int64_t scope_op,
                      struct kwh_reversal_request **out, size_t *n, struct kwh_err *e);
int store_revreq_get(struct store *s, int64_t id, struct kwh_reversal_request *out,
                     struct kwh_err *e);
/* Decides waiting request id (KWH_ECONFLICT when it is not waiting any more). */
int store_revreq_decide(struct store *s, int64_t id, int state, int64_t decided_by, int64_t now,
                        int64_t reversal_id, struct kwh_err *e);

#endif
