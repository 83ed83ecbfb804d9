/* SPDX-License-Identifier: Apache-2.0 */
/* Two-record card layouts (slots.h): the codec, the protection and the write order of
 * every layout a struct slot_layout describes (docs/card-format.md). */
#include "card/slots.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/util.h"

static const uint8_t slot_width[SF_COUNT_OF_FIELDS] = {
    [SF_TYPE] = 1,      [SF_AREA] = 3,   [SF_METER] = 4, [SF_CUSTOMER] = 4,
    [SF_COUNT] = 2,     [SF_ENERGY] = 4, [SF_FREE] = 4,  [SF_GEN] = 2,
    [SF_FLAGS] = 1,     [SF_MTYPE] = 1,  [SF_LIMIT] = 2, [SF_ALARM] = 4,
    [SF_OVERDRAFT] = 4, [SF_HOARD] = 4,  [SF_CT] = 2,    [SF_ISSUED] = 4,
};

static const uint8_t ret_width[RF_COUNT_OF_FIELDS] = {
    [RF_MARK] = 1, [RF_METER] = 4,  [RF_COUNT] = 2,   [RF_STATUS] = 1, [RF_REMAIN] = 4,
    [RF_USED] = 4, [RF_BOUGHT] = 4, [RF_DISPLAY] = 1, [RF_GEN] = 2,    [RF_TIME] = 4,
};

static const struct slot_layout *layout(const struct card_profile *p)
{
    return p->layout;
}

/* --- bytes ----------------------------------------------------------------------------- */

static uint32_t get_int(const struct slot_layout *l, const uint8_t *p, unsigned width)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < width; i++)
        v = v << 8 | p[l->little_endian ? width - 1 - i : i];
    return v;
}

static void put_int(const struct slot_layout *l, uint8_t *p, unsigned width, uint32_t v)
{
    for (unsigned i = 0; i < width; i++)
        p[l->little_endian ? i : width - 1 - i] = (uint8_t)(v >> (8 * i));
}

static uint32_t slot_get(const struct slot_layout *l, const uint8_t *s, enum slot_field f)
{
    return get_int(l, s + l->slot_at[f], slot_width[f]);
}

static void slot_put(const struct slot_layout *l, uint8_t *s, enum slot_field f, uint32_t v)
{
    put_int(l, s + l->slot_at[f], slot_width[f], v);
}

static uint32_t ret_get(const struct slot_layout *l, const uint8_t *r, enum ret_field f)
{
    return get_int(l, r + l->ret_at[f], ret_width[f]);
}

static void ret_put(const struct slot_layout *l, uint8_t *r, enum ret_field f, uint32_t v)
{
    put_int(l, r + l->ret_at[f], ret_width[f], v);
}

static bool all_ff(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xFF)
            return false;
    return true;
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

/* The MAC of one area (len bytes, its own MAC at mac_at): over the label, the layout
 * version, the card serial and the area's bytes outside the MAC, in order. */
static void mac(const struct slot_layout *l, uint8_t out[KWH_MAC_LEN], const char *label,
                const uint8_t *serial, const uint8_t *area, size_t len, size_t mac_at,
                const uint8_t key[KWH_KEY_LEN])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, key, KWH_KEY_LEN, KWH_MAC_LEN);
    crypto_generichash_update(&st, (const uint8_t *)label, strlen(label));
    crypto_generichash_update(&st, &l->version, 1);
    crypto_generichash_update(&st, serial, CARD_SERIAL_LEN);
    crypto_generichash_update(&st, area, mac_at);
    crypto_generichash_update(&st, area + mac_at + KWH_MAC_LEN, len - mac_at - KWH_MAC_LEN);
    crypto_generichash_final(&st, out, KWH_MAC_LEN);
}

static void slot_mac(const struct slot_layout *l, uint8_t out[KWH_MAC_LEN], const uint8_t *serial,
                     const uint8_t *s, const uint8_t key[KWH_KEY_LEN])
{
    mac(l, out, l->slot_label, serial, s, SLOT_LEN, l->slot_mac, key);
}

static void ret_mac(const struct slot_layout *l, uint8_t out[KWH_MAC_LEN], const uint8_t *serial,
                    const uint8_t *r, const uint8_t key[KWH_KEY_LEN])
{
    mac(l, out, l->ret_label, serial, r, RET_LEN, l->ret_mac, key);
}

static bool slot_genuine(const struct slot_layout *l, const uint8_t *serial, const uint8_t *s,
                         const uint8_t key[KWH_KEY_LEN])
{
    uint8_t want[KWH_MAC_LEN];
    slot_mac(l, want, serial, s, key);
    return sodium_memcmp(want, s + l->slot_mac, KWH_MAC_LEN) == 0;
}

static bool has_magic(const struct slot_layout *l, const uint8_t *img)
{
    return memcmp(img + l->mark, l->magic, sizeof l->magic) == 0;
}

/* The slot the commit byte names: 0, 1, or -1 (none, or a value it cannot have). */
static int committed(const struct slot_layout *l, const uint8_t *img)
{
    uint8_t b = img[l->commit];
    return b == l->commit_to[0] ? 0 : b == l->commit_to[1] ? 1 : -1;
}

/* Whether byte i lies in [off, off + len). */
static bool within(unsigned i, unsigned off, unsigned len)
{
    return i >= off && i < off + len;
}

/* Whether byte i belongs to the header (mark, PSC state, commit byte, serial). */
static bool in_header(const struct slot_layout *l, unsigned i)
{
    return within(i, l->mark, MARK_LEN) || i == l->psc || i == l->commit ||
           within(i, l->serial, CARD_SERIAL_LEN);
}

/* Whether everything but the ATR and the serial is erased. */
static bool erased_but_serial(const struct slot_layout *l, const uint8_t *img)
{
    for (unsigned i = sizeof card_atr; i < KWH_CARD_SIZE; i++)
        if (img[i] != 0xFF && !within(i, l->serial, CARD_SERIAL_LEN))
            return false;
    return true;
}

/* Whether the mark is a prefix of magic and version followed by erased bytes: what a
 * personalisation stopped while writing it (or a wipe while erasing it) leaves. */
static bool mark_prefix(const struct slot_layout *l, const uint8_t *img)
{
    const uint8_t want[MARK_LEN] = {l->magic[0], l->magic[1], l->magic[2], l->version};
    bool erased = false;
    for (int i = 0; i < MARK_LEN; i++) {
        uint8_t b = img[l->mark + i];
        if (erased && b != 0xFF)
            return false;
        if (b == 0xFF)
            erased = true;
        else if (b != want[i])
            return false;
    }
    return true;
}

/* --- decoding ---------------------------------------------------------------------------- */

static void decode_return(const struct slot_layout *l, const uint8_t *img,
                          const struct kwh_site_keys *keys, struct kwh_card_return *r)
{
    const uint8_t *p = img + l->ret;
    uint8_t want[KWH_MAC_LEN];

    memset(r, 0, sizeof *r);
    if (ret_get(l, p, RF_MARK) != l->ret_mark)
        return;
    if (keys != NULL) {
        ret_mac(l, want, img + l->serial, p, keys->mac_key);
        if (sodium_memcmp(want, p + l->ret_mac, KWH_MAC_LEN) != 0) {
            r->damaged = true;
            return;
        }
    }
    r->meter_no = ret_get(l, p, RF_METER);
    r->loaded_count = (uint16_t)ret_get(l, p, RF_COUNT);
    r->status = (uint8_t)ret_get(l, p, RF_STATUS);
    r->remaining_ckwh = (int32_t)ret_get(l, p, RF_REMAIN);
    r->used_ckwh = ret_get(l, p, RF_USED);
    r->bought_ckwh = ret_get(l, p, RF_BOUGHT);
    r->display = (uint8_t)ret_get(l, p, RF_DISPLAY);
    r->generation = (uint16_t)ret_get(l, p, RF_GEN);
    r->time = ret_get(l, p, RF_TIME);
    r->valid = keys != NULL;
}

/* Everything outside the slot in force that the issuer wrote must be intact too: the
 * other slot is empty or a genuine earlier version, the key area empty or genuine, the
 * reserved bytes untouched. Returns a reason, or NULL when intact. */
static const char *check_rest(const struct slot_layout *l, const uint8_t *img,
                              const struct kwh_card *c, const struct kwh_site_keys *keys)
{
    const uint8_t *other = img + l->slot[!c->active];
    const uint8_t *kx = img + l->keyx;
    struct kwh_site_keys got;

    if (!all_ff(other, SLOT_LEN) && !slot_genuine(l, c->serial, other, keys->mac_key))
        return "the card's second record is altered or damaged";
    if (!all_ff(kx, CARD_KEYX_LEN)) {
        if (!(c->flags & CARD_F_KEYX) || card_keyx_unwrap(kx, c->meter_no, &got, NULL) < 0 ||
            strcmp(got.area_code, keys->area_code) != 0 ||
            sodium_memcmp(got.mac_key, keys->mac_key, KWH_KEY_LEN) != 0) {
            sodium_memzero(&got, sizeof got);
            return "the card's key area is altered or damaged";
        }
        sodium_memzero(&got, sizeof got);
    }
    for (size_t i = 0; i < KWH_ARRAY_LEN(l->reserved); i++)
        if (!all_ff(img + l->reserved[i].off, l->reserved[i].len))
            return "the card's reserved area is altered";
    return NULL;
}

static void read_slot(const struct slot_layout *l, const uint8_t *s, struct kwh_card *out)
{
    out->type = (uint8_t)slot_get(l, s, SF_TYPE);
    out->meter_no = slot_get(l, s, SF_METER);
    out->customer_no = slot_get(l, s, SF_CUSTOMER);
    out->purchase_count = (uint16_t)slot_get(l, s, SF_COUNT);
    out->purchase_ckwh = slot_get(l, s, SF_ENERGY);
    out->free_ckwh = slot_get(l, s, SF_FREE);
    out->generation = (uint16_t)slot_get(l, s, SF_GEN);
    out->flags = (uint8_t)slot_get(l, s, SF_FLAGS);
    out->params.meter_type = (uint8_t)slot_get(l, s, SF_MTYPE);
    out->params.current_limit_a = (uint16_t)slot_get(l, s, SF_LIMIT);
    out->params.alarm_ckwh = slot_get(l, s, SF_ALARM);
    out->params.overdraft_ckwh = slot_get(l, s, SF_OVERDRAFT);
    out->params.hoard_ckwh = slot_get(l, s, SF_HOARD);
    out->params.ct_ratio = (uint16_t)slot_get(l, s, SF_CT);
    out->issued = slot_get(l, s, SF_ISSUED);
}

int slots_decode(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                 const struct kwh_site_keys *keys, struct kwh_card *out, struct kwh_err *e)
{
    const struct slot_layout *l = layout(p);
    uint8_t psc = img[l->psc], commit = img[l->commit];
    const uint8_t *s;
    char area[7];

    memset(out, 0, sizeof *out);
    if (sodium_init() < 0)
        return kwh_err_set(e, KWH_EIO, "the cryptography library failed to start");
    out->psc_state = psc == l->psc_site ? CARD_PSC_SITE : psc;
    out->active = CARD_ACTIVE_NONE;
    memcpy(out->serial, img + l->serial, CARD_SERIAL_LEN);
    out->params.ct_ratio = 1;

    if (psc == l->psc_site && card_serial_is_set(out->serial) && mark_prefix(l, img) &&
        commit == 0xFF)
        return 0; /* personalised, nothing committed (or wiped): usable as a blank */
    if (!has_magic(l, img)) {
        /* Factory-new, wiped, or personalised up to the PSC but never committed: a wiped
           card keeps its serial (it is the card's for life); a half-written one is left
           by an interrupted personalisation. Either way the PSC is the factory one, and
           the serial is reused when the card is written again. */
        if (psc == 0xFF && erased_but_serial(l, img))
            return 0;
        return kwh_err_set(e, KWH_ECARD,
                           "not a kwhpos card (unknown content); if it should be blank, "
                           "wipe it with 读卡清卡 on the system that issued it");
    }
    if (img[l->mark + 3] != l->version)
        return kwh_err_set(e, KWH_ECARD, "card layout version %u is not supported (this is %u)",
                           img[l->mark + 3], l->version);
    if (psc != l->psc_site)
        return kwh_err_set(e, KWH_ECARD, "the card's header is damaged (PSC state %#x)", psc);
    if (commit == 0xFF)
        return kwh_err_set(e, KWH_ECARD, "the card's header is damaged (no serial)");
    if (committed(l, img) < 0)
        return kwh_err_set(e, KWH_ECARD, "the card's header is damaged (commit byte %#x)", commit);

    out->active = (uint8_t)committed(l, img);
    s = img + l->slot[out->active];
    if (!bcd_to_area(s + l->slot_at[SF_AREA], area))
        return kwh_err_set(e, KWH_ECARD, "the card's area code is damaged");
    memcpy(out->area_code, area, sizeof area);
    if (keys != NULL && strcmp(area, keys->area_code) != 0)
        return kwh_err_set(e, KWH_ECARD,
                           "the card belongs to another site (area code %s, this site %s)", area,
                           keys->area_code);
    if (keys != NULL && !slot_genuine(l, out->serial, s, keys->mac_key))
        return kwh_err_set(e, KWH_ECARD,
                           "the card's protection check failed: it was altered, damaged, "
                           "or issued by another system with the same area code");
    read_slot(l, s, out);
    if (card_check_fields(out, e) < 0)
        return e ? e->code : KWH_ECARD;
    if (keys != NULL) {
        const char *why = check_rest(l, img, out, keys);
        if (why != NULL) {
            out->rest_damaged = true;
            str_copy(out->rest_problem, sizeof out->rest_problem, why);
        }
    }
    decode_return(l, img, keys, &out->ret);
    return 0;
}

/* --- encoding ---------------------------------------------------------------------------- */

static void write_slot(const struct slot_layout *l, uint8_t *s, const struct kwh_card *c,
                       const struct kwh_site_keys *keys)
{
    memset(s, 0, SLOT_LEN);
    slot_put(l, s, SF_TYPE, c->type);
    area_to_bcd(keys->area_code, s + l->slot_at[SF_AREA]);
    slot_put(l, s, SF_METER, c->meter_no);
    slot_put(l, s, SF_CUSTOMER, c->customer_no);
    slot_put(l, s, SF_COUNT, c->purchase_count);
    slot_put(l, s, SF_ENERGY, c->purchase_ckwh);
    slot_put(l, s, SF_FREE, c->free_ckwh);
    slot_put(l, s, SF_GEN, c->generation);
    slot_put(l, s, SF_FLAGS, c->flags);
    slot_put(l, s, SF_MTYPE, c->params.meter_type);
    slot_put(l, s, SF_LIMIT, c->params.current_limit_a);
    slot_put(l, s, SF_ALARM, c->params.alarm_ckwh);
    slot_put(l, s, SF_OVERDRAFT, c->params.overdraft_ckwh);
    slot_put(l, s, SF_HOARD, c->params.hoard_ckwh);
    slot_put(l, s, SF_CT, c->params.ct_ratio);
    slot_put(l, s, SF_ISSUED, c->issued);
    slot_mac(l, s + l->slot_mac, c->serial, s, keys->mac_key);
}

int slots_encode(const struct card_profile *p, const uint8_t old[KWH_CARD_SIZE],
                 const struct kwh_card *c, const struct kwh_site_keys *keys,
                 uint8_t out[KWH_CARD_SIZE], struct kwh_err *e)
{
    const struct slot_layout *l = layout(p);
    int target;
    bool same_card;

    if (sodium_init() < 0)
        return kwh_err_set(e, KWH_EIO, "the cryptography library failed to start");
    if (!card_serial_is_set(c->serial))
        return kwh_err_set(e, KWH_EINVAL, "a card serial is needed to encode a card");
    if (c->purchase_ckwh > 99999999u || c->params.alarm_ckwh > 99999999u ||
        c->params.overdraft_ckwh > 99999999u || c->params.hoard_ckwh > 99999999u)
        return kwh_err_set(e, KWH_EINVAL, "an energy on the card exceeds 999999.99 kWh");
    if (card_check_fields(c, e) < 0)
        return e ? e->code : KWH_EINVAL;

    memcpy(out, old, KWH_CARD_SIZE);
    memcpy(out, card_atr, sizeof card_atr);
    same_card = has_magic(l, old) && memcmp(old + l->serial, c->serial, CARD_SERIAL_LEN) == 0;
    target = same_card && committed(l, old) == 0 ? 1 : 0;
    memcpy(out + l->mark, l->magic, sizeof l->magic);
    out[l->mark + 3] = l->version;
    out[l->psc] = l->psc_site;
    out[l->commit] = l->commit_to[target];
    memcpy(out + l->serial, c->serial, CARD_SERIAL_LEN);
    write_slot(l, out + l->slot[target], c, keys);

    if (c->flags & CARD_F_KEYX)
        card_keyx_wrap(out + l->keyx, keys, c->meter_no);
    else
        memset(out + l->keyx, 0xFF, CARD_KEYX_LEN);

    if (!same_card || ret_get(l, old + l->ret, RF_METER) != c->meter_no)
        memset(out + l->ret, 0xFF, RET_LEN);
    return 0;
}

void slots_wiped(const struct card_profile *p, const uint8_t old[KWH_CARD_SIZE],
                 uint8_t out[KWH_CARD_SIZE])
{
    const struct slot_layout *l = layout(p);

    memset(out, 0xFF, KWH_CARD_SIZE);
    memcpy(out, old, sizeof card_atr); /* the manufacturer's bytes stay */
    memcpy(out + l->serial, old + l->serial, CARD_SERIAL_LEN);
}

void slots_record(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE], bool active,
                  uint8_t out[CARD_RECORD_LEN])
{
    const struct slot_layout *l = layout(p);
    int a = committed(l, img);

    memset(out, 0xFF, CARD_RECORD_LEN);
    if (!has_magic(l, img) || a < 0)
        return;
    memcpy(out, img + l->slot[active ? a : !a], SLOT_LEN);
}

bool slots_is_blank(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE])
{
    const struct slot_layout *l = layout(p);
    return img[l->commit] == 0xFF || !has_magic(l, img);
}

void slots_serial(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                  uint8_t out[CARD_SERIAL_LEN])
{
    memcpy(out, img + layout(p)->serial, CARD_SERIAL_LEN);
}

/* --- protection and the order of a write ------------------------------------------------- */

enum card_psc_guess slots_psc(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE])
{
    const struct slot_layout *l = layout(p);

    if (img[l->psc] == 0xFF)
        return CARD_PSC_IS_FACTORY;
    if (img[l->psc] != l->psc_site)
        return CARD_PSC_IS_UNKNOWN;
    /* the magic is written after the PSC change and erased before the change back */
    return has_magic(l, img) ? CARD_PSC_IS_SITE : CARD_PSC_LIKELY_SITE;
}

static void step(struct card_steps *out, enum card_step_kind kind, unsigned from, unsigned to)
{
    if (out->n < CARD_STEPS_MAX)
        out->step[out->n++] = (struct card_step){(uint8_t)kind, (uint16_t)from, (uint16_t)to};
}

/* Write steps over everything but the ATR and the header, in ascending runs. */
static void content_steps(const struct slot_layout *l, struct card_steps *out)
{
    unsigned i = sizeof card_atr;
    while (i < KWH_CARD_SIZE) {
        if (in_header(l, i)) {
            i++;
            continue;
        }
        unsigned j = i;
        while (j < KWH_CARD_SIZE && !in_header(l, j))
            j++;
        step(out, CARD_STEP_WRITE, i, j);
        i = j;
    }
}

/* New content: serial, PSC state, the PSC change, the records and areas, the magic and
 * version, all of it read back, then the commit byte. A wipe: the commit byte first (the
 * card is blank from that instant), the content erased, the mark erased from its last
 * byte down, the factory PSC, the PSC state. The serial stays: it is the card's for life,
 * and it is how an interrupted wipe is found again. */
void slots_plan(const struct card_profile *p, const uint8_t old[KWH_CARD_SIZE],
                const uint8_t new_img[KWH_CARD_SIZE], struct card_steps *out)
{
    const struct slot_layout *l = layout(p);

    (void)old;
    out->n = 0;
    if (new_img[l->commit] != 0xFF) {
        step(out, CARD_STEP_WRITE, l->serial, l->serial + CARD_SERIAL_LEN);
        step(out, CARD_STEP_WRITE, l->psc, l->psc + 1);
        step(out, CARD_STEP_PSC_SITE, 0, 0);
        content_steps(l, out);
        step(out, CARD_STEP_WRITE, l->mark, l->mark + MARK_LEN);
        /* the new record is checked before it is committed: a card that does not keep
           it keeps its old record in force */
        step(out, CARD_STEP_VERIFY, 0, 0);
        step(out, CARD_STEP_COMMIT, l->commit, l->commit + 1);
    } else {
        step(out, CARD_STEP_COMMIT, l->commit, l->commit + 1);
        content_steps(l, out);
        step(out, CARD_STEP_ERASE_DOWN, l->mark, l->mark + MARK_LEN);
        step(out, CARD_STEP_PSC_FACTORY, 0, 0);
        step(out, CARD_STEP_WRITE, l->psc, l->psc + 1);
    }
    step(out, CARD_STEP_VERIFY, 0, 0);
}

/* old's bytes everywhere but the commit byte and the meter's return area, written in
 * one ascending pass: the record in force is the same in both, so only the other record
 * and the key area can differ. */
void slots_repair(const struct card_profile *p, const uint8_t current[KWH_CARD_SIZE],
                  const uint8_t old[KWH_CARD_SIZE], uint8_t target[KWH_CARD_SIZE],
                  struct card_steps *out)
{
    const struct slot_layout *l = layout(p);

    for (unsigned i = 0; i < KWH_CARD_SIZE; i++) {
        bool keep = i < sizeof card_atr || i == l->commit || within(i, l->ret, RET_LEN);
        target[i] = keep ? current[i] : old[i];
    }
    out->n = 0;
    step(out, CARD_STEP_WRITE, sizeof card_atr, KWH_CARD_SIZE);
    step(out, CARD_STEP_VERIFY, 0, 0);
}

/* --- the meter's side -------------------------------------------------------------------- */

void slots_put_return(const struct card_profile *p, uint8_t img[KWH_CARD_SIZE],
                      const struct kwh_card_return *r, const uint8_t mac_key[KWH_KEY_LEN])
{
    const struct slot_layout *l = layout(p);
    uint8_t *a = img + l->ret;

    memset(a, 0, RET_LEN);
    ret_put(l, a, RF_MARK, l->ret_mark);
    ret_put(l, a, RF_METER, r->meter_no);
    ret_put(l, a, RF_COUNT, r->loaded_count);
    ret_put(l, a, RF_STATUS, r->status);
    ret_put(l, a, RF_REMAIN, (uint32_t)r->remaining_ckwh);
    ret_put(l, a, RF_USED, r->used_ckwh);
    ret_put(l, a, RF_BOUGHT, r->bought_ckwh);
    ret_put(l, a, RF_DISPLAY, r->display);
    ret_put(l, a, RF_GEN, r->generation);
    ret_put(l, a, RF_TIME, r->time);
    if (sodium_init() < 0)
        abort(); /* no randomness source: nothing can be protected */
    ret_mac(l, a + l->ret_mac, img + l->serial, a, mac_key);
}

int slots_take_keys(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                    uint32_t meter_no, struct kwh_site_keys *keys, struct kwh_err *e)
{
    return card_keyx_unwrap(img + layout(p)->keyx, meter_no, keys, e);
}

void slots_erase_keys(const struct card_profile *p, uint8_t img[KWH_CARD_SIZE])
{
    memset(img + layout(p)->keyx, 0xFF, CARD_KEYX_LEN);
}

/* --- tools and tests ----------------------------------------------------------------------- */

void slots_resign(const struct card_profile *p, uint8_t img[KWH_CARD_SIZE],
                  const struct kwh_site_keys *keys)
{
    const struct slot_layout *l = layout(p);
    uint8_t *r = img + l->ret;

    for (int i = 0; i < 2; i++) {
        uint8_t *s = img + l->slot[i];
        if (!all_ff(s, SLOT_LEN))
            slot_mac(l, s + l->slot_mac, img + l->serial, s, keys->mac_key);
    }
    if (ret_get(l, r, RF_MARK) == l->ret_mark)
        ret_mac(l, r + l->ret_mac, img + l->serial, r, keys->mac_key);
}

bool slots_where(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                 enum card_piece piece, unsigned *off, unsigned *len)
{
    const struct slot_layout *l = layout(p);
    int a = committed(l, img);

    switch (piece) {
    case CARD_PIECE_COMMIT: *off = l->commit, *len = 1; return true;
    case CARD_PIECE_SERIAL: *off = l->serial, *len = CARD_SERIAL_LEN; return true;
    case CARD_PIECE_PSC: *off = l->psc, *len = 1; return true;
    case CARD_PIECE_MARK: *off = l->mark, *len = MARK_LEN; return true;
    case CARD_PIECE_ACTIVE:
    case CARD_PIECE_INACTIVE:
    case CARD_PIECE_MAC:
        if (a < 0 && piece != CARD_PIECE_INACTIVE)
            return false;
        /* the other record: where the next write goes (the first slot on a blank card) */
        if (piece == CARD_PIECE_INACTIVE)
            a = a < 0 ? 0 : !a;
        *off = l->slot[a] + (piece == CARD_PIECE_MAC ? l->slot_mac : 0);
        *len = piece == CARD_PIECE_MAC ? KWH_MAC_LEN : SLOT_LEN;
        return true;
    case CARD_PIECE_RETURN: *off = l->ret, *len = RET_LEN; return true;
    case CARD_PIECE_KEYX: *off = l->keyx, *len = CARD_KEYX_LEN; return true;
    case CARD_PIECE_ENERGY:
        if (a < 0)
            return false;
        *off = l->slot[a] + l->slot_at[SF_ENERGY], *len = slot_width[SF_ENERGY];
        return true;
    case CARD_PIECE_REMAINING:
        *off = l->ret + l->ret_at[RF_REMAIN], *len = ret_width[RF_REMAIN];
        return true;
    }
    return false;
}
