/* SPDX-License-Identifier: Apache-2.0 */
#include "fakecard.h"

#include <string.h>
#include <sys/mman.h>

#include "kwhpos/card.h"

struct shared {
    struct fakecard card;
    struct kwh_card_dev dev;
};

static int pulled(struct fakecard *f, struct kwh_err *e)
{
    f->present = false;
    return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_REMOVED, "the card was removed");
}

/* One write step; false when the card goes away (or the process dies) here. */
static bool step(struct fakecard *f)
{
    if (f->fail_after >= 0 && f->steps >= f->fail_after) {
        if (f->crash)
            f->crash();
        return false;
    }
    f->steps++;
    return true;
}

/* The reader's line fails (f->fault, the fault-injection suite): nothing reaches the card. */
static int line_fails(struct fakecard *f, struct kwh_err *e)
{
    if (f->fault != NULL && f->fault())
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_TIMEOUT, "the reader stopped answering");
    return 0;
}

static int need_card(struct fakecard *f, struct kwh_err *e)
{
    int rc = line_fails(f, e);
    if (rc < 0)
        return rc;
    if (!f->present)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_CARD, "no card in the reader");
    return 0;
}

static int f_status(void *ctx, struct kwh_reader_status *st, struct kwh_err *e)
{
    struct fakecard *f = ctx;
    int rc = line_fails(f, e);
    if (rc < 0)
        return rc;
    st->card_present = f->present;
    st->card_changed = false;
    return 0;
}

static int f_power_on(void *ctx, uint8_t atr[4], struct kwh_err *e)
{
    struct fakecard *f = ctx;
    int rc = need_card(f, e);
    if (rc < 0)
        return rc;
    f->unlocked = false;
    memcpy(atr, f->img, 4);
    return 0;
}

static int f_read(void *ctx, unsigned addr, uint8_t *buf, size_t len, struct kwh_err *e)
{
    struct fakecard *f = ctx;
    int rc = need_card(f, e);
    if (rc < 0)
        return rc;
    if (addr + len > KWH_CARD_SIZE)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_PROTOCOL, "read past the end");
    f->reads++;
    f->read_bytes += (long)len;
    memcpy(buf, f->img + addr, len);
    return 0;
}

static int f_write(void *ctx, unsigned addr, const uint8_t *buf, size_t len, struct kwh_err *e)
{
    struct fakecard *f = ctx;
    int rc = need_card(f, e);
    if (rc < 0)
        return rc;
    if (!f->unlocked)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_WRITE_FAILED, "write without the PSC");
    if (addr < 4 || addr + len > KWH_CARD_SIZE)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_WRITE_FAILED, "write outside the card");
    for (size_t i = 0; i < len; i++) {
        if (!step(f))
            return pulled(f, e);
        if ((int)(addr + i) != f->stuck)
            f->img[addr + i] = buf[i];
    }
    return 0;
}

static int f_tries(void *ctx, int *tries, struct kwh_err *e)
{
    struct fakecard *f = ctx;
    int rc = need_card(f, e);
    if (rc < 0)
        return rc;
    f->tries_asked++;
    *tries = f->tries;
    return 0;
}

static int f_present(void *ctx, const uint8_t psc[KWH_PSC_LEN], struct kwh_err *e)
{
    struct fakecard *f = ctx;
    int rc = need_card(f, e);
    if (rc < 0)
        return rc;
    f->presentations++;
    if (f->tries <= 0)
        return kwh_err_setd(e, KWH_ECARD, KWH_DEV_LOCKED, "the card is locked");
    if (memcmp(psc, f->psc, KWH_PSC_LEN) != 0) {
        f->tries--;
        f->wrong_presentations++;
        return kwh_err_setd(e, KWH_ECARD, KWH_DEV_WRONG_PSC, "wrong PSC, %d tries left", f->tries);
    }
    f->tries = KWH_PSC_TRIES;
    f->unlocked = true;
    return 0;
}

static int f_change(void *ctx, const uint8_t psc[KWH_PSC_LEN], struct kwh_err *e)
{
    struct fakecard *f = ctx;
    int rc = need_card(f, e);
    if (rc < 0)
        return rc;
    if (!f->unlocked)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_WRITE_FAILED, "PSC change without the PSC");
    if (!step(f))
        return pulled(f, e);
    memcpy(f->psc, psc, KWH_PSC_LEN);
    return 0;
}

static int f_event(void *ctx, int timeout_ms, enum kwh_card_event *ev, struct kwh_err *e)
{
    struct fakecard *f = ctx;
    (void)timeout_ms;
    (void)e;
    *ev = KWH_CARD_EV_NONE;
    if (f->ev_known && f->ev_present && !f->present)
        *ev = KWH_CARD_EV_REMOVED;
    else if (f->ev_known && f->present && f->inserts != f->ev_inserts)
        *ev = KWH_CARD_EV_INSERTED;
    f->ev_known = true;
    f->ev_present = f->present;
    f->ev_inserts = f->inserts;
    return 0;
}

static const struct kwh_card_dev_ops ops = {
    .status = f_status,
    .power_on = f_power_on,
    .read = f_read,
    .write = f_write,
    .psc_tries = f_tries,
    .psc_present = f_present,
    .psc_change = f_change,
    .close = NULL,
    .event = f_event,
};

struct fakecard *fakecard_new(void)
{
    struct shared *s =
        mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (s == MAP_FAILED)
        return NULL;
    memset(s, 0, sizeof *s);
    s->dev.ops = &ops;
    s->dev.ctx = &s->card;
    fakecard_blank(&s->card);
    return &s->card;
}

void fakecard_free(struct fakecard *f)
{
    if (f)
        munmap(f, sizeof(struct shared));
}

void fakecard_blank(struct fakecard *f)
{
    card_blank_image(f->img);
    memcpy(f->psc, card_factory_psc, KWH_PSC_LEN);
    f->tries = KWH_PSC_TRIES;
    f->present = true;
    f->unlocked = false;
    f->fail_after = -1;
    f->steps = 0;
    f->crash = NULL;
    f->presentations = f->wrong_presentations = 0;
    f->tries_asked = f->reads = 0;
    f->read_bytes = 0;
    f->stuck = -1;
    f->inserts++;
}

void fakecard_remove(struct fakecard *f)
{
    f->present = false;
    f->unlocked = false;
}

void fakecard_reinsert(struct fakecard *f)
{
    f->present = true;
    f->inserts++;
    f->unlocked = false;
    f->fail_after = -1;
    f->steps = 0;
    f->crash = NULL;
}

struct kwh_card_dev *fakecard_dev(struct fakecard *f)
{
    return &((struct shared *)f)->dev;
}
