/* SPDX-License-Identifier: Apache-2.0 */
/* 数据备份 (M27): the database copied while other terminals keep selling, to a file
 * named from the date and time in the chosen folder; the copy is checked before it is
 * reported good, and the folder is remembered in the INI ([backup] dir) for the next
 * backups and the automatic ones. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/data.h"
#include "kwhpos/util.h"
#include "ui/widgets.h"
#include "kwhpos/config.h"
#include "kwhpos/core.h"

#define LIST_ROWS 9

enum { F_DIR, F_N };

struct backup {
    struct field f[F_N];
    struct form fm;
    char dir[KWH_PATH_MAX]; /* the folder in use (the INI's or the default) */
    int64_t last;           /* the newest backup's time, 0 = none */
    char **names;
    size_t n;
    struct filepick pick; /* to show the backups there */
};

static void load(struct app *a, struct backup *s)
{
    struct kwh_backup_opts o = {.dir = a->cfg.backup_dir, .keep = a->cfg.backup_keep};
    struct kwh_err e;

    backup_list_free(s->names, s->n);
    s->names = NULL;
    s->n = 0;
    backup_dir_for(core_db_path(a->core), &o, s->dir, sizeof s->dir);
    kwh_err_clear(&e);
    if (backup_last(core_db_path(a->core), &o, &s->last, &e) < 0 ||
        backup_list(core_db_path(a->core), &o, &s->names, &s->n, &e) < 0)
        app_msg(a, CLR_WARN, "%s", e.msg);
    filepick_init(&s->pick, s->dir, s->names, s->n, UI_TOP + 7, LIST_ROWS);
    s->pick.list_only = true;
}

static void backup_enter(struct app *a, void *st, int arg)
{
    struct backup *s = st;

    (void)arg;
    load(a, s);
    s->f[F_DIR] = (struct field){
        .label = N_("Backup folder"), .kind = FK_TEXT, .row = 0, .required = true, .maxlen = 250};
    form_init(&s->fm, s->f, F_N, UI_TOP);
    form_set_text(&s->fm, F_DIR, s->dir);
}

static void backup_draw(struct app *a, void *st)
{
    struct backup *s = st;
    char line[256], t[32];

    snprintf(line, sizeof line,
             _("The file is named from the date and time: "
               "kwhpos-YYYYMMDD-HHMMSS.db; the newest %d are kept."),
             a->cfg.backup_keep);
    draw_wrap(stdscr, UI_TOP + 1, 2, COLS - 4, line, theme_attr(CLR_INFO), 2);
    if (s->last != 0)
        snprintf(line, sizeof line, _("Last backup: %s"), fmt_time(t, sizeof t, s->last));
    else
        snprintf(line, sizeof line, "%s", _("There is no backup in this folder yet."));
    draw_text(stdscr, UI_TOP + 3, 2, COLS - 4, line, theme_attr(s->last ? CLR_INFO : CLR_WARN));
    if (a->cfg.backup_interval_hours > 0)
        snprintf(line, sizeof line,
                 _("Automatic backup on leaving kwhpos when the last is older than %d hours."),
                 a->cfg.backup_interval_hours);
    else
        snprintf(line, sizeof line, "%s",
                 _("Automatic backups are off ([backup] interval_hours)."));
    draw_text(stdscr, UI_TOP + 4, 2, COLS - 4, line, theme_attr(CLR_INFO));
    draw_text(stdscr, UI_TOP + 5, 2, COLS - 4,
              _("Keep backups on another disk than the program and the database."),
              theme_attr(CLR_INFO));
    filepick_draw(&s->pick, false);
    form_draw(&s->fm, true);
}

/* Remembers a folder other than the one in use ([backup] dir) in the station file,
 * once a backup went there. */
static bool remember(struct app *a, const struct backup *s, const char *dir)
{
    struct kwh_config cfg = a->cfg;
    struct kwh_err e;

    if (strcmp(dir, s->dir) == 0)
        return true;
    kwh_err_clear(&e);
    if (config_set(&cfg, "backup.dir", dir, &e) < 0 ||
        app_station_save(a, &cfg, "backup.dir", &e) < 0) {
        app_error(a, &e);
        return false;
    }
    return true;
}

static int backup_submit(struct app *a, struct backup *s)
{
    struct kwh_backup_opts o;
    struct kwh_backup_info info;
    struct kwh_err e;
    struct pairs p = {0};
    char dir[KWH_PATH_MAX];

    if (!form_validate(a, &s->fm))
        return UI_HANDLED;
    str_copy(dir, sizeof dir, form_text(&s->fm, F_DIR));
    o.dir = dir;
    o.keep = a->cfg.backup_keep;
    app_msg(a, CLR_WARN, "%s", _("Backing up the database... (other terminals may go on)"));
    app_draw(a);
    kwh_err_clear(&e);
    if (backup_run(a->core, &o, &info, &e) < 0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    if (!remember(a, s, dir))
        return UI_HANDLED;
    pairs_add(&p, _("File"), "%s", info.path);
    pairs_add(&p, _("Size (KB)"), "%" PRId64, (info.bytes + 1023) / 1024);
    pairs_add(&p, _("Time taken"), _("%" PRId64 " ms"), info.millis);
    pairs_add(&p, _("Integrity check"), "%s", _("passed"));
    pairs_add(&p, _("Old backups removed"), "%d", info.removed);
    app_msg(a, CLR_OK, _("Backed up to %s."), info.path);
    load(a, s);
    dialog_pairs(a, _("Backup done"), &p, NULL);
    return UI_HANDLED;
}

static int backup_action(struct app *a, void *st, int act)
{
    return act == ACT_SUBMIT ? backup_submit(a, st) : UI_IGNORED;
}

static int backup_key(struct app *a, void *st, int type, wint_t ch)
{
    return form_key(a, &((struct backup *)st)->fm, type, ch);
}

static void backup_leave(struct app *a, void *st)
{
    struct backup *s = st;

    (void)a;
    backup_list_free(s->names, s->n);
}

const struct screen scr_files_backup = {
    .title = N_("Back up data"),
    .submit_label = N_("Back up"),
    .state_size = sizeof(struct backup),
    .enter = backup_enter,
    .draw = backup_draw,
    .action = backup_action,
    .key = backup_key,
    .leave = backup_leave,
};
