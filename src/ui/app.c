/* SPDX-License-Identifier: Apache-2.0 */
/* The shell: terminal set-up and tear-down, the main loop, screen switching, the
 * message, hint and status lines, reader polling and the idle lock. */
#include <errno.h>
#include <limits.h>
#include <langinfo.h>
#include <locale.h>
#include <panel.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "kwhpos/data.h"
#include "kwhpos/printer.h"
#include "kwhpos/util.h"
#include "ui/parts.h"
#include "ui/ui.h"
#include "ui/widgets.h"
#include "kwhpos/config.h"
#include "kwhpos/core.h"

#define TICK_MS 1000
#define EVENT_TICK_MS 250 /* how often a reader that reports card events is asked */
#define READER_POLL_SECS 2
#define READER_RETRY_SECS 10

static volatile sig_atomic_t got_term;

static void on_term(int sig)
{
    (void)sig;
    got_term = 1;
}

static void setup_language(const struct kwh_config *cfg)
{
    /* main set the locale already; a caller that did not gets UTF-8 here */
    if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0 &&
        (setlocale(LC_ALL, "") == NULL || strcmp(nl_langinfo(CODESET), "UTF-8") != 0))
        setlocale(LC_ALL, "C.UTF-8");
    lang_setup(config_language(cfg, getenv("TERM")));
}

bool app_is_admin(const struct app *a)
{
    return a->logged_in && a->s.role == KWH_ROLE_ADMIN;
}

struct printer *app_printer(struct app *a, struct kwh_err *e)
{
    if (a->printer == NULL && printer_new(&a->cfg, &a->printer, e) < 0)
        a->printer = NULL;
    return a->printer;
}

int app_station_save(struct app *a, struct kwh_config *cfg, const char *key, struct kwh_err *e)
{
    int rc;

    if ((rc = config_station_save(cfg, key, e)) < 0)
        return rc;
    a->cfg = *cfg;
    printer_free(a->printer);
    a->printer = NULL;
    return 0;
}

void app_core_replaced(struct app *a, const struct kwh_err *e, bool relogin)
{
    *a->corep = a->core;
    if (a->core == NULL) {
        a->fatal = *e;
        a->quit = true;
        return;
    }
    core_set_card_dev(a->core, a->dev);
    core_set_progress(a->core, dialog_progress, a);
    core_check_start(a->core);
    a->relogin = relogin;
}

void app_msg(struct app *a, int role, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(a->msg, sizeof a->msg, fmt, ap);
    va_end(ap);
    a->msg_role = role;
    a->msg_read = false;
    a->progress[0] = '\0';
}

/* The message line's copy of an error the dialog shows whole: the first sentence when
 * the whole is wider than the line and that sentence fits, so what matters is not cut. */
static void error_line(struct app *a, const char *msg)
{
    char first[KWH_ERR_MSG];
    const char *end;

    if (utf8_width(msg) > COLS) {
        end = strstr(msg, "\xe3\x80\x82"); /* 。 */
        if (end != NULL)
            end += 3;
        else if ((end = strstr(msg, ". ")) != NULL)
            end += 1;
        if (end != NULL && (size_t)(end - msg) < sizeof first) {
            memcpy(first, msg, (size_t)(end - msg));
            first[end - msg] = '\0';
            if (utf8_width(first) <= COLS) {
                app_msg(a, CLR_ERROR, "%s", first);
                return;
            }
        }
    }
    app_msg(a, CLR_ERROR, "%s", msg);
}

void app_error(struct app *a, const struct kwh_err *e)
{
    const char *advice = error_advice(e);
    char text[KWH_ERR_MSG * 3];

    if (e->code == KWH_EPENDING) {
        /* the device's wording (byte counts, advice) is for the log: the clerk is told
           calmly what happened and what to do */
        kwh_log(LOG_WARNING, "%s", e->msg);
        error_pending_text(e, text, sizeof text);
        error_line(a, text);
        dialog_message(a, _("Put the card back"), text, CLR_ERROR);
        return;
    }
    if (advice != NULL)
        snprintf(text, sizeof text, "%s\n\n%s", e->msg[0] ? e->msg : kwh_err_name(e->code), advice);
    else
        snprintf(text, sizeof text, "%s", e->msg[0] ? e->msg : kwh_err_name(e->code));
    error_line(a, e->msg[0] ? e->msg : kwh_err_name(e->code));
    if (e->code == KWH_EDB || e->code == KWH_EIO || e->code == KWH_ENOMEM)
        kwh_log(LOG_ERR, "%s", e->msg);
    else if (e->code == KWH_EDEVICE)
        kwh_log(LOG_WARNING, "%s", e->msg);
    dialog_message(a, _("Not done"), text, CLR_ERROR);
}

void app_set_card(struct app *a, const char *desc)
{
    if (a->dev == NULL)
        return;
    str_copy(a->rd_card, sizeof a->rd_card, desc != NULL ? desc : "");
    a->rd_state = desc != NULL && *desc ? RD_KNOWN : RD_CARD;
}

/* The reader's state from STATUS (every READER_POLL_SECS, or READER_RETRY_SECS after a
 * fault), for a reader that does not report card events. */
static void poll_status(struct app *a, time_t now)
{
    struct kwh_reader_status st;
    struct kwh_err e;

    if (now < a->rd_next_poll)
        return;
    kwh_err_clear(&e);
    memset(&st, 0, sizeof st);
    if (a->dev->ops->status(a->dev->ctx, &st, &e) < 0) {
        if (a->rd_state != RD_FAULT)
            kwh_log(LOG_WARNING, "card reader %s does not answer: %s", readers_describe(&a->cfg),
                    e.msg);
        a->rd_state = RD_FAULT;
        a->rd_synced = false;
        a->rd_next_poll = now + READER_RETRY_SECS;
        return;
    }
    a->rd_next_poll = now + READER_POLL_SECS;
    if (a->rd_state == RD_FAULT)
        kwh_log(LOG_NOTICE, "card reader %s answers again", readers_describe(&a->cfg));
    if (!st.card_present) {
        a->rd_state = RD_NO_CARD;
        a->rd_card[0] = '\0';
    } else if (st.card_changed || a->rd_state != RD_KNOWN) {
        if (st.card_changed)
            a->rd_card[0] = '\0';
        a->rd_state = a->rd_card[0] ? RD_KNOWN : RD_CARD;
    }
    a->rd_synced = true;
}

/* Looks at the reader: a card that came or went is returned (the status line follows
 * it); KWH_CARD_EV_NONE otherwise. Readers with the event op are asked every tick,
 * after one STATUS to learn where they stand; the others are polled by STATUS. */
static int poll_reader(struct app *a, time_t now)
{
    enum kwh_card_event ev = KWH_CARD_EV_NONE;
    struct kwh_err e;

    if (a->dev == NULL || a->dev->ops == NULL || a->dev->ops->status == NULL) {
        a->rd_state = RD_ABSENT;
        return ev;
    }
    if (a->dev->ops->event == NULL || !a->rd_synced) {
        poll_status(a, now);
        if (a->dev->ops->event == NULL || !a->rd_synced)
            return ev;
    }
    kwh_err_clear(&e);
    if (a->dev->ops->event(a->dev->ctx, 0, &ev, &e) < 0) {
        a->rd_state = RD_FAULT;
        a->rd_synced = false;
        a->rd_next_poll = now + READER_RETRY_SECS;
        return KWH_CARD_EV_NONE;
    }
    if (ev == KWH_CARD_EV_INSERTED) {
        a->rd_state = RD_CARD;
        a->rd_card[0] = '\0';
    } else if (ev == KWH_CARD_EV_REMOVED) {
        a->rd_state = RD_NO_CARD;
        a->rd_card[0] = '\0';
    }
    return ev;
}

/* A card came or went while the main loop waited: a screen that starts by reading the
 * card (it has F2) reads the new one at once; a card taken out takes the account that
 * came from it off the screen. */
static void card_event(struct app *a, int ev)
{
    if (!a->logged_in || a->scr == NULL)
        return;
    if (ev == KWH_CARD_EV_REMOVED) {
        cust_card_removed(a);
        return;
    }
    if (ev == KWH_CARD_EV_INSERTED && (a->scr->actions & ACT_BIT(ACT_READ)) &&
        a->scr->action != NULL) {
        int r;
        a->msg[0] = '\0';
        a->card_reading = true;
        r = a->scr->action(a, a->st, ACT_READ);
        a->card_reading = false;
        if (r & UI_CLOSE)
            app_open(a, NULL, 0);
    }
}

static void draw_status(struct app *a)
{
    char left[160], reader[160], clock[32];
    time_t now = time(NULL);
    struct tm tm;
    int y = UI_STATUS_ROW, rw, lw;

    draw_fill(stdscr, y, 0, COLS, theme_attr(CLR_STATUS));
    switch (a->rd_state) {
    case RD_ABSENT: snprintf(reader, sizeof reader, "%s: %s", _("Reader"), _("no reader")); break;
    case RD_FAULT:
        snprintf(reader, sizeof reader, "%s: %s", _("Reader"), _("not answering"));
        break;
    case RD_NO_CARD: snprintf(reader, sizeof reader, "%s: %s", _("Reader"), _("no card")); break;
    case RD_CARD: snprintf(reader, sizeof reader, "%s: %s", _("Reader"), _("card inserted")); break;
    default: snprintf(reader, sizeof reader, "%s: %s", _("Reader"), a->rd_card); break;
    }
    if (localtime_r(&now, &tm) == NULL ||
        strftime(clock, sizeof clock, "%Y-%m-%d %H:%M:%S ", &tm) == 0)
        clock[0] = '\0';
    /* the reader's state comes first: the operator's label and the seconds give way */
    for (int shorter = 0; shorter < 3; shorter++) {
        if (shorter == 1 && clock[0]) { /* "YYYY-mm-dd HH:MM " */
            clock[16] = ' ';
            clock[17] = '\0';
        }
        if (!a->logged_in)
            snprintf(left, sizeof left, " %s", _("Not logged in"));
        else if (shorter < 2)
            snprintf(left, sizeof left, " %s %s [%s]", _("Operator"), a->s.name,
                     label_role(a->s.role));
        else
            snprintf(left, sizeof left, " %s [%s]", a->s.name, label_role(a->s.role));
        if (utf8_width(left) + 2 + utf8_width(reader) + utf8_width(clock) <= COLS)
            break;
    }
    rw = utf8_width(clock);
    lw = utf8_width(left) + 2;
    if (lw > COLS - rw - utf8_width(reader))
        lw = COLS - rw - utf8_width(reader);
    if (lw < COLS / 4)
        lw = COLS / 4;
    draw_text(stdscr, y, 0, lw, left, theme_attr(CLR_STATUS));
    draw_text(stdscr, y, lw, COLS - lw - rw, reader, theme_attr(CLR_STATUS));
    draw_text(stdscr, y, COLS - rw, rw, clock, theme_attr(CLR_STATUS));
    a->clock_shown = now;
}

static const char *submit_label(struct app *a)
{
    if (a->scr == NULL)
        return NULL;
    if (a->scr->submit_now != NULL)
        return a->scr->submit_now(a, a->st);
    return a->scr->submit_label;
}

static unsigned screen_mask(const struct app *a)
{
    unsigned m = ACT_GLOBAL;

    if (a->scr != NULL) {
        m |= a->scr->actions_now != NULL ? a->scr->actions_now(a, a->st) : a->scr->actions;
        if (a->scr->submit_label != NULL)
            m |= ACT_BIT(ACT_SUBMIT);
    }
    if (!a->cfg.demo)
        m &= ~ACT_BIT(ACT_SIM);
    if (a->scr == &scr_home)
        m &= ~ACT_BIT(ACT_BACK);
    return m;
}

static bool too_small(void)
{
    return COLS < UI_MIN_COLS || LINES < UI_MIN_ROWS;
}

/* The message line. A message too long for it (a printer's error with what to do) is
 * cut with a mark saying F1 shows it whole (global_action). */
static void draw_message(struct app *a)
{
    int attr = theme_attr(a->msg_role ? a->msg_role : CLR_INFO);
    const char *more = _(" [F1: all of it]");
    int mw = utf8_width(more);

    a->msg_cut = a->logged_in && !a->msg_read && utf8_width(a->msg) > COLS && COLS > mw + 10;
    if (!a->msg_cut) {
        draw_text(stdscr, UI_MSG_ROW, 0, COLS, a->msg, attr);
        return;
    }
    draw_text(stdscr, UI_MSG_ROW, 0, COLS - mw, a->msg, attr);
    draw_text(stdscr, UI_MSG_ROW, COLS - mw, mw, more, attr | A_BOLD);
}

void app_draw(struct app *a)
{
    int cy, cx;

    erase();
    curs_set(0);
    if (too_small()) {
        char buf[128];
        snprintf(buf, sizeof buf, _("The terminal is too small: %d×%d needed, it is %d×%d."),
                 UI_MIN_COLS, UI_MIN_ROWS, COLS, LINES);
        mvaddnstr(0, 0, buf, -1);
        wnoutrefresh(stdscr);
        update_panels();
        doupdate();
        return;
    }
    menu_draw_bar(a);
    if (a->logged_in && a->scr != NULL) {
        char title[160];
        snprintf(title, sizeof title, " %s", _(a->title != NULL ? a->title : a->scr->title));
        draw_text(stdscr, 1, 0, COLS, title, theme_attr(CLR_TITLE));
        a->scr->draw(a, a->st);
    }
    getyx(stdscr, cy, cx);
    if (a->progress[0])
        draw_text(stdscr, UI_MSG_ROW, 0, COLS, a->progress, theme_attr(CLR_WARN));
    else
        draw_message(a);
    if (a->logged_in)
        keymap_draw_hints(a, screen_mask(a), submit_label(a));
    else
        draw_fill(stdscr, UI_HINT_ROW, 0, COLS, theme_attr(CLR_HINT_LABEL));
    draw_status(a);
    wmove(stdscr, cy, cx);
    wnoutrefresh(stdscr);
    update_panels();
    doupdate();
}

/* What is left on screen when a screen could not be opened: nothing, while the program
 * stops (a->fatal says why; ui_run restores the terminal and returns it). */
static void draw_nothing(struct app *a, void *st)
{
    (void)a;
    (void)st;
}

static const struct screen scr_none = {.title = "kwhpos", .draw = draw_nothing};

void app_open(struct app *a, const struct screen *s, int arg)
{
    if (a->scr != NULL && a->scr->leave != NULL)
        a->scr->leave(a, a->st);
    free(a->st);
    a->st = NULL;
    if (s == NULL)
        s = &scr_home;
    a->st = calloc(1, s->state_size > 0 ? s->state_size : 1);
    if (a->st == NULL) {
        kwh_err_set(&a->fatal, KWH_ENOMEM, "out of memory: the screen could not be opened");
        a->scr = &scr_none;
        a->title = scr_none.title;
        a->quit = true;
        return;
    }
    a->scr = s;
    a->scr_arg = arg;
    a->title = s->title;
    a->card_cc = NULL;
    a->msg[0] = '\0';
    a->progress[0] = '\0';
    if (s->enter != NULL)
        s->enter(a, a->st, arg);
}

static void lock(struct app *a)
{
    char before[KWH_NAME_MAX];

    str_copy(before, sizeof before, a->s.name);
    a->logged_in = false;
    if (!login_run(a, true)) {
        a->quit = true;
        return;
    }
    if (strcmp(before, a->s.name) != 0)
        a->reset = true;
}

/* The start's journal line and the database, once the first screen is on the terminal:
 * the clerk sees the login at once and types while it opens. */
static bool open_late(struct app *a)
{
    struct kwh_err e;

    if (!a->started) {
        a->started = true;
        kwh_log(LOG_INFO, "terminal UI started on %s (TERM=%s, language %s)",
                ttyname(STDIN_FILENO) ? ttyname(STDIN_FILENO) : "?",
                getenv("TERM") ? getenv("TERM") : "", getenv("LANGUAGE") ? getenv("LANGUAGE") : "");
    }
    if (a->core != NULL || a->db_path[0] == '\0')
        return true;
    kwh_err_clear(&e);
    if (core_open(&a->core, a->db_path, &e) < 0) {
        kwh_log(LOG_ERR, "cannot open the database: %s", e.msg);
        a->core = NULL;
        a->fatal = e;
        a->quit = true;
        return false;
    }
    *a->corep = a->core;
    core_set_anchor_file(a->core, a->cfg.audit_anchors);
    core_set_station(a->core, a->cfg.station_name);
    core_set_card_dev(a->core, a->dev);
    core_set_progress(a->core, dialog_progress, a);
    return true;
}

int ui_read(struct app *a, wint_t *ch)
{
    for (;;) {
        time_t now;
        int type;

        bool events = a->dev != NULL && a->dev->ops != NULL && a->dev->ops->event != NULL;
        int ev;

        if (got_term || !open_late(a)) {
            a->quit = true;
            return UI_KEY_ABORT;
        }
        wtimeout(stdscr, events ? EVENT_TICK_MS : TICK_MS);
        type = wget_wch(stdscr, ch);
        now = time(NULL);
        if (type != ERR) {
            a->last_input = now;
            return type;
        }
        ev = poll_reader(a, now);
        if (ev != KWH_CARD_EV_NONE && a->main_waiting) {
            *ch = (wint_t)ev;
            return UI_KEY_CARD;
        }
        if (ev != KWH_CARD_EV_NONE) {
            a->card_pending = ev; /* the screen acts on it once the dialog is closed */
            a->clock_shown = 0;   /* the status line changed: draw it */
        }
        if (a->logged_in && a->idle_secs > 0 && now - a->last_input >= a->idle_secs) {
            lock(a);
            a->last_input = time(NULL);
            if (a->reset || a->quit)
                return UI_KEY_ABORT;
            *ch = KEY_RESIZE;
            return KEY_CODE_YES;
        }
        if (now != a->clock_shown && !too_small()) {
            int cy, cx;
            getyx(stdscr, cy, cx);
            draw_status(a);
            wmove(stdscr, cy, cx);
            wnoutrefresh(stdscr);
            update_panels();
            doupdate();
        }
    }
}

static void global_action(struct app *a, int act)
{
    switch (act) {
    case ACT_HELP:
        /* a message cut on its line first, whole; then, on the next F1, the keys */
        if (a->msg_cut) {
            char text[sizeof a->msg];
            str_copy(text, sizeof text, a->msg);
            dialog_message(a, _("Message"), text, a->msg_role ? a->msg_role : CLR_INFO);
            a->msg_cut = false;
            a->msg_read = true;
            break;
        }
        keymap_help(a, screen_mask(a), submit_label(a));
        break;
    case ACT_MENU: menu_run(a, -1); break;
    case ACT_QUIT:
        if (dialog_confirm(a, _("Quit"), _("Log out and leave kwhpos?")))
            a->quit = true;
        break;
    case ACT_LOCK:
        lock(a);
        if (a->reset) {
            a->reset = false;
            app_open(a, NULL, 0);
        }
        break;
    case ACT_SIM: sim_panel(a); break;
    case ACT_BACK: app_open(a, NULL, 0); break;
    default: break;
    }
}

static void dispatch(struct app *a, int type, wint_t ch)
{
    unsigned mask = screen_mask(a);
    int act = keymap_action(type, ch, mask);
    int r = UI_IGNORED;

    if (act != ACT_NONE && (mask & ACT_BIT(act))) {
        bool screen_act = (a->scr->actions & ACT_BIT(act)) || act == ACT_SUBMIT || act == ACT_BACK;
        if (act != ACT_HELP) /* F1 shows a message cut on its line */
            a->msg[0] = '\0';
        if (screen_act && a->scr->action != NULL)
            r = a->scr->action(a, a->st, act);
        if (r == UI_IGNORED && (ACT_GLOBAL & ACT_BIT(act))) {
            global_action(a, act);
            return;
        }
    } else if (a->scr->key != NULL) {
        r = a->scr->key(a, a->st, type, ch);
    }
    if (r & UI_CLOSE)
        app_open(a, NULL, 0);
}

/* Reconciliation at start-up (and after a new login on a restored database): card
 * writes left pending by a power cut or a pulled card are settled now when their card
 * is in the reader; the rest stay listed on the home screen. */
static void start_home(struct app *a)
{
    char notice[KWH_ERR_MSG];
    struct kwh_err e;
    bool settled =
        settle_at_start(a->core, &a->s, notice, sizeof notice, &e) == 1 && notice[0] != '\0';

    app_open(a, NULL, 0);
    if (settled)
        app_msg(a, CLR_WARN, "%s", notice);
}

static int run(struct app *a)
{
    if (!login_run(a, false))
        return 0;
    /* the database is checked in the background from the first login on, before any card
       is written (core_may_write_cards); a terminal left at its login screen reads
       nothing */
    core_check_start(a->core);
    start_home(a);
    while (!a->quit) {
        wint_t ch = 0;
        int type;

        if (a->card_pending != KWH_CARD_EV_NONE) {
            int ev = a->card_pending;
            a->card_pending = KWH_CARD_EV_NONE;
            card_event(a, ev);
            continue;
        }
        app_draw(a);
        a->main_waiting = true;
        type = ui_read(a, &ch);
        a->main_waiting = false;
        if (type == UI_KEY_CARD) {
            card_event(a, (int)ch);
            continue;
        }
        if (type == UI_KEY_ABORT) {
            if (a->reset) {
                a->reset = false;
                app_open(a, NULL, 0);
            }
            continue;
        }
        if (type == KEY_CODE_YES && ch == KEY_RESIZE)
            continue;
        if (too_small()) {
            if (type == KEY_CODE_YES && ch == KEY_F(10))
                a->quit = true;
            continue;
        }
        dispatch(a, type, ch);
        if (a->relogin && !a->quit) {
            a->relogin = false;
            app_open(a, NULL, 0);
            if (!login_run(a, false))
                break;
            start_home(a);
            continue;
        }
        if (!a->logged_in)
            break;
    }
    return 0;
}

/* The automatic backup on the way out ([backup] interval_hours): a line while it runs,
 * and its failure shown until a key or a few seconds, so quitting never hangs on it.
 * Only after a session that changed something, and never on SIGTERM or SIGHUP (a
 * terminal closed at the login screen, a shutdown): the signal also stops a backup
 * under way, which then leaves nothing behind. */
static void backup_on_exit(struct app *a)
{
    struct kwh_backup_opts o = {
        .dir = a->cfg.backup_dir, .keep = a->cfg.backup_keep, .stop = &got_term};
    struct kwh_backup_info info;
    struct kwh_err e;
    bool done;
    wint_t ch;

    if (a->core == NULL || a->cfg.backup_interval_hours <= 0 || too_small() || got_term ||
        core_changes(a->core) == 0)
        return;
    erase();
    draw_text(stdscr, LINES / 2, 2, COLS - 4, _("Backing up the database..."),
              theme_attr(CLR_WARN));
    refresh();
    kwh_err_clear(&e);
    if (backup_if_due(a->core, &o, a->cfg.backup_interval_hours, &done, &info, &e) == 0) {
        if (done)
            kwh_log(LOG_INFO, "backup %s made on leaving the terminal UI: %lld bytes", info.path,
                    (long long)info.bytes);
        return;
    }
    if (got_term) {
        kwh_log(LOG_NOTICE, "the backup on leaving was stopped by a signal: nothing of it is left");
        return;
    }
    kwh_log(LOG_ERR, "the automatic backup failed: %s", e.msg);
    draw_wrap(stdscr, LINES / 2, 2, COLS - 4, e.msg, theme_attr(CLR_ERROR), 4);
    draw_text(stdscr, LINES / 2 + 5, 2, COLS - 4,
              _("The automatic backup failed. Back up from Files > Back up data."),
              theme_attr(CLR_WARN));
    refresh();
    wtimeout(stdscr, 15000);
    wget_wch(stdscr, &ch);
}

int ui_run(const struct kwh_config *cfg, const char *db_path, struct kwh_core **core,
           struct kwh_card_dev *dev, struct kwh_err *e)
{
    struct app *a;
    SCREEN *scr;
    struct sigaction sa;
    const char *idle;
    int rc;

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return kwh_err_set(e, KWH_EINVAL, "the terminal interface needs a terminal");
    a = calloc(1, sizeof *a);
    if (a == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    a->cfg = *cfg;
    str_copy(a->db_path, sizeof a->db_path, db_path != NULL ? db_path : "");
    a->core = *core;
    a->corep = core;
    a->dev = dev;
    a->rd_state = dev != NULL ? RD_NO_CARD : RD_ABSENT;
    a->idle_secs = cfg->idle_lock_minutes > 0 ? cfg->idle_lock_minutes * 60 : 0;
    idle = getenv("KWHPOS_IDLE_LOCK_SECONDS");
    if (idle != NULL && *idle)
        a->idle_secs = atoi(idle);
    setup_language(cfg);

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGTSTP, SIG_IGN);

    setenv("ESCDELAY", "25", 0);
    /* line drawing as Unicode: terminals and multiplexers that ignore the VT100
     * alternate character set still draw boxes */
    setenv("NCURSES_NO_UTF8_ACS", "1", 0);
    scr = newterm(NULL, stdout, stdin);
    if (scr == NULL) {
        free(a);
        return kwh_err_set(e, KWH_EIO, "cannot start the terminal (TERM=%s)",
                           getenv("TERM") ? getenv("TERM") : "");
    }
    set_escdelay(25);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    a->colour = cfg->colour != 0;
    theme_init(cfg->colour == 1 || (cfg->colour == -1 && has_colors()));
    a->last_input = time(NULL);
    if (a->core != NULL)
        core_set_progress(a->core, dialog_progress, a);
    poll_reader(a, a->last_input); /* where the reader stands: what comes later is an event */
    rc = run(a);

    if (a->scr != NULL && a->scr->leave != NULL)
        a->scr->leave(a, a->st);
    free(a->st);
    a->st = NULL;
    backup_on_exit(a);
    if (a->core != NULL)
        core_set_progress(a->core, NULL, NULL);
    if (a->fatal.code != 0) {
        *e = a->fatal;
        rc = a->fatal.code;
    }
    printer_free(a->printer);
    curs_set(1);
    endwin();
    delscreen(scr);
    free(a);
    kwh_log(LOG_INFO, "terminal UI stopped");
    return rc;
}
