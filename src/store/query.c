/* SPDX-License-Identifier: Apache-2.0 */
/* Queries for the manual's query screens (M20-M25) and the purchase reports.
 *
 * Each query is a small family of fixed statements that differ only in the term that
 * drives the index (a customer number, a meter number, a period...); every other filter
 * is a bound parameter that is either NULL (off) or a value. The driver is picked from
 * the filters that are on, the most selective first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_query.h"
#include "kwhpos/util.h"
#include "store/customer_row.h"
#include "store/sale_row.h"
#include "store/sql.h"

/* A LIKE pattern matching text anywhere, with LIKE's own characters escaped. */
static void like_pattern(const char *text, char *buf, size_t n)
{
    size_t o = 0;
    buf[o++] = '%';
    for (const char *p = text; *p && o + 3 < n; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            buf[o++] = '\\';
        buf[o++] = *p;
    }
    buf[o++] = '%';
    buf[o] = '\0';
}

static void bind_opt_i64(sql_stmt *st, const char *name, bool on, int64_t v)
{
    if (on)
        sql_i64(st, name, v);
    else
        sql_null_as(st, name, SQL_INT);
}

static void bind_opt_text(sql_stmt *st, const char *name, const char *v)
{
    if (v != NULL)
        sql_text(st, name, v);
    else
        sql_null_as(st, name, SQL_TEXT);
}

/* The area filter and the operator's scope on an account id (the account's area in the
 * subtree :apath; in one of the subtrees of operator :scope), each off when NULL. */
#define AREA_IDS "(SELECT a.id FROM areas a WHERE substr(a.path, 1, length(:apath)) = :apath)"
#define SCOPE_IDS SQL_SCOPE_AREA_IDS
#define ACCOUNT_IN_AREA(col)                                                                       \
    " AND (:apath IS NULL OR " col                                                                 \
    " IN (SELECT c.id FROM customers c WHERE c.area_id IN " AREA_IDS "))"                          \
    " AND (:scope IS NULL OR " col                                                                 \
    " IN (SELECT c.id FROM customers c WHERE c.area_id IN " SCOPE_IDS "))"

static void bind_area_scope(sql_stmt *st, const char *area_path, int64_t scope_op)
{
    bind_opt_text(st, ":apath", area_path);
    bind_opt_i64(st, ":scope", scope_op != 0, scope_op);
}

/* --- accounts ------------------------------------------------------------------------ */

#define CQ_TAIL                                                                                    \
    " AND (:no IS NULL OR c.customer_no = :no)"                                                    \
    " AND (:meter IS NULL OR c.meter_no = :meter)"                                                 \
    " AND (:name IS NULL OR c.name LIKE :name ESCAPE '\\')"                                        \
    " AND (:tariff IS NULL OR c.tariff_id = :tariff)"                                              \
    " AND (:address IS NULL OR c.address LIKE :address ESCAPE '\\')"                               \
    " AND (:lp_from IS NULL OR (c.last_purchase >= :lp_from AND c.last_purchase < :lp_to))"        \
    " AND (c.status IN (1, 2) OR (:closed = 1 AND c.status = 3))"                                  \
    " AND (:apath IS NULL OR c.area_id IN " AREA_IDS ")"                                           \
    " AND (:scope IS NULL OR c.area_id IN " SCOPE_IDS ")"                                          \
    " AND c.customer_no > :after"

#define CQ_NO "c.customer_no = :no"
#define CQ_METER "c.meter_no = :meter"
#define CQ_LP "c.last_purchase >= :lp_from AND c.last_purchase < :lp_to"
#define CQ_TARIFF "c.tariff_id = :tariff"
#define CQ_ALL "1 = 1"

#define CQ_PAGE(drv)                                                                               \
    "SELECT " CUST_COLS CUST_FROM "WHERE " drv CQ_TAIL                                             \
    " ORDER BY c.customer_no LIMIT :limit OFFSET :offset"
#define CQ_COUNT(drv) "SELECT count(*) FROM customers c WHERE " drv CQ_TAIL
/* from the highest number down: the page before a page, and the last pages */
#define CQ_DESC(drv)                                                                               \
    "SELECT " CUST_COLS CUST_FROM "WHERE " drv CQ_TAIL " AND c.customer_no < :before"              \
    " ORDER BY c.customer_no DESC LIMIT :limit OFFSET :offset"

static const char *const cq_page[] = {CQ_PAGE(CQ_NO), CQ_PAGE(CQ_METER), CQ_PAGE(CQ_LP),
                                      CQ_PAGE(CQ_TARIFF), CQ_PAGE(CQ_ALL)};
static const char *const cq_desc[] = {CQ_DESC(CQ_NO), CQ_DESC(CQ_METER), CQ_DESC(CQ_LP),
                                      CQ_DESC(CQ_TARIFF), CQ_DESC(CQ_ALL)};
static const char *const cq_count[] = {CQ_COUNT(CQ_NO), CQ_COUNT(CQ_METER), CQ_COUNT(CQ_LP),
                                       CQ_COUNT(CQ_TARIFF), CQ_COUNT(CQ_ALL)};

static int cust_driver(const struct store_cust_q *q)
{
    if (q->by_no)
        return 0;
    if (q->by_meter)
        return 1;
    if (q->by_last_purchase)
        return 2;
    if (q->by_tariff)
        return 3;
    return 4;
}

static sql_stmt *cust_stmt(struct store *s, const struct store_cust_q *q, bool count,
                           char *name_pat, char *addr_pat, struct kwh_err *e)
{
    int d = cust_driver(q);
    bool desc = !count && (q->before_no > 0 || q->from_end);
    sql_stmt *st = sql_prep(s, count ? cq_count[d] : desc ? cq_desc[d] : cq_page[d], e);
    if (st == NULL)
        return NULL;
    bind_opt_i64(st, ":no", q->by_no, q->customer_no);
    bind_opt_i64(st, ":meter", q->by_meter, q->meter_no);
    bind_opt_i64(st, ":tariff", q->by_tariff, q->tariff_id);
    bind_opt_i64(st, ":lp_from", q->by_last_purchase, q->lp_from);
    bind_opt_i64(st, ":lp_to", q->by_last_purchase, q->lp_to);
    if (q->name != NULL)
        like_pattern(q->name, name_pat, KWH_TEXT_MAX * 2 + 4);
    if (q->address != NULL)
        like_pattern(q->address, addr_pat, KWH_ADDR_MAX * 2 + 4);
    bind_opt_text(st, ":name", q->name ? name_pat : NULL);
    bind_opt_text(st, ":address", q->address ? addr_pat : NULL);
    sql_i64(st, ":closed", q->include_closed);
    sql_i64(st, ":after", q->after_no);
    if (desc)
        sql_i64(st, ":before", q->before_no > 0 ? q->before_no : INT64_MAX);
    bind_area_scope(st, q->area_path, q->scope_op);
    return st;
}

int store_customers_count(struct store *s, const struct store_cust_q *q, int64_t *n,
                          struct kwh_err *e)
{
    char name_pat[KWH_TEXT_MAX * 2 + 4], addr_pat[KWH_ADDR_MAX * 2 + 4];
    sql_stmt *st = cust_stmt(s, q, true, name_pat, addr_pat, e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    rc = sql_row(s, st, e);
    if (rc < 0)
        return rc;
    *n = sql_col_i64(st, 0);
    sql_reset(st);
    return 0;
}

int store_customers_page(struct store *s, const struct store_cust_q *q, int64_t limit,
                         int64_t offset, struct kwh_customer **rows, size_t *n, struct kwh_err *e)
{
    char name_pat[KWH_TEXT_MAX * 2 + 4], addr_pat[KWH_ADDR_MAX * 2 + 4];
    sql_stmt *st = cust_stmt(s, q, false, name_pat, addr_pat, e);
    if (st == NULL)
        return KWH_EDB;
    int rc;
    sql_i64(st, ":limit", limit);
    sql_i64(st, ":offset", offset);
    if ((rc = sql_collect(s, st, sizeof **rows, store_customer_row, (void **)rows, n, e)) < 0)
        return rc;
    if (q->before_no > 0 || q->from_end) /* read downwards: the page in ascending order */
        for (size_t i = 0; i < *n / 2; i++) {
            struct kwh_customer t = (*rows)[i];
            (*rows)[i] = (*rows)[*n - 1 - i];
            (*rows)[*n - 1 - i] = t;
        }
    return 0;
}

int store_customers_each(struct store *s, const struct store_cust_q *q,
                         int (*fn)(void *ctx, const struct kwh_customer *cu), void *ctx,
                         struct kwh_err *e)
{
    char name_pat[KWH_TEXT_MAX * 2 + 4], addr_pat[KWH_ADDR_MAX * 2 + 4];
    sql_stmt *st = cust_stmt(s, q, false, name_pat, addr_pat, e);
    struct kwh_customer cu;
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":limit", INT64_MAX); /* no limit (PostgreSQL refuses -1) */
    sql_i64(st, ":offset", 0);
    while ((rc = sql_row(s, st, e)) == 1) {
        store_customer_row(st, &cu);
        if ((rc = fn(ctx, &cu)) != 0) {
            sql_reset(st);
            return rc;
        }
    }
    return rc;
}

/* --- the customer search ------------------------------------------------------------------ */

#define SEARCH_TAIL                                                                                \
    " AND (c.status IN (1, 2) OR (:closed = 1 AND c.status = 3))"                                  \
    " AND (:scope IS NULL OR c.area_id IN " SCOPE_IDS ")"

static const char search_number[] =
    "SELECT " CUST_COLS CUST_FROM "WHERE (c.customer_no = :no OR c.meter_no = :no) AND "
    "c.id > :after" SEARCH_TAIL " ORDER BY c.id LIMIT :limit";
/* SQLite: the trigram index, in rowid order, so the first page stops early */
static const char search_fts[] =
    "SELECT " CUST_COLS " FROM customers_fts f JOIN customers c ON c.id = f.rowid JOIN tariffs t "
    "ON t.id = c.tariff_id WHERE customers_fts MATCH :match AND f.rowid > :after" SEARCH_TAIL
    " ORDER BY f.rowid LIMIT :limit";
/* PostgreSQL: a match in any of the columns the SQLite index holds (LIKE is prepared as
 * ILIKE there) */
#define SEARCH_LIKE                                                                                \
    "(c.name LIKE :pattern ESCAPE '\\' OR c.address LIKE :pattern ESCAPE '\\' OR c.phone LIKE "    \
    ":pattern ESCAPE '\\' OR c.name_py LIKE :pattern ESCAPE '\\')"
/* PostgreSQL: the text's pieces as customers_gram holds them (its 4-character pieces, or
 * its one 3-character piece), where each starts and how many accounts have it
 * (customers_gram_n); the rarest, and a second one: the rarest of the others, where one
 * that overlaps the first by 3 characters counts 8 times (two such pieces are one
 * 5-character text, far less selective than two pieces further apart: the six digits
 * of a phone). The accounts that have both, merged in id order from :after and each
 * checked against its columns, so a page stops after its rows; none when a piece is in
 * no account. One statement: one round trip. */
static const char search_gram[] =
    "WITH q AS (SELECT substr(l, i, k) AS g, min(i) AS p FROM (SELECT lower(CAST(:text AS "
    "TEXT) COLLATE \"C\") AS l, least(length(:text), 4) AS k) s, generate_series(1, length(l) "
    "- k + 1) i GROUP BY 1), "
    "g AS (SELECT q.g, q.p, coalesce(n.n, 0) AS n FROM q LEFT JOIN customers_gram_n n ON "
    "n.gram = q.g), "
    "g1 AS (SELECT g, p FROM g ORDER BY n, g LIMIT 1), "
    "g2 AS (SELECT g.g FROM g, g1 ORDER BY g.g = g1.g, g.n * CASE WHEN abs(g.p - g1.p) < 2 "
    "THEN 8 ELSE 1 END, g.g LIMIT 1) "
    "SELECT " CUST_COLS " FROM customers_gram a JOIN customers_gram b ON b.id = a.id JOIN "
    "customers c ON c.id = a.id JOIN tariffs t ON t.id = c.tariff_id WHERE a.gram = (SELECT g "
    "FROM g1) AND b.gram = (SELECT g FROM g2) AND (SELECT min(n) FROM g) > 0 AND a.id > "
    ":after AND b.id > :after AND " SEARCH_LIKE SEARCH_TAIL " ORDER BY a.id LIMIT :limit";
static const char search_name[] =
    "SELECT " CUST_COLS CUST_FROM "WHERE c.name >= :lo AND c.name < :hi" SEARCH_TAIL
    " ORDER BY c.name, c.id LIMIT :limit";
static const char search_py[] =
    "SELECT " CUST_COLS CUST_FROM "WHERE c.name_py >= :lo AND c.name_py < :hi" SEARCH_TAIL
    " ORDER BY c.name_py, c.id LIMIT :limit";

/* U+10FFFF: after every text that starts with a prefix, in byte order */
#define TEXT_MAX_CHAR "\xf4\x8f\xbf\xbf"

static int search_run(struct store *s, const char *sql, const struct store_search_q *q,
                      int64_t limit, struct kwh_customer **rows, size_t *n, struct kwh_err *e)
{
    char buf[KWH_ADDR_MAX * 2 + 8], hi[KWH_TEXT_MAX + 8];
    sql_stmt *st = sql_prep(s, sql, e);
    if (st == NULL)
        return KWH_EDB;
    if (sql == search_number) {
        sql_i64(st, ":no", q->number);
    } else if (sql == search_fts) {
        size_t o = 0;
        buf[o++] = '"';
        for (const char *p = q->text; *p && o + 3 < sizeof buf; p++) {
            if (*p == '"')
                buf[o++] = '"';
            buf[o++] = *p;
        }
        buf[o++] = '"';
        buf[o] = '\0';
        sql_text(st, ":match", buf);
    } else if (sql == search_gram) {
        like_pattern(q->text, buf, sizeof buf);
        sql_text(st, ":pattern", buf);
        sql_text(st, ":text", q->text);
    } else {
        snprintf(hi, sizeof hi, "%s" TEXT_MAX_CHAR, q->text);
        sql_text(st, ":lo", q->text);
        sql_text(st, ":hi", hi);
    }
    if (sql != search_name && sql != search_py)
        sql_i64(st, ":after", q->after_id);
    sql_i64(st, ":closed", q->include_closed);
    bind_opt_i64(st, ":scope", q->scope_op != 0, q->scope_op);
    sql_i64(st, ":limit", limit);
    return sql_collect(s, st, sizeof **rows, store_customer_row, (void **)rows, n, e);
}

int store_customers_search(struct store *s, const struct store_search_q *q, int64_t limit,
                           struct kwh_customer **rows, size_t *n, struct kwh_err *e)
{
    struct kwh_customer *more = NULL;
    size_t nmore = 0;
    int rc;

    *rows = NULL;
    *n = 0;
    if (q->kind == STORE_SEARCH_NUMBER)
        return search_run(s, search_number, q, limit, rows, n, e);
    if (q->kind == STORE_SEARCH_SUBSTRING)
        return s->be->dialect == SQL_SQLITE ? search_run(s, search_fts, q, limit, rows, n, e)
                                            : search_run(s, search_gram, q, limit, rows, n, e);
    if ((rc = search_run(s, search_name, q, limit, rows, n, e)) < 0)
        return rc;
    if ((size_t)limit <= *n)
        return 0;
    if ((rc = search_run(s, search_py, q, limit, &more, &nmore, e)) < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return rc;
    }
    for (size_t i = 0; i < nmore && *n < (size_t)limit; i++) {
        bool dup = false;
        for (size_t j = 0; j < *n; j++)
            dup |= (*rows)[j].id == more[i].id;
        if (dup)
            continue;
        struct kwh_customer *grown = realloc(*rows, (*n + 1) * sizeof **rows);
        if (grown == NULL) {
            free(more);
            return kwh_err_set(e, KWH_ENOMEM, "out of memory");
        }
        *rows = grown;
        (*rows)[(*n)++] = more[i];
    }
    free(more);
    return 0;
}

/* --- sales ------------------------------------------------------------------------------ */

#define SQ_TAIL                                                                                    \
    " AND s.state = 1 AND s.created >= :from AND s.created < :to"                                  \
    " AND (:opname IS NULL OR s.operator_id IN (SELECT id FROM operators WHERE name = "            \
    ":opname))"                                                                                    \
    " AND (:no IS NULL OR s.customer_id IN (SELECT id FROM customers WHERE customer_no = "         \
    ":no))"                                                                                        \
    " AND (:meter IS NULL OR s.customer_id IN (SELECT id FROM customers WHERE meter_no = "         \
    ":meter))"                                                                                     \
    " AND (:name IS NULL OR s.customer_id IN (SELECT id FROM customers WHERE name LIKE "           \
    ":name ESCAPE '\\'))" ACCOUNT_IN_AREA("s.customer_id")

#define SQ_NO "s.customer_id = (SELECT id FROM customers WHERE customer_no = :no)"
#define SQ_METER "s.customer_id IN (SELECT id FROM customers WHERE meter_no = :meter)"
#define SQ_OPERATOR                                                                                \
    "s.operator_id IN (SELECT id FROM operators WHERE name = :opname) AND s.created >= "           \
    ":from AND s.created < :to"
#define SQ_PERIOD "s.created >= :from AND s.created < :to"

#define SUMS                                                                                       \
    "count(*), coalesce(sum(s.energy_ckwh), 0), coalesce(sum(s.adjust_ckwh), 0), "                 \
    "coalesce(sum(s.free_ckwh), 0), coalesce(sum(s.amount_fen), 0), "                              \
    "coalesce(sum(s.fee_fen), 0), coalesce(sum(s.arrears_fen), 0)"
#define SQ_PAGE(drv)                                                                               \
    "SELECT " SALE_COLS SALE_FROM "WHERE " drv SQ_TAIL                                             \
    " ORDER BY s.created, s.id LIMIT :limit OFFSET :offset"
#define SQ_TOTAL(drv) "SELECT -1, -1, " SUMS " FROM sales s WHERE " drv SQ_TAIL
#define SQ_GROUPED(drv)                                                                            \
    "SELECT s.kind, s.pay_method, " SUMS " FROM sales s WHERE " drv SQ_TAIL                        \
    " GROUP BY s.kind, s.pay_method"

static const char *const sq_page[] = {SQ_PAGE(SQ_NO), SQ_PAGE(SQ_METER), SQ_PAGE(SQ_OPERATOR),
                                      SQ_PAGE(SQ_PERIOD)};
static const char *const sq_total[] = {SQ_TOTAL(SQ_NO), SQ_TOTAL(SQ_METER), SQ_TOTAL(SQ_OPERATOR),
                                       SQ_TOTAL(SQ_PERIOD)};
static const char *const sq_grouped[] = {SQ_GROUPED(SQ_NO), SQ_GROUPED(SQ_METER),
                                         SQ_GROUPED(SQ_OPERATOR), SQ_GROUPED(SQ_PERIOD)};

/* The hourly summary: the same sums over whole hours. */
#define SUM_SUMS                                                                                   \
    "coalesce(sum(n), 0), coalesce(sum(energy_ckwh), 0), coalesce(sum(adjust_ckwh), 0), "          \
    "coalesce(sum(free_ckwh), 0), coalesce(sum(amount_fen), 0), coalesce(sum(fee_fen), 0), "       \
    "coalesce(sum(arrears_fen), 0)"
#define SUM_WHERE                                                                                  \
    " FROM sales_sum WHERE hour >= :hfrom AND hour < :hto AND (:opname IS NULL OR "                \
    "operator_id IN (SELECT id FROM operators WHERE name = :opname))"

static const char sum_total[] = "SELECT -1, -1, " SUM_SUMS SUM_WHERE;
static const char sum_grouped[] =
    "SELECT kind, pay_method, " SUM_SUMS SUM_WHERE " GROUP BY kind, pay_method";

static int sale_driver(const struct store_sale_q *q)
{
    if (q->by_no)
        return 0;
    if (q->by_meter)
        return 1;
    if (q->operator_name != NULL)
        return 2;
    return 3;
}

static void bind_sale_q(sql_stmt *st, const struct store_sale_q *q, char *name_pat)
{
    sql_i64(st, ":from", q->from);
    sql_i64(st, ":to", q->to);
    bind_opt_text(st, ":opname", q->operator_name);
    bind_opt_i64(st, ":no", q->by_no, q->customer_no);
    bind_opt_i64(st, ":meter", q->by_meter, q->meter_no);
    if (q->name != NULL)
        like_pattern(q->name, name_pat, KWH_TEXT_MAX * 2 + 4);
    bind_opt_text(st, ":name", q->name ? name_pat : NULL);
    bind_area_scope(st, q->area_path, q->scope_op);
}

/* The seven sums of a row (SUMS, SUM_SUMS, SCAN_COLS' order) from column col on. */
static struct store_sums sums_at(sql_stmt *st, int col)
{
    return (struct store_sums){
        .n = sql_col_i64(st, col),
        .energy_ckwh = sql_col_i64(st, col + 1),
        .adjust_ckwh = sql_col_i64(st, col + 2),
        .free_ckwh = sql_col_i64(st, col + 3),
        .amount_fen = sql_col_i64(st, col + 4),
        .fee_fen = sql_col_i64(st, col + 5),
        .arrears_fen = sql_col_i64(st, col + 6),
    };
}

int store_sales_sums(struct store *s, const struct store_sale_q *q, bool from_summary, bool grouped,
                     store_sums_fn fn, void *ctx, struct kwh_err *e)
{
    char name_pat[KWH_TEXT_MAX * 2 + 4];
    sql_stmt *st;
    int rc;

    if (from_summary) {
        st = sql_prep(s, grouped ? sum_grouped : sum_total, e);
        if (st == NULL)
            return KWH_EDB;
        sql_i64(st, ":hfrom", q->from / 3600);
        sql_i64(st, ":hto", q->to / 3600);
        bind_opt_text(st, ":opname", q->operator_name);
    } else {
        int d = sale_driver(q);
        st = sql_prep(s, grouped ? sq_grouped[d] : sq_total[d], e);
        if (st == NULL)
            return KWH_EDB;
        bind_sale_q(st, q, name_pat);
    }
    while ((rc = sql_row(s, st, e)) == 1) {
        struct store_sums sums = sums_at(st, 2);
        if ((rc = fn(ctx, sql_col_int(st, 0), sql_col_int(st, 1), &sums)) != 0) {
            sql_reset(st);
            return rc;
        }
    }
    return rc;
}

#define SCAN_COLS                                                                                  \
    "kind, pay_method, n, energy_ckwh, adjust_ckwh, free_ckwh, amount_fen, fee_fen, arrears_fen"
#define SCAN_OPERATOR                                                                              \
    " AND (:opname IS NULL OR operator_id IN (SELECT id FROM operators WHERE name = :opname))"
static const char scan_hours[] =
    "SELECT hour, " SCAN_COLS " FROM sales_sum WHERE hour >= :lo AND hour < :hi" SCAN_OPERATOR;
static const char scan_days[] =
    "SELECT day, " SCAN_COLS " FROM sales_sum_day WHERE day >= :lo AND day < :hi" SCAN_OPERATOR;
static const char scan_months[] =
    "SELECT month, " SCAN_COLS
    " FROM sales_sum_month WHERE month >= :lo AND month < :hi" SCAN_OPERATOR;

int store_sales_sum_scan(struct store *s, int unit, int64_t lo, int64_t hi, const char *opname,
                         store_unit_fn fn, void *ctx, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            unit == STORE_SUM_MONTH ? scan_months
                            : unit == STORE_SUM_DAY ? scan_days
                                                    : scan_hours,
                            e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":lo", lo);
    sql_i64(st, ":hi", hi);
    bind_opt_text(st, ":opname", opname);
    while ((rc = sql_row(s, st, e)) == 1) {
        struct store_sums m = sums_at(st, 3);
        if ((rc = fn(ctx, sql_col_i64(st, 0), sql_col_int(st, 1), sql_col_int(st, 2), &m)) != 0) {
            sql_reset(st);
            return rc;
        }
    }
    return rc;
}

/* The tiers' and fees' lines of the sales a query selects, by item and ref. */
#define IQ_ITEMS(drv)                                                                              \
    "SELECT i.item, i.ref, coalesce(max(f.name), ''), sum(CASE WHEN s.kind = 11 THEN 0 ELSE 1 "    \
    "END), sum(i.ckwh), sum(i.fen) FROM "                                                          \
    "sales s JOIN sale_items i ON i.sale_id = s.id LEFT JOIN fee_types f ON i.item = 2 AND "       \
    "f.id = i.ref WHERE " drv SQ_TAIL " GROUP BY i.item, i.ref ORDER BY i.item, i.ref"

static const char *const iq_items[] = {IQ_ITEMS(SQ_NO), IQ_ITEMS(SQ_METER), IQ_ITEMS(SQ_OPERATOR),
                                       IQ_ITEMS(SQ_PERIOD)};

static void rd_item_total(sql_stmt *st, void *row)
{
    struct kwh_item_total *t = row;
    memset(t, 0, sizeof *t);
    t->item = sql_col_int(st, 0);
    t->ref = sql_col_i64(st, 1);
    sql_col_text(st, 2, t->name, sizeof t->name);
    t->count = sql_col_i64(st, 3);
    t->ckwh = sql_col_i64(st, 4);
    t->fen = sql_col_i64(st, 5);
}

int store_items_sums(struct store *s, const struct store_sale_q *q, struct kwh_item_total **out,
                     size_t *n, struct kwh_err *e)
{
    char name_pat[KWH_TEXT_MAX * 2 + 4];
    bool summary =
        !q->by_no && !q->by_meter && q->name == NULL && q->area_path == NULL && q->scope_op == 0;
    sql_stmt *st;

    *out = NULL;
    *n = 0;
    if (summary) {
        /* the hourly summary, over the hours the period touches */
        st = sql_prep(
            s,
            "SELECT i.item, i.ref, coalesce(max(f.name), ''), sum(CASE WHEN i.kind = 11 THEN "
            "0 ELSE i.n END), sum(i.ckwh), "
            "sum(i.fen) FROM items_sum i LEFT JOIN fee_types f ON i.item = 2 AND f.id = "
            "i.ref WHERE i.hour >= :hfrom AND i.hour < :hto AND (:opname IS NULL OR "
            "i.operator_id IN (SELECT id FROM operators WHERE name = :opname)) GROUP BY "
            "i.item, i.ref HAVING sum(i.n) <> 0 OR sum(i.fen) <> 0 ORDER BY i.item, i.ref",
            e);
        if (st == NULL)
            return KWH_EDB;
        sql_i64(st, ":hfrom", q->from / 3600);
        sql_i64(st, ":hto", (q->to + 3599) / 3600);
        bind_opt_text(st, ":opname", q->operator_name);
    } else {
        /* an account, an area or the operator's scope: the sales' own lines */
        if ((st = sql_prep(s, iq_items[sale_driver(q)], e)) == NULL)
            return KWH_EDB;
        bind_sale_q(st, q, name_pat);
    }
    return sql_collect(s, st, sizeof **out, rd_item_total, (void **)out, n, e);
}

int store_sales_page(struct store *s, const struct store_sale_q *q, int64_t limit, int64_t offset,
                     struct kwh_sale **rows, size_t *n, struct kwh_err *e)
{
    char name_pat[KWH_TEXT_MAX * 2 + 4];
    sql_stmt *st = sql_prep(s, sq_page[sale_driver(q)], e);
    if (st == NULL)
        return KWH_EDB;
    bind_sale_q(st, q, name_pat);
    sql_i64(st, ":limit", limit);
    sql_i64(st, ":offset", offset);
    return sql_collect(s, st, sizeof **rows, store_sale_row, (void **)rows, n, e);
}

int store_sales_each(struct store *s, const struct store_sale_q *q,
                     int (*fn)(void *ctx, const struct kwh_sale *sale), void *ctx,
                     struct kwh_err *e)
{
    char name_pat[KWH_TEXT_MAX * 2 + 4];
    sql_stmt *st = sql_prep(s, sq_page[sale_driver(q)], e);
    struct kwh_sale sale;
    int rc;
    if (st == NULL)
        return KWH_EDB;
    bind_sale_q(st, q, name_pat);
    sql_i64(st, ":limit", INT64_MAX); /* no limit (PostgreSQL refuses -1) */
    sql_i64(st, ":offset", 0);
    while ((rc = sql_row(s, st, e)) == 1) {
        store_sale_row(st, &sale);
        if ((rc = fn(ctx, &sale)) != 0) {
            sql_reset(st);
            return rc;
        }
    }
    return rc;
}

int store_sales_sum_verify(struct store *s, bool *ok, struct kwh_err *e)
{
    /* rows of either side that the other does not have (zero rows count as absent) */
    sql_stmt *st = sql_prep(
        s,
        "SELECT count(*) FROM (SELECT created / 3600 AS hour, operator_id, kind, pay_method, "
        "count(*) AS n, sum(energy_ckwh) AS en, sum(adjust_ckwh) AS ad, sum(free_ckwh) AS fr, "
        "sum(amount_fen) AS am, sum(fee_fen) AS fe, sum(arrears_fen) AS ar FROM sales WHERE "
        "state = 1 GROUP BY 1, 2, 3, 4 EXCEPT SELECT hour, operator_id, kind, pay_method, n, "
        "energy_ckwh, adjust_ckwh, free_ckwh, amount_fen, fee_fen, arrears_fen FROM sales_sum) "
        "AS missing UNION ALL SELECT count(*) FROM (SELECT hour, operator_id, kind, pay_method, "
        "n, energy_ckwh, adjust_ckwh, free_ckwh, amount_fen, fee_fen, arrears_fen FROM "
        "sales_sum WHERE n <> 0 OR energy_ckwh <> 0 OR adjust_ckwh <> 0 OR free_ckwh <> 0 OR "
        "amount_fen <> 0 OR fee_fen <> 0 OR arrears_fen <> 0 EXCEPT SELECT created / 3600, "
        "operator_id, kind, pay_method, count(*), sum(energy_ckwh), sum(adjust_ckwh), "
        "sum(free_ckwh), sum(amount_fen), sum(fee_fen), sum(arrears_fen) FROM sales WHERE "
        "state = 1 GROUP BY 1, 2, 3, 4) AS extra",
        e);
    int64_t diff = 0;
    int rc;
    if (st == NULL)
        return KWH_EDB;
    while ((rc = sql_row(s, st, e)) == 1)
        diff += sql_col_i64(st, 0);
    if (rc < 0)
        return rc;
    *ok = diff == 0;
    return 0;
}

/* Empties a summary and fills it again from the settled sales, by bucket (hours, days). */
#define SUM_REFILL(table, bucket, secs)                                                            \
    "INSERT INTO " table " (" bucket ", operator_id, kind, pay_method, n, energy_ckwh, "           \
    "adjust_ckwh, free_ckwh, amount_fen, fee_fen, arrears_fen) SELECT created / " secs ", "        \
    "operator_id, kind, pay_method, count(*), sum(energy_ckwh), sum(adjust_ckwh), "                \
    "sum(free_ckwh), sum(amount_fen), sum(fee_fen), sum(arrears_fen) FROM sales WHERE state = 1 "  \
    "GROUP BY 1, 2, 3, 4"

#define LITE_MONTH_OF                                                                              \
    "(CAST(strftime('%Y', created, 'unixepoch') AS INTEGER) - 1970) * 12 + "                       \
    "CAST(strftime('%m', created, 'unixepoch') AS INTEGER) - 1"
#define PG_MONTH_OF                                                                                \
    "(CAST(EXTRACT(YEAR FROM to_timestamp(created) AT TIME ZONE 'UTC') AS INTEGER) - 1970) * 12 "  \
    "+ CAST(EXTRACT(MONTH FROM to_timestamp(created) AT TIME ZONE 'UTC') AS INTEGER) - 1"
#define MONTH_REFILL(month)                                                                        \
    "INSERT INTO sales_sum_month (month, operator_id, kind, pay_method, n, energy_ckwh, "          \
    "adjust_ckwh, free_ckwh, amount_fen, fee_fen, arrears_fen) SELECT " month ", "                 \
    "operator_id, kind, pay_method, count(*), sum(energy_ckwh), sum(adjust_ckwh), "                \
    "sum(free_ckwh), sum(amount_fen), sum(fee_fen), sum(arrears_fen) FROM sales WHERE state = 1 "  \
    "GROUP BY 1, 2, 3, 4"

static int refill(struct store *s, const char *empty, const char *fill, struct kwh_err *e)
{
    sql_stmt *del = sql_prep(s, empty, e), *ins;
    int rc;
    if (del == NULL || (rc = sql_done(s, del, e)) < 0)
        return e ? e->code : KWH_EDB;
    if ((ins = sql_prep(s, fill, e)) == NULL)
        return KWH_EDB;
    return sql_done(s, ins, e);
}

int store_sales_sum_rebuild(struct store *s, struct kwh_err *e)
{
    int rc = refill(s, "DELETE FROM sales_sum", SUM_REFILL("sales_sum", "hour", "3600"), e);
    if (rc < 0 || (rc = refill(s, "DELETE FROM sales_sum_day",
                               SUM_REFILL("sales_sum_day", "day", "86400"), e)) < 0)
        return rc;
    /* the UTC month of a time: the one statement written in each dialect */
    return refill(
        s, "DELETE FROM sales_sum_month",
        s->be->dialect == SQL_PG ? MONTH_REFILL(PG_MONTH_OF) : MONTH_REFILL(LITE_MONTH_OF), e);
}

/* --- events ------------------------------------------------------------------------------ */

#define EQ_WHERE                                                                                   \
    " FROM events ev JOIN customers c ON c.id = ev.customer_id JOIN operators o ON o.id = "        \
    "ev.operator_id LEFT JOIN card_ops op ON op.id = ev.op_id WHERE ev.kind = :kind AND "          \
    "ev.created >= :from AND ev.created < :to AND (ev.op_id IS NULL OR op.state = 1) AND "         \
    "(:opname IS NULL OR ev.operator_id IN (SELECT id FROM operators WHERE name = :opname))"       \
    " AND (:apath IS NULL OR c.area_id IN " AREA_IDS ")"                                           \
    " AND (:scope IS NULL OR c.area_id IN " SCOPE_IDS ")"

static void bind_event_q(sql_stmt *st, const struct store_event_q *q)
{
    sql_i64(st, ":kind", q->kind);
    sql_i64(st, ":from", q->from);
    sql_i64(st, ":to", q->to);
    bind_opt_text(st, ":opname", q->operator_name);
    bind_area_scope(st, q->area_path, q->scope_op);
}

int store_events_count(struct store *s, const struct store_event_q *q, int64_t *n,
                       struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "SELECT count(*)" EQ_WHERE, e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    bind_event_q(st, q);
    rc = sql_row(s, st, e);
    if (rc < 0)
        return rc;
    *n = sql_col_i64(st, 0);
    sql_reset(st);
    return 0;
}

static void rd_event(sql_stmt *st, void *row)
{
    struct store_event_row *r = row;
    memset(r, 0, sizeof *r);
    r->id = sql_col_i64(st, 0);
    r->kind = sql_col_int(st, 1);
    r->created = sql_col_i64(st, 2);
    r->customer_no = (uint32_t)sql_col_i64(st, 3);
    sql_col_text(st, 4, r->customer_name, sizeof r->customer_name);
    r->meter_no = (uint32_t)sql_col_i64(st, 5);
    sql_col_text(st, 6, r->operator_name, sizeof r->operator_name);
    r->fee_fen = sql_col_i64(st, 7);
    sql_col_text(st, 8, r->before, sizeof r->before);
    sql_col_text(st, 9, r->after, sizeof r->after);
}

int store_events_page(struct store *s, const struct store_event_q *q, int64_t limit, int64_t offset,
                      struct store_event_row **rows, size_t *n, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(
        s,
        "SELECT ev.id, ev.kind, ev.created, c.customer_no, c.name, c.meter_no, o.name, "
        "coalesce((SELECT sum(fee_fen) FROM sales WHERE op_id = ev.op_id AND state = 1), 0), "
        "ev.before, ev.after" EQ_WHERE " ORDER BY ev.created, ev.id LIMIT :limit OFFSET :offset",
        e);
    if (st == NULL)
        return KWH_EDB;
    bind_event_q(st, q);
    sql_i64(st, ":limit", limit);
    sql_i64(st, ":offset", offset);
    return sql_collect(s, st, sizeof **rows, rd_event, (void **)rows, n, e);
}

/* --- per area ------------------------------------------------------------------------------ */

int store_area_balances(struct store *s, int64_t now,
                        int (*fn)(void *ctx, int64_t area_id, int64_t tariff_id, int64_t price,
                                  int64_t accounts, int64_t balance_ckwh, int64_t arrears_fen),
                        void *ctx, struct kwh_err *e)
{
    sql_stmt *st =
        sql_prep(s,
                 "SELECT c.area_id, c.tariff_id, (SELECT price FROM tariff_prices WHERE id "
                 "= " SQL_PRICE_IN_FORCE(
                     "c.tariff_id") "), coalesce(sum(CASE WHEN c.status IN (1, 2) THEN 1 "
                                    "ELSE 0 END), 0), coalesce(sum(CASE WHEN c.status IN (1, 2) "
                                    "THEN c.balance_ckwh ELSE 0 "
                                    "END), 0), coalesce(sum(c.arrears_fen), 0) FROM customers c "
                                    "WHERE c.status IN (1, 2) OR "
                                    "c.arrears_fen <> 0 GROUP BY c.area_id, c.tariff_id",
                 e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":now", now);
    while ((rc = sql_row(s, st, e)) == 1)
        if ((rc = fn(ctx, sql_col_i64(st, 0), sql_col_i64(st, 1), sql_col_i64(st, 2),
                     sql_col_i64(st, 3), sql_col_i64(st, 4), sql_col_i64(st, 5))) != 0) {
            sql_reset(st);
            return rc;
        }
    return rc;
}

int store_area_sales(struct store *s, int64_t from, int64_t to, const char *opname,
                     int (*fn)(void *ctx, int64_t area_id, const struct store_sums *sums),
                     void *ctx, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT c.area_id, " SUMS " FROM sales s JOIN customers c ON c.id = "
                            "s.customer_id WHERE s.state = 1 AND s.created >= :from AND "
                            "s.created < :to AND (:opname IS NULL OR s.operator_id IN (SELECT id "
                            "FROM operators WHERE name = :opname)) GROUP BY c.area_id",
                            e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":from", from);
    sql_i64(st, ":to", to);
    bind_opt_text(st, ":opname", opname);
    while ((rc = sql_row(s, st, e)) == 1) {
        struct store_sums m = sums_at(st, 1);
        if ((rc = fn(ctx, sql_col_i64(st, 0), &m)) != 0) {
            sql_reset(st);
            return rc;
        }
    }
    return rc;
}

/* --- anomalies ------------------------------------------------------------------------ */

#define ANOM_COLS "c.customer_no, c.name, c.meter_no, COALESCE(c.area_id, 0), "
#define ANOM_WHERE_ACCOUNT                                                                         \
    " AND (:apath IS NULL OR c.area_id IN " AREA_IDS ")"                                           \
    " AND (:scope IS NULL OR c.area_id IN " SCOPE_IDS ")"

static const char anom_unloaded[] =
    "SELECT " ANOM_COLS "c.last_purchase, c.purchase_count, c.loaded_count, c.reported_at, 0 "
    "FROM customers c WHERE c.status = 1 AND c.purchase_count > c.loaded_count AND "
    "c.last_purchase > 0 AND c.last_purchase < :before" ANOM_WHERE_ACCOUNT
    " ORDER BY c.last_purchase, c.customer_no";

static const char anom_idle[] =
    "SELECT " ANOM_COLS "COALESCE(NULLIF(c.last_purchase, 0), c.opened), c.purchase_count, 0, "
    "0, 0 FROM customers c WHERE c.status = 1 AND COALESCE(NULLIF(c.last_purchase, 0), "
    "c.opened) < :before" ANOM_WHERE_ACCOUNT " ORDER BY 5, c.customer_no";

/* in the order the counter saw them, each meter report once (an old report seen again is
   a copy's, found by anom_copy) */
static const char anom_backwards[] =
    "SELECT c.customer_no, c.name, x.ret_meter, COALESCE(c.area_id, 0), x.seen, x.pu, x.ret_used, "
    "x.pb, x.ret_bought FROM (SELECT y.customer_id, y.ret_meter, y.seen, y.ret_used, "
    "y.ret_bought, LAG(y.ret_used) OVER w AS pu, LAG(y.ret_bought) OVER w AS pb FROM card_seen y "
    "WHERE y.ret_meter > 0 AND NOT EXISTS (SELECT 1 FROM card_seen o WHERE o.ret_meter = "
    "y.ret_meter AND o.ret_time = y.ret_time AND o.ret_used = y.ret_used AND o.ret_bought = "
    "y.ret_bought AND o.id < y.id) WINDOW w AS (PARTITION BY y.ret_meter ORDER BY y.id)) x "
    "JOIN customers c ON c.id = x.customer_id WHERE (x.ret_used < x.pu OR x.ret_bought < "
    "x.pb)" ANOM_WHERE_ACCOUNT " ORDER BY x.seen, c.customer_no";

static const char anom_copy[] =
    "SELECT " ANOM_COLS "x.seen, x.purchase_count, x.ppc, x.ret_time, x.prt FROM (SELECT "
    "customer_id, seen, purchase_count, generation, ret_time, LAG(purchase_count) OVER w AS ppc, "
    "LAG(ret_time) OVER w AS prt, LAG(generation) OVER w AS pg FROM card_seen WINDOW w AS "
    "(PARTITION BY serial ORDER BY id)) x JOIN customers c ON c.id = x.customer_id WHERE "
    "x.generation = x.pg AND (x.purchase_count < x.ppc OR (x.purchase_count = x.ppc AND "
    "x.ret_time < x.prt))" ANOM_WHERE_ACCOUNT " ORDER BY x.seen, c.customer_no";

static const char anom_usage[] =
    "SELECT " ANOM_COLS "max(x.seen), max(x.ret_used) - min(x.ret_used), count(*), 0, 0 FROM "
    "card_seen x JOIN customers c ON c.id = x.customer_id WHERE x.ret_meter = c.meter_no AND "
    "c.status = 1 AND x.seen >= :from AND x.seen < :to" ANOM_WHERE_ACCOUNT
    " GROUP BY c.customer_no, c.name, c.meter_no, c.area_id ORDER BY c.customer_no";

/* each read that saw fewer than 3 tries left: wrong PSCs were presented since the card's
   last right one (a right one restores 3) */
static const char anom_psc[] =
    "SELECT " ANOM_COLS "x.seen, x.psc_errors, x.purchase_count, 0, 0 FROM card_seen x JOIN "
    "customers c ON c.id = x.customer_id WHERE x.psc_errors >= 0 AND x.psc_errors < "
    "3" ANOM_WHERE_ACCOUNT " ORDER BY x.seen, c.customer_no";

static void rd_anomaly(sql_stmt *st, void *row)
{
    struct store_anomaly *r = row;
    r->customer_no = (uint32_t)sql_col_i64(st, 0);
    sql_col_text(st, 1, r->name, sizeof r->name);
    r->meter_no = (uint32_t)sql_col_i64(st, 2);
    r->area_id = sql_col_i64(st, 3);
    r->when = sql_col_i64(st, 4);
    r->a = sql_col_i64(st, 5);
    r->b = sql_col_i64(st, 6);
    r->c = sql_col_i64(st, 7);
    r->d = sql_col_i64(st, 8);
}

int store_anomalies(struct store *s, const struct store_anomaly_q *q, struct store_anomaly **rows,
                    size_t *n, struct kwh_err *e)
{
    static const char *const sql[] = {anom_unloaded, anom_idle,  anom_backwards,
                                      anom_copy,     anom_usage, anom_psc};
    sql_stmt *st;

    *rows = NULL;
    *n = 0;
    if (q->kind < 0 || q->kind > STORE_ANOM_PSC)
        return kwh_err_set(e, KWH_EINVAL, "no such anomaly report");
    if ((st = sql_prep(s, sql[q->kind], e)) == NULL)
        return KWH_EDB;
    if (q->kind == STORE_ANOM_UNLOADED || q->kind == STORE_ANOM_IDLE)
        sql_i64(st, ":before", q->before);
    if (q->kind == STORE_ANOM_USAGE) {
        sql_i64(st, ":from", q->from);
        sql_i64(st, ":to", q->to);
    }
    bind_area_scope(st, q->area_path, q->scope_op);
    return sql_collect(s, st, sizeof **rows, rd_anomaly, (void **)rows, n, e);
}
