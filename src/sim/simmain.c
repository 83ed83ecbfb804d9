/* SPDX-License-Identifier: Apache-2.0 */
/* kwhsim: the card reader and meter simulator (docs/simulator.md). */
#include "sim.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kwhpos/serial.h"
#include "kwhpos/util.h"
#include "simlayout.h"

static const char usage[] =
    "usage: kwhsim [--dir DIR] [--profile ID] COMMAND [ARGS]\n"
    "\n"
    "A card reader on a pseudo-terminal (or a card behind pcscd's vpcd reader), cards\n"
    "as files, meters as files.\n"
    "DIR (default: $KWHSIM_DIR, else .) holds the reader link, the control socket,\n"
    "the cards (NAME.card) and the meters (meter-NUMBER.txt).\n"
    "ID (default: $KWHSIM_PROFILE, else kwh1) is the card layout new meters read and\n"
    "card-piece looks at: kwh1 (kwhpos's own), test (for the test suites only).\n"
    "\n"
    "The reader:\n"
    "  serve [--baud N] [--card-timing]   play the reader on DIR/reader until stopped;\n"
    "                                     --card-timing: 5 ms per card byte written and\n"
    "                                     real wire time at N baud (default 9600)\n"
    "  serve --vpcd PORT [--vpcd-reader NAME] [--card-timing]\n"
    "                                     play the card in pcscd's vpcd reader instead\n"
    "                                     (vsmartcard-vpcd listening on 127.0.0.1:PORT;\n"
    "                                     NAME: pcscd's name for it, default Virtual PCD 00 00)\n"
    "  insert CARD                        put a card in the reader\n"
    "  eject                              take it out\n"
    "  status                             port, card, faults\n"
    "  fault pull N                       pull the card after N more bytes written\n"
    "  fault garble N [COUNT]             garble the Nth answer from now (and COUNT-1 more)\n"
    "  fault mute                         stop answering\n"
    "  fault stall                        stop answering at the next write, writing nothing\n"
    "  fault vanish                       close the port\n"
    "  fault clear                        back to normal (a vanished port comes back)\n"
    "  stop                               stop the server\n"
    "\n"
    "Cards (CARD is NAME for DIR/NAME.card, or a path):\n"
    "  new-card CARD [--psc HEX] [--tries N] [--force]   a factory-new card\n"
    "  card-show CARD                     PSC state and memory\n"
    "%s"
    "%s"
    "\n"
    "Every command prints one line \"kwhsim: ...\" on stderr and exits non-zero when it\n"
    "cannot do what was asked. See docs/simulator.md.\n";

int sim_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "kwhsim: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    return 2;
}

static bool parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;

    if (s == NULL || *s == '\0')
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static int cmd_serve(const char *dir, int argc, char **argv)
{
    struct sim_serve_opts o = {.dir = dir,
                               .baud = 9600,
                               .card_timing = false,
                               .vpcd_port = 0,
                               .vpcd_reader = "Virtual PCD 00 00"};
    long v;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--card-timing") == 0) {
            o.card_timing = true;
        } else if (strcmp(argv[i], "--baud") == 0 && i + 1 < argc) {
            if (!parse_int(argv[++i], 1200, 230400, &v) || !serial_baud_valid((int)v))
                return sim_fail("--baud %s: use 1200, 2400, 4800, 9600, 19200, 38400, 57600, "
                                "115200 or 230400",
                                argv[i]);
            o.baud = (int)v;
        } else if (strcmp(argv[i], "--vpcd") == 0 && i + 1 < argc) {
            if (!parse_int(argv[++i], 1, 65534, &v))
                return sim_fail("--vpcd %s: give vpcd's TCP port (1 to 65534; its DEVICENAME "
                                "in reader.conf says /dev/null:PORT)",
                                argv[i]);
            o.vpcd_port = (int)v;
        } else if (strcmp(argv[i], "--vpcd-reader") == 0 && i + 1 < argc) {
            o.vpcd_reader = argv[++i];
        } else {
            return sim_fail("serve: unexpected \"%s\" (usage: kwhsim serve --dir DIR [--baud N | "
                            "--vpcd PORT] [--card-timing])",
                            argv[i]);
        }
    }
    return simserve_run(&o);
}

static int cmd_new_card(const char *dir, int argc, char **argv)
{
    struct sim_card c;
    struct kwh_err e;
    char path[PATH_MAX];
    bool force = false;
    struct stat st;
    long v;

    if (argc < 1 || argv[0][0] == '-')
        return sim_fail("%s", "new-card: name the card (kwhsim new-card CARD)");
    if (!sim_card_path(dir, argv[0], path, sizeof path))
        return sim_fail("new-card: the name %s is too long", argv[0]);
    simcard_blank(&c);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--force") == 0) {
            force = true;
        } else if (strcmp(argv[i], "--tries") == 0 && i + 1 < argc) {
            if (!parse_int(argv[++i], 0, KWH_PSC_TRIES, &v))
                return sim_fail("--tries %s: use 0, 1, 2 or 3", argv[i]);
            c.tries = (int)v;
        } else if (strcmp(argv[i], "--psc") == 0 && i + 1 < argc) {
            unsigned long p;
            char *end;
            const char *s = argv[++i];
            p = strtoul(s, &end, 16);
            if (strlen(s) != 6 || *end != '\0')
                return sim_fail("--psc %s: give 3 bytes as 6 hex digits, like ffffff", s);
            c.psc[0] = (uint8_t)(p >> 16);
            c.psc[1] = (uint8_t)(p >> 8);
            c.psc[2] = (uint8_t)p;
        } else {
            return sim_fail("new-card: unexpected \"%s\"", argv[i]);
        }
    }
    if (!force && stat(path, &st) == 0)
        return sim_fail("%s exists: use --force to replace it with a blank card", path);
    if (simcard_save(path, &c, &e) < 0)
        return sim_fail("%s", e.msg);
    printf("blank card %s\n", path);
    return 0;
}

/* Loads a card file as card-show and insert both do, so a bad file is the same error
 * (exit 2) from both. */
static int load_card(const char *what, const char *path, struct sim_card *c)
{
    struct kwh_err e;
    struct stat st;

    if (stat(path, &st) != 0)
        return sim_fail("%s: no card file %s: make one with `kwhsim new-card`", what, path);
    if (S_ISREG(st.st_mode) && st.st_size == 0)
        return sim_fail("%s: %s is an empty file, not a card: make one with `kwhsim new-card`",
                        what, path);
    if (simcard_load(path, c, &e) < 0)
        return sim_fail("%s", e.msg);
    return 0;
}

static int cmd_card_show(const char *dir, int argc, char **argv)
{
    struct sim_card c;
    char path[PATH_MAX];
    int rc;

    if (argc != 1)
        return sim_fail("%s", "card-show: usage: kwhsim card-show CARD");
    if (!sim_card_path(dir, argv[0], path, sizeof path))
        return sim_fail("card-show: the name %s is too long", argv[0]);
    if ((rc = load_card("card-show", path, &c)) != 0)
        return rc;
    printf("card %s\npsc %02x%02x%02x\ntries %d%s\n", path, c.psc[0], c.psc[1], c.psc[2], c.tries,
           c.tries == 0 ? " (locked)" : "");
    for (int row = 0; row < 16; row++) {
        printf("%02x:", row * 16);
        for (int i = 0; i < 16; i++)
            printf(" %02x", c.mem[row * 16 + i]);
        printf("\n");
    }
    return 0;
}

/* The server's commands' usage, checked here so a usage error is exit 2 with the
 * command's own usage, the same whether or not a server is running. */
static int remote_usage(const char *verb, int argc, char **argv)
{
    static const char fault_usage[] =
        "fault: usage: kwhsim fault pull N | garble N [COUNT] | mute | stall | vanish | clear";
    long v;

    if (strcmp(verb, "insert") == 0)
        return argc == 1 ? 0 : sim_fail("%s", "insert: usage: kwhsim insert CARD");
    if (strcmp(verb, "fault") != 0)
        return argc == 0 ? 0 : sim_fail("%s: usage: kwhsim %s (no arguments)", verb, verb);
    if (argc == 0)
        return sim_fail("%s", fault_usage);
    if (strcmp(argv[0], "pull") == 0 && argc == 2 && parse_int(argv[1], 0, LONG_MAX, &v))
        return 0;
    if (strcmp(argv[0], "garble") == 0 && (argc == 2 || argc == 3) &&
        parse_int(argv[1], 1, LONG_MAX, &v) && (argc == 2 || parse_int(argv[2], 1, LONG_MAX, &v)))
        return 0;
    if ((strcmp(argv[0], "mute") == 0 || strcmp(argv[0], "stall") == 0 ||
         strcmp(argv[0], "vanish") == 0 || strcmp(argv[0], "clear") == 0) &&
        argc == 1)
        return 0;
    return sim_fail("%s", fault_usage);
}

/* Commands the server runs: the arguments are passed on as one line. */
static int cmd_remote(const char *dir, const char *verb, int argc, char **argv)
{
    char line[PATH_MAX + 64];
    int w = snprintf(line, sizeof line, "%s", verb);
    int rc;

    if ((rc = remote_usage(verb, argc, argv)) != 0)
        return rc;

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        char path[PATH_MAX], real[PATH_MAX];

        if (strcmp(verb, "insert") == 0 && i == 0) {
            struct sim_card c;
            if (!sim_card_path(dir, a, path, sizeof path))
                return sim_fail("insert: the name %s is too long", a);
            if ((rc = load_card("insert", path, &c)) != 0)
                return rc;
            if (realpath(path, real) == NULL)
                return sim_fail("insert: no card file %s: make one with `kwhsim new-card`", path);
            a = real;
        }
        if (strpbrk(a, " \n\r") != NULL)
            return sim_fail("\"%s\": spaces and line breaks are not allowed here", a);
        w += snprintf(line + w, sizeof line - (size_t)w, " %s", a);
        if ((size_t)w >= sizeof line)
            return sim_fail("%s: arguments too long", verb);
    }
    return simctl_request(dir, line, stdout, stderr);
}

int main(int argc, char **argv)
{
    const char *dir = getenv("KWHSIM_DIR");
    const char *profile = NULL;
    char *args[64];
    int n = 0, status;
    const char *verb;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dir") == 0) {
            if (i + 1 >= argc)
                return sim_fail("%s", "--dir needs a directory");
            dir = argv[++i];
        } else if (strncmp(argv[i], "--dir=", 6) == 0) {
            dir = argv[i] + 6;
        } else if (strcmp(argv[i], "--profile") == 0 || strncmp(argv[i], "--profile=", 10) == 0) {
            const char *id = argv[i][9] == '=' ? argv[i] + 10 : i + 1 < argc ? argv[++i] : NULL;
            if (id == NULL)
                return sim_fail("%s", "--profile needs a card layout (kwh1 or test)");
            profile = id;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf(usage, sim_layout_usage, sim_meter_usage);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("kwhsim %s\n", KWH_VERSION);
            return 0;
        } else if (n < (int)KWH_ARRAY_LEN(args)) {
            args[n++] = argv[i];
        } else {
            return sim_fail("%s", "too many arguments");
        }
    }
    if (dir == NULL || *dir == '\0')
        dir = ".";
    if (profile == NULL && (profile = getenv("KWHSIM_PROFILE")) != NULL && *profile == '\0')
        profile = NULL;
    if (profile != NULL && !sim_profile_set(profile))
        return sim_fail("card layout \"%s\" (--profile or $KWHSIM_PROFILE): no such layout; use "
                        "kwh1 (kwhpos's own) or test",
                        profile);
    if (n == 0) {
        fprintf(stderr, usage, sim_layout_usage, sim_meter_usage);
        return 2;
    }
    verb = args[0];
    if (strcmp(verb, "serve") == 0)
        return cmd_serve(dir, n - 1, args + 1);
    if (strcmp(verb, "new-card") == 0)
        return cmd_new_card(dir, n - 1, args + 1);
    if (strcmp(verb, "card-show") == 0)
        return cmd_card_show(dir, n - 1, args + 1);
    if (strcmp(verb, "insert") == 0 || strcmp(verb, "eject") == 0 || strcmp(verb, "status") == 0 ||
        strcmp(verb, "fault") == 0 || strcmp(verb, "stop") == 0)
        return cmd_remote(dir, verb, n - 1, args + 1);
    if (sim_meter_command(dir, verb, n - 1, args + 1, &status))
        return status;
    return sim_fail("unknown command \"%s\": see kwhsim --help", verb);
}
