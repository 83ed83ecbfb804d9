/* SPDX-License-Identifier: Apache-2.0 */
/* An in-memory SLE4442 card in an in-memory reader, for unit tests. It can fail after
 * any number of write steps (a byte written or a PSC change), as if the card were
 * pulled, or call a crash function there (a power cut, in a forked child). Allocate it
 * with fakecard_new so a forked child's writes are seen by the parent. */
#ifndef KWHPOS_TEST_FAKECARD_H
#define KWHPOS_TEST_FAKECARD_H

#include <stdbool.h>
#include <stdint.h>

#include "kwhpos/cardio.h"

struct fakecard {
    uint8_t img[KWH_CARD_SIZE];
    uint8_t psc[KWH_PSC_LEN];
    int tries; /* error counter: tries left */
    bool present;
    bool unlocked;       /* a correct PSC was presented since power-on */
    long fail_after;     /* write steps allowed before the card is pulled; -1 never */
    long steps;          /* write steps done since the last reset */
    void (*crash)(void); /* if set, called instead of failing */
    int presentations;   /* PSC presentations, right or wrong */
    int wrong_presentations;
    unsigned long inserts; /* cards put in (fakecard_blank, fakecard_reinsert) */
    /* what the event op saw last */
    bool ev_known, ev_present;
    unsigned long ev_inserts;
    int tries_asked;     /* error counter readings */
    int reads;           /* read requests */
    long read_bytes;     /* bytes read */
    int stuck;           /* an address whose writes do not stick; -1 none */
    bool (*fault)(void); /* if set and true, a device call fails as a dead line would */
};

/* A factory-blank card in the reader (shared memory; free with fakecard_free). */
struct fakecard *fakecard_new(void);
void fakecard_free(struct fakecard *f);
/* Back to a factory-blank card, present, no failure armed. */
void fakecard_blank(struct fakecard *f);
/* Takes the card out (the event op reports it). */
void fakecard_remove(struct fakecard *f);
/* Puts the card back after a pull, with no failure armed. */
void fakecard_reinsert(struct fakecard *f);
/* The device table over f (borrowed; valid while f lives). */
struct kwh_card_dev *fakecard_dev(struct fakecard *f);

#endif
