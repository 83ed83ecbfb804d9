/* SPDX-License-Identifier: Apache-2.0 */
/* An invoice's values: struct kwh_receipt to print variables, the one mapping the
 * terminal UI, the command line and the tests share. Invoices are Chinese documents, so
 * the words printed here are Chinese whatever the screen's language. */
#include "kwhpos/print.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "kwhpos/card.h"
#include "kwhpos/util.h"

const char *print_sale_type(int kind)
{
    switch (kind) {
    case KWH_OP_OPEN: return "开户购电";
    case KWH_OP_SALE: return "日常售电";
    case KWH_OP_RESALE: return "重新售电";
    case KWH_OP_REISSUE: return "补卡售电";
    case KWH_OP_METER_CHANGE: return "换表购电";
    case KWH_OP_REFUND: return "退电";
    }
    return "";
}

static const char *pay_label(int pay)
{
    static const char *const labels[KWH_PAY_COUNT] = {"现金", "微信", "支付宝", "银行卡", "其他"};
    return pay >= 0 && pay < KWH_PAY_COUNT ? labels[pay] : "";
}

static const char *meter_type_label(int type)
{
    switch (type) {
    case KWH_METER_SINGLE: return "单相";
    case KWH_METER_THREE_CT: return "三相互感";
    case KWH_METER_THREE_DIRECT: return "三相直通";
    }
    return "";
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

/* What the sale recorded, else (a sale from before it recorded it) the account now. */
static const char *snap(const char *at_sale, const char *now)
{
    return at_sale[0] != '\0' ? at_sale : now;
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
    if (rc == 0)
        rc = print_vars_set(v, PRINT_VAR_CUSTOMER, snap(s->customer_name, r->customer.name), e);
    if (rc == 0)
        rc =
            print_vars_set(v, PRINT_VAR_ADDRESS, snap(s->customer_address, r->customer.address), e);
    if (rc == 0)
        rc = print_vars_set(v, PRINT_VAR_CUSTOMER_TEL, snap(s->customer_phone, r->customer.phone),
                            e);
    if (rc == 0)
        rc = set_number(v, PRINT_VAR_METER_NO, true, s->meter_no, e);
    if (rc == 0)
        rc = print_vars_set(v, PRINT_VAR_METER_TYPE, meter_type_label(r->customer.meter.meter_type),
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
        rc = print_vars_set(v, PRINT_VAR_PAYMENT, pay_label(s->pay_method), e);
    if (rc == 0)
        rc = print_vars_set_reprint(v, reprint, e);
    return rc;
}
