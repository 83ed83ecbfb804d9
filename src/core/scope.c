/* SPDX-License-Identifier: Apache-2.0 */
/* The operators' scope: the one rule that an operator limited to subtrees of the area
 * tree acts and looks only on accounts inside them. Every plan applies it to the account
 * it acts on (plan_expect_account, open_plan), cardview_read to the card's account, and
 * every query and report passes the operator to the store, which keeps to the same
 * subtrees (store_scope_allows, the :scope filter of store/query.c). */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/oversight.h"
#include "kwhpos/util.h"
#include "store/store.h"

int scope_permit(struct kwh_core *c, const struct kwh_session *s, int64_t area_id,
                 struct kwh_err *e)
{
    int rc;
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    return scope_permit_op(c, s->operator_id, area_id, e);
}

int scope_permit_op(struct kwh_core *c, int64_t operator_id, int64_t area_id, struct kwh_err *e)
{
    char title[KWH_AREA_PATH_MAX];
    bool ok;
    int rc;

    if ((rc = store_scope_allows(c->db, operator_id, area_id, &ok, e)) < 0)
        return rc;
    if (ok)
        return 0;
    area_title(c, area_id, title, sizeof title);
    return kwh_err_set(e, KWH_EPERM,
                       "the account is in area %s, outside the areas you may work on: ask an "
                       "administrator",
                       title);
}

int scope_of(struct kwh_core *c, const struct kwh_session *s, int64_t *scope_op, struct kwh_err *e)
{
    int64_t areas[1];
    size_t n;
    int rc;

    *scope_op = 0;
    if ((rc = store_scope_get(c->db, s->operator_id, areas, 1, &n, e)) < 0)
        return rc;
    if (n > 0)
        *scope_op = s->operator_id;
    return 0;
}

static int operator_named(struct kwh_core *c, const char *name, struct kwh_operator *op,
                          struct kwh_err *e)
{
    int rc = store_operator_get(c->db, name, op, NULL, 0, e);
    if (rc == KWH_ENOTFOUND)
        return kwh_err_set(e, rc, "no operator named %s", name);
    return rc;
}

int scope_set(struct kwh_core *c, const struct kwh_session *s, const char *name,
              const int64_t *areas, size_t n, struct kwh_err *e)
{
    struct kwh_operator op;
    char before[256] = "", after[256] = "", subject[96];
    int64_t old[KWH_SCOPE_MAX];
    size_t nold = 0;
    int rc;

    if ((rc = need_admin(s, "limiting an operator to areas", e)) < 0)
        return rc;
    if (n > KWH_SCOPE_MAX)
        return kwh_err_set(e, KWH_EINVAL, "at most %d areas per operator", KWH_SCOPE_MAX);
    if ((rc = operator_named(c, name, &op, e)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct store_area a;
        if ((rc = store_area_get(c->db, areas[i], &a, e)) < 0)
            return rc;
    }
    if ((rc = store_scope_get(c->db, op.id, old, KWH_SCOPE_MAX, &nold, e)) < 0)
        return rc;
    for (size_t i = 0; i < nold; i++)
        snprintf(before + strlen(before), sizeof before - strlen(before), "%s%lld", i ? "," : "",
                 (long long)old[i]);
    for (size_t i = 0; i < n; i++)
        snprintf(after + strlen(after), sizeof after - strlen(after), "%s%lld", i ? "," : "",
                 (long long)areas[i]);
    snprintf(subject, sizeof subject, "operator %s", op.name);
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_scope_set(c->db, op.id, areas, n, e)) < 0 ||
        (rc = audit_append(c, s->name, "operator-scope", subject, before, after, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    return store_commit(c->db, e);
}

int scope_get(struct kwh_core *c, const struct kwh_session *s, const char *name, int64_t *areas,
              size_t max, size_t *n, struct kwh_err *e)
{
    struct kwh_operator op;
    int rc;

    *n = 0;
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if (name == NULL || name[0] == '\0')
        name = s->name;
    if (strcmp(name, s->name) != 0 && (rc = need_admin(s, "another operator's areas", e)) < 0)
        return rc;
    if ((rc = operator_named(c, name, &op, e)) < 0)
        return rc;
    return store_scope_get(c->db, op.id, areas, max, n, e);
}

int scope_area_or_default(struct kwh_core *c, int64_t operator_id, int64_t asked, int64_t *area,
                          struct kwh_err *e)
{
    struct store_area a;
    int64_t first;
    size_t n = 0;
    int rc;

    if (asked == 0 && (rc = store_scope_get(c->db, operator_id, &first, 1, &n, e)) < 0)
        return rc;
    if (asked == 0 && n > 0)
        asked = first;
    rc = asked == 0 ? store_area_root(c->db, &a, e) : store_area_get(c->db, asked, &a, e);
    if (rc < 0)
        return rc;
    *area = a.id;
    return scope_permit_op(c, operator_id, a.id, e);
}
