/* SPDX-License-Identifier: Apache-2.0 */
/* The card device: what core/ needs of a card reader with a memory card in it.
 *
 * One function table, whatever sits behind it: the framed serial reader driver
 * (src/card/reader.c, talking to kwhsim or a real reader), the PC/SC driver
 * (src/card/pcsc.c, a reader under pcscd) and the in-memory fake used by unit tests.
 * Nothing here is specific to one of them; src/card/cardreg.c opens the one the
 * configuration names.
 *
 * The card is an SLE4442-class memory card: 256 bytes readable without a password;
 * writes need the 3-byte PSC to have been presented in this power-on session; three
 * wrong presentations lock the card for ever. */
#ifndef KWHPOS_CARDIO_H
#define KWHPOS_CARDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kwhpos/err.h"

#define KWH_CARD_SIZE 256
#define KWH_PSC_LEN 3
#define KWH_PSC_TRIES 3

/* err->detail for KWH_EDEVICE (and KWH_ECARD for the PSC cases). */
enum kwh_dev_error {
    KWH_DEV_NONE = 0,
    KWH_DEV_NO_READER,    /* nothing answers on that port, or the port cannot be opened */
    KWH_DEV_TIMEOUT,      /* the reader stopped answering */
    KWH_DEV_NO_CARD,      /* no card in the reader */
    KWH_DEV_REMOVED,      /* the card was taken out (or changed) during the operation */
    KWH_DEV_WRONG_PSC,    /* the PSC was refused; tries left in the message */
    KWH_DEV_LOCKED,       /* the card is locked (no PSC tries left) */
    KWH_DEV_WRITE_FAILED, /* the card did not take a write */
    KWH_DEV_BAD_FRAME,    /* the line is garbled beyond one retry */
    KWH_DEV_UNSUPPORTED,  /* the reader does not know the command */
    KWH_DEV_PROTOCOL,     /* the reader answered something that makes no sense */
    KWH_DEV_PSC_RISK,     /* not presented: too few tries left to risk one */
    KWH_DEV_WRONG_CARD,   /* the card is not a memory card of the kind the reader drives */
    KWH_DEV_BUSY,         /* another program on this machine holds the reader's line */
};

/* What the event op saw. */
enum kwh_card_event {
    KWH_CARD_EV_NONE = 0,
    KWH_CARD_EV_INSERTED, /* a card came in (perhaps in place of another) */
    KWH_CARD_EV_REMOVED,  /* the card went out */
};

struct kwh_reader_status {
    bool card_present;
    bool card_changed; /* a card was removed or inserted since the last power_on */
};

struct kwh_card_dev_ops {
    /* Whether a card is in the reader. */
    int (*status)(void *ctx, struct kwh_reader_status *st, struct kwh_err *e);
    /* Powers the card and starts a new session (forgets any presented PSC); the 4-byte
     * answer-to-reset goes to atr. */
    int (*power_on)(void *ctx, uint8_t atr[4], struct kwh_err *e);
    /* Reads len bytes from addr (addr + len <= 256). */
    int (*read)(void *ctx, unsigned addr, uint8_t *buf, size_t len, struct kwh_err *e);
    /* Writes len bytes at addr; needs a presented PSC. On failure some prefix of the
     * bytes may have been written: the caller reads back to find out. */
    int (*write)(void *ctx, unsigned addr, const uint8_t *buf, size_t len, struct kwh_err *e);
    /* The PSC error counter: tries left before the card locks (0..3). Spends nothing. */
    int (*psc_tries)(void *ctx, int *tries_left, struct kwh_err *e);
    /* Presents a PSC. A wrong one returns KWH_ECARD/KWH_DEV_WRONG_PSC and spends a try. */
    int (*psc_present)(void *ctx, const uint8_t psc[KWH_PSC_LEN], struct kwh_err *e);
    /* Changes the PSC; needs a presented PSC. */
    int (*psc_change)(void *ctx, const uint8_t psc[KWH_PSC_LEN], struct kwh_err *e);
    /* Releases the device; ctx is invalid afterwards. May be NULL. */
    void (*close)(void *ctx);
    /* Optional (may be NULL): whether a card was inserted or removed since the last call,
     * waiting at most timeout_ms (0 = just look) for it to happen. It only looks at the
     * reader, never at the card, so it does not disturb an operation in progress. The
     * first call reports nothing: it learns the state it compares with. */
    int (*event)(void *ctx, int timeout_ms, enum kwh_card_event *ev, struct kwh_err *e);
};

struct kwh_card_dev {
    const struct kwh_card_dev_ops *ops;
    void *ctx;
};

#endif
