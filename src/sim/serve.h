/* SPDX-License-Identifier: Apache-2.0 */
/* kwhsim serve's state, shared by the server loop and control commands (simserve.c) and
 * the virtual card behind vpcd (simvpcd.c). */
#ifndef KWHSIM_SERVE_H
#define KWHSIM_SERVE_H

#include "sim.h"

#include <stdint.h>

#define VPCD_MSG_MAX (2 + 5 + KWH_CARD_SIZE + 2) /* a length and the longest command */

/* The link to vpcd (docs/simulator.md): kwhsim connects to it as the card. */
struct vpcd {
    int fd;                   /* the connection, -1 when the card is out of reach */
    unsigned gen;             /* counts connections closed: input of a closed one is dropped */
    uint8_t in[VPCD_MSG_MAX]; /* a message being received */
    size_t have;
    uint8_t out[VPCD_MSG_MAX]; /* an answer waiting for the card's time */
    size_t out_len;
    int64_t due_us;
    int64_t retry_us; /* the next connection attempt */
    int64_t mute_us;  /* mute: when the unanswered command ends in a reset connection */
    bool hold;        /* mute or vanish: no connection until the faults are cleared */
    /* insert and eject wait until pcscd has seen the card come or go */
    enum { VP_IDLE = 0, VP_WAIT_OUT, VP_WAIT_IN } wait;
    int64_t wait_us;           /* ... until then at most (or, with no watcher, exactly) */
    char swap[PATH_MAX];       /* the card that goes in once the one in the reader is out */
    bool powered_seen;         /* pcscd powered the card since it went in */
    struct kwh_card_dev watch; /* pcscd's view of the reader (our PC/SC driver) */
    bool watching;
};

/* What a deferred control answer waits for. */
enum ctl_wait { CTL_NONE = 0, CTL_VPCD, CTL_SETTLE };

struct server {
    const struct sim_serve_opts *o;
    char link[PATH_MAX];
    char sock[PATH_MAX];
    char pts[128];
    int master, slave, listen_fd;
    struct sim_reader r;
    struct frame_parser p;
    int64_t frame_start_us;     /* when the first byte of the frame being parsed came */
    uint8_t pending[FRAME_MAX]; /* an answer waiting for its wire and card time */
    size_t pending_len;
    int64_t due_us;
    bool stop;
    struct vpcd vp;
    /* a control answer held back until pcscd has seen the card come or go */
    enum ctl_wait ctl;
    int ctl_fd;
    char *ctl_ans;
    size_t ctl_len;
    int64_t ctl_at;       /* CTL_SETTLE: when to send it */
    int64_t ctl_deadline; /* when to give up waiting and send ctl_late instead */
    char ctl_late[KWH_ERR_MSG + 16];
};

int64_t serve_now_us(void);
/* Holds the answer of the command being run until the wait ends (serve_release) or the
 * deadline passes, when late (an "error: ..." line) goes out instead. */
void serve_defer(struct server *s, enum ctl_wait wait, int64_t deadline_us, const char *late);
/* The awaited moment came: the held answer goes out delay_us from now. */
void serve_release(struct server *s, enum ctl_wait wait, int64_t delay_us);

void vpcd_init(struct server *s);
/* The descriptor to poll for input, or -1. */
int vpcd_poll_fd(const struct server *s);
void vpcd_input(struct server *s);
/* Runs what is due (connection attempts, answers, the mute time-out); returns the
 * microseconds until the next thing is due (at most a second). */
int64_t vpcd_tick(struct server *s);
/* insert: the card in the reader leaves first (as eject) if there is one, then the card
 * of path goes in and kwhsim connects as it; the answer waits until pcscd has it. */
void vpcd_insert(struct server *s, const char *path, FILE *out);
/* eject: the card leaves; the answer waits until pcscd has seen it go. */
void vpcd_eject(struct server *s);
/* fault vanish / fault clear / stop. */
void vpcd_drop(struct server *s, bool hold);
void vpcd_clear(struct server *s);
/* At the end: the link and the watcher closed. */
void vpcd_close(struct server *s);
void vpcd_status(const struct server *s, FILE *out);

#endif
