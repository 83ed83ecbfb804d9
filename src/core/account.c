/* SPDX-License-Identifier: Apache-2.0 */
/* Finding an account. Its operations are plans: transfer.c, close.c, edit.c. */
#include <string.h>

#include "core/internal.h"
#include "kwhpos/oversight.h"
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

int account_lookup(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                   uint32_t meter_no, struct kwh_customer *out, struct kwh_err *e)
{
    int rc = account_find(c, customer_no, meter_no, out, e);
    if (rc < 0)
        return rc;
    if ((rc = scope_permit(c, s, out->area_id, e)) < 0)
        memset(out, 0, sizeof *out);
    return rc;
}
