/* SPDX-License-Identifier: Apache-2.0 */
/* Site settings: unit name and phone (M3), area code (M4), the card layout, limits and
 * the monthly free allowance (M34). */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/cardprofile.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "store/store.h"

/* Defaults for settings a new site has not set. */
#define DEF_MAX_SALE_FEN 1000000  /* 10,000.00 yuan */
#define DEF_MAX_SALE_CKWH 1000000 /* 10,000.00 kWh */
#define DEF_REISSUE_FEE_FEN 0
#define DEF_RECOVERY_PERCENT 50 /* half of each payment goes to arrears */

int settings_get(struct kwh_core *c, struct kwh_site *out, struct kwh_err *e)
{
    int64_t mode, rmode;
    bool found;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = store_setting_get(c->db, "area_code", out->area_code, sizeof out->area_code, &found,
                                e)) < 0 ||
        (rc = store_setting_get(c->db, "unit_name", out->unit_name, sizeof out->unit_name, &found,
                                e)) < 0 ||
        (rc = store_setting_get(c->db, "unit_phone", out->unit_phone, sizeof out->unit_phone,
                                &found, e)) < 0 ||
        (rc = store_setting_get_i64(c->db, "monthly_free_ckwh", 0, &out->monthly_free_ckwh, e)) <
            0 ||
        (rc = store_setting_get_i64(c->db, "max_sale_fen", DEF_MAX_SALE_FEN, &out->max_sale_fen,
                                    e)) < 0 ||
        (rc = store_setting_get_i64(c->db, "max_sale_ckwh", DEF_MAX_SALE_CKWH, &out->max_sale_ckwh,
                                    e)) < 0 ||
        (rc = store_setting_get_i64(c->db, "reissue_fee_fen", DEF_REISSUE_FEE_FEN,
                                    &out->reissue_fee_fen, e)) < 0 ||
        (rc = store_setting_get_i64(c->db, "recovery_mode", KWH_RECOVER_PERCENT, &rmode, e)) < 0 ||
        (rc = store_setting_get_i64(c->db, "recovery_value", DEF_RECOVERY_PERCENT,
                                    &out->recovery_value, e)) < 0 ||
        (rc = store_setting_get_i64(c->db, "sale_mode", KWH_BY_AMOUNT, &mode, e)) < 0 ||
        (rc = store_cards_issued(c->db, &out->cards_issued, e)) < 0 ||
        (rc = store_setting_get(c->db, "card_profile", out->card_profile, sizeof out->card_profile,
                                &found, e)) < 0)
        return rc;
    out->recovery_mode = (int)rmode;
    out->sale_mode = mode == KWH_BY_KWH ? KWH_BY_KWH : KWH_BY_AMOUNT;
    if (!found)
        str_copy(out->card_profile, sizeof out->card_profile, cardprofile_default()->id);
    return 0;
}

int settings_profile_choosable(const char *id, const struct card_profile **out, struct kwh_err *e)
{
    const char *test = priv_getenv("KWHPOS_TEST_PROFILES");
    const struct card_profile *p =
        id == NULL || id[0] == '\0' ? cardprofile_default() : cardprofile_find(id);
    const char *known, *name;
    char list[128] = "";

    if (p != NULL && (!p->test_only || (test != NULL && strcmp(test, "1") == 0))) {
        *out = p;
        return 0;
    }
    for (size_t i = 0; settings_card_profile_at(i, &known, &name); i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", known);
    return kwh_err_set(e, KWH_EINVAL,
                       "card layout \"%s\" is not one this version of kwhpos writes: choose "
                       "one of %s (the layout your meters' maker uses; docs/card-format.md)",
                       id, list);
}

bool settings_card_profile_at(size_t i, const char **id, const char **name)
{
    const struct card_profile *p;

    for (size_t k = 0; (p = cardprofile_at(k)) != NULL; k++) {
        if (p->test_only)
            continue;
        if (i-- == 0) {
            *id = p->id;
            *name = p->name;
            return true;
        }
    }
    return false;
}

int settings_set_card_profile(struct kwh_core *c, const struct kwh_session *s, const char *id,
                              struct kwh_err *e)
{
    const struct card_profile *p;
    char before[48], after[48], old[CARD_PROFILE_ID_MAX + 1];
    bool issued, found;
    int rc;

    if ((rc = need_admin(s, kwh_tr("choosing the card layout"), e)) < 0 ||
        (rc = settings_profile_choosable(id, &p, e)) < 0)
        return rc;
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_setting_get(c->db, "card_profile", old, sizeof old, &found, e)) < 0 ||
        (rc = store_cards_issued(c->db, &issued, e)) < 0)
        goto fail;
    if (!found)
        str_copy(old, sizeof old, cardprofile_default()->id);
    if (strcmp(old, p->id) == 0) {
        store_rollback(c->db);
        return 0;
    }
    if (issued) {
        rc = kwh_err_set(e, KWH_ECONFLICT,
                         "cards have been issued in card layout %s: the layout can be chosen "
                         "only before the first card is written (the cards issued and the "
                         "meters that read them would stop working). Meters that read another "
                         "layout need a site database of their own (kwhpos init "
                         "--card-profile)",
                         old);
        goto fail;
    }
    snprintf(before, sizeof before, "card_profile=%s", old);
    snprintf(after, sizeof after, "card_profile=%s", p->id);
    if ((rc = store_setting_set(c->db, "card_profile", p->id, e)) < 0 ||
        (rc = store_settings_bump(c->db, e)) < 0 ||
        (rc = audit_append(c, s->name, "card-profile", "site", before, after, e)) < 0)
        goto fail;
    if ((rc = store_commit(c->db, e)) < 0)
        return rc;
    c->profile = p;
    return 0;
fail:
    store_rollback(c->db);
    return rc;
}

static int check_text(const char *what, const char *v, size_t max, struct kwh_err *e)
{
    int rc;

    if (v == NULL)
        return kwh_err_set(e, KWH_EINVAL, "%s: one line of text, please", what);
    if ((rc = text_check_line(what, v, e)) < 0)
        return rc;
    if (strlen(v) >= max)
        return kwh_err_set(e, KWH_EINVAL, "%s: too long (at most %zu bytes)", what, max - 1);
    return 0;
}

int settings_set_unit(struct kwh_core *c, const struct kwh_session *s, const char *name,
                      const char *phone, struct kwh_err *e)
{
    struct kwh_site old;
    char before[KWH_TEXT_MAX + KWH_PHONE_MAX + 32], after[sizeof before];
    int rc;

    if ((rc = need_admin(s, kwh_tr("用电单位参数设置 (unit name and phone)"), e)) < 0 ||
        (rc = check_text(kwh_tr("unit name"), name, KWH_TEXT_MAX, e)) < 0 ||
        (rc = check_text(kwh_tr("unit phone"), phone, KWH_PHONE_MAX, e)) < 0)
        return rc;
    if ((rc = settings_get(c, &old, e)) < 0)
        return rc;
    snprintf(before, sizeof before, "name=%s phone=%s", old.unit_name, old.unit_phone);
    snprintf(after, sizeof after, "name=%s phone=%s", name, phone);
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_setting_set(c->db, "unit_name", name, e)) < 0 ||
        (rc = store_setting_set(c->db, "unit_phone", phone, e)) < 0 ||
        (rc = store_settings_bump(c->db, e)) < 0 ||
        (rc = audit_append(c, s->name, "unit", "site", before, after, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    return store_commit(c->db, e);
}

int settings_set_area_code(struct kwh_core *c, const struct kwh_session *s, const char *code,
                           bool force, struct kwh_err *e)
{
    char before[32], after[48], old[16];
    bool issued, found;
    int rc;

    if ((rc = need_admin(s, kwh_tr("用电单位局号设置 (area code)"), e)) < 0)
        return rc;
    if (code == NULL || !str_is_digits(code, 6))
        return kwh_err_set(e, KWH_EINVAL, "area code: exactly 6 digits 0-9");
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_setting_get(c->db, "area_code", old, sizeof old, &found, e)) < 0 ||
        (rc = store_cards_issued(c->db, &issued, e)) < 0)
        goto fail;
    if (strcmp(old, code) == 0) {
        store_rollback(c->db);
        return 0;
    }
    if (issued && !force) {
        rc = kwh_err_set(e, KWH_ECONFLICT,
                         "cards have been issued with area code %s: every "
                         "card and meter would stop working. Changing it needs an explicit "
                         "force by an administrator",
                         old);
        goto fail;
    }
    snprintf(before, sizeof before, "area_code=%s", old);
    snprintf(after, sizeof after, "area_code=%s%s", code, issued ? " forced=1" : "");
    if ((rc = store_setting_set(c->db, "area_code", code, e)) < 0 ||
        (rc = store_settings_bump(c->db, e)) < 0 ||
        (rc = audit_append(c, s->name, "area-code", "site", before, after, e)) < 0)
        goto fail;
    if ((rc = store_commit(c->db, e)) < 0)
        return rc;
    return core_reload_keys(c, e);
fail:
    store_rollback(c->db);
    return rc;
}

int settings_set_limits(struct kwh_core *c, const struct kwh_session *s, const struct kwh_site *v,
                        struct kwh_err *e)
{
    struct kwh_site old;
    char before[160], after[160];
    int rc;

    if ((rc = need_admin(s, kwh_tr("changing sale limits and the monthly free allowance"), e)) < 0)
        return rc;
    if (v->monthly_free_ckwh < 0 || v->monthly_free_ckwh > UNITS_MAX_CKWH)
        return kwh_err_set(e, KWH_EINVAL, "monthly free allowance: 0 to 999999.99 kWh");
    if (v->max_sale_fen <= 0 || v->max_sale_fen > UNITS_MAX_FEN)
        return kwh_err_set(e, KWH_EINVAL, "maximum sale amount: more than 0");
    if (v->max_sale_ckwh <= 0 || v->max_sale_ckwh > UNITS_MAX_CKWH)
        return kwh_err_set(e, KWH_EINVAL,
                           "maximum sale energy: more than 0, at most "
                           "999999.99 kWh");
    if (v->reissue_fee_fen < 0 || v->reissue_fee_fen > UNITS_MAX_FEN)
        return kwh_err_set(e, KWH_EINVAL, "reissue fee: 0 or more");
    if (v->sale_mode != KWH_BY_AMOUNT && v->sale_mode != KWH_BY_KWH)
        return kwh_err_set(e, KWH_EINVAL, "the default settlement: by amount or by kWh");
    if ((rc = settings_get(c, &old, e)) < 0)
        return rc;
    snprintf(before, sizeof before, "free=%lld max_fen=%lld max_ckwh=%lld fee=%lld mode=%s",
             (long long)old.monthly_free_ckwh, (long long)old.max_sale_fen,
             (long long)old.max_sale_ckwh, (long long)old.reissue_fee_fen,
             old.sale_mode == KWH_BY_KWH ? "kwh" : "amount");
    snprintf(after, sizeof after, "free=%lld max_fen=%lld max_ckwh=%lld fee=%lld mode=%s",
             (long long)v->monthly_free_ckwh, (long long)v->max_sale_fen,
             (long long)v->max_sale_ckwh, (long long)v->reissue_fee_fen,
             v->sale_mode == KWH_BY_KWH ? "kwh" : "amount");
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_setting_set_i64(c->db, "monthly_free_ckwh", v->monthly_free_ckwh, e)) < 0 ||
        (rc = store_setting_set_i64(c->db, "max_sale_fen", v->max_sale_fen, e)) < 0 ||
        (rc = store_setting_set_i64(c->db, "max_sale_ckwh", v->max_sale_ckwh, e)) < 0 ||
        (rc = store_setting_set_i64(c->db, "reissue_fee_fen", v->reissue_fee_fen, e)) < 0 ||
        (rc = store_setting_set_i64(c->db, "sale_mode", v->sale_mode, e)) < 0 ||
        (rc = store_settings_bump(c->db, e)) < 0 ||
        (rc = audit_append(c, s->name, "limits", "site", before, after, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    return store_commit(c->db, e);
}
