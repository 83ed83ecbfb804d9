/* SPDX-License-Identifier: Apache-2.0 */
/* 操作员维护 (M6): add an operator (name, role, password twice), change a role or reset
 * a password, limit an operator to an area (scope_set: they then see and work on only
 * the accounts of that area and below), delete an operator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/oversight.h"
#include "kwhpos/util.h"
#include "ui/area_pick.h"
#include "ui/widgets.h"
#include "kwhpos/core.h"

#define LIST_ROWS 9

enum { F_NAME, F_ROLE, F_PW, F_PW2, F_SCOPE, F_N };

/* The areas an operator is limited to (n 0: unrestricted). */
struct op_scope {
    int64_t area[KWH_SCOPE_MAX];
    size_t n;
};

struct operators {
    struct kwh_operator *o;
    struct op_scope *sc; /* per operator */
    size_t n;
    struct area_pick ap;
    struct listform lf;
    struct field f[F_N];
    struct form fm;
};

static void clear_pw(struct operators *s)
{
    memset(s->f[F_PW].ed.buf, 0, sizeof s->f[F_PW].ed.buf);
    memset(s->f[F_PW2].ed.buf, 0, sizeof s->f[F_PW2].ed.buf);
    ledit_set(&s->f[F_PW].ed, "");
    ledit_set(&s->f[F_PW2].ed, "");
}

static void fill_form(void *ctx)
{
    struct operators *s = ctx;

    clear_pw(s);
    if (s->lf.adding || s->n == 0) {
        form_set_text(&s->fm, F_NAME, "");
        s->f[F_ROLE].sel = 0;
        s->f[F_SCOPE].sel = 0;
        s->f[F_NAME].readonly = false;
        return;
    }
    form_set_text(&s->fm, F_NAME, s->o[s->lf.l.sel].name);
    s->f[F_ROLE].sel = s->o[s->lf.l.sel].role == KWH_ROLE_ADMIN ? 1 : 0;
    s->f[F_SCOPE].sel = 0;
    if (s->sc[s->lf.l.sel].n > 0)
        area_pick_select(&s->ap, &s->f[F_SCOPE], s->sc[s->lf.l.sel].area[0]);
    s->f[F_NAME].readonly = true;
}

static void reload(struct app *a, struct operators *s)
{
    struct kwh_err e;

    free(s->o);
    free(s->sc);
    s->o = NULL;
    s->sc = NULL;
    s->n = 0;
    kwh_err_clear(&e);
    if (auth_operator_list(a->core, &a->s, &s->o, &s->n, &e) < 0)
        app_msg(a, CLR_ERROR, "%s", e.msg);
    s->sc = calloc(s->n + 1, sizeof *s->sc);
    if (s->sc == NULL)
        s->n = 0;
    for (size_t i = 0; i < s->n; i++)
        if (scope_get(a->core, &a->s, s->o[i].name, s->sc[i].area, KWH_SCOPE_MAX, &s->sc[i].n, &e) <
            0)
            s->sc[i].n = 0;
    listform_reloaded(&s->lf, (int)s->n);
}

/* The form's first field: the name for a new operator, else the role. */
static int first_field(const struct operators *s)
{
    return s->lf.adding ? F_NAME : F_ROLE;
}

static void operators_enter(struct app *a, void *st, int arg)
{
    struct operators *s = st;

    (void)arg;
    s->f[F_NAME] = (struct field){
        .label = N_("Name"), .kind = FK_TEXT, .row = 0, .required = true, .maxlen = 30};
    s->f[F_ROLE] = (struct field){.label = N_("Role"),
                                  .kind = FK_CHOICE,
                                  .row = 1,
                                  .items = label_role_items,
                                  .nitems = 2,
                                  .width = 20};
    s->f[F_PW] = (struct field){
        .label = N_("Password"), .kind = FK_PASSWORD, .row = 2, .maxlen = 64, .width = 20};
    s->f[F_PW2] = (struct field){
        .label = N_("Password again"), .kind = FK_PASSWORD, .row = 3, .maxlen = 64, .width = 20};
    s->f[F_SCOPE] = (struct field){.label = N_("Limited to area"), .row = 4};
    s->ap.all = true;
    area_pick_load(a, &s->ap, &s->f[F_SCOPE], 0);
    form_init(&s->fm, s->f, F_N, UI_TOP + LIST_ROWS + 2);
    s->lf.rows = LIST_ROWS;
    reload(a, s);
    s->lf.on_list = true;
    fill_form(s);
}

/* The operator's areas in words: all, one area, or the first and how many more. */
static void scope_text(const struct operators *s, const struct op_scope *sc, char *buf, size_t n)
{
    const char *first = "?";

    if (sc->n == 0) {
        snprintf(buf, n, "%s", _("All areas"));
        return;
    }
    for (int i = 0; i < s->ap.n; i++)
        if (s->ap.areas[i].id == sc->area[0])
            first = s->ap.areas[i].depth == 0 ? _("(whole site)") : s->ap.areas[i].title;
    if (sc->n == 1)
        snprintf(buf, n, "%s", first);
    else
        snprintf(buf, n, _("%s and %zu more"), first, sc->n - 1);
}

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct operators *s = ctx;
    const struct kwh_operator *o = &s->o[row];

    if (col == 0)
        snprintf(buf, n, "%s", o->name);
    else if (col == 1)
        snprintf(buf, n, "%s", label_role(o->role));
    else if (col == 2)
        scope_text(s, &s->sc[row], buf, n);
    else
        snprintf(buf, n, "%s",
                 o->locked_until > time(NULL) ? _("locked out")
                 : o->must_change             ? _("must change password")
                                              : "");
}

static void operators_draw(struct app *a, void *st)
{
    static const struct list_col cols[] = {
        {N_("Operator"), 14, false},
        {N_("Role"), 14, false},
        {N_("Area"), 20, false},
        {N_("State"), 22, false},
    };
    struct operators *s = st;

    (void)a;
    list_draw(&s->lf.l, UI_TOP, 2, LIST_ROWS, cols, (int)KWH_ARRAY_LEN(cols), cell, s,
              s->lf.on_list);
    draw_text(stdscr, UI_TOP + LIST_ROWS + 1, 2, COLS - 4,
              s->lf.adding ? _("New operator:")
                           : _("Selected operator (Tab: role, password or area; F6: delete):"),
              theme_attr(CLR_INFO));
    form_draw(&s->fm, !s->lf.on_list);
}

/* Whether the area chosen differs from the operator's scope (an operator limited to
 * several areas keeps them while the first one stays chosen). */
static bool scope_changed(const struct operators *s, const struct op_scope *sc)
{
    int64_t id = area_pick_id(&s->ap, &s->f[F_SCOPE]);

    return sc->n == 0 ? id != 0 : id != sc->area[0];
}

static int set_scope(struct app *a, struct operators *s, const char *name, struct kwh_err *e)
{
    int64_t id = area_pick_id(&s->ap, &s->f[F_SCOPE]);

    return scope_set(a->core, &a->s, name, &id, id != 0 ? 1 : 0, e);
}

static int save(struct app *a, struct operators *s)
{
    struct kwh_err e;
    int role = s->f[F_ROLE].sel + 1, sel = -1;
    const char *name = form_text(&s->fm, F_NAME);

    if (!form_validate(a, &s->fm))
        return UI_HANDLED;
    kwh_err_clear(&e);
    if (s->lf.adding) {
        if (auth_operator_add(a->core, &a->s, name, role, form_text(&s->fm, F_PW),
                              form_text(&s->fm, F_PW2), &e) < 0) {
            clear_pw(s);
            app_error(a, &e);
            return UI_HANDLED;
        }
        if (area_pick_id(&s->ap, &s->f[F_SCOPE]) != 0 && set_scope(a, s, name, &e) < 0) {
            reload(a, s);
            app_error(a, &e);
            return UI_HANDLED;
        }
        app_msg(a, CLR_OK,
                _("Operator %s added. They choose their own password at their first login."), name);
    } else {
        const struct kwh_operator *o = &s->o[s->lf.l.sel];
        if (role != o->role && auth_operator_set_role(a->core, &a->s, name, role, &e) < 0) {
            app_error(a, &e);
            return UI_HANDLED;
        }
        if (s->f[F_PW].ed.len > 0 &&
            auth_change_password(a->core, &a->s, name, NULL, form_text(&s->fm, F_PW),
                                 form_text(&s->fm, F_PW2), &e) < 0) {
            clear_pw(s);
            app_error(a, &e);
            return UI_HANDLED;
        }
        if (scope_changed(s, &s->sc[s->lf.l.sel]) && set_scope(a, s, name, &e) < 0) {
            app_error(a, &e);
            return UI_HANDLED;
        }
        app_msg(a, CLR_OK, _("Operator %s saved."), name);
    }
    reload(a, s);
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->o[i].name, name) == 0)
            sel = (int)i;
    listform_saved(&s->lf, sel);
    fill_form(s);
    return UI_HANDLED;
}

static int delete_selected(struct app *a, void *ctx, struct kwh_err *e)
{
    struct operators *s = ctx;

    return auth_operator_delete(a->core, &a->s, s->o[s->lf.l.sel].name, e);
}

static int operators_action(struct app *a, void *st, int act)
{
    struct operators *s = st;
    char q[256];

    switch (act) {
    case ACT_NEW: listform_new(&s->lf, &s->fm, F_NAME, fill_form, s); return UI_HANDLED;
    case ACT_DELETE:
        if (s->n == 0)
            return UI_HANDLED;
        snprintf(q, sizeof q, _("Delete the operator %s?"), s->o[s->lf.l.sel].name);
        if (listform_delete(a, &s->lf, _("Delete operator"), q, delete_selected, s,
                            _("Operator deleted."))) {
            reload(a, s);
            s->lf.adding = false;
            fill_form(s);
        }
        return UI_HANDLED;
    case ACT_SUBMIT:
        if (s->lf.on_list) {
            listform_to_form(&s->lf, &s->fm, first_field(s));
            return UI_HANDLED;
        }
        return save(a, s);
    default: return UI_IGNORED;
    }
}

static int operators_key(struct app *a, void *st, int type, wint_t ch)
{
    struct operators *s = st;

    return listform_key(a, &s->lf, &s->fm, first_field(s), type, ch, fill_form, s);
}

static void operators_leave(struct app *a, void *st)
{
    struct operators *s = st;

    (void)a;
    clear_pw(s);
    free(s->o);
    free(s->sc);
    area_pick_fini(&s->ap);
}

const struct screen scr_operators = {
    .title = N_("Operators"),
    .actions = ACT_BIT(ACT_NEW) | ACT_BIT(ACT_DELETE),
    .submit_label = N_("Save"),
    .state_size = sizeof(struct operators),
    .enter = operators_enter,
    .draw = operators_draw,
    .action = operators_action,
    .key = operators_key,
    .leave = operators_leave,
};
