/* SPDX-License-Identifier: Apache-2.0 */
/* Data management: backup with rotation and automatic backups, every restore refusal and
 * a restore that brings an earlier state back, checks, CSV, the import of accounts and
 * the first card of an imported account. The files a restore must refuse are made with
 * SQLite directly, as a hand-edited or foreign file would be. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "fakecard.h"
#include "kwhpos/core.h"
#include "kwhpos/csv.h"
#include "kwhpos/data.h"
#include "kwhpos/query.h"
#include "store/store.h"
#include "kwhpos/util.h"
#include "check.h"
#include "site.h"
#include "ops.h"

static struct kwh_purchase_req by_kwh(int64_t ckwh)
{
    return (struct kwh_purchase_req){KWH_BY_KWH, ckwh, 0, KWH_PAY_CASH, ""};
}

static int64_t count_sales(struct kwh_core *c, const struct kwh_session *s)
{
    struct kwh_sale_filter f;
    struct kwh_sale_page pg;
    struct kwh_err e;
    int64_t n;
    memset(&f, 0, sizeof f);
    f.by_date = true;
    f.period = (struct kwh_period){0, 4000000000};
    if (query_sales(c, s, &f, &pg, &e) < 0)
        fail_msg("query: %s", e.msg);
    n = pg.totals.count;
    query_sale_page_fini(&pg);
    return n;
}

static int64_t count_accounts(struct site *s)
{
    struct kwh_customer_filter f;
    struct kwh_customer_page pg;
    struct kwh_err e;
    int64_t n;
    memset(&f, 0, sizeof f);
    if (query_customers(s->core, &s->seller, &f, &pg, &e) < 0)
        fail_msg("query: %s", e.msg);
    n = pg.total;
    query_customer_page_fini(&pg);
    return n;
}

static void sql(const char *path, const char *script)
{
    sqlite3 *db;
    char *err = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK || sqlite3_exec(db, script, NULL, NULL, &err) != 0)
        fail_msg("%s: %s", path, err ? err : sqlite3_errmsg(db));
    sqlite3_close(db);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void copy(const char *from, const char *to)
{
    char *data;
    size_t len;
    struct kwh_err e;
    if (file_read_all(from, 1u << 28, &data, &len, &e) < 0)
        fail_msg("%s", e.msg);
    write_file(to, data, len);
    free(data);
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* --- backup --------------------------------------------------------------------------- */

static void backup__names_checks_and_rotates(void **state)
{
    struct site *s = *state;
    struct kwh_backup_opts o = {.dir = NULL, .keep = 2};
    struct kwh_backup_info info;
    struct kwh_err e;
    char dir[512], name[1100];
    int64_t last;
    bool done;

    site_open(s, 11111111, 10000);
    backup_dir_for(s->db, &o, dir, sizeof dir);
    assert_non_null(strstr(dir, "/backups"));
    assert_int_equal(backup_last(s->db, &o, &last, &e), 0);
    assert_int_equal(last, 0);
    s->now = 1795500000;
    assert_int_equal(backup_run(s->core, &o, &info, &e), 0);
    assert_true(info.bytes > 0);
    assert_int_equal(info.removed, 0);
    assert_non_null(strstr(info.path, "/backups/kwhpos-2026"));
    assert_true(exists(info.path));
    /* the copy is a database of its own, with no WAL beside it */
    snprintf(name, sizeof name, "%s-wal", info.path);
    assert_false(exists(name));
    struct kwh_core *copy_core;
    assert_int_equal(core_open(&copy_core, info.path, &e), 0);
    assert_int_equal(count_sales(copy_core, &s->seller), 1);
    core_close(copy_core);
    unlink(name);
    snprintf(name, sizeof name, "%s-shm", info.path);
    unlink(name);

    /* a copy left by a power cut in the middle of a backup goes once it is a day old;
       one being written (fresh) stays, and so does what is not a backup's */
    char stale[1200], fresh[1200], other[1200];
    struct timespec old_times[2] = {{time(NULL) - 25 * 3600, 0}, {time(NULL) - 25 * 3600, 0}};
    snprintf(stale, sizeof stale, "%s/kwhpos-20261101-120000.db.Ab12Cd.part", dir);
    snprintf(fresh, sizeof fresh, "%s/kwhpos-20261124-120000.db.Ef34Gh.part", dir);
    snprintf(other, sizeof other, "%s/notes.db.Ij56Kl.part", dir);
    assert_int_equal(file_write_atomic(stale, "x", 1, 0600, &e), 0);
    assert_int_equal(file_write_atomic(fresh, "x", 1, 0600, &e), 0);
    assert_int_equal(file_write_atomic(other, "x", 1, 0600, &e), 0);
    assert_int_equal(utimensat(AT_FDCWD, stale, old_times, 0), 0);
    assert_int_equal(utimensat(AT_FDCWD, other, old_times, 0), 0);

    /* a second in the same second gets a suffix; keep 2 removes the oldest */
    char first[1024];
    str_copy(first, sizeof first, info.path);
    assert_int_equal(backup_run(s->core, &o, &info, &e), 0);
    assert_non_null(strstr(info.path, "-2.db"));
    s->now += 3600;
    assert_int_equal(backup_run(s->core, &o, &info, &e), 0);
    assert_int_equal(info.removed, 1);
    assert_false(exists(first));
    assert_false(exists(stale));
    assert_true(exists(fresh));
    assert_true(exists(other));
    unlink(fresh);
    unlink(other);
    assert_int_equal(backup_last(s->db, &o, &last, &e), 0);
    assert_int_equal(last, s->now);
    assert_string_equal(core_db_path(s->core), s->db);

    /* the list the restore screen offers: the kept backups, newest first */
    char **names;
    size_t n;
    assert_int_equal(backup_list(s->db, &o, &names, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_non_null(strstr(info.path, names[0]));
    assert_non_null(strstr(names[1], "-2.db"));
    backup_list_free(names, n);
    struct kwh_backup_opts none = {.dir = "/nonexistent/kwhpos-backups", .keep = 0};
    assert_int_equal(backup_list(s->db, &none, &names, &n, &e), 0);
    assert_int_equal(n, 0);
    backup_list_free(names, n);

    /* automatic: only when the newest is older than the interval */
    s->now += 3600;
    assert_int_equal(backup_if_due(s->core, &o, 24, &done, &info, &e), 0);
    assert_false(done);
    assert_int_equal(backup_if_due(s->core, &o, 0, &done, &info, &e), 0);
    assert_false(done);
    s->now += 24 * 3600;
    assert_int_equal(backup_if_due(s->core, &o, 24, &done, &info, &e), 0);
    assert_true(done);

    struct kwh_backup_opts bad = {.dir = "/proc/kwhpos-cannot", .keep = 1};
    REFUSED(KWH_EIO, "backup folder", backup_run(s->core, &bad, &info, &e_));
    bad.dir = NULL;
    bad.keep = -1;
    REFUSED(KWH_EINVAL, "keep", backup_run(s->core, &bad, &info, &e_));
}

/* What is in the backup folder: backups (*.db), parts (*.part), other files. */
static void count_backup_dir(struct site *s, int *dbs, int *parts)
{
    struct kwh_backup_opts o = {.dir = NULL};
    char dir[512];
    DIR *d;
    struct dirent *de;

    *dbs = *parts = 0;
    backup_dir_for(s->db, &o, dir, sizeof dir);
    if ((d = opendir(dir)) == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n > 3 && strcmp(de->d_name + n - 3, ".db") == 0)
            (*dbs)++;
        else if (n > 5 && strcmp(de->d_name + n - 5, ".part") == 0)
            (*parts)++;
    }
    closedir(d);
}

static void backup__two_programs_in_the_same_second_write_two_whole_backups(void **state)
{
    struct site *s = *state;
    struct kwh_backup_opts o = {.dir = NULL, .keep = 0};
    struct kwh_backup_info info;
    struct kwh_err e;
    char **names;
    size_t n;
    pid_t kids[4];
    int dbs, parts, status;

    site_open(s, 11111111, 10000);
    s->now = 1795500000;
    /* four terminals leave at one second: each its own copy, its own name */
    for (int i = 0; i < 4; i++) {
        kids[i] = fork();
        assert_true(kids[i] >= 0);
        if (kids[i] == 0) {
            struct kwh_core *c = site_open_again(s);
            int rc = backup_run(c, &o, &info, &e);
            if (rc < 0)
                fprintf(stderr, "backup %d: %s\n", i, e.msg);
            core_close(c);
            _exit(rc < 0 ? 1 : 0);
        }
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    count_backup_dir(s, &dbs, &parts);
    assert_int_equal(dbs, 4);
    assert_int_equal(parts, 0);
    assert_int_equal(backup_list(s->db, &o, &names, &n, &e), 0);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++) {
        char path[1200], dir[512];
        struct kwh_core *c;
        backup_dir_for(s->db, &o, dir, sizeof dir);
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        assert_non_null(strstr(names[i], "kwhpos-"));
        assert_int_equal(core_open(&c, path, &e), 0);
        assert_int_equal(count_sales(c, &s->seller), 1);
        core_close(c);
    }
    backup_list_free(names, n);
}

static void backup__a_stop_flag_ends_it_and_leaves_nothing(void **state)
{
    struct site *s = *state;
    volatile sig_atomic_t stop = 1;
    struct kwh_backup_opts o = {.dir = NULL, .keep = 0, .stop = &stop};
    struct kwh_backup_info info;
    int dbs, parts;

    site_open(s, 11111111, 10000);
    REFUSED(KWH_EIO, "stopped", backup_run(s->core, &o, &info, &e_));
    count_backup_dir(s, &dbs, &parts);
    assert_int_equal(dbs, 0);
    assert_int_equal(parts, 0);
    /* not set: the same options back up */
    stop = 0;
    struct kwh_err e;
    assert_int_equal(backup_run(s->core, &o, &info, &e), 0);
    count_backup_dir(s, &dbs, &parts);
    assert_int_equal(dbs, 1);
    assert_int_equal(parts, 0);
}

static void core_changes__counts_changes_not_logins(void **state)
{
    struct site *s = *state;
    struct kwh_core *c = site_open_again(s);
    struct kwh_session who;
    struct kwh_err e;

    assert_int_equal(core_changes(c), 0);
    assert_int_equal(auth_login(c, "clerk", SITE_SELLER_PW, &who, &e), 0);
    assert_int_equal(auth_login(c, "clerk", "wrong password", &who, &e), KWH_EAUTH);
    assert_int_equal(core_changes(c), 0);
    assert_int_equal(auth_login(c, "system", SITE_ADMIN_PW, &who, &e), 0);
    int64_t id;
    assert_int_equal(tariff_add(c, &who, "路灯", 6000, &id, &e), 0);
    assert_int_equal(core_changes(c), 1);
    core_close(c);
}

/* --- a damaged database: no card written --------------------------------------------- */

static void damage__a_failed_check_stops_card_writes_on_every_terminal(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(1000);
    struct kwh_core *other;
    struct kwh_check ck;
    struct kwh_receipt r;
    struct kwh_err e;
    uint8_t before[KWH_CARD_SIZE];
    char mark[700], why[512];
    uint32_t no = site_open(s, 11111111, 10000);

    site_meter_loads(s, 10000);
    /* what `kwhpos check` leaves when it finds the file damaged */
    snprintf(mark, sizeof mark, "%s-damaged", s->db);
    write_file(mark, "2026-12-04 10:00, kwhpos check: row 3 missing from index\n", 56);
    other = site_open_again(s);
    assert_true(core_damaged(other, why, sizeof why));
    assert_non_null(strstr(why, "row 3 missing"));
    memcpy(before, s->card->img, sizeof before);
    REFUSED(KWH_EDB, "restore", ops_sell(s->core, &s->seller, no, &p, &r, &e_));
    REFUSED(KWH_EDB, "row 3 missing", ops_sell(other, &s->seller, no, &p, &r, &e_));
    assert_memory_equal(s->card->img, before, sizeof before);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM card_ops WHERE kind = 1 AND state = 0"), 0);
    /* a whole check that passes lifts it */
    assert_int_equal(check_all(other, &ck, &e), 0);
    assert_true(ck.integrity_ok);
    assert_false(exists(mark));
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    core_close(other);
}

static void damage__the_check_at_start_finds_a_damaged_index(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(1000);
    struct kwh_core *c;
    struct kwh_receipt r;
    struct kwh_err e;
    char copy_path[400], mark[420];
    uint32_t no = site_open(s, 11111111, 10000);

    site_meter_loads(s, 10000);
    snprintf(copy_path, sizeof copy_path, "%s/damaged.db", s->dir);
    sql(s->db, "PRAGMA wal_checkpoint(TRUNCATE)");
    copy(s->db, copy_path);
    chmod(copy_path, 0600);
    /* the sales' time index no longer matches its rows (a sale never reads it): only a
       whole check sees that */
    sql(copy_path, "PRAGMA writable_schema=ON; UPDATE sqlite_master SET sql = replace(sql, "
                   "'sales(created)', 'sales(kind)') WHERE name = 'sales_created'");
    assert_int_equal(core_open(&c, copy_path, &e), 0);
    core_set_card_dev(c, fakecard_dev(s->card));
    core_check_start(c);
    REFUSED(KWH_EDB, "no card is written", ops_sell(c, &s->seller, no, &p, &r, &e_));
    snprintf(mark, sizeof mark, "%s-damaged", copy_path);
    assert_true(exists(mark));
    core_close(c);
}

/* --- restore --------------------------------------------------------------------------- */

static void restore__brings_the_backup_back_and_keeps_the_current_database(void **state)
{
    struct site *s = *state;
    struct kwh_backup_opts o = {.dir = NULL, .keep = 0};
    struct kwh_backup_info info;
    struct kwh_restore_info ri;
    struct kwh_receipt r;
    struct kwh_purchase_req p = by_kwh(500);
    struct kwh_err e;
    int64_t checked, bad;

    uint32_t no = site_open(s, 22222222, 10000);
    assert_int_equal(backup_run(s->core, &o, &info, &e), 0);
    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(count_sales(s->core, &s->seller), 2);

    s->now += 60;
    REFUSED(KWH_EPERM, "administrator",
            backup_restore(&s->core, &s->seller, info.path, &o, &ri, &e_));
    assert_int_equal(backup_restore(&s->core, &s->admin, info.path, &o, &ri, &e), 0);
    assert_non_null(s->core);
    core_set_card_dev(s->core, fakecard_dev(s->card));
    assert_int_equal(count_sales(s->core, &s->seller), 1);
    assert_int_equal(ri.accounts, 1);
    assert_int_equal(ri.from_version, STORE_SCHEMA_VERSION);
    assert_non_null(strstr(ri.pre_restore, "-prerestore.db"));
    /* the database as it was before is kept, whole */
    struct kwh_core *kept;
    assert_int_equal(core_open(&kept, ri.pre_restore, &e), 0);
    assert_int_equal(count_sales(kept, &s->seller), 2);
    core_close(kept);
    /* the restore is in the restored database's audit chain */
    assert_int_equal(audit_verify(s->core, &checked, &bad, &e), 0);
    assert_int_equal(bad, 0);
    /* and it sells on (the card in the reader is newer than the backup: refused) */
    struct kwh_card_view v;
    REFUSED(KWH_ECARD, "last record", cardview_read(s->core, &s->seller, &v, &e_));
}

static void restore__refuses_what_is_not_this_sites_database(void **state)
{
    struct site *s = *state;
    struct kwh_backup_opts o = {.dir = NULL, .keep = 0};
    struct kwh_backup_info info;
    struct kwh_restore_info ri;
    struct kwh_err e;
    char path[512], other[512];
    static const char text[] = "name,meter\n张三,12345678\n";

    site_open(s, 33333333, 10000);
    assert_int_equal(backup_run(s->core, &o, &info, &e), 0);

    snprintf(path, sizeof path, "%s/text.db", s->dir);
    write_file(path, text, sizeof text - 1);
    REFUSED(KWH_EINVAL, "not a kwhpos database",
            backup_restore(&s->core, &s->admin, path, &o, &ri, &e_));
    snprintf(path, sizeof path, "%s/empty.db", s->dir);
    write_file(path, "", 0);
    REFUSED(KWH_EINVAL, "empty", backup_restore(&s->core, &s->admin, path, &o, &ri, &e_));
    REFUSED(KWH_ENOTFOUND, "cannot read",
            backup_restore(&s->core, &s->admin, "/nonexistent.db", &o, &ri, &e_));

    snprintf(path, sizeof path, "%s/other-app.db", s->dir);
    sql(path, "CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('x');");
    REFUSED(KWH_EINVAL, "not a kwhpos database",
            backup_restore(&s->core, &s->admin, path, &o, &ri, &e_));

    snprintf(path, sizeof path, "%s/newer.db", s->dir);
    copy(info.path, path);
    sql(path, "PRAGMA user_version = 99;");
    REFUSED(KWH_EINVAL, "newer", backup_restore(&s->core, &s->admin, path, &o, &ri, &e_));

    snprintf(path, sizeof path, "%s/damaged.db", s->dir);
    copy(info.path, path);
    {
        char *data;
        size_t len;
        assert_int_equal(file_read_all(path, 1u << 28, &data, &len, &e), 0);
        assert_true(len > 4 * 4096);
        memset(data + 3 * 4096 + 8, 0xA5, 2000); /* cells of a table page */
        write_file(path, data, len);
        free(data);
    }
    REFUSED(KWH_EINVAL, "damaged", backup_restore(&s->core, &s->admin, path, &o, &ri, &e_));

    /* another site: same schema, another secret */
    struct kwh_init_req req = {.area_code = "271828", .unit_name = "别处"};
    snprintf(other, sizeof other, "%s/other-site.db", s->dir);
    assert_int_equal(core_init_site(other, &req, &e), 0);
    REFUSED(KWH_ECONFLICT, "another site",
            backup_restore(&s->core, &s->admin, other, &o, &ri, &e_));

    /* another terminal has the database open */
    struct kwh_core *terminal = site_open_again(s);
    REFUSED(KWH_ECONFLICT, "another terminal",
            backup_restore(&s->core, &s->admin, info.path, &o, &ri, &e_));
    assert_non_null(s->core); /* reopened on the old database */
    core_close(terminal);

    /* nothing changed through all of it, and no copy of ours was left behind */
    assert_int_equal(count_sales(s->core, &s->seller), 1);
    snprintf(path, sizeof path, "%s/.kwhpos-restore-XXXXXX", s->dir);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls -a %s | grep -q kwhpos-restore", s->dir);
    assert_int_not_equal(system(cmd), 0);
}

static void restore__replaces_a_damaged_database_that_still_opens(void **state)
{
    struct site *s = *state;
    struct kwh_backup_opts o = {.dir = NULL, .keep = 0};
    struct kwh_backup_info info;
    struct kwh_restore_info ri;
    struct kwh_check ck;
    struct kwh_err e;
    sqlite3 *db;
    sqlite3_stmt *st;
    int page;

    site_open(s, 66666666, 10000);
    assert_int_equal(backup_run(s->core, &o, &info, &e), 0);
    /* damage the audit table's pages: the site still opens and logs in */
    core_close(s->core);
    assert_int_equal(sqlite3_open(s->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL), 0);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT rootpage FROM sqlite_master WHERE name = "
                                        "'audit'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    page = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    {
        FILE *f = fopen(s->db, "r+b");
        char junk[600];
        assert_non_null(f);
        memset(junk, 0x5A, sizeof junk);
        fseek(f, (long)(page - 1) * 4096 + 12, SEEK_SET);
        fwrite(junk, 1, sizeof junk, f);
        fclose(f);
    }
    s->core = site_open_again(s);
    assert_int_equal(check_all(s->core, &ck, &e), 0);
    assert_false(ck.integrity_ok);
    assert_true(strlen(ck.integrity) > 0);

    assert_int_equal(backup_restore(&s->core, &s->admin, info.path, &o, &ri, &e), 0);
    assert_true(exists(ri.pre_restore)); /* the damaged one, kept as it was */
    assert_int_equal(check_all(s->core, &ck, &e), 0);
    assert_true(ck.integrity_ok);
    assert_true(ck.audit_ok);
    assert_int_equal(count_sales(s->core, &s->seller), 1);
}

static void restore_new__only_onto_a_missing_database(void **state)
{
    struct site *s = *state;
    struct kwh_backup_opts o = {.dir = NULL, .keep = 0};
    struct kwh_backup_info info;
    struct kwh_restore_info ri;
    struct kwh_err e;
    char target[512];

    site_open(s, 44444444, 10000);
    assert_int_equal(backup_run(s->core, &o, &info, &e), 0);
    REFUSED(KWH_ECONFLICT, "exists", backup_restore_new(s->db, info.path, &ri, &e_));
    snprintf(target, sizeof target, "%s/fresh/site.db", s->dir);
    REFUSED(KWH_EIO, "cannot write", backup_restore_new(target, info.path, &ri, &e_));
    snprintf(target, sizeof target, "%s/moved.db", s->dir);
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", target);
    write_file(wal, "x", 1);
    REFUSED(KWH_ECONFLICT, "left from an earlier", backup_restore_new(target, info.path, &ri, &e_));
    unlink(wal);
    assert_int_equal(backup_restore_new(target, info.path, &ri, &e), 0);
    struct kwh_core *c;
    assert_int_equal(core_open(&c, target, &e), 0);
    assert_int_equal(count_sales(c, &s->seller), 1);
    core_close(c);
}

/* --- check ------------------------------------------------------------------------------ */

static void check__finds_pending_writes_and_a_summary_that_disagrees(void **state)
{
    struct site *s = *state;
    struct kwh_check ck;
    struct kwh_receipt r;
    struct kwh_purchase_req p = by_kwh(300);
    struct kwh_err e;

    uint32_t no = site_open(s, 55555555, 10000);
    assert_int_equal(check_all(s->core, &ck, &e), 0);
    assert_true(ck.integrity_ok);
    assert_string_equal(ck.integrity, "ok");
    assert_true(ck.audit_ok);
    assert_true(ck.audit_records > 0);
    assert_true(ck.sums_ok);
    assert_int_equal(ck.pending, 0);

    /* the card pulled during the write: not known until the card is read again */
    site_meter_loads(s, 10000);
    s->card->fail_after = 1;
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), KWH_EPENDING);
    fakecard_reinsert(s->card);
    assert_int_equal(check_all(s->core, &ck, &e), 0);
    assert_int_equal(ck.pending, 1);

    sql(s->db, "UPDATE sales_sum SET amount_fen = amount_fen + 1");
    assert_int_equal(check_all(s->core, &ck, &e), 0);
    assert_false(ck.sums_ok);
}

/* --- CSV --------------------------------------------------------------------------------- */

static char *write_csv(int enc, const char *const *fields, size_t n, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    struct kwh_csv *w;
    struct kwh_err e;
    assert_int_equal(csv_open(&w, f, enc, &e), 0);
    for (size_t i = 0; i < n; i++) {
        if (fields[i] == NULL)
            csv_end_row(w);
        else
            csv_field(w, fields[i]);
    }
    assert_int_equal(csv_close(w, &e), 0);
    fclose(f);
    return buf;
}

static void csv__quotes_commas_quotes_newlines_and_spaces(void **state)
{
    static const char *const fields[] = {"plain", "a,b",  "say \"hi\"", "two\nlines", " lead",
                                         "",      "张三", NULL,         "x",          NULL};
    size_t len;
    (void)state;
    char *out = write_csv(KWH_CSV_UTF8, fields, KWH_ARRAY_LEN(fields), &len);
    assert_string_equal(out, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" lead\",,张三\r\n"
                             "x\r\n");
    /* and back: the splitter undoes it, counting the newline inside quotes */
    char *p = out, *f[10];
    size_t n;
    int64_t line = 1;
    struct kwh_err e;
    assert_int_equal(csv_split(&p, out + len, f, 10, &n, &line, &e), 0);
    assert_int_equal(n, 7);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(f[i], fields[i]);
    assert_int_equal(line, 3);
    assert_int_equal(csv_split(&p, out + len, f, 10, &n, &line, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(f[0], "x");
    assert_true(p == out + len);
    free(out);
}

static void csv__gb18030_bytes_for_spreadsheets(void **state)
{
    static const char *const fields[] = {"张三", "李", NULL};
    static const unsigned char want[] = {0xD5, 0xC5, 0xC8, 0xFD, ',', 0xC0, 0xEE, '\r', '\n'};
    size_t len;
    char *back, *out;
    size_t blen;
    struct kwh_err e;
    (void)state;
    out = write_csv(KWH_CSV_GB18030, fields, KWH_ARRAY_LEN(fields), &len);
    assert_int_equal(len, sizeof want);
    assert_memory_equal(out, want, sizeof want);
    assert_int_equal(csv_from_gb18030(out, len, &back, &blen, &e), 0);
    assert_string_equal(back, "张三,李\r\n");
    free(back);
    free(out);
    static const char bad[] = {(char)0x81, (char)0x20};
    REFUSED(KWH_EINVAL, "not valid GB18030", csv_from_gb18030(bad, 2, &back, &blen, &e_));
    assert_int_equal(csv_encoding_parse("gb18030"), KWH_CSV_GB18030);
    assert_int_equal(csv_encoding_parse("utf-8"), KWH_CSV_UTF8);
    assert_int_equal(csv_encoding_parse("latin1"), -1);
}

static void csv__formulas_go_out_as_text_and_come_back_as_they_were(void **state)
{
    static const char *const fields[] = {"=1+1",   "+86 138", "-x",  "@SUM(A1)", "\tx",
                                         "-12.50", "-3",      "'=1", "''+2",     "a=b",
                                         "=a,b",   "'",       "''",  NULL};
    static const char want[] = "'=1+1,'+86 138,'-x,'@SUM(A1),\"'\tx\",-12.50,-3,''=1,'''+2,a=b,"
                               "\"'=a,b\",',''\r\n";
    char *p, *f[16];
    size_t len, n;
    int64_t line = 1;
    struct kwh_err e;
    (void)state;
    char *out = write_csv(KWH_CSV_UTF8, fields, KWH_ARRAY_LEN(fields), &len);
    assert_string_equal(out, want);
    p = out;
    assert_int_equal(csv_split(&p, out + len, f, 16, &n, &line, &e), 0);
    assert_int_equal(n, KWH_ARRAY_LEN(fields) - 1);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(f[i], fields[i]);
    free(out);
    /* a byte order mark for spreadsheets that need one */
    static const char *const one[] = {"张三", NULL};
    out = write_csv(KWH_CSV_UTF8_BOM, one, KWH_ARRAY_LEN(one), &len);
    assert_int_equal(len, 3 + strlen("张三\r\n"));
    assert_memory_equal(out, "\xEF\xBB\xBF张三\r\n", len);
    free(out);
}

static void csv__refuses_broken_quoting(void **state)
{
    static const char *const cases[][2] = {
        {"\"open,b\n", "not closed"},
        {"\"a\"b,c\n", "after the closing quote"},
        {"a\"b,c\n", "quote inside"},
    };
    (void)state;
    for (size_t i = 0; i < KWH_ARRAY_LEN(cases); i++) {
        char buf[32], *p = buf, *f[4];
        size_t n;
        int64_t line = 1;
        str_copy(buf, sizeof buf, cases[i][0]);
        REFUSED(KWH_EINVAL, cases[i][1], csv_split(&p, buf + strlen(buf), f, 4, &n, &line, &e_));
    }
}

/* --- import --------------------------------------------------------------------------------- */

static void import__creates_open_accounts_without_cards(void **state)
{
    struct site *s = *state;
    struct kwh_import_result res;
    struct kwh_customer cu;
    struct kwh_err e;
    static const char csv[] =
        "\xEF\xBB\xBF"
        "name,address,phone,meter,type,rating,limit,tariff,customer_no,purchase_count\r\n"
        "张三,\"一号楼, 101\",138,10000001,单相,60,40,居民生活用电,,\r\n"
        "李四,二号楼,,10000002,single,,,一般工商业用电,20000001,5\r\n"
        "\r\n"
        "王五,三号楼,,10000003,ct,6,6,1,,\r\n";
    static const char fixed[] =
        "\xEF\xBB\xBF"
        "name,address,phone,meter,type,rating,limit,tariff,customer_no,purchase_count\r\n"
        "张三,\"一号楼, 101\",138,10000001,单相,60,40,居民生活用电,,\r\n"
        "李四,二号楼,,10000002,single,,,一般工商业用电,20000001,5\r\n"
        "\r\n"
        "王五,三号楼,,10000003,direct,6,6,1,,\r\n";
    static const char ct_row[] = "name,meter,type,rating,ct,tariff\n工厂,10000004,ct,6,30,1\n";

    site_open(s, 99999999, 0);
    int64_t before = count_accounts(s);
    REFUSED(KWH_EPERM, "administrator",
            import_customers(s->core, &s->seller, csv, sizeof csv - 1, &res, &e_));
    /* the third line's meter is 三相互感 without a CT ratio: refused, nothing imported */
    REFUSED(KWH_EINVAL, "1 bad record",
            import_customers(s->core, &s->admin, csv, sizeof csv - 1, &res, &e_));
    assert_int_equal(res.nerrors, 1);
    assert_int_equal(res.errors[0].line, 5);
    assert_non_null(strstr(res.errors[0].msg, "CT ratio"));
    assert_int_equal(count_accounts(s), before);

    assert_int_equal(import_customers(s->core, &s->admin, ct_row, sizeof ct_row - 1, &res, &e), 0);
    assert_int_equal(res.imported, 1);
    assert_int_equal(import_customers(s->core, &s->admin, fixed, strlen(fixed), &res, &e), 0);
    assert_int_equal(res.imported, 3);
    assert_int_equal(res.bad, 0);
    assert_int_equal(count_accounts(s), before + 4);
    /* numbers continue above the largest given */
    assert_int_equal(res.first_no, 20000002);
    assert_int_equal(account_find(s->core, 0, 10000001, &cu, &e), 0);
    assert_int_equal(cu.customer_no, 20000002);
    assert_string_equal(cu.address, "一号楼, 101");
    assert_int_equal(cu.status, KWH_CUST_OPEN);
    assert_int_equal(cu.meter.current_limit_a, 40);
    assert_false(query_customer_has_card(&cu));
    assert_int_equal(account_find(s->core, 20000001, 0, &cu, &e), 0);
    assert_string_equal(cu.name, "李四");
    assert_int_equal(cu.purchase_count, 5);
    assert_int_equal(cu.meter.hoard_ckwh, 200000);
    assert_int_equal(cu.tariff_id, s->tariff_shop);
    assert_int_equal(account_find(s->core, 0, 10000003, &cu, &e), 0);
    assert_string_equal(cu.address, "三号楼");
    assert_int_equal(cu.meter.meter_type, KWH_METER_THREE_DIRECT);
}

static void import__reports_every_bad_line_and_imports_nothing(void **state)
{
    struct site *s = *state;
    struct kwh_import_result res;
    static const char csv[] = "name,meter,tariff,alarm\n"
                              "好,30000001,居民生活用电,10\n"        /* 2 good */
                              "坏表,3000000x,居民生活用电,10\n"      /* 3 meter */
                              "坏价,30000003,没有这个电价,10\n"      /* 4 tariff */
                              "\"多\n行\",30000004,居民生活用电,1\n" /* 5-6 name */
                              "负,30000005,居民生活用电,-1\n"        /* 7 alarm */
                              "重复,30000001,居民生活用电,1\n"       /* 8 twice */
                              "占用,99999998,居民生活用电,1\n"       /* 9 in use */
                              "少,30000009\n"                        /* 10 fields */
                              "好二,30000010,居民生活用电,\n";       /* 11 good */

    site_open(s, 99999998, 0);
    int64_t before = count_accounts(s);
    REFUSED(KWH_EINVAL, "7 bad records",
            import_customers(s->core, &s->admin, csv, sizeof csv - 1, &res, &e_));
    assert_int_equal(res.imported, 0);
    assert_int_equal(res.bad, 7);
    assert_int_equal(res.nerrors, 7);
    static const int64_t lines[] = {3, 4, 5, 7, 8, 9, 10};
    static const char *const words[] = {"meter",  "tariff",          "one line", "alarm",
                                        "line 2", "already belongs", "fields"};
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(res.errors[i].line, lines[i]);
        if (strstr(res.errors[i].msg, words[i]) == NULL)
            fail_msg("line %lld: '%s' lacks '%s'", (long long)lines[i], res.errors[i].msg,
                     words[i]);
    }
    assert_int_equal(count_accounts(s), before);

    REFUSED(KWH_EINVAL, "unknown column 'meterno'",
            import_customers(s->core, &s->admin, "name,meterno,tariff\n", 20, &res, &e_));
    REFUSED(KWH_EINVAL, "at least the columns",
            import_customers(s->core, &s->admin, "name,tariff\na,1\n", 15, &res, &e_));
    REFUSED(KWH_EINVAL, "twice",
            import_customers(s->core, &s->admin, "name,name,meter,tariff\n", 23, &res, &e_));
    REFUSED(KWH_EINVAL, "only a header",
            import_customers(s->core, &s->admin, "name,meter,tariff\n", 18, &res, &e_));
    REFUSED(KWH_EINVAL, "empty", import_customers(s->core, &s->admin, "", 0, &res, &e_));
}

static void import__meter_number_must_be_exactly_8_digits(void **state)
{
    struct site *s = *state;
    struct kwh_import_result res;
    struct kwh_customer cu;
    struct kwh_err e;
    static const char bad[] = "name,meter,tariff\n"
                              "七位,1234567,1\n"   /* 2: 7 digits, not 01234567 */
                              "九位,123456789,1\n" /* 3 */
                              "字母,1234567a,1\n"  /* 4 */
                              "零,00000000,1\n"    /* 5 */
                              "空格, 1234567,1\n"  /* 6 */
                              "好,12345678,1\n";   /* 7 good */
    static const char good[] = "name,meter,tariff\n前导零,01234567,1\n";
    int64_t before = count_accounts(s);

    REFUSED(KWH_EINVAL, "5 bad records",
            import_customers(s->core, &s->admin, bad, sizeof bad - 1, &res, &e_));
    assert_int_equal(res.imported, 0);
    assert_int_equal(res.nerrors, 5);
    static const char *const words[] = {"has 7 digits", "has 9 digits", "digits only",
                                        "not a meter number", "digits only"};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(res.errors[i].line, (int64_t)i + 2);
        if (strstr(res.errors[i].msg, words[i]) == NULL ||
            strstr(res.errors[i].msg, "exactly 8 digits") == NULL)
            fail_msg("line %zu: '%s' lacks '%s' or 'exactly 8 digits'", i + 2, res.errors[i].msg,
                     words[i]);
    }
    assert_int_equal(count_accounts(s), before);

    /* leading zeros as typed are 8 digits */
    assert_int_equal(import_customers(s->core, &s->admin, good, sizeof good - 1, &res, &e), 0);
    assert_int_equal(res.imported, 1);
    assert_int_equal(account_find(s->core, 0, 1234567, &cu, &e), 0);
    assert_string_equal(cu.name, "前导零");
}

static void first_card__opens_the_meter_of_an_imported_account(void **state)
{
    struct site *s = *state;
    struct kwh_import_result res;
    struct kwh_receipt r;
    struct kwh_purchase_req p = by_kwh(10000);
    struct kwh_card_view v;
    struct kwh_customer cu;
    struct kwh_err e;
    static const char csv[] = "name,meter,tariff,purchase_count\n导入户,40000001,1,7\n";

    assert_int_equal(import_customers(s->core, &s->admin, csv, sizeof csv - 1, &res, &e), 0);
    uint32_t no = res.first_no;
    REFUSED(KWH_ENOTFOUND, "no card was ever written",
            ops_reissue(s->core, &s->seller, no, true, 0, NULL, &r, &e_));

    /* the card is pulled early: nothing was written, the account stays open and waits */
    fakecard_blank(s->card);
    s->card->fail_after = 1;
    assert_true(ops_first_card(s->core, &s->seller, no, &p, &r, &e) < 0);
    fakecard_blank(s->card);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.status, KWH_CUST_OPEN);
    assert_false(query_customer_has_card(&cu));

    assert_int_equal(ops_first_card(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.kind, KWH_OP_OPEN);
    assert_int_equal(r.sale.amount_fen, 5283);
    assert_int_equal(r.sale.purchase_count, 8);
    assert_int_equal(cardview_read(s->core, &s->seller, &v, &e), 0);
    assert_true(v.has_customer);
    assert_int_equal(v.customer.customer_no, no);
    assert_int_equal(v.card.purchase_count, 8); /* the meter's count + 1 */
    assert_true(v.card.flags & CARD_F_KEYX);    /* an un-opened meter learns the key */
    assert_int_equal(v.card.purchase_ckwh, 10000);
    assert_true(query_customer_has_card(&v.customer));
    assert_int_equal(v.customer.balance_ckwh, 10000);

    REFUSED(KWH_ECONFLICT, "already has a card",
            ops_first_card(s->core, &s->seller, no, &p, &r, &e_));
    /* from now on it is an ordinary account */
    site_meter_loads(s, 10000);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), 0);
    assert_int_equal(r.sale.purchase_count, 9);
    REFUSED(KWH_ENOTFOUND, "no account",
            ops_first_card(s->core, &s->seller, 77777777, &p, &r, &e_));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, site_setup, site_teardown)
    const struct CMUnitTest tests[] = {
        T(backup__names_checks_and_rotates),
        T(backup__two_programs_in_the_same_second_write_two_whole_backups),
        T(backup__a_stop_flag_ends_it_and_leaves_nothing),
        T(core_changes__counts_changes_not_logins),
        T(damage__a_failed_check_stops_card_writes_on_every_terminal),
        T(damage__the_check_at_start_finds_a_damaged_index),
        T(restore__brings_the_backup_back_and_keeps_the_current_database),
        T(restore__refuses_what_is_not_this_sites_database),
        T(restore__replaces_a_damaged_database_that_still_opens),
        T(restore_new__only_onto_a_missing_database),
        T(check__finds_pending_writes_and_a_summary_that_disagrees),
        cmocka_unit_test(csv__quotes_commas_quotes_newlines_and_spaces),
        cmocka_unit_test(csv__gb18030_bytes_for_spreadsheets),
        cmocka_unit_test(csv__formulas_go_out_as_text_and_come_back_as_they_were),
        cmocka_unit_test(csv__refuses_broken_quoting),
        T(import__creates_open_accounts_without_cards),
        T(import__reports_every_bad_line_and_imports_nothing),
        T(import__meter_number_must_be_exactly_8_digits),
        T(first_card__opens_the_meter_of_an_imported_account),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
