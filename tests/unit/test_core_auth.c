/* SPDX-License-Identifier: Apache-2.0 */
/* kwh-backends: sqlite pg (tests/run.sh runs this suite on SQLite and on PostgreSQL) */
/* Operators and roles: first login, passwords, lock-out, the last admin, and the core
 * refusing a seller what only an admin may do. */
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

#include "kwhpos/core.h"
#include "check.h"
#include "site.h"
#include "ops.h"

static void login__first_run_system_must_change_the_password(void **state)
{
    char dir[] = "/tmp/kwhauth.XXXXXX", db[64], cmd[96];
    struct kwh_init_req req = {.area_code = "100200", .unit_name = "物业"};
    struct kwh_core *c;
    struct kwh_session s;
    struct kwh_err e;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/a.db", dir);
    assert_int_equal(core_init_site(db, &req, &e), 0);
    REFUSED(KWH_ECONFLICT, "already exists", core_init_site(db, &req, &e_));
    assert_int_equal(core_open(&c, db, &e), 0);
    assert_int_equal(auth_login(c, "system", "1", &s, &e), 0);
    assert_true(s.must_change_password);
    assert_int_equal(s.role, KWH_ROLE_ADMIN);
    /* nothing else until the password is changed */
    struct kwh_balance b;
    REFUSED(KWH_EPERM, "change your password", report_balance(c, &s, &b, &e_));
    REFUSED(KWH_EINVAL, "differ",
            auth_change_password(c, &s, "system", "1", "abcdef1", "abcdef2", &e_));
    REFUSED(KWH_EINVAL, "at least 6",
            auth_change_password(c, &s, "system", "1", "abc", "abc", &e_));
    REFUSED(KWH_EAUTH, "old password",
            auth_change_password(c, &s, "system", "2", "abcdef1", "abcdef1", &e_));
    assert_int_equal(auth_change_password(c, &s, "system", "1", "abcdef1", "abcdef1", &e), 0);
    assert_false(s.must_change_password);
    assert_int_equal(report_balance(c, &s, &b, &e), 0);
    REFUSED(KWH_EAUTH, "wrong", auth_login(c, "system", "1", &s, &e_));
    assert_int_equal(auth_login(c, "system", "abcdef1", &s, &e), 0);
    assert_false(s.must_change_password);
    core_close(c);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void login__locks_out_after_five_failures_for_a_growing_time(void **state)
{
    struct site *s = *state;
    struct kwh_session sess;
    struct kwh_err e;

    for (int i = 1; i <= 4; i++)
        REFUSED(KWH_EAUTH, "wrong operator name or password",
                auth_login(s->core, "clerk", "nope", &sess, &e_));
    REFUSED(KWH_EAUTH, "locked", auth_login(s->core, "clerk", "nope", &sess, &e_));
    /* even the right password is refused while locked */
    REFUSED(KWH_EAUTH, "locked", auth_login(s->core, "clerk", SITE_SELLER_PW, &sess, &e_));
    s->now += 61;
    for (int i = 1; i <= 5; i++)
        auth_login(s->core, "clerk", "nope", &sess, &e);
    s->now += 61; /* the second lock-out lasts 2 minutes */
    REFUSED(KWH_EAUTH, "locked", auth_login(s->core, "clerk", SITE_SELLER_PW, &sess, &e_));
    s->now += 60;
    assert_int_equal(auth_login(s->core, "clerk", SITE_SELLER_PW, &sess, &e), 0);
    assert_int_equal(sess.role, KWH_ROLE_SELLER);
    /* success resets: four failures do not lock */
    for (int i = 1; i <= 4; i++)
        auth_login(s->core, "clerk", "nope", &sess, &e);
    assert_int_equal(auth_login(s->core, "clerk", SITE_SELLER_PW, &sess, &e), 0);
    REFUSED(KWH_EAUTH, "wrong", auth_login(s->core, "nobody", "x", &sess, &e_));
}

static void login__says_the_same_for_a_name_that_exists_and_one_that_does_not(void **state)
{
    struct site *s = *state;
    struct kwh_session sess;
    struct kwh_err known, unknown;

    assert_int_equal(auth_login(s->core, "clerk", "nope", &sess, &known), KWH_EAUTH);
    assert_int_equal(auth_login(s->core, "nobody", "nope", &sess, &unknown), KWH_EAUTH);
    assert_string_equal(known.msg, unknown.msg);
    assert_null(strstr(known.msg, "left"));
}

/* Wrong passwords for one operator from `n` processes at once (terminals, a script). */
static void parallel_wrong_logins(struct site *s, int n)
{
    int go[2], status;
    pid_t kids[16];
    char byte = 0;

    assert_int_equal(pipe(go), 0);
    for (int i = 0; i < n; i++) {
        kids[i] = fork();
        assert_true(kids[i] >= 0);
        if (kids[i] == 0) {
            struct kwh_core *c = site_open_again(s);
            struct kwh_session sess;
            struct kwh_err e;
            close(go[1]);
            if (read(go[0], &byte, 1) < 0) /* all start together */
                _exit(2);
            _exit(auth_login(c, "clerk", "guess", &sess, &e) == KWH_EAUTH ? 0 : 1);
        }
    }
    close(go[0]);
    close(go[1]); /* end of file: every child goes */
    for (int i = 0; i < n; i++) {
        assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
}

static void login__parallel_attempts_check_at_most_five_passwords_and_lock_once(void **state)
{
    struct site *s = *state;
    struct kwh_session sess;
    struct kwh_err e;
    int64_t checked;

    /* checked passwords are those audited as failed (or locking) */
    for (int round = 1; round <= 3; round++) {
        parallel_wrong_logins(s, 8);
        checked = site_q1(s, "SELECT count(*) FROM audit WHERE op LIKE 'login-%' AND "
                             "subject = 'clerk'");
        assert_true(checked <= 5 * round);
        /* one lock-out per round, however many attempts ran at once */
        assert_int_equal(site_q1(s, "SELECT lockouts FROM operators WHERE name = 'clerk'"), round);
        REFUSED(KWH_EAUTH, "locked", auth_login(s->core, "clerk", SITE_SELLER_PW, &sess, &e_));
        s->now += 24 * 3600 + 1; /* past any lock-out */
    }
    assert_int_equal(auth_login(s->core, "clerk", SITE_SELLER_PW, &sess, &e), 0);
    assert_int_equal(site_q1(s, "SELECT lockouts + failed FROM operators WHERE name = 'clerk'"), 0);
}

static void unlock__by_an_admin_or_root_not_a_seller(void **state)
{
    struct site *s = *state;
    struct kwh_session sess;
    struct kwh_err e;

    for (int i = 0; i < 5; i++)
        auth_login(s->core, "system", "nope", &sess, &e);
    REFUSED(KWH_EAUTH, "kwhpos operator unlock system",
            auth_login(s->core, "system", SITE_ADMIN_PW, &sess, &e_));
    REFUSED(KWH_EPERM, "administrator", auth_unlock(s->core, &s->seller, "system", &e_));
    /* the only admin is locked out: root lifts it without logging in */
    assert_int_equal(auth_unlock_as_root(s->core, "system", &e), 0);
    assert_int_equal(auth_login(s->core, "system", SITE_ADMIN_PW, &sess, &e), 0);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'operator-unlock' AND "
                                "operator = 'root' AND subject = 'system'"),
                     1);
    for (int i = 0; i < 5; i++)
        auth_login(s->core, "clerk", "nope", &sess, &e);
    assert_int_equal(auth_unlock(s->core, &s->admin, "clerk", &e), 0);
    assert_int_equal(auth_login(s->core, "clerk", SITE_SELLER_PW, &sess, &e), 0);
    REFUSED(KWH_ENOTFOUND, "nobody", auth_unlock(s->core, &s->admin, "nobody", &e_));
}

static void password__a_seller_may_change_only_their_own(void **state)
{
    struct site *s = *state;
    struct kwh_session sess;
    struct kwh_err e;

    REFUSED(KWH_EPERM, "only their own",
            auth_change_password(s->core, &s->seller, "system", NULL, "hacked1", "hacked1", &e_));
    REFUSED(KWH_EPERM, "only their own",
            auth_change_password(s->core, &s->seller, "system", SITE_ADMIN_PW, "hacked1", "hacked1",
                                 &e_));
    assert_int_equal(auth_change_password(s->core, &s->seller, "clerk", SITE_SELLER_PW,
                                          "mine-now-2", "mine-now-2", &e),
                     0);
    assert_int_equal(auth_login(s->core, "clerk", "mine-now-2", &sess, &e), 0);
    /* an admin resets it without the old one; the seller must change it at login */
    assert_int_equal(
        auth_change_password(s->core, &s->admin, "clerk", NULL, "reset-pw-3", "reset-pw-3", &e), 0);
    assert_int_equal(auth_login(s->core, "clerk", "reset-pw-3", &sess, &e), 0);
    assert_true(sess.must_change_password);
}

static void operators__added_and_removed_by_admins_only(void **state)
{
    struct site *s = *state;
    struct kwh_operator *ops;
    struct kwh_session sess;
    size_t n;
    struct kwh_err e;

    REFUSED(KWH_EPERM, "administrator",
            auth_operator_add(s->core, &s->seller, "x", KWH_ROLE_SELLER, "pw1234", "pw1234", &e_));
    REFUSED(KWH_EINVAL, "name",
            auth_operator_add(s->core, &s->admin, "", KWH_ROLE_SELLER, "pw1234", "pw1234", &e_));
    REFUSED(KWH_EINVAL, "role",
            auth_operator_add(s->core, &s->admin, "李会计", 7, "pw1234", "pw1234", &e_));
    REFUSED(
        KWH_ECONFLICT, "already exists",
        auth_operator_add(s->core, &s->admin, "clerk", KWH_ROLE_SELLER, "pw1234", "pw1234", &e_));
    assert_int_equal(
        auth_operator_add(s->core, &s->admin, "李会计", KWH_ROLE_SELLER, "pw12345", "pw12345", &e),
        0);
    assert_int_equal(auth_login(s->core, "李会计", "pw12345", &sess, &e), 0);
    /* the administrator knows the password: the new operator must set their own first */
    assert_true(sess.must_change_password);
    REFUSED(KWH_EPERM, "change your password first",
            auth_operator_list(s->core, &sess, &ops, &n, &e_));
    assert_int_equal(
        auth_change_password(s->core, &sess, "李会计", "pw12345", "pw123456", "pw123456", &e), 0);
    assert_false(sess.must_change_password);
    assert_int_equal(auth_login(s->core, "李会计", "pw123456", &sess, &e), 0);
    assert_false(sess.must_change_password);
    assert_int_equal(auth_operator_list(s->core, &s->admin, &ops, &n, &e), 0);
    assert_int_equal(n, 3);
    free(ops);
    assert_int_equal(auth_operator_list(s->core, &s->seller, &ops, &n, &e), 0);
    assert_int_equal(n, 1); /* a seller sees only themselves */
    assert_string_equal(ops[0].name, "clerk");
    free(ops);
    REFUSED(KWH_EPERM, "administrator", auth_operator_delete(s->core, &s->seller, "李会计", &e_));
    assert_int_equal(auth_operator_delete(s->core, &s->admin, "李会计", &e), 0);
    REFUSED(KWH_EAUTH, "wrong", auth_login(s->core, "李会计", "pw123456", &sess, &e_));
    /* the name can be used again */
    assert_int_equal(
        auth_operator_add(s->core, &s->admin, "李会计", KWH_ROLE_ADMIN, "pw12345", "pw12345", &e),
        0);
}

static void operators__the_last_admin_stays(void **state)
{
    struct site *s = *state;
    struct kwh_session other;
    struct kwh_err e;

    REFUSED(KWH_ECONFLICT, "yourself", auth_operator_delete(s->core, &s->admin, "system", &e_));
    REFUSED(KWH_ECONFLICT, "last administrator",
            auth_operator_set_role(s->core, &s->admin, "system", KWH_ROLE_SELLER, &e_));
    assert_int_equal(
        auth_operator_add(s->core, &s->admin, "boss", KWH_ROLE_ADMIN, "boss-pw-1", "boss-pw-1", &e),
        0);
    assert_int_equal(auth_login(s->core, "boss", "boss-pw-1", &other, &e), 0);
    assert_int_equal(
        auth_change_password(s->core, &other, "boss", "boss-pw-1", "boss-pw-2", "boss-pw-2", &e),
        0);
    assert_int_equal(auth_operator_set_role(s->core, &other, "system", KWH_ROLE_SELLER, &e), 0);
    REFUSED(KWH_ECONFLICT, "last administrator",
            auth_operator_set_role(s->core, &other, "boss", KWH_ROLE_SELLER, &e_));
    REFUSED(KWH_ECONFLICT, "last administrator",
            auth_operator_delete(s->core, &s->admin, "boss", &e_));
}

/* Every admin-only service refuses a seller in the core itself. */
static void roles__a_seller_is_refused_every_admin_operation(void **state)
{
    struct site *s = *state;
    struct kwh_site site;
    struct kwh_account_req a = site_account(s, 12345678, "x");
    struct kwh_meter_change_req m = {0};
    struct kwh_meter_params mp = {0, 60, 100, 100, 100, 1};
    int64_t id;
    struct kwh_err e;

    assert_int_equal(settings_get(s->core, &site, &e), 0);
    REFUSED(KWH_EPERM, "administrator", settings_set_unit(s->core, &s->seller, "x", "y", &e_));
    REFUSED(KWH_EPERM, "administrator",
            settings_set_area_code(s->core, &s->seller, "111111", false, &e_));
    REFUSED(KWH_EPERM, "administrator", settings_set_limits(s->core, &s->seller, &site, &e_));
    REFUSED(KWH_EPERM, "administrator", tariff_add(s->core, &s->seller, "x", 100, &id, &e_));
    REFUSED(KWH_EPERM, "administrator",
            tariff_update(s->core, &s->seller, s->tariff_home, "x", 100, &e_));
    REFUSED(KWH_EPERM, "administrator", tariff_delete(s->core, &s->seller, s->tariff_shop, &e_));
    REFUSED(KWH_EPERM, "administrator",
            auth_operator_set_role(s->core, &s->seller, "clerk", KWH_ROLE_ADMIN, &e_));
    REFUSED(KWH_EPERM, "administrator",
            ops_meter_change(s->core, &s->seller, 10000001, &m, NULL, NULL, &e_));
    REFUSED(KWH_EPERM, "administrator", ops_edit(s->core, &s->seller, 10000001, &a, NULL, &e_));
    REFUSED(KWH_EPERM, "administrator", ops_tool(s->core, &s->seller, KWH_CARD_TEST, NULL, &e_));
    REFUSED(KWH_EPERM, "administrator",
            ops_tool(s->core, &s->seller, KWH_CARD_MANAGEMENT, &mp, &e_));
    /* and nothing was written to the card */
    for (int i = 4; i < KWH_CARD_SIZE; i++)
        assert_int_equal(s->card->img[i], 0xFF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(login__first_run_system_must_change_the_password),
        cmocka_unit_test_setup_teardown(login__locks_out_after_five_failures_for_a_growing_time,
                                        site_setup, site_teardown),
        cmocka_unit_test_setup_teardown(
            login__says_the_same_for_a_name_that_exists_and_one_that_does_not, site_setup,
            site_teardown),
        cmocka_unit_test_setup_teardown(
            login__parallel_attempts_check_at_most_five_passwords_and_lock_once, site_setup,
            site_teardown),
        cmocka_unit_test_setup_teardown(unlock__by_an_admin_or_root_not_a_seller, site_setup,
                                        site_teardown),
        cmocka_unit_test_setup_teardown(password__a_seller_may_change_only_their_own, site_setup,
                                        site_teardown),
        cmocka_unit_test_setup_teardown(operators__added_and_removed_by_admins_only, site_setup,
                                        site_teardown),
        cmocka_unit_test_setup_teardown(operators__the_last_admin_stays, site_setup, site_teardown),
        cmocka_unit_test_setup_teardown(roles__a_seller_is_refused_every_admin_operation,
                                        site_setup, site_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
