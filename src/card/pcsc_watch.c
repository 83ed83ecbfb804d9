/* SPDX-License-Identifier: Apache-2.0 */
/* The reader watcher of the PC/SC driver (pcsc_watch.h). */
#include "card/pcsc_watch.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kwhpos/util.h"

#define RETRY_MS 500 /* after pcscd failed, or the reader is not there */
#define FIRST_LOOK_MS 1000

struct pcsc_watch {
    const struct pcsc_api *api;
    char reader[MAX_READERNAME];
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* the state changed, or stop */
    SCARDCONTEXT ctx;  /* the thread's own */
    bool have_ctx;
    DWORD state; /* 0 = not known */
    LONG err;    /* why not, once a look failed */
    bool stop, done;
};

static struct timespec deadline(int ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* Records a state or a failure for the askers. Called with mu held. */
static void publish(struct pcsc_watch *w, DWORD state, LONG err)
{
    w->state = state;
    w->err = err;
    pthread_cond_broadcast(&w->cv);
}

/* Waits RETRY_MS (or until stopped). Called with mu held. */
static void pause_retry(struct pcsc_watch *w)
{
    struct timespec until = deadline(RETRY_MS);

    while (!w->stop && pthread_cond_timedwait(&w->cv, &w->mu, &until) != ETIMEDOUT)
        ;
}

static void *watch_loop(void *arg)
{
    struct pcsc_watch *w = arg;
    DWORD last = SCARD_STATE_UNAWARE;

    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        SCARD_READERSTATE rs;
        SCARDCONTEXT ctx;
        LONG rv;

        if (!w->have_ctx) {
            pthread_mutex_unlock(&w->mu);
            rv = w->api->establish(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
            pthread_mutex_lock(&w->mu);
            if (rv != SCARD_S_SUCCESS) {
                publish(w, 0, rv);
                pause_retry(w);
                continue;
            }
            w->ctx = ctx;
            w->have_ctx = true;
            last = SCARD_STATE_UNAWARE;
        }
        memset(&rs, 0, sizeof rs);
        rs.szReader = w->reader;
        rs.dwCurrentState = last;
        ctx = w->ctx;
        pthread_mutex_unlock(&w->mu);
        rv = w->api->get_status_change(ctx, INFINITE, &rs, 1);
        pthread_mutex_lock(&w->mu);
        if (w->stop)
            break;
        if (rv == SCARD_S_SUCCESS &&
            !(rs.dwEventState & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE))) {
            last = rs.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
            publish(w, last, SCARD_S_SUCCESS);
        } else if (rv == SCARD_S_SUCCESS || rv == SCARD_E_UNKNOWN_READER ||
                   rv == SCARD_E_READER_UNAVAILABLE) {
            publish(w, 0, SCARD_E_READER_UNAVAILABLE); /* unplugged: look again soon */
            last = SCARD_STATE_UNAWARE;
            pause_retry(w);
        } else if (rv != SCARD_E_TIMEOUT && rv != SCARD_E_CANCELLED) {
            /* pcscd went away, or dropped this context: a new one */
            publish(w, 0, rv);
            w->have_ctx = false;
            pthread_mutex_unlock(&w->mu);
            w->api->release(ctx);
            pthread_mutex_lock(&w->mu);
            pause_retry(w);
        }
    }
    if (w->have_ctx) {
        w->have_ctx = false;
        pthread_mutex_unlock(&w->mu);
        w->api->release(w->ctx);
        pthread_mutex_lock(&w->mu);
    }
    w->done = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

struct pcsc_watch *pcsc_watch_start(const struct pcsc_api *api, const char *reader)
{
    struct pcsc_watch *w = calloc(1, sizeof *w);
    pthread_condattr_t ca;

    if (w == NULL)
        return NULL;
    w->api = api;
    str_copy(w->reader, sizeof w->reader, reader);
    pthread_mutex_init(&w->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&w->th, NULL, watch_loop, w) != 0) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        free(w);
        return NULL;
    }
    return w;
}

void pcsc_watch_stop(struct pcsc_watch *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_broadcast(&w->cv);
    while (!w->done) {
        struct timespec until = deadline(20);
        if (w->have_ctx) {
            SCARDCONTEXT ctx = w->ctx;
            pthread_mutex_unlock(&w->mu);
            w->api->cancel(ctx); /* ends its wait in pcscd */
            pthread_mutex_lock(&w->mu);
        }
        pthread_cond_timedwait(&w->cv, &w->mu, &until);
    }
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->th, NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

LONG pcsc_watch_state(struct pcsc_watch *w, DWORD differs_from, int wait_ms, DWORD *state)
{
    struct timespec until;
    LONG rv;

    pthread_mutex_lock(&w->mu);
    if (w->state == 0 && w->err == SCARD_S_SUCCESS && wait_ms < FIRST_LOOK_MS)
        wait_ms = FIRST_LOOK_MS; /* the thread has not looked yet */
    until = deadline(wait_ms > 0 ? wait_ms : 0);
    for (;;) {
        if (w->state != 0 && w->state != differs_from) {
            *state = w->state;
            rv = SCARD_S_SUCCESS;
            break;
        }
        if (w->state == 0 && w->err != SCARD_S_SUCCESS) {
            rv = w->err;
            break;
        }
        if (pthread_cond_timedwait(&w->cv, &w->mu, &until) == ETIMEDOUT) {
            rv = w->state == 0 && w->err != SCARD_S_SUCCESS ? w->err : SCARD_E_TIMEOUT;
            break;
        }
    }
    pthread_mutex_unlock(&w->mu);
    return rv;
}
