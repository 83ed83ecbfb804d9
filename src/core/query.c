/* SPDX-License-Identifier: Apache-2.0 */
/* The query screens: accounts (M20), purchases (M21), transfers, closings, reissues and
 * meter changes (M22-M25). */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "core/query_int.h"
#include "kwhpos/oversight.h"
#include "kwhpos/util.h"
#include "kwhpos/card.h"
#include "store/store.h"
#include "store/store_query.h"

static int check_page(int64_t *limit, int64_t offset, struct kwh_err *e)
{
    if (*limit == 0)
        *limit = KWH_PAGE_DEFAULT;
    if (*limit < 0 || *limit > KWH_PAGE_MAX)
        return kwh_err_set(e, KWH_EINVAL, "page size %lld: 1 to %d rows", (long long)*limit,
                           KWH_PAGE_MAX);
    if (offset < 0)
        return kwh_err_set(e, KWH_EINVAL, "page offset %lld: 0 or more", (long long)offset);
    return 0;
}

static int check_number(const char *what, uint32_t v, struct kwh_err *e)
{
    if (v < 1 || v > 99999999)
        return kwh_err_set(e, KWH_EINVAL, "%s: 1 to 8 digits", what);
    return 0;
}

static int check_text(const char *what, const char *v, struct kwh_err *e)
{
    if (v[0] != '\0' && !utf8_valid(v))
        return text_check_line(what, v, e);
    if (v[0] == '\0' || !utf8_is_clean_line(v))
        return kwh_err_set(e, KWH_EINVAL, "%s: one line of text to look for", what);
    return 0;
}

int query_check_period(const struct kwh_period *p, struct kwh_err *e)
{
    if (p->from < 0 || p->to <= p->from)
        return kwh_err_set(e, KWH_EINVAL, "the period ends before it begins: swap the dates");
    return 0;
}

/* --- M20 ------------------------------------------------------------------------------ */

int query_area_scope(struct kwh_core *c, const struct kwh_session *s, bool by_area, int64_t area_id,
                     char *path, size_t path_len, const char **apath, int64_t *scope_op,
                     struct kwh_err *e)
{
    int rc;
    *apath = NULL;
    if (by_area) {
        if ((rc = area_path(c, area_id, path, path_len, e)) < 0)
            return rc;
        *apath = path;
    }
    return scope_of(c, s, scope_op, e);
}

static int cust_q(struct kwh_core *c, const struct kwh_session *s,
                  const struct kwh_customer_filter *f, struct store_cust_q *q, char *path,
                  size_t path_len, struct kwh_err *e)
{
    int rc;
    memset(q, 0, sizeof *q);
    if ((rc = query_area_scope(c, s, f->by_area, f->area_id, path, path_len, &q->area_path,
                               &q->scope_op, e)) < 0)
        return rc;
    q->after_no = f->after_no;
    if (f->by_customer_no && (rc = check_number("customer number", f->customer_no, e)) < 0)
        return rc;
    if (f->by_meter_no && (rc = check_number("meter number", f->meter_no, e)) < 0)
        return rc;
    if (f->by_name && (rc = check_text("name", f->name, e)) < 0)
        return rc;
    if (f->by_address && (rc = check_text("address", f->address, e)) < 0)
        return rc;
    if (f->by_tariff && f->tariff_id <= 0)
        return kwh_err_set(e, KWH_EINVAL, "tariff: choose one");
    if (f->by_last_purchase && (rc = query_check_period(&f->last_purchase, e)) < 0)
        return kwh_err_prefix(e, "last purchase");
    q->by_no = f->by_customer_no;
    q->customer_no = f->customer_no;
    q->by_meter = f->by_meter_no;
    q->meter_no = f->meter_no;
    q->name = f->by_name ? f->name : NULL;
    q->by_tariff = f->by_tariff;
    q->tariff_id = f->tariff_id;
    q->address = f->by_address ? f->address : NULL;
    q->by_last_purchase = f->by_last_purchase;
    q->lp_from = f->last_purchase.from;
    q->lp_to = f->last_purchase.to;
    q->include_closed = f->include_closed;
    return 0;
}

static bool cust_unfiltered(const struct store_cust_q *q)
{
    return !q->by_no && !q->by_meter && q->name == NULL && !q->by_tariff && q->address == NULL &&
           !q->by_last_purchase && !q->include_closed && q->area_path == NULL && q->scope_op == 0;
}

/* Paging by key. A page asked for by offset is read without counting the rows before it
 * when it can be: the page after the last one shown (customer numbers above its last),
 * the page before it (below its first, read downwards), and pages in the second half
 * (read from the highest number down, so the last page is as quick as the first). Only a
 * jump into the first half reads through the rows before it. */
static void page_by_key(struct kwh_core *c, const struct kwh_session *s,
                        const struct kwh_customer_filter *f, int64_t limit, int64_t total,
                        struct store_cust_q *q, int64_t *offset, int64_t *rows)
{
    struct kwh_customer_filter key = *f;
    key.limit = key.offset = 0;
    key.after_no = 0;
    *offset = f->offset;
    *rows = limit;
    if (f->after_no != 0 || f->offset == 0)
        return;
    if (c->page_memo.valid && c->page_memo.operator_id == s->operator_id &&
        c->page_memo.limit == limit && memcmp(&c->page_memo.f, &key, sizeof key) == 0) {
        if (f->offset == c->page_memo.offset + (int64_t)c->page_memo.n &&
            c->page_memo.n == (size_t)limit) {
            q->after_no = c->page_memo.last;
            *offset = 0;
            return;
        }
        if (f->offset + limit == c->page_memo.offset && c->page_memo.n > 0) {
            q->before_no = c->page_memo.first;
            *offset = 0;
            return;
        }
    }
    if (total > 0 && f->offset >= total / 2 && f->offset < total) {
        q->from_end = true;
        *rows = total - f->offset < limit ? total - f->offset : limit;
        *offset = total - f->offset - *rows;
    }
}

static void page_remember(struct kwh_core *c, const struct kwh_session *s,
                          const struct kwh_customer_filter *f, int64_t limit,
                          const struct kwh_customer_page *out)
{
    c->page_memo.valid = f->after_no == 0 && out->n > 0;
    c->page_memo.f = *f;
    c->page_memo.f.limit = c->page_memo.f.offset = 0;
    c->page_memo.f.after_no = 0;
    c->page_memo.operator_id = s->operator_id;
    c->page_memo.offset = f->offset;
    c->page_memo.limit = limit;
    c->page_memo.n = out->n;
    c->page_memo.first = out->n ? out->rows[0].customer_no : 0;
    c->page_memo.last = out->n ? out->rows[out->n - 1].customer_no : 0;
}

int query_customers(struct kwh_core *c, const struct kwh_session *s,
                    const struct kwh_customer_filter *f, struct kwh_customer_page *out,
                    struct kwh_err *e)
{
    struct store_cust_q q;
    char path[KWH_AREA_PATH_MAX];
    int64_t limit = f->limit, offset, rows;
    uint32_t after;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0 || (rc = check_page(&limit, f->offset, e)) < 0 ||
        (rc = cust_q(c, s, f, &q, path, sizeof path, e)) < 0)
        return rc;
    /* the total counts every match, whatever page is asked for */
    after = (uint32_t)q.after_no;
    q.after_no = 0;
    if (cust_unfiltered(&q)) {
        /* all accounts that are not closed: the maintained totals count them */
        struct store_total *t;
        size_t n;
        if ((rc = store_totals(c->db, core_now(c), &t, &n, e)) < 0)
            return rc;
        for (size_t i = 0; i < n; i++)
            out->total += t[i].accounts;
        free(t);
    } else if ((rc = store_customers_count(c->db, &q, &out->total, e)) < 0) {
        return rc;
    }
    q.after_no = after;
    page_by_key(c, s, f, limit, out->total, &q, &offset, &rows);
    if ((rc = store_customers_page(c->db, &q, rows, offset, &out->rows, &out->n, e)) < 0)
        return rc;
    page_remember(c, s, f, limit, out);
    return 0;
}

void query_customer_page_fini(struct kwh_customer_page *p)
{
    if (p == NULL)
        return;
    free(p->rows);
    memset(p, 0, sizeof *p);
}

int query_customers_each(struct kwh_core *c, const struct kwh_session *s,
                         const struct kwh_customer_filter *f,
                         int (*fn)(void *ctx, const struct kwh_customer *cu), void *ctx,
                         struct kwh_err *e)
{
    struct store_cust_q q;
    char path[KWH_AREA_PATH_MAX];
    int rc;
    if ((rc = need_operator(s, e)) < 0 || (rc = cust_q(c, s, f, &q, path, sizeof path, e)) < 0)
        return rc;
    return store_customers_each(c->db, &q, fn, ctx, e);
}

bool query_customer_has_card(const struct kwh_customer *cu)
{
    return cu->card_gen > 0 || card_serial_is_set(cu->card_serial);
}

/* --- M21 ------------------------------------------------------------------------------ */

int query_sale_q(struct kwh_core *c, const struct kwh_session *s, const struct kwh_sale_filter *f,
                 struct store_sale_q *q, struct kwh_period *period, char *path, size_t path_len,
                 struct kwh_err *e)
{
    int rc;
    memset(q, 0, sizeof *q);
    if ((rc = query_area_scope(c, s, f->by_area, f->area_id, path, path_len, &q->area_path,
                               &q->scope_op, e)) < 0)
        return rc;
    *period = f->by_date ? f->period : period_day(core_now(c));
    if ((rc = query_check_period(period, e)) < 0)
        return rc;
    if (f->by_operator && (rc = check_text("operator", f->operator_name, e)) < 0)
        return rc;
    if (f->by_customer_no && (rc = check_number("customer number", f->customer_no, e)) < 0)
        return rc;
    if (f->by_meter_no && (rc = check_number("meter number", f->meter_no, e)) < 0)
        return rc;
    if (f->by_name && (rc = check_text("name", f->name, e)) < 0)
        return rc;
    q->from = period->from;
    q->to = period->to;
    q->operator_name = f->by_operator ? f->operator_name : NULL;
    q->by_no = f->by_customer_no;
    q->customer_no = f->customer_no;
    q->by_meter = f->by_meter_no;
    q->meter_no = f->meter_no;
    q->name = f->by_name ? f->name : NULL;
    return 0;
}

bool query_use_summary(const struct store_sale_q *q)
{
    return !q->by_no && !q->by_meter && q->name == NULL && q->area_path == NULL &&
           q->scope_op == 0 && q->from % 3600 == 0 && q->to % 3600 == 0;
}

static int add_total(void *ctx, int kind, int pay, const struct store_sums *m)
{
    struct kwh_sale_totals *t = ctx;
    (void)kind;
    (void)pay;
    query_add_sums(t, m);
    return 0;
}

void query_add_sums(struct kwh_sale_totals *t, const struct store_sums *m)
{
    t->count += m->n;
    t->energy_ckwh += m->energy_ckwh;
    t->adjust_ckwh += m->adjust_ckwh;
    t->free_ckwh += m->free_ckwh;
    t->amount_fen += m->amount_fen;
    t->fee_fen += m->fee_fen;
    t->arrears_fen += m->arrears_fen;
}

int query_totals(struct kwh_core *c, const struct store_sale_q *q, struct kwh_sale_totals *out,
                 struct kwh_err *e)
{
    memset(out, 0, sizeof *out);
    return store_sales_sums(c->db, q, query_use_summary(q), false, add_total, out, e);
}

int query_sales(struct kwh_core *c, const struct kwh_session *s, const struct kwh_sale_filter *f,
                struct kwh_sale_page *out, struct kwh_err *e)
{
    struct store_sale_q q;
    char path[KWH_AREA_PATH_MAX];
    int64_t limit = f->limit;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0 || (rc = check_page(&limit, f->offset, e)) < 0 ||
        (rc = query_sale_q(c, s, f, &q, &out->period, path, sizeof path, e)) < 0)
        return rc;
    if ((rc = query_totals(c, &q, &out->totals, e)) < 0)
        return rc;
    return store_sales_page(c->db, &q, limit, f->offset, &out->rows, &out->n, e);
}

void query_sale_page_fini(struct kwh_sale_page *p)
{
    if (p == NULL)
        return;
    free(p->rows);
    memset(p, 0, sizeof *p);
}

int query_sales_each(struct kwh_core *c, const struct kwh_session *s,
                     const struct kwh_sale_filter *f,
                     int (*fn)(void *ctx, const struct kwh_sale *sale), void *ctx,
                     struct kwh_err *e)
{
    struct store_sale_q q;
    struct kwh_period p;
    char path[KWH_AREA_PATH_MAX];
    int rc;
    if ((rc = need_operator(s, e)) < 0 ||
        (rc = query_sale_q(c, s, f, &q, &p, path, sizeof path, e)) < 0)
        return rc;
    return store_sales_each(c->db, &q, fn, ctx, e);
}

/* --- M22-M25 ---------------------------------------------------------------------------- */

static const struct {
    int kind;
    const char *name;
} event_names[] = {
    {KWH_EV_TRANSFER, "transfer"},
    {KWH_EV_CLOSE, "close"},
    {KWH_EV_REISSUE, "reissue"},
    {KWH_EV_METER_CHANGE, "meter-change"},
};

const char *query_event_name(int kind)
{
    for (size_t i = 0; i < KWH_ARRAY_LEN(event_names); i++)
        if (event_names[i].kind == kind)
            return event_names[i].name;
    return "?";
}

int query_event_parse(const char *name)
{
    for (size_t i = 0; i < KWH_ARRAY_LEN(event_names); i++)
        if (strcmp(event_names[i].name, name) == 0)
            return event_names[i].kind;
    return -1;
}

int query_events(struct kwh_core *c, const struct kwh_session *s, const struct kwh_event_filter *f,
                 struct kwh_event_page *out, struct kwh_err *e)
{
    struct store_event_q q;
    struct store_event_row *rows = NULL;
    char path[KWH_AREA_PATH_MAX];
    int64_t limit = f->limit;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0 || (rc = check_page(&limit, f->offset, e)) < 0)
        return rc;
    if (strcmp(query_event_name(f->kind), "?") == 0)
        return kwh_err_set(e, KWH_EINVAL,
                           "choose transfers, closings, reissues or meter "
                           "changes");
    out->period = f->by_date ? f->period : period_day(core_now(c));
    if ((rc = query_check_period(&out->period, e)) < 0)
        return rc;
    if (f->by_operator && (rc = check_text("operator", f->operator_name, e)) < 0)
        return rc;
    memset(&q, 0, sizeof q);
    if ((rc = query_area_scope(c, s, f->by_area, f->area_id, path, sizeof path, &q.area_path,
                               &q.scope_op, e)) < 0)
        return rc;
    q.kind = f->kind;
    q.from = out->period.from;
    q.to = out->period.to;
    q.operator_name = f->by_operator ? f->operator_name : NULL;
    if ((rc = store_events_count(c->db, &q, &out->total, e)) < 0 ||
        (rc = store_events_page(c->db, &q, limit, f->offset, &rows, &out->n, e)) < 0)
        return rc;
    if (out->n > 0) {
        out->rows = calloc(out->n, sizeof *out->rows);
        if (out->rows == NULL) {
            free(rows);
            out->n = 0;
            return kwh_err_set(e, KWH_ENOMEM, "out of memory");
        }
    }
    for (size_t i = 0; i < out->n; i++) {
        struct kwh_event *v = &out->rows[i];
        v->id = rows[i].id;
        v->kind = rows[i].kind;
        v->created = rows[i].created;
        v->customer_no = rows[i].customer_no;
        str_copy(v->customer_name, sizeof v->customer_name, rows[i].customer_name);
        v->meter_no = rows[i].meter_no;
        str_copy(v->operator_name, sizeof v->operator_name, rows[i].operator_name);
        v->fee_fen = rows[i].fee_fen;
        str_copy(v->before, sizeof v->before, rows[i].before);
        str_copy(v->after, sizeof v->after, rows[i].after);
    }
    free(rows);
    return 0;
}

void query_event_page_fini(struct kwh_event_page *p)
{
    if (p == NULL)
        return;
    free(p->rows);
    memset(p, 0, sizeof *p);
}
