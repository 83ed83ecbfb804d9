/* SPDX-License-Identifier: Apache-2.0 */
/* The error catalogue: what the clerk should do next after a reader, card or meter
 * problem. docs/errors.md lists the same texts. */
#include <stdio.h>

#include "kwhpos/card.h"
#include "kwhpos/cardio.h"
#include "ui/widgets.h"

static const char *device_advice(int detail)
{
    switch (detail) {
    case KWH_DEV_NO_READER:
        return _("The card reader does not answer. Check its cable and power, and the reader "
                 "in System > Card reader; then try again.");
    case KWH_DEV_TIMEOUT:
        return _("The card reader stopped answering. Check the cable, wait a moment and "
                 "try again.");
    case KWH_DEV_NO_CARD:
        return _("There is no card in the reader. Insert the card, chip first, and press "
                 "F2.");
    case KWH_DEV_REMOVED:
        return _("The card was taken out during the operation. Put the same card back and "
                 "read it again (F2): the operation settles by itself.");
    case KWH_DEV_WRONG_PSC:
        return _("The card refused the password: it is not a card of this site or it is "
                 "damaged. Do not try again - the card locks for ever after three wrong "
                 "tries.");
    case KWH_DEV_PSC_RISK:
        return _("A wrong password was tried on this card before (perhaps on another "
                 "system), so it was not written: one more wrong try would lock it. Put "
                 "the card in its own meter once - the meter restores the tries - and "
                 "read it again (F2). If it is refused again, it is not a card of this "
                 "site.");
    case KWH_DEV_LOCKED:
        return _("The card is locked and cannot be written any more. Give the customer a "
                 "new card with Sell > Card reissue.");
    case KWH_DEV_WRITE_FAILED:
        return _("The card did not take the write. Clean the chip, insert the card firmly "
                 "and read it again (F2).");
    case KWH_DEV_BAD_FRAME:
    case KWH_DEV_PROTOCOL:
        return _("The reader's answers are garbled. Check the cable, unplug and replug the "
                 "reader, and try again.");
    case KWH_DEV_UNSUPPORTED:
        return _("This reader does not support the operation. Use a supported reader.");
    case KWH_DEV_WRONG_CARD:
        return _("The card in the reader is not a prepaid memory card (SLE4442/5542). Take it "
                 "out and insert a card of this site, chip first.");
    case KWH_DEV_BUSY:
        return _("Another kwhpos program on this computer is using the card reader (a "
                 "second terminal or a command). Wait until it is done, then try again.");
    default: return NULL;
    }
}

const char *error_advice(const struct kwh_err *e)
{
    switch (e->code) {
    case KWH_EPENDING: return NULL; /* error_pending_text says it all */
    case KWH_EDEVICE: return device_advice(e->detail);
    case KWH_ECARD:
        if (e->detail == KWH_DEV_WRONG_PSC || e->detail == KWH_DEV_LOCKED ||
            e->detail == KWH_DEV_PSC_RISK)
            return device_advice(e->detail);
        return _("This card cannot be used here. Check that it is the customer's newest "
                 "card of this site; use Tools > Read or wipe a card to see what it is.");
    case KWH_EPERM: return _("Your role does not allow this. Ask an administrator.");
    case KWH_EAUTH:
        return _("Check the name and password. After five failures the operator is locked "
                 "out for a while.");
    case KWH_EDB:
        return _("The database could not be used. Try again; if it keeps failing, call "
                 "the administrator.");
    default: return NULL;
    }
}

void error_pending_text(const struct kwh_err *e, char *buf, size_t n)
{
    const char *what;

    switch (e->detail) {
    case KWH_DEV_REMOVED: what = _("The card was taken out while it was being written."); break;
    case KWH_DEV_NO_READER:
    case KWH_DEV_TIMEOUT:
        what = _("The card reader stopped answering while the card was being written.");
        break;
    case KWH_DEV_BAD_FRAME:
    case KWH_DEV_PROTOCOL:
        what = _("The card reader's answers were garbled while the card was being written.");
        break;
    case 0: what = _("The database could not record the card write."); break;
    default: what = _("The card write was interrupted."); break;
    }
    snprintf(buf, n, "%s %s", what,
             _("Put the same card back in the reader and read it again: the operation is then "
               "completed or undone by itself."));
}

const char *error_meter_advice(int code)
{
    switch (code) {
    case KWH_MC_GOOD: return _("The meter took the card.");
    case KWH_MC_E00:
        return _("E-00: the card did not touch well. Clean the chip and insert the card "
                 "firmly into the meter again.");
    case KWH_MC_E1: return _("E1: this card was replaced by a reissued card. Use the newest card.");
    case KWH_MC_E2:
        return _("E2: this kind of card does not belong in this meter (for example a refund "
                 "card already used). Read the card (Tools > Read or wipe a card).");
    case KWH_MC_E3:
        return _("E3: the card's password does not match the meter: a card of another site "
                 "or a damaged card. Do not use it; reissue the customer's card.");
    case KWH_MC_E4:
        return _("E4: the purchase is more than the meter can take. Cancel it with Sell > "
                 "Re-sale and sell a smaller amount.");
    case KWH_MC_E5:
        return _("E5: the card belongs to another meter. Check the meter number on the card "
                 "and the meter.");
    case KWH_MC_E6:
        return _("E6: the card's area code is not the meter's. The meter belongs to another "
                 "site or was never set up for this one.");
    case KWH_MC_E7:
        return _("E7: the purchase count on the card does not follow the meter's. Reissue "
                 "the card with the right consumption state (Sell > Card reissue).");
    case KWH_MC_E8:
        return _("E8: the meter would hold more than its hoard limit. Cancel with Sell > "
                 "Re-sale and sell less, or wait until more is used.");
    case KWH_MC_E9:
        return _("E9: the meter's memory check failed. The meter needs service; call the "
                 "administrator.");
    case KWH_MC_EA: return _("EA: this purchase is already in the meter. Nothing more to do.");
    default: return _("The meter showed an unknown code.");
    }
}
