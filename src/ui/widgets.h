/* SPDX-License-Identifier: Apache-2.0 */
/* Shared widgets: text by display width, the line editor, the form builder, the list
 * view, dialogs, labels for domain values and error advice. Internal to src/ui. */
#ifndef KWH_UI_WIDGETS_H
#define KWH_UI_WIDGETS_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "kwhpos/model.h"
#include "kwhpos/util.h"
#include "ui/app.h"

/* --- draw.c: text laid out by display width, never bytes ---------------------------- */

/* Writes s at (y, x) in at most w columns, padding with spaces to w; a label that does
 * not fit ends in "…". Returns the columns written before padding. */
int draw_text(WINDOW *win, int y, int x, int w, const char *s, int attr);
/* Like draw_text, right-aligned in w columns. */
void draw_text_right(WINDOW *win, int y, int x, int w, const char *s, int attr);
/* Writes s wrapped at spaces (or anywhere in CJK text) in lines of w columns from
 * (y, x), at most maxrows lines; returns the lines used. */
int draw_wrap(WINDOW *win, int y, int x, int w, const char *s, int attr, int maxrows);
/* Fills a row segment with spaces in attr. */
void draw_fill(WINDOW *win, int y, int x, int w, int attr);
/* Draws a box border with a title. */
void draw_box(WINDOW *win, int y, int x, int h, int w, const char *title, int attr);
/* Writes "label value" pairs: label in CLR_LABEL padded to lw columns. */
void draw_pair(WINDOW *win, int y, int x, int lw, int w, const char *label, const char *value,
               int vattr);
/* Display width of a translated label list's widest entry. */
int draw_max_width(const char *const *labels, size_t n);
/* Money (fen), energy (ckwh) and price texts; buf of at least 32 bytes. */
const char *fmt_money(char *buf, size_t n, int64_t fen);
const char *fmt_energy(char *buf, size_t n, int64_t ckwh);
const char *fmt_price(char *buf, size_t n, int64_t price);
/* "YYYY-MM-DD HH:MM" local time, or "-" for 0. */
const char *fmt_time(char *buf, size_t n, int64_t t);

/* --- lineedit.c: one line of UTF-8 text with a cursor ------------------------------- */

#define LEDIT_CAP 256

struct ledit {
    char buf[LEDIT_CAP];
    size_t len;   /* bytes */
    size_t cur;   /* cursor byte offset, always on a character boundary */
    int scroll;   /* first display column shown */
    int maxchars; /* 0 = as many as fit in the buffer */
};

/* Sets the text (cursor at the end). */
void ledit_set(struct ledit *l, const char *s);
/* Number of characters (code points). */
int ledit_chars(const struct ledit *l);
/* Inserts one character at the cursor; false if it does not fit. */
bool ledit_insert(struct ledit *l, wint_t ch);
/* Edits on a non-character key (arrows, Home/End, Backspace, Delete, Ctrl-U, Ctrl-K).
 * Returns true when the key was an editing key. */
bool ledit_key(struct ledit *l, int type, wint_t ch);
/* Display column of the cursor from the start of the text. */
int ledit_cursor_col(const struct ledit *l);
/* Draws in w columns at (y, x), scrolling to keep the cursor visible; mask shows '*'
 * per character. Returns the cursor's screen column. */
int ledit_draw(struct ledit *l, WINDOW *win, int y, int x, int w, bool mask, int attr);

/* --- form.c: labelled fields with per-field validation ------------------------------ */

enum field_kind {
    FK_TEXT = 0,
    FK_PASSWORD,
    FK_DIGITS, /* digits only; minlen..maxlen digits */
    FK_INT,    /* a whole number in imin..imax */
    FK_MONEY,  /* yuan with at most 2 decimals -> fen */
    FK_ENERGY, /* kWh with at most 2 decimals -> 0.01 kWh */
    FK_PRICE,  /* yuan/kWh with at most 4 decimals -> 0.0001 yuan/kWh */
    FK_CHOICE, /* one of items[] */
    FK_CHECK,  /* on/off */
    FK_INFO,   /* display only */
};

struct field {
    const char *label; /* msgid */
    int kind;
    int row, col;       /* content row (0-based) and column (0 left, 1 right) */
    int width;          /* input columns; 0 = to the end of the column */
    int minlen, maxlen; /* FK_DIGITS lengths; maxlen also caps other text */
    int64_t imin, imax; /* FK_INT bounds; imax is also the maximum for amounts */
    bool required;
    bool readonly;
    bool hidden;
    bool optional_zero;       /* an empty amount field means 0 */
    bool label_as_value;      /* the label (which names the unit) is drawn in the value's
                               * colour role, so what is typed and its unit read as one */
    const char *const *items; /* FK_CHOICE */
    int nitems;
    bool items_raw;  /* items are data, not msgids */
    int sel;         /* FK_CHOICE index */
    bool on;         /* FK_CHECK; with check: the box is ticked */
    bool check;      /* an on/off box before the label (a query filter): Space on
                      * the box ticks it, changing the value ticks it, emptying
                      * the value clears it; an unticked field is not checked */
    struct ledit ed; /* text of text-like fields and FK_INFO */
};

struct form {
    struct field *f;
    int n;
    int cur;     /* focused field, -1 = none */
    bool on_box; /* the focus is on the current field's box (check) */
    int top;     /* first row of the form in win */
    WINDOW *win; /* NULL = stdscr */
    int x, w;    /* columns used in win; w 0 = the whole width */
};

/* Binds fields to the form (on stdscr, full width) and focuses the first editable one. */
void form_init(struct form *fm, struct field *f, int n, int top);
/* Draws every visible field. Positions the terminal cursor on the focused field when
 * focused is true. */
void form_draw(struct form *fm, bool focused);
/* Handles navigation and editing keys; returns UI_HANDLED/UI_IGNORED (| UI_REDRAW). */
int form_key(struct app *a, struct form *fm, int type, wint_t ch);
/* Moves the focus to field i (if editable). */
void form_focus(struct form *fm, int i);
/* Validates every visible editable field; on the first failure focuses it, sets the
 * message line and returns false. */
bool form_validate(struct app *a, struct form *fm);
/* Values of validated fields. */
const char *form_text(const struct form *fm, int i);
int64_t form_value(const struct form *fm, int i); /* INT/MONEY/ENERGY/PRICE/DIGITS */
void form_set_text(struct form *fm, int i, const char *s);
void form_set_value(struct form *fm, int i, int64_t v); /* formats by kind */
/* Field i's own validation; fills msg (translated) and returns false when invalid. */
bool field_check(const struct field *f, char *msg, size_t n);

/* --- list.c: a scrolling table --------------------------------------------------- */

struct list_col {
    const char *head; /* msgid */
    int width;        /* display columns */
    bool right;       /* right-aligned (numbers) */
};

/* Fills buf with the text of (row, col). */
typedef void (*list_cell_fn)(void *ctx, int row, int col, char *buf, size_t n);

struct list {
    int n; /* rows */
    int sel;
    int top;
};

/* Draws header and rows in h lines at (y, x); the selection shown when focused. */
void list_draw(struct list *l, int y, int x, int h, const struct list_col *cols, int ncols,
               list_cell_fn cell, void *ctx, bool focused);
/* Draws one row (cell(ctx, row, ...)) in the columns at (y, x): e.g. a totals line. */
void list_draw_row(int y, int x, const struct list_col *cols, int ncols, list_cell_fn cell,
                   void *ctx, int row, int attr);
/* The display width of the columns with their separators. */
int list_width(const struct list_col *cols, int ncols);
/* Up/Down/PgUp/PgDn/Home/End; returns UI_HANDLED when the selection moved. */
int list_key(struct list *l, int h, int type, wint_t ch);

/* A list with a form under it for the selected row or a new one (tariffs, operators). */
struct listform {
    struct list l;
    int rows;     /* the list's height */
    bool on_list; /* the focus is on the list, not the form */
    bool adding;  /* the form is for a new row */
};

/* After the rows were loaded again (n of them): keeps the selection on a row. */
void listform_reloaded(struct listform *lf, int n);
/* Moves the focus into the form, on field `first`. */
void listform_to_form(struct listform *lf, struct form *fm, int first);
/* F5: an empty form (fill(ctx)) for a new row, focused on `first`. */
void listform_new(struct listform *lf, struct form *fm, int first, void (*fill)(void *ctx),
                  void *ctx);
/* After a save: back on the list, on row sel (-1: where it was). */
void listform_saved(struct listform *lf, int sel);
/* F6: asks question (translated) under title, then del(a, ctx, e) deletes the selected
 * row; shows the core's refusal or done. True when the row was deleted. */
bool listform_delete(struct app *a, struct listform *lf, const char *title, const char *question,
                     int (*del)(struct app *a, void *ctx, struct kwh_err *e), void *ctx,
                     const char *done);
/* On the list: Up/Down/PgUp/PgDn select (fill(ctx) shows the row in the form), Tab goes
 * to the form's field `first`. In the form: Tab after its last field or Shift-Tab from
 * `first` go back to the list (when it has rows), other keys are the form's. */
int listform_key(struct app *a, struct listform *lf, struct form *fm, int first, int type,
                 wint_t ch, void (*fill)(void *ctx), void *ctx);

/* --- export.c: result lists to a CSV file or the printer --------------------------- */

/* Growing text (printouts); failed is set when memory ran out. */
struct tbuf {
    char *s;
    size_t len, cap;
    bool failed;
};
void tbuf_add(struct tbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* text padded (or cut) to width display columns, right-aligned when right. */
void tbuf_cell(struct tbuf *b, const char *text, int width, bool right);
/* Ends a line, dropping its trailing spaces. */
void tbuf_end_line(struct tbuf *b);
void tbuf_fini(struct tbuf *b);

struct table_sink;

/* What a screen exports or prints: its columns and every row of the result. */
struct table_src {
    const char *name;     /* the file name's start: "customers", "sales" ... */
    const char *title;    /* the printout's heading (translated) */
    const char *subtitle; /* e.g. the period (translated), or NULL */
    const struct list_col *cols;
    int ncols;
    /* Gives every row to k with table_sink_row (all of them, not just the page shown);
     * returns 0 or a KWH_E* code with e filled. */
    int (*rows)(struct app *a, void *ctx, struct table_sink *k, struct kwh_err *e);
    void *ctx;
};

/* Adds row `row` of cell to the output; returns non-zero when the output wants no more
 * rows (a printout is long enough), so a producer may stop. */
int table_sink_row(struct table_sink *k, list_cell_fn cell, void *ctx, int row);
/* F8: asks for the file (and UTF-8 or GB18030), writes the table as CSV with the
 * columns' names as header, and reports on the message line. */
void table_export(struct app *a, const struct table_src *t);
/* F7: prints the table as text on the invoice printer. */
void table_print(struct app *a, const struct table_src *t);

/* --- filepick.c: a saved file from a folder, or a path typed ------------------------ */

struct filepick {
    char dir[KWH_PATH_MAX];
    char **names; /* file names in dir (borrowed), newest first */
    struct list l;
    struct field f[1]; /* a path typed by hand */
    struct form fm;
    bool on_path;   /* the focus is on the path, not the list */
    bool list_only; /* no path to type and no folder line: the caller shows
                     * the folder (set after filepick_init) */
    int y, h;       /* the list's rows (the folder is shown above, the path below) */
};

void filepick_init(struct filepick *p, const char *dir, char **names, size_t n, int y, int h);
void filepick_draw(struct filepick *p, bool focused);
/* Tab between list and path; the list's or the path's keys. */
int filepick_key(struct app *a, struct filepick *p, int type, wint_t ch);
/* The chosen file's path into buf: the typed path when the focus is there, else the
 * list's selection; NULL when there is none. */
const char *filepick_choice(struct filepick *p, char *buf, size_t n);
/* Enter on a file picker: the chosen file (else none_msg on the message line), then the
 * question and the file under title; the path when confirmed, or NULL. */
const char *filepick_confirm(struct app *a, struct filepick *p, char *buf, size_t n,
                             const char *none_msg, const char *title, const char *question);

/* A folder's listing to walk to a file with the keys (the 对账 screen's statements):
 * "..", the folders, then the files the extensions allow, newest first. */
struct dirpick {
    char dir[KWH_PATH_MAX]; /* the folder listed, absolute */
    const char *const *exts;
    struct file_entry *e; /* its folders and files (owned) */
    size_t n;
    bool up; /* the first row is ".." */
    struct list l;
    int y, h;
};

/* Lists dir (relative to the working folder; "" is it) in h rows from y; a folder that
 * cannot be read lists the working folder instead, saying so on the message line. */
void dirpick_open(struct app *a, struct dirpick *p, const char *dir, const char *const *exts, int y,
                  int h);
void dirpick_fini(struct dirpick *p); /* accepts a zeroed one */
void dirpick_draw(struct dirpick *p);
/* Enter: into the folder selected (or up on ".."): false; on a file: its path into buf,
 * true. */
bool dirpick_enter(struct app *a, struct dirpick *p, char *buf, size_t n);
/* Backspace: the folder above (its row selected); the list's keys; a character: the
 * next row whose name starts with it. */
int dirpick_key(struct app *a, struct dirpick *p, int type, wint_t ch);

/* --- dialog.c: modal dialogs over the screen ------------------------------------- */

/* Shows text (lines split on '\n', wrapped by display width) until Enter or Esc. */
void dialog_message(struct app *a, const char *title, const char *text, int role);
/* Asks a yes/no question; Enter (or y) = yes, Esc (or n) = no. */
bool dialog_confirm(struct app *a, const char *title, const char *text);

/* Label/value lines for a dialog, aligned by the labels' display width. */
#define PAIRS_MAX 26
struct pairs {
    int n;
    const char *label[PAIRS_MAX]; /* translated */
    char value[PAIRS_MAX][KWH_ADDR_MAX * 2 + 8];
};
/* Adds a line (label translated already); lines past PAIRS_MAX are dropped. */
void pairs_add(struct pairs *p, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Shows the lines and asks to go ahead: Enter = yes, Esc = no. */
bool dialog_confirm_pairs(struct app *a, const char *title, const struct pairs *p,
                          const char *question);
/* Shows the lines (and a footer line, may be NULL) until Enter or Esc. */
void dialog_pairs(struct app *a, const char *title, const struct pairs *p, const char *footer);
/* Asks for up to nf values in a small form (fields f); true on Enter with valid
 * values, false on Esc. */
bool dialog_form(struct app *a, const char *title, struct field *f, int nf);
/* dialog_form with its own key hint (translated); Esc does nothing unless esc. */
bool dialog_form_keys(struct app *a, const char *title, struct field *f, int nf, const char *hint,
                      bool esc);
/* The progress callback given to core_set_progress (ctx is the app). */
void dialog_progress(void *ctx, const char *phase, int done, int total);

/* --- labels.c: names of domain values for people --------------------------------- */

const char *label_role(int role);
const char *label_meter_code(int code);
const char *label_status(int status);
const char *label_state(int state);
/* Choice lists (msgids) for form fields. */
/* Pay methods, meter types, card types and kinds of operation have their labels in the
 * model's tables (model_pay_label, ...); as the items of a choice field: */
const char *const *label_pay_items(void);         /* index = enum kwh_pay */
const char *const *label_meter_type_items(void);  /* index + 1 = enum kwh_meter_type */
extern const char *const label_role_items[2];     /* index + 1 = enum kwh_role */
extern const char *const label_mode_items[2];     /* by amount, by kWh */
extern const char *const label_consumed_items[2]; /* 已消费, 未消费 */

/* --- errors.c: what the clerk should do ------------------------------------------ */

/* The advice for an error (translated), or NULL when the message says it all. */
const char *error_advice(const struct kwh_err *e);
/* The meaning and advice for a meter display code (translated). */
const char *error_meter_advice(int code);
/* The card-back dialog's text for an outcome unknown (KWH_EPENDING): one sentence of
 * what happened, one of what to do (no byte counts, nothing said twice). */
void error_pending_text(const struct kwh_err *e, char *buf, size_t n);

#endif
