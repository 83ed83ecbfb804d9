/* SPDX-License-Identifier: Apache-2.0 */
/* The rules the operations share, each written once: the energy a card loads, the hoard
 * limit's base, the monthly free allowance (M34), pricing a purchase, the checks of a
 * meter and of a person, the card of an account, a blank card for a new one. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "kwhpos/card.h"
#include "store/store.h"

int rules_month(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    return (tm.tm_year + 1900) * 100 + tm.tm_mon + 1;
}

/* The meter holds about the account's balance (its last report plus what it loaded
 * since, less what it used); an overdraft counts as nothing. */
int64_t rules_hoard_base(const struct kwh_customer *cu)
{
    return cu->balance_ckwh > 0 ? cu->balance_ckwh : 0;
}

void rules_meter_params(const struct kwh_meter *m, struct kwh_meter_params *p)
{
    p->meter_type = (uint8_t)m->meter_type;
    p->current_limit_a = (uint16_t)m->current_limit_a;
    p->alarm_ckwh = (uint32_t)m->alarm_ckwh;
    p->overdraft_ckwh = (uint32_t)m->overdraft_ckwh;
    p->hoard_ckwh = (uint32_t)m->hoard_ckwh;
    p->ct_ratio = (uint16_t)m->ct_ratio;
}

int rules_check_meter(struct kwh_meter *m, struct kwh_err *e)
{
    if (m->ct_ratio == 0)
        m->ct_ratio = 1;
    /* the number is held as an integer: the text parsers (meter_no_parse) see the digits */
    if (m->meter_no == 0)
        return kwh_err_set(e, KWH_EINVAL,
                           "meter number: none given; enter exactly 8 digits "
                           "(the last 8 of the number on the meter)");
    if (m->meter_no > 99999999)
        return kwh_err_set(e, KWH_EINVAL,
                           "meter number %u has more than 8 digits; enter "
                           "exactly 8 digits (the last 8 of the number on the meter)",
                           (unsigned)m->meter_no);
    if (model_name(model_meter_types, KWH_METER_TYPES, m->meter_type) == NULL)
        return kwh_err_set(e, KWH_EINVAL, "meter type: choose %s, %s or %s",
                           model_meter_type_label(KWH_METER_SINGLE),
                           model_meter_type_label(KWH_METER_THREE_CT),
                           model_meter_type_label(KWH_METER_THREE_DIRECT));
    if (m->rating_a < 1 || m->rating_a > 1000)
        return kwh_err_set(e, KWH_EINVAL,
                           "meter rating: 1 to 1000 A (the meter's maximum "
                           "current)");
    if (m->current_limit_a < 1 || m->current_limit_a > m->rating_a)
        return kwh_err_set(e, KWH_EINVAL,
                           "current limit %d A: must be 1 A up to the meter's "
                           "rating of %d A",
                           m->current_limit_a, m->rating_a);
    if (m->alarm_ckwh < 0 || m->alarm_ckwh > UNITS_MAX_CKWH || m->overdraft_ckwh < 0 ||
        m->overdraft_ckwh > UNITS_MAX_CKWH || m->hoard_ckwh <= 0 || m->hoard_ckwh > UNITS_MAX_CKWH)
        return kwh_err_set(e, KWH_EINVAL,
                           "alarm and overdraft 0 to 999999.99 kWh, hoard "
                           "limit more than 0 up to 999999.99 kWh");
    if (m->alarm_ckwh > m->hoard_ckwh)
        return kwh_err_set(e, KWH_EINVAL, "the alarm level cannot exceed the hoard limit");
    if (m->meter_type == KWH_METER_THREE_CT) {
        if (m->ct_ratio < 2 || m->ct_ratio > 10000)
            return kwh_err_set(e, KWH_EINVAL,
                               "a %s meter needs its CT ratio 变比 (2 to 10000, e.g. 30 for 150/5)",
                               model_meter_type_label(KWH_METER_THREE_CT));
    } else if (m->ct_ratio != 1) {
        return kwh_err_set(e, KWH_EINVAL, "a CT ratio applies only to %s meters",
                           model_meter_type_label(KWH_METER_THREE_CT));
    }
    return 0;
}

int rules_check_person(const char *name, const char *address, const char *phone, struct kwh_err *e)
{
    int rc;

    if (name == NULL || name[0] == '\0')
        return kwh_err_set(e, KWH_EINVAL, "customer name: enter one line of text");
    if ((rc = text_check_line(KWH_N("customer name"), name, e)) < 0 ||
        (rc = text_check_line(KWH_N("address"), address, e)) < 0 ||
        (rc = text_check_line(KWH_N("phone"), phone, e)) < 0)
        return rc;
    if (strlen(name) >= KWH_TEXT_MAX)
        return kwh_err_set(e, KWH_EINVAL, "name: too long");
    if (address == NULL || !utf8_is_clean_line(address) || strlen(address) >= KWH_ADDR_MAX)
        return kwh_err_set(e, KWH_EINVAL, "address: one line of text, not too long");
    if (phone == NULL || !utf8_is_clean_line(phone) || strlen(phone) >= KWH_PHONE_MAX)
        return kwh_err_set(e, KWH_EINVAL, "phone: one line of text, not too long");
    return 0;
}

void rules_user_card(const struct kwh_customer *cu, struct kwh_card *card, int64_t now)
{
    memset(card, 0, sizeof *card);
    card->type = KWH_CARD_USER;
    memcpy(card->serial, cu->card_serial, CARD_SERIAL_LEN);
    card->meter_no = cu->meter.meter_no;
    card->customer_no = cu->customer_no;
    card->purchase_count = (uint16_t)cu->purchase_count;
    card->generation = (uint16_t)cu->card_gen;
    rules_meter_params(&cu->meter, &card->params);
    card->issued = (uint32_t)now;
}

int rules_blank_card(const struct seen_card *v, struct kwh_err *e)
{
    if (v->card.type == KWH_CARD_BLANK)
        return 0;
    return kwh_err_set(e, KWH_ECONFLICT,
                       "the card in the reader is a %s card, not blank: "
                       "put a blank card in (or wipe this one with 读卡清卡)",
                       kwh_trc("card", model_card_type_name(v->card.type)));
}

/* A fresh random serial with no FF byte: FF is what an unwritten byte reads, so the
 * serial is always one run of changed bytes, written in one go. */
void rules_card_serial(const struct seen_card *v, uint8_t serial[KWH_SERIAL_LEN])
{
    if (card_serial_is_set(v->card.serial)) {
        memcpy(serial, v->card.serial, KWH_SERIAL_LEN);
        return;
    }
    for (size_t i = 0; i < KWH_SERIAL_LEN; i++)
        do
            randombytes_buf(serial + i, 1);
        while (serial[i] == 0xff);
}

int rules_settled(struct kwh_core *c, const struct kwh_customer *cu, struct kwh_err *e)
{
    size_t pending;
    int rc;

    if ((rc = store_ops_pending_for_customer(c->db, cu->id, NULL, 0, &pending, e)) < 0)
        return rc;
    if (pending > 0)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "a card write for account %08u is not settled: read its card first",
                           cu->customer_no);
    return 0;
}

int rules_account_card(struct kwh_core *c, const struct seen_card *v, struct kwh_err *e)
{

    if (v->card.type == KWH_CARD_BLANK)
        return kwh_err_set(e, KWH_ECARD,
                           "the card in the reader is blank: insert the "
                           "customer's card");
    if (v->card.type != KWH_CARD_USER || !v->has_cust)
        return kwh_err_set(e, KWH_ECARD,
                           "the card in the reader is a %s card, not a user "
                           "card",
                           kwh_trc("card", model_card_type_name(v->card.type)));
    if (v->cust.status == KWH_CUST_CLOSED)
        return kwh_err_set(e, KWH_ECONFLICT, "account %08u is closed", v->cust.customer_no);
    if (v->cust.status == KWH_CUST_REFUNDED)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "account %08u was refunded (读卡退电): close it "
                           "(销户) and open a new account to sell again",
                           v->cust.customer_no);
    return rules_settled(c, &v->cust, e);
}

static int check_maximum(int64_t amount_fen, int64_t energy_ckwh, const struct kwh_site *site,
                         struct kwh_err *e)
{
    if (amount_fen > site->max_sale_fen)
        return kwh_err_set(e, KWH_EINVAL,
                           "amount %lld.%02lld yuan is above the per-sale "
                           "maximum of %lld.%02lld yuan",
                           (long long)(amount_fen / 100), (long long)(amount_fen % 100),
                           (long long)(site->max_sale_fen / 100),
                           (long long)(site->max_sale_fen % 100));
    if (energy_ckwh > site->max_sale_ckwh)
        return kwh_err_set(e, KWH_EINVAL,
                           "energy %lld.%02lld kWh is above the per-sale "
                           "maximum of %lld.%02lld kWh",
                           (long long)(energy_ckwh / 100), (long long)(energy_ckwh % 100),
                           (long long)(site->max_sale_ckwh / 100),
                           (long long)(site->max_sale_ckwh % 100));
    return 0;
}

int rules_check_request(const struct kwh_purchase_req *p, const struct kwh_site *site,
                        struct kwh_err *e)
{
    static const struct kwh_purchase_req none = {KWH_BY_NONE, 0, 0, KWH_PAY_CASH, ""};
    int rc;

    if (p == NULL)
        p = &none;
    if (model_name(model_pays, KWH_PAY_COUNT, p->pay_method) == NULL)
        return kwh_err_set(e, KWH_EINVAL, "payment method: choose %s, %s, %s, %s, %s or %s",
                           model_pay_label(KWH_PAY_CASH), model_pay_label(KWH_PAY_WECHAT),
                           model_pay_label(KWH_PAY_ALIPAY), model_pay_label(KWH_PAY_CARD),
                           model_pay_label(KWH_PAY_TRANSFER), model_pay_label(KWH_PAY_OTHER));
    if ((rc = rules_check_pay_ref(p->pay_method, p->pay_ref, e)) < 0)
        return rc;
    switch (p->mode) {
    case KWH_BY_KWH:
        if (p->value <= 0)
            return kwh_err_set(e, KWH_EINVAL, "energy: enter more than 0 kWh");
        break;
    case KWH_BY_AMOUNT:
        if (p->value <= 0)
            return kwh_err_set(e, KWH_EINVAL, "amount: enter more than 0 yuan");
        break;
    case KWH_BY_NONE: break;
    default: return kwh_err_set(e, KWH_EINVAL, "choose to sell by kWh or by amount");
    }
    if (p->adjust_ckwh < 0 || p->adjust_ckwh > site->max_sale_ckwh)
        return kwh_err_set(e, KWH_EINVAL, "adjustment 调剂电量: 0 up to the per-sale maximum");
    /* what a request by kWh says of itself; an amount's energy is known once priced */
    return check_maximum(p->mode == KWH_BY_AMOUNT ? p->value : 0,
                         p->mode == KWH_BY_KWH ? p->value : 0, site, e);
}

int rules_period_start(const struct kwh_tariff *t, int64_t now)
{
    int month = rules_month(now), y = month / 100, m = month % 100;

    if (t == NULL || t->ntiers == 0)
        return 0;
    if (t->period_months == KWH_PERIOD_MONTHLY)
        return month;
    return m >= t->period_start ? y * 100 + t->period_start : (y - 1) * 100 + t->period_start;
}

/* Months from month a to month b (YYYYMM), both counted. */
static int months_through(int a, int b)
{
    return (b / 100 - a / 100) * 12 + (b % 100 - a % 100) + 1;
}

static int next_month(int m)
{
    return m % 100 == 12 ? (m / 100 + 1) * 100 + 1 : m + 1;
}

/* The fees due with a purchase: each per-sale fee, and each monthly fee for every month
 * from the one after the last paid (or the opening's) through this one. */
static void fees_due(const struct rules_terms *terms, const struct kwh_customer *cu, int month,
                     struct rules_quote *q)
{
    int from = cu->fee_month != 0 ? next_month(cu->fee_month)
                                  : (cu->opened > 0 ? rules_month(cu->opened) : month);
    int months = from <= month ? months_through(from, month) : 0;

    for (size_t i = 0; i < terms->nfees && q->nfees < KWH_ARRAY_LEN(q->fees); i++) {
        const struct kwh_fee_type *f = &terms->fees[i];
        int64_t fen = f->kind == KWH_FEE_SALE      ? f->amount_fen
                      : f->kind == KWH_FEE_MONTHLY ? f->amount_fen * months
                                                   : 0;
        struct kwh_sale_item *it = &q->fees[q->nfees];
        if (f->kind == KWH_FEE_MONTHLY)
            q->by_month = true;
        if (fen <= 0)
            continue;
        memset(it, 0, sizeof *it);
        it->item = KWH_ITEM_FEE;
        it->ref = f->id;
        str_copy(it->name, sizeof it->name, f->name);
        it->fen = fen;
        q->nfees++;
        q->fees_fen += fen;
        if (f->kind == KWH_FEE_MONTHLY)
            q->fee_month = month;
    }
}

/* The account's arrears rule: its own, else the site's. */
static void recovery_rule(const struct rules_terms *terms, const struct kwh_customer *cu, int *mode,
                          int64_t *value)
{
    *mode = cu->recovery_mode != KWH_RECOVER_SITE ? cu->recovery_mode : terms->recovery_mode;
    *value = cu->recovery_mode != KWH_RECOVER_SITE ? cu->recovery_value : terms->recovery_value;
}

/* The energy's part of a purchase: flat at the tariff's price, or split across tiers from
 * where the account stands in the period. money_fen: the money for energy (by amount). */
static void price_energy(const struct rules_terms *terms, const struct kwh_customer *cu, int mode,
                         int64_t value, int64_t used, struct rules_quote *q)
{
    const struct kwh_tariff *t = terms->tariff;

    if (t != NULL && t->ntiers > 0) {
        if (mode == KWH_BY_KWH)
            units_tiers_for_energy(t->tiers, t->ntiers, cu->tier_extra_ckwh, used, value,
                                   &q->split);
        else
            units_tiers_for_amount(t->tiers, t->ntiers, cu->tier_extra_ckwh, used, value,
                                   &q->split);
        q->energy_ckwh = q->split.energy_ckwh;
        q->amount_fen = q->split.n > 0 ? q->split.amount_fen : 0;
        if (q->split.n > 0)
            q->price = q->split.price[0];
        return;
    }
    if (mode == KWH_BY_KWH) {
        q->energy_ckwh = value;
        q->amount_fen = units_amount_for_energy(value, q->price);
    } else {
        q->amount_fen = value;
        q->energy_ckwh = units_energy_for_amount(value, q->price);
    }
}

/* The price of the next 0.01 kWh the account would buy (the cheapest money that buys
 * energy), in fen rounded up. */
static int64_t next_ckwh_fen(const struct rules_terms *terms, const struct kwh_customer *cu,
                             int64_t used, int64_t flat_price)
{
    struct units_split one;
    const struct kwh_tariff *t = terms->tariff;
    int64_t price = flat_price;
    if (t != NULL && t->ntiers > 0) {
        units_tiers_for_energy(t->tiers, t->ntiers, cu->tier_extra_ckwh, used, 1, &one);
        price = one.price[0];
    }
    return (price + 9999) / 10000;
}

int rules_price(const struct kwh_site *site, const struct rules_terms *terms,
                const struct kwh_customer *cu, const struct kwh_purchase_req *p,
                const struct kwh_sale *replaced, int64_t hoard_base_ckwh, int month,
                struct rules_quote *q, struct kwh_err *e)
{
    static const struct kwh_purchase_req none = {KWH_BY_NONE, 0, 0, KWH_PAY_CASH, ""};
    const struct kwh_tariff *t = terms->tariff;
    char b1[32], b2[32], b3[32], b4[32];
    int64_t used = 0;
    int rmode, rc;
    int64_t rvalue;
    bool free_by_month;

    memset(q, 0, sizeof *q);
    q->price = cu->price;
    if (p == NULL)
        p = &none;
    if (p->mode == KWH_BY_NONE && p->adjust_ckwh == 0)
        return 0;
    if (q->price <= 0)
        return kwh_err_set(e, KWH_ECONFLICT, "tariff '%s' has no price", cu->tariff_name);
    if (t != NULL && t->ntiers > 0 && p->mode != KWH_BY_NONE) {
        /* where the account stands in the tier period: a re-sale gives back the tier kWh
           of the sale it replaces first */
        q->period_start = rules_period_start(t, terms->now);
        q->by_month = true;
        used = cu->period_start == q->period_start ? cu->period_ckwh : 0;
        if (replaced != NULL && replaced->period_start == q->period_start)
            used -= replaced->energy_ckwh;
        if (used < 0)
            used = 0;
    }
    if (p->mode != KWH_BY_NONE) {
        /* fees and arrears: a re-sale carries those of the sale it replaces (whose money
           returns as it settles); otherwise what is due now */
        if (replaced != NULL) {
            for (size_t i = 0; i < replaced->nitems; i++)
                if (replaced->items[i].item == KWH_ITEM_FEE && q->nfees < KWH_ARRAY_LEN(q->fees))
                    q->fees[q->nfees++] = replaced->items[i];
            q->fees_fen = replaced->fee_fen;
            q->fee_month = replaced->fee_month;
            q->arrears_fen = replaced->arrears_fen;
        } else {
            fees_due(terms, cu, month, q);
        }
        recovery_rule(terms, cu, &rmode, &rvalue);
    }
    switch (p->mode) {
    case KWH_BY_KWH:
        price_energy(terms, cu, KWH_BY_KWH, p->value, used, q);
        if (replaced == NULL && cu->arrears_fen > 0)
            q->arrears_fen = rmode == KWH_RECOVER_FIXED
                                 ? (rvalue < cu->arrears_fen ? rvalue : cu->arrears_fen)
                                 : units_recover_percent_on_top(q->amount_fen + q->fees_fen, rvalue,
                                                                cu->arrears_fen);
        break;
    case KWH_BY_AMOUNT: {
        /* fees first, then arrears, then energy: the rest must buy at least 0.01 kWh */
        int64_t least = next_ckwh_fen(terms, cu, used, q->price), room;
        if (p->value < q->fees_fen + q->arrears_fen + least) {
            fixed_format(q->fees_fen + q->arrears_fen, 2, b1, sizeof b1);
            fixed_format(q->fees_fen + q->arrears_fen + least, 2, b2, sizeof b2);
            return kwh_err_set(e, KWH_EINVAL,
                               "the payment does not cover the fees due (%s yuan) and buy "
                               "energy: collect at least %s yuan",
                               b1, b2);
        }
        room = p->value - q->fees_fen - least;
        if (replaced == NULL && cu->arrears_fen > 0)
            q->arrears_fen = rmode == KWH_RECOVER_FIXED
                                 ? (rvalue < cu->arrears_fen ? rvalue : cu->arrears_fen)
                                 : units_recover_percent(p->value, rvalue, cu->arrears_fen, room);
        if (q->arrears_fen > room)
            q->arrears_fen = room;
        price_energy(terms, cu, KWH_BY_AMOUNT, p->value - q->fees_fen - q->arrears_fen, used, q);
        if (q->energy_ckwh <= 0)
            return kwh_err_set(e, KWH_EINVAL,
                               "amount: too small to buy 0.01 kWh at %lld.%04lld "
                               "yuan/kWh",
                               (long long)(q->price / 10000), (long long)(q->price % 10000));
        break;
    }
    default: break;
    }
    q->total_fen = q->amount_fen + q->fees_fen + q->arrears_fen;
    /* the request's own figure was checked with it: pricing adds the other one */
    if ((rc = check_maximum(p->mode == KWH_BY_KWH ? q->total_fen : 0,
                            p->mode == KWH_BY_AMOUNT ? q->energy_ckwh : 0, site, e)) < 0)
        return rc;
    q->adjust_ckwh = p->adjust_ckwh;
    q->free_ckwh = rules_free_grant(site, cu, replaced, month, &free_by_month);
    if (free_by_month)
        q->by_month = true; /* tiers and monthly fees may have said so already */
    q->card_ckwh = q->energy_ckwh + q->adjust_ckwh + q->free_ckwh;
    if (q->card_ckwh > UNITS_MAX_CKWH)
        return kwh_err_set(e, KWH_EINVAL, "more energy than a card can carry (999999.99 kWh)");
    if (hoard_base_ckwh + q->card_ckwh > cu->meter.hoard_ckwh) {
        /* what can be sold instead comes first: the message line shows the first
           sentence when the whole does not fit */
        int64_t room = rules_hoard_room(cu, hoard_base_ckwh, q->adjust_ckwh + q->free_ckwh);
        struct rules_quote most;
        fixed_format(room, 2, b1, sizeof b1);
        /* the yuan as the sale room says it: tiers, fees and arrears */
        fixed_format(rules_most_payment(site, terms, cu, replaced, month, room, &most), 2, b2,
                     sizeof b2);
        fixed_format(hoard_base_ckwh, 2, b3, sizeof b3);
        fixed_format(cu->meter.hoard_ckwh, 2, b4, sizeof b4);
        return kwh_err_set(e, KWH_ECONFLICT,
                           "over the hoard limit: this card can take at most %s kWh (%s yuan) "
                           "now. The meter holds about %s kWh of its limit of %s kWh.",
                           b1, b2, b3, b4);
    }
    return 0;
}

/* By amount, payment fen: the paid energy it buys within room_ckwh (*q), or -1 when it
 * buys none or more than room_ckwh. The hoard limit is the caller's room. */
static int64_t fits(const struct kwh_site *site, const struct rules_terms *terms,
                    const struct kwh_customer *cu, const struct kwh_sale *replaced, int month,
                    int64_t room_ckwh, int64_t fen, struct rules_quote *q)
{
    struct kwh_purchase_req p = {KWH_BY_AMOUNT, fen, 0, KWH_PAY_CASH, ""};

    if (fen <= 0 || fen > site->max_sale_fen ||
        rules_price(site, terms, cu, &p, replaced, 0, month, q, NULL) < 0)
        return -1;
    return q->energy_ckwh <= room_ckwh ? q->energy_ckwh : -1;
}

int64_t rules_most_payment(const struct kwh_site *site, const struct rules_terms *terms,
                           const struct kwh_customer *cu, const struct kwh_sale *replaced,
                           int month, int64_t room_ckwh, struct rules_quote *q)
{
    struct kwh_purchase_req p = {KWH_BY_KWH, room_ckwh, 0, KWH_PAY_CASH, ""};
    struct kwh_site open = *site;
    struct kwh_customer any = *cu;
    struct rules_quote t;
    int64_t lo, hi;

    memset(q, 0, sizeof *q);
    if (room_ckwh > site->max_sale_ckwh)
        room_ckwh = site->max_sale_ckwh;
    if (room_ckwh <= 0)
        return 0;
    /* the room's limits are room_ckwh and the per-sale amount: not the meter's hoard
       limit, nor the per-sale maximum of a by-kWh quote */
    any.meter.hoard_ckwh = UNITS_MAX_CKWH * 4;
    open.max_sale_fen = UNITS_MAX_FEN;
    open.max_sale_ckwh = UNITS_MAX_CKWH * 4;
    /* a payment that fits: what the whole room costs by kWh (fees and the arrears
       recovered on top), less a few fen when each tier's part was rounded up */
    if (rules_price(&open, terms, &any, &p, replaced, 0, month, &t, NULL) < 0)
        return 0;
    open.max_sale_fen = site->max_sale_fen;
    lo = t.total_fen < site->max_sale_fen ? t.total_fen : site->max_sale_fen;
    for (int i = 0; fits(&open, terms, &any, replaced, month, room_ckwh, lo, q) < 0; i++) {
        if (i >= 2 * UNITS_TIERS_MAX + 2 || lo <= 1)
            return 0; /* not even the fees and 0.01 kWh fit */
        lo--;
    }
    /* the most that fits: every fen above pays for energy or arrears (never more than
       owed), so past owed + 0.01 kWh at the dearest price the energy is over the room */
    hi = lo + (cu->arrears_fen > 0 ? cu->arrears_fen : 0) + UNITS_MAX_PRICE / 10000 + 2;
    if (hi > site->max_sale_fen + 1)
        hi = site->max_sale_fen + 1;
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (fits(&open, terms, &any, replaced, month, room_ckwh, mid, &t) >= 0)
            lo = mid;
        else
            hi = mid;
    }
    fits(&open, terms, &any, replaced, month, room_ckwh, lo, q);
    return lo;
}

int64_t rules_free_grant(const struct kwh_site *site, const struct kwh_customer *cu,
                         const struct kwh_sale *replaced, int month, bool *by_month)
{
    *by_month = false;
    /* M34: once per calendar month with the first purchase; never accumulated. A re-sale
     * keeps the grant of the sale it replaces. */
    if (replaced != NULL && replaced->free_ckwh > 0)
        return replaced->free_ckwh;
    if (site->monthly_free_ckwh <= 0)
        return 0;
    *by_month = true;
    return cu->free_month != month ? site->monthly_free_ckwh : 0;
}

int64_t rules_hoard_room(const struct kwh_customer *cu, int64_t hoard_base_ckwh, int64_t extra_ckwh)
{
    int64_t room = cu->meter.hoard_ckwh - hoard_base_ckwh - extra_ckwh;
    return room > 0 ? room : 0;
}

void rules_fill_sale(struct kwh_sale *sale, int kind, const struct kwh_customer *cu,
                     const struct rules_quote *q, const struct kwh_purchase_req *p, int count)
{
    memset(sale, 0, sizeof *sale);
    sale->kind = kind;
    sale->customer_id = cu->id;
    sale->customer_no = cu->customer_no;
    str_copy(sale->customer_name, sizeof sale->customer_name, cu->name);
    str_copy(sale->customer_address, sizeof sale->customer_address, cu->address);
    str_copy(sale->customer_phone, sizeof sale->customer_phone, cu->phone);
    sale->meter_no = cu->meter.meter_no;
    sale->purchase_count = count;
    sale->energy_ckwh = q->energy_ckwh;
    sale->adjust_ckwh = q->adjust_ckwh;
    sale->free_ckwh = q->free_ckwh;
    sale->price = q->price;
    sale->tariff_id = cu->tariff_id;
    str_copy(sale->tariff_name, sizeof sale->tariff_name, cu->tariff_name);
    sale->amount_fen = q->amount_fen;
    sale->pay_method = p ? p->pay_method : KWH_PAY_CASH;
    sale->by_amount = p && p->mode == KWH_BY_AMOUNT;
    if (p != NULL)
        str_copy(sale->pay_ref, sizeof sale->pay_ref, p->pay_ref);
    sale->fee_fen = q->fees_fen;
    sale->arrears_fen = q->arrears_fen;
    sale->period_start = q->period_start;
    sale->fee_month = q->fee_month;
    for (int i = 0; i < q->split.n && sale->nitems < KWH_ITEMS_MAX; i++) {
        struct kwh_sale_item *it = &sale->items[sale->nitems++];
        it->item = KWH_ITEM_TIER;
        it->ref = q->split.tier[i];
        it->ckwh = q->split.ckwh[i];
        it->price = q->split.price[i];
        it->fen = q->split.fen[i];
    }
    for (size_t i = 0; i < q->nfees && sale->nitems < KWH_ITEMS_MAX; i++)
        sale->items[sale->nitems++] = q->fees[i];
}

/* --- payment references -------------------------------------------------------------- */

static bool all_of(const char *s, const char *set, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return false;
    return strspn(s, set) == n;
}

int rules_check_pay_ref(int pay, const char *ref, struct kwh_err *e)
{
    static const char digits[] = "0123456789";
    static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    bool ok;

    if (ref == NULL || ref[0] == '\0')
        return 0;
    switch (pay) {
    case KWH_PAY_WECHAT:
    case KWH_PAY_ALIPAY: ok = all_of(ref, digits, 16, 32); break;
    case KWH_PAY_CARD: ok = all_of(ref, digits, 6, 12); break;
    case KWH_PAY_TRANSFER: ok = all_of(ref, alnum, 6, 32); break;
    case KWH_PAY_OTHER: ok = all_of(ref, alnum, 1, 32); break;
    default:
        return kwh_err_set(e, KWH_EINVAL,
                           "a cash payment has no reference: clear the reference, or choose "
                           "how the customer paid");
    }
    if (!ok)
        return kwh_err_set(e, KWH_EINVAL,
                           "payment reference '%s' is not a %s reference: %s; scan or type it "
                           "again",
                           ref, model_pay_label(pay),
                           pay == KWH_PAY_CARD
                               ? kwh_tr("6 to 12 digits (the POS slip's reference number)")
                           : pay == KWH_PAY_TRANSFER || pay == KWH_PAY_OTHER
                               ? kwh_tr("letters and digits, up to 32")
                               : kwh_tr("16 to 32 digits (the transaction number)"));
    return 0;
}

/* The money of the newest ckwh of sale (less than all of its energy), rounded down: a
 * tiered sale's from its highest tier down at each tier's price. */
static int64_t part_paid(const struct kwh_sale *sale, int64_t ckwh)
{
    int64_t fen = 0, rest = ckwh;
    bool tiered = false;

    for (size_t i = sale->nitems; i-- > 0 && rest > 0;) {
        const struct kwh_sale_item *it = &sale->items[i];
        int64_t take;
        if (it->item != KWH_ITEM_TIER)
            continue;
        tiered = true;
        take = rest < it->ckwh ? rest : it->ckwh;
        fen += take == it->ckwh ? it->fen : units_refund_for_energy(take, it->price);
        rest -= take;
    }
    if (!tiered)
        fen = units_refund_for_energy(ckwh, sale->price);
    return fen < sale->amount_fen ? fen : sale->amount_fen;
}

int rules_paid_back(struct kwh_core *c, int64_t customer_id, int64_t ckwh, int period_start,
                    int64_t *fen, int64_t *paid_ckwh, int64_t *last_price, int64_t *period_ckwh,
                    struct kwh_err *e)
{
    int64_t before = INT64_MAX, kinds = model_op_kinds(KWH_OPF_PURCHASE), rest = ckwh;
    struct kwh_sale sale;
    int rc = 0;

    *fen = 0;
    *paid_ckwh = 0;
    *last_price = 0;
    *period_ckwh = 0;
    while (rest > 0 &&
           (rc = store_sale_last_of_kinds(c->db, customer_id, kinds, before, &sale, e)) == 0) {
        int64_t take;
        before = sale.id;
        if (*last_price == 0 && sale.energy_ckwh > 0)
            *last_price = sale.price;
        if (sale.energy_ckwh <= 0 || sale.amount_fen <= 0)
            continue; /* free allowance or 调剂 only: nothing paid */
        {
            /* 冲正: what its reversal and correction left of its money */
            int64_t n, delta;
            if ((rc = store_sale_reversed(c->db, sale.id, &n, &delta, NULL, e)) < 0)
                return rc;
            sale.amount_fen += delta;
            if (sale.amount_fen <= 0)
                continue;
        }
        take = rest >= sale.energy_ckwh ? sale.energy_ckwh : rest;
        /* the whole purchase: exactly what was paid for its energy */
        *fen += take == sale.energy_ckwh ? sale.amount_fen : part_paid(&sale, take);
        *paid_ckwh += take;
        if (period_start != 0 && sale.period_start == period_start)
            *period_ckwh += take;
        rest -= take;
    }
    if (rest > 0 && rc != KWH_ENOTFOUND && rc < 0)
        return rc;
    kwh_err_clear(e);
    return 0;
}

void rules_money_effects(struct kwh_customer *cu, const struct kwh_sale *sale, int sign,
                         unsigned *fields)
{
    if (sale->period_start != 0 && sale->energy_ckwh != 0) {
        if (sign > 0 && cu->period_start != sale->period_start) {
            cu->period_start = sale->period_start;
            cu->period_ckwh = 0;
        }
        if (cu->period_start == sale->period_start) {
            cu->period_ckwh += sign * sale->energy_ckwh;
            if (cu->period_ckwh < 0)
                cu->period_ckwh = 0;
        }
        *fields |= STORE_CU_MONEY;
    }
    if (sale->arrears_fen != 0) {
        cu->arrears_fen -= sign * sale->arrears_fen;
        *fields |= STORE_CU_MONEY;
    }
    if (sign > 0 && sale->fee_month > cu->fee_month) {
        cu->fee_month = sale->fee_month;
        *fields |= STORE_CU_MONEY;
    }
}
