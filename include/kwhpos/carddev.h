/* SPDX-License-Identifier: Apache-2.0 */
/* What both card drivers (src/card/reader.c, src/card/pcsc.c) say the same way. */
#ifndef KWHPOS_CARDDEV_H
#define KWHPOS_CARDDEV_H

#include <stddef.h>

#include "kwhpos/cardio.h"

/* 0 when [addr, addr + len) is a non-empty range of the card, else KWH_EINVAL. */
int carddev_check_range(unsigned addr, size_t len, struct kwh_err *e);

/* The error for a card with no PSC tries left. */
int carddev_locked(struct kwh_err *e);

#endif
