/* SPDX-License-Identifier: Apache-2.0 */
/* The SLE4442 in the simulated reader: a session per power-on, the PSC and its error
 * counter, the protection bits, and the pull fault. The serial reader (simreader.c)
 * and the virtual card behind vpcd (simapdu.c) both answer from here. */
#include "sim.h"

#include <string.h>

/* The card file follows every change; a failure to save is a write failure. */
static bool persist(struct sim_reader *r)
{
    return simcard_save(r->card_path, &r->card, NULL) == 0;
}

/* NO_CARD or CHANGED when the session cannot go on, else OK. */
static enum sim_st session(const struct sim_reader *r)
{
    if (!r->has_card)
        return SIM_NO_CARD;
    if (r->changed || !r->powered)
        return SIM_CHANGED;
    return SIM_OK;
}

enum sim_st simsle_power_on(struct sim_reader *r, uint8_t atr[4])
{
    if (!r->has_card)
        return SIM_NO_CARD;
    r->powered = true;
    r->changed = false;
    r->psc_ok = false;
    memcpy(atr, r->card.mem, 4);
    return SIM_OK;
}

void simsle_power_off(struct sim_reader *r)
{
    r->powered = false;
    r->psc_ok = false;
}

enum sim_st simsle_read(struct sim_reader *r, unsigned addr, unsigned len, const uint8_t **data)
{
    enum sim_st st;

    if (len == 0 || addr >= KWH_CARD_SIZE || len > KWH_CARD_SIZE - addr)
        return SIM_BAD_PARAM;
    if ((st = session(r)) != SIM_OK)
        return st;
    *data = r->card.mem + addr;
    return SIM_OK;
}

static bool writable(const struct sim_reader *r, unsigned i)
{
    return i >= 32 || (r->card.protect[i / 8] >> (i % 8) & 1) != 0;
}

enum sim_st simsle_write(struct sim_reader *r, unsigned addr, const uint8_t *data, unsigned len,
                         unsigned *done, long *card_us)
{
    enum sim_st st;

    *done = 0;
    if (len == 0 || addr >= KWH_CARD_SIZE || len > KWH_CARD_SIZE - addr)
        return SIM_BAD_PARAM;
    if ((st = session(r)) != SIM_OK)
        return st;
    if (!r->psc_ok)
        return SIM_PSC_REQUIRED;
    while (*done < len) {
        if (r->f.quiet_after == 0) {
            /* the reader goes quiet here: what reached the card stays, no answer */
            r->f.quiet_after = -1;
            r->f.quiet_now = true;
            break;
        }
        if (r->f.pull_after == 0) {
            r->f.pull_after = -1;
            if (*done > 0)
                persist(r);
            simreader_eject(r);
            return SIM_PULLED;
        }
        if (r->f.pull_after > 0)
            r->f.pull_after--;
        if (writable(r, addr + *done))
            r->card.mem[addr + *done] = data[*done];
        (*done)++;
        *card_us += SIM_EEPROM_US;
        if (r->f.quiet_after > 0 && --r->f.quiet_after == 0) {
            r->f.quiet_after = -1; /* the Nth byte: written, then the reader goes quiet */
            r->f.quiet_now = true;
            break;
        }
    }
    if (!persist(r)) {
        *done = 0;
        return SIM_WRITE_FAILED;
    }
    return SIM_OK;
}

enum sim_st simsle_tries(struct sim_reader *r, int *tries)
{
    enum sim_st st = session(r);

    if (st != SIM_OK)
        return st;
    *tries = r->card.tries;
    return r->card.tries > 0 ? SIM_OK : SIM_LOCKED;
}

enum sim_st simsle_present(struct sim_reader *r, const uint8_t psc[KWH_PSC_LEN], int *tries,
                           long *card_us)
{
    enum sim_st st = session(r);

    *tries = 0;
    if (st != SIM_OK)
        return st;
    if (r->card.tries <= 0)
        return SIM_LOCKED;
    /* like the SLE4442: the error counter is spent first, restored on a match */
    r->card.tries--;
    *card_us += SIM_EEPROM_US;
    if (memcmp(psc, r->card.psc, KWH_PSC_LEN) == 0) {
        r->card.tries = KWH_PSC_TRIES;
        r->psc_ok = true;
        *card_us += SIM_EEPROM_US;
    } else {
        r->psc_ok = false;
    }
    if (!persist(r))
        return SIM_WRITE_FAILED;
    *tries = r->card.tries;
    if (r->psc_ok)
        return SIM_OK;
    return r->card.tries == 0 ? SIM_LOCKED : SIM_WRONG_PSC;
}

enum sim_st simsle_change(struct sim_reader *r, const uint8_t psc[KWH_PSC_LEN], long *card_us)
{
    enum sim_st st = session(r);

    if (st != SIM_OK)
        return st;
    if (!r->psc_ok)
        return SIM_PSC_REQUIRED;
    memcpy(r->card.psc, psc, KWH_PSC_LEN);
    *card_us += KWH_PSC_LEN * SIM_EEPROM_US;
    if (!persist(r))
        return SIM_WRITE_FAILED;
    return SIM_OK;
}

enum sim_st simsle_protect(struct sim_reader *r, uint8_t out[4])
{
    enum sim_st st = session(r);

    if (st != SIM_OK)
        return st;
    memcpy(out, r->card.protect, 4);
    return SIM_OK;
}
