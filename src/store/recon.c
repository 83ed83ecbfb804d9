/* SPDX-License-Identifier: Apache-2.0 */
/* The ledger as a payment provider's statement is matched against it (对账), and the
 * 冲正 requests that wait for an administrator (the reversals table). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/util.h"
#include "store/sql.h"
#include "store/store.h"

/* The money a sale took, and whether a reversal took it back; the reversal's own
 * negative entry is left out (it carries no reference; its sale counts 0 instead). */
#define LEDGER_SELECT                                                                              \
    "SELECT s.id, coalesce(s.invoice_no, 0), s.created, c.customer_no, coalesce(s.pay_ref, ''), "  \
    "s.amount_fen + s.fee_fen + s.arrears_fen, CASE WHEN EXISTS (SELECT 1 FROM sales r WHERE "     \
    "r.reverses_id = s.id AND r.state = 1) THEN 1 ELSE 0 END FROM sales s JOIN customers c ON "    \
    "c.id = s.customer_id WHERE s.state = 1 AND s.pay_method = :pay AND NOT (s.kind = :rev AND "   \
    "s.amount_fen + s.fee_fen + s.arrears_fen < 0) AND (s.amount_fen <> 0 OR s.fee_fen <> 0 OR "   \
    "s.arrears_fen <> 0) "

static void rd_entry(sql_stmt *st, void *row)
{
    struct kwh_ledger_entry *l = row;
    memset(l, 0, sizeof *l);
    l->id = sql_col_i64(st, 0);
    l->invoice_no = sql_col_i64(st, 1);
    l->created = sql_col_i64(st, 2);
    l->customer_no = (uint32_t)sql_col_i64(st, 3);
    sql_col_text(st, 4, l->ref, sizeof l->ref);
    l->fen = sql_col_i64(st, 5);
    l->reversed = sql_col_i64(st, 6) != 0;
}

int store_recon_ledger(struct store *s, int pay, int64_t from, int64_t to,
                       struct kwh_ledger_entry **out, size_t *n, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(
        s, LEDGER_SELECT "AND s.created >= :from AND s.created < :to ORDER BY s.created, s.id", e);
    *out = NULL;
    *n = 0;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":pay", pay);
    sql_i64(st, ":rev", KWH_OP_REVERSAL);
    sql_i64(st, ":from", from);
    sql_i64(st, ":to", to);
    return sql_collect(s, st, sizeof **out, rd_entry, (void **)out, n, e);
}

int store_recon_ref(struct store *s, int pay, const char *ref, struct kwh_ledger_entry **out,
                    size_t *n, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, LEDGER_SELECT "AND s.pay_ref = :ref ORDER BY s.id", e);
    *out = NULL;
    *n = 0;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":pay", pay);
    sql_i64(st, ":rev", KWH_OP_REVERSAL);
    sql_text(st, ":ref", ref);
    return sql_collect(s, st, sizeof **out, rd_entry, (void **)out, n, e);
}

/* --- 冲正 requests ------------------------------------------------------------------ */

int store_revreq_insert(struct store *s, const struct kwh_reversal_request *r, int64_t *id,
                        struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "INSERT INTO reversals (sale_id, state, reason, pay_method, "
                            "amount_fen, pay_ref, requested_by, requested) VALUES (:sale, 0, "
                            ":reason, :pay, :amount, :ref, :by, :now) RETURNING id",
                            e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":sale", r->sale_id);
    sql_text(st, ":reason", r->reason);
    sql_i64(st, ":pay", r->correct ? r->pay_method : -1);
    sql_i64(st, ":amount", r->correct ? r->amount_fen : -1);
    if (r->correct)
        sql_text(st, ":ref", r->pay_ref);
    else
        sql_null_as(st, ":ref", SQL_TEXT);
    sql_i64(st, ":by", r->requested_by);
    sql_i64(st, ":now", r->requested);
    rc = sql_insert(s, st, id, e);
    if (rc == KWH_ECONFLICT)
        return kwh_err_set(e, rc,
                           "a reversal of invoice %lld is already waiting for an administrator "
                           "(kwhpos reverse list)",
                           (long long)r->invoice_no);
    return rc;
}

#define REQ_SELECT                                                                                 \
    "SELECT q.id, q.state, q.sale_id, coalesce(s.invoice_no, 0), c.customer_no, "                  \
    "coalesce(s.customer_name, c.name), s.amount_fen + s.fee_fen + s.arrears_fen, s.pay_method, "  \
    "q.reason, q.pay_method, coalesce(q.pay_ref, ''), q.amount_fen, q.requested_by, o.name, "      \
    "q.requested, coalesce(d.name, ''), q.decided, coalesce(r.invoice_no, 0), "                    \
    "CASE WHEN q.pay_ref IS NULL THEN 0 ELSE 1 END, c.area_id FROM reversals q JOIN sales s ON "   \
    "s.id = q.sale_id JOIN customers c ON c.id = s.customer_id JOIN operators o ON o.id = "        \
    "q.requested_by LEFT JOIN operators d ON d.id = q.decided_by LEFT JOIN sales r ON r.id = "     \
    "q.reversal_id "

static void rd_req(sql_stmt *st, void *row)
{
    struct kwh_reversal_request *r = row;
    memset(r, 0, sizeof *r);
    r->id = sql_col_i64(st, 0);
    r->state = sql_col_int(st, 1);
    r->sale_id = sql_col_i64(st, 2);
    r->invoice_no = sql_col_i64(st, 3);
    r->customer_no = (uint32_t)sql_col_i64(st, 4);
    sql_col_text(st, 5, r->customer_name, sizeof r->customer_name);
    r->sale_fen = sql_col_i64(st, 6);
    r->sale_pay = sql_col_int(st, 7);
    sql_col_text(st, 8, r->reason, sizeof r->reason);
    r->pay_method = sql_col_int(st, 9);
    sql_col_text(st, 10, r->pay_ref, sizeof r->pay_ref);
    r->amount_fen = sql_col_i64(st, 11);
    r->requested_by = sql_col_i64(st, 12);
    sql_col_text(st, 13, r->requester, sizeof r->requester);
    r->requested = sql_col_i64(st, 14);
    sql_col_text(st, 15, r->decider, sizeof r->decider);
    r->decided = sql_col_i64(st, 16);
    r->reversal_invoice = sql_col_i64(st, 17);
    r->correct = sql_col_i64(st, 18) != 0;
    r->area_id = sql_col_i64(st, 19);
}

int store_revreq_list(struct store *s, bool all, int64_t requested_by, int64_t scope_op,
                      struct kwh_reversal_request **out, size_t *n, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(
        s,
        REQ_SELECT "WHERE (:all = 1 OR q.state = 0) AND (:by = 0 OR "
                   "q.requested_by = :by) AND (:scope = 0 OR c.area_id IN " SQL_SCOPE_AREA_IDS
                   ") ORDER BY q.id",
        e);
    *out = NULL;
    *n = 0;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":all", all ? 1 : 0);
    sql_i64(st, ":by", requested_by);
    sql_i64(st, ":scope", scope_op);
    return sql_collect(s, st, sizeof **out, rd_req, (void **)out, n, e);
}

int store_revreq_get(struct store *s, int64_t id, struct kwh_reversal_request *out,
                     struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, REQ_SELECT "WHERE q.id = :id", e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    return sql_one(s, st, rd_req, out, KWH_N("no such reversal request (kwhpos reverse list)"), e);
}

int store_revreq_decide(struct store *s, int64_t id, int state, int64_t decided_by, int64_t now,
                        int64_t reversal_id, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "UPDATE reversals SET state = :state, decided_by = :by, decided = "
                            ":now, reversal_id = :rev WHERE id = :id AND state = 0",
                            e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":state", state);
    sql_i64(st, ":by", decided_by);
    sql_i64(st, ":now", now);
    if (reversal_id > 0)
        sql_i64(st, ":rev", reversal_id);
    else
        sql_null_as(st, ":rev", SQL_INT);
    sql_i64(st, ":id", id);
    if ((rc = sql_done(s, st, e)) < 0)
        return rc;
    if (sql_changes(s) != 1)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "reversal request %lld was decided meanwhile (kwhpos reverse list)",
                           (long long)id);
    return 0;
}
