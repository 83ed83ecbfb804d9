/* SPDX-License-Identifier: Apache-2.0 */
/* The per-area breakdown (SPEC B10): accounts, balance, arrears and the period's sales of
 * every area, each with its subtree, within the session's scope. */
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

int report_areas(struct kwh_core *c, const struct kwh_session *s, const struct kwh_period *period,
                 struct kwh_area_row **out, size_t *n, struct kwh_err *e)
{
    struct kwh_area *list = NULL;
    struct kwh_area_row *rows = NULL;
    struct own o = {0};
    size_t nlist = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = need_operator(s, e)) < 0 || (rc = query_check_period(period, e)) < 0 ||
        (rc = area_list(c, s, &list, &nlist, e)) < 0)
        return rc;
    if ((rc = store_areas(c->db, &o.a, &o.n, e)) < 0)
        goto out;
    o.accounts = calloc(o.n + 1, sizeof *o.accounts);
    o.balance_ckwh = calloc(o.n + 1, sizeof *o.balance_ckwh);
    o.balance_fen = calloc(o.n + 1, sizeof *o.balance_fen);
    o.arrears_fen = calloc(o.n + 1, sizeof *o.arrears_fen);
    o.sales = calloc(o.n + 1, sizeof *o.sales);
    rows = calloc(nlist + 1, sizeof *rows);
    if (!o.accounts || !o.balance_ckwh || !o.balance_fen || !o.arrears_fen || !o.sales || !rows) {
        rc = kwh_err_set(e, KWH_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = store_area_balances(c->db, core_now(c), add_balance, &o, e)) < 0 ||
        (rc = store_area_sales(c->db, period->from, period->to, add_sales, &o, e)) < 0)
        goto out;
    for (size_t k = 0; k < nlist; k++) {
        ssize_t self = index_of(&o, list[k].id);
        rows[k].area = list[k];
        if (self < 0)
            continue;
        for (size_t i = 0; i < o.n; i++) {
            if (strncmp(o.a[i].path, o.a[self].path, strlen(o.a[self].path)) != 0)
                continue;
            rows[k].accounts += o.accounts[i];
            rows[k].balance_ckwh += o.balance_ckwh[i];
            rows[k].balance_fen += o.balance_fen[i];
            rows[k].arrears_fen += o.arrears_fen[i];
            rows[k].sales.count += o.sales[i].count;
            rows[k].sales.energy_ckwh += o.sales[i].energy_ckwh;
            rows[k].sales.adjust_ckwh += o.sales[i].adjust_ckwh;
            rows[k].sales.free_ckwh += o.sales[i].free_ckwh;
            rows[k].sales.amount_fen += o.sales[i].amount_fen;
            rows[k].sales.fee_fen += o.sales[i].fee_fen;
            rows[k].sales.arrears_fen += o.sales[i].arrears_fen;
        }
    }
    *out = rows;
    *n = nlist;
    rows = NULL;
out:
    free(rows);
    free(o.accounts);
    free(o.balance_ckwh);
    free(o.balance_fen);
    free(o.arrears_fen);
    free(o.sales);
    free(o.a);
    free(list);
    return rc;
}
