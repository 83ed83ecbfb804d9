/* SPDX-License-Identifier: Apache-2.0 */
/* kwh-backends: sqlite pg (tests/run.sh runs this suite on SQLite and on PostgreSQL) */
/* kwh-layouts: kwh1 (tests/run.sh --layout runs it in another card layout) */
/* Operations as plans: for each operation file, the plan the clerk confirms is exactly
 * what is written and recorded (to the fen and the 0.01 kWh), and a plan whose world
 * changed before the commit (the price, the month of the free allowance, the account,
 * the settings, the card in the reader) is refused with nothing written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fakecard.h"
#include "kwhpos/card.h"
#include "kwhpos/core.h"
#include "kwhpos/data.h"
#include "kwhpos/invoice.h"
#include "kwhpos/plan.h"
#include "kwhpos/query.h"
#include "kwhpos/util.h"
#include "check.h"
#include "ops.h"
#include "site.h"

#define METER 12345678

static struct kwh_purchase_req by_kwh(int64_t ckwh)
{
    return (struct kwh_purchase_req){KWH_BY_KWH, ckwh, 0, KWH_PAY_CASH, ""};
}

static struct kwh_card_view read_card(struct site *s)
{
    struct kwh_card_view v;
    struct kwh_err e;
    int rc = cardview_read(s->core, &s->seller, &v, &e);
    if (rc < 0 && rc != KWH_ECARD)
        fail_msg("read: %s", e.msg);
    return v;
}

/* What a refused commit must leave as it was. */
struct world {
    uint8_t img[KWH_CARD_SIZE];
    int64_t sales, ops, audits, events, accounts, balance, invoices, tries;
    int presentations;
};

static void world_take(struct site *s, struct world *w)
{
    memcpy(w->img, s->card->img, KWH_CARD_SIZE);
    w->sales = site_q1(s, "SELECT count(*) FROM sales");
    w->ops = site_q1(s, "SELECT count(*) FROM card_ops");
    w->audits = site_q1(s, "SELECT count(*) FROM audit");
    w->events = site_q1(s, "SELECT count(*) FROM events");
    w->accounts = site_q1(s, "SELECT count(*) FROM customers");
    w->balance = site_q1(s, "SELECT coalesce(sum(balance_ckwh), 0) FROM customers");
    w->invoices = site_q1(s, "SELECT count(invoice_no) FROM sales");
    w->tries = s->card->tries;
    w->presentations = s->card->presentations;
}

static void world_unchanged(struct site *s, const struct world *before)
{
    struct world now;
    world_take(s, &now);
    assert_memory_equal(now.img, before->img, KWH_CARD_SIZE);
    assert_int_equal(now.sales, before->sales);
    assert_int_equal(now.ops, before->ops);
    assert_int_equal(now.audits, before->audits);
    assert_int_equal(now.events, before->events);
    assert_int_equal(now.accounts, before->accounts);
    assert_int_equal(now.balance, before->balance);
    assert_int_equal(now.invoices, before->invoices);
    /* not even a PSC presented */
    assert_int_equal(now.presentations, before->presentations);
}

/* The plan shown is the sale recorded and the card written, to the fen and 0.01 kWh. */
static void recorded_as_planned(struct site *s, const struct kwh_plan_view *v,
                                const struct kwh_receipt *r)
{
    struct kwh_card card;
    struct kwh_err e;

    assert_true(v->has_sale);
    assert_int_equal(r->sale.kind, v->sale.kind);
    assert_int_equal(r->sale.state, KWH_STATE_DONE);
    assert_int_equal(r->sale.energy_ckwh, v->sale.energy_ckwh);
    assert_int_equal(r->sale.adjust_ckwh, v->sale.adjust_ckwh);
    assert_int_equal(r->sale.free_ckwh, v->sale.free_ckwh);
    assert_int_equal(r->sale.price, v->sale.price);
    assert_int_equal(r->sale.amount_fen, v->sale.amount_fen);
    assert_int_equal(r->sale.fee_fen, v->sale.fee_fen);
    assert_int_equal(r->sale.pay_method, v->sale.pay_method);
    assert_int_equal(r->sale.purchase_count, v->sale.purchase_count);
    assert_int_equal(r->sale.tariff_id, v->sale.tariff_id);
    assert_string_equal(r->sale.tariff_name, v->sale.tariff_name);
    assert_int_equal(r->sale.meter_no, v->sale.meter_no);
    assert_int_equal(r->customer.balance_ckwh, v->after.balance_ckwh);
    assert_int_equal(r->customer.purchase_count, v->after.purchase_count);
    if (v->writes_card) {
        if (card_decode(site_profile(), s->card->img, NULL, &card, &e) < 0)
            fail_msg("decode: %s", e.msg);
        assert_int_equal(card.purchase_ckwh, v->card.purchase_ckwh);
        assert_int_equal(card.purchase_count, v->card.purchase_count);
        assert_int_equal(card.free_ckwh, v->card.free_ckwh);
        assert_int_equal(card.generation, v->card.generation);
        assert_int_equal(card.flags, v->card.flags);
    }
}

/* Commits p (and frees it), failing the test on an error. */
static void commit(struct site *s, const struct kwh_session *who, struct kwh_plan *p,
                   struct kwh_receipt *r)
{
    struct kwh_err e;
    int rc = plan_commit(s->core, who, p, r, &e);
    plan_free(p);
    if (rc < 0)
        fail_msg("commit: %s", e.msg);
}

/* An account with a card whose last purchase is in the meter, the card in the reader. */
static uint32_t loaded_account(struct site *s)
{
    uint32_t no = site_open(s, METER, 10000);
    site_meter_loads(s, 10000);
    return no;
}

static void set_free_allowance(struct site *s, int64_t ckwh)
{
    struct kwh_site site;
    struct kwh_err e;
    if (settings_get(s->core, &site, &e) < 0)
        fail_msg("%s", e.msg);
    site.monthly_free_ckwh = ckwh;
    if (settings_set_limits(s->core, &s->admin, &site, &e) < 0)
        fail_msg("limits: %s", e.msg);
}

/* Another terminal reprices the home tariff. */
static void reprice_elsewhere(struct site *s, int64_t price)
{
    struct kwh_core *other = site_open_again(s);
    struct kwh_err e;
    if (tariff_update(other, &s->admin, s->tariff_home, "居民生活用电", price, &e) < 0)
        fail_msg("reprice: %s", e.msg);
    core_close(other);
}

/* A sale of p planned from the card in the reader (the plan must be made). */
static struct kwh_plan *plan_sale(struct site *s, const struct kwh_purchase_req *p)
{
    struct kwh_card_view v = read_card(s);
    struct kwh_plan *plan;
    struct kwh_err e;
    if (sale_plan(s->core, &s->seller, &v, p, &plan, &e) < 0)
        fail_msg("plan: %s", e.msg);
    return plan;
}

/* The seller's commit of plan is refused with code and a message containing why, and
 * nothing moved: the card, the ledger, the audit, not even a PSC presented. */
static void refused_unchanged(struct site *s, struct kwh_plan *plan, int code, const char *why)
{
    struct world before;
    struct kwh_receipt r;
    world_take(s, &before);
    REFUSED(code, why, plan_commit(s->core, &s->seller, plan, &r, &e_));
    world_unchanged(s, &before);
    plan_free(plan);
}

/* --- the defect: what the clerk confirmed is what is written -------------------------- */

static void sale__repriced_on_another_terminal_after_the_quote_is_refused(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = {KWH_BY_AMOUNT, 10000, 0, KWH_PAY_CASH, ""};
    struct kwh_plan *plan;
    struct kwh_receipt r;

    loaded_account(s);
    plan = plan_sale(s, &p);
    /* the clerk confirms 100.00 yuan for 189.28 kWh at 0.5283 */
    assert_int_equal(plan_view(plan)->sale.price, 5283);
    assert_int_equal(plan_view(plan)->sale.energy_ckwh, 18928);
    assert_int_equal(plan_view(plan)->sale.amount_fen, 10000);
    reprice_elsewhere(s, 10000);
    refused_unchanged(s, plan, KWH_ECONFLICT, "changed from 0.5283 to 1.0000 since the quote");
    /* a new quote at the new price goes through */
    plan = plan_sale(s, &p);
    assert_int_equal(plan_view(plan)->sale.energy_ckwh, 10000);
    commit(s, &s->seller, plan, &r);
    assert_int_equal(r.sale.price, 10000);
    assert_int_equal(r.sale.energy_ckwh, 10000);
}

/* A price change dated tomorrow (待生效) is stored but the price in force stays until the
 * first second of that day: a quote one second before, committed at the switch, is
 * refused like any price change; a sale one second before is at the old price (and its
 * invoice stays so), one at the switch at the new one. A day already past is refused. */
static void sale__a_scheduled_price_takes_effect_at_its_first_second(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = {KWH_BY_AMOUNT, 10000, 0, KWH_PAY_CASH, ""};
    int64_t day, from, old_invoice;
    struct kwh_tariff def, t, *v;
    struct kwh_plan *plan;
    struct kwh_receipt r;
    struct kwh_err e;
    char text[16];
    size_t n;

    s->now = (int64_t)time(NULL); /* after the template's own prices */
    day = period_day(s->now).to;
    loaded_account(s);
    memset(&def, 0, sizeof def);
    def.price = 10000;
    def.price_since = day;
    assert_int_equal(tariff_set_tiers(s->core, &s->admin, NULL, s->tariff_home, &def, NULL, &e), 0);
    assert_int_equal(tariff_get(s->core, s->tariff_home, &t, &e), 0);
    assert_int_equal(t.price, 5283);
    assert_int_equal(t.next_from, day);
    assert_int_equal(t.next_price, 10000);
    assert_int_equal(tariff_history(s->core, s->tariff_home, &v, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].price_since, day); /* the scheduled one first */
    assert_int_equal(v[0].price, 10000);
    assert_int_equal(v[1].price, 5283);
    free(v);

    s->now = day - 1;
    plan = plan_sale(s, &p);
    assert_int_equal(plan_view(plan)->sale.price, 5283);
    s->now = day;
    refused_unchanged(s, plan, KWH_ECONFLICT, "changed from 0.5283 to 1.0000 since the quote");

    s->now = day - 1;
    commit(s, &s->seller, plan_sale(s, &p), &r);
    assert_int_equal(r.sale.price, 5283);
    assert_int_equal(r.sale.energy_ckwh, 18928);
    old_invoice = r.sale.invoice_no;
    site_meter_loads(s, 18928);
    s->now = day;
    plan = plan_sale(s, &p);
    assert_int_equal(plan_view(plan)->sale.price, 10000);
    commit(s, &s->seller, plan, &r);
    assert_int_equal(r.sale.price, 10000);
    assert_int_equal(r.sale.energy_ckwh, 10000);
    assert_int_equal(invoice_get(s->core, &s->seller, old_invoice, &r, &e), 0);
    assert_int_equal(r.sale.price, 5283);
    assert_int_equal(tariff_get(s->core, s->tariff_home, &t, &e), 0);
    assert_int_equal(t.price, 10000);
    assert_int_equal(t.price_since, day);
    assert_int_equal(t.next_from, 0);

    /* no rewriting of history: yesterday is refused, as text and as a moment */
    def.price = 9000;
    def.price_since = day - 1;
    REFUSED(KWH_EINVAL, "that day is past",
            tariff_set_tiers(s->core, &s->admin, NULL, s->tariff_home, &def, NULL, &e_));
    period_format_day(day - 1, text, sizeof text);
    REFUSED(KWH_EINVAL, "that day is past", tariff_parse_from(s->core, text, &from, &e_));
    REFUSED(KWH_EINVAL, "YYYY-MM-DD", tariff_parse_from(s->core, "2030-1-1", &from, &e_));
    assert_int_equal(site_q1(s, "SELECT count(*) FROM tariff_prices WHERE price = 9000"), 0);
    /* today is now, a later day its first second */
    period_format_day(day, text, sizeof text);
    assert_int_equal(tariff_parse_from(s->core, text, &from, &e), 0);
    assert_int_equal(from, 0);
    period_format_day(day + 86400 + 3600, text, sizeof text);
    assert_int_equal(tariff_parse_from(s->core, text, &from, &e), 0);
    assert_int_equal(from, period_day(day + 86400 + 3600).from);
}

static void sale__refused_when_the_month_of_the_free_allowance_changed(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(2000);
    struct kwh_plan *plan;
    struct kwh_receipt r;
    struct tm tm;
    time_t t;

    set_free_allowance(s, 500);
    loaded_account(s); /* the opening took November's allowance */
    /* 23:59:50 on the last day of the month, local time */
    t = (time_t)s->now;
    localtime_r(&t, &tm);
    tm.tm_mon += 1;
    tm.tm_mday = 0;
    tm.tm_hour = 23;
    tm.tm_min = 59;
    tm.tm_sec = 50;
    tm.tm_isdst = -1;
    s->now = (int64_t)mktime(&tm);
    plan = plan_sale(s, &p);
    assert_int_equal(plan_view(plan)->sale.free_ckwh, 0); /* already granted this month */
    s->now += 20;                                         /* midnight: a new month */
    refused_unchanged(s, plan, KWH_ECONFLICT, "the month changed since the quote");
    /* quoted again, the new month's allowance comes with it */
    plan = plan_sale(s, &p);
    assert_int_equal(plan_view(plan)->sale.free_ckwh, 500);
    commit(s, &s->seller, plan, &r);
    assert_int_equal(r.sale.free_ckwh, 500);
}

static void sale__refused_when_the_account_changed_on_another_terminal(void **state)
{
    struct site *s = *state;
    uint32_t no;
    struct kwh_purchase_req p = by_kwh(2000);
    struct kwh_plan *plan;
    struct kwh_core *other;
    struct kwh_err e;

    no = loaded_account(s);
    plan = plan_sale(s, &p);
    other = site_open_again(s);
    assert_int_equal(ops_transfer(other, &s->seller, no, "新户主", "二号楼", "139", &e), 0);
    core_close(other);
    refused_unchanged(s, plan, KWH_ECONFLICT, "was changed meanwhile");
}

static void sale__refused_when_the_settings_changed(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(2000);
    struct kwh_plan *plan;
    struct kwh_err e;

    loaded_account(s);
    plan = plan_sale(s, &p);
    assert_int_equal(settings_set_unit(s->core, &s->admin, "新物业", "123", &e), 0);
    refused_unchanged(s, plan, KWH_ECONFLICT, "settings were changed since the quote");
}

static void sale__refused_when_another_card_is_in_the_reader(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(2000);
    struct kwh_plan *plan;
    struct kwh_receipt r;
    struct world before;
    uint8_t mine[KWH_CARD_SIZE];

    loaded_account(s);
    plan = plan_sale(s, &p);
    /* the card goes into the meter and comes back with a new report */
    memcpy(mine, s->card->img, sizeof mine);
    site_meter_loads(s, 9000);
    world_take(s, &before);
    REFUSED(KWH_ECONFLICT, "not the card as it was read",
            plan_commit(s->core, &s->seller, plan, &r, &e_));
    world_unchanged(s, &before);
    /* no card at all */
    s->card->present = false;
    REFUSED(KWH_EDEVICE, "no card", plan_commit(s->core, &s->seller, plan, &r, &e_));
    plan_free(plan);
    s->card->present = true;
}

static void plan__commits_once_and_only_for_its_operator(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(2000);
    struct kwh_plan *plan;
    struct kwh_receipt r;
    struct kwh_err e;

    loaded_account(s);
    plan = plan_sale(s, &p);
    REFUSED(KWH_EPERM, "another operator", plan_commit(s->core, &s->admin, plan, &r, &e_));
    assert_int_equal(plan_commit(s->core, &s->seller, plan, &r, &e), 0);
    REFUSED(KWH_ECONFLICT, "already carried out", plan_commit(s->core, &s->seller, plan, &r, &e_));
    plan_free(plan);
    plan_free(NULL);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM sales WHERE kind = 2"), 1);
}

/* --- each operation: the plan is what is recorded -------------------------------------- */

static void open__plan_is_what_is_recorded_and_the_number_comes_at_commit(void **state)
{
    struct site *s = *state;
    struct kwh_account_req a = site_account(s, 22222222, "开户");
    struct kwh_purchase_req p = {KWH_BY_AMOUNT, 5000, 300, KWH_PAY_ALIPAY, ""};
    struct kwh_card_view v;
    struct kwh_plan *plan;
    struct kwh_receipt r;
    struct world before;
    struct kwh_err e;

    set_free_allowance(s, 1000);
    fakecard_blank(s->card);
    v = read_card(s);
    assert_int_equal(open_plan(s->core, &s->seller, &v, &a, &p, &plan, &e), 0);
    assert_int_equal(plan_view(plan)->after.customer_no, 0);
    assert_int_equal(plan_view(plan)->sale.free_ckwh, 1000);
    assert_int_equal(plan_view(plan)->card_ckwh, plan_view(plan)->sale.energy_ckwh + 300 + 1000);
    world_take(s, &before);
    const struct kwh_plan_view view = *plan_view(plan);
    commit(s, &s->seller, plan, &r);
    recorded_as_planned(s, &view, &r);
    assert_true(r.customer.customer_no >= 10000001);
    assert_int_equal(r.customer.balance_ckwh, view.card_ckwh);

    /* the meter number taken by another terminal between plan and commit */
    fakecard_blank(s->card);
    a = site_account(s, 33333333, "二");
    v = read_card(s);
    assert_int_equal(open_plan(s->core, &s->seller, &v, &a, &p, &plan, &e), 0);
    {
        struct kwh_core *other = site_open_again(s);
        struct fakecard *mine = s->card;
        s->card = fakecard_new();
        core_set_card_dev(other, fakecard_dev(s->card));
        if (ops_open(other, &s->seller, &a, &p, &r, &e) < 0)
            fail_msg("open elsewhere: %s", e.msg);
        core_close(other);
        fakecard_free(s->card);
        s->card = mine;
    }
    refused_unchanged(s, plan, KWH_ECONFLICT, "meter number 33333333 was given to account");
}

static void first_card__plan_is_what_is_recorded(void **state)
{
    struct site *s = *state;
    struct kwh_import_result res;
    struct kwh_purchase_req p = by_kwh(3000);
    struct kwh_card_view v;
    struct kwh_plan *plan;
    struct kwh_receipt r;
    struct kwh_err e;
    static const char csv[] = "name,meter,tariff,purchase_count\n导入,44444444,居民生活用电,7\n";

    assert_int_equal(import_customers(s->core, &s->admin, csv, sizeof csv - 1, &res, &e), 0);
    fakecard_blank(s->card);
    v = read_card(s);
    assert_int_equal(first_card_plan(s->core, &s->seller, res.first_no, &v, &p, &plan, &e), 0);
    assert_int_equal(plan_view(plan)->card.purchase_count, 8);
    const struct kwh_plan_view view = *plan_view(plan);
    commit(s, &s->seller, plan, &r);
    recorded_as_planned(s, &view, &r);
}

static void resale__plan_shows_the_difference_and_is_what_is_recorded(void **state)
{
    struct site *s = *state;
    uint32_t no = loaded_account(s);
    struct kwh_purchase_req p = by_kwh(5000);
    struct kwh_card_view v;
    struct kwh_plan *plan;
    struct kwh_receipt r, first;
    struct kwh_err e;

    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &first, &e), 0);
    p = by_kwh(3000);
    v = read_card(s);
    assert_int_equal(resale_plan(s->core, &s->seller, &v, &p, &plan, &e), 0);
    assert_true(plan_view(plan)->has_replaced);
    assert_int_equal(plan_view(plan)->replaced.id, first.sale.id);
    assert_int_equal(plan_view(plan)->difference_fen,
                     plan_view(plan)->sale.amount_fen - first.sale.amount_fen);
    assert_true(plan_view(plan)->difference_fen < 0); /* money back */
    const struct kwh_plan_view view = *plan_view(plan);
    commit(s, &s->seller, plan, &r);
    recorded_as_planned(s, &view, &r);
    assert_int_equal(r.sale.replaces_id, first.sale.id);

    /* repriced after the re-sale's quote: refused */
    p = by_kwh(1000);
    v = read_card(s);
    assert_int_equal(resale_plan(s->core, &s->seller, &v, &p, &plan, &e), 0);
    reprice_elsewhere(s, 6000);
    refused_unchanged(s, plan, KWH_ECONFLICT, "changed from 0.5283 to 0.6000");
}

/* A sale of p whose card was pulled at its commit byte: pending, outcome unknown. */
static void pending_sale(struct site *s, const struct kwh_purchase_req *p)
{
    struct kwh_card_view v;
    struct kwh_plan *plan;
    struct kwh_receipt r;
    struct kwh_err e;

    for (long k = 0; k < 400; k++) {
        fakecard_reinsert(s->card);
        v = read_card(s); /* settles the attempt before */
        assert_int_equal(sale_plan(s->core, &s->seller, &v, p, &plan, &e), 0);
        s->card->steps = 0;
        s->card->fail_after = k;
        int rc = plan_commit(s->core, &s->seller, plan, &r, &e);
        plan_free(plan);
        if (rc == 0)
            fail_msg("the sale was never left pending");
        if (site_q1(s, "SELECT state = 0 AND not_written <> 1 FROM card_ops ORDER BY id DESC "
                       "LIMIT 1") == 1)
            return;
    }
    fail_msg("no step left the sale pending");
}

static void reissue__plan_is_what_is_recorded_and_takes_over_a_pending_write(void **state)
{
    struct site *s = *state;
    uint32_t no = loaded_account(s);
    struct kwh_purchase_req p = by_kwh(2000);
    struct kwh_card_view v;
    struct kwh_plan *plan;
    struct kwh_receipt r;
    struct kwh_err e;
    int64_t pending_id;

    pending_sale(s, &p);
    pending_id = site_q1(s, "SELECT id FROM card_ops WHERE state = 0");
    /* the card is lost: a blank one, 已消费, with a purchase */
    fakecard_blank(s->card);
    v = read_card(s);
    assert_int_equal(reissue_plan(s->core, &s->seller, no, &v, true, KWH_FEE_SITE, &p, &plan, &e),
                     0);
    assert_int_equal(plan_view(plan)->sale.fee_fen, 0); /* the site's default */
    assert_true(plan_view(plan)->consumed);
    assert_int_equal(plan_view(plan)->card.generation, 1);
    /* the lost card's pending sale (count 2) is taken over: the new purchase is 3 */
    assert_int_equal(plan_view(plan)->card.purchase_count, 3);
    const struct kwh_plan_view view = *plan_view(plan);
    commit(s, &s->seller, plan, &r);
    recorded_as_planned(s, &view, &r);
    {
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT state FROM card_ops WHERE id = %lld",
                 (long long)pending_id);
        assert_int_equal(site_q1(s, sql), KWH_STATE_DONE);
    }
}

static void refund__plan_is_what_is_recorded(void **state)
{
    struct site *s = *state;
    uint32_t no = loaded_account(s);
    struct kwh_card_return ret;
    struct kwh_card_view v;
    struct kwh_plan *plan;
    struct kwh_receipt r;
    struct kwh_err e;
    struct kwh_card card;

    assert_int_equal(ops_refund_card(s->core, &s->seller, no, &e), 0);
    if (card_decode(site_profile(), s->card->img, NULL, &card, &e) < 0)
        fail_msg("%s", e.msg);
    memset(&ret, 0, sizeof ret);
    ret.meter_no = METER;
    ret.loaded_count = card.purchase_count;
    ret.status = CARD_RS_REFUNDED;
    ret.remaining_ckwh = 4321;
    ret.time = (uint32_t)++s->now;
    site_meter_writes(s, &ret);
    v = read_card(s);
    assert_int_equal(refund_plan(s->core, &s->seller, &v, KWH_PAY_WECHAT, &plan, &e), 0);
    assert_int_equal(plan_view(plan)->refund_ckwh, 4321);
    assert_int_equal(plan_view(plan)->refund_fen, -plan_view(plan)->sale.amount_fen);
    assert_false(plan_view(plan)->writes_card);
    const struct kwh_plan_view view = *plan_view(plan);
    commit(s, &s->seller, plan, &r);
    recorded_as_planned(s, &view, &r);
    assert_int_equal(r.customer.status, KWH_CUST_REFUNDED);
}

static void meter_change__plan_is_what_is_recorded(void **state)
{
    struct site *s = *state;
    loaded_account(s);
    struct kwh_meter_change_req m;
    struct kwh_purchase_req p = by_kwh(1500);
    struct kwh_card_view v;
    struct kwh_plan *plan;
    struct kwh_receipt r;
    struct world before;
    struct kwh_err e;

    memset(&m, 0, sizeof m);
    m.meter = site_account(s, 87654321, "x").meter;
    m.old_remaining_ckwh = 6000;
    v = read_card(s);
    assert_int_equal(meter_change_plan(s->core, &s->admin, &v, &m, &p, &plan, &e), 0);
    assert_int_equal(plan_view(plan)->carried_ckwh, 6000);
    assert_int_equal(plan_view(plan)->card_ckwh, 6000 + 1500);
    assert_int_equal(plan_view(plan)->after.meter.meter_no, 87654321);
    const struct kwh_plan_view view = *plan_view(plan);
    commit(s, &s->admin, plan, &r);
    recorded_as_planned(s, &view, &r);
    assert_int_equal(r.customer.balance_ckwh, 7500);

    /* the tariff repriced before the commit of a meter change with a purchase */
    site_meter_loads(s, 7500);
    m.meter.meter_no = 87654322;
    v = read_card(s);
    assert_int_equal(meter_change_plan(s->core, &s->admin, &v, &m, &p, &plan, &e), 0);
    reprice_elsewhere(s, 7000);
    world_take(s, &before);
    REFUSED(KWH_ECONFLICT, "since the quote", plan_commit(s->core, &s->admin, plan, &r, &e_));
    world_unchanged(s, &before);
    plan_free(plan);
}

static void edit__plan_writes_the_card_only_for_meter_parameters(void **state)
{
    struct site *s = *state;
    uint32_t no = loaded_account(s);
    struct kwh_account_req a = site_account(s, METER, "张三");
    struct kwh_card_view v;
    struct kwh_plan *plan;
    struct kwh_receipt r;
    struct kwh_card card;
    struct world before;
    struct kwh_err e;

    /* text only: no card needed, nothing written to it */
    str_copy(a.address, sizeof a.address, "三号楼");
    assert_int_equal(edit_plan(s->core, &s->admin, no, NULL, &a, &plan, &e), 0);
    assert_false(plan_view(plan)->writes_card);
    assert_true(plan_view(plan)->text_changes);
    world_take(s, &before);
    commit(s, &s->admin, plan, &r);
    assert_memory_equal(s->card->img, before.img, KWH_CARD_SIZE);
    assert_string_equal(r.customer.address, "三号楼");
    /* new parameters need the card */
    a.meter.hoard_ckwh = 150000;
    REFUSED(KWH_ECONFLICT, "read it first",
            edit_plan(s->core, &s->admin, no, NULL, &a, &plan, &e_));
    v = read_card(s);
    assert_int_equal(edit_plan(s->core, &s->admin, no, &v, &a, &plan, &e), 0);
    assert_true(plan_view(plan)->writes_card);
    assert_int_equal(plan_view(plan)->after.meter.hoard_ckwh, 150000);
    commit(s, &s->admin, plan, &r);
    if (card_decode(site_profile(), s->card->img, NULL, &card, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(card.params.hoard_ckwh, 150000);
    assert_int_equal(r.customer.meter.hoard_ckwh, 150000);
    /* an edit that changes nothing commits nothing */
    assert_int_equal(edit_plan(s->core, &s->admin, no, NULL, &a, &plan, &e), 0);
    world_take(s, &before);
    commit(s, &s->admin, plan, &r);
    world_unchanged(s, &before);
}

static void transfer_and_close__plans_check_the_account_again(void **state)
{
    struct site *s = *state;
    uint32_t no = loaded_account(s);
    struct kwh_plan *transfer, *closing;
    struct kwh_receipt r;
    struct world before;
    struct kwh_err e;

    assert_int_equal(transfer_plan(s->core, &s->seller, no, "新", "", "", &transfer, &e), 0);
    assert_string_equal(plan_view(transfer)->after.name, "新");
    assert_int_equal(close_plan(s->core, &s->admin, no, true, &closing, &e), 0);
    assert_true(plan_view(closing)->forced);
    assert_int_equal(plan_view(closing)->after.status, KWH_CUST_CLOSED);
    commit(s, &s->seller, transfer, &r);
    assert_string_equal(r.customer.name, "新");
    /* the closing was planned on the account before the transfer */
    world_take(s, &before);
    REFUSED(KWH_ECONFLICT, "was changed meanwhile",
            plan_commit(s->core, &s->admin, closing, &r, &e_));
    world_unchanged(s, &before);
    plan_free(closing);
    assert_int_equal(close_plan(s->core, &s->admin, no, true, &closing, &e), 0);
    commit(s, &s->admin, closing, &r);
    assert_int_equal(r.customer.status, KWH_CUST_CLOSED);
}

static void refund_card_tool_card_and_wipe__plans_write_what_they_show(void **state)
{
    struct site *s = *state;
    uint32_t no = loaded_account(s);
    struct kwh_meter_params mp;
    struct kwh_card_view v;
    struct kwh_plan *plan;
    struct kwh_receipt r;
    struct kwh_card card;
    struct kwh_err e;

    v = read_card(s);
    assert_int_equal(refund_card_plan(s->core, &s->seller, &v, &plan, &e), 0);
    assert_int_equal(plan_view(plan)->card.type, KWH_CARD_REFUND);
    commit(s, &s->seller, plan, &r);
    assert_int_equal(r.customer.customer_no, no);
    if (card_decode(site_profile(), s->card->img, NULL, &card, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(card.type, KWH_CARD_REFUND);

    fakecard_blank(s->card);
    tool_card_keep_on(&mp);
    v = read_card(s);
    assert_int_equal(tool_card_plan(s->core, &s->admin, &v, KWH_CARD_MANAGEMENT, &mp, &plan, &e),
                     0);
    assert_int_equal(plan_view(plan)->card.params.current_limit_a, CARD_LIMIT_RATING);
    assert_int_equal(plan_view(plan)->card.params.overdraft_ckwh, 999900);
    commit(s, &s->admin, plan, &r);
    if (card_decode(site_profile(), s->card->img, NULL, &card, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(card.type, KWH_CARD_MANAGEMENT);
    assert_int_equal(card.params.current_limit_a, CARD_LIMIT_RATING);
    assert_int_equal(card.params.hoard_ckwh, 999900);

    v = read_card(s);
    assert_int_equal(wipe_plan(s->core, &s->admin, &v, &plan, &e), 0);
    assert_int_equal(plan_view(plan)->card.type, KWH_CARD_BLANK);
    commit(s, &s->admin, plan, &r);
    v = read_card(s);
    assert_true(v.blank);
}

/* --- pending writes: a blank card read, and an administrator's cancel --------------- */

static void die_now(void)
{
    _exit(0);
}

/* An opening on the blank card in the reader whose process dies at write step k, after
 * the intent is recorded (another process: its claim goes with it). */
#define SESSIONS "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"

static void open_killed_at(struct site *s, long k)
{
    /* on PostgreSQL the claim goes when the server has ended the dead process's session,
     * a moment after the process: the test waits for it as a clerk's next read would */
    int64_t sessions = site_is_pg() ? site_q1(s, SESSIONS) : 0;
    pid_t pid = fork();
    int status;

    assert_true(pid >= 0);
    if (pid == 0) {
        struct kwh_core *c = site_open_again(s);
        struct kwh_account_req a = site_account(s, METER, "张三");
        struct kwh_purchase_req p = by_kwh(1000);
        struct kwh_card_view v;
        struct kwh_plan *plan;
        struct kwh_receipt r;
        struct kwh_err e;
        if (cardview_read(c, &s->seller, &v, &e) < 0 ||
            open_plan(c, &s->seller, &v, &a, &p, &plan, &e) < 0)
            _exit(3);
        s->card->steps = 0;
        s->card->fail_after = k;
        s->card->crash = die_now;
        plan_commit(c, &s->seller, plan, &r, &e);
        _exit(4); /* never reached the step */
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    for (int i = 0; site_is_pg() && site_q1(s, SESSIONS) > sessions && i < 250; i++)
        nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
    s->card->crash = NULL;
    s->card->fail_after = -1;
}

static void pending__a_killed_write_to_a_blank_card_is_voided_by_reading_the_card(void **state)
{
    struct site *s = *state;
    struct kwh_pending_write *w;
    struct kwh_card_view v;
    uint8_t blank[KWH_CARD_SIZE];
    size_t n;
    struct kwh_err e;

    memcpy(blank, s->card->img, KWH_CARD_SIZE);
    open_killed_at(s, 0);
    /* not a byte reached the card; the opening waits, holding the meter number */
    assert_memory_equal(s->card->img, blank, KWH_CARD_SIZE);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM card_ops WHERE state = 0"), 1);
    assert_int_equal(pending_list(s->core, &w, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(w[0].kind, KWH_OP_OPEN);
    assert_true(w[0].blank_card);
    assert_false(w[0].touched);
    assert_true(w[0].has_sale);
    assert_int_equal(w[0].amount_fen, 528); /* 10 kWh at 0.5283 */
    free(w);
    /* the clerk reads the card again: still blank as the write found it */
    v = read_card(s);
    assert_true(v.blank);
    assert_int_equal(v.settled_void, 1);
    assert_non_null(strstr(v.notice, "interrupted before it reached the blank card"));
    assert_int_equal(site_q1(s, "SELECT count(*) FROM card_ops WHERE state = 0"), 0);
    assert_int_equal(site_q1(s, "SELECT status FROM customers"), KWH_CUST_VOID);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM sales WHERE state = 1"), 0);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'card-settle' AND "
                                "after LIKE '%blank card read: untouched%'"),
                     1);
    /* and the same meter number opens on the same card */
    assert_int_not_equal(site_open(s, METER, 1000), 0);
}

static void pending__a_blank_card_leaves_alone_writes_that_reached_their_card(void **state)
{
    struct site *s = *state;
    struct kwh_account_req a;
    struct kwh_purchase_req p = by_kwh(1000);
    struct kwh_card_view v;
    struct kwh_plan *plan;
    struct kwh_receipt r;
    struct kwh_err e;
    long k = 1;
    int rc = 0;

    /* an opening whose card went away after its serial reached it, outcome unknown
       (random serials and MACs make the number of bytes written vary: an opening that
       went through is tried again a few steps before its end, on another meter) */
    /* each attempt on a meter of its own: k steps back after an opening that went
       through, and a meter already opened is refused */
    for (int attempt = 0; attempt < 600 && rc != KWH_EPENDING; attempt++, k++) {
        a = site_account(s, METER + 1 + (uint32_t)attempt, "张三");
        fakecard_blank(s->card);
        v = read_card(s);
        assert_int_equal(open_plan(s->core, &s->seller, &v, &a, &p, &plan, &e), 0);
        s->card->steps = 0;
        s->card->fail_after = k;
        rc = plan_commit(s->core, &s->seller, plan, &r, &e);
        plan_free(plan);
        if (rc == 0)
            k = s->card->steps > 4 ? s->card->steps - 4 : 1;
    }
    assert_int_equal(rc, KWH_EPENDING);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM card_ops WHERE state = 0"), 1);
    assert_int_equal(site_q1(s, "SELECT not_written FROM card_ops WHERE state = 0"), 2);
    /* another blank card: not the card the write reached, it settles nothing */
    fakecard_blank(s->card);
    v = read_card(s);
    assert_true(v.blank);
    assert_int_equal(v.settled_void + v.settled_done, 0);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM card_ops WHERE state = 0"), 1);
}

static void pending__cancel_is_an_admins_with_a_reason_refused_when_the_card_shows_it(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(2000);
    struct kwh_pending_cancel r;
    struct kwh_err e;
    int64_t id;
    char sql[160];

    loaded_account(s);
    pending_sale(s, &p);
    id = site_q1(s, "SELECT id FROM card_ops WHERE state = 0");
    assert_true(id > 0);
    fakecard_reinsert(s->card);
    /* the card took the write */
    assert_int_equal(
        site_blob(s, "SELECT new_image FROM card_ops WHERE state = 0", s->card->img, KWH_CARD_SIZE),
        KWH_CARD_SIZE);
    assert_int_equal(pending_cancel(s->core, &s->seller, id, "lost", &r, &e), KWH_EPERM);
    assert_int_equal(pending_cancel(s->core, &s->admin, id, "", &r, &e), KWH_EINVAL);
    assert_int_equal(pending_cancel(s->core, &s->admin, id, "a\nb", &r, &e), KWH_EINVAL);
    assert_int_equal(pending_cancel(s->core, &s->admin, id + 100, "lost", &r, &e), KWH_ENOTFOUND);
    assert_int_equal(pending_cancel(s->core, &s->admin, id, "lost", &r, &e), KWH_ECONFLICT);
    assert_non_null(strstr(e.msg, "shows card write"));
    assert_int_equal(site_q1(s, "SELECT count(*) FROM card_ops WHERE state = 0"), 1);
    /* the card is lost: cancelled on the administrator's word, the reason audited */
    s->card->present = false;
    assert_int_equal(pending_cancel(s->core, &s->admin, id, "card lost by the customer", &r, &e),
                     0);
    assert_false(r.card_checked);
    snprintf(sql, sizeof sql, "SELECT state FROM card_ops WHERE id = %lld", (long long)id);
    assert_int_equal(site_q1(s, sql), KWH_STATE_VOID);
    snprintf(sql, sizeof sql, "SELECT state FROM sales WHERE op_id = %lld", (long long)id);
    assert_int_equal(site_q1(s, sql), KWH_STATE_VOID);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'pending-cancel' AND "
                                "operator = 'system' AND after LIKE "
                                "'%reason=card lost by the customer%'"),
                     1);
    assert_int_equal(pending_cancel(s->core, &s->admin, id, "again", &r, &e), KWH_ECONFLICT);
}

static void pending__cancel_with_its_card_without_the_write_tidies_the_card(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(2000);
    struct kwh_pending_cancel r;
    struct kwh_card_view v;
    struct kwh_err e;
    int64_t id;

    uint32_t no = loaded_account(s);
    pending_sale(s, &p);
    id = site_q1(s, "SELECT id FROM card_ops WHERE state = 0");
    fakecard_reinsert(s->card);
    /* the card as the write found it */
    assert_int_equal(
        site_blob(s, "SELECT old_image FROM card_ops WHERE state = 0", s->card->img, KWH_CARD_SIZE),
        KWH_CARD_SIZE);
    assert_int_equal(pending_cancel(s->core, &s->admin, id, "customer left", &r, &e), 0);
    assert_true(r.card_checked);
    assert_true(r.by_card);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM card_ops WHERE state = 0"), 0);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'pending-cancel'"), 1);
    /* the card sells again */
    v = read_card(s);
    assert_true(v.ours);
    assert_int_equal(v.customer.customer_no, no);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            sale__repriced_on_another_terminal_after_the_quote_is_refused, site_setup,
            site_teardown),
        cmocka_unit_test_setup_teardown(sale__a_scheduled_price_takes_effect_at_its_first_second,
                                        site_setup, site_teardown),
        cmocka_unit_test_setup_teardown(sale__refused_when_the_month_of_the_free_allowance_changed,
                                        site_setup, site_teardown),
        cmocka_unit_test_setup_teardown(sale__refused_when_the_account_changed_on_another_terminal,
                                        site_setup, site_teardown),
        cmocka_unit_test_setup_teardown(sale__refused_when_the_settings_changed, site_setup,
                                        site_teardown),
        cmocka_unit_test_setup_teardown(sale__refused_when_another_card_is_in_the_reader,
                                        site_setup, site_teardown),
        cmocka_unit_test_setup_teardown(plan__commits_once_and_only_for_its_operator, site_setup,
                                        site_teardown),
        cmocka_unit_test_setup_teardown(
            open__plan_is_what_is_recorded_and_the_number_comes_at_commit, site_setup,
            site_teardown),
        cmocka_unit_test_setup_teardown(first_card__plan_is_what_is_recorded, site_setup,
                                        site_teardown),
        cmocka_unit_test_setup_teardown(resale__plan_shows_the_difference_and_is_what_is_recorded,
                                        site_setup, site_teardown),
        cmocka_unit_test_setup_teardown(
            reissue__plan_is_what_is_recorded_and_takes_over_a_pending_write, site_setup,
            site_teardown),
        cmocka_unit_test_setup_teardown(refund__plan_is_what_is_recorded, site_setup,
                                        site_teardown),
        cmocka_unit_test_setup_teardown(meter_change__plan_is_what_is_recorded, site_setup,
                                        site_teardown),
        cmocka_unit_test_setup_teardown(edit__plan_writes_the_card_only_for_meter_parameters,
                                        site_setup, site_teardown),
        cmocka_unit_test_setup_teardown(transfer_and_close__plans_check_the_account_again,
                                        site_setup, site_teardown),
        cmocka_unit_test_setup_teardown(refund_card_tool_card_and_wipe__plans_write_what_they_show,
                                        site_setup, site_teardown),
        cmocka_unit_test_setup_teardown(
            pending__a_killed_write_to_a_blank_card_is_voided_by_reading_the_card, site_setup,
            site_teardown),
        cmocka_unit_test_setup_teardown(
            pending__a_blank_card_leaves_alone_writes_that_reached_their_card, site_setup,
            site_teardown),
        cmocka_unit_test_setup_teardown(
            pending__cancel_is_an_admins_with_a_reason_refused_when_the_card_shows_it, site_setup,
            site_teardown),
        cmocka_unit_test_setup_teardown(
            pending__cancel_with_its_card_without_the_write_tidies_the_card, site_setup,
            site_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
