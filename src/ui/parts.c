/* SPDX-License-Identifier: Apache-2.0 */
/* Shared screen pieces: the account panel, meter fields, purchase fields, receipts. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/core.h"
#include "kwhpos/plan.h"
#include "kwhpos/query.h"
#include "kwhpos/util.h"
#include "ui/parts.h"
#include "kwhpos/printer.h"

void cust_card_desc(const struct kwh_card *card, char *buf, size_t n)
{
    if (card->type == KWH_CARD_USER || card->type == KWH_CARD_REFUND)
        snprintf(buf, n, "%s %s %08" PRIu32, model_card_type_label(card->type), _("meter"),
                 card->meter_no);
    else
        snprintf(buf, n, "%s", model_card_type_label(card->type));
}

bool cust_read_card(struct app *a, struct cust_ctx *cc)
{
    struct kwh_err e;
    char desc[96];

    if (a->card_cc == cc)
        a->card_cc = NULL;
    memset(cc, 0, sizeof *cc);
    kwh_err_clear(&e);
    app_msg(a, CLR_INFO, "%s", _("Reading the card..."));
    app_draw(a);
    if (cardview_read(a->core, &a->s, &cc->view, &e) < 0) {
        app_set_card(a, NULL);
        app_error(a, &e);
        return false;
    }
    cust_card_desc(&cc->view.card, desc, sizeof desc);
    app_set_card(a, desc);
    if (cc->view.card.type == KWH_CARD_USER || cc->view.card.type == KWH_CARD_REFUND)
        a->rd_meter = cc->view.card.meter_no;
    if (cc->view.notice[0])
        app_msg(a, CLR_WARN, "%s", cc->view.notice);
    else
        app_msg(a, CLR_OK, "%s", _("Card read."));
    if (!cc->view.has_customer) {
        char text[256];
        snprintf(text, sizeof text, _("This is a %s, not a customer's card."),
                 model_card_type_label(cc->view.card.type));
        dialog_message(a, _("Not a customer card"), text, CLR_DIALOG);
        return false;
    }
    cc->have = true;
    cc->from_card = true;
    cc->c = cc->view.customer;
    a->card_cc = cc;
    return true;
}

void cust_card_removed(struct app *a)
{
    if (a->card_cc == NULL)
        return;
    memset(a->card_cc, 0, sizeof *a->card_cc);
    a->card_cc = NULL;
    app_msg(a, CLR_INFO, "%s", _("The card was taken out."));
}

void cust_reload(struct app *a, struct cust_ctx *cc)
{
    struct kwh_err e;
    struct kwh_customer c;

    if (!cc->have)
        return;
    kwh_err_clear(&e);
    if (account_find(a->core, cc->c.customer_no, 0, &c, &e) == 0)
        cc->c = c;
}

/* The prompt of a screen without an account yet: only the keys the screen has. */
static const char *cust_prompt(const struct app *a)
{
    unsigned m = a->scr != NULL ? a->scr->actions : 0;
    bool rd = (m & ACT_BIT(ACT_READ)) != 0, fd = (m & ACT_BIT(ACT_FIND)) != 0;

    if (rd && fd)
        return _("No customer yet: read the card (F2) or find the customer (F3).");
    if (fd)
        return _("No customer yet: find the customer (F3).");
    return _("No customer yet: read the customer's card (F2).");
}

int cust_draw(struct app *a, const struct cust_ctx *cc, int y)
{
    static const char *const left[] = {
        N_("Customer number"), N_("Meter number"), N_("Address"),       N_("Purchase count"),
        N_("Balance (est.)"),  N_("Tariff"),       N_("Last purchase"),
    };
    static const char *const right[] = {
        N_("Name"), N_("Meter type"), N_("Phone"), N_("Status"), N_("In the meter"),
    };
    const struct kwh_customer *c = &cc->c;
    int lw = draw_max_width(left, KWH_ARRAY_LEN(left));
    int rw = draw_max_width(right, KWH_ARRAY_LEN(right));
    int half = COLS / 2, w = half - 3, full = COLS - 4, rows = 6;
    int val = theme_attr(CLR_READONLY);
    char b1[64], b2[64], b3[160];

    if (!cc->have) {
        draw_text(stdscr, y, 2, COLS - 4, cust_prompt(a), theme_attr(CLR_INFO));
        return 1;
    }
    snprintf(b1, sizeof b1, "%" PRIu32, c->customer_no);
    draw_pair(stdscr, y, 2, lw, w, _(left[0]), b1, val);
    draw_pair(stdscr, y, half + 1, rw, w, _(right[0]), c->name, val);
    snprintf(b1, sizeof b1, "%08" PRIu32, c->meter.meter_no);
    draw_pair(stdscr, y + 1, 2, lw, w, _(left[1]), b1, val);
    draw_pair(stdscr, y + 1, half + 1, rw, w, _(right[1]),
              model_meter_type_label(c->meter.meter_type), val);
    draw_pair(stdscr, y + 2, 2, lw, w, _(left[2]), c->address, val);
    draw_pair(stdscr, y + 2, half + 1, rw, w, _(right[2]), c->phone, val);
    snprintf(b1, sizeof b1, "%d", c->purchase_count);
    draw_pair(stdscr, y + 3, 2, lw, w, _(left[3]), b1, val);
    draw_pair(stdscr, y + 3, half + 1, rw, w, _(right[3]), label_status(c->status), val);
    snprintf(b3, sizeof b3, "%s kWh", fmt_energy(b2, sizeof b2, c->balance_ckwh));
    draw_pair(stdscr, y + 4, 2, lw, w, _(left[4]), b3, val);
    if (cc->from_card)
        draw_pair(stdscr, y + 4, half + 1, rw, w, _(right[4]),
                  cc->view.purchase_loaded ? _("Consumed (loaded)") : _("Not consumed"),
                  theme_attr(cc->view.purchase_loaded ? CLR_OK : CLR_WARN));
    /* the values that can be long take the whole width */
    snprintf(b3, sizeof b3, "%s  %s %s", c->tariff_name, fmt_price(b1, sizeof b1, c->price),
             _("yuan/kWh"));
    draw_pair(stdscr, y + 5, 2, lw, full, _(left[5]), b3, val);
    if (cc->from_card) {
        const struct kwh_card_view *v = &cc->view;
        if (v->has_last_sale) {
            char t[32];
            snprintf(b3, sizeof b3, "%s  %s kWh  %s %s",
                     fmt_time(t, sizeof t, v->last_sale.created),
                     fmt_energy(b1, sizeof b1, model_sale_card_ckwh(&v->last_sale)),
                     fmt_money(b2, sizeof b2, v->last_sale.amount_fen), _("yuan"));
        } else {
            snprintf(b3, sizeof b3, "%s", _("none"));
        }
        draw_pair(stdscr, y + 6, 2, lw, full, _(left[6]), b3, val);
        rows = 7;
        if (v->card.ret.valid) {
            snprintf(b3, sizeof b3, "%s: %s kWh, %s %s", _("Meter report"),
                     fmt_energy(b1, sizeof b1, v->card.ret.remaining_ckwh), _("display"),
                     label_meter_code(v->card.ret.display));
            draw_text(stdscr, y + 7, 2, full, b3,
                      theme_attr(v->card.ret.display == KWH_MC_GOOD ? CLR_INFO : CLR_WARN));
            rows = 8;
            /* a refusal of this card's record says what it means for it; otherwise the
               meter's code and its usual advice */
            if (v->meter_refused)
                rows += draw_wrap(stdscr, y + 8, 2, full, v->refusal, theme_attr(CLR_WARN), 2);
            else if (v->card.ret.display != KWH_MC_GOOD)
                rows += draw_wrap(stdscr, y + 8, 2, full, error_meter_advice(v->card.ret.display),
                                  theme_attr(CLR_WARN), 2);
        }
    }
    return rows;
}

void cust_summary(struct app *a, const struct cust_ctx *cc, int y)
{
    const struct kwh_customer *c = &cc->c;
    char line[400], b1[32], b2[32];

    if (!cc->have) {
        draw_text(stdscr, y, 2, COLS - 4, cust_prompt(a), theme_attr(CLR_INFO));
        return;
    }
    snprintf(line, sizeof line, "%s %" PRIu32 "  %s  %s %08" PRIu32 " %s", _("Customer"),
             c->customer_no, c->name, _("meter"), c->meter.meter_no,
             model_meter_type_label(c->meter.meter_type));
    draw_text(stdscr, y, 2, COLS - 4, line, theme_attr(CLR_READONLY));
    snprintf(line, sizeof line, "%s %s %s  %s %s kWh  %s", c->tariff_name,
             fmt_price(b1, sizeof b1, c->price), _("yuan/kWh"), _("balance"),
             fmt_energy(b2, sizeof b2, c->balance_ckwh), label_status(c->status));
    draw_text(stdscr, y + 1, 2, COLS - 4, line, theme_attr(CLR_READONLY));
}

void cust_details(struct app *a, const struct kwh_customer *c)
{
    struct pairs p = {0};
    char b1[32], b2[32], b3[32];

    pairs_add(&p, _("Customer number"), "%08" PRIu32, c->customer_no);
    pairs_add(&p, _("Name"), "%s", c->name);
    pairs_add(&p, _("Address"), "%s", c->address);
    pairs_add(&p, _("Phone"), "%s", c->phone);
    pairs_add(&p, _("Meter number"), "%08" PRIu32 " %s", c->meter.meter_no,
              model_meter_type_label(c->meter.meter_type));
    pairs_add(&p, _("Current limit (A)"), "%d / %d", c->meter.current_limit_a, c->meter.rating_a);
    pairs_add(&p, _("Alarm / overdraft / hoard kWh"), "%s / %s / %s",
              fmt_energy(b1, sizeof b1, c->meter.alarm_ckwh),
              fmt_energy(b2, sizeof b2, c->meter.overdraft_ckwh),
              fmt_energy(b3, sizeof b3, c->meter.hoard_ckwh));
    if (c->meter.meter_type == KWH_METER_THREE_CT)
        pairs_add(&p, _("CT ratio"), "%d", c->meter.ct_ratio);
    pairs_add(&p, _("Tariff"), "%s %s %s", c->tariff_name, fmt_price(b1, sizeof b1, c->price),
              _("yuan/kWh"));
    pairs_add(&p, _("Status"), "%s%s", label_status(c->status),
              query_customer_has_card(c) ? "" : _(" (no card yet)"));
    pairs_add(&p, _("Purchase count"), "%d", c->purchase_count);
    pairs_add(&p, _("Balance (est.)"), "%s kWh", fmt_energy(b1, sizeof b1, c->balance_ckwh));
    pairs_add(&p, _("Last purchase"), "%s", fmt_time(b1, sizeof b1, c->last_purchase));
    pairs_add(&p, _("Opened"), "%s", fmt_time(b1, sizeof b1, c->opened));
    if (c->status == KWH_CUST_CLOSED)
        pairs_add(&p, _("Closed"), "%s", fmt_time(b1, sizeof b1, c->closed));
    dialog_pairs(a, _("Customer"), &p, NULL);
}

int cust_form_key(struct app *a, const struct cust_ctx *cc, struct form *fm, int type, wint_t ch,
                  const char *need_msg)
{
    if (!cc->have) {
        app_msg(a, CLR_WARN, "%s", need_msg);
        return UI_HANDLED;
    }
    return form_key(a, fm, type, ch);
}

bool cust_form_ready(struct app *a, const struct cust_ctx *cc, struct form *fm,
                     const char *need_msg)
{
    if (!cc->have) {
        app_msg(a, CLR_ERROR, "%s", need_msg);
        return false;
    }
    return form_validate(a, fm);
}

void account_fields_init(struct app *a, struct field *f, struct tariff_pick *tp)
{
    f[AF_NAME] = (struct field){
        .label = N_("Customer name"), .kind = FK_TEXT, .row = 0, .required = true, .maxlen = 40};
    f[AF_ADDR] = (struct field){.label = N_("Address"), .kind = FK_TEXT, .row = 1, .maxlen = 80};
    f[AF_PHONE] = (struct field){.label = N_("Phone"), .kind = FK_TEXT, .row = 2, .maxlen = 30};
    f[AF_TARIFF] = (struct field){.label = N_("Tariff"), .row = 3};
    tariff_pick_load(a, tp, &f[AF_TARIFF], 0);
}

void account_fields_set(struct app *a, struct form *fm, int base, struct tariff_pick *tp,
                        const struct kwh_customer *c)
{
    form_set_text(fm, base + AF_NAME, c->name);
    form_set_text(fm, base + AF_ADDR, c->address);
    form_set_text(fm, base + AF_PHONE, c->phone);
    tariff_pick_load(a, tp, &fm->f[base + AF_TARIFF], c->tariff_id);
}

void account_fields_get(const struct form *fm, int base, const struct tariff_pick *tp,
                        struct kwh_account_req *req)
{
    str_copy(req->name, sizeof req->name, form_text(fm, base + AF_NAME));
    str_copy(req->address, sizeof req->address, form_text(fm, base + AF_ADDR));
    str_copy(req->phone, sizeof req->phone, form_text(fm, base + AF_PHONE));
    req->tariff_id = tariff_pick_id(tp, &fm->f[base + AF_TARIFF]);
}

void meter_fields_init(struct field *f, int row0, int col)
{
    const struct field init[MF_COUNT] = {
        {.label = N_("Meter number"),
         .kind = FK_DIGITS,
         .minlen = 8,
         .maxlen = 8,
         .required = true},
        {.label = N_("Meter type"),
         .kind = FK_CHOICE,
         .items = label_meter_type_items(),
         .nitems = 3},
        {.label = N_("Rated current (A)"),
         .kind = FK_INT,
         .imin = 1,
         .imax = 1000,
         .required = true},
        {.label = N_("Current limit (A)"),
         .kind = FK_INT,
         .imin = 1,
         .imax = 1000,
         .required = true},
        {.label = N_("Alarm kWh"), .kind = FK_ENERGY, .imax = 99999999, .required = true},
        {.label = N_("Overdraft kWh"), .kind = FK_ENERGY, .imax = 99999999, .required = true},
        {.label = N_("Hoard limit kWh"), .kind = FK_ENERGY, .imax = 99999999, .required = true},
        {.label = N_("CT ratio"), .kind = FK_INT, .imin = 1, .imax = 10000, .required = true},
    };
    for (int i = 0; i < MF_COUNT; i++) {
        f[i] = init[i];
        f[i].row = row0 + i;
        f[i].col = col;
        f[i].width = i == MF_TYPE ? 0 : 12;
    }
    /* a new account's meter starts from the same defaults as on the command line */
    {
        struct kwh_meter m;
        char b[32];
        open_meter_defaults(&m);
        f[MF_TYPE].sel = m.meter_type - 1;
        snprintf(b, sizeof b, "%d", m.rating_a);
        ledit_set(&f[MF_RATING].ed, b);
        snprintf(b, sizeof b, "%d", m.current_limit_a);
        ledit_set(&f[MF_LIMIT].ed, b);
        ledit_set(&f[MF_ALARM].ed, fmt_energy(b, sizeof b, m.alarm_ckwh));
        ledit_set(&f[MF_OVERDRAFT].ed, fmt_energy(b, sizeof b, m.overdraft_ckwh));
        ledit_set(&f[MF_HOARD].ed, fmt_energy(b, sizeof b, m.hoard_ckwh));
        snprintf(b, sizeof b, "%d", m.ct_ratio);
        ledit_set(&f[MF_CT].ed, b);
    }
    meter_fields_sync(f);
}

void meter_fields_sync(struct field *f)
{
    f[MF_CT].hidden = f[MF_TYPE].sel + 1 != KWH_METER_THREE_CT;
}

void meter_fields_set(struct form *fm, int base, const struct kwh_meter *m)
{
    char buf[32];

    snprintf(buf, sizeof buf, "%08" PRIu32, m->meter_no);
    form_set_text(fm, base + MF_NO, buf);
    fm->f[base + MF_TYPE].sel = m->meter_type >= 1 && m->meter_type <= 3 ? m->meter_type - 1 : 0;
    form_set_value(fm, base + MF_RATING, m->rating_a);
    form_set_value(fm, base + MF_LIMIT, m->current_limit_a);
    form_set_value(fm, base + MF_ALARM, m->alarm_ckwh);
    form_set_value(fm, base + MF_OVERDRAFT, m->overdraft_ckwh);
    form_set_value(fm, base + MF_HOARD, m->hoard_ckwh);
    form_set_value(fm, base + MF_CT, m->ct_ratio > 0 ? m->ct_ratio : 1);
    meter_fields_sync(&fm->f[base]);
}

void meter_fields_get(const struct form *fm, int base, struct kwh_meter *m)
{
    memset(m, 0, sizeof *m);
    m->meter_no = (uint32_t)form_value(fm, base + MF_NO);
    m->meter_type = fm->f[base + MF_TYPE].sel + 1;
    m->rating_a = (int)form_value(fm, base + MF_RATING);
    m->current_limit_a = (int)form_value(fm, base + MF_LIMIT);
    m->alarm_ckwh = form_value(fm, base + MF_ALARM);
    m->overdraft_ckwh = form_value(fm, base + MF_OVERDRAFT);
    m->hoard_ckwh = form_value(fm, base + MF_HOARD);
    m->ct_ratio = m->meter_type == KWH_METER_THREE_CT ? (int)form_value(fm, base + MF_CT) : 1;
}

void purchase_fields_init(struct field *f, int row0, int col, bool with_adjust)
{
    const struct field init[PF_COUNT] = {
        {.label = N_("Settlement"), .kind = FK_CHOICE, .items = label_mode_items, .nitems = 2},
        {.label = N_("Amount (yuan)"),
         .kind = FK_MONEY,
         .optional_zero = true,
         .label_as_value = true},
        {.label = N_("Adjust (kWh)"), .kind = FK_ENERGY, .optional_zero = true, .imax = 99999999},
        {.label = N_("Payment"),
         .kind = FK_CHOICE,
         .items = label_pay_items(),
         .nitems = KWH_PAY_COUNT},
        /* shown for a payment other than cash: typed, or scanned (a scanner types the
           reference and Enter) */
        {.label = N_("Reference"), .kind = FK_TEXT, .maxlen = KWH_REF_MAX - 1, .hidden = true},
    };
    for (int i = 0; i < PF_COUNT; i++) {
        f[i] = init[i];
        f[i].row = row0 + i - (!with_adjust && i > PF_ADJUST ? 1 : 0);
        f[i].col = col;
        f[i].width = 14;
    }
    f[PF_ADJUST].hidden = !with_adjust;
}

void purchase_fields_sync(struct field *f)
{
    bool by_kwh = f[PF_MODE].sel == 1;

    f[PF_VALUE].kind = by_kwh ? FK_ENERGY : FK_MONEY;
    f[PF_VALUE].label = by_kwh ? N_("Energy (kWh)") : N_("Amount (yuan)");
    f[PF_REF].hidden = f[PF_PAY].sel == KWH_PAY_CASH;
    if (f[PF_REF].hidden)
        ledit_set(&f[PF_REF].ed, "");
}

void purchase_fields_toggle(struct field *f)
{
    f[PF_MODE].sel = !f[PF_MODE].sel;
    ledit_set(&f[PF_VALUE].ed, "");
    purchase_fields_sync(f);
}

void purchase_fields_get(const struct form *fm, int base, struct kwh_purchase_req *p)
{
    memset(p, 0, sizeof *p);
    p->value = form_value(fm, base + PF_VALUE);
    p->mode = fm->f[base + PF_MODE].sel == 1 ? KWH_BY_KWH : KWH_BY_AMOUNT;
    if (!fm->f[base + PF_ADJUST].hidden)
        p->adjust_ckwh = form_value(fm, base + PF_ADJUST);
    p->pay_method = fm->f[base + PF_PAY].sel;
    if (!fm->f[base + PF_REF].hidden)
        str_copy(p->pay_ref, sizeof p->pay_ref, form_text(fm, base + PF_REF));
    if (p->value == 0 && p->adjust_ckwh == 0)
        p->mode = KWH_BY_NONE;
}

const char *purchase_desc(const struct kwh_purchase_req *p, char *buf, size_t n)
{
    char b[32];

    if (p->mode == KWH_BY_NONE)
        snprintf(buf, n, "%s", _("none"));
    else if (p->mode == KWH_BY_KWH)
        snprintf(buf, n, "%s kWh", fmt_energy(b, sizeof b, p->value));
    else
        snprintf(buf, n, "%s %s", fmt_money(b, sizeof b, p->value), _("yuan"));
    return buf;
}

void receipt_keep(struct app *a, struct last_receipt *k, const struct kwh_receipt *r,
                  const char *title)
{
    k->r = *r;
    k->have = true;
    if (title != NULL)
        receipt_show(a, title, r);
    if (a->cfg.print_auto)
        receipt_print(a, r);
}

void receipt_print_last(struct app *a, const struct last_receipt *k)
{
    if (k->have)
        receipt_print(a, &k->r);
    else
        app_msg(a, CLR_WARN, "%s", _("Nothing to print yet."));
}

int purchase_action(struct app *a, struct form *fm, int base, const struct last_receipt *last,
                    int act)
{
    switch (act) {
    case ACT_TOGGLE:
        purchase_fields_toggle(&fm->f[base]);
        form_focus(fm, base + PF_VALUE);
        return UI_HANDLED;
    case ACT_PRINT: receipt_print_last(a, last); return UI_HANDLED;
    default: return UI_IGNORED;
    }
}

/* A sale's money beyond its energy (docs/units.md): each tier's part, the fees, the
 * arrears recovered (owed_after >= 0: what is still owed after it), the total collected
 * and the payment's reference. */
static void sale_money_lines(const struct kwh_sale *s, int64_t owed_after, struct pairs *p)
{
    static const char *const tier_labels[] = {N_("Tier 1"), N_("Tier 2"), N_("Tier 3"),
                                              N_("Tier 4"), N_("Tier 5")};
    char b1[32], b2[32], b3[32], fees[KWH_ADDR_MAX * 2];
    size_t used = 0;
    bool card_fee_only = true;

    fees[0] = '\0';
    for (size_t i = 0; i < s->nitems; i++) {
        const struct kwh_sale_item *it = &s->items[i];
        if (it->item == KWH_ITEM_TIER && it->ref >= 1 && it->ref <= 5) {
            pairs_add(p, _(tier_labels[it->ref - 1]), "%s kWh × %s = %s",
                      fmt_energy(b1, sizeof b1, it->ckwh), fmt_price(b2, sizeof b2, it->price),
                      fmt_money(b3, sizeof b3, it->fen));
        } else if (it->item == KWH_ITEM_FEE && used < sizeof fees) {
            int k = snprintf(fees + used, sizeof fees - used, "%s%s %s", used ? ", " : "", it->name,
                             fmt_money(b1, sizeof b1, it->fen));
            if (it->ref != 0)
                card_fee_only = false;
            if (k > 0)
                used += (size_t)k;
        }
    }
    if (s->fee_fen != 0) {
        if (s->kind == KWH_OP_REISSUE && card_fee_only)
            pairs_add(p, _("Reissue fee (yuan)"), "%s", fmt_money(b1, sizeof b1, s->fee_fen));
        else
            pairs_add(p, _("Fees (yuan)"), "%s",
                      used ? fees : fmt_money(b1, sizeof b1, s->fee_fen));
    }
    if (s->arrears_fen != 0 && owed_after >= 0)
        pairs_add(p, _("Arrears recovered (yuan)"), _("%s (still owed: %s)"),
                  fmt_money(b1, sizeof b1, s->arrears_fen), fmt_money(b2, sizeof b2, owed_after));
    else if (s->arrears_fen != 0)
        pairs_add(p, _("Arrears recovered (yuan)"), "%s", fmt_money(b1, sizeof b1, s->arrears_fen));
    if (s->arrears_fen != 0 || (s->fee_fen != 0 && s->amount_fen != 0))
        pairs_add(p, _("Total to collect (yuan)"), "%s",
                  fmt_money(b1, sizeof b1, s->amount_fen + s->fee_fen + s->arrears_fen));
    if (s->pay_ref[0] != '\0')
        pairs_add(p, _("Payment reference"), "%s", s->pay_ref);
}

void receipt_lines(const struct kwh_receipt *r, struct pairs *p)
{
    const struct kwh_sale *s = &r->sale;
    char b[32];

    pairs_add(p, _("Operation"), "%s", model_op_label(s->kind));
    pairs_add(p, _("Customer"), "%" PRIu32 " %s", r->customer.customer_no, r->customer.name);
    pairs_add(p, _("Meter number"), "%08" PRIu32, r->customer.meter.meter_no);
    pairs_add(p, _("Energy (kWh)"), "%s", fmt_energy(b, sizeof b, s->energy_ckwh));
    if (s->adjust_ckwh != 0)
        pairs_add(p, _("Adjustment kWh"), "%s", fmt_energy(b, sizeof b, s->adjust_ckwh));
    if (s->free_ckwh != 0)
        pairs_add(p, _("Free allowance kWh"), "%s", fmt_energy(b, sizeof b, s->free_ckwh));
    pairs_add(p, _("Price (yuan/kWh)"), "%s", fmt_price(b, sizeof b, s->price));
    pairs_add(p, _("Amount (yuan)"), "%s", fmt_money(b, sizeof b, s->amount_fen));
    sale_money_lines(s, -1, p);
    pairs_add(p, _("Payment"), "%s", model_pay_label(s->pay_method));
    pairs_add(p, _("Purchase count"), "%d", s->purchase_count);
    if (s->invoice_no != 0)
        pairs_add(p, _("Invoice number"), "%" PRId64, s->invoice_no);
}

void sale_details(struct app *a, const struct kwh_sale *sale)
{
    struct kwh_receipt r;
    struct pairs p = {0};
    char t[32];

    memset(&r, 0, sizeof r);
    r.sale = *sale;
    r.customer.customer_no = sale->customer_no;
    str_copy(r.customer.name, sizeof r.customer.name, sale->customer_name);
    r.customer.meter.meter_no = sale->meter_no;
    pairs_add(&p, _("Time"), "%s", fmt_time(t, sizeof t, sale->created));
    receipt_lines(&r, &p);
    pairs_add(&p, _("Operator"), "%s", sale->operator_name);
    if (sale->reprints > 0)
        pairs_add(&p, _("Reprints"), "%d", sale->reprints);
    dialog_pairs(a, model_op_label(sale->kind), &p, NULL);
}

void receipt_show(struct app *a, const char *title, const struct kwh_receipt *r)
{
    struct pairs p = {0};

    receipt_lines(r, &p);
    dialog_pairs(a, title, &p, _("F7 prints the receipt."));
}

void receipt_print(struct app *a, const struct kwh_receipt *r)
{
    struct printer_result res;
    struct kwh_err e;
    int rc;

    kwh_err_clear(&e);
    rc = ui_print_receipt(a, r, &res, &e);
    ui_print_outcome(a, rc, &res, &e, _("Receipt printed."));
}

/* --- plans --------------------------------------------------------------------------- */

/* The account and the money of a plan as lines for its confirmation. */
static void plan_money_lines(const struct kwh_plan_view *v, struct pairs *p)
{
    const struct kwh_sale *s = &v->sale;
    char b1[32], b2[32];

    pairs_add(p, _("Tariff"), "%s %s %s", s->tariff_name, fmt_price(b1, sizeof b1, s->price),
              _("yuan/kWh"));
    /* 重新售电: the old sale, the new one, then what changes hands */
    if (v->has_replaced)
        pairs_add(p, _("Sale to cancel"), "%s kWh, %s %s",
                  fmt_energy(b1, sizeof b1, model_sale_card_ckwh(&v->replaced)),
                  fmt_money(b2, sizeof b2, v->replaced.amount_fen), _("yuan"));
    pairs_add(p, _("Energy (kWh)"), "%s", fmt_energy(b1, sizeof b1, s->energy_ckwh));
    if (s->adjust_ckwh != 0)
        pairs_add(p, _("Adjustment kWh"), "%s", fmt_energy(b1, sizeof b1, s->adjust_ckwh));
    if (s->free_ckwh != 0)
        pairs_add(p, _("Free allowance kWh"), "%s", fmt_energy(b1, sizeof b1, s->free_ckwh));
    pairs_add(p, v->has_replaced ? _("New amount (yuan)") : _("Amount (yuan)"), "%s",
              fmt_money(b1, sizeof b1, s->amount_fen));
    if (v->has_replaced && v->difference_fen != 0)
        pairs_add(p,
                  v->difference_fen > 0 ? _("Customer pays more (yuan)")
                                        : _("Give back to the customer (yuan)"),
                  "%s",
                  fmt_money(b1, sizeof b1,
                            v->difference_fen > 0 ? v->difference_fen : -v->difference_fen));
    else if (v->has_replaced)
        pairs_add(p, _("Difference"), "%s", _("none"));
    sale_money_lines(s, v->after.arrears_fen, p);
    pairs_add(p, _("Payment"), "%s", model_pay_label(s->pay_method));
}

void plan_lines(const struct kwh_plan_view *v, struct pairs *p)
{
    const struct kwh_customer *c = &v->after;
    char b1[32], b2[32], b3[32];

    if (v->has_account) {
        if (c->customer_no != 0)
            pairs_add(p, _("Customer"), "%" PRIu32 " %s", c->customer_no, c->name);
        else
            pairs_add(p, _("Customer"), "%s (%s)", c->name, _("new account"));
        if (v->carried_ckwh != 0 || v->before.meter.meter_no != c->meter.meter_no)
            pairs_add(p, _("Meter number"), "%08" PRIu32 " -> %08" PRIu32 " %s",
                      v->before.meter.meter_no, c->meter.meter_no,
                      model_meter_type_label(c->meter.meter_type));
        else
            pairs_add(p, _("Meter number"), "%08" PRIu32 " %s", c->meter.meter_no,
                      model_meter_type_label(c->meter.meter_type));
        /* a CT meter counts through its transformer: the ratio typed is confirmed too */
        if (c->meter.meter_type == KWH_METER_THREE_CT)
            pairs_add(p, _("CT ratio"), "%d", c->meter.ct_ratio);
    }
    if (v->carried_arrears_fen != 0) /* 开户: a closed account's debt on this meter */
        pairs_add(p, _("Arrears carried (yuan)"), _("%s from account %08" PRIu32 " (closed)"),
                  fmt_money(b1, sizeof b1, v->carried_arrears_fen), v->carried_from_no);
    if (v->kind == KWH_OP_REVERSAL) {
        /* 冲正: the sale, its reversal, the correction; money only */
        const struct kwh_sale *o = &v->replaced, *f = &v->correction;
        pairs_add(p, _("Invoice reversed"), "%" PRId64 " %s, %s %s, %s", o->invoice_no,
                  model_op_label(o->kind),
                  fmt_money(b1, sizeof b1, o->amount_fen + o->fee_fen + o->arrears_fen), _("yuan"),
                  model_pay_label(o->pay_method));
        sale_money_lines(o, -1, p);
        if (v->has_correction)
            pairs_add(p, _("Recorded instead (yuan)"), "%s, %s%s%s",
                      fmt_money(b1, sizeof b1, f->amount_fen + f->fee_fen + f->arrears_fen),
                      model_pay_label(f->pay_method), f->pay_ref[0] ? " " : "", f->pay_ref);
        pairs_add(p,
                  v->difference_fen >= 0 ? _("Customer pays more (yuan)")
                                         : _("Customer gets back (yuan)"),
                  "%s",
                  fmt_money(b1, sizeof b1,
                            v->difference_fen >= 0 ? v->difference_fen : -v->difference_fen));
        if (v->after.arrears_fen != v->before.arrears_fen)
            pairs_add(p, _("Arrears owed again (yuan)"), "%s",
                      fmt_money(b1, sizeof b1, v->after.arrears_fen));
        if (v->reverses_energy)
            pairs_add(p, _("Energy"), _("%s kWh off the card (purchase count %d -> %d)"),
                      fmt_energy(b1, sizeof b1, -model_sale_card_ckwh(&v->sale)), o->purchase_count,
                      (int)v->card.purchase_count);
        else
            pairs_add(p, _("Energy"), "%s", _("unchanged: money only"));
        if (v->approver[0] != '\0')
            pairs_add(p, _("Approved by"), "%s", v->approver);
        return;
    }
    if (v->kind == KWH_OP_REFUND) {
        pairs_add(p, _("Remaining in the meter (kWh)"), "%s",
                  fmt_energy(b1, sizeof b1, v->remaining_ckwh));
        pairs_add(p, _("Never loaded (kWh)"), "%s", fmt_energy(b1, sizeof b1, v->unloaded_ckwh));
        pairs_add(p, _("Refund energy (kWh)"), "%s", fmt_energy(b1, sizeof b1, v->refund_ckwh));
        pairs_add(p, _("Price (yuan/kWh)"), "%s", fmt_price(b1, sizeof b1, v->sale.price));
        pairs_add(p, _("Refund amount (yuan)"), "%s", fmt_money(b1, sizeof b1, v->refund_fen));
        pairs_add(p, _("Payment"), "%s", model_pay_label(v->sale.pay_method));
        return;
    }
    if (v->kind == KWH_OP_METER_CHANGE)
        pairs_add(p, _("Old meter remaining kWh"), "%s + %s = %s",
                  fmt_energy(b1, sizeof b1, v->remaining_ckwh),
                  fmt_energy(b2, sizeof b2, v->unloaded_ckwh),
                  fmt_energy(b3, sizeof b3, v->carried_ckwh));
    if (v->kind == KWH_OP_REISSUE) {
        pairs_add(p, _("Consumption state"), "%s", _(label_consumed_items[v->consumed ? 0 : 1]));
        pairs_add(p, _("The records say"), "%s",
                  v->evidence.loaded ? _("in the meter (its report)")
                                     : _("not known to be in the meter"));
    }
    if (v->has_sale && (v->sale.energy_ckwh != 0 || v->sale.adjust_ckwh != 0 ||
                        v->sale.amount_fen != 0 || v->sale.fee_fen != 0))
        plan_money_lines(v, p);
    if (v->has_card && v->card.type == KWH_CARD_USER) {
        pairs_add(p, _("Card loads (kWh)"), "%s", fmt_energy(b1, sizeof b1, v->card_ckwh));
        pairs_add(p, _("Purchase count"), "%u", (unsigned)v->card.purchase_count);
    } else if (v->has_card) {
        pairs_add(p, _("Card"), "%s", model_card_type_label(v->card.type));
    }
    if (v->has_card && v->card.type == KWH_CARD_MANAGEMENT) {
        if (v->card.params.current_limit_a == CARD_LIMIT_RATING)
            pairs_add(p, _("Current limit (A)"), "%s", _("each meter's rating"));
        else if (v->card.params.current_limit_a == KWH_LIMIT_UNCHANGED)
            pairs_add(p, _("Current limit (A)"), "%s", _("unchanged"));
        else
            pairs_add(p, _("Current limit (A)"), "%u", (unsigned)v->card.params.current_limit_a);
        pairs_add(p, _("Alarm / overdraft / hoard kWh"), "%s / %s / %s",
                  fmt_energy(b1, sizeof b1, v->card.params.alarm_ckwh),
                  fmt_energy(b2, sizeof b2, v->card.params.overdraft_ckwh),
                  fmt_energy(b3, sizeof b3, v->card.params.hoard_ckwh));
    }
    if (v->kind == KWH_OP_EDIT) {
        pairs_add(p, _("Current limit (A)"), "%d / %d", c->meter.current_limit_a,
                  c->meter.rating_a);
        pairs_add(p, _("Alarm / overdraft / hoard kWh"), "%s / %s / %s",
                  fmt_energy(b1, sizeof b1, c->meter.alarm_ckwh),
                  fmt_energy(b2, sizeof b2, c->meter.overdraft_ckwh),
                  fmt_energy(b3, sizeof b3, c->meter.hoard_ckwh));
    }
    if (v->text_changes) {
        pairs_add(p, _("Address"), "%s", c->address);
        pairs_add(p, _("Phone"), "%s", c->phone);
        pairs_add(p, _("Tariff"), "%s %s %s", c->tariff_name, fmt_price(b1, sizeof b1, c->price),
                  _("yuan/kWh"));
    }
    if (v->forced)
        pairs_add(p, _("Energy left, lost to the customer"), "%s kWh",
                  fmt_energy(b1, sizeof b1, v->before.balance_ckwh));
}

int plan_confirm_commit(struct app *a, struct kwh_plan *plan, const char *title,
                        const char *question, struct kwh_receipt *r)
{
    struct pairs p = {0};
    struct kwh_err e;
    uint32_t meter = 0;
    int rc;

    /* the card this writes is the one in the reader afterwards (the simulator panel
       proposes its meter) */
    if (plan_view(plan)->has_card && (plan_view(plan)->card.type == KWH_CARD_USER ||
                                      plan_view(plan)->card.type == KWH_CARD_REFUND))
        meter = plan_view(plan)->card.meter_no;
    plan_lines(plan_view(plan), &p);
    if (!dialog_confirm_pairs(a, title, &p, question)) {
        plan_free(plan);
        app_msg(a, CLR_INFO, "%s", _("Cancelled; nothing was written."));
        return 0;
    }
    kwh_err_clear(&e);
    memset(r, 0, sizeof *r);
    rc = plan_commit(a->core, &a->s, plan, r, &e);
    plan_free(plan);
    if (rc < 0) {
        app_error(a, &e);
        return rc;
    }
    if (meter != 0)
        a->rd_meter = meter;
    return 1;
}

int plan_made(struct app *a, int rc, const struct kwh_err *e)
{
    if (rc < 0)
        app_error(a, e);
    return rc;
}
