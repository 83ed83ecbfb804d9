/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: the card decoder of every card layout takes any 256 bytes (shorter inputs are
 * padded with the erased value, longer ones cut) and either returns a card or an error;
 * with and without keys; and whatever decodes re-encodes to something that decodes the
 * same.
 *
 * Most mutations break a MAC and stop at the protection check, so every input is also
 * tried signed: with keys for the area code its active record names, both records and
 * the return area re-signed (card_resign). That way the field checks, the second
 * record, the key area and the meter's report are what the fuzzer explores. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t secret[KWH_SECRET_LEN] = {7, 7, 7};

static void round_trip(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                       const struct kwh_site_keys *keys)
{
    uint8_t again[KWH_CARD_SIZE];
    struct kwh_card c, d;
    struct kwh_err e;

    if (card_decode(p, img, keys, &c, &e) != 0 || c.type == KWH_CARD_BLANK)
        return;
    if (card_encode(p, img, &c, keys, again, &e) == 0) {
        if (card_decode(p, again, keys, &d, &e) != 0 || d.purchase_count != c.purchase_count ||
            d.meter_no != c.meter_no || d.purchase_ckwh != c.purchase_ckwh || d.type != c.type ||
            d.customer_no != c.customer_no)
            __builtin_trap();
    }
    (void)card_purchase_loaded(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct kwh_site_keys keys;
    static int ready;
    uint8_t img[KWH_CARD_SIZE];
    const struct card_profile *p;
    struct kwh_site_keys own;
    struct kwh_card c;
    struct kwh_err e;

    if (!ready) {
        card_keys_derive(&keys, secret, "314159", NULL);
        ready = 1;
    }
    for (size_t i = 0; (p = cardprofile_at(i)) != NULL; i++) {
        memset(img, 0xFF, sizeof img);
        memcpy(img, data, size < sizeof img ? size : sizeof img);
        card_decode(p, img, NULL, &c, &e);
        round_trip(p, img, &keys);

        /* signed for the site its own area code names */
        if (card_decode(p, img, NULL, &c, &e) == 0 && c.area_code[0] != '\0' &&
            card_keys_derive(&own, secret, c.area_code, NULL) == 0) {
            card_resign(p, img, &own);
            round_trip(p, img, &own);
        }
    }
    return 0;
}
