/* SPDX-License-Identifier: Apache-2.0 */
/* The money rules from the command line (docs/units.md): fee types (费用设置), an
 * account's arrears (欠费) and how they are recovered, the extra first-tier allowance. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "kwhpos/core.h"
#include "kwhpos/money.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"

static int cmd_fee_list(struct cli *c, const struct cli_args *a)
{
    struct kwh_fee_type *f;
    struct kwh_err e;
    size_t n;
    (void)a;
    if (cli_open_core(c, &e) < 0 || fee_list(c->core, &f, &n, &e) < 0)
        return cli_fail(c, &e);
    for (size_t i = 0; i < n; i++)
        fprintf(c->out, "%lld\t%s\t%s\t%s\n", (long long)f[i].id, f[i].name,
                fee_kind_name(f[i].kind), cli_dec(f[i].amount_fen, 2));
    free(f);
    return CLI_OK;
}

static int cmd_fee_add(struct cli *c, const struct cli_args *a)
{
    int64_t amount, id;
    struct kwh_err e;
    int kind, rc;
    if (cli_str(a, "name") == NULL || cli_str(a, "kind") == NULL || cli_str(a, "amount") == NULL)
        return cli_usage(c, "fee add: --name NAME --kind sale|monthly --amount YUAN");
    if ((kind = fee_kind_parse(cli_str(a, "kind"))) < 0)
        return cli_usage(c, "--kind: sale (with every purchase) or monthly");
    if ((rc = cli_fixed(c, a, "amount", 2, UNITS_MAX_FEN, 0, &amount)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 ||
        fee_add(c->core, &c->session, cli_str(a, "name"), kind, amount, &id, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "%lld\n", (long long)id);
    return CLI_OK;
}

/* The fee type --fee names (a name or an id). */
static int cli_fee(struct cli *c, const struct cli_args *a, struct kwh_fee_type *f,
                   struct kwh_err *e)
{
    if (cli_str(a, "fee") == NULL) {
        kwh_err_set(e, KWH_EINVAL, "give --fee NAME|ID (kwhpos fee list)");
        return cli_usage(c, "%s", e->msg);
    }
    if (cli_open_core(c, e) < 0 || fee_find(c->core, cli_str(a, "fee"), f, e) < 0)
        return cli_fail(c, e);
    return 0;
}

static int cmd_fee_set(struct cli *c, const struct cli_args *a)
{
    struct kwh_fee_type f;
    struct kwh_err e;
    int64_t amount;
    int rc;
    if ((rc = cli_fee(c, a, &f, &e)) != 0)
        return rc;
    if ((rc = cli_fixed(c, a, "amount", 2, UNITS_MAX_FEN, f.amount_fen, &amount)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 ||
        fee_update(c->core, &c->session, f.id, cli_str(a, "name"), amount, &e) < 0)
        return cli_fail(c, &e);
    return CLI_OK;
}

static int cmd_fee_delete(struct cli *c, const struct cli_args *a)
{
    struct kwh_fee_type f;
    struct kwh_err e;
    int rc;
    if ((rc = cli_fee(c, a, &f, &e)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || fee_delete(c->core, &c->session, f.id, &e) < 0)
        return cli_fail(c, &e);
    return CLI_OK;
}

static int need_customer(struct cli *c, const struct cli_args *a, uint32_t *no)
{
    int rc;
    if ((rc = cli_number(c, a, "customer", no)) != 0)
        return rc;
    if (*no == 0)
        return cli_usage(c, "give --customer NO");
    return 0;
}

static int cmd_arrears_show(struct cli *c, const struct cli_args *a)
{
    struct kwh_arrears_line *l;
    struct kwh_customer cu;
    struct kwh_err e;
    uint32_t no;
    size_t n;
    int rc;
    if ((rc = need_customer(c, a, &no)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || account_find(c->core, no, 0, &cu, &e) < 0 ||
        arrears_history(c->core, &c->session, no, &l, &n, &e) < 0)
        return cli_fail(c, &e);
    cli_kv(c, "customer", "%08u", cu.customer_no);
    cli_kv(c, "arrears", "%s", cli_dec(cu.arrears_fen, 2));
    if (cu.recovery_mode == KWH_RECOVER_FIXED)
        cli_kv(c, "recovery", "fixed %s", cli_dec(cu.recovery_value, 2));
    else if (cu.recovery_mode == KWH_RECOVER_PERCENT)
        cli_kv(c, "recovery", "percent %lld", (long long)cu.recovery_value);
    else
        cli_kv(c, "recovery", "site");
    for (size_t i = 0; i < n; i++) {
        char when[32];
        time_t t = (time_t)l[i].created;
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        fprintf(c->out, "%s\t%s\t%s\t%s\t", when, l[i].what, cli_dec(l[i].fen, 2),
                l[i].operator_name);
        if (l[i].invoice_no != 0)
            fprintf(c->out, "invoice %lld\n", (long long)l[i].invoice_no);
        else
            fprintf(c->out, "%s\n", l[i].reason);
    }
    free(l);
    return CLI_OK;
}

/* arrears add (owed more) and arrears waive (owed less) */
static int arrears_change(struct cli *c, const struct cli_args *a, int sign)
{
    struct kwh_err e;
    int64_t amount;
    uint32_t no;
    int rc;
    if ((rc = need_customer(c, a, &no)) != 0)
        return rc;
    if (cli_str(a, "amount") == NULL || cli_str(a, "reason") == NULL)
        return cli_usage(c, "give --amount YUAN and --reason TEXT");
    if ((rc = cli_fixed(c, a, "amount", 2, UNITS_MAX_FEN, 0, &amount)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 ||
        arrears_add(c->core, &c->session, no, sign * amount, cli_str(a, "reason"), &e) < 0)
        return cli_fail(c, &e);
    return CLI_OK;
}

static int cmd_arrears_add(struct cli *c, const struct cli_args *a)
{
    return arrears_change(c, a, 1);
}

static int cmd_arrears_waive(struct cli *c, const struct cli_args *a)
{
    return arrears_change(c, a, -1);
}

static int cmd_arrears_rule(struct cli *c, const struct cli_args *a)
{
    struct kwh_recovery_rule r = {KWH_RECOVER_SITE, 0};
    struct kwh_err e;
    uint32_t no;
    int given = cli_flag(a, "fixed") + cli_flag(a, "percent") + cli_flag(a, "site"), rc;

    if ((rc = cli_number(c, a, "customer", &no)) != 0)
        return rc;
    if (given != 1 || (cli_flag(a, "site") && no == 0))
        return cli_usage(c, "give one of --fixed YUAN, --percent N, or --site with --customer");
    if (cli_flag(a, "fixed")) {
        r.mode = KWH_RECOVER_FIXED;
        if ((rc = cli_fixed(c, a, "fixed", 2, UNITS_MAX_FEN, 0, &r.value)) != 0)
            return rc;
    } else if (cli_flag(a, "percent")) {
        r.mode = KWH_RECOVER_PERCENT;
        if ((rc = cli_fixed(c, a, "percent", 0, 100, 0, &r.value)) != 0)
            return rc;
    }
    if (cli_session(c, &e) < 0)
        return cli_fail(c, &e);
    rc = no != 0 ? arrears_set_account_rule(c->core, &c->session, no, &r, &e)
                 : arrears_set_site_rule(c->core, &c->session, &r, &e);
    return rc < 0 ? cli_fail(c, &e) : CLI_OK;
}

static int cmd_tariff_extra(struct cli *c, const struct cli_args *a)
{
    struct kwh_err e;
    int64_t ckwh;
    uint32_t no;
    int rc;
    if ((rc = need_customer(c, a, &no)) != 0)
        return rc;
    if (cli_str(a, "kwh") == NULL)
        return cli_usage(c, "give --kwh KWH (0: none)");
    if ((rc = cli_fixed(c, a, "kwh", 2, UNITS_MAX_CKWH, 0, &ckwh)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || account_set_tier_extra(c->core, &c->session, no, ckwh, &e) < 0)
        return cli_fail(c, &e);
    return CLI_OK;
}

const struct cli_command cli_money_commands[] = {
    {"fee list", "", "", N_("fee types: id, name, kind, amount"), cmd_fee_list, 0},
    {"fee add", "name= kind= amount=", "--name NAME --kind sale|monthly --amount YUAN",
     N_("add a fee collected with sales (费用设置, admin)"), cmd_fee_add, 0},
    {"fee set", "fee= name= amount=", "--fee NAME|ID [--name NEW] [--amount YUAN]",
     N_("rename a fee or change its amount (admin)"), cmd_fee_set, 0},
    {"fee delete", "fee=", "--fee NAME|ID", N_("stop collecting a fee (admin)"), cmd_fee_delete, 0},
    {"arrears show", "customer=", "--customer NO",
     N_("an account's arrears (欠费): what is owed, how it is recovered, its history"),
     cmd_arrears_show, 0},
    {"arrears add", "customer= amount= reason=", "--customer NO --amount YUAN --reason TEXT",
     N_("enter an old debt of an account (admin)"), cmd_arrears_add, 0},
    {"arrears waive", "customer= amount= reason=", "--customer NO --amount YUAN --reason TEXT",
     N_("waive part or all of an account's arrears (admin)"), cmd_arrears_waive, 0},
    {"arrears rule", "customer= fixed= percent= site",
     "[--customer NO] --fixed YUAN | --percent N | --site",
     N_("how arrears are recovered at a sale: the site's rule, or an account's (admin)"),
     cmd_arrears_rule, 0},
    {"tariff extra", "customer= kwh=", "--customer NO --kwh KWH",
     N_("an account's extra first-tier allowance per period (large households, admin)"),
     cmd_tariff_extra, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
