/* SPDX-License-Identifier: Apache-2.0 */
#include "site.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "store/store.h"
#include "kwhpos/util.h"
#include "ops.h"
#include "store/sql.h"

static char template_db[300];
static int64_t admin_id, seller_id, home_id, shop_id;

/* KWH_TEST_PG: the libpq connection string (without dbname) of a test server; each site
 * is then a database of its own, copied from a template database. */
static const char *pg_base(void)
{
    const char *v = getenv("KWH_TEST_PG");
    return v != NULL && v[0] != '\0' ? v : NULL;
}

bool site_is_pg(void)
{
    return pg_base() != NULL;
}

/* Runs a script on a database of the server ("postgres": its maintenance database). */
static void pg_run(const char *dbname, const char *sql)
{
    char conninfo[512];
    snprintf(conninfo, sizeof conninfo, "%s dbname=%s", pg_base(), dbname);
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("test server: %s", PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

static void pg_admin(const char *sql)
{
    pg_run("postgres", sql);
}

/* The tables of a site, and those with an identity column. */
#define PG_TABLES                                                                                  \
    "settings, operators, tariffs, tariff_prices, customers, totals, card_ops, sales, events, "    \
    "audit, sales_sum, shifts, schema_version, tariff_tiers, fee_types, sale_items, items_sum, "   \
    "arrears, reversals, areas, operator_areas, card_marks, card_seen, sales_sum_day, "            \
    "sales_sum_month, customers_gram, customers_gram_n"
static const char *const pg_tables[] = {
    "settings",       "operators",       "tariffs",        "tariff_prices", "customers",
    "totals",         "card_ops",        "sales",          "events",        "audit",
    "sales_sum",      "shifts",          "schema_version", "tariff_tiers",  "fee_types",
    "sale_items",     "items_sum",       "arrears",        "reversals",     "areas",
    "operator_areas", "card_marks",      "card_seen",      "sales_sum_day", "sales_sum_month",
    "customers_gram", "customers_gram_n"};
static const char *const pg_identity[] = {"operators",    "tariffs",   "tariff_prices", "customers",
                                          "card_ops",     "sales",     "events",        "shifts",
                                          "tariff_tiers", "fee_types", "sale_items",    "arrears",
                                          "reversals",    "areas",     "card_seen"};

/* Keeps the template's rows in the schema tpl of the same database: a site is put back
 * to them between tests (pg_reset), far faster than a new database each time. */
static void pg_keep_template(const char *dbname)
{
    char sql[4096];
    size_t o = (size_t)snprintf(sql, sizeof sql, "CREATE SCHEMA tpl;");
    for (size_t i = 0; i < sizeof pg_tables / sizeof pg_tables[0]; i++)
        o += (size_t)snprintf(sql + o, sizeof sql - o, "CREATE TABLE tpl.%s AS TABLE public.%s;",
                              pg_tables[i], pg_tables[i]);
    pg_run(dbname, sql);
}

/* The site's database as the template left it: every table emptied and refilled from
 * tpl (triggers off: the maintained tables come back as they were), identities after
 * the ids put back. */
static void pg_reset(const char *dbname)
{
    char sql[8192];
    size_t o = (size_t)snprintf(sql, sizeof sql,
                                "SET session_replication_role = replica; TRUNCATE " PG_TABLES
                                " RESTART IDENTITY;");
    for (size_t i = 0; i < sizeof pg_tables / sizeof pg_tables[0]; i++)
        o += (size_t)snprintf(sql + o, sizeof sql - o, "INSERT INTO %s SELECT * FROM tpl.%s;",
                              pg_tables[i], pg_tables[i]);
    for (size_t i = 0; i < sizeof pg_identity / sizeof pg_identity[0]; i++)
        o += (size_t)snprintf(sql + o, sizeof sql - o,
                              "SELECT setval(pg_get_serial_sequence('%s', 'id'), max(id)) FROM "
                              "%s HAVING max(id) > 0;",
                              pg_identity[i], pg_identity[i]);
    pg_run(dbname, sql);
}

static char pg_site_name[64];

static void drop_template(void)
{
    char sql[256];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS kwhtpl_%d WITH (FORCE)", (int)getpid());
    pg_admin(sql);
    if (pg_site_name[0] != '\0') {
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", pg_site_name);
        pg_admin(sql);
    }
}

const struct card_profile *site_profile(void)
{
    const char *id = getenv("KWH_CARD_PROFILE");
    const struct card_profile *p;

    if (id == NULL || id[0] == '\0')
        return cardprofile_default();
    if ((p = cardprofile_find(id)) == NULL)
        fail_msg("KWH_CARD_PROFILE=%s: no card layout has that id", id);
    return p;
}

static int64_t site_clock(void *ctx)
{
    return ((struct site *)ctx)->now;
}

static void make_template(void)
{
    static char dir[64];
    snprintf(dir, sizeof dir, "%s/kwhtpl.XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    struct kwh_init_req req = {.area_code = SITE_AREA,
                               .unit_name = "测试物业",
                               .unit_phone = "0571-1234567",
                               .demo_tariffs = true};
    struct kwh_core *c;
    struct kwh_session s, cs;
    struct kwh_tariff *t;
    struct kwh_operator *ops;
    size_t n;
    struct kwh_err e;

    /* the suites run under the test layout too (KWH_CARD_PROFILE=test) */
    str_copy(req.card_profile, sizeof req.card_profile, site_profile()->id);
    setenv("KWHPOS_TEST_PROFILES", "1", 1);
    if (pg_base() != NULL) {
        char sql[128];
        snprintf(sql, sizeof sql, "CREATE DATABASE kwhtpl_%d", (int)getpid());
        pg_admin(sql);
        atexit(drop_template);
        snprintf(template_db, sizeof template_db, "%s dbname=kwhtpl_%d", pg_base(), (int)getpid());
    } else {
        if (mkdtemp(dir) == NULL)
            fail_msg("mkdtemp failed");
        snprintf(template_db, sizeof template_db, "%s/template.db", dir);
    }
    if (core_init_site(template_db, &req, &e) < 0)
        fail_msg("init: %s", e.msg);
    if (core_open(&c, template_db, &e) < 0)
        fail_msg("open: %s", e.msg);
    if (auth_login(c, "system", "1", &s, &e) < 0 ||
        auth_change_password(c, &s, "system", "1", SITE_ADMIN_PW, SITE_ADMIN_PW, &e) < 0 ||
        auth_operator_add(c, &s, "clerk", KWH_ROLE_SELLER, "seller-first-1", "seller-first-1", &e) <
            0 ||
        auth_login(c, "clerk", "seller-first-1", &cs, &e) < 0 ||
        auth_change_password(c, &cs, "clerk", "seller-first-1", SITE_SELLER_PW, SITE_SELLER_PW,
                             &e) < 0) /* a new operator sets their own password first */
        fail_msg("operators: %s", e.msg);
    if (auth_operator_list(c, &s, &ops, &n, &e) < 0)
        fail_msg("list: %s", e.msg);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ops[i].name, "system") == 0)
            admin_id = ops[i].id;
        if (strcmp(ops[i].name, "clerk") == 0)
            seller_id = ops[i].id;
    }
    free(ops);
    if (tariff_list(c, &t, &n, &e) < 0 || n != 2)
        fail_msg("tariffs: %s", e.msg);
    home_id = t[0].id;
    shop_id = t[1].id;
    free(t);
    core_close(c);
    if (pg_base() != NULL) {
        char name[64];
        snprintf(name, sizeof name, "kwhtpl_%d", (int)getpid());
        pg_keep_template(name);
    }
}

void site_copy_file(const char *from, const char *to)
{
    char *data;
    size_t len;
    struct kwh_err e;
    if (file_read_all(from, 1u << 28, &data, &len, &e) < 0)
        fail_msg("%s", e.msg);
    if (file_write_atomic(to, data, len, 0600, &e) < 0)
        fail_msg("%s", e.msg);
    free(data);
}

int site_setup(void **state)
{
    struct site *s = calloc(1, sizeof *s);
    struct kwh_clock clock;
    struct kwh_err e;

    if (template_db[0] == '\0')
        make_template();
    /* tmpfs where there is one: synchronous=FULL makes every commit an fsync */
    snprintf(s->dir, sizeof s->dir, "%s/kwhsite.XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (mkdtemp(s->dir) == NULL)
        return -1;
    if (pg_base() != NULL) {
        /* one database per test process, put back to the template for each site */
        if (pg_site_name[0] == '\0') {
            char sql[160];
            snprintf(pg_site_name, sizeof pg_site_name, "kwhs_%d", (int)getpid());
            snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE kwhtpl_%d", pg_site_name,
                     (int)getpid());
            pg_admin(sql);
        } else {
            pg_reset(pg_site_name);
        }
        str_copy(s->pg_name, sizeof s->pg_name, pg_site_name);
        snprintf(s->db, sizeof s->db, "%s dbname=%s", pg_base(), s->pg_name);
    } else {
        snprintf(s->db, sizeof s->db, "%s/site.db", s->dir);
        site_copy_file(template_db, s->db);
    }
    if (core_open(&s->core, s->db, &e) < 0)
        fail_msg("open: %s", e.msg);
    s->card = fakecard_new();
    core_set_card_dev(s->core, fakecard_dev(s->card));
    s->now = 1795500000; /* 2026-11-24 */
    clock.now = site_clock;
    clock.ctx = s;
    core_set_clock(s->core, &clock);
    s->admin = (struct kwh_session){admin_id, "system", KWH_ROLE_ADMIN, false};
    s->seller = (struct kwh_session){seller_id, "clerk", KWH_ROLE_SELLER, false};
    s->tariff_home = home_id;
    s->tariff_shop = shop_id;
    *state = s;
    return 0;
}

int site_teardown(void **state)
{
    struct site *s = *state;
    char path[640];
    core_close(s->core);
    fakecard_free(s->card);
    static const char *const suffixes[] = {"", "-wal", "-shm", "-claims"};
    for (size_t i = 0; i < 4 && s->pg_name[0] == '\0'; i++) {
        snprintf(path, sizeof path, "%s%s", s->db, suffixes[i]);
        unlink(path);
    }
    rmdir(s->dir);
    free(s);
    return 0;
}

struct kwh_core *site_open_again(struct site *s)
{
    struct kwh_core *c;
    struct kwh_clock clock = {site_clock, s};
    struct kwh_err e;
    if (core_open(&c, s->db, &e) < 0)
        fail_msg("open again: %s", e.msg);
    core_set_card_dev(c, fakecard_dev(s->card));
    core_set_clock(c, &clock);
    return c;
}

struct kwh_account_req site_account(struct site *s, uint32_t meter_no, const char *name)
{
    struct kwh_account_req a;
    memset(&a, 0, sizeof a);
    str_copy(a.name, sizeof a.name, name);
    str_copy(a.address, sizeof a.address, "一号楼 101");
    str_copy(a.phone, sizeof a.phone, "13800000000");
    a.meter.meter_no = meter_no;
    a.meter.meter_type = KWH_METER_SINGLE;
    a.meter.rating_a = 60;
    a.meter.current_limit_a = 40;
    a.meter.alarm_ckwh = 1000;
    a.meter.overdraft_ckwh = 500;
    a.meter.hoard_ckwh = 200000;
    a.meter.ct_ratio = 1;
    a.tariff_id = s->tariff_home;
    return a;
}

uint32_t site_open(struct site *s, uint32_t meter_no, int64_t ckwh)
{
    struct kwh_account_req a = site_account(s, meter_no, "张三");
    struct kwh_purchase_req p = {ckwh > 0 ? KWH_BY_KWH : KWH_BY_NONE, ckwh, 0, KWH_PAY_CASH, ""};
    struct kwh_receipt r;
    struct kwh_err e;
    fakecard_blank(s->card);
    if (ops_open(s->core, &s->seller, &a, &p, &r, &e) < 0)
        fail_msg("open account: %s", e.msg);
    return r.customer.customer_no;
}

void site_meter_writes(struct site *s, const struct kwh_card_return *r)
{
    struct store *db;
    struct kwh_site_keys keys;
    uint8_t secret[KWH_SECRET_LEN];
    char area[16];
    bool found;
    struct kwh_err e;

    if (store_open(&db, s->db, false, &e) < 0 || store_secret_get(db, secret, &e) < 0 ||
        store_setting_get(db, "area_code", area, sizeof area, &found, &e) < 0 ||
        card_keys_derive(&keys, secret, area, &e) < 0)
        fail_msg("meter keys: %s", e.msg);
    store_close(db);
    card_encode_return(site_profile(), s->card->img, r, keys.mac_key);
    card_erase_keys(site_profile(), s->card->img);
}

void site_meter_loads(struct site *s, int64_t remaining_ckwh)
{
    struct kwh_card card;
    struct kwh_card_return r;
    struct kwh_err e;

    if (card_decode(site_profile(), s->card->img, NULL, &card, &e) < 0)
        fail_msg("meter: %s", e.msg);
    memset(&r, 0, sizeof r);
    r.meter_no = card.meter_no;
    r.loaded_count = card.purchase_count;
    r.status = CARD_RS_LOADED;
    r.remaining_ckwh = (int32_t)remaining_ckwh;
    r.generation = card.generation;
    r.time = (uint32_t)++s->now;
    site_meter_writes(s, &r);
}

void site_meter_refund_card(struct site *s, int64_t remaining_ckwh, int loaded_count)
{
    struct kwh_card card;
    struct kwh_card_return r;
    struct kwh_err e;

    if (card_decode(site_profile(), s->card->img, NULL, &card, &e) < 0)
        fail_msg("meter: %s", e.msg);
    memset(&r, 0, sizeof r);
    r.meter_no = card.meter_no;
    r.loaded_count = (uint16_t)loaded_count;
    r.status = CARD_RS_REFUNDED | CARD_RS_TRIPPED;
    r.remaining_ckwh = (int32_t)remaining_ckwh;
    r.generation = card.generation;
    r.time = (uint32_t)++s->now;
    site_meter_writes(s, &r);
}

int64_t site_balance(struct site *s, uint32_t customer_no)
{
    struct kwh_customer cu;
    struct kwh_err e;
    if (account_find(s->core, customer_no, 0, &cu, &e) < 0)
        fail_msg("find: %s", e.msg);
    return cu.balance_ckwh;
}

/* The site's database through the store's own statement layer (either backend). sql
 * is prepared afresh: the store is opened and closed around it. */
struct store *site_store(struct site *s)
{
    struct store *db;
    struct kwh_err e;
    if (store_open(&db, s->db, false, &e) < 0)
        fail_msg("open %s: %s", s->db, e.msg);
    return db;
}

int64_t site_q1_in(struct store *db, const char *sql)
{
    struct kwh_err e;
    int64_t v = 0;
    sql_stmt *st = sql_prep(db, sql, &e);

    if (st == NULL || sql_int(db, st, 0, &v, &e) < 0)
        fail_msg("%s: %s", sql, e.msg);
    return v;
}

int64_t site_q1(struct site *s, const char *sql)
{
    struct store *db = site_store(s);
    int64_t v = site_q1_in(db, sql);
    store_close(db);
    return v;
}

size_t site_blob(struct site *s, const char *sql, void *buf, size_t n)
{
    struct store *db = site_store(s);
    struct kwh_err e;
    size_t len = 0;
    sql_stmt *st = sql_prep(db, sql, &e);
    int rc = 0;

    if (st == NULL || (rc = sql_row(db, st, &e)) < 0)
        fail_msg("%s: %s", sql, e.msg);
    if (rc == 1) {
        len = st->be->col_blob(st, 0, buf, n);
        sql_reset(st);
    }
    store_close(db);
    return len;
}

/* Version 10 undone on PostgreSQL: pg_trgm's index back, the trigram tables gone. */
/* Version 11 undone (the station kept with card writes), as the start of a script. */
#define BACK_FROM_11 "ALTER TABLE card_ops DROP COLUMN station;"

#define PG_UNDO_10                                                                                 \
    "DROP TRIGGER customers_gram_ins ON customers; DROP TRIGGER customers_gram_upd ON customers;"  \
    "DROP FUNCTION customers_gram_keep(); DROP FUNCTION customers_gram_rebuild();"                 \
    "DROP TABLE customers_gram, customers_gram_n;"                                                 \
    "DROP FUNCTION customer_grams(TEXT, TEXT, TEXT, TEXT);"                                        \
    "CREATE INDEX customers_search ON customers USING gin ((name || ' ' || address || ' ' || "     \
    "phone || ' ' || name_py) gin_trgm_ops);"

/* The columns of sales before version 6, after its id (SQLite rebuilds the table). */
#define SALES_V5                                                                                   \
    "op_id, kind, state, customer_id, meter_no, purchase_count, energy_ckwh, adjust_ckwh, "        \
    "free_ckwh, price, tariff_id, amount_fen, fee_fen, pay_method, by_amount, operator_id, "       \
    "created, settled, replaces_id, invoice_no, reprints, printed, customer_name, "                \
    "customer_address, customer_phone, tariff_name"
void site_schema_back_to_5(struct site *s, const char *then)
{
    /* versions 11, 10, 9, 8 and 7 undone, then version 6 (the money rules) */
    static const char pg[] = BACK_FROM_11 PG_UNDO_10
        "DROP TRIGGER sales_month_ins ON sales; DROP TRIGGER sales_month_upd ON sales;"
        "DROP FUNCTION sales_month_keep(); DROP FUNCTION sales_month_add(sales, BIGINT);"
        "DROP TABLE sales_sum_month; DROP INDEX customers_name_id; DROP INDEX customers_py_id;"
        "DROP INDEX customers_arrears; ALTER TABLE tariffs DROP COLUMN kind;"
        "DROP TRIGGER sales_day_ins ON sales; DROP TRIGGER sales_day_upd ON sales;"
        "DROP FUNCTION sales_day_keep(); DROP FUNCTION sales_day_add(sales, BIGINT);"
        "DROP INDEX customers_search; DROP TABLE sales_sum_day, card_seen, card_marks,"
        " operator_areas; ALTER TABLE customers DROP COLUMN area_id;"
        "ALTER TABLE customers DROP COLUMN name_py; DROP TABLE areas;"
        "DROP TABLE reversals, arrears, sale_items, items_sum, fee_types, tariff_tiers;"
        "DROP FUNCTION items_sum_item();"
        "DROP TRIGGER sales_sum_ins ON sales; DROP TRIGGER sales_sum_upd ON sales;"
        "DROP FUNCTION sales_sum_keep(); DROP FUNCTION sales_sum_add(sales, BIGINT);"
        "ALTER TABLE sales DROP COLUMN arrears_fen, DROP COLUMN pay_ref, DROP COLUMN reverses_id,"
        " DROP COLUMN period_start, DROP COLUMN fee_month, DROP CONSTRAINT sales_pay_method_check,"
        " ADD CONSTRAINT sales_pay_method_check CHECK (pay_method BETWEEN 0 AND 4);"
        "ALTER TABLE sales_sum DROP COLUMN arrears_fen;"
        "ALTER TABLE tariff_prices DROP COLUMN period_months, DROP COLUMN period_start;"
        "ALTER TABLE customers DROP COLUMN period_start, DROP COLUMN period_ckwh,"
        " DROP COLUMN tier_extra_ckwh, DROP COLUMN arrears_fen, DROP COLUMN fee_month,"
        " DROP COLUMN recovery_mode, DROP COLUMN recovery_value;"
        /* the summary's triggers of version 5 */
        "CREATE FUNCTION sales_sum_add(r sales, sg BIGINT) RETURNS void LANGUAGE sql AS $$"
        "  INSERT INTO sales_sum AS m (hour, operator_id, kind, pay_method, n, energy_ckwh,"
        "  adjust_ckwh, free_ckwh, amount_fen, fee_fen) VALUES (r.created / 3600,"
        "  r.operator_id, r.kind, r.pay_method, sg, sg * r.energy_ckwh, sg * r.adjust_ckwh,"
        "  sg * r.free_ckwh, sg * r.amount_fen, sg * r.fee_fen) ON CONFLICT (hour, operator_id,"
        "  kind, pay_method) DO UPDATE SET n = m.n + excluded.n, energy_ckwh = m.energy_ckwh +"
        "  excluded.energy_ckwh, adjust_ckwh = m.adjust_ckwh + excluded.adjust_ckwh, free_ckwh ="
        "  m.free_ckwh + excluded.free_ckwh, amount_fen = m.amount_fen + excluded.amount_fen,"
        "  fee_fen = m.fee_fen + excluded.fee_fen $$;"
        "CREATE FUNCTION sales_sum_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        "  IF TG_OP <> 'INSERT' AND OLD.state = 1 THEN PERFORM sales_sum_add(OLD, -1); END IF;"
        "  IF TG_OP <> 'DELETE' AND NEW.state = 1 THEN PERFORM sales_sum_add(NEW, 1); END IF;"
        "  RETURN NULL; END $$;"
        "CREATE TRIGGER sales_sum_ins AFTER INSERT OR DELETE ON sales FOR EACH ROW "
        "  EXECUTE FUNCTION sales_sum_keep();"
        "CREATE TRIGGER sales_sum_upd AFTER UPDATE OF state, kind, operator_id, pay_method,"
        "  created, energy_ckwh, adjust_ckwh, free_ckwh, amount_fen, fee_fen ON sales FOR EACH"
        "  ROW EXECUTE FUNCTION sales_sum_keep();"
        "UPDATE schema_version SET version = 5;";
    static const char lite[] =
        "ALTER TABLE card_ops DROP COLUMN station;"
        "DROP TRIGGER sales_month_ins; DROP TRIGGER sales_month_upd_old;"
        "DROP TRIGGER sales_month_upd_new; DROP TRIGGER sales_month_del; DROP TABLE "
        "sales_sum_month;"
        "DROP INDEX customers_arrears; ALTER TABLE tariffs DROP COLUMN kind;"
        "DROP TRIGGER customers_fts_ins; DROP TRIGGER customers_fts_upd;"
        "DROP TRIGGER customers_fts_del; DROP TABLE customers_fts;"
        "DROP TRIGGER sales_day_ins; DROP TRIGGER sales_day_upd_old;"
        "DROP TRIGGER sales_day_upd_new; DROP TRIGGER sales_day_del;"
        "DROP TABLE sales_sum_day; DROP TABLE card_seen; DROP TABLE card_marks;"
        "DROP TABLE operator_areas; DROP INDEX customers_area; DROP INDEX customers_py;"
        "ALTER TABLE customers DROP COLUMN area_id; ALTER TABLE customers DROP COLUMN name_py;"
        "DROP TABLE areas;"
        /* version 6: its tables, its columns, sales as before it (the rebuild takes the
           summary's triggers with the old table; version 6 makes them again) */
        "DROP TABLE reversals; DROP TABLE arrears; DROP TABLE sale_items; DROP TABLE items_sum;"
        "DROP TABLE fee_types; DROP TABLE tariff_tiers;"
        "CREATE TABLE sales_v5 (id INTEGER PRIMARY KEY, " SALES_V5 ");"
        "INSERT INTO sales_v5 SELECT id, " SALES_V5 " FROM sales;"
        "DROP TABLE sales; ALTER TABLE sales_v5 RENAME TO sales;"
        "ALTER TABLE sales_sum DROP COLUMN arrears_fen;"
        "ALTER TABLE tariff_prices DROP COLUMN period_months;"
        "ALTER TABLE tariff_prices DROP COLUMN period_start;"
        "ALTER TABLE customers DROP COLUMN period_start;"
        "ALTER TABLE customers DROP COLUMN period_ckwh;"
        "ALTER TABLE customers DROP COLUMN tier_extra_ckwh;"
        "ALTER TABLE customers DROP COLUMN arrears_fen;"
        "ALTER TABLE customers DROP COLUMN fee_month;"
        "ALTER TABLE customers DROP COLUMN recovery_mode;"
        "ALTER TABLE customers DROP COLUMN recovery_value;"
        "PRAGMA user_version = 5;";
    char sql[8192];
    snprintf(sql, sizeof sql, "%s%s", site_is_pg() ? pg : lite, then != NULL ? then : "");
    site_exec(s, sql);
}

void site_schema_back_to_9(struct site *s)
{
    site_exec(s, site_is_pg() ? BACK_FROM_11 PG_UNDO_10 "UPDATE schema_version SET version = 9;"
                              : BACK_FROM_11 "PRAGMA user_version = 9;");
}

/* In one script: opening the store between two steps would migrate it again. */
void site_schema_back_to_8(struct site *s)
{
    site_exec(s, site_is_pg() ? BACK_FROM_11 PG_UNDO_10
                     "DROP TRIGGER sales_month_ins ON sales; DROP TRIGGER sales_month_upd ON sales;"
                     "DROP FUNCTION sales_month_keep();"
                     "DROP FUNCTION sales_month_add(sales, BIGINT); DROP TABLE sales_sum_month;"
                     "DROP INDEX customers_name_id; DROP INDEX customers_py_id;"
                     "UPDATE schema_version SET version = 8;"
                              : BACK_FROM_11
                     "DROP TRIGGER sales_month_ins; DROP TRIGGER sales_month_upd_old;"
                     "DROP TRIGGER sales_month_upd_new; DROP TRIGGER sales_month_del;"
                     "DROP TABLE sales_sum_month; PRAGMA user_version = 8;");
}

void site_exec(struct site *s, const char *sql)
{
    struct store *db = site_store(s);
    struct kwh_err e;
    if (sql_exec(db, sql, &e) < 0)
        fail_msg("%s: %s", sql, e.msg);
    store_close(db);
}
