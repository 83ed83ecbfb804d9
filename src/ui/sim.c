/* SPDX-License-Identifier: Apache-2.0 */
/* The demo simulator panel (F12, [ui] demo = true): moves the card between the reader
 * and the meters, uses energy and shows a meter's display by running kwhsim's control
 * commands, and shows what they print. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kwhpos/util.h"
#include "ui/widgets.h"

#define OUT_MAX 4096
#define RUN_TIMEOUT_MS 10000
#define CARDS_MAX 32
#define CARD_NAME_MAX 64

enum { ASK_NONE = 0, ASK_CARD = 1, ASK_METER = 2, ASK_KWH = 4 };

struct sim_cmd {
    const char *label; /* msgid */
    const char *verb;
    int ask;
    const char *args[3]; /* given as they are, after the verb */
};

static const struct sim_cmd cmds[] = {
    {N_("Card into the reader"), "insert", ASK_CARD, {NULL}},
    {N_("Card out of the reader"), "eject", ASK_NONE, {NULL}},
    {N_("Card into a meter"), "meter-insert", ASK_METER | ASK_CARD, {NULL}},
    {N_("Use energy on a meter"), "use", ASK_METER | ASK_KWH, {NULL}},
    {N_("Show a meter's display"), "show", ASK_METER, {NULL}},
    {N_("New blank card"), "new-card", ASK_CARD, {NULL}},
    {N_("Reader status"), "status", ASK_NONE, {NULL}},
    /* faults, for training: what the clerk sees when the card or the reader misbehaves */
    {N_("Fault: the card is pulled out during the next write"), "fault", ASK_NONE, {"pull", "3"}},
    {N_("Fault: bad contact (garbled answers)"), "fault", ASK_NONE, {"garble", "1", "3"}},
    {N_("Clear the faults"), "fault", ASK_NONE, {"clear"}},
    /* verb NULL: the demo's own guide (DIR/demo.txt, written with the demo site); last,
       so Left from the first entry reaches it */
    {N_("What the demo holds: operators, customers, cards"), NULL, ASK_NONE, {NULL}},
};

static char last_card[CARD_NAME_MAX];
static char last_meter[16];

/* $KWHSIM, else the kwhsim beside the running program, else kwhsim from PATH. */
static void kwhsim_path(char *buf, size_t n)
{
    char self[PATH_MAX];
    const char *env = priv_getenv("KWHSIM");
    ssize_t k;

    if (env != NULL && *env) {
        snprintf(buf, n, "%s", env);
        return;
    }
    k = readlink("/proc/self/exe", self, sizeof self - 1);
    if (k > 0) {
        char *slash;
        self[k] = '\0';
        slash = strrchr(self, '/');
        if (slash != NULL) {
            *slash = '\0';
            if (snprintf(buf, n, "%s/kwhsim", self) < (int)n && access(buf, X_OK) == 0)
                return;
        }
    }
    snprintf(buf, n, "kwhsim");
}

/* Runs kwhsim with argv, collecting stdout and stderr into out. */
static int run(char *const argv[], char *out, size_t n)
{
    int fd[2], status = 0;
    size_t used = 0;
    pid_t pid;
    struct timespec start;

    out[0] = '\0';
    if (pipe(fd) < 0)
        return snprintf(out, n, "pipe: %s", strerror(errno)), -1;
    pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return snprintf(out, n, "fork: %s", strerror(errno)), -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, STDIN_FILENO);
        dup2(fd[1], STDOUT_FILENO);
        dup2(fd[1], STDERR_FILENO);
        close(fd[0]);
        close(fd[1]);
        priv_drop_for_exec();
        execvp(argv[0], argv);
        fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fd[1]);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct pollfd p = {.fd = fd[0], .events = POLLIN};
        struct timespec now;
        long ms;
        ssize_t k;
        char tmp[512];

        clock_gettime(CLOCK_MONOTONIC, &now);
        ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (ms >= RUN_TIMEOUT_MS) {
            kill(pid, SIGKILL);
            break;
        }
        if (poll(&p, 1, (int)(RUN_TIMEOUT_MS - ms)) <= 0)
            continue;
        k = read(fd[0], tmp, sizeof tmp);
        if (k <= 0)
            break;
        if (used + (size_t)k >= n)
            k = (ssize_t)(n - 1 - used);
        memcpy(out + used, tmp, (size_t)k);
        used += (size_t)k;
        out[used] = '\0';
    }
    close(fd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int name_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The names of the card files (NAME.card) in the simulator's directory, sorted; names
 * points into store. */
static int list_cards(const char *dir, char store[][CARD_NAME_MAX], const char **names)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    if (d == NULL)
        return 0;
    while (n < CARDS_MAX && (de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len <= 5 || len - 5 >= CARD_NAME_MAX ||
            strcmp(de->d_name + len - 5, ".card") != 0)
            continue;
        memcpy(store[n], de->d_name, len - 5);
        store[n][len - 5] = '\0';
        names[n] = store[n];
        n++;
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, name_cmp);
    return n;
}

static bool ask(struct app *a, const struct sim_cmd *c, char *card, char *meter, char *kwh)
{
    static char store[CARDS_MAX][CARD_NAME_MAX];
    const char *names[CARDS_MAX];
    struct field f[3];
    int n = 0, icard = -1, imeter = -1, ikwh = -1, ncards = 0;

    memset(f, 0, sizeof f);
    if (c->ask & ASK_METER) {
        char buf[16];
        imeter = n;
        f[n++] = (struct field){.label = N_("Meter number"),
                                .kind = FK_DIGITS,
                                .row = n,
                                .minlen = 8,
                                .maxlen = 8,
                                .required = true};
        /* the meter of the card read last, else the meter used last */
        if (a->rd_meter != 0)
            snprintf(buf, sizeof buf, "%08" PRIu32, a->rd_meter);
        else
            str_copy(buf, sizeof buf, last_meter);
        ledit_set(&f[imeter].ed, buf);
    }
    if (c->ask & ASK_CARD) {
        icard = n;
        if (strcmp(c->verb, "new-card") != 0)
            ncards = list_cards(a->cfg.sim_dir, store, names);
        if (ncards > 0) {
            /* a card that exists, the one used last first */
            f[n++] = (struct field){.label = N_("Card name"),
                                    .kind = FK_CHOICE,
                                    .row = n,
                                    .items = names,
                                    .nitems = ncards,
                                    .items_raw = true};
            for (int i = 0; i < ncards; i++)
                if (strcmp(names[i], last_card) == 0)
                    f[icard].sel = i;
        } else {
            f[n++] = (struct field){.label = N_("Card name"),
                                    .kind = FK_TEXT,
                                    .row = n,
                                    .maxlen = 40,
                                    .required = true};
        }
    }
    if (c->ask & ASK_KWH) {
        ikwh = n;
        f[n++] = (struct field){.label = N_("Energy (kWh)"),
                                .kind = FK_ENERGY,
                                .row = n,
                                .required = true,
                                .imax = 99999999};
    }
    for (int i = 0; i < n; i++)
        f[i].row = i;
    if (!dialog_form(a, _(c->label), f, n))
        return false;
    if (icard >= 0) {
        str_copy(card, CARD_NAME_MAX, ncards > 0 ? names[f[icard].sel] : f[icard].ed.buf);
        str_copy(last_card, sizeof last_card, card);
    }
    if (imeter >= 0) {
        str_copy(meter, 16, f[imeter].ed.buf);
        str_copy(last_meter, sizeof last_meter, meter);
    }
    if (ikwh >= 0)
        str_copy(kwh, 32, f[ikwh].ed.buf);
    return true;
}

static void run_cmd(struct app *a, const struct sim_cmd *c)
{
    char exe[PATH_MAX], card[CARD_NAME_MAX] = "", meter[16] = "", kwh[32] = "";
    char out[OUT_MAX], text[OUT_MAX + 256];
    char *argv[14];
    int n = 0, rc;

    if (c->ask != ASK_NONE && !ask(a, c, card, meter, kwh))
        return;
    kwhsim_path(exe, sizeof exe);
    if (strcmp(c->verb, "meter-insert") == 0) {
        /* a card goes into a meter only out of the reader */
        char *eject[] = {exe, (char *)"--dir", a->cfg.sim_dir, (char *)"eject", NULL};
        run(eject, out, sizeof out);
    }
    argv[n++] = exe;
    argv[n++] = (char *)"--dir";
    argv[n++] = a->cfg.sim_dir;
    argv[n++] = (char *)c->verb;
    for (int i = 0; i < 3 && c->args[i] != NULL; i++)
        argv[n++] = (char *)c->args[i];
    if (meter[0])
        argv[n++] = meter;
    if (card[0])
        argv[n++] = card;
    if (kwh[0]) {
        argv[n++] = (char *)"--kwh";
        argv[n++] = kwh;
    }
    argv[n] = NULL;
    rc = run(argv, out, sizeof out);
    snprintf(text, sizeof text, "$ kwhsim %s%s%s%s%s%s%s%s%s%s%s%s%s\n\n%s", c->verb,
             c->args[0] ? " " : "", c->args[0] ? c->args[0] : "", c->args[1] ? " " : "",
             c->args[1] ? c->args[1] : "", c->args[2] ? " " : "", c->args[2] ? c->args[2] : "",
             meter[0] ? " " : "", meter, card[0] ? " " : "", card, kwh[0] ? " " : "", kwh,
             out[0] ? out : (rc == 0 ? _("done") : _("failed")));
    dialog_message(a, _("Simulator"), text, rc == 0 ? CLR_DIALOG : CLR_ERROR);
    a->rd_next_poll = 0;
}

/* The demo's guide, written by the script that made the demo site. */
static void show_guide(struct app *a)
{
    char path[PATH_MAX], text[OUT_MAX];
    size_t n = 0;
    FILE *f;

    snprintf(path, sizeof path, "%s/demo.txt", a->cfg.sim_dir);
    if ((f = fopen(path, "r")) != NULL) {
        n = fread(text, 1, sizeof text - 1, f);
        fclose(f);
    }
    text[n] = '\0';
    if (n == 0)
        snprintf(text, sizeof text, _("There is no guide to this simulator (%s)."), path);
    dialog_message(a, _("The demo"), text, CLR_DIALOG);
}

void sim_panel(struct app *a)
{
    struct field f[1];
    const char *items[KWH_ARRAY_LEN(cmds)];

    if (!a->cfg.demo)
        return;
    if (a->cfg.sim_dir[0] == '\0') {
        dialog_message(a, _("Simulator"), _("No simulator directory is set ([sim] dir)."),
                       CLR_ERROR);
        return;
    }
    for (size_t i = 0; i < KWH_ARRAY_LEN(cmds); i++)
        items[i] = cmds[i].label;
    memset(f, 0, sizeof f);
    f[0] = (struct field){.label = N_("Action"),
                          .kind = FK_CHOICE,
                          .row = 0,
                          .items = items,
                          .nitems = (int)KWH_ARRAY_LEN(cmds)};
    if (!dialog_form(a, _("Simulator (training)"), f, 1))
        return;
    if (cmds[f[0].sel].verb == NULL)
        show_guide(a);
    else
        run_cmd(a, &cmds[f[0].sel]);
}
