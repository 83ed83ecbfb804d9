/* SPDX-License-Identifier: Apache-2.0 */
/* The card layouts this program knows (kwhpos/cardprofile.h, docs/card-format.md), and
 * the calls through a profile. */
#include "kwhpos/cardprofile.h"

#include <string.h>

#include "card/slots.h"
#include "kwhpos/util.h"

/* kwhpos's own layout: the header first, two slots, the return area, the key area. */
static const struct slot_layout kwh1 = {
    .magic = {'K', 'W', 'H'},
    .version = 1,
    .mark = 0x04,
    .psc = 0x08,
    .psc_site = 0xA5,
    .commit = 0x09,
    .commit_to = {0x00, 0x01},
    .serial = 0x0A,
    .slot = {0x10, 0x50},
    .slot_mac = 48,
    .slot_at =
        {
            [SF_TYPE] = 0,
            [SF_AREA] = 1,
            [SF_METER] = 4,
            [SF_CUSTOMER] = 8,
            [SF_COUNT] = 12,
            [SF_ENERGY] = 14,
            [SF_FREE] = 18,
            [SF_GEN] = 22,
            [SF_FLAGS] = 24,
            [SF_MTYPE] = 25,
            [SF_LIMIT] = 26,
            [SF_ALARM] = 28,
            [SF_OVERDRAFT] = 32,
            [SF_HOARD] = 36,
            [SF_CT] = 40,
            [SF_ISSUED] = 42,
        },
    .ret = 0x90,
    .ret_mac = 32,
    .ret_mark = 0x52,
    .ret_at =
        {
            [RF_MARK] = 0,
            [RF_METER] = 1,
            [RF_COUNT] = 5,
            [RF_STATUS] = 7,
            [RF_REMAIN] = 8,
            [RF_USED] = 12,
            [RF_BOUGHT] = 16,
            [RF_DISPLAY] = 20,
            [RF_GEN] = 21,
            [RF_TIME] = 23,
        },
    .keyx = 0xC0,
    .reserved = {{0xF0, 16}, {0, 0}},
    .little_endian = false,
    .slot_label = "KWHS",
    .ret_label = "KWHR",
};

/* For tests only: everything somewhere else. The key area first, the slots apart with
 * the return area between them, each MAC before the data it covers, the fields in
 * another order, little-endian integers, other byte values for the PSC state and the
 * commit byte, and the header at the end of the card. No meter reads it: it proves that
 * nothing above the card layer knows where anything lies. */
static const struct slot_layout test = {
    .magic = {'T', 'S', 'T'},
    .version = 2,
    .mark = 0xF0,
    .psc = 0xFB,
    .psc_site = 0x3C,
    .commit = 0xF4,
    .commit_to = {0x5A, 0xA5},
    .serial = 0xF5,
    .slot = {0x40, 0xB0},
    .slot_mac = 0,
    .slot_at =
        {
            [SF_METER] = 16,
            [SF_TYPE] = 20,
            [SF_AREA] = 21,
            [SF_COUNT] = 24,
            [SF_ENERGY] = 26,
            [SF_CUSTOMER] = 30,
            [SF_FREE] = 34,
            [SF_FLAGS] = 38,
            [SF_GEN] = 39,
            [SF_MTYPE] = 41,
            [SF_LIMIT] = 42,
            [SF_CT] = 44,
            [SF_ALARM] = 46,
            [SF_OVERDRAFT] = 50,
            [SF_HOARD] = 54,
            [SF_ISSUED] = 58,
        },
    .ret = 0x80,
    .ret_mac = 0,
    .ret_mark = 0x72,
    .ret_at =
        {
            [RF_MARK] = 16,
            [RF_METER] = 17,
            [RF_STATUS] = 21,
            [RF_COUNT] = 22,
            [RF_REMAIN] = 24,
            [RF_USED] = 28,
            [RF_BOUGHT] = 32,
            [RF_DISPLAY] = 36,
            [RF_GEN] = 37,
            [RF_TIME] = 39,
        },
    .keyx = 0x04,
    .reserved = {{0x34, 12}, {0xFC, 4}},
    .little_endian = true,
    .slot_label = "TSTS",
    .ret_label = "TSTR",
};

#define SLOTS_OPS                                                                                  \
    .decode = slots_decode, .encode = slots_encode, .wiped = slots_wiped, .record = slots_record,  \
    .is_blank = slots_is_blank, .serial = slots_serial, .psc = slots_psc, .plan = slots_plan,      \
    .repair = slots_repair, .put_return = slots_put_return, .take_keys = slots_take_keys,          \
    .erase_keys = slots_erase_keys, .resign = slots_resign, .where = slots_where

static const struct card_profile profiles[] = {
    {.id = "kwh1", .name = "kwhpos layout 1", .test_only = false, .layout = &kwh1, SLOTS_OPS},
    {.id = "test",
     .name = "test layout (no meter reads it)",
     .test_only = true,
     .layout = &test,
     SLOTS_OPS},
};

const struct card_profile *cardprofile_default(void)
{
    return &profiles[0];
}

const struct card_profile *cardprofile_find(const char *id)
{
    for (size_t i = 0; id != NULL && i < KWH_ARRAY_LEN(profiles); i++)
        if (strcmp(profiles[i].id, id) == 0)
            return &profiles[i];
    return NULL;
}

const struct card_profile *cardprofile_at(size_t i)
{
    return i < KWH_ARRAY_LEN(profiles) ? &profiles[i] : NULL;
}

/* --- through a profile ------------------------------------------------------------------ */

int card_decode(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                const struct kwh_site_keys *keys, struct kwh_card *out, struct kwh_err *e)
{
    return p->decode(p, img, keys, out, e);
}

int card_encode(const struct card_profile *p, const uint8_t old[KWH_CARD_SIZE],
                const struct kwh_card *c, const struct kwh_site_keys *keys,
                uint8_t out[KWH_CARD_SIZE], struct kwh_err *e)
{
    return p->encode(p, old, c, keys, out, e);
}

void card_wiped(const struct card_profile *p, const uint8_t old[KWH_CARD_SIZE],
                uint8_t out[KWH_CARD_SIZE])
{
    p->wiped(p, old, out);
}

void card_record(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE], bool active,
                 uint8_t out[CARD_RECORD_LEN])
{
    p->record(p, img, active, out);
}

bool card_is_blank(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE])
{
    return p->is_blank(p, img);
}

void card_serial_of(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                    uint8_t out[CARD_SERIAL_LEN])
{
    p->serial(p, img, out);
}

enum card_psc_guess card_psc_guess(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE])
{
    return p->psc(p, img);
}

void card_plan(const struct card_profile *p, const uint8_t old[KWH_CARD_SIZE],
               const uint8_t new_img[KWH_CARD_SIZE], struct card_steps *out)
{
    p->plan(p, old, new_img, out);
}

void card_repair_plan(const struct card_profile *p, const uint8_t current[KWH_CARD_SIZE],
                      const uint8_t old[KWH_CARD_SIZE], uint8_t target[KWH_CARD_SIZE],
                      struct card_steps *out)
{
    p->repair(p, current, old, target, out);
}

void card_encode_return(const struct card_profile *p, uint8_t img[KWH_CARD_SIZE],
                        const struct kwh_card_return *r, const uint8_t mac_key[KWH_KEY_LEN])
{
    p->put_return(p, img, r, mac_key);
}

int card_take_keys(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                   uint32_t meter_no, struct kwh_site_keys *keys, struct kwh_err *e)
{
    return p->take_keys(p, img, meter_no, keys, e);
}

void card_erase_keys(const struct card_profile *p, uint8_t img[KWH_CARD_SIZE])
{
    p->erase_keys(p, img);
}

void card_resign(const struct card_profile *p, uint8_t img[KWH_CARD_SIZE],
                 const struct kwh_site_keys *keys)
{
    p->resign(p, img, keys);
}

bool card_where(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                enum card_piece piece, unsigned *off, unsigned *len)
{
    return p->where(p, img, piece, off, len);
}
