/* SPDX-License-Identifier: Apache-2.0 */
/* The virtual card's answers to command APDUs: a command is recognised in the dialect
 * table (include/kwhpos/apdu.h), carried out by the card engine (simsle.c), and answered
 * in the form that dialect's reader gives. */
#include "sim.h"

#include <string.h>

#include "kwhpos/apdu.h"

/* Finds the dialect and operation of a command; false when no dialect has it. */
static bool identify(const uint8_t *c, size_t n, const struct apdu_dialect **dp, enum apdu_op *op)
{
    const struct apdu_dialect *d;

    for (size_t i = 0; (d = apdu_dialect_at(i)) != NULL; i++) {
        for (int o = 0; o < APDU_OP_COUNT; o++) {
            const struct apdu_cmd *k = &d->cmd[o];
            bool fixed_p = k->shape != APDU_ADDR_LE && k->shape != APDU_ADDR_DATA;
            bool fits;

            if (k->shape == APDU_NONE || c[0] != k->cla || c[1] != k->ins)
                continue;
            if (fixed_p && (c[2] != k->p1 || c[3] != k->p2))
                continue;
            switch (k->shape) {
            case APDU_HEADER: fits = n == 4; break;
            case APDU_LE:
            case APDU_ADDR_LE: fits = n == 5; break;
            default: fits = n >= 6 && n == 5u + c[4]; break;
            }
            if (fits) {
                *dp = d;
                *op = (enum apdu_op)o;
                return true;
            }
        }
    }
    return false;
}

/* The status word of an engine failure. */
static unsigned sw_of(enum sim_st st)
{
    switch (st) {
    case SIM_OK: return 0x9000;
    case SIM_BAD_PARAM: return 0x6B00;
    case SIM_PSC_REQUIRED: return 0x6982;
    case SIM_LOCKED: return 0x6983;
    case SIM_WRITE_FAILED: return 0x6581;
    default: return 0x6985; /* conditions of use not satisfied: no powered card */
    }
}

static size_t put_sw(uint8_t *out, size_t n, unsigned sw)
{
    out[n] = (uint8_t)(sw >> 8);
    out[n + 1] = (uint8_t)sw;
    return n + 2;
}

/* The SLE4442 error counter bits for tries left: 07, 03, 01, 00. */
static uint8_t errcnt(int tries)
{
    return (uint8_t)((1u << tries) - 1);
}

/* tries left as an ISO status word: 63 Cx, or 69 83 when none. */
static unsigned sw_tries(int tries)
{
    return tries > 0 ? 0x63C0u | (unsigned)tries : 0x6983;
}

size_t simapdu_handle(struct sim_reader *r, const uint8_t *c, size_t n, uint8_t *out, long *card_us)
{
    const struct apdu_dialect *d;
    const uint8_t *data;
    enum apdu_op op;
    enum sim_st st;
    unsigned addr, done;
    int tries;

    *card_us = 0;
    if (n < 4)
        return put_sw(out, 0, 0x6700);
    if (!identify(c, n, &d, &op))
        return put_sw(out, 0, c[0] == 0xFF || c[0] == 0x00 ? 0x6D00 : 0x6E00);
    addr = (unsigned)(c[2] << 8 | c[3]);
    switch (op) {
    case APDU_SELECT: return put_sw(out, 0, c[5] == d->cmd[APDU_SELECT].data[0] ? 0x9000 : 0x6A81);
    case APDU_READ:
        st = simsle_read(r, addr, c[4] ? c[4] : 256u, &data);
        if (st != SIM_OK)
            return put_sw(out, 0, sw_of(st));
        memcpy(out, data, c[4] ? c[4] : 256u);
        return put_sw(out, c[4] ? c[4] : 256u, 0x9000);
    case APDU_WRITE:
        st = simsle_write(r, addr, c + 5, c[4], &done, card_us);
        return st == SIM_PULLED ? 0 : put_sw(out, 0, sw_of(st));
    case APDU_TRIES:
        st = simsle_tries(r, &tries);
        if (st != SIM_OK && st != SIM_LOCKED)
            return put_sw(out, 0, sw_of(st));
        if (d->tries_form == APDU_TRIES_SW63CX)
            return put_sw(out, 0, sw_tries(tries));
        memset(out, 0, d->cmd[APDU_TRIES].le);
        out[0] = errcnt(tries);
        return put_sw(out, d->cmd[APDU_TRIES].le, 0x9000);
    case APDU_PRESENT:
        if (c[4] != KWH_PSC_LEN)
            return put_sw(out, 0, 0x6700);
        st = simsle_present(r, c + 5, &tries, card_us);
        if (st != SIM_OK && st != SIM_WRONG_PSC && st != SIM_LOCKED)
            return put_sw(out, 0, sw_of(st));
        if (d->present_form == APDU_PRESENT_SW63CX)
            return put_sw(out, 0, st == SIM_OK ? 0x9000 : sw_tries(tries));
        return put_sw(out, 0, 0x9000u | errcnt(tries));
    case APDU_CHANGE:
        if (c[4] != KWH_PSC_LEN)
            return put_sw(out, 0, 0x6700);
        return put_sw(out, 0, sw_of(simsle_change(r, c + 5, card_us)));
    case APDU_PROTECT:
        st = simsle_protect(r, out);
        return st == SIM_OK ? put_sw(out, 4, 0x9000) : put_sw(out, 0, sw_of(st));
    case APDU_OP_COUNT: break;
    }
    return put_sw(out, 0, 0x6D00);
}
