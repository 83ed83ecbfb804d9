/* SPDX-License-Identifier: Apache-2.0 */
/* 对账: a provider's statement matched with the ledger by reference (docs/units.md,
 * "Statements"). Each reference is one row: the statement's lines and the ledger's
 * entries with it, summed; a sale a 冲正 took back counts 0, so the money of a reversed
 * reference never matches a payment. Reads only: nothing is written, nothing audited
 * (like every query). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "kwhpos/money.h"
#include "kwhpos/util.h"
#include "store/store.h"

static const struct kwh_name groups[] = {
    {KWH_RECON_MATCHED, "matched", "", KWH_N("Matched"), NULL},
    {KWH_RECON_STATEMENT_ONLY, "statement-only", "", KWH_N("In the statement only"), NULL},
    {KWH_RECON_LEDGER_ONLY, "ledger-only", "", KWH_N("In the ledger only"), NULL},
    {KWH_RECON_DIFFER, "differ", "", KWH_N("Amounts differ"), NULL},
};

const char *recon_group_name(int group)
{
    const struct kwh_name *n = model_name(groups, KWH_ARRAY_LEN(groups), group);
    return n ? n->name : "?";
}

const char *recon_group_label(int group)
{
    const struct kwh_name *n = model_name(groups, KWH_ARRAY_LEN(groups), group);
    return n ? kwh_tr(n->label) : "?";
}

void recon_fini(struct kwh_recon *r)
{
    if (r == NULL)
        return;
    free(r->rows);
    memset(r, 0, sizeof *r);
}

bool recon_differs(const struct kwh_recon *r)
{
    return r->count[KWH_RECON_STATEMENT_ONLY] + r->count[KWH_RECON_LEDGER_ONLY] +
               r->count[KWH_RECON_DIFFER] >
           0;
}

/* A reference on one side: a statement line (side 0) or a ledger entry (side 1). */
struct key {
    const char *ref;
    int side;
    size_t i;
};

static int key_cmp(const void *a, const void *b)
{
    const struct key *x = a, *y = b;
    int c = strcmp(x->ref, y->ref);
    if (c != 0)
        return c;
    if (x->side != y->side)
        return x->side - y->side;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int row_cmp(const void *a, const void *b)
{
    const struct kwh_recon_row *x = a, *y = b;
    if (x->group != y->group)
        return x->group - y->group;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->invoice_no < y->invoice_no ? -1 : x->invoice_no > y->invoice_no;
}

int recon_match(const struct kwh_statement *st, const struct kwh_ledger_entry *ledger, size_t n,
                struct kwh_recon *out, struct kwh_err *e)
{
    size_t nk = st->n + n, nr = 0;
    struct key *k = malloc((nk ? nk : 1) * sizeof *k);
    struct kwh_recon_row *rows = calloc(nk ? nk : 1, sizeof *rows);

    memset(out, 0, sizeof *out);
    out->pay = st->pay;
    if (k == NULL || rows == NULL) {
        free(k);
        free(rows);
        return kwh_err_set(e, KWH_ENOMEM, "out of memory matching the statement");
    }
    for (size_t i = 0; i < st->n; i++)
        k[i] = (struct key){st->lines[i].ref, 0, i};
    for (size_t i = 0; i < n; i++)
        k[st->n + i] = (struct key){ledger[i].ref, 1, i};
    qsort(k, nk, sizeof *k, key_cmp);

    for (size_t a = 0; a < nk;) {
        struct kwh_recon_row *r = &rows[nr];
        bool in_range = false;
        size_t b = a;
        memset(r, 0, sizeof *r);
        str_copy(r->ref, sizeof r->ref, k[a].ref);
        /* a ledger entry without a reference cannot be matched: a row of its own */
        if (k[a].ref[0] == '\0')
            b = a + 1;
        else
            while (b < nk && strcmp(k[b].ref, k[a].ref) == 0)
                b++;
        for (size_t j = a; j < b; j++) {
            if (k[j].side == 0) {
                const struct kwh_statement_line *l = &st->lines[k[j].i];
                if (r->nlines == 0 || l->line < r->line) {
                    r->line = l->line;
                    r->time = l->time;
                }
                r->nlines++;
                r->stmt_fen += l->fen;
            } else {
                const struct kwh_ledger_entry *l = &ledger[k[j].i];
                if (r->nentries == 0) {
                    r->invoice_no = l->invoice_no;
                    r->customer_no = l->customer_no;
                    if (r->nlines == 0)
                        r->time = l->created;
                }
                r->nentries++;
                in_range = in_range || l->in_range;
                if (l->reversed)
                    r->reversed = true;
                else
                    r->ledger_fen += l->fen;
            }
        }
        a = b;
        if (r->nlines > 0 && r->nentries > 0)
            r->group = r->stmt_fen == r->ledger_fen ? KWH_RECON_MATCHED : KWH_RECON_DIFFER;
        else if (r->nlines > 0)
            r->group = KWH_RECON_STATEMENT_ONLY;
        else if (in_range && r->ledger_fen != 0)
            r->group = KWH_RECON_LEDGER_ONLY;
        else
            continue; /* reversed to nothing, or outside the dates: nothing to find */
        out->count[r->group]++;
        out->stmt_fen[r->group] += r->stmt_fen;
        out->ledger_fen[r->group] += r->ledger_fen;
        nr++;
    }
    free(k);
    qsort(rows, nr, sizeof *rows, row_cmp);
    out->rows = rows;
    out->n = nr;
    return 0;
}

/* Local midnight of the day of t, and of the day after. */
static int64_t day_start(int64_t t, int after)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_mday += after;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

static int by_id(const void *a, const void *b)
{
    const struct kwh_ledger_entry *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int recon_run(struct kwh_core *c, const struct kwh_session *s, const struct kwh_statement *st,
              int64_t from, int64_t to, struct kwh_recon *out, struct kwh_err *e)
{
    struct kwh_ledger_entry *all = NULL, *more = NULL;
    size_t n = 0, nmore = 0, nrange;
    const char **refs = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if (from == 0 && to == 0) {
        if (st->n == 0)
            return kwh_err_set(e, KWH_EINVAL,
                               "the statement has no payments: give the dates it covers "
                               "(--from, --to)");
        from = day_start(st->first, 0);
        to = day_start(st->last, 1);
    }
    if (to <= from)
        return kwh_err_set(e, KWH_EINVAL, "the dates: the end comes after the start");
    if ((rc = store_recon_ledger(c->db, st->pay, from, to, &all, &n, e)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++)
        all[i].in_range = true;
    nrange = n;
    if (nrange > 1) /* (qsort wants an array, even of none) */
        qsort(all, nrange, sizeof *all, by_id);
    /* a statement's payment may be in the ledger on another day (a sale at 23:59:59,
       paid at 00:00:01): looked up by its reference, wherever it is */
    if ((refs = malloc((st->n ? st->n : 1) * sizeof *refs)) == NULL) {
        rc = kwh_err_set(e, KWH_ENOMEM, "out of memory matching the statement");
        goto out;
    }
    for (size_t i = 0; i < st->n; i++)
        refs[i] = st->lines[i].ref;
    qsort(refs, st->n, sizeof *refs, str_cmp);
    for (size_t i = 0; i < st->n; i++) {
        if (i > 0 && strcmp(refs[i - 1], refs[i]) == 0)
            continue;
        if ((rc = store_recon_ref(c->db, st->pay, refs[i], &more, &nmore, e)) < 0)
            goto out;
        for (size_t j = 0; j < nmore; j++) {
            struct kwh_ledger_entry *grown;
            if (nrange > 0 && bsearch(&more[j], all, nrange, sizeof *all, by_id) != NULL)
                continue;
            if ((grown = realloc(all, (n + 1) * sizeof *all)) == NULL) {
                rc = kwh_err_set(e, KWH_ENOMEM, "out of memory matching the statement");
                goto out;
            }
            all = grown;
            all[n] = more[j];
            all[n++].in_range = false;
        }
        free(more);
        more = NULL;
    }
    rc = recon_match(st, all, n, out, e);
    out->from = from;
    out->to = to;
out:
    free(refs);
    free(more);
    free(all);
    return rc;
}
