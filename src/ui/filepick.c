/* SPDX-License-Identifier: Apache-2.0 */
/* Choosing a saved file: the files of a folder (newest first, as the caller lists them)
 * with their time and size, or a path typed by hand; and walking the folders to a file
 * (dirpick). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wctype.h>

#include "kwhpos/util.h"
#include "ui/widgets.h"

static const struct list_col cols[] = {
    {N_("File"), 40, false},
    {N_("Modified"), 16, false},
    {N_("Size (KB)"), 12, true},
};

void filepick_init(struct filepick *p, const char *dir, char **names, size_t n, int y, int h)
{
    memset(&p->l, 0, sizeof p->l);
    str_copy(p->dir, sizeof p->dir, dir);
    p->names = names;
    p->l.n = (int)n;
    p->y = y;
    p->h = h;
    p->f[0] = (struct field){.label = N_("or a file"), .kind = FK_TEXT, .row = 0, .maxlen = 250};
    form_init(&p->fm, p->f, 1, y + h + 1);
    p->on_path = n == 0;
    p->list_only = false;
}

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct filepick *p = ctx;
    char path[KWH_PATH_MAX + 300];
    struct stat sb;

    if (col == 0) {
        snprintf(buf, n, "%s", p->names[row]);
        return;
    }
    snprintf(path, sizeof path, "%s/%s", p->dir, p->names[row]);
    if (stat(path, &sb) != 0)
        return;
    if (col == 1)
        fmt_time(buf, n, (int64_t)sb.st_mtime);
    else
        snprintf(buf, n, "%" PRId64, ((int64_t)sb.st_size + 1023) / 1024);
}

void filepick_draw(struct filepick *p, bool focused)
{
    char line[KWH_PATH_MAX + 64];

    if (!p->list_only) {
        snprintf(line, sizeof line, _("Folder: %s"), p->dir);
        draw_text(stdscr, p->y - 1, 2, COLS - 4, line, theme_attr(CLR_LABEL));
    }
    if (p->l.n == 0)
        draw_text(stdscr, p->y + 1, 2, COLS - 4, _("No saved files in this folder."),
                  theme_attr(CLR_WARN));
    else
        list_draw(&p->l, p->y, 2, p->h, cols, (int)KWH_ARRAY_LEN(cols), cell, p,
                  focused && !p->on_path);
    if (!p->list_only)
        form_draw(&p->fm, focused && p->on_path);
}

int filepick_key(struct app *a, struct filepick *p, int type, wint_t ch)
{
    if ((type == OK && ch == '\t') || (type == KEY_CODE_YES && ch == KEY_BTAB)) {
        p->on_path = !p->on_path || p->l.n == 0;
        return UI_HANDLED;
    }
    if (!p->on_path)
        return list_key(&p->l, p->h, type, ch);
    return form_key(a, &p->fm, type, ch);
}

const char *filepick_choice(struct filepick *p, char *buf, size_t n)
{
    if (p->on_path) {
        if (p->f[0].ed.len == 0)
            return NULL;
        str_copy(buf, n, p->f[0].ed.buf);
        return buf;
    }
    if (p->l.n == 0)
        return NULL;
    snprintf(buf, n, "%s/%s", p->dir, p->names[p->l.sel]);
    return buf;
}

const char *filepick_confirm(struct app *a, struct filepick *p, char *buf, size_t n,
                             const char *none_msg, const char *title, const char *question)
{
    char q[KWH_PATH_MAX + 256];

    if (filepick_choice(p, buf, n) == NULL) {
        app_msg(a, CLR_ERROR, "%s", none_msg);
        return NULL;
    }
    snprintf(q, sizeof q, "%s\n%s", question, buf);
    return dialog_confirm(a, title, q) ? buf : NULL;
}

/* --- dirpick ------------------------------------------------------------------------- */

static const struct list_col dir_cols[] = {
    {N_("File"), 46, false},
    {N_("Modified"), 16, false},
    {N_("Size (KB)"), 10, true},
};

/* Lists p->dir; false (p unchanged but emptied) when it cannot be read. */
static bool dir_load(struct dirpick *p, struct kwh_err *e)
{
    struct file_entry *v;
    size_t n;

    if (file_list_dir(p->dir, p->exts, &v, &n, e) < 0)
        return false;
    free(p->e);
    p->e = v;
    p->n = n;
    p->up = strcmp(p->dir, "/") != 0;
    p->l.n = (int)n + (p->up ? 1 : 0);
    p->l.sel = 0;
    p->l.top = 0;
    return true;
}

/* Makes dir absolute (symbolic links and ".." resolved) into p->dir and lists it. */
static bool dir_go(struct dirpick *p, const char *dir, struct kwh_err *e)
{
    char was[KWH_PATH_MAX], *real = realpath(dir[0] != '\0' ? dir : ".", NULL);

    if (real == NULL || strlen(real) >= sizeof p->dir) {
        char m[KWH_PATH_MAX + 64];
        snprintf(m, sizeof m, _("Cannot open the folder %s."), dir);
        kwh_err_set(e, KWH_EIO, "%s", m);
        free(real);
        return false;
    }
    str_copy(was, sizeof was, p->dir);
    str_copy(p->dir, sizeof p->dir, real);
    free(real);
    if (!dir_load(p, e)) {
        str_copy(p->dir, sizeof p->dir, was);
        return false;
    }
    return true;
}

void dirpick_open(struct app *a, struct dirpick *p, const char *dir, const char *const *exts, int y,
                  int h)
{
    struct kwh_err e;

    dirpick_fini(p);
    p->exts = exts;
    p->y = y;
    p->h = h;
    kwh_err_clear(&e);
    if (!dir_go(p, dir, &e)) {
        app_msg(a, CLR_WARN, _("Cannot open the folder %s: the working folder is listed."), dir);
        if (!dir_go(p, ".", &e) && !dir_go(p, "/", &e))
            app_msg(a, CLR_ERROR, "%s", e.msg);
    }
}

void dirpick_fini(struct dirpick *p)
{
    free(p->e);
    memset(p, 0, sizeof *p);
}

/* The entry of list row row, or NULL for "..". */
static const struct file_entry *entry_at(const struct dirpick *p, int row)
{
    if (p->up && row == 0)
        return NULL;
    return &p->e[row - (p->up ? 1 : 0)];
}

static void dir_cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct dirpick *p = ctx;
    const struct file_entry *f = entry_at(p, row);

    if (f == NULL) {
        if (col == 0)
            snprintf(buf, n, "../  (%s)", _("the folder above"));
        return;
    }
    if (col == 0)
        snprintf(buf, n, "%s%s", f->name, f->dir ? "/" : "");
    else if (col == 1)
        fmt_time(buf, n, f->mtime);
    else if (!f->dir)
        snprintf(buf, n, "%" PRId64, (f->size + 1023) / 1024);
}

void dirpick_draw(struct dirpick *p)
{
    char line[KWH_PATH_MAX + 64];
    size_t files = 0;
    int w = COLS - 4 - utf8_width(_("Folder: %s")) + 2;

    /* a long folder keeps its end: the part the clerk walked into */
    const char *d = p->dir;
    char shown[KWH_PATH_MAX + 8];
    while (utf8_width(d) > w && strchr(d + 1, '/') != NULL)
        d = strchr(d + 1, '/');
    snprintf(shown, sizeof shown, "%s%s", d == p->dir ? "" : "…", d);
    snprintf(line, sizeof line, _("Folder: %s"), shown);
    draw_text(stdscr, p->y, 2, COLS - 4, line, theme_attr(CLR_LABEL));
    list_draw(&p->l, p->y + 1, 2, p->h, dir_cols, (int)KWH_ARRAY_LEN(dir_cols), dir_cell, p, true);
    for (size_t i = 0; i < p->n; i++)
        files += !p->e[i].dir;
    snprintf(line, sizeof line,
             files == 0 ? _("No statement file (.csv, .txt) here: Enter opens a folder, "
                            "Backspace goes up.")
                        : _("%zu statement file(s). Enter: open the folder or choose the file; "
                            "Backspace: up."),
             files);
    draw_text(stdscr, p->y + 1 + p->h, 2, COLS - 4, line, theme_attr(CLR_INFO));
}

/* Goes to the folder above, its row selected. */
static void dir_up(struct app *a, struct dirpick *p)
{
    char was[KWH_PATH_MAX], up[KWH_PATH_MAX], *slash;
    const char *name;
    struct kwh_err e;

    if (!p->up)
        return;
    str_copy(was, sizeof was, p->dir);
    str_copy(up, sizeof up, p->dir);
    slash = strrchr(up, '/');
    if (slash == up)
        up[1] = '\0';
    else if (slash != NULL)
        *slash = '\0';
    kwh_err_clear(&e);
    if (!dir_go(p, up, &e)) {
        app_msg(a, CLR_ERROR, "%s", e.msg);
        return;
    }
    name = strrchr(was, '/') + 1;
    for (int r = 0; r < p->l.n; r++) {
        const struct file_entry *f = entry_at(p, r);
        if (f != NULL && f->dir && strcmp(f->name, name) == 0)
            p->l.sel = r;
    }
}

bool dirpick_enter(struct app *a, struct dirpick *p, char *buf, size_t n)
{
    const struct file_entry *f;
    char path[KWH_PATH_MAX + 300];
    struct kwh_err e;

    if (p->l.n == 0)
        return false;
    if ((f = entry_at(p, p->l.sel)) == NULL) {
        dir_up(a, p);
        return false;
    }
    if (snprintf(path, sizeof path, "%s%s%s", p->dir, strcmp(p->dir, "/") ? "/" : "", f->name) >=
        (int)sizeof path) {
        app_msg(a, CLR_ERROR, "%s", _("The path is too long."));
        return false;
    }
    if (f->dir) {
        kwh_err_clear(&e);
        if (!dir_go(p, path, &e))
            app_msg(a, CLR_ERROR, "%s", e.msg);
        return false;
    }
    if (strlen(path) >= n) {
        app_msg(a, CLR_ERROR, "%s", _("The path is too long."));
        return false;
    }
    str_copy(buf, n, path);
    return true;
}

int dirpick_key(struct app *a, struct dirpick *p, int type, wint_t ch)
{
    if ((type == KEY_CODE_YES && (ch == KEY_BACKSPACE || ch == KEY_LEFT)) ||
        (type == OK && (ch == 127 || ch == 8))) {
        dir_up(a, p);
        return UI_HANDLED | UI_REDRAW;
    }
    if (type == OK && ch > ' ' && ch != 127) {
        /* the next row after the selection whose name starts with the character */
        for (int i = 1; i <= p->l.n; i++) {
            int r = (p->l.sel + i) % p->l.n;
            const struct file_entry *f = entry_at(p, r);
            wchar_t first;
            if (f != NULL && mbtowc(&first, f->name, strlen(f->name)) > 0 &&
                towlower((wint_t)first) == towlower(ch)) {
                p->l.sel = r;
                break;
            }
        }
        return UI_HANDLED | UI_REDRAW;
    }
    return list_key(&p->l, p->h, type, ch);
}
