/* SPDX-License-Identifier: Apache-2.0 */
/* kwh-backends: sqlite pg (tests/run.sh runs this suite on SQLite and on PostgreSQL) */
/* Invoices in the core: numbers without gaps (voided attempts never take one), the
 * invoice by number, the 补打 list, reprints counted and audited, first copies, role
 * rules, and the schema migration that added the first copy's time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "check.h"
#include "fakecard.h"
#include "kwhpos/invoice.h"
#include "kwhpos/print.h"
#include "store/store.h"
#include "kwhpos/util.h"
#include "site.h"
#include "ops.h"
#include "store/sql.h"

static struct kwh_purchase_req by_kwh(int64_t ckwh)
{
    return (struct kwh_purchase_req){KWH_BY_KWH, ckwh, 0, KWH_PAY_CASH, ""};
}

/* The card's purchase reaches the meter, then a sale; fails the test on error. */
static int64_t sell(struct site *s, const struct kwh_session *who, uint32_t no, int64_t ckwh)
{
    struct kwh_purchase_req p = by_kwh(ckwh);
    struct kwh_receipt r;
    struct kwh_err e;
    site_meter_loads(s, 1000);
    if (ops_sell(s->core, who, no, &p, &r, &e) < 0)
        fail_msg("sell: %s", e.msg);
    return r.sale.invoice_no;
}

/* Numbers run 1..n with no gap, one per done or cancelled sale, none on others. */
static void expect_gapless(struct site *s)
{
    int64_t numbered = site_q1(s, "SELECT count(invoice_no) FROM sales");
    assert_int_equal(site_q1(s, "SELECT coalesce(max(invoice_no), 0) FROM sales"), numbered);
    assert_int_equal(site_q1(s, "SELECT count(DISTINCT invoice_no) FROM sales"), numbered);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM sales WHERE state IN (1, 3)"), numbered);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM sales WHERE state IN (0, 2) "
                                "AND invoice_no IS NOT NULL"),
                     0);
}

static void audit_intact(struct site *s)
{
    int64_t checked, bad;
    struct kwh_err e;
    if (audit_verify(s->core, &checked, &bad, &e) < 0)
        fail_msg("verify: %s", e.msg);
    assert_int_equal(bad, 0);
    assert_true(checked > 0);
}

/* --- numbering ----------------------------------------------------------------------- */

static void numbering__is_gapless_and_voided_attempts_never_take_one(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(1000);
    struct kwh_card_view view;
    struct kwh_receipt r;
    struct kwh_err e;
    uint32_t no = site_open(s, 12345678, 10000);
    int voided = 0, done = 1;

    /* the card pulled at every few steps of a sale: nothing written, or the write
     * completes and is found on the card when it is read again */
    for (long k = 0; k < 80; k += 3) {
        site_meter_loads(s, 1000);
        s->card->steps = 0;
        s->card->fail_after = k;
        int rc = ops_sell(s->core, &s->seller, no, &p, &r, &e);
        fakecard_reinsert(s->card);
        if (cardview_read(s->core, &s->seller, &view, &e) < 0)
            fail_msg("read after a pull at %ld: %s", k, e.msg);
        if (rc == 0 || view.settled_done > 0)
            done++;
        else
            voided++;
        expect_gapless(s);
    }
    assert_true(voided > 5);
    assert_true(site_q1(s, "SELECT count(*) FROM sales WHERE state = 2") >= voided);
    assert_int_equal(site_q1(s, "SELECT max(invoice_no) FROM sales"), done);
    /* and the next good sale takes the next number */
    assert_int_equal(sell(s, &s->seller, no, 1000), done + 1);
    expect_gapless(s);
    audit_intact(s);
}

static void numbering__a_resale_keeps_the_cancelled_number_and_refuses_its_invoice(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = by_kwh(3000);
    struct kwh_receipt r;
    struct kwh_sale *list;
    size_t n;
    struct invoice_query q = {0};
    uint32_t no = site_open(s, 12345678, 10000);
    int64_t first = sell(s, &s->seller, no, 2000);

    assert_int_equal(first, 2);
    assert_int_equal(ops_resell(s->core, &s->seller, no, &p, &r, NULL), 0);
    assert_int_equal(r.sale.invoice_no, 3);
    expect_gapless(s);
    assert_int_equal(invoice_list(s->core, &s->seller, &q, &list, &n, NULL), 0);
    assert_int_equal(n, 3);
    assert_int_equal(list[0].invoice_no, 3);
    assert_int_equal(list[1].invoice_no, 2);
    assert_int_equal(list[1].state, KWH_STATE_CANCELLED);
    free(list);
    REFUSED(KWH_ECONFLICT, "print invoice 3 instead",
            invoice_original(s->core, &s->seller, 2, &r, &e_));
    REFUSED(KWH_ECONFLICT, "重新售电", invoice_reprint(s->core, &s->seller, 2, &r, &e_));
    assert_int_equal(site_q1(s, "SELECT reprints FROM sales WHERE invoice_no = 2"), 0);
    assert_int_equal(invoice_original(s->core, &s->seller, 3, &r, NULL), 0);
}

static void numbering__two_terminals_take_turns_without_sharing_a_number(void **state)
{
    struct site *s = *state;
    struct kwh_core *first = s->core, *other = site_open_again(s);
    uint32_t no = site_open(s, 11111111, 1000);

    for (int i = 0; i < 8; i++) {
        s->core = i % 2 ? other : first;
        assert_int_equal(sell(s, i % 3 ? &s->seller : &s->admin, no, 500), 2 + i);
    }
    s->core = first;
    core_close(other);
    expect_gapless(s);
}

/* --- one invoice ----------------------------------------------------------------------- */

static void get__returns_the_sale_with_its_account_and_the_unit(void **state)
{
    struct site *s = *state;
    struct kwh_receipt r;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_err e;

    assert_int_equal(invoice_get(s->core, &s->admin, 1, &r, &e), 0);
    assert_int_equal(r.sale.invoice_no, 1);
    assert_int_equal(r.sale.kind, KWH_OP_OPEN);
    assert_int_equal(r.sale.energy_ckwh, 10000);
    assert_int_equal(r.sale.reprints, 0);
    assert_int_equal(r.sale.printed, 0);
    assert_string_equal(r.sale.operator_name, "clerk");
    assert_int_equal(r.customer.customer_no, no);
    assert_string_equal(r.customer.name, "张三");
    assert_string_equal(r.unit_name, "测试物业");
    assert_string_equal(r.unit_phone, "0571-1234567");

    REFUSED(KWH_ENOTFOUND, "no invoice 2", invoice_get(s->core, &s->admin, 2, &r, &e_));
    REFUSED(KWH_EINVAL, "1 or more", invoice_get(s->core, &s->admin, 0, &r, &e_));
    REFUSED(KWH_EINVAL, "1 or more", invoice_get(s->core, &s->admin, -5, &r, &e_));
}

/* A reprint after a transfer and a tariff rename still names what was sold, to whom. */
static void get__shows_the_names_as_at_the_sale(void **state)
{
    struct site *s = *state;
    struct kwh_receipt r;
    struct print_vars *v;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_err e;

    assert_int_equal(ops_transfer(s->core, &s->seller, no, "新户主", "二号楼", "139", &e), 0);
    assert_int_equal(tariff_update(s->core, &s->admin, s->tariff_home, "居民阶梯电价", 5283, &e),
                     0);
    assert_int_equal(invoice_get(s->core, &s->admin, 1, &r, &e), 0);
    assert_string_equal(r.sale.customer_name, "张三");
    assert_string_equal(r.sale.customer_address, "一号楼 101");
    assert_string_equal(r.sale.tariff_name, "居民生活用电");
    assert_string_equal(r.customer.name, "新户主"); /* the account as it is now */
    v = print_vars_new();
    assert_non_null(v);
    assert_int_equal(print_vars_from_receipt(v, &r, 0, &e), 0);
    assert_string_equal(print_vars_get(v, PRINT_VAR_CUSTOMER), "张三");
    assert_string_equal(print_vars_get(v, PRINT_VAR_ADDRESS), "一号楼 101");
    assert_string_equal(print_vars_get(v, PRINT_VAR_TARIFF), "居民生活用电");
    print_vars_free(v);
}

/* A sale to an account with no address keeps none on its invoice, whatever address the
   account is given later. */
static void get__an_address_given_after_the_sale_is_not_the_invoices(void **state)
{
    struct site *s = *state;
    struct kwh_account_req a = site_account(s, 22223333, "王五");
    struct kwh_purchase_req p = {KWH_BY_KWH, 1000, 0, KWH_PAY_CASH, ""};
    struct kwh_receipt r;
    struct print_vars *v;
    struct kwh_err e;

    a.address[0] = '\0';
    a.phone[0] = '\0';
    fakecard_blank(s->card);
    assert_int_equal(ops_open(s->core, &s->seller, &a, &p, &r, &e), 0);
    str_copy(a.address, sizeof a.address, "后来登记的地址");
    assert_int_equal(ops_edit(s->core, &s->admin, r.customer.customer_no, &a, NULL, &e), 0);
    assert_int_equal(invoice_get(s->core, &s->admin, r.sale.invoice_no, &r, &e), 0);
    assert_string_equal(r.customer.address, "后来登记的地址");
    v = print_vars_new();
    assert_non_null(v);
    assert_int_equal(print_vars_from_receipt(v, &r, 0, &e), 0);
    assert_string_equal(print_vars_get(v, PRINT_VAR_CUSTOMER), "王五");
    assert_string_equal(print_vars_get(v, PRINT_VAR_ADDRESS), "");
    assert_string_equal(print_vars_get(v, PRINT_VAR_CUSTOMER_TEL), "");
    print_vars_free(v);
}

static void original__is_refused_once_a_copy_left(void **state)
{
    struct site *s = *state;
    struct kwh_receipt r;
    struct kwh_err e;
    int64_t audits;

    site_open(s, 12345678, 10000);
    assert_int_equal(invoice_original(s->core, &s->seller, 1, &r, &e), 0);
    audits = site_q1(s, "SELECT count(*) FROM audit");
    s->now += 60;
    assert_int_equal(invoice_printed(s->core, &s->seller, 1, 0, "queue receipt job 7", &e), 0);
    assert_int_equal(site_q1(s, "SELECT printed FROM sales WHERE invoice_no = 1"), s->now);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'invoice-print' AND "
                                "subject = 'invoice 1' AND after LIKE 'copy=original%job 7'"),
                     1);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit"), audits + 1);
    REFUSED(KWH_ECONFLICT, "already printed", invoice_original(s->core, &s->seller, 1, &r, &e_));

    /* a later copy keeps the first copy's time */
    s->now += 60;
    assert_int_equal(invoice_reprint(s->core, &s->seller, 1, &r, &e), 0);
    assert_int_equal(invoice_printed(s->core, &s->seller, 1, r.sale.reprints, "file x", &e), 0);
    assert_int_equal(site_q1(s, "SELECT printed FROM sales WHERE invoice_no = 1"), s->now - 60);
    audit_intact(s);
}

static void jobs__a_copy_on_its_way_holds_the_original_until_its_fate_is_known(void **state)
{
    struct site *s = *state;
    struct invoice_job orig = {.invoice_no = 1, .reprint = 0, .job_id = 41, .queue = "receipt"};
    struct invoice_job copy = {.invoice_no = 1, .reprint = 1, .job_id = 42, .queue = "receipt"};
    struct invoice_job *open;
    struct kwh_receipt r;
    struct kwh_core *other = site_open_again(s);
    struct kwh_err e;
    size_t n;

    site_open(s, 12345678, 10000);
    assert_int_equal(invoice_job_begin(s->core, &s->seller, &orig, &e), 0);
    /* another terminal may not print a second original meanwhile */
    REFUSED(KWH_ECONFLICT, "job 41", invoice_original(other, &s->seller, 1, &r, &e_));
    REFUSED(KWH_ECONFLICT, "job 41", invoice_job_begin(other, &s->seller, &orig, &e_));
    /* a 补打 copy may go as well: both are remembered */
    assert_int_equal(invoice_job_begin(other, &s->seller, &copy, &e), 0);
    assert_int_equal(invoice_jobs_open(s->core, &open, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(open[0].job_id, 41);
    assert_int_equal(open[1].reprint, 1);
    assert_string_equal(open[1].queue, "receipt");
    free(open);
    /* the 补打 did not print; the original, found later, did */
    assert_int_equal(invoice_job_end(s->core, &s->seller, &copy, false, "canceled", &e), 0);
    REFUSED(KWH_ECONFLICT, "not known yet", invoice_original(s->core, &s->seller, 1, &r, &e_));
    assert_int_equal(site_q1(s, "SELECT printed FROM sales WHERE invoice_no = 1"), 0);
    assert_int_equal(invoice_job_end(s->core, &s->seller, &orig, true, "printed (found later)", &e),
                     0);
    assert_true(site_q1(s, "SELECT printed FROM sales WHERE invoice_no = 1") > 0);
    assert_int_equal(invoice_jobs_open(s->core, &open, &n, &e), 0);
    assert_int_equal(n, 0);
    REFUSED(KWH_ECONFLICT, "already printed", invoice_original(s->core, &s->seller, 1, &r, &e_));
    REFUSED(KWH_ECONFLICT, "printed meanwhile", invoice_job_begin(other, &s->seller, &orig, &e_));
    assert_int_equal(site_q1(s,
                             "SELECT count(*) FROM audit WHERE op = 'invoice-print' AND after "
                             "LIKE 'copy=original to=queue receipt job 41 printed (found later)'"),
                     1);
    audit_intact(s);
    core_close(other);
}

static void reprint__counts_each_copy_and_audits_it(void **state)
{
    struct site *s = *state;
    struct kwh_receipt r;
    struct kwh_err e;
    uint32_t no = site_open(s, 12345678, 10000);

    sell(s, &s->seller, no, 1000);
    for (int i = 1; i <= 3; i++) {
        assert_int_equal(invoice_reprint(s->core, i == 2 ? &s->admin : &s->seller, 2, &r, &e), 0);
        assert_int_equal(r.sale.reprints, i);
        assert_int_equal(r.sale.invoice_no, 2);
        assert_string_equal(r.customer.name, "张三");
    }
    assert_int_equal(invoice_get(s->core, &s->seller, 2, &r, &e), 0);
    assert_int_equal(r.sale.reprints, 3);
    assert_int_equal(site_q1(s, "SELECT reprints FROM sales WHERE invoice_no = 1"), 0);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'invoice-reprint' "
                                "AND subject = 'invoice 2'"),
                     3);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'invoice-reprint' "
                                "AND operator = 'system' AND before = 'reprints=1' "
                                "AND after = 'reprints=2'"),
                     1);
    audit_intact(s);
    /* the sale itself is untouched */
    assert_int_equal(r.sale.state, KWH_STATE_DONE);
    assert_int_equal(r.sale.energy_ckwh, 1000);
}

static void reprint__of_an_unknown_invoice_writes_nothing(void **state)
{
    struct site *s = *state;
    struct kwh_receipt r;
    int64_t audits;

    site_open(s, 12345678, 10000);
    audits = site_q1(s, "SELECT count(*) FROM audit");
    REFUSED(KWH_ENOTFOUND, "no invoice 9", invoice_reprint(s->core, &s->seller, 9, &r, &e_));
    REFUSED(KWH_EINVAL, "1 or more", invoice_reprint(s->core, &s->seller, 0, &r, &e_));
    REFUSED(KWH_EINVAL, "1 or more", invoice_printed(s->core, &s->seller, 0, 0, "", &e_));
    REFUSED(KWH_EINVAL, "0 or more", invoice_printed(s->core, &s->seller, 1, -1, "", &e_));
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit"), audits);
    assert_int_equal(site_q1(s, "SELECT sum(reprints) + sum(printed) FROM sales"), 0);
}

/* --- the 补打 list ----------------------------------------------------------------------- */

static void list__newest_first_with_paging_and_filters(void **state)
{
    struct site *s = *state;
    struct invoice_query q;
    struct kwh_sale *l;
    size_t n;
    int64_t day1 = s->now;
    uint32_t no = site_open(s, 12345678, 10000); /* 1: clerk, day 1 */

    sell(s, &s->seller, no, 1000); /* 2: clerk, day 1 */
    s->now += 86400;
    sell(s, &s->admin, no, 1000);                  /* 3: system, day 2 */
    sell(s, &s->seller, no, 1000);                 /* 4: clerk, day 2 */
    uint32_t other = site_open(s, 22222222, 5000); /* 5: clerk, day 2, other account */

    memset(&q, 0, sizeof q);
    assert_int_equal(invoice_list(s->core, &s->seller, &q, &l, &n, NULL), 0);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(l[i].invoice_no, 5 - (int64_t)i);
    assert_int_equal(l[0].customer_no, other);
    free(l);

    q.limit = 2;
    assert_int_equal(invoice_list(s->core, &s->seller, &q, &l, &n, NULL), 0);
    assert_int_equal(n, 2);
    q.below = l[1].invoice_no;
    free(l);
    assert_int_equal(invoice_list(s->core, &s->seller, &q, &l, &n, NULL), 0);
    assert_int_equal(n, 2);
    assert_int_equal(l[0].invoice_no, 3);
    assert_int_equal(l[1].invoice_no, 2);
    free(l);

    memset(&q, 0, sizeof q);
    q.operator_name = "system";
    assert_int_equal(invoice_list(s->core, &s->seller, &q, &l, &n, NULL), 0);
    assert_int_equal(n, 1);
    assert_int_equal(l[0].invoice_no, 3);
    assert_string_equal(l[0].operator_name, "system");
    free(l);

    memset(&q, 0, sizeof q);
    q.from = day1;
    q.to = day1 + 86400;
    assert_int_equal(invoice_list(s->core, &s->seller, &q, &l, &n, NULL), 0);
    assert_int_equal(n, 2);
    assert_int_equal(l[0].invoice_no, 2);
    free(l);

    memset(&q, 0, sizeof q);
    q.customer_no = no;
    q.operator_name = "clerk";
    q.from = day1 + 86400;
    assert_int_equal(invoice_list(s->core, &s->seller, &q, &l, &n, NULL), 0);
    assert_int_equal(n, 1);
    assert_int_equal(l[0].invoice_no, 4);
    free(l);

    memset(&q, 0, sizeof q);
    q.operator_name = "nobody";
    assert_int_equal(invoice_list(s->core, &s->seller, &q, &l, &n, NULL), 0);
    assert_int_equal(n, 0);
    assert_null(l);

    memset(&q, 0, sizeof q);
    q.limit = 1001;
    REFUSED(KWH_EINVAL, "1000", invoice_list(s->core, &s->seller, &q, &l, &n, &e_));
    q.limit = -1;
    REFUSED(KWH_EINVAL, "1000", invoice_list(s->core, &s->seller, &q, &l, &n, &e_));
    memset(&q, 0, sizeof q);
    q.from = day1 + 10;
    q.to = day1;
    REFUSED(KWH_EINVAL, "ends before", invoice_list(s->core, &s->seller, &q, &l, &n, &e_));
}

/* --- roles ------------------------------------------------------------------------------ */

static void roles__every_operator_prints_and_reprints_only_admins_restore_forms(void **state)
{
    struct site *s = *state;
    struct kwh_session nobody = {0}, forced = s->seller;
    struct invoice_query q = {0};
    struct kwh_receipt r;
    struct kwh_sale *l;
    size_t n;
    int64_t audits;

    forced.must_change_password = true;
    site_open(s, 12345678, 10000);
    audits = site_q1(s, "SELECT count(*) FROM audit");
    const struct kwh_session *refused[] = {NULL, &nobody, &forced};
    for (size_t i = 0; i < 3; i++) {
        const struct kwh_session *who = refused[i];
        REFUSED(KWH_EPERM, "", invoice_get(s->core, who, 1, &r, &e_));
        REFUSED(KWH_EPERM, "", invoice_list(s->core, who, &q, &l, &n, &e_));
        REFUSED(KWH_EPERM, "", invoice_original(s->core, who, 1, &r, &e_));
        REFUSED(KWH_EPERM, "", invoice_reprint(s->core, who, 1, &r, &e_));
        REFUSED(KWH_EPERM, "", invoice_printed(s->core, who, 1, 0, "x", &e_));
        REFUSED(KWH_EPERM, "", invoice_form_allowed(who, INVOICE_FORM_SAVE, &e_));
        REFUSED(KWH_EPERM, "", invoice_form_done(s->core, who, INVOICE_FORM_BACKUP, "f", "b", &e_));
    }
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit"), audits);

    assert_int_equal(invoice_form_allowed(&s->seller, INVOICE_FORM_SAVE, NULL), 0);
    assert_int_equal(invoice_form_allowed(&s->seller, INVOICE_FORM_BACKUP, NULL), 0);
    REFUSED(KWH_EPERM, "管理员", invoice_form_allowed(&s->seller, INVOICE_FORM_RESTORE, &e_));
    REFUSED(KWH_EPERM, "发票恢复",
            invoice_form_done(s->core, &s->seller, INVOICE_FORM_RESTORE, "forms/a.form", "a-1.form",
                              &e_));
    REFUSED(KWH_EINVAL, "no such form operation", invoice_form_allowed(&s->admin, 7, &e_));
    assert_int_equal(invoice_form_allowed(&s->admin, INVOICE_FORM_RESTORE, NULL), 0);
    assert_int_equal(invoice_form_done(s->core, &s->admin, INVOICE_FORM_RESTORE, "forms/a.form",
                                       "a-20261124-060000.form", NULL),
                     0);
    assert_int_equal(invoice_form_done(s->core, &s->seller, INVOICE_FORM_BACKUP, "forms/a.form",
                                       "a-20261124-060001.form", NULL),
                     0);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'form-restore' AND "
                                "operator = 'system' AND after = 'a-20261124-060000.form'"),
                     1);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'form-backup' AND "
                                "operator = 'clerk'"),
                     1);

    /* a seller prints and reprints any invoice, an admin's too */
    assert_int_equal(invoice_original(s->core, &s->seller, 1, &r, NULL), 0);
    assert_int_equal(invoice_reprint(s->core, &s->seller, 1, &r, NULL), 0);
    assert_int_equal(invoice_printed(s->core, &s->seller, 1, 1, "x", NULL), 0);
    audit_intact(s);
}

/* --- schema ------------------------------------------------------------------------------ */

static void migration__a_version_1_database_gains_the_first_copy_time(void **state)
{
    struct site *s = *state;
    struct kwh_receipt r;
    struct kwh_err e;

    site_open(s, 12345678, 10000);
    core_close(s->core);
    s->core = NULL;
    if (site_is_pg()) {
        /* PostgreSQL starts at the current schema; a newer one than the program is
           refused, and the version table is what says so */
        struct kwh_core *c;
        struct store *db = site_store(s);
        char msg[64];
        snprintf(msg, sizeof msg, "UPDATE schema_version SET version = %d",
                 STORE_SCHEMA_VERSION + 1);
        assert_int_equal(sql_exec(db, msg, &e), 0);
        assert_int_equal(core_open(&c, s->db, &e), KWH_EINVAL);
        assert_non_null(strstr(e.msg, "newer than this program"));
        snprintf(msg, sizeof msg, "UPDATE schema_version SET version = %d", STORE_SCHEMA_VERSION);
        assert_int_equal(sql_exec(db, msg, &e), 0);
        store_close(db);
        s->core = site_open_again(s);
        assert_int_equal(site_q1(s, "SELECT version FROM schema_version"), STORE_SCHEMA_VERSION);
    } else {
        site_schema_back_to_5(s, "ALTER TABLE sales DROP COLUMN printed; "
                                 "ALTER TABLE sales DROP COLUMN customer_name; "
                                 "ALTER TABLE sales DROP COLUMN customer_address; "
                                 "ALTER TABLE sales DROP COLUMN customer_phone; "
                                 "ALTER TABLE sales DROP COLUMN tariff_name; "
                                 "ALTER TABLE card_ops DROP COLUMN not_written; "
                                 "PRAGMA user_version = 1;");
        /* (the columns are gone: the drops above fail the test otherwise) */
        s->core = site_open_again(s);
        assert_int_equal(site_q1(s, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
        assert_int_equal(site_q1(s, "SELECT count(*) FROM pragma_table_info('sales') "
                                    "WHERE name = 'printed'"),
                         1);
        {
            /* the upgrade kept the database as it was beside it, readable by the group only */
            char kept[1100];
            struct stat sb;
            sqlite3 *db;
            sqlite3_stmt *st;
            snprintf(kept, sizeof kept, "%s.schema-v1.db", s->db);
            assert_int_equal(stat(kept, &sb), 0);
            assert_int_equal(sb.st_mode & 0777, 0640);
            assert_int_equal(sqlite3_open_v2(kept, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
            assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL),
                             SQLITE_OK);
            assert_int_equal(sqlite3_step(st), SQLITE_ROW);
            assert_int_equal(sqlite3_column_int(st, 0), 1);
            sqlite3_finalize(st);
            sqlite3_close(db);
        }
    }
    assert_true(STORE_SCHEMA_VERSION >= 2);
    assert_int_equal(invoice_original(s->core, &s->seller, 1, &r, &e), 0);
    assert_int_equal(r.sale.printed, 0);
    assert_int_equal(invoice_printed(s->core, &s->seller, 1, 0, "x", &e), 0);
    assert_int_equal(invoice_get(s->core, &s->seller, 1, &r, &e), 0);
    assert_int_equal(r.sale.printed, s->now);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, site_setup, site_teardown)
        T(numbering__is_gapless_and_voided_attempts_never_take_one),
        T(numbering__a_resale_keeps_the_cancelled_number_and_refuses_its_invoice),
        T(numbering__two_terminals_take_turns_without_sharing_a_number),
        T(get__returns_the_sale_with_its_account_and_the_unit),
        T(get__shows_the_names_as_at_the_sale),
        T(get__an_address_given_after_the_sale_is_not_the_invoices),
        T(original__is_refused_once_a_copy_left),
        T(jobs__a_copy_on_its_way_holds_the_original_until_its_fate_is_known),
        T(reprint__counts_each_copy_and_audits_it),
        T(reprint__of_an_unknown_invoice_writes_nothing),
        T(list__newest_first_with_paging_and_filters),
        T(roles__every_operator_prints_and_reprints_only_admins_restore_forms),
        T(migration__a_version_1_database_gains_the_first_copy_time),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
