/* SPDX-License-Identifier: Apache-2.0 */
/* 操作员维护 (M6): add an operator (name, role, password twice), change a role or reset
 * a password, limit an operator to one or more areas (scope_set: they then see and work
 * on only the accounts of those areas and below; Ins adds the area chosen to the list,
 * Del takes it out, Save writes it), delete an operator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/oversight.h"
#include "kwhpos/util.h"
#include "ui/area_pick.h"
#include "ui/widgets.h"
#include "kwhpos/core.h"

#define LIST_ROWS 9

enum { F_NAME, F_ROLE, F_PW, F_PW2, F_SCOPE, F_AREA, F_N };

/* The areas an operator is limited to (n 0: unrestricted). */
struct op_scope {
    int64_t area[KWH_SCOPE_MAX];
    size_t n;
};

struct operators {
    struct kwh_operator *o;
    struct op_scope *sc; /* per operator */
    size_t n;
    struct op_scope edit; /* the areas in the form, written by Save */
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

/* An area by its whole name ("?" when the operator may not see it). */
static const char *area_name(const struct operators *s, int64_t id)
{
    for (int i = 0; i < s->ap.n; i++)
        if (s->ap.areas[i].id == id)
            return s->ap.areas[i].depth == 0 ? _("(whole site)") : s->ap.areas[i].title;
    return "?";
}

/* The form's list of areas in words. */
static void show_edit(struct operators *s)
{
    char buf[sizeof s->f[F_SCOPE].ed.buf];
    size_t used = 0;

    buf[0] = '\0';
    if (s->edit.n == 0)
        snprintf(buf, sizeof buf, "%s", _("All areas"));
    for (size_t i = 0; i < s->edit.n; i++) {
        const char *sep = i ? _("; ") : "", *name = area_name(s, s->edit.area[i]);
        if (used + strlen(sep) + strlen(name) + 1 > sizeof buf)
            break; /* whole names only: the field shows the start anyway */
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", sep, name);
    }
    form_set_text(&s->fm, F_SCOPE, buf);
}

static void fill_form(void *ctx)
{
    struct operators *s = ctx;

    clear_pw(s);
    s->f[F_AREA].sel = 0;
    if (s->lf.adding || s->n == 0) {
        form_set_text(&s->fm, F_NAME, "");
        s->f[F_ROLE].sel = 0;
        s->edit.n = 0;
        s->f[F_NAME].readonly = false;
        show_edit(s);
        return;
    }
    form_set_text(&s->fm, F_NAME, s->o[s->lf.l.sel].name);
    s->f[F_ROLE].sel = s->o[s->lf.l.sel].role == KWH_ROLE_ADMIN ? 1 : 0;
    s->edit = s->sc[s->lf.l.sel];
    if (s->edit.n > 0)
        area_pick_select(&s->ap, &s->f[F_AREA], s->edit.area[0]);
    s->f[F_NAME].readonly = true;
    show_edit(s);
}

/* Ins: the area chosen joins the list; Del: it leaves it. */
static void edit_scope(struct app *a, struct operators *s, bool add)
{
    int64_t id = area_pick_id(&s->ap, &s->f[F_AREA]);
    size_t at = s->edit.n;

    for (size_t i = 0; i < s->edit.n; i++)
        if (s->edit.area[i] == id)
            at = i;
    if (add && at < s->edit.n) {
        app_msg(a, CLR_WARN, _("%s is in the list already."), area_name(s, id));
    } else if (add && s->edit.n >= KWH_SCOPE_MAX) {
        app_msg(a, CLR_WARN, _("At most %d areas per operator."), KWH_SCOPE_MAX);
    } else if (add) {
        s->edit.area[s->edit.n++] = id;
        app_msg(a, CLR_INFO, _("%s added to the list: Save (Enter) writes it."), area_name(s, id));
    } else if (at == s->edit.n) {
        app_msg(a, CLR_WARN, _("%s is not in the list."), area_name(s, id));
    } else {
        memmove(&s->edit.area[at], &s->edit.area[at + 1],
                (s->edit.n - at - 1) * sizeof s->edit.area[0]);
        s->edit.n--;
        app_msg(a, CLR_INFO, _("%s taken out of the list: Save (Enter) writes it."),
                area_name(s, id));
    }
    show_edit(s);
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
    s->f[F_SCOPE] = (struct field){.label = N_("Limited to areas"), .kind = FK_INFO, .row = 4};
    s->f[F_AREA] = (struct field){.label = N_("Add or remove area"), .row = 5};
    area_pick_load(a, &s->ap, &s->f[F_AREA], 0);
    form_init(&s->fm, s->f, F_N, UI_TOP + LIST_ROWS + 2);
    s->lf.rows = LIST_ROWS;
    reload(a, s);
    s->lf.on_list = true;
    fill_form(s);
}

/* The operator's areas in words: all, one area, or the first and how many more. */
static void scope_text(const struct operators *s, const struct op_scope *sc, char *buf, size_t n)
{
    const char *first;

    if (sc->n == 0) {
        snprintf(buf, n, "%s", _("All areas"));
        return;
    }
    first = area_name(s, sc->area[0]);
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
                           : _("Selected operator (Tab: role, password or areas; F6: delete):"),
              theme_attr(CLR_INFO));
    form_draw(&s->fm, !s->lf.on_list);
    if (!s->lf.on_list && s->fm.cur == F_AREA)
        draw_text(stdscr, UI_TOP + LIST_ROWS + 2 + s->f[F_AREA].row + 1, 2, COLS - 4,
                  _("Ins: add the area chosen (it and everything below it); Del: take it out"),
                  theme_attr(CLR_INFO));
}

/* Whether the form's areas differ from the operator's (as sets). */
static bool scope_changed(const struct operators *s, const struct op_scope *sc)
{
    if (sc->n != s->edit.n)
        return true;
    for (size_t i = 0; i < sc->n; i++) {
        bool found = false;
        for (size_t j = 0; j < s->edit.n; j++)
            found |= s->edit.area[j] == sc->area[i];
        if (!found)
            return true;
    }
    return false;
}

static int set_scope(struct app *a, struct operators *s, const char *name, struct kwh_err *e)
{
    return scope_set(a->core, &a->s, name, s->edit.area, s->edit.n, e);
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
        if (s->edit.n > 0 && set_scope(a, s, name, &e) < 0) {
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

    if (!s->lf.on_list && s->fm.cur == F_AREA && type == KEY_CODE_YES &&
        (ch == KEY_IC || ch == KEY_DC)) {
        edit_scope(a, s, ch == KEY_IC);
        return UI_REDRAW;
    }
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
    .keys_help = N_("Up, Down: choose an operator; Tab: to the form and back; F5: a new "
                    "operator; F6: delete the one chosen\n"
                    "Limited to areas: the areas the operator sees and works on, each with "
                    "everything below it (All areas: unrestricted)\n"
                    "Add or remove area: Left, Right or a character choose an area; Ins adds "
                    "it to the list, Del takes it out; Save (Enter) writes the list"),
    .state_size = sizeof(struct operators),
    .enter = operators_enter,
    .draw = operators_draw,
    .action = operators_action,
    .key = operators_key,
    .leave = operators_leave,
};
