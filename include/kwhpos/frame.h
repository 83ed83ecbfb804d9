/* SPDX-License-Identifier: Apache-2.0 */
/* The card reader's framed serial protocol (docs/reader-protocol.md).
 *
 *   STX | LEN lo | LEN hi | HCK | SEQ | CMD | DATA... | CRC hi | CRC lo | ETX
 *
 * LEN counts SEQ, CMD and DATA; HCK = LEN lo ^ LEN hi ^ 0x5A guards the header so a
 * stray STX in noise is dropped at once; the CRC is CRC-16/CCITT-FALSE over LEN..DATA.
 * A response carries the request's SEQ, CMD | 0x80, and a status byte as DATA[0]. */
#ifndef KWHPOS_FRAME_H
#define KWHPOS_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_STX 0x02
#define FRAME_ETX 0x03
#define FRAME_HCK_XOR 0x5A
#define FRAME_DATA_MAX 264 /* a 256-byte read answer or write request fits */
#define FRAME_OVERHEAD 9   /* STX LEN LEN HCK SEQ CMD CRC CRC ETX */
#define FRAME_MAX (FRAME_OVERHEAD + FRAME_DATA_MAX)
#define FRAME_RESPONSE 0x80 /* set in CMD of every answer */

/* Commands (requests). Multi-byte fields are little-endian. */
enum frame_cmd {
    FRAME_CMD_IDENT = 0x01,       /* -> text: reader name and protocol version */
    FRAME_CMD_STATUS = 0x02,      /* -> flags: FRAME_ST_* */
    FRAME_CMD_POWER_ON = 0x03,    /* -> 4-byte answer-to-reset; forgets any presented PSC */
    FRAME_CMD_READ = 0x04,        /* addr u16, len u16 -> len bytes */
    FRAME_CMD_WRITE = 0x05,       /* addr u16, bytes -> count u16 of bytes written */
    FRAME_CMD_PSC_TRIES = 0x06,   /* -> tries left u8 (0..3) */
    FRAME_CMD_PSC_PRESENT = 0x07, /* psc[3] -> tries left u8 */
    FRAME_CMD_PSC_CHANGE = 0x08,  /* psc[3] -> nothing */
    FRAME_CMD_REPEAT = 0x09,      /* -> the last answer again, unchanged, nothing re-done */
};

/* Status byte of an answer. */
enum frame_status {
    FRAME_OK = 0x00,
    FRAME_NO_CARD = 0x01,      /* no card in the reader */
    FRAME_CARD_CHANGED = 0x02, /* the card was removed or replaced since power-on */
    FRAME_WRONG_PSC = 0x03,    /* data: tries left u8 */
    FRAME_LOCKED = 0x04,       /* no PSC tries left */
    FRAME_WRITE_FAILED = 0x05, /* data: count u16 of bytes written before the failure */
    FRAME_BAD_FRAME = 0x06,    /* the request arrived garbled; nothing was done */
    FRAME_UNKNOWN_CMD = 0x07,
    FRAME_BAD_PARAM = 0x08,    /* address or length out of range, wrong data length */
    FRAME_PSC_REQUIRED = 0x09, /* write or PSC change before a PSC was presented */
};

#define FRAME_ST_CARD 0x01    /* STATUS flag: a card is in the reader */
#define FRAME_ST_CHANGED 0x02 /* STATUS flag: removed or inserted since power-on */

struct frame {
    uint8_t seq;
    uint8_t cmd;
    uint16_t len; /* bytes in data */
    uint8_t data[FRAME_DATA_MAX];
};

/* Parser events. */
enum frame_event {
    FRAME_EV_NONE = 0, /* needs more bytes */
    FRAME_EV_FRAME,    /* a complete, valid frame is in *out */
    FRAME_EV_CHECKSUM, /* a frame with a valid header failed its CRC or end byte */
};

/* Incremental parser state; the caller's storage. */
struct frame_parser {
    uint8_t buf[FRAME_MAX];
    size_t have;
    unsigned long garbage;    /* bytes skipped while looking for a frame */
    unsigned long bad;        /* checksum events so far */
    uint8_t bad_seq, bad_cmd; /* SEQ and CMD as they read in the last corrupt frame */
};

/* CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of n bytes. */
uint16_t frame_crc16(const uint8_t *p, size_t n);

/* Encodes f into out (at least FRAME_OVERHEAD + f->len bytes). Returns the frame length,
 * or 0 if f->len exceeds FRAME_DATA_MAX. */
size_t frame_encode(const struct frame *f, uint8_t *out, size_t cap);

/* Resets p to an empty state. */
void frame_parser_init(struct frame_parser *p);

/* Takes up to n bytes of in (as many as fit) and returns how many it took. */
size_t frame_parser_push(struct frame_parser *p, const uint8_t *in, size_t n);

/* Scans what has been pushed: returns FRAME_EV_FRAME with *out filled and the frame
 * consumed, FRAME_EV_CHECKSUM after dropping the start byte of a corrupt frame (the
 * scan resumes right after it), or FRAME_EV_NONE when more bytes are needed. Call it
 * until it returns FRAME_EV_NONE. Never reads outside its buffer. */
enum frame_event frame_parser_next(struct frame_parser *p, struct frame *out);

/* Short stable names, for messages and logs. */
const char *frame_cmd_name(int cmd);
const char *frame_status_name(int status);

/* Little-endian helpers for frame fields. */
static inline uint16_t frame_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline void frame_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v & 0xff);
    p[1] = (uint8_t)(v >> 8);
}

#endif
