/* SPDX-License-Identifier: Apache-2.0 */
/* kwh-backends: sqlite pg (tests/run.sh runs this suite on SQLite and on PostgreSQL) */
/* The audit log: every operation leaves a record, and a hand-edited, removed or
 * reordered record is found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "kwhpos/core.h"
#include "kwhpos/data.h"
#include "store/store.h"
#include "kwhpos/query.h"
#include "site.h"
#include "ops.h"

static void exec(struct site *s, const char *sql)
{
    site_exec(s, sql);
}

static int64_t count(struct site *s, const char *sql)
{
    return site_q1(s, sql);
}

static void busy_day(struct site *s)
{
    struct kwh_purchase_req p = {KWH_BY_AMOUNT, 2000, 0, KWH_PAY_CASH};
    struct kwh_err e;
    uint32_t no = site_open(s, 12345678, 10000);
    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, NULL, &e), 0);
    assert_int_equal(ops_transfer(s->core, &s->seller, no, "王五", "", "", &e), 0);
    assert_int_equal(settings_set_unit(s->core, &s->admin, "新物业", "", &e), 0);
}

static void audit__records_every_operation_with_who_and_what(void **state)
{
    struct site *s = *state;
    int64_t checked, bad;
    struct kwh_err e;

    busy_day(s);
    assert_int_equal(audit_verify(s->core, &checked, &bad, &e), 0);
    assert_int_equal(bad, 0);
    assert_true(checked >= 8);
    assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE op = 'sale' AND operator = 'clerk' "
                              "AND after LIKE '%amount=2000%'"),
                     1);
    assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE op = 'transfer' "
                              "AND before LIKE '%name=张三%' AND after LIKE '%name=王五%'"),
                     1);
    assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE op = 'unit' AND operator = "
                              "'system'"),
                     1);
    assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE op = 'card-settle'"), 2);
}

static void audit__finds_a_hand_edited_record(void **state)
{
    struct site *s = *state;
    int64_t checked, bad, target;
    struct kwh_err e;

    busy_day(s);
    target = count(s, "SELECT id FROM audit WHERE op = 'sale'");
    exec(s, "UPDATE audit SET after = replace(after, 'amount=2000', 'amount=200') "
            "WHERE op = 'sale'");
    assert_int_equal(audit_verify(s->core, &checked, &bad, &e), 0);
    assert_int_equal(bad, target);
    assert_int_equal(checked, target - 1);
}

static void audit__finds_a_removed_record_and_a_removed_tail(void **state)
{
    struct site *s = *state;
    int64_t checked, bad, last;
    struct kwh_err e;

    busy_day(s);
    last = count(s, "SELECT max(id) FROM audit");
    exec(s, "DELETE FROM audit WHERE id = 3");
    assert_int_equal(audit_verify(s->core, &checked, &bad, &e), 0);
    assert_int_equal(bad, 3);
    exec(s, "DELETE FROM audit WHERE id >= 3");
    assert_int_equal(audit_verify(s->core, &checked, &bad, &e), 0);
    assert_int_equal(bad, 3); /* the head kept in the settings says more should follow */
    (void)last;
}

static void audit__survives_an_area_code_change(void **state)
{
    struct site *s = *state;
    int64_t checked, bad;
    struct kwh_err e;

    busy_day(s);
    assert_int_equal(settings_set_area_code(s->core, &s->admin, "123123", true, &e), 0);
    assert_int_equal(audit_verify(s->core, &checked, &bad, &e), 0);
    assert_int_equal(bad, 0);
    assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE op = 'area-code' "
                              "AND after LIKE '%forced=1%'"),
                     1);
}

/* --- the chain rewritten by whoever can write the database, and its anchors ---------- */

static void put_len_field(crypto_generichash_state *st, const char *s)
{
    size_t n = strlen(s);
    uint8_t len[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    crypto_generichash_update(st, len, 4);
    crypto_generichash_update(st, (const uint8_t *)s, n);
}

static void put_be64(crypto_generichash_state *st, int64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
    crypto_generichash_update(st, b, 8);
}

struct rewrite {
    struct site *s;
    uint8_t key[32], prev[32];
    int64_t last;
};

/* A hash as an SQL literal of the backend's dialect. */
static void hash_literal(const uint8_t h[32], char *buf, size_t n)
{
    int w = snprintf(buf, n, site_is_pg() ? "'\\x" : "X'");
    for (int i = 0; i < 32; i++)
        w += snprintf(buf + w, n - (size_t)w, "%02x", h[i]);
    snprintf(buf + w, n - (size_t)w, site_is_pg() ? "'::bytea" : "'");
}

static int rewrite_one(void *ctx, const struct store_audit *a)
{
    struct rewrite *r = ctx;
    crypto_generichash_state st;
    char sql[200], lit[100];

    crypto_generichash_init(&st, r->key, 32, 32);
    crypto_generichash_update(&st, r->prev, 32);
    put_be64(&st, a->id);
    put_be64(&st, a->ts);
    put_len_field(&st, a->operator_name);
    put_len_field(&st, a->op);
    put_len_field(&st, a->subject);
    put_len_field(&st, a->before);
    put_len_field(&st, a->after);
    crypto_generichash_final(&st, r->prev, 32);
    r->last = a->id;
    hash_literal(r->prev, lit, sizeof lit);
    snprintf(sql, sizeof sql, "UPDATE audit SET hash = %s WHERE id = %lld", lit, (long long)a->id);
    exec(r->s, sql);
    return 0;
}

/* What an attacker with the database does: the key from the site secret in the same
 * database, every record's hash computed again, the head in the settings too. */
static void rewrite_chain(struct site *s)
{
    struct rewrite r = {.s = s};
    struct store *db = site_store(s);
    uint8_t secret[KWH_SECRET_LEN];
    char head[96], sql[200];
    struct kwh_err e;
    int n;

    assert_int_equal(store_secret_get(db, secret, &e), 0);
    crypto_generichash(r.key, 32, (const uint8_t *)"kwhpos audit", 12, secret, sizeof secret);
    assert_int_equal(store_audit_each(db, rewrite_one, &r, &e), 0);
    store_close(db);
    n = snprintf(head, sizeof head, "%lld:", (long long)r.last);
    for (int i = 0; i < 32; i++)
        n += snprintf(head + n, sizeof head - (size_t)n, "%02x", r.prev[i]);
    snprintf(sql, sizeof sql, "UPDATE settings SET value = '%s' WHERE key = 'audit_head'", head);
    exec(s, sql);
}

static void anchors__show_a_chain_rewritten_with_the_site_secret(void **state)
{
    struct site *s = *state;
    struct kwh_check ck;
    struct kwh_anchor_check ac;
    char anchors[512];
    int64_t checked, bad;
    struct kwh_err e;

    snprintf(anchors, sizeof anchors, "%s/anchors.log", s->dir);
    core_set_anchor_file(s->core, anchors);
    busy_day(s);
    assert_int_equal(check_all(s->core, &ck, &e), 0);
    if (!ck.anchor.written)
        fail_msg("%s: %s", ck.anchor.where, ck.anchor.error);
    assert_string_equal(ck.anchor.where, anchors);
    assert_int_equal(ck.anchor.records, count(s, "SELECT max(id) FROM audit"));
    assert_int_equal(strlen(ck.anchor.head), 64);
    assert_int_equal(audit_verify_anchors(s->core, anchors, &ac, &e), 0);
    assert_false(ac.contradicted);
    assert_int_equal(ac.anchors, 1);
    assert_int_equal(ac.newest, ck.anchor.records);

    /* a sale of 20.00 yuan made 0.01, and the chain made whole again */
    exec(s, "UPDATE audit SET after = replace(after, 'amount=2000', 'amount=1') "
            "WHERE op = 'sale'");
    rewrite_chain(s);
    assert_int_equal(audit_verify(s->core, &checked, &bad, &e), 0);
    assert_int_equal(bad, 0); /* the chain alone cannot tell */
    assert_int_equal(audit_verify_anchors(s->core, anchors, &ac, &e), 0);
    assert_true(ac.contradicted);
    assert_false(ac.bad_removed);
    assert_int_equal(ac.bad_records, ck.anchor.records);
    assert_string_equal(ac.bad_event, "check");
    assert_true(strlen(ac.bad_when) >= 19); /* the line's time, 2026-…T…:…:… */
}

static void anchors__show_removed_records_and_skip_other_sites(void **state)
{
    struct site *s = *state;
    struct kwh_backup_opts o = {.dir = NULL, .keep = 0};
    struct kwh_backup_info bi;
    struct kwh_anchor_check ac;
    char anchors[512], other[256];
    FILE *f;
    struct kwh_err e;

    snprintf(anchors, sizeof anchors, "%s/anchors.log", s->dir);
    /* lines from syslog or journalctl, and another site's, in the same file */
    f = fopen(anchors, "w");
    assert_non_null(f);
    fprintf(f, "Dec 04 10:00:00 pos kwhpos[12]: kwhpos audit anchor: site=0123456789abcdef "
               "records=999 head=00 event=check\n");
    fprintf(f, "unrelated line\nkwhpos audit anchor: site=\n");
    fclose(f);
    core_set_anchor_file(s->core, anchors);
    busy_day(s);
    assert_int_equal(backup_run(s->core, &o, &bi, &e), 0);
    assert_true(bi.anchor.written);
    assert_string_equal(bi.anchor.event, "backup");
    audit_anchor_line(&bi.anchor, other, sizeof other);
    assert_non_null(strstr(other, "event=backup"));
    assert_int_equal(audit_verify_anchors(s->core, anchors, &ac, &e), 0);
    assert_false(ac.contradicted);
    assert_int_equal(ac.anchors, 1);
    assert_int_equal(ac.other_sites, 1);
    assert_int_equal(ac.unreadable, 1);
    /* the newest records removed (and the head in the settings put back to match) */
    exec(s, "DELETE FROM audit WHERE id >= (SELECT max(id) - 1 FROM audit)");
    rewrite_chain(s);
    assert_int_equal(audit_verify_anchors(s->core, anchors, &ac, &e), 0);
    assert_true(ac.contradicted);
    assert_true(ac.bad_removed);
    assert_int_equal(ac.bad_records, bi.anchor.records);
    /* an anchor file that cannot be written: said, not fatal */
    core_set_anchor_file(s->core, "/proc/kwhpos-anchors");
    assert_int_equal(backup_run(s->core, &o, &bi, &e), 0);
    assert_false(bi.anchor.written);
    assert_true(bi.anchor.error[0] != '\0');
    assert_int_equal(audit_verify_anchors(s->core, "/nonexistent/anchors", &ac, &e), KWH_ENOTFOUND);
}

static void anchors__on_the_shift_report_at_the_close_and_again(void **state)
{
    struct site *s = *state;
    struct kwh_shift_report r, again;
    char anchors[512];
    struct kwh_err e;

    snprintf(anchors, sizeof anchors, "%s/anchors.log", s->dir);
    core_set_anchor_file(s->core, anchors);
    busy_day(s);
    assert_int_equal(shift_close(s->core, &s->seller, 2000, &r, &e), 0);
    assert_string_equal(r.anchor.event, "shift-close");
    assert_true(r.anchor.written);
    assert_int_equal(r.anchor.records,
                     count(s, "SELECT max(id) FROM audit WHERE op = 'shift-close'"));
    assert_int_equal(shift_get(s->core, &s->seller, r.shift_id, &again, &e), 0);
    assert_int_equal(again.anchor.records, r.anchor.records);
    assert_string_equal(again.anchor.head, r.anchor.head);
    shift_report_fini(&r);
    shift_report_fini(&again);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, site_setup, site_teardown)
        T(audit__records_every_operation_with_who_and_what),
        T(audit__finds_a_hand_edited_record),
        T(audit__finds_a_removed_record_and_a_removed_tail),
        T(audit__survives_an_area_code_change),
        T(anchors__show_a_chain_rewritten_with_the_site_secret),
        T(anchors__show_removed_records_and_skip_other_sites),
        T(anchors__on_the_shift_report_at_the_close_and_again),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
