/* SPDX-License-Identifier: Apache-2.0 */
/* The rounding rules (docs/units.md). Products stay far inside int64: energy is at
 * most 10^8 ckwh on a card and prices below 10^6, so e * p < 10^14. */
#include "kwhpos/units.h"

int64_t units_amount_for_energy(int64_t ckwh, int64_t price)
{
    int64_t p = ckwh * price;
    if (p >= 0)
        return (p + 5000) / 10000;
    return -((-p + 5000) / 10000);
}

int64_t units_energy_for_amount(int64_t fen, int64_t price)
{
    if (price <= 0)
        return 0;
    if (fen >= 0)
        return fen * 10000 / price;
    return -((-fen * 10000 + price - 1) / price);
}

int64_t units_amount_within(int64_t ckwh, int64_t price)
{
    /* floor(a * 10000 / price) <= ckwh  <=>  a * 10000 < (ckwh + 1) * price */
    if (ckwh < 0 || price <= 0)
        return 0;
    return ((ckwh + 1) * price - 1) / 10000;
}

int64_t units_refund_for_energy(int64_t ckwh, int64_t price)
{
    if (ckwh >= 0)
        return ckwh * price / 10000;
    return -((-ckwh * price + 9999) / 10000);
}
