/* SPDX-License-Identifier: Apache-2.0 */
/* What every card layout shares: the card family's factory state, the field checks, and
 * what a decoded card means (docs/card-format.md). The layouts: profiles.c. */
#include "kwhpos/card.h"

#include <string.h>

#include "card/slots.h"

const uint8_t card_atr[4] = {0xA2, 0x13, 0x10, 0x91};

bool card_serial_is_set(const uint8_t serial[CARD_SERIAL_LEN])
{
    for (size_t i = 0; i < CARD_SERIAL_LEN; i++)
        if (serial[i] != 0xFF)
            return true;
    return false;
}

void card_blank_image(uint8_t img[KWH_CARD_SIZE])
{
    memset(img, 0xFF, KWH_CARD_SIZE);
    memcpy(img, card_atr, sizeof card_atr);
}

static bool type_has_meter(int type)
{
    return type == KWH_CARD_USER || type == KWH_CARD_REFUND;
}

int card_check_fields(const struct kwh_card *c, struct kwh_err *e)
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
