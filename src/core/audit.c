/* SPDX-License-Identifier: Apache-2.0 */
/* The tamper-evident audit log: each record's hash covers the previous record's hash
 * and its own fields, keyed with a key derived from the site secret. The newest
 * (id, hash) is also kept in the settings, so a removed tail shows too. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/util.h"
#include "store/store.h"

static void put_field(crypto_generichash_state *st, const char *s)
{
    uint8_t len[4];
    size_t n = strlen(s);
    len[0] = (uint8_t)(n >> 24);
    len[1] = (uint8_t)(n >> 16);
    len[2] = (uint8_t)(n >> 8);
    len[3] = (uint8_t)n;
    crypto_generichash_update(st, len, sizeof len);
    crypto_generichash_update(st, (const uint8_t *)s, n);
}

static void put_i64(crypto_generichash_state *st, int64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
    crypto_generichash_update(st, b, sizeof b);
}

static void record_hash(const uint8_t key[32], const uint8_t prev[32], const struct store_audit *a,
                        uint8_t out[32])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, key, 32, 32);
    crypto_generichash_update(&st, prev, 32);
    put_i64(&st, a->id);
    put_i64(&st, a->ts);
    put_field(&st, a->operator_name);
    put_field(&st, a->op);
    put_field(&st, a->subject);
    put_field(&st, a->before);
    put_field(&st, a->after);
    crypto_generichash_final(&st, out, 32);
}

static void head_text(int64_t id, const uint8_t hash[32], char *buf, size_t n)
{
    int len = snprintf(buf, n, "%" PRId64 ":", id);
    for (int i = 0; i < 32 && len > 0 && (size_t)len + 2 < n; i++)
        len += snprintf(buf + len, n - (size_t)len, "%02x", hash[i]);
}

int audit_append(struct kwh_core *c, const char *operator_name, const char *op, const char *subject,
                 const char *before, const char *after, struct kwh_err *e)
{
    struct store_audit a;
    uint8_t prev[32];
    char head[96];
    int rc;

    memset(&a, 0, sizeof a);
    if ((rc = store_audit_last_hash(c->db, &a.id, prev, e)) < 0)
        return rc;
    a.id++;
    a.ts = core_now(c);
    str_copy(a.operator_name, sizeof a.operator_name, operator_name);
    str_copy(a.op, sizeof a.op, op);
    str_copy(a.subject, sizeof a.subject, subject);
    str_copy(a.before, sizeof a.before, before);
    str_copy(a.after, sizeof a.after, after);
    record_hash(c->audit_key, prev, &a, a.hash);
    if ((rc = store_audit_insert(c->db, &a, e)) < 0)
        return rc;
    if (strncmp(op, "login", 5) != 0)
        c->changes++;
    head_text(a.id, a.hash, head, sizeof head);
    return store_setting_set(c->db, "audit_head", head, e);
}

struct verify {
    const uint8_t *key;
    uint8_t prev[32];
    int64_t expect_id;
    int64_t checked;
    int64_t first_bad;
    int64_t head_id;  /* the record the head named when it was read */
    char at_head[96]; /* the chain's head text at that record */
};

static int verify_one(void *ctx, const struct store_audit *a)
{
    struct verify *v = ctx;
    uint8_t want[32];

    if (a->id != v->expect_id) {
        v->first_bad = v->expect_id; /* a record is missing here */
        return 1;
    }
    record_hash(v->key, v->prev, a, want);
    if (sodium_memcmp(want, a->hash, 32) != 0) {
        v->first_bad = a->id;
        return 1;
    }
    memcpy(v->prev, a->hash, 32);
    if (a->id == v->head_id)
        head_text(a->id, a->hash, v->at_head, sizeof v->at_head);
    v->expect_id++;
    v->checked++;
    return 0;
}

int audit_verify(struct kwh_core *c, int64_t *checked, int64_t *first_bad, struct kwh_err *e)
{
    struct verify v = {.key = c->audit_key, .expect_id = 1};
    char head[96], want[96];
    bool found;
    int rc;

    memset(v.prev, 0, sizeof v.prev);
    /* the head first: records appended meanwhile by other terminals come after it (the
       log only grows), so the chain is compared with the head at the record it names */
    if ((rc = store_setting_get(c->db, "audit_head", head, sizeof head, &found, e)) < 0)
        return rc;
    v.head_id = found ? strtoll(head, NULL, 10) : 0;
    rc = store_audit_each(c->db, verify_one, &v, e);
    if (rc < 0)
        return rc;
    if (v.first_bad == 0) {
        /* the chain is whole as far as it goes: does it go as far as it should? */
        if (!found) {
            if (v.checked > 0)
                v.first_bad = v.expect_id;
        } else if (v.head_id > v.expect_id - 1) {
            v.first_bad = v.expect_id; /* records the head counts are gone */
        } else {
            if (v.head_id == 0)
                head_text(0, (const uint8_t[32]){0}, want, sizeof want);
            else
                str_copy(want, sizeof want, v.at_head);
            if (strcmp(head, want) != 0)
                v.first_bad = v.head_id + 1;
        }
    }
    *checked = v.checked;
    *first_bad = v.first_bad;
    return 0;
}
