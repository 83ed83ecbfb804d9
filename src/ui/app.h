/* SPDX-License-Identifier: Apache-2.0 */
/* The application shell every screen runs in: state, the screen interface, actions
 * bound to keys, the message line and the status line. Internal to src/ui. */
#ifndef KWH_UI_APP_H
#define KWH_UI_APP_H

#include <libintl.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <wchar.h>

#include "kwhpos/config.h"
#include "kwhpos/err.h"
#include "kwhpos/model.h"

/* The services a screen calls it includes itself (kwhpos/core.h, plan.h, query.h,
 * printer.h, ...): this header only names them. */
struct kwh_core;
struct kwh_card_dev;
struct printer;
struct printer_result;

#define _(s) gettext(s)
#define N_(s) (s)

/* What a key handler did (htop style): the loop acts on the flags. */
enum ui_flag {
    UI_IGNORED = 0,
    UI_HANDLED = 1,
    UI_REDRAW = 2,
    UI_CLOSE = 4, /* leave the screen, back to the home screen */
    UI_FIELD = 8, /* with UI_REDRAW: only the focused field changed (typing in it) */
};

/* Actions keys are bound to (keymap.c holds the one table). */
enum ui_action {
    ACT_NONE = 0,
    ACT_HELP,
    ACT_READ,   /* read the card in the reader */
    ACT_FIND,   /* find an account by number */
    ACT_TOGGLE, /* switch amount / kWh */
    ACT_NEW,
    ACT_DELETE,
    ACT_PRINT,
    ACT_WIPE,
    ACT_MENU,
    ACT_QUIT,
    ACT_LOCK,
    ACT_SIM,
    ACT_SUBMIT,       /* Enter */
    ACT_BACK,         /* Esc */
    ACT_EXPORT,       /* a result list to a CSV file */
    ACT_PREVIEW,      /* the invoice form with sample values */
    ACT_FORM_BACKUP,  /* 保存发票格式 */
    ACT_FORM_RESTORE, /* 恢复发票格式 */
    ACT_HISTORY,      /* a tariff's price history */
    ACT_BROWSE,       /* choose a file from a folder's list */
    ACT_FEES,         /* a report's money per fee type, and back */
    ACT_COUNT
};
#define ACT_BIT(a) (1u << (a))
/* Actions the shell handles on every screen. */
#define ACT_GLOBAL                                                                                 \
    (ACT_BIT(ACT_HELP) | ACT_BIT(ACT_MENU) | ACT_BIT(ACT_QUIT) | ACT_BIT(ACT_LOCK) |               \
     ACT_BIT(ACT_SIM) | ACT_BIT(ACT_BACK))

/* Key types returned by ui_read (besides wget_wch's OK and KEY_CODE_YES). */
#define UI_KEY_ABORT (-2) /* another operator unlocked: modal dialogs cancel */
#define UI_KEY_CARD                                                                                \
    (-3) /* a card came or went (enum kwh_card_event in *ch); only to the                          \
            main loop (app.c), never to a dialog */

/* Colour roles (theme.c maps them to pairs or to monochrome attributes). */
enum ui_role {
    CLR_NORMAL = 0,
    CLR_MENUBAR,
    CLR_MENU_SEL,
    CLR_TITLE,
    CLR_LABEL,
    CLR_FIELD,
    CLR_FIELD_CUR,
    CLR_READONLY,
    CLR_HINT_KEY,
    CLR_HINT_LABEL,
    CLR_STATUS,
    CLR_INFO,
    CLR_OK,
    CLR_WARN,
    CLR_ERROR,
    CLR_DIALOG,
    CLR_DIALOG_TITLE,
    CLR_LIST_HEAD,
    CLR_LIST_SEL,
    CLR_COUNT
};

struct app;
struct cust_ctx;

/* A screen: enter / draw / action / key / leave. state_size bytes of zeroed state are
 * allocated for it on enter and freed after leave. */
struct screen {
    const char *title;        /* msgid */
    unsigned actions;         /* ACT_BIT()s the screen handles beyond ACT_GLOBAL */
    const char *submit_label; /* what Enter does (msgid), shown in the hint line */
    /* when Enter's meaning depends on where the focus is: its label now (msgid; NULL:
     * Enter does nothing now, and the hint line leaves it out) */
    const char *(*submit_now)(struct app *a, void *st);
    /* when the keys the screen handles depend on its state (nothing to act on): those
     * it handles now, instead of `actions`, so the hint line and F1 never offer a key
     * that does nothing */
    unsigned (*actions_now)(const struct app *a, void *st);
    /* F1: the screen's own keys (msgid), instead of the form fields' when it has none */
    const char *keys_help;
    /* when those keys depend on the screen's state: the text now (msgid), over keys_help */
    const char *(*keys_help_now)(const struct app *a, void *st);
    size_t state_size;
    void (*enter)(struct app *a, void *st, int arg);
    void (*draw)(struct app *a, void *st);
    int (*action)(struct app *a, void *st, int act);
    int (*key)(struct app *a, void *st, int type, wint_t ch);
    void (*leave)(struct app *a, void *st);
};

/* Reader state shown in the status line. */
enum ui_reader {
    RD_ABSENT = 0, /* no reader configured */
    RD_FAULT,      /* the reader does not answer */
    RD_NO_CARD,
    RD_CARD,  /* a card, not read yet */
    RD_KNOWN, /* a card read: rd_card describes it */
};

struct app {
    struct kwh_config cfg;
    char db_path[KWH_PATH_MAX]; /* opened once the first screen is drawn (core NULL till then) */
    bool started;               /* the start is in the journal */
    struct kwh_core *core;
    struct kwh_core **corep; /* the caller's pointer, kept equal to core */
    struct kwh_card_dev *dev;
    struct printer *printer; /* made from cfg on first use; dropped when cfg changes */
    struct kwh_session s;
    bool logged_in;
    bool colour;
    bool quit;
    bool reset;           /* another operator took over: back to home */
    bool relogin;         /* the database was replaced: everyone logs in again */
    struct kwh_err fatal; /* why the program had to stop (code 0 = it did not) */

    const struct screen *scr;
    void *st;
    int scr_arg;
    const char *title; /* the current screen's title (msgid or literal) */

    char msg[KWH_ERR_MSG * 2];
    int msg_role;
    bool msg_cut;  /* the message did not fit its line: F1 shows it whole */
    bool msg_read; /* ... and it was shown */
    char progress[128];

    time_t last_input;
    int idle_secs; /* 0 = never lock */
    time_t clock_shown;

    int rd_state;
    char rd_card[96];
    uint32_t rd_meter; /* the meter of the customer card read last, or 0 */
    time_t rd_next_poll;
    bool rd_synced;           /* the reader's state is known (after a start or a fault) */
    bool main_waiting;        /* the main loop, not a dialog, waits for a key */
    int card_pending;         /* a card event seen in a dialog, for the main loop */
    bool card_reading;        /* a card put in is being read, with no key pressed for it:
                                 the first dialog it opens drops the keys typed before */
    struct cust_ctx *card_cc; /* the screen's account that came from the card in the reader */
};

/* Geometry: menu bar, title, content rows, message, hints, status. */
#define UI_MIN_COLS 80
#define UI_MIN_ROWS 24
#define UI_TOP 2
#define UI_ROWS (LINES - 5)
#define UI_MSG_ROW (LINES - 3)
#define UI_HINT_ROW (LINES - 2)
#define UI_STATUS_ROW (LINES - 1)

/* --- app.c ------------------------------------------------------------------------- */

/* Switches to screen s (leaving the current one); NULL = the home screen. */
void app_open(struct app *a, const struct screen *s, int arg);
/* Redraws everything under any dialog: menu bar, title, screen, lines. */
void app_draw(struct app *a);
/* Sets the message line (printf style, already translated); role CLR_INFO/OK/ERROR. */
void app_msg(struct app *a, int role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Shows a core error: its advice in a dialog, and the message line. */
void app_error(struct app *a, const struct kwh_err *e);
/* Remembers what the last card read found, for the status line. */
void app_set_card(struct app *a, const char *desc);
/* Whether the session is an administrator's. */
bool app_is_admin(const struct app *a);
/* The invoice printer for the current settings (made on first use); NULL with e
 * filled when it cannot be made. */
struct printer *app_printer(struct app *a, struct kwh_err *e);
/* Saves cfg's value of key ("backup.dir", or a section: "reader") in the station file
 * (never the INI) and makes cfg the settings in use (the printer follows them). */
int app_station_save(struct app *a, struct kwh_config *cfg, const char *key, struct kwh_err *e);
/* After the core was closed and reopened (数据恢复): gives the new core the reader and
 * the progress line and, with relogin (another database), asks for a new login. A NULL
 * core (it could not be reopened) stops the program with e as the reason. */
void app_core_replaced(struct app *a, const struct kwh_err *e, bool relogin);

/* Reads one key: ticks the clock, polls the reader and locks when idle while
 * waiting. Returns OK, KEY_CODE_YES (function key in *ch) or UI_KEY_ABORT. After an
 * unlock by the same operator it returns KEY_CODE_YES with KEY_RESIZE. */
int ui_read(struct app *a, wint_t *ch);

/* --- keymap.c ---------------------------------------------------------------------- */

/* The action of mask bound to a key, or ACT_NONE. */
int keymap_action(int type, wint_t ch, unsigned mask);
/* Draws the hint line for the actions in mask (submit_label for Enter). */
void keymap_draw_hints(struct app *a, unsigned mask, const char *submit_label);
/* Shows every binding of mask in a dialog (F1). */
void keymap_help(struct app *a, unsigned mask, const char *submit_label);

/* --- theme.c ----------------------------------------------------------------------- */

/* Sets up colour pairs (or monochrome attributes when colour is off or absent). */
void theme_init(bool colour);
/* The attributes of a role. */
int theme_attr(int role);

/* --- menu.c ------------------------------------------------------------------------ */

/* Runs the menu bar (F9) and opens the chosen screen; first: menu to open (-1 none). */
void menu_run(struct app *a, int first);
/* Draws the menu bar on row 0. */
void menu_draw_bar(struct app *a);

/* --- login.c ----------------------------------------------------------------------- */

/* Asks for name and password until a login succeeds (forcing a new password when the
 * core says so). locked: the screen is hidden and the current operator is preset.
 * Returns false when the operator gives up (Esc at the first login: quit). */
bool login_run(struct app *a, bool locked);
/* Forces a new password for the session's operator. Returns false on Esc. */
bool login_change_password(struct app *a, const char *old_pw);

/* --- print.c ----------------------------------------------------------------------- */

/* Printing goes through these, the one place the invoice printer is called from; res
 * (never NULL) gets the warning to show even on success (res->note). */
/* A sale's invoice: the original the first time, a 补打 copy after that. */
int ui_print_receipt(struct app *a, const struct kwh_receipt *r, struct printer_result *res,
                     struct kwh_err *e);
/* Invoice invoice_no: the original, or with reprint a counted 补打 copy. */
int ui_print_invoice(struct app *a, int64_t invoice_no, bool reprint, struct printer_result *res,
                     struct kwh_err *e);
/* A report's text (lines) on the invoice printer. */
int ui_print_text(struct app *a, const char *title, const char *text, struct printer_result *res,
                  struct kwh_err *e);
/* Reports a print's outcome (rc, res and e of a ui_print_* call) on the message line:
 * done when it went out, with the printer's warning (res->note) when there is one. */
void ui_print_outcome(struct app *a, int rc, const struct printer_result *res,
                      const struct kwh_err *e, const char *done);

/* --- sim.c ------------------------------------------------------------------------- */

/* The demo simulator panel (F12; only with [ui] demo). */
void sim_panel(struct app *a);

/* --- screens ----------------------------------------------------------------------- */

extern const struct screen scr_home;
extern const struct screen scr_comm, scr_unit, scr_area, scr_tariffs, scr_operators, scr_password,
    scr_limits;
extern const struct screen scr_open;
extern const struct screen scr_sell; /* arg: SELL_DAILY or SELL_RESALE */
extern const struct screen scr_reissue;
extern const struct screen scr_refund_card, scr_refund, scr_meter_change;
extern const struct screen scr_transfer, scr_close, scr_edit;
extern const struct screen scr_balance;
extern const struct screen scr_query_customers, scr_query_sales, scr_shift;
extern const struct screen scr_query_events; /* arg: enum kwh_event_kind */
extern const struct screen scr_query_chart, scr_query_anomalies, scr_query_areas;
extern const struct screen scr_lost;
extern const struct screen scr_areas;
extern const struct screen scr_files_backup, scr_files_restore, scr_files_form_restore;
extern const struct screen scr_designer;
extern const struct screen scr_reprint;
extern const struct screen scr_reversal;
extern const struct screen scr_reversal_requests;
extern const struct screen scr_query_recon;
extern const struct screen scr_pending;
extern const struct screen scr_issue_card;
extern const struct screen scr_toolcard; /* arg: enum kwh_card_type */
extern const struct screen scr_readwipe;
extern const struct screen scr_fees, scr_arrears_all;
extern const struct screen scr_arrears; /* arg: a customer number, or 0 */

enum { SELL_DAILY = 0, SELL_RESALE = 1 };

#endif
