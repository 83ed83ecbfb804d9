/* SPDX-License-Identifier: Apache-2.0 */
/* Setting a site up: init, settings, tariffs, operators, ports. */
#include <stdio.h>
#include <syslog.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kwhpos/config.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "kwhpos/core.h"
#include "kwhpos/query.h"

static int cmd_init(struct cli *c, const struct cli_args *a)
{
    struct kwh_init_req req;
    const char *area = cli_str(a, "area");
    const char *db = c->db_override ? c->db_override : config_db(&c->cfg);
    struct kwh_err e;

    memset(&req, 0, sizeof req);
    if (area == NULL)
        return cli_usage(c, "init: give --area CODE (6 digits, the site's 区域代码)");
    if (!str_copy(req.area_code, sizeof req.area_code, area) ||
        !str_copy(req.unit_name, sizeof req.unit_name,
                  cli_str(a, "unit") ? cli_str(a, "unit") : "") ||
        !str_copy(req.unit_phone, sizeof req.unit_phone,
                  cli_str(a, "phone") ? cli_str(a, "phone") : "") ||
        !str_copy(req.card_profile, sizeof req.card_profile,
                  cli_str(a, "card-profile") ? cli_str(a, "card-profile") : ""))
        return cli_usage(c, "init: a value is too long");
    req.demo_tariffs = !cli_flag(a, "no-tariffs");
    if (core_init_site(db, &req, &e) < 0)
        return cli_fail(c, &e);
    kwh_log(LOG_NOTICE, "site database %s created (area code %s)", db, area);
    fprintf(c->out,
            "created %s for area code %s\n"
            "log in as 'system' with password '1'; it must be changed at first login\n",
            db, area);
    return CLI_OK;
}

static int cmd_ports(struct cli *c, const struct cli_args *a)
{
    struct cardreg_entry *list;
    char note[KWH_ERR_MSG];
    size_t n;
    struct kwh_err e;
    (void)a;
    if (readers_list(&list, &n, note, sizeof note, &e) < 0)
        return cli_fail(c, &e);
    for (size_t i = 0; i < n; i++)
        fprintf(c->out, "%s\t%s\t%s\n", list[i].driver, list[i].name, list[i].label);
    if (note[0] != '\0')
        fprintf(stderr, "%s: %s\n", c->prog, note);
    if (n == 0)
        fprintf(stderr, "%s: %s\n", c->prog,
                _("no card reader found (no serial port, no PC/SC reader)"));
    free(list);
    return CLI_OK;
}

static int cmd_passwd(struct cli *c, const struct cli_args *a)
{
    char line[3][256];
    struct kwh_err e;
    FILE *in;
    int fd = c->password_fd >= 0 ? c->password_fd : 0;

    /* three lines: the current password, the new one, the new one again */
    if (cli_open_core(c, &e) < 0)
        return cli_fail(c, &e);
    if (c->user == NULL)
        return cli_usage(c, "operator passwd: give --user NAME");
    in = fdopen(dup(fd), "r");
    if (in == NULL)
        return cli_usage(c, "operator passwd: cannot read the passwords");
    for (int i = 0; i < 3; i++) {
        if (fgets(line[i], sizeof line[i], in) == NULL) {
            fclose(in);
            return cli_usage(c, "operator passwd: give three lines on standard input: current "
                                "password, new password, new password again");
        }
        line[i][strcspn(line[i], "\r\n")] = '\0';
    }
    fclose(in);
    if (auth_login(c->core, c->user, line[0], &c->session, &e) < 0)
        return cli_fail(c, &e);
    const char *target = cli_str(a, "name") ? cli_str(a, "name") : c->user;
    if (auth_change_password(c->core, &c->session, target,
                             strcmp(target, c->user) == 0 ? line[0] : NULL, line[1], line[2],
                             &e) < 0)
        return cli_fail(c, &e);
    memset(line, 0, sizeof line);
    fprintf(c->out, _("password of %s changed\n"), target);
    return CLI_OK;
}

static int cmd_operator_list(struct cli *c, const struct cli_args *a)
{
    struct kwh_operator *ops;
    size_t n;
    struct kwh_err e;
    (void)a;
    if (cli_session(c, &e) < 0 || auth_operator_list(c->core, &c->session, &ops, &n, &e) < 0)
        return cli_fail(c, &e);
    for (size_t i = 0; i < n; i++)
        fprintf(c->out, "%s\t%s%s\n", ops[i].name, model_role_name(ops[i].role),
                ops[i].locked_until > core_now(c->core) ? "\tlocked" : "");
    free(ops);
    return CLI_OK;
}

/* New operators get their password from two more lines of standard input. */
static int cmd_operator_add(struct cli *c, const struct cli_args *a)
{
    const char *name = cli_str(a, "name"), *role = cli_str(a, "role");
    char pw[2][256];
    struct kwh_err e;
    FILE *in;

    if (name == NULL || role == NULL || model_role_parse(role) == 0)
        return cli_usage(c, "operator add: --name NAME --role admin|seller");
    if (cli_session(c, &e) < 0)
        return cli_fail(c, &e);
    in = fdopen(dup(c->password_fd >= 0 ? c->password_fd : 0), "r");
    for (int i = 0; i < 2; i++) {
        if (in == NULL || fgets(pw[i], sizeof pw[i], in) == NULL) {
            if (in)
                fclose(in);
            return cli_usage(c, "operator add: after your password, give the new operator's "
                                "password twice, one line each");
        }
        pw[i][strcspn(pw[i], "\r\n")] = '\0';
    }
    fclose(in);
    if (auth_operator_add(c->core, &c->session, name, model_role_parse(role), pw[0], pw[1], &e) < 0)
        return cli_fail(c, &e);
    memset(pw, 0, sizeof pw);
    fprintf(c->out, "operator %s added (%s)\n", name, role);
    return CLI_OK;
}

static int cmd_operator_delete(struct cli *c, const struct cli_args *a)
{
    struct kwh_err e;
    if (cli_str(a, "name") == NULL)
        return cli_usage(c, "operator delete: --name NAME");
    if (cli_session(c, &e) < 0 ||
        auth_operator_delete(c->core, &c->session, cli_str(a, "name"), &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "operator %s deleted\n", cli_str(a, "name"));
    return CLI_OK;
}

static int cmd_operator_role(struct cli *c, const struct cli_args *a)
{
    const char *name = cli_str(a, "name"), *role = cli_str(a, "role");
    struct kwh_err e;
    if (name == NULL || role == NULL || model_role_parse(role) == 0)
        return cli_usage(c, "operator role: --name NAME --role admin|seller");
    if (cli_session(c, &e) < 0 ||
        auth_operator_set_role(c->core, &c->session, name, model_role_parse(role), &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "operator %s is now %s\n", name, role);
    return CLI_OK;
}

/* An operator locked out by wrong passwords: an admin (--user), or root without logging
 * in, so that the only administrator locked out (by anyone typing wrong passwords at
 * the login screen) is never shut out for hours. */
static int cmd_operator_unlock(struct cli *c, const struct cli_args *a)
{
    const char *name = cli_str(a, "name");
    struct kwh_err e;
    int rc;

    if (name == NULL || name[0] == '\0')
        return cli_usage(c, "operator unlock: --name NAME");
    if (c->user == NULL && geteuid() != 0)
        return cli_usage(c, "operator unlock: give --user ADMIN (an administrator's login), or "
                            "run it as root");
    if (c->user != NULL)
        rc = cli_session(c, &e) < 0 ? e.code : auth_unlock(c->core, &c->session, name, &e);
    else
        rc = cli_open_core(c, &e) < 0 ? e.code : auth_unlock_as_root(c->core, name, &e);
    if (rc < 0)
        return cli_fail(c, &e);
    fprintf(c->out, _("operator %s unlocked: the failed logins are forgotten\n"), name);
    return CLI_OK;
}

/* A tiered tariff's table as --tiers takes it: "annual/7 2760:0.5380,4800:0.5880,0.8380". */
static void tiers_text(const struct kwh_tariff *t, char *buf, size_t n)
{
    size_t o = (size_t)snprintf(buf, n, "%s",
                                t->period_months == KWH_PERIOD_MONTHLY ? "monthly" : "annual");
    if (t->period_months == KWH_PERIOD_ANNUAL && o < n)
        o += (size_t)snprintf(buf + o, n - o, "/%d", t->period_start);
    for (int i = 0; i < t->ntiers && o < n; i++) {
        if (i + 1 < t->ntiers)
            o += (size_t)snprintf(buf + o, n - o, "%s%s:%s", i ? "," : " ",
                                  cli_dec(t->tiers[i].upto_ckwh, 2), cli_dec(t->tiers[i].price, 4));
        else
            o += (size_t)snprintf(buf + o, n - o, ",%s", cli_dec(t->tiers[i].price, 4));
    }
}

static int cmd_tariff_list(struct cli *c, const struct cli_args *a)
{
    struct kwh_tariff *t;
    char tiers[256];
    size_t n;
    struct kwh_err e;
    (void)a;
    if (cli_open_core(c, &e) < 0 || tariff_list(c->core, &t, &n, &e) < 0)
        return cli_fail(c, &e);
    for (size_t i = 0; i < n; i++) {
        fprintf(c->out, "%lld\t%s\t%s\t%lld", (long long)t[i].id, t[i].name, cli_dec(t[i].price, 4),
                (long long)t[i].customers);
        if (t[i].ntiers > 0) {
            tiers_text(&t[i], tiers, sizeof tiers);
            fprintf(c->out, "\t%s", tiers);
        } else if (t[i].kind == KWH_TARIFF_SHARED) {
            fprintf(c->out, "\tshared");
        }
        if (t[i].next_from != 0) {
            char day[16];
            period_format_day(t[i].next_from, day, sizeof day);
            fprintf(c->out, "\tscheduled %s %s%s", day, cli_dec(t[i].next_price, 4),
                    t[i].next_tiered ? " tiered" : "");
        }
        fputc('\n', c->out);
    }
    free(t);
    return CLI_OK;
}

/* --tiers "2760:0.538,4800:0.588,0.838" (each tier's upper bound in kWh and price, the
 * last without a bound), --period annual|monthly, --start-month 1..12 into t. */
static int cli_tiers(struct cli *c, const struct cli_args *a, struct kwh_tariff *t)
{
    char spec[256], *save = NULL, *part;
    const char *period = cli_str(a, "period");
    int64_t month;
    int rc;

    memset(t, 0, sizeof *t);
    if (!str_copy(spec, sizeof spec, cli_str(a, "tiers")))
        return cli_usage(c, "--tiers: too long");
    for (part = strtok_r(spec, ",", &save); part != NULL; part = strtok_r(NULL, ",", &save)) {
        struct kwh_tier *r;
        char *colon = strchr(part, ':');
        struct kwh_err e;
        if (t->ntiers == KWH_TIERS_MAX)
            return cli_usage(c, "--tiers: at most %d tiers", KWH_TIERS_MAX);
        r = &t->tiers[t->ntiers++];
        if (colon != NULL) {
            *colon = '\0';
            if (fixed_parse(part, 2, UNITS_MAX_CKWH, "--tiers kWh", &r->upto_ckwh, &e) < 0)
                return cli_usage(c, "%s", e.msg);
            part = colon + 1;
        }
        if (fixed_parse(part, 4, UNITS_MAX_PRICE, "--tiers price", &r->price, &e) < 0)
            return cli_usage(c, "%s", e.msg);
    }
    if (period == NULL || strcmp(period, "annual") == 0)
        t->period_months = KWH_PERIOD_ANNUAL;
    else if (strcmp(period, "monthly") == 0)
        t->period_months = KWH_PERIOD_MONTHLY;
    else
        return cli_usage(c, "--period: annual or monthly");
    if ((rc = cli_fixed(c, a, "start-month", 0, 12, 1, &month)) != 0)
        return rc;
    t->period_start = (int)month;
    return 0;
}

/* --kind standard|shared into *kind (unchanged without it). */
static int cli_tariff_kind(struct cli *c, const struct cli_args *a, int *kind)
{
    if (!cli_flag(a, "kind"))
        return 0;
    if ((*kind = tariff_kind_parse(cli_str(a, "kind"))) < 0)
        return cli_usage(c, "--kind: standard or shared (合表)");
    return 0;
}

static int cmd_tariff_add(struct cli *c, const struct cli_args *a)
{
    int64_t price, id;
    struct kwh_err e;
    int rc, kind = KWH_TARIFF_STANDARD;
    if (cli_str(a, "name") == NULL ||
        (cli_str(a, "price") == NULL) == (cli_str(a, "tiers") == NULL))
        return cli_usage(c, "tariff add: --name NAME --price YUAN_PER_KWH | --tiers TIERS");
    if ((rc = cli_tariff_kind(c, a, &kind)) != 0)
        return rc;
    if (kind == KWH_TARIFF_SHARED && cli_flag(a, "tiers"))
        return cli_usage(c, "a 合表 (shared meter) tariff is flat: give --price, not --tiers");
    if (cli_flag(a, "tiers")) {
        struct kwh_tariff def;
        if ((rc = cli_tiers(c, a, &def)) != 0)
            return rc;
        if (cli_session(c, &e) < 0 ||
            tariff_set_tiers(c->core, &c->session, cli_str(a, "name"), 0, &def, &id, &e) < 0)
            return cli_fail(c, &e);
        fprintf(c->out, "%lld\n", (long long)id);
        return CLI_OK;
    }
    if (cli_flag(a, "period") || cli_flag(a, "start-month"))
        return cli_usage(c, "--period and --start-month go with --tiers");
    if ((rc = cli_fixed(c, a, "price", 4, UNITS_MAX_PRICE, 0, &price)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 ||
        tariff_add_kind(c->core, &c->session, cli_str(a, "name"), price, kind, &id, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "%lld\n", (long long)id);
    return CLI_OK;
}

static int set_kind(struct cli *c, int64_t id, int kind)
{
    struct kwh_err e;
    if (cli_session(c, &e) < 0 || tariff_set_kind(c->core, &c->session, id, kind, &e) < 0)
        return cli_fail(c, &e);
    return 0;
}

static int cmd_tariff_set(struct cli *c, const struct cli_args *a)
{
    struct kwh_tariff t, def;
    int64_t id, price, from = 0;
    struct kwh_err e;
    int rc, kind;
    if (cli_open_core(c, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = cli_tariff(c, a, &id)) != 0)
        return rc;
    if (tariff_get(c->core, id, &t, &e) < 0)
        return cli_fail(c, &e);
    kind = t.kind;
    if ((rc = cli_tariff_kind(c, a, &kind)) != 0)
        return rc;
    if (cli_flag(a, "from") && !cli_flag(a, "price") && !cli_flag(a, "tiers"))
        return cli_usage(c, "--from dates a new --price or --tiers");
    if (cli_flag(a, "from") && cli_flag(a, "kind"))
        return cli_usage(c, "change the kind and schedule a price separately (--kind, then "
                            "--price/--tiers --from)");
    if (tariff_parse_from(c->core, cli_str(a, "from"), &from, &e) < 0)
        return cli_usage(c, "%s", e.msg);
    if (kind == KWH_TARIFF_SHARED && cli_flag(a, "tiers"))
        return cli_usage(c, "a 合表 (shared meter) tariff is flat: give --price, not --tiers");
    if (kind != t.kind && kind == KWH_TARIFF_STANDARD && (rc = set_kind(c, id, kind)) != 0)
        return rc; /* a standard tariff first, then tiers */
    memset(&def, 0, sizeof def);
    if (cli_flag(a, "tiers")) {
        /* a new tier table; --price makes the tariff flat again */
        if (cli_flag(a, "price"))
            return cli_usage(c, "give --tiers or --price, not both");
        if ((rc = cli_tiers(c, a, &def)) != 0)
            return rc;
    } else {
        if (cli_flag(a, "period") || cli_flag(a, "start-month"))
            return cli_usage(c, "--period and --start-month go with --tiers");
        if ((rc = cli_fixed(c, a, "price", 4, UNITS_MAX_PRICE, t.price, &price)) != 0)
            return rc;
        def.price = price; /* with --from: a flat price version that waits for its day */
    }
    if (def.ntiers > 0 || from != 0) {
        def.price_since = from;
        if (cli_session(c, &e) < 0 ||
            (cli_flag(a, "name") &&
             tariff_update(c->core, &c->session, id, cli_str(a, "name"), t.price, &e) < 0) ||
            tariff_set_tiers(c->core, &c->session, NULL, id, &def, NULL, &e) < 0)
            return cli_fail(c, &e);
        return CLI_OK;
    }
    if (cli_session(c, &e) < 0 ||
        tariff_update(c->core, &c->session, id, cli_str(a, "name") ? cli_str(a, "name") : t.name,
                      price, &e) < 0)
        return cli_fail(c, &e);
    if (kind != t.kind && kind == KWH_TARIFF_SHARED)
        return set_kind(c, id, kind); /* flat by now */
    return CLI_OK;
}

/* Every price version, newest first: since, price, and the tiers or flat/shared. */
static int cmd_tariff_history(struct cli *c, const struct cli_args *a)
{
    struct kwh_tariff *t;
    struct kwh_err e;
    char tiers[256], when[32];
    int64_t id;
    size_t n;
    int rc;
    if (cli_open_core(c, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = cli_tariff(c, a, &id)) != 0)
        return rc;
    if (tariff_history(c->core, id, &t, &n, &e) < 0)
        return cli_fail(c, &e);
    for (size_t i = 0; i < n; i++) {
        time_t since = (time_t)t[i].price_since;
        struct tm tm;
        localtime_r(&since, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        if (t[i].ntiers > 0)
            tiers_text(&t[i], tiers, sizeof tiers);
        else
            str_copy(tiers, sizeof tiers, "flat");
        fprintf(c->out, "%s\t%s\t%s%s\n", when, cli_dec(t[i].price, 4), tiers,
                t[i].price_since > core_now(c->core) ? "\tscheduled" : "");
    }
    free(t);
    return CLI_OK;
}

static int cmd_tariff_delete(struct cli *c, const struct cli_args *a)
{
    int64_t id;
    struct kwh_err e;
    int rc;
    if (cli_open_core(c, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = cli_tariff(c, a, &id)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || tariff_delete(c->core, &c->session, id, &e) < 0)
        return cli_fail(c, &e);
    return CLI_OK;
}

static int cmd_settings_show(struct cli *c, const struct cli_args *a)
{
    struct kwh_site s;
    struct kwh_err e;
    const char *id, *name;
    (void)a;
    if (cli_open_core(c, &e) < 0 || settings_get(c->core, &s, &e) < 0)
        return cli_fail(c, &e);
    cli_kv(c, "area_code", "%s", s.area_code);
    cli_kv(c, "unit_name", "%s", s.unit_name);
    cli_kv(c, "unit_phone", "%s", s.unit_phone);
    cli_kv(c, "monthly_free_kwh", "%s", cli_dec(s.monthly_free_ckwh, 2));
    cli_kv(c, "max_sale_amount", "%s", cli_dec(s.max_sale_fen, 2));
    cli_kv(c, "max_sale_kwh", "%s", cli_dec(s.max_sale_ckwh, 2));
    cli_kv(c, "reissue_fee", "%s", cli_dec(s.reissue_fee_fen, 2));
    cli_kv(c, "sale_mode", "%s", s.sale_mode == KWH_BY_KWH ? "kwh" : "amount");
    cli_kv(c, "cards_issued", "%s", s.cards_issued ? "yes" : "no");
    cli_kv(c, "card_profile", "%s", s.card_profile);
    for (size_t i = 0; settings_card_profile_at(i, &id, &name); i++)
        cli_kv(c, "card_profile_known", "%s (%s)", id, name);
    return CLI_OK;
}

static int cmd_settings_set(struct cli *c, const struct cli_args *a)
{
    struct kwh_site s;
    struct kwh_err e;
    int rc;

    if (cli_session(c, &e) < 0 || settings_get(c->core, &s, &e) < 0)
        return cli_fail(c, &e);
    if (cli_flag(a, "unit") || cli_flag(a, "phone")) {
        if (settings_set_unit(c->core, &c->session,
                              cli_str(a, "unit") ? cli_str(a, "unit") : s.unit_name,
                              cli_str(a, "phone") ? cli_str(a, "phone") : s.unit_phone, &e) < 0)
            return cli_fail(c, &e);
    }
    if (cli_flag(a, "area") && settings_set_area_code(c->core, &c->session, cli_str(a, "area"),
                                                      cli_flag(a, "force"), &e) < 0)
        return cli_fail(c, &e);
    if (cli_flag(a, "card-profile") &&
        settings_set_card_profile(c->core, &c->session, cli_str(a, "card-profile"), &e) < 0)
        return cli_fail(c, &e);
    if (cli_flag(a, "monthly-free") || cli_flag(a, "max-amount") || cli_flag(a, "max-kwh") ||
        cli_flag(a, "reissue-fee") || cli_flag(a, "sale-mode")) {
        const char *mode = cli_str(a, "sale-mode");
        if (mode != NULL && strcmp(mode, "amount") == 0)
            s.sale_mode = KWH_BY_AMOUNT;
        else if (mode != NULL && strcmp(mode, "kwh") == 0)
            s.sale_mode = KWH_BY_KWH;
        else if (mode != NULL)
            return cli_usage(c, "--sale-mode: amount or kwh");
        if ((rc = cli_fixed(c, a, "monthly-free", 2, UNITS_MAX_CKWH, s.monthly_free_ckwh,
                            &s.monthly_free_ckwh)) != 0 ||
            (rc = cli_fixed(c, a, "max-amount", 2, UNITS_MAX_FEN, s.max_sale_fen,
                            &s.max_sale_fen)) != 0 ||
            (rc = cli_fixed(c, a, "max-kwh", 2, UNITS_MAX_CKWH, s.max_sale_ckwh,
                            &s.max_sale_ckwh)) != 0 ||
            (rc = cli_fixed(c, a, "reissue-fee", 2, UNITS_MAX_FEN, s.reissue_fee_fen,
                            &s.reissue_fee_fen)) != 0)
            return rc;
        if (settings_set_limits(c->core, &c->session, &s, &e) < 0)
            return cli_fail(c, &e);
    }
    return CLI_OK;
}

const struct cli_command cli_setup_commands[] = {
    {"init", "area= unit= phone= card-profile= no-tariffs",
     "--area CODE [--unit NAME] [--phone TEL] [--card-profile ID] "
     "[--no-tariffs]",
     N_("create a new site database (once)"), cmd_init, 0},
    {"ports", "", "",
     N_("list the card readers: serial ports with their USB descriptions and PC/SC readers"),
     cmd_ports, 0},
    {"settings show", "", "", N_("the site's settings (area code, unit, card layout, limits)"),
     cmd_settings_show, 0},
    {"settings set",
     "unit= phone= area= force card-profile= monthly-free= max-amount= max-kwh= reissue-fee= "
     "sale-mode=",
     "[--unit NAME] [--phone TEL] [--area CODE [--force]] [--card-profile ID] [--monthly-free KWH] "
     "[--max-amount YUAN] [--max-kwh KWH] [--reissue-fee YUAN] [--sale-mode amount|kwh]",
     N_("change site settings (admin)"), cmd_settings_set, 0},
    {"tariff list", "", "",
     N_("tariffs: id, name, price, accounts (and a tiered one's tiers, or shared for 合表)"),
     cmd_tariff_list, 0},
    {"tariff add", "name= price= tiers= period= start-month= kind=",
     "--name NAME --price YUAN_PER_KWH [--kind standard|shared] | --tiers KWH:P,...,P "
     "[--period annual|monthly] [--start-month M]",
     N_("add a tariff, flat or tiered (阶梯电价, admin)"), cmd_tariff_add, 0},
    {"tariff set", "tariff= name= price= tiers= period= start-month= kind= from=",
     "--tariff NAME|ID [--name NEW] [--kind standard|shared] [--price P | --tiers KWH:P,...,P "
     "[--period annual|monthly] [--start-month M]] [--from YYYY-MM-DD]",
     N_("rename, reprice or retier a tariff (admin)"), cmd_tariff_set, 0},
    {"tariff history", "tariff=", "--tariff NAME|ID",
     N_("a tariff's prices and tiers, newest first, each since when it applied"),
     cmd_tariff_history, 0},
    {"tariff delete", "tariff=", "--tariff NAME|ID", N_("delete an unused tariff (admin)"),
     cmd_tariff_delete, 0},
    {"operator list", "", "", N_("operators and roles"), cmd_operator_list, 0},
    {"operator add", "name= role=",
     "--name NAME --role admin|seller (stdin: your password, "
     "then theirs twice)",
     N_("add an operator (admin), who sets a new password at the first login"), cmd_operator_add,
     0},
    {"operator delete", "name=", "--name NAME", N_("delete an operator (admin)"),
     cmd_operator_delete, 0},
    {"operator role", "name= role=", "--name NAME --role admin|seller",
     N_("change an operator's role (admin)"), cmd_operator_role, 0},
    {"operator passwd", "name=", "[--name OTHER] (stdin: current, new, new again)",
     N_("change a password"), cmd_passwd, 0},
    {"operator unlock", "name=", "--name NAME (as an admin with --user, or as root)",
     N_("lift a lock-out after wrong passwords (admin, or root without logging in)"),
     cmd_operator_unlock, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
