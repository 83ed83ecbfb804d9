/* SPDX-License-Identifier: Apache-2.0 */
/* kwh-backends: sqlite pg (tests/run.sh runs this suite on SQLite and on PostgreSQL) */
/* kwh-layouts: kwh1 test (tests/run.sh runs it in the test card layout too) */
/* The atomic card write under interruption: for every card-writing operation and every
 * write step (each byte, each PSC change), the card is pulled there — or the process
 * dies there — and after the card is read again (reconciliation) the database and the
 * card must agree: the operation happened once, wholly, or not at all; no money and no
 * kWh lost or counted twice; the card readable and writable, no PSC try lost for good.
 * In the card layout of $KWH_CARD_PROFILE: tests/run.sh runs it under the test layout
 * too, whose commit point and records lie elsewhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fakecard.h"
#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "kwhpos/core.h"
#include "site.h"
#include "ops.h"
#include "scenes.h"

/* Under AddressSanitizer, a small quarantine keeps the process small, so the thousand
 * forks of the power-cut test stay quick. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "quarantine_size_mb=4";
}

/* What the database says, independently of core. */
struct snapshot {
    int64_t balance; /* sum over live accounts */
    int64_t totals;  /* the maintained totals (must equal balance) */
    int64_t done_sales;
    int64_t done_amount;
    int64_t invoices; /* count of invoice numbers */
    int64_t max_invoice;
    int64_t live_accounts;
    uint8_t slot[CARD_RECORD_LEN]; /* the card's record in force */
};

static void snap(struct site *s, struct snapshot *out)
{
    struct store *db = site_store(s);
    out->balance = site_q1_in(db, "SELECT coalesce(sum(balance_ckwh), 0) FROM customers "
                                  "WHERE status IN (1, 2)");
    out->totals = site_q1_in(db, "SELECT coalesce(sum(balance_ckwh), 0) FROM totals");
    out->done_sales = site_q1_in(db, "SELECT count(*) FROM sales WHERE state = 1");
    out->done_amount = site_q1_in(db, "SELECT coalesce(sum(amount_fen + fee_fen), 0) FROM sales "
                                      "WHERE state = 1");
    out->invoices = site_q1_in(db, "SELECT count(invoice_no) FROM sales");
    out->max_invoice = site_q1_in(db, "SELECT coalesce(max(invoice_no), 0) FROM sales");
    out->live_accounts = site_q1_in(db, "SELECT count(*) FROM customers WHERE status IN (1, 2)");
    store_close(db);
    card_record(site_profile(), s->card->img, true, out->slot);
}

/* The slot the last card op recorded it would leave on the card. */
static void last_op_slot(struct site *s, uint8_t slot[CARD_RECORD_LEN])
{
    if (site_blob(s, "SELECT slot FROM card_ops ORDER BY id DESC LIMIT 1", slot, CARD_RECORD_LEN) !=
        CARD_RECORD_LEN)
        fail_msg("no card op recorded");
}

static int64_t last_op_state(struct site *s)
{
    return site_q1(s, "SELECT state FROM card_ops ORDER BY id DESC LIMIT 1");
}

static bool same_money(const struct snapshot *a, const struct snapshot *b)
{
    return a->balance == b->balance && a->done_sales == b->done_sales &&
           a->done_amount == b->done_amount && a->invoices == b->invoices &&
           a->live_accounts == b->live_accounts;
}

/* --- the operations ------------------------------------------------------------------ */

static int do_edit(struct kwh_core *c, struct site *s, struct scene *x, struct kwh_err *e)
{
    struct kwh_account_req a = site_account(s, SCENE_METER, "张三");
    a.meter.current_limit_a = 20;
    a.meter.hoard_ckwh = 150000;
    return ops_edit(c, &s->admin, x->customer_no, &a, NULL, e);
}

static int do_tool(struct kwh_core *c, struct site *s, struct scene *x, struct kwh_err *e)
{
    struct kwh_meter_params mp = {0, 60, 999900, 999900, 999900, 1};
    (void)x;
    return ops_tool(c, &s->admin, KWH_CARD_MANAGEMENT, &mp, e);
}

static void pre_tool_card(struct site *s, struct scene *x)
{
    struct kwh_err e;
    (void)x;
    fakecard_blank(s->card);
    if (ops_tool(s->core, &s->admin, KWH_CARD_TEST, NULL, &e) < 0)
        fail_msg("tool: %s", e.msg);
}

static int do_wipe(struct kwh_core *c, struct site *s, struct scene *x, struct kwh_err *e)
{
    (void)x;
    return ops_wipe(c, &s->admin, e);
}

static const struct scenario scenarios[] = {
    {"open account", scene_blank, scene_open},
    {"daily sale", scene_loaded, scene_sell},
    {"re-sale", scene_sold, scene_resell},
    {"reissue unconsumed", scene_lost, scene_reissue_unconsumed},
    {"reissue consumed with sale", scene_lost, scene_reissue_consumed_sale},
    {"refund card", scene_loaded, scene_refund_card},
    {"meter change", scene_loaded, scene_meter_change},
    {"parameter edit", scene_loaded, do_edit},
    {"tool card", scene_blank, do_tool},
    {"wipe", pre_tool_card, do_wipe},
};

/* --- the checks ------------------------------------------------------------------------ */

/* Reads the card the way the counter does; every op's card must be readable after. */
static void read_again(struct site *s, const char *what)
{
    struct kwh_card_view info;
    struct kwh_err e;
    if (ops_read(s->core, &s->seller, &info, &e) < 0)
        fail_msg("%s: reading the card again failed: %s", what, e.msg);
    if (!info.ours)
        fail_msg("%s: the card is no longer readable: %s", what, info.problem);
}

struct reference {
    struct snapshot before, after;
    long steps;
};

static void reference_run(const struct scenario *sc, struct reference *ref)
{
    void *state;
    struct site *s;
    struct scene x = {0};
    struct kwh_err e;

    site_setup(&state);
    s = state;
    sc->pre(s, &x);
    read_again(s, sc->name); /* the counter takes in the meter's report first */
    snap(s, &ref->before);
    s->card->steps = 0;
    if (sc->op(s->core, s, &x, &e) < 0)
        fail_msg("%s: reference run failed: %s", sc->name, e.msg);
    ref->steps = s->card->steps;
    snap(s, &ref->after);
    site_teardown(&state);
}

static void check_agreement(struct site *s, const struct reference *ref,
                            const struct snapshot *mine_before, const char *what, bool crashed)
{
    struct snapshot now;
    uint8_t op_slot[CARD_RECORD_LEN], other[CARD_RECORD_LEN];
    int64_t state = last_op_state(s);
    int64_t checked, bad;
    struct kwh_err e;

    snap(s, &now);
    if (now.totals != now.balance)
        fail_msg("%s: maintained totals %lld != balances %lld", what, (long long)now.totals,
                 (long long)now.balance);
    if (now.max_invoice != now.invoices)
        fail_msg("%s: invoice numbers have a gap (%lld numbers, max %lld)", what,
                 (long long)now.invoices, (long long)now.max_invoice);
    last_op_slot(s, op_slot);
    card_record(site_profile(), s->card->img, false, other);
    if (state == 1) {
        if (!same_money(&now, &ref->after))
            fail_msg("%s: done, but the money or energy differs from an uninterrupted run", what);
        if (memcmp(now.slot, op_slot, CARD_RECORD_LEN) != 0)
            fail_msg("%s: done, but the card does not show the record written", what);
    } else if (state == 2 || state == 0) {
        if (!same_money(&now, &ref->before))
            fail_msg("%s: %s, but money or energy moved", what, state ? "void" : "pending");
        if (memcmp(now.slot, mine_before->slot, CARD_RECORD_LEN) != 0)
            fail_msg("%s: not done (state %lld), but the card changed its record", what,
                     (long long)state);
        /* a card that had content gets its second record back; a blank one keeps the
           leftover until its next write (it takes the PSC to make anything of it) */
        if (state == 2 && !card_is_blank(site_profile(), s->card->img) && op_slot[0] != 0xFF &&
            (memcmp(now.slot, op_slot, CARD_RECORD_LEN) == 0 ||
             memcmp(other, op_slot, CARD_RECORD_LEN) == 0))
            fail_msg("%s: cancelled, but its record is still on the card", what);
        /* nothing stays pending: a crash before a blank card got its serial is voided
           by reading that blank card */
        if (state == 0)
            fail_msg("%s: still pending after the card was read again%s", what,
                     crashed ? " at start-up" : "");
    } else {
        fail_msg("%s: unexpected op state %lld", what, (long long)state);
    }
    if (audit_verify(s->core, &checked, &bad, &e) < 0 || bad != 0)
        fail_msg("%s: audit chain broken at %lld", what, (long long)bad);
    if (s->card->tries != KWH_PSC_TRIES)
        fail_msg("%s: the card has %d PSC tries left", what, s->card->tries);
    if (s->card->wrong_presentations > 1)
        fail_msg("%s: %d wrong PSC presentations", what, s->card->wrong_presentations);
}

static void crash_now(void)
{
    _exit(0);
}

static void interrupt_at(const struct scenario *sc, const struct reference *ref, long k, bool crash)
{
    void *state;
    struct site *s;
    struct scene x = {0};
    struct kwh_err e;
    char what[128];
    bool claimed = false;
    struct snapshot before;

    snprintf(what, sizeof what, "%s, %s after %ld of %ld steps", sc->name,
             crash ? "power cut" : "card pulled", k, ref->steps);
    site_setup(&state);
    s = state;
    sc->pre(s, &x);
    read_again(s, what);
    snap(s, &before);
    s->card->steps = 0;
    s->card->wrong_presentations = 0;
    s->card->fail_after = k;
    if (crash) {
        pid_t pid = fork();
        if (pid == 0) {
            struct kwh_core *c = site_open_again(s);
            s->card->crash = crash_now;
            sc->op(c, s, &x, &e);
            _exit(3); /* the crash point was never reached */
        }
        int status;
        waitpid(pid, &status, 0);
        /* 3: finished before step k (random serials and MACs make the number of
           changed bytes vary a little from run to run); check_agreement judges */
        if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 3))
            fail_msg("%s: the child died unexpectedly", what);
        claimed = WEXITSTATUS(status) == 3;
    } else {
        claimed = sc->op(s->core, s, &x, &e) == 0;
    }
    fakecard_reinsert(s->card);
    if (crash) {
        /* the terminal starts again with the card in the reader: the start-up
           reconciliation settles what the card shows */
        char notice[KWH_ERR_MSG];
        if (settle_at_start(s->core, &s->seller, notice, sizeof notice, &e) < 0)
            fail_msg("%s: start-up reconciliation failed: %s", what, e.msg);
        check_agreement(s, ref, &before, what, crash);
        read_again(s, what);
    } else {
        read_again(s, what);
        check_agreement(s, ref, &before, what, crash);
    }
    if (claimed && last_op_state(s) != 1)
        fail_msg("%s: the operation reported success but is not done", what);
    /* the card keeps working: whatever it holds can be wiped or sold to */
    site_teardown(&state);
}

/* KWH_INTERRUPT_STRIDE=N: every Nth step only (the residue changes with the scenario, so
 * the scenarios together still cover every residue), plus the last step; a fixed slice
 * for the slower runs of make check (PostgreSQL, the sanitizer build). Unset: every
 * step. */
static long stride(void)
{
    const char *v = getenv("KWH_INTERRUPT_STRIDE");
    long n = v != NULL ? atol(v) : 1;
    return n > 0 ? n : 1;
}

static void run_scenario(const struct scenario *sc, size_t index, bool crash)
{
    struct reference ref;
    long every = stride();
    reference_run(sc, &ref);
    assert_true(ref.steps > 0);
    for (long k = 0; k < ref.steps; k++)
        if (k % every == (long)index % every || k == ref.steps - 1)
            interrupt_at(sc, &ref, k, crash);
}

static void interruption__card_pulled_at_every_step_of_every_write(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        run_scenario(&scenarios[i], i, false);
}

static void interruption__power_cut_at_every_step_of_every_write(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        run_scenario(&scenarios[i], i, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(interruption__card_pulled_at_every_step_of_every_write),
        cmocka_unit_test(interruption__power_cut_at_every_step_of_every_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
