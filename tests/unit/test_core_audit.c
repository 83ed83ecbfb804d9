/* SPDX-License-Identifier: Apache-2.0 */
/* kwh-backends: sqlite pg (tests/run.sh runs this suite on SQLite and on PostgreSQL) */
/* The audit log: every operation leaves a record, and a hand-edited, removed or
 * reordered record is found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kwhpos/core.h"
#include "site.h"

static void exec(struct site *s, const char *sql)
{
    site_exec(s, sql);
}

static int64_t count(struct site *s, const char *sql)
{
    return site_q1(s, sql);
}

static void busy_day(struct site *s)
{
    struct kwh_purchase_req p = {KWH_BY_AMOUNT, 2000, 0, KWH_PAY_CASH};
    struct kwh_err e;
    uint32_t no = site_open(s, 12345678, 10000);
    site_meter_loads(s, 10000);
    assert_int_equal(vend_sell(s->core, &s->seller, no, &p, NULL, &e), 0);
    assert_int_equal(account_transfer(s->core, &s->seller, no, "王五", "", "", &e), 0);
    assert_int_equal(settings_set_unit(s->core, &s->admin, "新物业", "", &e), 0);
}

static void audit__records_every_operation_with_who_and_what(void **state)
{
    struct site *s = *state;
    int64_t checked, bad;
    struct kwh_err e;

    busy_day(s);
    assert_int_equal(audit_verify(s->core, &checked, &bad, &e), 0);
    assert_int_equal(bad, 0);
    assert_true(checked >= 8);
    assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE op = 'sale' AND operator = 'clerk' "
                              "AND after LIKE '%amount=2000%'"),
                     1);
    assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE op = 'transfer' "
                              "AND before LIKE '%name=张三%' AND after LIKE '%name=王五%'"),
                     1);
    assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE op = 'unit' AND operator = "
                              "'system'"),
                     1);
    assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE op = 'card-settle'"), 2);
}

static void audit__finds_a_hand_edited_record(void **state)
{
    struct site *s = *state;
    int64_t checked, bad, target;
    struct kwh_err e;

    busy_day(s);
    target = count(s, "SELECT id FROM audit WHERE op = 'sale'");
    exec(s, "UPDATE audit SET after = replace(after, 'amount=2000', 'amount=200') "
            "WHERE op = 'sale'");
    assert_int_equal(audit_verify(s->core, &checked, &bad, &e), 0);
    assert_int_equal(bad, target);
    assert_int_equal(checked, target - 1);
}

static void audit__finds_a_removed_record_and_a_removed_tail(void **state)
{
    struct site *s = *state;
    int64_t checked, bad, last;
    struct kwh_err e;

    busy_day(s);
    last = count(s, "SELECT max(id) FROM audit");
    exec(s, "DELETE FROM audit WHERE id = 3");
    assert_int_equal(audit_verify(s->core, &checked, &bad, &e), 0);
    assert_int_equal(bad, 3);
    exec(s, "DELETE FROM audit WHERE id >= 3");
    assert_int_equal(audit_verify(s->core, &checked, &bad, &e), 0);
    assert_int_equal(bad, 3); /* the head kept in the settings says more should follow */
    (void)last;
}

static void audit__survives_an_area_code_change(void **state)
{
    struct site *s = *state;
    int64_t checked, bad;
    struct kwh_err e;

    busy_day(s);
    assert_int_equal(settings_set_area_code(s->core, &s->admin, "123123", true, &e), 0);
    assert_int_equal(audit_verify(s->core, &checked, &bad, &e), 0);
    assert_int_equal(bad, 0);
    assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE op = 'area-code' "
                              "AND after LIKE '%forced=1%'"),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, site_setup, site_teardown)
        T(audit__records_every_operation_with_who_and_what),
        T(audit__finds_a_hand_edited_record),
        T(audit__finds_a_removed_record_and_a_removed_tail),
        T(audit__survives_an_area_code_change),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
