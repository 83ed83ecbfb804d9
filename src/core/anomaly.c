/* SPDX-License-Identifier: Apache-2.0 */
/* Anomaly reports from what cards bring back (issue: oversight): purchases not in the
 * meter, idle accounts, meter totals running backwards, copied cards, and energy used far
 * above the area's median. The store finds the first four and the energy per account;
 * the medians are taken here. How each is computed: docs/cli.md. */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "core/query_int.h"
#include "kwhpos/oversight.h"
#include "kwhpos/util.h"
#include "store/store.h"
#include "store/store_query.h"

static const char *const names[KWH_ANOM_COUNT] = {"unloaded", "idle",     "backwards",
                                                  "copies",   "outliers", "psc"};

const char *anomaly_name(int kind)
{
    return kind >= 0 && kind < KWH_ANOM_COUNT ? names[kind] : "?";
}

int anomaly_parse(const char *name)
{
    for (int i = 0; i < KWH_ANOM_COUNT; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

static int by_value(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int by_used_desc(const void *a, const void *b)
{
    const struct kwh_anomaly *x = a, *y = b;
    if (x->a != y->a)
        return x->a > y->a ? -1 : 1;
    return x->customer_no < y->customer_no ? -1 : x->customer_no > y->customer_no;
}

/* Keeps the accounts that used more than factor times their area's median (accounts
 * read at least twice in the period; an area's median of 0 flags nothing). */
static size_t outliers(struct store_anomaly *r, size_t n, int factor, int64_t *median)
{
    int64_t *v = calloc(n + 1, sizeof *v);
    size_t k = 0;
    if (v == NULL)
        return 0;
    for (size_t i = 0; i < n; i++) {
        size_t m = 0;
        for (size_t j = 0; j < n; j++)
            if (r[j].area_id == r[i].area_id && r[j].b >= 2)
                v[m++] = r[j].a;
        qsort(v, m, sizeof *v, by_value);
        median[i] = m == 0 ? 0 : m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
    }
    for (size_t i = 0; i < n; i++)
        if (r[i].b >= 2 && median[i] > 0 && r[i].a > (int64_t)factor * median[i]) {
            r[k] = r[i];
            median[k] = median[i];
            k++;
        }
    free(v);
    return k;
}

int anomaly_find(struct kwh_core *c, const struct kwh_session *s, int kind,
                 const struct kwh_anomaly_filter *f, struct kwh_anomaly **out, size_t *n,
                 struct kwh_err *e)
{
    struct store_anomaly_q q;
    struct store_anomaly *r = NULL;
    struct kwh_anomaly *a;
    char path[KWH_AREA_PATH_MAX];
    int64_t now = core_now(c), *median = NULL;
    size_t nr = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if (kind < 0 || kind >= KWH_ANOM_COUNT)
        return kwh_err_set(e, KWH_EINVAL,
                           "no such anomaly report: unloaded, idle, backwards, copies, "
                           "outliers or psc");
    if ((kind == KWH_ANOM_UNLOADED || kind == KWH_ANOM_IDLE || kind == KWH_ANOM_OUTLIER) &&
        (f->days < 1 || f->days > 3650))
        return kwh_err_set(e, KWH_EINVAL, "a number of days from 1 to 3650, not %d", f->days);
    if (kind == KWH_ANOM_OUTLIER && (f->factor < 2 || f->factor > 1000))
        return kwh_err_set(e, KWH_EINVAL, "a factor over the median from 2 to 1000, not %d",
                           f->factor);
    memset(&q, 0, sizeof q);
    q.kind = kind == KWH_ANOM_OUTLIER ? STORE_ANOM_USAGE : kind;
    q.before = now - (int64_t)f->days * 86400;
    q.from = q.before;
    q.to = now + 1;
    if ((rc = query_area_scope(c, s, f->by_area, f->area_id, path, sizeof path, &q.area_path,
                               &q.scope_op, e)) < 0 ||
        (rc = store_anomalies(c->db, &q, &r, &nr, e)) < 0)
        return rc;
    if (kind == KWH_ANOM_OUTLIER) {
        if ((median = calloc(nr + 1, sizeof *median)) == NULL) {
            free(r);
            return kwh_err_set(e, KWH_ENOMEM, "out of memory");
        }
        nr = outliers(r, nr, f->factor, median);
    }
    if ((a = calloc(nr + 1, sizeof *a)) == NULL) {
        free(r);
        free(median);
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < nr; i++) {
        a[i].kind = kind;
        a[i].customer_no = r[i].customer_no;
        str_copy(a[i].name, sizeof a[i].name, r[i].name);
        a[i].meter_no = r[i].meter_no;
        a[i].area_id = r[i].area_id;
        area_title(c, r[i].area_id, a[i].area, sizeof a[i].area);
        a[i].when = r[i].when;
        a[i].days = r[i].when > 0 && now > r[i].when ? (now - r[i].when) / 86400 : 0;
        a[i].a = r[i].a;
        a[i].b = kind == KWH_ANOM_OUTLIER ? median[i] : r[i].b;
        a[i].c = kind == KWH_ANOM_OUTLIER ? r[i].b : r[i].c;
        a[i].d = r[i].d;
    }
    if (kind == KWH_ANOM_OUTLIER)
        qsort(a, nr, sizeof *a, by_used_desc);
    free(r);
    free(median);
    *out = a;
    *n = nr;
    return 0;
}
