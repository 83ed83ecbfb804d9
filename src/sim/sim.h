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
    int tries; /* PSC tries left; 0 = locked for ever */
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
    bool vanish;       /* the port is closed */
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
};

/* Runs the reader on a pseudo-terminal at DIR/reader and the control socket until
 * SIGINT/SIGTERM or a "stop" command. Returns the exit status. */
int simserve_run(const struct sim_serve_opts *o);

/* Sends one control line to the server in dir and copies its answer to out. Returns 0
 * when the server answered ok, 1 when it refused, 2 when it cannot be reached. */
int simctl_request(const char *dir, const char *line, FILE *out, FILE *err);

/* Whether path names the card in the reader of the server in dir (false if none runs). */
bool simctl_card_in_reader(const char *dir, const char *path);

/* The meter commands' lines for kwhsim --help. */
extern const char sim_meter_usage[];

/* Runs verb if it is a meter command: returns true and sets *status (the exit status). */
bool sim_meter_command(const char *dir, const char *verb, int argc, char **argv, int *status);

#endif
