/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: the framed-serial reader driver (src/card/reader.c) reading whatever a
 * reader answers. fuzz_frame covers the frame parser; this target covers what the driver
 * makes of the frames' contents: the status byte and the data of every answer, of any
 * length, to every command, with garbled lines, stale answers and silence between.
 *
 * The driver runs over a fake transport: each request it writes is parsed, and the
 * answer comes from the input: a control byte (modulo 8: 0-4 an answer frame to the
 * request; 5 the same after noise; 6 an answer whose checksum is broken; 7 the same
 * after a stale answer, with the SEQ of the request before), a length byte (255 and one more byte
 * for longer ones) and that many bytes of the answer's data (status first). The input's first bytes
 * answer the power-on every input starts with; then each byte is a card operation (power-on, read,
 * write, error counter, PSC presentation, PSC change, status, IDENT; a read or write
 * takes one more byte: the address in its high nibble, odd for the rest of the card,
 * else 16 bytes) whose requests take their answers from what follows. Once the
 * input is used up the reader is gone (unplugged). The driver gives a result or an error
 * with a message, never a tries count outside 0..3. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "kwhpos/frame.h"
#include "kwhpos/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The driver's clock is virtual while an input runs (the target is linked with
 * -Wl,--wrap=clock_gettime,--wrap=nanosleep, see the Makefile): time passes only when
 * the driver waits for an answer that is not queued, by the whole wait at once. The
 * driver's time-outs and its resynchronisation deadline are taken exactly as on a real
 * line, without the real milliseconds: an input costs microseconds, which is what lets
 * a run reach millions of inputs. Outside an input (libFuzzer's own timers, on this
 * thread or another) the real clock answers. */
int __real_clock_gettime(clockid_t clk, struct timespec *ts);
int __wrap_clock_gettime(clockid_t clk, struct timespec *ts);
int __real_nanosleep(const struct timespec *req, struct timespec *rem);
int __wrap_nanosleep(const struct timespec *req, struct timespec *rem);

static _Thread_local bool virtual_time;
static int64_t virtual_ns = 1000000000;

int __wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
    if (!virtual_time)
        return __real_clock_gettime(clk, ts);
    ts->tv_sec = (time_t)(virtual_ns / 1000000000);
    ts->tv_nsec = (long)(virtual_ns % 1000000000);
    return 0;
}

int __wrap_nanosleep(const struct timespec *req, struct timespec *rem)
{
    if (!virtual_time)
        return __real_nanosleep(req, rem);
    virtual_ns += (int64_t)req->tv_sec * 1000000000 + req->tv_nsec;
    if (rem != NULL)
        rem->tv_sec = 0, rem->tv_nsec = 0;
    return 0;
}

static struct {
    const uint8_t *p;
    size_t n;
    uint8_t q[4 * FRAME_MAX];
    size_t qlen, qoff;
    struct frame_parser req;
    bool gone;       /* the input is used up */
    bool waited_now; /* the driver found nothing to read for its request */
    bool waited;     /* ... for an earlier request of this input */
} in;

static int next(void)
{
    if (in.n == 0)
        return -1;
    in.n--;
    return *in.p++;
}

static void queue(const uint8_t *b, size_t n)
{
    if (n > sizeof in.q - in.qlen)
        n = sizeof in.q - in.qlen;
    memcpy(in.q + in.qlen, b, n);
    in.qlen += n;
}

/* The answer to one request, as the input says. */
static void answer(const struct frame *rq)
{
    uint8_t buf[FRAME_MAX];
    struct frame f;
    int c = next(), len;
    size_t n;

    if (c < 0) {
        /* the input is used up: the reader is unplugged (silence would cost the
           driver's whole answer time) */
        in.gone = true;
        return;
    }
    if (c % 8 == 5) { /* noise first */
        len = next();
        n = len < 0 ? 0 : (size_t)len < in.n ? (size_t)len : in.n;
        queue(in.p, n);
        in.p += n;
        in.n -= n;
    }
    if ((len = next()) == 255 && in.n > 0) /* 255 and a second byte: longer answers */
        len += next();
    f.seq = rq->seq;
    f.cmd = rq->cmd | FRAME_RESPONSE;
    n = len < 0 ? 0 : (size_t)len < in.n ? (size_t)len : in.n;
    if (n > FRAME_DATA_MAX)
        n = FRAME_DATA_MAX;
    f.len = (uint16_t)n;
    memcpy(f.data, in.p, n);
    in.p += n;
    in.n -= n;
    if (c % 8 == 7) { /* a stale answer first: an earlier request's */
        f.seq = (uint8_t)(rq->seq - 1);
        queue(buf, frame_encode(&f, buf, sizeof buf));
        f.seq = rq->seq;
    }
    n = frame_encode(&f, buf, sizeof buf);
    if (c % 8 == 6 && n > 2)
        buf[n - 2] ^= 0x5A; /* the CRC */
    queue(buf, n);
}

static int t_read(void *ctx, uint8_t *buf, size_t n, int timeout_ms, size_t *got, struct kwh_err *e)
{
    (void)ctx;
    *got = in.qlen - in.qoff < n ? in.qlen - in.qoff : n;
    if (*got == 0 && (in.gone || in.waited))
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER, "the reader is gone");
    if (*got == 0) {
        in.waited_now = true;
        virtual_ns += (int64_t)(timeout_ms > 0 ? timeout_ms : 1) * 1000000; /* the wait */
    }
    memcpy(buf, in.q + in.qoff, *got);
    in.qoff += *got;
    /* nothing queued: a quiet timeout, the whole wait passed at once. The driver waits
       out its answer time for an answer cut short by noise; after the first such wait
       in an input the reader is gone, so that an input costs no more */
    return 0;
}

static int t_write(void *ctx, const uint8_t *buf, size_t n, int timeout_ms, struct kwh_err *e)
{
    struct frame f;
    (void)ctx, (void)timeout_ms, (void)e;
    in.waited |= in.waited_now;
    frame_parser_push(&in.req, buf, n);
    while (frame_parser_next(&in.req, &f) == FRAME_EV_FRAME)
        answer(&f);
    return 0;
}

static int t_drain(void *ctx, int timeout_ms, struct kwh_err *e)
{
    (void)ctx, (void)timeout_ms, (void)e;
    return 0;
}

static int t_flush(void *ctx, struct kwh_err *e)
{
    (void)ctx, (void)e;
    in.qlen = in.qoff = 0;
    return 0;
}

static void t_close(void *ctx)
{
    (void)ctx;
}

static const struct kwh_transport_ops fake = {
    .read = t_read, .write = t_write, .drain = t_drain, .flush_input = t_flush, .close = t_close};

static void said(int rc, const struct kwh_err *e)
{
    if ((rc < 0 && e->msg[0] == '\0') || rc > 0)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct kwh_card_dev dev;
    uint8_t buf[KWH_CARD_SIZE], psc[KWH_PSC_LEN] = {0xFF, 0xFF, 0xFF}, atr[4];
    struct kwh_reader_status st;
    struct kwh_err e;
    char who[80];
    int op, tries;

    if (dev.ops == NULL) {
        /* the driver's default answer time and card timing, on the virtual clock */
        struct reader_opts o;
        reader_opts_default(&o);
        struct kwh_transport t = {.ops = &fake, .name = "fuzz", .backend = "memory"};
        if (reader_attach(&t, &o, &dev, &e) < 0)
            __builtin_trap();
    }
    virtual_time = true;
    in.p = data;
    in.n = size;
    in.qlen = in.qoff = 0;
    in.gone = in.waited_now = in.waited = false;
    frame_parser_init(&in.req);
    kwh_err_clear(&e);
    said(dev.ops->power_on(dev.ctx, atr, &e), &e);
    while ((op = next()) >= 0) {
        int arg = op % 8 == 1 || op % 8 == 2 ? next() : 0;
        unsigned addr = (unsigned)(arg < 0 ? 0 : arg & 0xF0);
        size_t len = arg > 0 && arg & 1 ? KWH_CARD_SIZE - addr : 16;
        kwh_err_clear(&e);
        switch (op % 8) {
        case 0: said(dev.ops->power_on(dev.ctx, atr, &e), &e); break;
        case 1:
            memset(buf, 0xA5, sizeof buf);
            said(dev.ops->read(dev.ctx, addr, buf, len, &e), &e);
            break;
        case 2: said(dev.ops->write(dev.ctx, addr, buf, len, &e), &e); break;
        case 3:
            tries = -7;
            said(dev.ops->psc_tries(dev.ctx, &tries, &e), &e);
            if (e.msg[0] == '\0' && (tries < 0 || tries > KWH_PSC_TRIES))
                __builtin_trap();
            break;
        case 4: said(dev.ops->psc_present(dev.ctx, psc, &e), &e); break;
        case 5: said(dev.ops->psc_change(dev.ctx, psc, &e), &e); break;
        case 6: said(dev.ops->status(dev.ctx, &st, &e), &e); break;
        default: said(reader_ident(&dev, who, sizeof who, &e), &e); break;
        }
    }
    virtual_time = false;
    return 0;
}
