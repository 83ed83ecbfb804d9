/* SPDX-License-Identifier: Apache-2.0 */
/* Vending from the command line: the card operations of the manual, scriptable by an
 * authenticated operator with the same role checks as the terminal UI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "kwhpos/cardreg.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"

/* Session and reader: every card command needs both. */
static int card_session(struct cli *c, struct kwh_err *e)
{
    int rc = cli_session(c, e);
    if (rc < 0)
        return rc;
    return cli_open_reader(c, e);
}

/* The receipt of a committed sale, and its invoice printed when --print asks. */
static int done(struct cli *c, const struct cli_args *a, int rc, const struct kwh_receipt *r,
                const struct kwh_err *e)
{
    if (rc < 0)
        return cli_fail(c, e);
    cli_print_receipt(c, r);
    return cli_flag(a, "print") ? cli_print_invoice(c, r->sale.invoice_no) : CLI_OK;
}

/* With --print, refuses before the card is touched when the invoice could not print. */
static int print_ready(struct cli *c, const struct cli_args *a)
{
    return cli_flag(a, "print") ? cli_print_ready(c) : 0;
}

static void print_card(struct cli *c, const struct kwh_card *k)
{
    cli_kv(c, "card", "%s", card_type_name(k->type));
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
    struct kwh_card_info info;
    struct kwh_err e;
    (void)a;
    if (card_session(c, &e) < 0 || toolcard_read(c->core, &c->session, &info, &e) < 0)
        return cli_fail(c, &e);
    if (info.notice[0] != '\0')
        cli_kv(c, "settled", "%s", info.notice);
    if (!info.ours) {
        /* what could not be decoded is zeroes, which would read as a blank card */
        cli_kv(c, "refused", "%s", info.problem);
        if (info.card.type == KWH_CARD_BLANK)
            cli_kv(c, "card", "unknown (not a kwhpos card)");
        else
            print_card(c, &info.card);
    } else {
        print_card(c, &info.card);
    }
    if (info.has_customer) {
        cli_kv(c, "account", "%08u %s (%s)", info.customer.customer_no, info.customer.name,
               model_status_name(info.customer.status));
        cli_kv(c, "in_meter", "%s", info.purchase_loaded ? "yes" : "no");
    }
    return info.ours ? CLI_OK : CLI_CARD;
}

static int cmd_card_wipe(struct cli *c, const struct cli_args *a)
{
    struct kwh_err e;
    (void)a;
    if (card_session(c, &e) < 0 || toolcard_wipe(c->core, &c->session, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "the card is blank\n");
    return CLI_OK;
}

static int cmd_open(struct cli *c, const struct cli_args *a)
{
    struct kwh_account_req acc;
    struct kwh_purchase_req p;
    struct kwh_receipt r;
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
    rc = vend_open_account(c->core, &c->session, &acc, &p, &r, &e);
    return done(c, a, rc, &r, &e);
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

static int sell_common(struct cli *c, const struct cli_args *a, bool resale)
{
    struct kwh_purchase_req p;
    struct kwh_receipt r;
    struct kwh_err e;
    uint32_t no;
    int rc;

    if ((rc = need_customer(c, a, &no)) != 0 || (rc = cli_purchase(c, a, true, &p)) != 0 ||
        (rc = print_ready(c, a)) != 0)
        return rc;
    if (card_session(c, &e) < 0)
        return cli_fail(c, &e);
    rc = resale ? vend_resell(c->core, &c->session, no, &p, &r, &e)
                : vend_sell(c->core, &c->session, no, &p, &r, &e);
    return done(c, a, rc, &r, &e);
}

static int cmd_sell(struct cli *c, const struct cli_args *a)
{
    return sell_common(c, a, false);
}

static int cmd_resell(struct cli *c, const struct cli_args *a)
{
    return sell_common(c, a, true);
}

static int cmd_quote(struct cli *c, const struct cli_args *a)
{
    struct kwh_purchase_req p;
    struct kwh_quote q;
    struct kwh_err e;
    uint32_t no;
    int rc;

    if ((rc = need_customer(c, a, &no)) != 0 || (rc = cli_purchase(c, a, true, &p)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || vend_quote(c->core, &c->session, no, &p, &q, &e) < 0)
        return cli_fail(c, &e);
    cli_kv(c, "kwh", "%s", cli_dec(q.energy_ckwh, 2));
    cli_kv(c, "adjust_kwh", "%s", cli_dec(q.adjust_ckwh, 2));
    cli_kv(c, "free_kwh", "%s", cli_dec(q.free_ckwh, 2));
    cli_kv(c, "card_kwh", "%s", cli_dec(q.card_ckwh, 2));
    cli_kv(c, "amount", "%s", cli_dec(q.amount_fen, 2));
    cli_kv(c, "price", "%s", cli_dec(q.price, 4));
    return CLI_OK;
}

static int cmd_reissue(struct cli *c, const struct cli_args *a)
{
    struct kwh_purchase_req p;
    struct kwh_receipt r;
    struct kwh_site site;
    struct kwh_err e;
    int64_t fee;
    uint32_t no;
    int rc;

    if ((rc = need_customer(c, a, &no)) != 0 || (rc = cli_purchase(c, a, false, &p)) != 0)
        return rc;
    if (cli_flag(a, "consumed") == cli_flag(a, "unconsumed"))
        return cli_usage(c, "reissue: say whether the last purchase reached the meter: "
                            "--consumed (已消费) or --unconsumed (未消费)");
    if ((rc = print_ready(c, a)) != 0)
        return rc;
    if (card_session(c, &e) < 0 || settings_get(c->core, &site, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = cli_fixed(c, a, "fee", 2, UNITS_MAX_FEN, site.reissue_fee_fen, &fee)) != 0)
        return rc;
    rc = vend_reissue(c->core, &c->session, no, cli_flag(a, "consumed"), fee,
                      p.mode == KWH_BY_NONE ? NULL : &p, &r, &e);
    return done(c, a, rc, &r, &e);
}

static int cmd_refund_card(struct cli *c, const struct cli_args *a)
{
    struct kwh_err e;
    uint32_t no;
    int rc;
    if ((rc = need_customer(c, a, &no)) != 0)
        return rc;
    if (card_session(c, &e) < 0 || vend_make_refund_card(c->core, &c->session, no, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "refund card made: insert it in meter, then `kwhpos refund`\n");
    return CLI_OK;
}

static int cmd_refund(struct cli *c, const struct cli_args *a)
{
    struct kwh_refund_quote q;
    struct kwh_receipt r;
    struct kwh_err e;
    int pay = KWH_PAY_CASH, rc;

    if (cli_flag(a, "pay") && (pay = model_pay_parse(cli_str(a, "pay"))) < 0)
        return cli_usage(c, "--pay: cash, wechat, alipay, card or other");
    if (!cli_flag(a, "quote") && (rc = print_ready(c, a)) != 0)
        return rc;
    if (card_session(c, &e) < 0 || vend_refund_quote(c->core, &c->session, &q, &e) < 0)
        return cli_fail(c, &e);
    cli_kv(c, "customer", "%08u", q.customer.customer_no);
    cli_kv(c, "remaining_kwh", "%s", cli_dec(q.remaining_ckwh, 2));
    cli_kv(c, "unloaded_kwh", "%s", cli_dec(q.unloaded_ckwh, 2));
    cli_kv(c, "refund_kwh", "%s", cli_dec(q.refund_ckwh, 2));
    cli_kv(c, "price", "%s", cli_dec(q.price, 4));
    cli_kv(c, "refund_amount", "%s", cli_dec(q.amount_fen, 2));
    if (cli_flag(a, "quote"))
        return CLI_OK;
    if (vend_refund(c->core, &c->session, q.customer.customer_no, pay, &r, &e) < 0)
        return cli_fail(c, &e);
    cli_kv(c, "invoice", "%lld", (long long)r.sale.invoice_no);
    return cli_flag(a, "print") ? cli_print_invoice(c, r.sale.invoice_no) : CLI_OK;
}

static int cmd_meter_change(struct cli *c, const struct cli_args *a)
{
    struct kwh_meter_change_req m;
    struct kwh_purchase_req p;
    struct kwh_receipt r;
    struct kwh_err e;
    uint32_t no;
    int rc;

    memset(&m, 0, sizeof m);
    if ((rc = need_customer(c, a, &no)) != 0 || (rc = cli_meter(c, a, &m.meter)) != 0 ||
        (rc = cli_purchase(c, a, false, &p)) != 0 ||
        (rc = cli_fixed(c, a, "old-remaining", 2, UNITS_MAX_CKWH, 0, &m.old_remaining_ckwh)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || auth_permit(&c->session, KWH_ACT_METER_CHANGE, 0, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = print_ready(c, a)) != 0)
        return rc;
    if (card_session(c, &e) < 0)
        return cli_fail(c, &e);
    rc = vend_meter_change(c->core, &c->session, no, &m, p.mode == KWH_BY_NONE ? NULL : &p, &r, &e);
    return done(c, a, rc, &r, &e);
}

static int cmd_transfer(struct cli *c, const struct cli_args *a)
{
    struct kwh_err e;
    uint32_t no;
    int rc;
    if ((rc = need_customer(c, a, &no)) != 0)
        return rc;
    if (cli_str(a, "name") == NULL)
        return cli_usage(c, "transfer: give the new owner's --name");
    if (cli_session(c, &e) < 0 ||
        account_transfer(c->core, &c->session, no, cli_str(a, "name"),
                         cli_str(a, "address") ? cli_str(a, "address") : "",
                         cli_str(a, "phone") ? cli_str(a, "phone") : "", &e) < 0)
        return cli_fail(c, &e);
    return CLI_OK;
}

static int cmd_close(struct cli *c, const struct cli_args *a)
{
    struct kwh_err e;
    uint32_t no;
    int rc;
    if ((rc = need_customer(c, a, &no)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 ||
        (cli_flag(a, "force") && auth_permit(&c->session, KWH_ACT_CLOSE_FORCE, 0, &e) < 0) ||
        account_close(c->core, &c->session, no, cli_flag(a, "force"), &e) < 0)
        return cli_fail(c, &e);
    return CLI_OK;
}

static int cmd_edit(struct cli *c, const struct cli_args *a)
{
    struct kwh_customer cu;
    struct kwh_account_req acc;
    struct kwh_err e;
    bool written;
    int64_t v;
    uint32_t no;
    int rc;

    if ((rc = need_customer(c, a, &no)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || auth_permit(&c->session, KWH_ACT_EDIT, 0, &e) < 0 ||
        account_find(c->core, no, 0, &cu, &e) < 0)
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
    if ((rc = cli_fixed(c, a, "rating", 0, 1000, cu.meter.rating_a, &v)) != 0)
        return rc;
    acc.meter.rating_a = (int)v;
    if ((rc = cli_fixed(c, a, "limit", 0, 1000, cu.meter.current_limit_a, &v)) != 0)
        return rc;
    acc.meter.current_limit_a = (int)v;
    if ((rc = cli_fixed(c, a, "alarm", 2, UNITS_MAX_CKWH, cu.meter.alarm_ckwh,
                        &acc.meter.alarm_ckwh)) != 0 ||
        (rc = cli_fixed(c, a, "overdraft", 2, UNITS_MAX_CKWH, cu.meter.overdraft_ckwh,
                        &acc.meter.overdraft_ckwh)) != 0 ||
        (rc = cli_fixed(c, a, "hoard", 2, UNITS_MAX_CKWH, cu.meter.hoard_ckwh,
                        &acc.meter.hoard_ckwh)) != 0)
        return rc;
    if ((rc = cli_fixed(c, a, "ct", 0, 10000, cu.meter.ct_ratio, &v)) != 0)
        return rc;
    acc.meter.ct_ratio = (int)v;
    if (cardreg_configured(&c->cfg) && cli_open_reader(c, &e) < 0)
        return cli_fail(c, &e);
    if (account_edit(c->core, &c->session, no, &acc, &written, &e) < 0)
        return cli_fail(c, &e);
    if (written)
        fprintf(c->out, "the new meter parameters are on the card: insert it in the meter\n");
    return CLI_OK;
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
    if (cli_open_core(c, &e) < 0 || account_find(c->core, no, meter, &cu, &e) < 0)
        return cli_fail(c, &e);
    cli_print_customer(c, &cu);
    return CLI_OK;
}

static int cmd_tool(struct cli *c, const struct cli_args *a)
{
    static const char *const names[] = {"management", "clear", "relay", "test"};
    struct kwh_meter_params mp;
    struct kwh_err e;
    int64_t v;
    int type = 0, rc;

    if (a->npos != 1)
        return cli_usage(c, "tool: management|clear|relay|test");
    for (int i = 0; i < 4; i++)
        if (strcmp(a->pos[0], names[i]) == 0)
            type = KWH_CARD_MANAGEMENT + i;
    if (type == 0)
        return cli_usage(c, "tool: management|clear|relay|test");
    memset(&mp, 0, sizeof mp);
    if ((rc = cli_fixed(c, a, "limit", 0, 1000, 60, &v)) != 0)
        return rc;
    mp.current_limit_a = (uint16_t)v;
    if ((rc = cli_fixed(c, a, "alarm", 2, UNITS_MAX_CKWH, 1000, &v)) != 0)
        return rc;
    mp.alarm_ckwh = (uint32_t)v;
    if ((rc = cli_fixed(c, a, "overdraft", 2, UNITS_MAX_CKWH, 500, &v)) != 0)
        return rc;
    mp.overdraft_ckwh = (uint32_t)v;
    if ((rc = cli_fixed(c, a, "hoard", 2, UNITS_MAX_CKWH, 200000, &v)) != 0)
        return rc;
    mp.hoard_ckwh = (uint32_t)v;
    mp.ct_ratio = 1;
    if (cli_session(c, &e) < 0 || auth_permit(&c->session, KWH_ACT_TOOL_CARD, type, &e) < 0 ||
        card_session(c, &e) < 0 ||
        toolcard_make(c->core, &c->session, type, type == KWH_CARD_MANAGEMENT ? &mp : NULL, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "%s card written\n", a->pos[0]);
    return CLI_OK;
}

#define PURCHASE_OPTS "kwh= amount= adjust= pay= "
#define METER_OPTS "meter= type= rating= limit= alarm= overdraft= hoard= ct= "

const struct cli_command cli_vend_commands[] = {
    {"card read", "", "", N_("read the card in the reader (and settle pending writes on it)"),
     cmd_card_read, 0},
    {"card wipe", "", "", N_("wipe the card back to blank (读卡清卡)"), cmd_card_wipe, 0},
    {"open", PURCHASE_OPTS METER_OPTS "name= address= phone= tariff= print",
     "--name N --meter NO --tariff T [--type single|ct|direct] [--rating A] [--limit A] "
     "[--alarm KWH] [--overdraft KWH] [--hoard KWH] [--ct RATIO] [--kwh X|--amount Y] "
     "[--adjust KWH] [--pay cash|wechat|alipay|card|other] [--print]",
     N_("open an account on the blank card in the reader (用户开户)"), cmd_open, 0},
    {"quote", PURCHASE_OPTS "customer=", "--customer NO --kwh X|--amount Y [--adjust KWH]",
     N_("what a purchase would be, without selling"), cmd_quote, 0},
    {"sell", PURCHASE_OPTS "customer= print",
     "--customer NO --kwh X|--amount Y [--adjust KWH] [--pay M] [--print]",
     N_("sell to the card in the reader (日常售电)"), cmd_sell, 0},
    {"resell", PURCHASE_OPTS "customer= print",
     "--customer NO --kwh X|--amount Y [--pay M] [--print]",
     N_("replace the last sale before it reached the meter (重新售电)"), cmd_resell, 0},
    {"reissue", PURCHASE_OPTS "customer= consumed unconsumed fee= print",
     "--customer NO --consumed|--unconsumed [--fee YUAN] [--kwh X|--amount Y] [--print]",
     N_("write a new card for a lost one (补卡售电)"), cmd_reissue, 0},
    {"refund-card", "customer=", "--customer NO", N_("make a refund card (制退电卡)"),
     cmd_refund_card, 0},
    {"refund", "pay= quote print", "[--quote] [--pay M] [--print]",
     N_("refund from the refund card (读卡退电)"), cmd_refund, 0},
    {"meter-change", PURCHASE_OPTS METER_OPTS "customer= old-remaining= print",
     "--customer NO --meter NEW [meter options] --old-remaining KWH [--kwh X|--amount Y] "
     "[--print]",
     N_("move an account to a new meter (换表, admin)"), cmd_meter_change, 0},
    {"transfer",
     "customer= name= address= phone=", "--customer NO --name NEW [--address A] [--phone P]",
     N_("hand an account over (过户)"), cmd_transfer, 0},
    {"close", "customer= force", "--customer NO [--force]", N_("close an account (销户)"),
     cmd_close, 0},
    {"edit", "customer= name= address= phone= tariff= rating= limit= alarm= overdraft= hoard= ct=",
     "--customer NO [--name N] [--address A] [--phone P] [--tariff T] [meter parameters]",
     N_("edit an account (用户信息维护, admin)"), cmd_edit, 0},
    {"show", "customer= meter=", "--customer NO | --meter NO", N_("show an account"), cmd_show, 0},
    {"tool", "limit= alarm= overdraft= hoard=",
     "management|clear|relay|test [--limit A --alarm KWH --overdraft KWH --hoard KWH]",
     N_("write a tool card (工具卡)"), cmd_tool, 1},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
