/* SPDX-License-Identifier: Apache-2.0 */
/* An invoice's values: struct kwh_receipt to print variables, the one mapping the
 * terminal UI, the command line and the tests share. Invoices are Chinese documents, so
 * the words printed here are Chinese whatever the screen's language. */
#include "kwhpos/print.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "kwhpos/model.h"
#include "kwhpos/util.h"

/* Invoices print the Chinese names of the model's tables (kwhpos/model.h). */
const char *print_sale_type(int kind)
{
    return model_op(kind)->zh;
}

static const char *zh_of(const struct kwh_name *t, size_t n, int id)
{
    const struct kwh_name *row = model_name(t, n, id);
    return row ? row->zh : "";
}

/* Sets var to v scaled by 10^decimals ("-12.34"). */
static int set_fixed(struct print_vars *vars, int var, int64_t v, int decimals, struct kwh_err *e)
{
    char buf[32];
    if (fixed_format(v, decimals, buf, sizeof buf) < 0)
        return kwh_err_set(e, KWH_EINVAL, "a value of the invoice cannot be formatted");
    return print_vars_set(vars, var, buf, e);
}

/* Sets var to the number v, zero-padded to 8 digits when pad (account, meter and
 * invoice numbers are printed as people quote them). */
static int set_number(struct print_vars *vars, int var, bool pad, int64_t v, struct kwh_err *e)
{
    char buf[32];
    if (pad)
        snprintf(buf, sizeof buf, "%08" PRId64, v);
    else
        snprintf(buf, sizeof buf, "%" PRId64, v);
    return print_vars_set(vars, var, buf, e);
}

int print_vars_from_receipt(struct print_vars *v, const struct kwh_receipt *r, int reprint,
                            struct kwh_err *e)
{
    const struct kwh_sale *s;
    time_t t;
    struct tm tm;
    int64_t total;
    int rc = 0;

    if (v == NULL || r == NULL)
        return kwh_err_set(e, KWH_EINVAL, "no invoice to print");
    s = &r->sale;
    if (s->fee_fen < 0 || s->amount_fen > INT64_MAX - s->fee_fen)
        return kwh_err_set(e, KWH_EINVAL, "the invoice's amount is out of range");
    total = s->amount_fen + s->fee_fen;
    t = (time_t)s->created;
    if (localtime_r(&t, &tm) == NULL)
        return kwh_err_set(e, KWH_EINVAL, "the invoice's time is out of range");

    if (rc == 0)
        rc = print_vars_set(v, PRINT_VAR_UNIT, r->unit_name, e);
    if (rc == 0)
        rc = print_vars_set(v, PRINT_VAR_UNIT_TEL, r->unit_phone, e);
    if (rc == 0)
        rc = print_vars_set(v, PRINT_VAR_SALE_TYPE, print_sale_type(s->kind), e);
    if (rc == 0)
        rc = set_number(v, PRINT_VAR_INVOICE_NO, true, s->invoice_no, e);
    if (rc == 0)
        rc = print_vars_set_time(v, &tm, e);
    if (rc == 0)
        rc = set_number(v, PRINT_VAR_CUSTOMER_NO, true, r->customer.customer_no, e);
    /* the customer as at the sale, empty fields included: an address given later is not
       the invoice's (a sale recorded before the sales kept these reads the account's,
       store/sale_row.h) */
    if (rc == 0)
        rc = print_vars_set(v, PRINT_VAR_CUSTOMER, s->customer_name, e);
    if (rc == 0)
        rc = print_vars_set(v, PRINT_VAR_ADDRESS, s->customer_address, e);
    if (rc == 0)
        rc = print_vars_set(v, PRINT_VAR_CUSTOMER_TEL, s->customer_phone, e);
    if (rc == 0)
        rc = set_number(v, PRINT_VAR_METER_NO, true, s->meter_no, e);
    if (rc == 0)
        rc = print_vars_set(v, PRINT_VAR_METER_TYPE,
                            zh_of(model_meter_types, KWH_METER_TYPES, r->customer.meter.meter_type),
                            e);
    if (rc == 0)
        rc = print_vars_set(v, PRINT_VAR_TARIFF, s->tariff_name, e);
    if (rc == 0)
        rc = set_fixed(v, PRINT_VAR_PRICE, s->price, 4, e);
    if (rc == 0)
        rc = set_fixed(v, PRINT_VAR_KWH, s->energy_ckwh, 2, e);
    if (rc == 0)
        rc = set_fixed(v, PRINT_VAR_ADJ_KWH, s->adjust_ckwh, 2, e);
    if (rc == 0)
        rc = set_fixed(v, PRINT_VAR_FREE_KWH, s->free_ckwh, 2, e);
    if (rc == 0)
        rc = print_vars_set_amount(v, total, e);
    if (rc == 0)
        rc = s->kind == KWH_OP_REISSUE ? set_fixed(v, PRINT_VAR_FEE, s->fee_fen, 2, e)
                                       : print_vars_set(v, PRINT_VAR_FEE, NULL, e);
    if (rc == 0)
        rc = set_number(v, PRINT_VAR_PURCHASES, false, s->purchase_count, e);
    if (rc == 0)
        rc = print_vars_set(v, PRINT_VAR_OPERATOR, s->operator_name, e);
    if (rc == 0)
        rc = print_vars_set(v, PRINT_VAR_PAYMENT, zh_of(model_pays, KWH_PAY_COUNT, s->pay_method),
                            e);
    if (rc == 0)
        rc = print_vars_set_reprint(v, reprint, e);
    return rc;
}
