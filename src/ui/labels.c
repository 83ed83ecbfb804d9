/* SPDX-License-Identifier: Apache-2.0 */
/* Names of domain values for people, in the interface language. */
#include "kwhpos/card.h"
#include "kwhpos/model.h"
#include "kwhpos/util.h"
#include "ui/widgets.h"

/* The labels of a name table (kwhpos/model.h) as the items of a choice field. */
static const char *const *items_of(const struct kwh_name *t, size_t n, const char **buf)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = t[i].label;
    return buf;
}

const char *const *label_pay_items(void)
{
    static const char *items[KWH_PAY_COUNT];
    return items_of(model_pays, KWH_PAY_COUNT, items);
}

const char *const *label_meter_type_items(void)
{
    static const char *items[KWH_METER_TYPES];
    return items_of(model_meter_types, KWH_METER_TYPES, items);
}

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
