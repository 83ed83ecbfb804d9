/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/cli: the command-line context, the command table, option parsing and
 * output helpers shared by the subcommand files. */
#ifndef KWHPOS_CLI_H
#define KWHPOS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kwhpos/cardio.h"
#include "kwhpos/config.h"
#include "kwhpos/core.h"
#include "kwhpos/plan.h"

/* The command line speaks the language of the message catalogue (po/): [ui] language,
 * else the environment's, else English (main.c). Keys of "key: value" lines, CSV and
 * JSON stay English for scripts. */
#define _(s) kwh_tr(s)
#define N_(s) (s)

/* Exit codes (docs/cli.md). */
enum cli_exit {
    CLI_OK = 0,
    CLI_ERROR = 1,    /* anything not listed below */
    CLI_USAGE = 2,    /* bad command line */
    CLI_NOTFOUND = 3, /* no such account, tariff, operator, file */
    CLI_DENIED = 4,   /* wrong password, locked out, role not allowed */
    CLI_REFUSED = 5,  /* a business rule refused it (limit, in use, already done) */
    CLI_CARD = 6,     /* the card or the reader */
    CLI_DATABASE = 7, /* the database */
    CLI_PENDING = 8,  /* the card write's outcome is not known yet */
    CLI_PRINT = 9,    /* not printed (any sale is done): print it again later */
    CLI_DIFFERS = 10, /* reconcile: the statement and the ledger differ */
};

/* Options of one command: "--key value" pairs, "--flag"s and positional words. */
#define CLI_MAX_OPTS 40
struct cli_args {
    int nopt;
    const char *key[CLI_MAX_OPTS];
    const char *val[CLI_MAX_OPTS]; /* NULL for a flag */
    int npos;
    const char *pos[CLI_MAX_OPTS];
};

struct cli {
    const char *prog;
    char config_path[KWH_PATH_MAX];
    bool config_given;
    struct kwh_config cfg;
    const char *db_override;
    struct kwh_core *core;
    struct kwh_card_dev dev;
    bool dev_open;
    const char *user;
    int password_fd;
    struct kwh_session session;
    bool logged_in;
    struct printer *printer;
    FILE *out;
};

typedef int (*cli_fn)(struct cli *c, const struct cli_args *a);

struct cli_command {
    const char *name;    /* "sell", "audit verify", ... */
    const char *options; /* allowed options: "customer= kwh= amount= pay= force" */
    const char *usage;   /* the argument synopsis for --help */
    const char *help;    /* one line */
    cli_fn fn;
    int args; /* the most positional words it takes (FILE, INVOICE_NO); 0 if none */
};

/* The command tables of the subcommand files, each ended by a {NULL} entry. */
extern const struct cli_command cli_setup_commands[];
extern const struct cli_command cli_vend_commands[];
extern const struct cli_command cli_money_commands[];
extern const struct cli_command cli_admin_commands[];
extern const struct cli_command cli_report_commands[];
extern const struct cli_command cli_print_commands[];
extern const struct cli_command cli_oversight_commands[];
extern const struct cli_command cli_recon_commands[];

/* Reports e on stderr as one line and returns the exit code for it. */
int cli_fail(struct cli *c, const struct kwh_err *e);
/* Reports a usage error and returns CLI_USAGE. */
int cli_usage(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Opens the database named by --db or the INI (once). */
int cli_open_core(struct cli *c, struct kwh_err *e);
/* Opens the card reader named in the INI (once) and gives it to core. */
int cli_open_reader(struct cli *c, struct kwh_err *e);
/* Logs in as --user (or $KWHPOS_USER) with the password read from --password-fd or
 * standard input (one line; never from the command line). */
int cli_login(struct cli *c, struct kwh_err *e);
/* Both: core, and a logged-in operator. */
int cli_session(struct cli *c, struct kwh_err *e);
/* The next line of the password input (after the --user's): another person's password. */
int cli_read_password(struct cli *c, char *buf, size_t n, struct kwh_err *e);

/* Option access. */
const char *cli_str(const struct cli_args *a, const char *key);
bool cli_flag(const struct cli_args *a, const char *key);
/* Parses a decimal option into an integer scaled by 10^decimals; absent -> def. */
int cli_fixed(struct cli *c, const struct cli_args *a, const char *key, int decimals, int64_t max,
              int64_t def, int64_t *out);
/* An 8-digit number option (customer or meter number); absent -> 0. */
int cli_number(struct cli *c, const struct cli_args *a, const char *key, uint32_t *out);
/* --kwh X | --amount Y, --adjust Z, --pay METHOD into a purchase request. */
int cli_purchase(struct cli *c, const struct cli_args *a, bool required,
                 struct kwh_purchase_req *p);
/* The meter options (--meter --type --rating --limit --alarm --overdraft --hoard --ct). */
int cli_meter(struct cli *c, const struct cli_args *a, struct kwh_meter *m);
/* A tariff given by name or id. */
int cli_tariff(struct cli *c, const struct cli_args *a, int64_t *id);

/* --invoice, --reason and a correction's --pay, --ref, --amount into a 冲正 request
 * (vend.c). */
int cli_reversal_req(struct cli *c, const struct cli_args *a, struct kwh_reversal_req *r);

/* The account named by --customer NO or --meter NO: its customer number (vend.c). */
int cli_account_arg(struct cli *c, const struct cli_args *a, uint32_t *no);
/* An area given as its names from the top (园区A/1栋) or #ID (oversight.c). */
int cli_area(struct cli *c, const char *text, int64_t *id);
/* --in AREA: *on says whether it was given. */
int cli_area_opt(struct cli *c, const struct cli_args *a, bool *on, int64_t *id);

/* Printing (print.c), for the commands that print after a sale (--print) and reports. */
/* Before a sale with --print: refuses (with its exit code) when nothing could be printed,
 * so nothing is sold that cannot print. */
int cli_print_ready(struct cli *c);
/* After a committed sale: prints its invoice; CLI_PRINT with the way out when it fails. */
int cli_print_invoice(struct cli *c, int64_t invoice_no);
/* Prints a report's text on the invoice printer ([print] queue); title names the job. */
int cli_print_report(struct cli *c, const char *title, const char *text);

/* Help (help.c): one command's options, values, example and exit codes. */
void cli_command_help(FILE *f, const struct cli_command *cmd);
/* An option's meaning for a command (its own, else the shared one) and its value's
 * placeholder (NULL for a flag); NULL when the option has no help. */
const char *cli_option_help(const char *command, const char *key, const char **value);
/* A command's example and the exit codes it may end with besides 0-2 ("3457"). */
const char *cli_command_example(const char *command, const char **exits);
/* What an exit code means, translated. */
const char *cli_exit_text(int code);

/* Output: "key: value" lines. */
void cli_kv(struct cli *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cli_print_customer(struct cli *c, const struct kwh_customer *cu);
/* "12.34" from an integer scaled by 10^decimals (static buffer rotation: up to 8 live). */
const char *cli_dec(int64_t v, int decimals);

#endif
