/* SPDX-License-Identifier: Apache-2.0 */
/* Talking to the card: reading it whole, and writing a new image over an old one in
 * the order that keeps every interruption recoverable (docs/card-format.md):
 *
 *   content   serial, PSC state, [PSC change], slot and key area, magic, commit byte
 *   wipe      commit byte, content, magic (top down), [PSC change], PSC state
 *
 * Only bytes that change are written. The PSC presented is always one we are sure
 * of; the single ambiguous state (PSC state byte written, PSC not yet changed, or the
 * reverse when wiping) is tried site-first only with all three tries left. */
#include <string.h>

#include "core/internal.h"
#include "kwhpos/util.h"

static int no_reader(struct kwh_err *e)
{
    return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                        "no card reader is configured: "
                        "set the port in 通讯参数设置");
}

int cardio_read(struct kwh_core *c, uint8_t img[KWH_CARD_SIZE], struct kwh_err *e)
{
    struct kwh_reader_status st;
    uint8_t atr[4];
    int rc;

    if (c->dev == NULL)
        return no_reader(e);
    core_progress(c, "read", 0, 1);
    if ((rc = c->dev->ops->status(c->dev->ctx, &st, e)) < 0)
        return rc;
    if (!st.card_present)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_CARD,
                            "no card in the reader: insert "
                            "the card");
    if ((rc = c->dev->ops->power_on(c->dev->ctx, atr, e)) < 0 ||
        (rc = c->dev->ops->read(c->dev->ctx, 0, img, KWH_CARD_SIZE, e)) < 0)
        return rc;
    core_progress(c, "read", 1, 1);
    return 0;
}

enum psc_kind { PSC_FACTORY, PSC_SITE };

static bool has_magic(const uint8_t *img)
{
    return img[CARD_OFF_MAGIC] == 'K' && img[CARD_OFF_MAGIC + 1] == 'W' &&
           img[CARD_OFF_MAGIC + 2] == 'H';
}

static int present(struct kwh_core *c, enum psc_kind k, struct kwh_err *e)
{
    return c->dev->ops->psc_present(c->dev->ctx, k == PSC_SITE ? c->keys.psc : card_factory_psc, e);
}

/* Presents the PSC the card holds now; *now says which one it was. */
static int unlock(struct kwh_core *c, const uint8_t cur[KWH_CARD_SIZE], enum psc_kind *now,
                  struct kwh_err *e)
{
    int tries, rc;

    if ((rc = c->dev->ops->psc_tries(c->dev->ctx, &tries, e)) < 0)
        return rc;
    if (tries <= 0)
        return kwh_err_setd(e, KWH_ECARD, KWH_DEV_LOCKED,
                            "the card is locked (no password "
                            "tries left) and can no longer be written: use a new card");
    if (cur[CARD_OFF_PSC_STATE] == CARD_PSC_FACTORY) {
        *now = PSC_FACTORY;
        return present(c, PSC_FACTORY, e);
    }
    if (cur[CARD_OFF_PSC_STATE] != CARD_PSC_SITE)
        return kwh_err_setd(e, KWH_ECARD, KWH_DEV_WRONG_PSC,
                            "the card's password state is "
                            "unknown: it is not a card this site can write");
    if (has_magic(cur)) {
        /* magic is written after the PSC change and erased before the change back */
        *now = PSC_SITE;
        return present(c, PSC_SITE, e);
    }
    /* Personalised, no magic: the site PSC, unless a write stopped in the one instant
     * between the state byte and the PSC change. Guess only with every try left. */
    if (tries < KWH_PSC_TRIES)
        return kwh_err_setd(e, KWH_ECARD, KWH_DEV_WRONG_PSC,
                            "the card has %d password "
                            "tries left after failures elsewhere; it will not be risked: use "
                            "another card",
                            tries);
    *now = PSC_SITE;
    rc = present(c, PSC_SITE, e);
    if (rc == 0 || e == NULL || e->detail != KWH_DEV_WRONG_PSC)
        return rc;
    *now = PSC_FACTORY;
    return present(c, PSC_FACTORY, e);
}

struct writer {
    struct kwh_core *c;
    const uint8_t *old;
    const uint8_t *new_img;
    int total, done;
};

/* Writes the changed bytes of [from, to) in runs. */
static int write_range(struct writer *w, unsigned from, unsigned to, struct kwh_err *e)
{
    unsigned i = from;
    while (i < to) {
        if (w->old[i] == w->new_img[i]) {
            i++;
            continue;
        }
        unsigned j = i;
        while (j < to && w->old[j] != w->new_img[j])
            j++;
        int rc = w->c->dev->ops->write(w->c->dev->ctx, i, w->new_img + i, j - i, e);
        if (rc < 0)
            return rc;
        w->done += (int)(j - i);
        core_progress(w->c, "write", w->done, w->total);
        i = j;
    }
    return 0;
}

/* Erases [from, to) from the top down, one byte at a time: a half-erased magic then
 * still reads as an unfinished personalisation (a prefix of "KWH" + version). */
static int erase_down(struct writer *w, unsigned from, unsigned to, struct kwh_err *e)
{
    for (unsigned i = to; i-- > from;) {
        if (w->old[i] == w->new_img[i])
            continue;
        int rc = w->c->dev->ops->write(w->c->dev->ctx, i, w->new_img + i, 1, e);
        if (rc < 0)
            return rc;
        core_progress(w->c, "write", ++w->done, w->total);
    }
    return 0;
}

static int count_changed(const uint8_t *a, const uint8_t *b)
{
    int n = 0;
    for (int i = CARD_OFF_MAGIC; i < KWH_CARD_SIZE; i++)
        n += a[i] != b[i];
    return n;
}

static int change_psc(struct kwh_core *c, enum psc_kind to, struct kwh_err *e)
{
    return c->dev->ops->psc_change(c->dev->ctx, to == PSC_SITE ? c->keys.psc : card_factory_psc, e);
}

/* After a failure once the commit byte may have been written: look at the card. */
static void judge(struct kwh_core *c, const uint8_t new_img[KWH_CARD_SIZE],
                  enum cw_outcome *outcome)
{
    uint8_t now[KWH_CARD_SIZE], a[CARD_SLOT_LEN], b[CARD_SLOT_LEN];
    struct kwh_err ignore;

    *outcome = CW_UNKNOWN;
    if (cardio_read(c, now, &ignore) < 0)
        return;
    card_active_slot(now, a);
    card_active_slot(new_img, b);
    *outcome = memcmp(a, b, sizeof a) == 0 ? CW_WRITTEN : CW_NOT_WRITTEN;
}

int cardio_write(struct kwh_core *c, const uint8_t old[KWH_CARD_SIZE],
                 const uint8_t new_img[KWH_CARD_SIZE], enum cw_outcome *outcome, struct kwh_err *e)
{
    struct writer w = {c, old, new_img, count_changed(old, new_img), 0};
    bool wipe = new_img[CARD_OFF_ACTIVE] == CARD_ACTIVE_NONE;
    bool committing = false;
    enum psc_kind psc;
    uint8_t back[KWH_CARD_SIZE];
    int rc;

    *outcome = CW_NOT_WRITTEN;
    if (c->dev == NULL)
        return no_reader(e);
    if ((rc = unlock(c, old, &psc, e)) < 0)
        return rc;
    if (!wipe) {
        if ((rc = write_range(&w, CARD_OFF_SERIAL, CARD_OFF_SERIAL + CARD_SERIAL_LEN, e)) < 0 ||
            (rc = write_range(&w, CARD_OFF_PSC_STATE, CARD_OFF_PSC_STATE + 1, e)) < 0)
            goto failed;
        if (psc != PSC_SITE && (rc = change_psc(c, PSC_SITE, e)) < 0)
            goto failed;
        if ((rc = write_range(&w, CARD_OFF_SLOT0, KWH_CARD_SIZE, e)) < 0 ||
            (rc = write_range(&w, CARD_OFF_MAGIC, CARD_OFF_PSC_STATE, e)) < 0)
            goto failed;
        committing = true;
        if ((rc = write_range(&w, CARD_OFF_ACTIVE, CARD_OFF_ACTIVE + 1, e)) < 0)
            goto failed;
    } else {
        committing = true;
        if ((rc = write_range(&w, CARD_OFF_ACTIVE, CARD_OFF_ACTIVE + 1, e)) < 0)
            goto failed;
        if ((rc = write_range(&w, CARD_OFF_SLOT0, KWH_CARD_SIZE, e)) < 0 ||
            (rc = erase_down(&w, CARD_OFF_MAGIC, CARD_OFF_PSC_STATE, e)) < 0)
            goto failed;
        if (psc != PSC_FACTORY && (rc = change_psc(c, PSC_FACTORY, e)) < 0)
            goto failed;
        /* the serial stays: it is the card's for life, and it is how the pending wipe
           is found again if this is interrupted */
        if ((rc = write_range(&w, CARD_OFF_PSC_STATE, CARD_OFF_PSC_STATE + 1, e)) < 0)
            goto failed;
    }
    core_progress(c, "verify", 0, 1);
    if ((rc = c->dev->ops->read(c->dev->ctx, 0, back, KWH_CARD_SIZE, e)) < 0)
        goto failed;
    if (memcmp(back + CARD_OFF_MAGIC, new_img + CARD_OFF_MAGIC, KWH_CARD_SIZE - CARD_OFF_MAGIC) !=
        0) {
        rc = kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_WRITE_FAILED,
                          "the card did not keep what "
                          "was written: it may be worn out; use another card");
        goto failed;
    }
    core_progress(c, "verify", 1, 1);
    *outcome = CW_WRITTEN;
    return 0;
failed:
    if (committing)
        judge(c, new_img, outcome);
    else
        *outcome = CW_NOT_WRITTEN;
    return rc;
}

int cardio_repair(struct kwh_core *c, const uint8_t current[KWH_CARD_SIZE],
                  const uint8_t old[KWH_CARD_SIZE], struct kwh_err *e)
{
    uint8_t target[KWH_CARD_SIZE], back[KWH_CARD_SIZE];
    struct writer w = {c, current, target, 0, 0};
    enum psc_kind psc;
    int rc;

    /* old's bytes everywhere but the commit byte and the meter's return area */
    memcpy(target, current, sizeof target);
    memcpy(target + CARD_OFF_MAGIC, old + CARD_OFF_MAGIC, CARD_OFF_ACTIVE - CARD_OFF_MAGIC);
    memcpy(target + CARD_OFF_SERIAL, old + CARD_OFF_SERIAL, CARD_OFF_RETURN - CARD_OFF_SERIAL);
    memcpy(target + CARD_OFF_KEYX, old + CARD_OFF_KEYX, KWH_CARD_SIZE - CARD_OFF_KEYX);
    w.total = count_changed(current, target);
    if (w.total == 0)
        return 0;
    if ((rc = unlock(c, current, &psc, e)) < 0 ||
        (rc = write_range(&w, CARD_OFF_MAGIC, KWH_CARD_SIZE, e)) < 0 ||
        (rc = c->dev->ops->read(c->dev->ctx, 0, back, KWH_CARD_SIZE, e)) < 0)
        return rc;
    if (memcmp(back + CARD_OFF_MAGIC, target + CARD_OFF_MAGIC, KWH_CARD_SIZE - CARD_OFF_MAGIC) != 0)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_WRITE_FAILED,
                            "the card did not keep "
                            "the repair: use another card (reissue)");
    return 0;
}
