/* SPDX-License-Identifier: Apache-2.0 */
/* The frame the query screens share: filters, a paged result list with totals, printing
 * and export. Internal to src/ui. */
#ifndef KWH_UI_QVIEW_H
#define KWH_UI_QVIEW_H

#include "kwhpos/query.h"
#include "ui/widgets.h"

#define QV_TOTAL (-1) /* the row index the cell function gets for the totals line */

struct qview_ops {
    const struct list_col *cols;
    int ncols;
    bool totals;       /* a totals line under the list (cell row QV_TOTAL) */
    list_cell_fn cell; /* ctx is the screen's state */
    /* Loads the page at q->offset: sets q->l.n (rows of the page) and q->total (rows in
     * all). Returns 0 or a KWH_E* code with e filled. */
    int (*load)(struct app *a, void *st, struct kwh_err *e);
    /* Enter on row (NULL: Enter always queries). */
    void (*open)(struct app *a, void *st, int row);
    const char *open_label; /* msgid of Enter on the list */
    /* The whole result for the printer (print) or a CSV file. */
    void (*table)(struct app *a, void *st, bool print, struct table_src *t);
};

struct qview {
    const struct qview_ops *ops;
    void *st;        /* the screen's state, given to the ops */
    struct form fm;  /* the filters */
    int filter_rows; /* rows the filters take */
    struct list l;
    bool on_list;
    bool have; /* a query ran and succeeded */
    int64_t offset, total;
    bool open_ended;          /* total is not known (a search pages by key): the page and
                                 whether more follow, no totals line */
    int64_t page;             /* rows a page loads */
    char info[200];           /* a line above the list (the period it covers) */
    int from_field, to_field; /* a period's two fields (the box on from), or -1 */
};

/* Binds the filter fields (drawn from UI_TOP in filter_rows rows) and the ops. */
void qview_init(struct qview *q, const struct qview_ops *ops, void *st, struct field *f, int nf,
                int filter_rows);
/* Names the period's fields: a date typed in `to` ticks the box of `from`. */
void qview_dates(struct qview *q, int from, int to);
/* The period's last moment as shown ("… - 2026-12-04 23:59": the end is exclusive inside,
 * inclusive on the screen, as typed). */
const char *qview_period_end(int64_t to, char *buf, size_t n);
/* The filter fields the query screens share: a period (from, with the box, over to)
 * and an operator, at row and col. */
void qview_period_fields(struct field *from, struct field *to, int row, int col);
struct field qview_operator_field(int row, int col);
/* The period of the date fields into p: 1 when their box is ticked, 0 when not, or a
 * KWH_E* code (a bad date, a period that ends before it begins) with e filled. */
int qview_period(struct app *a, const struct qview *q, struct kwh_period *p, struct kwh_err *e);
/* The page at q->offset of a result held whole in memory, n rows in all: sets q->l.n
 * (the rows of the page) and q->total, for an ops' load. */
void qview_held_page(struct qview *q, size_t n);
/* The table of an ops' table: the columns the list shows, the line above the list as
 * the subtitle, rows(ctx = the screen's state) giving every row; name and title as in
 * struct table_src. */
void qview_table(const struct qview *q, struct table_src *t, const char *name, const char *title,
                 int (*rows)(struct app *a, void *ctx, struct table_sink *k, struct kwh_err *e));
/* Runs the query from its first page (F3). */
void qview_run(struct app *a, struct qview *q);
void qview_draw(struct app *a, struct qview *q);
/* F3 query, F7 print, F8 export, Enter (query, or open the row on the list). */
int qview_action(struct app *a, struct qview *q, int act);
/* Tab between filters and list, the list's keys with paging, the filters' keys. */
int qview_key(struct app *a, struct qview *q, int type, wint_t ch);
/* Enter's label now (msgid). */
const char *qview_submit(const struct qview *q);

/* The draw, action, key and submit_now of a screen whose state starts with its struct
 * qview. */
void qview_screen_draw(struct app *a, void *st);
int qview_screen_action(struct app *a, void *st, int act);
int qview_screen_key(struct app *a, void *st, int type, wint_t ch);
const char *qview_screen_submit(struct app *a, void *st);

#define QVIEW_ACTIONS (ACT_BIT(ACT_FIND) | ACT_BIT(ACT_PRINT) | ACT_BIT(ACT_EXPORT))

#endif
