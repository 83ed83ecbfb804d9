/* SPDX-License-Identifier: Apache-2.0 */
/* pcscd's view of one reader (card present or not, and its event count), kept up to
 * date by a thread of its own that waits in SCardGetStatusChange on a context of its
 * own. The driver asks it instead of calling SCardGetStatusChange with a zero
 * time-out: pcsc-lite 1.9.9 registers and unregisters a client for events on every
 * such call, and an event sent in between leaves the client's messages out of step
 * (seen as SCARD_E_NO_SERVICE, SCARD_W_SECURITY_VIOLATION or a hang on a later call). */
#ifndef KWHPOS_CARD_PCSC_WATCH_H
#define KWHPOS_CARD_PCSC_WATCH_H

#include "kwhpos/pcsc.h"

struct pcsc_watch;

/* Starts watching the reader named reader through api; NULL when out of memory or no
 * thread can be made. */
struct pcsc_watch *pcsc_watch_start(const struct pcsc_api *api, const char *reader);

/* Stops the thread and frees w (NULL allowed). */
void pcsc_watch_stop(struct pcsc_watch *w);

/* The reader's latest state (SCARD_STATE_* | event count << 16) into *state, once it
 * differs from differs_from (0: any state), waiting at most wait_ms for that (and, for a
 * first state, at least a second). Returns SCARD_S_SUCCESS, SCARD_E_TIMEOUT when nothing
 * new came, or why pcscd cannot say (SCARD_E_NO_SERVICE, SCARD_E_READER_UNAVAILABLE...). */
LONG pcsc_watch_state(struct pcsc_watch *w, DWORD differs_from, int wait_ms, DWORD *state);

#endif
