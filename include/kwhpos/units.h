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

#endif
