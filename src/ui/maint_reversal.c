/* SPDX-License-Identifier: Apache-2.0 */
/* 冲正 (购电维护): a sale recorded wrongly, by its invoice number, with the reason, and
 * optionally the money as it was really paid (payment method, reference, amount for the
 * energy), or the energy taken back off the customer's card while the meter has not
 * loaded it (the card is read at Enter). The plan shows the sale, its reversal and the
 * correction, or the card written back; an administrator other than the operator
 * approves it on the same screen with their own password (docs/units.md). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/money.h"
#include "kwhpos/plan.h"
#include "kwhpos/util.h"
#include "ui/parts.h"

enum {
    F_INVOICE,
    F_REASON,
    F_CORRECT,
    F_PAY,
    F_REF,
    F_AMOUNT,
    F_APPROVER,
    F_PASSWORD,
    F_LATER,
    F_ENERGY,
    F_N
};

struct reversal {
    struct field f[F_N];
    struct form fm;
};

static void sync(struct reversal *s)
{
    bool energy = s->f[F_ENERGY].on, off;

    /* the energy back cancels the sale whole, on the spot: no correction, no request */
    if (energy)
        s->f[F_CORRECT].on = s->f[F_LATER].on = false;
    s->f[F_CORRECT].hidden = energy;
    s->f[F_LATER].hidden = energy;
    off = !s->f[F_CORRECT].on;
    s->f[F_PAY].hidden = off;
    s->f[F_REF].hidden = off || s->f[F_PAY].sel == KWH_PAY_CASH;
    s->f[F_AMOUNT].hidden = off;
    s->f[F_APPROVER].hidden = s->f[F_LATER].on;
    s->f[F_PASSWORD].hidden = s->f[F_LATER].on;
    if (s->f[F_REF].hidden)
        ledit_set(&s->f[F_REF].ed, "");
}

static void wipe_password(struct reversal *s)
{
    memset(s->f[F_PASSWORD].ed.buf, 0, sizeof s->f[F_PASSWORD].ed.buf);
    ledit_set(&s->f[F_PASSWORD].ed, "");
}

static void reversal_enter(struct app *a, void *st, int arg)
{
    struct reversal *s = st;

    (void)a;
    (void)arg;
    s->f[F_INVOICE] = (struct field){.label = N_("Invoice number"),
                                     .kind = FK_DIGITS,
                                     .row = 0,
                                     .minlen = 1,
                                     .maxlen = 12,
                                     .width = 14,
                                     .required = true};
    s->f[F_REASON] = (struct field){
        .label = N_("Reason"), .kind = FK_TEXT, .row = 1, .maxlen = 120, .required = true};
    s->f[F_CORRECT] =
        (struct field){.label = N_("Record the money as it was paid"), .kind = FK_CHECK, .row = 2};
    s->f[F_PAY] = (struct field){.label = N_("Payment"),
                                 .kind = FK_CHOICE,
                                 .row = 3,
                                 .width = 14,
                                 .items = label_pay_items(),
                                 .nitems = KWH_PAY_COUNT};
    s->f[F_REF] = (struct field){
        .label = N_("Reference"), .kind = FK_TEXT, .row = 4, .maxlen = KWH_REF_MAX - 1};
    s->f[F_AMOUNT] = (struct field){.label = N_("Amount for the energy (yuan)"),
                                    .kind = FK_MONEY,
                                    .row = 5,
                                    .width = 14,
                                    .optional_zero = true};
    s->f[F_LATER] = (struct field){
        .label = N_("Ask an administrator to approve it later"), .kind = FK_CHECK, .row = 8};
    s->f[F_ENERGY] =
        (struct field){.label = N_("Take the energy back off the card (card in the reader)"),
                       .kind = FK_CHECK,
                       .row = 9};
    s->f[F_APPROVER] = (struct field){.label = N_("Approved by (administrator)"),
                                      .kind = FK_TEXT,
                                      .row = 6,
                                      .maxlen = 30,
                                      .width = 24,
                                      .required = true};
    s->f[F_PASSWORD] = (struct field){.label = N_("Administrator's password"),
                                      .kind = FK_PASSWORD,
                                      .row = 7,
                                      .maxlen = 64,
                                      .width = 24,
                                      .required = true};
    sync(s);
    form_init(&s->fm, s->f, F_N, UI_TOP + 1);
}

static void reversal_draw(struct app *a, void *st)
{
    (void)a;
    draw_wrap(stdscr, UI_TOP + 11, 2, COLS - 4,
              _("A reversal cancels the money of a sale with a new, linked entry; the energy is "
                "not changed, unless the card still holds the purchase the meter has not "
                "loaded: tick the last box and the card is written back. Leave the amount empty "
                "to keep the amount recorded."),
              theme_attr(CLR_INFO), 4);
    form_draw(&((struct reversal *)st)->fm, true);
}

static int reversal_action(struct app *a, void *st, int act)
{
    struct reversal *s = st;
    struct kwh_reversal_req r;
    struct kwh_plan *plan = NULL;
    struct kwh_receipt rec;
    struct pairs p = {0};
    struct kwh_err e;
    int rc;

    if (act != ACT_SUBMIT)
        return UI_IGNORED;
    if (!form_validate(a, &s->fm))
        return UI_HANDLED;
    memset(&r, 0, sizeof r);
    r.invoice_no = form_value(&s->fm, F_INVOICE);
    str_copy(r.reason, sizeof r.reason, form_text(&s->fm, F_REASON));
    r.pay_method = -1;
    r.amount_fen = -1;
    if (s->f[F_CORRECT].on) {
        r.correct = true;
        r.pay_method = s->f[F_PAY].sel;
        str_copy(r.pay_ref, sizeof r.pay_ref, form_text(&s->fm, F_REF));
        if (s->f[F_AMOUNT].ed.len > 0)
            r.amount_fen = form_value(&s->fm, F_AMOUNT);
    }
    kwh_err_clear(&e);
    if (s->f[F_LATER].on) {
        int64_t id;
        wipe_password(s);
        if (reversal_request(a->core, &a->s, &r, &id, &e) < 0) {
            app_error(a, &e);
            return UI_HANDLED;
        }
        app_msg(a, CLR_OK,
                _("Request %" PRId64 " filed: an administrator approves it under Reversal "
                  "requests."),
                id);
        ledit_set(&s->f[F_INVOICE].ed, "");
        ledit_set(&s->f[F_REASON].ed, "");
        form_focus(&s->fm, F_INVOICE);
        return UI_HANDLED;
    }
    if (s->f[F_ENERGY].on) {
        /* the card as it is now: the plan is built on it and the commit checks it again */
        struct kwh_card_view v;
        r.energy = true;
        rc = cardview_read(a->core, &a->s, &v, &e);
        if (rc == 0)
            rc = reversal_plan_card(a->core, &a->s, &r, &v, &plan, &e);
    } else {
        rc = reversal_plan(a->core, &a->s, &r, &plan, &e);
    }
    if (rc == 0)
        rc = reversal_approve(a->core, plan, form_text(&s->fm, F_APPROVER),
                              form_text(&s->fm, F_PASSWORD), &e);
    wipe_password(s);
    if (rc < 0) {
        plan_free(plan);
        app_error(a, &e);
        return UI_HANDLED;
    }
    plan_lines(plan_view(plan), &p);
    if (!dialog_confirm_pairs(a, _("Confirm the reversal"), &p,
                              plan_view(plan)->reverses_energy
                                  ? _("Write the card back and record the reversal?")
                                  : _("Record the reversal? Nothing else changes."))) {
        plan_free(plan);
        app_msg(a, CLR_INFO, "%s", _("Cancelled; nothing was written."));
        return UI_HANDLED;
    }
    rc = plan_commit(a->core, &a->s, plan, &rec, &e);
    plan_free(plan);
    if (rc < 0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    app_msg(a, CLR_OK, _("Invoice %" PRId64 " reversed: the reversal is invoice %" PRId64 "."),
            r.invoice_no, rec.sale.invoice_no);
    ledit_set(&s->f[F_INVOICE].ed, "");
    ledit_set(&s->f[F_REASON].ed, "");
    form_focus(&s->fm, F_INVOICE);
    return UI_HANDLED;
}

static int reversal_key(struct app *a, void *st, int type, wint_t ch)
{
    struct reversal *s = st;
    int r = form_key(a, &s->fm, type, ch);
    sync(s);
    return r;
}

static void reversal_leave(struct app *a, void *st)
{
    (void)a;
    wipe_password(st);
}

const struct screen scr_reversal = {
    .title = N_("Reversal"),
    .submit_label = N_("Reverse"),
    .state_size = sizeof(struct reversal),
    .enter = reversal_enter,
    .draw = reversal_draw,
    .action = reversal_action,
    .key = reversal_key,
    .leave = reversal_leave,
};
