/* SPDX-License-Identifier: Apache-2.0 */
/* APDU dialects: how a reader maker maps the operations of an SLE4442-class memory card
 * onto command APDUs, and how to read their answers. The PC/SC driver (src/card/pcsc.c)
 * and the simulator's virtual card read only this table, so another maker's dialect is
 * one more entry in src/card/apdu.c, not new driver logic. docs/reader-pcsc.md gives
 * each command with its source. */
#ifndef KWHPOS_APDU_H
#define KWHPOS_APDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kwhpos/cardio.h"

/* The operations of the card a dialect maps. */
enum apdu_op {
    APDU_SELECT = 0, /* select the card type (sent after each power-on) */
    APDU_READ,       /* read memory */
    APDU_WRITE,      /* write memory */
    APDU_TRIES,      /* read the PSC error counter */
    APDU_PRESENT,    /* present the PSC */
    APDU_CHANGE,     /* change the PSC */
    APDU_PROTECT,    /* read the protection bits of bytes 0-31 */
    APDU_OP_COUNT
};

/* The shape of a command: what follows CLA INS P1 P2. */
enum apdu_shape {
    APDU_NONE = 0,  /* the dialect has no such command */
    APDU_FIXED,     /* Lc and the fixed data of the entry */
    APDU_ADDR_LE,   /* P1 P2 = the card address, big-endian; Le = the length */
    APDU_ADDR_DATA, /* P1 P2 = the card address; Lc and the bytes */
    APDU_LE,        /* Le = the entry's le */
    APDU_DATA,      /* Lc and the bytes (a PSC) */
    APDU_HEADER,    /* nothing: a case-1 command */
};

struct apdu_cmd {
    enum apdu_shape shape;
    uint8_t cla, ins, p1, p2;
    uint8_t le;       /* APDU_LE: the answer's data length */
    uint8_t data[4];  /* APDU_FIXED */
    uint8_t data_len; /* APDU_FIXED */
};

/* How the error counter's answer says the tries left. */
enum apdu_tries_form {
    APDU_TRIES_ERRCNT, /* data byte 0 = the SLE4442 counter bits (07 = 3 left), then 90 00 */
    APDU_TRIES_SW63CX, /* no data: 90 00 = all tries, 63 Cx = x left, 69 83 = locked */
};

/* How the presentation's answer says right or wrong. */
enum apdu_present_form {
    /* 90 xx with xx = the counter bits after the presentation (07 right, 00 locked);
       an answer ERRCNT CODE1..3 90 00 (older firmware) carries the counter in front */
    APDU_PRESENT_SW2_ERRCNT,
    APDU_PRESENT_SW63CX, /* 90 00 right, 63 Cx wrong with x left, 69 83 locked */
};

/* How the answer-to-reset identifies the card. */
enum apdu_atr_form {
    /* the card's 4-byte synchronous ATR, bare or wrapped by the reader as 3B 04 + the 4
       bytes; its first byte must be A2 (SLE4432/4442/5532/5542) */
    APDU_ATR_SYNC4,
    APDU_ATR_ANY, /* any ATR; its first 4 bytes (padded with 00) are the answer-to-reset */
};

struct apdu_dialect {
    const char *name; /* the [reader] dialect value: "acs", "iso" */
    const char *what; /* one line for lists and messages */
    struct apdu_cmd cmd[APDU_OP_COUNT];
    enum apdu_tries_form tries_form;
    enum apdu_present_form present_form;
    enum apdu_atr_form atr_form;
    unsigned read_max;     /* card bytes per read command */
    unsigned write_max;    /* card bytes per write command */
    unsigned read_trailer; /* bytes a read answer may carry after the data (ACS: 4
                              protection bytes on some firmware); they are dropped */
};

/* The dialect named name (case-sensitive), or NULL. NULL or "" is the first (ACS). */
const struct apdu_dialect *apdu_dialect_find(const char *name);
/* The i-th dialect, or NULL past the end. */
const struct apdu_dialect *apdu_dialect_at(size_t i);

#define APDU_MAX (5 + KWH_CARD_SIZE) /* the longest command: a header, Lc and 255 bytes */

/* Builds op's command for addr and data (len bytes: a read's length, a write's bytes, a
 * PSC) into out (at least APDU_MAX bytes). Returns its length, or 0 when the dialect has
 * no such command or the arguments do not fit it. */
size_t apdu_build(const struct apdu_dialect *d, enum apdu_op op, unsigned addr, const uint8_t *data,
                  size_t len, uint8_t *out);

/* The status word of an answer (its last two bytes); 0 when it is shorter than that. */
unsigned apdu_sw(const uint8_t *ans, size_t n);

/* Tries left (0..3) from the error counter's answer; false when the answer is malformed. */
bool apdu_tries(const struct apdu_dialect *d, const uint8_t *ans, size_t n, int *tries);

/* The presentation's outcome: 1 right, 0 wrong (*tries = what is left), -1 malformed. */
int apdu_present_result(const struct apdu_dialect *d, const uint8_t *ans, size_t n, int *tries);

/* The card's 4-byte answer-to-reset from the reader's ATR; false when the ATR is not of a
 * card the dialect drives. */
bool apdu_atr(const struct apdu_dialect *d, const uint8_t *atr, size_t n, uint8_t out[4]);

/* What a status word other than 90 00 means: an enum kwh_dev_error and a short English
 * phrase for messages ("the card's memory failed"). */
int apdu_sw_detail(unsigned sw, const char **what);

/* The SLE4442 error counter bits (07, 03, 01, 00 ...) as tries left. */
int apdu_errcnt_tries(uint8_t errcnt);

#endif
