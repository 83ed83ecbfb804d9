/* SPDX-License-Identifier: Apache-2.0 */
/* `kwhpos db copy`: moving a site between SQLite and PostgreSQL, verified. */
#include <sodium.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/data.h"
#include "store/store_query.h"

int data_copy_to(struct kwh_core *c, const struct kwh_session *s, const char *target,
                 void (*fn)(void *ctx, const char *table, int64_t rows), void *ctx,
                 struct kwh_copy_info *out, struct kwh_err *e)
{
    struct kwh_core *to = NULL;
    int64_t first_bad;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_admin(s, "copying the site to another database", e)) < 0)
        return rc;
    if ((rc = store_copy(c->db, target, fn, ctx, e)) < 0)
        return rc;
    /* the copy as a site of its own: its secret (area code and card keys), its audit
       chain, its report summary */
    if ((rc = core_open(&to, target, e)) < 0)
        return kwh_err_prefix(e, "opening the copy");
    if (sodium_memcmp(to->secret, c->secret, KWH_SECRET_LEN) != 0 ||
        sodium_memcmp(&to->keys, &c->keys, sizeof to->keys) != 0) {
        rc = kwh_err_set(e, KWH_EDB,
                         "the copy's site key differs from the original's: do not "
                         "use it");
        goto out;
    }
    if ((rc = audit_verify(to, &out->audit_records, &first_bad, e)) < 0)
        goto out;
    if (first_bad != 0) {
        rc = kwh_err_set(e, KWH_EDB, "the copy's audit chain breaks at record %lld: do not use it",
                         (long long)first_bad);
        goto out;
    }
    if ((rc = store_sales_sum_verify(to->db, &out->sums_ok, e)) < 0)
        goto out;
    if (!out->sums_ok)
        rc = kwh_err_set(e, KWH_EDB,
                         "the copy's report summary disagrees with its sales: do "
                         "not use it");
out:
    core_close(to);
    return rc;
}
