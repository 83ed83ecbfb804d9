/* SPDX-License-Identifier: Apache-2.0 */
/* 发票恢复 (M29, administrators): a saved copy of the invoice layout (保存发票格式, newest
 * first) or a form file typed by hand replaces the layout in use; the next print uses
 * it. Reached from the menu (administrators) and from the designer (F8), where the core
 * refuses a seller. */
#include <stdio.h>
#include <string.h>

#include "kwhpos/print.h"
#include "kwhpos/util.h"
#include "ui/widgets.h"
#include "kwhpos/printer.h"

#define LIST_ROWS 10

struct form_restore {
    bool from_designer; /* arg 1: back to the designer afterwards */
    char **names;
    int n;
    struct filepick pick;
    char form[KWH_PATH_MAX];
};

static void fr_enter(struct app *a, void *st, int arg)
{
    struct form_restore *s = st;
    struct printer *p;
    struct kwh_err e;
    const char *dir = "";

    s->from_designer = arg == 1;
    kwh_err_clear(&e);
    if ((p = app_printer(a, &e)) == NULL) {
        app_msg(a, CLR_ERROR, "%s", e.msg);
    } else {
        dir = printer_backup_dir(p);
        str_copy(s->form, sizeof s->form, printer_form_path(p));
        if (print_form_backups(dir, s->form, &s->names, &s->n, &e) < 0) {
            s->names = NULL;
            s->n = 0;
            app_msg(a, CLR_WARN, "%s", e.msg);
        }
    }
    filepick_init(&s->pick, dir, s->names, (size_t)s->n, UI_TOP + 3, LIST_ROWS);
}

static void fr_draw(struct app *a, void *st)
{
    struct form_restore *s = st;
    char line[KWH_PATH_MAX + 64];

    (void)a;
    snprintf(line, sizeof line, _("Invoice layout in use: %s"), s->form);
    draw_text(stdscr, UI_TOP, 2, COLS - 4, line, theme_attr(CLR_READONLY));
    draw_text(stdscr, UI_TOP + 1, 2, COLS - 4,
              _("Choose the saved copy to put back (newest first), or Tab and type a file."),
              theme_attr(CLR_INFO));
    filepick_draw(&s->pick, true);
}

static void back(struct app *a, struct form_restore *s)
{
    app_open(a, s->from_designer ? &scr_designer : NULL, 0);
}

static int fr_submit(struct app *a, struct form_restore *s)
{
    struct printer *p;
    struct kwh_err e;
    char file[KWH_PATH_MAX];

    if (filepick_confirm(
            a, &s->pick, file, sizeof file, _("Choose a saved copy or type a file first."),
            _("Restore invoice layout"), _("Replace the invoice layout with this copy?")) == NULL)
        return UI_HANDLED;
    kwh_err_clear(&e);
    if ((p = app_printer(a, &e)) == NULL || printer_form_restore(p, a->core, &a->s, file, &e) < 0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    str_copy(a->cfg.print_form, sizeof a->cfg.print_form, printer_form_path(p));
    back(a, s);
    app_msg(a, CLR_OK, "%s", _("Invoice layout restored; the next print uses it."));
    return UI_HANDLED;
}

static int fr_action(struct app *a, void *st, int act)
{
    struct form_restore *s = st;

    if (act == ACT_SUBMIT)
        return fr_submit(a, s);
    if (act == ACT_BACK && s->from_designer) {
        back(a, s);
        return UI_HANDLED;
    }
    return UI_IGNORED;
}

static int fr_key(struct app *a, void *st, int type, wint_t ch)
{
    return filepick_key(a, &((struct form_restore *)st)->pick, type, ch);
}

static void fr_leave(struct app *a, void *st)
{
    (void)a;
    print_form_backups_free(((struct form_restore *)st)->names);
}

const struct screen scr_files_form_restore = {
    .title = N_("Restore invoice layout"),
    .submit_label = N_("Restore"),
    .state_size = sizeof(struct form_restore),
    .enter = fr_enter,
    .draw = fr_draw,
    .action = fr_action,
    .key = fr_key,
    .leave = fr_leave,
};
