/* SPDX-License-Identifier: Apache-2.0 */
/* Tariff types (M5) with price history. */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
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
    return store_tariff_list(c->db, out, n, e);
}

int tariff_get(struct kwh_core *c, int64_t id, struct kwh_tariff *out, struct kwh_err *e)
{
    return store_tariff_get(c->db, id, out, e);
}

int tariff_add(struct kwh_core *c, const struct kwh_session *s, const char *name, int64_t price,
               int64_t *id, struct kwh_err *e)
{
    char after[KWH_NAME_MAX + 48];
    int64_t tid;
    int rc;

    if ((rc = need_admin(s, kwh_tr("电价类型设置 (tariffs)"), e)) < 0 ||
        (rc = check(name, price, e)) < 0)
        return rc;
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    snprintf(after, sizeof after, "name=%s price=%lld", name, (long long)price);
    if ((rc = store_tariff_add(c->db, name, price, core_now(c), s->operator_id, &tid, e)) < 0 ||
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
    if ((rc = store_tariff_get(c->db, id, &t, e)) < 0)
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

int tariff_delete(struct kwh_core *c, const struct kwh_session *s, int64_t id, struct kwh_err *e)
{
    struct kwh_tariff t;
    int64_t accounts;
    int rc;

    if ((rc = need_admin(s, kwh_tr("电价类型设置 (tariffs)"), e)) < 0)
        return rc;
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_tariff_get(c->db, id, &t, e)) < 0 ||
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
