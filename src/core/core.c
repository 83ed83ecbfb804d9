/* SPDX-License-Identifier: Apache-2.0 */
/* The core object: opening a site, its keys, the clock and the progress hook. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/internal.h"
#include "kwhpos/util.h"
#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "store/store.h"

/* Declared in auth.c: the password hash of a new operator. */
int auth_hash(const char *pw, char *out, size_t n, struct kwh_err *e);

int64_t core_now(const struct kwh_core *c)
{
    if (c != NULL && c->has_clock)
        return c->clock.now(c->clock.ctx);
    return (int64_t)time(NULL);
}

void core_set_card_dev(struct kwh_core *c, struct kwh_card_dev *dev)
{
    c->dev = dev;
}

void core_set_clock(struct kwh_core *c, const struct kwh_clock *clock)
{
    c->has_clock = clock != NULL;
    if (clock)
        c->clock = *clock;
}

void core_set_progress(struct kwh_core *c, kwh_progress_fn fn, void *ctx)
{
    c->progress = fn;
    c->progress_ctx = ctx;
}

void core_progress(struct kwh_core *c, const char *phase, int done, int total)
{
    if (c->progress)
        c->progress(c->progress_ctx, phase, done, total);
}

int core_reload_keys(struct kwh_core *c, struct kwh_err *e)
{
    char area[16];
    bool found;
    int rc = store_setting_get(c->db, "area_code", area, sizeof area, &found, e);
    if (rc < 0)
        return rc;
    if (!found)
        return kwh_err_set(e, KWH_EDB, "the area code is missing from the database");
    return card_keys_derive(&c->keys, c->secret, area, e);
}

int core_reload_profile(struct kwh_core *c, struct kwh_err *e)
{
    char id[CARD_PROFILE_ID_MAX + 1];
    bool found;
    int rc = store_setting_get(c->db, "card_profile", id, sizeof id, &found, e);

    if (rc < 0)
        return rc;
    /* a site from before card layouts could be chosen has kwhpos's own */
    c->profile = found ? cardprofile_find(id) : cardprofile_default();
    if (c->profile == NULL)
        return kwh_err_set(e, KWH_EDB,
                           "the site's card layout \"%s\" is not known to this version of "
                           "kwhpos: use the version that created the site, or a newer one",
                           id);
    return 0;
}

static int check_init(const struct kwh_init_req *r, const struct card_profile **profile,
                      struct kwh_err *e)
{
    int rc;

    if ((rc = settings_profile_choosable(r->card_profile, profile, e)) < 0)
        return rc;
    if (!str_is_digits(r->area_code, 6))
        return kwh_err_set(e, KWH_EINVAL, "area code '%s': must be exactly 6 digits 0-9",
                           r->area_code);
    if ((rc = text_check_line(KWH_N("unit name"), r->unit_name, e)) < 0 ||
        (rc = text_check_line(KWH_N("unit phone"), r->unit_phone, e)) < 0)
        return rc;
    return 0;
}

int core_init_site(const char *path, const struct kwh_init_req *req, struct kwh_err *e)
{
    struct store *db = NULL;
    const struct card_profile *profile;
    uint8_t secret[KWH_SECRET_LEN];
    char hash[crypto_pwhash_STRBYTES];
    int64_t now = (int64_t)time(NULL), id;
    int rc;

    if (sodium_init() < 0)
        return kwh_err_set(e, KWH_EIO, "the cryptography library failed to start");
    if ((rc = check_init(req, &profile, e)) < 0)
        return rc;
    if ((rc = auth_hash("1", hash, sizeof hash, e)) < 0)
        return rc;
    if ((rc = store_open(&db, path, true, e)) < 0)
        return rc;
    randombytes_buf(secret, sizeof secret);
    if ((rc = store_begin(db, e)) < 0)
        goto out;
    if ((rc = store_secret_set(db, secret, e)) < 0 ||
        (rc = store_setting_set(db, "area_code", req->area_code, e)) < 0 ||
        (rc = store_setting_set(db, "card_profile", profile->id, e)) < 0 ||
        (rc = store_setting_set(db, "unit_name", req->unit_name, e)) < 0 ||
        (rc = store_setting_set(db, "unit_phone", req->unit_phone, e)) < 0 ||
        (rc = store_setting_set_i64(db, "created", now, e)) < 0 ||
        (rc = store_operator_add(db, "system", KWH_ROLE_ADMIN, hash, true, now, &id, e)) < 0)
        goto rollback;
    if (req->demo_tariffs) {
        int64_t tid;
        /* the manual's two default tariff types */
        if ((rc = store_tariff_add(db, "居民生活用电", 5283, now, id, &tid, e)) < 0 ||
            (rc = store_tariff_add(db, "一般工商业用电", 8500, now, id, &tid, e)) < 0)
            goto rollback;
    }
    if ((rc = store_commit(db, e)) < 0)
        goto out;
    store_close(db);
    db = NULL;
    /* the first audit record, through the normal path */
    {
        struct kwh_core *c;
        char detail[256];
        if ((rc = core_open(&c, path, e)) < 0)
            goto out;
        snprintf(detail, sizeof detail, "area_code=%s card_profile=%s unit_name=%s", req->area_code,
                 profile->id, req->unit_name);
        if ((rc = store_begin(c->db, e)) == 0) {
            rc = audit_append(c, "system", "init", "site", "", detail, e);
            rc = rc < 0 ? (store_rollback(c->db), rc) : store_commit(c->db, e);
        }
        core_close(c);
    }
    goto out;
rollback:
    store_rollback(db);
out:
    sodium_memzero(secret, sizeof secret);
    store_close(db);
    return rc;
}

int core_open(struct kwh_core **out, const char *path, struct kwh_err *e)
{
    struct kwh_core *c;
    int rc;

    *out = NULL;
    if (sodium_init() < 0)
        return kwh_err_set(e, KWH_EIO, "the cryptography library failed to start");
    c = calloc(1, sizeof *c);
    if (c == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    if ((rc = store_open(&c->db, path, false, e)) < 0 ||
        (rc = store_secret_get(c->db, c->secret, e)) < 0 || (rc = core_reload_keys(c, e)) < 0 ||
        (rc = core_reload_profile(c, e)) < 0) {
        core_close(c);
        return rc;
    }
    crypto_generichash(c->audit_key, sizeof c->audit_key, (const uint8_t *)"kwhpos audit", 12,
                       c->secret, sizeof c->secret);
    core_set_station(c, NULL);
    *out = c;
    return 0;
}

void core_set_station(struct kwh_core *c, const char *name)
{
    char host[256];

    if (name != NULL && name[0] != '\0' && utf8_is_clean_line(name)) {
        str_copy(c->station, sizeof c->station, name);
        return;
    }
    /* the host name: a station nobody named is still told apart from the others */
    if (gethostname(host, sizeof host) != 0)
        host[0] = '\0';
    host[sizeof host - 1] = '\0'; /* a name cut to fit need not end in one */
    if (!utf8_is_clean_line(host))
        host[0] = '\0';
    str_copy(c->station, sizeof c->station, host);
}

const char *core_station(const struct kwh_core *c)
{
    return c->station;
}

const char *core_db_path(const struct kwh_core *c)
{
    return store_path(c->db);
}

int64_t core_changes(const struct kwh_core *c)
{
    return c->changes;
}

void core_close(struct kwh_core *c)
{
    if (c == NULL)
        return;
    core_check_stop(c);
    store_close(c->db);
    sodium_memzero(c->secret, sizeof c->secret);
    sodium_memzero(&c->keys, sizeof c->keys);
    sodium_memzero(c->audit_key, sizeof c->audit_key);
    free(c);
}
