/* SPDX-License-Identifier: Apache-2.0 */
/* The card image codec: 256 bytes <-> struct kwh_card (docs/card-format.md). */
#include "kwhpos/card.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/util.h"

const uint8_t card_atr[4] = {0xA2, 0x13, 0x10, 0x91};

static const uint8_t magic[3] = {'K', 'W', 'H'};

/* Slot field offsets. */
enum {
    S_TYPE = 0,
    S_AREA = 1,
    S_METER = 4,
    S_CUSTOMER = 8,
    S_COUNT = 12,
    S_ENERGY = 14,
    S_FREE = 18,
    S_GEN = 22,
    S_FLAGS = 24,
    S_MTYPE = 25,
    S_LIMIT = 26,
    S_ALARM = 28,
    S_OVERDRAFT = 32,
    S_HOARD = 36,
    S_CT = 40,
    S_ISSUED = 42,
    S_MAC = 48,
};

/* Return-area field offsets. */
enum {
    R_MARK = 0,
    R_METER = 1,
    R_COUNT = 5,
    R_STATUS = 7,
    R_REMAIN = 8,
    R_USED = 12,
    R_BOUGHT = 16,
    R_DISPLAY = 20,
    R_GEN = 21,
    R_TIME = 23,
    R_MAC = 32,
};
#define RETURN_MARK 0x52

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static bool all_ff(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xFF)
            return false;
    return true;
}

bool card_serial_is_set(const uint8_t serial[CARD_SERIAL_LEN])
{
    return !all_ff(serial, CARD_SERIAL_LEN);
}

static bool bcd_to_area(const uint8_t *bcd, char out[7])
{
    for (int i = 0; i < 3; i++) {
        int hi = bcd[i] >> 4, lo = bcd[i] & 0x0F;
        if (hi > 9 || lo > 9)
            return false;
        out[2 * i] = (char)('0' + hi);
        out[2 * i + 1] = (char)('0' + lo);
    }
    out[6] = '\0';
    return true;
}

static void area_to_bcd(const char *area, uint8_t *bcd)
{
    for (int i = 0; i < 3; i++)
        bcd[i] = (uint8_t)(((area[2 * i] - '0') << 4) | (area[2 * i + 1] - '0'));
}

/* MAC over the layout version, the card serial and one area's payload. */
static void mac(uint8_t out[KWH_MAC_LEN], const char *label, const uint8_t *serial,
                const uint8_t *payload, size_t len, const uint8_t key[KWH_KEY_LEN])
{
    crypto_generichash_state st;
    const uint8_t ver = KWH_CARD_VERSION;
    crypto_generichash_init(&st, key, KWH_KEY_LEN, KWH_MAC_LEN);
    crypto_generichash_update(&st, (const uint8_t *)label, strlen(label));
    crypto_generichash_update(&st, &ver, 1);
    crypto_generichash_update(&st, serial, CARD_SERIAL_LEN);
    crypto_generichash_update(&st, payload, len);
    crypto_generichash_final(&st, out, KWH_MAC_LEN);
}

static unsigned slot_offset(int active)
{
    return active == 0 ? CARD_OFF_SLOT0 : CARD_OFF_SLOT1;
}

void card_active_slot(const uint8_t img[KWH_CARD_SIZE], uint8_t out[CARD_SLOT_LEN])
{
    uint8_t a = img[CARD_OFF_ACTIVE];
    if (memcmp(img + CARD_OFF_MAGIC, magic, 3) != 0 || (a != 0 && a != 1)) {
        memset(out, 0xFF, CARD_SLOT_LEN);
        return;
    }
    memcpy(out, img + slot_offset(a), CARD_SLOT_LEN);
}

void card_blank_image(uint8_t img[KWH_CARD_SIZE])
{
    memset(img, 0xFF, KWH_CARD_SIZE);
    memcpy(img, card_atr, sizeof card_atr);
}

void card_resign(uint8_t img[KWH_CARD_SIZE], const struct kwh_site_keys *keys)
{
    uint8_t *p = img + CARD_OFF_RETURN;

    for (int i = 0; i < 2; i++) {
        uint8_t *s = img + slot_offset(i);
        if (!all_ff(s, CARD_SLOT_LEN))
            mac(s + S_MAC, "KWHS", img + CARD_OFF_SERIAL, s, S_MAC, keys->mac_key);
    }
    if (p[R_MARK] == RETURN_MARK)
        mac(p + R_MAC, "KWHR", img + CARD_OFF_SERIAL, p, R_MAC, keys->mac_key);
}

static void decode_return(const uint8_t img[KWH_CARD_SIZE], const struct kwh_site_keys *keys,
                          struct kwh_card_return *r)
{
    const uint8_t *p = img + CARD_OFF_RETURN;
    uint8_t want[KWH_MAC_LEN];

    memset(r, 0, sizeof *r);
    if (p[R_MARK] != RETURN_MARK)
        return;
    if (keys != NULL) {
        mac(want, "KWHR", img + CARD_OFF_SERIAL, p, R_MAC, keys->mac_key);
        if (sodium_memcmp(want, p + R_MAC, KWH_MAC_LEN) != 0) {
            r->damaged = true;
            return;
        }
    }
    r->meter_no = get32(p + R_METER);
    r->loaded_count = get16(p + R_COUNT);
    r->status = p[R_STATUS];
    r->remaining_ckwh = (int32_t)get32(p + R_REMAIN);
    r->used_ckwh = get32(p + R_USED);
    r->bought_ckwh = get32(p + R_BOUGHT);
    r->display = p[R_DISPLAY];
    r->generation = get16(p + R_GEN);
    r->time = get32(p + R_TIME);
    r->valid = keys != NULL;
}

void card_encode_return(uint8_t img[KWH_CARD_SIZE], const struct kwh_card_return *r,
                        const uint8_t mac_key[KWH_KEY_LEN])
{
    uint8_t *p = img + CARD_OFF_RETURN;

    memset(p, 0, CARD_RETURN_LEN);
    p[R_MARK] = RETURN_MARK;
    put32(p + R_METER, r->meter_no);
    put16(p + R_COUNT, r->loaded_count);
    p[R_STATUS] = r->status;
    put32(p + R_REMAIN, (uint32_t)r->remaining_ckwh);
    put32(p + R_USED, r->used_ckwh);
    put32(p + R_BOUGHT, r->bought_ckwh);
    p[R_DISPLAY] = r->display;
    put16(p + R_GEN, r->generation);
    put32(p + R_TIME, r->time);
    if (sodium_init() < 0)
        abort(); /* no randomness source: nothing can be protected */
    mac(p + R_MAC, "KWHR", img + CARD_OFF_SERIAL, p, R_MAC, mac_key);
}

static bool type_has_meter(int type)
{
    return type == KWH_CARD_USER || type == KWH_CARD_REFUND;
}

static int check_fields(const struct kwh_card *c, struct kwh_err *e)
{
    if (c->type < KWH_CARD_USER || c->type > KWH_CARD_TEST)
        return kwh_err_set(e, KWH_ECARD, "the card has an unknown type (%u)", c->type);
    if (type_has_meter(c->type)) {
        if (c->meter_no > 99999999u)
            return kwh_err_set(e, KWH_ECARD, "the card's meter number %u is not 8 digits",
                               c->meter_no);
        if (c->params.meter_type < KWH_METER_SINGLE ||
            c->params.meter_type > KWH_METER_THREE_DIRECT)
            return kwh_err_set(e, KWH_ECARD, "the card has an unknown meter type (%u)",
                               c->params.meter_type);
    }
    if (c->params.ct_ratio == 0)
        return kwh_err_set(e, KWH_ECARD, "the card's CT ratio is zero");
    if (c->free_ckwh > c->purchase_ckwh)
        return kwh_err_set(e, KWH_ECARD, "the card's free allowance exceeds its purchase");
    return 0;
}

/* Everything outside the active slot that the issuer wrote must be intact too: the
 * other slot is empty or a genuine earlier version, the key area empty or genuine,
 * the reserved tail untouched. Returns a reason, or NULL when intact. */
static const char *check_rest(const uint8_t img[KWH_CARD_SIZE], const struct kwh_card *c,
                              const struct kwh_site_keys *keys)
{
    const uint8_t *other = img + slot_offset(!c->active);
    const uint8_t *kx = img + CARD_OFF_KEYX;
    uint8_t want[KWH_MAC_LEN];
    struct kwh_site_keys got;

    if (!all_ff(other, CARD_SLOT_LEN)) {
        mac(want, "KWHS", c->serial, other, S_MAC, keys->mac_key);
        if (sodium_memcmp(want, other + S_MAC, KWH_MAC_LEN) != 0)
            return "the card's second record is altered or damaged";
    }
    if (!all_ff(kx, CARD_KEYX_LEN)) {
        if (!(c->flags & CARD_F_KEYX) || card_keyx_unwrap(kx, c->meter_no, &got, NULL) < 0 ||
            strcmp(got.area_code, keys->area_code) != 0 ||
            sodium_memcmp(got.mac_key, keys->mac_key, KWH_KEY_LEN) != 0) {
            sodium_memzero(&got, sizeof got);
            return "the card's key area is altered or damaged";
        }
        sodium_memzero(&got, sizeof got);
    }
    if (!all_ff(img + CARD_OFF_KEYX + CARD_KEYX_LEN, KWH_CARD_SIZE - CARD_OFF_KEYX - CARD_KEYX_LEN))
        return "the card's reserved area is altered";
    return NULL;
}

/* Whether bytes 4..7 are a prefix of "KWH" + version followed by erased bytes: what a
 * personalisation stopped while writing them leaves. */
static bool header_prefix(const uint8_t img[KWH_CARD_SIZE])
{
    const uint8_t want[4] = {'K', 'W', 'H', KWH_CARD_VERSION};
    bool erased = false;
    for (int i = 0; i < 4; i++) {
        uint8_t b = img[CARD_OFF_MAGIC + i];
        if (erased && b != 0xFF)
            return false;
        if (b == 0xFF)
            erased = true;
        else if (b != want[i])
            return false;
    }
    return true;
}

int card_decode(const uint8_t img[KWH_CARD_SIZE], const struct kwh_site_keys *keys,
                struct kwh_card *out, struct kwh_err *e)
{
    const uint8_t *s;
    uint8_t want[KWH_MAC_LEN];
    char area[7];

    memset(out, 0, sizeof *out);
    if (sodium_init() < 0)
        return kwh_err_set(e, KWH_EIO, "the cryptography library failed to start");
    out->psc_state = img[CARD_OFF_PSC_STATE];
    out->active = CARD_ACTIVE_NONE;
    memcpy(out->serial, img + CARD_OFF_SERIAL, CARD_SERIAL_LEN);
    out->params.ct_ratio = 1;

    if (out->psc_state == CARD_PSC_SITE && card_serial_is_set(out->serial) && header_prefix(img) &&
        img[CARD_OFF_ACTIVE] == CARD_ACTIVE_NONE)
        return 0; /* personalised, nothing committed (or wiped): usable as a blank */
    if (memcmp(img + CARD_OFF_MAGIC, magic, 3) != 0) {
        /* Factory-new, wiped, or personalised up to the PSC but never committed. */
        if (out->psc_state == CARD_PSC_FACTORY && all_ff(img + CARD_OFF_MAGIC, 6) &&
            all_ff(img + CARD_OFF_SLOT0, KWH_CARD_SIZE - CARD_OFF_SLOT0)) {
            /* a wiped card keeps its serial (it is the card's for life); a half-written
               one is left by an interrupted personalisation. Either way the PSC is the
               factory one, and the serial is reused when the card is written again. */
            return 0;
        }
        return kwh_err_set(e, KWH_ECARD,
                           "not a kwhpos card (unknown content); if it should be blank, "
                           "wipe it with 读卡清卡 on the system that issued it");
    }
    if (img[CARD_OFF_VERSION] != KWH_CARD_VERSION)
        return kwh_err_set(e, KWH_ECARD, "card layout version %u is not supported (this is %u)",
                           img[CARD_OFF_VERSION], KWH_CARD_VERSION);
    if (out->psc_state != CARD_PSC_SITE)
        return kwh_err_set(e, KWH_ECARD, "the card's header is damaged (PSC state %#x)",
                           out->psc_state);
    if (img[CARD_OFF_ACTIVE] == CARD_ACTIVE_NONE)
        return kwh_err_set(e, KWH_ECARD, "the card's header is damaged (no serial)");
    if (img[CARD_OFF_ACTIVE] > 1)
        return kwh_err_set(e, KWH_ECARD, "the card's header is damaged (commit byte %#x)",
                           img[CARD_OFF_ACTIVE]);

    out->active = img[CARD_OFF_ACTIVE];
    s = img + slot_offset(out->active);
    if (!bcd_to_area(s + S_AREA, area))
        return kwh_err_set(e, KWH_ECARD, "the card's area code is damaged");
    memcpy(out->area_code, area, sizeof area);
    if (keys != NULL && strcmp(area, keys->area_code) != 0)
        return kwh_err_set(e, KWH_ECARD,
                           "the card belongs to another site (area code %s, this site %s)", area,
                           keys->area_code);
    if (keys != NULL) {
        mac(want, "KWHS", out->serial, s, S_MAC, keys->mac_key);
        if (sodium_memcmp(want, s + S_MAC, KWH_MAC_LEN) != 0)
            return kwh_err_set(e, KWH_ECARD,
                               "the card's protection check failed: it was altered, damaged, "
                               "or issued by another system with the same area code");
    }
    out->type = s[S_TYPE];
    out->meter_no = get32(s + S_METER);
    out->customer_no = get32(s + S_CUSTOMER);
    out->purchase_count = get16(s + S_COUNT);
    out->purchase_ckwh = get32(s + S_ENERGY);
    out->free_ckwh = get32(s + S_FREE);
    out->generation = get16(s + S_GEN);
    out->flags = s[S_FLAGS];
    out->params.meter_type = s[S_MTYPE];
    out->params.current_limit_a = get16(s + S_LIMIT);
    out->params.alarm_ckwh = get32(s + S_ALARM);
    out->params.overdraft_ckwh = get32(s + S_OVERDRAFT);
    out->params.hoard_ckwh = get32(s + S_HOARD);
    out->params.ct_ratio = get16(s + S_CT);
    out->issued = get32(s + S_ISSUED);
    if (check_fields(out, e) < 0)
        return e ? e->code : KWH_ECARD;
    if (keys != NULL) {
        const char *why = check_rest(img, out, keys);
        if (why != NULL) {
            out->rest_damaged = true;
            str_copy(out->rest_problem, sizeof out->rest_problem, why);
        }
    }
    decode_return(img, keys, &out->ret);
    return 0;
}

int card_encode(const uint8_t old[KWH_CARD_SIZE], const struct kwh_card *c,
                const struct kwh_site_keys *keys, uint8_t out[KWH_CARD_SIZE], struct kwh_err *e)
{
    uint8_t *s;
    int target;
    bool same_card;

    if (sodium_init() < 0)
        return kwh_err_set(e, KWH_EIO, "the cryptography library failed to start");
    if (!card_serial_is_set(c->serial))
        return kwh_err_set(e, KWH_EINVAL, "a card serial is needed to encode a card");
    if (c->purchase_ckwh > 99999999u || c->params.alarm_ckwh > 99999999u ||
        c->params.overdraft_ckwh > 99999999u || c->params.hoard_ckwh > 99999999u)
        return kwh_err_set(e, KWH_EINVAL, "an energy on the card exceeds 999999.99 kWh");
    if (check_fields(c, e) < 0)
        return e ? e->code : KWH_EINVAL;

    memcpy(out, old, KWH_CARD_SIZE);
    memcpy(out, card_atr, sizeof card_atr);
    same_card = memcmp(old + CARD_OFF_MAGIC, magic, 3) == 0 &&
                memcmp(old + CARD_OFF_SERIAL, c->serial, CARD_SERIAL_LEN) == 0;
    target = 0;
    if (same_card && old[CARD_OFF_ACTIVE] == 0)
        target = 1;
    memcpy(out + CARD_OFF_MAGIC, magic, 3);
    out[CARD_OFF_VERSION] = KWH_CARD_VERSION;
    out[CARD_OFF_PSC_STATE] = CARD_PSC_SITE;
    out[CARD_OFF_ACTIVE] = (uint8_t)target;
    memcpy(out + CARD_OFF_SERIAL, c->serial, CARD_SERIAL_LEN);

    s = out + slot_offset(target);
    memset(s, 0, CARD_SLOT_LEN);
    s[S_TYPE] = c->type;
    area_to_bcd(keys->area_code, s + S_AREA);
    put32(s + S_METER, c->meter_no);
    put32(s + S_CUSTOMER, c->customer_no);
    put16(s + S_COUNT, c->purchase_count);
    put32(s + S_ENERGY, c->purchase_ckwh);
    put32(s + S_FREE, c->free_ckwh);
    put16(s + S_GEN, c->generation);
    s[S_FLAGS] = c->flags;
    s[S_MTYPE] = c->params.meter_type;
    put16(s + S_LIMIT, c->params.current_limit_a);
    put32(s + S_ALARM, c->params.alarm_ckwh);
    put32(s + S_OVERDRAFT, c->params.overdraft_ckwh);
    put32(s + S_HOARD, c->params.hoard_ckwh);
    put16(s + S_CT, c->params.ct_ratio);
    put32(s + S_ISSUED, c->issued);
    mac(s + S_MAC, "KWHS", c->serial, s, S_MAC, keys->mac_key);

    if (c->flags & CARD_F_KEYX)
        card_keyx_wrap(out + CARD_OFF_KEYX, keys, c->meter_no);
    else
        memset(out + CARD_OFF_KEYX, 0xFF, CARD_KEYX_LEN);

    if (!same_card || get32(old + CARD_OFF_RETURN + R_METER) != c->meter_no)
        memset(out + CARD_OFF_RETURN, 0xFF, CARD_RETURN_LEN);
    return 0;
}

bool card_purchase_loaded(const struct kwh_card *c)
{
    if (c->flags & CARD_F_NO_PURCHASE)
        return true;
    return c->ret.valid && c->ret.meter_no == c->meter_no &&
           c->ret.loaded_count >= c->purchase_count;
}

const char *meter_code_name(int code)
{
    static const char *const names[] = {"good", "E1", "E2", "E3", "E4", "E5",
                                        "E6",   "E7", "E8", "E9", "EA"};
    if (code >= 0 && code <= KWH_MC_EA)
        return names[code];
    if (code == KWH_MC_E00)
        return "E-00";
    return "?";
}
