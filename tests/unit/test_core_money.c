/* SPDX-License-Identifier: Apache-2.0 */
/* kwh-backends: sqlite pg (tests/run.sh runs this suite on SQLite and on PostgreSQL) */
/* The money rules of commercial vending against a real database and the fake card:
 * refunds that pay out only what was paid, the old meter's remaining energy at a meter
 * change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakecard.h"
#include "kwhpos/card.h"
#include "kwhpos/core.h"
#include "kwhpos/plan.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "check.h"
#include "site.h"
#include "ops.h"

static struct kwh_purchase_req by_kwh(int64_t ckwh, int64_t adjust)
{
    return (struct kwh_purchase_req){KWH_BY_KWH, ckwh, adjust, KWH_PAY_CASH, ""};
}

/* A tariff at price, and an account on it opened on a blank card with request p. */
static uint32_t open_at(struct site *s, int64_t price, uint32_t meter,
                        const struct kwh_purchase_req *p)
{
    struct kwh_account_req a = site_account(s, meter, "王五");
    struct kwh_receipt r;
    struct kwh_err e;
    char name[32];

    snprintf(name, sizeof name, "t%lld-%u", (long long)price, (unsigned)meter);
    if (tariff_add(s->core, &s->admin, name, price, &a.tariff_id, &e) < 0)
        fail_msg("tariff: %s", e.msg);
    fakecard_blank(s->card);
    if (ops_open(s->core, &s->seller, &a, p, &r, &e) < 0)
        fail_msg("open: %s", e.msg);
    return r.customer.customer_no;
}

/* What a meter writes on a refund card: its remaining credit, tripped. */
static void meter_takes_refund_card(struct site *s, int64_t remaining, int loaded_count)
{
    struct kwh_card card;
    struct kwh_card_return r;
    assert_int_equal(card_decode(s->card->img, NULL, &card, NULL), 0);
    memset(&r, 0, sizeof r);
    r.meter_no = card.meter_no;
    r.loaded_count = (uint16_t)loaded_count;
    r.status = CARD_RS_REFUNDED | CARD_RS_TRIPPED;
    r.remaining_ckwh = (int32_t)remaining;
    r.generation = card.generation;
    r.time = (uint32_t)++s->now;
    site_meter_writes(s, &r);
}

/* The case: opened with 100 kWh paid (60.00 yuan at 0.6000) and 50 kWh of 调剂,
 * 10 kWh used, then 制退电卡, the meter, 读卡退电: 140 kWh are left, of which only the
 * 100 kWh paid for are paid back, at what was paid. Before: 140 kWh, 84.00 yuan. */
static void refund__pays_back_only_what_was_paid_after_an_adjustment(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(10000, 5000);
    uint32_t no = open_at(s, 6000, 12345678, &p);
    struct kwh_plan_view q;
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 15000);
    assert_int_equal(ops_refund_card(s->core, &s->seller, no, &e), 0);
    meter_takes_refund_card(s, 14000, 1); /* 10 kWh used */
    assert_int_equal(ops_refund_quote(s->core, &s->seller, &q, &e), 0);
    assert_int_equal(q.remaining_ckwh, 14000);
    assert_int_equal(q.refund_ckwh, 10000);
    assert_int_equal(q.kept_ckwh, 4000);
    assert_int_equal(q.refund_fen, 6000);
    assert_int_equal(ops_refund(s->core, &s->seller, no, KWH_PAY_CASH, &r, &e), 0);
    assert_int_equal(r.sale.amount_fen, -6000);
    assert_int_equal(r.sale.energy_ckwh, -10000);
}

/* The same leak through 找补 (M35): a purchase with adjustment energy refunded before
 * the meter took any of it: the adjustment is not money. */
static void refund__never_turns_adjustment_energy_into_cash(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(10000, 0), adj = by_kwh(2000, 8000);
    uint32_t no = open_at(s, 6000, 12345678, &p);
    struct kwh_plan_view q;
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 10000);
    /* 20 kWh bought with 80 kWh of 调剂, never loaded into the meter */
    assert_int_equal(ops_sell(s->core, &s->seller, no, &adj, &r, &e), 0);
    assert_int_equal(r.sale.amount_fen, 1200);
    assert_int_equal(ops_refund_card(s->core, &s->seller, no, &e), 0);
    meter_takes_refund_card(s, 10000, 1); /* nothing used */
    assert_int_equal(ops_refund_quote(s->core, &s->seller, &q, &e), 0);
    assert_int_equal(q.unloaded_ckwh, 10000);
    /* 200 kWh left; the purchases paid for 120 kWh: 72.00 yuan, not 120.00 */
    assert_int_equal(q.refund_ckwh, 12000);
    assert_int_equal(q.kept_ckwh, 8000);
    assert_int_equal(q.refund_fen, 1200 + 6000);
}

/* Last in, first out at the prices paid: the newest purchase first, whole at what was
 * paid, then part of the one before rounded down. */
static void refund__values_the_newest_purchases_first_at_their_own_prices(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(10000, 0), more = by_kwh(3333, 0);
    uint32_t no = open_at(s, 5000, 12345678, &p);
    struct kwh_customer cu;
    struct kwh_plan_view q;
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 10000);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(tariff_update(s->core, &s->admin, cu.tariff_id, cu.tariff_name, 7777, &e), 0);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &more, &r, &e), 0);
    assert_int_equal(r.sale.amount_fen, 2592); /* 33.33 * 0.7777 = 25.920441 */
    site_meter_loads(s, 13333);
    assert_int_equal(ops_refund_card(s->core, &s->seller, no, &e), 0);
    meter_takes_refund_card(s, 8333, 2); /* 50 kWh used */
    assert_int_equal(ops_refund_quote(s->core, &s->seller, &q, &e), 0);
    /* 33.33 kWh at what was paid (25.92), then 50.00 kWh at 0.5000 (25.00) */
    assert_int_equal(q.refund_ckwh, 8333);
    assert_int_equal(q.refund_fen, 2592 + 2500);
    assert_int_equal(q.kept_ckwh, 0);
}

/* 换表 with more remaining energy than the meter's last report allows: refused unless the
 * administrator gives the reason, which the audit keeps. */
static void meter_change__more_than_the_last_report_needs_a_reason(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(12000, 0);
    uint32_t no = open_at(s, 6000, 12345678, &p);
    struct kwh_meter_change_req m;
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 12000); /* the meter reports 120 kWh */
    memset(&m, 0, sizeof m);
    m.meter = site_account(s, 87654321, "x").meter;
    m.old_remaining_ckwh = 50000;
    REFUSED(KWH_EINVAL, "should hold", ops_meter_change(s->core, &s->admin, no, &m, NULL, &r, &e_));
    assert_int_equal(site_q1(s, "SELECT count(*) FROM events"), 0);
    m.old_remaining_ckwh = 50000;
    str_copy(m.reason, sizeof m.reason, "display read 500.00 after the old meter's fault");
    assert_int_equal(ops_meter_change(s->core, &s->admin, no, &m, NULL, &r, &e), 0);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'meter-change' AND after "
                                "LIKE '%old meter''s fault%'"),
                     1);
    /* a later refund still pays back no more than the 120 kWh paid for */
    site_meter_loads(s, 50000);
    assert_int_equal(ops_refund_card(s->core, &s->seller, no, &e), 0);
    {
        struct kwh_plan_view q;
        meter_takes_refund_card(s, 50000, 2);
        assert_int_equal(ops_refund_quote(s->core, &s->seller, &q, &e), 0);
        assert_int_equal(q.refund_ckwh, 12000);
        assert_int_equal(q.refund_fen, 7200);
    }
}

static void meter_change__within_the_last_report_needs_no_reason(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(12000, 0);
    uint32_t no = open_at(s, 6000, 12345678, &p);
    struct kwh_meter_change_req m;
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 12000);
    memset(&m, 0, sizeof m);
    m.meter = site_account(s, 87654321, "x").meter;
    m.old_remaining_ckwh = 12000;
    assert_int_equal(ops_meter_change(s->core, &s->admin, no, &m, NULL, &r, &e), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, site_setup, site_teardown)
        T(refund__pays_back_only_what_was_paid_after_an_adjustment),
        T(refund__never_turns_adjustment_energy_into_cash),
        T(refund__values_the_newest_purchases_first_at_their_own_prices),
        T(meter_change__more_than_the_last_report_needs_a_reason),
        T(meter_change__within_the_last_report_needs_no_reason),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
