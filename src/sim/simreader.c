/* SPDX-License-Identifier: Apache-2.0 */
/* The simulated reader: answers framed requests for the card in it, like an SLE4442
 * behind a serial reader, with the faults it is told to show. */
#include "sim.h"
#include "kwhpos/frame.h"

#include <string.h>

void simreader_init(struct sim_reader *r)
{
    memset(r, 0, sizeof *r);
    r->f.pull_after = -1;
    r->f.quiet_after = -1;
}

int simreader_insert(struct sim_reader *r, const char *path, struct kwh_err *e)
{
    struct sim_card c;
    int rc = simcard_load(path, &c, e);

    if (rc < 0)
        return rc;
    simreader_eject(r);
    r->card = c;
    snprintf(r->card_path, sizeof r->card_path, "%s", path);
    r->has_card = true;
    r->changed = true;
    r->powered = false;
    r->psc_ok = false;
    return 0;
}

void simreader_eject(struct sim_reader *r)
{
    if (!r->has_card)
        return;
    r->has_card = false;
    r->card_path[0] = '\0';
    r->changed = true;
    r->powered = false;
    r->psc_ok = false;
}

static size_t answer(struct sim_reader *r, const struct frame *req, uint8_t status,
                     const uint8_t *data, size_t len, uint8_t *out)
{
    struct frame a;

    a.seq = req->seq;
    a.cmd = (uint8_t)(req->cmd | FRAME_RESPONSE);
    a.data[0] = status;
    if (len > 0)
        memcpy(a.data + 1, data, len);
    a.len = (uint16_t)(1 + len);
    r->last_len = frame_encode(&a, r->last, sizeof r->last);
    memcpy(out, r->last, r->last_len);
    return r->last_len;
}

/* The frame status of an engine status. */
static uint8_t frame_status(enum sim_st st)
{
    static const uint8_t map[] = {
        [SIM_OK] = FRAME_OK,
        [SIM_NO_CARD] = FRAME_NO_CARD,
        [SIM_PULLED] = FRAME_NO_CARD,
        [SIM_CHANGED] = FRAME_CARD_CHANGED,
        [SIM_WRONG_PSC] = FRAME_WRONG_PSC,
        [SIM_LOCKED] = FRAME_LOCKED,
        [SIM_WRITE_FAILED] = FRAME_WRITE_FAILED,
        [SIM_PSC_REQUIRED] = FRAME_PSC_REQUIRED,
        [SIM_BAD_PARAM] = FRAME_BAD_PARAM,
    };
    return map[st];
}

static size_t do_write(struct sim_reader *r, const struct frame *req, uint8_t *out, long *card_us)
{
    uint8_t count[2];
    unsigned done;
    enum sim_st st;

    if (req->len < 3)
        return answer(r, req, FRAME_BAD_PARAM, NULL, 0, out);
    st = simsle_write(r, frame_get16(req->data), req->data + 2, req->len - 2u, &done, card_us);
    if (st != SIM_OK && st != SIM_PULLED && st != SIM_WRITE_FAILED)
        return answer(r, req, frame_status(st), NULL, 0, out);
    frame_put16(count, (uint16_t)done);
    return answer(r, req, frame_status(st), count, 2, out);
}

static size_t do_present(struct sim_reader *r, const struct frame *req, uint8_t *out, long *card_us)
{
    /* the answer carries the tries left when a presentation took place */
    bool presented = r->has_card && r->powered && !r->changed && r->card.tries > 0;
    enum sim_st st;
    int tries;
    uint8_t t;

    if (req->len != KWH_PSC_LEN)
        return answer(r, req, FRAME_BAD_PARAM, NULL, 0, out);
    st = simsle_present(r, req->data, &tries, card_us);
    t = (uint8_t)tries;
    presented = presented && (st == SIM_OK || st == SIM_WRONG_PSC || st == SIM_LOCKED);
    return answer(r, req, frame_status(st), &t, presented ? 1 : 0, out);
}

size_t simreader_handle(struct sim_reader *r, const struct frame *req, uint8_t *out, long *card_us)
{
    const uint8_t *data = NULL;
    uint8_t buf[4];
    enum sim_st st;
    int tries;

    *card_us = 0;
    switch (req->cmd) {
    case FRAME_CMD_IDENT:
        return answer(r, req, FRAME_OK, (const uint8_t *)SIM_PROTOCOL_NAME,
                      strlen(SIM_PROTOCOL_NAME), out);
    case FRAME_CMD_STATUS:
        buf[0] = (uint8_t)((r->has_card ? FRAME_ST_CARD : 0) | (r->changed ? FRAME_ST_CHANGED : 0));
        return answer(r, req, FRAME_OK, buf, 1, out);
    case FRAME_CMD_POWER_ON:
        st = simsle_power_on(r, buf);
        return answer(r, req, frame_status(st), buf, st == SIM_OK ? 4 : 0, out);
    case FRAME_CMD_READ:
        if (req->len != 4)
            return answer(r, req, FRAME_BAD_PARAM, NULL, 0, out);
        st = simsle_read(r, frame_get16(req->data), frame_get16(req->data + 2), &data);
        return answer(r, req, frame_status(st), data, st == SIM_OK ? frame_get16(req->data + 2) : 0,
                      out);
    case FRAME_CMD_WRITE: return do_write(r, req, out, card_us);
    case FRAME_CMD_PSC_TRIES:
        st = simsle_tries(r, &tries);
        buf[0] = (uint8_t)tries;
        return answer(r, req, frame_status(st), buf, st == SIM_OK || st == SIM_LOCKED ? 1 : 0, out);
    case FRAME_CMD_PSC_PRESENT: return do_present(r, req, out, card_us);
    case FRAME_CMD_PSC_CHANGE:
        if (req->len != KWH_PSC_LEN)
            return answer(r, req, FRAME_BAD_PARAM, NULL, 0, out);
        return answer(r, req, frame_status(simsle_change(r, req->data, card_us)), NULL, 0, out);
    case FRAME_CMD_REPEAT:
        if (r->last_len == 0)
            return answer(r, req, FRAME_BAD_FRAME, NULL, 0, out);
        memcpy(out, r->last, r->last_len);
        return r->last_len;
    }
    return answer(r, req, FRAME_UNKNOWN_CMD, NULL, 0, out);
}

size_t simreader_bad_frame(struct sim_reader *r, uint8_t seq, uint8_t cmd, uint8_t *out)
{
    struct frame req = {.seq = seq, .cmd = (uint8_t)(cmd & ~FRAME_RESPONSE), .len = 0};

    return answer(r, &req, FRAME_BAD_FRAME, NULL, 0, out);
}

bool simreader_garble_next(struct sim_reader *r)
{
    r->answers++;
    return r->f.garble_at > 0 && r->answers >= r->f.garble_at &&
           r->answers < r->f.garble_at + r->f.garble_count;
}
