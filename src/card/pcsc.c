/* SPDX-License-Identifier: Apache-2.0 */
/* The PC/SC reader driver (include/kwhpos/pcsc.h, docs/reader-pcsc.md). */
#include "kwhpos/pcsc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "card/pcsc_watch.h"
#include "kwhpos/apdu.h"
#include "kwhpos/carddev.h"
#include "kwhpos/util.h"

const struct pcsc_api pcsc_api_system = {
    .establish = SCardEstablishContext,
    .release = SCardReleaseContext,
    .list_readers = SCardListReaders,
    .connect = SCardConnect,
    .reconnect = SCardReconnect,
    .disconnect = SCardDisconnect,
    .status = SCardStatus,
    .get_status_change = SCardGetStatusChange,
    .transmit = SCardTransmit,
    .cancel = SCardCancel,
};

#define PROTOCOLS (SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1)
#define EVENT_COUNT(state) ((state) >> 16)

struct pcsc {
    const struct pcsc_api *api;
    const struct apdu_dialect *d;
    char prefix[MAX_READERNAME];
    int settle_ms;
    SCARDCONTEXT ctx;
    bool have_ctx;
    char reader[MAX_READERNAME]; /* the reader's full name; "" until found */
    struct pcsc_watch *w;        /* pcscd's view of it (pcsc_watch.h) */
    char watched[MAX_READERNAME];
    SCARDHANDLE card;
    bool connected;
    DWORD proto;
    bool powered;         /* a power-on succeeded and no removal was seen since */
    DWORD session_events; /* the reader's event count at that power-on */
    bool ev_known;        /* the event op has looked once */
    DWORD ev_state;       /* what it saw then */
    struct pcsc_stats st;
};

static const struct kwh_card_dev_ops pcsc_ops;

void pcsc_opts_default(struct pcsc_opts *o)
{
    o->reader = NULL;
    o->dialect = NULL;
    o->settle_ms = 1500;
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void disconnect(struct pcsc *r)
{
    if (r->connected)
        r->api->disconnect(r->card, SCARD_LEAVE_CARD);
    r->connected = false;
    r->powered = false;
}

static void release(struct pcsc *r)
{
    disconnect(r);
    if (r->have_ctx)
        r->api->release(r->ctx);
    r->have_ctx = false;
}

/* pcscd itself is not there (not running, restarted, stopped). */
static bool no_service(LONG rv)
{
    return rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED ||
           rv == SCARD_E_INVALID_HANDLE || rv == SCARD_F_COMM_ERROR;
}

/* The reader went away (unplugged) or was never there. */
static bool reader_gone(LONG rv)
{
    return rv == SCARD_E_UNKNOWN_READER || rv == SCARD_E_READER_UNAVAILABLE ||
           rv == SCARD_E_NO_READERS_AVAILABLE;
}

/* The failure rv of a pcsc-lite call made for what, as an error for a person. */
static int fail(struct pcsc *r, LONG rv, const char *what, struct kwh_err *e)
{
    const char *why = pcsc_stringify_error(rv);

    what = kwh_tr(what);
    if (no_service(rv)) {
        release(r);
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                            "the smart card service (pcscd) is not running or was restarted "
                            "(%s): start it (systemctl start pcscd), then try again",
                            why);
    }
    if (rv == SCARD_E_NO_READERS_AVAILABLE) {
        release(r);
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                            "no smart card reader is connected: plug in the reader (pcsc_scan "
                            "lists what pcscd sees)");
    }
    if (reader_gone(rv)) {
        disconnect(r);
        kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                     "the card reader \"%s\" is gone (%s): plug it in again, then read the "
                     "card again",
                     r->reader, why);
        r->reader[0] = '\0';
        return KWH_EDEVICE;
    }
    if (rv == SCARD_E_NO_SMARTCARD || rv == SCARD_W_REMOVED_CARD) {
        bool was = r->powered;

        disconnect(r);
        if (was || rv == SCARD_W_REMOVED_CARD)
            return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_REMOVED,
                                "the card was taken out of the reader during %s: put it back "
                                "and read it again",
                                what);
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_CARD,
                            "no card in the reader: insert the card and try again");
    }
    if (rv == SCARD_W_RESET_CARD) {
        disconnect(r);
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_REMOVED,
                            "the card was reset by another program during %s: read it again", what);
    }
    if (rv == SCARD_W_UNRESPONSIVE_CARD || rv == SCARD_W_UNPOWERED_CARD) {
        disconnect(r);
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_CARD,
                            "the card in the reader does not answer (%s): take it out and "
                            "insert it again, chip first",
                            why);
    }
    if (rv == SCARD_W_UNSUPPORTED_CARD || rv == SCARD_E_PROTO_MISMATCH ||
        rv == SCARD_E_CARD_UNSUPPORTED) {
        disconnect(r);
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_WRONG_CARD,
                            "the reader cannot use the card in it (%s): use a prepaid card of "
                            "this site (SLE4442/5542)",
                            why);
    }
    if (rv == SCARD_E_SHARING_VIOLATION)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                            "another program is using the card reader \"%s\": close it, then "
                            "try again",
                            r->reader);
    disconnect(r);
    return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_PROTOCOL,
                        "the card reader \"%s\" failed during %s (%s, 0x%08lX): take the card "
                        "out, unplug and replug the reader, then try again",
                        r->reader, what, why, (unsigned long)rv);
}

static int ensure_ctx(struct pcsc *r, struct kwh_err *e)
{
    LONG rv;

    if (r->have_ctx)
        return 0;
    rv = r->api->establish(SCARD_SCOPE_SYSTEM, NULL, NULL, &r->ctx);
    if (rv != SCARD_S_SUCCESS)
        return fail(r, rv, KWH_N("connecting to pcscd"), e);
    r->have_ctx = true;
    return 0;
}

/* The readers' names (a multi-string) into *names, heap; *len its size. */
static LONG list_names(const struct pcsc_api *api, SCARDCONTEXT ctx, char **names, DWORD *len)
{
    LONG rv;

    *names = NULL;
    *len = 0;
    rv = api->list_readers(ctx, NULL, NULL, len);
    if (rv != SCARD_S_SUCCESS)
        return rv;
    *names = calloc(1, *len + 2);
    if (*names == NULL)
        return SCARD_E_NO_MEMORY;
    rv = api->list_readers(ctx, NULL, *names, len);
    if (rv != SCARD_S_SUCCESS) {
        free(*names);
        *names = NULL;
    }
    return rv;
}

/* Finds the reader named by the prefix (the first one when it is empty). */
static int ensure_reader(struct pcsc *r, struct kwh_err *e)
{
    char *names, *p, seen[256];
    DWORD len;
    LONG rv;
    int rc;

    if ((rc = ensure_ctx(r, e)) < 0)
        return rc;
    if (r->reader[0] != '\0')
        return 0;
    rv = list_names(r->api, r->ctx, &names, &len);
    if (rv != SCARD_S_SUCCESS)
        return fail(r, rv, KWH_N("looking for the reader"), e);
    seen[0] = '\0';
    for (p = names; *p != '\0'; p += strlen(p) + 1) {
        if (strncmp(p, r->prefix, strlen(r->prefix)) == 0) {
            str_copy(r->reader, sizeof r->reader, p);
            break;
        }
        if (strlen(seen) + strlen(p) + 4 < sizeof seen)
            snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s\"%s\"",
                     seen[0] ? ", " : "", p);
    }
    free(names);
    if (r->reader[0] == '\0')
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                            "no card reader's name starts with \"%s\" (pcscd has %s): choose "
                            "the reader in 通讯参数设置 or fix [reader] name",
                            r->prefix, seen[0] ? seen : "none");
    if (r->w == NULL || strcmp(r->watched, r->reader) != 0) {
        pcsc_watch_stop(r->w);
        r->w = pcsc_watch_start(r->api, r->reader);
        str_copy(r->watched, sizeof r->watched, r->reader);
        if (r->w == NULL)
            return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    }
    return 0;
}

/* The reader's state now (SCARD_STATE_* with the event count in the high 16 bits). */
static int reader_state(struct pcsc *r, DWORD *state, struct kwh_err *e)
{
    LONG rv;
    int rc;

    if ((rc = ensure_reader(r, e)) < 0)
        return rc;
    rv = pcsc_watch_state(r->w, 0, 0, state);
    if (rv != SCARD_S_SUCCESS)
        return fail(r, rv, KWH_N("asking for the reader's state"), e);
    return 0;
}

/* After a command failed without a clear reason: waits a little for pcscd to notice a card
 * taken out, since that is the usual cause. */
static bool card_went_out(struct pcsc *r)
{
    int64_t deadline = now_us() + (int64_t)r->settle_ms * 1000;
    DWORD seen = 0, st;

    for (;;) {
        int64_t left = (deadline - now_us()) / 1000;

        if (pcsc_watch_state(r->w, seen, seen == 0 ? 0 : (int)(left > 0 ? left : 0), &st) !=
            SCARD_S_SUCCESS)
            return false;
        if (!(st & SCARD_STATE_PRESENT) || EVENT_COUNT(st) != r->session_events)
            return true;
        if (left <= 0)
            return false;
        seen = st;
    }
}

/* One command and its answer (at least a byte: the callers judge its length). */
static int xmit(struct pcsc *r, const char *what, const uint8_t *cmd, size_t n, uint8_t *ans,
                size_t *alen, struct kwh_err *e)
{
    const SCARD_IO_REQUEST *pci = r->proto == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
    DWORD len = (DWORD)*alen;
    int64_t t0 = now_us();
    LONG rv;

    if (!r->connected || !r->powered)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_REMOVED,
                            "the card was removed or replaced since it was read: read it again");
    rv = r->api->transmit(r->card, pci, cmd, (DWORD)n, NULL, ans, &len);
    r->st.transmit_us += (unsigned long)(now_us() - t0);
    r->st.apdus++;
    r->st.tx_bytes += n;
    if (rv == SCARD_S_SUCCESS && len >= 1) {
        r->st.rx_bytes += len;
        *alen = len;
        return 0;
    }
    if (rv != SCARD_S_SUCCESS && rv != SCARD_E_NOT_TRANSACTED && rv != SCARD_E_TIMEOUT)
        return fail(r, rv, what, e);
    /* the reader did not carry the command out: most often the card went out */
    what = kwh_tr(what);
    if (card_went_out(r)) {
        disconnect(r);
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_REMOVED,
                            "the card was taken out of the reader during %s: put it back and "
                            "read it again",
                            what);
    }
    disconnect(r);
    return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_TIMEOUT,
                        "the card reader \"%s\" did not carry out %s (%s): check its cable, "
                        "take the card out and insert it again, then read it again",
                        r->reader, what,
                        rv == SCARD_S_SUCCESS ? "no answer" : pcsc_stringify_error(rv));
}

/* A status word other than 90 00 for what, as an error. */
static int sw_error(struct pcsc *r, const char *what, unsigned sw, struct kwh_err *e)
{
    const char *why;
    int detail = apdu_sw_detail(sw, &why);

    what = kwh_tr(what);
    why = kwh_tr(why);
    if (detail == KWH_DEV_LOCKED)
        return carddev_locked(e);
    if (detail == KWH_DEV_UNSUPPORTED)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_UNSUPPORTED,
                            "the card reader \"%s\" refused %s (status %04X: %s): it speaks "
                            "another dialect than \"%s\"; check the reader model and [reader] "
                            "dialect",
                            r->reader, what, sw, why, r->d->name);
    if (detail == KWH_DEV_WRITE_FAILED)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_WRITE_FAILED,
                            "the card did not carry out %s (status %04X: %s): read the card "
                            "again; if it keeps failing the card is worn out",
                            what, sw, why);
    return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_PROTOCOL,
                        "the card reader \"%s\" answered %s with status %04X (%s): take the "
                        "card out, unplug and replug the reader, then try again",
                        r->reader, what, sw, why);
}

static int garbled(struct pcsc *r, const char *what, struct kwh_err *e)
{
    what = kwh_tr(what);
    return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_BAD_FRAME,
                        "the card reader \"%s\" gave malformed answers to %s twice in a row: "
                        "unplug and replug the reader, then try again",
                        r->reader, what);
}

static int pc_status(void *ctx, struct kwh_reader_status *st, struct kwh_err *e)
{
    struct pcsc *r = ctx;
    DWORD state;
    int rc;

    if (r->connected) {
        /* pcscd asked directly: the watcher thread may not have seen it go yet */
        BYTE atr[MAX_ATR_SIZE];
        DWORD name_len = 0, cstate, proto, atr_len = sizeof atr;
        LONG rv = r->api->status(r->card, NULL, &name_len, &cstate, &proto, atr, &atr_len);

        if (no_service(rv))
            return fail(r, rv, KWH_N("asking for the reader's state"), e);
    }
    if ((rc = reader_state(r, &state, e)) < 0)
        return rc;
    st->card_present = (state & SCARD_STATE_PRESENT) != 0;
    st->card_changed = !r->powered || EVENT_COUNT(state) != r->session_events;
    return 0;
}

static int pc_power_on(void *ctx, uint8_t atr4[4], struct kwh_err *e)
{
    struct pcsc *r = ctx;
    uint8_t cmd[APDU_MAX], ans[64], atr[MAX_ATR_SIZE];
    DWORD state, atr_len = sizeof atr, name_len = 0, cstate, proto;
    size_t n, alen = sizeof ans;
    LONG rv = SCARD_S_SUCCESS;
    int rc;

    r->powered = false;
    if ((rc = ensure_reader(r, e)) < 0)
        return rc;
    if (r->connected) {
        /* a cold reset: a new session, the PSC forgotten */
        rv = r->api->reconnect(r->card, SCARD_SHARE_SHARED, PROTOCOLS, SCARD_UNPOWER_CARD,
                               &r->proto);
        if (rv != SCARD_S_SUCCESS)
            disconnect(r);
    }
    if (!r->connected) {
        rv = r->api->connect(r->ctx, r->reader, SCARD_SHARE_SHARED, PROTOCOLS, &r->card, &r->proto);
        if (rv != SCARD_S_SUCCESS)
            return fail(r, rv, KWH_N("the power-on"), e);
        r->connected = true;
    }
    if ((rc = reader_state(r, &state, e)) < 0)
        return rc;
    r->session_events = EVENT_COUNT(state);
    r->powered = true;
    /* the card is in hand: the event look must not tell it later as a new card */
    r->ev_state = state;
    r->ev_known = true;
    if ((n = apdu_build(r->d, APDU_SELECT, 0, NULL, 0, cmd)) > 0) {
        for (int attempt = 0; attempt < 2; attempt++) {
            alen = sizeof ans;
            if ((rc = xmit(r, KWH_N("the card type selection"), cmd, n, ans, &alen, e)) < 0)
                return rc;
            if (alen >= 2) /* older ACS firmware puts the card's ATR before 90 00 */
                break;
            r->st.repeats++;
        }
        if (alen < 2)
            return garbled(r, KWH_N("the card type selection"), e);
        if (apdu_sw(ans, alen) != 0x9000) {
            unsigned sw = apdu_sw(ans, alen);
            r->powered = false;
            return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_WRONG_CARD,
                                "the card reader \"%s\" cannot select an SLE4442/5542 memory "
                                "card (status %04X): check the reader model and [reader] "
                                "dialect, and that the card is a prepaid card of this site",
                                r->reader, sw);
        }
    }
    rv = r->api->status(r->card, NULL, &name_len, &cstate, &proto, atr, &atr_len);
    if (rv != SCARD_S_SUCCESS)
        return fail(r, rv, KWH_N("the power-on"), e);
    if (!apdu_atr(r->d, atr, atr_len, atr4)) {
        char hex[3 * MAX_ATR_SIZE + 1] = "";
        for (DWORD i = 0; i < atr_len && i < MAX_ATR_SIZE; i++)
            snprintf(hex + strlen(hex), sizeof hex - strlen(hex), "%s%02X", i ? " " : "", atr[i]);
        r->powered = false;
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_WRONG_CARD,
                            "the card in the reader is not an SLE4442/5542 memory card (its "
                            "answer-to-reset is %s): use a prepaid card of this site",
                            hex);
    }
    return 0;
}

static int pc_read(void *ctx, unsigned addr, uint8_t *buf, size_t len, struct kwh_err *e)
{
    struct pcsc *r = ctx;
    uint8_t cmd[APDU_MAX], ans[KWH_CARD_SIZE + 16];
    int rc;

    if ((rc = carddev_check_range(addr, len, e)) < 0)
        return rc;
    while (len > 0) {
        size_t n = len < r->d->read_max ? len : r->d->read_max, alen = 0, cl;
        int attempt;

        cl = apdu_build(r->d, APDU_READ, addr, NULL, n, cmd);
        for (attempt = 0; attempt < 2; attempt++) {
            alen = sizeof ans;
            if ((rc = xmit(r, KWH_N("reading the card"), cmd, cl, ans, &alen, e)) < 0)
                return rc;
            if (alen == 2 && apdu_sw(ans, alen) != 0x9000)
                return sw_error(r, KWH_N("reading the card"), apdu_sw(ans, alen), e);
            if ((alen == n + 2 || alen == n + 2 + r->d->read_trailer) &&
                apdu_sw(ans, alen) == 0x9000)
                break;
            r->st.repeats++;
        }
        if (attempt == 2)
            return garbled(r, KWH_N("reading the card"), e);
        memcpy(buf, ans, n);
        buf += n;
        addr += (unsigned)n;
        len -= n;
    }
    return 0;
}

static int pc_write(void *ctx, unsigned addr, const uint8_t *buf, size_t len, struct kwh_err *e)
{
    struct pcsc *r = ctx;
    uint8_t cmd[APDU_MAX], ans[16];
    size_t total = len;
    int rc;

    if ((rc = carddev_check_range(addr, len, e)) < 0)
        return rc;
    while (len > 0) {
        size_t n = len < r->d->write_max ? len : r->d->write_max, alen = sizeof ans;
        size_t cl = apdu_build(r->d, APDU_WRITE, addr, buf, n, cmd);

        rc = xmit(r, KWH_N("writing the card"), cmd, cl, ans, &alen, e);
        if (rc < 0 && e != NULL && e->detail == KWH_DEV_REMOVED)
            return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_REMOVED,
                                "the card was taken out while it was being written (%zu of %zu "
                                "bytes confirmed, the next %zu perhaps in part): put it back "
                                "and read it again",
                                total - len, total, n);
        if (rc < 0)
            return rc;
        if (alen == 2 && apdu_sw(ans, alen) != 0x9000)
            return sw_error(r, KWH_N("writing the card"), apdu_sw(ans, alen), e);
        if (alen != 2)
            return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_BAD_FRAME,
                                "the card reader \"%s\" gave a malformed answer to a write: "
                                "read the card again to see what it holds",
                                r->reader);
        r->st.written += n;
        buf += n;
        addr += (unsigned)n;
        len -= n;
    }
    return 0;
}

static int pc_psc_tries(void *ctx, int *tries_left, struct kwh_err *e)
{
    struct pcsc *r = ctx;
    uint8_t cmd[APDU_MAX], ans[16];
    size_t cl = apdu_build(r->d, APDU_TRIES, 0, NULL, 0, cmd);
    int rc;

    for (int attempt = 0; attempt < 2; attempt++) {
        size_t alen = sizeof ans;
        unsigned sw;

        if ((rc = xmit(r, KWH_N("the PSC error counter read"), cmd, cl, ans, &alen, e)) < 0)
            return rc;
        if (apdu_tries(r->d, ans, alen, tries_left))
            return 0;
        sw = apdu_sw(ans, alen);
        if (alen == 2 && sw != 0x9000 && (sw >> 8) != 0x63 && sw != 0x6983)
            return sw_error(r, KWH_N("the PSC error counter read"), sw, e);
        r->st.repeats++;
    }
    return garbled(r, KWH_N("the PSC error counter read"), e);
}

static int pc_psc_present(void *ctx, const uint8_t psc[KWH_PSC_LEN], struct kwh_err *e)
{
    struct pcsc *r = ctx;
    uint8_t cmd[APDU_MAX], ans[16];
    size_t cl, alen = sizeof ans;
    int tries, rc, res;

    /* presented as asked: whether enough tries are left to risk it is the card writer's
       decision (kwhpos/cardwrite.h), made with one reading of the counter */
    cl = apdu_build(r->d, APDU_PRESENT, 0, psc, KWH_PSC_LEN, cmd);
    if ((rc = xmit(r, KWH_N("the PSC presentation"), cmd, cl, ans, &alen, e)) < 0)
        return kwh_err_prefix(e, "the PSC may have been presented (read the error counter "
                                 "before another try)");
    res = apdu_present_result(r->d, ans, alen, &tries);
    if (res == 1)
        return 0;
    if (res == 0 && tries == 0)
        return carddev_locked(e);
    if (res == 0)
        return kwh_err_setd(e, KWH_ECARD, KWH_DEV_WRONG_PSC,
                            "the card refused the PSC (%d tries left before it locks for ever): "
                            "this card belongs to another site or was not issued here",
                            tries);
    if (alen == 2 && (apdu_sw(ans, alen) >> 8) != 0x90)
        return sw_error(r, KWH_N("the PSC presentation"), apdu_sw(ans, alen), e);
    kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_BAD_FRAME,
                 "the card reader \"%s\" gave a malformed answer to the PSC presentation",
                 r->reader);
    return kwh_err_prefix(e, "the PSC may have been presented (read the error counter before "
                             "another try)");
}

static int pc_psc_change(void *ctx, const uint8_t psc[KWH_PSC_LEN], struct kwh_err *e)
{
    struct pcsc *r = ctx;
    uint8_t cmd[APDU_MAX], ans[16];
    size_t cl = apdu_build(r->d, APDU_CHANGE, 0, psc, KWH_PSC_LEN, cmd), alen = sizeof ans;
    int rc;

    if ((rc = xmit(r, KWH_N("the PSC change"), cmd, cl, ans, &alen, e)) < 0)
        return rc;
    if (alen != 2)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_BAD_FRAME,
                            "the card reader \"%s\" gave a malformed answer to the PSC change: "
                            "read the card again",
                            r->reader);
    if (apdu_sw(ans, alen) != 0x9000)
        return sw_error(r, KWH_N("the PSC change"), apdu_sw(ans, alen), e);
    return 0;
}

/* Insertion and removal from pcscd's state: the present bit and the reader's event count,
 * which moves on every insertion and removal, so a card swapped between two looks shows. */
static int pc_event(void *ctx, int timeout_ms, enum kwh_card_event *ev, struct kwh_err *e)
{
    struct pcsc *r = ctx;
    bool was, now;
    DWORD st;
    LONG rv;
    int rc;

    *ev = KWH_CARD_EV_NONE;
    if ((rc = ensure_reader(r, e)) < 0)
        return rc;
    rv = pcsc_watch_state(r->w, r->ev_known ? r->ev_state : 0, r->ev_known ? timeout_ms : 0, &st);
    if (rv == SCARD_E_TIMEOUT)
        return 0;
    if (rv != SCARD_S_SUCCESS)
        return fail(r, rv, KWH_N("waiting for a card"), e);
    was = (r->ev_state & SCARD_STATE_PRESENT) != 0;
    now = (st & SCARD_STATE_PRESENT) != 0;
    if (r->ev_known) {
        if (was && !now)
            *ev = KWH_CARD_EV_REMOVED;
        else if (now && (!was || EVENT_COUNT(st) != EVENT_COUNT(r->ev_state)))
            *ev = KWH_CARD_EV_INSERTED;
    }
    r->ev_known = true;
    r->ev_state = st;
    return 0;
}

static void pc_close(void *ctx)
{
    struct pcsc *r = ctx;

    if (r == NULL)
        return;
    release(r);
    pcsc_watch_stop(r->w);
    free(r);
}

static const struct kwh_card_dev_ops pcsc_ops = {
    .status = pc_status,
    .power_on = pc_power_on,
    .read = pc_read,
    .write = pc_write,
    .psc_tries = pc_psc_tries,
    .psc_present = pc_psc_present,
    .psc_change = pc_psc_change,
    .close = pc_close,
    .event = pc_event,
};

int pcsc_open_api(const struct pcsc_api *api, const struct pcsc_opts *o, struct kwh_card_dev *dev,
                  struct kwh_err *e)
{
    struct pcsc_opts def;
    struct pcsc *r;
    int rc;

    if (o == NULL) {
        pcsc_opts_default(&def);
        o = &def;
    }
    if (apdu_dialect_find(o->dialect) == NULL)
        return kwh_err_set(e, KWH_EINVAL,
                           "unknown APDU dialect \"%s\" for the PC/SC reader: use \"acs\" or "
                           "\"iso\"",
                           o->dialect);
    r = calloc(1, sizeof *r);
    if (r == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    r->api = api;
    r->d = apdu_dialect_find(o->dialect);
    str_copy(r->prefix, sizeof r->prefix, o->reader != NULL ? o->reader : "");
    r->settle_ms = o->settle_ms;
    if ((rc = ensure_reader(r, e)) < 0) {
        pc_close(r);
        return rc;
    }
    dev->ops = &pcsc_ops;
    dev->ctx = r;
    return 0;
}

int pcsc_open(const struct pcsc_opts *o, struct kwh_card_dev *dev, struct kwh_err *e)
{
    return pcsc_open_api(&pcsc_api_system, o, dev, e);
}

int pcsc_list_readers(char **names, size_t *n, struct kwh_err *e)
{
    SCARDCONTEXT ctx;
    DWORD len;
    LONG rv;

    *names = NULL;
    *n = 0;
    rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
    if (rv != SCARD_S_SUCCESS)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                            "the smart card service (pcscd) is not running (%s): PC/SC "
                            "readers cannot be listed; start it (systemctl start pcscd)",
                            pcsc_stringify_error(rv));
    rv = list_names(&pcsc_api_system, ctx, names, &len);
    SCardReleaseContext(ctx);
    if (rv == SCARD_E_NO_READERS_AVAILABLE)
        return 0;
    if (rv != SCARD_S_SUCCESS)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_PROTOCOL,
                            "pcscd could not list its readers (%s)", pcsc_stringify_error(rv));
    for (const char *p = *names; *p != '\0'; p += strlen(p) + 1)
        (*n)++;
    return 0;
}

const char *pcsc_reader_name(const struct kwh_card_dev *dev)
{
    if (dev == NULL || dev->ops != &pcsc_ops)
        return NULL;
    return ((const struct pcsc *)dev->ctx)->reader;
}

const struct pcsc_stats *pcsc_stats(const struct kwh_card_dev *dev)
{
    if (dev == NULL || dev->ops != &pcsc_ops)
        return NULL;
    return &((const struct pcsc *)dev->ctx)->st;
}
