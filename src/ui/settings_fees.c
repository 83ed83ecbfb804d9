/* SPDX-License-Identifier: Apache-2.0 */
/* 费用设置 (admin): what is collected at a sale besides the energy (docs/units.md). One
 * list: the card fee (补卡费, the site's reissue fee), the fee types (per sale, monthly;
 * F5 adds one, F6 stops charging it), and the site's rule for recovering arrears (a
 * fixed amount or a percentage of each payment). The form under it edits the row
 * chosen; the core checks and refuses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/core.h"
#include "kwhpos/money.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "ui/widgets.h"

#define LIST_ROWS 9

enum { F_NAME, F_KIND, F_AMOUNT, F_RMODE, F_RFIXED, F_RPERCENT, F_N };

/* What a row of the list is. */
enum { ROW_CARD, ROW_FEE, ROW_RULE };

static const char *const fee_kinds[] = {N_("Per sale"), N_("Monthly")};
static const char *const rule_modes[] = {N_("Fixed amount per sale"), N_("Percentage of payment")};

struct fees {
    struct kwh_fee_type *f;
    size_t n;
    struct kwh_site site;
    struct kwh_recovery_rule rule;
    struct listform lf;
    struct field fld[F_N];
    struct form fm;
};

/* Rows: the card fee, the fee types, the rule. */
static int row_kind(const struct fees *s, int row)
{
    return row == 0 ? ROW_CARD : (size_t)row <= s->n ? ROW_FEE : ROW_RULE;
}

static int current(const struct fees *s)
{
    return s->lf.adding ? ROW_FEE : row_kind(s, s->lf.l.sel);
}

static void sync_fields(struct fees *s)
{
    int k = current(s);
    bool fixed = s->fld[F_RMODE].sel == 0;

    s->fld[F_NAME].hidden = k == ROW_RULE;
    s->fld[F_NAME].readonly = k == ROW_CARD;
    s->fld[F_KIND].hidden = k != ROW_FEE;
    s->fld[F_KIND].readonly = !s->lf.adding; /* a fee keeps its kind: add another */
    s->fld[F_AMOUNT].hidden = k == ROW_RULE;
    s->fld[F_RMODE].hidden = k != ROW_RULE;
    s->fld[F_RFIXED].hidden = k != ROW_RULE || !fixed;
    s->fld[F_RPERCENT].hidden = k != ROW_RULE || fixed;
}

static void fill_form(void *ctx)
{
    struct fees *s = ctx;
    int k = current(s);

    form_set_text(&s->fm, F_NAME, "");
    form_set_text(&s->fm, F_AMOUNT, "");
    s->fld[F_KIND].sel = 0;
    s->fld[F_RMODE].sel = s->rule.mode == KWH_RECOVER_FIXED ? 0 : 1;
    form_set_text(&s->fm, F_RFIXED, "");
    form_set_text(&s->fm, F_RPERCENT, "");
    if (s->rule.mode == KWH_RECOVER_FIXED)
        form_set_value(&s->fm, F_RFIXED, s->rule.value);
    else
        form_set_value(&s->fm, F_RPERCENT, s->rule.value);
    if (k == ROW_CARD) {
        form_set_text(&s->fm, F_NAME, _("Card fee (补卡费)"));
        form_set_value(&s->fm, F_AMOUNT, s->site.reissue_fee_fen);
    } else if (k == ROW_FEE && !s->lf.adding) {
        const struct kwh_fee_type *f = &s->f[s->lf.l.sel - 1];
        form_set_text(&s->fm, F_NAME, f->name);
        s->fld[F_KIND].sel = f->kind == KWH_FEE_MONTHLY;
        form_set_value(&s->fm, F_AMOUNT, f->amount_fen);
    }
    sync_fields(s);
}

static void reload(struct app *a, struct fees *s)
{
    struct kwh_err e;

    free(s->f);
    s->f = NULL;
    s->n = 0;
    kwh_err_clear(&e);
    if (fee_list(a->core, &s->f, &s->n, &e) < 0 || settings_get(a->core, &s->site, &e) < 0 ||
        arrears_site_rule(a->core, &s->rule, &e) < 0)
        app_msg(a, CLR_ERROR, "%s", e.msg);
    listform_reloaded(&s->lf, (int)s->n + 2);
}

static void fees_enter(struct app *a, void *st, int arg)
{
    struct fees *s = st;

    (void)arg;
    s->fld[F_NAME] = (struct field){
        .label = N_("Fee name"), .kind = FK_TEXT, .row = 0, .required = true, .maxlen = 30};
    s->fld[F_KIND] = (struct field){.label = N_("Charged"),
                                    .kind = FK_CHOICE,
                                    .row = 1,
                                    .items = fee_kinds,
                                    .nitems = (int)KWH_ARRAY_LEN(fee_kinds)};
    s->fld[F_AMOUNT] = (struct field){.label = N_("Amount (yuan)"),
                                      .kind = FK_MONEY,
                                      .row = 2,
                                      .required = true,
                                      .imax = UNITS_MAX_FEN,
                                      .width = 12};
    s->fld[F_RMODE] = (struct field){.label = N_("Arrears recovered"),
                                     .kind = FK_CHOICE,
                                     .row = 0,
                                     .items = rule_modes,
                                     .nitems = (int)KWH_ARRAY_LEN(rule_modes)};
    s->fld[F_RFIXED] = (struct field){.label = N_("Amount per sale (yuan)"),
                                      .kind = FK_MONEY,
                                      .row = 1,
                                      .required = true,
                                      .imax = UNITS_MAX_FEN,
                                      .width = 12};
    s->fld[F_RPERCENT] = (struct field){.label = N_("Percent of each payment"),
                                        .kind = FK_INT,
                                        .row = 1,
                                        .required = true,
                                        .imin = 1,
                                        .imax = 100,
                                        .width = 5};
    form_init(&s->fm, s->fld, F_N, UI_TOP + LIST_ROWS + 2);
    s->lf.rows = LIST_ROWS;
    reload(a, s);
    s->lf.on_list = true;
    fill_form(s);
}

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct fees *s = ctx;
    int k = row_kind(s, row);
    char b[32];

    buf[0] = '\0';
    if (k == ROW_CARD) {
        if (col == 0)
            snprintf(buf, n, "%s", _("Card fee (补卡费)"));
        else if (col == 1)
            snprintf(buf, n, "%s", _("With a card reissue"));
        else
            snprintf(buf, n, "%s", fmt_money(b, sizeof b, s->site.reissue_fee_fen));
    } else if (k == ROW_FEE) {
        const struct kwh_fee_type *f = &s->f[row - 1];
        if (col == 0)
            snprintf(buf, n, "%s", f->name);
        else if (col == 1)
            snprintf(buf, n, "%s", _(fee_kinds[f->kind == KWH_FEE_MONTHLY]));
        else
            snprintf(buf, n, "%s", fmt_money(b, sizeof b, f->amount_fen));
    } else {
        if (col == 0)
            snprintf(buf, n, "%s", _("Arrears recovery (the site's)"));
        else if (col == 1)
            snprintf(buf, n, "%s", _(rule_modes[s->rule.mode != KWH_RECOVER_FIXED]));
        else if (s->rule.mode == KWH_RECOVER_FIXED)
            snprintf(buf, n, "%s", fmt_money(b, sizeof b, s->rule.value));
        else
            snprintf(buf, n, "%lld %%", (long long)s->rule.value);
    }
}

static void fees_draw(struct app *a, void *st)
{
    static const struct list_col cols[] = {
        {N_("Collected at a sale"), 30, false},
        {N_("When"), 24, false},
        {N_("Amount (yuan)"), 14, true},
    };
    struct fees *s = st;
    int k = current(s);

    (void)a;
    sync_fields(s);
    list_draw(&s->lf.l, UI_TOP, 2, LIST_ROWS, cols, (int)KWH_ARRAY_LEN(cols), cell, s,
              s->lf.on_list);
    draw_text(stdscr, UI_TOP + LIST_ROWS + 1, 2, COLS - 4,
              s->lf.adding   ? _("New fee (F5):")
              : k == ROW_FEE ? _("Selected fee (Tab: edit, F5: new, F6: stop charging it):")
              : k == ROW_CARD
                  ? _("The card fee is charged with a card reissue (Tab: edit, F5: new fee):")
                  : _("How arrears are recovered at a sale, unless an account has its own:"),
              theme_attr(CLR_INFO));
    form_draw(&s->fm, !s->lf.on_list);
}

static int save_row(struct app *a, struct fees *s, struct kwh_err *e)
{
    int k = current(s);
    int64_t id;

    if (k == ROW_CARD) {
        struct kwh_site site = s->site;
        site.reissue_fee_fen = form_value(&s->fm, F_AMOUNT);
        return settings_set_limits(a->core, &a->s, &site, e);
    }
    if (k == ROW_RULE) {
        struct kwh_recovery_rule r;
        r.mode = s->fld[F_RMODE].sel == 0 ? KWH_RECOVER_FIXED : KWH_RECOVER_PERCENT;
        r.value = form_value(&s->fm, r.mode == KWH_RECOVER_FIXED ? F_RFIXED : F_RPERCENT);
        return arrears_set_site_rule(a->core, &a->s, &r, e);
    }
    if (s->lf.adding)
        return fee_add(a->core, &a->s, form_text(&s->fm, F_NAME),
                       s->fld[F_KIND].sel == 0 ? KWH_FEE_SALE : KWH_FEE_MONTHLY,
                       form_value(&s->fm, F_AMOUNT), &id, e);
    return fee_update(a->core, &a->s, s->f[s->lf.l.sel - 1].id, form_text(&s->fm, F_NAME),
                      form_value(&s->fm, F_AMOUNT), e);
}

static int save(struct app *a, struct fees *s)
{
    struct kwh_err e;
    bool adding = s->lf.adding;
    int sel = s->lf.l.sel;

    sync_fields(s);
    if (!form_validate(a, &s->fm)) {
        s->lf.on_list = false;
        return UI_HANDLED;
    }
    kwh_err_clear(&e);
    if (save_row(a, s, &e) < 0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    app_msg(a, CLR_OK, "%s",
            _("Saved. Sales quoted from now on collect it; a quote made before is refused."));
    reload(a, s);
    /* a new fee is the last fee row */
    listform_saved(&s->lf, adding ? (int)s->n : sel);
    fill_form(s);
    return UI_HANDLED;
}

static int delete_selected(struct app *a, void *ctx, struct kwh_err *e)
{
    struct fees *s = ctx;

    return fee_delete(a->core, &a->s, s->f[s->lf.l.sel - 1].id, e);
}

static int fees_action(struct app *a, void *st, int act)
{
    struct fees *s = st;
    char q[256];

    switch (act) {
    case ACT_NEW:
        listform_new(&s->lf, &s->fm, F_NAME, fill_form, s);
        sync_fields(s);
        return UI_HANDLED;
    case ACT_DELETE:
        if (s->lf.adding || row_kind(s, s->lf.l.sel) != ROW_FEE) {
            app_msg(a, CLR_WARN, "%s",
                    _("Only a fee type can be deleted: set the card fee or the recovery rule "
                      "instead."));
            return UI_HANDLED;
        }
        snprintf(q, sizeof q, _("Stop charging the fee %s? Sales already made keep it."),
                 s->f[s->lf.l.sel - 1].name);
        if (listform_delete(a, &s->lf, _("Delete fee"), q, delete_selected, s,
                            _("The fee is no longer charged."))) {
            reload(a, s);
            fill_form(s);
        }
        return UI_HANDLED;
    case ACT_SUBMIT:
        if (s->lf.on_list) {
            listform_to_form(&s->lf, &s->fm, current(s) == ROW_RULE ? F_RMODE : F_NAME);
            return UI_HANDLED;
        }
        return save(a, s);
    default: return UI_IGNORED;
    }
}

static int fees_key(struct app *a, void *st, int type, wint_t ch)
{
    struct fees *s = st;
    int first = current(s) == ROW_RULE ? F_RMODE : current(s) == ROW_CARD ? F_AMOUNT : F_NAME;
    int r = listform_key(a, &s->lf, &s->fm, first, type, ch, fill_form, s);

    sync_fields(s);
    return r;
}

/* F6 only on a fee type: the card fee and the rule are set, not deleted. */
static unsigned fees_actions_now(const struct app *a, void *st)
{
    struct fees *s = st;

    (void)a;
    if (!s->lf.adding && row_kind(s, s->lf.l.sel) == ROW_FEE)
        return ACT_BIT(ACT_NEW) | ACT_BIT(ACT_DELETE);
    return ACT_BIT(ACT_NEW);
}

static void fees_leave(struct app *a, void *st)
{
    (void)a;
    free(((struct fees *)st)->f);
}

const struct screen scr_fees = {
    .title = N_("Fee settings"),
    .actions = ACT_BIT(ACT_NEW) | ACT_BIT(ACT_DELETE),
    .submit_label = N_("Save"),
    .actions_now = fees_actions_now,
    .state_size = sizeof(struct fees),
    .enter = fees_enter,
    .draw = fees_draw,
    .action = fees_action,
    .key = fees_key,
    .leave = fees_leave,
};
