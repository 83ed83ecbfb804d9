/* SPDX-License-Identifier: Apache-2.0 */
/* Vending from the command line: the card operations of the manual, scriptable by an
 * authenticated operator with the same role checks as the terminal UI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "kwhpos/card.h"
#include "kwhpos/core.h"
#include "kwhpos/plan.h"
#include "kwhpos/oversight.h"
#include "cli/report.h"

/* Session and reader: every card command needs both. */
static int card_session(struct cli *c, struct kwh_err *e)
{
    int rc = cli_session(c, e);
    if (rc < 0)
        return rc;
    return cli_open_reader(c, e);
}

/* With --print, refuses before the card is touched when the invoice could not print. */
static int print_ready(struct cli *c, const struct cli_args *a)
{
    return cli_flag(a, "print") && !cli_flag(a, "quote") ? cli_print_ready(c) : 0;
}

/* The account named by --customer NO or --meter NO (as the screens find it). */
int cli_account_arg(struct cli *c, const struct cli_args *a, uint32_t *no)
{
    struct kwh_customer cu;
    struct kwh_err e;
    uint32_t meter;
    int rc;

    if ((rc = cli_number(c, a, "customer", no)) != 0 ||
        (rc = cli_number(c, a, "meter", &meter)) != 0)
        return rc;
    if (*no == 0 && meter == 0)
        return cli_usage(c, "give --customer NUMBER or --meter NUMBER");
    if (*no != 0)
        return 0;
    if (cli_open_core(c, &e) < 0 || account_find(c->core, 0, meter, &cu, &e) < 0)
        return cli_fail(c, &e);
    *no = cu.customer_no;
    return 0;
}

static int need_customer(struct cli *c, const struct cli_args *a, uint32_t *no)
{
    int rc = cli_number(c, a, "customer", no);
    if (rc != 0)
        return rc;
    if (*no == 0)
        return cli_usage(c, "give --customer NUMBER");
    return 0;
}

/* Reads the card in the reader (the session and the reader opened first). */
static int read_card(struct cli *c, struct kwh_card_view *v, struct kwh_err *e)
{
    int rc = card_session(c, e);
    if (rc < 0)
        return rc;
    return cardview_read(c->core, &c->session, v, e);
}

/* The card in the reader must be the account's own (customer_no, when not 0). */
static int own_card(const struct kwh_card_view *v, uint32_t customer_no, struct kwh_err *e)
{
    if (customer_no != 0 && v->has_customer && v->customer.customer_no != customer_no)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the card in the reader belongs to account %08u, not %08u",
                           v->customer.customer_no, customer_no);
    return 0;
}

/* What a plan will do, as key: value lines (the receipt's keys; the commit adds the
 * invoice number, the state and the operator). */
static void print_plan(struct cli *c, const struct kwh_plan_view *v)
{
    const struct kwh_customer *cu = &v->after;
    const struct kwh_sale *s = &v->sale;

    if (v->kind != 0)
        cli_kv(c, "kind", "%s", model_op_name(v->kind));
    if (v->has_account) {
        if (cu->customer_no != 0)
            cli_kv(c, "customer", "%08u", cu->customer_no);
        cli_kv(c, "name", "%s", cu->name);
        cli_kv(c, "meter", "%08u", cu->meter.meter_no);
        if (v->before.meter.meter_no != cu->meter.meter_no)
            cli_kv(c, "old_meter", "%08u", v->before.meter.meter_no);
    }
    if (v->carried_arrears_fen != 0) /* 开户: a closed account's debt on this meter */
        cli_kv(c, "arrears_carried", "%s from %08u", cli_dec(v->carried_arrears_fen, 2),
               v->carried_from_no);
    if (v->kind == KWH_OP_REFUND) {
        cli_kv(c, "remaining_kwh", "%s", cli_dec(v->remaining_ckwh, 2));
        cli_kv(c, "unloaded_kwh", "%s", cli_dec(v->unloaded_ckwh, 2));
        cli_kv(c, "refund_kwh", "%s", cli_dec(v->refund_ckwh, 2));
        cli_kv(c, "kept_kwh", "%s", cli_dec(v->kept_ckwh, 2));
        cli_kv(c, "price", "%s", cli_dec(s->price, 4));
        cli_kv(c, "refund_amount", "%s", cli_dec(v->refund_fen, 2));
        cli_kv(c, "pay", "%s", model_pay_name(s->pay_method));
        return;
    }
    if (v->kind == KWH_OP_METER_CHANGE) {
        cli_kv(c, "old_remaining_kwh", "%s", cli_dec(v->remaining_ckwh, 2));
        cli_kv(c, "unloaded_kwh", "%s", cli_dec(v->unloaded_ckwh, 2));
        cli_kv(c, "carried_kwh", "%s", cli_dec(v->carried_ckwh, 2));
    }
    if (v->kind == KWH_OP_REISSUE) {
        cli_kv(c, "consumed", "%s", v->consumed ? "yes" : "no");
        /* what the ledger says of the last purchase, and whether the choice goes against it */
        cli_kv(c, "last_purchase_in_meter", "%s", v->evidence.loaded ? "yes" : "not known");
        cli_kv(c, "meter_reported_count", "%d", v->evidence.loaded_count);
        if (v->against_evidence)
            cli_kv(c, "against_evidence", "%s",
                   v->consumed ? kwh_tr("--consumed, but the meter has not reported that purchase: "
                                        "unless its display shows the card's purchase count, it "
                                        "refuses the new card (E7)")
                               : kwh_tr("--unconsumed, but the meter reported that purchase: the "
                                        "new card carries it again (the meter answers EA)"));
    }
    if (v->has_sale) {
        cli_kv(c, "purchase_count", "%d", s->purchase_count);
        cli_kv(c, "tariff", "%s", s->tariff_name);
        cli_kv(c, "price", "%s", cli_dec(s->price, 4));
        cli_kv(c, "kwh", "%s", cli_dec(s->energy_ckwh, 2));
        cli_kv(c, "adjust_kwh", "%s", cli_dec(s->adjust_ckwh, 2));
        cli_kv(c, "free_kwh", "%s", cli_dec(s->free_ckwh, 2));
        cli_kv(c, "card_kwh", "%s", cli_dec(v->card_ckwh, 2));
        cli_kv(c, "amount", "%s", cli_dec(s->amount_fen, 2));
        for (size_t i = 0; i < s->nitems; i++) {
            /* 阶梯电价: each tier's part; then each fee (docs/units.md) */
            const struct kwh_sale_item *it = &s->items[i];
            if (it->item == KWH_ITEM_TIER)
                cli_kv(c, "tier", "%lld kwh=%s price=%s amount=%s", (long long)it->ref,
                       cli_dec(it->ckwh, 2), cli_dec(it->price, 4), cli_dec(it->fen, 2));
            else
                cli_kv(c, "fee_item", "%s amount=%s", it->name, cli_dec(it->fen, 2));
        }
        cli_kv(c, "fee", "%s", cli_dec(s->fee_fen, 2));
        if (s->arrears_fen != 0 || v->before.arrears_fen != 0) {
            cli_kv(c, "arrears", "%s", cli_dec(s->arrears_fen, 2));
            cli_kv(c, "arrears_left", "%s", cli_dec(v->after.arrears_fen, 2));
        }
        if (s->fee_fen != 0 || s->arrears_fen != 0)
            cli_kv(c, "total", "%s", cli_dec(s->amount_fen + s->fee_fen + s->arrears_fen, 2));
        cli_kv(c, "pay", "%s", model_pay_name(s->pay_method));
        if (s->pay_ref[0] != '\0')
            cli_kv(c, "pay_ref", "%s", s->pay_ref);
    }
    if (v->kind == KWH_OP_REVERSAL) {
        /* 冲正: the sale reversed, the reversal (above), the correction; money only */
        const struct kwh_sale *o = &v->replaced, *f = &v->correction;
        cli_kv(c, "reverses_invoice", "%lld", (long long)o->invoice_no);
        cli_kv(c, "reverses_total", "%s %s",
               cli_dec(o->amount_fen + o->fee_fen + o->arrears_fen, 2),
               model_pay_name(o->pay_method));
        if (v->has_correction) {
            cli_kv(c, "correction_amount", "%s", cli_dec(f->amount_fen, 2));
            cli_kv(c, "correction_total", "%s %s",
                   cli_dec(f->amount_fen + f->fee_fen + f->arrears_fen, 2),
                   model_pay_name(f->pay_method));
            if (f->pay_ref[0] != '\0')
                cli_kv(c, "correction_ref", "%s", f->pay_ref);
        }
        cli_kv(c, "difference", "%s", cli_dec(v->difference_fen, 2));
        if (v->reverses_energy) {
            cli_kv(c, "energy", "%s kWh off the card", cli_dec(-model_sale_card_ckwh(&v->sale), 2));
            cli_kv(c, "card_purchase_count", "%d -> %d", o->purchase_count,
                   (int)v->card.purchase_count);
        } else {
            cli_kv(c, "energy", "unchanged (money only)");
        }
        return;
    }
    if (v->has_replaced) {
        cli_kv(c, "replaces_amount", "%s", cli_dec(v->replaced.amount_fen, 2));
        cli_kv(c, "difference", "%s", cli_dec(v->difference_fen, 2));
    }
    if (v->has_card && !v->has_sale)
        cli_kv(c, "card", "%s", model_card_type_name(v->card.type));
    if (v->has_card && v->card.type == KWH_CARD_MANAGEMENT) {
        unsigned lim = v->card.params.current_limit_a;
        if (lim == CARD_LIMIT_RATING)
            cli_kv(c, "limit_a", "rating");
        else if (lim == KWH_LIMIT_UNCHANGED)
            cli_kv(c, "limit_a", "unchanged");
        else
            cli_kv(c, "limit_a", "%u", lim);
        cli_kv(c, "alarm_kwh", "%s", cli_dec(v->card.params.alarm_ckwh, 2));
        cli_kv(c, "overdraft_kwh", "%s", cli_dec(v->card.params.overdraft_ckwh, 2));
        cli_kv(c, "hoard_kwh", "%s", cli_dec(v->card.params.hoard_ckwh, 2));
    }
}

/* The plan made (rc) shown, then, unless quote, committed: that same plan. done (may be
 * NULL) says what happened when there is no receipt to print. */
static int run_plan(struct cli *c, const struct cli_args *a, bool quote, int rc, struct kwh_plan *p,
                    struct kwh_err *e, const char *done)
{
    struct kwh_receipt r;
    bool sale, carried;

    if (rc < 0)
        return cli_fail(c, e);
    print_plan(c, plan_view(p));
    fflush(c->out); /* what it is about to do, before anything it says of the outcome */
    sale = plan_view(p)->has_sale;
    carried = plan_view(p)->carried_arrears_fen != 0;
    if (quote) {
        plan_free(p);
        return CLI_OK;
    }
    rc = plan_commit(c->core, &c->session, p, &r, e);
    plan_free(p);
    if (rc < 0)
        return cli_fail(c, e);
    if (sale) {
        if (r.sale.kind == KWH_OP_OPEN)
            cli_kv(c, "customer", "%08u", r.customer.customer_no);
        cli_kv(c, "invoice", "%lld", (long long)r.sale.invoice_no);
        cli_kv(c, "state", "%s", model_state_name(r.sale.state));
        cli_kv(c, "operator", "%s", r.sale.operator_name);
    }
    if (carried) /* the new account's arrears, recovered at its sales */
        cli_kv(c, "arrears_owed", "%s", cli_dec(r.customer.arrears_fen, 2));
    if (done != NULL)
        fprintf(c->out, "%s\n", done);
    return sale && cli_flag(a, "print") ? cli_print_invoice(c, r.sale.invoice_no) : CLI_OK;
}

static void print_card(struct cli *c, const struct kwh_card *k)
{
    cli_kv(c, "card", "%s", model_card_type_name(k->type));
    if (k->type == KWH_CARD_BLANK)
        return;
    cli_kv(c, "area_code", "%s", k->area_code);
    if (k->type == KWH_CARD_USER || k->type == KWH_CARD_REFUND) {
        cli_kv(c, "meter", "%08u", k->meter_no);
        cli_kv(c, "customer", "%08u", k->customer_no);
        cli_kv(c, "purchase_count", "%u", k->purchase_count);
        cli_kv(c, "purchase_kwh", "%s", cli_dec(k->purchase_ckwh, 2));
        cli_kv(c, "generation", "%u", k->generation);
    }
    cli_kv(c, "limit_a", "%u", k->params.current_limit_a);
    cli_kv(c, "alarm_kwh", "%s", cli_dec(k->params.alarm_ckwh, 2));
    cli_kv(c, "overdraft_kwh", "%s", cli_dec(k->params.overdraft_ckwh, 2));
    cli_kv(c, "hoard_kwh", "%s", cli_dec(k->params.hoard_ckwh, 2));
    if (k->ret.valid) {
        cli_kv(c, "meter_report", "meter=%08u count=%u remaining=%s display=%s", k->ret.meter_no,
               k->ret.loaded_count, cli_dec(k->ret.remaining_ckwh, 2),
               meter_code_name(k->ret.display));
    }
}

static int cmd_card_read(struct cli *c, const struct cli_args *a)
{
    struct kwh_card_view v;
    struct kwh_err e;
    int rc;

    (void)a;
    rc = read_card(c, &v, &e);
    if (rc < 0 && rc != KWH_ECARD)
        return cli_fail(c, &e);
    if (v.notice[0] != '\0')
        cli_kv(c, "settled", "%s", v.notice);
    if (!v.ours) {
        /* what could not be decoded is zeroes, which would read as a blank card */
        cli_kv(c, "refused", "%s", v.problem);
        if (v.card.type == KWH_CARD_BLANK)
            cli_kv(c, "card", "unknown (not a kwhpos card)");
        else
            print_card(c, &v.card);
    } else {
        print_card(c, &v.card);
    }
    if (v.has_customer) {
        cli_kv(c, "account", "%08u %s (%s)", v.customer.customer_no, v.customer.name,
               model_status_name(v.customer.status));
        cli_kv(c, "in_meter", "%s", v.purchase_loaded ? "yes" : "no");
        if (v.meter_refused)
            cli_kv(c, "meter_refused", "%s", v.refusal);
    }
    return v.ours ? CLI_OK : CLI_CARD;
}

static int cmd_card_wipe(struct cli *c, const struct cli_args *a)
{
    struct kwh_card_view v;
    struct kwh_plan *p = NULL;
    struct kwh_err e;
    int rc = read_card(c, &v, &e);

    /* a refused card may still be one this site can wipe (a replaced card) */
    if (rc == 0 || rc == KWH_ECARD)
        rc = wipe_plan(c->core, &c->session, &v, &p, &e);
    return run_plan(c, a, cli_flag(a, "quote"), rc, p, &e, "the card is blank");
}

static int cmd_open(struct cli *c, const struct cli_args *a)
{
    struct kwh_account_req acc;
    struct kwh_purchase_req p;
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    struct kwh_err e;
    int rc;

    memset(&acc, 0, sizeof acc);
    if (cli_str(a, "name") == NULL)
        return cli_usage(c, "open: give --name NAME, --meter NUMBER and --tariff NAME");
    if (!str_copy(acc.name, sizeof acc.name, cli_str(a, "name")) ||
        !str_copy(acc.address, sizeof acc.address,
                  cli_str(a, "address") ? cli_str(a, "address") : "") ||
        !str_copy(acc.phone, sizeof acc.phone, cli_str(a, "phone") ? cli_str(a, "phone") : ""))
        return cli_usage(c, "open: a value is too long");
    if ((rc = cli_meter(c, a, &acc.meter)) != 0 || (rc = cli_purchase(c, a, false, &p)) != 0 ||
        (rc = print_ready(c, a)) != 0)
        return rc;
    if (card_session(c, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = cli_tariff(c, a, &acc.tariff_id)) != 0)
        return rc;
    if (cli_flag(a, "in")) {
        bool in;
        if ((rc = cli_area_opt(c, a, &in, &acc.area_id)) != 0)
            return rc;
    }
    if ((rc = cardview_read(c->core, &c->session, &v, &e)) == 0)
        rc = open_plan(c->core, &c->session, &v, &acc, &p, &plan, &e);
    return run_plan(c, a, cli_flag(a, "quote"), rc, plan, &e, NULL);
}

/* A purchase for the account --customer names, to the card in the reader: a sale, a
 * re-sale, or an imported account's first card (onto a blank card; the purchase may be
 * left out). */
static int sell_common(struct cli *c, const struct cli_args *a, int kind, bool quote)
{
    struct kwh_purchase_req p;
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    struct kwh_err e;
    uint32_t no;
    int rc;

    if ((rc = need_customer(c, a, &no)) != 0 ||
        (rc = cli_purchase(c, a, kind != KWH_OP_OPEN, &p)) != 0 || (rc = print_ready(c, a)) != 0)
        return rc;
    if ((rc = read_card(c, &v, &e)) == 0 && (rc = own_card(&v, no, &e)) == 0) {
        if (kind == KWH_OP_RESALE)
            rc = resale_plan(c->core, &c->session, &v, &p, &plan, &e);
        else if (kind == KWH_OP_OPEN)
            rc = first_card_plan(c->core, &c->session, no, &v, &p, &plan, &e);
        else
            rc = sale_plan(c->core, &c->session, &v, &p, &plan, &e);
    }
    return run_plan(c, a, quote, rc, plan, &e, NULL);
}

static int cmd_sell(struct cli *c, const struct cli_args *a)
{
    return sell_common(c, a, KWH_OP_SALE, cli_flag(a, "quote"));
}

static int cmd_resell(struct cli *c, const struct cli_args *a)
{
    return sell_common(c, a, KWH_OP_RESALE, cli_flag(a, "quote"));
}

/* `quote`: a sale planned from the card in the reader and shown, nothing written (the
 * same as `sell --quote`). */
static int cmd_quote(struct cli *c, const struct cli_args *a)
{
    return sell_common(c, a, KWH_OP_SALE, true);
}

/* `issue-card`: the first card of an imported account, sold as an opening. */
static int cmd_issue_card(struct cli *c, const struct cli_args *a)
{
    return sell_common(c, a, KWH_OP_OPEN, cli_flag(a, "quote"));
}

static int cmd_reissue(struct cli *c, const struct cli_args *a)
{
    struct kwh_purchase_req p;
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    struct kwh_err e;
    int64_t fee;
    uint32_t no;
    int rc;

    if ((rc = cli_account_arg(c, a, &no)) != 0 || (rc = cli_purchase(c, a, false, &p)) != 0)
        return rc;
    if (cli_flag(a, "consumed") == cli_flag(a, "unconsumed"))
        return cli_usage(c, "reissue: say whether the last purchase reached the meter: "
                            "--consumed (已消费) or --unconsumed (未消费)");
    if ((rc = cli_fixed(c, a, "fee", 2, UNITS_MAX_FEN, KWH_FEE_SITE, &fee)) != 0 ||
        (rc = print_ready(c, a)) != 0)
        return rc;
    if ((rc = read_card(c, &v, &e)) == 0)
        rc =
            reissue_plan(c->core, &c->session, no, &v, cli_flag(a, "consumed"), fee, &p, &plan, &e);
    return run_plan(c, a, cli_flag(a, "quote"), rc, plan, &e, NULL);
}

static int cmd_refund_card(struct cli *c, const struct cli_args *a)
{
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    struct kwh_err e;
    uint32_t no;
    int rc;

    if ((rc = need_customer(c, a, &no)) != 0)
        return rc;
    if ((rc = read_card(c, &v, &e)) == 0 && (rc = own_card(&v, no, &e)) == 0)
        rc = refund_card_plan(c->core, &c->session, &v, &plan, &e);
    return run_plan(c, a, cli_flag(a, "quote"), rc, plan, &e,
                    "refund card made: insert it in meter, then `kwhpos refund`");
}

static int cmd_refund(struct cli *c, const struct cli_args *a)
{
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    struct kwh_err e;
    int pay = KWH_PAY_CASH, rc;

    if (cli_flag(a, "pay") && (pay = model_pay_parse(cli_str(a, "pay"))) < 0)
        return cli_usage(c, "--pay: cash, wechat, alipay, card or other");
    if ((rc = print_ready(c, a)) != 0)
        return rc;
    if (cli_flag(a, "unpaid") && cli_flag(a, "pay"))
        return cli_usage(c, "--unpaid: nothing is paid now, so no --pay");
    if ((rc = read_card(c, &v, &e)) == 0)
        rc = cli_flag(a, "unpaid") ? refund_plan_unpaid(c->core, &c->session, &v, &plan, &e)
                                   : refund_plan(c->core, &c->session, &v, pay, &plan, &e);
    return run_plan(c, a, cli_flag(a, "quote"), rc, plan, &e, NULL);
}

static int cmd_meter_change(struct cli *c, const struct cli_args *a)
{
    struct kwh_meter_change_req m;
    struct kwh_purchase_req p;
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    struct kwh_err e;
    uint32_t no;
    int rc;

    memset(&m, 0, sizeof m);
    if ((rc = need_customer(c, a, &no)) != 0 || (rc = cli_meter(c, a, &m.meter)) != 0 ||
        (rc = cli_purchase(c, a, false, &p)) != 0 ||
        (rc = cli_fixed(c, a, "old-remaining", 2, UNITS_MAX_CKWH, 0, &m.old_remaining_ckwh)) != 0)
        return rc;
    if (cli_str(a, "reason") != NULL)
        str_copy(m.reason, sizeof m.reason, cli_str(a, "reason"));
    if (cli_session(c, &e) < 0 || auth_permit(&c->session, KWH_ACT_METER_CHANGE, 0, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = print_ready(c, a)) != 0)
        return rc;
    if ((rc = read_card(c, &v, &e)) == 0 && (rc = own_card(&v, no, &e)) == 0)
        rc = meter_change_plan(c->core, &c->session, &v, &m, &p, &plan, &e);
    return run_plan(c, a, cli_flag(a, "quote"), rc, plan, &e, NULL);
}

static int cmd_transfer(struct cli *c, const struct cli_args *a)
{
    struct kwh_plan *plan = NULL;
    struct kwh_err e;
    int64_t area = 0;
    uint32_t no;
    bool in;
    int rc;

    if ((rc = cli_account_arg(c, a, &no)) != 0)
        return rc;
    if (cli_str(a, "name") == NULL)
        return cli_usage(c, "transfer: give the new owner's --name");
    /* an unknown area is refused before anything is written */
    if ((rc = cli_area_opt(c, a, &in, &area)) != 0)
        return rc;
    if ((rc = cli_session(c, &e)) == 0)
        rc = transfer_plan(c->core, &c->session, no, cli_str(a, "name"),
                           cli_str(a, "address") ? cli_str(a, "address") : "",
                           cli_str(a, "phone") ? cli_str(a, "phone") : "", &plan, &e);
    rc = run_plan(c, a, cli_flag(a, "quote"), rc, plan, &e, NULL);
    if (rc != CLI_OK || !in || cli_flag(a, "quote"))
        return rc;
    /* the new owner's area: after the transfer, as 用户过户 does (admin) */
    if (area_assign(c->core, &c->session, no, area, &e) < 0) {
        kwh_err_prefix(&e, "the transfer is done, the account stays in its area");
        return cli_fail(c, &e);
    }
    fprintf(c->out, _("the account is in area %s now\n"),
            cli_area_title(c, area)[0] ? cli_area_title(c, area) : "/");
    return CLI_OK;
}

static int cmd_close(struct cli *c, const struct cli_args *a)
{
    struct kwh_plan *plan = NULL;
    struct kwh_err e;
    uint32_t no;
    int rc;

    if ((rc = cli_account_arg(c, a, &no)) != 0)
        return rc;
    if ((rc = cli_session(c, &e)) == 0 &&
        (!cli_flag(a, "force") || (rc = auth_permit(&c->session, KWH_ACT_CLOSE_FORCE, 0, &e)) == 0))
        rc = close_plan(c->core, &c->session, no, cli_flag(a, "force"), &plan, &e);
    return run_plan(c, a, cli_flag(a, "quote"), rc, plan, &e, NULL);
}

static int cmd_edit(struct cli *c, const struct cli_args *a)
{
    struct kwh_customer cu;
    struct kwh_account_req acc;
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    struct kwh_err e;
    int64_t n;
    uint32_t no;
    int rc;

    if ((rc = cli_account_arg(c, a, &no)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || auth_permit(&c->session, KWH_ACT_EDIT, 0, &e) < 0 ||
        account_lookup(c->core, &c->session, no, 0, &cu, &e) < 0)
        return cli_fail(c, &e);
    memset(&acc, 0, sizeof acc);
    str_copy(acc.name, sizeof acc.name, cli_str(a, "name") ? cli_str(a, "name") : cu.name);
    str_copy(acc.address, sizeof acc.address,
             cli_str(a, "address") ? cli_str(a, "address") : cu.address);
    str_copy(acc.phone, sizeof acc.phone, cli_str(a, "phone") ? cli_str(a, "phone") : cu.phone);
    acc.meter = cu.meter;
    acc.tariff_id = cu.tariff_id;
    if (cli_flag(a, "tariff") && (rc = cli_tariff(c, a, &acc.tariff_id)) != 0)
        return rc;
    if (cli_flag(a, "in")) {
        bool in;
        if ((rc = cli_area_opt(c, a, &in, &acc.area_id)) != 0)
            return rc;
    }
    if ((rc = cli_fixed(c, a, "rating", 0, 1000, cu.meter.rating_a, &n)) != 0)
        return rc;
    acc.meter.rating_a = (int)n;
    if ((rc = cli_fixed(c, a, "limit", 0, 1000, cu.meter.current_limit_a, &n)) != 0)
        return rc;
    acc.meter.current_limit_a = (int)n;
    if ((rc = cli_fixed(c, a, "alarm", 2, UNITS_MAX_CKWH, cu.meter.alarm_ckwh,
                        &acc.meter.alarm_ckwh)) != 0 ||
        (rc = cli_fixed(c, a, "overdraft", 2, UNITS_MAX_CKWH, cu.meter.overdraft_ckwh,
                        &acc.meter.overdraft_ckwh)) != 0 ||
        (rc = cli_fixed(c, a, "hoard", 2, UNITS_MAX_CKWH, cu.meter.hoard_ckwh,
                        &acc.meter.hoard_ckwh)) != 0)
        return rc;
    if ((rc = cli_fixed(c, a, "ct", 0, 10000, cu.meter.ct_ratio, &n)) != 0)
        return rc;
    acc.meter.ct_ratio = (int)n;
    rc = edit_plan(c->core, &c->session, no, NULL, &acc, &plan, &e);
    /* new meter parameters go onto the customer's card: read it, and plan with it */
    if (rc == KWH_ECONFLICT && e.detail == KWH_PLAN_NEEDS_CARD &&
        (rc = read_card(c, &v, &e)) == 0 && (rc = own_card(&v, no, &e)) == 0)
        rc = edit_plan(c->core, &c->session, no, &v, &acc, &plan, &e);
    return run_plan(c, a, cli_flag(a, "quote"), rc, plan, &e,
                    rc == 0 && plan_view(plan)->writes_card
                        ? "the new meter parameters are on the card: insert it in the meter"
                        : NULL);
}

static int cmd_show(struct cli *c, const struct cli_args *a)
{
    struct kwh_customer cu;
    struct kwh_err e;
    uint32_t no, meter;
    int rc;
    if ((rc = cli_number(c, a, "customer", &no)) != 0 ||
        (rc = cli_number(c, a, "meter", &meter)) != 0)
        return rc;
    /* an operator's look-up (the account's person and money): the scope rule refuses an
       account outside their areas */
    if (cli_session(c, &e) < 0 || account_lookup(c->core, &c->session, no, meter, &cu, &e) < 0)
        return cli_fail(c, &e);
    cli_print_customer(c, &cu);
    return CLI_OK;
}

static int cmd_tool(struct cli *c, const struct cli_args *a)
{
    static const char *const names[] = {"management", "clear", "relay", "test"};
    struct kwh_meter_params mp;
    struct kwh_card_view v;
    struct kwh_plan *plan = NULL;
    struct kwh_err e;
    char done[64];
    const char *limit = cli_str(a, "limit");
    int64_t n;
    int type = 0, rc;

    if (a->npos != 1)
        return cli_usage(c, "tool: management|clear|relay|test");
    for (int i = 0; i < 4; i++)
        if (strcmp(a->pos[0], names[i]) == 0)
            type = KWH_CARD_MANAGEMENT + i;
    if (type == 0)
        return cli_usage(c, "tool: management|clear|relay|test");
    /* a management card leaves each meter's limit as it is unless asked; --keep-on is
       保电: each meter's rating; alarm, overdraft and hoard 9999 kWh */
    memset(&mp, 0, sizeof mp);
    if (cli_flag(a, "keep-on"))
        tool_card_keep_on(&mp);
    else
        mp = (struct kwh_meter_params){0, KWH_LIMIT_UNCHANGED, 1000, 500, 200000, 1};
    if (limit != NULL && strcmp(limit, "rating") == 0) {
        mp.current_limit_a = CARD_LIMIT_RATING;
    } else if (limit != NULL) {
        if ((rc = cli_fixed(c, a, "limit", 0, 1000, 0, &n)) != 0)
            return rc;
        mp.current_limit_a = (uint16_t)n;
    }
    if ((rc = cli_fixed(c, a, "alarm", 2, UNITS_MAX_CKWH, mp.alarm_ckwh, &n)) != 0)
        return rc;
    mp.alarm_ckwh = (uint32_t)n;
    if ((rc = cli_fixed(c, a, "overdraft", 2, UNITS_MAX_CKWH, mp.overdraft_ckwh, &n)) != 0)
        return rc;
    mp.overdraft_ckwh = (uint32_t)n;
    if ((rc = cli_fixed(c, a, "hoard", 2, UNITS_MAX_CKWH, mp.hoard_ckwh, &n)) != 0)
        return rc;
    mp.hoard_ckwh = (uint32_t)n;
    if (cli_session(c, &e) < 0 || auth_permit(&c->session, KWH_ACT_TOOL_CARD, type, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = read_card(c, &v, &e)) == 0)
        rc = tool_card_plan(c->core, &c->session, &v, type,
                            type == KWH_CARD_MANAGEMENT ? &mp : NULL, &plan, &e);
    snprintf(done, sizeof done, "%s card written", a->pos[0]);
    return run_plan(c, a, cli_flag(a, "quote"), rc, plan, &e, done);
}

int cli_reversal_req(struct cli *c, const struct cli_args *a, struct kwh_reversal_req *r)
{
    int64_t n;
    int rc;

    memset(r, 0, sizeof *r);
    r->pay_method = -1;
    r->amount_fen = -1;
    if (cli_str(a, "invoice") == NULL || cli_str(a, "reason") == NULL)
        return cli_usage(c, "reverse: --invoice NO --reason TEXT");
    if ((rc = cli_fixed(c, a, "invoice", 0, INT64_MAX / 2, 0, &n)) != 0)
        return rc;
    r->invoice_no = n;
    r->energy = cli_flag(a, "energy");
    if (!str_copy(r->reason, sizeof r->reason, cli_str(a, "reason")))
        return cli_usage(c, "--reason: at most %d bytes", KWH_TEXT_MAX - 1);
    if (cli_flag(a, "pay") || cli_flag(a, "ref") || cli_flag(a, "amount")) {
        r->correct = true;
        if (cli_flag(a, "pay") && (r->pay_method = model_pay_parse(cli_str(a, "pay"))) < 0)
            return cli_usage(c, "--pay: cash, wechat, alipay, card, transfer or other");
        if (cli_flag(a, "ref") && !str_copy(r->pay_ref, sizeof r->pay_ref, cli_str(a, "ref")))
            return cli_usage(c, "--ref: at most %d characters", KWH_REF_MAX - 1);
        if ((rc = cli_fixed(c, a, "amount", 2, UNITS_MAX_FEN, -1, &r->amount_fen)) != 0)
            return rc;
    }
    return 0;
}

/* 冲正: asked for by --user, approved by --approver (their password on the next line) */
static int cmd_reverse(struct cli *c, const struct cli_args *a)
{
    struct kwh_reversal_req r;
    struct kwh_plan *plan = NULL;
    struct kwh_receipt rec;
    struct kwh_err e;
    char pw[256];
    int rc;

    if ((rc = cli_reversal_req(c, a, &r)) != 0)
        return rc;
    if (!cli_flag(a, "quote") && cli_str(a, "approver") == NULL)
        return cli_usage(c, "reverse: --approver NAME (an administrator; the password on the "
                            "line after yours), or kwhpos reverse request to have it approved "
                            "later");
    if (cli_session(c, &e) < 0)
        return cli_fail(c, &e);
    if (r.energy) {
        /* the energy comes off the customer's card: read it, settling what is pending */
        struct kwh_card_view v;
        if (read_card(c, &v, &e) < 0 ||
            reversal_plan_card(c->core, &c->session, &r, &v, &plan, &e) < 0)
            return cli_fail(c, &e);
    } else if (reversal_plan(c->core, &c->session, &r, &plan, &e) < 0) {
        return cli_fail(c, &e);
    }
    print_plan(c, plan_view(plan));
    fflush(c->out);
    if (cli_flag(a, "quote")) {
        plan_free(plan);
        return CLI_OK;
    }
    rc = cli_read_password(c, pw, sizeof pw, &e);
    if (rc == 0)
        rc = reversal_approve(c->core, plan, cli_str(a, "approver"), pw, &e);
    memset(pw, 0, sizeof pw);
    if (rc == 0)
        rc = plan_commit(c->core, &c->session, plan, &rec, &e);
    plan_free(plan);
    if (rc < 0)
        return cli_fail(c, &e);
    cli_kv(c, "invoice", "%lld", (long long)rec.sale.invoice_no);
    cli_kv(c, "approved_by", "%s", cli_str(a, "approver"));
    return CLI_OK;
}

#define PURCHASE_OPTS "kwh= amount= adjust= pay= ref= "
#define METER_OPTS "meter= type= rating= limit= alarm= overdraft= hoard= ct= "

const struct cli_command cli_vend_commands[] = {
    {"card read", "", "", N_("read the card in the reader (and settle pending writes on it)"),
     cmd_card_read, 0},
    {"card wipe", "quote", "[--quote]", N_("wipe the card back to blank (读卡清卡)"), cmd_card_wipe,
     0},
    {"open", PURCHASE_OPTS METER_OPTS "name= address= phone= tariff= in= print quote",
     "--name N --meter NO --tariff T [--in AREA] [--type single|ct|direct] [--rating A] [--limit "
     "A] "
     "[--alarm KWH] [--overdraft KWH] [--hoard KWH] [--ct RATIO] [--kwh X|--amount Y] "
     "[--adjust KWH] [--pay cash|wechat|alipay|card|transfer|other] [--ref REF] [--print] "
     "[--quote]",
     N_("open an account on the blank card in the reader (用户开户)"), cmd_open, 0},
    {"quote", PURCHASE_OPTS "customer=", "--customer NO --kwh X|--amount Y [--adjust KWH]",
     N_("what a sale to the card in the reader would be, without selling (sell --quote)"),
     cmd_quote, 0},
    {"sell", PURCHASE_OPTS "customer= print quote",
     "--customer NO --kwh X|--amount Y [--adjust KWH] [--pay M] [--ref REF] [--print] "
     "[--quote]",
     N_("sell to the card in the reader (日常售电)"), cmd_sell, 0},
    {"resell", PURCHASE_OPTS "customer= print quote",
     "--customer NO --kwh X|--amount Y [--pay M] [--ref REF] [--print] [--quote]",
     N_("replace the last sale before it reached the meter (重新售电)"), cmd_resell, 0},
    {"reissue", PURCHASE_OPTS "customer= meter= consumed unconsumed fee= print quote",
     "--customer NO|--meter NO --consumed|--unconsumed [--fee YUAN] [--kwh X|--amount Y] "
     "[--print] [--quote]",
     N_("write a new card for a lost one (补卡售电)"), cmd_reissue, 0},
    {"refund-card", "customer= quote", "--customer NO [--quote]",
     N_("make a refund card (制退电卡)"), cmd_refund_card, 0},
    {"refund", "pay= unpaid quote print", "[--quote] [--pay M | --unpaid] [--print]",
     N_("refund from the refund card (读卡退电)"), cmd_refund, 0},
    {"meter-change", PURCHASE_OPTS METER_OPTS "customer= old-remaining= reason= print quote",
     "--customer NO --meter NEW [meter options] --old-remaining KWH [--reason TEXT] "
     "[--kwh X|--amount Y] [--print] [--quote]",
     N_("move an account to a new meter (换表, admin)"), cmd_meter_change, 0},
    {"transfer", "customer= meter= name= address= phone= in= quote",
     "--customer NO|--meter NO --name NEW [--address A] [--phone P] [--in AREA] [--quote]",
     N_("hand an account over (过户)"), cmd_transfer, 0},
    {"close", "customer= meter= force quote", "--customer NO|--meter NO [--force] [--quote]",
     N_("close an account (销户)"), cmd_close, 0},
    {"edit",
     "customer= meter= name= address= phone= tariff= in= rating= limit= alarm= overdraft= hoard= "
     "ct= quote",
     "--customer NO|--meter NO [--name N] [--address A] [--phone P] [--tariff T] [--in AREA] "
     "[meter "
     "parameters] [--quote]",
     N_("edit an account (用户信息维护, admin)"), cmd_edit, 0},
    {"show", "customer= meter=", "--customer NO | --meter NO", N_("show an account"), cmd_show, 0},
    {"tool", "limit= alarm= overdraft= hoard= keep-on quote",
     "management|clear|relay|test [--keep-on] [--limit A|rating] [--alarm KWH] [--overdraft KWH] "
     "[--hoard KWH] [--quote]",
     N_("write a tool card (工具卡)"), cmd_tool, 1},
    {"issue-card", PURCHASE_OPTS "customer= print quote",
     "--customer NO [--kwh X|--amount Y] [--adjust KWH] [--pay M] [--ref REF] [--print] "
     "[--quote]",
     N_("write the first card of an imported account (opens its meter)"), cmd_issue_card, 0},
    {"reverse", "invoice= reason= approver= pay= ref= amount= energy quote",
     "--invoice NO --reason TEXT --approver ADMIN [--pay M] [--ref REF] [--amount YUAN] "
     "[--energy] [--quote]",
     N_("reverse a sale's money (冲正, approved by an administrator), with --energy its "
        "energy too off the card"),
     cmd_reverse, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
