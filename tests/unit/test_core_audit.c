/* SPDX-License-Identifier: Apache-2.0 */
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
#include <sqlite3.h>

#include "kwhpos/core.h"
#include "kwhpos/data.h"
#include "kwhpos/query.h"
#include "site.h"

static void exec(struct site *s, const char *sql)
{
    sqlite3 *db;
    char *err = NULL;
    assert_int_equal(sqlite3_open(s->db, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
    sqlite3_close(db);
}

static int64_t count(struct site *s, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int64_t v = -1;
    assert_int_equal(sqlite3_open(s->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void busy_day(struct site *s)
{
    struct kwh_purchase_req p = {KWH_BY_AMOUNT, 2000, 0, KWH_PAY_CASH};
    struct kwh_err e;
    uint32_t no = site_open(s, 12345678, 10000);
    site_meter_loads(s, 10000);
    assert_int_equal(vend_sell(s->core, &s->seller, no, &p, NULL, &e), 0);
    assert_int_equal(account_transfer(s->core, &s->seller, no, "王五", "", "", &e), 0);
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

static void put_len_field(crypto_generichash_state *st, const unsigned char *s, int n)
{
    uint8_t len[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    crypto_generichash_update(st, len, 4);
    crypto_generichash_update(st, s, (size_t)n);
}

/* What an attacker with the database file does: the key from the site secret in the same
 * file, every record's hash computed again, the head in the settings too. */
static void rewrite_chain(struct site *s)
{
    sqlite3 *db;
    sqlite3_stmt *rd, *wr;
    uint8_t secret[32], key[32], prev[32] = {0}, h[32];
    char head[96];
    int64_t id = 0;
    const unsigned char *hexs;

    assert_int_equal(sqlite3_open(s->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT value FROM settings WHERE key = 'site_secret'",
                                        -1, &rd, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(rd), SQLITE_ROW);
    hexs = sqlite3_column_text(rd, 0);
    for (int i = 0; i < 32; i++)
        sscanf((const char *)hexs + 2 * i, "%2hhx", &secret[i]);
    sqlite3_finalize(rd);
    crypto_generichash(key, 32, (const uint8_t *)"kwhpos audit", 12, secret, 32);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT id, ts, operator, op, subject, before, after "
                                        "FROM audit ORDER BY id",
                                        -1, &rd, NULL),
                     SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(db, "UPDATE audit SET hash = ?1 WHERE id = ?2", -1, &wr, NULL),
        SQLITE_OK);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    while (sqlite3_step(rd) == SQLITE_ROW) {
        crypto_generichash_state st;
        uint8_t b[8];
        id = sqlite3_column_int64(rd, 0);
        crypto_generichash_init(&st, key, 32, 32);
        crypto_generichash_update(&st, prev, 32);
        for (int col = 0; col < 2; col++) {
            uint64_t v = (uint64_t)sqlite3_column_int64(rd, col);
            for (int i = 0; i < 8; i++)
                b[i] = (uint8_t)(v >> (56 - 8 * i));
            crypto_generichash_update(&st, b, 8);
        }
        for (int col = 2; col < 7; col++)
            put_len_field(&st, sqlite3_column_text(rd, col), sqlite3_column_bytes(rd, col));
        crypto_generichash_final(&st, h, 32);
        sqlite3_bind_blob(wr, 1, h, 32, SQLITE_TRANSIENT);
        sqlite3_bind_int64(wr, 2, id);
        assert_int_equal(sqlite3_step(wr), SQLITE_DONE);
        sqlite3_reset(wr);
        memcpy(prev, h, 32);
    }
    sqlite3_finalize(rd);
    sqlite3_finalize(wr);
    int n = snprintf(head, sizeof head, "%lld:", (long long)id);
    for (int i = 0; i < 32; i++)
        n += snprintf(head + n, sizeof head - (size_t)n, "%02x", prev[i]);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "UPDATE settings SET value = ?1 WHERE key = 'audit_head'",
                                        -1, &wr, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(wr, 1, head, -1, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(wr), SQLITE_DONE);
    sqlite3_finalize(wr);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
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
