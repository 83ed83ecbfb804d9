/* SPDX-License-Identifier: Apache-2.0 */
/* The reader driver over an in-memory transport with a scripted peer, and over a real
 * pseudo-terminal for timeouts and a vanished port. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../support/memtransport.h"
#include "kwhpos/reader.h"

/* A reader with an SLE4442-like card, and knobs to make it misbehave. */
struct peer {
    uint8_t mem[KWH_CARD_SIZE];
    uint8_t psc[KWH_PSC_LEN];
    int tries;
    int card, powered, psc_ok;
    int changed;      /* STATUS flag: a card came or went since the last power-on */
    int force_status; /* answer the next non-REPEAT request with this status */
    int force_data;   /* ... and this one data byte (or -1) */
    int force_cmd;    /* ... but only a request with this command (0: any) */
    int stuck;        /* a card address whose writes do not stick (-1: none) */
    int garble;       /* garble this many answers */
    int mute;
    int noise;              /* put noise and a stale answer before each answer */
    unsigned long runs[16]; /* requests executed, by command */
    uint8_t last[FRAME_MAX];
    size_t last_len;
};

static size_t reply(struct peer *pe, const struct frame *req, int status, const uint8_t *d,
                    size_t n, uint8_t *out)
{
    struct frame a = {.seq = req->seq, .cmd = (uint8_t)(req->cmd | FRAME_RESPONSE)};
    a.data[0] = (uint8_t)status;
    if (n)
        memcpy(a.data + 1, d, n);
    a.len = (uint16_t)(n + 1);
    pe->last_len = frame_encode(&a, pe->last, sizeof pe->last);
    memcpy(out, pe->last, pe->last_len);
    return pe->last_len;
}

static size_t execute(struct peer *pe, const struct frame *req, uint8_t *out)
{
    uint8_t b[KWH_CARD_SIZE];
    unsigned a, n;

    if (req->cmd == FRAME_CMD_REPEAT) {
        memcpy(out, pe->last, pe->last_len);
        return pe->last_len;
    }
    pe->runs[req->cmd & 15]++;
    if (pe->force_status >= 0 && (pe->force_cmd == 0 || pe->force_cmd == req->cmd)) {
        int st = pe->force_status;
        pe->force_status = -1;
        b[0] = (uint8_t)pe->force_data;
        b[1] = 0;
        return reply(pe, req, st, b, pe->force_data >= 0 ? (st == FRAME_WRITE_FAILED ? 2 : 1) : 0,
                     out);
    }
    switch (req->cmd) {
    case FRAME_CMD_IDENT: return reply(pe, req, FRAME_OK, (const uint8_t *)"peer", 4, out);
    case FRAME_CMD_STATUS:
        b[0] = (uint8_t)((pe->card ? FRAME_ST_CARD : 0) | (pe->changed ? FRAME_ST_CHANGED : 0));
        return reply(pe, req, FRAME_OK, b, 1, out);
    case FRAME_CMD_POWER_ON:
        if (!pe->card)
            return reply(pe, req, FRAME_NO_CARD, NULL, 0, out);
        pe->powered = 1;
        pe->psc_ok = 0;
        pe->changed = 0;
        return reply(pe, req, FRAME_OK, pe->mem, 4, out);
    case FRAME_CMD_READ:
        a = frame_get16(req->data);
        n = frame_get16(req->data + 2);
        return reply(pe, req, FRAME_OK, pe->mem + a, n, out);
    case FRAME_CMD_WRITE:
        a = frame_get16(req->data);
        n = req->len - 2u;
        if (!pe->psc_ok)
            return reply(pe, req, FRAME_PSC_REQUIRED, NULL, 0, out);
        for (unsigned i = 0; i < n; i++)
            if ((int)(a + i) != pe->stuck)
                pe->mem[a + i] = req->data[2 + i];
        frame_put16(b, (uint16_t)n);
        return reply(pe, req, FRAME_OK, b, 2, out);
    case FRAME_CMD_PSC_TRIES:
        b[0] = (uint8_t)pe->tries;
        return reply(pe, req, pe->tries ? FRAME_OK : FRAME_LOCKED, b, 1, out);
    case FRAME_CMD_PSC_PRESENT:
        if (pe->tries == 0)
            return reply(pe, req, FRAME_LOCKED, NULL, 0, out);
        pe->tries--;
        if (memcmp(req->data, pe->psc, KWH_PSC_LEN) == 0) {
            pe->tries = KWH_PSC_TRIES;
            pe->psc_ok = 1;
        }
        b[0] = (uint8_t)pe->tries;
        return reply(pe, req,
                     pe->psc_ok  ? FRAME_OK
                     : pe->tries ? FRAME_WRONG_PSC
                                 : FRAME_LOCKED,
                     b, 1, out);
    case FRAME_CMD_PSC_CHANGE:
        memcpy(pe->psc, req->data, KWH_PSC_LEN);
        return reply(pe, req, FRAME_OK, NULL, 0, out);
    }
    return reply(pe, req, FRAME_UNKNOWN_CMD, NULL, 0, out);
}

static size_t peer_fn(void *arg, const struct frame *req, uint8_t *out, size_t cap)
{
    struct peer *pe = arg;
    size_t n = 0, k;

    (void)cap;
    if (pe->mute)
        return 0;
    if (pe->noise) {
        static const uint8_t junk[] = {0x00, 0x02, 0x02, 0xFF, 0x03, 0x02, 0x41};
        struct frame stale = {
            .seq = (uint8_t)(req->seq - 1), .cmd = (uint8_t)(req->cmd | FRAME_RESPONSE), .len = 1};
        memcpy(out, junk, sizeof junk);
        n = sizeof junk;
        n += frame_encode(&stale, out + n, FRAME_MAX);
    }
    k = execute(pe, req, out + n);
    if (pe->garble > 0) {
        pe->garble--;
        out[n + k - 3] ^= 0x11;
    }
    return n + k;
}

struct fixture {
    struct peer pe;
    struct memt m;
    struct kwh_card_dev dev;
    struct kwh_err e;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct kwh_transport t;
    struct reader_opts o;

    memset(f->pe.mem, 0xFF, sizeof f->pe.mem);
    memcpy(f->pe.mem, "\xA2\x13\x10\x91", 4);
    memset(f->pe.psc, 0x11, sizeof f->pe.psc);
    f->pe.tries = 3;
    f->pe.card = 1;
    f->pe.force_status = -1;
    f->pe.force_data = -1;
    f->pe.stuck = -1;
    memt_init(&f->m, peer_fn, &f->pe, 9600, &t);
    reader_opts_default(&o);
    o.timeout_ms = 100;
    assert_int_equal(reader_attach(&t, &o, &f->dev, &f->e), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    f->dev.ops->close(f->dev.ctx);
    free(f);
    return 0;
}

static const uint8_t good_psc[KWH_PSC_LEN] = {0x11, 0x11, 0x11};
static const uint8_t bad_psc[KWH_PSC_LEN] = {0x22, 0x22, 0x22};

static void open_session(struct fixture *f)
{
    uint8_t atr[4];
    assert_int_equal(f->dev.ops->power_on(f->dev.ctx, atr, &f->e), 0);
    assert_int_equal(f->dev.ops->psc_present(f->dev.ctx, good_psc, &f->e), 0);
}

static enum kwh_card_event look(struct fixture *f)
{
    enum kwh_card_event ev;
    memset(&ev, 0xff, sizeof ev); /* no event at all: the op must set it */
    assert_int_equal(f->dev.ops->event(f->dev.ctx, 0, &ev, &f->e), 0);
    return ev;
}

static void card_out(struct fixture *f)
{
    f->pe.card = 0;
    f->pe.changed = 1;
    f->pe.powered = 0;
}

static void card_in(struct fixture *f)
{
    f->pe.card = 1;
    f->pe.changed = 1;
    f->pe.powered = 0;
}

static void event__removal_insertion_and_swap_are_told_once(void **state)
{
    struct fixture *f = *state;
    uint8_t atr[4];

    assert_int_equal(look(f), KWH_CARD_EV_NONE); /* the first look learns where it stands */
    card_out(f);
    assert_int_equal(look(f), KWH_CARD_EV_REMOVED);
    assert_int_equal(look(f), KWH_CARD_EV_NONE);
    card_in(f);
    assert_int_equal(look(f), KWH_CARD_EV_INSERTED);
    assert_int_equal(look(f), KWH_CARD_EV_NONE);
    assert_int_equal(f->dev.ops->power_on(f->dev.ctx, atr, &f->e), 0);
    /* swapped between two looks: present both times, the flag set */
    card_out(f);
    card_in(f);
    assert_int_equal(look(f), KWH_CARD_EV_INSERTED);
    assert_int_equal(look(f), KWH_CARD_EV_NONE);
}

/* A card put in and read (powered) before the next look: the read has it in hand, so no
 * look tells it afterwards as a new card, which would make a screen read it again in
 * the middle of the clerk's work. */
static void event__a_card_read_between_two_looks_is_not_told_later(void **state)
{
    struct fixture *f = *state;
    uint8_t atr[4];

    assert_int_equal(look(f), KWH_CARD_EV_NONE);
    card_out(f);
    assert_int_equal(look(f), KWH_CARD_EV_REMOVED);
    card_in(f);
    assert_int_equal(f->dev.ops->power_on(f->dev.ctx, atr, &f->e), 0);
    assert_int_equal(look(f), KWH_CARD_EV_NONE);
    assert_int_equal(look(f), KWH_CARD_EV_NONE);
    /* and the card taken out afterwards is still told */
    card_out(f);
    assert_int_equal(look(f), KWH_CARD_EV_REMOVED);
}

static void status__reports_the_card(void **state)
{
    struct fixture *f = *state;
    struct kwh_reader_status st;

    assert_int_equal(f->dev.ops->status(f->dev.ctx, &st, &f->e), 0);
    assert_true(st.card_present);
    f->pe.card = 0;
    assert_int_equal(f->dev.ops->status(f->dev.ctx, &st, &f->e), 0);
    assert_false(st.card_present);
}

static void power_on__gives_the_atr_and_read_write_round_trip(void **state)
{
    struct fixture *f = *state;
    uint8_t atr[4], buf[8];

    assert_int_equal(f->dev.ops->power_on(f->dev.ctx, atr, &f->e), 0);
    assert_memory_equal(atr, "\xA2\x13\x10\x91", 4);
    assert_int_equal(f->dev.ops->psc_present(f->dev.ctx, good_psc, &f->e), 0);
    assert_int_equal(f->dev.ops->write(f->dev.ctx, 250, (const uint8_t *)"abcdef", 6, &f->e), 0);
    assert_int_equal(f->dev.ops->read(f->dev.ctx, 248, buf, 8, &f->e), 0);
    assert_memory_equal(buf,
                        "\xFF\xFF"
                        "abcdef",
                        8);
}

static void read__refuses_a_range_outside_the_card(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[8];

    assert_int_equal(f->dev.ops->read(f->dev.ctx, 250, buf, 8, &f->e), KWH_EINVAL);
    assert_int_equal(f->dev.ops->read(f->dev.ctx, 0, buf, 0, &f->e), KWH_EINVAL);
    assert_int_equal(f->m.requests, 0);
}

/* Each status code of the protocol becomes the right error. */
static void expect_status(struct fixture *f, int status, int data, int code, int detail)
{
    uint8_t buf[4];

    f->pe.force_status = status;
    f->pe.force_data = data;
    kwh_err_clear(&f->e);
    assert_int_equal(f->dev.ops->read(f->dev.ctx, 0, buf, 4, &f->e), code);
    assert_int_equal(f->e.detail, detail);
    assert_true(strlen(f->e.msg) > 20);
}

static void status_codes__each_becomes_a_clear_error(void **state)
{
    struct fixture *f = *state;
    uint8_t atr[4];

    expect_status(f, FRAME_NO_CARD, -1, KWH_EDEVICE, KWH_DEV_NO_CARD);
    expect_status(f, FRAME_WRONG_PSC, 2, KWH_ECARD, KWH_DEV_WRONG_PSC);
    assert_non_null(strstr(f->e.msg, "2 tries left"));
    expect_status(f, FRAME_LOCKED, -1, KWH_ECARD, KWH_DEV_LOCKED);
    expect_status(f, FRAME_WRITE_FAILED, 3, KWH_EDEVICE, KWH_DEV_WRITE_FAILED);
    expect_status(f, FRAME_UNKNOWN_CMD, -1, KWH_EDEVICE, KWH_DEV_UNSUPPORTED);
    expect_status(f, FRAME_BAD_PARAM, -1, KWH_EDEVICE, KWH_DEV_PROTOCOL);
    expect_status(f, FRAME_PSC_REQUIRED, -1, KWH_EDEVICE, KWH_DEV_WRITE_FAILED);
    expect_status(f, 0x55, -1, KWH_EDEVICE, KWH_DEV_PROTOCOL);
    /* once the card was powered, its absence means it was taken out */
    assert_int_equal(f->dev.ops->power_on(f->dev.ctx, atr, &f->e), 0);
    expect_status(f, FRAME_NO_CARD, -1, KWH_EDEVICE, KWH_DEV_REMOVED);
    assert_int_equal(f->dev.ops->power_on(f->dev.ctx, atr, &f->e), 0);
    expect_status(f, FRAME_CARD_CHANGED, -1, KWH_EDEVICE, KWH_DEV_REMOVED);
}

static void bad_frame__request_is_sent_again_once(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[4];

    f->pe.force_status = FRAME_BAD_FRAME;
    assert_int_equal(f->dev.ops->read(f->dev.ctx, 0, buf, 4, &f->e), 0);
    assert_int_equal(f->pe.runs[FRAME_CMD_READ], 2);
}

static void checksum__a_garbled_answer_is_asked_for_again_not_redone(void **state)
{
    struct fixture *f = *state;

    open_session(f);
    f->pe.garble = 1;
    assert_int_equal(f->dev.ops->write(f->dev.ctx, 16, (const uint8_t *)"xy", 2, &f->e), 0);
    assert_int_equal(f->pe.runs[FRAME_CMD_WRITE], 1);
    assert_int_equal(reader_stats(&f->dev)->repeats, 1);
    assert_memory_equal(f->pe.mem + 16, "xy", 2);
}

static void checksum__twice_in_a_row_is_a_bad_frame_error(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[4];

    f->pe.garble = 2;
    assert_int_equal(f->dev.ops->read(f->dev.ctx, 0, buf, 4, &f->e), KWH_EDEVICE);
    assert_int_equal(f->e.detail, KWH_DEV_BAD_FRAME);
}

static void noise__and_stale_answers_are_skipped(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[4];

    f->pe.noise = 1;
    assert_int_equal(f->dev.ops->read(f->dev.ctx, 0, buf, 4, &f->e), 0);
    assert_memory_equal(buf, "\xA2\x13\x10\x91", 4);
    assert_int_equal(reader_stats(&f->dev)->repeats, 0);
}

static void timeout__a_silent_reader_is_a_timeout_error(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[4];

    f->pe.mute = 1;
    assert_int_equal(f->dev.ops->read(f->dev.ctx, 0, buf, 4, &f->e), KWH_EDEVICE);
    assert_int_equal(f->e.detail, KWH_DEV_TIMEOUT);
    assert_true(f->m.max_timeout_ms >= 100);
    assert_true(f->m.max_timeout_ms <= 100 + 50);
}

static void timeout__budget_grows_with_the_bytes_written(void **state)
{
    struct fixture *f = *state;
    uint8_t big[50];

    open_session(f);
    memset(big, 0x5A, sizeof big);
    f->pe.mute = 1;
    assert_int_equal(f->dev.ops->write(f->dev.ctx, 0, big, sizeof big, &f->e), KWH_EDEVICE);
    assert_int_equal(f->e.detail, KWH_DEV_TIMEOUT);
    /* 100 ms answer time + 50 bytes x 10 ms card time + wire time at 9600 baud */
    assert_true(f->m.max_timeout_ms >= 100 + 500 + 60);
}

static void psc__wrong_counts_down_and_is_never_sent_twice(void **state)
{
    struct fixture *f = *state;
    uint8_t atr[4];
    int tries;

    assert_int_equal(f->dev.ops->power_on(f->dev.ctx, atr, &f->e), 0);
    assert_int_equal(f->dev.ops->psc_present(f->dev.ctx, bad_psc, &f->e), KWH_ECARD);
    assert_int_equal(f->e.detail, KWH_DEV_WRONG_PSC);
    assert_int_equal(f->pe.runs[FRAME_CMD_PSC_PRESENT], 1);
    assert_int_equal(f->dev.ops->psc_tries(f->dev.ctx, &tries, &f->e), 0);
    assert_int_equal(tries, 2);
    /* a garbled answer to a presentation: the answer is asked for, the PSC not resent */
    f->pe.garble = 1;
    assert_int_equal(f->dev.ops->psc_present(f->dev.ctx, good_psc, &f->e), 0);
    assert_int_equal(f->pe.runs[FRAME_CMD_PSC_PRESENT], 2);
    assert_int_equal(f->pe.tries, 3);
}

static void psc__reader_garbled_presentation_is_not_resent(void **state)
{
    struct fixture *f = *state;
    uint8_t atr[4];

    assert_int_equal(f->dev.ops->power_on(f->dev.ctx, atr, &f->e), 0);
    f->pe.force_status = FRAME_BAD_FRAME;
    f->pe.force_cmd = FRAME_CMD_PSC_PRESENT;
    assert_int_equal(f->dev.ops->psc_present(f->dev.ctx, good_psc, &f->e), KWH_EDEVICE);
    assert_int_equal(f->e.detail, KWH_DEV_BAD_FRAME);
    assert_int_equal(f->pe.runs[FRAME_CMD_PSC_PRESENT], 1);
}

static void gone__a_vanished_transport_is_no_reader(void **state)
{
    struct fixture *f = *state;
    struct kwh_reader_status st;

    f->m.gone = 1;
    assert_int_equal(f->dev.ops->status(f->dev.ctx, &st, &f->e), KWH_EDEVICE);
    assert_int_equal(f->e.detail, KWH_DEV_NO_READER);
}

static int64_t ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pty__real_timeout_then_hangup(void **state)
{
    struct kwh_card_dev dev;
    struct kwh_transport t;
    struct reader_opts o;
    struct kwh_reader_status st;
    struct kwh_err e;
    char name[128];
    int master, slave;
    int64_t t0, dt;

    (void)state;
    assert_int_equal(openpty(&master, &slave, name, NULL, NULL), 0);
    assert_int_equal(serial_open(name, 115200, SERIAL_AUTO, &t, &e), 0);
    assert_string_equal(t.backend, "termios");
    reader_opts_default(&o);
    o.timeout_ms = 150;
    assert_int_equal(reader_attach(&t, &o, &dev, &e), 0);
    t0 = ms_now();
    assert_int_equal(dev.ops->status(dev.ctx, &st, &e), KWH_EDEVICE);
    dt = ms_now() - t0;
    assert_int_equal(e.detail, KWH_DEV_TIMEOUT);
    assert_true(dt >= 150);
    assert_true(dt < 1500);
    close(master);
    close(slave);
    assert_int_equal(dev.ops->status(dev.ctx, &st, &e), KWH_EDEVICE);
    assert_true(e.detail == KWH_DEV_NO_READER);
    dev.ops->close(dev.ctx);
}

/* A reader on the master side of a pty, in a child process: it is still busy with a
 * request of a program that died when the first IDENT comes (busy_ms), then sends that
 * request's answer and answers every IDENT after it. busy_ms < 0: it never answers. */
static pid_t busy_reader(int master, int busy_ms)
{
    pid_t pid = fork();
    struct frame_parser p;
    struct frame req;
    bool first = true;

    if (pid != 0)
        return pid;
    frame_parser_init(&p);
    for (;;) {
        uint8_t buf[FRAME_MAX], out[FRAME_MAX];
        ssize_t n = read(master, buf, sizeof buf);
        if (n <= 0)
            _exit(0);
        frame_parser_push(&p, buf, (size_t)n);
        while (frame_parser_next(&p, &req) == FRAME_EV_FRAME) {
            struct frame a = {.seq = req.seq, .cmd = (uint8_t)(req.cmd | FRAME_RESPONSE)};
            if (busy_ms < 0)
                continue;
            if (first) {
                struct frame stale = {.seq = (uint8_t)(req.seq + 77),
                                      .cmd = FRAME_CMD_WRITE | FRAME_RESPONSE,
                                      .len = 3};
                first = false;
                poll(NULL, 0, busy_ms);
                tcflush(master, TCIFLUSH); /* IDENTs sent meanwhile went unheard */
                frame_parser_init(&p);
                if (write(master, out, frame_encode(&stale, out, sizeof out)) < 0)
                    _exit(1);
                break;
            }
            a.len = 5;
            memcpy(a.data, "\0busy", 5);
            if (write(master, out, frame_encode(&a, out, sizeof out)) < 0)
                _exit(1);
        }
    }
}

static void open__waits_for_a_reader_busy_with_a_dead_programs_request(void **state)
{
    struct kwh_card_dev dev;
    struct reader_opts o;
    struct kwh_err e;
    char name[128];
    int master, slave, status;
    pid_t child;

    (void)state;
    assert_int_equal(openpty(&master, &slave, name, NULL, NULL), 0);
    reader_opts_default(&o);
    o.timeout_ms = 100;
    o.write_ms_per_byte = 3; /* busy for at most about 900 ms at 115200 baud */
    child = busy_reader(master, 400);
    assert_int_equal(reader_open(name, 115200, SERIAL_AUTO, &o, &dev, &e), 0);
    assert_true(reader_stats(&dev)->resyncs >= 1);
    dev.ops->close(dev.ctx);
    close(master);
    close(slave);
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
}

static void open__gives_up_on_a_silent_reader_once_no_request_could_keep_it_busy(void **state)
{
    struct kwh_card_dev dev;
    struct reader_opts o;
    struct kwh_err e;
    char name[128];
    int master, slave, status;
    int64_t t0, dt;
    pid_t child;

    (void)state;
    assert_int_equal(openpty(&master, &slave, name, NULL, NULL), 0);
    reader_opts_default(&o);
    o.timeout_ms = 100;
    o.write_ms_per_byte = 3;
    child = busy_reader(master, -1);
    t0 = ms_now();
    assert_int_equal(reader_open(name, 115200, SERIAL_AUTO, &o, &dev, &e), KWH_EDEVICE);
    dt = ms_now() - t0;
    assert_int_equal(e.detail, KWH_DEV_NO_READER);
    assert_non_null(strstr(e.msg, "no card reader answers"));
    assert_true(dt >= 100 + 3 * KWH_CARD_SIZE);
    assert_true(dt < 10000);
    close(master);
    close(slave);
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
}

static void open__names_a_missing_port(void **state)
{
    struct kwh_card_dev dev;
    struct kwh_err e;

    (void)state;
    assert_int_equal(reader_open("/dev/kwh-no-such-port", 9600, SERIAL_AUTO, NULL, &dev, &e),
                     KWH_EDEVICE);
    assert_int_equal(e.detail, KWH_DEV_NO_READER);
    assert_non_null(strstr(e.msg, "/dev/kwh-no-such-port"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(status__reports_the_card),
        T(event__removal_insertion_and_swap_are_told_once),
        T(event__a_card_read_between_two_looks_is_not_told_later),
        T(power_on__gives_the_atr_and_read_write_round_trip),
        T(read__refuses_a_range_outside_the_card),
        T(status_codes__each_becomes_a_clear_error),
        T(bad_frame__request_is_sent_again_once),
        T(checksum__a_garbled_answer_is_asked_for_again_not_redone),
        T(checksum__twice_in_a_row_is_a_bad_frame_error),
        T(noise__and_stale_answers_are_skipped),
        T(timeout__a_silent_reader_is_a_timeout_error),
        T(timeout__budget_grows_with_the_bytes_written),
        T(psc__wrong_counts_down_and_is_never_sent_twice),
        T(psc__reader_garbled_presentation_is_not_resent),
        T(gone__a_vanished_transport_is_no_reader),
        cmocka_unit_test(pty__real_timeout_then_hangup),
        cmocka_unit_test(open__waits_for_a_reader_busy_with_a_dead_programs_request),
        cmocka_unit_test(open__gives_up_on_a_silent_reader_once_no_request_could_keep_it_busy),
        cmocka_unit_test(open__names_a_missing_port),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
