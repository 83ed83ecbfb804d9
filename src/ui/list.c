/* SPDX-License-Identifier: Apache-2.0 */
/* A scrolling table whose columns are sized in display columns. */
#include <string.h>

#include "ui/widgets.h"

void list_draw(struct list *l, int y, int x, int h, const struct list_col *cols, int ncols,
               list_cell_fn cell, void *ctx, bool focused)
{
    int rows = h - 1;

    if (l->sel >= l->n)
        l->sel = l->n - 1;
    if (l->sel < 0)
        l->sel = 0;
    if (l->sel < l->top)
        l->top = l->sel;
    if (rows > 0 && l->sel >= l->top + rows)
        l->top = l->sel - rows + 1;
    for (int c = 0, cx = x; c < ncols; c++) {
        if (cols[c].right)
            draw_text_right(stdscr, y, cx, cols[c].width, _(cols[c].head),
                            theme_attr(CLR_LIST_HEAD));
        else
            draw_text(stdscr, y, cx, cols[c].width, _(cols[c].head), theme_attr(CLR_LIST_HEAD));
        cx += cols[c].width;
        if (c + 1 < ncols)
            draw_fill(stdscr, y, cx++, 1, theme_attr(CLR_LIST_HEAD));
    }
    for (int r = 0; r < rows; r++) {
        int row = l->top + r;
        int attr = row == l->sel && focused ? theme_attr(CLR_LIST_SEL)
                   : row == l->sel          ? theme_attr(CLR_READONLY)
                                            : theme_attr(CLR_NORMAL);

        if (row < l->n) {
            list_draw_row(y + 1 + r, x, cols, ncols, cell, ctx, row, attr);
        } else {
            draw_fill(stdscr, y + 1 + r, x, list_width(cols, ncols), theme_attr(CLR_NORMAL));
        }
    }
}

void list_draw_row(int y, int x, const struct list_col *cols, int ncols, list_cell_fn cell,
                   void *ctx, int row, int attr)
{
    char buf[LEDIT_CAP];

    for (int c = 0, cx = x; c < ncols; c++) {
        buf[0] = '\0';
        cell(ctx, row, c, buf, sizeof buf);
        if (cols[c].right)
            draw_text_right(stdscr, y, cx, cols[c].width, buf, attr);
        else
            draw_text(stdscr, y, cx, cols[c].width, buf, attr);
        cx += cols[c].width;
        if (c + 1 < ncols)
            draw_fill(stdscr, y, cx++, 1, attr);
    }
}

int list_width(const struct list_col *cols, int ncols)
{
    int w = ncols > 0 ? ncols - 1 : 0;

    for (int c = 0; c < ncols; c++)
        w += cols[c].width;
    return w;
}

int list_key(struct list *l, int h, int type, wint_t ch)
{
    int old = l->sel, page = h > 2 ? h - 2 : 1;

    if (type != KEY_CODE_YES || l->n == 0)
        return UI_IGNORED;
    switch (ch) {
    case KEY_UP: l->sel--; break;
    case KEY_DOWN: l->sel++; break;
    case KEY_PPAGE: l->sel -= page; break;
    case KEY_NPAGE: l->sel += page; break;
    case KEY_HOME: l->sel = 0; break;
    case KEY_END: l->sel = l->n - 1; break;
    default: return UI_IGNORED;
    }
    if (l->sel < 0)
        l->sel = 0;
    if (l->sel >= l->n)
        l->sel = l->n - 1;
    return l->sel != old ? UI_HANDLED | UI_REDRAW : UI_HANDLED;
}

void listform_reloaded(struct listform *lf, int n)
{
    lf->l.n = n;
    if (lf->l.sel >= n)
        lf->l.sel = n - 1;
    if (lf->l.sel < 0)
        lf->l.sel = 0;
}

void listform_to_form(struct listform *lf, struct form *fm, int first)
{
    lf->on_list = false;
    form_focus(fm, first);
}

void listform_new(struct listform *lf, struct form *fm, int first, void (*fill)(void *ctx),
                  void *ctx)
{
    lf->adding = true;
    fill(ctx);
    listform_to_form(lf, fm, first);
}

void listform_saved(struct listform *lf, int sel)
{
    if (sel >= 0)
        lf->l.sel = sel;
    lf->adding = false;
    lf->on_list = true;
}

bool listform_delete(struct app *a, struct listform *lf, const char *title, const char *question,
                     int (*del)(struct app *a, void *ctx, struct kwh_err *e), void *ctx,
                     const char *done)
{
    struct kwh_err e;

    if (lf->l.n == 0 || !dialog_confirm(a, title, question))
        return false;
    kwh_err_clear(&e);
    if (del(a, ctx, &e) < 0) {
        app_error(a, &e);
        return false;
    }
    app_msg(a, CLR_OK, "%s", done);
    return true;
}

/* The form's last field the focus can reach (fields after it may be hidden). */
static int last_field(const struct form *fm)
{
    for (int i = fm->n - 1; i >= 0; i--)
        if (!fm->f[i].hidden && !fm->f[i].readonly && fm->f[i].kind != FK_INFO)
            return i;
    return fm->n - 1;
}

int listform_key(struct app *a, struct listform *lf, struct form *fm, int first, int type,
                 wint_t ch, void (*fill)(void *ctx), void *ctx)
{
    if (lf->on_list) {
        if (type == OK && ch == '\t') {
            listform_to_form(lf, fm, first);
            return UI_HANDLED;
        }
        if (list_key(&lf->l, lf->rows, type, ch) & UI_HANDLED) {
            lf->adding = false;
            fill(ctx);
            return UI_HANDLED;
        }
        return UI_IGNORED;
    }
    if (lf->l.n > 0 && ((type == OK && ch == '\t' && fm->cur == last_field(fm)) ||
                        (type == KEY_CODE_YES && ch == KEY_BTAB && fm->cur <= first))) {
        lf->on_list = true;
        return UI_HANDLED;
    }
    return form_key(a, fm, type, ch);
}
