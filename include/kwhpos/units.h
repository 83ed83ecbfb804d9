/* SPDX-License-Identifier: Apache-2.0 */
/* Money and energy arithmetic: the rounding rules, written once (docs/units.md).
 *
 *   money   fen (0.01 yuan)             int64_t
 *   price   0.0001 yuan per kWh         int64_t
 *   energy  0.01 kWh ("ckwh")           int64_t
 *
 * amount[fen] = energy[ckwh] * price / 10000, since
 * (e / 100 kWh) * (p / 10000 yuan/kWh) = e * p / 10^6 yuan = e * p / 10^4 fen. */
#ifndef KWHPOS_UNITS_H
#define KWHPOS_UNITS_H

#include <stdint.h>

#define UNITS_MAX_FEN 9999999999LL /* 99,999,999.99 yuan */
#define UNITS_MAX_CKWH 99999999LL  /* 999,999.99 kWh: what a card field holds */
#define UNITS_MAX_PRICE 999999LL   /* 99.9999 yuan/kWh */

/* Selling by energy: the charge, rounded half up to the fen. */
int64_t units_amount_for_energy(int64_t ckwh, int64_t price);

/* Selling by amount: the energy, rounded down to 0.01 kWh (never more energy than was
 * paid for). The customer pays the amount entered. */
int64_t units_energy_for_amount(int64_t fen, int64_t price);

/* The largest amount whose energy (units_energy_for_amount) is at most ckwh: the most
 * that can be sold by amount into that much room; 0 when there is none. */
int64_t units_amount_within(int64_t ckwh, int64_t price);

/* Refunding energy: a credit (ckwh > 0) is paid out rounded down to the fen; a debt
 * (ckwh < 0, overdraft used) is charged rounded up. Either way in the site's favour by
 * less than one fen. */
int64_t units_refund_for_energy(int64_t ckwh, int64_t price);

/* --- 阶梯电价: a purchase split across tiers -------------------------------------------
 *
 * The tiers' bounds count the kWh bought in the tariff's period (docs/units.md). A split
 * starts where the account stands (`used`: kWh bought in the period before this
 * purchase); `extra` (an account's extra first-tier allowance) raises every bound. */

struct kwh_tier;

#define UNITS_TIERS_MAX 5

struct units_split {
    int n;                          /* tiers the purchase reaches (1.. ) */
    int tier[UNITS_TIERS_MAX];      /* each part's tier number, 1-based */
    int64_t ckwh[UNITS_TIERS_MAX];  /* each part's energy */
    int64_t price[UNITS_TIERS_MAX]; /* its tier's price */
    int64_t fen[UNITS_TIERS_MAX];   /* its money */
    int64_t energy_ckwh;            /* the sum of ckwh */
    int64_t amount_fen;             /* the sum of fen: what the energy costs */
};

/* Selling ckwh by kWh across tiers: each part charged half up to the fen
 * (units_amount_for_energy); the amount is the sum of the parts. */
void units_tiers_for_energy(const struct kwh_tier *tiers, int ntiers, int64_t extra, int64_t used,
                            int64_t ckwh, struct units_split *out);

/* Selling by amount across tiers: as many 0.01 kWh as fen pays for at the exact tier
 * prices (the energy rounded down, as units_energy_for_amount). The customer pays the
 * amount entered: each part but the last is its exact cost rounded down to the fen, and
 * the last part takes what is left, so the parts add up to fen (the rest of a fen, less
 * than the price of 0.01 kWh, stays with the last part). */
void units_tiers_for_amount(const struct kwh_tier *tiers, int ntiers, int64_t extra, int64_t used,
                            int64_t fen, struct units_split *out);

/* Arrears recovered from a payment: a percentage (0..100) of the payment, rounded down
 * to the fen, never more than owed nor than `room` (the payment less the fees). */
int64_t units_recover_percent(int64_t payment_fen, int64_t percent, int64_t owed_fen,
                              int64_t room_fen);

/* Arrears recovered when the energy and fees (base_fen) are fixed and the payment is
 * what they cost plus the recovery (a sale by kWh): the most r with r <= percent% of
 * (base + r), rounded down, never more than owed. */
int64_t units_recover_percent_on_top(int64_t base_fen, int64_t percent, int64_t owed_fen);

#endif
