/* SPDX-License-Identifier: Apache-2.0 */
/* What every subcommand shares: errors and exit codes, opening the database and the
 * reader, logging in, options, output. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kwhpos/cardreg.h"
#include "kwhpos/config.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "kwhpos/core.h"
#include "kwhpos/plan.h"

static int exit_code(int code)
{
    switch (code) {
    case KWH_OK: return CLI_OK;
    case KWH_EINVAL: return CLI_USAGE;
    case KWH_ENOTFOUND: return CLI_NOTFOUND;
    case KWH_EPERM:
    case KWH_EAUTH: return CLI_DENIED;
    case KWH_ECONFLICT: return CLI_REFUSED;
    case KWH_ECARD:
    case KWH_EDEVICE: return CLI_CARD;
    case KWH_EDB: return CLI_DATABASE;
    case KWH_EPENDING: return CLI_PENDING;
    }
    return CLI_ERROR;
}

int cli_fail(struct cli *c, const struct kwh_err *e)
{
    const char *msg = e->msg[0] ? e->msg : kwh_err_name(e->code);

    /* the system's troubles to the journal; a refused input or rule is the caller's */
    if (e->code == KWH_EDB || e->code == KWH_EIO || e->code == KWH_ENOMEM)
        kwh_log(LOG_ERR, "%s", msg);
    else if (e->code == KWH_EDEVICE)
        kwh_log(LOG_WARNING, "%s", msg);
    fprintf(stderr, "%s: %s\n", c->prog, msg);
    return exit_code(e->code);
}

int cli_usage(struct cli *c, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", c->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_USAGE;
}

int cli_open_core(struct cli *c, struct kwh_err *e)
{
    int rc;

    if (c->core != NULL)
        return 0;
    rc = core_open(&c->core, c->db_override ? c->db_override : config_db(&c->cfg), e);
    if (rc == 0) {
        core_set_anchor_file(c->core, c->cfg.audit_anchors);
        core_set_station(c->core, c->cfg.station_name);
    }
    return rc;
}

int cli_open_reader(struct cli *c, struct kwh_err *e)
{
    int rc;
    if (c->dev_open)
        return 0;
    rc = cardreg_open(&c->cfg, &c->dev, e);
    if (rc < 0)
        return rc;
    c->dev_open = true;
    if (c->core) {
        core_set_card_dev(c->core, &c->dev);
        core_check_start(c->core); /* a card may be written: check the file meanwhile */
    }
    return 0;
}

/* One line from fd, without the newline; echo off when it is a terminal. */
static int read_password(int fd, char *buf, size_t n, struct kwh_err *e)
{
    struct termios old, quiet;
    bool tty = isatty(fd) && tcgetattr(fd, &old) == 0;
    size_t len = 0;

    if (tty) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fd, TCSAFLUSH, &quiet);
        fputs("password: ", stderr);
    }
    for (;;) {
        char ch;
        ssize_t r = read(fd, &ch, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == EBADF)
            return kwh_err_set(e, KWH_EAUTH,
                               "--password-fd %d: file descriptor %d is not open "
                               "(give it to the command, e.g. %d<FILE)",
                               fd, fd, fd);
        if (r < 0)
            return kwh_err_set(e, KWH_EAUTH,
                               "cannot read the password from file descriptor "
                               "%d: %s",
                               fd, strerror(errno));
        if (r == 0 || ch == '\n')
            break;
        if (len + 1 < n)
            buf[len++] = ch;
    }
    buf[len] = '\0';
    if (len > 0 && buf[len - 1] == '\r')
        buf[--len] = '\0';
    if (tty) {
        tcsetattr(fd, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (len == 0 && fd != STDIN_FILENO)
        return kwh_err_set(e, KWH_EAUTH,
                           "--password-fd %d: the password line is empty (or the "
                           "file is)",
                           fd);
    if (len == 0)
        return kwh_err_set(e, KWH_EAUTH,
                           "no password given: the first line of standard input "
                           "is empty (or use --password-fd N)");
    return 0;
}

int cli_read_password(struct cli *c, char *buf, size_t n, struct kwh_err *e)
{
    return read_password(c->password_fd >= 0 ? c->password_fd : 0, buf, n, e);
}

int cli_login(struct cli *c, struct kwh_err *e)
{
    char pw[256];
    int rc;

    if (c->logged_in)
        return 0;
    if (c->user == NULL || c->user[0] == '\0')
        return kwh_err_set(e, KWH_EAUTH,
                           "this command acts for an operator: give --user NAME "
                           "(the password is read from standard input)");
    if ((rc = read_password(c->password_fd >= 0 ? c->password_fd : 0, pw, sizeof pw, e)) < 0)
        return rc;
    rc = auth_login(c->core, c->user, pw, &c->session, e);
    memset(pw, 0, sizeof pw);
    if (rc < 0)
        return rc;
    if (c->session.must_change_password)
        return kwh_err_set(e, KWH_EPERM,
                           "operator %s must change the password first: "
                           "kwhpos operator passwd (or at the terminal)",
                           c->user);
    c->logged_in = true;
    return 0;
}

int cli_session(struct cli *c, struct kwh_err *e)
{
    int rc = cli_open_core(c, e);
    if (rc < 0)
        return rc;
    if (c->dev_open) {
        core_set_card_dev(c->core, &c->dev);
        core_check_start(c->core);
    }
    return cli_login(c, e);
}

const char *cli_str(const struct cli_args *a, const char *key)
{
    for (int i = 0; i < a->nopt; i++)
        if (strcmp(a->key[i], key) == 0)
            return a->val[i] ? a->val[i] : "";
    return NULL;
}

bool cli_flag(const struct cli_args *a, const char *key)
{
    return cli_str(a, key) != NULL;
}

int cli_fixed(struct cli *c, const struct cli_args *a, const char *key, int decimals, int64_t max,
              int64_t def, int64_t *out)
{
    const char *v = cli_str(a, key);
    struct kwh_err e;
    char what[48];
    if (v == NULL) {
        *out = def;
        return 0;
    }
    snprintf(what, sizeof what, "--%s", key);
    if (fixed_parse(v, decimals, max, what, out, &e) < 0)
        return cli_usage(c, "%s", e.msg);
    return 0;
}

int cli_number(struct cli *c, const struct cli_args *a, const char *key, uint32_t *out)
{
    const char *v = cli_str(a, key);
    *out = 0;
    if (v == NULL)
        return 0;
    if (strcmp(key, "meter") == 0) {
        /* a meter number is 8 digits as printed on the meter: "1234567" is a typo, not
         * 01234567 */
        struct kwh_err e;
        if (meter_no_parse(v, "--meter", out, &e) < 0)
            return cli_usage(c, "%s", e.msg);
        return 0;
    }
    if (strlen(v) == 0 || strlen(v) > 8 || strspn(v, "0123456789") != strlen(v))
        return cli_usage(c, "--%s '%s': up to 8 digits", key, v);
    *out = (uint32_t)strtoul(v, NULL, 10);
    return 0;
}

int cli_purchase(struct cli *c, const struct cli_args *a, bool required, struct kwh_purchase_req *p)
{
    int rc;
    memset(p, 0, sizeof *p);
    if (cli_flag(a, "kwh") && cli_flag(a, "amount"))
        return cli_usage(c, "give --kwh or --amount, not both");
    if (cli_flag(a, "kwh")) {
        p->mode = KWH_BY_KWH;
        if ((rc = cli_fixed(c, a, "kwh", 2, UNITS_MAX_CKWH, 0, &p->value)) != 0)
            return rc;
    } else if (cli_flag(a, "amount")) {
        p->mode = KWH_BY_AMOUNT;
        if ((rc = cli_fixed(c, a, "amount", 2, UNITS_MAX_FEN, 0, &p->value)) != 0)
            return rc;
    } else if (required) {
        return cli_usage(c, "give --kwh ENERGY or --amount YUAN");
    }
    if ((rc = cli_fixed(c, a, "adjust", 2, UNITS_MAX_CKWH, 0, &p->adjust_ckwh)) != 0)
        return rc;
    if (cli_flag(a, "pay")) {
        p->pay_method = model_pay_parse(cli_str(a, "pay"));
        if (p->pay_method < 0)
            return cli_usage(c, "--pay: cash, wechat, alipay, card, transfer or other");
    }
    if (cli_flag(a, "ref") && !str_copy(p->pay_ref, sizeof p->pay_ref, cli_str(a, "ref")))
        return cli_usage(c, "--ref: at most %d characters", KWH_REF_MAX - 1);
    return 0;
}

int cli_meter(struct cli *c, const struct cli_args *a, struct kwh_meter *m)
{
    const char *type = cli_str(a, "type");
    int64_t v;
    int rc;

    /* a new account's meter starts from the same defaults as on the screen */
    open_meter_defaults(m);
    if ((rc = cli_number(c, a, "meter", &m->meter_no)) != 0)
        return rc;
    if (type != NULL && (m->meter_type = model_meter_type_parse(type)) < 0)
        return cli_usage(c, "--type: single (单相), ct (三相互感) or direct (三相直通)");
    if ((rc = cli_fixed(c, a, "rating", 0, 1000, m->rating_a, &v)) != 0)
        return rc;
    m->rating_a = (int)v;
    /* the limit is the rating unless given */
    if ((rc = cli_fixed(c, a, "limit", 0, 1000, m->rating_a, &v)) != 0)
        return rc;
    m->current_limit_a = (int)v;
    if ((rc = cli_fixed(c, a, "alarm", 2, UNITS_MAX_CKWH, m->alarm_ckwh, &m->alarm_ckwh)) != 0 ||
        (rc = cli_fixed(c, a, "overdraft", 2, UNITS_MAX_CKWH, m->overdraft_ckwh,
                        &m->overdraft_ckwh)) != 0 ||
        (rc = cli_fixed(c, a, "hoard", 2, UNITS_MAX_CKWH, m->hoard_ckwh, &m->hoard_ckwh)) != 0)
        return rc;
    if ((rc = cli_fixed(c, a, "ct", 0, 10000, m->ct_ratio, &v)) != 0)
        return rc;
    m->ct_ratio = (int)v;
    return 0;
}

int cli_tariff(struct cli *c, const struct cli_args *a, int64_t *id)
{
    const char *v = cli_str(a, "tariff");
    struct kwh_tariff *t;
    size_t n;
    struct kwh_err e;
    int rc = CLI_NOTFOUND;

    if (v == NULL)
        return cli_usage(c, "give --tariff NAME (see kwhpos tariff list)");
    if (tariff_list(c->core, &t, &n, &e) < 0)
        return cli_fail(c, &e);
    for (size_t i = 0; i < n; i++) {
        char idtext[24];
        snprintf(idtext, sizeof idtext, "%lld", (long long)t[i].id);
        if (strcmp(t[i].name, v) == 0 || strcmp(idtext, v) == 0) {
            *id = t[i].id;
            rc = 0;
        }
    }
    free(t);
    if (rc != 0)
        fprintf(stderr, "%s: no tariff '%s' (see kwhpos tariff list)\n", c->prog, v);
    return rc;
}

void cli_kv(struct cli *c, const char *key, const char *fmt, ...)
{
    va_list ap;
    fprintf(c->out, "%s: ", key);
    va_start(ap, fmt);
    vfprintf(c->out, fmt, ap);
    va_end(ap);
    fputc('\n', c->out);
}

const char *cli_dec(int64_t v, int decimals)
{
    static char bufs[8][32];
    static int next;
    char *b = bufs[next++ % 8];
    fixed_format(v, decimals, b, sizeof bufs[0]);
    return b;
}

void cli_print_customer(struct cli *c, const struct kwh_customer *cu)
{
    cli_kv(c, "customer", "%08u", cu->customer_no);
    cli_kv(c, "name", "%s", cu->name);
    cli_kv(c, "address", "%s", cu->address);
    cli_kv(c, "phone", "%s", cu->phone);
    cli_kv(c, "status", "%s", model_status_name(cu->status));
    cli_kv(c, "meter", "%08u", cu->meter.meter_no);
    cli_kv(c, "meter_type", "%s", model_meter_type_name(cu->meter.meter_type));
    cli_kv(c, "rating_a", "%d", cu->meter.rating_a);
    cli_kv(c, "limit_a", "%d", cu->meter.current_limit_a);
    cli_kv(c, "alarm_kwh", "%s", cli_dec(cu->meter.alarm_ckwh, 2));
    cli_kv(c, "overdraft_kwh", "%s", cli_dec(cu->meter.overdraft_ckwh, 2));
    cli_kv(c, "hoard_kwh", "%s", cli_dec(cu->meter.hoard_ckwh, 2));
    cli_kv(c, "ct_ratio", "%d", cu->meter.ct_ratio);
    cli_kv(c, "tariff", "%s", cu->tariff_name);
    cli_kv(c, "price", "%s", cli_dec(cu->price, 4));
    cli_kv(c, "purchase_count", "%d", cu->purchase_count);
    cli_kv(c, "card_generation", "%d", cu->card_gen);
    cli_kv(c, "balance_kwh", "%s", cli_dec(cu->balance_ckwh, 2));
    if (cu->period_start != 0) {
        cli_kv(c, "tier_period", "%04d-%02d", cu->period_start / 100, cu->period_start % 100);
        cli_kv(c, "tier_period_kwh", "%s", cli_dec(cu->period_ckwh, 2));
    }
    if (cu->tier_extra_ckwh != 0)
        cli_kv(c, "tier_extra_kwh", "%s", cli_dec(cu->tier_extra_ckwh, 2));
    if (cu->arrears_fen != 0)
        cli_kv(c, "arrears", "%s", cli_dec(cu->arrears_fen, 2));
}
