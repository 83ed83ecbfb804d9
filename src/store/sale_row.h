/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/store: the columns of a sale as every sales query reads them. */
#ifndef KWHPOS_STORE_SALE_ROW_H
#define KWHPOS_STORE_SALE_ROW_H

#include "store/sql.h"

#include "store/sqlite_load.h"

#include "kwhpos/model.h"

#define SALE_COLS                                                                                  \
    "s.id, s.op_id, s.kind, s.state, s.customer_id, c.customer_no, "                               \
    "coalesce(s.customer_name, c.name), s.meter_no, s.purchase_count, s.energy_ckwh, "             \
    "s.adjust_ckwh, s.free_ckwh, s.price, s.tariff_id, coalesce(s.tariff_name, t.name), "          \
    "s.amount_fen, s.fee_fen, s.pay_method, s.by_amount, s.operator_id, o.name, s.created, "       \
    "s.invoice_no, s.replaces_id, s.reprints, s.printed, coalesce(s.customer_address, "            \
    "c.address), "                                                                                 \
    "coalesce(s.customer_phone, c.phone)"
#define SALE_FROM                                                                                  \
    " FROM sales s JOIN customers c ON c.id = s.customer_id JOIN tariffs t ON t.id = "             \
    "s.tariff_id JOIN operators o ON o.id = s.operator_id "

/* Fills the struct kwh_sale at row from a row selected with SALE_COLS SALE_FROM (an
 * sql_reader). */
void store_sale_row(sql_stmt *st, void *row);

#endif
