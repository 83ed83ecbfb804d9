/* SPDX-License-Identifier: Apache-2.0 */
/* Invoices (M33 发票打印, 补打发票) and the invoice form's role rules (M8, M29): the
 * core's side, with no printing in it. src/app/printer.c renders and prints what these
 * functions return.
 *
 * Every settled sale has an invoice number, given in the transaction that settles it:
 * the numbers run 1, 2, 3, ... without gaps (a voided attempt never takes one). The
 * first copy of an invoice is the original; every later copy is a 补打, counted on the
 * sale and in the audit log, and printed with its count. Both roles may print and
 * reprint; restoring a saved form is for administrators. */
#ifndef KWHPOS_INVOICE_H
#define KWHPOS_INVOICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kwhpos/core.h"

/* Which invoices invoice_list returns: every bound is optional (0 or NULL). */
struct invoice_query {
    int64_t below;             /* paging: invoices numbered below this (the last one shown) */
    int64_t from, to;          /* sold at from <= t < to, Unix seconds */
    const char *operator_name; /* sold by this operator */
    uint32_t customer_no;
    int limit; /* 0 = 20; at most 1000 */
};

/* The invoice numbered invoice_no as it stands (sale, account, unit name and phone);
 * any logged-in operator. */
int invoice_get(struct kwh_core *c, const struct kwh_session *s, int64_t invoice_no,
                struct kwh_receipt *out, struct kwh_err *e);

/* The 补打发票 list: invoices matching q, newest first. *out is caller-freed (NULL when
 * none); each sale carries its invoice number, state, reprint count and first print. */
int invoice_list(struct kwh_core *c, const struct kwh_session *s, const struct invoice_query *q,
                 struct kwh_sale **out, size_t *n, struct kwh_err *e);

/* The invoice for its original copy: refused (KWH_ECONFLICT) once a copy has left the
 * program, and for a sale cancelled by a 重新售电. */
int invoice_original(struct kwh_core *c, const struct kwh_session *s, int64_t invoice_no,
                     struct kwh_receipt *out, struct kwh_err *e);

/* 补打发票: counts one more copy of the invoice and audits it, in one transaction, and
 * returns the invoice with the new count in out->sale.reprints. The count stays even if
 * the copy then fails to print (each attempt is on record). */
int invoice_reprint(struct kwh_core *c, const struct kwh_session *s, int64_t invoice_no,
                    struct kwh_receipt *out, struct kwh_err *e);

/* Records that a copy left the program (printed, or written to a file): the first one
 * sets the sale's printed time; each is audited with the reprint count it carried. */
int invoice_printed(struct kwh_core *c, const struct kwh_session *s, int64_t invoice_no,
                    int reprint, const char *where, struct kwh_err *e);

/* A copy of an invoice on its way to CUPS (src/app/printer.c, docs/printing.md). Its
 * job is remembered from the moment CUPS has it until the program learns what became of
 * it, so that a copy whose fate was not learnt (the print server stopped, the printer
 * kept the line open, the program was killed) is looked into at the next contact with
 * CUPS: printed, or possibly printed, makes it a copy that left the program (the next
 * one is a 补打); not printed forgets it. */
struct invoice_job {
    int64_t invoice_no;
    int reprint; /* the copy's 补打 count; 0 = the original */
    int job_id;
    int64_t since;    /* when it went to CUPS (filled by invoice_job_begin) */
    char queue[128];  /* the CUPS queue */
    char server[256]; /* the print server; "" = the system's */
};

/* Remembers j before its data goes to CUPS. An original is refused (KWH_ECONFLICT) when
 * a copy already left the program or is on its way (another terminal's, or one whose
 * fate is not known yet): in one transaction, so two terminals never print two
 * originals. */
int invoice_job_begin(struct kwh_core *c, const struct kwh_session *s, const struct invoice_job *j,
                      struct kwh_err *e);
/* The jobs whose copies are not accounted for yet, oldest first; *out caller-freed. */
int invoice_jobs_open(struct kwh_core *c, struct invoice_job **out, size_t *n, struct kwh_err *e);
/* What became of j: printed (or possibly printed) records the copy as invoice_printed
 * does, with `how` in the audit; not printed forgets the job (audited too). */
int invoice_job_end(struct kwh_core *c, const struct kwh_session *s, const struct invoice_job *j,
                    bool printed, const char *how, struct kwh_err *e);

/* What is done to the invoice form file. */
enum invoice_form_op {
    INVOICE_FORM_SAVE,    /* M8 发票格式调整: the designer saves the form (both roles) */
    INVOICE_FORM_BACKUP,  /* 保存发票格式: a copy into the backup folder (both roles) */
    INVOICE_FORM_RESTORE, /* M29 发票恢复: a backup replaces the form (admin) */
};

/* Whether s may do op to the invoice form (KWH_EPERM naming the rule when not). */
int invoice_form_allowed(const struct kwh_session *s, int op, struct kwh_err *e);

/* Checks the role again and records op on the form file `form` (detail: the backup's
 * name) in the audit log, after the file operation succeeded. */
int invoice_form_done(struct kwh_core *c, const struct kwh_session *s, int op, const char *form,
                      const char *detail, struct kwh_err *e);

#endif
