/* SPDX-License-Identifier: Apache-2.0 */
/* kwh-backends: pg (tests/run.sh runs this suite on its PostgreSQL test server only) */
/* kwh-run: alone (it stops and starts the shared server: tests/run.sh runs nothing beside it) */
/* A terminal that stays open while the PostgreSQL server goes away and comes back: the
 * next call says the server cannot be reached, and once it is back the same core
 * connects again by itself — for reads, for writes, and after a transaction the
 * server's restart cut off. The suite stops and starts the run's test server
 * (tests/pg/server.sh halt / resume on the folder KWH_TEST_PG names). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kwhpos/core.h"
#include "kwhpos/plan.h"
#include "ops.h"
#include "store/store.h"
#include "site.h"

/* tests/pg/server.sh CMD on the server of KWH_TEST_PG ("host=DIR user=kwh") */
static void server(const char *cmd)
{
    const char *pg = getenv("KWH_TEST_PG"), *top = getenv("KWH_TOP");
    char dir[256], line[600];
    if (pg == NULL || sscanf(pg, "host=%255s", dir) != 1)
        fail_msg("KWH_TEST_PG names no server folder");
    snprintf(line, sizeof line, "%s/tests/pg/server.sh %s %s", top ? top : ".", cmd, dir);
    if (system(line) != 0)
        fail_msg("%s failed", line);
}

static void reconnect__reads_and_writes_go_on_after_the_server_restarts(void **state)
{
    struct site *s = *state;
    struct kwh_customer cu;
    struct kwh_tariff *t;
    size_t n;
    int64_t id;
    struct kwh_err e;
    uint32_t no = site_open(s, 12345678, 10000);

    assert_true(site_is_pg());
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    server("halt");
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), KWH_EDB);
    if (strstr(e.msg, "database server cannot be reached") == NULL)
        fail_msg("message: %s", e.msg);
    assert_non_null(strstr(e.msg, "then try again"));
    assert_int_equal(tariff_list(s->core, &t, &n, &e), KWH_EDB);
    server("resume");
    /* the same core, no reopening */
    if (account_find(s->core, no, 0, &cu, &e) != 0)
        fail_msg("after the restart: %s", e.msg);
    assert_int_equal(cu.balance_ckwh, 10000);
    assert_int_equal(tariff_list(s->core, &t, &n, &e), 0);
    free(t);
    assert_int_equal(tariff_add(s->core, &s->admin, "临时用电", 9000, &id, &e), 0);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM tariffs WHERE name = '临时用电'"), 1);
}

static void reconnect__the_first_write_after_a_restart_is_whole(void **state)
{
    struct site *s = *state;
    struct kwh_customer cu;
    struct kwh_purchase_req p = {KWH_BY_KWH, 5000, 0, KWH_PAY_CASH};
    struct kwh_receipt r;
    struct kwh_err e;
    int64_t checked, bad, id;
    uint32_t no = site_open(s, 12345678, 10000);
    int64_t audits = site_q1(s, "SELECT count(*) FROM audit");

    /* the server goes away while the core is idle and comes back: the first write is a
       whole transaction (the tariff and its audit record) on a new connection */
    server("halt");
    server("resume");
    if (tariff_add(s->core, &s->admin, "临时用电", 9000, &id, &e) != 0)
        fail_msg("tariff: %s", e.msg);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit"), audits + 1);
    /* and a sale: intent, card, settle, on the connection made again */
    site_meter_loads(s, 10000);
    server("halt");
    server("resume");
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.purchase_count, 2);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM card_ops WHERE state = 0"), 0);
    assert_int_equal(audit_verify(s->core, &checked, &bad, &e), 0);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, site_setup, site_teardown)
        T(reconnect__reads_and_writes_go_on_after_the_server_restarts),
        T(reconnect__the_first_write_after_a_restart_is_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
