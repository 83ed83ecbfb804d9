/* SPDX-License-Identifier: Apache-2.0 */
/* The APDU dialects (include/kwhpos/apdu.h): each maker's commands as data, and the
 * few ways their answers are read. Sources of every command: docs/reader-pcsc.md. */
#include "kwhpos/apdu.h"

#include <string.h>

static const struct apdu_dialect dialects[] = {
    {
        .name = "acs",
        .what = "ACS pseudo-APDUs (class FF) for SLE4432/4442/5532/5542",
        .cmd =
            {
                [APDU_SELECT] = {APDU_FIXED, 0xFF, 0xA4, 0x00, 0x00, 0, {0x06}, 1},
                [APDU_READ] = {APDU_ADDR_LE, 0xFF, 0xB0, 0, 0, 0, {0}, 0},
                [APDU_WRITE] = {APDU_ADDR_DATA, 0xFF, 0xD0, 0, 0, 0, {0}, 0},
                [APDU_TRIES] = {APDU_LE, 0xFF, 0xB1, 0x00, 0x00, 4, {0}, 0},
                [APDU_PRESENT] = {APDU_DATA, 0xFF, 0x20, 0x00, 0x00, 0, {0}, 0},
                [APDU_CHANGE] = {APDU_DATA, 0xFF, 0xD2, 0x00, 0x01, 0, {0}, 0},
                [APDU_PROTECT] = {APDU_LE, 0xFF, 0xB2, 0x00, 0x00, 4, {0}, 0},
            },
        .tries_form = APDU_TRIES_ERRCNT,
        .present_form = APDU_PRESENT_SW2_ERRCNT,
        .atr_form = APDU_ATR_SYNC4,
        .read_max = 128,
        .write_max = 64,
        .read_trailer = 4,
    },
    {
        .name = "iso",
        .what = "ISO 7816-4 class 00 (READ BINARY, UPDATE BINARY, VERIFY, CHANGE REFERENCE "
                "DATA)",
        .cmd =
            {
                [APDU_READ] = {APDU_ADDR_LE, 0x00, 0xB0, 0, 0, 0, {0}, 0},
                [APDU_WRITE] = {APDU_ADDR_DATA, 0x00, 0xD6, 0, 0, 0, {0}, 0},
                [APDU_TRIES] = {APDU_HEADER, 0x00, 0x20, 0x00, 0x00, 0, {0}, 0},
                [APDU_PRESENT] = {APDU_DATA, 0x00, 0x20, 0x00, 0x00, 0, {0}, 0},
                [APDU_CHANGE] = {APDU_DATA, 0x00, 0x24, 0x01, 0x00, 0, {0}, 0},
            },
        .tries_form = APDU_TRIES_SW63CX,
        .present_form = APDU_PRESENT_SW63CX,
        .atr_form = APDU_ATR_ANY,
        .read_max = 128,
        .write_max = 64,
        .read_trailer = 0,
    },
};

const struct apdu_dialect *apdu_dialect_find(const char *name)
{
    if (name == NULL || *name == '\0')
        return &dialects[0];
    for (size_t i = 0; i < sizeof dialects / sizeof dialects[0]; i++)
        if (strcmp(dialects[i].name, name) == 0)
            return &dialects[i];
    return NULL;
}

const struct apdu_dialect *apdu_dialect_at(size_t i)
{
    return i < sizeof dialects / sizeof dialects[0] ? &dialects[i] : NULL;
}

size_t apdu_build(const struct apdu_dialect *d, enum apdu_op op, unsigned addr, const uint8_t *data,
                  size_t len, uint8_t *out)
{
    const struct apdu_cmd *c = &d->cmd[op];
    size_t n = 4;

    out[0] = c->cla;
    out[1] = c->ins;
    out[2] = c->p1;
    out[3] = c->p2;
    switch (c->shape) {
    case APDU_NONE: return 0;
    case APDU_HEADER: return 4;
    case APDU_FIXED:
        out[n++] = c->data_len;
        memcpy(out + n, c->data, c->data_len);
        return n + c->data_len;
    case APDU_LE: out[n++] = c->le; return n;
    case APDU_ADDR_LE:
        if (len == 0 || len > 255 || addr > 0x7FFF)
            return 0;
        out[2] = (uint8_t)(addr >> 8);
        out[3] = (uint8_t)addr;
        out[n++] = (uint8_t)len;
        return n;
    case APDU_ADDR_DATA:
        if (addr > 0x7FFF)
            return 0;
        out[2] = (uint8_t)(addr >> 8);
        out[3] = (uint8_t)addr;
        /* fall through */
    case APDU_DATA:
        if (len == 0 || len > 255)
            return 0;
        out[n++] = (uint8_t)len;
        memcpy(out + n, data, len);
        return n + len;
    }
    return 0;
}

unsigned apdu_sw(const uint8_t *ans, size_t n)
{
    return n < 2 ? 0 : (unsigned)(ans[n - 2] << 8 | ans[n - 1]);
}

int apdu_errcnt_tries(uint8_t errcnt)
{
    return (errcnt & 1) + (errcnt >> 1 & 1) + (errcnt >> 2 & 1);
}

/* 63 Cx, 69 83 and 90 00 as tries left; -1 for anything else. */
static int sw_tries(unsigned sw)
{
    if (sw == 0x9000)
        return KWH_PSC_TRIES;
    if (sw == 0x6983)
        return 0;
    if ((sw & 0xFFF0) == 0x63C0)
        return (sw & 0xF) > KWH_PSC_TRIES ? KWH_PSC_TRIES : (int)(sw & 0xF);
    return -1;
}

bool apdu_tries(const struct apdu_dialect *d, const uint8_t *ans, size_t n, int *tries)
{
    int t;

    switch (d->tries_form) {
    case APDU_TRIES_ERRCNT:
        if (n < 3 || apdu_sw(ans, n) != 0x9000)
            return false;
        *tries = apdu_errcnt_tries(ans[0]);
        return true;
    case APDU_TRIES_SW63CX:
        if (n != 2 || (t = sw_tries(apdu_sw(ans, n))) < 0)
            return false;
        *tries = t;
        return true;
    }
    return false;
}

int apdu_present_result(const struct apdu_dialect *d, const uint8_t *ans, size_t n, int *tries)
{
    unsigned sw = apdu_sw(ans, n);
    int t;

    switch (d->present_form) {
    case APDU_PRESENT_SW2_ERRCNT:
        if (n == 2 && (sw >> 8) == 0x90)
            t = apdu_errcnt_tries((uint8_t)sw);
        else if (n == 6 && sw == 0x9000)
            t = apdu_errcnt_tries(ans[0]);
        else
            return -1;
        *tries = t;
        return t == KWH_PSC_TRIES ? 1 : 0;
    case APDU_PRESENT_SW63CX:
        if (n != 2 || (t = sw_tries(sw)) < 0)
            return -1;
        *tries = t;
        return sw == 0x9000 ? 1 : 0;
    }
    return -1;
}

bool apdu_atr(const struct apdu_dialect *d, const uint8_t *atr, size_t n, uint8_t out[4])
{
    switch (d->atr_form) {
    case APDU_ATR_SYNC4:
        if (n == 6 && atr[0] == 0x3B && atr[1] == 0x04)
            atr += 2;
        else if (n != 4)
            return false;
        if (atr[0] != 0xA2)
            return false;
        memcpy(out, atr, 4);
        return true;
    case APDU_ATR_ANY:
        if (n == 0)
            return false;
        memset(out, 0, 4);
        memcpy(out, atr, n < 4 ? n : 4);
        return true;
    }
    return false;
}

static const struct {
    unsigned sw, mask;
    int detail;
    const char *what;
} sw_table[] = {
    {0x6983, 0xFFFF, KWH_DEV_LOCKED, KWH_N("the card is locked")},
    {0x6982, 0xFFFF, KWH_DEV_WRITE_FAILED, KWH_N("the PSC was not presented")},
    {0x6581, 0xFFFF, KWH_DEV_WRITE_FAILED, KWH_N("the card's memory failed")},
    {0x6A81, 0xFFFF, KWH_DEV_UNSUPPORTED, KWH_N("the reader does not support the command")},
    {0x6D00, 0xFFFF, KWH_DEV_UNSUPPORTED, KWH_N("the reader does not know the instruction")},
    {0x6E00, 0xFFFF, KWH_DEV_UNSUPPORTED, KWH_N("the reader does not know the class")},
    {0x6700, 0xFFFF, KWH_DEV_PROTOCOL, KWH_N("wrong length")},
    {0x6B00, 0xFFFF, KWH_DEV_PROTOCOL, KWH_N("wrong address")},
    {0x6A86, 0xFFFF, KWH_DEV_PROTOCOL, KWH_N("wrong parameters")},
    {0x6300, 0xFF00, KWH_DEV_WRITE_FAILED, KWH_N("the command failed on the card")},
    {0x6400, 0xFF00, KWH_DEV_WRITE_FAILED, KWH_N("the card could not carry out the command")},
    {0x6500, 0xFF00, KWH_DEV_WRITE_FAILED, KWH_N("the card's memory changed or failed")},
    {0x6F00, 0xFF00, KWH_DEV_PROTOCOL, KWH_N("the reader failed without saying why")},
};

int apdu_sw_detail(unsigned sw, const char **what)
{
    for (size_t i = 0; i < sizeof sw_table / sizeof sw_table[0]; i++) {
        if ((sw & sw_table[i].mask) == sw_table[i].sw) {
            *what = sw_table[i].what;
            return sw_table[i].detail;
        }
    }
    *what = KWH_N("an unexpected status");
    return KWH_DEV_PROTOCOL;
}
