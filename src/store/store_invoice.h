/* SPDX-License-Identifier: Apache-2.0 */
/* The database side of invoices (src/store/invoices.c): settled sales found by their
 * invoice number, the 补打发票 list, the reprint count and the first copy's time. */
#ifndef KWHPOS_STORE_INVOICE_H
#define KWHPOS_STORE_INVOICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define STORE_INVOICE_LIST_MAX 1000

struct store_invoice_filter {
    int64_t below;             /* only invoices numbered below this; 0 = from the newest */
    int64_t from, to;          /* sold at from <= t < to (Unix seconds); 0 = no bound */
    const char *operator_name; /* the operator who sold; NULL or "" = any */
    uint32_t customer_no;      /* 0 = any */
    int64_t scope_op;          /* an operator limited to subtrees: only their accounts' (0: off) */
    int limit;                 /* at most this many rows, 1 to STORE_INVOICE_LIST_MAX */
};

/* The sale carrying invoice_no (done, or cancelled by a 重新售电). */
int store_invoice_get(struct store *s, int64_t invoice_no, struct kwh_sale *out, struct kwh_err *e);

/* Invoices matching f, newest first; *out is caller-freed (NULL when there are none). */
int store_invoice_list(struct store *s, const struct store_invoice_filter *f, struct kwh_sale **out,
                       size_t *n, struct kwh_err *e);

/* Adds one to the reprint count of a done sale's invoice (call inside a transaction);
 * *count receives the new count. */
int store_invoice_add_reprint(struct store *s, int64_t invoice_no, int *count, struct kwh_err *e);

/* Records when the first copy of the invoice left the program, unless one already did;
 * *first (may be NULL) tells whether this call recorded it. */
int store_invoice_set_printed(struct store *s, int64_t invoice_no, int64_t now, bool *first,
                              struct kwh_err *e);

/* The invoice number of the sale that replaced sale_id by a 重新售电, or 0 when none did. */
int store_invoice_replacement(struct store *s, int64_t sale_id, int64_t *invoice_no,
                              struct kwh_err *e);

#endif
