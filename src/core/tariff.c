/* SPDX-License-Identifier: Apache-2.0 */
/* Tariff types (M5) with price history. */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/query.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "store/store.h"

static int check(const char *name, int64_t price, struct kwh_err *e)
{
    size_t n = name ? strlen(name) : 0;
    if (n > 0 && !utf8_valid(name))
        return text_check_line(KWH_N("tariff name"), name, e);
    if (n == 0 || !utf8_is_clean_line(name))
        return kwh_err_set(e, KWH_EINVAL, "tariff name: enter one line of text");
    if (n >= KWH_NAME_MAX || utf8_width(name) > 24)
        return kwh_err_set(e, KWH_EINVAL, "tariff name: at most 24 columns");
    if (price <= 0 || price > UNITS_MAX_PRICE)
        return kwh_err_set(e, KWH_EINVAL, "price: more than 0 and at most 99.9999 yuan/kWh");
    return 0;
}

int tariff_list(struct kwh_core *c, struct kwh_tariff **out, size_t *n, struct kwh_err *e)
{
    return store_tariff_list(c->db, core_now(c), out, n, e);
}

int tariff_history(struct kwh_core *c, int64_t id, struct kwh_tariff **out, size_t *n,
                   struct kwh_err *e)
{
    int rc = store_tariff_versions(c->db, id, out, n, e);
    if (rc == 0 && *n == 0)
        return kwh_err_set(e, KWH_ENOTFOUND, "no tariff #%lld", (long long)id);
    return rc;
}

int tariff_get(struct kwh_core *c, int64_t id, struct kwh_tariff *out, struct kwh_err *e)
{
    return store_tariff_get(c->db, id, core_now(c), out, e);
}

const char *tariff_kind_name(int kind)
{
    return kind == KWH_TARIFF_SHARED ? "shared" : "standard";
}

const char *tariff_kind_label(int kind)
{
    return kind == KWH_TARIFF_SHARED ? kwh_tr("合表 (shared meter)") : kwh_tr("Standard");
}

int tariff_kind_parse(const char *s)
{
    if (s == NULL)
        return -1;
    if (strcmp(s, "standard") == 0)
        return KWH_TARIFF_STANDARD;
    if (strcmp(s, "shared") == 0 || strcmp(s, "合表") == 0)
        return KWH_TARIFF_SHARED;
    return -1;
}

int tariff_add(struct kwh_core *c, const struct kwh_session *s, const char *name, int64_t price,
               int64_t *id, struct kwh_err *e)
{
    return tariff_add_kind(c, s, name, price, KWH_TARIFF_STANDARD, id, e);
}

int tariff_add_kind(struct kwh_core *c, const struct kwh_session *s, const char *name,
                    int64_t price, int kind, int64_t *id, struct kwh_err *e)
{
    char after[KWH_NAME_MAX + 48];
    int64_t tid;
    int rc;

    if ((rc = need_admin(s, kwh_tr("电价类型设置 (tariffs)"), e)) < 0 ||
        (rc = check(name, price, e)) < 0)
        return rc;
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if (kind != KWH_TARIFF_STANDARD && kind != KWH_TARIFF_SHARED)
        return kwh_err_set(e, KWH_EINVAL, "tariff kind: standard or shared (合表)");
    snprintf(after, sizeof after, "name=%s price=%lld%s", name, (long long)price,
             kind == KWH_TARIFF_SHARED ? " kind=shared" : "");
    if ((rc = store_tariff_add(c->db, name, price, core_now(c), s->operator_id, &tid, e)) < 0 ||
        (kind != KWH_TARIFF_STANDARD && (rc = store_tariff_set_kind(c->db, tid, kind, e)) < 0) ||
        (rc = audit_append(c, s->name, "tariff-add", name, "", after, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    if ((rc = store_commit(c->db, e)) < 0)
        return rc;
    if (id)
        *id = tid;
    return 0;
}

int tariff_update(struct kwh_core *c, const struct kwh_session *s, int64_t id, const char *name,
                  int64_t price, struct kwh_err *e)
{
    struct kwh_tariff t;
    char before[KWH_NAME_MAX + 48], after[KWH_NAME_MAX + 48];
    int rc;

    if ((rc = need_admin(s, kwh_tr("电价类型设置 (tariffs)"), e)) < 0 ||
        (rc = check(name, price, e)) < 0)
        return rc;
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_tariff_get(c->db, id, core_now(c), &t, e)) < 0)
        goto fail;
    if (strcmp(t.name, name) != 0 && (rc = store_tariff_rename(c->db, id, name, e)) < 0)
        goto fail;
    if (t.price != price &&
        (rc = store_tariff_set_price(c->db, id, price, core_now(c), s->operator_id, e)) < 0)
        goto fail;
    snprintf(before, sizeof before, "name=%s price=%lld", t.name, (long long)t.price);
    snprintf(after, sizeof after, "name=%s price=%lld", name, (long long)price);
    if ((rc = audit_append(c, s->name, "tariff-update", name, before, after, e)) < 0)
        goto fail;
    return store_commit(c->db, e);
fail:
    store_rollback(c->db);
    return rc;
}

int tariff_set_kind(struct kwh_core *c, const struct kwh_session *s, int64_t id, int kind,
                    struct kwh_err *e)
{
    struct kwh_tariff t;
    int rc;

    if ((rc = need_admin(s, kwh_tr("电价类型设置 (tariffs)"), e)) < 0)
        return rc;
    if (kind != KWH_TARIFF_STANDARD && kind != KWH_TARIFF_SHARED)
        return kwh_err_set(e, KWH_EINVAL, "tariff kind: standard or shared (合表)");
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_tariff_get(c->db, id, core_now(c), &t, e)) < 0)
        goto fail;
    if (t.kind == kind)
        return store_commit(c->db, e);
    if (kind == KWH_TARIFF_SHARED && t.ntiers > 0) {
        rc = kwh_err_set(e, KWH_EINVAL,
                         "tariff '%s' has tiers: a 合表 (shared meter) tariff is flat; give it "
                         "one price first",
                         t.name);
        goto fail;
    }
    if ((rc = store_tariff_set_kind(c->db, id, kind, e)) < 0 ||
        (rc = audit_append(c, s->name, "tariff-kind", t.name, tariff_kind_name(t.kind),
                           tariff_kind_name(kind), e)) < 0)
        goto fail;
    return store_commit(c->db, e);
fail:
    store_rollback(c->db);
    return rc;
}

int tariff_delete(struct kwh_core *c, const struct kwh_session *s, int64_t id, struct kwh_err *e)
{
    struct kwh_tariff t;
    int64_t accounts;
    int rc;

    if ((rc = need_admin(s, kwh_tr("电价类型设置 (tariffs)"), e)) < 0)
        return rc;
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_tariff_get(c->db, id, core_now(c), &t, e)) < 0 ||
        (rc = store_tariff_in_use(c->db, id, &accounts, e)) < 0)
        goto fail;
    if (accounts > 0) {
        rc = kwh_err_set(e, KWH_ECONFLICT,
                         "tariff '%s' is used by %lld account%s: it can be "
                         "edited but not deleted",
                         t.name, (long long)accounts, accounts == 1 ? "" : "s");
        goto fail;
    }
    if ((rc = store_tariff_deactivate(c->db, id, e)) < 0 ||
        (rc = audit_append(c, s->name, "tariff-delete", t.name, "", "", e)) < 0)
        goto fail;
    return store_commit(c->db, e);
fail:
    store_rollback(c->db);
    return rc;
}

int tariff_check_tiers(const struct kwh_tariff *t, struct kwh_err *e)
{
    char b1[32], b2[32];

    if (t->ntiers < 2 || t->ntiers > KWH_TIERS_MAX)
        return kwh_err_set(e, KWH_EINVAL, "a tiered tariff has 2 to %d tiers", KWH_TIERS_MAX);
    if (t->period_months != KWH_PERIOD_MONTHLY && t->period_months != KWH_PERIOD_ANNUAL)
        return kwh_err_set(e, KWH_EINVAL, "tier period: monthly or annual");
    if (t->period_start < 1 || t->period_start > 12)
        return kwh_err_set(e, KWH_EINVAL, "an annual period starts in month 1 to 12");
    for (int i = 0; i < t->ntiers; i++) {
        const struct kwh_tier *r = &t->tiers[i];
        if (r->price <= 0 || r->price > UNITS_MAX_PRICE)
            return kwh_err_set(e, KWH_EINVAL,
                               "tier %d: the price must be more than 0 and at most 99.9999 "
                               "yuan/kWh",
                               i + 1);
        if (i == t->ntiers - 1) {
            if (r->upto_ckwh != 0)
                return kwh_err_set(e, KWH_EINVAL,
                                   "the last tier has no upper bound (it takes everything "
                                   "above the tier before)");
            break;
        }
        if (r->upto_ckwh <= 0 || r->upto_ckwh > UNITS_MAX_CKWH)
            return kwh_err_set(e, KWH_EINVAL, "tier %d: its upper bound must be more than 0 kWh",
                               i + 1);
        if (i > 0 && r->upto_ckwh <= t->tiers[i - 1].upto_ckwh) {
            fixed_format(t->tiers[i - 1].upto_ckwh, 2, b1, sizeof b1);
            fixed_format(r->upto_ckwh, 2, b2, sizeof b2);
            return kwh_err_set(e, KWH_EINVAL,
                               "tiers must increase: tier %d ends at %s kWh, tier %d at %s kWh", i,
                               b1, i + 1, b2);
        }
    }
    return 0;
}

/* When a new price version dated from (0: now) takes effect: now, or a later moment. A
 * moment before today is refused: the versions in force so far are history. */
static int effective_from(struct kwh_core *c, int64_t from, int64_t *out, struct kwh_err *e)
{
    int64_t now = core_now(c);
    char day[16];
    if (from != 0 && from < period_day(now).from) {
        period_format_day(from, day, sizeof day);
        return kwh_err_set(e, KWH_EINVAL,
                           "effective from %s: that day is past; a price change takes effect "
                           "today or later (the price history is not rewritten)",
                           day);
    }
    *out = from > now ? from : now;
    return 0;
}

int tariff_parse_from(struct kwh_core *c, const char *text, int64_t *from, struct kwh_err *e)
{
    int64_t start, end;
    int rc;
    *from = 0;
    if (text == NULL || text[0] == '\0')
        return 0;
    if (strlen(text) != 10 || period_parse(text, &start, &end, e) < 0)
        return kwh_err_set(e, KWH_EINVAL, "effective from: '%s' is not a date: write YYYY-MM-DD",
                           text);
    if ((rc = effective_from(c, start, &end, e)) < 0)
        return rc;
    *from = end > core_now(c) ? end : 0;
    return 0;
}

/* "upto@price,..." for the audit. */
static void tiers_text(const struct kwh_tariff *t, char *buf, size_t n)
{
    size_t o =
        (size_t)snprintf(buf, n, "period=%d start=%d tiers=", t->period_months, t->period_start);
    for (int i = 0; i < t->ntiers && o < n; i++)
        o += (size_t)snprintf(buf + o, n - o, "%s%lld@%lld", i ? "," : "",
                              (long long)t->tiers[i].upto_ckwh, (long long)t->tiers[i].price);
}

int tariff_set_tiers(struct kwh_core *c, const struct kwh_session *s, const char *name, int64_t id,
                     const struct kwh_tariff *def, int64_t *out_id, struct kwh_err *e)
{
    char after[256], before[256] = "";
    struct kwh_tariff t;
    int64_t tid = id, from;
    int rc;

    if ((rc = need_admin(s, kwh_tr("电价类型设置 (tariffs)"), e)) < 0)
        return rc;
    if (def->ntiers > 0 && (rc = tariff_check_tiers(def, e)) < 0)
        return rc;
    if (def->ntiers == 0 && (def->price <= 0 || def->price > UNITS_MAX_PRICE))
        return kwh_err_set(e, KWH_EINVAL, "price: more than 0 and at most 99.9999 yuan/kWh");
    if (id == 0 && (rc = check(name, def->ntiers > 0 ? def->tiers[0].price : def->price, e)) < 0)
        return rc;
    if ((rc = effective_from(c, def->price_since, &from, e)) < 0)
        return rc;
    if (id == 0 && from > core_now(c))
        return kwh_err_set(e, KWH_EINVAL,
                           "a new tariff takes effect at once: add it, then schedule its price "
                           "change with a date");
    tiers_text(def, after, sizeof after);
    if (from > core_now(c)) {
        size_t o = strlen(after);
        snprintf(after + o, sizeof after - o, " from=");
        period_format_day(from, after + strlen(after), sizeof after - strlen(after));
    }
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if (id == 0) {
        /* one price version: the tiers from the start */
        rc = store_tariff_add_rates(c->db, name, def, core_now(c), s->operator_id, &tid, e);
    } else if ((rc = store_tariff_get(c->db, id, core_now(c), &t, e)) == 0) {
        name = t.name;
        if (t.kind == KWH_TARIFF_SHARED && def->ntiers > 0) {
            rc = kwh_err_set(e, KWH_EINVAL,
                             "tariff '%s' is a 合表 (shared meter) tariff: it has one price, "
                             "no tiers",
                             t.name);
            store_rollback(c->db);
            return rc;
        }
        tiers_text(&t, before, sizeof before);
        rc = store_tariff_set_rates(c->db, tid, def, from, s->operator_id, e);
    }
    if (rc < 0 || (rc = audit_append(c, s->name, "tariff-tiers", name, before, after, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    if ((rc = store_commit(c->db, e)) < 0)
        return rc;
    if (out_id != NULL)
        *out_id = tid;
    return 0;
}
