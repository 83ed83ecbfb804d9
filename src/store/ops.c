/* SPDX-License-Identifier: Apache-2.0 */
/* Card writes (card_ops) and money movements (sales). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/util.h"
#include "store/sale_row.h"
#include "store/sql.h"

#define OP_COLS                                                                                    \
    "id, kind, state, customer_id, card_serial, slot, old_image, new_image, operator_id, "         \
    "created, settled, meter_no, meter_type, rating_a, current_limit_a, alarm_ckwh, "              \
    "overdraft_ckwh, hoard_ckwh, ct_ratio, new_balance_ckwh, reissue_consumed, station"

static void read_op(sql_stmt *st, void *row)
{
    struct store_op *op = row;
    memset(op, 0, sizeof *op);
    op->id = sql_col_i64(st, 0);
    op->kind = sql_col_int(st, 1);
    op->state = sql_col_int(st, 2);
    op->customer_id = sql_col_i64(st, 3);
    sql_col_blob(st, 4, op->serial, sizeof op->serial);
    sql_col_blob(st, 5, op->slot, sizeof op->slot);
    sql_col_blob(st, 6, op->old_image, sizeof op->old_image);
    sql_col_blob(st, 7, op->new_image, sizeof op->new_image);
    op->operator_id = sql_col_i64(st, 8);
    op->created = sql_col_i64(st, 9);
    op->settled = sql_col_i64(st, 10);
    op->has_meter = !sql_col_null(st, 11);
    op->meter.meter_no = (uint32_t)sql_col_i64(st, 11);
    op->meter.meter_type = sql_col_int(st, 12);
    op->meter.rating_a = sql_col_int(st, 13);
    op->meter.current_limit_a = sql_col_int(st, 14);
    op->meter.alarm_ckwh = sql_col_i64(st, 15);
    op->meter.overdraft_ckwh = sql_col_i64(st, 16);
    op->meter.hoard_ckwh = sql_col_i64(st, 17);
    op->meter.ct_ratio = sql_col_int(st, 18);
    op->new_balance_ckwh = sql_col_i64(st, 19);
    op->reissue_consumed = sql_col_int(st, 20);
    sql_col_text(st, 21, op->station, sizeof op->station);
}

int store_op_insert(struct store *s, struct store_op *op, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(
        s,
        "INSERT INTO card_ops (kind, state, customer_id, card_serial, slot, old_image, "
        "new_image, operator_id, created, meter_no, meter_type, rating_a, current_limit_a, "
        "alarm_ckwh, overdraft_ckwh, hoard_ckwh, ct_ratio, new_balance_ckwh, reissue_consumed, "
        "station) "
        "VALUES (:kind, 0, :customer, :serial, :slot, :old, :new, :operator, :created, :meter_no, "
        ":meter_type, :rating, :limit, :alarm, :overdraft, :hoard, :ct, :balance, :consumed, "
        ":station) "
        "RETURNING id",
        e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":kind", op->kind);
    if (op->customer_id > 0)
        sql_i64(st, ":customer", op->customer_id);
    else
        sql_null(st, ":customer");
    sql_blob(st, ":serial", op->serial, CARD_SERIAL_LEN);
    sql_blob(st, ":slot", op->slot, CARD_RECORD_LEN);
    sql_blob(st, ":old", op->old_image, KWH_CARD_SIZE);
    sql_blob(st, ":new", op->new_image, KWH_CARD_SIZE);
    sql_i64(st, ":operator", op->operator_id);
    sql_i64(st, ":created", op->created);
    if (op->has_meter) {
        sql_i64(st, ":meter_no", op->meter.meter_no);
        sql_i64(st, ":meter_type", op->meter.meter_type);
        sql_i64(st, ":rating", op->meter.rating_a);
        sql_i64(st, ":limit", op->meter.current_limit_a);
        sql_i64(st, ":alarm", op->meter.alarm_ckwh);
        sql_i64(st, ":overdraft", op->meter.overdraft_ckwh);
        sql_i64(st, ":hoard", op->meter.hoard_ckwh);
        sql_i64(st, ":ct", op->meter.ct_ratio);
    }
    sql_i64(st, ":balance", op->new_balance_ckwh);
    sql_i64(st, ":consumed", op->reissue_consumed);
    sql_text(st, ":station", op->station);
    rc = sql_insert(s, st, &op->id, e);
    if (rc == 0)
        op->state = KWH_STATE_PENDING;
    return rc;
}

int store_op_get(struct store *s, int64_t id, struct store_op *out, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "SELECT " OP_COLS " FROM card_ops WHERE id = :id", e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    return sql_one(s, st, read_op, out, KWH_N("no such card write"), e);
}

int store_op_set_state(struct store *s, int64_t id, int state, int64_t now, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "UPDATE card_ops SET state = :state, settled = :now "
                            "WHERE id = :id AND state = 0",
                            e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":state", state);
    sql_i64(st, ":now", now);
    sql_i64(st, ":id", id);
    rc = sql_done(s, st, e);
    if (rc == 0 && sql_changes(s) != 1)
        return kwh_err_set(e, KWH_ECONFLICT, "card write #%lld was already settled", (long long)id);
    return rc;
}

int store_ops_pending_for_serial(struct store *s, const uint8_t serial[CARD_SERIAL_LEN],
                                 int64_t *ids, size_t max, size_t *n, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT id FROM card_ops WHERE card_serial = :serial "
                            "AND state = 0 ORDER BY id",
                            e);
    int rc;
    *n = 0;
    if (st == NULL)
        return KWH_EDB;
    sql_blob(st, ":serial", serial, CARD_SERIAL_LEN);
    while ((rc = sql_row(s, st, e)) == 1) {
        if (*n < max)
            ids[*n] = sql_col_i64(st, 0);
        (*n)++;
    }
    if (*n > max)
        *n = max;
    return rc;
}

int store_ops_pending_for_customer(struct store *s, int64_t customer_id, int64_t *ids, size_t max,
                                   size_t *n, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT id FROM card_ops WHERE customer_id = :id "
                            "AND state = 0 ORDER BY id",
                            e);
    int rc;
    *n = 0;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", customer_id);
    while ((rc = sql_row(s, st, e)) == 1) {
        if (*n < max)
            ids[*n] = sql_col_i64(st, 0);
        (*n)++;
    }
    return rc;
}

int store_ops_pending(struct store *s, int64_t *ids, size_t max, size_t *n, struct kwh_err *e)
{
    /* served by the partial index card_ops_pending */
    sql_stmt *st = sql_prep(s, "SELECT id FROM card_ops WHERE state = 0 ORDER BY id", e);
    int rc;
    *n = 0;
    if (st == NULL)
        return KWH_EDB;
    while ((rc = sql_row(s, st, e)) == 1) {
        if (*n < max)
            ids[*n] = sql_col_i64(st, 0);
        (*n)++;
    }
    return rc;
}

/* card_ops.not_written: 0 nothing known, NOT_WRITTEN known not written, TOUCHED the card
 * may hold it */
#define MARK_NOT_WRITTEN 1
#define MARK_TOUCHED 2

static int op_mark(struct store *s, int64_t id, int mark, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "UPDATE card_ops SET not_written = :mark WHERE id = :id AND "
                            "state = 0",
                            e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":mark", mark);
    sql_i64(st, ":id", id);
    return sql_done(s, st, e);
}

static int op_marked(struct store *s, int64_t id, int mark, bool *out, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT CASE WHEN not_written = :mark THEN 1 ELSE 0 END "
                            "FROM card_ops WHERE id = :id",
                            e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":mark", mark);
    sql_i64(st, ":id", id);
    return sql_flag(s, st, out, e);
}

int store_op_mark_not_written(struct store *s, int64_t id, struct kwh_err *e)
{
    return op_mark(s, id, MARK_NOT_WRITTEN, e);
}

int store_op_not_written(struct store *s, int64_t id, bool *out, struct kwh_err *e)
{
    return op_marked(s, id, MARK_NOT_WRITTEN, out, e);
}

int store_op_mark_card_touched(struct store *s, int64_t id, struct kwh_err *e)
{
    return op_mark(s, id, MARK_TOUCHED, e);
}

int store_op_card_touched(struct store *s, int64_t id, bool *out, struct kwh_err *e)
{
    return op_marked(s, id, MARK_TOUCHED, out, e);
}

int store_ops_any_pending(struct store *s, bool *any, struct kwh_err *e)
{
    /* served by the partial index card_ops_pending */
    sql_stmt *st = sql_prep(s, "SELECT EXISTS (SELECT 1 FROM card_ops WHERE state = 0)", e);
    if (st == NULL)
        return KWH_EDB;
    return sql_flag(s, st, any, e);
}

int store_op_last_done_for_customer(struct store *s, int64_t customer_id, struct store_op *out,
                                    struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT " OP_COLS " FROM card_ops WHERE customer_id = :id "
                            "AND state = 1 ORDER BY id DESC LIMIT 1",
                            e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", customer_id);
    return sql_one(s, st, read_op, out, KWH_N("no card was ever written for this account"), e);
}

void store_sale_row(sql_stmt *st, void *row)
{
    struct kwh_sale *v = row;
    memset(v, 0, sizeof *v);
    v->id = sql_col_i64(st, 0);
    v->op_id = sql_col_i64(st, 1);
    v->kind = sql_col_int(st, 2);
    v->state = sql_col_int(st, 3);
    v->customer_id = sql_col_i64(st, 4);
    v->customer_no = (uint32_t)sql_col_i64(st, 5);
    sql_col_text(st, 6, v->customer_name, sizeof v->customer_name);
    v->meter_no = (uint32_t)sql_col_i64(st, 7);
    v->purchase_count = sql_col_int(st, 8);
    v->energy_ckwh = sql_col_i64(st, 9);
    v->adjust_ckwh = sql_col_i64(st, 10);
    v->free_ckwh = sql_col_i64(st, 11);
    v->price = sql_col_i64(st, 12);
    v->tariff_id = sql_col_i64(st, 13);
    sql_col_text(st, 14, v->tariff_name, sizeof v->tariff_name);
    v->amount_fen = sql_col_i64(st, 15);
    v->fee_fen = sql_col_i64(st, 16);
    v->pay_method = sql_col_int(st, 17);
    v->by_amount = sql_col_int(st, 18) != 0;
    v->operator_id = sql_col_i64(st, 19);
    sql_col_text(st, 20, v->operator_name, sizeof v->operator_name);
    v->created = sql_col_i64(st, 21);
    v->invoice_no = sql_col_i64(st, 22);
    v->replaces_id = sql_col_i64(st, 23);
    v->reprints = sql_col_int(st, 24);
    v->printed = sql_col_i64(st, 25);
    sql_col_text(st, 26, v->customer_address, sizeof v->customer_address);
    sql_col_text(st, 27, v->customer_phone, sizeof v->customer_phone);
    v->arrears_fen = sql_col_i64(st, 28);
    if (!sql_col_null(st, 29))
        sql_col_text(st, 29, v->pay_ref, sizeof v->pay_ref);
    v->reverses_id = sql_col_i64(st, 30);
    v->period_start = sql_col_int(st, 31);
    v->fee_month = sql_col_int(st, 32);
}

static void rd_item(sql_stmt *st, void *row)
{
    struct kwh_sale_item *it = row;
    memset(it, 0, sizeof *it);
    it->item = sql_col_int(st, 0);
    it->ref = sql_col_i64(st, 1);
    sql_col_text(st, 2, it->name, sizeof it->name);
    it->ckwh = sql_col_i64(st, 3);
    it->price = sql_col_i64(st, 4);
    it->fen = sql_col_i64(st, 5);
}

int store_sale_items_get(struct store *s, struct kwh_sale *sale, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT item, ref, name, ckwh, price, fen FROM sale_items WHERE "
                            "sale_id = :id ORDER BY seq",
                            e);
    int rc;
    sale->nitems = 0;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", sale->id);
    while ((rc = sql_row(s, st, e)) == 1)
        if (sale->nitems < KWH_ITEMS_MAX)
            rd_item(st, &sale->items[sale->nitems++]);
    return rc;
}

static int insert_items(struct store *s, const struct kwh_sale *v, struct kwh_err *e)
{
    for (size_t i = 0; i < v->nitems; i++) {
        const struct kwh_sale_item *it = &v->items[i];
        sql_stmt *st = sql_prep(s,
                                "INSERT INTO sale_items (sale_id, seq, item, ref, name, ckwh, "
                                "price, fen) VALUES (:sale, :seq, :item, :ref, :name, :ckwh, "
                                ":price, :fen) RETURNING id",
                                e);
        int64_t id;
        int rc;
        if (st == NULL)
            return KWH_EDB;
        sql_i64(st, ":sale", v->id);
        sql_i64(st, ":seq", (int64_t)i + 1);
        sql_i64(st, ":item", it->item);
        sql_i64(st, ":ref", it->ref);
        sql_text(st, ":name", it->name);
        sql_i64(st, ":ckwh", it->ckwh);
        sql_i64(st, ":price", it->price);
        sql_i64(st, ":fen", it->fen);
        if ((rc = sql_insert(s, st, &id, e)) < 0)
            return rc;
    }
    return 0;
}

int store_sale_insert(struct store *s, struct kwh_sale *v, struct kwh_err *e)
{
    int rc;
    sql_stmt *st = sql_prep(
        s,
        "INSERT INTO sales (op_id, kind, state, customer_id, meter_no, purchase_count, "
        "energy_ckwh, adjust_ckwh, free_ckwh, price, tariff_id, amount_fen, fee_fen, "
        "pay_method, by_amount, operator_id, created, settled, replaces_id, customer_name, "
        "customer_address, customer_phone, tariff_name, arrears_fen, pay_ref, reverses_id, "
        "period_start, fee_month) VALUES (:op, :kind, :state, :customer, "
        ":meter, :count, :energy, :adjust, :free, :price, :tariff, :amount, :fee, :pay, "
        ":by_amount, :operator, :created, :settled, :replaces, :name, :address, :phone, "
        ":tariff_name, :arrears, :pay_ref, :reverses, :period_start, :fee_month) RETURNING id",
        e);
    if (st == NULL)
        return KWH_EDB;
    if (v->op_id > 0)
        sql_i64(st, ":op", v->op_id);
    else
        sql_null(st, ":op");
    sql_i64(st, ":kind", v->kind);
    sql_i64(st, ":state", v->state);
    sql_i64(st, ":customer", v->customer_id);
    sql_i64(st, ":meter", v->meter_no);
    sql_i64(st, ":count", v->purchase_count);
    sql_i64(st, ":energy", v->energy_ckwh);
    sql_i64(st, ":adjust", v->adjust_ckwh);
    sql_i64(st, ":free", v->free_ckwh);
    sql_i64(st, ":price", v->price);
    sql_i64(st, ":tariff", v->tariff_id);
    sql_i64(st, ":amount", v->amount_fen);
    sql_i64(st, ":fee", v->fee_fen);
    sql_i64(st, ":pay", v->pay_method);
    sql_i64(st, ":by_amount", v->by_amount);
    sql_i64(st, ":operator", v->operator_id);
    sql_i64(st, ":created", v->created);
    sql_i64(st, ":settled", v->state == KWH_STATE_PENDING ? 0 : v->created);
    if (v->replaces_id > 0)
        sql_i64(st, ":replaces", v->replaces_id);
    else
        sql_null(st, ":replaces");
    sql_text(st, ":name", v->customer_name);
    sql_text(st, ":address", v->customer_address);
    sql_text(st, ":phone", v->customer_phone);
    sql_text(st, ":tariff_name", v->tariff_name);
    sql_i64(st, ":arrears", v->arrears_fen);
    if (v->pay_ref[0] != '\0')
        sql_text(st, ":pay_ref", v->pay_ref);
    else
        sql_null_as(st, ":pay_ref", SQL_TEXT);
    if (v->reverses_id > 0)
        sql_i64(st, ":reverses", v->reverses_id);
    else
        sql_null_as(st, ":reverses", SQL_INT);
    sql_i64(st, ":period_start", v->period_start);
    sql_i64(st, ":fee_month", v->fee_month);
    if ((rc = sql_insert(s, st, &v->id, e)) < 0)
        return rc;
    return insert_items(s, v, e);
}

int store_sale_get(struct store *s, int64_t id, struct kwh_sale *out, struct kwh_err *e)
{
    int rc;
    sql_stmt *st = sql_prep(s, "SELECT " SALE_COLS SALE_FROM "WHERE s.id = :id", e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    if ((rc = sql_one(s, st, store_sale_row, out, KWH_N("no such sale"), e)) < 0)
        return rc;
    return store_sale_items_get(s, out, e);
}

int store_sales_for_op(struct store *s, int64_t op_id, struct kwh_sale *out, size_t max, size_t *n,
                       struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT " SALE_COLS SALE_FROM "WHERE s.op_id = :op "
                            "ORDER BY s.id",
                            e);
    int rc;
    *n = 0;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":op", op_id);
    while ((rc = sql_row(s, st, e)) == 1) {
        if (*n < max)
            store_sale_row(st, &out[*n]);
        (*n)++;
    }
    if (*n > max)
        *n = max;
    for (size_t i = 0; rc == 0 && i < *n; i++)
        rc = store_sale_items_get(s, &out[i], e);
    return rc;
}

int store_sale_settle(struct store *s, int64_t id, int state, int64_t now, struct kwh_err *e)
{
    sql_stmt *st;
    int rc;

    if (state == KWH_STATE_DONE) {
        st = sql_prep(s,
                      "UPDATE sales SET state = 1, settled = :now, invoice_no = "
                      "(SELECT coalesce(max(invoice_no), 0) + 1 FROM sales) "
                      "WHERE id = :id AND state = 0",
                      e);
    } else {
        st = sql_prep(s,
                      "UPDATE sales SET state = :state, settled = :now WHERE id = :id "
                      "AND state IN (0, 1)",
                      e);
        if (st != NULL)
            sql_i64(st, ":state", state);
    }
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":now", now);
    sql_i64(st, ":id", id);
    rc = sql_done(s, st, e);
    if (rc == 0 && sql_changes(s) != 1)
        return kwh_err_set(e, KWH_ECONFLICT, "sale #%lld cannot change to %s", (long long)id,
                           kwh_trc("state", model_state_name(state)));
    return rc;
}

int store_sale_last_of_kinds(struct store *s, int64_t customer_id, int64_t kinds, int64_t before_id,
                             struct kwh_sale *out, struct kwh_err *e)
{
    int rc;
    sql_stmt *st =
        sql_prep(s,
                 "SELECT " SALE_COLS SALE_FROM "WHERE s.customer_id = :id AND s.state = 1 "
                 "AND ((1 << s.kind) & :kinds) <> 0 AND s.id < :before "
                 "ORDER BY s.id DESC LIMIT 1",
                 e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", customer_id);
    sql_i64(st, ":kinds", kinds);
    sql_i64(st, ":before", before_id);
    if ((rc = sql_one(s, st, store_sale_row, out, KWH_N("the account has no purchase yet"), e)) < 0)
        return rc;
    return store_sale_items_get(s, out, e);
}

int store_sales_pending(struct store *s, struct kwh_sale **out, size_t *n, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT " SALE_COLS SALE_FROM "WHERE s.state = 0 "
                            "ORDER BY s.id",
                            e);
    if (st == NULL)
        return KWH_EDB;
    return sql_collect(s, st, sizeof **out, store_sale_row, (void **)out, n, e);
}

int store_sale_by_ref(struct store *s, int pay, const char *ref, int64_t except,
                      struct kwh_sale *out, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT " SALE_COLS SALE_FROM "WHERE s.pay_ref = :ref AND "
                            "s.pay_method = :pay AND s.state IN (0, 1) AND s.id <> :except "
                            "AND s.reverses_id IS NULL ORDER BY s.id LIMIT 1",
                            e);
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":ref", ref);
    sql_i64(st, ":pay", pay);
    sql_i64(st, ":except", except);
    return sql_one(s, st, store_sale_row, out, KWH_N("no sale with this reference"), e);
}

struct reversed_row {
    int64_t n, amount_fen, first_invoice;
};

static void rd_reversed(sql_stmt *st, void *row)
{
    struct reversed_row *r = row;
    r->n = sql_col_i64(st, 0);
    r->amount_fen = sql_col_i64(st, 1);
    r->first_invoice = sql_col_i64(st, 2);
}

int store_sale_reversed(struct store *s, int64_t sale_id, int64_t *n, int64_t *amount_fen,
                        int64_t *invoice_no, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT count(*), coalesce(sum(amount_fen), 0), "
                            "coalesce(min(invoice_no), 0) FROM sales WHERE reverses_id = :id "
                            "AND state = 1",
                            e);
    struct reversed_row r = {0, 0, 0};
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", sale_id);
    if ((rc = sql_one(s, st, rd_reversed, &r, NULL, e)) < 0 && rc != KWH_ENOTFOUND)
        return rc;
    *n = r.n;
    *amount_fen = r.amount_fen;
    if (invoice_no != NULL)
        *invoice_no = r.first_invoice;
    return 0;
}
