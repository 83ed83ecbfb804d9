/* SPDX-License-Identifier: Apache-2.0 */
/* The card behind vpcd (vsmartcard's virtual reader driver for pcscd): kwhsim connects to
 * vpcd's TCP port as the card while one is in its reader, and answers vpcd's messages:
 * a 2-byte big-endian length, then the payload; a 1-byte payload is a control (00 power
 * off, 01 power on, 02 reset, 04 the ATR, the only one answered), anything longer a
 * command APDU, answered the same way (virtualsmartcard/src/vpcd/vpcd.c). A closed
 * connection is a card taken out.
 *
 * pcscd learns of a card only by polling vpcd every 400 ms, and a card swapped between
 * two polls, or whose connection dies in another call, can pass unseen. So insert and
 * eject watch the reader through pcscd itself (the PC/SC driver of src/card): a card
 * leaves, pcscd reports it gone, and only then does the next one connect; the control
 * answer goes out once pcscd reports it. docs/simulator.md. */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kwhpos/pcsc.h"

#define VPCD_CTRL_OFF 0
#define VPCD_CTRL_ON 1
#define VPCD_CTRL_RESET 2
#define VPCD_CTRL_ATR 4

#define RETRY_US 100000     /* between connection attempts */
#define WAIT_IN_US 3000000  /* insert: how long pcscd may take to see the card */
#define WAIT_OUT_US 1500000 /* eject: how long pcscd may take to see it go */
#define UNWATCHED_US 900000 /* with no watcher: two polls, so one saw the card gone */
#define SETTLE_US 20000     /* for pcscd to tell its clients */
#define MUTE_US 1000000     /* mute: a reader's time-out before it gives up */

void vpcd_init(struct server *s)
{
    memset(&s->vp, 0, sizeof s->vp);
    s->vp.fd = -1;
}

int vpcd_poll_fd(const struct server *s)
{
    return s->vp.out_len > 0 ? -1 : s->vp.fd;
}

/* Closes the connection; with reset, abortively (RST), as a reader that failed mid-way. */
static void disconnect(struct server *s, bool reset)
{
    if (s->vp.fd >= 0) {
        if (reset) {
            struct linger l = {1, 0};
            setsockopt(s->vp.fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        }
        close(s->vp.fd);
    }
    s->vp.fd = -1;
    s->vp.gen++;
    s->vp.have = 0;
    s->vp.out_len = 0;
    s->vp.mute_us = 0;
    s->vp.retry_us = serve_now_us() + RETRY_US;
    simsle_power_off(&s->r);
}

static void try_connect(struct server *s)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    sa.sin_port = htons((uint16_t)s->o->vpcd_port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        s->vp.fd = fd;
        s->vp.have = 0;
        return;
    }
    if (fd >= 0)
        close(fd);
    s->vp.retry_us = serve_now_us() + RETRY_US;
}

/* What pcscd says happened to the reader since the last look; NONE when it cannot be
 * asked (the watcher is then dropped, and the waits go by time). */
static enum kwh_card_event watch(struct server *s)
{
    enum kwh_card_event ev = KWH_CARD_EV_NONE;
    struct kwh_err e;

    if (!s->vp.watching) {
        struct pcsc_opts o;
        pcsc_opts_default(&o);
        o.reader = s->o->vpcd_reader;
        if (pcsc_open(&o, &s->vp.watch, &e) < 0)
            return KWH_CARD_EV_NONE;
        s->vp.watching = true;
    }
    if (s->vp.watch.ops->event(s->vp.watch.ctx, 0, &ev, &e) < 0) {
        s->vp.watch.ops->close(s->vp.watch.ctx);
        s->vp.watching = false;
        return KWH_CARD_EV_NONE;
    }
    return ev;
}

static void start_wait(struct server *s, int what, int64_t limit_us)
{
    watch(s); /* learn the state to compare with */
    s->vp.wait = what;
    s->vp.wait_us = serve_now_us() + (s->vp.watching ? limit_us : UNWATCHED_US);
}

static void start_connect(struct server *s)
{
    s->vp.powered_seen = false;
    start_wait(s, VP_WAIT_IN, WAIT_IN_US);
    try_connect(s);
}

/* The wait of an insert or eject is over: the answer goes out, or the next card goes in. */
static void wait_done(struct server *s, bool seen)
{
    struct kwh_err e;
    int was = s->vp.wait;

    s->vp.wait = VP_IDLE;
    if (was == VP_WAIT_IN && !seen && !s->vp.powered_seen) {
        s->ctl_deadline = 0; /* the "not in time" answer goes out */
        return;
    }
    if (was == VP_WAIT_OUT && s->vp.swap[0] != '\0') {
        int rc = simreader_insert(&s->r, s->vp.swap, &e);
        s->vp.swap[0] = '\0';
        if (rc < 0) {
            snprintf(s->ctl_late, sizeof s->ctl_late, "error: %s\n", e.msg);
            s->ctl_deadline = 0;
            return;
        }
        start_connect(s);
        return;
    }
    serve_release(s, CTL_VPCD, SETTLE_US);
}

static void send_msg(struct server *s, const uint8_t *p, size_t n)
{
    uint8_t buf[VPCD_MSG_MAX];
    size_t done = 0;

    buf[0] = (uint8_t)(n >> 8);
    buf[1] = (uint8_t)n;
    memcpy(buf + 2, p, n);
    while (done < n + 2) {
        ssize_t w = send(s->vp.fd, buf + done, n + 2 - done, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            disconnect(s, false);
            return;
        }
        done += (size_t)w;
    }
}

static void control(struct server *s, uint8_t c)
{
    uint8_t atr[6] = {0x3B, 0x04};

    switch (c) {
    case VPCD_CTRL_OFF: simsle_power_off(&s->r); break;
    case VPCD_CTRL_ON:
    case VPCD_CTRL_RESET:
        if (simsle_power_on(&s->r, atr + 2) == SIM_OK)
            s->vp.powered_seen = true;
        break;
    case VPCD_CTRL_ATR:
        /* an SLE4442 behind an ACS reader: 3B 04 and the card's own 4-byte ATR */
        memcpy(atr + 2, s->r.card.mem, 4);
        send_msg(s, atr, sizeof atr);
        break;
    }
}

static void apdu(struct server *s, const uint8_t *c, size_t n)
{
    long card_us = 0;
    size_t len = simapdu_handle(&s->r, c, n, s->vp.out, &card_us);

    if (s->r.f.quiet_now) { /* fault mute/vanish N: the link cut mid-write, no answer */
        s->r.f.quiet_now = false;
        s->r.f.vanish = s->r.f.quiet_vanish;
        s->r.f.mute = !s->r.f.quiet_vanish;
        vpcd_drop(s, true);
        return;
    }
    if (len == 0) { /* pulled during a write: the reader reports an error, no answer */
        disconnect(s, true);
        return;
    }
    if (simreader_garble_next(&s->r))
        len--; /* the answer comes short: its status word is cut */
    s->vp.out_len = len;
    s->vp.due_us = serve_now_us() + (s->o->card_timing ? card_us : 0);
}

/* One complete message from vpcd. */
static void message(struct server *s, const uint8_t *p, size_t n)
{
    if (s->r.f.mute) {
        if (s->vp.mute_us == 0)
            s->vp.mute_us = serve_now_us() + MUTE_US;
        return;
    }
    if (n == 1)
        control(s, p[0]);
    else if (n > 1)
        apdu(s, p, n);
}

void vpcd_input(struct server *s)
{
    ssize_t got = recv(s->vp.fd, s->vp.in + s->vp.have, sizeof s->vp.in - s->vp.have, 0);

    if (got <= 0) {
        if (got < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        disconnect(s, false); /* vpcd (pcscd) went away: try again while the card is in */
        return;
    }
    /* vpcd sends a message's length and its bytes apart: acknowledge at once, or its Nagle
       wait for our delayed acknowledgement costs 40 ms a message */
    setsockopt(s->vp.fd, IPPROTO_TCP, TCP_QUICKACK, &(int){1}, sizeof(int));
    s->vp.have += (size_t)got;
    while (s->vp.fd >= 0 && s->vp.out_len == 0 && s->vp.have >= 2) {
        size_t len = (size_t)(s->vp.in[0] << 8 | s->vp.in[1]);
        unsigned gen = s->vp.gen;

        if (len + 2 > sizeof s->vp.in) {
            disconnect(s, true);
            return;
        }
        if (s->vp.have < len + 2)
            return;
        message(s, s->vp.in + 2, len);
        if (s->vp.gen != gen)
            return; /* that connection is gone, and its input with it */
        memmove(s->vp.in, s->vp.in + len + 2, s->vp.have - len - 2);
        s->vp.have -= len + 2;
    }
}

int64_t vpcd_tick(struct server *s)
{
    int64_t now = serve_now_us(), next = 1000000;

    if (s->o->vpcd_port <= 0)
        return next;
    if (s->vp.fd >= 0 && s->vp.out_len > 0) {
        if (now >= s->vp.due_us) {
            send_msg(s, s->vp.out, s->vp.out_len);
            s->vp.out_len = 0;
            if (s->vp.fd >= 0 && s->vp.have > 0)
                vpcd_input(s);
        } else if (s->vp.due_us - now < next) {
            next = s->vp.due_us - now;
        }
    }
    if (s->vp.fd >= 0 && s->vp.mute_us > 0) {
        if (now >= s->vp.mute_us) {
            disconnect(s, true);
            s->vp.hold = true;
        } else if (s->vp.mute_us - now < next) {
            next = s->vp.mute_us - now;
        }
    }
    if (s->vp.fd < 0 && s->r.has_card && !s->vp.hold && s->vp.wait != VP_WAIT_OUT) {
        if (now >= s->vp.retry_us)
            try_connect(s);
        if (s->vp.fd < 0 && s->vp.retry_us - now < next)
            next = s->vp.retry_us - now > 0 ? s->vp.retry_us - now : 0;
    }
    if (s->vp.wait != VP_IDLE) {
        enum kwh_card_event ev = s->vp.watching ? watch(s) : KWH_CARD_EV_NONE;
        bool seen = (s->vp.wait == VP_WAIT_IN && ev == KWH_CARD_EV_INSERTED) ||
                    (s->vp.wait == VP_WAIT_OUT && ev == KWH_CARD_EV_REMOVED);

        if (seen || now >= s->vp.wait_us)
            wait_done(s, seen);
        else if (next > 20000)
            next = 20000;
    }
    return next;
}

void vpcd_insert(struct server *s, const char *path, FILE *out)
{
    struct sim_card c;
    struct kwh_err e;

    if (simcard_load(path, &c, &e) < 0) {
        fprintf(out, "error: %s\n", e.msg);
        return;
    }
    fprintf(out, "card %s is in the reader\nok\n", path);
    serve_defer(s, CTL_VPCD, serve_now_us() + WAIT_OUT_US + WAIT_IN_US,
                "error: pcscd did not see the card come in time: is pcscd running with the vpcd "
                "reader on this port?\n");
    if (s->r.has_card && s->vp.fd >= 0) {
        /* the card in the reader leaves first, and pcscd sees it go */
        snprintf(s->vp.swap, sizeof s->vp.swap, "%s", path);
        disconnect(s, false);
        simreader_eject(&s->r);
        start_wait(s, VP_WAIT_OUT, WAIT_OUT_US);
        return;
    }
    vpcd_drop(s, s->vp.hold);
    if (simreader_insert(&s->r, path, &e) < 0 || s->vp.hold || s->r.f.vanish || s->r.f.mute) {
        s->ctl = CTL_NONE; /* out of pcscd's reach until the faults are cleared */
        return;
    }
    start_connect(s);
}

void vpcd_eject(struct server *s)
{
    bool connected = s->vp.fd >= 0;

    vpcd_drop(s, s->vp.hold);
    simreader_eject(&s->r);
    if (!connected)
        return;
    serve_defer(s, CTL_VPCD, serve_now_us() + WAIT_OUT_US + 100000,
                "error: pcscd did not see the card go in time\n");
    start_wait(s, VP_WAIT_OUT, WAIT_OUT_US);
}

void vpcd_drop(struct server *s, bool hold)
{
    s->vp.swap[0] = '\0';
    s->vp.wait = VP_IDLE;
    disconnect(s, true);
    s->vp.hold = hold;
}

void vpcd_clear(struct server *s)
{
    s->vp.hold = false;
    s->vp.retry_us = 0;
}

void vpcd_close(struct server *s)
{
    vpcd_drop(s, true);
    if (s->vp.watching)
        s->vp.watch.ops->close(s->vp.watch.ctx);
    s->vp.watching = false;
}

void vpcd_status(const struct server *s, FILE *out)
{
    fprintf(out, "vpcd 127.0.0.1:%d\nreader %s\nconnected %s\n", s->o->vpcd_port, s->o->vpcd_reader,
            s->vp.fd >= 0 ? "yes" : "no");
}
