/* SPDX-License-Identifier: Apache-2.0 */
/* 区域设置 (issue 14 §1, admin): the area tree (园区 / 楼栋 / 单元 / 房间) with the accounts
 * in each area and below; F5 adds an area under the selected one, Enter renames it or
 * moves it under another, F6 deletes it. The core refuses a cycle, a tree deeper than
 * six levels and deleting an area that holds accounts, areas or an operator's scope;
 * its message is shown and nothing changes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/oversight.h"
#include "kwhpos/util.h"
#include "ui/area_pick.h"
#include "ui/widgets.h"

struct areas {
    struct kwh_area *ar;
    size_t n;
    struct list l;
};

static void reload(struct app *a, struct areas *s, int64_t select)
{
    struct kwh_err e;

    free(s->ar);
    s->ar = NULL;
    s->n = 0;
    kwh_err_clear(&e);
    if (area_list(a->core, &a->s, &s->ar, &s->n, &e) < 0)
        app_error(a, &e);
    s->l.n = (int)s->n;
    for (size_t i = 0; i < s->n; i++)
        if (s->ar[i].id == select)
            s->l.sel = (int)i;
    if (s->l.sel >= s->l.n)
        s->l.sel = s->l.n > 0 ? s->l.n - 1 : 0;
}

static void areas_enter(struct app *a, void *st, int arg)
{
    (void)arg;
    reload(a, st, 0);
}

static void areas_leave(struct app *a, void *st)
{
    (void)a;
    free(((struct areas *)st)->ar);
}

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct kwh_area *ar = &((struct areas *)ctx)->ar[row];

    if (col == 0)
        /* the tree: each level indented two columns under its parent */
        snprintf(buf, n, "%*s%s", 2 * (ar->depth > 0 ? ar->depth - 1 : 0), "",
                 ar->depth == 0 ? _("(whole site)") : ar->name);
    else if (col == 1)
        snprintf(buf, n, "%" PRId64, ar->accounts);
    else
        snprintf(buf, n, "#%" PRId64, ar->id);
}

static const struct list_col cols[] = {
    {N_("Area"), 48, false},
    {N_("Accounts"), 10, true},
    {N_("ID"), 8, true},
};

static void areas_draw(struct app *a, void *st)
{
    struct areas *s = st;
    int h = UI_ROWS - 2;

    (void)a;
    list_draw(&s->l, UI_TOP, 2, h, cols, (int)KWH_ARRAY_LEN(cols), cell, s, true);
    draw_text(stdscr, UI_TOP + h, 2, COLS - 4,
              _("F5: new area under the selected one. Enter: rename or move. F6: delete."),
              theme_attr(CLR_INFO));
}

static const struct kwh_area *selected(const struct areas *s)
{
    return s->n > 0 ? &s->ar[s->l.sel] : NULL;
}

static void add_area(struct app *a, struct areas *s)
{
    const struct kwh_area *parent = selected(s);
    struct field f[1] = {
        {.label = N_("Name"), .kind = FK_TEXT, .row = 0, .maxlen = 40, .required = true},
    };
    char title[KWH_AREA_PATH_MAX + 64];
    struct kwh_err e;
    int64_t id;

    if (parent == NULL)
        return;
    snprintf(title, sizeof title, _("New area under %s"),
             parent->depth == 0 ? _("(whole site)") : parent->title);
    if (!dialog_form(a, title, f, 1))
        return;
    kwh_err_clear(&e);
    if (area_add(a->core, &a->s, parent->depth == 0 ? 0 : parent->id,
                 form_text(&(const struct form){.f = f, .n = 1}, 0), &id, &e) < 0) {
        app_error(a, &e);
        return;
    }
    reload(a, s, id);
    app_msg(a, CLR_OK, _("Area %s added."), selected(s)->title);
}

/* Enter: the name and the parent in one dialog; a rename, a move or both. */
static void edit_area(struct app *a, struct areas *s)
{
    const struct kwh_area *ar = selected(s);
    struct field f[2] = {
        {.label = N_("Name"), .kind = FK_TEXT, .row = 0, .maxlen = 40, .required = true},
        {.label = N_("Under"), .row = 1},
    };
    struct form fm = {.f = f, .n = 2};
    struct area_pick ap = {0};
    struct kwh_err e;
    int64_t id, parent, to, root;
    bool done = false;

    if (ar == NULL)
        return;
    if (ar->depth == 0) {
        app_msg(a, CLR_WARN, "%s",
                _("The top of the tree is the whole site: it has no name and cannot move."));
        return;
    }
    id = ar->id;
    parent = ar->parent_id;
    ledit_set(&f[0].ed, ar->name);
    area_pick_load(a, &ap, &f[1], parent);
    if (!dialog_form(a, _("Rename or move the area"), f, 2)) {
        area_pick_fini(&ap);
        return;
    }
    /* the top of the tree is "no parent" to the core */
    root = ap.n > 0 && ap.areas[0].depth == 0 ? ap.areas[0].id : -1;
    to = area_pick_id(&ap, &f[1]);
    to = to == root ? 0 : to;
    parent = parent == root ? 0 : parent;
    kwh_err_clear(&e);
    if (strcmp(form_text(&fm, 0), ar->name) != 0) {
        if (area_rename(a->core, &a->s, id, form_text(&fm, 0), &e) < 0)
            goto out;
        done = true;
    }
    if (to != parent) {
        if (area_move(a->core, &a->s, id, to, &e) < 0)
            goto out;
        done = true;
    }
out:
    area_pick_fini(&ap);
    reload(a, s, id);
    if (e.code != 0)
        app_error(a, &e);
    else if (done)
        app_msg(a, CLR_OK, _("Area saved: %s."), selected(s)->title);
}

static int delete_area(struct app *a, void *ctx, struct kwh_err *e)
{
    return area_delete(a->core, &a->s, selected(ctx)->id, e);
}

static int areas_action(struct app *a, void *st, int act)
{
    struct areas *s = st;
    const struct kwh_area *ar = selected(s);
    char q[KWH_AREA_PATH_MAX + 64];
    struct kwh_err e;

    switch (act) {
    case ACT_NEW: add_area(a, s); return UI_HANDLED;
    case ACT_SUBMIT: edit_area(a, s); return UI_HANDLED;
    case ACT_DELETE:
        if (ar == NULL)
            return UI_HANDLED;
        if (ar->depth == 0) {
            app_msg(a, CLR_WARN, "%s", _("The top of the tree is the whole site: it stays."));
            return UI_HANDLED;
        }
        snprintf(q, sizeof q, _("Delete the area %s?"), ar->title);
        if (!dialog_confirm(a, _("Delete area"), q))
            return UI_HANDLED;
        kwh_err_clear(&e);
        if (delete_area(a, s, &e) < 0) {
            app_error(a, &e);
            return UI_HANDLED;
        }
        reload(a, s, 0);
        app_msg(a, CLR_OK, "%s", _("Area deleted."));
        return UI_HANDLED;
    default: return UI_IGNORED;
    }
}

static int areas_key(struct app *a, void *st, int type, wint_t ch)
{
    struct areas *s = st;

    (void)a;
    return list_key(&s->l, UI_ROWS - 2, type, ch);
}

const struct screen scr_areas = {
    .title = N_("Areas"),
    .actions = ACT_BIT(ACT_NEW) | ACT_BIT(ACT_DELETE),
    .submit_label = N_("Rename/move"),
    .keys_help = N_("Up, Down, PgUp, PgDn: select an area\n"
                    "An area with accounts, areas under it or an operator limited to it cannot "
                    "be deleted; an area cannot move under itself, nor the tree be deeper than "
                    "six levels"),
    .state_size = sizeof(struct areas),
    .enter = areas_enter,
    .draw = areas_draw,
    .action = areas_action,
    .key = areas_key,
    .leave = areas_leave,
};
