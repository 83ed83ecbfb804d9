/* SPDX-License-Identifier: Apache-2.0 */
/* The card writer (kwhpos/cardwrite.h): the PSC, the bytes in the order the card's
 * layout gives, the read-back. Every interruption leaves a card the next read can judge:
 * before the commit point the old record is in force, from it on the card's record says
 * which one won. */
#include "kwhpos/cardwrite.h"

#include <string.h>

#include "kwhpos/card.h"
#include "kwhpos/carddev.h"
#include "kwhpos/cardprofile.h"

enum psc_kind { PSC_FACTORY, PSC_SITE };

struct writer {
    struct cardwrite *w;
    const uint8_t *old;
    const uint8_t *new_img;
    int total, done;
    unsigned lo, hi;            /* the span written since the last read-back */
    uint8_t cur[KWH_CARD_SIZE]; /* what the card should hold now */
};

void cardwrite_init(struct cardwrite *w, struct kwh_card_dev *dev,
                    const struct card_profile *profile, const uint8_t *site_psc)
{
    memset(w, 0, sizeof *w);
    w->dev = dev;
    w->profile = profile;
    w->site_psc = site_psc;
    w->min_tries = 2;
}

static void progress(struct cardwrite *w, const char *phase, int done, int total)
{
    if (w->progress != NULL)
        w->progress(w->progress_ctx, phase, done, total);
}

/* Powering the card says whether there is one: no status request first. */
int cardwrite_read(struct cardwrite *w, uint8_t img[KWH_CARD_SIZE], struct kwh_err *e)
{
    uint8_t atr[4];
    int rc;

    progress(w, "read", 0, 1);
    if ((rc = w->dev->ops->power_on(w->dev->ctx, atr, e)) < 0 ||
        (rc = w->dev->ops->read(w->dev->ctx, 0, img, KWH_CARD_SIZE, e)) < 0)
        return rc;
    progress(w, "read", 1, 1);
    return 0;
}

int cardwrite_reread(struct cardwrite *w, uint8_t img[KWH_CARD_SIZE], struct kwh_err *e)
{
    struct kwh_err first;

    progress(w, "read", 0, 1);
    kwh_err_clear(&first);
    if (w->dev->ops->read(w->dev->ctx, 0, img, KWH_CARD_SIZE, &first) == 0) {
        progress(w, "read", 1, 1);
        return 0;
    }
    /* powered off, taken out, replaced: power it again */
    return cardwrite_read(w, img, e);
}

static int present(struct cardwrite *w, enum psc_kind k, struct kwh_err *e)
{
    return w->dev->ops->psc_present(w->dev->ctx, k == PSC_SITE ? w->site_psc : card_factory_psc, e);
}

/* The error counter, asked once: refused when locked or with fewer than min_tries. */
static int tries_left(struct cardwrite *w, int *tries, struct kwh_err *e)
{
    int rc = w->dev->ops->psc_tries(w->dev->ctx, tries, e);

    if (rc < 0)
        return rc;
    if (*tries <= 0)
        return carddev_locked(e);
    if (*tries < w->min_tries)
        return kwh_err_setd(e, KWH_ECARD, KWH_DEV_PSC_RISK,
                            "the card has only %d PSC %s left (a wrong password was tried "
                            "on it, perhaps by another system); the PSC was not presented, "
                            "so the card cannot lock: put it in its own meter once (the "
                            "meter's right password restores the tries) and read it again",
                            *tries, *tries == 1 ? "try" : "tries");
    return 0;
}

int cardwrite_present(struct cardwrite *w, const uint8_t psc[KWH_PSC_LEN], struct kwh_err *e)
{
    int tries, rc;

    if ((rc = tries_left(w, &tries, e)) < 0)
        return rc;
    return w->dev->ops->psc_present(w->dev->ctx, psc, e);
}

/* Presents the PSC the card holds now; *now says which one it was. */
static int unlock(struct cardwrite *w, const uint8_t cur[KWH_CARD_SIZE], enum psc_kind *now,
                  struct kwh_err *e)
{
    int tries, rc;

    enum card_psc_guess guess = card_psc_guess(w->profile, cur);

    if ((rc = tries_left(w, &tries, e)) < 0)
        return rc;
    if (guess == CARD_PSC_IS_FACTORY) {
        *now = PSC_FACTORY;
        return present(w, PSC_FACTORY, e);
    }
    if (guess == CARD_PSC_IS_UNKNOWN)
        return kwh_err_setd(e, KWH_ECARD, KWH_DEV_WRONG_PSC,
                            "the card's password state is "
                            "unknown: it is not a card this site can write");
    if (guess == CARD_PSC_IS_SITE) {
        *now = PSC_SITE;
        return present(w, PSC_SITE, e);
    }
    /* The site PSC, unless a write stopped in the one instant between the bytes that say
     * so and the PSC change. Guess only with every try left (a wrong guess then leaves
     * one more than the minimum). */
    if (tries < KWH_PSC_TRIES)
        return kwh_err_setd(e, KWH_ECARD, KWH_DEV_WRONG_PSC,
                            "the card has %d password "
                            "tries left after failures elsewhere; it will not be risked: use "
                            "another card",
                            tries);
    *now = PSC_SITE;
    rc = present(w, PSC_SITE, e);
    if (rc == 0 || e == NULL || e->detail != KWH_DEV_WRONG_PSC)
        return rc;
    *now = PSC_FACTORY;
    return present(w, PSC_FACTORY, e);
}

/* Notes [from, to) as written: the span to read back grows to cover it. One request
 * reads it back, however the changed bytes are scattered in it (a request costs more on
 * the line than the few unchanged bytes between them). */
static void note_range(struct writer *wr, unsigned from, unsigned to)
{
    if (wr->lo >= wr->hi) {
        wr->lo = from;
        wr->hi = to;
        return;
    }
    if (from < wr->lo)
        wr->lo = from;
    if (to > wr->hi)
        wr->hi = to;
}

static int write_run(struct writer *wr, unsigned from, unsigned to, struct kwh_err *e)
{
    struct cardwrite *w = wr->w;
    int rc = w->dev->ops->write(w->dev->ctx, from, wr->new_img + from, to - from, e);

    if (rc < 0)
        return rc;
    w->stats.runs++;
    w->stats.bytes += to - from;
    memcpy(wr->cur + from, wr->new_img + from, to - from);
    note_range(wr, from, to);
    wr->done += (int)(to - from);
    progress(w, "write", wr->done, wr->total);
    return 0;
}

/* Writes the changed bytes of [from, to) in runs. */
static int write_range(struct writer *wr, unsigned from, unsigned to, struct kwh_err *e)
{
    unsigned i = from;
    while (i < to) {
        if (wr->old[i] == wr->new_img[i]) {
            i++;
            continue;
        }
        unsigned j = i;
        while (j < to && wr->old[j] != wr->new_img[j])
            j++;
        int rc = write_run(wr, i, j, e);
        if (rc < 0)
            return rc;
        i = j;
    }
    return 0;
}

/* Erases [from, to) from the top down, one byte at a time: a half-erased magic then
 * still reads as an unfinished personalisation (a prefix of "KWH" + version). */
static int erase_down(struct writer *wr, unsigned from, unsigned to, struct kwh_err *e)
{
    for (unsigned i = to; i-- > from;) {
        if (wr->old[i] == wr->new_img[i])
            continue;
        int rc = write_run(wr, i, i + 1, e);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The bytes the steps will write: those of their ranges that change. */
static int count_changed(const struct card_steps *st, const uint8_t *a, const uint8_t *b)
{
    int n = 0;
    for (unsigned k = 0; k < st->n; k++)
        for (unsigned i = st->step[k].from; i < st->step[k].to; i++)
            n += a[i] != b[i];
    return n;
}

static int change_psc(struct cardwrite *w, enum psc_kind to, struct kwh_err *e)
{
    return w->dev->ops->psc_change(w->dev->ctx, to == PSC_SITE ? w->site_psc : card_factory_psc, e);
}

/* Reads back what was written and compares it with what should be there. */
static int verify(struct writer *wr, struct kwh_err *e)
{
    struct cardwrite *w = wr->w;
    uint8_t back[KWH_CARD_SIZE];
    int rc;

    if (wr->lo >= wr->hi)
        return 0;
    progress(w, "verify", 0, 1);
    if ((rc = w->dev->ops->read(w->dev->ctx, wr->lo, back + wr->lo, wr->hi - wr->lo, e)) < 0)
        return rc;
    w->stats.reads++;
    if (memcmp(back + wr->lo, wr->cur + wr->lo, wr->hi - wr->lo) != 0)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_WRITE_FAILED,
                            "the card did not keep what "
                            "was written: it may be worn out; use another card");
    wr->lo = wr->hi = 0;
    progress(w, "verify", 1, 1);
    return 0;
}

/* After a failure once the commit point may have been reached: look at the card. */
static void judge(struct cardwrite *w, const uint8_t new_img[KWH_CARD_SIZE],
                  enum cardwrite_outcome *outcome)
{
    uint8_t now[KWH_CARD_SIZE], a[CARD_RECORD_LEN], b[CARD_RECORD_LEN];
    struct kwh_err ignore;

    *outcome = CARDWRITE_UNKNOWN;
    if (cardwrite_read(w, now, &ignore) < 0)
        return;
    card_record(w->profile, now, true, a);
    card_record(w->profile, new_img, true, b);
    *outcome = memcmp(a, b, sizeof a) == 0 ? CARDWRITE_WRITTEN : CARDWRITE_NOT_WRITTEN;
}

/* Runs the steps; *committing tells whether the commit point was begun. */
static int run_steps(struct writer *wr, const struct card_steps *st, enum psc_kind psc,
                     bool *committing, struct kwh_err *e)
{
    struct cardwrite *w = wr->w;
    int rc = 0;

    for (unsigned k = 0; k < st->n && rc == 0; k++) {
        const struct card_step *s = &st->step[k];
        switch (s->kind) {
        case CARD_STEP_COMMIT:
            *committing = true;
            rc = write_range(wr, s->from, s->to, e);
            break;
        case CARD_STEP_WRITE: rc = write_range(wr, s->from, s->to, e); break;
        case CARD_STEP_ERASE_DOWN: rc = erase_down(wr, s->from, s->to, e); break;
        case CARD_STEP_PSC_SITE:
        case CARD_STEP_PSC_FACTORY: {
            enum psc_kind to = s->kind == CARD_STEP_PSC_SITE ? PSC_SITE : PSC_FACTORY;
            if (psc != to && (rc = change_psc(w, to, e)) == 0)
                psc = to;
            break;
        }
        case CARD_STEP_VERIFY: rc = verify(wr, e); break;
        }
    }
    /* whatever the layout's last step, nothing written goes unchecked */
    return rc < 0 ? rc : verify(wr, e);
}

int cardwrite_write(struct cardwrite *w, const uint8_t old[KWH_CARD_SIZE],
                    const uint8_t new_img[KWH_CARD_SIZE], enum cardwrite_outcome *outcome,
                    struct kwh_err *e)
{
    struct card_steps st;
    struct writer wr = {w, old, new_img, 0, 0, 0, 0, {0}};
    bool committing = false;
    enum psc_kind psc;
    int rc;

    memset(&w->stats, 0, sizeof w->stats);
    memcpy(wr.cur, old, KWH_CARD_SIZE);
    card_plan(w->profile, old, new_img, &st);
    wr.total = count_changed(&st, old, new_img);
    *outcome = CARDWRITE_NOT_WRITTEN;
    if ((rc = unlock(w, old, &psc, e)) < 0)
        return rc;
    if ((rc = run_steps(&wr, &st, psc, &committing, e)) < 0) {
        if (committing)
            judge(w, new_img, outcome);
        return rc;
    }
    *outcome = CARDWRITE_WRITTEN;
    return 0;
}

int cardwrite_repair(struct cardwrite *w, const uint8_t current[KWH_CARD_SIZE],
                     const uint8_t old[KWH_CARD_SIZE], struct kwh_err *e)
{
    uint8_t target[KWH_CARD_SIZE];
    struct card_steps st;
    struct writer wr = {w, current, target, 0, 0, 0, 0, {0}};
    bool committing = false;
    enum psc_kind psc;
    int rc;

    memset(&w->stats, 0, sizeof w->stats);
    memcpy(wr.cur, current, KWH_CARD_SIZE);
    card_repair_plan(w->profile, current, old, target, &st);
    wr.total = count_changed(&st, current, target);
    if (wr.total == 0)
        return 0;
    if ((rc = unlock(w, current, &psc, e)) < 0)
        return rc;
    rc = run_steps(&wr, &st, psc, &committing, e);
    if (rc == KWH_EDEVICE && e != NULL && e->detail == KWH_DEV_WRITE_FAILED)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_WRITE_FAILED,
                            "the card did not keep "
                            "the repair: use another card (reissue)");
    return rc;
}
