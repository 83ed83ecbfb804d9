/* SPDX-License-Identifier: Apache-2.0 */
#include "kwhpos/err.h"

#include <libintl.h>
#include <stdio.h>
#include <string.h>

int kwh_err_vset(struct kwh_err *e, int code, const char *fmt, va_list ap)
{
    if (e == NULL)
        return code;
    e->code = code;
    e->detail = 0;
    /* every message is translated where the program bound a catalogue (the UI does;
       the command line and tests keep English) */
    vsnprintf(e->msg, sizeof e->msg, dgettext(KWH_TEXTDOMAIN, fmt), ap);
    return code;
}

int kwh_err_set(struct kwh_err *e, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kwh_err_vset(e, code, fmt, ap);
    va_end(ap);
    return code;
}

int kwh_err_setd(struct kwh_err *e, int code, int detail, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kwh_err_vset(e, code, fmt, ap);
    va_end(ap);
    if (e != NULL)
        e->detail = detail;
    return code;
}

int kwh_err_prefix(struct kwh_err *e, const char *fmt, ...)
{
    char head[KWH_ERR_MSG], old[KWH_ERR_MSG];
    va_list ap;

    if (e == NULL)
        return KWH_EINVAL;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, dgettext(KWH_TEXTDOMAIN, fmt), ap);
    va_end(ap);
    memcpy(old, e->msg, sizeof old);
    /* TRANSLATORS: a message prefixed with what was being done */
    if (snprintf(e->msg, sizeof e->msg, kwh_tr(KWH_N("%s: %s")), head, old) >= (int)sizeof e->msg)
        memcpy(e->msg + sizeof e->msg - 4, "...", 4); /* truncated: say so */
    return e->code;
}

void kwh_err_clear(struct kwh_err *e)
{
    if (e == NULL)
        return;
    e->code = 0;
    e->detail = 0;
    e->msg[0] = '\0';
}

const char *kwh_err_name(int code)
{
    switch (code) {
    case KWH_OK: return "ok";
    case KWH_EINVAL: return "invalid";
    case KWH_ENOTFOUND: return "not found";
    case KWH_EPERM: return "not allowed";
    case KWH_ECONFLICT: return "refused";
    case KWH_EAUTH: return "authentication";
    case KWH_ECARD: return "card";
    case KWH_EDEVICE: return "reader";
    case KWH_EDB: return "database";
    case KWH_EIO: return "i/o";
    case KWH_EPENDING: return "pending";
    case KWH_ENOMEM: return "out of memory";
    }
    return "error";
}

const char *kwh_tr(const char *msgid)
{
    return dgettext(KWH_TEXTDOMAIN, msgid);
}

const char *kwh_trc(const char *ctx, const char *msgid)
{
    char key[256];
    const char *t;
    /* gettext keeps a context as "ctx\004msgid" */
    if (snprintf(key, sizeof key, "%s\004%s", ctx, msgid) >= (int)sizeof key)
        return msgid;
    t = dgettext(KWH_TEXTDOMAIN, key);
    return t == key ? msgid : t;
}
