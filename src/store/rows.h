/* Inside src/store: the columns and readers of the records several files return. */
#ifndef KWHPOS_STORE_ROWS_H
#define KWHPOS_STORE_ROWS_H

#include <sqlite3.h>

#include "kwhpos/model.h"

#define CUST_COLS                                                                           \
    "c.id, c.customer_no, c.name, c.address, c.phone, c.meter_no, c.meter_type, c.rating_a, " \
    "c.current_limit_a, c.alarm_ckwh, c.overdraft_ckwh, c.hoard_ckwh, c.ct_ratio, "         \
    "c.tariff_id, t.name, c.status, c.card_serial, c.card_gen, c.purchase_count, "          \
    "c.loaded_count, c.balance_ckwh, c.reported_remaining_ckwh, c.reported_at, c.opened, "  \
    "c.closed, c.last_purchase, c.free_month, "                                             \
    "(SELECT price FROM tariff_prices WHERE tariff_id = c.tariff_id ORDER BY id DESC LIMIT 1)"
#define CUST_FROM " FROM customers c JOIN tariffs t ON t.id = c.tariff_id "

#define SALE_COLS                                                                           \
    "s.id, s.op_id, s.kind, s.state, s.customer_id, c.customer_no, c.name, s.meter_no, "     \
    "s.purchase_count, s.energy_ckwh, s.adjust_ckwh, s.free_ckwh, s.price, s.tariff_id, "   \
    "t.name, s.amount_fen, s.fee_fen, s.pay_method, s.by_amount, s.operator_id, o.name, "   \
    "s.created, s.invoice_no, s.replaces_id, s.reprints"
#define SALE_FROM                                                                           \
    " FROM sales s JOIN customers c ON c.id = s.customer_id JOIN tariffs t ON t.id = "      \
    "s.tariff_id JOIN operators o ON o.id = s.operator_id "

/* Fills a record from a row selected with CUST_COLS CUST_FROM. */
void store_row_customer(sqlite3_stmt *st, struct kwh_customer *c);
/* Fills a record from a row selected with SALE_COLS SALE_FROM. */
void store_row_sale(sqlite3_stmt *st, struct kwh_sale *v);

#endif
