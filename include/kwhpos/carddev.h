/* SPDX-License-Identifier: Apache-2.0 */
/* Card-device helpers that work over any struct kwh_card_dev. */
#ifndef KWHPOS_CARDDEV_H
#define KWHPOS_CARDDEV_H

#include <stddef.h>
#include <stdint.h>

#include "kwhpos/cardio.h"

/* What carddev_update() did. */
struct carddev_update_stats {
    unsigned runs;  /* write requests sent */
    unsigned bytes; /* card bytes written */
};

/* Writes into the card the bytes of want that differ from have (the card's current
 * content), one write per run of changed bytes, in address order, except the bytes in
 * [last_addr, last_addr + last_len), which go last, once everything else has been read
 * back and found right (a commit byte). Each phase is read back and compared; a
 * difference is KWH_EDEVICE/KWH_DEV_WRITE_FAILED. last_len may be 0. A PSC must have
 * been presented. stats may be NULL. */
int carddev_update(struct kwh_card_dev *dev, const uint8_t have[KWH_CARD_SIZE],
                   const uint8_t want[KWH_CARD_SIZE], unsigned last_addr, unsigned last_len,
                   struct carddev_update_stats *stats, struct kwh_err *e);

/* Whether a PSC may be presented to a card with tries_left tries: 0, or KWH_ECARD with
 * KWH_DEV_LOCKED (none left) or KWH_DEV_PSC_RISK (fewer than min_tries: the last try is
 * never spent), saying what to do. The drivers call it between reading the error
 * counter and presenting. */
int carddev_psc_guard(int tries_left, int min_tries, struct kwh_err *e);

/* 0 when [addr, addr + len) is a non-empty range of the card, else KWH_EINVAL. */
int carddev_check_range(unsigned addr, size_t len, struct kwh_err *e);

/* The error for a card with no PSC tries left. */
int carddev_locked(struct kwh_err *e);

/* Reads the whole card into img. */
int carddev_read_all(struct kwh_card_dev *dev, uint8_t img[KWH_CARD_SIZE], struct kwh_err *e);

#endif
