/* SPDX-License-Identifier: Apache-2.0 */
/* Choosing a saved file: the files of a folder (newest first, as the caller lists them)
 * with their time and size, or a path typed by hand. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
