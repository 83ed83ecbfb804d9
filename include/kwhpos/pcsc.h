/* SPDX-License-Identifier: Apache-2.0 */
/* The PC/SC card reader driver: struct kwh_card_dev over pcsc-lite (pcscd), for readers
 * such as the ACS ACR38U/ACR39U with SLE4442/5542 memory cards. The commands come from an
 * APDU dialect (include/kwhpos/apdu.h); docs/reader-pcsc.md.
 *
 * The same guarantees as the serial driver: a PSC presentation is never repeated (whether
 * to risk one is the card writer's decision, kwhpos/cardwrite.h); a read or a counter
 * read whose answer is malformed is asked again once, a write never. */
#ifndef KWHPOS_PCSC_H
#define KWHPOS_PCSC_H

#include <stddef.h>
#include <stdint.h>

#include <winscard.h>

#include "kwhpos/cardio.h"

struct pcsc_opts {
    const char *reader;  /* a prefix of the reader's name; NULL or "" = the first reader */
    const char *dialect; /* an APDU dialect ("acs", "iso"); NULL or "" = "acs" */
    int settle_ms;       /* after a failed command, how long to wait for pcscd to say whether
                            the card went out; default 1500 */
};

/* Traffic counters, for measurements. */
struct pcsc_stats {
    unsigned long apdus;              /* commands sent */
    unsigned long tx_bytes, rx_bytes; /* APDU bytes both ways */
    unsigned long written;            /* card bytes in write commands that succeeded */
    unsigned long repeats;            /* malformed answers asked for again */
    unsigned long transmit_us;        /* time spent in SCardTransmit */
};

/* The pcsc-lite calls the driver makes, as a table so unit tests can put a fake reader
 * behind them (each the SCard function of the same name). pcsc_api_system is
 * libpcsclite's. */
typedef LONG pcsc_connect_fn(SCARDCONTEXT ctx, LPCSTR reader, DWORD share, DWORD protocols,
                             LPSCARDHANDLE card, LPDWORD active);
typedef LONG pcsc_status_fn(SCARDHANDLE card, LPSTR name, LPDWORD name_len, LPDWORD state,
                            LPDWORD protocol, LPBYTE atr, LPDWORD atr_len);
typedef LONG pcsc_transmit_fn(SCARDHANDLE card, const SCARD_IO_REQUEST *send_pci, LPCBYTE send,
                              DWORD send_len, SCARD_IO_REQUEST *recv_pci, LPBYTE recv,
                              LPDWORD recv_len);

struct pcsc_api {
    LONG (*establish)(DWORD scope, LPCVOID r1, LPCVOID r2, LPSCARDCONTEXT ctx);
    LONG (*release)(SCARDCONTEXT ctx);
    LONG (*list_readers)(SCARDCONTEXT ctx, LPCSTR groups, LPSTR readers, LPDWORD len);
    pcsc_connect_fn *connect;
    LONG (*reconnect)(SCARDHANDLE card, DWORD share, DWORD protocols, DWORD init, LPDWORD active);
    LONG (*disconnect)(SCARDHANDLE card, DWORD disposition);
    pcsc_status_fn *status;
    LONG (*get_status_change)(SCARDCONTEXT ctx, DWORD timeout, SCARD_READERSTATE *states, DWORD n);
    pcsc_transmit_fn *transmit;
    LONG (*cancel)(SCARDCONTEXT ctx);
};

extern const struct pcsc_api pcsc_api_system;

/* Fills o with the defaults. */
void pcsc_opts_default(struct pcsc_opts *o);

/* Connects to pcscd and finds the reader; *dev is a card device the caller closes with
 * dev->ops->close(dev->ctx). The card is not touched until power_on. Errors are
 * KWH_EDEVICE/KWH_DEV_NO_READER saying what to do (pcscd not running, no reader, no reader
 * of that name); an unknown dialect is KWH_EINVAL. o may be NULL. */
int pcsc_open(const struct pcsc_opts *o, struct kwh_card_dev *dev, struct kwh_err *e);

/* pcsc_open over another pcsc-lite (unit tests); api is borrowed for the device's life. */
int pcsc_open_api(const struct pcsc_api *api, const struct pcsc_opts *o, struct kwh_card_dev *dev,
                  struct kwh_err *e);

/* The names of the readers pcscd knows, as one heap block of NUL-terminated names ending
 * with an empty one (the caller frees it); *n is their count. No pcscd or no reader is
 * *n = 0 and no error; other failures are KWH_EDEVICE. */
int pcsc_list_readers(char **names, size_t *n, struct kwh_err *e);

/* The full name of the reader of a PC/SC device (NULL if dev is not one); borrowed. */
const char *pcsc_reader_name(const struct kwh_card_dev *dev);

/* The traffic counters of a PC/SC device (NULL if dev is not one); borrowed. */
const struct pcsc_stats *pcsc_stats(const struct kwh_card_dev *dev);

#endif
