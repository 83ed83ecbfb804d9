/* SPDX-License-Identifier: Apache-2.0 */
/* The per-area breakdown (SPEC B10): accounts, balance, arrears and the period's sales of
 * every area, each with its subtree, within the session's scope: the whole tree or one
 * area's subtree (report_areas_q), or one level of it (report_area_children). */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "core/query_int.h"
#include "kwhpos/oversight.h"
#include "kwhpos/units.h"
#include "store/store.h"
#include "store/store_query.h"

struct own {
    struct store_area *a;
    size_t n;
    int64_t *accounts, *balance_ckwh, *balance_fen, *arrears_fen;
    struct kwh_sale_totals *sales;
};

static void add_totals(struct kwh_sale_totals *t, const struct kwh_sale_totals *x)
{
    t->count += x->count;
    t->energy_ckwh += x->energy_ckwh;
    t->adjust_ckwh += x->adjust_ckwh;
    t->free_ckwh += x->free_ckwh;
    t->amount_fen += x->amount_fen;
    t->fee_fen += x->fee_fen;
    t->arrears_fen += x->arrears_fen;
}

static ssize_t index_of(const struct own *o, int64_t area_id)
{
    for (size_t i = 0; i < o->n; i++)
        if (o->a[i].id == area_id)
            return (ssize_t)i;
    return -1;
}

static int add_balance(void *ctx, int64_t area_id, int64_t tariff_id, int64_t price,
                       int64_t accounts, int64_t balance_ckwh, int64_t arrears_fen)
{
    struct own *o = ctx;
    ssize_t i = index_of(o, area_id);
    (void)tariff_id;
    if (i < 0)
        return 0;
    o->accounts[i] += accounts;
    o->balance_ckwh[i] += balance_ckwh;
    o->balance_fen[i] += units_amount_for_energy(balance_ckwh, price);
    o->arrears_fen[i] += arrears_fen;
    return 0;
}

static int add_sales(void *ctx, int64_t area_id, const struct store_sums *m)
{
    struct own *o = ctx;
    ssize_t i = index_of(o, area_id);
    if (i >= 0)
        query_add_sums(&o->sales[i], m);
    return 0;
}

/* Every area the session may see (area_list's order) with its subtree's totals in
 * rows[k] and its own (the accounts directly in it) in own[k]. */
static int compute(struct kwh_core *c, const struct kwh_session *s, const struct kwh_period *period,
                   const char *opname, struct kwh_area_row **out, struct kwh_area_row **own_out,
                   size_t *n, struct kwh_err *e)
{
    struct kwh_area *list = NULL;
    struct kwh_area_row *rows = NULL, *own = NULL;
    struct own o = {0};
    size_t nlist = 0;
    int rc;

    *out = NULL;
    *own_out = NULL;
    *n = 0;
    if ((rc = need_operator(s, e)) < 0 || (rc = query_check_period(period, e)) < 0)
        return rc;
    if (opname != NULL && opname[0] != '\0') {
        struct kwh_operator op;
        rc = store_operator_get(c->db, opname, &op, NULL, 0, e);
        if (rc == KWH_ENOTFOUND)
            return kwh_err_set(e, rc, "no operator named %s", opname);
        if (rc < 0)
            return rc;
    } else {
        opname = NULL;
    }
    if ((rc = area_list(c, s, &list, &nlist, e)) < 0)
        return rc;
    if ((rc = store_areas(c->db, &o.a, &o.n, e)) < 0)
        goto out;
    o.accounts = calloc(o.n + 1, sizeof *o.accounts);
    o.balance_ckwh = calloc(o.n + 1, sizeof *o.balance_ckwh);
    o.balance_fen = calloc(o.n + 1, sizeof *o.balance_fen);
    o.arrears_fen = calloc(o.n + 1, sizeof *o.arrears_fen);
    o.sales = calloc(o.n + 1, sizeof *o.sales);
    rows = calloc(nlist + 1, sizeof *rows);
    own = calloc(nlist + 1, sizeof *own);
    if (!o.accounts || !o.balance_ckwh || !o.balance_fen || !o.arrears_fen || !o.sales || !rows ||
        !own) {
        rc = kwh_err_set(e, KWH_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = store_area_balances(c->db, core_now(c), add_balance, &o, e)) < 0 ||
        (rc = store_area_sales(c->db, period->from, period->to, opname, add_sales, &o, e)) < 0)
        goto out;
    for (size_t k = 0; k < nlist; k++) {
        ssize_t self = index_of(&o, list[k].id);
        rows[k].area = list[k];
        own[k].area = list[k];
        own[k].own = true;
        if (self < 0)
            continue;
        own[k].accounts = o.accounts[self];
        own[k].balance_ckwh = o.balance_ckwh[self];
        own[k].balance_fen = o.balance_fen[self];
        own[k].arrears_fen = o.arrears_fen[self];
        own[k].sales = o.sales[self];
        for (size_t i = 0; i < o.n; i++) {
            if (strncmp(o.a[i].path, o.a[self].path, strlen(o.a[self].path)) != 0)
                continue;
            rows[k].accounts += o.accounts[i];
            rows[k].balance_ckwh += o.balance_ckwh[i];
            rows[k].balance_fen += o.balance_fen[i];
            rows[k].arrears_fen += o.arrears_fen[i];
            add_totals(&rows[k].sales, &o.sales[i]);
        }
    }
    *out = rows;
    *own_out = own;
    *n = nlist;
    rows = NULL;
    own = NULL;
out:
    free(rows);
    free(own);
    free(o.accounts);
    free(o.balance_ckwh);
    free(o.balance_fen);
    free(o.arrears_fen);
    free(o.sales);
    free(o.a);
    free(list);
    return rc;
}

/* The index of q's area in rows (-1: none asked), or KWH_EPERM when the session may not
 * see it. */
static int asked(struct kwh_core *c, const struct kwh_area_row *rows, size_t n,
                 const struct kwh_area_q *q, ssize_t *at, struct kwh_err *e)
{
    struct store_area a;
    int rc;

    *at = -1;
    if (q == NULL || q->area_id == 0)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (rows[k].area.id == q->area_id) {
            *at = (ssize_t)k;
            return 0;
        }
    if ((rc = store_area_get(c->db, q->area_id, &a, e)) < 0)
        return rc;
    return kwh_err_set(e, KWH_EPERM,
                       "area #%lld is outside the areas you may work on: ask an administrator",
                       (long long)q->area_id);
}

static void add_row(struct kwh_area_row *to, const struct kwh_area_row *r)
{
    to->accounts += r->accounts;
    to->balance_ckwh += r->balance_ckwh;
    to->balance_fen += r->balance_fen;
    to->arrears_fen += r->arrears_fen;
    add_totals(&to->sales, &r->sales);
}

/* Whether row k is a top of the session's areas (its parent not among them). */
static bool is_top(const struct kwh_area_row *rows, size_t n, size_t k)
{
    for (size_t j = 0; j < n; j++)
        if (rows[j].area.id == rows[k].area.parent_id)
            return false;
    return true;
}

int report_areas_q(struct kwh_core *c, const struct kwh_session *s, const struct kwh_period *period,
                   const struct kwh_area_q *q, struct kwh_area_row **out, size_t *n,
                   struct kwh_err *e)
{
    struct kwh_area_row *rows, *own;
    size_t nr, m = 0;
    ssize_t at;
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = compute(c, s, period, q ? q->operator_name : NULL, &rows, &own, &nr, e)) < 0)
        return rc;
    free(own);
    if ((rc = asked(c, rows, nr, q, &at, e)) < 0) {
        free(rows);
        return rc;
    }
    if (at >= 0) {
        /* the area and its subtree: the rows after it deeper than it (depth-first order) */
        size_t end = (size_t)at + 1;
        while (end < nr && rows[end].area.depth > rows[at].area.depth)
            end++;
        m = end - (size_t)at;
        memmove(rows, rows + at, m * sizeof *rows);
    } else {
        m = nr;
    }
    *out = rows;
    *n = m;
    return 0;
}

int report_areas(struct kwh_core *c, const struct kwh_session *s, const struct kwh_period *period,
                 struct kwh_area_row **out, size_t *n, struct kwh_err *e)
{
    return report_areas_q(c, s, period, NULL, out, n, e);
}

int report_area_children(struct kwh_core *c, const struct kwh_session *s,
                         const struct kwh_period *period, const struct kwh_area_q *q,
                         struct kwh_area_row **out, size_t *n, struct kwh_area_row *total,
                         struct kwh_err *e)
{
    struct kwh_area_row *rows, *own, *res = NULL;
    size_t nr, m = 0;
    ssize_t at;
    int rc;

    *out = NULL;
    *n = 0;
    memset(total, 0, sizeof *total);
    if ((rc = compute(c, s, period, q ? q->operator_name : NULL, &rows, &own, &nr, e)) < 0)
        return rc;
    if ((rc = asked(c, rows, nr, q, &at, e)) < 0)
        goto out;
    if (at < 0) {
        /* nothing asked: the whole site when the session sees it, else the tops of the
           operator's subtrees */
        for (size_t k = 0; k < nr; k++)
            if (rows[k].area.parent_id == 0)
                at = (ssize_t)k;
    }
    if ((res = calloc(nr + 1, sizeof *res)) == NULL) {
        rc = kwh_err_set(e, KWH_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < nr; k++) {
        bool in = at >= 0 ? rows[k].area.parent_id == rows[at].area.id : is_top(rows, nr, k);
        if (!in)
            continue;
        res[m++] = rows[k];
        if (at < 0)
            add_row(total, &rows[k]);
    }
    if (at >= 0) {
        const struct kwh_area_row *x = &own[at];
        *total = rows[at];
        if (x->accounts != 0 || x->arrears_fen != 0 || x->sales.count != 0)
            res[m++] = *x;
    }
    *out = res;
    *n = m;
    res = NULL;
out:
    free(res);
    free(rows);
    free(own);
    return rc;
}
