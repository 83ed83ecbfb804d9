/* SPDX-License-Identifier: Apache-2.0 */
/* Finding an account. Its operations are plans: transfer.c, close.c, edit.c. */
#include "core/internal.h"
#include "store/store.h"

int account_find(struct kwh_core *c, uint32_t customer_no, uint32_t meter_no,
                 struct kwh_customer *out, struct kwh_err *e)
{
    if (customer_no != 0)
        return store_customer_by_no(c->db, customer_no, out, e);
    if (meter_no != 0)
        return store_customer_by_meter(c->db, meter_no, out, e);
    return kwh_err_set(e, KWH_EINVAL, "enter a customer number or a meter number");
}
