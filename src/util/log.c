/* SPDX-License-Identifier: Apache-2.0 */
/* Operational messages to syslog (the journal): start, stop, errors, backups, the
 * reader coming and going, each with its priority. Never money, never a password: the
 * callers log events and system errors only; the audit log stays in the database. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>

#include "kwhpos/util.h"

void kwh_log(int priority, const char *fmt, ...)
{
    static bool opened;
    const char *file = priv_getenv("KWHPOS_LOG_FILE");
    char msg[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (file != NULL && *file != '\0') {
        /* tests: the lines with their priority, where syslog cannot be read back */
        FILE *f = fopen(file, "a");
        if (f != NULL) {
            fprintf(f, "<%d> %s\n", priority, msg);
            fclose(f);
        }
        return;
    }
    if (!opened) {
        openlog("kwhpos", LOG_PID, LOG_USER);
        opened = true;
    }
    syslog(priority, "%s", msg);
}
