/* SPDX-License-Identifier: Apache-2.0 */
/* Login (M1), the lock screen, and the forced password change at first login. */
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "kwhpos/util.h"
#include "ui/widgets.h"
#include "kwhpos/core.h"

static void wipe(struct field *f, int n)
{
    for (int i = 0; i < n; i++)
        memset(f[i].ed.buf, 0, sizeof f[i].ed.buf);
}

bool login_change_password(struct app *a, const char *old_pw)
{
    for (;;) {
        struct field f[2] = {
            {.label = N_("New password"),
             .kind = FK_PASSWORD,
             .row = 0,
             .required = true,
             .maxlen = 64},
            {.label = N_("New password again"),
             .kind = FK_PASSWORD,
             .row = 1,
             .required = true,
             .maxlen = 64},
        };
        struct kwh_err e;

        app_msg(a, CLR_WARN, "%s", _("Choose a new password before you go on."));
        if (!dialog_form(a, _("Change your password"), f, 2)) {
            wipe(f, 2);
            return false;
        }
        kwh_err_clear(&e);
        if (auth_change_password(a->core, &a->s, a->s.name, old_pw, f[0].ed.buf, f[1].ed.buf, &e) ==
            0) {
            wipe(f, 2);
            a->s.must_change_password = false;
            app_msg(a, CLR_OK, "%s", _("Password changed."));
            return true;
        }
        wipe(f, 2);
        app_error(a, &e);
    }
}

bool login_run(struct app *a, bool locked)
{
    char name[KWH_NAME_MAX];

    str_copy(name, sizeof name, locked ? a->s.name : "");
    a->logged_in = false;
    for (;;) {
        struct field f[2] = {
            {.label = N_("Operator"), .kind = FK_TEXT, .row = 0, .required = true, .maxlen = 32},
            {.label = N_("Password"),
             .kind = FK_PASSWORD,
             .row = 1,
             .required = true,
             .maxlen = 64},
        };
        struct kwh_session s;
        struct kwh_err e;
        char pw[LEDIT_CAP];
        bool ok;

        ledit_set(&f[0].ed, name);
        if (!a->msg[0])
            app_msg(a, CLR_INFO, "%s",
                    locked ? _("The screen is locked. Log in to go on (the same operator or "
                               "another).")
                           : _("Log in with your operator name and password."));
        /* locked: the only way on is to log in; else Esc leaves kwhpos, once confirmed */
        if (locked)
            ok = dialog_form_keys(a, _("Locked"), f, 2, _("Enter: OK   Tab: next field"), false);
        else
            ok = dialog_form_keys(a, _("kwhpos login"), f, 2,
                                  _("Enter: OK   Tab: next field   Esc: quit"), true);
        if (!ok) {
            wipe(f, 2);
            if (a->quit)
                return false;
            if (locked)
                continue;
            if (dialog_confirm(a, _("Quit"), _("Leave kwhpos?")))
                return false;
            continue;
        }
        str_copy(name, sizeof name, f[0].ed.buf);
        str_copy(pw, sizeof pw, f[1].ed.buf);
        wipe(f, 2);
        kwh_err_clear(&e);
        if (auth_login(a->core, name, pw, &s, &e) < 0) {
            memset(pw, 0, sizeof pw);
            app_msg(a, CLR_ERROR, _("Login failed: %s"), e.msg);
            kwh_log(LOG_NOTICE, "login failed for operator %s", name);
            continue;
        }
        a->s = s;
        a->msg[0] = '\0';
        if (s.must_change_password && !login_change_password(a, pw)) {
            memset(pw, 0, sizeof pw);
            memset(&a->s, 0, sizeof a->s);
            app_msg(a, CLR_WARN, "%s", _("The password must be changed before you can work."));
            continue;
        }
        memset(pw, 0, sizeof pw);
        a->logged_in = true;
        kwh_log(LOG_INFO, "operator %s logged in", s.name);
        return true;
    }
}
