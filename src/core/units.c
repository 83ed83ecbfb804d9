/* SPDX-License-Identifier: Apache-2.0 */
/* The rounding rules (docs/units.md). Products stay far inside int64: energy is at
 * most 10^8 ckwh on a card and prices below 10^6, so e * p < 10^14. */
#include "kwhpos/units.h"

#include <string.h>

#include "kwhpos/model.h"

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

/* The room left in tier i (0-based) for an account that has bought `used` this period;
 * -1: no bound. */
static int64_t tier_room(const struct kwh_tier *tiers, int ntiers, int i, int64_t extra,
                         int64_t used)
{
    int64_t lo = i == 0 ? 0 : tiers[i - 1].upto_ckwh + extra;
    int64_t hi = tiers[i].upto_ckwh + extra;

    if (i == ntiers - 1 || tiers[i].upto_ckwh == 0)
        return -1; /* the last tier has no bound */
    if (used >= hi)
        return 0;
    return used > lo ? hi - used : hi - lo;
}

static void split_add(struct units_split *out, int tier, int64_t ckwh, int64_t price)
{
    if (ckwh <= 0 || out->n >= UNITS_TIERS_MAX)
        return;
    out->tier[out->n] = tier;
    out->ckwh[out->n] = ckwh;
    out->price[out->n] = price;
    out->fen[out->n] = units_amount_for_energy(ckwh, price);
    out->energy_ckwh += ckwh;
    out->amount_fen += out->fen[out->n];
    out->n++;
}

void units_tiers_for_energy(const struct kwh_tier *tiers, int ntiers, int64_t extra, int64_t used,
                            int64_t ckwh, struct units_split *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < ntiers && ckwh > 0; i++) {
        int64_t room = tier_room(tiers, ntiers, i, extra, used);
        int64_t take = room < 0 || room > ckwh ? ckwh : room;
        if (take <= 0)
            continue;
        split_add(out, i + 1, take, tiers[i].price);
        ckwh -= take;
        used += take;
    }
}

void units_tiers_for_amount(const struct kwh_tier *tiers, int ntiers, int64_t extra, int64_t used,
                            int64_t fen, struct units_split *out)
{
    /* money in 0.0001 fen: a tier's exact cost is ckwh * price */
    int64_t left = fen * 10000, others = 0;

    memset(out, 0, sizeof *out);
    for (int i = 0; i < ntiers; i++) {
        int64_t room = tier_room(tiers, ntiers, i, extra, used);
        int64_t take;
        if (room == 0)
            continue; /* a tier the account is already past */
        take = left / tiers[i].price;
        if (take == 0)
            break; /* not 0.01 kWh more in the tier it stands in */
        if (room > 0 && take > room)
            take = room;
        split_add(out, i + 1, take, tiers[i].price);
        left -= take * tiers[i].price;
        used += take;
    }
    if (out->n == 0)
        return;
    /* the parts add up to the payment: each but the last at its exact cost rounded down,
       the last takes the rest (its own cost and the rest of a fen) */
    for (int i = 0; i < out->n - 1; i++) {
        out->fen[i] = out->ckwh[i] * out->price[i] / 10000;
        others += out->fen[i];
    }
    out->fen[out->n - 1] = fen - others;
    out->amount_fen = fen;
}

int64_t units_recover_percent(int64_t payment_fen, int64_t percent, int64_t owed_fen,
                              int64_t room_fen)
{
    int64_t r = payment_fen * percent / 100;
    if (r > owed_fen)
        r = owed_fen;
    if (r > room_fen)
        r = room_fen;
    return r > 0 ? r : 0;
}

int64_t units_recover_percent_on_top(int64_t base_fen, int64_t percent, int64_t owed_fen)
{
    int64_t r;
    if (percent >= 100)
        r = owed_fen;
    else
        r = base_fen * percent / (100 - percent);
    if (r > owed_fen)
        r = owed_fen;
    return r > 0 ? r : 0;
}
