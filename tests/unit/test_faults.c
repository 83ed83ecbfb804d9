/* SPDX-License-Identifier: Apache-2.0 */
/* kwh-backends: sqlite pg (tests/run.sh runs this suite on SQLite and on PostgreSQL) */
/* Failure at the Nth call: every core operation — opening, sale, re-sale, reissue,
 * refund card, refund, meter change, backup, restore, an audited change, printing an
 * invoice — run with its 1st, 2nd, 3rd... allocation, file call, SQLite allocation,
 * SQLite I/O call, card device call and serial read or write failing
 * (tests/support/faults.h), until a run
 * meets no failure. Each run: no crash, no leak (under the sanitizer build, LeakSanitizer
 * after every run), an error with a message to the caller, a database that passes
 * integrity_check, and the operation done wholly or not at all — the ledger, the card and
 * the pending writes compared with the state before and after an undisturbed run; a card
 * write cut short is settled by the next read of the card, as at the counter.
 *
 * KWH_FAULTS=all runs every operation against every kind of fault (make torture-faults);
 * unset, a fixed slice (make check). KWH_FAULTS_STRIDE=N fails only every Nth call;
 * KWH_FAULTS_PERSIST=1 keeps failing every call after the Nth; KWH_FAULTS_ONLY=NAME and
 * KWH_FAULTS_KIND=A,B... keep the operations whose names contain NAME and the kinds whose
 * names begin with A or B ("allocation", "file", "SQLite", "card", "serial"). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LEAK_CHECK() __lsan_do_recoverable_leak_check()
#else
#define LEAK_CHECK() 0
#endif

#include "fakecard.h"
#include "faults.h"
#include "memtransport.h"
#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "kwhpos/config.h"
#include "kwhpos/core.h"
#include "kwhpos/data.h"
#include "kwhpos/printer.h"
#include "kwhpos/reader.h"
#include "kwhpos/util.h"
#include "ops.h"
#include "site.h"

#define METER 12345678
#define NEW_METER 87654321

const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "quarantine_size_mb=4";
}

/* One run's world: the site, its customer, the backup folder, the printer. */
struct fx {
    struct site *s;
    uint32_t customer_no;
    char backups[300];
    char backup_file[1200]; /* restore: the backup restored */
    char out[300];          /* print: the file the invoice goes to */
    struct kwh_config cfg;
    struct printer *p;
    /* the serial line's faults: the real reader driver over an in-memory line whose
     * reader answers for the fake card */
    bool serial;
    struct memt line;
    struct memt_reader reader;
    struct kwh_card_dev dev;
};

/* What the database and the card say, read apart from the core. */
#define LEDGER_N 9
static const char *const ledger_sql[LEDGER_N] = {
    "SELECT coalesce(sum(balance_ckwh), 0) FROM customers WHERE status IN (1, 2)",
    "SELECT coalesce(sum(balance_ckwh), 0) FROM totals",
    "SELECT count(*) FROM sales WHERE state = 1",
    "SELECT coalesce(sum(amount_fen + fee_fen), 0) FROM sales WHERE state = 1",
    "SELECT count(invoice_no) FROM sales",
    "SELECT coalesce(max(invoice_no), 0) FROM sales",
    "SELECT count(*) FROM customers WHERE status IN (1, 2)",
    /* an opening that never reached its card stays as a void account (status 4) */
    "SELECT coalesce(sum(meter_no), 0) + 1000000000 * coalesce(sum(status), 0) FROM customers "
    "WHERE status <> 4",
    "SELECT count(*) FROM sales WHERE printed <> 0",
};

struct snapshot {
    int64_t v[LEDGER_N];
    int64_t ops;     /* card_ops rows */
    int64_t pending; /* of them pending */
    int64_t audit;   /* audit records */
    uint8_t slot[CARD_RECORD_LEN];
};

static void snap(struct fx *f, struct snapshot *out)
{
    struct store *db = site_store(f->s);
    for (int i = 0; i < LEDGER_N; i++)
        out->v[i] = site_q1_in(db, ledger_sql[i]);
    out->ops = site_q1_in(db, "SELECT count(*) FROM card_ops");
    out->pending = site_q1_in(db, "SELECT count(*) FROM card_ops WHERE state = 0");
    out->audit = site_q1_in(db, "SELECT count(*) FROM audit");
    store_close(db);
    card_record(site_profile(), f->s->card->img, true, out->slot);
}

static bool same_ledger(const struct snapshot *a, const struct snapshot *b)
{
    return memcmp(a->v, b->v, sizeof a->v) == 0;
}

/* Says where now differs from the state before and from the state after a clean run. */
static void ledger_diff(const struct snapshot *now, const struct snapshot *before,
                        const struct snapshot *after)
{
    for (int i = 0; i < LEDGER_N; i++)
        if (now->v[i] != before->v[i] || now->v[i] != after->v[i])
            fprintf(stderr, "#   %s: now %lld, before %lld, after a clean run %lld\n",
                    ledger_sql[i], (long long)now->v[i], (long long)before->v[i],
                    (long long)after->v[i]);
    if (memcmp(now->slot, before->slot, CARD_RECORD_LEN) != 0)
        fprintf(stderr, "#   the card's record changed\n");
}

/* --- the operations ---------------------------------------------------------------------- */

static struct kwh_purchase_req kwh(int64_t v)
{
    return (struct kwh_purchase_req){KWH_BY_KWH, v, 100, KWH_PAY_ALIPAY, ""};
}

static void read_card(struct fx *f, const char *what)
{
    struct kwh_card_view v;
    struct kwh_err e;
    if (ops_read(f->s->core, &f->s->seller, &v, &e) < 0)
        fail_msg("%s: reading the card failed: %s", what, e.msg);
    if (!v.ours)
        fail_msg("%s: the card is no longer readable: %s", what, v.problem);
}

static void pre_blank(struct fx *f)
{
    fakecard_blank(f->s->card);
}

static void pre_loaded(struct fx *f)
{
    f->customer_no = site_open(f->s, METER, 10000);
    site_meter_loads(f->s, 8000);
}

static void pre_sold(struct fx *f)
{
    struct kwh_purchase_req p = kwh(5000);
    struct kwh_err e;
    pre_loaded(f);
    if (ops_sell(f->s->core, &f->s->seller, f->customer_no, &p, NULL, &e) < 0)
        fail_msg("sell: %s", e.msg);
}

static void pre_lost(struct fx *f)
{
    pre_loaded(f);
    fakecard_blank(f->s->card);
}

static void pre_refund_card(struct fx *f)
{
    struct kwh_err e;
    pre_loaded(f);
    if (ops_refund_card(f->s->core, &f->s->seller, f->customer_no, &e) < 0)
        fail_msg("refund card: %s", e.msg);
    site_meter_refund_card(f->s, 6000, 1);
}

static int do_open(struct fx *f, struct kwh_err *e)
{
    struct kwh_account_req a = site_account(f->s, METER, "张三");
    struct kwh_purchase_req p = kwh(10000);
    return ops_open(f->s->core, &f->s->seller, &a, &p, NULL, e);
}

static int do_sell(struct fx *f, struct kwh_err *e)
{
    struct kwh_purchase_req p = kwh(3000);
    return ops_sell(f->s->core, &f->s->seller, f->customer_no, &p, NULL, e);
}

static int do_resell(struct fx *f, struct kwh_err *e)
{
    struct kwh_purchase_req p = kwh(2000);
    return ops_resell(f->s->core, &f->s->seller, f->customer_no, &p, NULL, e);
}

static int do_reissue(struct fx *f, struct kwh_err *e)
{
    struct kwh_purchase_req p = kwh(4000);
    return ops_reissue(f->s->core, &f->s->seller, f->customer_no, true, 500, &p, NULL, e);
}

static int do_refund_card(struct fx *f, struct kwh_err *e)
{
    return ops_refund_card(f->s->core, &f->s->seller, f->customer_no, e);
}

static int do_refund(struct fx *f, struct kwh_err *e)
{
    return ops_refund(f->s->core, &f->s->seller, f->customer_no, KWH_PAY_CASH, NULL, e);
}

static int do_meter_change(struct fx *f, struct kwh_err *e)
{
    struct kwh_meter_change_req m;
    struct kwh_purchase_req p = kwh(1000);
    memset(&m, 0, sizeof m);
    m.meter = site_account(f->s, NEW_METER, "x").meter;
    m.old_remaining_ckwh = 7000;
    return ops_meter_change(f->s->core, &f->s->admin, f->customer_no, &m, &p, NULL, e);
}

static struct kwh_backup_opts backup_opts(struct fx *f)
{
    return (struct kwh_backup_opts){f->backups, 0, NULL};
}

static int do_backup(struct fx *f, struct kwh_err *e)
{
    struct kwh_backup_opts o = backup_opts(f);
    struct kwh_backup_info info;
    return backup_run(f->s->core, &o, &info, e);
}

/* A backup after one sale, then a second sale the restore takes away. */
static void pre_backed_up(struct fx *f)
{
    struct kwh_backup_opts o = backup_opts(f);
    struct kwh_backup_info info;
    struct kwh_purchase_req p = kwh(2500);
    struct kwh_err e;
    pre_sold(f);
    if (backup_run(f->s->core, &o, &info, &e) < 0)
        fail_msg("backup: %s", e.msg);
    str_copy(f->backup_file, sizeof f->backup_file, info.path);
    site_meter_loads(f->s, 12000);
    if (ops_sell(f->s->core, &f->s->seller, f->customer_no, &p, NULL, &e) < 0)
        fail_msg("sell: %s", e.msg);
}

static int do_restore(struct fx *f, struct kwh_err *e)
{
    struct kwh_backup_opts o = backup_opts(f);
    struct kwh_restore_info info;
    return backup_restore(&f->s->core, &f->s->admin, f->backup_file, &o, &info, e);
}

/* An audited change: the unit's name (the audit record in the same transaction). */
static int do_audited(struct fx *f, struct kwh_err *e)
{
    return settings_set_unit(f->s->core, &f->s->admin, "第二物业", "0571-7654321", e);
}

static void pre_invoice(struct fx *f)
{
    struct kwh_err e;
    pre_sold(f);
    config_defaults(&f->cfg);
    str_copy(f->cfg.db_path, sizeof f->cfg.db_path, f->s->db);
    snprintf(f->cfg.print_form, sizeof f->cfg.print_form, "%s/forms/receipt80.form",
             getenv("KWH_TOP") != NULL ? getenv("KWH_TOP") : ".");
    str_copy(f->cfg.print_encoding, sizeof f->cfg.print_encoding, "utf-8");
    if (printer_new(&f->cfg, &f->p, &e) < 0)
        fail_msg("printer: %s", e.msg);
}

static int do_print(struct fx *f, struct kwh_err *e)
{
    struct printer_dest to = {f->out, PRINT_RAW};
    struct printer_result res;
    return printer_invoice(f->p, f->s->core, &f->s->seller, 1, false, &to, &res, e);
}

/* --- the oracles --------------------------------------------------------------------------- */

struct run {
    const char *what;
    struct snapshot before, ref_after; /* this run's start; an undisturbed run's end */
    int rc;
};

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Files in the backup folder. */
static int backup_files(struct fx *f)
{
    DIR *d = opendir(f->backups);
    struct dirent *de;
    int n = 0;
    if (d == NULL)
        return 0;
    while ((de = readdir(d)) != NULL)
        n += de->d_name[0] != '.';
    closedir(d);
    return n;
}

/* A card write: the card read again settles it; then it is done (the ledger and the card
 * as after an undisturbed run) or not (as before), nothing pending. */
static bool card_oracle(struct fx *f, const struct run *r, bool *done)
{
    struct snapshot now;
    uint8_t op_slot[CARD_RECORD_LEN];
    int64_t state = 0;

    {
        struct kwh_card_view v;
        struct kwh_err e;
        if (ops_read(f->s->core, &f->s->seller, &v, &e) < 0) {
            fprintf(stderr, "# %s: the card read after it failed: %s\n", r->what, e.msg);
            return false;
        }
        if (!v.ours) {
            fprintf(stderr, "# %s: the card read after it: %s\n", r->what, v.problem);
            return false;
        }
    }
    snap(f, &now);
    if (now.pending != 0)
        fail_msg("%s: %lld card writes still pending after the card was read", r->what,
                 (long long)now.pending);
    if (now.ops > r->before.ops) {
        state = site_q1(f->s, "SELECT state FROM card_ops ORDER BY id DESC LIMIT 1");
        if (site_blob(f->s, "SELECT slot FROM card_ops ORDER BY id DESC LIMIT 1", op_slot,
                      sizeof op_slot) != sizeof op_slot)
            fail_msg("%s: the card op has no record", r->what);
    }
    if (now.ops == r->before.ops) {
        /* no card write (a refund pays out what the refund card showed): the ledger says */
        *done = same_ledger(&now, &r->ref_after);
        return (*done || same_ledger(&now, &r->before)) &&
               memcmp(now.slot, r->before.slot, CARD_RECORD_LEN) == 0;
    }
    *done = state == 1;
    if (*done)
        return same_ledger(&now, &r->ref_after) && memcmp(now.slot, op_slot, CARD_RECORD_LEN) == 0;
    return same_ledger(&now, &r->before) && memcmp(now.slot, r->before.slot, CARD_RECORD_LEN) == 0;
}

static bool backup_oracle(struct fx *f, const struct run *r, bool *done)
{
    struct snapshot now;
    int files = backup_files(f);
    snap(f, &now);
    *done = files == 1;
    return same_ledger(&now, &r->before) && files <= 1;
}

/* The restored database is the backup's: its second sale gone. */
static bool restore_oracle(struct fx *f, const struct run *r, bool *done)
{
    struct snapshot now;
    snap(f, &now);
    *done = same_ledger(&now, &r->ref_after);
    return *done || same_ledger(&now, &r->before);
}

static bool audit_oracle(struct fx *f, const struct run *r, bool *done)
{
    struct snapshot now;
    int64_t changed = site_q1(f->s, "SELECT count(*) FROM settings WHERE value = '第二物业'");
    snap(f, &now);
    *done = changed == 1;
    return now.audit == r->before.audit + (*done ? 1 : 0) && same_ledger(&now, &r->before);
}

/* Printed means both: the file is there and the invoice is recorded as printed (a copy
 * out unrecorded would let a second original out). */
static bool print_oracle(struct fx *f, const struct run *r, bool *done)
{
    struct snapshot now;
    bool recorded;
    snap(f, &now);
    recorded = now.v[8] == r->before.v[8] + 1;
    *done = exists(f->out) && recorded;
    return *done || (!exists(f->out) && !recorded);
}

/* --- the sweep ------------------------------------------------------------------------------ */

struct scenario {
    const char *name;
    void (*pre)(struct fx *f);
    int (*op)(struct fx *f, struct kwh_err *e);
    bool (*oracle)(struct fx *f, const struct run *r, bool *done);
    bool card; /* writes a card: card faults apply */
};

static const struct scenario scenarios[] = {
    {"open account", pre_blank, do_open, card_oracle, true},
    {"daily sale", pre_loaded, do_sell, card_oracle, true},
    {"re-sale", pre_sold, do_resell, card_oracle, true},
    {"reissue", pre_lost, do_reissue, card_oracle, true},
    {"refund card", pre_loaded, do_refund_card, card_oracle, true},
    {"refund", pre_refund_card, do_refund, card_oracle, true},
    {"meter change", pre_loaded, do_meter_change, card_oracle, true},
    {"backup", pre_sold, do_backup, backup_oracle, false},
    {"restore", pre_backed_up, do_restore, restore_oracle, false},
    {"audited change", pre_loaded, do_audited, audit_oracle, false},
    {"print", pre_invoice, do_print, print_oracle, false},
};

static const unsigned all_kinds[] = {FAULT_ALLOC,    FAULT_FILE, FAULT_SQL_MALLOC, FAULT_SQL_IO,
                                     FAULT_SQL_FULL, FAULT_CARD, FAULT_SERIAL};

/* The figures of a sweep (printed at the end, for docs/reliability.md). */
static struct {
    long runs, injected, errors, done, voided, absorbed, leaks;
} total;
/* runs and faults injected, by kind (the index of the kind in all_kinds) */
static long kind_runs[KWH_ARRAY_LEN(all_kinds)], kind_injected[KWH_ARRAY_LEN(all_kinds)];

static size_t kind_index(unsigned kind)
{
    size_t k = 0;
    while (k + 1 < KWH_ARRAY_LEN(all_kinds) && all_kinds[k] != kind)
        k++;
    return k;
}

static bool card_fault(void)
{
    return faults_hit(FAULT_CARD);
}

static bool serial_fault(void)
{
    return faults_hit(FAULT_SERIAL);
}

/* The core talks to the fake card through the serial reader driver from now on. */
static void attach_serial(struct fx *f)
{
    struct kwh_transport t;
    struct reader_opts o;
    struct kwh_err e;

    f->reader.dev = fakecard_dev(f->s->card);
    memt_init(&f->line, memt_reader_answer, &f->reader, 115200, &t);
    f->line.fault = serial_fault;
    reader_opts_default(&o); /* the answer is there at once: nothing waits */
    if (reader_attach(&t, &o, &f->dev, &e) < 0)
        fail_msg("reader: %s", e.msg);
    f->serial = true;
    core_set_card_dev(f->s->core, &f->dev);
}

/* A run's world for faults of kind: the serial faults go through the serial driver. */
static void start(struct fx *f, const struct scenario *sc, unsigned kind)
{
    void *state;
    memset(f, 0, sizeof *f);
    site_setup(&state);
    f->s = state;
    f->s->card->fault = card_fault;
    snprintf(f->backups, sizeof f->backups, "%s/backups", f->s->dir);
    snprintf(f->out, sizeof f->out, "%s/invoice.txt", f->s->dir);
    sc->pre(f);
    if (kind == FAULT_SERIAL)
        attach_serial(f);
    if (sc->card)
        read_card(f, sc->name); /* the meter's report taken in first */
}

static void finish(struct fx *f)
{
    void *state = f->s;
    char path[1600];
    DIR *d;
    struct dirent *de;

    printer_free(f->p);
    if (f->s->core == NULL)
        f->s->core = site_open_again(f->s);
    if ((d = opendir(f->backups)) != NULL) {
        while ((de = readdir(d)) != NULL) {
            snprintf(path, sizeof path, "%s/%s", f->backups, de->d_name);
            if (de->d_name[0] != '.')
                unlink(path);
        }
        closedir(d);
        rmdir(f->backups);
    }
    unlink(f->out);
    snprintf(path, sizeof path, "%s/audit-anchors.log", f->s->dir);
    unlink(path);
    site_teardown(&state);
    if (f->serial)
        f->dev.ops->close(f->dev.ctx);
}

/* After a restore the core is a new one: the fake card and the clock again. */
static void rewire(struct fx *f)
{
    struct kwh_core *c = site_open_again(f->s);
    if (f->s->core != NULL)
        core_close(f->s->core);
    f->s->core = c;
    if (f->serial)
        core_set_card_dev(c, &f->dev);
}

static void integrity(struct fx *f, const char *what)
{
    char ok[64] = "";
    if (site_is_pg())
        return;
    site_blob(f->s, "PRAGMA integrity_check", ok, sizeof ok - 1);
    if (strcmp(ok, "ok") != 0)
        fail_msg("%s: integrity_check says %s", what, ok);
}

/* An undisturbed run, counting the calls of kind: the state after it, the count. */
static long reference(const struct scenario *sc, unsigned kind, struct snapshot *after)
{
    struct fx f;
    struct kwh_err e;
    long n;
    int rc;

    start(&f, sc, kind);
    faults_arm(kind, 0, false);
    rc = sc->op(&f, &e);
    n = faults_disarm();
    if (rc < 0)
        fail_msg("%s: undisturbed run failed: %s", sc->name, e.msg);
    if (sc->op == do_restore)
        rewire(&f);
    snap(&f, after);
    finish(&f);
    return n;
}

/* A run that breaks the promise: said (every one of them, so that one sweep shows them
 * all), counted, and the suite fails at the end of the sweep. */
static long problems;
#define PROBLEM(...)                                                                               \
    do {                                                                                           \
        fprintf(stderr, "# PROBLEM: " __VA_ARGS__);                                                \
        fprintf(stderr, "\n");                                                                     \
        problems++;                                                                                \
        goto out;                                                                                  \
    } while (0)

/* One run with call n of kind failing; true when a call failed. */
static bool one_run(const struct scenario *sc, unsigned kind, long n, bool persist,
                    const struct snapshot *ref_after)
{
    struct fx f;
    struct run r;
    struct kwh_err e;
    char what[200];
    bool done = false;
    long fired;
    int64_t checked, bad;

    snprintf(what, sizeof what, "%s, %s %ld failing%s", sc->name, faults_name(kind), n,
             persist ? " and every one after" : "");
    start(&f, sc, kind);
    snap(&f, &r.before);
    r.ref_after = *ref_after;
    r.what = what;
    memset(&e, 0, sizeof e);
    faults_arm(kind, n, persist);
    r.rc = sc->op(&f, &e);
    fired = faults_failed();
    faults_disarm();
    if (getenv("KWH_FAULTS_TRACE") != NULL)
        fprintf(stderr, "# %s: returned %d %s\n", what, r.rc, r.rc < 0 ? e.msg : "");
    if (fired == 0) {
        if (r.rc < 0)
            fail_msg("%s: failed with no fault injected: %s", what, e.msg);
        finish(&f);
        return false;
    }
    total.runs++;
    total.injected += fired;
    kind_runs[kind_index(kind)]++;
    kind_injected[kind_index(kind)] += fired;
    if (r.rc < 0)
        total.errors++;
    else
        total.absorbed++;
    if (sc->op == do_restore || f.s->core == NULL)
        rewire(&f);
    if (r.rc < 0 && (e.code != r.rc || e.msg[0] == '\0'))
        PROBLEM("%s: failed (%d) with no message for the caller", what, r.rc);
    integrity(&f, what);
    if (!sc->oracle(&f, &r, &done)) {
        struct snapshot now;
        snap(&f, &now);
        ledger_diff(&now, &r.before, &r.ref_after);
        PROBLEM("%s: half applied (returned %d: %s)", what, r.rc, r.rc < 0 ? e.msg : "ok");
    }
    if (r.rc == 0 && !done)
        PROBLEM("%s: reported done, but it is not", what);
    if (done)
        total.done++;
    else
        total.voided++;
    if (audit_verify(f.s->core, &checked, &bad, &e) < 0 || bad != 0)
        PROBLEM("%s: audit chain broken at %lld", what, (long long)bad);
out:
    finish(&f);
    if (LEAK_CHECK() != 0) {
        total.leaks++;
        problems++;
        fprintf(stderr, "# PROBLEM: %s: memory leaked (LeakSanitizer's report above)\n", what);
    }
    return true;
}

static long env_long(const char *name, long dflt)
{
    const char *v = getenv(name);
    return v != NULL && *v != '\0' ? atol(v) : dflt;
}

/* Fails call 1, 1 + stride, 1 + 2 stride... of kind until a run meets no failure. */
static void sweep(const struct scenario *sc, unsigned kind, long stride, bool persist)
{
    struct snapshot after;
    long calls = reference(sc, kind, &after), n;

    if (calls == 0)
        return;
    for (n = 1; one_run(sc, kind, n, persist, &after); n += stride)
        if (n > 2 * calls + 50)
            fail_msg("%s, %s: still failing at call %ld of %ld", sc->name, faults_name(kind), n,
                     calls);
    fprintf(stderr, "# %s, %s: %ld calls%s\n", sc->name, faults_name(kind), calls,
            stride > 1 ? " (a slice)" : "");
}

/* KWH_FAULTS_KIND: a comma-separated list of the beginnings of kinds' names
 * ("allocation,file,SQLite I/O"); unset, every kind. */
static bool kind_chosen(unsigned kind)
{
    const char *list = getenv("KWH_FAULTS_KIND"), *name = faults_name(kind);
    if (list == NULL || *list == '\0')
        return true;
    while (*list != '\0') {
        size_t n = strcspn(list, ",");
        if (n > 0 && strncmp(name, list, n) == 0)
            return true;
        list += n + (list[n] == ',');
    }
    return false;
}

static bool applies(const struct scenario *sc, unsigned kind)
{
    if (kind == FAULT_CARD || kind == FAULT_SERIAL)
        return sc->card;
    if (site_is_pg()) /* libpq's own allocations and sockets are out of reach */
        return kind == FAULT_ALLOC || kind == FAULT_FILE;
    return true;
}

static void report(void)
{
    for (size_t k = 0; k < KWH_ARRAY_LEN(all_kinds); k++)
        if (kind_runs[k] > 0)
            fprintf(stderr, "# %s: fault runs %ld, faults injected %ld\n",
                    faults_name(all_kinds[k]), kind_runs[k], kind_injected[k]);
    fprintf(stderr,
            "# fault runs %ld, faults injected %ld: errors returned %ld, absorbed %ld; "
            "done %ld, not done %ld; crashes 0, leaks %ld, other problems %ld\n",
            total.runs, total.injected, total.errors, total.absorbed, total.done, total.voided,
            total.leaks, problems - total.leaks);
    if (problems > 0)
        fail_msg("%ld runs broke the promise (# PROBLEM above)", problems);
}

/* KWH_FAULTS=all: every operation, every kind of fault, every call. */
static void faults__every_call_of_every_operation_fails_in_turn(void **state)
{
    long stride = env_long("KWH_FAULTS_STRIDE", 1);
    bool persist = env_long("KWH_FAULTS_PERSIST", 0) != 0;
    const char *only = getenv("KWH_FAULTS_ONLY");
    (void)state;
    for (size_t i = 0; i < KWH_ARRAY_LEN(scenarios); i++)
        for (size_t k = 0; k < KWH_ARRAY_LEN(all_kinds); k++)
            if (applies(&scenarios[i], all_kinds[k]) &&
                (only == NULL || strstr(scenarios[i].name, only) != NULL) &&
                kind_chosen(all_kinds[k]))
                sweep(&scenarios[i], all_kinds[k], stride, persist);
    report();
}

/* make check's slice: a sale (through the serial driver too), a backup and a print, a few
 * calls of each kind. */
static void faults__a_fixed_slice(void **state)
{
    static const struct {
        size_t scenario;
        unsigned kind;
        long stride;
    } slice[] = {
        {1, FAULT_SQL_MALLOC, 23}, {1, FAULT_SQL_IO, 5}, {1, FAULT_CARD, 4},
        {1, FAULT_SERIAL, 3},      {1, FAULT_ALLOC, 3},  {7, FAULT_FILE, 2},
        {7, FAULT_SQL_FULL, 3},    {10, FAULT_FILE, 1},  {10, FAULT_SQL_MALLOC, 41},
    };
    (void)state;
    for (size_t i = 0; i < KWH_ARRAY_LEN(slice); i++)
        if (applies(&scenarios[slice[i].scenario], slice[i].kind))
            sweep(&scenarios[slice[i].scenario], slice[i].kind,
                  slice[i].stride * (site_is_pg() ? 4 : 1), false); /* a site costs more */
    report();
}

int main(void)
{
    const struct CMUnitTest slice[] = {
        cmocka_unit_test(faults__a_fixed_slice),
    };
    const struct CMUnitTest all[] = {
        cmocka_unit_test(faults__every_call_of_every_operation_fails_in_turn),
    };
    const char *which = getenv("KWH_FAULTS");
    faults_install();
    if (which != NULL && strcmp(which, "all") == 0)
        return cmocka_run_group_tests(all, NULL, NULL);
    return cmocka_run_group_tests(slice, NULL, NULL);
}
