/* SPDX-License-Identifier: Apache-2.0 */
/* The invoice printer (src/app): the INI's [print] settings and the form file, used by
 * the terminal UI and the command line alike to print an invoice after a sale, a 补打发票
 * copy or a report, through CUPS or into a file; and the form file's backup, restore and
 * save with their role rules. It calls core/ (invoice.h) and print/; neither calls it.
 * docs/printing.md describes the settings, the errors and what the clerk does. */
#ifndef KWHPOS_PRINTER_H
#define KWHPOS_PRINTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kwhpos/config.h"
#include "kwhpos/core.h"
#include "kwhpos/print.h"

struct printer;

/* A printer for the [print] settings of cfg (copied; the database path places the
 * default backup folder). Nothing is read until the first print. */
int printer_new(const struct kwh_config *cfg, struct printer **out, struct kwh_err *e);

/* Frees p (NULL is fine). */
void printer_free(struct printer *p);

/* Whether a queue is set ([print] queue): printing to paper is on. */
bool printer_enabled(const struct printer *p);

/* Where a copy goes: NULL or file == NULL means the INI's queue. */
struct printer_dest {
    const char *file; /* written atomically instead of printed */
    int format;       /* with file: PRINT_RAW or PRINT_PDF; -1 = the INI's mode */
};

struct printer_result {
    bool output_failed;     /* on failure: the printer or the file refused the copy (print
                             * again later), rather than the invoice or the settings */
    int job_id;             /* the CUPS job (0 for a file) */
    int reprint;            /* the 补打 count the copy carries (0 = the original) */
    char note[KWH_ERR_MSG]; /* a warning to show ("" when none): the form file has an
                             * error and the last good form was used, or a value did not
                             * fit its field */
};

/* Whether a copy could go to `to` now: a queue is set (unless to a file) and a form is
 * at hand. Prints nothing, changes nothing; res (may be NULL) gets any form warning. */
int printer_check(struct printer *p, const struct printer_dest *to, struct printer_result *res,
                  struct kwh_err *e);

/* Prints invoice invoice_no: the original (refused once a copy has left the program) or,
 * with reprint, a 补打 that is counted first (invoice_reprint) and marked 补打(第n次).
 * A copy that went out is recorded (invoice_printed). A failure changes no sale: the
 * invoice can be printed again; CUPS failures carry an enum print_fail in e->detail. */
int printer_invoice(struct printer *p, struct kwh_core *c, const struct kwh_session *s,
                    int64_t invoice_no, bool reprint, const struct printer_dest *to,
                    struct printer_result *res, struct kwh_err *e);

/* Prints a report's text (lines; tabs every 8 columns) through the same queue, or into
 * a file; title names the job. */
int printer_report(struct printer *p, const char *title, const char *text,
                   const struct printer_dest *to, struct printer_result *res, struct kwh_err *e);

/* ---- the form file (M8 发票格式调整, M29 发票恢复) ---------------------------------- */

/* The form file printed with ([print] form); borrowed. */
const char *printer_form_path(const struct printer *p);

/* The folder of saved forms ([print] form_backups, or form-backups/ beside the
 * database); borrowed. */
const char *printer_backup_dir(const struct printer *p);

/* 保存发票格式 (both roles): copies the form into the backup folder, audited; the new
 * file's path goes to path (size n). */
int printer_form_backup(struct printer *p, struct kwh_core *c, const struct kwh_session *s,
                        char *path, size_t n, struct kwh_err *e);

/* 恢复发票格式 (admin): replaces the form with a backup — a file name from
 * print_form_backups(printer_backup_dir, printer_form_path), or a path — only if it
 * parses; audited. The next print uses it. */
int printer_form_restore(struct printer *p, struct kwh_core *c, const struct kwh_session *s,
                         const char *name, struct kwh_err *e);

/* The designer's save (both roles): writes f over the form file atomically, audited. */
int printer_form_save(struct printer *p, struct kwh_core *c, const struct kwh_session *s,
                      const struct print_form *f, struct kwh_err *e);

#endif
