/* SPDX-License-Identifier: Apache-2.0 */
/* Error codes and the error record every layer fills in.
 *
 * Functions return 0 or a negative KWH_E* code; the detail a person needs (what is
 * wrong and what to do) goes into a caller-provided struct kwh_err. Lower layers
 * never print; ui/ and cli/ decide how an error is shown. */
#ifndef KWHPOS_ERR_H
#define KWHPOS_ERR_H

#include <stdarg.h>
#include <stddef.h>

enum kwh_errcode {
    KWH_OK = 0,
    KWH_EINVAL = -1,    /* bad input: a field, an argument, a file's content */
    KWH_ENOTFOUND = -2, /* no such customer, tariff, operator, sale, file */
    KWH_EPERM = -3,     /* the operator's role does not allow this */
    KWH_ECONFLICT = -4, /* refused by a business rule: in use, already done, limit */
    KWH_EAUTH = -5,     /* wrong name or password, locked out */
    KWH_ECARD = -6,     /* the card: foreign, forged, wrong type, old, unreadable */
    KWH_EDEVICE = -7,   /* the reader: absent, silent, card removed, write failed */
    KWH_EDB = -8,       /* the database: I/O, corruption, busy for too long */
    KWH_EIO = -9,       /* files, printing, other system calls */
    KWH_EPENDING = -10, /* the outcome is not known yet: settled when the card is read */
    KWH_ENOMEM = -11,
};

#define KWH_ERR_MSG 512
#define KWH_TEXTDOMAIN "kwhpos" /* the gettext domain of every message */

/* Marks a literal for the message catalogue without translating it here. */
#define KWH_N(s) (s)
/* Marks a literal with a context ("status", "op", ...) for the catalogue. */
#define KWH_NC(ctx, s) (s)

/* The translation of a marked message (itself when the program bound no catalogue). */
const char *kwh_tr(const char *msgid) __attribute__((format_arg(1)));
/* Speaks lang ("zh_CN", "en"): exports LANGUAGE and binds the message catalogue found
 * from where the program is (<prefix>/share/locale installed, <program's folder>/locale
 * in the build tree; $KWHPOS_LOCALEDIR first, except in a setgid program). */
void lang_setup(const char *lang);
/* The translation of a message marked with context ctx (KWH_NC). */
const char *kwh_trc(const char *ctx, const char *msgid) __attribute__((format_arg(2)));

struct kwh_err {
    int code;              /* the same value the failing function returned */
    int detail;            /* a subsystem's own code (enum kwh_dev_error, ...) or 0 */
    char msg[KWH_ERR_MSG]; /* one line, for a person: what is wrong and what to do */
};

/* Records code and a printf-style message in e (which may be NULL); returns code. The
 * format is looked up in the message catalogue first (po/; tools/update-po.sh). */
int kwh_err_set(struct kwh_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int kwh_err_vset(struct kwh_err *e, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Prefixes the message already in e with "what: "; returns e->code. */
int kwh_err_prefix(struct kwh_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Like kwh_err_set, and records a subsystem detail code as well. */
int kwh_err_setd(struct kwh_err *e, int code, int detail, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Clears e (which may be NULL). */
void kwh_err_clear(struct kwh_err *e);

/* A short, stable English name for a code ("invalid", "not found", ...). */
const char *kwh_err_name(int code);

#endif
