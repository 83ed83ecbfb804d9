/* SPDX-License-Identifier: Apache-2.0 */
/* kwhpos: the terminal UI by default, subcommands for admins and cron otherwise. */
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kwhpos/printer.h"
#include "kwhpos/cardreg.h"
#include "ui/ui.h"
#include "kwhpos/util.h"
#include "kwhpos/config.h"
#include "kwhpos/core.h"

#define DEFAULT_CONFIG "/etc/kwhpos/kwhpos.ini" /* also in help() */

enum { OPT_DB = 256, OPT_USER, OPT_PASSWORD_FD };

static const struct option global_opts[] = {
    {"config", required_argument, NULL, 'c'},
    {"db", required_argument, NULL, OPT_DB},
    {"user", required_argument, NULL, OPT_USER},
    {"password-fd", required_argument, NULL, OPT_PASSWORD_FD},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static const struct cli_command *const tables[] = {
    cli_setup_commands, cli_recon_commands,  cli_vend_commands,      cli_money_commands,
    cli_admin_commands, cli_report_commands, cli_oversight_commands, cli_print_commands,
};

static void help(FILE *f)
{
    fprintf(
        f,
        "%s kwhpos [-c FILE] [--db PATH] [--user NAME] [--password-fd N] [COMMAND [OPTIONS]]\n\n",
        _("usage:"));
    fputs(_("Prepaid electricity vending for IC-card meters. Without a command, the\n"
            "terminal UI starts (on a terminal). Commands that act for an operator take\n"
            "--user NAME (or $KWHPOS_USER) and read the password from standard input or\n"
            "--password-fd N.\n"),
          f);
    fprintf(f, "\n%s\n", _("global options:"));
    fprintf(f, "  -c, --config FILE   %s\n",
            _("the INI file (default /etc/kwhpos/kwhpos.ini, or $KWHPOS_CONFIG)"));
    fprintf(f, "  --db PATH           %s\n", _("the database, instead of [database] path"));
    fprintf(f, "  --user NAME         %s\n", _("the operator"));
    fprintf(f, "  --password-fd N     %s\n", _("read the password from file descriptor N"));
    fprintf(f, "  -h, --help          %s\n", _("this help; `kwhpos help COMMAND` for one command"));
    fprintf(f, "  -V, --version       %s\n", _("the version"));
    fprintf(f, "\n%s\n", _("commands:"));
    for (size_t t = 0; t < KWH_ARRAY_LEN(tables); t++)
        for (const struct cli_command *cmd = tables[t]; cmd->name; cmd++)
            fprintf(f, "  %-22s %s\n", cmd->name, _(cmd->help));
    fprintf(f, "\n%s\n", _("exit codes:"));
    for (int code = 0; code <= CLI_DIFFERS; code++)
        fprintf(f, "  %-2d %s\n", code, cli_exit_text(code));
    fprintf(f, "\n%s\n", _("See kwhpos(1), kwhpos.ini(5) and docs/cli.md."));
}

/* Finds the command named by argv[0] (and argv[1] for two-word commands). */
static const struct cli_command *find(int argc, char **argv, int *words)
{
    for (size_t t = 0; t < KWH_ARRAY_LEN(tables); t++) {
        for (const struct cli_command *cmd = tables[t]; cmd->name; cmd++) {
            const char *sp = strchr(cmd->name, ' ');
            if (sp == NULL && strcmp(cmd->name, argv[0]) == 0) {
                *words = 1;
                return cmd;
            }
            if (sp != NULL && argc >= 2 &&
                strncmp(cmd->name, argv[0], (size_t)(sp - cmd->name)) == 0 &&
                strlen(argv[0]) == (size_t)(sp - cmd->name) && strcmp(sp + 1, argv[1]) == 0) {
                *words = 2;
                return cmd;
            }
        }
    }
    return NULL;
}

/* Whether word is the first word of two-word commands ("report" of "report daily"). */
static bool is_group(const char *word)
{
    size_t n = strlen(word);
    for (size_t t = 0; t < KWH_ARRAY_LEN(tables); t++)
        for (const struct cli_command *cmd = tables[t]; cmd->name; cmd++)
            if (strncmp(cmd->name, word, n) == 0 && cmd->name[n] == ' ')
                return true;
    return false;
}

/* The second words of the group's commands, "daily, monthly, period, shift". */
static void group_words(const char *word, char *buf, size_t size)
{
    size_t n = strlen(word), used = 0;
    buf[0] = '\0';
    for (size_t t = 0; t < KWH_ARRAY_LEN(tables); t++)
        for (const struct cli_command *cmd = tables[t]; cmd->name; cmd++)
            if (strncmp(cmd->name, word, n) == 0 && cmd->name[n] == ' ') {
                int w =
                    snprintf(buf + used, size - used, "%s%s", used ? ", " : "", cmd->name + n + 1);
                if (w < 0 || (size_t)w >= size - used)
                    return;
                used += (size_t)w;
            }
}

/* The usage error for a command that is not there, naming a group's subcommands. */
static int unknown_command(struct cli *c, int argc, char **argv)
{
    char words[256];
    if (!is_group(argv[0]))
        return cli_usage(c, "unknown command '%s' (see kwhpos --help)", argv[0]);
    group_words(argv[0], words, sizeof words);
    if (argc < 2)
        return cli_usage(c, "%s needs a subcommand: %s (see kwhpos help %s)", argv[0], words,
                         argv[0]);
    return cli_usage(c, "%s: no subcommand '%s'; it is one of %s (see kwhpos help %s)", argv[0],
                     argv[1], words, argv[0]);
}

/* `kwhpos help GROUP`: each command of the group, one line each. */
static void group_help(FILE *f, const char *word)
{
    size_t n = strlen(word);
    fprintf(f, "%s commands:\n", word);
    for (size_t t = 0; t < KWH_ARRAY_LEN(tables); t++)
        for (const struct cli_command *cmd = tables[t]; cmd->name; cmd++)
            if (strncmp(cmd->name, word, n) == 0 && cmd->name[n] == ' ')
                fprintf(f, "  kwhpos %s%s%s\n      %s\n", cmd->name, cmd->usage[0] ? " " : "",
                        cmd->usage, _(cmd->help));
}

/* The command's options as getopt_long's table: "customer= kwh= force" -> --customer
 * VALUE, --kwh VALUE, --force; and --help. Returns the count; names point into buf. */
static int option_table(const char *spec, char *buf, size_t size, struct option *o, int max)
{
    int n = 0;

    str_copy(buf, size, spec);
    for (char *tok = strtok(buf, " "); tok != NULL && n < max - 2; tok = strtok(NULL, " ")) {
        size_t len = strlen(tok);
        bool value = len > 0 && tok[len - 1] == '=';
        if (value)
            tok[len - 1] = '\0';
        o[n++] = (struct option){tok, value ? required_argument : no_argument, NULL, 0};
    }
    o[n++] = (struct option){"help", no_argument, NULL, 0};
    o[n] = (struct option){NULL, 0, NULL, 0};
    return n;
}

/* getopt_long over the command's words: --key value, --key=value, --flag, positional
 * words anywhere, and -- before a word that starts with '-'. */
static int parse_args(struct cli *c, const struct cli_command *cmd, int argc, char **argv,
                      struct cli_args *a)
{
    struct option opts[CLI_MAX_OPTS + 2];
    static char names[512]; /* the keys in *a point here: they outlive the call */
    char *args[CLI_MAX_OPTS * 2 + 2];
    int idx, r;

    memset(a, 0, sizeof *a);
    if (argc > (int)KWH_ARRAY_LEN(args) - 2)
        return cli_usage(c, _("too many options"));
    /* getopt wants a program name first, and permutes what follows */
    args[0] = (char *)cmd->name;
    for (int i = 0; i < argc; i++)
        args[i + 1] = argv[i];
    args[argc + 1] = NULL;
    for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (argv[i][0] == '-' && argv[i][1] != '-' && argv[i][1] != '\0')
            return cli_usage(c,
                             _("%s: unknown option %s (options have two dashes: -%s; see "
                               "kwhpos help %s)"),
                             cmd->name, argv[i], argv[i], cmd->name);
    option_table(cmd->options, names, sizeof names, opts, (int)KWH_ARRAY_LEN(opts));
    opterr = 0;
    optind = 0; /* a fresh scan (glibc) */
    while ((r = getopt_long(argc + 1, args, ":", opts, &idx)) != -1) {
        const char *word = args[optind - 1];
        if (r == '?') {
            char key[64];
            snprintf(key, sizeof key, "%.*s", (int)strcspn(word + 2, "="), word + 2);
            return cli_usage(c, _("%s: unknown option --%s (see kwhpos help %s)"), cmd->name, key,
                             cmd->name);
        }
        if (r == ':')
            return cli_usage(c, _("%s: %s needs a value"), cmd->name, word);
        if (a->nopt == CLI_MAX_OPTS)
            return cli_usage(c, _("too many options"));
        a->key[a->nopt] = opts[idx].name;
        a->val[a->nopt] = opts[idx].has_arg ? optarg : NULL;
        a->nopt++;
    }
    for (int i = optind; i < argc + 1; i++) {
        if (a->npos == cmd->args) {
            if (cmd->args == 0)
                return cli_usage(c, _("%s: unexpected argument '%s' (see kwhpos help %s)"),
                                 cmd->name, args[i], cmd->name);
            return cli_usage(c, _("%s: too many arguments: '%s' (usage: kwhpos %s %s)"), cmd->name,
                             args[i], cmd->name, cmd->usage);
        }
        a->pos[a->npos++] = args[i];
    }
    return 0;
}

/* No command: the terminal UI on the INI's database and reader. A reader that cannot
 * be opened is not fatal: the status line says so and the clerk can fix 通讯参数设置. */
static int run_tui(struct cli *c)
{
    struct kwh_card_dev dev, *devp = NULL;
    struct kwh_err e, rerr;
    int rc;

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return cli_usage(c, "the terminal UI needs a terminal; for scripts, give a command "
                            "(see kwhpos --help)");
    if (cardreg_configured(&c->cfg)) {
        const char *what = cardreg_describe(&c->cfg);
        if (cardreg_open(&c->cfg, &dev, &rerr) == 0) {
            devp = &dev;
            kwh_log(LOG_INFO, "card reader %s connected", what);
        } else {
            kwh_log(LOG_WARNING, "card reader %s cannot be opened: %s", what, rerr.msg);
        }
    }
    /* the database is opened by the UI once the login screen is drawn */
    rc = ui_run(&c->cfg, c->db_override ? c->db_override : config_db(&c->cfg), &c->core, devp, &e);
    if (c->core != NULL)
        core_set_card_dev(c->core, NULL);
    if (devp != NULL && dev.ops->close)
        dev.ops->close(dev.ctx);
    if (rc < 0)
        return cli_fail(c, &e);
    return CLI_OK;
}

/* The command line's language without [ui] language: the environment's (LANGUAGE,
 * LC_ALL, LC_MESSAGES, LANG; zh... = Chinese), else English, so that scripts and cron
 * read the same words unless the site chose. */
static const char *env_language(void)
{
    static const char *const vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};

    for (size_t i = 0; i < KWH_ARRAY_LEN(vars); i++) {
        const char *v = getenv(vars[i]);
        if (v != NULL && *v != '\0')
            return strncmp(v, "zh", 2) == 0 ? "zh_CN" : "en";
    }
    return "en";
}

static int version(void)
{
    printf("kwhpos %s\n", KWH_VERSION);
    return CLI_OK;
}

int main(int argc, char **argv)
{
    struct cli c;
    const struct cli_command *cmd;
    struct cli_args a;
    struct kwh_err e;
    int i, words, rc, r;
    bool want_help = false;

    priv_init(); /* before anything else: the program's group only where it is needed */
    /* messages in UTF-8 whatever locales are installed (Debian has C.UTF-8 only) */
    if (setlocale(LC_ALL, "") == NULL || strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        setlocale(LC_ALL, "C.UTF-8");
    lang_setup(env_language()); /* until the INI says otherwise ([ui] language) */
    memset(&c, 0, sizeof c);
    c.prog = "kwhpos";
    c.out = stdout;
    c.password_fd = -1;
    str_copy(c.config_path, sizeof c.config_path,
             getenv("KWHPOS_CONFIG") ? getenv("KWHPOS_CONFIG") : DEFAULT_CONFIG);
    c.config_given = getenv("KWHPOS_CONFIG") != NULL;
    c.user = getenv("KWHPOS_USER");

    opterr = 0;
    /* '+': the options before the command only; the command parses its own */
    while ((r = getopt_long(argc, argv, "+:hVc:", global_opts, NULL)) != -1) {
        switch (r) {
        case 'h': want_help = true; break;
        case 'V': return version();
        case 'c':
            str_copy(c.config_path, sizeof c.config_path, optarg);
            c.config_given = true;
            break;
        case OPT_DB: c.db_override = optarg; break;
        case OPT_USER: c.user = optarg; break;
        case OPT_PASSWORD_FD: {
            char *end;
            long fd = strtol(optarg, &end, 10);
            if (optarg[0] == '\0' || *end != '\0' || fd < 0 || fd > 1024)
                return cli_usage(&c, _("--password-fd needs a file descriptor number"));
            c.password_fd = (int)fd;
            break;
        }
        case ':': return cli_usage(&c, _("%s needs a value (see kwhpos --help)"), argv[optind - 1]);
        default: return cli_usage(&c, _("unknown option %s (see kwhpos --help)"), argv[optind - 1]);
        }
    }
    i = optind;

    rc = config_load(&c.cfg, c.config_path, &e);
    if (rc == KWH_ENOTFOUND && !c.config_given)
        config_defaults(&c.cfg); /* no INI installed: defaults, --db decides */
    else if (rc < 0 && !want_help)
        return cli_fail(&c, &e);
    if (c.cfg.language_set)
        lang_setup(c.cfg.language);
    if (want_help) {
        help(stdout);
        return CLI_OK;
    }
    if (config_station_load(&c.cfg, c.db_override ? c.db_override : c.cfg.db_path, &e) < 0)
        return cli_fail(&c, &e);

    if (i >= argc) {
        rc = run_tui(&c);
        core_close(c.core);
        return rc;
    }
    if (strcmp(argv[i], "help") == 0) {
        if (i + 1 >= argc) {
            help(stdout);
            return CLI_OK;
        }
        cmd = find(argc - i - 1, argv + i + 1, &words);
        if (cmd == NULL && i + 2 == argc && is_group(argv[i + 1])) {
            group_help(stdout, argv[i + 1]);
            return CLI_OK;
        }
        if (cmd == NULL && is_group(argv[i + 1]))
            return unknown_command(&c, argc - i - 1, argv + i + 1);
        if (cmd == NULL)
            return cli_usage(&c, _("no command '%s' (see kwhpos --help)"), argv[i + 1]);
        cli_command_help(stdout, cmd);
        return CLI_OK;
    }
    if (strcmp(argv[i], "version") == 0)
        return version();
    cmd = find(argc - i, argv + i, &words);
    if (cmd == NULL)
        return unknown_command(&c, argc - i, argv + i);
    if ((rc = parse_args(&c, cmd, argc - i - words, argv + i + words, &a)) != 0)
        return rc;
    if (cli_flag(&a, "help")) {
        cli_command_help(stdout, cmd);
        return CLI_OK;
    }
    rc = cmd->fn(&c, &a);
    if (c.dev_open && c.dev.ops->close)
        c.dev.ops->close(c.dev.ctx);
    printer_free(c.printer);
    core_close(c.core);
    return rc;
}
