/* SPDX-License-Identifier: Apache-2.0 */
/* The area tree (SPEC B10): 园区 / 楼栋 / 单元 / 房间, up to KWH_AREA_DEPTH levels under
 * the root, names free. Every account belongs to one area; an area is deleted only when
 * nothing hangs on it; a move never makes a cycle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/oversight.h"
#include "kwhpos/util.h"
#include "store/store.h"

static int depth_of(const char *path)
{
    int d = -2; /* "/1/" is the root: depth 0 */
    for (const char *p = path; *p; p++)
        d += *p == '/';
    return d < 0 ? 0 : d;
}

int area_path(struct kwh_core *c, int64_t id, char *buf, size_t n, struct kwh_err *e)
{
    struct store_area a;
    int rc = store_area_get(c->db, id, &a, e);
    if (rc < 0)
        return rc;
    str_copy(buf, n, a.path);
    return 0;
}

void area_title(struct kwh_core *c, int64_t id, char *buf, size_t n)
{
    struct store_area a;
    char path[sizeof a.path];
    char *save = NULL;

    buf[0] = '\0';
    if (store_area_get(c->db, id, &a, NULL) < 0) {
        snprintf(buf, n, "#%lld", (long long)id);
        return;
    }
    str_copy(path, sizeof path, a.path);
    for (char *tok = strtok_r(path, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
        struct store_area step;
        if (store_area_get(c->db, strtoll(tok, NULL, 10), &step, NULL) < 0 || step.parent_id == 0)
            continue;
        snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", buf[0] ? "/" : "", step.name);
    }
    if (buf[0] == '\0')
        str_copy(buf, n, kwh_tr("(whole site)"));
}

static int check_name(const char *name, struct kwh_err *e)
{
    if (name == NULL || name[0] == '\0')
        return kwh_err_set(e, KWH_EINVAL, "an area needs a name");
    if (strlen(name) >= KWH_NAME_MAX)
        return kwh_err_set(e, KWH_EINVAL, "an area's name is at most %d bytes", KWH_NAME_MAX - 1);
    if (text_check_line(KWH_N("area name"), name, e) < 0)
        return KWH_EINVAL; /* (not echoed: bytes of another encoding garble the terminal) */
    if (!utf8_is_clean_line(name) || strchr(name, '/') != NULL || name[0] == '#')
        return kwh_err_set(e, KWH_EINVAL,
                           "area name %s: one line, without '/' (it separates the levels) and "
                           "not starting with '#'",
                           name);
    return 0;
}

static int audit_tx(struct kwh_core *c, const struct kwh_session *s, const char *op,
                    const char *subject, const char *before, const char *after, struct kwh_err *e)
{
    return audit_append(c, s->name, op, subject, before, after, e);
}

int area_find(struct kwh_core *c, const char *text, struct kwh_area *out, struct kwh_err *e)
{
    struct store_area a;
    char buf[KWH_AREA_PATH_MAX], *save = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    if (text == NULL)
        text = "";
    if (text[0] == '#') {
        char *end;
        long long id = strtoll(text + 1, &end, 10);
        if (*end != '\0' || id <= 0)
            return kwh_err_set(e, KWH_EINVAL,
                               "area %s: give #ID or the area's names, e.g. 园区A/1栋", text);
        if ((rc = store_area_get(c->db, id, &a, e)) < 0)
            return rc;
    } else {
        if ((rc = store_area_root(c->db, &a, e)) < 0)
            return rc;
        str_copy(buf, sizeof buf, text);
        for (char *tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
            struct store_area child;
            rc = store_area_child(c->db, a.id, tok, &child, e);
            if (rc == KWH_ENOTFOUND)
                return kwh_err_set(e, rc, "no area %s (kwhpos area list shows them)", text);
            if (rc < 0)
                return rc;
            a = child;
        }
    }
    out->id = a.id;
    out->parent_id = a.parent_id;
    str_copy(out->name, sizeof out->name, a.name);
    out->depth = depth_of(a.path);
    area_title(c, a.id, out->title, sizeof out->title);
    return 0;
}

struct counts {
    struct store_area *a;
    size_t n;
    int64_t *own;
};

static int count_one(void *ctx, int64_t area_id, int64_t n)
{
    struct counts *k = ctx;
    for (size_t i = 0; i < k->n; i++)
        if (k->a[i].id == area_id)
            k->own[i] += n;
    return 0;
}

/* Children by name after their parent: a depth-first walk of the path-ordered list. */
static void walk(struct store_area *a, size_t n, int64_t parent, size_t *order, size_t *k)
{
    for (;;) {
        size_t best = n;
        for (size_t i = 0; i < n; i++) {
            bool used = false;
            if (a[i].parent_id != parent)
                continue;
            for (size_t j = 0; j < *k; j++)
                used |= order[j] == i;
            if (!used && (best == n || strcmp(a[i].name, a[best].name) < 0))
                best = i;
        }
        if (best == n)
            return;
        order[(*k)++] = best;
        walk(a, n, a[best].id, order, k);
    }
}

int area_list(struct kwh_core *c, const struct kwh_session *s, struct kwh_area **out, size_t *n,
              struct kwh_err *e)
{
    struct store_area *a = NULL;
    struct kwh_area *r = NULL;
    int64_t *own = NULL;
    size_t na = 0, *order = NULL, k = 0, m = 0;
    struct counts cnt;
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if ((rc = store_areas(c->db, &a, &na, e)) < 0)
        return rc;
    own = calloc(na + 1, sizeof *own);
    order = calloc(na + 1, sizeof *order);
    r = calloc(na + 1, sizeof *r);
    if (own == NULL || order == NULL || r == NULL) {
        rc = kwh_err_set(e, KWH_ENOMEM, "out of memory");
        goto out;
    }
    cnt = (struct counts){a, na, own};
    if ((rc = store_area_counts(c->db, count_one, &cnt, e)) < 0)
        goto out;
    for (size_t i = 0; i < na; i++)
        if (a[i].parent_id == 0) {
            order[k++] = i;
            walk(a, na, a[i].id, order, &k);
        }
    for (size_t j = 0; j < k; j++) {
        const struct store_area *x = &a[order[j]];
        struct kwh_area *y = &r[m];
        bool ok = true;
        if ((rc = store_scope_allows(c->db, s->operator_id, x->id, &ok, e)) < 0)
            goto out;
        if (!ok)
            continue;
        y->id = x->id;
        y->parent_id = x->parent_id;
        str_copy(y->name, sizeof y->name, x->name);
        y->depth = depth_of(x->path);
        area_title(c, x->id, y->title, sizeof y->title);
        for (size_t i = 0; i < na; i++)
            if (strncmp(a[i].path, x->path, strlen(x->path)) == 0)
                y->accounts += own[i];
        m++;
    }
    *out = r;
    *n = m;
    r = NULL;
out:
    free(r);
    free(order);
    free(own);
    free(a);
    return rc;
}

int area_add(struct kwh_core *c, const struct kwh_session *s, int64_t parent, const char *name,
             int64_t *id, struct kwh_err *e)
{
    struct store_area p;
    char subject[96];
    int rc;

    if ((rc = need_admin(s, "changing the area tree", e)) < 0 || (rc = check_name(name, e)) < 0)
        return rc;
    if (parent == 0 ? (rc = store_area_root(c->db, &p, e)) < 0
                    : (rc = store_area_get(c->db, parent, &p, e)) < 0)
        return rc;
    if (depth_of(p.path) + 1 > KWH_AREA_DEPTH)
        return kwh_err_set(e, KWH_EINVAL, "areas go at most %d levels deep", KWH_AREA_DEPTH);
    snprintf(subject, sizeof subject, "area under #%lld", (long long)p.id);
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_area_insert(c->db, p.id, name, core_now(c), id, e)) < 0 ||
        (rc = audit_tx(c, s, "area-add", subject, "", name, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    return store_commit(c->db, e);
}

int area_rename(struct kwh_core *c, const struct kwh_session *s, int64_t id, const char *name,
                struct kwh_err *e)
{
    struct store_area a;
    char subject[64];
    int rc;

    if ((rc = need_admin(s, "changing the area tree", e)) < 0 || (rc = check_name(name, e)) < 0 ||
        (rc = store_area_get(c->db, id, &a, e)) < 0)
        return rc;
    if (a.parent_id == 0)
        return kwh_err_set(e, KWH_EINVAL, "the root of the tree is the whole site: it has no name");
    snprintf(subject, sizeof subject, "area #%lld", (long long)id);
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_area_rename(c->db, id, name, e)) < 0 ||
        (rc = audit_tx(c, s, "area-rename", subject, a.name, name, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    return store_commit(c->db, e);
}

/* The depth of the deepest area below a (a itself: 0). */
static int subtree_height(struct kwh_core *c, const struct store_area *a, int *h, struct kwh_err *e)
{
    struct store_area *all = NULL;
    size_t n = 0;
    int rc, base = depth_of(a->path);

    *h = 0;
    if ((rc = store_areas(c->db, &all, &n, e)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (strncmp(all[i].path, a->path, strlen(a->path)) == 0 &&
            depth_of(all[i].path) - base > *h)
            *h = depth_of(all[i].path) - base;
    free(all);
    return 0;
}

int area_move(struct kwh_core *c, const struct kwh_session *s, int64_t id, int64_t parent,
              struct kwh_err *e)
{
    struct store_area a, p;
    char subject[64], before[32], after[32];
    int rc, h;

    if ((rc = need_admin(s, "changing the area tree", e)) < 0 ||
        (rc = store_area_get(c->db, id, &a, e)) < 0)
        return rc;
    if (parent == 0 ? (rc = store_area_root(c->db, &p, e)) < 0
                    : (rc = store_area_get(c->db, parent, &p, e)) < 0)
        return rc;
    if (a.parent_id == 0)
        return kwh_err_set(e, KWH_EINVAL, "the root of the tree cannot move");
    if (strncmp(p.path, a.path, strlen(a.path)) == 0)
        return kwh_err_set(e, KWH_EINVAL,
                           "an area cannot move into itself or its own subtree (that would make "
                           "a cycle)");
    if ((rc = subtree_height(c, &a, &h, e)) < 0)
        return rc;
    if (depth_of(p.path) + 1 + h > KWH_AREA_DEPTH)
        return kwh_err_set(e, KWH_EINVAL, "areas go at most %d levels deep", KWH_AREA_DEPTH);
    snprintf(subject, sizeof subject, "area #%lld", (long long)id);
    snprintf(before, sizeof before, "parent=%lld", (long long)a.parent_id);
    snprintf(after, sizeof after, "parent=%lld", (long long)p.id);
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_area_move(c->db, id, p.id, e)) < 0 ||
        (rc = audit_tx(c, s, "area-move", subject, before, after, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    return store_commit(c->db, e);
}

int area_delete(struct kwh_core *c, const struct kwh_session *s, int64_t id, struct kwh_err *e)
{
    struct store_area a;
    int64_t accounts, children, scopes;
    char subject[64];
    int rc;

    if ((rc = need_admin(s, "changing the area tree", e)) < 0 ||
        (rc = store_area_get(c->db, id, &a, e)) < 0)
        return rc;
    if (a.parent_id == 0)
        return kwh_err_set(e, KWH_EINVAL, "the root of the tree cannot be deleted");
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_area_usage(c->db, id, &accounts, &children, &scopes, e)) < 0)
        goto fail;
    if (accounts > 0) {
        rc = kwh_err_set(e, KWH_ECONFLICT,
                         "area %s has %lld accounts (closed ones count: their history names it): "
                         "move them to another area first",
                         a.name, (long long)accounts);
        goto fail;
    }
    if (children > 0) {
        rc = kwh_err_set(e, KWH_ECONFLICT,
                         "area %s has %lld areas under it: delete or move them first", a.name,
                         (long long)children);
        goto fail;
    }
    if (scopes > 0) {
        rc = kwh_err_set(e, KWH_ECONFLICT,
                         "%lld operators are limited to area %s: change their areas first",
                         (long long)scopes, a.name);
        goto fail;
    }
    snprintf(subject, sizeof subject, "area #%lld", (long long)id);
    if ((rc = store_area_delete(c->db, id, e)) < 0 ||
        (rc = audit_tx(c, s, "area-delete", subject, a.name, "", e)) < 0)
        goto fail;
    return store_commit(c->db, e);
fail:
    store_rollback(c->db);
    return rc;
}

int area_assign(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                int64_t area_id, struct kwh_err *e)
{
    struct kwh_customer cu;
    struct store_area a;
    char subject[32], before[32], after[32];
    int rc;

    if ((rc = need_admin(s, "moving an account to another area", e)) < 0 ||
        (rc = store_area_get(c->db, area_id, &a, e)) < 0)
        return rc;
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_customer_by_no(c->db, customer_no, &cu, e)) < 0 ||
        (rc = scope_permit(c, s, cu.area_id, e)) < 0 || (rc = scope_permit(c, s, area_id, e)) < 0)
        goto fail;
    snprintf(subject, sizeof subject, "account %08u", cu.customer_no);
    snprintf(before, sizeof before, "area=%lld", (long long)cu.area_id);
    snprintf(after, sizeof after, "area=%lld", (long long)area_id);
    cu.area_id = area_id;
    if ((rc = store_customer_update(c->db, &cu, STORE_CU_AREA, e)) < 0 ||
        (rc = audit_tx(c, s, "area-assign", subject, before, after, e)) < 0)
        goto fail;
    return store_commit(c->db, e);
fail:
    store_rollback(c->db);
    return rc;
}
