/* SPDX-License-Identifier: Apache-2.0 */
/* What both card drivers say the same way (kwhpos/carddev.h). */
#include "kwhpos/carddev.h"

int carddev_check_range(unsigned addr, size_t len, struct kwh_err *e)
{
    if (len == 0 || addr >= KWH_CARD_SIZE || len > KWH_CARD_SIZE - addr)
        return kwh_err_setd(e, KWH_EINVAL, KWH_DEV_NONE,
                            "card address range %u+%zu is outside the 256-byte card", addr, len);
    return 0;
}

int carddev_locked(struct kwh_err *e)
{
    return kwh_err_setd(e, KWH_ECARD, KWH_DEV_LOCKED,
                        "the card is locked (three wrong PSC presentations): it cannot be "
                        "written any more; issue a new card");
}
