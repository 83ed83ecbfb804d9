/* SPDX-License-Identifier: Apache-2.0 */
/* 发票格式调整 (M8, both roles): the invoice layout designer. The form is drawn at its
 * real size (scrolled when larger than the screen); Tab picks an item, the arrows move
 * it (the form refuses overlaps and the page's edges, and the message says why), Del
 * deletes it, +/- change a field's width; F5 adds a field from the variable table or a
 * title; F2 previews the page with sample values; Enter saves; F7 saves a copy
 * (保存发票格式) and F8 puts a copy back (恢复发票格式, administrators: the core refuses
 * others). As the manual says, the Chinese text is titles and the English names are
 * variables. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/invoice.h"
#include "kwhpos/print.h"
#include "kwhpos/util.h"
#include "ui/widgets.h"
#include "kwhpos/printer.h"

#define GUTTER 4 /* line numbers left of the page */

struct designer {
    struct print_form *form; /* the working copy; NULL when the file could not be read */
    char path[KWH_PATH_MAX];
    int sel;       /* the selected item, -1 none */
    int top, left; /* the first page line and column shown */
    bool dirty;
    struct print_page *preview; /* F2: the page with sample values, or NULL */
    char why[KWH_ERR_MSG];      /* why the file could not be read */
};

/* Page area on the screen: rows and columns. */
static int view_y(void)
{
    return UI_TOP + 2;
}

static int view_h(void)
{
    return UI_ROWS - 3;
}

static int view_x(void)
{
    return 2 + GUTTER;
}

static int view_w(void)
{
    return COLS - view_x() - 2;
}

static int page_lines(const struct designer *s)
{
    int n = print_form_lines(s->form);
    return n > 0 ? n : 1;
}

static bool load(struct app *a, struct designer *s)
{
    struct printer *p;
    struct kwh_err e;

    print_form_free(s->form);
    s->form = NULL;
    s->sel = -1;
    s->dirty = false;
    kwh_err_clear(&e);
    if ((p = app_printer(a, &e)) == NULL) {
        app_error(a, &e);
        return false;
    }
    str_copy(s->path, sizeof s->path, printer_form_path(p));
    if (print_form_load(s->path, &s->form, &e) < 0) {
        str_copy(s->why, sizeof s->why, e.msg);
        app_error(a, &e);
        return false;
    }
    s->sel = print_form_item_count(s->form) > 0 ? 0 : -1;
    return true;
}

static void drop_preview(struct designer *s)
{
    print_page_free(s->preview);
    s->preview = NULL;
}

static void designer_enter(struct app *a, void *st, int arg)
{
    (void)arg;
    load(a, st);
}

static void designer_leave(struct app *a, void *st)
{
    struct designer *s = st;

    (void)a;
    drop_preview(s);
    print_form_free(s->form);
}

/* --- drawing ------------------------------------------------------------------------------ */

/* Writes text that starts at page column col, clipped to the view. */
static void draw_clipped(int y, int col, const char *text, int attr, int left, int w)
{
    int c = col;

    for (const char *p = text; *p;) {
        uint32_t cp;
        int len = utf8_decode(p, strlen(p), &cp), cw = utf8_cp_width(cp);
        char ch[8];

        if (c >= left && c + cw <= left + w) {
            snprintf(ch, sizeof ch, "%.*s", len, p);
            draw_text(stdscr, y, view_x() + c - left, cw, ch, attr);
        } else if (c < left + w && c + cw > left) {
            draw_fill(stdscr, y, view_x() + (c > left ? c - left : 0), 1, attr);
        }
        c += cw;
        p += len;
    }
}

/* A field as the file writes it: {name   >}, as wide as the field. */
static void field_text(const struct print_item *it, char *buf, size_t n)
{
    const struct print_var_info *v = print_var_info(it->var);
    const char *mark = it->align == PRINT_RIGHT ? ">" : it->align == PRINT_CENTER ? "^" : "";
    int pad = it->width - 2 - (int)strlen(v->name) - (int)strlen(mark);

    snprintf(buf, n, "{%s%*s%s}", v->name, pad > 0 ? pad : 0, "", mark);
}

static void describe(const struct designer *s, char *buf, size_t n)
{
    const struct print_item *it = s->sel >= 0 ? print_form_item(s->form, s->sel) : NULL;

    if (it == NULL) {
        snprintf(buf, n, "%s", _("Nothing selected: F5 adds a field or a title."));
    } else if (it->kind == PRINT_ITEM_TITLE) {
        snprintf(buf, n, _("Title \"%s\": line %d, column %d"), it->text, it->row + 1, it->col + 1);
    } else {
        const struct print_var_info *v = print_var_info(it->var);
        snprintf(buf, n, _("Field {%s} %s: line %d, column %d, width %d"), v->name, v->title,
                 it->row + 1, it->col + 1, it->width);
    }
}

static void draw_page(const struct designer *s)
{
    int y0 = view_y(), h = view_h(), w = view_w(), width = print_form_width(s->form);
    int lines = s->preview != NULL ? s->preview->nlines : page_lines(s);
    char num[16];

    for (int r = 0; r < h; r++) {
        int line = s->top + r, vis = width - s->left;
        if (line >= lines)
            break;
        snprintf(num, sizeof num, "%3d", line + 1);
        draw_text(stdscr, y0 + r, 2, GUTTER, num, theme_attr(CLR_LABEL));
        draw_fill(stdscr, y0 + r, view_x(), vis < w ? (vis > 0 ? vis : 0) : w,
                  theme_attr(CLR_READONLY));
        if (vis >= 0 && vis < w)
            draw_text(stdscr, y0 + r, view_x() + vis, 1, "|", theme_attr(CLR_LABEL));
        if (s->preview != NULL)
            draw_clipped(y0 + r, 0, s->preview->lines[line], theme_attr(CLR_READONLY), s->left, w);
    }
    if (s->preview != NULL)
        return;
    for (int i = 0; i < print_form_item_count(s->form); i++) {
        const struct print_item *it = print_form_item(s->form, i);
        char buf[PRINT_FORM_MAX_WIDTH + 8];
        int role;

        if (it->row < s->top || it->row >= s->top + h)
            continue;
        if (it->kind == PRINT_ITEM_TITLE) {
            str_copy(buf, sizeof buf, it->text);
            role = CLR_READONLY;
        } else {
            field_text(it, buf, sizeof buf);
            role = CLR_FIELD;
        }
        if (i == s->sel)
            role = CLR_FIELD_CUR;
        draw_clipped(y0 + it->row - s->top, it->col, buf, theme_attr(role), s->left, w);
    }
}

static void draw_ruler(const struct designer *s)
{
    char ruler[PRINT_FORM_MAX_WIDTH + 16];
    int w = view_w(), width = print_form_width(s->form), n = 0;

    for (int c = s->left; c < width && n < w && n < (int)sizeof ruler - 1; c++, n++)
        ruler[n] = (c + 1) % 10 == 0  ? (char)('0' + ((c + 1) / 10) % 10)
                   : (c + 1) % 5 == 0 ? '+'
                                      : '.';
    ruler[n] = '\0';
    draw_text(stdscr, view_y() - 1, view_x(), w, ruler, theme_attr(CLR_LABEL));
}

static void designer_draw(struct app *a, void *st)
{
    struct designer *s = st;
    char line[KWH_PATH_MAX + 200];

    (void)a;
    if (s->form == NULL) {
        snprintf(line, sizeof line, _("The invoice layout cannot be read: %s"), s->path);
        draw_text(stdscr, UI_TOP, 2, COLS - 4, line, theme_attr(CLR_ERROR));
        int rows = draw_wrap(stdscr, UI_TOP + 1, 2, COLS - 4, s->why, theme_attr(CLR_ERROR), 4);
        draw_text(stdscr, UI_TOP + 2 + rows, 2, COLS - 4,
                  _("F8 puts a saved copy back; or fix the file (kwhpos form check)."),
                  theme_attr(CLR_INFO));
        return;
    }
    if (s->preview != NULL)
        snprintf(line, sizeof line, "%s", _("Preview with sample values (F2: back to the layout)"));
    else
        describe(s, line, sizeof line);
    draw_text(stdscr, UI_TOP, 2, COLS - 4, line, theme_attr(CLR_INFO));
    draw_ruler(s);
    draw_page(s);
    snprintf(line, sizeof line,
             _("%s  %dx%d%s   Tab: next item  arrows: move  +/-: width  "
               "Del: delete"),
             print_form_name(s->form)[0] ? print_form_name(s->form) : _("form"),
             print_form_width(s->form), page_lines(s), s->dirty ? " *" : "");
    draw_text(stdscr, UI_TOP + UI_ROWS - 1, 2, COLS - 4, line, theme_attr(CLR_LABEL));
}

/* --- editing ------------------------------------------------------------------------------ */

/* Scrolls so that the selected item is in view. */
static void follow(struct designer *s)
{
    const struct print_item *it = s->sel >= 0 ? print_form_item(s->form, s->sel) : NULL;
    int h = view_h(), w = view_w();

    if (it == NULL)
        return;
    if (it->row < s->top)
        s->top = it->row;
    if (it->row >= s->top + h)
        s->top = it->row - h + 1;
    if (it->col < s->left)
        s->left = it->col;
    if (it->col + it->width > s->left + w)
        s->left = it->col + it->width - w;
    if (s->left < 0)
        s->left = 0;
}

static void changed(struct app *a, struct designer *s, const char *what)
{
    s->dirty = true;
    follow(s);
    app_msg(a, CLR_INFO, "%s", what);
}

static int move_item(struct app *a, struct designer *s, int drow, int dcol)
{
    struct kwh_err e;

    if (s->sel < 0)
        return UI_HANDLED;
    kwh_err_clear(&e);
    if (print_form_move(s->form, &s->sel, drow, dcol, &e) < 0) {
        beep();
        app_msg(a, CLR_WARN, "%s", e.msg);
        return UI_HANDLED;
    }
    changed(a, s, "");
    return UI_HANDLED;
}

static int resize(struct app *a, struct designer *s, int by)
{
    const struct print_item *it = s->sel >= 0 ? print_form_item(s->form, s->sel) : NULL;
    struct kwh_err e;

    if (it == NULL || it->kind != PRINT_ITEM_FIELD) {
        app_msg(a, CLR_WARN, "%s", _("Only a field has a width: select one with Tab."));
        return UI_HANDLED;
    }
    kwh_err_clear(&e);
    if (print_form_resize(s->form, s->sel, it->width + by, &e) < 0) {
        beep();
        app_msg(a, CLR_WARN, "%s", e.msg);
        return UI_HANDLED;
    }
    changed(a, s, "");
    return UI_HANDLED;
}

static int delete_item(struct app *a, struct designer *s)
{
    struct kwh_err e;

    if (s->sel < 0)
        return UI_HANDLED;
    kwh_err_clear(&e);
    if (print_form_delete(s->form, s->sel, &e) < 0) {
        app_msg(a, CLR_WARN, "%s", e.msg);
        return UI_HANDLED;
    }
    if (s->sel >= print_form_item_count(s->form))
        s->sel = print_form_item_count(s->form) - 1;
    changed(a, s, _("Deleted."));
    return UI_HANDLED;
}

/* Where a new item of width w goes first: the first free place on a line below the
 * items, or any free place when the page's height is fixed. */
static void free_place(const struct designer *s, int w, int *row, int *col)
{
    int width = print_form_width(s->form), height = print_form_height(s->form);
    int lines = print_form_lines(s->form);

    *row = lines;
    *col = 0;
    if (height == 0 || lines < height)
        return;
    for (int r = 0; r < height; r++)
        for (int c = 0; c + w <= width; c++) {
            int k = 0;
            while (k < w + 2 && c + k < width && print_form_item_at(s->form, r, c + k) < 0)
                k++;
            if (k >= w + 2 || c + k >= width) {
                *row = r;
                *col = c == 0 ? 0 : c + 1;
                return;
            }
        }
    *row = 0;
}

/* F5: a variable from the table, or a title when one is typed, at a line and column. */
static int add(struct app *a, struct designer *s)
{
    static char items[PRINT_NVARS][64];
    static const char *item_ptr[PRINT_NVARS];
    struct field f[4] = {
        {.label = N_("Variable"),
         .kind = FK_CHOICE,
         .row = 0,
         .items = item_ptr,
         .nitems = PRINT_NVARS,
         .items_raw = true},
        {.label = N_("or a title"), .kind = FK_TEXT, .row = 1, .maxlen = 60},
        {.label = N_("Line"),
         .kind = FK_INT,
         .row = 2,
         .imin = 1,
         .imax = PRINT_FORM_MAX_LINES,
         .required = true},
        {.label = N_("Column"),
         .kind = FK_INT,
         .row = 3,
         .imin = 1,
         .imax = PRINT_FORM_MAX_WIDTH,
         .required = true},
    };
    const struct form fm = {.f = f, .n = 4};
    struct kwh_err e;
    int row, col, idx = -1, rc;
    char buf[16];

    for (int v = 0; v < PRINT_NVARS; v++) {
        const struct print_var_info *vi = print_var_info(v);
        snprintf(items[v], sizeof items[v], "%s {%s}", vi->title, vi->name);
        item_ptr[v] = items[v];
    }
    free_place(s, 12, &row, &col);
    snprintf(buf, sizeof buf, "%d", row + 1);
    ledit_set(&f[2].ed, buf);
    snprintf(buf, sizeof buf, "%d", col + 1);
    ledit_set(&f[3].ed, buf);
    if (!dialog_form(a, _("Add a field or a title"), f, 4))
        return UI_HANDLED;
    row = (int)form_value(&fm, 2) - 1;
    col = (int)form_value(&fm, 3) - 1;
    kwh_err_clear(&e);
    rc = f[1].ed.len > 0 ? print_form_add_title(s->form, f[1].ed.buf, row, col, &idx, &e)
                         : print_form_add_field(s->form, f[0].sel, row, col, &idx, &e);
    if (rc < 0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    s->sel = idx;
    changed(a, s, _("Added: move it with the arrows."));
    return UI_HANDLED;
}

static int preview(struct app *a, struct designer *s)
{
    struct print_vars *v;
    struct kwh_err e;

    if (s->preview != NULL) {
        drop_preview(s);
        return UI_HANDLED;
    }
    kwh_err_clear(&e);
    if ((v = print_vars_new()) == NULL) {
        app_msg(a, CLR_ERROR, "%s", _("Out of memory."));
        return UI_HANDLED;
    }
    if (print_vars_set_samples(v, &e) < 0 || print_render(s->form, v, &s->preview, &e) < 0) {
        s->preview = NULL;
        app_error(a, &e);
    } else if (s->preview->note[0]) {
        app_msg(a, CLR_WARN, "%s", s->preview->note);
    }
    print_vars_free(v);
    return UI_HANDLED;
}

static bool save(struct app *a, struct designer *s)
{
    struct printer *p;
    struct kwh_err e;

    kwh_err_clear(&e);
    if ((p = app_printer(a, &e)) == NULL || printer_form_save(p, a->core, &a->s, s->form, &e) < 0) {
        app_error(a, &e);
        return false;
    }
    s->dirty = false;
    str_copy(s->path, sizeof s->path, printer_form_path(p)); /* the station's edited copy */
    str_copy(a->cfg.print_form, sizeof a->cfg.print_form, s->path);
    app_msg(a, CLR_OK, _("Invoice layout saved to %s."), s->path);
    return true;
}

static int backup(struct app *a, struct designer *s)
{
    struct printer *p;
    struct kwh_err e;
    char path[KWH_PATH_MAX];

    if (s->dirty) {
        if (!dialog_confirm(a, _("Save a copy"), _("Save the layout first, then a copy of it?")) ||
            !save(a, s))
            return UI_HANDLED;
    }
    kwh_err_clear(&e);
    if ((p = app_printer(a, &e)) == NULL ||
        printer_form_backup(p, a->core, &a->s, path, sizeof path, &e) < 0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    app_msg(a, CLR_OK, _("A copy of the layout was saved as %s."), path);
    return UI_HANDLED;
}

static int restore(struct app *a, struct designer *s)
{
    if (s->dirty &&
        !dialog_confirm(a, _("Restore a copy"), _("Your changes are not saved. Leave them?")))
        return UI_HANDLED;
    app_open(a, &scr_files_form_restore, 1);
    return UI_HANDLED;
}

static int designer_action(struct app *a, void *st, int act)
{
    struct designer *s = st;

    if (s->form == NULL && act != ACT_FORM_RESTORE)
        return act == ACT_BACK ? UI_IGNORED : UI_HANDLED;
    if (s->preview != NULL && act != ACT_PREVIEW && act != ACT_BACK)
        drop_preview(s);
    switch (act) {
    case ACT_PREVIEW: return preview(a, s);
    case ACT_NEW: return add(a, s);
    case ACT_SUBMIT: save(a, s); return UI_HANDLED;
    case ACT_FORM_BACKUP: return backup(a, s);
    case ACT_FORM_RESTORE: return restore(a, s);
    case ACT_BACK:
        if (s->preview != NULL) {
            drop_preview(s);
            return UI_HANDLED;
        }
        if (s->dirty &&
            !dialog_confirm(a, _("Invoice layout"), _("Your changes are not saved. Leave them?")))
            return UI_HANDLED;
        return UI_IGNORED;
    default: return UI_IGNORED;
    }
}

static int designer_key(struct app *a, void *st, int type, wint_t ch)
{
    struct designer *s = st;
    int n;

    if (s->form == NULL)
        return UI_IGNORED;
    if (s->preview != NULL)
        drop_preview(s);
    n = print_form_item_count(s->form);
    if (type == OK && ch == '\t' && n > 0) {
        s->sel = (s->sel + 1) % n;
        follow(s);
        return UI_HANDLED;
    }
    if (type == KEY_CODE_YES && ch == KEY_BTAB && n > 0) {
        s->sel = (s->sel + n - 1) % n;
        follow(s);
        return UI_HANDLED;
    }
    if (type == OK && (ch == '+' || ch == '-'))
        return resize(a, s, ch == '+' ? 1 : -1);
    if (type != KEY_CODE_YES)
        return UI_IGNORED;
    switch (ch) {
    case KEY_UP: return move_item(a, s, -1, 0);
    case KEY_DOWN: return move_item(a, s, 1, 0);
    case KEY_LEFT: return move_item(a, s, 0, -1);
    case KEY_RIGHT: return move_item(a, s, 0, 1);
    case KEY_DC: return delete_item(a, s);
    case KEY_PPAGE: s->top = s->top > view_h() ? s->top - view_h() : 0; return UI_HANDLED;
    case KEY_NPAGE:
        if (s->top + view_h() < page_lines(s))
            s->top += view_h();
        return UI_HANDLED;
    default: return UI_IGNORED;
    }
}

/* With no form read, only F8 (a saved copy back) does something. */
static unsigned designer_actions(const struct app *a, void *st)
{
    (void)a;
    if (((struct designer *)st)->form == NULL)
        return ACT_BIT(ACT_FORM_RESTORE);
    return ACT_BIT(ACT_PREVIEW) | ACT_BIT(ACT_NEW) | ACT_BIT(ACT_FORM_BACKUP) |
           ACT_BIT(ACT_FORM_RESTORE);
}

static const char *designer_submit(struct app *a, void *st)
{
    (void)a;
    return ((struct designer *)st)->form != NULL ? N_("Save") : NULL;
}

const struct screen scr_designer = {
    .title = N_("Invoice layout"),
    .actions = ACT_BIT(ACT_PREVIEW) | ACT_BIT(ACT_NEW) | ACT_BIT(ACT_FORM_BACKUP) |
               ACT_BIT(ACT_FORM_RESTORE),
    .submit_label = N_("Save"),
    .submit_now = designer_submit,
    .keys_help = N_("Tab, Shift-Tab: select the next or previous item\n"
                    "Up, Down, Left, Right: move the selected item\n"
                    "+, -: make the selected field wider or narrower\n"
                    "Delete: remove the selected item\n"
                    "PgUp, PgDn: scroll the page"),
    .actions_now = designer_actions,
    .state_size = sizeof(struct designer),
    .enter = designer_enter,
    .draw = designer_draw,
    .action = designer_action,
    .key = designer_key,
    .leave = designer_leave,
};
