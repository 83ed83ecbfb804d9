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

/* The card file follows every change; a failure to save is a write failure. */
static bool persist(struct sim_reader *r)
{
    return simcard_save(r->card_path, &r->card, NULL) == 0;
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

/* NO_CARD or CARD_CHANGED when the session cannot go on, else OK. */
static uint8_t session_state(const struct sim_reader *r)
{
    if (!r->has_card)
        return FRAME_NO_CARD;
    if (r->changed || !r->powered)
        return FRAME_CARD_CHANGED;
    return FRAME_OK;
}

static size_t do_write(struct sim_reader *r, const struct frame *req, uint8_t *out, long *card_us)
{
    uint8_t count[2];
    unsigned addr, len, done = 0;
    uint8_t st;

    if (req->len < 3)
        return answer(r, req, FRAME_BAD_PARAM, NULL, 0, out);
    addr = frame_get16(req->data);
    len = req->len - 2u;
    if (addr >= KWH_CARD_SIZE || len > KWH_CARD_SIZE - addr)
        return answer(r, req, FRAME_BAD_PARAM, NULL, 0, out);
    if ((st = session_state(r)) != FRAME_OK)
        return answer(r, req, st, NULL, 0, out);
    if (!r->psc_ok)
        return answer(r, req, FRAME_PSC_REQUIRED, NULL, 0, out);
    while (done < len) {
        if (r->f.pull_after == 0) {
            r->f.pull_after = -1;
            if (done > 0)
                persist(r);
            simreader_eject(r);
            frame_put16(count, (uint16_t)done);
            return answer(r, req, FRAME_NO_CARD, count, 2, out);
        }
        if (r->f.pull_after > 0)
            r->f.pull_after--;
        r->card.mem[addr + done] = req->data[2 + done];
        done++;
        *card_us += SIM_EEPROM_US;
    }
    frame_put16(count, (uint16_t)done);
    if (!persist(r)) {
        frame_put16(count, 0);
        return answer(r, req, FRAME_WRITE_FAILED, count, 2, out);
    }
    return answer(r, req, FRAME_OK, count, 2, out);
}

static size_t do_present(struct sim_reader *r, const struct frame *req, uint8_t *out, long *card_us)
{
    uint8_t tries;
    uint8_t st;

    if (req->len != KWH_PSC_LEN)
        return answer(r, req, FRAME_BAD_PARAM, NULL, 0, out);
    if ((st = session_state(r)) != FRAME_OK)
        return answer(r, req, st, NULL, 0, out);
    if (r->card.tries <= 0)
        return answer(r, req, FRAME_LOCKED, NULL, 0, out);
    /* like the SLE4442: the error counter is spent first, restored on a match */
    r->card.tries--;
    *card_us += SIM_EEPROM_US;
    if (memcmp(req->data, r->card.psc, KWH_PSC_LEN) == 0) {
        r->card.tries = KWH_PSC_TRIES;
        r->psc_ok = true;
        *card_us += SIM_EEPROM_US;
    } else {
        r->psc_ok = false;
    }
    if (!persist(r))
        return answer(r, req, FRAME_WRITE_FAILED, NULL, 0, out);
    tries = (uint8_t)r->card.tries;
    if (r->psc_ok)
        return answer(r, req, FRAME_OK, &tries, 1, out);
    return answer(r, req, tries == 0 ? FRAME_LOCKED : FRAME_WRONG_PSC, &tries, 1, out);
}

static size_t do_change(struct sim_reader *r, const struct frame *req, uint8_t *out, long *card_us)
{
    uint8_t st;

    if (req->len != KWH_PSC_LEN)
        return answer(r, req, FRAME_BAD_PARAM, NULL, 0, out);
    if ((st = session_state(r)) != FRAME_OK)
        return answer(r, req, st, NULL, 0, out);
    if (!r->psc_ok)
        return answer(r, req, FRAME_PSC_REQUIRED, NULL, 0, out);
    memcpy(r->card.psc, req->data, KWH_PSC_LEN);
    *card_us += KWH_PSC_LEN * SIM_EEPROM_US;
    if (!persist(r))
        return answer(r, req, FRAME_WRITE_FAILED, NULL, 0, out);
    return answer(r, req, FRAME_OK, NULL, 0, out);
}

size_t simreader_handle(struct sim_reader *r, const struct frame *req, uint8_t *out, long *card_us)
{
    uint8_t buf[KWH_CARD_SIZE];
    unsigned addr, len;
    uint8_t st;

    *card_us = 0;
    switch (req->cmd) {
    case FRAME_CMD_IDENT:
        return answer(r, req, FRAME_OK, (const uint8_t *)SIM_PROTOCOL_NAME,
                      strlen(SIM_PROTOCOL_NAME), out);
    case FRAME_CMD_STATUS:
        buf[0] = (uint8_t)((r->has_card ? FRAME_ST_CARD : 0) | (r->changed ? FRAME_ST_CHANGED : 0));
        return answer(r, req, FRAME_OK, buf, 1, out);
    case FRAME_CMD_POWER_ON:
        if (!r->has_card)
            return answer(r, req, FRAME_NO_CARD, NULL, 0, out);
        r->powered = true;
        r->changed = false;
        r->psc_ok = false;
        return answer(r, req, FRAME_OK, r->card.mem, 4, out);
    case FRAME_CMD_READ:
        if (req->len != 4)
            return answer(r, req, FRAME_BAD_PARAM, NULL, 0, out);
        addr = frame_get16(req->data);
        len = frame_get16(req->data + 2);
        if (len == 0 || addr >= KWH_CARD_SIZE || len > KWH_CARD_SIZE - addr)
            return answer(r, req, FRAME_BAD_PARAM, NULL, 0, out);
        if ((st = session_state(r)) != FRAME_OK)
            return answer(r, req, st, NULL, 0, out);
        return answer(r, req, FRAME_OK, r->card.mem + addr, len, out);
    case FRAME_CMD_WRITE: return do_write(r, req, out, card_us);
    case FRAME_CMD_PSC_TRIES:
        if ((st = session_state(r)) != FRAME_OK)
            return answer(r, req, st, NULL, 0, out);
        buf[0] = (uint8_t)r->card.tries;
        return answer(r, req, r->card.tries > 0 ? FRAME_OK : FRAME_LOCKED, buf, 1, out);
    case FRAME_CMD_PSC_PRESENT: return do_present(r, req, out, card_us);
    case FRAME_CMD_PSC_CHANGE: return do_change(r, req, out, card_us);
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
