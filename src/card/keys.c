/* SPDX-License-Identifier: Apache-2.0 */
/* Site keys: the MAC key and the PSC of every card a site issues, derived from the
 * per-site secret and the area code; and the key-transfer area that hands them to a
 * meter that has none yet. */
#include "kwhpos/card.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/util.h"

const uint8_t card_factory_psc[KWH_PSC_LEN] = {0xFF, 0xFF, 0xFF};

/* The transport key meters of this family carry from the factory. It only hides the
 * site key on an opening card from casual reading; the site key itself never leaves
 * the database otherwise. */
static const uint8_t factory_transport_key[32] = {
    0x6b, 0x77, 0x68, 0x70, 0x6f, 0x73, 0x2d, 0x6d, 0x65, 0x74, 0x65, 0x72, 0x2d, 0x74, 0x72, 0x61,
    0x6e, 0x73, 0x70, 0x6f, 0x72, 0x74, 0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x76, 0x31, 0x00, 0x5a, 0xa5,
};

static void derive(uint8_t *out, size_t outlen, const uint8_t secret[KWH_SECRET_LEN],
                   const char *label, const char *area_code)
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, secret, KWH_SECRET_LEN, outlen);
    crypto_generichash_update(&st, (const uint8_t *)label, strlen(label) + 1);
    crypto_generichash_update(&st, (const uint8_t *)area_code, 6);
    crypto_generichash_final(&st, out, outlen);
}

int card_keys_derive(struct kwh_site_keys *k, const uint8_t secret[KWH_SECRET_LEN],
                     const char *area_code, struct kwh_err *e)
{
    uint8_t psc[16];

    if (sodium_init() < 0)
        return kwh_err_set(e, KWH_EIO, "the cryptography library failed to start");
    if (area_code == NULL || !str_is_digits(area_code, 6))
        return kwh_err_set(e, KWH_EINVAL, "area code must be exactly 6 digits 0-9");
    memset(k, 0, sizeof *k);
    memcpy(k->area_code, area_code, 7);
    derive(k->mac_key, sizeof k->mac_key, secret, "kwhpos card mac", area_code);
    derive(psc, sizeof psc, secret, "kwhpos card psc", area_code);
    memcpy(k->psc, psc, KWH_PSC_LEN);
    if (memcmp(k->psc, card_factory_psc, KWH_PSC_LEN) == 0)
        k->psc[0] = 0x00; /* the site PSC must differ from the factory one */
    sodium_memzero(psc, sizeof psc);
    return 0;
}

static void keyx_stream(uint8_t out[38], uint32_t meter_no)
{
    uint8_t nonce[8] = {'k',
                        'e',
                        'y',
                        'x',
                        (uint8_t)(meter_no >> 24),
                        (uint8_t)(meter_no >> 16),
                        (uint8_t)(meter_no >> 8),
                        (uint8_t)meter_no};
    uint8_t buf[64];
    crypto_generichash(buf, sizeof buf, nonce, sizeof nonce, factory_transport_key,
                       sizeof factory_transport_key);
    memcpy(out, buf, 38);
}

static void keyx_tag(uint8_t tag[10], const uint8_t plain[38], uint32_t meter_no)
{
    uint8_t msg[42], full[16];
    memcpy(msg, plain, 38);
    msg[38] = (uint8_t)(meter_no >> 24);
    msg[39] = (uint8_t)(meter_no >> 16);
    msg[40] = (uint8_t)(meter_no >> 8);
    msg[41] = (uint8_t)meter_no;
    crypto_generichash(full, sizeof full, msg, sizeof msg, factory_transport_key,
                       sizeof factory_transport_key);
    memcpy(tag, full, 10);
}

/* Area layout: 38 bytes (area code as 6 ASCII... packed BCD, MAC key, PSC) XOR a
 * stream from the transport key and the meter number, then a 10-byte tag. */
void card_keyx_wrap(uint8_t area[CARD_KEYX_LEN], const struct kwh_site_keys *keys,
                    uint32_t meter_no)
{
    uint8_t plain[38], stream[38];

    if (sodium_init() < 0)
        abort(); /* no randomness source: nothing can be protected */
    for (int i = 0; i < 3; i++)
        plain[i] =
            (uint8_t)(((keys->area_code[2 * i] - '0') << 4) | (keys->area_code[2 * i + 1] - '0'));
    memcpy(plain + 3, keys->mac_key, KWH_KEY_LEN);
    memcpy(plain + 35, keys->psc, KWH_PSC_LEN);
    keyx_stream(stream, meter_no);
    for (int i = 0; i < 38; i++)
        area[i] = plain[i] ^ stream[i];
    keyx_tag(area + 38, plain, meter_no);
    sodium_memzero(plain, sizeof plain);
}

int card_keyx_unwrap(const uint8_t area[CARD_KEYX_LEN], uint32_t meter_no,
                     struct kwh_site_keys *keys, struct kwh_err *e)
{
    uint8_t plain[38], stream[38], tag[10];
    int rc = 0;

    if (sodium_init() < 0)
        abort(); /* no randomness source: nothing can be protected */
    keyx_stream(stream, meter_no);
    for (int i = 0; i < 38; i++)
        plain[i] = area[i] ^ stream[i];
    keyx_tag(tag, plain, meter_no);
    if (sodium_memcmp(tag, area + 38, sizeof tag) != 0) {
        rc = kwh_err_set(e, KWH_ECARD, "the card carries no key for meter %08u", meter_no);
        goto out;
    }
    memset(keys, 0, sizeof *keys);
    for (int i = 0; i < 3; i++) {
        int hi = plain[i] >> 4, lo = plain[i] & 0x0F;
        if (hi > 9 || lo > 9) {
            rc = kwh_err_set(e, KWH_ECARD, "the card's key area is damaged");
            goto out;
        }
        keys->area_code[2 * i] = (char)('0' + hi);
        keys->area_code[2 * i + 1] = (char)('0' + lo);
    }
    memcpy(keys->mac_key, plain + 3, KWH_KEY_LEN);
    memcpy(keys->psc, plain + 35, KWH_PSC_LEN);
out:
    sodium_memzero(plain, sizeof plain);
    return rc;
}
