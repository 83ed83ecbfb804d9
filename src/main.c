/* kwhpos: the terminal UI by default, subcommands for admins and cron otherwise. */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kwhpos/printer.h"
#include "kwhpos/cardreg.h"
#include "ui/ui.h"
#include "kwhpos/util.h"

#define DEFAULT_CONFIG "/etc/kwhpos/kwhpos.ini"

static const struct cli_command *const tables[] = {
    cli_setup_commands,  cli_vend_commands,  cli_admin_commands,
    cli_report_commands, cli_print_commands,
};

static void help(FILE *f)
{
    fprintf(
        f,
        "usage: kwhpos [-c FILE] [--db PATH] [--user NAME] [--password-fd N] [COMMAND [OPTIONS]]\n"
        "\n"
        "Prepaid electricity vending for IC-card meters. Without a command, the\n"
        "terminal UI starts (on a terminal). Commands that act for an operator take --user NAME "
        "(or\n"
        "$KWHPOS_USER) and read the password from standard input or --password-fd N.\n"
        "\n"
        "global options:\n"
        "  -c, --config FILE   the INI file (default %s, or $KWHPOS_CONFIG)\n"
        "  --db PATH           the database, instead of [database] path\n"
        "  --user NAME         the operator\n"
        "  --password-fd N     read the password from file descriptor N\n"
        "  -h, --help          this help; `kwhpos help COMMAND` for one command\n"
        "  -V, --version       the version\n"
        "\n"
        "commands:\n",
        DEFAULT_CONFIG);
    for (size_t t = 0; t < KWH_ARRAY_LEN(tables); t++)
        for (const struct cli_command *cmd = tables[t]; cmd->name; cmd++)
            fprintf(f, "  %-22s %s\n", cmd->name, cmd->help);
    fprintf(f, "\nExit codes: 0 done, 1 error, 2 usage, 3 not found, 4 denied, 5 refused,\n"
               "6 card or reader, 7 database, 8 card write pending, 9 not printed (a sale is\n"
               "done; print it again). See docs/cli.md and docs/printing.md.\n");
}

static void command_help(FILE *f, const struct cli_command *cmd)
{
    fprintf(f, "usage: kwhpos %s%s%s\n  %s\n", cmd->name, cmd->usage[0] ? " " : "", cmd->usage,
            cmd->help);
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
                        cmd->usage, cmd->help);
}

/* Whether key is among the allowed options ("a= b c="); *takes: whether it has a value. */
static bool allowed(const char *spec, const char *key, bool *takes)
{
    size_t n = strlen(key);
    const char *p = spec;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *end = p;
        while (*end && *end != ' ')
            end++;
        size_t len = (size_t)(end - p);
        bool value = len > 0 && p[len - 1] == '=';
        if ((value ? len - 1 : len) == n && strncmp(p, key, n) == 0) {
            *takes = value;
            return true;
        }
        p = end;
    }
    return false;
}

static int parse_args(struct cli *c, const struct cli_command *cmd, int argc, char **argv,
                      struct cli_args *a)
{
    bool options = true;
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        bool takes;
        if (options && strcmp(argv[i], "--") == 0) {
            options = false; /* what follows is an argument even when it starts with - */
            continue;
        }
        if (options && argv[i][0] == '-' && argv[i][1] != '-' && argv[i][1] != '\0')
            return cli_usage(c,
                             "%s: unknown option %s (options have two dashes: -%s; see "
                             "kwhpos help %s)",
                             cmd->name, argv[i], argv[i], cmd->name);
        if (!options || strncmp(argv[i], "--", 2) != 0) {
            if (a->npos == cmd->args) {
                if (cmd->args == 0)
                    return cli_usage(c, "%s: unexpected argument '%s' (see kwhpos help %s)",
                                     cmd->name, argv[i], cmd->name);
                return cli_usage(c, "%s: too many arguments: '%s' (usage: kwhpos %s %s)", cmd->name,
                                 argv[i], cmd->name, cmd->usage);
            }
            a->pos[a->npos++] = argv[i];
            continue;
        }
        const char *key = argv[i] + 2;
        if (strcmp(key, "help") == 0)
            takes = false;
        else if (!allowed(cmd->options, key, &takes))
            return cli_usage(c, "%s: unknown option --%s (see kwhpos help %s)", cmd->name, key,
                             cmd->name);
        if (a->nopt == CLI_MAX_OPTS)
            return cli_usage(c, "too many options");
        a->key[a->nopt] = key;
        if (takes) {
            if (i + 1 >= argc)
                return cli_usage(c, "%s: --%s needs a value", cmd->name, key);
            a->val[a->nopt] = argv[++i];
        }
        a->nopt++;
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
    if (cli_open_core(c, &e) < 0)
        return cli_fail(c, &e);
    if (cardreg_configured(&c->cfg) && cardreg_open(&c->cfg, &dev, &rerr) == 0)
        devp = &dev;
    core_set_card_dev(c->core, devp);
    rc = ui_run(&c->cfg,
                c->config_given || access(c->config_path, W_OK) == 0 ? c->config_path : NULL,
                &c->core, devp, &e);
    if (c->core != NULL)
        core_set_card_dev(c->core, NULL);
    if (devp != NULL && dev.ops->close)
        dev.ops->close(dev.ctx);
    if (rc < 0)
        return cli_fail(c, &e);
    return CLI_OK;
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
    int i, words, rc;

    setlocale(LC_ALL, "");
    memset(&c, 0, sizeof c);
    c.prog = "kwhpos";
    c.out = stdout;
    c.password_fd = -1;
    str_copy(c.config_path, sizeof c.config_path,
             getenv("KWHPOS_CONFIG") ? getenv("KWHPOS_CONFIG") : DEFAULT_CONFIG);
    c.config_given = getenv("KWHPOS_CONFIG") != NULL;
    c.user = getenv("KWHPOS_USER");

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
            help(stdout);
            return CLI_OK;
        } else if (strcmp(opt, "-V") == 0 || strcmp(opt, "--version") == 0) {
            return version();
        } else if ((strcmp(opt, "-c") == 0 || strcmp(opt, "--config") == 0) && i + 1 < argc) {
            str_copy(c.config_path, sizeof c.config_path, argv[++i]);
            c.config_given = true;
        } else if (strcmp(opt, "--db") == 0 && i + 1 < argc) {
            c.db_override = argv[++i];
        } else if (strcmp(opt, "--user") == 0 && i + 1 < argc) {
            c.user = argv[++i];
        } else if (strcmp(opt, "--password-fd") == 0 && i + 1 < argc) {
            char *end;
            long fd = strtol(argv[++i], &end, 10);
            if (*end != '\0' || fd < 0 || fd > 1024)
                return cli_usage(&c, "--password-fd needs a file descriptor number");
            c.password_fd = (int)fd;
        } else {
            return cli_usage(&c, "unknown option %s (see kwhpos --help)", opt);
        }
    }

    rc = config_load(&c.cfg, c.config_path, &e);
    if (rc == KWH_ENOTFOUND && !c.config_given)
        config_defaults(&c.cfg); /* no INI installed: defaults, --db decides */
    else if (rc < 0)
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
            return cli_usage(&c, "no command '%s' (see kwhpos --help)", argv[i + 1]);
        command_help(stdout, cmd);
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
        command_help(stdout, cmd);
        return CLI_OK;
    }
    rc = cmd->fn(&c, &a);
    if (c.dev_open && c.dev.ops->close)
        c.dev.ops->close(c.dev.ctx);
    printer_free(c.printer);
    core_close(c.core);
    return rc;
}
