/* SPDX-License-Identifier: Apache-2.0 */
/* 数据恢复 (M28): a backup from the folder (newest first) or a file typed by hand
 * replaces the database, after a confirmation. The core refuses what is not this site's
 * database, a damaged or newer one, a database other terminals have open, and a
 * seller; the refusal is shown with what to do. The current database is kept first;
 * afterwards everyone logs in again. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/data.h"
#include "kwhpos/util.h"
#include "ui/widgets.h"
#include "kwhpos/core.h"

#define LIST_ROWS 10

struct restore {
    char **names;
    size_t n;
    struct filepick pick;
};

static void restore_enter(struct app *a, void *st, int arg)
{
    struct restore *s = st;
    struct kwh_backup_opts o = {.dir = a->cfg.backup_dir, .keep = a->cfg.backup_keep};
    char dir[KWH_PATH_MAX];
    struct kwh_err e;

    (void)arg;
    backup_dir_for(core_db_path(a->core), &o, dir, sizeof dir);
    kwh_err_clear(&e);
    if (backup_list(core_db_path(a->core), &o, &s->names, &s->n, &e) < 0)
        app_msg(a, CLR_WARN, "%s", e.msg);
    filepick_init(&s->pick, dir, s->names, s->n, UI_TOP + 2, LIST_ROWS);
}

static void restore_draw(struct app *a, void *st)
{
    struct restore *s = st;

    (void)a;
    draw_text(stdscr, UI_TOP, 2, COLS - 4,
              _("Choose the backup (usually the newest), or Tab and type a file."),
              theme_attr(CLR_INFO));
    draw_wrap(stdscr, UI_TOP + LIST_ROWS + 4, 2, COLS - 4,
              _("Every other terminal must leave kwhpos first. The database as it is now is "
                "kept as a -prerestore copy. Cards written after the backup will need a "
                "reissue. Everyone logs in again afterwards."),
              theme_attr(CLR_WARN), 3);
    filepick_draw(&s->pick, true);
}

static void show_result(struct app *a, const char *file, const struct kwh_restore_info *info)
{
    struct pairs p = {0};
    char t[32];

    pairs_add(&p, _("Restored from"), "%s", file);
    pairs_add(&p, _("Accounts"), "%" PRId64, info->accounts);
    pairs_add(&p, _("Newest sale"), "%s", fmt_time(t, sizeof t, info->last_sale));
    pairs_add(&p, _("Schema version"), "%d", info->from_version);
    pairs_add(&p, _("Kept before"), "%s", info->pre_restore[0] ? info->pre_restore : "-");
    dialog_pairs(a, _("Data restored"), &p, _("Log in again."));
}

static int restore_submit(struct app *a, struct restore *s)
{
    struct kwh_backup_opts o = {.dir = a->cfg.backup_dir, .keep = a->cfg.backup_keep};
    struct kwh_restore_info info;
    struct kwh_core *old;
    struct kwh_err e;
    char file[KWH_PATH_MAX];

    if (filepick_confirm(a, &s->pick, file, sizeof file, _("Choose a backup or type a file first."),
                         _("Restore data"), _("Replace the database with this backup?")) == NULL)
        return UI_HANDLED;
    app_msg(a, CLR_WARN, "%s", _("Restoring... do not switch off."));
    app_draw(a);
    kwh_err_clear(&e);
    old = a->core;
    if (backup_restore(&a->core, &a->s, file, &o, &info, &e) < 0) {
        app_error(a, &e);
        if (a->core != old)
            app_core_replaced(a, &e, false);
        return UI_HANDLED;
    }
    app_msg(a, CLR_OK, "%s", _("Data restored. Log in again."));
    show_result(a, file, &info);
    app_core_replaced(a, &e, true);
    return UI_HANDLED;
}

static int restore_action(struct app *a, void *st, int act)
{
    return act == ACT_SUBMIT ? restore_submit(a, st) : UI_IGNORED;
}

static int restore_key(struct app *a, void *st, int type, wint_t ch)
{
    return filepick_key(a, &((struct restore *)st)->pick, type, ch);
}

static void restore_leave(struct app *a, void *st)
{
    struct restore *s = st;

    (void)a;
    backup_list_free(s->names, s->n);
}

const struct screen scr_files_restore = {
    .title = N_("Restore data"),
    .submit_label = N_("Restore"),
    .state_size = sizeof(struct restore),
    .enter = restore_enter,
    .draw = restore_draw,
    .action = restore_action,
    .key = restore_key,
    .leave = restore_leave,
};
