/* SPDX-License-Identifier: Apache-2.0 */
/* kwhsim internals: card files, the reader engine, the server, the meters. */
#ifndef KWHSIM_SIM_H
#define KWHSIM_SIM_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kwhpos/cardio.h"
#include "kwhpos/err.h"
#include "kwhpos/frame.h"

#define SIM_PROTOCOL_NAME "kwhsim " KWH_VERSION " protocol 1"
#define SIM_SOCKET "control.sock"
#define SIM_LINK "reader"
#define SIM_EEPROM_US 5000 /* card time per EEPROM byte written */

/* A card as a file: its memory and its security state (docs/simulator.md). */
struct sim_card {
    uint8_t mem[KWH_CARD_SIZE];
    uint8_t psc[KWH_PSC_LEN];
    int tries;          /* PSC tries left; 0 = locked for ever */
    uint8_t protect[4]; /* protection bits of bytes 0-31, bit x of byte x/8: 0 = read-only */
};

/* A factory-new card: answer-to-reset, 0xFF elsewhere, factory PSC, 3 tries. */
void simcard_blank(struct sim_card *c);

/* Reads a card file; any defect is KWH_EINVAL naming the file, line and fix. */
int simcard_load(const char *path, struct sim_card *c, struct kwh_err *e);

/* Writes a card file atomically. */
int simcard_save(const char *path, const struct sim_card *c, struct kwh_err *e);

/* The card file for a name: a bare name is DIR/NAME.card, anything with a '/' or
 * ending in ".card" is a path. Returns false if it does not fit. */
bool sim_card_path(const char *dir, const char *arg, char *buf, size_t n);

/* Faults the reader can be told to show (kwhsim fault ...). */
struct sim_faults {
    long pull_after;   /* pull the card after this many more bytes written; -1 off */
    long garble_at;    /* garble the answer with this number (1 = next); 0 off */
    long garble_count; /* ... and this many answers from there */
    bool mute;         /* read requests, answer nothing */
    bool stall;        /* at the next write request: write nothing, answer nothing (mute) */
    bool vanish;       /* the port (or the link to vpcd) is closed */
};

/* The reader: the card in it and the session state of an SLE4442-class card. */
struct sim_reader {
    bool has_card;
    char card_path[PATH_MAX];
    struct sim_card card;
    bool powered;            /* powered on since the card went in */
    bool changed;            /* card inserted or removed since the last power-on */
    bool psc_ok;             /* the PSC was presented in this session */
    uint8_t last[FRAME_MAX]; /* the last answer, for REPEAT */
    size_t last_len;
    long answers; /* answers sent since the faults were set */
    struct sim_faults f;
};

void simreader_init(struct sim_reader *r);

/* --- simsle.c: the SLE4442 in the reader, shared by the serial reader and the virtual
 * card behind vpcd: every answer's meaning, before either encodes it. */
enum sim_st {
    SIM_OK = 0,
    SIM_NO_CARD,      /* no card in the reader */
    SIM_PULLED,       /* the card was pulled during the write (*done bytes went in) */
    SIM_CHANGED,      /* the card came or went since the power-on, or was never powered */
    SIM_WRONG_PSC,    /* *tries left */
    SIM_LOCKED,       /* no tries left */
    SIM_WRITE_FAILED, /* the card file could not be saved */
    SIM_PSC_REQUIRED, /* a write or PSC change before the PSC was presented */
    SIM_BAD_PARAM,    /* address or length out of the card */
};

/* Powers the card: a new session (the PSC forgotten); atr gets its 4-byte ATR. */
enum sim_st simsle_power_on(struct sim_reader *r, uint8_t atr[4]);
/* Powers it off: the session ends. */
void simsle_power_off(struct sim_reader *r);
/* len bytes from addr: *data points into the card. */
enum sim_st simsle_read(struct sim_reader *r, unsigned addr, unsigned len, const uint8_t **data);
/* Writes len bytes at addr (bytes 0-31 whose protection bit is 0 keep their value, as
 * on the chip); the pull fault stops it: SIM_PULLED, the card out, *done bytes in. */
enum sim_st simsle_write(struct sim_reader *r, unsigned addr, const uint8_t *data, unsigned len,
                         unsigned *done, long *card_us);
/* The error counter as tries left. */
enum sim_st simsle_tries(struct sim_reader *r, int *tries);
/* Presents a PSC: spends a try first, restores all three when it matches (the chip's
 * order); *tries is what is left after it. */
enum sim_st simsle_present(struct sim_reader *r, const uint8_t psc[KWH_PSC_LEN], int *tries,
                           long *card_us);
/* Changes the PSC (needs it presented). */
enum sim_st simsle_change(struct sim_reader *r, const uint8_t psc[KWH_PSC_LEN], long *card_us);
/* The protection bits (4 bytes). */
enum sim_st simsle_protect(struct sim_reader *r, uint8_t out[4]);

/* --- simapdu.c: the card's answers as a PC/SC reader gives them ------------------- */

/* Answers the command APDU c (n bytes) for the card in r, in the dialect of
 * include/kwhpos/apdu.h it belongs to; the answer (data and status word) goes to out
 * (at least KWH_CARD_SIZE + 2 bytes) and its length is returned; 0 when the card was
 * pulled during the command (no answer comes). *card_us is the card's own time. */
size_t simapdu_handle(struct sim_reader *r, const uint8_t *c, size_t n, uint8_t *out,
                      long *card_us);

/* Puts the card file path in the reader (saving and removing any card there). */
int simreader_insert(struct sim_reader *r, const char *path, struct kwh_err *e);

/* Takes the card out (it is saved on every change, so nothing is lost). */
void simreader_eject(struct sim_reader *r);

/* Answers one request: the encoded answer goes to out (FRAME_MAX bytes) and its length
 * is returned; *card_us is the card's own time for it (EEPROM writes). */
size_t simreader_handle(struct sim_reader *r, const struct frame *req, uint8_t *out, long *card_us);

/* The answer to a request that arrived garbled. */
size_t simreader_bad_frame(struct sim_reader *r, uint8_t seq, uint8_t cmd, uint8_t *out);

/* Whether the next answer is to be garbled (counts the answer). */
bool simreader_garble_next(struct sim_reader *r);

struct sim_serve_opts {
    const char *dir;
    int baud;
    bool card_timing;
    int vpcd_port; /* > 0: play the card behind vpcd on 127.0.0.1:port instead of a reader */
    const char *vpcd_reader; /* the name pcscd gives that reader (its start) */
};

/* Runs the reader on a pseudo-terminal at DIR/reader (or the virtual card behind vpcd)
 * and the control socket until SIGINT/SIGTERM or a "stop" command. Returns the exit
 * status. */
int simserve_run(const struct sim_serve_opts *o);

/* Sends one control line to the server in dir and copies its answer to out. Returns 0
 * when the server answered ok, 1 when it refused, 2 when it cannot be reached. */
int simctl_request(const char *dir, const char *line, FILE *out, FILE *err);

/* Whether path names the card in the reader of the server in dir (false if none runs). */
bool simctl_card_in_reader(const char *dir, const char *path);

/* A command that cannot do what was asked: "kwhsim: " and the message on stderr; returns
 * 2, its exit status. */
int sim_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The meter commands' lines for kwhsim --help. */
extern const char sim_meter_usage[];

/* Runs verb if it is a meter command: returns true and sets *status (the exit status). */
bool sim_meter_command(const char *dir, const char *verb, int argc, char **argv, int *status);

#endif
