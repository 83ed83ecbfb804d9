/* SPDX-License-Identifier: Apache-2.0 */
/* The schema, as a list of migrations. Portable SQL: integer and text columns,
 * times as integer Unix seconds, no reliance on loose typing (see DESIGN.md). */
#include "store/migrate.h"

#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

#include "kwhpos/util.h"
#include "store/store_query.h"
#include "store/sql.h"

/* Version 1: the whole ledger. */
static const char v1[] =
    "CREATE TABLE settings ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ");"
    "CREATE TABLE operators ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  role INTEGER NOT NULL CHECK (role IN (1, 2)),"
    "  pw_hash TEXT NOT NULL,"
    "  must_change INTEGER NOT NULL DEFAULT 0,"
    "  failed INTEGER NOT NULL DEFAULT 0,"
    "  lockouts INTEGER NOT NULL DEFAULT 0,"
    "  locked_until INTEGER NOT NULL DEFAULT 0,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created INTEGER NOT NULL,"
    "  deleted INTEGER"
    ");"
    "CREATE UNIQUE INDEX operators_name ON operators(name) WHERE active = 1;"
    "CREATE TABLE tariffs ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created INTEGER NOT NULL"
    ");"
    "CREATE UNIQUE INDEX tariffs_name ON tariffs(name) WHERE active = 1;"
    "CREATE TABLE tariff_prices ("
    "  id INTEGER PRIMARY KEY,"
    "  tariff_id INTEGER NOT NULL REFERENCES tariffs(id),"
    "  price INTEGER NOT NULL CHECK (price > 0),"
    "  valid_from INTEGER NOT NULL,"
    "  operator_id INTEGER REFERENCES operators(id)"
    ");"
    "CREATE INDEX tariff_prices_tariff ON tariff_prices(tariff_id, id);"
    "CREATE TABLE customers ("
    "  id INTEGER PRIMARY KEY,"
    "  customer_no INTEGER NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  address TEXT NOT NULL DEFAULT '',"
    "  phone TEXT NOT NULL DEFAULT '',"
    "  meter_no INTEGER NOT NULL CHECK (meter_no BETWEEN 0 AND 99999999),"
    "  meter_type INTEGER NOT NULL CHECK (meter_type IN (1, 2, 3)),"
    "  rating_a INTEGER NOT NULL,"
    "  current_limit_a INTEGER NOT NULL,"
    "  alarm_ckwh INTEGER NOT NULL,"
    "  overdraft_ckwh INTEGER NOT NULL,"
    "  hoard_ckwh INTEGER NOT NULL,"
    "  ct_ratio INTEGER NOT NULL DEFAULT 1,"
    "  tariff_id INTEGER NOT NULL REFERENCES tariffs(id),"
    "  status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 4),"
    "  card_serial BLOB,"
    "  card_gen INTEGER NOT NULL DEFAULT 0,"
    "  purchase_count INTEGER NOT NULL DEFAULT 0,"
    "  loaded_count INTEGER NOT NULL DEFAULT 0,"
    "  balance_ckwh INTEGER NOT NULL DEFAULT 0,"
    "  reported_remaining_ckwh INTEGER NOT NULL DEFAULT 0,"
    "  reported_at INTEGER NOT NULL DEFAULT 0,"
    "  opened INTEGER NOT NULL,"
    "  closed INTEGER NOT NULL DEFAULT 0,"
    "  last_purchase INTEGER NOT NULL DEFAULT 0,"
    "  free_month INTEGER NOT NULL DEFAULT 0"
    ");"
    /* a meter number belongs to one live account at a time */
    "CREATE UNIQUE INDEX customers_meter_live ON customers(meter_no) WHERE status IN (0, 1, 2);"
    "CREATE INDEX customers_meter ON customers(meter_no);"
    "CREATE INDEX customers_name ON customers(name);"
    "CREATE INDEX customers_serial ON customers(card_serial);"
    "CREATE INDEX customers_tariff ON customers(tariff_id, status);"
    "CREATE INDEX customers_last_purchase ON customers(last_purchase);"
    /* maintained totals for M26: one row per tariff, kept by triggers */
    "CREATE TABLE totals ("
    "  tariff_id INTEGER PRIMARY KEY REFERENCES tariffs(id),"
    "  accounts INTEGER NOT NULL DEFAULT 0,"
    "  balance_ckwh INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE TRIGGER tariffs_totals AFTER INSERT ON tariffs BEGIN"
    "  INSERT INTO totals (tariff_id) VALUES (NEW.id);"
    "END;"
    "CREATE TRIGGER customers_totals_ins AFTER INSERT ON customers"
    "  WHEN NEW.status IN (1, 2) BEGIN"
    "  UPDATE totals SET accounts = accounts + 1, balance_ckwh = balance_ckwh + "
    "NEW.balance_ckwh WHERE tariff_id = NEW.tariff_id;"
    "END;"
    "CREATE TRIGGER customers_totals_upd AFTER UPDATE OF status, balance_ckwh, tariff_id "
    "ON customers BEGIN"
    "  UPDATE totals SET accounts = accounts - 1, balance_ckwh = balance_ckwh - "
    "OLD.balance_ckwh WHERE tariff_id = OLD.tariff_id AND OLD.status IN (1, 2);"
    "  UPDATE totals SET accounts = accounts + 1, balance_ckwh = balance_ckwh + "
    "NEW.balance_ckwh WHERE tariff_id = NEW.tariff_id AND NEW.status IN (1, 2);"
    "END;"
    "CREATE TRIGGER customers_totals_del AFTER DELETE ON customers"
    "  WHEN OLD.status IN (1, 2) BEGIN"
    "  UPDATE totals SET accounts = accounts - 1, balance_ckwh = balance_ckwh - "
    "OLD.balance_ckwh WHERE tariff_id = OLD.tariff_id;"
    "END;"
    /* every card write: the intent before the card is touched, settled after */
    "CREATE TABLE card_ops ("
    "  id INTEGER PRIMARY KEY,"
    "  kind INTEGER NOT NULL,"
    "  state INTEGER NOT NULL CHECK (state IN (0, 1, 2)),"
    "  customer_id INTEGER REFERENCES customers(id),"
    "  card_serial BLOB NOT NULL,"
    "  slot BLOB NOT NULL,"
    "  old_image BLOB NOT NULL,"
    "  new_image BLOB NOT NULL,"
    "  operator_id INTEGER NOT NULL REFERENCES operators(id),"
    "  created INTEGER NOT NULL,"
    "  settled INTEGER NOT NULL DEFAULT 0,"
    "  meter_no INTEGER, meter_type INTEGER, rating_a INTEGER, current_limit_a INTEGER,"
    "  alarm_ckwh INTEGER, overdraft_ckwh INTEGER, hoard_ckwh INTEGER, ct_ratio INTEGER,"
    "  new_balance_ckwh INTEGER,"
    "  reissue_consumed INTEGER"
    ");"
    "CREATE INDEX card_ops_pending ON card_ops(card_serial) WHERE state = 0;"
    "CREATE INDEX card_ops_customer ON card_ops(customer_id, id);"
    /* money movements: sales, re-sales, reissue fees, refunds */
    "CREATE TABLE sales ("
    "  id INTEGER PRIMARY KEY,"
    "  op_id INTEGER REFERENCES card_ops(id),"
    "  kind INTEGER NOT NULL,"
    "  state INTEGER NOT NULL CHECK (state IN (0, 1, 2, 3)),"
    "  customer_id INTEGER NOT NULL REFERENCES customers(id),"
    "  meter_no INTEGER NOT NULL,"
    "  purchase_count INTEGER NOT NULL,"
    "  energy_ckwh INTEGER NOT NULL,"
    "  adjust_ckwh INTEGER NOT NULL DEFAULT 0,"
    "  free_ckwh INTEGER NOT NULL DEFAULT 0,"
    "  price INTEGER NOT NULL,"
    "  tariff_id INTEGER NOT NULL REFERENCES tariffs(id),"
    "  amount_fen INTEGER NOT NULL,"
    "  fee_fen INTEGER NOT NULL DEFAULT 0,"
    "  pay_method INTEGER NOT NULL DEFAULT 0 CHECK (pay_method BETWEEN 0 AND 4),"
    "  by_amount INTEGER NOT NULL DEFAULT 0,"
    "  operator_id INTEGER NOT NULL REFERENCES operators(id),"
    "  created INTEGER NOT NULL,"
    "  settled INTEGER NOT NULL DEFAULT 0,"
    "  replaces_id INTEGER REFERENCES sales(id),"
    "  invoice_no INTEGER UNIQUE,"
    "  reprints INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX sales_created ON sales(created);"
    "CREATE INDEX sales_customer ON sales(customer_id, id);"
    "CREATE INDEX sales_op ON sales(op_id);"
    "CREATE INDEX sales_operator ON sales(operator_id, created);"
    "CREATE INDEX sales_pending ON sales(id) WHERE state = 0;"
    /* transfers, closings, reissues, meter changes (M22-M25) */
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY,"
    "  kind INTEGER NOT NULL,"
    "  customer_id INTEGER NOT NULL REFERENCES customers(id),"
    "  op_id INTEGER REFERENCES card_ops(id),"
    "  operator_id INTEGER NOT NULL REFERENCES operators(id),"
    "  created INTEGER NOT NULL,"
    "  before TEXT NOT NULL,"
    "  after TEXT NOT NULL"
    ");"
    "CREATE INDEX events_kind ON events(kind, created);"
    /* the tamper-evident log */
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  ts INTEGER NOT NULL,"
    "  operator TEXT NOT NULL,"
    "  op TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  before TEXT NOT NULL,"
    "  after TEXT NOT NULL,"
    "  hash BLOB NOT NULL"
    ");";

/* Version 2: when an invoice first left the program (printed or written to a file), so
 * that every later copy is a counted 补打 (docs/printing.md). */
static const char v2[] = "ALTER TABLE sales ADD COLUMN printed INTEGER NOT NULL DEFAULT 0;";

/* Version 3: the reports. sales_sum keeps, per hour (created / 3600), operator, kind and
 * payment method, the totals of the settled (done) sales, maintained by triggers in the
 * same transaction as the sales themselves: a day or a month of a large site is then a
 * few thousand rows instead of a scan of every sale. Local days start on a whole hour in
 * all but a few time zones; core/ falls back to scanning sales when a bound is not on
 * the hour. shifts records each 交班 (shift close) with the clerk's blind count. It can
 * run again over its own tables (the summary is rebuilt from the sales), so a database
 * whose version number was set back migrates cleanly. */
#define SUM_COLS "n, energy_ckwh, adjust_ckwh, free_ckwh, amount_fen, fee_fen"
#define SUM_KEY "hour, operator_id, kind, pay_method"
#define SUM_UPSERT(row, sign)                                                                      \
    "INSERT INTO sales_sum (" SUM_KEY ", " SUM_COLS ") VALUES (" row ".created / 3600, " row       \
    ".operator_id, " row ".kind, " row ".pay_method, " sign "1, " sign row                         \
    ".energy_ckwh, " sign row ".adjust_ckwh, " sign row ".free_ckwh, " sign row                    \
    ".amount_fen, " sign row ".fee_fen) ON CONFLICT (" SUM_KEY ") DO UPDATE SET "                  \
    "n = n + excluded.n, energy_ckwh = energy_ckwh + excluded.energy_ckwh, "                       \
    "adjust_ckwh = adjust_ckwh + excluded.adjust_ckwh, free_ckwh = free_ckwh + "                   \
    "excluded.free_ckwh, amount_fen = amount_fen + excluded.amount_fen, fee_fen = "                \
    "fee_fen + excluded.fee_fen;"
#define SUM_WATCHED                                                                                \
    "state, kind, operator_id, pay_method, created, energy_ckwh, adjust_ckwh, free_ckwh, "         \
    "amount_fen, fee_fen"

static const char v3[] =
    "CREATE TABLE IF NOT EXISTS sales_sum ("
    "  hour INTEGER NOT NULL,"
    "  operator_id INTEGER NOT NULL,"
    "  kind INTEGER NOT NULL,"
    "  pay_method INTEGER NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  energy_ckwh INTEGER NOT NULL,"
    "  adjust_ckwh INTEGER NOT NULL,"
    "  free_ckwh INTEGER NOT NULL,"
    "  amount_fen INTEGER NOT NULL,"
    "  fee_fen INTEGER NOT NULL,"
    "  PRIMARY KEY (" SUM_KEY ")"
    ") WITHOUT ROWID;"
    "DELETE FROM sales_sum;"
    "INSERT INTO sales_sum (" SUM_KEY ", " SUM_COLS ") SELECT created / 3600, operator_id, "
    "kind, pay_method, count(*), sum(energy_ckwh), sum(adjust_ckwh), sum(free_ckwh), "
    "sum(amount_fen), sum(fee_fen) FROM sales WHERE state = 1 GROUP BY 1, 2, 3, 4;"
    "CREATE TRIGGER IF NOT EXISTS sales_sum_ins AFTER INSERT ON sales WHEN NEW.state = 1 "
    "BEGIN " SUM_UPSERT(
        "NEW",
        "") " END;"
            "CREATE TRIGGER IF NOT EXISTS sales_sum_upd_old AFTER UPDATE OF " SUM_WATCHED
            " ON sales "
            "WHEN OLD.state = 1 BEGIN " SUM_UPSERT(
                "OLD",
                "-") " END;"
                     "CREATE TRIGGER IF NOT EXISTS sales_sum_upd_new AFTER UPDATE OF " SUM_WATCHED
                     " ON sales "
                     "WHEN NEW.state = 1 BEGIN " SUM_UPSERT(
                         "NEW",
                         "") " END;"
                             "CREATE TRIGGER IF NOT EXISTS sales_sum_del AFTER DELETE ON sales "
                             "WHEN OLD.state = 1 BEGIN " SUM_UPSERT(
                                 "OLD",
                                 "-") " END;"
                                      "CREATE TABLE IF NOT EXISTS shifts ("
                                      "  id INTEGER PRIMARY KEY,"
                                      "  operator_id INTEGER NOT NULL REFERENCES operators(id),"
                                      "  started INTEGER NOT NULL,"
                                      "  ended INTEGER NOT NULL,"
                                      "  after_sale_id INTEGER NOT NULL,"
                                      "  last_sale_id INTEGER NOT NULL,"
                                      "  money_in_fen INTEGER NOT NULL,"
                                      "  money_out_fen INTEGER NOT NULL,"
                                      "  expected_cash_fen INTEGER NOT NULL,"
                                      "  counted_cash_fen INTEGER NOT NULL,"
                                      "  pending INTEGER NOT NULL"
                                      ");"
                                      "CREATE INDEX IF NOT EXISTS shifts_operator ON "
                                      "shifts(operator_id, id);"
                                      "CREATE INDEX IF NOT EXISTS events_operator ON "
                                      "events(operator_id, created);";

/* Version 4: what an invoice names is kept with the sale, so a reprint after a transfer
 * or a tariff rename shows what the customer was sold under. */
static const char v4[] = "ALTER TABLE sales ADD COLUMN customer_name TEXT;"
                         "ALTER TABLE sales ADD COLUMN customer_address TEXT;"
                         "ALTER TABLE sales ADD COLUMN customer_phone TEXT;"
                         "ALTER TABLE sales ADD COLUMN tariff_name TEXT;";

/* Version 5: a pending write known not to have taken effect (the commit byte never
 * changed, but the card was gone before its half-written record could be put back): a
 * reissue cancels it instead of taking it over. */
static const char v5[] = "ALTER TABLE card_ops ADD COLUMN not_written INTEGER NOT NULL DEFAULT 0;";

/* Version 6: the money rules of commercial vending (docs/units.md).
 * - tariff_tiers: a price version's tiers (阶梯电价): up to 5, each an upper bound in the
 *   period (0: none, the last) and a price; tariff_prices gains the period (0 flat, 1
 *   monthly, 12 annual) and its start month. The first tier's price stays the row's price.
 * - customers: the kWh bought at tiered prices in the current period (period_start is
 *   its first month, YYYYMM), an extra first-tier allowance, the arrears owed, the last
 *   month whose monthly fees were paid, and the account's own arrears recovery rule.
 * - fee_types: fees the administrator defines (per sale, monthly); arrears: the debts
 *   entered and waived, with reasons (recoveries are the sales' arrears_fen).
 * - sales: arrears recovered, the payment reference, the sale a reversal reverses, the
 *   period and fee month a sale counted in; pay_method admits bank transfer (5), which
 *   SQLite can only do by rebuilding the table; sale_items: each sale's tiers and fees,
 *   summed per hour in items_sum by triggers as sales_sum is; sales_sum gains arrears.
 * - reversals: 冲正 requests, their approval and the reversing sale. */
#define V6_SALES_COLS                                                                              \
    "id, op_id, kind, state, customer_id, meter_no, purchase_count, energy_ckwh, adjust_ckwh, "    \
    "free_ckwh, price, tariff_id, amount_fen, fee_fen, pay_method, by_amount, operator_id, "       \
    "created, settled, replaces_id, invoice_no, reprints, printed, customer_name, "                \
    "customer_address, customer_phone, tariff_name"
#define SUM6_COLS SUM_COLS ", arrears_fen"
#define SUM6_UPSERT(row, sign)                                                                     \
    "INSERT INTO sales_sum (" SUM_KEY ", " SUM6_COLS ") VALUES (" row ".created / 3600, " row      \
    ".operator_id, " row ".kind, " row ".pay_method, " sign "1, " sign row                         \
    ".energy_ckwh, " sign row ".adjust_ckwh, " sign row ".free_ckwh, " sign row                    \
    ".amount_fen, " sign row ".fee_fen, " sign row ".arrears_fen) ON CONFLICT (" SUM_KEY           \
    ") DO UPDATE SET n = n + excluded.n, energy_ckwh = energy_ckwh + excluded.energy_ckwh, "       \
    "adjust_ckwh = adjust_ckwh + excluded.adjust_ckwh, free_ckwh = free_ckwh + "                   \
    "excluded.free_ckwh, amount_fen = amount_fen + excluded.amount_fen, fee_fen = "                \
    "fee_fen + excluded.fee_fen, arrears_fen = arrears_fen + excluded.arrears_fen;"
#define SUM6_WATCHED SUM_WATCHED ", arrears_fen"
#define ITEMS_KEY "hour, operator_id, kind, pay_method, item, ref"
/* the items of sale `id` (a sales row's column) into items_sum, signed */
#define ITEMS_UPSERT(row, sign)                                                                    \
    "INSERT INTO items_sum (" ITEMS_KEY ", n, ckwh, fen) SELECT " row ".created / 3600, " row      \
    ".operator_id, " row ".kind, " row ".pay_method, i.item, i.ref, " sign "1, " sign              \
    "i.ckwh, " sign "i.fen FROM sale_items i WHERE i.sale_id = " row ".id AND 1 = 1 "              \
    "ON CONFLICT (" ITEMS_KEY ") DO UPDATE SET n = items_sum.n + excluded.n, ckwh = "              \
    "items_sum.ckwh + excluded.ckwh, fen = items_sum.fen + excluded.fen;"

static const char v6[] =
    "CREATE TABLE tariff_tiers ("
    "  id INTEGER PRIMARY KEY,"
    "  price_id INTEGER NOT NULL REFERENCES tariff_prices(id),"
    "  n INTEGER NOT NULL CHECK (n BETWEEN 1 AND 5),"
    "  upto_ckwh INTEGER NOT NULL CHECK (upto_ckwh >= 0),"
    "  price INTEGER NOT NULL CHECK (price > 0)"
    ");"
    "CREATE UNIQUE INDEX tariff_tiers_price ON tariff_tiers(price_id, n);"
    "ALTER TABLE tariff_prices ADD COLUMN period_months INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE tariff_prices ADD COLUMN period_start INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE customers ADD COLUMN period_start INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE customers ADD COLUMN period_ckwh INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE customers ADD COLUMN tier_extra_ckwh INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE customers ADD COLUMN arrears_fen INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE customers ADD COLUMN fee_month INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE customers ADD COLUMN recovery_mode INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE customers ADD COLUMN recovery_value INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE fee_types ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  kind INTEGER NOT NULL CHECK (kind IN (2, 3)),"
    "  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created INTEGER NOT NULL"
    ");"
    "CREATE UNIQUE INDEX fee_types_name ON fee_types(name) WHERE active = 1;"
    /* sales rebuilt: pay_method 0..5 and the new columns */
    "CREATE TABLE sales_v6 ("
    "  id INTEGER PRIMARY KEY,"
    "  op_id INTEGER REFERENCES card_ops(id),"
    "  kind INTEGER NOT NULL,"
    "  state INTEGER NOT NULL CHECK (state IN (0, 1, 2, 3)),"
    "  customer_id INTEGER NOT NULL REFERENCES customers(id),"
    "  meter_no INTEGER NOT NULL,"
    "  purchase_count INTEGER NOT NULL,"
    "  energy_ckwh INTEGER NOT NULL,"
    "  adjust_ckwh INTEGER NOT NULL DEFAULT 0,"
    "  free_ckwh INTEGER NOT NULL DEFAULT 0,"
    "  price INTEGER NOT NULL,"
    "  tariff_id INTEGER NOT NULL REFERENCES tariffs(id),"
    "  amount_fen INTEGER NOT NULL,"
    "  fee_fen INTEGER NOT NULL DEFAULT 0,"
    "  pay_method INTEGER NOT NULL DEFAULT 0 CHECK (pay_method BETWEEN 0 AND 5),"
    "  by_amount INTEGER NOT NULL DEFAULT 0,"
    "  operator_id INTEGER NOT NULL REFERENCES operators(id),"
    "  created INTEGER NOT NULL,"
    "  settled INTEGER NOT NULL DEFAULT 0,"
    "  replaces_id INTEGER REFERENCES sales(id),"
    "  invoice_no INTEGER UNIQUE,"
    "  reprints INTEGER NOT NULL DEFAULT 0,"
    "  printed INTEGER NOT NULL DEFAULT 0,"
    "  customer_name TEXT, customer_address TEXT, customer_phone TEXT, tariff_name TEXT,"
    "  arrears_fen INTEGER NOT NULL DEFAULT 0,"
    "  pay_ref TEXT,"
    "  reverses_id INTEGER REFERENCES sales(id),"
    "  period_start INTEGER NOT NULL DEFAULT 0,"
    "  fee_month INTEGER NOT NULL DEFAULT 0"
    ");"
    "INSERT INTO sales_v6 (" V6_SALES_COLS ") SELECT " V6_SALES_COLS " FROM sales;"
    "DROP TABLE sales;"
    "ALTER TABLE sales_v6 RENAME TO sales;"
    "CREATE INDEX sales_created ON sales(created);"
    "CREATE INDEX sales_customer ON sales(customer_id, id);"
    "CREATE INDEX sales_op ON sales(op_id);"
    "CREATE INDEX sales_operator ON sales(operator_id, created);"
    "CREATE INDEX sales_pending ON sales(id) WHERE state = 0;"
    "CREATE INDEX sales_pay_ref ON sales(pay_ref) WHERE pay_ref IS NOT NULL;"
    "CREATE INDEX sales_reverses ON sales(reverses_id) WHERE reverses_id IS NOT NULL;"
    "ALTER TABLE sales_sum ADD COLUMN arrears_fen INTEGER NOT NULL DEFAULT 0;"
    "CREATE TRIGGER sales_sum_ins AFTER INSERT ON sales WHEN NEW.state = 1 BEGIN " SUM6_UPSERT(
        "NEW",
        "") " END;"
            "CREATE TRIGGER sales_sum_upd_old AFTER UPDATE OF " SUM6_WATCHED " ON sales "
            "WHEN OLD.state = 1 BEGIN " SUM6_UPSERT(
                "OLD",
                "-") " END;"
                     "CREATE TRIGGER sales_sum_upd_new AFTER UPDATE OF " SUM6_WATCHED " ON sales "
                     "WHEN NEW.state = 1 BEGIN " SUM6_UPSERT(
                         "NEW",
                         "") " END;"
                             "CREATE TRIGGER sales_sum_del AFTER DELETE ON sales WHEN OLD.state = "
                             "1 BEGIN " SUM6_UPSERT(
                                 "OLD",
                                 "-") " END;"
                                      "CREATE TABLE sale_items ("
                                      "  id INTEGER PRIMARY KEY,"
                                      "  sale_id INTEGER NOT NULL REFERENCES sales(id),"
                                      "  seq INTEGER NOT NULL,"
                                      "  item INTEGER NOT NULL CHECK (item IN (1, 2)),"
                                      "  ref INTEGER NOT NULL,"
                                      "  name TEXT NOT NULL,"
                                      "  ckwh INTEGER NOT NULL,"
                                      "  price INTEGER NOT NULL,"
                                      "  fen INTEGER NOT NULL"
                                      ");"
                                      "CREATE UNIQUE INDEX sale_items_sale ON sale_items(sale_id, "
                                      "seq);"
                                      "CREATE TABLE items_sum ("
                                      "  hour INTEGER NOT NULL, operator_id INTEGER NOT NULL, kind "
                                      "INTEGER NOT NULL,"
                                      "  pay_method INTEGER NOT NULL, item INTEGER NOT NULL, ref "
                                      "INTEGER NOT NULL,"
                                      "  n INTEGER NOT NULL, ckwh INTEGER NOT NULL, fen INTEGER "
                                      "NOT NULL,"
                                      "  PRIMARY KEY (" ITEMS_KEY ")"
                                      ") WITHOUT ROWID;"
                                      "CREATE TRIGGER items_sum_ins AFTER INSERT ON sale_items "
                                      "WHEN (SELECT state FROM sales "
                                      "WHERE id = NEW.sale_id) = 1 BEGIN "
                                      "INSERT INTO items_sum (" ITEMS_KEY
                                      ", n, ckwh, fen) SELECT s.created / 3600, "
                                      "s.operator_id, s.kind, s.pay_method, NEW.item, NEW.ref, 1, "
                                      "NEW.ckwh, NEW.fen FROM sales s "
                                      "WHERE s.id = NEW.sale_id AND 1 = 1 ON CONFLICT (" ITEMS_KEY
                                      ") DO UPDATE SET n = "
                                      "items_sum.n + excluded.n, ckwh = items_sum.ckwh + "
                                      "excluded.ckwh, fen = items_sum.fen + "
                                      "excluded.fen; END;"
                                      "CREATE TRIGGER items_sum_upd_old AFTER UPDATE OF state, "
                                      "kind, operator_id, pay_method, "
                                      "created ON sales WHEN OLD.state = 1 BEGIN " ITEMS_UPSERT(
                                          "OLD",
                                          "-") " END;"
                                               "CREATE TRIGGER items_sum_upd_new AFTER UPDATE OF "
                                               "state, kind, operator_id, pay_method, "
                                               "created ON sales WHEN NEW.state = 1 "
                                               "BEGIN " ITEMS_UPSERT(
                                                   "NEW",
                                                   "") " END;"
                                                       "CREATE TABLE arrears ("
                                                       "  id INTEGER PRIMARY KEY,"
                                                       "  customer_id INTEGER NOT NULL REFERENCES "
                                                       "customers(id),"
                                                       "  fen INTEGER NOT NULL,"
                                                       "  reason TEXT NOT NULL,"
                                                       "  operator_id INTEGER NOT NULL REFERENCES "
                                                       "operators(id),"
                                                       "  created INTEGER NOT NULL"
                                                       ");"
                                                       "CREATE INDEX arrears_customer ON "
                                                       "arrears(customer_id, id);"
                                                       "CREATE TABLE reversals ("
                                                       "  id INTEGER PRIMARY KEY,"
                                                       "  sale_id INTEGER NOT NULL REFERENCES "
                                                       "sales(id),"
                                                       "  state INTEGER NOT NULL CHECK (state IN "
                                                       "(0, 1, 2)),"
                                                       "  reason TEXT NOT NULL,"
                                                       "  pay_method INTEGER NOT NULL DEFAULT -1,"
                                                       "  amount_fen INTEGER NOT NULL DEFAULT -1,"
                                                       "  pay_ref TEXT,"
                                                       "  requested_by INTEGER NOT NULL REFERENCES "
                                                       "operators(id),"
                                                       "  requested INTEGER NOT NULL,"
                                                       "  decided_by INTEGER REFERENCES "
                                                       "operators(id),"
                                                       "  decided INTEGER NOT NULL DEFAULT 0,"
                                                       "  reversal_id INTEGER REFERENCES sales(id)"
                                                       ");"
                                                       "CREATE UNIQUE INDEX reversals_open ON "
                                                       "reversals(sale_id) WHERE state IN (0, 1);";

/* Version 7: oversight.
 * - areas: the tree of the site (园区 / 楼栋 / 单元 / 房间), each with its materialised
 *   path "/1/4/9/" (ids from the root), so a subtree is one prefix of the path; every
 *   account belongs to one (customers.area_id; existing accounts go to the root);
 * - operator_areas: the subtrees an operator is limited to (none: unrestricted);
 * - card_marks: the blacklist of cards, by serial: replaced by a reissue or marked lost;
 * - card_seen: what each read of a card at the counter saw (its record and the meter's
 *   report), for the copied- and rolled-back-card reports;
 * - sales_sum_day: sales_sum per UTC day, so a year of reports is a few hundred rows per
 *   operator, kind and payment method (reports take whole days from it and the hours at
 *   the edges from sales_sum);
 * - customers.name_py: the pinyin initials of the name, for the search, filled by the
 *   store (store_customer_insert, update) from the Unihan readings; the search index
 *   over name, address, phone and name_py (SQLite: FTS5 with the trigram tokenizer;
 *   PostgreSQL: pg_trgm, replaced in version 10 by customers_gram). */
#define DAY_UPSERT(row, sign)                                                                      \
    "INSERT INTO sales_sum_day (day, operator_id, kind, pay_method, " SUM6_COLS ") VALUES (" row   \
    ".created / 86400, " row ".operator_id, " row ".kind, " row ".pay_method, " sign               \
    "1, " sign row ".energy_ckwh, " sign row ".adjust_ckwh, " sign row ".free_ckwh, " sign row     \
    ".amount_fen, " sign row ".fee_fen, " sign row ".arrears_fen) ON CONFLICT (day, "              \
    "operator_id, kind, pay_method) DO UPDATE SET n = n + excluded.n, energy_ckwh = "              \
    "energy_ckwh + excluded.energy_ckwh, adjust_ckwh = adjust_ckwh + excluded.adjust_ckwh, "       \
    "free_ckwh = free_ckwh + excluded.free_ckwh, amount_fen = amount_fen + "                       \
    "excluded.amount_fen, fee_fen = fee_fen + excluded.fee_fen, arrears_fen = arrears_fen + "      \
    "excluded.arrears_fen;"
/* The tables of version 7 that read the same in both dialects but for their types. */
#define V7_TABLES(INT, BLOB, ID)                                                                   \
    "CREATE TABLE operator_areas (operator_id " INT " NOT NULL REFERENCES operators(id),"          \
    "  area_id " INT " NOT NULL REFERENCES areas(id), PRIMARY KEY (operator_id, area_id));"        \
    "CREATE TABLE card_marks (serial " BLOB " PRIMARY KEY,"                                        \
    "  customer_id " INT " NOT NULL REFERENCES customers(id), reason INTEGER NOT NULL,"            \
    "  marked " INT " NOT NULL, operator_id " INT " REFERENCES operators(id),"                     \
    "  replaced " INT " NOT NULL DEFAULT 0, attempts " INT " NOT NULL DEFAULT 0,"                  \
    "  last_attempt " INT " NOT NULL DEFAULT 0);"                                                  \
    "CREATE TABLE card_seen (" ID ", serial " BLOB " NOT NULL,"                                    \
    "  customer_id " INT " REFERENCES customers(id), seen " INT " NOT NULL,"                       \
    "  purchase_count " INT " NOT NULL, generation " INT " NOT NULL, slot " BLOB " NOT NULL,"      \
    "  ret_meter " INT " NOT NULL, ret_count " INT " NOT NULL, ret_time " INT " NOT NULL,"         \
    "  ret_used " INT " NOT NULL, ret_bought " INT " NOT NULL, ret_display " INT " NOT NULL,"      \
    "  psc_errors " INT " NOT NULL, operator_id " INT ");"                                         \
    "CREATE INDEX card_seen_serial ON card_seen(serial, id);"                                      \
    "CREATE INDEX card_seen_customer ON card_seen(customer_id, id);"                               \
    "CREATE INDEX card_seen_meter ON card_seen(ret_meter, ret_time);"                              \
    "CREATE INDEX customers_area ON customers(area_id, status);"                                   \
    "CREATE INDEX customers_py ON customers(name_py);"

/* The SQLite script of version 7, in parts. */
#define V7_AREAS(INT, ID, TEXT)                                                                    \
    "CREATE TABLE areas (" ID ", parent_id " INT " REFERENCES areas(id),"                          \
    "  name " TEXT " NOT NULL, path " TEXT " NOT NULL, created " INT " NOT NULL DEFAULT 0);"       \
    "CREATE UNIQUE INDEX areas_name ON areas(parent_id, name);"                                    \
    "CREATE INDEX areas_path ON areas(path);"                                                      \
    "INSERT INTO areas (parent_id, name, path) VALUES (NULL, '', '');"                             \
    "UPDATE areas SET path = '/' || id || '/';"                                                    \
    "ALTER TABLE customers ADD COLUMN area_id " INT " REFERENCES areas(id);"                       \
    "ALTER TABLE customers ADD COLUMN name_py " TEXT " NOT NULL DEFAULT '';"                       \
    "UPDATE customers SET area_id = (SELECT min(id) FROM areas);"
#define V7_DAY(INT, SMALL, TAIL)                                                                   \
    "CREATE TABLE sales_sum_day (day " INT " NOT NULL, operator_id " INT " NOT NULL,"              \
    "  kind " SMALL " NOT NULL, pay_method " SMALL " NOT NULL, n " INT " NOT NULL,"                \
    "  energy_ckwh " INT " NOT NULL, adjust_ckwh " INT " NOT NULL, free_ckwh " INT " NOT NULL,"    \
    "  amount_fen " INT " NOT NULL, fee_fen " INT " NOT NULL, arrears_fen " INT " NOT NULL,"       \
    "  PRIMARY KEY (day, operator_id, kind, pay_method))" TAIL ";"                                 \
    "INSERT INTO sales_sum_day (day, operator_id, kind, pay_method, " SUM6_COLS ") SELECT "        \
    "created / 86400, operator_id, kind, pay_method, count(*), sum(energy_ckwh), "                 \
    "sum(adjust_ckwh), sum(free_ckwh), sum(amount_fen), sum(fee_fen), sum(arrears_fen) FROM "      \
    "sales WHERE state = 1 GROUP BY 1, 2, 3, 4;"
#define V7_DAY_TRIGGER(name, when, row, sign)                                                      \
    "CREATE TRIGGER " name " " when " ON sales WHEN " row                                          \
    ".state = 1 BEGIN " DAY_UPSERT(row, sign) " END;"
#define V7_DAY_TRIGGERS                                                                            \
    V7_DAY_TRIGGER("sales_day_ins", "AFTER INSERT", "NEW", "")                                     \
    V7_DAY_TRIGGER("sales_day_upd_old", "AFTER UPDATE OF " SUM6_WATCHED, "OLD", "-")               \
    V7_DAY_TRIGGER("sales_day_upd_new", "AFTER UPDATE OF " SUM6_WATCHED, "NEW", "")                \
    V7_DAY_TRIGGER("sales_day_del", "AFTER DELETE", "OLD", "-")
/* the FTS5 index's rows: one added (row NEW) or taken out (row OLD) */
#define FTS_COLS "name, address, phone, name_py"
#define FTS_VALUES(row) row ".id, " row ".name, " row ".address, " row ".phone, " row ".name_py"
#define FTS_ADD "INSERT INTO customers_fts (rowid, " FTS_COLS ") VALUES (" FTS_VALUES("NEW") ");"
#define FTS_DEL                                                                                    \
    "INSERT INTO customers_fts (customers_fts, rowid, " FTS_COLS                                   \
    ") VALUES ('delete', " FTS_VALUES("OLD") ");"
#define V7_FTS                                                                                     \
    "CREATE VIRTUAL TABLE customers_fts USING fts5(" FTS_COLS ","                                  \
    "  content='customers', content_rowid='id', tokenize='trigram');"                              \
    "INSERT INTO customers_fts (customers_fts) VALUES ('rebuild');"                                \
    "CREATE TRIGGER customers_fts_ins AFTER INSERT ON customers BEGIN " FTS_ADD " END;"            \
    "CREATE TRIGGER customers_fts_upd AFTER UPDATE OF " FTS_COLS                                   \
    " ON customers BEGIN " FTS_DEL FTS_ADD " END;"                                                 \
    "CREATE TRIGGER customers_fts_del AFTER DELETE ON customers BEGIN " FTS_DEL " END;"

static const char v7[] = V7_AREAS("INTEGER", "id INTEGER PRIMARY KEY", "TEXT")
    V7_TABLES("INTEGER", "BLOB", "id INTEGER PRIMARY KEY")
        V7_DAY("INTEGER", "INTEGER", " WITHOUT ROWID") V7_DAY_TRIGGERS V7_FTS;

/* PostgreSQL: the schema of version PG_BASE_VERSION in one script, made at `kwhpos init`
 * (an empty database has no history to replay). Same tables, columns and indexes as the
 * SQLite schema; the dialect shows in the types (BIGINT for INTEGER, but INTEGER for the
 * small enumerations kind, state, status, role, meter_type and pay_method, so that
 * `1 << kind` has an operator; BYTEA for BLOB,
 * TEXT in the byte order of SQLite, "C"), identity columns for INTEGER PRIMARY KEY,
 * and the triggers that keep totals and sales_sum, written in PL/pgSQL. The version is
 * the one row of schema_version (SQLite: PRAGMA user_version). */
#define PG_BASE_VERSION 5
#define PG_ID "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
#define PG_TEXT "TEXT COLLATE \"C\""

static const char pg_base[] =
    "CREATE TABLE schema_version (version INTEGER NOT NULL);"
    "INSERT INTO schema_version VALUES (0);"
    "CREATE TABLE settings (key " PG_TEXT " PRIMARY KEY, value " PG_TEXT " NOT NULL);"
    "CREATE TABLE operators (" PG_ID ", name " PG_TEXT " NOT NULL,"
    "  role INTEGER NOT NULL CHECK (role IN (1, 2)), pw_hash " PG_TEXT " NOT NULL,"
    "  must_change BIGINT NOT NULL DEFAULT 0, failed BIGINT NOT NULL DEFAULT 0,"
    "  lockouts BIGINT NOT NULL DEFAULT 0, locked_until BIGINT NOT NULL DEFAULT 0,"
    "  active BIGINT NOT NULL DEFAULT 1, created BIGINT NOT NULL, deleted BIGINT);"
    "CREATE UNIQUE INDEX operators_name ON operators(name) WHERE active = 1;"
    "CREATE TABLE tariffs (" PG_ID ", name " PG_TEXT " NOT NULL,"
    "  active BIGINT NOT NULL DEFAULT 1, created BIGINT NOT NULL);"
    "CREATE UNIQUE INDEX tariffs_name ON tariffs(name) WHERE active = 1;"
    "CREATE TABLE tariff_prices (" PG_ID ", tariff_id BIGINT NOT NULL REFERENCES tariffs(id),"
    "  price BIGINT NOT NULL CHECK (price > 0), valid_from BIGINT NOT NULL,"
    "  operator_id BIGINT REFERENCES operators(id));"
    "CREATE INDEX tariff_prices_tariff ON tariff_prices(tariff_id, id);"
    "CREATE TABLE customers (" PG_ID ", customer_no BIGINT NOT NULL UNIQUE,"
    "  name " PG_TEXT " NOT NULL, address " PG_TEXT " NOT NULL DEFAULT '',"
    "  phone " PG_TEXT " NOT NULL DEFAULT '',"
    "  meter_no BIGINT NOT NULL CHECK (meter_no BETWEEN 0 AND 99999999),"
    "  meter_type INTEGER NOT NULL CHECK (meter_type IN (1, 2, 3)),"
    "  rating_a BIGINT NOT NULL, current_limit_a BIGINT NOT NULL, alarm_ckwh BIGINT NOT NULL,"
    "  overdraft_ckwh BIGINT NOT NULL, hoard_ckwh BIGINT NOT NULL,"
    "  ct_ratio BIGINT NOT NULL DEFAULT 1, tariff_id BIGINT NOT NULL REFERENCES tariffs(id),"
    "  status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 4), card_serial BYTEA,"
    "  card_gen BIGINT NOT NULL DEFAULT 0, purchase_count BIGINT NOT NULL DEFAULT 0,"
    "  loaded_count BIGINT NOT NULL DEFAULT 0, balance_ckwh BIGINT NOT NULL DEFAULT 0,"
    "  reported_remaining_ckwh BIGINT NOT NULL DEFAULT 0, reported_at BIGINT NOT NULL DEFAULT 0,"
    "  opened BIGINT NOT NULL, closed BIGINT NOT NULL DEFAULT 0,"
    "  last_purchase BIGINT NOT NULL DEFAULT 0, free_month BIGINT NOT NULL DEFAULT 0);"
    "CREATE UNIQUE INDEX customers_meter_live ON customers(meter_no) WHERE status IN (0, 1, 2);"
    "CREATE INDEX customers_meter ON customers(meter_no);"
    "CREATE INDEX customers_name ON customers(name);"
    "CREATE INDEX customers_serial ON customers(card_serial);"
    "CREATE INDEX customers_tariff ON customers(tariff_id, status);"
    "CREATE INDEX customers_last_purchase ON customers(last_purchase);"
    "CREATE TABLE totals (tariff_id BIGINT PRIMARY KEY REFERENCES tariffs(id),"
    "  accounts BIGINT NOT NULL DEFAULT 0, balance_ckwh BIGINT NOT NULL DEFAULT 0);"
    "CREATE FUNCTION tariffs_totals() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  INSERT INTO totals (tariff_id) VALUES (NEW.id); RETURN NULL; END $$;"
    "CREATE TRIGGER tariffs_totals AFTER INSERT ON tariffs FOR EACH ROW "
    "  EXECUTE FUNCTION tariffs_totals();"
    "CREATE FUNCTION customers_totals() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  IF TG_OP <> 'INSERT' AND OLD.status IN (1, 2) THEN"
    "    UPDATE totals SET accounts = accounts - 1, balance_ckwh = balance_ckwh -"
    "      OLD.balance_ckwh WHERE tariff_id = OLD.tariff_id;"
    "  END IF;"
    "  IF TG_OP <> 'DELETE' AND NEW.status IN (1, 2) THEN"
    "    UPDATE totals SET accounts = accounts + 1, balance_ckwh = balance_ckwh +"
    "      NEW.balance_ckwh WHERE tariff_id = NEW.tariff_id;"
    "  END IF;"
    "  RETURN NULL; END $$;"
    "CREATE TRIGGER customers_totals_ins AFTER INSERT OR DELETE ON customers FOR EACH ROW "
    "  EXECUTE FUNCTION customers_totals();"
    "CREATE TRIGGER customers_totals_upd AFTER UPDATE OF status, balance_ckwh, tariff_id "
    "  ON customers FOR EACH ROW WHEN (OLD.status <> NEW.status OR OLD.balance_ckwh <> "
    "  NEW.balance_ckwh OR OLD.tariff_id <> NEW.tariff_id) EXECUTE FUNCTION customers_totals();"
    "CREATE TABLE card_ops (" PG_ID ", kind INTEGER NOT NULL,"
    "  state INTEGER NOT NULL CHECK (state IN (0, 1, 2)),"
    "  customer_id BIGINT REFERENCES customers(id), card_serial BYTEA NOT NULL,"
    "  slot BYTEA NOT NULL, old_image BYTEA NOT NULL, new_image BYTEA NOT NULL,"
    "  operator_id BIGINT NOT NULL REFERENCES operators(id), created BIGINT NOT NULL,"
    "  settled BIGINT NOT NULL DEFAULT 0, meter_no BIGINT, meter_type INTEGER, rating_a BIGINT,"
    "  current_limit_a BIGINT, alarm_ckwh BIGINT, overdraft_ckwh BIGINT, hoard_ckwh BIGINT,"
    "  ct_ratio BIGINT, new_balance_ckwh BIGINT, reissue_consumed BIGINT,"
    "  not_written BIGINT NOT NULL DEFAULT 0);"
    "CREATE INDEX card_ops_pending ON card_ops(card_serial) WHERE state = 0;"
    "CREATE INDEX card_ops_customer ON card_ops(customer_id, id);"
    "CREATE TABLE sales (" PG_ID ", op_id BIGINT REFERENCES card_ops(id),"
    "  kind INTEGER NOT NULL, state INTEGER NOT NULL CHECK (state IN (0, 1, 2, 3)),"
    "  customer_id BIGINT NOT NULL REFERENCES customers(id), meter_no BIGINT NOT NULL,"
    "  purchase_count BIGINT NOT NULL, energy_ckwh BIGINT NOT NULL,"
    "  adjust_ckwh BIGINT NOT NULL DEFAULT 0, free_ckwh BIGINT NOT NULL DEFAULT 0,"
    "  price BIGINT NOT NULL, tariff_id BIGINT NOT NULL REFERENCES tariffs(id),"
    "  amount_fen BIGINT NOT NULL, fee_fen BIGINT NOT NULL DEFAULT 0,"
    "  pay_method INTEGER NOT NULL DEFAULT 0 CHECK (pay_method BETWEEN 0 AND 4),"
    "  by_amount BIGINT NOT NULL DEFAULT 0, operator_id BIGINT NOT NULL REFERENCES operators(id),"
    "  created BIGINT NOT NULL, settled BIGINT NOT NULL DEFAULT 0,"
    "  replaces_id BIGINT REFERENCES sales(id), invoice_no BIGINT UNIQUE,"
    "  reprints BIGINT NOT NULL DEFAULT 0, printed BIGINT NOT NULL DEFAULT 0,"
    "  customer_name " PG_TEXT ", customer_address " PG_TEXT ", customer_phone " PG_TEXT ","
    "  tariff_name " PG_TEXT ");"
    "CREATE INDEX sales_created ON sales(created);"
    "CREATE INDEX sales_customer ON sales(customer_id, id);"
    "CREATE INDEX sales_op ON sales(op_id);"
    "CREATE INDEX sales_operator ON sales(operator_id, created);"
    "CREATE INDEX sales_pending ON sales(id) WHERE state = 0;"
    "CREATE TABLE events (" PG_ID ", kind INTEGER NOT NULL,"
    "  customer_id BIGINT NOT NULL REFERENCES customers(id), op_id BIGINT REFERENCES card_ops(id),"
    "  operator_id BIGINT NOT NULL REFERENCES operators(id), created BIGINT NOT NULL,"
    "  before " PG_TEXT " NOT NULL, after " PG_TEXT " NOT NULL);"
    "CREATE INDEX events_kind ON events(kind, created);"
    "CREATE INDEX events_operator ON events(operator_id, created);"
    "CREATE TABLE audit (id BIGINT PRIMARY KEY, ts BIGINT NOT NULL, operator " PG_TEXT
    " NOT NULL, op " PG_TEXT " NOT NULL, subject " PG_TEXT " NOT NULL, before " PG_TEXT
    " NOT NULL, after " PG_TEXT " NOT NULL, hash BYTEA NOT NULL);"
    "CREATE TABLE sales_sum (hour BIGINT NOT NULL, operator_id BIGINT NOT NULL,"
    "  kind INTEGER NOT NULL, pay_method INTEGER NOT NULL, n BIGINT NOT NULL,"
    "  energy_ckwh BIGINT NOT NULL, adjust_ckwh BIGINT NOT NULL, free_ckwh BIGINT NOT NULL,"
    "  amount_fen BIGINT NOT NULL, fee_fen BIGINT NOT NULL, PRIMARY KEY (" SUM_KEY "));"
    "CREATE FUNCTION sales_sum_add(r sales, sg BIGINT) RETURNS void LANGUAGE sql AS $$"
    "  INSERT INTO sales_sum AS m (" SUM_KEY ", " SUM_COLS ") VALUES (r.created / 3600,"
    "  r.operator_id, r.kind, r.pay_method, sg, sg * r.energy_ckwh, sg * r.adjust_ckwh,"
    "  sg * r.free_ckwh, sg * r.amount_fen, sg * r.fee_fen) ON CONFLICT (" SUM_KEY ") DO UPDATE"
    "  SET n = m.n + excluded.n, energy_ckwh = m.energy_ckwh + excluded.energy_ckwh,"
    "  adjust_ckwh = m.adjust_ckwh + excluded.adjust_ckwh, free_ckwh = m.free_ckwh +"
    "  excluded.free_ckwh, amount_fen = m.amount_fen + excluded.amount_fen, fee_fen ="
    "  m.fee_fen + excluded.fee_fen $$;"
    "CREATE FUNCTION sales_sum_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  IF TG_OP <> 'INSERT' AND OLD.state = 1 THEN PERFORM sales_sum_add(OLD, -1); END IF;"
    "  IF TG_OP <> 'DELETE' AND NEW.state = 1 THEN PERFORM sales_sum_add(NEW, 1); END IF;"
    "  RETURN NULL; END $$;"
    "CREATE TRIGGER sales_sum_ins AFTER INSERT OR DELETE ON sales FOR EACH ROW "
    "  EXECUTE FUNCTION sales_sum_keep();"
    "CREATE TRIGGER sales_sum_upd AFTER UPDATE OF " SUM_WATCHED " ON sales FOR EACH ROW "
    "  EXECUTE FUNCTION sales_sum_keep();"
    "CREATE TABLE shifts (" PG_ID ", operator_id BIGINT NOT NULL REFERENCES operators(id),"
    "  started BIGINT NOT NULL, ended BIGINT NOT NULL, after_sale_id BIGINT NOT NULL,"
    "  last_sale_id BIGINT NOT NULL, money_in_fen BIGINT NOT NULL,"
    "  money_out_fen BIGINT NOT NULL, expected_cash_fen BIGINT NOT NULL,"
    "  counted_cash_fen BIGINT NOT NULL, pending BIGINT NOT NULL);"
    "CREATE INDEX shifts_operator ON shifts(operator_id, id);";

/* Version 6 on PostgreSQL (see v6). */
static const char pg_v6[] =
    "CREATE TABLE tariff_tiers (" PG_ID ", price_id BIGINT NOT NULL REFERENCES tariff_prices(id),"
    "  n INTEGER NOT NULL CHECK (n BETWEEN 1 AND 5), upto_ckwh BIGINT NOT NULL CHECK "
    "  (upto_ckwh >= 0), price BIGINT NOT NULL CHECK (price > 0));"
    "CREATE UNIQUE INDEX tariff_tiers_price ON tariff_tiers(price_id, n);"
    "ALTER TABLE tariff_prices ADD COLUMN period_months BIGINT NOT NULL DEFAULT 0,"
    "  ADD COLUMN period_start BIGINT NOT NULL DEFAULT 1;"
    "ALTER TABLE customers ADD COLUMN period_start BIGINT NOT NULL DEFAULT 0,"
    "  ADD COLUMN period_ckwh BIGINT NOT NULL DEFAULT 0,"
    "  ADD COLUMN tier_extra_ckwh BIGINT NOT NULL DEFAULT 0,"
    "  ADD COLUMN arrears_fen BIGINT NOT NULL DEFAULT 0,"
    "  ADD COLUMN fee_month BIGINT NOT NULL DEFAULT 0,"
    "  ADD COLUMN recovery_mode BIGINT NOT NULL DEFAULT 0,"
    "  ADD COLUMN recovery_value BIGINT NOT NULL DEFAULT 0;"
    "CREATE TABLE fee_types (" PG_ID ", name " PG_TEXT " NOT NULL,"
    "  kind INTEGER NOT NULL CHECK (kind IN (2, 3)), amount_fen BIGINT NOT NULL CHECK "
    "  (amount_fen > 0), active BIGINT NOT NULL DEFAULT 1, created BIGINT NOT NULL);"
    "CREATE UNIQUE INDEX fee_types_name ON fee_types(name) WHERE active = 1;"
    "ALTER TABLE sales DROP CONSTRAINT sales_pay_method_check,"
    "  ADD CONSTRAINT sales_pay_method_check CHECK (pay_method BETWEEN 0 AND 5),"
    "  ADD COLUMN arrears_fen BIGINT NOT NULL DEFAULT 0, ADD COLUMN pay_ref " PG_TEXT ","
    "  ADD COLUMN reverses_id BIGINT REFERENCES sales(id),"
    "  ADD COLUMN period_start BIGINT NOT NULL DEFAULT 0,"
    "  ADD COLUMN fee_month BIGINT NOT NULL DEFAULT 0;"
    "CREATE INDEX sales_pay_ref ON sales(pay_ref) WHERE pay_ref IS NOT NULL;"
    "CREATE INDEX sales_reverses ON sales(reverses_id) WHERE reverses_id IS NOT NULL;"
    "ALTER TABLE sales_sum ADD COLUMN arrears_fen BIGINT NOT NULL DEFAULT 0;"
    "CREATE TABLE sale_items (" PG_ID ", sale_id BIGINT NOT NULL REFERENCES sales(id),"
    "  seq INTEGER NOT NULL, item INTEGER NOT NULL CHECK (item IN (1, 2)), ref BIGINT NOT NULL,"
    "  name " PG_TEXT " NOT NULL, ckwh BIGINT NOT NULL, price BIGINT NOT NULL,"
    "  fen BIGINT NOT NULL);"
    "CREATE UNIQUE INDEX sale_items_sale ON sale_items(sale_id, seq);"
    "CREATE TABLE items_sum (hour BIGINT NOT NULL, operator_id BIGINT NOT NULL,"
    "  kind INTEGER NOT NULL, pay_method INTEGER NOT NULL, item INTEGER NOT NULL,"
    "  ref BIGINT NOT NULL, n BIGINT NOT NULL, ckwh BIGINT NOT NULL, fen BIGINT NOT NULL,"
    "  PRIMARY KEY (" ITEMS_KEY "));"
    "DROP TRIGGER sales_sum_upd ON sales;"
    "DROP TRIGGER sales_sum_ins ON sales;"
    "DROP FUNCTION sales_sum_keep();"
    "DROP FUNCTION sales_sum_add(sales, BIGINT);"
    "CREATE FUNCTION sales_sum_add(r sales, sg BIGINT) RETURNS void LANGUAGE sql AS $$"
    "  INSERT INTO sales_sum AS m (" SUM_KEY ", " SUM6_COLS ") VALUES (r.created / 3600,"
    "  r.operator_id, r.kind, r.pay_method, sg, sg * r.energy_ckwh, sg * r.adjust_ckwh,"
    "  sg * r.free_ckwh, sg * r.amount_fen, sg * r.fee_fen, sg * r.arrears_fen) ON CONFLICT "
    "(" SUM_KEY ") DO UPDATE SET n = m.n + excluded.n, energy_ckwh = m.energy_ckwh +"
    "  excluded.energy_ckwh, adjust_ckwh = m.adjust_ckwh + excluded.adjust_ckwh, free_ckwh ="
    "  m.free_ckwh + excluded.free_ckwh, amount_fen = m.amount_fen + excluded.amount_fen,"
    "  fee_fen = m.fee_fen + excluded.fee_fen, arrears_fen = m.arrears_fen +"
    "  excluded.arrears_fen;"
    "  INSERT INTO items_sum AS m (" ITEMS_KEY ", n, ckwh, fen) SELECT r.created / 3600,"
    "  r.operator_id, r.kind, r.pay_method, i.item, i.ref, sg, sg * i.ckwh, sg * i.fen FROM"
    "  sale_items i WHERE i.sale_id = r.id ON CONFLICT (" ITEMS_KEY ") DO UPDATE SET n = m.n +"
    "  excluded.n, ckwh = m.ckwh + excluded.ckwh, fen = m.fen + excluded.fen $$;"
    "CREATE FUNCTION sales_sum_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  IF TG_OP <> 'INSERT' AND OLD.state = 1 THEN PERFORM sales_sum_add(OLD, -1); END IF;"
    "  IF TG_OP <> 'DELETE' AND NEW.state = 1 THEN PERFORM sales_sum_add(NEW, 1); END IF;"
    "  RETURN NULL; END $$;"
    "CREATE TRIGGER sales_sum_ins AFTER INSERT OR DELETE ON sales FOR EACH ROW "
    "  EXECUTE FUNCTION sales_sum_keep();"
    "CREATE TRIGGER sales_sum_upd AFTER UPDATE OF " SUM6_WATCHED " ON sales FOR EACH ROW "
    "  EXECUTE FUNCTION sales_sum_keep();"
    "CREATE FUNCTION items_sum_item() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  INSERT INTO items_sum AS m (" ITEMS_KEY ", n, ckwh, fen) SELECT s.created / 3600,"
    "  s.operator_id, s.kind, s.pay_method, NEW.item, NEW.ref, 1, NEW.ckwh, NEW.fen FROM sales"
    "  s WHERE s.id = NEW.sale_id AND s.state = 1 ON CONFLICT (" ITEMS_KEY ") DO UPDATE SET"
    "  n = m.n + excluded.n, ckwh = m.ckwh + excluded.ckwh, fen = m.fen + excluded.fen;"
    "  RETURN NULL; END $$;"
    "CREATE TRIGGER items_sum_ins AFTER INSERT ON sale_items FOR EACH ROW "
    "  EXECUTE FUNCTION items_sum_item();"
    "CREATE TABLE arrears (" PG_ID ", customer_id BIGINT NOT NULL REFERENCES customers(id),"
    "  fen BIGINT NOT NULL, reason " PG_TEXT " NOT NULL,"
    "  operator_id BIGINT NOT NULL REFERENCES operators(id), created BIGINT NOT NULL);"
    "CREATE INDEX arrears_customer ON arrears(customer_id, id);"
    "CREATE TABLE reversals (" PG_ID ", sale_id BIGINT NOT NULL REFERENCES sales(id),"
    "  state INTEGER NOT NULL CHECK (state IN (0, 1, 2)), reason " PG_TEXT " NOT NULL,"
    "  pay_method BIGINT NOT NULL DEFAULT -1, amount_fen BIGINT NOT NULL DEFAULT -1,"
    "  pay_ref " PG_TEXT ", requested_by BIGINT NOT NULL REFERENCES operators(id),"
    "  requested BIGINT NOT NULL, decided_by BIGINT REFERENCES operators(id),"
    "  decided BIGINT NOT NULL DEFAULT 0, reversal_id BIGINT REFERENCES sales(id));"
    "CREATE UNIQUE INDEX reversals_open ON reversals(sale_id) WHERE state IN (0, 1);";

/* The SQLite history, one script per version. */
/* Version 8: a tariff's kind: 0 standard, 1 合表 (a shared meter's flat tariff); the
 * accounts that owe arrears found without reading every account (欠费). */
#define V8_TARIFF_KIND                                                                             \
    "ALTER TABLE tariffs ADD COLUMN kind INTEGER NOT NULL DEFAULT 0 CHECK (kind IN (0, 1));"       \
    "CREATE INDEX customers_arrears ON customers(arrears_fen) WHERE arrears_fen > 0;"
static const char v8[] = V8_TARIFF_KIND;

/* Version 9: sales_sum_month, sales_sum per UTC month (months since January 1970), kept
 * by triggers on sales as sales_sum_day is and filled here from the settled sales. A
 * report's row that is a local month reads the whole UTC month nearest to it and
 * corrects its two edges, a few hours each, from sales_sum (core/report_sales.c): a
 * 12-month report is a few hundred rows whatever the site's size. */
#define LITE_MONTH(t)                                                                              \
    "((CAST(strftime('%Y', " t ", 'unixepoch') AS INTEGER) - 1970) * 12 + "                        \
    "CAST(strftime('%m', " t ", 'unixepoch') AS INTEGER) - 1)"
#define PG_MONTH(t)                                                                                \
    "((CAST(EXTRACT(YEAR FROM to_timestamp(" t ") AT TIME ZONE 'UTC') AS INTEGER) - 1970) * 12 "   \
    "+ CAST(EXTRACT(MONTH FROM to_timestamp(" t ") AT TIME ZONE 'UTC') AS INTEGER) - 1)"
#define MONTH_KEY "month, operator_id, kind, pay_method"
#define MONTH_ADD(m)                                                                               \
    " ON CONFLICT (" MONTH_KEY ") DO UPDATE SET n = " m "n + excluded.n, energy_ckwh = " m         \
    "energy_ckwh + excluded.energy_ckwh, adjust_ckwh = " m "adjust_ckwh + excluded.adjust_ckwh, "  \
    "free_ckwh = " m "free_ckwh + excluded.free_ckwh, amount_fen = " m "amount_fen + "             \
    "excluded.amount_fen, fee_fen = " m "fee_fen + excluded.fee_fen, arrears_fen = " m             \
    "arrears_fen + excluded.arrears_fen"
#define V9_MONTH(INT, SMALL, TAIL, MONTH)                                                          \
    "CREATE TABLE sales_sum_month (month " INT " NOT NULL, operator_id " INT " NOT NULL,"          \
    "  kind " SMALL " NOT NULL, pay_method " SMALL " NOT NULL, n " INT " NOT NULL,"                \
    "  energy_ckwh " INT " NOT NULL, adjust_ckwh " INT " NOT NULL, free_ckwh " INT " NOT NULL,"    \
    "  amount_fen " INT " NOT NULL, fee_fen " INT " NOT NULL, arrears_fen " INT " NOT NULL,"       \
    "  PRIMARY KEY (" MONTH_KEY "))" TAIL ";"                                                      \
    "INSERT INTO sales_sum_month (" MONTH_KEY ", " SUM6_COLS ") SELECT " MONTH(                    \
        "created") ", "                                                                            \
                   "operator_id, kind, pay_method, count(*), sum(energy_ckwh), sum(adjust_ckwh), " \
                   "sum(free_ckwh), sum(amount_fen), sum(fee_fen), sum(arrears_fen) FROM sales "   \
                   "WHERE state = 1 "                                                              \
                   "GROUP BY 1, 2, 3, 4;"
#define LITE_MONTH_TRIGGER(name, when, row, sign)                                                  \
    "CREATE TRIGGER " name " " when " ON sales WHEN " row ".state = 1 BEGIN "                      \
    "INSERT INTO sales_sum_month (" MONTH_KEY ", " SUM6_COLS                                       \
    ") VALUES (" LITE_MONTH(row ".created") ", " row ".operator_id, " row ".kind, " row            \
                                            ".pay_method, " sign "1, " sign row                    \
                                            ".energy_ckwh, " sign row ".adjust_ckwh, " sign row    \
                                            ".free_ckwh, " sign row ".amount_fen, " sign row       \
                                            ".fee_fen, " sign row                                  \
                                            ".arrears_fen)" MONTH_ADD("") "; END;"

static const char v9[] = V9_MONTH("INTEGER", "INTEGER", " WITHOUT ROWID", LITE_MONTH)
    LITE_MONTH_TRIGGER("sales_month_ins", "AFTER INSERT", "NEW", "")
        LITE_MONTH_TRIGGER("sales_month_upd_old", "AFTER UPDATE OF " SUM6_WATCHED, "OLD", "-")
            LITE_MONTH_TRIGGER("sales_month_upd_new", "AFTER UPDATE OF " SUM6_WATCHED, "NEW", "")
                LITE_MONTH_TRIGGER("sales_month_del", "AFTER DELETE", "OLD", "-");

/* Version 10: nothing on SQLite (FTS5 already gives its matches in rowid order). */
static const char v10[] = "";

/* Version 11: the station that recorded a card write ([station] name, or the host name),
 * shown by 待确认写卡 and `kwhpos pending list`; '' for the writes recorded before. */
static const char v11[] = "ALTER TABLE card_ops ADD COLUMN station TEXT NOT NULL DEFAULT '';";
static const char pg_v11[] =
    "ALTER TABLE card_ops ADD COLUMN station " PG_TEXT " NOT NULL DEFAULT '';";

static const char *const lite_migrations[] = {v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11};

_Static_assert(sizeof lite_migrations / sizeof lite_migrations[0] == STORE_SCHEMA_VERSION,
               "STORE_SCHEMA_VERSION is the number of SQLite migrations");

/* A migration after PG_BASE_VERSION: the same change in each dialect. */
struct migration {
    const char *sqlite;
    const char *pg;
};

/* Migrations from version PG_BASE_VERSION + 1 on, in both dialects. A new version adds
 * its SQLite script to lite_migrations and a {sqlite, pg} pair here. */
#define PG_SEARCH_EXPR "(name || ' ' || address || ' ' || phone || ' ' || name_py)"

#define PG_V7_DAY                                                                                  \
    "CREATE FUNCTION sales_day_add(r sales, sg BIGINT) RETURNS void LANGUAGE sql AS $$"            \
    "  INSERT INTO sales_sum_day AS m (day, operator_id, kind, pay_method, " SUM6_COLS ")"         \
    "  VALUES (r.created / 86400, r.operator_id, r.kind, r.pay_method, sg,"                        \
    "  sg * r.energy_ckwh, sg * r.adjust_ckwh, sg * r.free_ckwh, sg * r.amount_fen,"               \
    "  sg * r.fee_fen, sg * r.arrears_fen) ON CONFLICT (day, operator_id, kind, pay_method)"       \
    "  DO UPDATE SET n = m.n + excluded.n, energy_ckwh = m.energy_ckwh + excluded.energy_ckwh,"    \
    "  adjust_ckwh = m.adjust_ckwh + excluded.adjust_ckwh, free_ckwh = m.free_ckwh +"              \
    "  excluded.free_ckwh, amount_fen = m.amount_fen + excluded.amount_fen, fee_fen ="             \
    "  m.fee_fen + excluded.fee_fen, arrears_fen = m.arrears_fen + excluded.arrears_fen $$;"       \
    "CREATE FUNCTION sales_day_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"                \
    "  IF TG_OP <> 'INSERT' AND OLD.state = 1 THEN PERFORM sales_day_add(OLD, -1); END IF;"        \
    "  IF TG_OP <> 'DELETE' AND NEW.state = 1 THEN PERFORM sales_day_add(NEW, 1); END IF;"         \
    "  RETURN NULL; END $$;"                                                                       \
    "CREATE TRIGGER sales_day_ins AFTER INSERT OR DELETE ON sales FOR EACH ROW "                   \
    "  EXECUTE FUNCTION sales_day_keep();"                                                         \
    "CREATE TRIGGER sales_day_upd AFTER UPDATE OF " SUM6_WATCHED " ON sales FOR EACH ROW "         \
    "  EXECUTE FUNCTION sales_day_keep();"
#define PG_V7_SEARCH                                                                               \
    "CREATE INDEX customers_search ON customers USING gin (" PG_SEARCH_EXPR " gin_trgm_ops);"

static const char pg_v7[] =
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;" V7_AREAS("BIGINT", PG_ID, PG_TEXT)
        V7_TABLES("BIGINT", "BYTEA", PG_ID) V7_DAY("BIGINT", "INTEGER", "") PG_V7_DAY PG_V7_SEARCH;

#define PG_V9_MONTH                                                                                \
    "CREATE FUNCTION sales_month_add(r sales, sg BIGINT) RETURNS void LANGUAGE sql AS $$"          \
    "  INSERT INTO sales_sum_month AS m (" MONTH_KEY ", " SUM6_COLS ") VALUES (" PG_MONTH(         \
        "r.created") ", r.operator_id, r.kind, r.pay_method, sg, sg * r.energy_ckwh,"              \
                     "  sg * r.adjust_ckwh, sg * r.free_ckwh, sg * r.amount_fen, sg * r.fee_fen,"  \
                     "  sg * r.arrears_fen)" MONTH_ADD(                                            \
                         "m.") " $$;"                                                              \
                               "CREATE FUNCTION sales_month_keep() RETURNS trigger LANGUAGE "      \
                               "plpgsql AS $$ "                                                    \
                               "BEGIN"                                                             \
                               "  IF TG_OP <> 'INSERT' AND OLD.state = 1 THEN PERFORM "            \
                               "sales_month_add(OLD, "                                             \
                               "-1); END IF;"                                                      \
                               "  IF TG_OP <> 'DELETE' AND NEW.state = 1 THEN PERFORM "            \
                               "sales_month_add(NEW, "                                             \
                               "1); END IF;"                                                       \
                               "  RETURN NULL; END $$;"                                            \
                               "CREATE TRIGGER sales_month_ins AFTER INSERT OR DELETE ON sales "   \
                               "FOR EACH ROW "                                                     \
                               "  EXECUTE FUNCTION sales_month_keep();"                            \
                               "CREATE TRIGGER sales_month_upd AFTER UPDATE OF " SUM6_WATCHED      \
                               " ON sales FOR EACH ROW "                                           \
                               "  EXECUTE FUNCTION sales_month_keep();"

/* PostgreSQL's indexes hold no row id as SQLite's do: the search by the start of a name
 * or of the initials reads its page in (name, id) order from an index that has it, and
 * stops there (not sorting every account that starts so). */
#define PG_V9_SEARCH                                                                               \
    "CREATE INDEX customers_name_id ON customers(name, id);"                                       \
    "CREATE INDEX customers_py_id ON customers(name_py, id);"

static const char pg_v9[] = V9_MONTH("BIGINT", "INTEGER", "", PG_MONTH) PG_V9_MONTH PG_V9_SEARCH;

/* Version 10: the substring search's own trigram index on PostgreSQL. pg_trgm's GIN
 * index gives its matches in no order, so a page in id order either read every match
 * from the table or walked the primary key testing each row (up to a second at a
 * million accounts). customers_gram holds, for every account, each distinct 3- and
 * 4-character piece of its name, address, phone and initials (lower case, ASCII folded
 * as ILIKE folds it) with the account's id; its primary key (gram, id) reads the
 * accounts that have a piece in id order, from any id on. customers_gram_n counts the
 * accounts per piece, so a search picks its rarest pieces. Triggers keep both as
 * accounts are added, changed or deleted (writers take one lock, so the counts do not
 * contend); customers_gram_rebuild() makes both again from the accounts (here, and
 * after a bulk load with the triggers off). The search: store_customers_search. */
#define PG_V10_GRAMS                                                                               \
    "CREATE FUNCTION customer_grams(a TEXT, b TEXT, c TEXT, d TEXT) RETURNS SETOF TEXT"            \
    "  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT DISTINCT substr(l, i, k) FROM"            \
    "  unnest(ARRAY[lower(a COLLATE \"C\"), lower(b COLLATE \"C\"), lower(c COLLATE \"C\"),"       \
    "  lower(d COLLATE \"C\")]) l, (VALUES (3), (4)) w(k), generate_series(1, length(l) - k + 1) " \
    "i"                                                                                            \
    "  $$;"                                                                                        \
    "CREATE TABLE customers_gram (gram " PG_TEXT " NOT NULL, id BIGINT NOT NULL,"                  \
    "  PRIMARY KEY (gram, id));"                                                                   \
    "CREATE TABLE customers_gram_n (gram " PG_TEXT " PRIMARY KEY, n BIGINT NOT NULL);"             \
    "CREATE FUNCTION customers_gram_keep() RETURNS trigger LANGUAGE plpgsql AS $$"                 \
    "  DECLARE o TEXT[] = '{}'; nw TEXT[] = '{}'; BEGIN"                                           \
    "  IF TG_OP <> 'INSERT' THEN"                                                                  \
    "    o = ARRAY(SELECT customer_grams(OLD.name, OLD.address, OLD.phone, OLD.name_py));"         \
    "  END IF;"                                                                                    \
    "  IF TG_OP <> 'DELETE' THEN"                                                                  \
    "    nw = ARRAY(SELECT customer_grams(NEW.name, NEW.address, NEW.phone, NEW.name_py));"        \
    "  END IF;"                                                                                    \
    "  IF TG_OP <> 'INSERT' THEN"                                                                  \
    "    DELETE FROM customers_gram WHERE id = OLD.id AND gram = ANY (o) AND gram <> ALL (nw);"    \
    "    UPDATE customers_gram_n SET n = n - 1 WHERE gram = ANY (o) AND gram <> ALL (nw);"         \
    "  END IF;"                                                                                    \
    "  IF TG_OP <> 'DELETE' THEN"                                                                  \
    "    INSERT INTO customers_gram (gram, id) SELECT g, NEW.id FROM unnest(nw) g"                 \
    "      WHERE g <> ALL (o);"                                                                    \
    "    INSERT INTO customers_gram_n AS m (gram, n) SELECT g, 1 FROM unnest(nw) g"                \
    "      WHERE g <> ALL (o) ORDER BY g ON CONFLICT (gram) DO UPDATE SET n = m.n + 1;"            \
    "  END IF;"                                                                                    \
    "  RETURN NULL; END $$;"                                                                       \
    "CREATE TRIGGER customers_gram_ins AFTER INSERT OR DELETE ON customers FOR EACH ROW"           \
    "  EXECUTE FUNCTION customers_gram_keep();"                                                    \
    "CREATE TRIGGER customers_gram_upd AFTER UPDATE OF name, address, phone, name_py ON"           \
    "  customers FOR EACH ROW EXECUTE FUNCTION customers_gram_keep();"                             \
    "CREATE FUNCTION customers_gram_rebuild() RETURNS void LANGUAGE plpgsql AS $$ BEGIN"           \
    "  TRUNCATE customers_gram, customers_gram_n;"                                                 \
    "  ALTER TABLE customers_gram DROP CONSTRAINT customers_gram_pkey;"                            \
    "  INSERT INTO customers_gram (gram, id) SELECT g, c.id FROM customers c,"                     \
    "    customer_grams(c.name, c.address, c.phone, c.name_py) g;"                                 \
    "  ALTER TABLE customers_gram ADD PRIMARY KEY (gram, id);"                                     \
    "  INSERT INTO customers_gram_n (gram, n) SELECT gram, count(*) FROM customers_gram"           \
    "    GROUP BY gram;"                                                                           \
    "  ANALYZE customers_gram; ANALYZE customers_gram_n; END $$;"                                  \
    "SELECT customers_gram_rebuild();"                                                             \
    "DROP INDEX customers_search;"

static const char pg_v10[] = PG_V10_GRAMS;

static const struct migration both[] = {{v6, pg_v6}, {v7, pg_v7},   {v8, v8},
                                        {v9, pg_v9}, {v10, pg_v10}, {v11, pg_v11}};
#define BOTH_N 6

_Static_assert(PG_BASE_VERSION + BOTH_N == STORE_SCHEMA_VERSION,
               "the PostgreSQL schema plus the later migrations reach STORE_SCHEMA_VERSION");

static const char *script_for(struct store *s, int version)
{
    if (s->be->dialect == SQL_SQLITE)
        return lite_migrations[version - 1];
    if (version <= PG_BASE_VERSION)
        return NULL; /* inside the base schema */
    return both[version - PG_BASE_VERSION - 1].pg[0] != '\0'
               ? both[version - PG_BASE_VERSION - 1].pg
               : NULL;
}

int migrate_identify(struct store *s, struct kwh_err *e)
{
    const int target = STORE_SCHEMA_VERSION;
    int version, rc;
    int64_t objects, found;

    if ((rc = s->be->objects(s, &objects, &found, e)) < 0)
        return rc;
    if (objects == 0)
        return kwh_err_set(e, KWH_EINVAL, "%s is empty: create a site with `kwhpos init`",
                           s->label);
    if ((rc = store_schema_version(s, &version, e)) < 0)
        return rc;
    if (version > target)
        return kwh_err_set(e, KWH_EINVAL,
                           "%s has schema version %d, newer than this program "
                           "understands (%d): upgrade kwhpos first",
                           s->label, version, target);
    if (version == 0 || found != 6)
        return kwh_err_set(e, KWH_EINVAL,
                           "%s is not a kwhpos database (another program's "
                           "file?): give the site's database with --db or [database] path",
                           s->label);
    return 0;
}

int migrate_none_needed(struct store *s, struct kwh_err *e)
{
    int version, rc;

    if ((rc = store_schema_version(s, &version, e)) < 0)
        return rc;
    if (version < STORE_SCHEMA_VERSION)
        return kwh_err_set(e, KWH_EDB,
                           "%s needs an upgrade to this program's schema (version %d to %d), "
                           "which cannot be written where it is: open it once on a writable "
                           "disk",
                           s->label, version, STORE_SCHEMA_VERSION);
    return 0;
}

int migrate_run(struct store *s, bool fresh, struct kwh_err *e)
{
    int version, rc;
    const int target = STORE_SCHEMA_VERSION;

    if (fresh) {
        int64_t objects, found;
        if ((rc = s->be->objects(s, &objects, &found, e)) < 0)
            return rc;
        if (objects != 0)
            return kwh_err_set(e, KWH_ECONFLICT,
                               "%s is not empty: a site is initialised once, into an empty "
                               "database (use another database, or restore a backup)",
                               s->label);
        version = 0;
    } else if ((rc = store_schema_version(s, &version, e)) < 0) {
        return rc;
    }
    if (version > target)
        return kwh_err_set(e, KWH_EDB,
                           "%s has schema version %d, newer than this program "
                           "understands (%d): upgrade kwhpos",
                           s->label, version, target);
    if (version == 0 && !fresh)
        return kwh_err_set(e, KWH_EDB, "%s is empty: create a site with `kwhpos init`", s->label);
    if (!fresh && version >= 1 && version < target) {
        /* an upgrade: the database as it was is kept before the first step, beside the
           file (SQLite) or in the station's folder (PostgreSQL: a pg_dump archive) */
        char keep[1100], dir[1024];
        struct stat sb;
        int len;
        if (s->be->dialect == SQL_SQLITE) {
            len = snprintf(keep, sizeof keep, "%s.schema-v%d.db", store_path(s), version);
        } else {
            store_local_dir(store_path(s), dir, sizeof dir);
            len = snprintf(keep, sizeof keep, "%s/kwhpos-pg.schema-v%d.db", dir, version);
        }
        if (len < 0 || len >= (int)sizeof keep)
            return kwh_err_set(e, KWH_EINVAL, "%s: path too long", s->label);
        if (stat(keep, &sb) != 0 && (rc = store_backup_to(s, keep, NULL, NULL, e)) < 0)
            return kwh_err_prefix(e, "keeping a copy before upgrading the schema from version %d",
                                  version);
    }
    if (version == 0 && s->be->dialect == SQL_PG) {
        /* PostgreSQL starts from the current base schema in one transaction */
        if ((rc = store_begin(s, e)) < 0)
            return rc;
        if (sql_exec(s, pg_base, e) < 0 || s->be->version_set(s, PG_BASE_VERSION, e) < 0) {
            store_rollback(s);
            return kwh_err_prefix(e, "creating the schema");
        }
        if ((rc = store_commit(s, e)) < 0)
            return rc;
        version = PG_BASE_VERSION;
    }
    for (; version < target; version++) {
        const char *script = script_for(s, version + 1);
        if ((rc = store_begin(s, e)) < 0)
            return rc;
        if ((script != NULL && script[0] != '\0' && sql_exec(s, script, e) < 0) ||
            (version + 1 == 7 && store_customers_fill_py(s, e) < 0) ||
            s->be->version_set(s, version + 1, e) < 0) {
            store_rollback(s);
            return kwh_err_prefix(e, "migrating the schema to version %d", version + 1);
        }
        if ((rc = store_commit(s, e)) < 0)
            return rc;
    }
    return 0;
}
