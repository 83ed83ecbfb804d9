/* SPDX-License-Identifier: Apache-2.0 */
/* Writing only what changes, and checking it took. */
#include "kwhpos/carddev.h"

#include <stdbool.h>
#include <string.h>

static bool in_last(unsigned i, unsigned last_addr, unsigned last_len)
{
    return i >= last_addr && i - last_addr < last_len;
}

/* Writes the changed runs whose addresses are (phase 1) inside or (phase 0) outside the
 * last range, then reads the span they cover back and compares. */
static int update_phase(struct kwh_card_dev *dev, const uint8_t *have, const uint8_t *want,
                        unsigned last_addr, unsigned last_len, bool last,
                        struct carddev_update_stats *st, struct kwh_err *e)
{
    uint8_t back[KWH_CARD_SIZE];
    unsigned lo = KWH_CARD_SIZE, hi = 0;
    unsigned i = 0;
    int rc;

    while (i < KWH_CARD_SIZE) {
        unsigned j;

        if (have[i] == want[i] || in_last(i, last_addr, last_len) != last) {
            i++;
            continue;
        }
        j = i;
        while (j < KWH_CARD_SIZE && have[j] != want[j] && in_last(j, last_addr, last_len) == last)
            j++;
        if ((rc = dev->ops->write(dev->ctx, i, want + i, j - i, e)) < 0)
            return rc;
        st->runs++;
        st->bytes += j - i;
        if (i < lo)
            lo = i;
        hi = j;
        i = j;
    }
    if (lo >= hi)
        return 0;
    if ((rc = dev->ops->read(dev->ctx, lo, back + lo, hi - lo, e)) < 0)
        return rc;
    for (i = lo; i < hi; i++) {
        if (in_last(i, last_addr, last_len) != last || have[i] == want[i])
            continue;
        if (back[i] != want[i])
            return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_WRITE_FAILED,
                                "the card did not keep what was written at byte 0x%02X (wrote "
                                "0x%02X, reads 0x%02X): read the card again; if it keeps "
                                "failing the card is worn out",
                                i, want[i], back[i]);
    }
    return 0;
}

int carddev_update(struct kwh_card_dev *dev, const uint8_t have[KWH_CARD_SIZE],
                   const uint8_t want[KWH_CARD_SIZE], unsigned last_addr, unsigned last_len,
                   struct carddev_update_stats *stats, struct kwh_err *e)
{
    struct carddev_update_stats st = {0, 0};
    int rc;

    rc = update_phase(dev, have, want, last_addr, last_len, false, &st, e);
    if (rc == 0 && last_len > 0)
        rc = update_phase(dev, have, want, last_addr, last_len, true, &st, e);
    if (stats != NULL)
        *stats = st;
    return rc;
}

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

int carddev_psc_guard(int tries_left, int min_tries, struct kwh_err *e)
{
    if (tries_left <= 0)
        return carddev_locked(e);
    if (tries_left < min_tries)
        return kwh_err_setd(e, KWH_ECARD, KWH_DEV_PSC_RISK,
                            "the card has only %d PSC %s left (a wrong password was tried "
                            "on it, perhaps by another system); the PSC was not presented, "
                            "so the card cannot lock: put it in its own meter once (the "
                            "meter's right password restores the tries) and read it again",
                            tries_left, tries_left == 1 ? "try" : "tries");
    return 0;
}

int carddev_read_all(struct kwh_card_dev *dev, uint8_t img[KWH_CARD_SIZE], struct kwh_err *e)
{
    return dev->ops->read(dev->ctx, 0, img, KWH_CARD_SIZE, e);
}
