/* SPDX-License-Identifier: Apache-2.0 */
/* kwh-backends: sqlite pg (tests/run.sh runs this suite on SQLite and on PostgreSQL) */
/* kwh-layouts: kwh1 test (tests/run.sh runs it in the test card layout too) */
/* The vending operations of the manual, each with its happy path and its refusals,
 * against a real SQLite database and the fake card. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fakecard.h"
#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "kwhpos/core.h"
#include "kwhpos/query.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "check.h"
#include "site.h"
#include "ops.h"

static struct kwh_purchase_req by_kwh(int64_t ckwh)
{
    return (struct kwh_purchase_req){KWH_BY_KWH, ckwh, 0, KWH_PAY_CASH, ""};
}

static struct kwh_purchase_req by_amount(int64_t fen, int pay)
{
    return (struct kwh_purchase_req){KWH_BY_AMOUNT, fen, 0, pay, ""};
}

static void card_of(struct site *s, struct kwh_card *out)
{
    struct kwh_card_view v;
    struct kwh_err e;
    if (cardview_read(s->core, &s->seller, &v, &e) < 0)
        fail_msg("read: %s", e.msg);
    *out = v.card;
}

static struct kwh_customer account(struct site *s, uint32_t no)
{
    struct kwh_customer cu;
    struct kwh_err e;
    if (account_find(s->core, no, 0, &cu, &e) < 0)
        fail_msg("find: %s", e.msg);
    return cu;
}

/* What a refused operation must leave as it was: the card, the account's row, the sales
 * (settled and pending) and the audit chain. */
struct snapshot {
    uint8_t img[KWH_CARD_SIZE];
    struct kwh_customer cu;
    int64_t sales, pending, audits;
};

static void snapshot_take(struct site *s, uint32_t no, struct snapshot *out)
{
    struct kwh_sale_filter f;
    struct kwh_sale_page pg;
    struct kwh_sale *pending;
    size_t n;
    int64_t bad;
    struct kwh_err e;

    memset(out, 0, sizeof *out);
    memcpy(out->img, s->card->img, sizeof out->img);
    if (account_find(s->core, no, 0, &out->cu, &e) < 0)
        fail_msg("find: %s", e.msg);
    memset(&f, 0, sizeof f);
    f.by_date = true;
    f.period = (struct kwh_period){0, INT64_MAX / 4};
    if (query_sales(s->core, &s->seller, &f, &pg, &e) < 0)
        fail_msg("sales: %s", e.msg);
    out->sales = pg.totals.count;
    query_sale_page_fini(&pg);
    if (settle_pending(s->core, &pending, &n, &e) < 0)
        fail_msg("pending: %s", e.msg);
    free(pending);
    out->pending = (int64_t)n;
    if (audit_verify(s->core, &out->audits, &bad, &e) < 0 || bad != 0)
        fail_msg("audit: %s (first bad %lld)", e.msg, (long long)bad);
}

/* Fails unless nothing of the snapshot changed. */
static void snapshot_unchanged(struct site *s, uint32_t no, const struct snapshot *before)
{
    struct snapshot now;
    snapshot_take(s, no, &now);
    assert_memory_equal(now.img, before->img, KWH_CARD_SIZE);
    assert_int_equal(now.sales, before->sales);
    assert_int_equal(now.pending, before->pending);
    assert_int_equal(now.audits, before->audits);
    assert_int_equal(now.cu.meter.meter_no, before->cu.meter.meter_no);
    assert_int_equal(now.cu.meter.meter_type, before->cu.meter.meter_type);
    assert_int_equal(now.cu.meter.ct_ratio, before->cu.meter.ct_ratio);
    assert_int_equal(now.cu.meter.current_limit_a, before->cu.meter.current_limit_a);
    assert_int_equal(now.cu.tariff_id, before->cu.tariff_id);
    assert_string_equal(now.cu.name, before->cu.name);
    assert_int_equal(now.cu.status, before->cu.status);
    assert_int_equal(now.cu.card_gen, before->cu.card_gen);
    assert_int_equal(now.cu.purchase_count, before->cu.purchase_count);
    assert_int_equal(now.cu.balance_ckwh, before->cu.balance_ckwh);
    assert_int_equal(now.cu.free_month, before->cu.free_month);
    assert_int_equal(now.cu.last_purchase, before->cu.last_purchase);
}

static void set_limits(struct site *s, int64_t max_fen, int64_t max_ckwh, int64_t free_ckwh)
{
    struct kwh_site site;
    struct kwh_err e;
    assert_int_equal(settings_get(s->core, &site, &e), 0);
    if (max_fen > 0)
        site.max_sale_fen = max_fen;
    if (max_ckwh > 0)
        site.max_sale_ckwh = max_ckwh;
    if (free_ckwh >= 0)
        site.monthly_free_ckwh = free_ckwh;
    if (settings_set_limits(s->core, &s->admin, &site, &e) < 0)
        fail_msg("limits: %s", e.msg);
}

/* The local time of a calendar date: month_of() counts months in local time. */
static int64_t local_time(int year, int month, int day, int hour, int min, int sec)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

/* --- M10 ------------------------------------------------------------------------------ */

static void open_account__writes_the_card_and_records_the_first_purchase(void **state)
{
    struct site *s = *state;
    struct kwh_account_req a = site_account(s, 12345678, "李四");
    struct kwh_purchase_req p = by_kwh(10000);
    struct kwh_receipt r;
    struct kwh_card card;
    struct kwh_balance b;
    struct kwh_err e;

    p.adjust_ckwh = 500;
    assert_int_equal(ops_open(s->core, &s->seller, &a, &p, &r, &e), 0);
    assert_int_equal(r.sale.state, KWH_STATE_DONE);
    assert_int_equal(r.sale.energy_ckwh, 10000);
    assert_int_equal(r.sale.adjust_ckwh, 500);
    assert_int_equal(r.sale.amount_fen, 5283); /* 100 kWh at 0.5283 */
    assert_int_equal(r.sale.invoice_no, 1);
    assert_int_equal(r.customer.status, KWH_CUST_OPEN);
    assert_true(r.customer.customer_no >= 10000001);
    assert_string_equal(r.unit_name, "测试物业");

    card_of(s, &card);
    assert_int_equal(card.type, KWH_CARD_USER);
    assert_int_equal(card.meter_no, 12345678);
    assert_int_equal(card.customer_no, r.customer.customer_no);
    assert_int_equal(card.purchase_count, 1);
    assert_int_equal(card.purchase_ckwh, 10500); /* paid + adjustment */
    assert_true(card.flags & CARD_F_KEYX);
    assert_int_equal(card.params.current_limit_a, 40);
    assert_int_equal(card.params.hoard_ckwh, 200000);
    assert_memory_not_equal(s->card->psc, card_factory_psc, KWH_PSC_LEN);

    assert_int_equal(site_balance(s, r.customer.customer_no), 10500);
    assert_int_equal(report_balance(s->core, &s->seller, &b, &e), 0);
    assert_int_equal(b.accounts, 1);
    assert_int_equal(b.balance_ckwh, 10500);
    assert_int_equal(b.balance_fen, units_amount_for_energy(10500, 5283));
}

static void open_account__refuses_bad_input_with_nothing_written(void **state)
{
    struct site *s = *state;
    struct kwh_account_req a;
    struct kwh_purchase_req p = by_kwh(1000);
    struct kwh_receipt r;

    a = site_account(s, 0, "王五");
    REFUSED(KWH_EINVAL, "none given; enter exactly 8 digits",
            ops_open(s->core, &s->seller, &a, &p, &r, &e_));
    a = site_account(s, 123456789, "王五");
    REFUSED(KWH_EINVAL, "123456789 has more than 8 digits",
            ops_open(s->core, &s->seller, &a, &p, &r, &e_));
    a = site_account(s, 4294967295u, "王五");
    REFUSED(KWH_EINVAL, "more than 8 digits", ops_open(s->core, &s->seller, &a, &p, &r, &e_));
    a = site_account(s, 22222222, "");
    REFUSED(KWH_EINVAL, "name", ops_open(s->core, &s->seller, &a, &p, &r, &e_));
    a = site_account(s, 22222222, "王五");
    a.meter.current_limit_a = 80;
    REFUSED(KWH_EINVAL, "rating", ops_open(s->core, &s->seller, &a, &p, &r, &e_));
    a = site_account(s, 22222222, "王五");
    a.meter.meter_type = KWH_METER_THREE_CT;
    REFUSED(KWH_EINVAL, "CT ratio", ops_open(s->core, &s->seller, &a, &p, &r, &e_));
    a = site_account(s, 22222222, "王五");
    a.tariff_id = 999;
    REFUSED(KWH_ENOTFOUND, "tariff", ops_open(s->core, &s->seller, &a, &p, &r, &e_));
    a = site_account(s, 22222222, "王五");
    p = by_kwh(0);
    REFUSED(KWH_EINVAL, "more than 0", ops_open(s->core, &s->seller, &a, &p, &r, &e_));
    p = by_amount(-100, KWH_PAY_CASH);
    REFUSED(KWH_EINVAL, "more than 0", ops_open(s->core, &s->seller, &a, &p, &r, &e_));
    p = by_amount(2000000, KWH_PAY_CASH); /* above the 10,000 yuan default maximum */
    REFUSED(KWH_EINVAL, "maximum", ops_open(s->core, &s->seller, &a, &p, &r, &e_));
    p = by_kwh(300000); /* 3000 kWh, hoard limit 2000 */
    REFUSED(KWH_ECONFLICT, "hoard", ops_open(s->core, &s->seller, &a, &p, &r, &e_));
    p = by_kwh(1000);
    p.pay_method = 9;
    REFUSED(KWH_EINVAL, "payment", ops_open(s->core, &s->seller, &a, &p, &r, &e_));
    /* nothing was written: the card is still factory-blank, the meter number free */
    for (int i = 4; i < KWH_CARD_SIZE; i++)
        assert_int_equal(s->card->img[i], 0xFF);
    struct kwh_customer cu;
    REFUSED(KWH_ENOTFOUND, "meter", account_find(s->core, 0, 22222222, &cu, &e_));
    assert_int_equal(s->card->presentations, 0);
}

static void open_account__refuses_a_meter_in_use_and_a_card_that_is_not_blank(void **state)
{
    struct site *s = *state;
    struct kwh_account_req a = site_account(s, 33333333, "赵六");
    struct kwh_purchase_req p = by_kwh(1000);
    struct kwh_receipt r;

    site_open(s, 33333333, 1000);
    /* the same card again (not blank) */
    a.meter.meter_no = 44444444;
    REFUSED(KWH_ECONFLICT, "not blank", ops_open(s->core, &s->seller, &a, &p, &r, &e_));
    fakecard_blank(s->card);
    a.meter.meter_no = 33333333;
    REFUSED(KWH_ECONFLICT, "already belongs", ops_open(s->core, &s->seller, &a, &p, &r, &e_));
    s->card->present = false;
    a.meter.meter_no = 44444444;
    REFUSED(KWH_EDEVICE, "no card", ops_open(s->core, &s->seller, &a, &p, &r, &e_));
}

/* FF is what an unwritten byte reads: a serial without one is always written as one
   run, so "N of 6 bytes written" means the same on every card */
static void open_account__gives_each_card_a_serial_without_an_ff_byte(void **state)
{
    struct site *s = *state;

    uint8_t serial[CARD_SERIAL_LEN];

    for (uint32_t i = 0; i < 300; i++) {
        site_open(s, 20000000 + i, 100);
        card_serial_of(site_profile(), s->card->img, serial);
        for (size_t j = 0; j < CARD_SERIAL_LEN; j++)
            if (serial[j] == 0xff)
                fail_msg("card %u: serial byte %zu is FF", i, j);
    }
}

static void open_account__three_phase_ct_meter_carries_its_ratio(void **state)
{
    struct site *s = *state;
    struct kwh_account_req a = site_account(s, 55555555, "工厂");
    struct kwh_purchase_req p = by_kwh(50000);
    struct kwh_receipt r;
    struct kwh_card card;
    struct kwh_err e;

    a.meter.meter_type = KWH_METER_THREE_CT;
    a.meter.ct_ratio = 30;
    a.meter.rating_a = 6;
    a.meter.current_limit_a = 6;
    a.meter.hoard_ckwh = 9999900;
    a.tariff_id = s->tariff_shop;
    assert_int_equal(ops_open(s->core, &s->seller, &a, &p, &r, &e), 0);
    card_of(s, &card);
    assert_int_equal(card.params.meter_type, KWH_METER_THREE_CT);
    assert_int_equal(card.params.ct_ratio, 30);
    /* energies stay primary-side kWh on card, invoice and report alike */
    assert_int_equal(card.purchase_ckwh, 50000);
    assert_int_equal(r.sale.energy_ckwh, 50000);
    assert_int_equal(r.sale.amount_fen, 42500); /* 500 kWh at 0.85 */
}

/* --- M11 ------------------------------------------------------------------------------ */

static void sale__by_amount_and_by_kwh_after_the_meter_loaded_the_last(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_purchase_req p = by_amount(10000, KWH_PAY_WECHAT);
    struct kwh_receipt r;
    struct kwh_card card;
    struct kwh_err e;

    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.amount_fen, 10000);
    assert_int_equal(r.sale.energy_ckwh, 18928); /* 100 yuan / 0.5283, rounded down */
    assert_int_equal(r.sale.pay_method, KWH_PAY_WECHAT);
    assert_true(r.sale.by_amount);
    assert_int_equal(r.sale.invoice_no, 2);
    card_of(s, &card);
    assert_int_equal(card.purchase_count, 2);
    assert_int_equal(card.purchase_ckwh, 18928);
    assert_false(card.flags & CARD_F_KEYX);
    assert_int_equal(site_balance(s, no), 10000 + 18928);

    site_meter_loads(s, 28000);
    card_of(s, &card);                            /* reading the card takes in the meter's report */
    assert_int_equal(site_balance(s, no), 28000); /* it replaces the estimate */
    p = by_kwh(5000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.amount_fen, 2642); /* 50 kWh * 0.5283 = 26.415 -> 26.42 */
    assert_int_equal(site_balance(s, no), 33000);
}

static void sale__refused_while_the_last_purchase_is_not_in_the_meter(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_purchase_req p = by_kwh(1000);
    struct kwh_receipt r;

    REFUSED(KWH_ECONFLICT, "not reached the meter", ops_sell(s->core, &s->seller, no, &p, &r, &e_));
    site_meter_loads(s, 10000);
    REFUSED(KWH_ECONFLICT, "belongs to account",
            ops_sell(s->core, &s->seller, no + 1, &p, &r, &e_));
    p = by_kwh(0);
    REFUSED(KWH_EINVAL, "more than 0", ops_sell(s->core, &s->seller, no, &p, &r, &e_));
    p.mode = KWH_BY_NONE;
    REFUSED(KWH_EINVAL, "amount or an energy", ops_sell(s->core, &s->seller, no, &p, &r, &e_));
    struct kwh_session nobody = {0};
    p = by_kwh(1000);
    REFUSED(KWH_EPERM, "log in", ops_sell(s->core, &nobody, no, &p, &r, &e_));
}

static void sale__hoard_limit_counts_what_the_meter_holds(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_purchase_req p = by_kwh(195001); /* 100 + 1950.01 > 2000 kWh */
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 5000); /* the meter reports 50 kWh left */
    REFUSED(KWH_ECONFLICT, "hoard", ops_sell(s->core, &s->seller, no, &p, &r, &e_));
    p = by_kwh(195000); /* 50 + 1950 = 2000: exactly the limit */
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
}

static void sale__per_sale_maximum_is_configurable(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 1000);
    struct kwh_site site;
    struct kwh_purchase_req p = by_amount(5001, KWH_PAY_CASH);
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 1000);
    assert_int_equal(settings_get(s->core, &site, &e), 0);
    site.max_sale_fen = 5000;
    REFUSED(KWH_EPERM, "administrator", settings_set_limits(s->core, &s->seller, &site, &e_));
    assert_int_equal(settings_set_limits(s->core, &s->admin, &site, &e), 0);
    REFUSED(KWH_EINVAL, "maximum of 50.00", ops_sell(s->core, &s->seller, no, &p, &r, &e_));
    p.value = 5000;
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
}

/* Right after the read, before any amount: the most the card can take under the hoard
 * limit, in kWh and in yuan that fits; a card that can take no purchase is refused. */
static void sale_room__is_the_most_the_card_takes_and_refuses_before_an_amount(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_purchase_req p;
    struct kwh_sale_room room;
    struct kwh_card_view v;
    struct kwh_receipt r;
    struct kwh_err e;

    assert_int_equal(cardview_read(s->core, &s->seller, &v, &e), 0);
    REFUSED(KWH_ECONFLICT, "insert the card in the meter first",
            sale_room(s->core, &s->seller, &v, KWH_OP_SALE, &room, &e_));
    /* 重新售电 of the opening's purchase: the meter holds nothing without it */
    assert_int_equal(sale_room(s->core, &s->seller, &v, KWH_OP_RESALE, &room, &e), 0);
    assert_int_equal(room.held_ckwh, 0);
    assert_int_equal(room.max_ckwh, 200000);

    site_meter_loads(s, 5000); /* 50 kWh left of the 2000 kWh limit */
    assert_int_equal(cardview_read(s->core, &s->seller, &v, &e), 0);
    assert_int_equal(sale_room(s->core, &s->seller, &v, KWH_OP_SALE, &room, &e), 0);
    assert_int_equal(room.held_ckwh, 5000);
    assert_int_equal(room.hoard_ckwh, 200000);
    assert_int_equal(room.price, 5283);
    assert_int_equal(room.max_ckwh, 195000);
    assert_int_equal(room.max_fen, units_amount_within(195000, 5283));
    /* one fen more than the most is refused, saying the most; the most itself sells */
    p = by_amount(room.max_fen + 1, KWH_PAY_CASH);
    REFUSED(KWH_ECONFLICT, "can take at most 1950.00 kWh",
            ops_sell(s->core, &s->seller, no, &p, &r, &e_));
    p.value = room.max_fen;
    REFUSED(KWH_ECONFLICT, "重新售电 is no longer possible",
            sale_room(s->core, &s->seller, &v, KWH_OP_RESALE, &room, &e_));
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_true(r.sale.energy_ckwh <= 195000);
    struct kwh_session nobody = {0};
    REFUSED(KWH_EPERM, "log in", sale_room(s->core, &nobody, &v, KWH_OP_SALE, &room, &e_));
}

/* 补卡: the ledger proposes 已消费 only when the meter reported the last purchase, and
 * the plan says when the clerk's choice goes against that. */
static void reissue_evidence__proposes_what_the_meter_reported(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_reissue_evidence ev;
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    struct kwh_err e;

    assert_int_equal(reissue_evidence(s->core, &s->seller, no, &ev, &e), 0);
    assert_true(ev.has_last_sale);
    assert_int_equal(ev.last_sale.purchase_count, 1);
    assert_int_equal(model_sale_card_ckwh(&ev.last_sale), 10000);
    assert_int_equal(ev.purchase_count, 1);
    assert_int_equal(ev.loaded_count, 0);
    assert_false(ev.loaded); /* no report: 未消费 */
    fakecard_blank(s->card);
    assert_int_equal(cardview_read(s->core, &s->seller, &v, &e), 0);
    assert_int_equal(reissue_plan(s->core, &s->seller, no, &v, true, 0, NULL, &plan, &e), 0);
    assert_true(plan_view(plan)->against_evidence);
    assert_false(plan_view(plan)->evidence.loaded);
    plan_free(plan);
    assert_int_equal(reissue_plan(s->core, &s->seller, no, &v, false, 0, NULL, &plan, &e), 0);
    assert_false(plan_view(plan)->against_evidence);
    plan_free(plan);
}

static void reissue_evidence__loaded_after_the_meters_report(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_reissue_evidence ev;
    struct kwh_card card;
    struct kwh_err e;

    site_meter_loads(s, 10000);
    card_of(s, &card); /* the report is taken in when the card is read */
    assert_int_equal(reissue_evidence(s->core, &s->seller, no, &ev, &e), 0);
    assert_int_equal(ev.loaded_count, 1);
    assert_true(ev.loaded);
    assert_false(ev.pending);
    REFUSED(KWH_ENOTFOUND, "", reissue_evidence(s->core, &s->seller, no + 1, &ev, &e_));
}

/* F3 查询用户: one number, the customer's or the meter's; ambiguous when it is both. */
static void account_find_number__takes_either_number(void **state)
{
    struct site *s = *state;
    uint32_t first = site_open(s, 12345678, 0);
    uint32_t second = site_open(s, first, 0); /* its meter number is the first's customer no */
    struct kwh_customer cu;
    struct kwh_err e;

    assert_int_equal(account_find_number(s->core, 12345678, &cu, &e), 0);
    assert_int_equal(cu.customer_no, first);
    assert_int_equal(account_find_number(s->core, second, &cu, &e), 0);
    assert_int_equal(cu.meter.meter_no, first);
    REFUSED(KWH_ECONFLICT, "the meter number of another",
            account_find_number(s->core, first, &cu, &e_));
    REFUSED(KWH_ENOTFOUND, "no account has the customer number or meter number 87654321",
            account_find_number(s->core, 87654321, &cu, &e_));
    REFUSED(KWH_EINVAL, "customer number or a meter number",
            account_find_number(s->core, 0, &cu, &e_));
}

/* --- M12 ------------------------------------------------------------------------------ */

static void resale__replaces_the_last_sale_only_before_it_reaches_the_meter(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_purchase_req p = by_kwh(5000);
    struct kwh_receipt first, second;
    struct kwh_card card;
    struct kwh_err e;

    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &first, &e), 0);
    p = by_kwh(3000); /* the clerk typed 50 instead of 30 */
    assert_int_equal(ops_resell(s->core, &s->seller, no, &p, &second, &e), 0);
    assert_int_equal(second.sale.kind, KWH_OP_RESALE);
    assert_int_equal(second.sale.replaces_id, first.sale.id);
    assert_int_equal(second.sale.purchase_count, first.sale.purchase_count);
    card_of(s, &card);
    assert_int_equal(card.purchase_count, 2);
    assert_int_equal(card.purchase_ckwh, 3000);
    assert_int_equal(site_balance(s, no), 10000 + 3000);
    /* the first sale is cancelled, not deleted */
    struct kwh_sale *pending;
    size_t n;
    assert_int_equal(settle_pending(s->core, &pending, &n, &e), 0);
    assert_int_equal(n, 0);
    free(pending);

    site_meter_loads(s, 13000);
    REFUSED(KWH_ECONFLICT, "already in the meter",
            ops_resell(s->core, &s->seller, no, &p, &second, &e_));
}

static void resale__of_an_opening_card_keeps_the_key_for_the_new_meter(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_purchase_req p = by_kwh(20000);
    struct kwh_receipt r;
    struct kwh_card card;
    struct kwh_err e;

    assert_int_equal(ops_resell(s->core, &s->seller, no, &p, &r, &e), 0);
    card_of(s, &card);
    assert_int_equal(card.purchase_count, 1);
    assert_int_equal(card.purchase_ckwh, 20000);
    assert_true(card.flags & CARD_F_KEYX);
    assert_int_equal(site_balance(s, no), 20000);
}

/* --- M13 ------------------------------------------------------------------------------ */

static void reissue__unconsumed_carries_the_last_purchase_and_the_old_card_dies(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    uint8_t old_img[KWH_CARD_SIZE], old_psc[KWH_PSC_LEN];
    struct kwh_card card;
    struct kwh_receipt r;
    struct kwh_err e;
    struct kwh_card_view v;

    memcpy(old_img, s->card->img, sizeof old_img);
    memcpy(old_psc, s->card->psc, sizeof old_psc);
    fakecard_blank(s->card); /* a new card: the old one is lost */
    assert_int_equal(ops_reissue(s->core, &s->seller, no, false, 1000, NULL, &r, &e), 0);
    assert_int_equal(r.sale.kind, KWH_OP_REISSUE);
    assert_int_equal(r.sale.fee_fen, 1000);
    card_of(s, &card);
    assert_int_equal(card.generation, 1);
    assert_int_equal(card.purchase_count, 1);
    assert_int_equal(card.purchase_ckwh, 10000);
    assert_false(card.flags & CARD_F_NO_PURCHASE);
    assert_true(card.flags & CARD_F_KEYX);
    assert_int_equal(site_balance(s, no), 10000); /* nothing sold twice */

    /* the lost card turns up: refused */
    memcpy(s->card->img, old_img, sizeof old_img);
    memcpy(s->card->psc, old_psc, sizeof old_psc);
    REFUSED(KWH_ECARD, "replaced", cardview_read(s->core, &s->seller, &v, &e_));
}

static void reissue__consumed_marks_no_new_purchase_or_sells_with_it(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_purchase_req p = by_kwh(2000);
    struct kwh_card card;
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 9000);
    fakecard_blank(s->card);
    REFUSED(KWH_EINVAL, "未消费", ops_reissue(s->core, &s->seller, no, false, 0, &p, &r, &e_));
    assert_int_equal(ops_reissue(s->core, &s->seller, no, true, 500, NULL, &r, &e), 0);
    card_of(s, &card);
    assert_int_equal(card.purchase_count, 1);
    assert_true(card.flags & CARD_F_NO_PURCHASE);
    /* the lost card's meter report never came back: the estimate stands */
    assert_int_equal(site_balance(s, no), 10000);

    /* and again, this time with a purchase */
    fakecard_blank(s->card);
    assert_int_equal(ops_reissue(s->core, &s->seller, no, true, 500, &p, &r, &e), 0);
    assert_int_equal(r.sale.energy_ckwh, 2000);
    assert_int_equal(r.sale.amount_fen, 1057);
    assert_int_equal(r.sale.fee_fen, 500);
    card_of(s, &card);
    assert_int_equal(card.generation, 2);
    assert_int_equal(card.purchase_count, 2);
    assert_int_equal(card.purchase_ckwh, 2000);
    assert_false(card.flags & CARD_F_NO_PURCHASE);
    assert_int_equal(site_balance(s, no), 12000);
}

static void reissue__needs_a_blank_card(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_receipt r;
    REFUSED(KWH_ECONFLICT, "blank card",
            ops_reissue(s->core, &s->seller, no, true, 0, NULL, &r, &e_));
    REFUSED(KWH_EINVAL, "fee", ops_reissue(s->core, &s->seller, no, true, -1, NULL, &r, &e_));
}

/* --- M14, M15 -------------------------------------------------------------------------- */

static void refund__pays_out_the_meters_remaining_credit(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_plan_view q;
    struct kwh_receipt r;
    struct kwh_card card;
    struct kwh_balance b;
    struct kwh_err e;

    site_meter_loads(s, 10000);
    REFUSED(KWH_ECARD, "not a refund card", ops_refund_quote(s->core, &s->seller, &q, &e_));
    assert_int_equal(ops_refund_card(s->core, &s->seller, no, &e), 0);
    card_of(s, &card);
    assert_int_equal(card.type, KWH_CARD_REFUND);
    REFUSED(KWH_ECONFLICT, "insert it in meter", ops_refund_quote(s->core, &s->seller, &q, &e_));
    site_meter_refund_card(s, 6000, 1); /* 60 kWh left */
    assert_int_equal(ops_refund_quote(s->core, &s->seller, &q, &e), 0);
    assert_int_equal(q.remaining_ckwh, 6000);
    assert_int_equal(q.unloaded_ckwh, 0);
    assert_int_equal(q.refund_ckwh, 6000);
    assert_int_equal(q.refund_fen, 3169); /* 60 * 0.5283 = 31.698 -> 31.69 */
    assert_int_equal(ops_refund(s->core, &s->seller, no, KWH_PAY_CASH, &r, &e), 0);
    assert_int_equal(r.sale.kind, KWH_OP_REFUND);
    assert_int_equal(r.sale.amount_fen, -3169);
    assert_int_equal(account(s, no).status, KWH_CUST_REFUNDED);
    assert_int_equal(site_balance(s, no), 0);
    assert_int_equal(report_balance(s->core, &s->seller, &b, &e), 0);
    assert_int_equal(b.balance_ckwh, 0);
    /* not twice */
    REFUSED(KWH_ECONFLICT, "already refunded",
            ops_refund(s->core, &s->seller, no, KWH_PAY_CASH, &r, &e_));
    /* nor a new card carrying the refunded energy again */
    REFUSED(KWH_ECONFLICT, "was refunded",
            ops_reissue(s->core, &s->seller, no, false, 0, NULL, &r, &e_));
    /* then the account can be closed */
    assert_int_equal(ops_close(s->core, &s->seller, no, false, &e), 0);
    assert_int_equal(account(s, no).status, KWH_CUST_CLOSED);
}

static void refund__negative_when_the_overdraft_was_used(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_plan_view q;
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 10000);
    assert_int_equal(ops_refund_card(s->core, &s->seller, no, &e), 0);
    site_meter_refund_card(s, -250, 1);
    assert_int_equal(ops_refund_quote(s->core, &s->seller, &q, &e), 0);
    assert_int_equal(q.refund_ckwh, -250);
    assert_int_equal(q.refund_fen, -133); /* 2.5 kWh owed: 1.32075 -> 1.33 */
    assert_int_equal(ops_refund(s->core, &s->seller, no, KWH_PAY_CASH, &r, &e), 0);
    assert_int_equal(r.sale.amount_fen, 133); /* money comes in */
}

static void refund__includes_a_purchase_the_meter_never_loaded(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_purchase_req p = by_kwh(4000);
    struct kwh_plan_view q;
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    /* the customer never went to the meter with purchase 2 */
    assert_int_equal(ops_refund_card(s->core, &s->seller, no, &e), 0);
    site_meter_refund_card(s, 7000, 1);
    assert_int_equal(ops_refund_quote(s->core, &s->seller, &q, &e), 0);
    assert_int_equal(q.unloaded_ckwh, 4000);
    assert_int_equal(q.refund_ckwh, 11000);
}

/* --- M16 ------------------------------------------------------------------------------ */

static void meter_change__carries_remaining_energy_to_the_new_meter(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_meter_change_req m;
    struct kwh_purchase_req p = by_kwh(2000);
    struct kwh_receipt r;
    struct kwh_card card;
    struct kwh_err e;

    site_meter_loads(s, 10000);
    memset(&m, 0, sizeof m);
    m.meter = site_account(s, 87654321, "x").meter;
    m.old_remaining_ckwh = 4200; /* read off the old meter's display */
    REFUSED(KWH_EPERM, "administrator", ops_meter_change(s->core, &s->seller, no, &m, &p, &r, &e_));
    assert_int_equal(ops_meter_change(s->core, &s->admin, no, &m, &p, &r, &e), 0);
    card_of(s, &card);
    assert_int_equal(card.meter_no, 87654321);
    assert_int_equal(card.purchase_ckwh, 4200 + 2000);
    assert_int_equal(card.purchase_count, 2);
    assert_true(card.flags & CARD_F_KEYX);
    struct kwh_customer cu = account(s, no);
    assert_int_equal(cu.meter.meter_no, 87654321);
    assert_int_equal(cu.balance_ckwh, 6200);
    assert_int_equal(r.sale.energy_ckwh, 2000);
    assert_int_equal(r.sale.amount_fen, 1057);
    /* the old meter number is free again */
    REFUSED(KWH_ENOTFOUND, "meter", account_find(s->core, 0, 12345678, &cu, &e_));
}

static void meter_change__refuses_an_overdraft_not_covered(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_meter_change_req m;
    struct kwh_receipt r;

    site_meter_loads(s, 10000);
    memset(&m, 0, sizeof m);
    m.meter = site_account(s, 87654321, "x").meter;
    m.old_remaining_ckwh = -300;
    REFUSED(KWH_ECONFLICT, "overdraft",
            ops_meter_change(s->core, &s->admin, no, &m, NULL, &r, &e_));
    site_open(s, 11112222, 100);
    /* back to the first customer's card is not in the reader: the other one is */
    m.old_remaining_ckwh = 0;
    REFUSED(KWH_ECONFLICT, "belongs to account",
            ops_meter_change(s->core, &s->admin, no, &m, NULL, &r, &e_));
}

/* --- M17, M18, M19 ---------------------------------------------------------------------- */

static void transfer__changes_the_owner_and_keeps_the_meter(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_err e;

    assert_int_equal(
        ops_transfer(s->core, &s->seller, no, "新户主", "二号楼 202", "13900000000", &e), 0);
    struct kwh_customer cu = account(s, no);
    assert_string_equal(cu.name, "新户主");
    assert_string_equal(cu.address, "二号楼 202");
    assert_int_equal(cu.meter.meter_no, 12345678);
    assert_int_equal(cu.balance_ckwh, 10000);
    REFUSED(KWH_EINVAL, "name", ops_transfer(s->core, &s->seller, no, "", "", "", &e_));
    REFUSED(KWH_EINVAL, "name", ops_transfer(s->core, &s->seller, no, "a\nb", "", "", &e_));
    REFUSED(KWH_ENOTFOUND, "no account",
            ops_transfer(s->core, &s->seller, 99999999, "x", "", "", &e_));
}

static void close__refuses_energy_left_unless_an_admin_forces_it(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_balance b;
    struct kwh_err e;

    REFUSED(KWH_ECONFLICT, "refund it first", ops_close(s->core, &s->seller, no, false, &e_));
    REFUSED(KWH_EPERM, "administrator", ops_close(s->core, &s->seller, no, true, &e_));
    assert_int_equal(ops_close(s->core, &s->admin, no, true, &e), 0);
    assert_int_equal(account(s, no).status, KWH_CUST_CLOSED);
    assert_int_equal(report_balance(s->core, &s->seller, &b, &e), 0);
    assert_int_equal(b.accounts, 0);
    assert_int_equal(b.balance_ckwh, 0);
    /* history stays: the account is still there, and its meter number is free */
    site_open(s, 12345678, 1000);
    REFUSED(KWH_ECONFLICT, "closed", ops_close(s->core, &s->admin, no, true, &e_));
}

static void edit__is_for_admins_and_writes_new_parameters_to_the_card(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_account_req a = site_account(s, 12345678, "张三丰");
    struct kwh_card card;
    bool written;
    struct kwh_err e;

    a.tariff_id = s->tariff_shop;
    REFUSED(KWH_EPERM, "administrator", ops_edit(s->core, &s->seller, no, &a, &written, &e_));
    assert_int_equal(ops_edit(s->core, &s->admin, no, &a, &written, &e), 0);
    assert_false(written);
    struct kwh_customer cu = account(s, no);
    assert_string_equal(cu.name, "张三丰");
    assert_int_equal(cu.tariff_id, s->tariff_shop);

    site_meter_loads(s, 9000);
    a.meter.current_limit_a = 20;
    a.meter.alarm_ckwh = 2000;
    assert_int_equal(ops_edit(s->core, &s->admin, no, &a, &written, &e), 0);
    assert_true(written);
    card_of(s, &card);
    assert_int_equal(card.params.current_limit_a, 20);
    assert_int_equal(card.params.alarm_ckwh, 2000);
    assert_int_equal(card.purchase_count, 1);
    assert_true(card.flags & CARD_F_NO_PURCHASE); /* the purchase is already in the meter */
    assert_int_equal(account(s, no).meter.current_limit_a, 20);
    assert_int_equal(site_balance(s, no), 9000);
}

/* --- M34 ------------------------------------------------------------------------------ */

static void monthly_allowance__once_a_month_never_accumulated(void **state)
{
    struct site *s = *state;
    struct kwh_site site;
    struct kwh_purchase_req p = by_kwh(1000);
    struct kwh_receipt r;
    struct kwh_err e;
    uint32_t no;

    assert_int_equal(settings_get(s->core, &site, &e), 0);
    site.monthly_free_ckwh = 1500;
    assert_int_equal(settings_set_limits(s->core, &s->admin, &site, &e), 0);
    no = site_open(s, 12345678, 1000);
    struct kwh_customer cu = account(s, no);
    assert_int_equal(cu.balance_ckwh, 1000 + 1500); /* granted with the first purchase */
    site_meter_loads(s, 2500);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.free_ckwh, 0); /* not twice in a month */
    site_meter_loads(s, 3500);
    s->now += 75 * 86400; /* two and a half months later */
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.free_ckwh, 1500); /* one month's worth, not three */
    struct kwh_card card;
    card_of(s, &card);
    assert_int_equal(card.purchase_ckwh, 2500);
    assert_int_equal(card.free_ckwh, 1500);
    /* a re-sale keeps the month's grant, it does not add another */
    p = by_kwh(500);
    assert_int_equal(ops_resell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.free_ckwh, 1500);
    assert_int_equal(site_balance(s, no), 3500 + 500 + 1500);
}

/* --- tariffs, settings ----------------------------------------------------------------- */

static void tariff__in_use_cannot_be_deleted_and_old_sales_keep_their_price(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_receipt r;
    struct kwh_purchase_req p = by_kwh(10000);
    struct kwh_tariff t;
    struct kwh_err e;
    int64_t id;

    REFUSED(KWH_ECONFLICT, "used by 1 account",
            tariff_delete(s->core, &s->admin, s->tariff_home, &e_));
    REFUSED(KWH_EPERM, "administrator",
            tariff_update(s->core, &s->seller, s->tariff_home, "x", 1, &e_));
    assert_int_equal(tariff_update(s->core, &s->admin, s->tariff_home, "居民生活用电", 6000, &e),
                     0);
    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.price, 6000);
    assert_int_equal(r.sale.amount_fen, 6000);
    /* the opening sale keeps 0.5283 */
    struct kwh_sale *pending;
    size_t n;
    assert_int_equal(settle_pending(s->core, &pending, &n, &e), 0);
    free(pending);
    assert_int_equal(tariff_get(s->core, s->tariff_home, &t, &e), 0);
    assert_int_equal(t.price, 6000);
    assert_int_equal(t.customers, 1);
    REFUSED(KWH_EINVAL, "price", tariff_add(s->core, &s->admin, "免费", 0, &id, &e_));
    REFUSED(KWH_EINVAL, "name", tariff_add(s->core, &s->admin, "", 5000, &id, &e_));
    REFUSED(KWH_ECONFLICT, "already exists",
            tariff_add(s->core, &s->admin, "居民生活用电", 5000, &id, &e_));
    assert_int_equal(tariff_add(s->core, &s->admin, "学生公寓", 4500, &id, &e), 0);
    assert_int_equal(tariff_delete(s->core, &s->admin, id, &e), 0);
    REFUSED(KWH_ENOTFOUND, "no tariff", tariff_get(s->core, id, &t, &e_));
}

static void area_code__locked_once_cards_exist_unless_forced(void **state)
{
    struct site *s = *state;
    struct kwh_site site;
    struct kwh_err e;

    assert_int_equal(settings_set_area_code(s->core, &s->admin, "271828", false, &e), 0);
    REFUSED(KWH_EINVAL, "6 digits",
            settings_set_area_code(s->core, &s->admin, "27182", false, &e_));
    REFUSED(KWH_EPERM, "administrator",
            settings_set_area_code(s->core, &s->seller, "111111", false, &e_));
    site_open(s, 12345678, 1000);
    REFUSED(KWH_ECONFLICT, "force",
            settings_set_area_code(s->core, &s->admin, "111111", false, &e_));
    assert_int_equal(settings_set_area_code(s->core, &s->admin, "111111", true, &e), 0);
    assert_int_equal(settings_get(s->core, &site, &e), 0);
    assert_string_equal(site.area_code, "111111");
    assert_true(site.cards_issued);
    /* the card made under the old code is now another site's card */
    struct kwh_card_view v;
    REFUSED(KWH_ECARD, "another site", cardview_read(s->core, &s->seller, &v, &e_));
}

static void unit__name_and_phone_are_kept(void **state)
{
    struct site *s = *state;
    struct kwh_site site;
    struct kwh_err e;
    assert_int_equal(settings_set_unit(s->core, &s->admin, "幸福小区物业", "0571-7654321", &e), 0);
    assert_int_equal(settings_get(s->core, &site, &e), 0);
    assert_string_equal(site.unit_name, "幸福小区物业");
    assert_string_equal(site.unit_phone, "0571-7654321");
    REFUSED(KWH_EINVAL, "one line", settings_set_unit(s->core, &s->admin, "a\tb", "", &e_));
    REFUSED(KWH_EPERM, "administrator", settings_set_unit(s->core, &s->seller, "x", "", &e_));
}

/* --- cards: foreign, forged, tool cards, wipe ------------------------------------------------ */

static void card__of_another_site_and_forged_cards_are_refused(void **state)
{
    struct site *s = *state;
    struct kwh_card_view v;
    struct kwh_card_view info;
    struct kwh_err e;

    unsigned rec, len;

    site_open(s, 12345678, 10000);
    /* one byte of the record in force edited by hand */
    assert_true(card_where(site_profile(), s->card->img, CARD_PIECE_ACTIVE, &rec, &len));
    s->card->img[rec + 16] ^= 0x40;
    REFUSED(KWH_ECARD, "protection", cardview_read(s->core, &s->seller, &v, &e_));
    assert_int_equal(ops_read(s->core, &s->seller, &info, &e), 0);
    assert_false(info.ours);
    assert_non_null(strstr(info.problem, "protection"));
    REFUSED(KWH_ECARD, "cannot be wiped", ops_wipe(s->core, &s->admin, &e_));
    assert_int_equal(s->card->presentations, 1); /* only the opening's factory PSC */
    s->card->img[rec + 16] ^= 0x40;

    /* a card from another site */
    char dir[] = "/tmp/kwhother.XXXXXX", db[64];
    struct kwh_init_req req = {.area_code = "999999", .unit_name = "别家", .demo_tariffs = true};
    struct kwh_core *other;
    struct kwh_session sys;
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/o.db", dir);
    str_copy(req.card_profile, sizeof req.card_profile, site_profile()->id);
    assert_int_equal(core_init_site(db, &req, &e), 0);
    assert_int_equal(core_open(&other, db, &e), 0);
    assert_int_equal(auth_login(other, "system", "1", &sys, &e), 0);
    assert_int_equal(
        auth_change_password(other, &sys, "system", "1", "other-pw-1", "other-pw-1", &e), 0);
    core_set_card_dev(other, fakecard_dev(s->card));
    struct kwh_tariff *t;
    size_t n;
    assert_int_equal(tariff_list(other, &t, &n, &e), 0);
    struct kwh_account_req a = site_account(s, 12121212, "外人");
    a.tariff_id = t[0].id;
    free(t);
    struct kwh_purchase_req p = by_kwh(1000);
    struct kwh_receipt r;
    fakecard_blank(s->card);
    assert_int_equal(ops_open(other, &sys, &a, &p, &r, &e), 0);
    core_close(other);
    int before = s->card->presentations;
    REFUSED(KWH_ECARD, "another site", cardview_read(s->core, &s->seller, &v, &e_));
    REFUSED(KWH_ECARD, "cannot be wiped", ops_wipe(s->core, &s->admin, &e_));
    assert_int_equal(s->card->presentations, before); /* no PSC spent on it */
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void card_read__tells_which_interrupted_write_it_settled(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_purchase_req p = by_kwh(5000);
    struct kwh_card_view info;
    struct kwh_receipt r;
    struct kwh_card card;
    struct kwh_err e;

    site_meter_loads(s, 10000);
    s->card->steps = 0;
    s->card->fail_after = 0; /* pulled at the sale's first byte: pending until read */
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), KWH_EPENDING);
    fakecard_reinsert(s->card);
    assert_int_equal(ops_read(s->core, &s->seller, &info, &e), 0);
    assert_true(info.ours);
    assert_non_null(strstr(info.notice, "never reached this card and was cancelled"));
    card_of(s, &card);
    assert_int_equal(card.purchase_count, 1);
    /* nothing left to settle: nothing to tell */
    assert_int_equal(ops_read(s->core, &s->seller, &info, &e), 0);
    assert_string_equal(info.notice, "");
}

/* A reissue that said 已消费 for a purchase the meter never loaded: the meter refuses the
   new card (E7); reading it says so and what to do, and no sale goes onto it. */
static void card_read__says_the_meter_refused_a_reissue_that_said_consumed(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_purchase_req p = by_kwh(2000);
    struct kwh_card_view v;
    struct kwh_card_return ret;
    struct kwh_card card;
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    fakecard_blank(s->card);
    assert_int_equal(ops_reissue(s->core, &s->seller, no, true, 0, NULL, &r, &e), 0);
    if (card_decode(site_profile(), s->card->img, NULL, &card, &e) < 0)
        fail_msg("%s", e.msg);
    assert_true(card.flags & CARD_F_NO_PURCHASE);
    memset(&ret, 0, sizeof ret);
    ret.meter_no = card.meter_no;
    ret.loaded_count = 1; /* the meter never had purchase 2 */
    ret.display = KWH_MC_E7;
    ret.remaining_ckwh = 10000;
    ret.time = (uint32_t)++s->now;
    site_meter_writes(s, &ret);
    assert_int_equal(cardview_read(s->core, &s->seller, &v, &e), 0);
    assert_false(v.purchase_loaded);
    assert_true(v.meter_refused);
    assert_non_null(strstr(v.refusal, "E7"));
    assert_non_null(strstr(v.refusal, "reissue the card again, with 未消费"));
    REFUSED(KWH_ECONFLICT, "with 未消费", ops_sell(s->core, &s->seller, no, &p, &r, &e_));
    /* the refused 20 kWh are still the customer's: 100 in the meter + 20 on the card */
    assert_int_equal(site_balance(s, no), 10000 + 2000);
}

static void toolcards__need_an_admin_except_the_relay_card(void **state)
{
    struct site *s = *state;
    struct kwh_meter_params mp = {0, 60, 999900, 999900, 999900, 1};
    struct kwh_card_view info;
    struct kwh_err e;

    REFUSED(KWH_EPERM, "administrator", ops_tool(s->core, &s->seller, KWH_CARD_CLEAR, NULL, &e_));
    REFUSED(KWH_EPERM, "administrator",
            ops_tool(s->core, &s->seller, KWH_CARD_MANAGEMENT, &mp, &e_));
    assert_int_equal(ops_tool(s->core, &s->seller, KWH_CARD_RELAY, NULL, &e), 0);
    assert_int_equal(ops_read(s->core, &s->seller, &info, &e), 0);
    assert_true(info.ours);
    assert_int_equal(info.card.type, KWH_CARD_RELAY);
    REFUSED(KWH_ECONFLICT, "not blank", ops_tool(s->core, &s->admin, KWH_CARD_TEST, NULL, &e_));
    assert_int_equal(ops_wipe(s->core, &s->seller, &e), 0);
    assert_int_equal(ops_read(s->core, &s->seller, &info, &e), 0);
    assert_true(info.blank);
    assert_int_equal(info.card.psc_state, CARD_PSC_FACTORY);
    assert_memory_equal(s->card->psc, card_factory_psc, KWH_PSC_LEN);
    /* a management card for 保电 (M36): very large overdraft and hoard */
    assert_int_equal(ops_tool(s->core, &s->admin, KWH_CARD_MANAGEMENT, &mp, &e), 0);
    assert_int_equal(ops_read(s->core, &s->seller, &info, &e), 0);
    assert_int_equal(info.card.type, KWH_CARD_MANAGEMENT);
    assert_int_equal(info.card.params.overdraft_ckwh, 999900);
    assert_string_equal(info.card.area_code, SITE_AREA);
    ops_wipe(s->core, &s->admin, &e);
    for (int type = KWH_CARD_CLEAR; type <= KWH_CARD_TEST; type++) {
        assert_int_equal(ops_tool(s->core, &s->admin, type, NULL, &e), 0);
        assert_int_equal(ops_read(s->core, &s->seller, &info, &e), 0);
        assert_int_equal(info.card.type, type);
        assert_int_equal(ops_wipe(s->core, &s->admin, &e), 0);
    }
    REFUSED(KWH_ECONFLICT, "already blank", ops_wipe(s->core, &s->admin, &e_));
}

static void wipe__refuses_the_card_of_an_open_account_but_not_a_replaced_one(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    uint8_t old_img[KWH_CARD_SIZE], old_psc[KWH_PSC_LEN];
    struct kwh_receipt r;
    struct kwh_err e;

    REFUSED(KWH_ECONFLICT, "open account", ops_wipe(s->core, &s->seller, &e_));
    memcpy(old_img, s->card->img, sizeof old_img);
    memcpy(old_psc, s->card->psc, sizeof old_psc);
    fakecard_blank(s->card);
    assert_int_equal(ops_reissue(s->core, &s->seller, no, false, 0, NULL, &r, &e), 0);
    memcpy(s->card->img, old_img, sizeof old_img);
    memcpy(s->card->psc, old_psc, sizeof old_psc);
    assert_int_equal(ops_wipe(s->core, &s->seller, &e), 0);
    struct kwh_card_view info;
    assert_int_equal(ops_read(s->core, &s->seller, &info, &e), 0);
    assert_true(info.blank);
}

static void card__rolled_back_to_its_older_record_is_refused(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_purchase_req p = by_kwh(1000);
    struct kwh_receipt r;
    struct kwh_card_view v;
    struct kwh_err e;

    unsigned commit, len;
    uint8_t first;

    site_meter_loads(s, 10000);
    assert_true(card_where(site_profile(), s->card->img, CARD_PIECE_COMMIT, &commit, &len));
    first = s->card->img[commit];
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_not_equal(s->card->img[commit], first);
    s->card->img[commit] = first; /* point back at the first record */
    REFUSED(KWH_ECARD, "rolled back", cardview_read(s->core, &s->seller, &v, &e_));
}

/* --- bad input: refused, nothing written ------------------------------------------------- */

static void sale__above_the_per_sale_maximum_in_kwh_writes_nothing(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 1000);
    struct kwh_purchase_req p = by_kwh(5001);
    struct snapshot before;
    struct kwh_receipt r;
    struct kwh_card card;
    struct kwh_err e;

    site_meter_loads(s, 1000);
    card_of(s, &card);          /* takes in the meter's report: that much is written on any read */
    set_limits(s, 0, 5000, -1); /* 50 kWh a sale */
    snapshot_take(s, no, &before);
    REFUSED(KWH_EINVAL, "energy 50.01 kWh is above the per-sale maximum of 50.00 kWh",
            ops_sell(s->core, &s->seller, no, &p, &r, &e_));
    p = by_amount(3000, KWH_PAY_CASH); /* 30 yuan buys 56.78 kWh */
    REFUSED(KWH_EINVAL, "energy 56.78 kWh is above the per-sale maximum",
            ops_sell(s->core, &s->seller, no, &p, &r, &e_));
    p = by_kwh(1000);
    p.adjust_ckwh = 5001;
    REFUSED(KWH_EINVAL, "adjustment", ops_sell(s->core, &s->seller, no, &p, &r, &e_));
    snapshot_unchanged(s, no, &before);
    p = by_kwh(5000); /* exactly the maximum */
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(site_balance(s, no), 1000 + 5000);
}

static void resale__above_the_per_sale_maximum_writes_nothing(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_purchase_req p = by_kwh(5000);
    struct snapshot before;
    struct kwh_receipt first, r;
    struct kwh_card card;
    struct kwh_err e;

    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &first, &e), 0);
    set_limits(s, 5000, 8000, -1); /* 50 yuan, 80 kWh a sale */
    snapshot_take(s, no, &before);
    p = by_amount(5001, KWH_PAY_CASH);
    REFUSED(KWH_EINVAL, "amount 50.01 yuan is above the per-sale maximum of 50.00 yuan",
            ops_resell(s->core, &s->seller, no, &p, &r, &e_));
    p = by_kwh(8001);
    REFUSED(KWH_EINVAL, "above the per-sale maximum",
            ops_resell(s->core, &s->seller, no, &p, &r, &e_));
    snapshot_unchanged(s, no, &before);
    card_of(s, &card);
    assert_int_equal(card.purchase_ckwh, 5000); /* the first sale still stands on the card */
    p = by_kwh(3000);
    assert_int_equal(ops_resell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.replaces_id, first.sale.id);
}

static void reissue__fee_or_purchase_above_the_maximum_writes_nothing(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_purchase_req p = by_amount(5001, KWH_PAY_CASH);
    struct snapshot before;
    struct kwh_receipt r;
    struct kwh_err e;

    site_meter_loads(s, 10000);
    set_limits(s, 5000, 0, -1);
    fakecard_blank(s->card); /* the new card */
    snapshot_take(s, no, &before);
    REFUSED(KWH_EINVAL, "reissue fee: 0 to 99999999.99 yuan",
            ops_reissue(s->core, &s->seller, no, true, UNITS_MAX_FEN + 1, NULL, &r, &e_));
    REFUSED(KWH_EINVAL, "reissue fee: 0 to",
            ops_reissue(s->core, &s->seller, no, true, -1, NULL, &r, &e_));
    REFUSED(KWH_EINVAL, "maximum of 50.00 yuan",
            ops_reissue(s->core, &s->seller, no, true, 500, &p, &r, &e_));
    snapshot_unchanged(s, no, &before);
    for (int i = 4; i < KWH_CARD_SIZE; i++)
        assert_int_equal(s->card->img[i], 0xFF); /* still blank */
    assert_int_equal(ops_reissue(s->core, &s->seller, no, true, UNITS_MAX_FEN, NULL, &r, &e), 0);
    assert_int_equal(r.sale.fee_fen, UNITS_MAX_FEN);
}

static void meter_change__refuses_bad_meters_with_nothing_written(void **state)
{
    struct site *s = *state;
    uint32_t other = site_open(s, 12345678, 10000);
    uint32_t no = site_open(s, 11112222, 10000); /* its card is in the reader */
    struct kwh_meter_change_req m;
    struct kwh_purchase_req p = by_kwh(1000);
    struct snapshot before;
    struct kwh_receipt r;
    struct kwh_customer cu;
    struct kwh_card card;
    struct kwh_err e;

    site_meter_loads(s, 10000);
    card_of(s, &card); /* takes in the meter's report */
    snapshot_take(s, no, &before);
    memset(&m, 0, sizeof m);
    m.meter = site_account(s, 0, "x").meter;
    m.old_remaining_ckwh = 100;
    REFUSED(KWH_EINVAL, "meter number: none given",
            ops_meter_change(s->core, &s->admin, no, &m, &p, &r, &e_));
    m.meter.meter_no = 123456789;
    REFUSED(KWH_EINVAL, "more than 8 digits",
            ops_meter_change(s->core, &s->admin, no, &m, &p, &r, &e_));
    m.meter.meter_no = 12345678; /* the other open account's meter */
    REFUSED(KWH_ECONFLICT, "already belongs to account",
            ops_meter_change(s->core, &s->admin, no, &m, &p, &r, &e_));
    m.meter.meter_no = 87654321;
    m.meter.meter_type = KWH_METER_THREE_CT;
    m.meter.ct_ratio = 0; /* 三相互感 without its ratio */
    REFUSED(KWH_EINVAL, "CT ratio", ops_meter_change(s->core, &s->admin, no, &m, &p, &r, &e_));
    m.meter.ct_ratio = 1;
    REFUSED(KWH_EINVAL, "CT ratio", ops_meter_change(s->core, &s->admin, no, &m, &p, &r, &e_));
    snapshot_unchanged(s, no, &before);
    assert_int_equal(account(s, other).meter.meter_no, 12345678);
    REFUSED(KWH_ENOTFOUND, "meter", account_find(s->core, 0, 87654321, &cu, &e_));
    /* with its ratio the same change goes through */
    m.meter.ct_ratio = 30;
    assert_int_equal(ops_meter_change(s->core, &s->admin, no, &m, &p, &r, &e), 0);
    assert_int_equal(account(s, no).meter.ct_ratio, 30);
}

static void edit__refuses_an_unknown_or_deleted_tariff(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_account_req a = site_account(s, 12345678, "张三丰");
    struct snapshot before;
    bool written = true;
    int64_t gone;
    struct kwh_err e;

    assert_int_equal(tariff_add(s->core, &s->admin, "学生公寓", 4500, &gone, &e), 0);
    assert_int_equal(tariff_delete(s->core, &s->admin, gone, &e), 0);
    a.meter.current_limit_a = 20; /* would be written to the card */
    snapshot_take(s, no, &before);
    a.tariff_id = 999;
    REFUSED(KWH_ENOTFOUND, "tariff", ops_edit(s->core, &s->admin, no, &a, &written, &e_));
    assert_false(written);
    a.tariff_id = gone;
    written = true;
    REFUSED(KWH_ENOTFOUND, "tariff", ops_edit(s->core, &s->admin, no, &a, &written, &e_));
    assert_false(written);
    snapshot_unchanged(s, no, &before);
    assert_string_equal(account(s, no).name, "张三");
    assert_int_equal(account(s, no).tariff_id, s->tariff_home);
}

/* --- M34 at the month boundary ------------------------------------------------------------ */

static void monthly_allowance__again_on_the_first_day_of_the_next_month(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(1000);
    struct kwh_receipt r;
    struct kwh_err e;
    uint32_t no;

    set_limits(s, 0, 0, 1500);
    s->now = local_time(2026, 11, 30, 23, 59, 0); /* the last day of November */
    no = site_open(s, 12345678, 1000);
    assert_int_equal(site_balance(s, no), 1000 + 1500);
    site_meter_loads(s, 2500);
    s->now = local_time(2026, 11, 30, 23, 59, 50); /* same month: not again */
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.free_ckwh, 0);
    site_meter_loads(s, 3500);
    s->now = local_time(2026, 12, 1, 0, 0, 5); /* the first of December: once more */
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.free_ckwh, 1500);
    site_meter_loads(s, 6000);
    s->now = local_time(2026, 12, 31, 23, 59, 0); /* twice in December: not granted */
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.free_ckwh, 0);
    site_meter_loads(s, 7000);
    s->now = local_time(2027, 1, 1, 0, 0, 1); /* across the year too */
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.free_ckwh, 1500);
    assert_int_equal(site_balance(s, no), 7000 + 1000 + 1500);
}

static void monthly_allowance__a_resale_in_the_next_month_keeps_that_months_grant(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(1000);
    struct kwh_receipt r;
    struct kwh_err e;
    uint32_t no;

    set_limits(s, 0, 0, 1500);
    s->now = local_time(2026, 11, 20, 12, 0, 0);
    no = site_open(s, 12345678, 1000); /* November's grant */
    site_meter_loads(s, 2500);
    s->now = local_time(2026, 11, 30, 23, 50, 0);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.free_ckwh, 0);
    /* the clerk corrects it after midnight: the re-sale of a sale without a grant is the
     * first purchase of December */
    s->now = local_time(2026, 12, 1, 0, 5, 0);
    p = by_kwh(2000);
    assert_int_equal(ops_resell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.free_ckwh, 1500);
    site_meter_loads(s, 6000);
    s->now = local_time(2026, 12, 2, 9, 0, 0);
    p = by_kwh(1000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.free_ckwh, 0); /* not twice in December */
}

static void monthly_allowance__a_grant_carried_by_a_resale_stays_in_its_month(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(1000);
    struct kwh_receipt r;
    struct kwh_err e;
    uint32_t no;

    set_limits(s, 0, 0, 1500);
    s->now = local_time(2026, 10, 15, 12, 0, 0);
    no = site_open(s, 12345678, 1000); /* October's grant */
    site_meter_loads(s, 2500);
    s->now = local_time(2026, 11, 30, 23, 50, 0);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.free_ckwh, 1500); /* November's */
    /* corrected after midnight: the re-sale keeps November's grant ... */
    s->now = local_time(2026, 12, 1, 0, 5, 0);
    p = by_kwh(2000);
    assert_int_equal(ops_resell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.free_ckwh, 1500);
    site_meter_loads(s, 6000);
    /* ... and December's first purchase still gets December's */
    s->now = local_time(2026, 12, 2, 9, 0, 0);
    p = by_kwh(1000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.free_ckwh, 1500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, site_setup, site_teardown)
        T(open_account__writes_the_card_and_records_the_first_purchase),
        T(open_account__refuses_bad_input_with_nothing_written),
        T(open_account__refuses_a_meter_in_use_and_a_card_that_is_not_blank),
        T(open_account__gives_each_card_a_serial_without_an_ff_byte),
        T(open_account__three_phase_ct_meter_carries_its_ratio),
        T(sale__by_amount_and_by_kwh_after_the_meter_loaded_the_last),
        T(sale__refused_while_the_last_purchase_is_not_in_the_meter),
        T(sale__hoard_limit_counts_what_the_meter_holds),
        T(sale__per_sale_maximum_is_configurable),
        T(sale_room__is_the_most_the_card_takes_and_refuses_before_an_amount),
        T(reissue_evidence__proposes_what_the_meter_reported),
        T(reissue_evidence__loaded_after_the_meters_report),
        T(account_find_number__takes_either_number),
        T(resale__replaces_the_last_sale_only_before_it_reaches_the_meter),
        T(resale__of_an_opening_card_keeps_the_key_for_the_new_meter),
        T(reissue__unconsumed_carries_the_last_purchase_and_the_old_card_dies),
        T(reissue__consumed_marks_no_new_purchase_or_sells_with_it),
        T(reissue__needs_a_blank_card),
        T(refund__pays_out_the_meters_remaining_credit),
        T(refund__negative_when_the_overdraft_was_used),
        T(refund__includes_a_purchase_the_meter_never_loaded),
        T(meter_change__carries_remaining_energy_to_the_new_meter),
        T(meter_change__refuses_an_overdraft_not_covered),
        T(transfer__changes_the_owner_and_keeps_the_meter),
        T(close__refuses_energy_left_unless_an_admin_forces_it),
        T(edit__is_for_admins_and_writes_new_parameters_to_the_card),
        T(monthly_allowance__once_a_month_never_accumulated),
        T(tariff__in_use_cannot_be_deleted_and_old_sales_keep_their_price),
        T(area_code__locked_once_cards_exist_unless_forced),
        T(unit__name_and_phone_are_kept),
        T(card__of_another_site_and_forged_cards_are_refused),
        T(card_read__tells_which_interrupted_write_it_settled),
        T(card_read__says_the_meter_refused_a_reissue_that_said_consumed),
        T(toolcards__need_an_admin_except_the_relay_card),
        T(wipe__refuses_the_card_of_an_open_account_but_not_a_replaced_one),
        T(card__rolled_back_to_its_older_record_is_refused),
        T(sale__above_the_per_sale_maximum_in_kwh_writes_nothing),
        T(resale__above_the_per_sale_maximum_writes_nothing),
        T(reissue__fee_or_purchase_above_the_maximum_writes_nothing),
        T(meter_change__refuses_bad_meters_with_nothing_written),
        T(edit__refuses_an_unknown_or_deleted_tariff),
        T(monthly_allowance__again_on_the_first_day_of_the_next_month),
        T(monthly_allowance__a_resale_in_the_next_month_keeps_that_months_grant),
        T(monthly_allowance__a_grant_carried_by_a_resale_stays_in_its_month),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
