/* SPDX-License-Identifier: Apache-2.0 */
/* 工具卡 (M30): a management card (meter parameters for every meter of the area it is
 * inserted in), a clear card, a relay card or a test card, on a blank card. */
#include <stdio.h>
#include <string.h>

#include "core/plan_int.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"

void tool_card_keep_on(struct kwh_meter_params *p)
{
    memset(p, 0, sizeof *p);
    p->current_limit_a = CARD_LIMIT_RATING;
    p->alarm_ckwh = 999900;
    p->overdraft_ckwh = 999900;
    p->hoard_ckwh = 999900;
    p->ct_ratio = 1;
}

static int check_params(int type, const struct kwh_meter_params *p, struct kwh_err *e)
{
    if (type != KWH_CARD_MANAGEMENT)
        return 0;
    if (p == NULL)
        return kwh_err_set(e, KWH_EINVAL, "a management card needs the parameters to set");
    if (p->current_limit_a > 1000 && p->current_limit_a != CARD_LIMIT_RATING)
        return kwh_err_set(e, KWH_EINVAL,
                           "current limit: 1 to 1000 A, or none to leave each meter's limit");
    if (p->alarm_ckwh > UNITS_MAX_CKWH || p->overdraft_ckwh > UNITS_MAX_CKWH ||
        p->hoard_ckwh == 0 || p->hoard_ckwh > UNITS_MAX_CKWH)
        return kwh_err_set(e, KWH_EINVAL,
                           "alarm, overdraft: 0 to 999999.99 kWh; hoard: more "
                           "than 0");
    return 0;
}

int tool_card_plan(struct kwh_core *c, const struct kwh_session *s,
                   const struct kwh_card_view *blank, int type,
                   const struct kwh_meter_params *params, struct kwh_plan **out, struct kwh_err *e)
{
    struct seen_card v;
    struct kwh_card card;
    struct kwh_plan *p;
    char subject[48];
    int rc;

    *out = NULL;
    if (type < KWH_CARD_MANAGEMENT || type > KWH_CARD_TEST)
        return kwh_err_set(e, KWH_EINVAL, "choose a tool card: management, clear, relay or test");
    if ((rc = auth_permit(s, KWH_ACT_TOOL_CARD, type, e)) < 0 ||
        (rc = check_params(type, params, e)) < 0)
        return rc;
    if ((p = plan_new(c, s, KWH_OP_TOOL, e)) == NULL)
        return e ? e->code : KWH_ENOMEM;
    if ((rc = cardview_check(c, blank->img, &v, e)) < 0 || (rc = rules_blank_card(&v, e)) < 0)
        return plan_fail(p, rc);
    memset(&card, 0, sizeof card);
    card.type = (uint8_t)type;
    rules_card_serial(&v, card.serial);
    if (type == KWH_CARD_MANAGEMENT)
        card.params = *params;
    card.params.ct_ratio = 1;
    card.issued = (uint32_t)core_now(c);
    if ((rc = plan_write_card(c, p, v.img, &card, e)) < 0)
        return plan_fail(p, rc);
    snprintf(subject, sizeof subject, "%s card", model_card_type_name(type));
    plan_audit(p, "tool-card", subject, "type=%s limit=%u alarm=%u overdraft=%u hoard=%u",
               model_card_type_name(type), card.params.current_limit_a, card.params.alarm_ckwh,
               card.params.overdraft_ckwh, card.params.hoard_ckwh);
    return plan_finish(c, p, out, e);
}
