/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: the PC/SC driver (src/card/pcsc.c) reading whatever a reader answers, in
 * every APDU dialect (src/card/apdu.c). The driver runs over a fake pcsc-lite (the table
 * of include/kwhpos/pcsc.h) whose answers are the input's bytes:
 *
 *   byte 0          the dialect (its index, modulo their count)
 *   byte 1, ...     the answer-to-reset SCardStatus gives: a length (modulo 34), the bytes
 *   then            the power-on every input starts with, then a stream of card
 *                   operations (one byte each: power-on, read, write, error counter, PSC
 *                   presentation, PSC change, status); each command sent takes its answer
 *                   from the input: a length byte (0xFF: the reader did not carry the
 *                   command out; 0xFE: pcscd's own error), then that many bytes (more
 *                   than the driver's buffer is refused, as pcsc-lite does)
 *
 * Whatever the answers, the driver gives a result or an error with a message, never a
 * tries count outside 0..3, never a read that claims success with fewer bytes than asked
 * (ASan checks the copies). The dialect's answer readers are also called directly on
 * every answer. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "kwhpos/apdu.h"
#include "kwhpos/pcsc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
    const uint8_t *p;
    size_t n;
    uint8_t atr[MAX_ATR_SIZE];
    DWORD atr_len;
    volatile int cancelled;
} in;

static int next(void)
{
    if (in.n == 0)
        return -1;
    in.n--;
    return *in.p++;
}

static LONG f_establish(DWORD scope, LPCVOID r1, LPCVOID r2, LPSCARDCONTEXT ctx)
{
    (void)scope, (void)r1, (void)r2;
    *ctx = 7;
    return SCARD_S_SUCCESS;
}

static LONG f_release(SCARDCONTEXT ctx)
{
    (void)ctx;
    return SCARD_S_SUCCESS;
}

static LONG f_list(SCARDCONTEXT ctx, LPCSTR groups, LPSTR readers, LPDWORD len)
{
    static const char names[] = "Fuzz Reader 00 00\0";
    (void)ctx, (void)groups;
    if (readers != NULL)
        memcpy(readers, names, sizeof names);
    *len = sizeof names;
    return SCARD_S_SUCCESS;
}

static LONG f_connect(SCARDCONTEXT ctx, LPCSTR reader, DWORD share, DWORD protos,
                      LPSCARDHANDLE card, LPDWORD active)
{
    (void)ctx, (void)reader, (void)share, (void)protos;
    *card = 9;
    *active = SCARD_PROTOCOL_T0;
    return SCARD_S_SUCCESS;
}

static LONG f_reconnect(SCARDHANDLE card, DWORD share, DWORD protos, DWORD init, LPDWORD active)
{
    (void)card, (void)share, (void)protos, (void)init;
    *active = SCARD_PROTOCOL_T1;
    return SCARD_S_SUCCESS;
}

static LONG f_disconnect(SCARDHANDLE card, DWORD disp)
{
    (void)card, (void)disp;
    return SCARD_S_SUCCESS;
}

static LONG f_status(SCARDHANDLE card, LPSTR name, LPDWORD name_len, LPDWORD state,
                     LPDWORD protocol, LPBYTE atr, LPDWORD atr_len)
{
    (void)card, (void)name, (void)name_len;
    *state = SCARD_PRESENT;
    *protocol = SCARD_PROTOCOL_T0;
    if (*atr_len < in.atr_len)
        return SCARD_E_INSUFFICIENT_BUFFER;
    memcpy(atr, in.atr, in.atr_len);
    *atr_len = in.atr_len;
    return SCARD_S_SUCCESS;
}

/* The watcher thread's wait: a card present from the start, then nothing changes. */
static LONG f_status_change(SCARDCONTEXT ctx, DWORD timeout, SCARD_READERSTATE *rs, DWORD n)
{
    struct timespec nap = {0, 20000000};
    (void)ctx, (void)n;
    if (rs->dwCurrentState == SCARD_STATE_UNAWARE) {
        rs->dwEventState = SCARD_STATE_PRESENT | SCARD_STATE_CHANGED | 1u << 16;
        return SCARD_S_SUCCESS;
    }
    for (DWORD waited = 0; timeout == INFINITE || waited < timeout; waited += 20) {
        if (in.cancelled) {
            in.cancelled = 0;
            return SCARD_E_CANCELLED;
        }
        nanosleep(&nap, NULL);
    }
    return SCARD_E_TIMEOUT;
}

static LONG f_cancel(SCARDCONTEXT ctx)
{
    (void)ctx;
    in.cancelled = 1;
    return SCARD_S_SUCCESS;
}

static const struct apdu_dialect *dialect_now;

/* The answers a reader might give: straight from the input. */
static LONG f_transmit(SCARDHANDLE card, const SCARD_IO_REQUEST *send_pci, LPCBYTE send,
                       DWORD send_len, SCARD_IO_REQUEST *recv_pci, LPBYTE recv, LPDWORD recv_len)
{
    int len = next(), t;
    uint8_t a4[4];
    const char *what;
    (void)card, (void)send_pci, (void)send, (void)send_len, (void)recv_pci;
    if (len < 0 || len == 0xFF)
        return SCARD_E_NOT_TRANSACTED;
    if (len == 0xFE)
        return SCARD_E_INVALID_VALUE;
    if ((DWORD)len > in.n)
        len = (int)in.n;
    if ((DWORD)len > *recv_len)
        return SCARD_E_INSUFFICIENT_BUFFER;
    memcpy(recv, in.p, (size_t)len);
    in.p += len;
    in.n -= (size_t)len;
    *recv_len = (DWORD)len;
    /* the dialect's answer readers on their own */
    if (apdu_tries(dialect_now, recv, (size_t)len, &t) && (t < 0 || t > KWH_PSC_TRIES))
        __builtin_trap();
    if (apdu_present_result(dialect_now, recv, (size_t)len, &t) >= 0 &&
        (t < 0 || t > KWH_PSC_TRIES))
        __builtin_trap();
    (void)apdu_atr(dialect_now, recv, (size_t)len, a4);
    (void)apdu_sw_detail(apdu_sw(recv, (size_t)len), &what);
    if (what == NULL)
        __builtin_trap();
    return SCARD_S_SUCCESS;
}

static const struct pcsc_api fake = {
    .establish = f_establish,
    .release = f_release,
    .list_readers = f_list,
    .connect = f_connect,
    .reconnect = f_reconnect,
    .disconnect = f_disconnect,
    .status = f_status,
    .get_status_change = f_status_change,
    .transmit = f_transmit,
    .cancel = f_cancel,
};

/* An error must say something. */
static void said(int rc, const struct kwh_err *e)
{
    if (rc < 0 && e->msg[0] == '\0')
        __builtin_trap();
    if (rc > 0)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct kwh_card_dev devs[8];
    static size_t ndevs;
    struct kwh_card_dev *dev;
    uint8_t buf[KWH_CARD_SIZE], psc[KWH_PSC_LEN] = {0xFF, 0xFF, 0xFF}, atr4[4];
    struct kwh_err e;
    int op, rc, tries;

    if (ndevs == 0) {
        struct pcsc_opts o;
        const struct apdu_dialect *d;
        pcsc_opts_default(&o);
        o.settle_ms = 0; /* a command not carried out: no waiting for a removal */
        for (; (d = apdu_dialect_at(ndevs)) != NULL && ndevs < 8; ndevs++) {
            o.dialect = d->name;
            if (pcsc_open_api(&fake, &o, &devs[ndevs], &e) < 0)
                __builtin_trap();
        }
    }
    if (size < 2)
        return 0;
    dev = &devs[data[0] % ndevs];
    dialect_now = apdu_dialect_at(data[0] % ndevs);
    in.atr_len = data[1] % (MAX_ATR_SIZE + 1);
    in.p = data + 2;
    in.n = size - 2;
    if (in.atr_len > in.n)
        in.atr_len = (DWORD)in.n;
    memcpy(in.atr, in.p, in.atr_len);
    in.p += in.atr_len;
    in.n -= in.atr_len;
    /* every input starts with a power-on (a cold reset: a new session), so what the
       device does depends on this input alone */
    kwh_err_clear(&e);
    said(dev->ops->power_on(dev->ctx, atr4, &e), &e);
    while ((op = next()) >= 0) {
        unsigned addr = (unsigned)op >> 3 << 3;
        size_t len = op % 2                      ? KWH_CARD_SIZE - addr
                     : 16 < KWH_CARD_SIZE - addr ? 16
                                                 : KWH_CARD_SIZE - addr;
        kwh_err_clear(&e);
        switch (op % 7) {
        case 0: rc = dev->ops->power_on(dev->ctx, atr4, &e); break;
        case 1:
            memset(buf, 0xA5, sizeof buf);
            rc = dev->ops->read(dev->ctx, addr, buf, len, &e);
            break;
        case 2: rc = dev->ops->write(dev->ctx, addr, buf, len, &e); break;
        case 3:
            tries = -7;
            rc = dev->ops->psc_tries(dev->ctx, &tries, &e);
            if (rc == 0 && (tries < 0 || tries > KWH_PSC_TRIES))
                __builtin_trap();
            break;
        case 4: rc = dev->ops->psc_present(dev->ctx, psc, &e); break;
        case 5: rc = dev->ops->psc_change(dev->ctx, psc, &e); break;
        default: {
            struct kwh_reader_status st;
            rc = dev->ops->status(dev->ctx, &st, &e);
            break;
        }
        }
        said(rc, &e);
    }
    return 0;
}
