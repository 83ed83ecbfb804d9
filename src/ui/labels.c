/* SPDX-License-Identifier: Apache-2.0 */
/* Names of domain values for people, in the interface language. */
#include "kwhpos/util.h"
#include "ui/widgets.h"

const char *const label_pay_items[KWH_PAY_COUNT] = {
    N_("Cash"), N_("WeChat"), N_("Alipay"), N_("Bank card"), N_("Other"),
};
const char *const label_meter_type_items[3] = {
    N_("Single-phase"),
    N_("3-phase CT"),
    N_("3-phase direct"),
};
const char *const label_role_items[2] = {N_("Seller"), N_("Administrator")};
const char *const label_mode_items[2] = {N_("By amount"), N_("By kWh")};
const char *const label_consumed_items[2] = {N_("Consumed"), N_("Not consumed")};

static const char *pick(const char *const *items, size_t n, int i)
{
    if (i < 0 || (size_t)i >= n)
        return "?";
    return _(items[i]);
}

const char *label_role(int role)
{
    return pick(label_role_items, 2, role - 1);
}

const char *label_pay(int pay)
{
    return pick(label_pay_items, KWH_PAY_COUNT, pay);
}

const char *label_meter_type(int type)
{
    return pick(label_meter_type_items, 3, type - 1);
}

const char *label_card_type(int type)
{
    static const char *const names[] = {
        N_("Blank card"), N_("User card"),  N_("Refund card"), N_("Management card"),
        N_("Clear card"), N_("Relay card"), N_("Test card"),
    };
    return pick(names, KWH_ARRAY_LEN(names), type);
}

const char *label_meter_code(int code)
{
    static const char *const names[] = {
        N_("good"),
        N_("E1 dynamic password error"),
        N_("E2 card type error"),
        N_("E3 card password error"),
        N_("E4 purchase overflow"),
        N_("E5 meter number error"),
        N_("E6 area code error"),
        N_("E7 purchase count error"),
        N_("E8 hoard overflow"),
        N_("E9 memory checksum error"),
        N_("EA card already consumed"),
    };
    if (code == KWH_MC_E00)
        return _("E-00 bad card contact");
    return pick(names, KWH_ARRAY_LEN(names), code);
}

const char *label_status(int status)
{
    static const char *const names[] = {
        N_("Opening pending"), N_("Open"), N_("Refunded"), N_("Closed"), N_("Void"),
    };
    return pick(names, KWH_ARRAY_LEN(names), status);
}

const char *label_op(int kind)
{
    static const char *const names[] = {
        "",
        N_("Account opening"),
        N_("Daily sale"),
        N_("Re-sale"),
        N_("Card reissue"),
        N_("Refund card issued"),
        N_("Refund"),
        N_("Meter change"),
        N_("Customer edit"),
        N_("Tool card"),
        N_("Card wipe"),
    };
    if (kind <= 0)
        return "?";
    return pick(names, KWH_ARRAY_LEN(names), kind);
}

const char *label_state(int state)
{
    static const char *const names[] = {
        N_("pending"),
        N_("done"),
        N_("void"),
        N_("cancelled"),
    };
    return pick(names, KWH_ARRAY_LEN(names), state);
}
