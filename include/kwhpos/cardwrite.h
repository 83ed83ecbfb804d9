/* SPDX-License-Identifier: Apache-2.0 */
/* The card writer: the one way anything writes a card (the program through its core,
 * the test tools directly), over any card device (kwhpos/cardio.h).
 *
 * It reads the card whole, and writes a new image over an old one in the order the
 * card's layout gives (kwhpos/cardprofile.h), the order that keeps every interruption
 * recoverable: before the layout's commit point the old record is in force, from it on
 * the card's record says which one won (docs/card-format.md).
 *
 * Only bytes that change are written, and only they are read back. The PSC error counter
 * is asked once per write, and a PSC is presented only when the writer is sure of it and
 * enough tries are left (min_tries): a card never locks because of this program. */
#ifndef KWHPOS_CARDWRITE_H
#define KWHPOS_CARDWRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "kwhpos/cardio.h"
#include "kwhpos/cardprofile.h"
#include "kwhpos/err.h"

/* How a write ended. */
enum cardwrite_outcome {
    CARDWRITE_WRITTEN,     /* the card holds the new image, verified */
    CARDWRITE_NOT_WRITTEN, /* the commit point was never reached: the old content is in force */
    CARDWRITE_UNKNOWN,     /* the card went away at or after the commit point */
};

/* What a write sent, for measurements and tests. */
struct cardwrite_stats {
    unsigned runs;  /* write requests */
    unsigned bytes; /* card bytes written */
    unsigned reads; /* read requests (the read-back) */
};

/* Progress for a progress line: phase is "read", "write" or "verify". */
typedef void (*cardwrite_progress_fn)(void *ctx, const char *phase, int done, int total);

struct cardwrite {
    struct kwh_card_dev *dev;           /* borrowed */
    const struct card_profile *profile; /* the card's layout, borrowed */
    const uint8_t *site_psc;            /* the site's PSC (KWH_PSC_LEN bytes), borrowed */
    int min_tries;                      /* never present a PSC with fewer tries left (default 2) */
    cardwrite_progress_fn progress;     /* may be NULL */
    void *progress_ctx;
    struct cardwrite_stats stats; /* of the last write or repair */
};

/* A writer over dev for cards of layout profile of a site whose PSC is site_psc (all
 * borrowed). */
void cardwrite_init(struct cardwrite *w, struct kwh_card_dev *dev,
                    const struct card_profile *profile, const uint8_t *site_psc);

/* Reads the whole card, powering it first (a new session: no PSC presented). */
int cardwrite_read(struct cardwrite *w, uint8_t img[KWH_CARD_SIZE], struct kwh_err *e);
/* Reads the whole card again in the session of the last read when the card is still
 * powered, as before a write of a card read earlier; otherwise as cardwrite_read. */
int cardwrite_reread(struct cardwrite *w, uint8_t img[KWH_CARD_SIZE], struct kwh_err *e);

/* Writes new_img over old, which must be what the card holds now (read in this power
 * session). Returns 0 with CARDWRITE_WRITTEN, or an error with *outcome saying what the
 * card can hold. */
int cardwrite_write(struct cardwrite *w, const uint8_t old[KWH_CARD_SIZE],
                    const uint8_t new_img[KWH_CARD_SIZE], enum cardwrite_outcome *outcome,
                    struct kwh_err *e);

/* Puts back old's bytes over a card holding current after a write interrupted before its
 * commit point (the layout says which: all but the commit point and the meter's return
 * area). */
int cardwrite_repair(struct cardwrite *w, const uint8_t current[KWH_CARD_SIZE],
                     const uint8_t old[KWH_CARD_SIZE], struct kwh_err *e);

/* Presents psc after asking the error counter: refused (KWH_DEV_LOCKED, KWH_DEV_PSC_RISK)
 * with fewer than min_tries left. For tools that talk to a card by hand. */
int cardwrite_present(struct cardwrite *w, const uint8_t psc[KWH_PSC_LEN], struct kwh_err *e);

#endif
