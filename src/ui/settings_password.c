/* SPDX-License-Identifier: Apache-2.0 */
/* 操作员密码维护 (M7): name, old password, new password twice. A seller changes only
 * their own; an administrator may reset another operator's without the old one. */
#include <string.h>

#include "ui/widgets.h"
#include "kwhpos/core.h"

enum { F_NAME, F_OLD, F_NEW, F_NEW2, F_N };

struct password {
    struct field f[F_N];
    struct form fm;
};

static void wipe(struct password *s)
{
    for (int i = F_OLD; i < F_N; i++) {
        memset(s->f[i].ed.buf, 0, sizeof s->f[i].ed.buf);
        ledit_set(&s->f[i].ed, "");
    }
}

static void password_enter(struct app *a, void *st, int arg)
{
    struct password *s = st;

    (void)arg;
    s->f[F_NAME] = (struct field){.label = N_("Operator"),
                                  .kind = FK_TEXT,
                                  .row = 0,
                                  .required = true,
                                  .maxlen = 30,
                                  .width = 24,
                                  .readonly = !app_is_admin(a)};
    s->f[F_OLD] = (struct field){
        .label = N_("Old password"), .kind = FK_PASSWORD, .row = 1, .maxlen = 64, .width = 24};
    s->f[F_NEW] = (struct field){.label = N_("New password"),
                                 .kind = FK_PASSWORD,
                                 .row = 2,
                                 .maxlen = 64,
                                 .width = 24,
                                 .required = true};
    s->f[F_NEW2] = (struct field){.label = N_("New password again"),
                                  .kind = FK_PASSWORD,
                                  .row = 3,
                                  .maxlen = 64,
                                  .width = 24,
                                  .required = true};
    ledit_set(&s->f[F_NAME].ed, a->s.name);
    form_init(&s->fm, s->f, F_N, UI_TOP + 1);
    form_focus(&s->fm, F_OLD);
}

static void password_draw(struct app *a, void *st)
{
    if (app_is_admin(a))
        draw_wrap(stdscr, UI_TOP + 6, 2, COLS - 4,
                  _("For another operator the old password may stay empty; they must then "
                    "change it at their next login."),
                  theme_attr(CLR_INFO), 2);
    form_draw(&((struct password *)st)->fm, true);
}

static int password_action(struct app *a, void *st, int act)
{
    struct password *s = st;
    struct kwh_err e;
    const char *name = form_text(&s->fm, F_NAME);
    bool own;

    if (act != ACT_SUBMIT)
        return UI_IGNORED;
    if (!form_validate(a, &s->fm))
        return UI_HANDLED;
    own = strcmp(name, a->s.name) == 0;
    if (own && s->f[F_OLD].ed.len == 0) {
        form_focus(&s->fm, F_OLD);
        app_msg(a, CLR_ERROR, "%s", _("Enter your old password."));
        return UI_HANDLED;
    }
    kwh_err_clear(&e);
    if (auth_change_password(a->core, &a->s, name,
                             s->f[F_OLD].ed.len > 0 ? form_text(&s->fm, F_OLD) : NULL,
                             form_text(&s->fm, F_NEW), form_text(&s->fm, F_NEW2), &e) < 0) {
        wipe(s);
        app_error(a, &e);
        return UI_HANDLED;
    }
    wipe(s);
    app_msg(a, CLR_OK, _("The password of %s was changed."), name);
    return UI_HANDLED;
}

static int password_key(struct app *a, void *st, int type, wint_t ch)
{
    return form_key(a, &((struct password *)st)->fm, type, ch);
}

static void password_leave(struct app *a, void *st)
{
    (void)a;
    wipe(st);
}

const struct screen scr_password = {
    .title = N_("Operator password"),
    .submit_label = N_("Change"),
    .state_size = sizeof(struct password),
    .enter = password_enter,
    .draw = password_draw,
    .action = password_action,
    .key = password_key,
    .leave = password_leave,
};
