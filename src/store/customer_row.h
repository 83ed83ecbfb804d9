/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/store: the columns of an account as every accounts query reads them. */
#ifndef KWHPOS_STORE_CUSTOMER_ROW_H
#define KWHPOS_STORE_CUSTOMER_ROW_H

#include "store/sql.h"

#include "store/sqlite_load.h"

#include "kwhpos/model.h"

#define CUST_COLS                                                                                  \
    "c.id, c.customer_no, c.name, c.address, c.phone, c.meter_no, c.meter_type, c.rating_a, "      \
    "c.current_limit_a, c.alarm_ckwh, c.overdraft_ckwh, c.hoard_ckwh, c.ct_ratio, "                \
    "c.tariff_id, t.name, c.status, c.card_serial, c.card_gen, c.purchase_count, "                 \
    "c.loaded_count, c.balance_ckwh, c.reported_remaining_ckwh, c.reported_at, c.opened, "         \
    "c.closed, c.last_purchase, c.free_month, "                                                    \
    "(SELECT price FROM tariff_prices WHERE tariff_id = c.tariff_id ORDER BY id DESC LIMIT 1), "   \
    "c.period_start, c.period_ckwh, c.tier_extra_ckwh, c.arrears_fen, c.fee_month, "               \
    "c.recovery_mode, c.recovery_value, c.area_id"
#define CUST_FROM " FROM customers c JOIN tariffs t ON t.id = c.tariff_id "

/* Fills the struct kwh_customer at row from a row selected with CUST_COLS CUST_FROM
 * (an sql_reader). */
void store_customer_row(sql_stmt *st, void *row);

#endif
