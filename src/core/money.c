/* SPDX-License-Identifier: Apache-2.0 */
/* 费用设置 and 欠费: the fee types an administrator defines, the arrears of an account
 * (entered and waived with a reason, recovered at sales) and the rule that recovers them
 * (docs/units.md). Every change bumps the settings version or changes the account, so a
 * plan made before it is refused at commit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/money.h"
#include "kwhpos/oversight.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "store/store.h"

static const struct kwh_name fee_kinds[] = {
    {KWH_FEE_CARD, "card", "补卡费", KWH_N("Card fee"), NULL},
    {KWH_FEE_SALE, "sale", "服务费", KWH_N("Per sale"), "per-sale"},
    {KWH_FEE_MONTHLY, "monthly", "月费", KWH_N("Monthly"), NULL},
};

const char *fee_kind_name(int kind)
{
    const struct kwh_name *n = model_name(fee_kinds, KWH_ARRAY_LEN(fee_kinds), kind);
    return n ? n->name : "?";
}

const char *fee_kind_label(int kind)
{
    const struct kwh_name *n = model_name(fee_kinds, KWH_ARRAY_LEN(fee_kinds), kind);
    return n ? kwh_tr(n->label) : "?";
}

int fee_kind_parse(const char *s)
{
    return model_name_parse(fee_kinds, KWH_ARRAY_LEN(fee_kinds), s);
}

int fee_list(struct kwh_core *c, struct kwh_fee_type **out, size_t *n, struct kwh_err *e)
{
    return store_fee_list(c->db, out, n, e);
}

static int check_fee(const char *name, int64_t amount_fen, struct kwh_err *e)
{
    int rc = text_check_line(KWH_N("fee name"), name, e); /* says so when it is not UTF-8 */
    if (rc < 0)
        return rc;
    if (name == NULL || name[0] == '\0' || !utf8_is_clean_line(name) ||
        strlen(name) >= KWH_NAME_MAX)
        return kwh_err_set(e, KWH_EINVAL, "fee name: one line of text, not too long");
    if (amount_fen <= 0 || amount_fen > UNITS_MAX_FEN)
        return kwh_err_set(e, KWH_EINVAL, "fee amount: more than 0 yuan");
    return 0;
}

int fee_find(struct kwh_core *c, const char *name_or_id, struct kwh_fee_type *out,
             struct kwh_err *e)
{
    char *end;
    long long id;

    if (name_or_id == NULL || name_or_id[0] == '\0')
        return kwh_err_set(e, KWH_EINVAL, "name a fee (kwhpos fee list)");
    id = strtoll(name_or_id, &end, 10);
    if (*end == '\0' && id > 0)
        return store_fee_get(c->db, id, out, e);
    if (store_fee_find(c->db, name_or_id, out, e) == KWH_ENOTFOUND)
        return kwh_err_set(e, KWH_ENOTFOUND, "no fee '%s' (kwhpos fee list)", name_or_id);
    return e ? e->code : 0;
}

/* One change of the fee types: the settings version and the audit in its transaction. */
static int fee_change(struct kwh_core *c, const struct kwh_session *s, const char *op,
                      const struct kwh_fee_type *f, int64_t *id, struct kwh_err *e)
{
    char detail[160];
    int rc;

    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if (strcmp(op, "fee-add") == 0)
        rc = store_fee_add(c->db, f, core_now(c), id, e);
    else if (strcmp(op, "fee-update") == 0)
        rc = store_fee_update(c->db, f, e);
    else
        rc = store_fee_deactivate(c->db, f->id, e);
    snprintf(detail, sizeof detail, "kind=%s amount=%lld", fee_kind_name(f->kind),
             (long long)f->amount_fen);
    if (rc < 0 || (rc = store_settings_bump(c->db, e)) < 0 ||
        (rc = audit_append(c, s->name, op, f->name, "", detail, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    return store_commit(c->db, e);
}

int fee_add(struct kwh_core *c, const struct kwh_session *s, const char *name, int kind,
            int64_t amount_fen, int64_t *id, struct kwh_err *e)
{
    struct kwh_fee_type f;
    int rc;

    if ((rc = need_admin(s, kwh_tr("费用设置 (fees)"), e)) < 0 ||
        (rc = check_fee(name, amount_fen, e)) < 0)
        return rc;
    if (kind == KWH_FEE_CARD)
        return kwh_err_set(e, KWH_EINVAL,
                           "the card fee is the site's reissue fee: set it with the limits "
                           "(kwhpos settings set --reissue-fee)");
    if (kind != KWH_FEE_SALE && kind != KWH_FEE_MONTHLY)
        return kwh_err_set(e, KWH_EINVAL, "fee kind: per sale or monthly");
    memset(&f, 0, sizeof f);
    str_copy(f.name, sizeof f.name, name);
    f.kind = kind;
    f.amount_fen = amount_fen;
    return fee_change(c, s, "fee-add", &f, id, e);
}

int fee_update(struct kwh_core *c, const struct kwh_session *s, int64_t id, const char *name,
               int64_t amount_fen, struct kwh_err *e)
{
    struct kwh_fee_type f;
    int rc;

    if ((rc = need_admin(s, kwh_tr("费用设置 (fees)"), e)) < 0 ||
        (rc = store_fee_get(c->db, id, &f, e)) < 0)
        return rc;
    if (name != NULL)
        str_copy(f.name, sizeof f.name, name);
    if (amount_fen != 0)
        f.amount_fen = amount_fen;
    if ((rc = check_fee(f.name, f.amount_fen, e)) < 0)
        return rc;
    return fee_change(c, s, "fee-update", &f, NULL, e);
}

int fee_delete(struct kwh_core *c, const struct kwh_session *s, int64_t id, struct kwh_err *e)
{
    struct kwh_fee_type f;
    int rc;

    if ((rc = need_admin(s, kwh_tr("费用设置 (fees)"), e)) < 0 ||
        (rc = store_fee_get(c->db, id, &f, e)) < 0)
        return rc;
    return fee_change(c, s, "fee-delete", &f, NULL, e);
}

/* --- arrears ----------------------------------------------------------------------------- */

static int check_rule(const struct kwh_recovery_rule *r, bool account, struct kwh_err *e)
{
    switch (r->mode) {
    case KWH_RECOVER_SITE:
        if (account)
            return 0;
        break;
    case KWH_RECOVER_FIXED:
        if (r->value > 0 && r->value <= UNITS_MAX_FEN)
            return 0;
        return kwh_err_set(e, KWH_EINVAL, "a fixed recovery: more than 0 yuan per sale");
    case KWH_RECOVER_PERCENT:
        if (r->value >= 1 && r->value <= 100)
            return 0;
        return kwh_err_set(e, KWH_EINVAL, "a recovery percentage: 1 to 100");
    default: break;
    }
    return kwh_err_set(e, KWH_EINVAL, "arrears recovery: a fixed amount or a percentage");
}

int arrears_site_rule(struct kwh_core *c, struct kwh_recovery_rule *out, struct kwh_err *e)
{
    struct kwh_site site;
    int rc = settings_get(c, &site, e);
    if (rc < 0)
        return rc;
    out->mode = site.recovery_mode;
    out->value = site.recovery_value;
    return 0;
}

int arrears_set_site_rule(struct kwh_core *c, const struct kwh_session *s,
                          const struct kwh_recovery_rule *r, struct kwh_err *e)
{
    char detail[64];
    int rc;

    if ((rc = need_admin(s, kwh_tr("欠费 (arrears)"), e)) < 0 || (rc = check_rule(r, false, e)) < 0)
        return rc;
    snprintf(detail, sizeof detail, "mode=%d value=%lld", r->mode, (long long)r->value);
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_setting_set_i64(c->db, "recovery_mode", r->mode, e)) < 0 ||
        (rc = store_setting_set_i64(c->db, "recovery_value", r->value, e)) < 0 ||
        (rc = store_settings_bump(c->db, e)) < 0 ||
        (rc = audit_append(c, s->name, "arrears-rule", "site", "", detail, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    return store_commit(c->db, e);
}

/* Changes account customer_no by fn in one transaction with the audit record. */
static int account_change(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                          const char *op,
                          int (*fn)(struct kwh_core *, struct kwh_customer *, const void *, char *,
                                    size_t, struct kwh_err *),
                          const void *arg, struct kwh_err *e)
{
    struct kwh_customer cu;
    char subject[32], detail[256];
    int rc;

    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_customer_by_no(c->db, customer_no, &cu, e)) < 0 ||
        (rc = scope_permit(c, s, cu.area_id, e)) < 0 ||
        (rc = fn(c, &cu, arg, detail, sizeof detail, e)) < 0)
        goto fail;
    snprintf(subject, sizeof subject, "account %08u", customer_no);
    if ((rc = audit_append(c, s->name, op, subject, "", detail, e)) < 0)
        goto fail;
    return store_commit(c->db, e);
fail:
    store_rollback(c->db);
    return rc;
}

static int set_rule(struct kwh_core *c, struct kwh_customer *cu, const void *arg, char *detail,
                    size_t n, struct kwh_err *e)
{
    const struct kwh_recovery_rule *r = arg;
    cu->recovery_mode = r->mode;
    cu->recovery_value = r->mode == KWH_RECOVER_SITE ? 0 : r->value;
    snprintf(detail, n, "mode=%d value=%lld", cu->recovery_mode, (long long)cu->recovery_value);
    return store_customer_update(c->db, cu, STORE_CU_TERMS, e);
}

int arrears_set_account_rule(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                             const struct kwh_recovery_rule *r, struct kwh_err *e)
{
    int rc;
    if ((rc = need_admin(s, kwh_tr("欠费 (arrears)"), e)) < 0 || (rc = check_rule(r, true, e)) < 0)
        return rc;
    return account_change(c, s, customer_no, "arrears-rule", set_rule, r, e);
}

struct arrears_arg {
    int64_t fen;
    const char *reason;
    int64_t operator_id;
};

static int add_arrears(struct kwh_core *c, struct kwh_customer *cu, const void *arg, char *detail,
                       size_t n, struct kwh_err *e)
{
    const struct arrears_arg *a = arg;
    char owed[32];
    int rc;

    if (cu->status != KWH_CUST_OPEN && cu->status != KWH_CUST_REFUNDED)
        return kwh_err_set(e, KWH_ECONFLICT, "account %08u is %s", cu->customer_no,
                           kwh_trc("status", model_status_name(cu->status)));
    if (a->fen < 0 && -a->fen > cu->arrears_fen) {
        fixed_format(cu->arrears_fen, 2, owed, sizeof owed);
        return kwh_err_set(e, KWH_EINVAL, "account %08u owes %s yuan: waive at most that",
                           cu->customer_no, owed);
    }
    if (cu->arrears_fen + a->fen > UNITS_MAX_FEN)
        return kwh_err_set(e, KWH_EINVAL, "arrears: too large");
    snprintf(detail, n, "arrears=%lld%+lld reason=%s", (long long)cu->arrears_fen,
             (long long)a->fen, a->reason);
    cu->arrears_fen += a->fen;
    if ((rc = store_arrears_insert(c->db, cu->id, a->fen, a->reason, a->operator_id, core_now(c),
                                   e)) < 0)
        return rc;
    return store_customer_update(c->db, cu, STORE_CU_MONEY, e);
}

int arrears_add(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no, int64_t fen,
                const char *reason, struct kwh_err *e)
{
    struct arrears_arg a = {fen, reason, s->operator_id};
    int rc;

    if ((rc = need_admin(s, kwh_tr("欠费 (arrears)"), e)) < 0)
        return rc;
    if (fen == 0 || fen > UNITS_MAX_FEN || fen < -UNITS_MAX_FEN)
        return kwh_err_set(e, KWH_EINVAL,
                           "arrears: an amount owed (more than 0), or waived (less than 0)");
    if (text_check_line(KWH_N("reason"), reason, e) < 0)
        return KWH_EINVAL;
    if (reason == NULL || reason[0] == '\0' || !utf8_is_clean_line(reason) ||
        strlen(reason) >= KWH_TEXT_MAX)
        return kwh_err_set(e, KWH_EINVAL, "arrears: give the reason, in one line");
    return account_change(c, s, customer_no, fen > 0 ? "arrears-add" : "arrears-waive", add_arrears,
                          &a, e);
}

int arrears_history(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                    struct kwh_arrears_line **out, size_t *n, struct kwh_err *e)
{
    struct kwh_customer cu;
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = need_operator(s, e)) < 0 ||
        (rc = store_customer_by_no(c->db, customer_no, &cu, e)) < 0 ||
        (rc = scope_permit(c, s, cu.area_id, e)) < 0)
        return rc;
    return store_arrears_history(c->db, cu.id, out, n, e);
}

int arrears_accounts(struct kwh_core *c, const struct kwh_session *s, struct kwh_customer **out,
                     size_t *n, int64_t *total_fen, struct kwh_err *e)
{
    struct kwh_customer *rows;
    size_t m = 0, k = 0;
    int rc;

    *out = NULL;
    *n = 0;
    *total_fen = 0;
    if ((rc = need_operator(s, e)) < 0 || (rc = store_arrears_accounts(c->db, &rows, &m, e)) < 0)
        return rc;
    for (size_t i = 0; i < m; i++) {
        /* the scope rule: an operator limited to areas sees the accounts of theirs */
        if ((rc = scope_permit(c, s, rows[i].area_id, NULL)) == KWH_EPERM)
            continue;
        if (rc < 0) {
            free(rows);
            return scope_permit(c, s, rows[i].area_id, e);
        }
        *total_fen += rows[i].arrears_fen;
        rows[k++] = rows[i];
    }
    *out = rows;
    *n = k;
    return 0;
}

static int set_extra(struct kwh_core *c, struct kwh_customer *cu, const void *arg, char *detail,
                     size_t n, struct kwh_err *e)
{
    snprintf(detail, n, "tier_extra=%lld->%lld", (long long)cu->tier_extra_ckwh,
             (long long)*(const int64_t *)arg);
    cu->tier_extra_ckwh = *(const int64_t *)arg;
    return store_customer_update(c->db, cu, STORE_CU_TERMS, e);
}

int account_set_tier_extra(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                           int64_t ckwh, struct kwh_err *e)
{
    int rc;
    if ((rc = need_admin(s, kwh_tr("电价类型设置 (tariffs)"), e)) < 0)
        return rc;
    if (ckwh < 0 || ckwh > UNITS_MAX_CKWH)
        return kwh_err_set(e, KWH_EINVAL, "extra first-tier allowance: 0 to 999999.99 kWh");
    return account_change(c, s, customer_no, "tier-extra", set_extra, &ckwh, e);
}
