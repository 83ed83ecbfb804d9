/* libFuzzer: the card decoder takes any 256 bytes (shorter inputs are padded with the
 * erased value, longer ones cut) and either returns a card or an error; with and without
 * keys; and whatever decodes re-encodes to something that decodes the same. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kwhpos/card.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct kwh_site_keys keys;
    static int ready;
    uint8_t img[KWH_CARD_SIZE], again[KWH_CARD_SIZE];
    struct kwh_card c, d;
    struct kwh_err e;

    if (!ready) {
        uint8_t secret[KWH_SECRET_LEN] = {7, 7, 7};
        card_keys_derive(&keys, secret, "314159", NULL);
        ready = 1;
    }
    memset(img, 0xFF, sizeof img);
    memcpy(img, data, size < sizeof img ? size : sizeof img);
    card_decode(img, NULL, &c, &e);
    if (card_decode(img, &keys, &c, &e) == 0 && c.type != KWH_CARD_BLANK) {
        if (card_encode(img, &c, &keys, again, &e) == 0) {
            if (card_decode(again, &keys, &d, &e) != 0 || d.purchase_count != c.purchase_count ||
                d.meter_no != c.meter_no || d.purchase_ckwh != c.purchase_ckwh)
                __builtin_trap();
        }
    }
    return 0;
}
