/* SPDX-License-Identifier: Apache-2.0 */
/* 电价类型设置 (M5): the tariff list; add, edit (price changes keep history), delete
 * (refused while customers use the tariff). A tariff is flat, tiered (阶梯电价: up to 5
 * tiers, each an upper bound in kWh and a price, counted per month or per year from a
 * start month) or 合表 (a shared meter's flat tariff); the core checks the tiers. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "ui/widgets.h"
#include "kwhpos/core.h"
#include "kwhpos/query.h"

#define LIST_ROWS 6

enum {
    F_NAME,
    F_KIND,
    F_PRICE,
    F_PERIOD,
    F_START,
    F_UP1, /* tier i's upper bound: F_UP1 + 2 * i; its price: F_UP1 + 2 * i + 1 */
    F_FROM = F_UP1 + 2 * KWH_TIERS_MAX, /* the day a new price takes effect */
    F_N,
};
#define F_UP(i) (F_UP1 + 2 * (i))
#define F_TP(i) (F_UP1 + 2 * (i) + 1)

/* The kind chosen on the form. */
enum { K_FLAT, K_TIERED, K_SHARED };
static const char *const kinds[] = {N_("Flat"), N_("Tiered (阶梯电价)"), N_("合表 (shared meter)")};
static const char *const periods[] = {N_("Annual"), N_("Monthly")};
static const char *const up_labels[KWH_TIERS_MAX] = {
    N_("Tier 1 up to (kWh)"), N_("Tier 2 up to (kWh)"), N_("Tier 3 up to (kWh)"),
    N_("Tier 4 up to (kWh)"), N_("Tier 5 up to (kWh)")};
static const char *const tp_labels[KWH_TIERS_MAX] = {N_("Tier 1 price"), N_("Tier 2 price"),
                                                     N_("Tier 3 price"), N_("Tier 4 price"),
                                                     N_("Tier 5 price")};

struct tariffs {
    struct kwh_core *core;
    struct kwh_tariff *t;
    size_t n;
    struct listform lf;
    struct field f[F_N];
    struct form fm;
};

/* Which fields the kind (and the period) show. */
static void sync_fields(struct tariffs *s)
{
    bool tiered = s->f[F_KIND].sel == K_TIERED;

    s->f[F_PRICE].hidden = tiered;
    s->f[F_PERIOD].hidden = !tiered;
    s->f[F_START].hidden = !tiered || s->f[F_PERIOD].sel != 0;
    for (int i = 0; i < KWH_TIERS_MAX; i++)
        s->f[F_UP(i)].hidden = s->f[F_TP(i)].hidden = !tiered;
    /* a new tariff takes effect at once; a change may wait for its day */
    s->f[F_FROM].hidden = s->lf.adding;
    s->f[F_FROM].row = tiered ? 2 + KWH_TIERS_MAX : 1;
    s->f[F_FROM].col = tiered ? 0 : 1;
}

static void fill_form(void *ctx)
{
    struct tariffs *s = ctx;
    int sel = s->lf.l.sel;
    const struct kwh_tariff *t;
    char day[16];

    for (int i = F_NAME; i < F_N; i++)
        if (s->f[i].kind != FK_CHOICE)
            form_set_text(&s->fm, i, "");
    s->f[F_KIND].sel = K_FLAT;
    s->f[F_PERIOD].sel = 0;
    form_set_value(&s->fm, F_START, 1);
    period_format_day(core_now(s->core), day, sizeof day); /* today: at once */
    form_set_text(&s->fm, F_FROM, day);
    if (s->lf.adding || sel < 0 || (size_t)sel >= s->n) {
        sync_fields(s);
        return;
    }
    t = &s->t[sel];
    form_set_text(&s->fm, F_NAME, t->name);
    form_set_value(&s->fm, F_PRICE, t->price);
    s->f[F_KIND].sel = t->ntiers > 0 ? K_TIERED : t->kind == KWH_TARIFF_SHARED ? K_SHARED : K_FLAT;
    if (t->ntiers > 0) {
        s->f[F_PERIOD].sel = t->period_months == KWH_PERIOD_MONTHLY;
        form_set_value(&s->fm, F_START, t->period_start);
        for (int i = 0; i < t->ntiers && i < KWH_TIERS_MAX; i++) {
            if (t->tiers[i].upto_ckwh > 0)
                form_set_value(&s->fm, F_UP(i), t->tiers[i].upto_ckwh);
            form_set_value(&s->fm, F_TP(i), t->tiers[i].price);
        }
    }
    sync_fields(s);
}

static void reload(struct app *a, struct tariffs *s)
{
    struct kwh_err e;

    free(s->t);
    s->t = NULL;
    s->n = 0;
    kwh_err_clear(&e);
    if (tariff_list(a->core, &s->t, &s->n, &e) < 0)
        app_msg(a, CLR_ERROR, "%s", e.msg);
    listform_reloaded(&s->lf, (int)s->n);
}

static void tariffs_enter(struct app *a, void *st, int arg)
{
    struct tariffs *s = st;

    (void)arg;
    s->core = a->core;
    s->f[F_FROM] = (struct field){.label = N_("Effective from"),
                                  .kind = FK_TEXT,
                                  .required = true,
                                  .maxlen = 10,
                                  .width = 12};
    s->f[F_NAME] = (struct field){
        .label = N_("Tariff name"), .kind = FK_TEXT, .row = 0, .required = true, .maxlen = 30};
    s->f[F_KIND] = (struct field){.label = N_("Tariff kind"),
                                  .kind = FK_CHOICE,
                                  .row = 0,
                                  .col = 1,
                                  .items = kinds,
                                  .nitems = (int)KWH_ARRAY_LEN(kinds)};
    s->f[F_PRICE] = (struct field){.label = N_("Price (yuan/kWh)"),
                                   .kind = FK_PRICE,
                                   .row = 1,
                                   .required = true,
                                   .imax = UNITS_MAX_PRICE,
                                   .width = 12};
    s->f[F_PERIOD] = (struct field){.label = N_("Tiers count"),
                                    .kind = FK_CHOICE,
                                    .row = 1,
                                    .items = periods,
                                    .nitems = (int)KWH_ARRAY_LEN(periods)};
    s->f[F_START] = (struct field){.label = N_("Start month"),
                                   .kind = FK_INT,
                                   .row = 1,
                                   .col = 1,
                                   .required = true,
                                   .imin = 1,
                                   .imax = 12,
                                   .width = 4};
    for (int i = 0; i < KWH_TIERS_MAX; i++) {
        s->f[F_UP(i)] = (struct field){.label = up_labels[i],
                                       .kind = FK_ENERGY,
                                       .row = 2 + i,
                                       .imax = UNITS_MAX_CKWH,
                                       .width = 12};
        s->f[F_TP(i)] = (struct field){.label = tp_labels[i],
                                       .kind = FK_PRICE,
                                       .row = 2 + i,
                                       .col = 1,
                                       .imax = UNITS_MAX_PRICE,
                                       .width = 10};
    }
    form_init(&s->fm, s->f, F_N, UI_TOP + LIST_ROWS + 2);
    s->lf.rows = LIST_ROWS;
    reload(a, s);
    s->lf.on_list = s->n > 0;
    s->lf.adding = s->n == 0;
    fill_form(s);
}

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct kwh_tariff *t = &((struct tariffs *)ctx)->t[row];
    char b[32];

    switch (col) {
    case 0: snprintf(buf, n, "%s", t->name); break;
    case 1:
        if (t->ntiers > 0) /* 阶梯电价: its first tier's price, and how many tiers */
            snprintf(buf, n, _("%s, %d tiers"), fmt_price(b, sizeof b, t->price), t->ntiers);
        else if (t->kind == KWH_TARIFF_SHARED)
            snprintf(buf, n, _("%s 合表"), fmt_price(b, sizeof b, t->price));
        else
            snprintf(buf, n, "%s", fmt_price(b, sizeof b, t->price));
        break;
    case 2: snprintf(buf, n, "%s", fmt_time(b, sizeof b, t->price_since)); break;
    default: snprintf(buf, n, "%" PRId64, t->customers); break;
    }
}

static void tariffs_draw(struct app *a, void *st)
{
    static const struct list_col cols[] = {
        {N_("Tariff"), 24, false},
        {N_("Price (yuan/kWh)"), 16, true},
        {N_("Since"), 17, false},
        {N_("Accounts"), 10, true},
    };
    struct tariffs *s = st;

    (void)a;
    list_draw(&s->lf.l, UI_TOP, 2, LIST_ROWS, cols, (int)KWH_ARRAY_LEN(cols), cell, s,
              s->lf.on_list);
    draw_text(stdscr, UI_TOP + LIST_ROWS + 1, 2, COLS - 4,
              s->lf.adding ? _("New tariff:")
                           : _("Selected tariff (Tab: edit, F5: new, F6: delete):"),
              theme_attr(CLR_INFO));
    sync_fields(s);
    form_draw(&s->fm, !s->lf.on_list);
    if (s->f[F_KIND].sel == K_TIERED)
        draw_text(stdscr, UI_TOP + LIST_ROWS + 2 + 3 + KWH_TIERS_MAX, 2, COLS - 4,
                  _("The last tier has no upper bound; leave the tiers not used empty."),
                  theme_attr(CLR_INFO));
    if (!s->lf.adding && s->n > 0 && s->t[s->lf.l.sel].next_from != 0) {
        const struct kwh_tariff *t = &s->t[s->lf.l.sel];
        char b1[32], b2[16], text[160];
        period_format_day(t->next_from, b2, sizeof b2);
        if (t->next_tiered)
            snprintf(text, sizeof text, _("Scheduled (待生效): new tiers from %s, tier 1 at %s."),
                     b2, fmt_price(b1, sizeof b1, t->next_price));
        else
            snprintf(text, sizeof text, _("Scheduled (待生效): %s yuan/kWh from %s."),
                     fmt_price(b1, sizeof b1, t->next_price), b2);
        draw_text(stdscr, UI_TOP + LIST_ROWS + 2 + 4 + KWH_TIERS_MAX, 2, COLS - 4, text,
                  theme_attr(CLR_WARN));
    }
}

/* The tier table typed on the form into def (period, start month, tiers in order, the
 * last without a bound); false with the message line saying what is wrong. The core
 * checks the rest (bounds increasing, prices above 0, 2 to 5 tiers). */
static bool read_tiers(struct app *a, struct tariffs *s, struct kwh_tariff *def)
{
    bool ended = false;

    memset(def, 0, sizeof *def);
    def->period_months = s->f[F_PERIOD].sel == 0 ? KWH_PERIOD_ANNUAL : KWH_PERIOD_MONTHLY;
    def->period_start = s->f[F_PERIOD].sel == 0 ? (int)form_value(&s->fm, F_START) : 1;
    for (int i = 0; i < KWH_TIERS_MAX; i++) {
        bool has_up = s->f[F_UP(i)].ed.len > 0, has_price = s->f[F_TP(i)].ed.len > 0;
        if (!has_up && !has_price) {
            ended = true;
            continue;
        }
        if (ended) {
            s->fm.cur = F_UP(i - 1);
            app_msg(a, CLR_ERROR, _("Tier %d is empty: the tiers go in order, from tier 1."), i);
            return false;
        }
        if (!has_price) {
            s->fm.cur = F_TP(i);
            app_msg(a, CLR_ERROR, _("Tier %d: enter its price."), i + 1);
            return false;
        }
        def->tiers[def->ntiers++] =
            (struct kwh_tier){form_value(&s->fm, F_UP(i)), form_value(&s->fm, F_TP(i))};
    }
    if (def->ntiers > 0)
        def->price = def->tiers[0].price;
    return true;
}

static bool same_tiers(const struct kwh_tariff *a, const struct kwh_tariff *b)
{
    if (a->ntiers != b->ntiers || a->period_months != b->period_months ||
        (a->period_months == KWH_PERIOD_ANNUAL && a->period_start != b->period_start))
        return false;
    for (int i = 0; i < a->ntiers; i++)
        if (a->tiers[i].upto_ckwh != b->tiers[i].upto_ckwh ||
            a->tiers[i].price != b->tiers[i].price)
            return false;
    return true;
}

/* New prices apply to every account on the tariff from their next purchase: say what
 * changes and how many accounts, and ask. */
static bool pricing_change_ok(struct app *a, const struct kwh_tariff *t, int kind, int64_t price,
                              int64_t from)
{
    char b1[32], b2[32], text[512];

    if (from != 0) {
        period_format_day(from, b1, sizeof b1);
        if (kind == K_TIERED)
            snprintf(text, sizeof text,
                     _("New tiers for %s from %s (待生效).\n\nUntil that day the prices in force "
                       "stay; %lld open accounts use the tariff."),
                     t->name, b1, (long long)t->customers);
        else
            snprintf(text, sizeof text,
                     _("%s at %s yuan/kWh from %s (待生效).\n\nUntil that day the prices in "
                       "force stay; %lld open accounts use the tariff."),
                     t->name, fmt_price(b2, sizeof b2, price), b1, (long long)t->customers);
        return dialog_confirm(a, _("Schedule a price change"), text);
    }

    if (kind == K_TIERED) {
        snprintf(text, sizeof text,
                 _("New tiers for %s from now on.\n\n%lld open accounts use it: their next "
                   "purchases are split across the new tiers; sales already made keep theirs."),
                 t->name, (long long)t->customers);
        return dialog_confirm(a, _("Change the tiers"), text);
    }
    if (t->ntiers > 0) {
        snprintf(text, sizeof text,
                 _("%s has tiers (阶梯电价). From now on it is a flat tariff at %s yuan/kWh for "
                   "its %lld open accounts. Go ahead?"),
                 t->name, fmt_price(b2, sizeof b2, price), (long long)t->customers);
        return dialog_confirm(a, _("Tiered tariff"), text);
    }
    snprintf(text, sizeof text,
             _("Change the price of %s from %s to %s yuan/kWh?\n\n%lld open accounts use it: "
               "their next purchases are at the new price; sales already made keep theirs."),
             t->name, fmt_price(b1, sizeof b1, t->price), fmt_price(b2, sizeof b2, price),
             (long long)t->customers);
    return dialog_confirm(a, _("Change the price"), text);
}

/* An existing tariff t as the form says: name, then pricing, then kind; asks first when
 * prices change. */
static int update(struct app *a, struct tariffs *s, const struct kwh_tariff *t,
                  struct kwh_tariff *def, int kind, struct kwh_err *e)
{
    const char *name = form_text(&s->fm, F_NAME);
    int64_t price = kind == K_TIERED ? t->price : form_value(&s->fm, F_PRICE), from;
    bool repriced = kind == K_TIERED ? !same_tiers(def, t) : (t->ntiers > 0 || price != t->price);
    struct kwh_tariff flat;
    int rc;

    if ((rc = tariff_parse_from(a->core, form_text(&s->fm, F_FROM), &from, e)) < 0) {
        s->fm.cur = F_FROM;
        return rc;
    }
    /* a change dated later is a new version even at today's prices (it replaces one
       scheduled before) */
    repriced = repriced || from != 0;
    if (from != 0 && kind != K_TIERED && (kind == K_SHARED) != (t->kind == KWH_TARIFF_SHARED))
        return kwh_err_set(e, KWH_EINVAL,
                           "change the kind and schedule a price separately: save the kind "
                           "today first");
    if (repriced && !pricing_change_ok(a, t, kind, price, from))
        return 1;
    if (strcmp(name, t->name) != 0 &&
        (rc = tariff_update(a->core, &a->s, t->id, name, t->price, e)) < 0)
        return rc;
    if (kind == K_TIERED && t->kind == KWH_TARIFF_SHARED &&
        (rc = tariff_set_kind(a->core, &a->s, t->id, KWH_TARIFF_STANDARD, e)) < 0)
        return rc;
    if (repriced) {
        memset(&flat, 0, sizeof flat);
        flat.price = price;
        flat.price_since = def->price_since = from;
        if ((rc = tariff_set_tiers(a->core, &a->s, NULL, t->id, kind == K_TIERED ? def : &flat,
                                   NULL, e)) < 0)
            return rc;
    }
    if (kind != K_TIERED &&
        (rc = tariff_set_kind(a->core, &a->s, t->id,
                              kind == K_SHARED ? KWH_TARIFF_SHARED : KWH_TARIFF_STANDARD, e)) < 0)
        return rc;
    return 0;
}

static int save(struct app *a, struct tariffs *s)
{
    struct kwh_tariff def;
    struct kwh_err e;
    int64_t id = 0;
    int rc, sel = -1, kind = s->f[F_KIND].sel;

    memset(&def, 0, sizeof def);
    sync_fields(s);
    if (!form_validate(a, &s->fm) || (kind == K_TIERED && !read_tiers(a, s, &def))) {
        s->lf.on_list = false;
        return UI_HANDLED;
    }
    /* the whole table is checked before anything is written */
    kwh_err_clear(&e);
    if (kind == K_TIERED && tariff_check_tiers(&def, &e) < 0) {
        s->lf.on_list = false;
        app_msg(a, CLR_ERROR, "%s", e.msg); /* as a field's own check says it */
        return UI_HANDLED;
    }
    if (kind != K_TIERED && form_value(&s->fm, F_PRICE) <= 0) {
        s->lf.on_list = false;
        s->fm.cur = F_PRICE;
        app_msg(a, CLR_ERROR, "%s", _("price: more than 0 and at most 99.9999 yuan/kWh"));
        return UI_HANDLED;
    }
    if (!s->lf.adding)
        rc = update(a, s, &s->t[s->lf.l.sel], &def, kind, &e);
    else if (kind == K_TIERED)
        rc = tariff_set_tiers(a->core, &a->s, form_text(&s->fm, F_NAME), 0, &def, &id, &e);
    else
        rc = tariff_add_kind(a->core, &a->s, form_text(&s->fm, F_NAME), form_value(&s->fm, F_PRICE),
                             kind == K_SHARED ? KWH_TARIFF_SHARED : KWH_TARIFF_STANDARD, &id, &e);
    if (rc > 0) {
        app_msg(a, CLR_INFO, "%s", _("Cancelled; nothing was saved."));
        return UI_HANDLED;
    }
    if (rc < 0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    app_msg(a, CLR_OK, s->lf.adding ? _("Tariff %s added.") : _("Tariff %s saved."),
            form_text(&s->fm, F_NAME));
    reload(a, s);
    for (size_t i = 0; i < s->n; i++)
        if (s->lf.adding && s->t[i].id == id)
            sel = (int)i;
    listform_saved(&s->lf, sel);
    fill_form(s);
    return UI_HANDLED;
}

/* F7: the selected tariff's price versions, newest first, since when each applied (old
 * sales and invoices keep the one they were sold at). */
static void show_history(struct app *a, struct tariffs *s)
{
    struct kwh_tariff *v;
    struct kwh_err e;
    size_t n, o = 0;
    char text[4096], b1[32], b2[32], b3[32];

    if (s->lf.adding || s->n == 0)
        return;
    kwh_err_clear(&e);
    if (tariff_history(a->core, s->t[s->lf.l.sel].id, &v, &n, &e) < 0) {
        app_error(a, &e);
        return;
    }
    text[0] = '\0';
    for (size_t i = 0; i < n && o < sizeof text; i++) {
        o += (size_t)snprintf(text + o, sizeof text - o, "%s  %s",
                              fmt_time(b1, sizeof b1, v[i].price_since),
                              v[i].price_since > core_now(a->core) ? _("[scheduled 待生效] ") : "");
        if (v[i].ntiers == 0) {
            o += (size_t)snprintf(text + o, sizeof text - o, _("flat, %s yuan/kWh\n"),
                                  fmt_price(b2, sizeof b2, v[i].price));
            continue;
        }
        if (v[i].period_months == KWH_PERIOD_MONTHLY)
            o += (size_t)snprintf(text + o, sizeof text - o, "%s:", _("monthly"));
        else
            o += (size_t)snprintf(text + o, sizeof text - o, _("annual from month %d:"),
                                  v[i].period_start);
        for (int k = 0; k < v[i].ntiers && o < sizeof text; k++) {
            if (v[i].tiers[k].upto_ckwh > 0)
                o += (size_t)snprintf(text + o, sizeof text - o, _(" to %s kWh %s;"),
                                      fmt_energy(b2, sizeof b2, v[i].tiers[k].upto_ckwh),
                                      fmt_price(b3, sizeof b3, v[i].tiers[k].price));
            else
                o += (size_t)snprintf(text + o, sizeof text - o, _(" above %s\n"),
                                      fmt_price(b3, sizeof b3, v[i].tiers[k].price));
        }
    }
    free(v);
    dialog_message(a, s->t[s->lf.l.sel].name, text, CLR_INFO);
}

static int delete_selected(struct app *a, void *ctx, struct kwh_err *e)
{
    struct tariffs *s = ctx;

    return tariff_delete(a->core, &a->s, s->t[s->lf.l.sel].id, e);
}

static int tariffs_action(struct app *a, void *st, int act)
{
    struct tariffs *s = st;
    char q[256];

    switch (act) {
    case ACT_NEW: listform_new(&s->lf, &s->fm, F_NAME, fill_form, s); return UI_HANDLED;
    case ACT_DELETE:
        if (s->n == 0)
            return UI_HANDLED;
        snprintf(q, sizeof q, _("Delete the tariff %s?"), s->t[s->lf.l.sel].name);
        if (listform_delete(a, &s->lf, _("Delete tariff"), q, delete_selected, s,
                            _("Tariff deleted."))) {
            reload(a, s);
            s->lf.adding = s->n == 0;
            fill_form(s);
        }
        return UI_HANDLED;
    case ACT_HISTORY: show_history(a, s); return UI_HANDLED;
    case ACT_SUBMIT:
        if (s->lf.on_list) {
            listform_to_form(&s->lf, &s->fm, F_NAME);
            return UI_HANDLED;
        }
        return save(a, s);
    default: return UI_IGNORED;
    }
}

static int tariffs_key(struct app *a, void *st, int type, wint_t ch)
{
    struct tariffs *s = st;

    return listform_key(a, &s->lf, &s->fm, F_NAME, type, ch, fill_form, s);
}

static void tariffs_leave(struct app *a, void *st)
{
    (void)a;
    free(((struct tariffs *)st)->t);
}

const struct screen scr_tariffs = {
    .title = N_("Tariffs"),
    .actions = ACT_BIT(ACT_NEW) | ACT_BIT(ACT_DELETE) | ACT_BIT(ACT_HISTORY),
    .submit_label = N_("Save"),
    .state_size = sizeof(struct tariffs),
    .enter = tariffs_enter,
    .draw = tariffs_draw,
    .action = tariffs_action,
    .key = tariffs_key,
    .leave = tariffs_leave,
};
