/* SPDX-License-Identifier: Apache-2.0 */
/* kwh-backends: sqlite pg (tests/run.sh runs this suite on SQLite and on PostgreSQL) */
/* The store's pieces the plans stand on, on both backends: an account update writes its
 * column groups and no other; the settings version counts every change; a tariff's
 * current price row; the last sale among a set of kinds; an account's pending writes by
 * id; the station kept with each card write (and none for one recorded before version 11);
 * the money a re-sale returns, found by the kinds that replace a sale; a binding that
 * cannot be made is an ordinary error, not an abort. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kwhpos/core.h"
#include "kwhpos/model.h"
#include "kwhpos/plan.h"
#include "kwhpos/util.h"
#include "ops.h"
#include "site.h"
#include "store/store.h"
#include "store/sql.h"
#include "store/store_query.h"

#define METER 12345678

static struct kwh_purchase_req by_kwh(int64_t ckwh)
{
    return (struct kwh_purchase_req){KWH_BY_KWH, ckwh, 0, KWH_PAY_CASH, ""};
}

static int64_t customer_id(struct site *s, uint32_t no)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT id FROM customers WHERE customer_no = %u", no);
    return site_q1(s, sql);
}

static void store__an_update_writes_only_its_groups(void **state)
{
    struct site *s = *state;
    struct store *db = site_store(s);
    struct kwh_customer cu, again;
    struct kwh_err e;
    uint32_t no = site_open(s, METER, 10000);

    assert_int_equal(store_customer_get(db, customer_id(s, no), &cu, &e), 0);
    /* the row as this terminal saw it, with every field changed in memory */
    str_copy(cu.name, sizeof cu.name, "李四");
    str_copy(cu.phone, sizeof cu.phone, "13900000000");
    cu.balance_ckwh = 777;
    cu.purchase_count = 99;
    cu.meter.current_limit_a = 7;
    cu.status = KWH_CUST_CLOSED;
    assert_int_equal(store_customer_update(db, &cu, STORE_CU_PERSON, &e), 0);
    assert_int_equal(store_customer_get(db, cu.id, &again, &e), 0);
    assert_string_equal(again.name, "李四");
    assert_string_equal(again.phone, "13900000000");
    assert_int_equal(again.balance_ckwh, 10000);
    assert_int_equal(again.purchase_count, 1);
    assert_int_equal(again.meter.current_limit_a, 40);
    assert_int_equal(again.status, KWH_CUST_OPEN);
    /* another set of groups: a statement of its own */
    assert_int_equal(store_customer_update(db, &cu, STORE_CU_BALANCE | STORE_CU_PARAMS, &e), 0);
    assert_int_equal(store_customer_get(db, cu.id, &again, &e), 0);
    assert_int_equal(again.balance_ckwh, 777);
    assert_int_equal(again.meter.current_limit_a, 7);
    assert_int_equal(again.purchase_count, 1);
    assert_int_equal(again.status, KWH_CUST_OPEN);
    /* no groups: nothing */
    assert_int_equal(store_customer_update(db, &cu, 0, &e), 0);
    assert_int_equal(store_customer_get(db, cu.id, &again, &e), 0);
    assert_int_equal(again.status, KWH_CUST_OPEN);
    store_close(db);
}

static void store__the_settings_version_counts_every_change(void **state)
{
    struct site *s = *state;
    struct store *db = site_store(s);
    struct kwh_err e;
    int64_t v0, v;

    assert_int_equal(store_settings_version(db, &v0, &e), 0);
    assert_int_equal(store_settings_bump(db, &e), 0);
    assert_int_equal(store_settings_bump(db, &e), 0);
    assert_int_equal(store_settings_version(db, &v, &e), 0);
    assert_int_equal(v, v0 + 2);
    /* a setting changed through the core bumps it too */
    assert_int_equal(settings_set_unit(s->core, &s->admin, "幸福小区物业", "0571-1", &e), 0);
    assert_int_equal(store_settings_version(db, &v0, &e), 0);
    assert_int_equal(v0, v + 1);
    store_close(db);
}

static void store__a_tariff_names_its_current_price_row(void **state)
{
    struct site *s = *state;
    struct store *db = site_store(s);
    struct kwh_tariff t, again;
    struct kwh_err e;

    assert_int_equal(store_tariff_get(db, s->tariff_home, s->now, &t, &e), 0);
    assert_true(t.price_id > 0);
    assert_int_equal(t.price, 5283);
    assert_int_equal(store_tariff_set_price(db, t.id, 5600, s->now, 1, &e), 0);
    assert_int_equal(store_tariff_get(db, t.id, s->now, &again, &e), 0);
    assert_int_equal(again.price, 5600);
    assert_true(again.price_id > t.price_id);
    /* the same price again is still a new row: a plan built on the old one is stale */
    assert_int_equal(store_tariff_set_price(db, t.id, 5600, s->now, 1, &e), 0);
    assert_int_equal(store_tariff_get(db, t.id, s->now, &t, &e), 0);
    assert_true(t.price_id > again.price_id);
    store_close(db);
}

static void store__the_last_sale_among_kinds(void **state)
{
    struct site *s = *state;
    struct store *db = site_store(s);
    struct kwh_purchase_req p = by_kwh(2000);
    struct kwh_receipt r;
    struct kwh_sale sale;
    struct kwh_err e;
    uint32_t no = site_open(s, METER, 10000);
    int64_t id = customer_id(s, no), purchases = model_op_kinds(KWH_OPF_PURCHASE);

    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(store_sale_last_of_kinds(db, id, purchases, INT64_MAX, &sale, &e), 0);
    assert_int_equal(sale.kind, KWH_OP_SALE);
    assert_int_equal(sale.energy_ckwh, 2000);
    /* before that sale: the opening */
    assert_int_equal(store_sale_last_of_kinds(db, id, purchases, sale.id, &sale, &e), 0);
    assert_int_equal(sale.kind, KWH_OP_OPEN);
    /* only openings */
    assert_int_equal(
        store_sale_last_of_kinds(db, id, (int64_t)1 << KWH_OP_OPEN, INT64_MAX, &sale, &e), 0);
    assert_int_equal(sale.kind, KWH_OP_OPEN);
    /* no kind at all, or a kind it never had */
    assert_int_equal(store_sale_last_of_kinds(db, id, 0, INT64_MAX, &sale, &e), KWH_ENOTFOUND);
    assert_int_equal(
        store_sale_last_of_kinds(db, id, (int64_t)1 << KWH_OP_REFUND, INT64_MAX, &sale, &e),
        KWH_ENOTFOUND);
    store_close(db);
}

static void store__an_accounts_pending_writes_by_id(void **state)
{
    struct site *s = *state;
    struct store *db = site_store(s);
    struct kwh_purchase_req p = by_kwh(1000);
    struct kwh_receipt r;
    struct kwh_err e;
    int64_t ids[1];
    size_t n;
    uint32_t no = site_open(s, METER, 10000);
    int64_t id = customer_id(s, no);

    assert_int_equal(store_ops_pending_for_customer(db, id, ids, 1, &n, &e), 0);
    assert_int_equal(n, 0);
    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    /* both writes made pending again behind the core's back: counted, the first listed */
    site_exec(s, "UPDATE card_ops SET state = 0");
    assert_int_equal(store_ops_pending_for_customer(db, id, ids, 1, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], site_q1(s, "SELECT min(id) FROM card_ops"));
    assert_int_equal(store_ops_pending_for_customer(db, id, NULL, 0, &n, &e), 0);
    assert_int_equal(n, 2);
    site_exec(s, "UPDATE card_ops SET state = 1");
    store_close(db);
}

/* The station a card write was recorded at ([station] name) is kept with it, whichever
 * terminal on the database reads it back; a write recorded before version 11 has none. */
static void store__a_card_write_keeps_its_station(void **state)
{
    struct site *s = *state;
    struct kwh_core *west = site_open_again(s); /* a second station on the same database */
    struct store *db;
    struct kwh_purchase_req p = by_kwh(1000);
    struct kwh_receipt r;
    struct kwh_pending_write *w;
    struct store_op op;
    struct kwh_err e;
    char host[256], cut[KWH_STATION_MAX];
    size_t n;
    int64_t opened, sold;
    uint32_t no;

    core_set_station(s->core, "东区营业厅");
    core_set_station(west, "西区 2");
    no = site_open(s, METER, 10000);
    opened = site_q1(s, "SELECT max(id) FROM card_ops");
    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(west, &s->seller, no, &p, &r, &e), 0);
    sold = site_q1(s, "SELECT max(id) FROM card_ops");
    assert_true(sold > opened);
    db = site_store(s);
    assert_int_equal(store_op_get(db, opened, &op, &e), 0);
    assert_string_equal(op.station, "东区营业厅");
    assert_int_equal(store_op_get(db, sold, &op, &e), 0);
    assert_string_equal(op.station, "西区 2");
    /* both waiting for their card, as after two kills: either station's list names both */
    site_exec(s, "UPDATE card_ops SET state = 0");
    assert_int_equal(pending_list(west, &w, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(w[0].op_id, opened);
    assert_string_equal(w[0].station, "东区营业厅");
    assert_int_equal(w[1].op_id, sold);
    assert_string_equal(w[1].station, "西区 2");
    free(w);
    site_exec(s, "UPDATE card_ops SET state = 1");
    store_close(db);

    /* the database taken back to version 9 with a write pending: migrated when a station
       opens it, the old write without a station, the next one with its own */
    core_close(west);
    core_close(s->core);
    s->core = NULL;
    site_exec(s, "UPDATE card_ops SET state = 0 WHERE id = (SELECT max(id) FROM card_ops)");
    site_schema_back_to_9(s); /* (anything opening the store now migrates it) */
    s->core = site_open_again(s);
    if (!site_is_pg()) { /* the copy the upgrade from version 9 kept beside the file */
        char kept[700];
        snprintf(kept, sizeof kept, "%s.schema-v9.db", s->db);
        assert_int_equal(unlink(kept), 0);
    }
    assert_int_equal(pending_list(s->core, &w, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(w[0].op_id, sold);
    assert_string_equal(w[0].station, "");
    free(w);
    site_exec(s, "UPDATE card_ops SET state = 1");
    core_set_station(s->core, "东区营业厅");
    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    db = site_store(s);
    assert_int_equal(store_op_get(db, site_q1(s, "SELECT max(id) FROM card_ops"), &op, &e), 0);
    assert_string_equal(op.station, "东区营业厅");
    store_close(db);

    /* a name too long is cut at a character; none at all is the host name */
    core_set_station(s->core, "一二三四五六七八九十一二三四五六七八");
    assert_string_equal(core_station(s->core), "一二三四五六七八九十一二三四五");
    assert_int_equal(gethostname(host, sizeof host), 0);
    host[sizeof host - 1] = '\0';
    str_copy(cut, sizeof cut, host);
    core_set_station(s->core, "");
    assert_string_equal(core_station(s->core), cut);
    core_set_station(s->core, "a\tb"); /* not one clean line: the host name too */
    assert_string_equal(core_station(s->core), cut);
}

static int add_group(void *ctx, int kind, int pay, bool refund_out, const struct store_sums *m)
{
    int64_t *got = ctx;
    (void)refund_out;
    got[0] += m->n;
    got[1] += m->amount_fen;
    got[2] = kind;
    got[3] = pay;
    return 0;
}

static void store__a_resale_returns_the_sale_it_replaces(void **state)
{
    struct site *s = *state;
    struct store *db = site_store(s);
    struct kwh_purchase_req p = by_kwh(2000), again = by_kwh(1000);
    struct kwh_receipt r, r2;
    struct kwh_err e;
    struct store_shift_q q = {s->seller.operator_id, 0, INT64_MAX, 0, INT64_MAX, NULL};
    int64_t got[4] = {0};
    uint32_t no = site_open(s, METER, 10000);

    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(ops_resell(s->core, &s->seller, no, &again, &r2, &e), 0);
    assert_int_equal(
        store_shift_returns(db, &q, model_op_kinds(KWH_OPF_REPLACES), add_group, got, &e), 0);
    assert_int_equal(got[0], 1);
    assert_int_equal(got[1], r.sale.amount_fen);
    assert_int_equal(got[2], KWH_OP_RESALE);
    assert_int_equal(got[3], KWH_PAY_CASH);
    memset(got, 0, sizeof got);
    assert_int_equal(store_shift_returns(db, &q, (int64_t)1 << KWH_OP_SALE, add_group, got, &e), 0);
    assert_int_equal(got[0], 0);
    store_close(db);
}

static void store__a_bad_binding_is_an_error_not_an_abort(void **state)
{
    struct site *s = *state;
    struct store *db = site_store(s);
    struct kwh_err e;
    sql_stmt *st;
    int64_t n;

    st = sql_prep(db, "SELECT count(*) FROM customers WHERE id > :id", &e);
    assert_non_null(st);
    sql_i64(st, ":id", 0);
    sql_i64(st, ":nope", 1); /* a programmer's error */
    assert_int_equal(sql_int(db, st, -1, &n, &e), KWH_EDB);
    assert_non_null(strstr(e.msg, "no parameter :nope"));
    /* the statement is usable again */
    st = sql_prep(db, "SELECT count(*) FROM customers WHERE id > :id", &e);
    sql_i64(st, ":id", 0);
    assert_int_equal(sql_int(db, st, -1, &n, &e), 0);
    assert_int_equal(n, 0);
    store_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, site_setup, site_teardown)
        T(store__an_update_writes_only_its_groups),
        T(store__the_settings_version_counts_every_change),
        T(store__a_tariff_names_its_current_price_row),
        T(store__the_last_sale_among_kinds),
        T(store__an_accounts_pending_writes_by_id),
        T(store__a_card_write_keeps_its_station),
        T(store__a_resale_returns_the_sale_it_replaces),
        T(store__a_bad_binding_is_an_error_not_an_abort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
