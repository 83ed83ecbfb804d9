/* SPDX-License-Identifier: Apache-2.0 */
/* Setting a site up: init, settings, tariffs, operators, ports. */
#include <stdio.h>
#include <syslog.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kwhpos/config.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "kwhpos/core.h"

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

static int cmd_tariff_list(struct cli *c, const struct cli_args *a)
{
    struct kwh_tariff *t;
    size_t n;
    struct kwh_err e;
    (void)a;
    if (cli_open_core(c, &e) < 0 || tariff_list(c->core, &t, &n, &e) < 0)
        return cli_fail(c, &e);
    for (size_t i = 0; i < n; i++)
        fprintf(c->out, "%lld\t%s\t%s\t%lld\n", (long long)t[i].id, t[i].name,
                cli_dec(t[i].price, 4), (long long)t[i].customers);
    free(t);
    return CLI_OK;
}

static int cmd_tariff_add(struct cli *c, const struct cli_args *a)
{
    int64_t price, id;
    struct kwh_err e;
    int rc;
    if (cli_str(a, "name") == NULL || cli_str(a, "price") == NULL)
        return cli_usage(c, "tariff add: --name NAME --price YUAN_PER_KWH");
    if ((rc = cli_fixed(c, a, "price", 4, UNITS_MAX_PRICE, 0, &price)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 ||
        tariff_add(c->core, &c->session, cli_str(a, "name"), price, &id, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "%lld\n", (long long)id);
    return CLI_OK;
}

static int cmd_tariff_set(struct cli *c, const struct cli_args *a)
{
    struct kwh_tariff t;
    int64_t id, price;
    struct kwh_err e;
    int rc;
    if (cli_open_core(c, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = cli_tariff(c, a, &id)) != 0)
        return rc;
    if (tariff_get(c->core, id, &t, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = cli_fixed(c, a, "price", 4, UNITS_MAX_PRICE, t.price, &price)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 ||
        tariff_update(c->core, &c->session, id, cli_str(a, "name") ? cli_str(a, "name") : t.name,
                      price, &e) < 0)
        return cli_fail(c, &e);
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
    {"tariff list", "", "", N_("tariffs: id, name, price, accounts"), cmd_tariff_list, 0},
    {"tariff add", "name= price=", "--name NAME --price YUAN_PER_KWH", N_("add a tariff (admin)"),
     cmd_tariff_add, 0},
    {"tariff set", "tariff= name= price=", "--tariff NAME|ID [--name NEW] [--price P]",
     N_("rename or reprice a tariff (admin)"), cmd_tariff_set, 0},
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
