/* SPDX-License-Identifier: Apache-2.0 */
/* Finding an account. Its operations are plans: transfer.c, close.c, edit.c. */
#include <string.h>

#include "core/internal.h"
#include "kwhpos/oversight.h"
#include "store/store.h"

int account_price_now(struct kwh_core *c, struct kwh_customer *cu, struct kwh_err *e)
{
    struct kwh_tariff t;
    int rc = store_tariff_get(c->db, cu->tariff_id, core_now(c), &t, e);
    if (rc == KWH_ENOTFOUND)
        return 0; /* a tariff deleted since: the account keeps the last price it had */
    if (rc < 0)
        return rc;
    cu->price = t.price;
    return 0;
}

/* rc of a lookup that filled out, with the price in force */
static int priced(struct kwh_core *c, int rc, struct kwh_customer *out, struct kwh_err *e)
{
    return rc < 0 ? rc : account_price_now(c, out, e);
}

int account_find(struct kwh_core *c, uint32_t customer_no, uint32_t meter_no,
                 struct kwh_customer *out, struct kwh_err *e)
{
    if (customer_no != 0)
        return priced(c, store_customer_by_no(c->db, customer_no, out, e), out, e);
    if (meter_no != 0)
        return priced(c, store_customer_by_meter(c->db, meter_no, out, e), out, e);
    return kwh_err_set(e, KWH_EINVAL, "enter a customer number or a meter number");
}

int account_find_number(struct kwh_core *c, uint32_t number, struct kwh_customer *out,
                        struct kwh_err *e)
{
    struct kwh_customer by_meter;
    struct kwh_err ignore;
    int rc, rm;

    if (number == 0)
        return kwh_err_set(e, KWH_EINVAL, "enter a customer number or a meter number");
    rc = store_customer_by_no(c->db, number, out, &ignore);
    if (rc < 0 && rc != KWH_ENOTFOUND)
        return account_find(c, number, 0, out, e); /* says what went wrong */
    rm = store_customer_by_meter(c->db, number, &by_meter, &ignore);
    if (rm < 0 && rm != KWH_ENOTFOUND)
        return account_find(c, 0, number, out, e);
    if (rc == 0 && rm == 0 && by_meter.id != out->id)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "%08u is the customer number of one account and the meter number of "
                           "another (customer %08u): read the card, or give the other number",
                           number, by_meter.customer_no);
    if (rc == 0)
        return account_price_now(c, out, e);
    if (rm == 0) {
        *out = by_meter;
        return account_price_now(c, out, e);
    }
    return kwh_err_set(e, KWH_ENOTFOUND,
                       "no account has the customer number or meter number %08u: check the "
                       "number, or read the customer's card",
                       number);
}

/* rc of a lookup that filled out, checked against the operator's areas */
static int in_scope(struct kwh_core *c, const struct kwh_session *s, int rc,
                    struct kwh_customer *out, struct kwh_err *e)
{
    if (rc < 0)
        return rc;
    if ((rc = scope_permit(c, s, out->area_id, e)) < 0)
        memset(out, 0, sizeof *out);
    return rc;
}

int account_lookup(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                   uint32_t meter_no, struct kwh_customer *out, struct kwh_err *e)
{
    return in_scope(c, s, account_find(c, customer_no, meter_no, out, e), out, e);
}

int account_lookup_number(struct kwh_core *c, const struct kwh_session *s, uint32_t number,
                          struct kwh_customer *out, struct kwh_err *e)
{
    return in_scope(c, s, account_find_number(c, number, out, e), out, e);
}
