/* SPDX-License-Identifier: Apache-2.0 */
/* Checks and reports for admins and cron. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

static int cmd_audit_verify(struct cli *c, const struct cli_args *a)
{
    int64_t checked, bad;
    struct kwh_err e;
    (void)a;
    if (cli_open_core(c, &e) < 0 || audit_verify(c->core, &checked, &bad, &e) < 0)
        return cli_fail(c, &e);
    if (bad != 0) {
        fprintf(c->out, "audit chain BROKEN at record %lld (%lld records before it verify)\n",
                (long long)bad, (long long)checked);
        return CLI_ERROR;
    }
    fprintf(c->out, "audit chain intact: %lld records\n", (long long)checked);
    return CLI_OK;
}

static int cmd_pending(struct cli *c, const struct cli_args *a)
{
    struct kwh_sale *s;
    size_t n;
    struct kwh_err e;
    (void)a;
    if (cli_open_core(c, &e) < 0 || vend_pending(c->core, &s, &n, &e) < 0)
        return cli_fail(c, &e);
    for (size_t i = 0; i < n; i++)
        fprintf(c->out, "op %lld\t%s\t%08u\t%s\t%s\n", (long long)s[i].op_id,
                model_op_name(s[i].kind), s[i].customer_no, s[i].customer_name,
                cli_dec(s[i].amount_fen, 2));
    free(s);
    return CLI_OK;
}

static int cmd_balance(struct cli *c, const struct cli_args *a)
{
    struct kwh_balance b;
    struct kwh_err e;
    (void)a;
    if (cli_session(c, &e) < 0 || report_balance(c->core, &c->session, &b, &e) < 0)
        return cli_fail(c, &e);
    cli_kv(c, "accounts", "%lld", (long long)b.accounts);
    cli_kv(c, "balance_kwh", "%s", cli_dec(b.balance_ckwh, 2));
    cli_kv(c, "balance_yuan", "%s", cli_dec(b.balance_fen, 2));
    return CLI_OK;
}

const struct cli_command cli_admin_commands[] = {
    {"audit verify", "", "", N_("verify the audit log's hash chain"), cmd_audit_verify, 0},
    {"pending", "", "", N_("card writes whose outcome waits for the card"), cmd_pending, 0},
    {"balance", "", "", N_("total balance over open accounts (统计用户累计余额)"), cmd_balance, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
