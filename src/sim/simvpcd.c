/* The card behind vpcd (vsmartcard's virtual reader driver for pcscd): kwhsim connects to
 * vpcd's TCP port as the card while one is in its reader, and answers vpcd's messages:
 * a 2-byte big-endian length, then the payload; a 1-byte payload is a control (00 power
 * off, 01 power on, 02 reset, 04 the ATR, the only one answered), anything longer a
 * command APDU, answered the same way (virtualsmartcard/src/vpcd/vpcd.c). pcscd polls
 * the card's presence by asking for the ATR; a closed connection is a card taken out.
 * docs/simulator.md. */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define VPCD_CTRL_OFF 0
#define VPCD_CTRL_ON 1
#define VPCD_CTRL_RESET 2
#define VPCD_CTRL_ATR 4

#define RETRY_US 100000        /* between connection attempts */
#define INSERT_WAIT_US 3000000 /* insert: how long pcscd has to power the card */
#define EJECT_WAIT_US 2000000  /* eject: how long vpcd's next message may take */
#define SETTLE_US 30000        /* for pcscd to publish the change to its clients */
#define MUTE_US 1000000        /* mute: a reader's time-out before it gives up */

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
        if (simsle_power_on(&s->r, atr + 2) == SIM_OK && !s->vp.powered_seen) {
            s->vp.powered_seen = true;
            serve_release(s, CTL_POWER, SETTLE_US);
        }
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
    if (s->vp.eject_wait) {
        /* the card leaves now, at pcscd's presence poll or its next command */
        s->vp.eject_wait = false;
        disconnect(s, false);
        simreader_eject(&s->r);
        serve_release(s, CTL_GONE, SETTLE_US);
        return;
    }
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
    s->vp.have += (size_t)got;
    while (s->vp.fd >= 0 && s->vp.out_len == 0 && s->vp.have >= 2) {
        size_t len = (size_t)(s->vp.in[0] << 8 | s->vp.in[1]);

        if (len + 2 > sizeof s->vp.in) {
            disconnect(s, true);
            return;
        }
        if (s->vp.have < len + 2)
            return;
        message(s, s->vp.in + 2, len);
        if (s->vp.fd < 0)
            return;
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
    if (s->vp.eject_wait && s->ctl == CTL_GONE && now >= s->ctl_deadline - 100000) {
        /* vpcd sent nothing (pcscd is not polling): the card goes anyway */
        s->vp.eject_wait = false;
        disconnect(s, false);
        simreader_eject(&s->r);
        serve_release(s, CTL_GONE, 0);
    }
    if (s->vp.fd < 0 && s->r.has_card && !s->vp.hold) {
        if (now >= s->vp.retry_us)
            try_connect(s);
        if (s->vp.fd < 0 && s->vp.retry_us - now < next)
            next = s->vp.retry_us - now > 0 ? s->vp.retry_us - now : 0;
    }
    return next;
}

void vpcd_inserted(struct server *s)
{
    s->vp.powered_seen = false;
    s->vp.hold = s->r.f.vanish || s->r.f.mute;
    s->vp.retry_us = 0;
    if (!s->vp.hold)
        serve_defer(s, CTL_POWER, serve_now_us() + INSERT_WAIT_US,
                    "error: pcscd did not power the card within 3 s: is pcscd running with "
                    "the vpcd reader on this port?\n");
    vpcd_tick(s);
}

void vpcd_eject(struct server *s, FILE *out)
{
    (void)out;
    if (s->vp.fd < 0) {
        simreader_eject(&s->r);
        return;
    }
    s->vp.eject_wait = true;
    serve_defer(s, CTL_GONE, serve_now_us() + EJECT_WAIT_US, "error: the card did not leave\n");
}

void vpcd_drop(struct server *s, bool hold)
{
    s->vp.eject_wait = false;
    disconnect(s, true);
    s->vp.hold = hold;
}

void vpcd_clear(struct server *s)
{
    s->vp.hold = false;
    s->vp.retry_us = 0;
}

void vpcd_status(const struct server *s, FILE *out)
{
    fprintf(out, "vpcd 127.0.0.1:%d\nconnected %s\n", s->o->vpcd_port,
            s->vp.fd >= 0 ? "yes" : "no");
}
