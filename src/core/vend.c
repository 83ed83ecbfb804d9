/* SPDX-License-Identifier: Apache-2.0 */
/* Reading the card, quoting and selling: M10, M11, M12, M13 (and shared checks). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "core/vend.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"

int month_of(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    return (tm.tm_year + 1900) * 100 + tm.tm_mon + 1;
}

void meter_to_params(const struct kwh_meter *m, struct kwh_meter_params *p)
{
    p->meter_type = (uint8_t)m->meter_type;
    p->current_limit_a = (uint16_t)m->current_limit_a;
    p->alarm_ckwh = (uint32_t)m->alarm_ckwh;
    p->overdraft_ckwh = (uint32_t)m->overdraft_ckwh;
    p->hoard_ckwh = (uint32_t)m->hoard_ckwh;
    p->ct_ratio = (uint16_t)m->ct_ratio;
}

int check_meter(struct kwh_core *c, const struct kwh_meter *m, struct kwh_err *e)
{
    (void)c;
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
    if (m->meter_type < KWH_METER_SINGLE || m->meter_type > KWH_METER_THREE_DIRECT)
        return kwh_err_set(e, KWH_EINVAL, "meter type: choose 单相, 三相互感 or 三相直通");
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
                               "a 三相互感 meter needs its CT ratio 变比 "
                               "(2 to 10000, e.g. 30 for 150/5)");
    } else if (m->ct_ratio != 1 && m->ct_ratio != 0) {
        return kwh_err_set(e, KWH_EINVAL, "a CT ratio applies only to 三相互感 meters");
    }
    return 0;
}

static int check_account_text(const struct kwh_account_req *a, struct kwh_err *e)
{
    if (a->name[0] == '\0' || !utf8_is_clean_line(a->name))
        return kwh_err_set(e, KWH_EINVAL, "customer name: enter one line of text");
    if (!utf8_is_clean_line(a->address) || !utf8_is_clean_line(a->phone))
        return kwh_err_set(e, KWH_EINVAL, "address and phone: one line of text each");
    return 0;
}

/* --- reading the card ------------------------------------------------------------- */

int vend_load(struct kwh_core *c, struct vend_card *v, struct kwh_err *e)
{
    char notice[KWH_ERR_MSG] = "";
    int rc;

    memset(v, 0, sizeof *v);
    if ((rc = cardio_read(c, v->img, e)) < 0)
        return rc;
    if ((rc = card_decode(v->img, &c->keys, &v->card, e)) < 0)
        return rc;
    if ((rc = cardop_reconcile(c, v->img, &v->settled_done, &v->settled_void, notice, sizeof notice,
                               e)) < 0)
        return rc;
    str_copy(v->notice, sizeof v->notice, notice);
    if (v->settled_done || v->settled_void) {
        if ((rc = card_decode(v->img, &c->keys, &v->card, e)) < 0)
            return rc;
    }
    if (v->card.rest_damaged)
        return kwh_err_set(e, KWH_ECARD,
                           "%s outside its current record: the card was "
                           "altered and is refused",
                           v->card.rest_problem);
    if (v->card.type == KWH_CARD_BLANK)
        return 0;
    if (v->card.type != KWH_CARD_USER && v->card.type != KWH_CARD_REFUND)
        return 0;
    rc = store_customer_by_serial(c->db, v->card.serial, &v->cust, e);
    if (rc == KWH_ENOTFOUND) {
        struct kwh_customer other;
        if (store_customer_by_no(c->db, v->card.customer_no, &other, NULL) == 0)
            return kwh_err_set(e, KWH_ECARD,
                               "this is an old card of account %08u, replaced "
                               "by a reissued card (补卡); it no longer works: wipe it with "
                               "读卡清卡",
                               other.customer_no);
        return kwh_err_set(e, KWH_ECARD,
                           "this card (account %08u) is not in this database: "
                           "is it the right site or an older backup?",
                           v->card.customer_no);
    }
    if (rc < 0)
        return rc;
    if (v->cust.customer_no != v->card.customer_no || v->cust.meter.meter_no != v->card.meter_no)
        return kwh_err_set(e, KWH_ECARD,
                           "the card says account %08u meter %08u but the "
                           "database has account %08u meter %08u for it: refused",
                           v->card.customer_no, v->card.meter_no, v->cust.customer_no,
                           v->cust.meter.meter_no);
    v->has_cust = true;
    /* the card must show exactly the last record written to it */
    {
        struct store_op last;
        uint8_t slot[CARD_SLOT_LEN];
        rc = store_op_last_done_for_customer(c->db, v->cust.id, &last, e);
        if (rc < 0)
            return rc;
        card_active_slot(v->img, slot);
        if (memcmp(slot, last.slot, CARD_SLOT_LEN) != 0)
            return kwh_err_set(e, KWH_ECARD,
                               "the card does not show the last record written "
                               "to it (op #%lld): it was altered or rolled back, and is "
                               "refused",
                               (long long)last.id);
    }
    if (store_sale_last_purchase(c->db, v->cust.id, &v->last_sale, NULL) == 0)
        v->has_last_sale = true;
    return note_meter_report(c, v, e);
}

bool vend_purchase_in_meter(const struct vend_card *v)
{
    if (card_purchase_loaded(&v->card))
        return true;
    /* a report the ledger took from the card earlier, before anything wrote over it */
    return v->has_cust && v->card.purchase_count > 0 &&
           v->cust.loaded_count >= (int)v->card.purchase_count;
}

bool vend_report_unknown(const struct vend_card *v)
{
    return v->card.ret.damaged || (v->card.ret.valid && v->card.ret.meter_no != v->card.meter_no);
}

/* The meter's report on the card updates the account's estimate of what it holds. */
int note_meter_report(struct kwh_core *c, struct vend_card *v, struct kwh_err *e)
{
    const struct kwh_card_return *r = &v->card.ret;
    struct kwh_customer cu = v->cust;
    char before[96], after[96], subject[32];
    int rc;

    if (!r->valid || r->meter_no != v->card.meter_no || (int64_t)r->time <= cu.reported_at ||
        v->cust.status != KWH_CUST_OPEN)
        return 0;
    cu.loaded_count = r->loaded_count;
    cu.reported_remaining_ckwh = r->remaining_ckwh;
    cu.reported_at = r->time;
    cu.balance_ckwh = r->remaining_ckwh;
    if (!card_purchase_loaded(&v->card))
        cu.balance_ckwh += v->card.purchase_ckwh;
    snprintf(subject, sizeof subject, "%08u", cu.customer_no);
    snprintf(before, sizeof before, "balance=%lld loaded=%d", (long long)v->cust.balance_ckwh,
             v->cust.loaded_count);
    snprintf(after, sizeof after, "balance=%lld loaded=%d remaining=%lld",
             (long long)cu.balance_ckwh, cu.loaded_count, (long long)cu.reported_remaining_ckwh);
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_customer_update(c->db, &cu, e)) < 0 ||
        (rc = audit_append(c, "meter", "meter-report", subject, before, after, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    if ((rc = store_commit(c->db, e)) < 0)
        return rc;
    v->cust = cu;
    return 0;
}

int vend_read_card(struct kwh_core *c, const struct kwh_session *s, struct kwh_card_view *out,
                   struct kwh_err *e)
{
    struct vend_card v;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    rc = vend_load(c, &v, e);
    out->settled_done = v.settled_done;
    out->settled_void = v.settled_void;
    str_copy(out->notice, sizeof out->notice, v.notice);
    if (rc < 0)
        return rc;
    out->card = v.card;
    out->blank = v.card.type == KWH_CARD_BLANK;
    out->has_customer = v.has_cust;
    out->customer = v.cust;
    out->purchase_loaded = vend_purchase_in_meter(&v);
    out->has_last_sale = v.has_last_sale;
    out->last_sale = v.last_sale;
    return 0;
}

/* --- quoting ------------------------------------------------------------------------ */

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

/* What can be said of a request before the account and the card are looked at, so a
 * mistyped amount is named before anything about the card. */
static int check_request(const struct kwh_purchase_req *p, const struct kwh_site *site,
                         struct kwh_err *e)
{
    if (p->pay_method < 0 || p->pay_method >= KWH_PAY_COUNT)
        return kwh_err_set(e, KWH_EINVAL,
                           "payment method: choose 现金, 微信, 支付宝, 银行卡 or "
                           "其他");
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
    return check_maximum(p->mode == KWH_BY_AMOUNT ? p->value : 0,
                         p->mode == KWH_BY_KWH ? p->value : 0, site, e);
}

int vend_compute(struct kwh_core *c, const struct kwh_customer *cu,
                 const struct kwh_purchase_req *p, const struct kwh_sale *replaced,
                 int64_t hoard_base_ckwh, struct kwh_quote *q, struct kwh_err *e)
{
    struct kwh_site site;
    int rc;

    memset(q, 0, sizeof *q);
    if ((rc = settings_get(c, &site, e)) < 0 || (rc = check_request(p, &site, e)) < 0)
        return rc;
    q->price = cu->price;
    if (q->price <= 0)
        return kwh_err_set(e, KWH_ECONFLICT, "tariff '%s' has no price", cu->tariff_name);
    switch (p->mode) {
    case KWH_BY_KWH:
        q->energy_ckwh = p->value;
        q->amount_fen = units_amount_for_energy(p->value, q->price);
        break;
    case KWH_BY_AMOUNT:
        q->amount_fen = p->value;
        q->energy_ckwh = units_energy_for_amount(p->value, q->price);
        if (q->energy_ckwh <= 0)
            return kwh_err_set(e, KWH_EINVAL,
                               "amount: too small to buy 0.01 kWh at %lld.%04lld "
                               "yuan/kWh",
                               (long long)(q->price / 10000), (long long)(q->price % 10000));
        break;
    default: break;
    }
    if ((rc = check_maximum(q->amount_fen, q->energy_ckwh, &site, e)) < 0)
        return rc;
    q->adjust_ckwh = p->adjust_ckwh;
    if (p->mode != KWH_BY_NONE || p->adjust_ckwh > 0) {
        /* M34: once per calendar month with the first purchase; never accumulated. A
         * re-sale keeps the grant of the sale it replaces. */
        if (replaced != NULL && replaced->free_ckwh > 0)
            q->free_ckwh = replaced->free_ckwh;
        else if (site.monthly_free_ckwh > 0 && cu->free_month != month_of(core_now(c)))
            q->free_ckwh = site.monthly_free_ckwh;
    }
    q->card_ckwh = q->energy_ckwh + q->adjust_ckwh + q->free_ckwh;
    if (q->card_ckwh > UNITS_MAX_CKWH)
        return kwh_err_set(e, KWH_EINVAL, "more energy than a card can carry (999999.99 kWh)");
    if (hoard_base_ckwh + q->card_ckwh > cu->meter.hoard_ckwh)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "hoard limit 囤积电量 exceeded: the meter holds "
                           "about %lld.%02lld kWh, this purchase adds %lld.%02lld kWh, the limit "
                           "is %lld.%02lld kWh",
                           (long long)(hoard_base_ckwh / 100), (long long)(hoard_base_ckwh % 100),
                           (long long)(q->card_ckwh / 100), (long long)(q->card_ckwh % 100),
                           (long long)(cu->meter.hoard_ckwh / 100),
                           (long long)(cu->meter.hoard_ckwh % 100));
    return 0;
}

/* What the meter holds for the hoard check: its last report plus unloaded energy. */
static int64_t hoard_base(const struct kwh_customer *cu)
{
    return cu->balance_ckwh > 0 ? cu->balance_ckwh : 0;
}

int vend_quote(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
               const struct kwh_purchase_req *p, struct kwh_quote *out, struct kwh_err *e)
{
    struct kwh_customer cu;
    int rc;

    if ((rc = need_operator(s, e)) < 0 ||
        (rc = store_customer_by_no(c->db, customer_no, &cu, e)) < 0)
        return rc;
    rc = vend_compute(c, &cu, p, NULL, hoard_base(&cu), out, e);
    out->purchase_count = cu.purchase_count + 1;
    return rc;
}

/* --- building the new card ----------------------------------------------------------- */

void vend_fill_sale(struct kwh_sale *sale, int kind, const struct kwh_customer *cu,
                    const struct kwh_quote *q, const struct kwh_purchase_req *p, int count)
{
    memset(sale, 0, sizeof *sale);
    sale->kind = kind;
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
}

int vend_receipt(struct kwh_core *c, int64_t op_id, struct kwh_receipt *out, struct kwh_err *e)
{
    struct kwh_sale sales[4];
    struct kwh_site site;
    size_t n;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = store_sales_for_op(c->db, op_id, sales, 4, &n, e)) < 0)
        return rc;
    if (n > 0) {
        out->sale = sales[n - 1];
        if ((rc = store_customer_get(c->db, out->sale.customer_id, &out->customer, e)) < 0)
            return rc;
    }
    if ((rc = settings_get(c, &site, e)) < 0)
        return rc;
    str_copy(out->unit_name, sizeof out->unit_name, site.unit_name);
    str_copy(out->unit_phone, sizeof out->unit_phone, site.unit_phone);
    return 0;
}

/* Finishes an op built by a vend function: run it and fill the receipt. */
int vend_finish(struct kwh_core *c, const struct kwh_session *s, struct cardop *co,
                const uint8_t old[KWH_CARD_SIZE], struct kwh_receipt *out, struct kwh_err *e)
{
    int rc = cardop_run(c, s, co, old, e);
    if (rc < 0)
        return rc;
    if (out != NULL)
        return vend_receipt(c, co->op.id, out, e);
    return 0;
}

/* The user card the account's cards are built from. */
void vend_base_card(const struct kwh_customer *cu, struct kwh_card *card, int64_t now)
{
    memset(card, 0, sizeof *card);
    card->type = KWH_CARD_USER;
    memcpy(card->serial, cu->card_serial, CARD_SERIAL_LEN);
    card->meter_no = cu->meter.meter_no;
    card->customer_no = cu->customer_no;
    card->purchase_count = (uint16_t)cu->purchase_count;
    card->generation = (uint16_t)cu->card_gen;
    meter_to_params(&cu->meter, &card->params);
    card->issued = (uint32_t)now;
}

/* --- M10 open account ---------------------------------------------------------------- */

int vend_open_account(struct kwh_core *c, const struct kwh_session *s,
                      const struct kwh_account_req *a, const struct kwh_purchase_req *p,
                      struct kwh_receipt *out, struct kwh_err *e)
{
    static const struct kwh_purchase_req none = {KWH_BY_NONE, 0, 0, KWH_PAY_CASH};
    struct kwh_customer cu, other;
    struct kwh_tariff t;
    struct kwh_quote q;
    struct vend_card v;
    struct cardop co;
    struct kwh_meter m = a->meter;
    int64_t now = core_now(c);
    int rc;

    if ((rc = need_operator(s, e)) < 0 || (rc = check_account_text(a, e)) < 0)
        return rc;
    if (m.ct_ratio == 0)
        m.ct_ratio = 1;
    if ((rc = check_meter(c, &m, e)) < 0)
        return rc;
    if ((rc = store_tariff_get(c->db, a->tariff_id, &t, e)) < 0)
        return kwh_err_prefix(e, "tariff");
    if (store_customer_by_meter(c->db, m.meter_no, &other, NULL) == 0)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "meter number %08u already belongs to account "
                           "%08u (%s)",
                           m.meter_no, other.customer_no, other.name);
    if (p == NULL)
        p = &none;

    memset(&cu, 0, sizeof cu);
    str_copy(cu.name, sizeof cu.name, a->name);
    str_copy(cu.address, sizeof cu.address, a->address);
    str_copy(cu.phone, sizeof cu.phone, a->phone);
    cu.meter = m;
    cu.tariff_id = t.id;
    str_copy(cu.tariff_name, sizeof cu.tariff_name, t.name);
    cu.price = t.price;
    cu.opened = now;
    if ((rc = vend_compute(c, &cu, p, NULL, 0, &q, e)) < 0)
        return rc;

    if ((rc = vend_load(c, &v, e)) < 0)
        return rc;
    if (v.card.type != KWH_CARD_BLANK)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the card in the reader is a %s card, not blank: "
                           "put a blank card in (or wipe this one with 读卡清卡)",
                           kwh_trc("card", card_type_name(v.card.type)));

    memset(&co, 0, sizeof co);
    if (card_serial_is_set(v.card.serial))
        memcpy(cu.card_serial, v.card.serial, CARD_SERIAL_LEN);
    else
        cardop_new_serial(cu.card_serial);
    if ((rc = store_customer_next_no(c->db, &cu.customer_no, e)) < 0)
        return rc;
    cu.purchase_count = 1;
    co.new_customer = &cu;
    co.op.kind = KWH_OP_OPEN;
    memcpy(co.op.serial, cu.card_serial, CARD_SERIAL_LEN);
    {
        struct kwh_card card;
        vend_base_card(&cu, &card, now);
        card.purchase_count = 1;
        card.purchase_ckwh = (uint32_t)q.card_ckwh;
        card.free_ckwh = (uint32_t)q.free_ckwh;
        card.flags = CARD_F_KEYX;
        if ((rc = card_encode(v.img, &card, &c->keys, co.op.new_image, e)) < 0)
            return rc;
    }
    vend_fill_sale(&co.sales[0], KWH_OP_OPEN, &cu, &q, p, 1);
    co.nsales = 1;
    co.audit_op = "open";
    snprintf(co.audit_subject, sizeof co.audit_subject, "meter %08u", m.meter_no);
    snprintf(co.audit_detail, sizeof co.audit_detail,
             "name=%s meter=%08u type=%d tariff=%s energy=%lld adjust=%lld free=%lld amount=%lld "
             "pay=%s",
             cu.name, m.meter_no, m.meter_type, t.name, (long long)q.energy_ckwh,
             (long long)q.adjust_ckwh, (long long)q.free_ckwh, (long long)q.amount_fen,
             model_pay_name(p->pay_method));
    return vend_finish(c, s, &co, v.img, out, e);
}

/* --- M11 daily sale, M12 re-sale ----------------------------------------------------- */

/* The account's own card in the reader, open, with nothing pending. */
int vend_load_account_card(struct kwh_core *c, uint32_t customer_no, struct vend_card *v,
                           struct kwh_err *e)
{
    size_t pending;
    int rc;

    if ((rc = vend_load(c, v, e)) < 0)
        return rc;
    if (v->card.type == KWH_CARD_BLANK)
        return kwh_err_set(e, KWH_ECARD,
                           "the card in the reader is blank: insert the "
                           "customer's card");
    if (v->card.type != KWH_CARD_USER)
        return kwh_err_set(e, KWH_ECARD,
                           "the card in the reader is a %s card, not a user "
                           "card",
                           kwh_trc("card", card_type_name(v->card.type)));
    if (customer_no != 0 && v->cust.customer_no != customer_no)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the card in the reader belongs to account %08u, "
                           "not %08u: the card was changed; read it again",
                           v->cust.customer_no, customer_no);
    if (v->cust.status == KWH_CUST_CLOSED)
        return kwh_err_set(e, KWH_ECONFLICT, "account %08u is closed", v->cust.customer_no);
    if (v->cust.status == KWH_CUST_REFUNDED)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "account %08u was refunded (读卡退电): close it "
                           "(销户) and open a new account to sell again",
                           v->cust.customer_no);
    if ((rc = store_ops_pending_for_customer(c->db, v->cust.id, &pending, e)) < 0)
        return rc;
    if (pending > 0)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "a previous write for account %08u is not settled "
                           "yet: read the card again",
                           v->cust.customer_no);
    return 0;
}

/* Whether op_id is the account's last card write, and made this card: a re-sale
 * replaces only the purchase on the card in hand (after a reissue, the old card may
 * have taken it into the meter). */
static bool last_write_is(struct kwh_core *c, const struct vend_card *v, int64_t op_id)
{
    struct store_op last;

    return store_op_last_done_for_customer(c->db, v->cust.id, &last, NULL) == 0 &&
           last.id == op_id && memcmp(last.serial, v->card.serial, CARD_SERIAL_LEN) == 0;
}

static int sell(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                const struct kwh_purchase_req *p, bool resale, struct kwh_receipt *out,
                struct kwh_err *e)
{
    struct vend_card v;
    struct kwh_site site;
    struct kwh_quote q;
    struct kwh_sale replaced;
    struct kwh_card card;
    struct cardop co;
    int64_t now = core_now(c), base;
    int count, rc;

    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if (p == NULL || p->mode == KWH_BY_NONE)
        return kwh_err_set(e, KWH_EINVAL, "enter an amount or an energy to sell");
    if ((rc = settings_get(c, &site, e)) < 0 || (rc = check_request(p, &site, e)) < 0 ||
        (rc = vend_load_account_card(c, customer_no, &v, e)) < 0)
        return rc;
    if (!resale) {
        if (!vend_purchase_in_meter(&v) && v.card.purchase_count > 0)
            return kwh_err_set(e, KWH_ECONFLICT,
                               "the last purchase (%u) has not reached the "
                               "meter yet: insert the card in the meter first, or change that "
                               "purchase with 重新售电",
                               v.card.purchase_count);
        if (v.card.purchase_count >= 65535)
            return kwh_err_set(e, KWH_ECONFLICT,
                               "the card's purchase count is exhausted: "
                               "reissue a card");
        count = v.card.purchase_count + 1;
        base = hoard_base(&v.cust);
    } else {
        if (vend_purchase_in_meter(&v))
            return kwh_err_set(e, KWH_ECONFLICT,
                               "the last purchase is already in the meter: "
                               "重新售电 is no longer possible; sell normally");
        if (v.card.ret.damaged)
            return kwh_err_set(e, KWH_ECONFLICT,
                               "the meter's report on the card is damaged "
                               "(perhaps pulled out of the meter too soon), so whether the "
                               "purchase reached the meter is unknown: put the card in meter "
                               "%08u, then read it again",
                               v.card.meter_no);
        /* another meter wrote over the card's report: whether its own meter took the
           purchase is unknown, and re-selling a purchase it took would give it twice */
        if (v.card.ret.valid && v.card.ret.meter_no != v.card.meter_no)
            return kwh_err_set(e, KWH_ECONFLICT,
                               "the card was last put in meter %08u, not in "
                               "its own meter %08u, so whether the purchase reached the meter "
                               "is unknown: put the card in meter %08u, then read it again",
                               v.card.ret.meter_no, v.card.meter_no, v.card.meter_no);
        if (!v.has_last_sale || v.last_sale.purchase_count != v.card.purchase_count ||
            (v.last_sale.kind != KWH_OP_SALE && v.last_sale.kind != KWH_OP_RESALE &&
             v.last_sale.kind != KWH_OP_OPEN) ||
            !last_write_is(c, &v, v.last_sale.op_id))
            return kwh_err_set(e, KWH_ECONFLICT,
                               "the last write to this card was not a sale "
                               "(a reissue or meter change): 重新售电 cannot replace it");
        replaced = v.last_sale;
        count = v.card.purchase_count;
        base = hoard_base(&v.cust) -
               (replaced.energy_ckwh + replaced.adjust_ckwh + replaced.free_ckwh);
    }
    if ((rc = vend_compute(c, &v.cust, p, resale ? &replaced : NULL, base < 0 ? 0 : base, &q, e)) <
        0)
        return rc;

    memset(&co, 0, sizeof co);
    co.op.kind = resale ? KWH_OP_RESALE : KWH_OP_SALE;
    co.op.customer_id = v.cust.id;
    cardop_expect(&co, &v.cust);
    memcpy(co.op.serial, v.card.serial, CARD_SERIAL_LEN);
    vend_base_card(&v.cust, &card, now);
    card.purchase_count = (uint16_t)count;
    card.purchase_ckwh = (uint32_t)q.card_ckwh;
    card.free_ckwh = (uint32_t)q.free_ckwh;
    /* a re-sold opening card still has to open the meter */
    card.flags = resale ? (uint8_t)(v.card.flags & CARD_F_KEYX) : 0;
    if ((rc = card_encode(v.img, &card, &c->keys, co.op.new_image, e)) < 0)
        return rc;
    vend_fill_sale(&co.sales[0], co.op.kind, &v.cust, &q, p, count);
    if (resale)
        co.sales[0].replaces_id = replaced.id;
    co.nsales = 1;
    co.audit_op = resale ? "resale" : "sale";
    snprintf(co.audit_subject, sizeof co.audit_subject, "account %08u", v.cust.customer_no);
    snprintf(co.audit_detail, sizeof co.audit_detail,
             "count=%d energy=%lld adjust=%lld free=%lld amount=%lld price=%lld pay=%s%s", count,
             (long long)q.energy_ckwh, (long long)q.adjust_ckwh, (long long)q.free_ckwh,
             (long long)q.amount_fen, (long long)q.price, model_pay_name(p->pay_method),
             resale ? " replaces_sale=" : "");
    if (resale) {
        size_t len = strlen(co.audit_detail);
        snprintf(co.audit_detail + len, sizeof co.audit_detail - len, "%lld",
                 (long long)replaced.id);
    }
    return vend_finish(c, s, &co, v.img, out, e);
}

int vend_sell(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
              const struct kwh_purchase_req *p, struct kwh_receipt *out, struct kwh_err *e)
{
    return sell(c, s, customer_no, p, false, out, e);
}

int vend_resell(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                const struct kwh_purchase_req *p, struct kwh_receipt *out, struct kwh_err *e)
{
    return sell(c, s, customer_no, p, true, out, e);
}

int vend_pending(struct kwh_core *c, struct kwh_sale **out, size_t *n, struct kwh_err *e)
{
    return store_sales_pending(c->db, out, n, e);
}

int vend_settle_at_start(struct kwh_core *c, const struct kwh_session *s, struct kwh_card_view *out,
                         struct kwh_err *e)
{
    struct kwh_err why;
    bool any;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0 || (rc = store_ops_any_pending(c->db, &any, e)) < 0)
        return rc;
    if (!any || c->dev == NULL)
        return 0;
    /* no card, or one that cannot be read: the writes stay pending, listed */
    if (vend_read_card(c, s, out, &why) < 0)
        return out->settled_done + out->settled_void > 0;
    return 1;
}
