/* SPDX-License-Identifier: Apache-2.0 */
/* kwh-backends: sqlite pg (tests/run.sh runs this suite on SQLite and on PostgreSQL) */
/* The money rules of commercial vending against a real database and the fake card:
 * tiered prices over the period, fees and arrears in a sale's plan, payment references,
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
#include "kwhpos/invoice.h"
#include "kwhpos/money.h"
#include "kwhpos/plan.h"
#include "kwhpos/query.h"
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
    site_meter_refund_card(s, 14000, 1); /* 10 kWh used */
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
    site_meter_refund_card(s, 10000, 1); /* nothing used */
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
    site_meter_refund_card(s, 8333, 2); /* 50 kWh used */
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
        site_meter_refund_card(s, 50000, 2);
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

/* --- 阶梯电价 ---------------------------------------------------------------------------- */

static struct kwh_purchase_req by_amount(int64_t fen)
{
    return (struct kwh_purchase_req){KWH_BY_AMOUNT, fen, 0, KWH_PAY_CASH, ""};
}

/* A monthly ladder: up to 200 kWh at 0.5000, to 400 at 0.6000, above at 0.8000; an
 * account on it opened with a purchase of p. */
static uint32_t open_tiered(struct site *s, uint32_t meter, const struct kwh_purchase_req *p)
{
    struct kwh_account_req a = site_account(s, meter, "赵六");
    struct kwh_tariff def;
    struct kwh_receipt r;
    struct kwh_err e;

    memset(&def, 0, sizeof def);
    def.period_months = KWH_PERIOD_MONTHLY;
    def.period_start = 1;
    def.ntiers = 3;
    def.tiers[0] = (struct kwh_tier){20000, 5000};
    def.tiers[1] = (struct kwh_tier){40000, 6000};
    def.tiers[2] = (struct kwh_tier){0, 8000};
    if (tariff_set_tiers(s->core, &s->admin, "阶梯", 0, &def, &a.tariff_id, &e) < 0)
        fail_msg("tiers: %s", e.msg);
    fakecard_blank(s->card);
    if (ops_open(s->core, &s->seller, &a, p, &r, &e) < 0)
        fail_msg("open: %s", e.msg);
    return r.customer.customer_no;
}

static void tier_item(const struct kwh_sale *sale, size_t i, int tier, int64_t ckwh, int64_t price,
                      int64_t fen)
{
    assert_true(i < sale->nitems);
    assert_int_equal(sale->items[i].item, KWH_ITEM_TIER);
    assert_int_equal(sale->items[i].ref, tier);
    assert_int_equal(sale->items[i].ckwh, ckwh);
    assert_int_equal(sale->items[i].price, price);
    assert_int_equal(sale->items[i].fen, fen);
}

static void tiers__a_sale_splits_from_where_the_account_stands_in_the_month(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(15000, 0), more = by_kwh(10000, 0), money = by_amount(20000);
    uint32_t no = open_tiered(s, 12345678, &p);
    struct kwh_customer cu;
    struct kwh_receipt r, again;
    struct kwh_err e;

    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.period_ckwh, 15000);
    site_meter_loads(s, 15000);
    /* 100 kWh from 150: 50 at 0.50, 50 at 0.60 */
    assert_int_equal(ops_sell(s->core, &s->seller, no, &more, &r, &e), 0);
    assert_int_equal(r.sale.amount_fen, 2500 + 3000);
    assert_int_equal(r.sale.nitems, 2);
    tier_item(&r.sale, 0, 1, 5000, 5000, 2500);
    tier_item(&r.sale, 1, 2, 5000, 6000, 3000);
    site_meter_loads(s, 25000);
    /* 200.00 yuan from 250 kWh: 150 kWh at 0.60 (90.00), 110.00 at 0.80 = 137.50 kWh */
    assert_int_equal(ops_sell(s->core, &s->seller, no, &money, &r, &e), 0);
    assert_int_equal(r.sale.amount_fen, 20000);
    assert_int_equal(r.sale.energy_ckwh, 15000 + 13750);
    tier_item(&r.sale, 0, 2, 15000, 6000, 9000);
    tier_item(&r.sale, 1, 3, 13750, 8000, 11000);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.period_ckwh, 25000 + 28750);
    /* the invoice reads the split back from the ledger */
    assert_int_equal(invoice_get(s->core, &s->seller, r.sale.invoice_no, &again, &e), 0);
    assert_int_equal(again.sale.nitems, 2);
    tier_item(&again.sale, 1, 3, 13750, 8000, 11000);
    /* the reports' items total per tier */
    assert_int_equal(site_q1(s, "SELECT sum(ckwh) FROM items_sum WHERE item = 1 AND ref = 2"),
                     20000);
    assert_int_equal(site_q1(s, "SELECT sum(fen) FROM items_sum WHERE item = 1 AND ref = 3"),
                     11000);
    /* a new month starts at the first tier again */
    site_meter_loads(s, 53750);
    s->now += 32 * 86400;
    assert_int_equal(ops_sell(s->core, &s->seller, no, &more, &r, &e), 0);
    assert_int_equal(r.sale.nitems, 1);
    tier_item(&r.sale, 0, 1, 10000, 5000, 5000);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.period_ckwh, 10000);
}

/* 重新售电 gives the replaced sale's tier kWh back before splitting the new one. */
static void tiers__a_resale_splits_from_before_the_sale_it_replaces(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(15000, 0), more = by_kwh(10000, 0), less = by_kwh(4000, 0);
    uint32_t no = open_tiered(s, 12345678, &p);
    struct kwh_customer cu;
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 15000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &more, &r, &e), 0);
    assert_int_equal(r.sale.nitems, 2);
    /* the card was never in the meter: sold again as 40 kWh, all in the first tier */
    assert_int_equal(ops_resell(s->core, &s->seller, no, &less, &r, &e), 0);
    assert_int_equal(r.sale.nitems, 1);
    tier_item(&r.sale, 0, 1, 4000, 5000, 2000);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.period_ckwh, 19000);
}

static void tiers__a_bad_table_is_refused_and_changes_nothing(void **state)
{
    struct site *s = *state;
    struct kwh_tariff def;
    int64_t id = 0;
    int64_t before = site_q1(s, "SELECT count(*) FROM tariff_prices");

    memset(&def, 0, sizeof def);
    def.period_months = KWH_PERIOD_ANNUAL;
    def.period_start = 7;
    def.ntiers = 3;
    def.tiers[0] = (struct kwh_tier){276000, 5380};
    def.tiers[1] = (struct kwh_tier){276000, 5880};
    def.tiers[2] = (struct kwh_tier){0, 8380};
    REFUSED(KWH_EINVAL, "tiers must increase",
            tariff_set_tiers(s->core, &s->admin, "浙江", 0, &def, &id, &e_));
    def.tiers[1].upto_ckwh = 480000;
    def.tiers[2].price = 0;
    REFUSED(KWH_EINVAL, "more than 0",
            tariff_set_tiers(s->core, &s->admin, "浙江", 0, &def, &id, &e_));
    def.tiers[2].price = 8380;
    def.tiers[2].upto_ckwh = 900000;
    REFUSED(KWH_EINVAL, "no upper bound",
            tariff_set_tiers(s->core, &s->admin, "浙江", 0, &def, &id, &e_));
    def.tiers[2].upto_ckwh = 0;
    def.period_start = 13;
    REFUSED(KWH_EINVAL, "month 1 to 12",
            tariff_set_tiers(s->core, &s->admin, "浙江", 0, &def, &id, &e_));
    def.period_start = 7;
    REFUSED(KWH_EPERM, "", tariff_set_tiers(s->core, &s->seller, "浙江", 0, &def, &id, &e_));
    assert_int_equal(site_q1(s, "SELECT count(*) FROM tariff_prices"), before);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM tariff_tiers"), 0);
    /* the Zhejiang ladder itself, annual from July */
    assert_int_equal(tariff_set_tiers(s->core, &s->admin, "浙江", 0, &def, &id, NULL), 0);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM tariff_tiers"), 3);
    /* one price version, tiered from the start */
    assert_int_equal(site_q1(s, "SELECT count(*) FROM tariff_prices"), before + 1);
}

/* A refund after a tier crossing: the newest kWh first, from the highest tier down at
 * each tier's price; the refunded kWh go back to the period's counter. */
static void tiers__a_refund_after_a_crossing_pays_each_tier_at_its_price(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(15000, 0), more = by_kwh(10000, 0);
    uint32_t no = open_tiered(s, 12345678, &p);
    struct kwh_customer cu;
    struct kwh_plan_view q;
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 15000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &more, &r, &e), 0);
    site_meter_loads(s, 25000);
    assert_int_equal(ops_refund_card(s->core, &s->seller, no, &e), 0);
    site_meter_refund_card(s, 7000, 2); /* 70 kWh left */
    assert_int_equal(ops_refund_quote(s->core, &s->seller, &q, &e), 0);
    /* 50 kWh of tier 2 at 0.60 (30.00), then 20 kWh of tier 1 at 0.50 (10.00) */
    assert_int_equal(q.refund_ckwh, 7000);
    assert_int_equal(q.refund_fen, 3000 + 1000);
    assert_int_equal(ops_refund(s->core, &s->seller, no, KWH_PAY_CASH, &r, &e), 0);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.period_ckwh, 25000 - 7000);
}

/* A refund in the month after a crossing: the newest purchase (this month's, tier 1) is
 * paid back whole, then last month's from its highest tier down, each at the price it was
 * bought at; only this month's kWh leave this month's counter. */
static void tiers__a_refund_in_the_next_month_pays_each_purchase_at_its_prices(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(15000, 0), more = by_kwh(10000, 0), some = by_kwh(5000, 0);
    uint32_t no = open_tiered(s, 12345678, &p);
    struct kwh_customer cu;
    struct kwh_plan_view q;
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 15000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &more, &r, &e), 0); /* 50 + 50 */
    site_meter_loads(s, 25000);
    s->now = period_month(s->now).to; /* the first second of the next month */
    assert_int_equal(ops_sell(s->core, &s->seller, no, &some, &r, &e), 0);
    tier_item(&r.sale, 0, 1, 5000, 5000, 2500);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.period_ckwh, 5000);
    site_meter_loads(s, 30000);
    assert_int_equal(ops_refund_card(s->core, &s->seller, no, &e), 0);
    site_meter_refund_card(s, 12000, 3); /* 120 kWh left */
    assert_int_equal(ops_refund_quote(s->core, &s->seller, &q, &e), 0);
    /* 50 kWh of this month's at 0.50 (25.00), then last month's: 50 kWh of tier 2 at 0.60
       (30.00) and 20 kWh of tier 1 at 0.50 (10.00) */
    assert_int_equal(q.refund_ckwh, 12000);
    assert_int_equal(q.refund_fen, 2500 + 3000 + 1000);
    assert_int_equal(ops_refund(s->core, &s->seller, no, KWH_PAY_CASH, &r, &e), 0);
    assert_int_equal(r.sale.amount_fen, -(2500 + 3000 + 1000));
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.period_ckwh, 0);
}

/* 过户: the new owner's tier period starts at nothing bought; not while arrears are owed. */
static void tiers__a_transfer_starts_the_new_owners_period(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(25000, 0);
    uint32_t no = open_tiered(s, 12345678, &p);
    struct kwh_customer cu;
    struct kwh_err e;

    assert_int_equal(account_set_tier_extra(s->core, &s->admin, no, 5000, &e), 0);
    assert_int_equal(arrears_add(s->core, &s->admin, no, 1200, "unpaid", &e), 0);
    REFUSED(KWH_ECONFLICT, "owes 12.00 yuan of arrears",
            ops_transfer(s->core, &s->seller, no, "钱七", "二号楼", "13900000000", &e_));
    assert_int_equal(arrears_add(s->core, &s->admin, no, -1200, "paid at the office", &e), 0);
    assert_int_equal(ops_transfer(s->core, &s->seller, no, "钱七", "二号楼", "13900000000", &e), 0);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_string_equal(cu.name, "钱七");
    assert_int_equal(cu.period_ckwh, 0);
    assert_int_equal(cu.tier_extra_ckwh, 0);
}

/* --- fees and arrears --------------------------------------------------------------------- */

static void fees__are_deducted_before_the_energy_with_the_arrears_recovery(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(10000, 0), money = by_amount(10000), kwh = by_kwh(1000, 0);
    struct kwh_recovery_rule rule = {KWH_RECOVER_PERCENT, 10};
    struct kwh_arrears_line *lines;
    struct kwh_customer cu;
    struct kwh_receipt r;
    struct kwh_err e;
    int64_t service, monthly;
    uint32_t no;
    size_t n;

    assert_int_equal(fee_add(s->core, &s->admin, "服务费", KWH_FEE_SALE, 200, &service, &e), 0);
    assert_int_equal(fee_add(s->core, &s->admin, "物业费", KWH_FEE_MONTHLY, 1000, &monthly, &e), 0);
    assert_int_equal(arrears_set_site_rule(s->core, &s->admin, &rule, &e), 0);
    /* the opening's purchase pays the service fee and this month's property fee */
    no = open_at(s, 5000, 12345678, &p);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(site_q1(s, "SELECT fee_fen FROM sales WHERE kind = 1"), 1200);
    assert_true(cu.fee_month > 0);
    site_meter_loads(s, 10000);
    REFUSED(KWH_EINVAL, "reason", arrears_add(s->core, &s->admin, no, 5000, "", &e_));
    REFUSED(KWH_EPERM, "", arrears_add(s->core, &s->seller, no, 5000, "old debt", &e_));
    assert_int_equal(arrears_add(s->core, &s->admin, no, 5000, "old meter's unpaid bill", &e), 0);
    /* 100.00 yuan: 2.00 service fee, 10.00 arrears (10%), 88.00 of energy at 0.50 */
    assert_int_equal(ops_sell(s->core, &s->seller, no, &money, &r, &e), 0);
    assert_int_equal(r.sale.fee_fen, 200);
    assert_int_equal(r.sale.arrears_fen, 1000);
    assert_int_equal(r.sale.amount_fen, 8800);
    assert_int_equal(r.sale.energy_ckwh, 17600);
    assert_int_equal(r.sale.nitems, 1);
    assert_int_equal(r.sale.items[0].item, KWH_ITEM_FEE);
    assert_int_equal(r.sale.items[0].ref, service);
    assert_string_equal(r.sale.items[0].name, "服务费");
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.arrears_fen, 4000);
    site_meter_loads(s, 27600);
    /* by kWh: 10 kWh = 5.00 plus 2.00 fee; 10% of the total on top: 0.77 */
    assert_int_equal(ops_sell(s->core, &s->seller, no, &kwh, &r, &e), 0);
    assert_int_equal(r.sale.amount_fen, 500);
    assert_int_equal(r.sale.arrears_fen, 77);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.arrears_fen, 4000 - 77);
    site_meter_loads(s, 28600);
    /* a payment below the fees is refused with what to collect */
    money = by_amount(150);
    REFUSED(KWH_EINVAL, "collect at least 2.", ops_sell(s->core, &s->seller, no, &money, &r, &e_));
    /* the history: entered, then two recoveries */
    assert_int_equal(arrears_history(s->core, &s->seller, no, &lines, &n, &e), 0);
    assert_int_equal(n, 3);
    assert_int_equal(lines[0].fen, 5000);
    assert_int_equal(lines[1].fen, -1000);
    assert_int_equal(lines[2].fen, -77);
    free(lines);
    /* the next month's first sale pays that month's property fee once */
    s->now += 32 * 86400;
    money = by_amount(10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &money, &r, &e), 0);
    assert_int_equal(r.sale.fee_fen, 200 + 1000);
    site_meter_loads(s, 28600 + r.sale.energy_ckwh);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &money, &r, &e), 0);
    assert_int_equal(r.sale.fee_fen, 200);
}

static void fees__a_fixed_recovery_never_takes_more_than_owed(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(10000, 0), money = by_amount(10000);
    struct kwh_recovery_rule own = {KWH_RECOVER_FIXED, 3000}, bad = {KWH_RECOVER_PERCENT, 101};
    uint32_t no = open_at(s, 5000, 12345678, &p);
    struct kwh_customer cu;
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 10000);
    REFUSED(KWH_EINVAL, "1 to 100", arrears_set_account_rule(s->core, &s->admin, no, &bad, &e_));
    assert_int_equal(arrears_set_account_rule(s->core, &s->admin, no, &own, &e), 0);
    assert_int_equal(arrears_add(s->core, &s->admin, no, 4500, "debt", &e), 0);
    REFUSED(KWH_EINVAL, "at most", arrears_add(s->core, &s->admin, no, -4600, "too much", &e_));
    assert_int_equal(ops_sell(s->core, &s->seller, no, &money, &r, &e), 0);
    assert_int_equal(r.sale.arrears_fen, 3000);
    site_meter_loads(s, 10000 + r.sale.energy_ckwh);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &money, &r, &e), 0);
    assert_int_equal(r.sale.arrears_fen, 1500);
    assert_int_equal(r.sale.amount_fen, 8500);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.arrears_fen, 0);
}

/* --- 冲正 ---------------------------------------------------------------------------------- */

static struct kwh_reversal_req reversal_of(int64_t invoice_no, const char *reason)
{
    struct kwh_reversal_req r;
    memset(&r, 0, sizeof r);
    r.invoice_no = invoice_no;
    str_copy(r.reason, sizeof r.reason, reason);
    r.amount_fen = -1;
    return r;
}

/* Asks for r as the seller, approves it as the administrator, commits. */
static int reverse(struct site *s, const struct kwh_reversal_req *r, struct kwh_receipt *out,
                   struct kwh_err *e)
{
    struct kwh_plan *p = NULL;
    int rc = reversal_plan(s->core, &s->seller, r, &p, e);
    if (rc == 0)
        rc = reversal_approve(s->core, p, s->admin.name, SITE_ADMIN_PW, e);
    if (rc == 0)
        rc = plan_commit(s->core, &s->seller, p, out, e);
    plan_free(p);
    return rc;
}

static void reversal__cancels_the_money_with_a_linked_entry_approved_by_another(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(10000, 0), money = by_amount(10000);
    struct kwh_recovery_rule rule = {KWH_RECOVER_FIXED, 1000};
    uint32_t no = open_at(s, 5000, 12345678, &p);
    struct kwh_reversal_req r;
    struct kwh_plan *plan = NULL;
    struct kwh_customer cu;
    struct kwh_receipt sale, rev;
    struct kwh_err e;
    int64_t before;

    site_meter_loads(s, 10000);
    assert_int_equal(arrears_set_site_rule(s->core, &s->admin, &rule, &e), 0);
    assert_int_equal(arrears_add(s->core, &s->admin, no, 3000, "old debt", &e), 0);
    money.pay_method = KWH_PAY_ALIPAY;
    assert_int_equal(ops_sell(s->core, &s->seller, no, &money, &sale, &e), 0);
    assert_int_equal(sale.sale.arrears_fen, 1000);
    site_meter_loads(s, 10000 + sale.sale.energy_ckwh);
    before = site_q1(s, "SELECT sum(amount_fen + fee_fen + arrears_fen) FROM sales_sum");

    r = reversal_of(sale.sale.invoice_no, "");
    REFUSED(KWH_EINVAL, "reason", reversal_plan(s->core, &s->seller, &r, &plan, &e_));
    r = reversal_of(sale.sale.invoice_no, "recorded as Alipay, paid in cash");
    assert_int_equal(reversal_plan(s->core, &s->seller, &r, &plan, &e), 0);
    /* the plan shows the original and the reversal, money only */
    assert_true(plan_view(plan)->has_replaced);
    assert_int_equal(plan_view(plan)->sale.amount_fen, -9000);
    assert_int_equal(plan_view(plan)->sale.arrears_fen, -1000);
    assert_int_equal(plan_view(plan)->sale.energy_ckwh, 0);
    assert_int_equal(plan_view(plan)->after.arrears_fen, 3000);
    /* four eyes: not without an approval, not the one who asks, not a seller, not a wrong
       password */
    REFUSED(KWH_EPERM, "approval", plan_commit(s->core, &s->seller, plan, NULL, &e_));
    REFUSED(KWH_EPERM, "not an administrator",
            reversal_approve(s->core, plan, s->seller.name, SITE_SELLER_PW, &e_));
    assert_true(reversal_approve(s->core, plan, s->admin.name, "wrong", &e) < 0);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM sales WHERE kind = 11"), 0);
    assert_int_equal(reversal_approve(s->core, plan, s->admin.name, SITE_ADMIN_PW, &e), 0);
    assert_int_equal(plan_commit(s->core, &s->seller, plan, &rev, &e), 0);
    plan_free(plan);
    plan = NULL;
    assert_int_equal(rev.sale.kind, KWH_OP_REVERSAL);
    assert_int_equal(rev.sale.reverses_id, sale.sale.id);
    assert_true(rev.sale.invoice_no > sale.sale.invoice_no);
    /* nothing edited: the original stands, the totals net to what was before it */
    assert_int_equal(site_q1(s, "SELECT amount_fen FROM sales WHERE kind = 2"), 9000);
    assert_int_equal(site_q1(s, "SELECT sum(amount_fen + fee_fen + arrears_fen) FROM sales_sum"),
                     before - 10000);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.arrears_fen, 3000);
    /* the audit names both people */
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'reversal' AND after LIKE "
                                "'%requested_by=clerk%approved_by=system%'"),
                     1);
    /* once only, and never a reversal of a reversal */
    REFUSED(KWH_ECONFLICT, "already reversed", reverse(s, &r, NULL, &e_));
    r = reversal_of(rev.sale.invoice_no, "again");
    REFUSED(KWH_ECONFLICT, "is itself a reversal", reverse(s, &r, NULL, &e_));
}

/* A wrong payment method put right: the reversal and the corrected entry; the shift's
 * totals by method move from Alipay to cash; a refund afterwards pays what was kept. */
static void reversal__a_correction_records_the_money_as_it_was_paid(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(10000, 0), money = by_amount(5000);
    uint32_t no = open_at(s, 5000, 12345678, &p);
    struct kwh_reversal_req r;
    struct kwh_receipt sale, rev;
    struct kwh_plan_view q;
    struct kwh_err e;

    site_meter_loads(s, 10000);
    money.pay_method = KWH_PAY_ALIPAY;
    assert_int_equal(ops_sell(s->core, &s->seller, no, &money, &sale, &e), 0);
    site_meter_loads(s, 20000);
    r = reversal_of(sale.sale.invoice_no, "typed 50 for 40, the card is right");
    r.correct = true;
    r.pay_method = KWH_PAY_CASH;
    r.amount_fen = 4000;
    assert_int_equal(reverse(s, &r, &rev, &e), 0);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM sales WHERE kind = 11 AND reverses_id = "
                                "(SELECT id FROM sales WHERE kind = 2)"),
                     2);
    assert_int_equal(site_q1(s, "SELECT coalesce(sum(amount_fen), 0) FROM sales_sum WHERE "
                                "pay_method = 2"),
                     0);
    assert_int_equal(site_q1(s, "SELECT sum(amount_fen) FROM sales_sum WHERE pay_method = 0"),
                     5000 + 4000);
    /* the refund pays back what was kept for that purchase: 40.00, then the opening's */
    assert_int_equal(ops_refund_card(s->core, &s->seller, no, &e), 0);
    site_meter_refund_card(s, 20000, 2);
    assert_int_equal(ops_refund_quote(s->core, &s->seller, &q, &e), 0);
    assert_int_equal(q.refund_fen, 4000 + 5000);
}

/* A purchase the meter reported loaded: its money cannot be cancelled (the customer would
 * keep the energy unpaid), only corrected; the refusal writes nothing. */
static void reversal__of_a_loaded_purchase_only_corrects_the_money(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(10000, 0), money = by_amount(5000);
    uint32_t no = open_at(s, 5000, 12345678, &p);
    struct kwh_reversal_req r;
    struct kwh_receipt sale, rev;
    struct kwh_card_view v;
    struct kwh_err e;

    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &money, &sale, &e), 0);
    r = reversal_of(sale.sale.invoice_no, "the customer says he did not pay");
    /* the meter takes it; the card read at the counter says so */
    site_meter_loads(s, 20000);
    assert_int_equal(ops_read(s->core, &s->seller, &v, &e), 0);
    REFUSED(KWH_ECONFLICT, "in the meter", reverse(s, &r, NULL, &e_));
    assert_int_equal(site_q1(s, "SELECT count(*) FROM sales WHERE kind = 11"), 0);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'reversal'"), 0);
    r.correct = true;
    r.pay_method = KWH_PAY_CASH;
    r.amount_fen = 4000;
    assert_int_equal(reverse(s, &r, &rev, &e), 0);
    assert_int_equal(site_q1(s, "SELECT sum(amount_fen) FROM sales WHERE kind = 11"), -5000 + 4000);
}

/* --- 冲正 taking the energy back (issue 13 §3) ---------------------------------------------- */

static struct kwh_card card_now(struct site *s)
{
    struct kwh_card card;
    struct kwh_err e;
    if (card_decode(site_profile(), s->card->img, NULL, &card, &e) < 0)
        fail_msg("card: %s", e.msg);
    return card;
}

/* Reads the card in the reader, plans r with it, approves it as the administrator. */
static int plan_energy(struct site *s, const struct kwh_reversal_req *r, struct kwh_plan **plan,
                       struct kwh_err *e)
{
    struct kwh_card_view v;
    int rc = ops_read(s->core, &s->seller, &v, e);
    if (rc == 0)
        rc = reversal_plan_card(s->core, &s->seller, r, &v, plan, e);
    if (rc == 0)
        rc = reversal_approve(s->core, *plan, s->admin.name, SITE_ADMIN_PW, e);
    return rc;
}

/* The card still holds the purchase (the meter has not loaded it): the reversal writes
 * it back to the purchase before, and its entry cancels the energy with the money. */
static void reversal__takes_the_energy_back_off_the_card_the_meter_has_not_loaded(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(10000, 0), money = by_amount(5000), more = by_amount(3000);
    uint32_t no = open_at(s, 5000, 12345678, &p);
    struct kwh_card before, after;
    struct kwh_customer cu0, cu;
    struct kwh_receipt sale, rev;
    struct kwh_reversal_req r;
    struct kwh_plan *plan = NULL;
    const struct kwh_plan_view *pv;
    struct kwh_err e;
    int64_t energy0;

    site_meter_loads(s, 10000);
    before = card_now(s);
    assert_int_equal(account_find(s->core, no, 0, &cu0, &e), 0);
    energy0 = site_q1(s, "SELECT sum(energy_ckwh) FROM sales_sum");
    assert_int_equal(ops_sell(s->core, &s->seller, no, &money, &sale, &e), 0);
    assert_int_equal(card_now(s).purchase_count, before.purchase_count + 1);
    r = reversal_of(sale.sale.invoice_no, "sold to the wrong account");
    r.energy = true;
    /* without the card: refused, saying to read it */
    REFUSED(KWH_EINVAL, "put it in the reader",
            reversal_plan_card(s->core, &s->seller, &r, NULL, &plan, &e_));
    /* not with a correction */
    r.correct = true;
    REFUSED(KWH_EINVAL, "no correction", plan_energy(s, &r, &plan, &e_));
    plan_free(plan);
    plan = NULL;
    r.correct = false;
    assert_int_equal(plan_energy(s, &r, &plan, &e), 0);
    /* the plan shows what will be committed: the card back, the energy and money off */
    pv = plan_view(plan);
    assert_true(pv->reverses_energy);
    assert_true(pv->writes_card);
    assert_int_equal(pv->card.purchase_count, before.purchase_count);
    assert_int_equal(pv->sale.energy_ckwh, -sale.sale.energy_ckwh);
    assert_int_equal(pv->sale.amount_fen, -5000);
    assert_int_equal(pv->after.balance_ckwh, cu0.balance_ckwh);
    assert_int_equal(plan_commit(s->core, &s->seller, plan, &rev, &e), 0);
    plan_free(plan);
    plan = NULL;
    /* the card is as before the purchase: its count and energy, holding nothing new */
    after = card_now(s);
    assert_int_equal(after.purchase_count, before.purchase_count);
    assert_int_equal(after.purchase_ckwh, before.purchase_ckwh);
    assert_true(after.flags & CARD_F_NO_PURCHASE);
    /* the ledger: the original stands, the linked reversal cancels its money and energy */
    assert_int_equal(rev.sale.kind, KWH_OP_REVERSAL);
    assert_int_equal(rev.sale.reverses_id, sale.sale.id);
    assert_int_equal(rev.sale.energy_ckwh, -sale.sale.energy_ckwh);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM sales WHERE kind = 2 AND state = 1"), 1);
    assert_int_equal(site_q1(s, "SELECT sum(energy_ckwh) FROM sales_sum"), energy0);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM card_ops WHERE kind = 11 AND state = 1"), 1);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.balance_ckwh, cu0.balance_ckwh);
    assert_int_equal(cu.purchase_count, cu0.purchase_count);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'reversal' AND after LIKE "
                                "'%energy=-%approved_by=system%'"),
                     1);
    /* once only; and the next sale goes onto the card as the next purchase */
    REFUSED(KWH_ECONFLICT, "already reversed", plan_energy(s, &r, &plan, &e_));
    plan_free(plan);
    plan = NULL;
    /* nothing on the card for 重新售电 to replace, and it says why */
    REFUSED(KWH_ECONFLICT, "was reversed", ops_resell(s->core, &s->seller, no, &more, &rev, &e_));
    assert_int_equal(ops_sell(s->core, &s->seller, no, &more, &sale, &e), 0);
    assert_int_equal(card_now(s).purchase_count, before.purchase_count + 1);
}

/* Once the meter has loaded the purchase its energy cannot come back: refused, nothing
 * written, the card untouched; the money alone can still be corrected. */
static void reversal__of_the_energy_the_meter_loaded_is_refused(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(10000, 0), money = by_amount(5000);
    uint32_t no = open_at(s, 5000, 12345678, &p);
    struct kwh_reversal_req r;
    struct kwh_plan *plan = NULL;
    struct kwh_receipt sale;
    uint8_t img[KWH_CARD_SIZE];
    struct kwh_err e;

    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &money, &sale, &e), 0);
    site_meter_loads(s, 10000 + sale.sale.energy_ckwh);
    memcpy(img, s->card->img, KWH_CARD_SIZE);
    r = reversal_of(sale.sale.invoice_no, "the customer says he did not pay");
    r.energy = true;
    REFUSED(KWH_ECONFLICT, "already in the meter", plan_energy(s, &r, &plan, &e_));
    plan_free(plan);
    plan = NULL;
    assert_int_equal(site_q1(s, "SELECT count(*) FROM sales WHERE kind = 11"), 0);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM card_ops WHERE kind = 11"), 0);
    assert_memory_equal(s->card->img, img, KWH_CARD_SIZE);
    /* the opening's purchase never comes back off the card either */
    r = reversal_of(site_q1(s, "SELECT invoice_no FROM sales WHERE kind = 1"), "wrong");
    r.energy = true;
    REFUSED(KWH_ECONFLICT, "opened the account", plan_energy(s, &r, &plan, &e_));
    plan_free(plan);
}

/* The card pulled in the middle of the write: the reversal waits, pending, out of the
 * totals; the card read again settles it by what it holds (here: the old purchase, so
 * void), and the reversal can then be made. */
static void reversal__a_pulled_card_leaves_a_pending_write_that_settles(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(10000, 0), money = by_amount(5000);
    uint32_t no = open_at(s, 5000, 12345678, &p);
    struct kwh_reversal_req r;
    struct kwh_plan *plan = NULL;
    struct kwh_receipt sale, rev;
    struct kwh_card_view v;
    struct kwh_card held;
    struct kwh_err e;
    int64_t total;

    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &money, &sale, &e), 0);
    held = card_now(s);
    total = site_q1(s, "SELECT sum(amount_fen) FROM sales_sum");
    r = reversal_of(sale.sale.invoice_no, "sold to the wrong account");
    r.energy = true;
    assert_int_equal(plan_energy(s, &r, &plan, &e), 0);
    s->card->steps = 0;
    s->card->fail_after = 1; /* a byte written, then the card is gone */
    assert_int_equal(plan_commit(s->core, &s->seller, plan, &rev, &e), KWH_EPENDING);
    plan_free(plan);
    plan = NULL;
    assert_int_equal(site_q1(s, "SELECT count(*) FROM card_ops WHERE kind = 11 AND state = 0"), 1);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM sales WHERE kind = 11 AND state = 0"), 1);
    assert_int_equal(site_q1(s, "SELECT sum(amount_fen) FROM sales_sum"), total);
    /* a pending write on the account: nothing else is planned on it meanwhile */
    assert_true(ops_sell(s->core, &s->seller, no, &money, NULL, &e) < 0);
    fakecard_reinsert(s->card);
    assert_int_equal(ops_read(s->core, &s->seller, &v, &e), 0);
    assert_int_equal(v.settled_done + v.settled_void, 1);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM card_ops WHERE state = 0"), 0);
    /* settled by what the card holds */
    if (card_now(s).purchase_count == held.purchase_count) {
        assert_int_equal(v.settled_void, 1);
        assert_int_equal(site_q1(s, "SELECT count(*) FROM sales WHERE kind = 11 AND state = 2"), 1);
        assert_int_equal(site_q1(s, "SELECT sum(amount_fen) FROM sales_sum"), total);
        /* and the reversal made again, whole this time */
        assert_int_equal(plan_energy(s, &r, &plan, &e), 0);
        assert_int_equal(plan_commit(s->core, &s->seller, plan, &rev, &e), 0);
        plan_free(plan);
    } else {
        assert_int_equal(v.settled_done, 1);
    }
    assert_int_equal(card_now(s).purchase_count, held.purchase_count - 1);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM sales WHERE kind = 11 AND state = 1"), 1);
    assert_int_equal(site_q1(s, "SELECT sum(amount_fen) FROM sales_sum"), total - 5000);
}

/* The shift report totals each fee type (issue 13 §2): taken by the sales, carried by a
 * re-sale and given back by the sale it replaced, cancelled by a reversal; the types add
 * up to the lines' fees. */
static void shift__totals_each_fee_type_net_of_resales_and_reversals(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(10000, 0), money = by_amount(10000), less = by_amount(5000),
                            again = by_amount(6000);
    const int64_t service_fen = 200, property_fen = 1000;
    struct kwh_shift_report rep;
    struct kwh_receipt sale, resale;
    struct kwh_reversal_req r;
    struct kwh_err e;
    int64_t service, property, lines_fee = 0, types_fee = 0;
    int64_t want_service_fen, want_service_n;
    uint32_t no;

    assert_int_equal(fee_add(s->core, &s->admin, "服务费", KWH_FEE_SALE, service_fen, &service, &e),
                     0);
    assert_int_equal(
        fee_add(s->core, &s->admin, "物业费", KWH_FEE_MONTHLY, property_fen, &property, &e), 0);
    /* the opening pays both; two sales the service fee each */
    no = open_at(s, 5000, 12345678, &p);
    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &money, &sale, &e), 0);
    site_meter_loads(s, 10000 + sale.sale.energy_ckwh);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &less, &sale, &e), 0);
    assert_int_equal(sale.sale.fee_fen, service_fen);
    /* the second re-sold (its fee carried, the replaced one's given back), then reversed */
    assert_int_equal(ops_resell(s->core, &s->seller, no, &again, &resale, &e), 0);
    assert_int_equal(resale.sale.fee_fen, service_fen);
    r = reversal_of(resale.sale.invoice_no, "the customer did not pay");
    assert_int_equal(reverse(s, &r, NULL, &e), 0);

    want_service_fen = service_fen /* open */ + service_fen /* sale */ + service_fen /* sale */
                       + service_fen /* re-sale */ - service_fen                     /* returned */
                       - service_fen /* reversed */;
    want_service_n = 1 + 1 + 1 + 1 - 1 - 1;
    assert_int_equal(shift_current(s->core, &s->seller, NULL, &rep, &e), 0);
    assert_int_equal(rep.nfees, 2);
    assert_int_equal(rep.fees[0].ref, service < property ? service : property);
    for (size_t i = 0; i < rep.nfees; i++) {
        const struct kwh_item_total *t = &rep.fees[i];
        assert_int_equal(t->item, KWH_ITEM_FEE);
        if (t->ref == service) {
            assert_string_equal(t->name, "服务费");
            assert_int_equal(t->fen, want_service_fen);
            assert_int_equal(t->count, want_service_n);
        } else {
            assert_int_equal(t->ref, property);
            assert_string_equal(t->name, "物业费");
            assert_int_equal(t->fen, property_fen);
            assert_int_equal(t->count, 1);
        }
        types_fee += t->fen;
    }
    for (int i = 0; i < KWH_SHIFT_LINES; i++)
        lines_fee += rep.lines[i].fee_fen;
    assert_int_equal(types_fee, lines_fee);
    assert_int_equal(rep.lines[KWH_SHIFT_REVERSAL].fee_fen, -service_fen);
    shift_report_fini(&rep);

    /* closed, and again from the closed shift: the same totals */
    assert_int_equal(shift_close(s->core, &s->seller, 0, &rep, &e), 0);
    assert_int_equal(rep.nfees, 2);
    {
        int64_t id = rep.shift_id;
        shift_report_fini(&rep);
        assert_int_equal(shift_get(s->core, &s->seller, id, &rep, &e), 0);
    }
    assert_int_equal(rep.nfees, 2);
    assert_int_equal(rep.fees[0].fen + rep.fees[1].fen, want_service_fen + property_fen);
    shift_report_fini(&rep);
    /* a new shift has no fees yet */
    assert_int_equal(shift_current(s->core, &s->seller, NULL, &rep, &e), 0);
    assert_int_equal(rep.nfees, 0);
    shift_report_fini(&rep);
}

/* The tiers' totals of report items for filter f: tier i's kWh and money in ckwh[i-1],
 * fen[i-1]. */
static void tier_totals(struct site *s, const struct kwh_sale_filter *f, int64_t ckwh[3],
                        int64_t fen[3])
{
    struct kwh_item_total *t;
    struct kwh_err e;
    size_t n;

    memset(ckwh, 0, 3 * sizeof *ckwh);
    memset(fen, 0, 3 * sizeof *fen);
    assert_int_equal(report_items(s->core, &s->admin, f, &t, &n, &e), 0);
    for (size_t i = 0; i < n; i++)
        if (t[i].item == KWH_ITEM_TIER && t[i].ref >= 1 && t[i].ref <= 3) {
            ckwh[t[i].ref - 1] = t[i].ckwh;
            fen[t[i].ref - 1] = t[i].fen;
        }
    free(t);
}

/* A sale, its reversal, another sale: the reversed sale's tier kWh and money leave the
 * totals (from the hourly summary and from the sales' own lines alike); a correction
 * puts them back at the amount really paid, shared in proportion. */
static void reversal__nets_the_tier_totals_of_the_reports(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(15000, 0), more = by_kwh(10000, 0);
    uint32_t no = open_tiered(s, 12345678, &p);
    struct kwh_sale_filter all, one;
    struct kwh_reversal_req r;
    struct kwh_receipt sale, rev;
    int64_t ckwh[3], fen[3];
    struct kwh_err e;

    memset(&all, 0, sizeof all);
    memset(&one, 0, sizeof one);
    one.by_customer_no = true;
    one.customer_no = no;
    site_meter_loads(s, 15000);
    /* 150 -> 250 kWh: 50 in tier 1 (25.00), 50 in tier 2 (30.00) */
    assert_int_equal(ops_sell(s->core, &s->seller, no, &more, &sale, &e), 0);
    site_meter_loads(s, 25000);
    r = reversal_of(sale.sale.invoice_no, "sold to the wrong account's invoice");
    assert_int_equal(reverse(s, &r, &rev, &e), 0);
    assert_int_equal(rev.sale.nitems, 2);
    tier_item(&rev.sale, 1, 2, -5000, 6000, -3000);
    /* the energy stayed on the card: the next 100 kWh go from 250 to 350, tier 2 */
    assert_int_equal(ops_sell(s->core, &s->seller, no, &more, &sale, &e), 0);
    tier_item(&sale.sale, 0, 2, 10000, 6000, 6000);
    for (int pass = 0; pass < 2; pass++) {
        tier_totals(s, pass ? &one : &all, ckwh, fen);
        assert_int_equal(ckwh[0], 15000);
        assert_int_equal(fen[0], 7500);
        assert_int_equal(ckwh[1], 10000);
        assert_int_equal(fen[1], 6000);
        assert_int_equal(ckwh[2], 0);
    }
    /* a correction of that sale: 60.00 recorded, 48.00 paid, all in tier 2 */
    site_meter_loads(s, 35000);
    r = reversal_of(sale.sale.invoice_no, "typed 60 for 48");
    r.correct = true;
    r.pay_method = KWH_PAY_CASH;
    r.amount_fen = 4800;
    assert_int_equal(reverse(s, &r, &rev, &e), 0);
    for (int pass = 0; pass < 2; pass++) {
        tier_totals(s, pass ? &one : &all, ckwh, fen);
        assert_int_equal(ckwh[1], 10000);
        assert_int_equal(fen[1], 4800);
        assert_int_equal(fen[0], 7500);
    }
    /* the sum of the tiers is the money for energy the sales totals show */
    assert_int_equal(site_q1(s, "SELECT sum(amount_fen) FROM sales_sum"), 7500 + 4800);
}

/* A correction across two tiers shares the amount paid in proportion: each tier but the
 * last rounded down, the last takes the rest. */
static void reversal__a_correction_shares_the_amount_across_the_tiers(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(15000, 0), more = by_kwh(10000, 0);
    uint32_t no = open_tiered(s, 12345678, &p);
    struct kwh_reversal_req r;
    struct kwh_receipt sale, rev;
    struct kwh_err e;

    site_meter_loads(s, 15000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &more, &sale, &e), 0);
    r = reversal_of(sale.sale.invoice_no, "typed 55 for 44.01");
    r.correct = true;
    r.amount_fen = 4401;
    assert_int_equal(reverse(s, &r, &rev, &e), 0);
    /* 25.00 x 44.01 / 55.00 = 20.004... -> 20.00; tier 2 the rest, 24.01 */
    assert_int_equal(site_q1(s, "SELECT fen FROM sale_items WHERE ref = 1 AND sale_id = (SELECT "
                                "max(id) FROM sales WHERE kind = 11)"),
                     2000);
    assert_int_equal(site_q1(s, "SELECT fen FROM sale_items WHERE ref = 2 AND sale_id = (SELECT "
                                "max(id) FROM sales WHERE kind = 11)"),
                     2401);
    assert_int_equal(site_q1(s, "SELECT sum(ckwh) FROM sale_items WHERE item = 1"), 15000 + 10000);
}

/* --- 合表 and 欠费 of the site ----------------------------------------------------------- */

/* A 合表 tariff is flat: never given tiers, and a tiered tariff becomes 合表 only once
 * flat; the refusals write nothing. */
static void shared__a_shared_tariff_is_flat(void **state)
{
    struct site *s = *state;
    struct kwh_tariff def, t;
    struct kwh_err e;
    int64_t id, ladder;
    int64_t versions;

    assert_int_equal(
        tariff_add_kind(s->core, &s->admin, "合表用电", 5683, KWH_TARIFF_SHARED, &id, &e), 0);
    assert_int_equal(tariff_get(s->core, id, &t, &e), 0);
    assert_int_equal(t.kind, KWH_TARIFF_SHARED);
    assert_int_equal(t.ntiers, 0);
    REFUSED(KWH_EPERM, "电价类型设置",
            tariff_add_kind(s->core, &s->seller, "x", 5000, KWH_TARIFF_SHARED, &id, &e_));
    memset(&def, 0, sizeof def);
    def.period_months = KWH_PERIOD_MONTHLY;
    def.period_start = 1;
    def.ntiers = 2;
    def.tiers[0] = (struct kwh_tier){20000, 5000};
    def.tiers[1] = (struct kwh_tier){0, 6000};
    versions = site_q1(s, "SELECT count(*) FROM tariff_prices");
    REFUSED(KWH_EINVAL, "no tiers",
            tariff_set_tiers(s->core, &s->admin, NULL, t.id, &def, NULL, &e_));
    assert_int_equal(tariff_set_tiers(s->core, &s->admin, "阶梯", 0, &def, &ladder, &e), 0);
    REFUSED(KWH_EINVAL, "one price first",
            tariff_set_kind(s->core, &s->admin, ladder, KWH_TARIFF_SHARED, &e_));
    assert_int_equal(site_q1(s, "SELECT count(*) FROM tariff_prices"), versions + 1);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM tariffs WHERE kind = 1"), 1);
    /* back to standard, then tiers are allowed */
    assert_int_equal(tariff_set_kind(s->core, &s->admin, t.id, KWH_TARIFF_STANDARD, &e), 0);
    assert_int_equal(tariff_set_tiers(s->core, &s->admin, NULL, t.id, &def, NULL, &e), 0);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'tariff-kind'"), 1);
}

/* The accounts that owe, most owed first, and their total. */
static void arrears__the_site_lists_the_accounts_that_owe(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(1000, 0);
    uint32_t a = open_at(s, 5000, 12345678, &p), b = open_at(s, 5000, 12345679, &p);
    struct kwh_customer *rows;
    struct kwh_err e;
    int64_t total;
    size_t n;

    open_at(s, 5000, 12345670, &p); /* owes nothing */
    assert_int_equal(arrears_add(s->core, &s->admin, a, 1000, "old", &e), 0);
    assert_int_equal(arrears_add(s->core, &s->admin, b, 2500, "older", &e), 0);
    assert_int_equal(arrears_accounts(s->core, &s->seller, &rows, &n, &total, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].customer_no, b);
    assert_int_equal(rows[1].customer_no, a);
    assert_int_equal(total, 3500);
    free(rows);
    struct kwh_session nobody = {0};
    REFUSED(KWH_EPERM, "log in", arrears_accounts(s->core, &nobody, &rows, &n, &total, &e_));
}

/* --- the sale room's yuan -------------------------------------------------------------- */

/* What the card takes right after the read, in yuan: from where the account stands in
 * its tiers, with the service fee and the arrears recovered, as the sale will price it:
 * the most sells, one fen more is refused. The figures are worked out here by hand. */
/* An account on the monthly ladder that bought `bought` kWh this month and owes `owed`,
 * a 2.00 service fee, the site recovering 10 % of each payment, the meter holding 150 kWh
 * of its 2000 kWh limit (1850 kWh room): the room right after the card read. */
static uint32_t room_of(struct site *s, int64_t bought, int64_t owed, struct kwh_sale_room *room)
{
    struct kwh_purchase_req p = by_kwh(bought, 0);
    struct kwh_recovery_rule rule = {KWH_RECOVER_PERCENT, 10};
    uint32_t no = open_tiered(s, 12345678, &p);
    struct kwh_card_view v;
    struct kwh_err e;
    int64_t fee;

    assert_int_equal(fee_add(s->core, &s->admin, "服务费", KWH_FEE_SALE, 200, &fee, &e), 0);
    assert_int_equal(arrears_set_site_rule(s->core, &s->admin, &rule, &e), 0);
    assert_int_equal(arrears_add(s->core, &s->admin, no, owed, "old debt", &e), 0);
    site_meter_loads(s, 15000);
    assert_int_equal(cardview_read(s->core, &s->seller, &v, &e), 0);
    assert_int_equal(sale_room(s->core, &s->seller, &v, KWH_OP_SALE, room, &e), 0);
    assert_int_equal(room->max_ckwh, 185000);
    return no;
}

static void room__prices_the_tiers_fees_and_arrears_as_the_sale_will(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req most;
    struct kwh_sale_room room;
    uint32_t no = room_of(s, 15000, 5000, &room);
    struct kwh_receipt r;
    struct kwh_err e;

    /* 50 kWh at 0.50 + 200 at 0.60 + 1600 at 0.80 = 1425.00; the fee 2.00; 10 % of the
       payment is more than the 50.00 owed: 50.00. 1477.00 in all */
    assert_int_equal(room.tiers, 3);
    assert_int_equal(room.tier, 1);
    assert_int_equal(room.price, 5000);
    assert_int_equal(room.fee_fen, 200);
    assert_int_equal(room.arrears_fen, 5000);
    assert_int_equal(room.owed_fen, 5000);
    assert_int_equal(room.max_energy_ckwh, 185000);
    assert_int_equal(room.max_fen, 147700);
    most = by_amount(room.max_fen + 1);
    REFUSED(KWH_ECONFLICT, "(1477.00 yuan)", ops_sell(s->core, &s->seller, no, &most, &r, &e_));
    most = by_amount(room.max_fen);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &most, &r, &e), 0);
    assert_int_equal(r.sale.energy_ckwh, 185000);
    assert_int_equal(r.sale.fee_fen, 200);
    assert_int_equal(r.sale.arrears_fen, 5000);
}

/* At a tier's edge: an account that has bought exactly 200 kWh stands in tier 2; with
 * 500.00 owed at 10 % the recovery grows with the payment. */
static void room__at_a_tier_edge_with_a_percentage_recovery(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req most;
    struct kwh_sale_room room;
    uint32_t no = room_of(s, 20000, 50000, &room);
    struct kwh_card_view v;
    struct kwh_receipt r;
    struct kwh_err e;

    assert_int_equal(room.tier, 2);
    assert_int_equal(room.price, 6000);
    /* 1850 kWh from 200: 200 at 0.60 (120.00) + 1650 at 0.80 (1320.00) = 1440.00 for
       energy; T - 2.00 - floor(T x 10 %) <= 1440.00: T = 1602.22 gives 160.22 recovered
       and 1440.00 for energy; 1602.23 gives 1440.01, which buys 0.01 kWh more */
    assert_int_equal(room.max_fen, 160222);
    assert_int_equal(room.arrears_fen, 16022);
    assert_int_equal(room.max_energy_ckwh, 185000);
    most = by_amount(room.max_fen + 1);
    REFUSED(KWH_ECONFLICT, "over the hoard limit",
            ops_sell(s->core, &s->seller, no, &most, &r, &e_));
    most = by_amount(room.max_fen);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &most, &r, &e), 0);
    assert_int_equal(r.sale.energy_ckwh, 185000);
    assert_int_equal(r.sale.arrears_fen, 16022);
    /* the meter full: no payment fits */
    site_meter_loads(s, 200000);
    assert_int_equal(cardview_read(s->core, &s->seller, &v, &e), 0);
    assert_int_equal(sale_room(s->core, &s->seller, &v, KWH_OP_SALE, &room, &e), 0);
    assert_int_equal(room.max_ckwh, 0);
    assert_int_equal(room.max_fen, 0);
    assert_int_equal(room.tier, 0);
}

/* --- payment references ------------------------------------------------------------------- */

static void refs__the_same_reference_twice_is_refused(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(1000, 0), w = by_kwh(1000, 0);
    uint32_t no = open_at(s, 5000, 12345678, &p);
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 1000);
    w.pay_method = KWH_PAY_WECHAT;
    str_copy(w.pay_ref, sizeof w.pay_ref, "4200001234202612041234567");
    assert_int_equal(ops_sell(s->core, &s->seller, no, &w, &r, &e), 0);
    assert_string_equal(r.sale.pay_ref, "4200001234202612041234567");
    site_meter_loads(s, 2000);
    REFUSED(KWH_ECONFLICT, "already recorded", ops_sell(s->core, &s->seller, no, &w, &r, &e_));
    /* the format of each method */
    str_copy(w.pay_ref, sizeof w.pay_ref, "12ab");
    REFUSED(KWH_EINVAL, "not a", ops_sell(s->core, &s->seller, no, &w, &r, &e_));
    w.pay_method = KWH_PAY_CARD;
    str_copy(w.pay_ref, sizeof w.pay_ref, "123456789012345");
    REFUSED(KWH_EINVAL, "6 to 12 digits", ops_sell(s->core, &s->seller, no, &w, &r, &e_));
    w.pay_method = KWH_PAY_CASH;
    str_copy(w.pay_ref, sizeof w.pay_ref, "123456");
    REFUSED(KWH_EINVAL, "cash payment has no reference",
            ops_sell(s->core, &s->seller, no, &w, &r, &e_));
    assert_int_equal(site_q1(s, "SELECT count(*) FROM sales"), 2);
    w.pay_method = KWH_PAY_CARD;
    assert_int_equal(ops_sell(s->core, &s->seller, no, &w, &r, &e), 0);
    assert_int_equal(r.sale.pay_method, KWH_PAY_CARD);
}

/* 补卡 (the purchase not yet in the meter carried to the new card) and 换表 (the old
 * meter's energy carried) move energy already counted: the period's counter stays; a
 * purchase made with either counts once, from where the account stands. */
static void tiers__a_reissue_and_a_meter_change_keep_the_period(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(15000, 0), more = by_kwh(10000, 0);
    uint32_t no = open_tiered(s, 12345678, &p);
    struct kwh_meter_change_req m;
    struct kwh_customer cu;
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 15000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &more, &r, &e), 0);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.period_ckwh, 25000);
    /* the card is lost before the meter took the 100 kWh: 补卡, 未消费 */
    fakecard_blank(s->card);
    assert_int_equal(ops_reissue(s->core, &s->seller, no, false, 0, NULL, &r, &e), 0);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.period_ckwh, 25000);
    /* the new card went into the meter, then was lost too: 补卡 with a purchase, 100 kWh
       more from 250, all in tier 2 */
    site_meter_loads(s, 25000);
    fakecard_blank(s->card);
    assert_int_equal(ops_reissue(s->core, &s->seller, no, true, 0, &more, &r, &e), 0);
    assert_int_equal(r.sale.nitems, 1);
    tier_item(&r.sale, 0, 2, 10000, 6000, 6000);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.period_ckwh, 35000);
    /* 换表: the energy the old meter holds moves, counted already; 100 kWh more from 350:
       50 in tier 2, 50 in tier 3 */
    site_meter_loads(s, 35000);
    memset(&m, 0, sizeof m);
    m.meter = site_account(s, 87654321, "x").meter;
    m.old_remaining_ckwh = 35000;
    assert_int_equal(ops_meter_change(s->core, &s->admin, no, &m, &more, &r, &e), 0);
    assert_int_equal(r.sale.nitems, 2);
    tier_item(&r.sale, 0, 2, 5000, 6000, 3000);
    tier_item(&r.sale, 1, 3, 5000, 8000, 4000);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.period_ckwh, 45000);
}

/* A new tier table scheduled for tomorrow (待生效) leaves today's sales at today's tiers;
 * from its first second the sales split at the new prices, the account and the total
 * balance show the price in force, an invoice of before reprints as it was, and the
 * period's tier totals keep each sale at the prices it was sold at. */
static void tiers__a_scheduled_table_leaves_old_invoices_and_reports_as_they_were(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(15000, 0), more = by_kwh(10000, 0);
    uint32_t no = open_tiered(s, 12345678, &p);
    struct kwh_balance before, after;
    struct kwh_sale_filter all;
    struct kwh_receipt r1, r2, again;
    struct kwh_customer cu;
    struct kwh_tariff def;
    int64_t day, ckwh[3], fen[3];
    struct kwh_err e;

    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    day = period_day(s->now).to;
    memset(&def, 0, sizeof def);
    def.period_months = KWH_PERIOD_MONTHLY;
    def.period_start = 1;
    def.ntiers = 3;
    def.tiers[0] = (struct kwh_tier){20000, 5500};
    def.tiers[1] = (struct kwh_tier){40000, 6600};
    def.tiers[2] = (struct kwh_tier){0, 8800};
    def.price_since = day;
    assert_int_equal(tariff_set_tiers(s->core, &s->admin, NULL, cu.tariff_id, &def, NULL, &e), 0);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.price, 5000); /* the scheduled version is not in force yet */

    /* today: 150 -> 250 kWh, 50 at 0.50 and 50 at 0.60 */
    site_meter_loads(s, 15000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &more, &r1, &e), 0);
    assert_int_equal(r1.sale.amount_fen, 2500 + 3000);
    tier_item(&r1.sale, 0, 1, 5000, 5000, 2500);
    tier_item(&r1.sale, 1, 2, 5000, 6000, 3000);
    site_meter_loads(s, 25000);
    s->now = day - 1;
    assert_int_equal(report_balance(s->core, &s->admin, &before, &e), 0);

    /* tomorrow, nothing sold in between: the same energy valued at the new first tier */
    s->now = day;
    assert_int_equal(report_balance(s->core, &s->admin, &after, &e), 0);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.price, 5500);
    assert_int_equal(after.balance_ckwh, before.balance_ckwh);
    assert_true(cu.balance_ckwh > 0);
    assert_int_equal(after.balance_fen - before.balance_fen,
                     units_amount_for_energy(cu.balance_ckwh, 5500) -
                         units_amount_for_energy(cu.balance_ckwh, 5000));

    /* 250 -> 350 kWh, all in tier 2, now at 0.66 */
    assert_int_equal(ops_sell(s->core, &s->seller, no, &more, &r2, &e), 0);
    assert_int_equal(r2.sale.amount_fen, 6600);
    assert_int_equal(r2.sale.nitems, 1);
    tier_item(&r2.sale, 0, 2, 10000, 6600, 6600);
    assert_int_equal(r2.sale.price, 6600); /* a tiered sale's price: its first tier's */

    /* the invoice of yesterday's sale, read back today: its prices and amounts as sold */
    assert_int_equal(invoice_get(s->core, &s->seller, r1.sale.invoice_no, &again, &e), 0);
    assert_int_equal(again.sale.price, 5000);
    assert_int_equal(again.sale.amount_fen, 5500);
    assert_int_equal(again.sale.nitems, 2);
    tier_item(&again.sale, 0, 1, 5000, 5000, 2500);
    tier_item(&again.sale, 1, 2, 5000, 6000, 3000);

    /* the period's tiers: the opening's 150 kWh and 50 at 0.50, 50 kWh at 0.60 and 100 at
       0.66 in tier 2 */
    memset(&all, 0, sizeof all);
    all.by_date = true;
    all.period.from = period_day(day - 1).from;
    all.period.to = period_day(day).to;
    tier_totals(s, &all, ckwh, fen);
    assert_int_equal(ckwh[0], 15000 + 5000);
    assert_int_equal(fen[0], 7500 + 2500);
    assert_int_equal(ckwh[1], 5000 + 10000);
    assert_int_equal(fen[1], 3000 + 6600);
    assert_int_equal(ckwh[2], 0);
}

/* A refunded account cannot sell: the overdraft its customer left unpaid moves, when a new
 * account opens on the same meter number (after the old one is closed), to that account,
 * with an entry on both naming the other and an audit entry; its sales recover it by the
 * arrears rule. The opening says so before it is committed. */
static void arrears__a_refunded_accounts_debt_moves_to_the_next_account_on_its_meter(void **state)
{
    struct site *s = *state;
    struct kwh_recovery_rule rule = {KWH_RECOVER_FIXED, 100};
    struct kwh_purchase_req p = by_kwh(1000, 0), money = by_amount(1000);
    struct kwh_account_req a = site_account(s, 12345678, "赵六");
    uint32_t no = site_open(s, 12345678, 10000), next;
    struct kwh_arrears_line *l;
    struct kwh_card_view v;
    struct kwh_plan *plan;
    struct kwh_receipt r;
    struct kwh_err e;
    char q[128], want[64];
    size_t n;

    site_meter_loads(s, 10000);
    assert_int_equal(ops_refund_card(s->core, &s->seller, no, &e), 0);
    site_meter_refund_card(s, -250, 1); /* 2.5 kWh owed at 0.5283: 1.33 left unpaid */
    assert_int_equal(ops_read(s->core, &s->seller, &v, &e), 0);
    assert_int_equal(refund_plan_unpaid(s->core, &s->seller, &v, &plan, &e), 0);
    assert_int_equal(plan_commit(s->core, &s->seller, plan, &r, &e), 0);
    plan_free(plan);
    assert_int_equal(ops_close(s->core, &s->seller, no, false, &e), 0);

    fakecard_blank(s->card);
    assert_int_equal(ops_read(s->core, &s->seller, &v, &e), 0);
    assert_int_equal(open_plan(s->core, &s->seller, &v, &a, &p, &plan, &e), 0);
    assert_int_equal(plan_view(plan)->carried_arrears_fen, 133);
    assert_int_equal(plan_view(plan)->carried_from_no, no);
    assert_int_equal(plan_commit(s->core, &s->seller, plan, &r, &e), 0);
    plan_free(plan);
    next = r.customer.customer_no;
    assert_int_equal(r.customer.arrears_fen, 133);
    snprintf(q, sizeof q, "SELECT arrears_fen FROM customers WHERE customer_no = %u", no);
    assert_int_equal(site_q1(s, q), 0);
    /* both histories name the other */
    assert_int_equal(arrears_history(s->core, &s->admin, no, &l, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(l[1].what, "carried");
    assert_int_equal(l[1].fen, -133);
    snprintf(want, sizeof want, "carried to account %08u", next);
    assert_non_null(strstr(l[1].reason, want));
    free(l);
    assert_int_equal(arrears_history(s->core, &s->admin, next, &l, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(l[0].what, "carried");
    assert_int_equal(l[0].fen, 133);
    snprintf(want, sizeof want, "carried from account %08u", no);
    assert_non_null(strstr(l[0].reason, want));
    free(l);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'arrears-carry'"), 1);

    /* recovered at its sales by the rule; carried once only */
    assert_int_equal(arrears_set_site_rule(s->core, &s->admin, &rule, &e), 0);
    site_meter_loads(s, 1000);
    assert_int_equal(ops_sell(s->core, &s->seller, next, &money, &r, &e), 0);
    assert_int_equal(r.sale.arrears_fen, 100);
    assert_int_equal(r.customer.arrears_fen, 33);
    assert_int_equal(site_q1(s, "SELECT sum(arrears_fen) FROM customers"), 33);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, site_setup, site_teardown)
        T(tiers__a_sale_splits_from_where_the_account_stands_in_the_month),
        T(tiers__a_resale_splits_from_before_the_sale_it_replaces),
        T(tiers__a_bad_table_is_refused_and_changes_nothing),
        T(tiers__a_refund_after_a_crossing_pays_each_tier_at_its_price),
        T(tiers__a_refund_in_the_next_month_pays_each_purchase_at_its_prices),
        T(tiers__a_transfer_starts_the_new_owners_period),
        T(fees__are_deducted_before_the_energy_with_the_arrears_recovery),
        T(fees__a_fixed_recovery_never_takes_more_than_owed),
        T(refs__the_same_reference_twice_is_refused),
        T(reversal__cancels_the_money_with_a_linked_entry_approved_by_another),
        T(reversal__a_correction_records_the_money_as_it_was_paid),
        T(reversal__of_a_loaded_purchase_only_corrects_the_money),
        T(reversal__nets_the_tier_totals_of_the_reports),
        T(shift__totals_each_fee_type_net_of_resales_and_reversals),
        T(reversal__takes_the_energy_back_off_the_card_the_meter_has_not_loaded),
        T(reversal__of_the_energy_the_meter_loaded_is_refused),
        T(reversal__a_pulled_card_leaves_a_pending_write_that_settles),
        T(room__prices_the_tiers_fees_and_arrears_as_the_sale_will),
        T(shared__a_shared_tariff_is_flat),
        T(arrears__the_site_lists_the_accounts_that_owe),
        T(room__at_a_tier_edge_with_a_percentage_recovery),
        T(reversal__a_correction_shares_the_amount_across_the_tiers),
        T(refund__pays_back_only_what_was_paid_after_an_adjustment),
        T(refund__never_turns_adjustment_energy_into_cash),
        T(refund__values_the_newest_purchases_first_at_their_own_prices),
        T(meter_change__more_than_the_last_report_needs_a_reason),
        T(meter_change__within_the_last_report_needs_no_reason),
        T(arrears__a_refunded_accounts_debt_moves_to_the_next_account_on_its_meter),
        T(tiers__a_scheduled_table_leaves_old_invoices_and_reports_as_they_were),
        T(tiers__a_reissue_and_a_meter_change_keep_the_period),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
