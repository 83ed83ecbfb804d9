/* SPDX-License-Identifier: Apache-2.0 */
/* The PC/SC driver over a fake pcsc-lite (the table of include/kwhpos/pcsc.h): every
 * failure pcsc-lite reports turned into the right error, a PSC presentation sent once
 * and the card writer's guard of the tries over this driver, with an in-memory SLE4442
 * behind an ACS-dialect reader. The real pcscd with vpcd and kwhsim is
 * tests/integ/reader_pcsc.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <time.h>

#include "../support/check.h"
#include "kwhpos/cardprofile.h"
#include "kwhpos/cardwrite.h"
#include "kwhpos/pcsc.h"

/* The fake reader and card. */
static struct fake {
    LONG fail_establish, fail_list, fail_connect, fail_transmit, fail_status_change;
    int transmit_fail_at; /* the n-th transmit fails with fail_transmit (1-based; 0 = any) */
    int transmits;
    bool present;
    DWORD events; /* pcscd's event count */
    uint8_t atr[8];
    DWORD atr_len;
    uint8_t mem[256];
    uint8_t psc[3];
    int tries;
    bool unlocked;
    bool iso;         /* answer as an ISO 7816-4 reader */
    bool old_present; /* answer the PSC presentation as older ACS firmware (6 bytes) */
    bool trailer;     /* append the 4 protection bytes to read answers */
    uint8_t ins[64];  /* the INS of each command, in order */
    int nins;
    const char *readers; /* multi-string */
    volatile int cancelled;
} fk;

static LONG f_establish(DWORD scope, LPCVOID r1, LPCVOID r2, LPSCARDCONTEXT ctx)
{
    (void)scope, (void)r1, (void)r2;
    *ctx = 7;
    return fk.fail_establish;
}

static LONG f_release(SCARDCONTEXT ctx)
{
    (void)ctx;
    return SCARD_S_SUCCESS;
}

static LONG f_list(SCARDCONTEXT ctx, LPCSTR groups, LPSTR readers, LPDWORD len)
{
    size_t n = 0;
    (void)ctx, (void)groups;
    if (fk.fail_list)
        return fk.fail_list;
    while (fk.readers[n] != '\0')
        n += strlen(fk.readers + n) + 1;
    n++;
    if (readers != NULL)
        memcpy(readers, fk.readers, n);
    *len = (DWORD)n;
    return SCARD_S_SUCCESS;
}

static LONG f_connect(SCARDCONTEXT ctx, LPCSTR reader, DWORD share, DWORD protos,
                      LPSCARDHANDLE card, LPDWORD active)
{
    (void)ctx, (void)reader, (void)share, (void)protos;
    if (fk.fail_connect)
        return fk.fail_connect;
    if (!fk.present)
        return SCARD_E_NO_SMARTCARD;
    *card = 9;
    *active = SCARD_PROTOCOL_T0;
    fk.unlocked = false;
    return SCARD_S_SUCCESS;
}

static LONG f_reconnect(SCARDHANDLE card, DWORD share, DWORD protos, DWORD init, LPDWORD active)
{
    (void)card, (void)share, (void)protos, (void)init;
    if (!fk.present)
        return SCARD_W_REMOVED_CARD;
    *active = SCARD_PROTOCOL_T0;
    fk.unlocked = false;
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
    (void)card, (void)name, (void)name_len, (void)state, (void)protocol;
    memcpy(atr, fk.atr, fk.atr_len);
    *atr_len = fk.atr_len;
    return SCARD_S_SUCCESS;
}

/* Waits (the driver's watcher thread does, with INFINITE) until the reader's state
 * differs from what the caller knows, or SCardCancel. */
static LONG f_status_change(SCARDCONTEXT ctx, DWORD timeout, SCARD_READERSTATE *rs, DWORD n)
{
    struct timespec nap = {0, 2000000};
    (void)ctx, (void)n;
    for (DWORD waited = 0;; waited += 2) {
        DWORD now = (fk.present ? SCARD_STATE_PRESENT : SCARD_STATE_EMPTY) | fk.events << 16;
        if (fk.fail_status_change)
            return fk.fail_status_change;
        if (rs->dwCurrentState == SCARD_STATE_UNAWARE || rs->dwCurrentState != now) {
            rs->dwEventState = now | SCARD_STATE_CHANGED;
            return SCARD_S_SUCCESS;
        }
        if (fk.cancelled) {
            fk.cancelled = 0;
            return SCARD_E_CANCELLED;
        }
        if (timeout != INFINITE && waited >= timeout)
            return SCARD_E_TIMEOUT;
        nanosleep(&nap, NULL);
    }
}

static LONG f_cancel(SCARDCONTEXT ctx)
{
    (void)ctx;
    fk.cancelled = 1;
    return SCARD_S_SUCCESS;
}

static DWORD answer(LPBYTE out, const uint8_t *data, size_t n, unsigned sw)
{
    if (n > 0)
        memcpy(out, data, n);
    out[n] = (uint8_t)(sw >> 8);
    out[n + 1] = (uint8_t)sw;
    return (DWORD)n + 2;
}

static DWORD card(const uint8_t *c, DWORD n, LPBYTE out)
{
    uint8_t errcnt[4] = {(uint8_t)((1u << fk.tries) - 1), 0, 0, 0};
    uint8_t buf[260];

    fk.ins[fk.nins++ % 64] = c[1];
    switch (c[1]) {
    case 0xA4: return answer(out, NULL, 0, 0x9000);
    case 0xB0:
        memcpy(buf, fk.mem + c[3], c[4]);
        memset(buf + c[4], 0xFF, 4);
        return answer(out, buf, c[4] + (fk.trailer ? 4u : 0u), 0x9000);
    case 0xD0:
    case 0xD6:
        if (!fk.unlocked)
            return answer(out, NULL, 0, 0x6982);
        memcpy(fk.mem + c[3], c + 5, c[4]);
        return answer(out, NULL, 0, 0x9000);
    case 0xB1: return answer(out, errcnt, 4, 0x9000);
    case 0x20:
        if (n == 4) /* ISO: VERIFY without data asks for the counter */
            return answer(out, NULL, 0, fk.tries ? 0x63C0u | (unsigned)fk.tries : 0x6983);
        if (fk.tries > 0)
            fk.tries--;
        if (memcmp(c + 5, fk.psc, 3) == 0) {
            fk.tries = 3;
            fk.unlocked = true;
        }
        errcnt[0] = (uint8_t)((1u << fk.tries) - 1);
        if (fk.iso)
            return answer(out, NULL, 0,
                          fk.unlocked ? 0x9000
                          : fk.tries  ? 0x63C0u | (unsigned)fk.tries
                                      : 0x6983);
        if (fk.old_present) {
            memcpy(buf, errcnt, 1);
            memcpy(buf + 1, c + 5, 3);
            return answer(out, buf, 4, 0x9000);
        }
        return answer(out, NULL, 0, 0x9000u | errcnt[0]);
    case 0xD2:
    case 0x24:
        if (!fk.unlocked)
            return answer(out, NULL, 0, 0x6982);
        memcpy(fk.psc, c + 5, 3);
        return answer(out, NULL, 0, 0x9000);
    }
    return answer(out, NULL, 0, 0x6D00);
}

static LONG f_transmit(SCARDHANDLE h, const SCARD_IO_REQUEST *spci, LPCBYTE send, DWORD slen,
                       SCARD_IO_REQUEST *rpci, LPBYTE recv, LPDWORD rlen)
{
    (void)h, (void)spci, (void)rpci;
    fk.transmits++;
    if (fk.fail_transmit && (fk.transmit_fail_at == 0 || fk.transmit_fail_at == fk.transmits))
        return fk.fail_transmit;
    if (!fk.present)
        return SCARD_W_REMOVED_CARD;
    *rlen = card(send, slen, recv);
    return SCARD_S_SUCCESS;
}

static const struct pcsc_api fake_api = {
    f_establish,  f_release, f_list,          f_connect,  f_reconnect,
    f_disconnect, f_status,  f_status_change, f_transmit, f_cancel,
};

static int setup(void **state)
{
    (void)state;
    memset(&fk, 0, sizeof fk);
    fk.readers = "ACS ACR39U ICC Reader 00 00\0Other Reader 01 00\0";
    fk.present = true;
    fk.events = 1;
    memcpy(fk.atr, "\x3B\x04\xA2\x13\x10\x91", 6);
    fk.atr_len = 6;
    memset(fk.mem, 0xFF, sizeof fk.mem);
    memcpy(fk.mem, "\xA2\x13\x10\x91", 4);
    memset(fk.psc, 0xFF, 3);
    fk.tries = 3;
    return 0;
}

static struct kwh_card_dev open_dev(const char *dialect)
{
    struct kwh_card_dev dev;
    struct pcsc_opts o;
    struct kwh_err e;

    pcsc_opts_default(&o);
    o.reader = "ACS";
    o.dialect = dialect;
    o.settle_ms = 1000;
    if (pcsc_open_api(&fake_api, &o, &dev, &e) < 0)
        fail_msg("open: %s", e.msg);
    return dev;
}

static int open_err(struct kwh_err *e, const char *name)
{
    struct kwh_card_dev dev;
    struct pcsc_opts o;

    pcsc_opts_default(&o);
    o.reader = name;
    return pcsc_open_api(&fake_api, &o, &dev, e);
}

static void pcsc__says_pcscd_is_not_running(void **state)
{
    (void)state;
    fk.fail_establish = SCARD_E_NO_SERVICE;
    REFUSED(KWH_EDEVICE, "pcscd) is not running", open_err(&e_, ""));
}

static void pcsc__says_no_reader_is_connected(void **state)
{
    struct kwh_err e;
    (void)state;
    fk.fail_list = SCARD_E_NO_READERS_AVAILABLE;
    assert_int_equal(open_err(&e, ""), KWH_EDEVICE);
    assert_int_equal(e.detail, KWH_DEV_NO_READER);
    assert_non_null(strstr(e.msg, "plug in the reader"));
}

static void pcsc__finds_the_reader_by_the_start_of_its_name(void **state)
{
    struct kwh_card_dev dev;
    struct pcsc_opts o;
    struct kwh_err e;
    (void)state;
    pcsc_opts_default(&o);
    o.reader = "Other";
    assert_int_equal(pcsc_open_api(&fake_api, &o, &dev, &e), 0);
    assert_string_equal(pcsc_reader_name(&dev), "Other Reader 01 00");
    dev.ops->close(dev.ctx);
    o.reader = "";
    assert_int_equal(pcsc_open_api(&fake_api, &o, &dev, &e), 0);
    assert_string_equal(pcsc_reader_name(&dev), "ACS ACR39U ICC Reader 00 00");
    dev.ops->close(dev.ctx);
    REFUSED(KWH_EDEVICE, "no card reader's name starts with \"Gemalto\"", open_err(&e_, "Gemalto"));
}

static void pcsc__reports_no_card_and_a_card_taken_out(void **state)
{
    struct kwh_card_dev d = open_dev(NULL);
    uint8_t atr[4], buf[16];
    struct kwh_err e;
    (void)state;
    fk.present = false;
    assert_int_equal(d.ops->power_on(d.ctx, atr, &e), KWH_EDEVICE);
    assert_int_equal(e.detail, KWH_DEV_NO_CARD);
    fk.present = true;
    assert_int_equal(d.ops->power_on(d.ctx, atr, &e), 0);
    assert_memory_equal(atr, "\xA2\x13\x10\x91", 4);
    fk.fail_transmit = SCARD_W_REMOVED_CARD;
    assert_int_equal(d.ops->read(d.ctx, 0, buf, 16, &e), KWH_EDEVICE);
    assert_int_equal(e.detail, KWH_DEV_REMOVED);
    assert_non_null(strstr(e.msg, "put it back"));
    d.ops->close(d.ctx);
}

static void pcsc__reports_a_reader_unplugged(void **state)
{
    struct kwh_card_dev d = open_dev(NULL);
    uint8_t atr[4], buf[16];
    struct kwh_err e;
    (void)state;
    assert_int_equal(d.ops->power_on(d.ctx, atr, &e), 0);
    fk.fail_transmit = SCARD_E_READER_UNAVAILABLE;
    assert_int_equal(d.ops->read(d.ctx, 0, buf, 16, &e), KWH_EDEVICE);
    assert_int_equal(e.detail, KWH_DEV_NO_READER);
    assert_non_null(strstr(e.msg, "is gone"));
    fk.fail_transmit = 0;
    fk.fail_connect = SCARD_E_UNKNOWN_READER;
    assert_int_equal(d.ops->power_on(d.ctx, atr, &e), KWH_EDEVICE);
    assert_int_equal(e.detail, KWH_DEV_NO_READER);
    fk.fail_connect = 0;
    assert_int_equal(d.ops->power_on(d.ctx, atr, &e), 0); /* plugged in again */
    d.ops->close(d.ctx);
}

static void pcsc__a_command_not_carried_out_is_a_card_taken_out_or_a_time_out(void **state)
{
    struct kwh_card_dev d = open_dev(NULL);
    uint8_t atr[4], buf[16];
    struct kwh_err e;
    (void)state;
    assert_int_equal(d.ops->power_on(d.ctx, atr, &e), 0);
    fk.fail_transmit = SCARD_E_NOT_TRANSACTED;
    assert_int_equal(d.ops->read(d.ctx, 0, buf, 16, &e), KWH_EDEVICE);
    assert_int_equal(e.detail, KWH_DEV_TIMEOUT); /* the card stayed */
    fk.fail_transmit = 0;
    assert_int_equal(d.ops->power_on(d.ctx, atr, &e), 0);
    fk.fail_transmit = SCARD_E_NOT_TRANSACTED;
    fk.present = false; /* pcscd then sees it gone */
    fk.events++;
    assert_int_equal(d.ops->read(d.ctx, 0, buf, 16, &e), KWH_EDEVICE);
    assert_int_equal(e.detail, KWH_DEV_REMOVED);
    d.ops->close(d.ctx);
}

static void pcsc__refuses_a_card_of_another_type(void **state)
{
    struct kwh_card_dev d = open_dev(NULL);
    uint8_t atr[4];
    struct kwh_err e;
    (void)state;
    memcpy(fk.atr, "\x3B\x8F\x80\x01\x80\x4F", 6);
    assert_int_equal(d.ops->power_on(d.ctx, atr, &e), KWH_EDEVICE);
    assert_int_equal(e.detail, KWH_DEV_WRONG_CARD);
    assert_non_null(strstr(e.msg, "3B 8F 80 01 80 4F"));
    fk.fail_connect = SCARD_W_UNSUPPORTED_CARD;
    assert_int_equal(d.ops->power_on(d.ctx, atr, &e), KWH_EDEVICE);
    assert_int_equal(e.detail, KWH_DEV_WRONG_CARD);
    d.ops->close(d.ctx);
}

/* The driver presents what it is asked, once; whether a presentation may be risked is
 * the card writer's decision, made over this driver as over the serial one. */
static void pcsc__presents_as_asked_and_the_writer_guards_the_tries(void **state)
{
    struct kwh_card_dev d = open_dev(NULL);
    uint8_t atr[4], good[3] = {0xFF, 0xFF, 0xFF}, bad[3] = {1, 2, 3};
    struct cardwrite w;
    struct kwh_err e;
    (void)state;
    assert_int_equal(d.ops->power_on(d.ctx, atr, &e), 0);
    fk.nins = 0;
    assert_int_equal(d.ops->psc_present(d.ctx, good, &e), 0);
    assert_int_equal(fk.nins, 1);
    assert_int_equal(fk.ins[0], 0x20);
    assert_int_equal(d.ops->psc_present(d.ctx, bad, &e), KWH_ECARD);
    assert_int_equal(e.detail, KWH_DEV_WRONG_PSC);
    assert_non_null(strstr(e.msg, "2 tries left"));
    assert_int_equal(d.ops->psc_present(d.ctx, bad, &e), KWH_ECARD);
    assert_int_equal(fk.tries, 1);
    /* the writer: one try left, the counter read and nothing presented */
    cardwrite_init(&w, &d, cardprofile_default(), good);
    fk.nins = 0;
    assert_int_equal(cardwrite_present(&w, good, &e), KWH_ECARD);
    assert_int_equal(e.detail, KWH_DEV_PSC_RISK);
    assert_int_equal(fk.nins, 1);
    assert_int_equal(fk.ins[0], 0xB1);
    assert_int_equal(fk.tries, 1);
    fk.tries = 0;
    fk.nins = 0;
    assert_int_equal(cardwrite_present(&w, good, &e), KWH_ECARD);
    assert_int_equal(e.detail, KWH_DEV_LOCKED);
    assert_int_equal(fk.nins, 1); /* the counter, nothing presented */
    /* with every try left: the counter once, then the presentation */
    fk.tries = 3;
    fk.nins = 0;
    assert_int_equal(cardwrite_present(&w, good, &e), 0);
    assert_int_equal(fk.nins, 2);
    assert_int_equal(fk.ins[0], 0xB1);
    assert_int_equal(fk.ins[1], 0x20);
    d.ops->close(d.ctx);
}

static void pcsc__presentation_lost_says_the_psc_may_have_been_presented(void **state)
{
    struct kwh_card_dev d = open_dev(NULL);
    uint8_t atr[4], good[3] = {0xFF, 0xFF, 0xFF};
    struct kwh_err e;
    (void)state;
    assert_int_equal(d.ops->power_on(d.ctx, atr, &e), 0);
    fk.transmits = 0;
    fk.fail_transmit = SCARD_E_NOT_TRANSACTED;
    fk.transmit_fail_at = 1; /* the presentation */
    assert_int_equal(d.ops->psc_present(d.ctx, good, &e), KWH_EDEVICE);
    assert_non_null(strstr(e.msg, "the PSC may have been presented"));
    assert_int_equal(fk.transmits, 1); /* never sent again */
    d.ops->close(d.ctx);
}

static void pcsc__takes_both_answer_forms_of_acs_readers(void **state)
{
    struct kwh_card_dev d = open_dev(NULL);
    uint8_t atr[4], good[3] = {0xFF, 0xFF, 0xFF}, buf[8];
    struct kwh_err e;
    (void)state;
    fk.old_present = true;
    fk.trailer = true;
    assert_int_equal(d.ops->power_on(d.ctx, atr, &e), 0);
    assert_int_equal(d.ops->psc_present(d.ctx, good, &e), 0);
    assert_int_equal(d.ops->write(d.ctx, 16, (const uint8_t *)"\x01\x02", 2, &e), 0);
    assert_int_equal(d.ops->read(d.ctx, 16, buf, 2, &e), 0);
    assert_memory_equal(buf, "\x01\x02", 2);
    assert_int_equal(d.ops->psc_change(d.ctx, (const uint8_t *)"\x11\x22\x33", &e), 0);
    assert_memory_equal(fk.psc, "\x11\x22\x33", 3);
    d.ops->close(d.ctx);
}

static void pcsc__drives_the_iso_dialect_from_the_same_code(void **state)
{
    struct kwh_card_dev d;
    uint8_t atr[4], bad[3] = {1, 2, 3}, good[3] = {0xFF, 0xFF, 0xFF}, buf[2];
    struct kwh_err e;
    int tries;
    (void)state;
    fk.iso = true;
    d = open_dev("iso");
    assert_int_equal(d.ops->power_on(d.ctx, atr, &e), 0);
    assert_int_equal(d.ops->psc_tries(d.ctx, &tries, &e), 0);
    assert_int_equal(tries, 3);
    assert_int_equal(d.ops->psc_present(d.ctx, bad, &e), KWH_ECARD);
    assert_non_null(strstr(e.msg, "2 tries left"));
    assert_int_equal(d.ops->psc_present(d.ctx, good, &e), 0);
    assert_int_equal(d.ops->write(d.ctx, 40, (const uint8_t *)"\x55", 1, &e), 0);
    assert_int_equal(d.ops->read(d.ctx, 40, buf, 1, &e), 0);
    assert_int_equal(buf[0], 0x55);
    d.ops->close(d.ctx);
    REFUSED(KWH_EINVAL, "unknown APDU dialect",
            pcsc_open_api(&fake_api, &(struct pcsc_opts){.dialect = "xyz"}, &d, &e_));
}

static void pcsc__reports_insertion_and_removal(void **state)
{
    struct kwh_card_dev d = open_dev(NULL);
    enum kwh_card_event ev;
    struct kwh_err e;
    (void)state;
    assert_int_equal(d.ops->event(d.ctx, 0, &ev, &e), 0);
    assert_int_equal(ev, KWH_CARD_EV_NONE); /* the first look learns */
    fk.present = false;
    fk.events++;
    assert_int_equal(d.ops->event(d.ctx, 2000, &ev, &e), 0);
    assert_int_equal(ev, KWH_CARD_EV_REMOVED);
    assert_int_equal(d.ops->event(d.ctx, 50, &ev, &e), 0);
    assert_int_equal(ev, KWH_CARD_EV_NONE);
    fk.present = true;
    fk.events++;
    assert_int_equal(d.ops->event(d.ctx, 2000, &ev, &e), 0);
    assert_int_equal(ev, KWH_CARD_EV_INSERTED);
    fk.events += 2; /* out and in again between two looks: still a new card */
    assert_int_equal(d.ops->event(d.ctx, 2000, &ev, &e), 0);
    assert_int_equal(ev, KWH_CARD_EV_INSERTED);
    fk.fail_status_change = SCARD_E_NO_SERVICE;
    fk.events++;
    assert_int_equal(d.ops->event(d.ctx, 2000, &ev, &e), KWH_EDEVICE);
    assert_non_null(strstr(e.msg, "pcscd"));
    d.ops->close(d.ctx);
}

/* A card put in and read before the next look is in hand: no look tells it afterwards
 * as a new card (a screen would read it again in the middle of a sale). */
static void pcsc__a_card_read_between_two_looks_is_not_told_later(void **state)
{
    struct kwh_card_dev d = open_dev(NULL);
    struct kwh_reader_status st = {0};
    enum kwh_card_event ev;
    struct kwh_err e;
    uint8_t atr[4];
    (void)state;
    assert_int_equal(d.ops->event(d.ctx, 0, &ev, &e), 0);
    fk.present = false;
    fk.events++;
    assert_int_equal(d.ops->event(d.ctx, 2000, &ev, &e), 0);
    assert_int_equal(ev, KWH_CARD_EV_REMOVED);
    fk.present = true;
    fk.events++;
    for (int i = 0; i < 200 && !st.card_present; i++) { /* pcscd has seen it */
        assert_int_equal(d.ops->status(d.ctx, &st, &e), 0);
        if (!st.card_present)
            nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
    }
    assert_true(st.card_present);
    assert_int_equal(d.ops->power_on(d.ctx, atr, &e), 0);
    assert_int_equal(d.ops->event(d.ctx, 50, &ev, &e), 0);
    assert_int_equal(ev, KWH_CARD_EV_NONE);
    fk.present = false; /* and taken out afterwards: told */
    fk.events++;
    assert_int_equal(d.ops->event(d.ctx, 2000, &ev, &e), 0);
    assert_int_equal(ev, KWH_CARD_EV_REMOVED);
    d.ops->close(d.ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(pcsc__says_pcscd_is_not_running, setup),
        cmocka_unit_test_setup(pcsc__says_no_reader_is_connected, setup),
        cmocka_unit_test_setup(pcsc__finds_the_reader_by_the_start_of_its_name, setup),
        cmocka_unit_test_setup(pcsc__reports_no_card_and_a_card_taken_out, setup),
        cmocka_unit_test_setup(pcsc__reports_a_reader_unplugged, setup),
        cmocka_unit_test_setup(pcsc__a_command_not_carried_out_is_a_card_taken_out_or_a_time_out,
                               setup),
        cmocka_unit_test_setup(pcsc__refuses_a_card_of_another_type, setup),
        cmocka_unit_test_setup(pcsc__presents_as_asked_and_the_writer_guards_the_tries, setup),
        cmocka_unit_test_setup(pcsc__presentation_lost_says_the_psc_may_have_been_presented, setup),
        cmocka_unit_test_setup(pcsc__takes_both_answer_forms_of_acs_readers, setup),
        cmocka_unit_test_setup(pcsc__drives_the_iso_dialect_from_the_same_code, setup),
        cmocka_unit_test_setup(pcsc__reports_insertion_and_removal, setup),
        cmocka_unit_test_setup(pcsc__a_card_read_between_two_looks_is_not_told_later, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
