/* SPDX-License-Identifier: Apache-2.0 */
/* The core's card: the card writer (kwhpos/cardwrite.h) over the card device the core
 * was given, with the site's PSC and the core's progress line. */
#include "kwhpos/cardwrite.h"

#include "core/internal.h"

static int no_reader(struct kwh_err *e)
{
    return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                        "no card reader is configured: "
                        "set the port in 通讯参数设置");
}

static void progress(void *ctx, const char *phase, int done, int total)
{
    core_progress(ctx, phase, done, total);
}

/* A writer over the core's device; KWH_EDEVICE when there is none. */
static int writer(struct kwh_core *c, struct cardwrite *w, struct kwh_err *e)
{
    if (c->dev == NULL)
        return no_reader(e);
    cardwrite_init(w, c->dev, c->profile, c->keys.psc);
    w->progress = progress;
    w->progress_ctx = c;
    return 0;
}

int cardio_read(struct kwh_core *c, uint8_t img[KWH_CARD_SIZE], struct kwh_err *e)
{
    struct cardwrite w;
    int rc = writer(c, &w, e);
    return rc < 0 ? rc : cardwrite_read(&w, img, e);
}

int cardio_psc_tries(struct kwh_core *c, int *tries, struct kwh_err *e)
{
    if (c->dev == NULL)
        return no_reader(e);
    return c->dev->ops->psc_tries(c->dev->ctx, tries, e);
}

int cardio_reread(struct kwh_core *c, uint8_t img[KWH_CARD_SIZE], struct kwh_err *e)
{
    struct cardwrite w;
    int rc = writer(c, &w, e);
    return rc < 0 ? rc : cardwrite_reread(&w, img, e);
}

int cardio_write(struct kwh_core *c, const uint8_t old[KWH_CARD_SIZE],
                 const uint8_t new_img[KWH_CARD_SIZE], enum cardwrite_outcome *outcome,
                 struct kwh_err *e)
{
    struct cardwrite w;
    int rc = writer(c, &w, e);

    *outcome = CARDWRITE_NOT_WRITTEN;
    return rc < 0 ? rc : cardwrite_write(&w, old, new_img, outcome, e);
}

int cardio_repair(struct kwh_core *c, const uint8_t current[KWH_CARD_SIZE],
                  const uint8_t old[KWH_CARD_SIZE], struct kwh_err *e)
{
    struct cardwrite w;
    int rc = writer(c, &w, e);
    return rc < 0 ? rc : cardwrite_repair(&w, current, old, e);
}
