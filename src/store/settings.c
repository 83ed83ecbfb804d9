/* SPDX-License-Identifier: Apache-2.0 */
/* Key/value site settings and the site secret. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/util.h"
#include "store/sql.h"

int store_setting_get(struct store *s, const char *key, char *buf, size_t n, bool *found,
                      struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "SELECT value FROM settings WHERE key = :key", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":key", key);
    rc = sql_row(s, st, e);
    if (rc < 0)
        return rc;
    *found = rc == 1;
    if (rc == 1)
        sql_col_text(st, 0, buf, n);
    else if (n > 0)
        buf[0] = '\0';
    sql_reset(st);
    return 0;
}

int store_setting_set(struct store *s, const char *key, const char *value, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "INSERT INTO settings (key, value) VALUES (:key, :value) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            e);
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":key", key);
    sql_text(st, ":value", value);
    return sql_done(s, st, e);
}

int store_setting_delete(struct store *s, const char *key, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "DELETE FROM settings WHERE key = :key", e);
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":key", key);
    return sql_done(s, st, e);
}

int store_settings_each(struct store *s, const char *prefix,
                        int (*fn)(void *ctx, const char *key, const char *value), void *ctx,
                        struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT key, value FROM settings WHERE "
                            "substr(key, 1, length(:prefix)) = :prefix ORDER BY key",
                            e);
    char key[256], value[1024];
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":prefix", prefix);
    while ((rc = sql_row(s, st, e)) == 1) {
        int stop;
        sql_col_text(st, 0, key, sizeof key);
        sql_col_text(st, 1, value, sizeof value);
        if ((stop = fn(ctx, key, value)) != 0) {
            sql_reset(st);
            return stop;
        }
    }
    return rc;
}

int store_setting_get_i64(struct store *s, const char *key, int64_t def, int64_t *out,
                          struct kwh_err *e)
{
    char buf[32];
    bool found;
    int rc = store_setting_get(s, key, buf, sizeof buf, &found, e);
    if (rc < 0)
        return rc;
    if (!found)
        *out = def;
    else if (sscanf(buf, "%" SCNd64, out) != 1)
        return kwh_err_set(e, KWH_EDB, "setting %s has a damaged value '%s'", key, buf);
    return 0;
}

int store_setting_set_i64(struct store *s, const char *key, int64_t v, struct kwh_err *e)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    return store_setting_set(s, key, buf, e);
}

int store_secret_get(struct store *s, uint8_t out[KWH_SECRET_LEN], struct kwh_err *e)
{
    char hex[2 * KWH_SECRET_LEN + 1];
    bool found;
    int rc = store_setting_get(s, "site_secret", hex, sizeof hex, &found, e);
    if (rc < 0)
        return rc;
    if (!found || strlen(hex) != 2 * KWH_SECRET_LEN)
        return kwh_err_set(e, KWH_EDB,
                           "the site secret is missing from the database: "
                           "restore a backup of this site");
    for (int i = 0; i < KWH_SECRET_LEN; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return kwh_err_set(e, KWH_EDB, "the site secret in the database is damaged");
        out[i] = (uint8_t)v;
    }
    return 0;
}

int store_secret_set(struct store *s, const uint8_t secret[KWH_SECRET_LEN], struct kwh_err *e)
{
    char hex[2 * KWH_SECRET_LEN + 1];
    for (int i = 0; i < KWH_SECRET_LEN; i++)
        snprintf(hex + 2 * i, 3, "%02x", secret[i]);
    return store_setting_set(s, "site_secret", hex, e);
}

int store_cards_issued(struct store *s, bool *out, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "SELECT EXISTS (SELECT 1 FROM card_ops WHERE state = 1)", e);
    if (st == NULL)
        return KWH_EDB;
    return sql_flag(s, st, out, e);
}

int store_settings_version(struct store *s, int64_t *out, struct kwh_err *e)
{
    return store_setting_get_i64(s, "settings_version", 0, out, e);
}

int store_settings_bump(struct store *s, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "INSERT INTO settings (key, value) VALUES ('settings_version', '1') "
                            "ON CONFLICT (key) DO UPDATE SET value = "
                            "CAST(CAST(settings.value AS BIGINT) + 1 AS TEXT)",
                            e);
    if (st == NULL)
        return KWH_EDB;
    return sql_done(s, st, e);
}
