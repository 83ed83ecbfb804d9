/* SPDX-License-Identifier: Apache-2.0 */
/* Checks and reports for admins and cron. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli/cli.h"
#include "kwhpos/oversight.h"
#include "kwhpos/core.h"

/* --anchors FILE: the chain against the anchors written outside the database. */
static int verify_anchors(struct cli *c, const char *file)
{
    struct kwh_anchor_check ck;
    struct kwh_err e;

    if (audit_verify_anchors(c->core, file, &ck, &e) < 0)
        return cli_fail(c, &e);
    if (ck.contradicted) {
        fprintf(c->out,
                _("audit log REWRITTEN: an anchor of %s (%s, %lld records) %s\n"
                  "  (a restore of an older backup since then also explains it: see the "
                  "restore anchors in %s)\n"),
                ck.bad_when[0] ? ck.bad_when : _("an unknown time"), ck.bad_event,
                (long long)ck.bad_records,
                ck.bad_removed ? _("names a record the audit log no longer has: records were "
                                   "removed")
                               : _("does not match that record: the records up to it were "
                                   "changed"),
                file);
        return CLI_ERROR;
    }
    if (ck.anchors == 0) {
        fprintf(c->out,
                _("no anchor of this site in %s (%lld of other sites or an earlier site "
                  "secret): nothing to compare\n"),
                file, (long long)ck.other_sites);
        return CLI_ERROR;
    }
    fprintf(c->out,
            _("anchors: %lld of this site in %s agree with the audit log (up to record %lld)\n"),
            (long long)ck.anchors, file, (long long)ck.newest);
    if (ck.other_sites > 0 || ck.unreadable > 0)
        fprintf(c->out, _("  skipped: %lld of other sites, %lld unreadable\n"),
                (long long)ck.other_sites, (long long)ck.unreadable);
    return CLI_OK;
}

static int cmd_audit_verify(struct cli *c, const struct cli_args *a)
{
    const char *anchors = cli_str(a, "anchors");
    int64_t checked, bad;
    struct kwh_err e;

    if (anchors != NULL && anchors[0] == '\0')
        return cli_usage(c, "audit verify: --anchors needs the anchor file (or a syslog or "
                            "journalctl extract)");
    if (cli_open_core(c, &e) < 0 || audit_verify(c->core, &checked, &bad, &e) < 0)
        return cli_fail(c, &e);
    if (bad != 0) {
        fprintf(c->out, "audit chain BROKEN at record %lld (%lld records before it verify)\n",
                (long long)bad, (long long)checked);
        return CLI_ERROR;
    }
    fprintf(c->out, "audit chain intact: %lld records\n", (long long)checked);
    return anchors != NULL ? verify_anchors(c, anchors) : CLI_OK;
}

/* One pending card write per line (tab-separated): op ID, kind, account, name, money,
 * recorded, operator, the card (its serial, or a blank card), the station that recorded
 * it ("-" for a write recorded before stations were kept). */
static int cmd_pending(struct cli *c, const struct cli_args *a)
{
    struct kwh_pending_write *w;
    size_t n;
    struct kwh_err e;
    (void)a;
    if (cli_open_core(c, &e) < 0 || pending_list(c->core, &w, &n, &e) < 0)
        return cli_fail(c, &e);
    for (size_t i = 0; i < n; i++) {
        time_t t = (time_t)w[i].created;
        struct tm tm;
        char when[32], card[40], account[16] = "-";
        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        if (w[i].customer_no != 0)
            snprintf(account, sizeof account, "%08u", w[i].customer_no);
        if (w[i].blank_card && !w[i].touched)
            snprintf(card, sizeof card, "blank card");
        else
            snprintf(card, sizeof card, "serial %02x%02x%02x%02x%02x%02x", w[i].serial[0],
                     w[i].serial[1], w[i].serial[2], w[i].serial[3], w[i].serial[4],
                     w[i].serial[5]);
        fprintf(c->out, "op %lld\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)w[i].op_id,
                model_op_name(w[i].kind), account, w[i].customer_name,
                w[i].has_sale ? cli_dec(w[i].amount_fen, 2) : "-", when, w[i].operator_name, card,
                w[i].station[0] != '\0' ? w[i].station : "-");
    }
    free(w);
    return CLI_OK;
}

static int cmd_pending_cancel(struct cli *c, const struct cli_args *a)
{
    struct kwh_pending_cancel r;
    struct kwh_err e;
    const char *reason = cli_str(a, "reason");
    char *end;
    long long id;

    if (a->npos != 1)
        return cli_usage(c, "pending cancel: give the card write's number (see kwhpos pending "
                            "list) and --reason TEXT");
    id = strtoll(a->pos[0], &end, 10);
    if (end == a->pos[0] || *end != '\0' || id <= 0)
        return cli_usage(c,
                         "pending cancel: '%s' is not a card write's number (see kwhpos "
                         "pending list)",
                         a->pos[0]);
    if (reason == NULL)
        return cli_usage(c, "pending cancel: --reason TEXT (why the card will not be read "
                            "again; kept in the audit log)");
    if (cli_session(c, &e) < 0 || (c->cfg.reader_port[0] != '\0' && cli_open_reader(c, &e) < 0) ||
        pending_cancel(c->core, &c->session, id, reason, &r, &e) < 0)
        return cli_fail(c, &e);
    if (r.by_card)
        fprintf(c->out,
                _("card write #%lld: its card in the reader does not hold it; it is "
                  "cancelled and the card tidied up\n"),
                id);
    else
        fprintf(c->out, _("card write #%lld cancelled; the reason is in the audit log\n"), id);
    return CLI_OK;
}

static int cmd_balance(struct cli *c, const struct cli_args *a)
{
    struct kwh_balance b;
    struct kwh_err e;
    int64_t area;
    bool in;
    int rc;
    if (cli_session(c, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = cli_area_opt(c, a, &in, &area)) != 0)
        return rc;
    if (in) {
        /* one area with everything below it: its row of the per-area breakdown */
        struct kwh_area_row *rows;
        struct kwh_period none = {0, 1};
        size_t n;
        bool found = false;
        if (report_areas(c->core, &c->session, &none, &rows, &n, &e) < 0)
            return cli_fail(c, &e);
        for (size_t i = 0; i < n && !found; i++) {
            if (rows[i].area.id != area)
                continue;
            b = (struct kwh_balance){rows[i].accounts, rows[i].balance_ckwh, rows[i].balance_fen};
            found = true;
        }
        free(rows);
        if (!found) {
            kwh_err_set(&e, KWH_EPERM, "that area is outside the areas you may work on");
            return cli_fail(c, &e);
        }
    } else if (report_balance(c->core, &c->session, &b, &e) < 0) {
        return cli_fail(c, &e);
    }
    cli_kv(c, "accounts", "%lld", (long long)b.accounts);
    cli_kv(c, "balance_kwh", "%s", cli_dec(b.balance_ckwh, 2));
    cli_kv(c, "balance_yuan", "%s", cli_dec(b.balance_fen, 2));
    return CLI_OK;
}

const struct cli_command cli_admin_commands[] = {
    {"audit verify", "anchors=", "[--anchors FILE]",
     N_("verify the audit log's hash chain (and against the anchors written outside the "
        "database)"),
     cmd_audit_verify, 0},
    {"pending list", "", "", N_("card writes whose outcome waits for the card"), cmd_pending, 0},
    {"pending cancel", "reason=", "ID --reason TEXT",
     N_("cancel a card write whose card will not be read again (administrators)"),
     cmd_pending_cancel, 1},
    {"pending", "", "", N_("the same as pending list"), cmd_pending, 0},
    {"balance", "in=", "[--in AREA]", N_("total balance over open accounts (统计用户累计余额)"),
     cmd_balance, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
