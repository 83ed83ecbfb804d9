/* SPDX-License-Identifier: Apache-2.0 */
/* kwh-backends: sqlite pg (tests/run.sh runs this suite on SQLite and on PostgreSQL) */
/* Oversight (SPEC B10, B13): the area tree and its rules, the operators' scope per core
 * service, the card blacklist and the copies refused at the counter, the customer
 * search, and the migration of a version-5 site (every account into the root). */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakecard.h"
#include "kwhpos/core.h"
#include "kwhpos/data.h"
#include "kwhpos/invoice.h"
#include "kwhpos/money.h"
#include "kwhpos/oversight.h"
#include "kwhpos/query.h"
#include "kwhpos/util.h"
#include "check.h"
#include "site.h"
#include "ops.h"

#define OK(call)                                                                                   \
    do {                                                                                           \
        if ((call) < 0)                                                                            \
            fail_msg("%s: %s", #call, e.msg);                                                      \
    } while (0)

static int64_t add(struct site *s, int64_t parent, const char *name)
{
    int64_t id;
    struct kwh_err e;
    OK(area_add(s->core, &s->admin, parent, name, &id, &e));
    return id;
}

/* Opens an account in area (a fresh blank card) with 10 kWh, as who. */
static int open_in(struct site *s, const struct kwh_session *who, uint32_t meter, const char *name,
                   int64_t area, uint32_t *no, struct kwh_err *e)
{
    struct kwh_account_req a = site_account(s, meter, name);
    struct kwh_purchase_req p = {KWH_BY_KWH, 1000, 0, KWH_PAY_CASH, ""};
    struct kwh_receipt r;
    int rc;
    a.area_id = area;
    fakecard_blank(s->card);
    rc = ops_open(s->core, who, &a, &p, &r, e);
    if (rc == 0 && no != NULL)
        *no = r.customer.customer_no;
    return rc;
}

static void areas__the_tree_refuses_cycles_depth_bad_names_and_deleting_what_is_used(void **state)
{
    struct site *s = *state;
    struct kwh_area *list, found;
    struct kwh_err e;
    size_t n;
    int64_t a, a1, b, deep, id;
    uint32_t no;

    a = add(s, 0, "园区A");
    a1 = add(s, a, "1栋");
    b = add(s, 0, "园区B");
    /* the same name twice under one parent, a '/', an empty name, a seller */
    assert_int_equal(area_add(s->core, &s->admin, a, "1栋", &id, &e), KWH_ECONFLICT);
    assert_int_equal(area_add(s->core, &s->admin, a, "1/2", &id, &e), KWH_EINVAL);
    assert_non_null(strstr(e.msg, "'/'"));
    assert_int_equal(area_add(s->core, &s->admin, a, "", &id, &e), KWH_EINVAL);
    assert_int_equal(area_add(s->core, &s->seller, a, "2栋", &id, &e), KWH_EPERM);
    assert_int_equal(area_add(s->core, &s->admin, 999999, "x", &id, &e), KWH_ENOTFOUND);
    /* a cycle: 园区A under its own 1栋, or under itself */
    assert_int_equal(area_move(s->core, &s->admin, a, a1, &e), KWH_EINVAL);
    assert_int_equal(area_move(s->core, &s->admin, a, a, &e), KWH_EINVAL);
    /* six levels below the root, not seven */
    deep = a1;
    for (int i = 3; i <= 6; i++) {
        char nm[16];
        snprintf(nm, sizeof nm, "L%d", i);
        deep = add(s, deep, nm);
    }
    assert_int_equal(area_add(s->core, &s->admin, deep, "L7", &id, &e), KWH_EINVAL);
    /* moving 园区A (5 levels deep below it) under 园区B would make 7 */
    assert_int_equal(area_move(s->core, &s->admin, a, b, &e), KWH_EINVAL);
    OK(area_move(s->core, &s->admin, a1, b, &e));
    OK(area_find(s->core, "园区B/1栋/L3", &found, &e));
    assert_int_equal(found.depth, 3);
    assert_string_equal(found.title, "园区B/1栋/L3");
    OK(area_move(s->core, &s->admin, a1, a, &e));
    OK(area_rename(s->core, &s->admin, a1, "一栋", &e));
    assert_int_equal(area_find(s->core, "园区A/1栋", &found, &e), KWH_ENOTFOUND);
    OK(area_find(s->core, "园区A/一栋", &found, &e));
    assert_int_equal(found.id, a1);

    /* an account in 一栋: neither it nor 园区A can go */
    OK(open_in(s, &s->seller, 20240001, "张三", a1, &no, &e));
    assert_int_equal(area_delete(s->core, &s->admin, a1, &e), KWH_ECONFLICT);
    assert_int_equal(area_delete(s->core, &s->admin, a, &e), KWH_ECONFLICT);
    OK(area_delete(s->core, &s->admin, b, &e));
    assert_int_equal(area_find(s->core, "园区B", &found, &e), KWH_ENOTFOUND);

    /* the list: the root first, each followed by its subtree, with the accounts below */
    OK(area_list(s->core, &s->admin, &list, &n, &e));
    assert_int_equal(n, 7); /* root, 园区A, 一栋, L3..L6 */
    assert_int_equal(list[0].depth, 0);
    assert_int_equal(list[0].accounts, 1);
    assert_string_equal(list[1].name, "园区A");
    assert_int_equal(list[1].accounts, 1);
    assert_string_equal(list[2].title, "园区A/一栋");
    assert_int_equal(list[3].accounts, 0);
    id = list[0].id;
    free(list);
    /* the account moves to the root: 一栋 still holds L3, but L6 goes */
    assert_int_equal(area_assign(s->core, &s->seller, no, id, &e), KWH_EPERM);
    OK(area_assign(s->core, &s->admin, no, id, &e));
    assert_int_equal(area_delete(s->core, &s->admin, a1, &e), KWH_ECONFLICT);
    OK(area_delete(s->core, &s->admin, deep, &e));
    OK(area_list(s->core, &s->admin, &list, &n, &e));
    assert_int_equal(n, 6);
    assert_int_equal(list[1].accounts, 0);
    free(list);
    assert_true(site_q1(s, "SELECT count(*) FROM audit WHERE op LIKE 'area-%'") >= 10);
}

static void scope__a_limited_operator_acts_and_looks_only_inside_their_areas(void **state)
{
    struct site *s = *state;
    struct kwh_customer_filter cf;
    struct kwh_customer_page cp;
    struct kwh_sale_filter sf;
    struct kwh_sale_page sp;
    struct kwh_search_page hits;
    struct kwh_area *list;
    struct kwh_area_row *rows;
    struct kwh_purchase_req p = {KWH_BY_KWH, 500, 0, KWH_PAY_CASH, ""};
    struct kwh_receipt r;
    struct kwh_card_view v;
    struct kwh_err e;
    int64_t a, b, got[KWH_SCOPE_MAX];
    size_t n;
    uint32_t in_a, in_b;
    uint8_t card_b[KWH_CARD_SIZE], psc_b[KWH_PSC_LEN];

    a = add(s, 0, "园区A");
    b = add(s, 0, "园区B");
    OK(open_in(s, &s->admin, 20240002, "李四", b, &in_b, &e));
    memcpy(card_b, s->card->img, sizeof card_b);
    memcpy(psc_b, s->card->psc, sizeof psc_b);
    OK(open_in(s, &s->admin, 20240001, "张三", a, &in_a, &e));
    OK(scope_set(s->core, &s->admin, "clerk", &a, 1, &e));
    OK(scope_get(s->core, &s->seller, NULL, got, KWH_SCOPE_MAX, &n, &e));
    assert_int_equal(n, 1);
    assert_int_equal(got[0], a);
    /* a seller neither sets scopes nor reads another's */
    assert_int_equal(scope_set(s->core, &s->seller, "clerk", NULL, 0, &e), KWH_EPERM);
    assert_int_equal(scope_get(s->core, &s->seller, "system", got, KWH_SCOPE_MAX, &n, &e),
                     KWH_EPERM);

    /* 开户 outside: refused, nothing written */
    assert_int_equal(open_in(s, &s->seller, 20240003, "王五", b, NULL, &e), KWH_EPERM);
    assert_non_null(strstr(e.msg, "园区B"));
    assert_int_equal(site_q1(s, "SELECT count(*) FROM customers"), 2);
    /* 读卡 and 售电 of B's card: refused */
    memcpy(s->card->img, card_b, sizeof card_b);
    memcpy(s->card->psc, psc_b, sizeof psc_b);
    s->card->tries = 3;
    site_meter_loads(s, 1000);
    assert_int_equal(cardview_read(s->core, &s->seller, &v, &e), KWH_EPERM);
    assert_int_equal(ops_sell(s->core, &s->seller, in_b, &p, &r, &e), KWH_EPERM);
    assert_int_equal(ops_transfer(s->core, &s->seller, in_b, "赵六", "", "", &e), KWH_EPERM);
    assert_int_equal(ops_close(s->core, &s->seller, in_b, false, &e), KWH_EPERM);
    assert_int_equal(ops_reissue(s->core, &s->seller, in_b, true, 0, &p, &r, &e), KWH_EPERM);
    assert_int_equal(card_mark_lost(s->core, &s->seller, in_b, &e), KWH_EPERM);
    {
        struct kwh_customer cu;
        assert_int_equal(account_lookup(s->core, &s->seller, in_b, 0, &cu, &e), KWH_EPERM);
        OK(account_lookup(s->core, &s->seller, in_a, 0, &cu, &e));
        assert_int_equal(cu.area_id, a);
    }
    assert_int_equal(site_q1(s, "SELECT count(*) FROM sales"), 2);
    /* the admin is unrestricted */
    OK(ops_sell(s->core, &s->admin, in_b, &p, &r, &e));

    /* queries, the search and the area list keep to 园区A */
    memset(&cf, 0, sizeof cf);
    OK(query_customers(s->core, &s->seller, &cf, &cp, &e));
    assert_int_equal(cp.total, 1);
    assert_int_equal(cp.rows[0].customer_no, in_a);
    query_customer_page_fini(&cp);
    OK(query_customers(s->core, &s->admin, &cf, &cp, &e));
    assert_int_equal(cp.total, 2);
    query_customer_page_fini(&cp);
    cf.by_area = true;
    cf.area_id = b;
    OK(query_customers(s->core, &s->admin, &cf, &cp, &e));
    assert_int_equal(cp.total, 1);
    assert_int_equal(cp.rows[0].customer_no, in_b);
    query_customer_page_fini(&cp);
    OK(query_customers(s->core, &s->seller, &cf, &cp, &e));
    assert_int_equal(cp.total, 0);
    query_customer_page_fini(&cp);
    memset(&sf, 0, sizeof sf);
    OK(query_sales(s->core, &s->seller, &sf, &sp, &e));
    assert_int_equal(sp.totals.count, 1);
    assert_int_equal(sp.totals.energy_ckwh, 1000);
    query_sale_page_fini(&sp);
    OK(query_sales(s->core, &s->admin, &sf, &sp, &e));
    assert_int_equal(sp.totals.count, 3);
    query_sale_page_fini(&sp);
    OK(search_customers(s->core, &s->seller, "1栋", false, 0, 0, &hits, &e));
    search_page_fini(&hits);
    OK(search_customers(s->core, &s->seller, "一号楼", false, 0, 0, &hits, &e));
    assert_int_equal(hits.n, 1);
    assert_int_equal(hits.rows[0].customer_no, in_a);
    search_page_fini(&hits);
    OK(area_list(s->core, &s->seller, &list, &n, &e));
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, a);
    free(list);

    /* the per-area breakdown: each area its own sales, and what its accounts owe */
    {
        struct kwh_period day = period_day(s->now);
        OK(arrears_add(s->core, &s->admin, in_b, 1234, "old meter's debt", &e));
        OK(report_areas(s->core, &s->admin, &day, &rows, &n, &e));
        assert_int_equal(n, 3);
        assert_int_equal(rows[0].sales.count, 3); /* the root: everything */
        assert_int_equal(rows[0].arrears_fen, 1234);
        for (size_t i = 1; i < n; i++) {
            assert_int_equal(rows[i].sales.count, rows[i].area.id == b ? 2 : 1);
            assert_int_equal(rows[i].arrears_fen, rows[i].area.id == b ? 1234 : 0);
        }
        free(rows);
        OK(report_areas(s->core, &s->seller, &day, &rows, &n, &e));
        assert_int_equal(n, 1);
        assert_int_equal(rows[0].sales.count, 1);
        assert_int_equal(rows[0].arrears_fen, 0);
        free(rows);
    }
    /* 开户 without an area (as the screens do): into the seller's area */
    memcpy(card_b, s->card->img, sizeof card_b); /* B's card, kept aside meanwhile */
    memcpy(psc_b, s->card->psc, sizeof psc_b);
    {
        uint32_t no;
        struct kwh_customer cu;
        OK(open_in(s, &s->seller, 20240004, "周八", 0, &no, &e));
        OK(account_lookup(s->core, &s->seller, no, 0, &cu, &e));
        assert_int_equal(cu.area_id, a);
    }
    memcpy(s->card->img, card_b, sizeof card_b);
    memcpy(s->card->psc, psc_b, sizeof psc_b);
    /* unrestricted again */
    OK(scope_set(s->core, &s->admin, "clerk", NULL, 0, &e));
    site_meter_loads(s, 1000);
    OK(ops_sell(s->core, &s->seller, in_b, &p, &r, &e));
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'operator-scope'"), 2);
}

/* The items report (tiers and fees) of an operator limited to areas counts only the sales
 * of accounts in them: the hourly summary has no areas, so those come from the sales. */
static void scope__the_items_report_of_a_limited_operator_keeps_to_their_areas(void **state)
{
    struct site *s = *state;
    struct kwh_sale_filter sf;
    struct kwh_item_total *t;
    struct kwh_err e;
    int64_t a, b, fee, seller_fen = -1, admin_fen = -1;
    size_t n;

    a = add(s, 0, "园区A");
    b = add(s, 0, "园区B");
    OK(fee_add(s->core, &s->admin, "服务费", KWH_FEE_SALE, 200, &fee, &e));
    OK(open_in(s, &s->admin, 20240001, "张三", a, NULL, &e));
    OK(open_in(s, &s->admin, 20240002, "李四", b, NULL, &e));
    OK(open_in(s, &s->admin, 20240003, "王五", b, NULL, &e));
    OK(scope_set(s->core, &s->admin, "clerk", &a, 1, &e));
    memset(&sf, 0, sizeof sf);
    OK(report_items(s->core, &s->admin, &sf, &t, &n, &e));
    for (size_t i = 0; i < n; i++)
        if (t[i].item == KWH_ITEM_FEE && t[i].ref == fee)
            admin_fen = t[i].fen;
    free(t);
    OK(report_items(s->core, &s->seller, &sf, &t, &n, &e));
    for (size_t i = 0; i < n; i++)
        if (t[i].item == KWH_ITEM_FEE && t[i].ref == fee)
            seller_fen = t[i].fen;
    free(t);
    /* each opening's sale paid the fee: three in all, one in 园区A */
    assert_int_equal(admin_fen, 600);
    assert_int_equal(seller_fen, 200);
}

static void scope__an_administrator_limited_to_areas_imports_only_into_them(void **state)
{
    struct site *s = *state;
    struct kwh_import_result res;
    struct kwh_err e;
    int64_t a, b;
    char csv[256];

    a = add(s, 0, "园区A");
    b = add(s, 0, "园区B");
    (void)b;
    OK(scope_set(s->core, &s->admin, "system", &a, 1, &e));
    snprintf(csv, sizeof csv, "name,meter,tariff,area\n甲,30000001,%lld,园区B\n",
             (long long)s->tariff_home);
    assert_int_equal(import_customers(s->core, &s->admin, csv, strlen(csv), &res, &e), KWH_EINVAL);
    assert_int_equal(res.imported, 0);
    assert_int_equal(res.nerrors, 1);
    assert_non_null(strstr(res.errors[0].msg, "园区B"));
    snprintf(csv, sizeof csv, "name,meter,tariff\n乙,30000002,%lld\n", (long long)s->tariff_home);
    OK(import_customers(s->core, &s->admin, csv, strlen(csv), &res, &e));
    assert_int_equal(site_q1(s, "SELECT area_id FROM customers WHERE meter_no = 30000002"), a);
}

static void blacklist__a_replaced_or_lost_card_is_refused_and_audited(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = {KWH_BY_KWH, 500, 0, KWH_PAY_CASH, ""};
    struct kwh_purchase_req none = {KWH_BY_NONE, 0, 0, KWH_PAY_CASH, ""};
    struct kwh_card_mark *marks;
    struct kwh_card_view v;
    struct kwh_receipt r;
    struct kwh_err e;
    uint8_t old[KWH_CARD_SIZE];
    uint32_t no, no2;
    size_t n;

    no = site_open(s, 20240001, 1000);
    site_meter_loads(s, 1000);
    memcpy(old, s->card->img, sizeof old);
    fakecard_blank(s->card);
    OK(ops_reissue(s->core, &s->seller, no, true, 0, &none, &r, &e));
    OK(ops_sell(s->core, &s->seller, no, &p, &r, &e));
    /* the old card comes back */
    memcpy(s->card->img, old, sizeof old);
    assert_int_equal(cardview_read(s->core, &s->seller, &v, &e), KWH_ECARD);
    assert_non_null(strstr(e.msg, "replaced by a reissued card"));
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &r, &e), KWH_ECARD);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'card-refused'"), 2);

    /* 挂失 without a reissue */
    no2 = site_open(s, 20240002, 1000);
    s->now += 60;
    assert_int_equal(card_mark_lost(s->core, &s->seller, 12345678, &e), KWH_ENOTFOUND);
    OK(card_mark_lost(s->core, &s->seller, no2, &e));
    assert_int_equal(ops_sell(s->core, &s->seller, no2, &p, &r, &e), KWH_ECARD);
    assert_non_null(strstr(e.msg, "reported lost"));
    OK(card_marks_list(s->core, &s->seller, &marks, &n, &e));
    assert_int_equal(n, 2);
    assert_int_equal(marks[0].reason, KWH_MARK_LOST); /* newest first */
    assert_int_equal(marks[0].customer_no, no2);
    assert_int_equal(marks[0].attempts, 1);
    assert_int_equal(marks[1].reason, KWH_MARK_REPLACED);
    assert_int_equal(marks[1].customer_no, no);
    assert_int_equal(marks[1].attempts, 2);
    free(marks);
    /* found again: only an admin takes it off */
    assert_int_equal(card_mark_found(s->core, &s->seller, no2, &e), KWH_EPERM);
    OK(card_mark_found(s->core, &s->admin, no2, &e));
    site_meter_loads(s, 1000);
    OK(ops_sell(s->core, &s->seller, no2, &p, &r, &e));
    /* a wiped old card comes off the list */
    memcpy(s->card->img, old, sizeof old);
    OK(ops_wipe(s->core, &s->seller, &e));
    OK(card_marks_list(s->core, &s->seller, &marks, &n, &e));
    assert_int_equal(n, 0);
    free(marks);
}

static void copy__a_card_restored_from_a_copy_after_its_purchase_loaded_is_refused(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = {KWH_BY_KWH, 2000, 0, KWH_PAY_CASH, ""};
    struct kwh_purchase_req tiny = {KWH_BY_AMOUNT, 0, 1, KWH_PAY_CASH, ""};
    struct kwh_card_view v;
    struct kwh_receipt r;
    struct kwh_err e;
    uint8_t copy[KWH_CARD_SIZE];
    uint32_t no;

    no = site_open(s, 20240001, 1000);
    s->now += 3600;
    site_meter_loads(s, 1000);
    OK(ops_sell(s->core, &s->seller, no, &p, &r, &e));
    memcpy(copy, s->card->img, sizeof copy); /* purchase 2 on it, not yet in the meter */
    s->now += 3600;
    site_meter_loads(s, 3000);
    OK(ops_read(s->core, &s->seller, &v, &e)); /* the counter sees purchase 2 loaded */
    /* the copy comes back, to pass for purchase 2 never loaded */
    memcpy(s->card->img, copy, sizeof copy);
    assert_int_equal(cardview_read(s->core, &s->seller, &v, &e), KWH_ECARD);
    assert_non_null(strstr(e.msg, "old copy"));
    assert_int_equal(ops_resell(s->core, &s->seller, no, &tiny, &r, &e), KWH_ECARD);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM sales"), 2);
    assert_true(site_q1(s, "SELECT count(*) FROM audit WHERE op = 'card-refused'") >= 1);
}

static void search__numbers_phones_names_addresses_and_pinyin_initials(void **state)
{
    struct site *s = *state;
    struct kwh_search_page pg;
    struct kwh_err e;
    uint32_t zs, zsf, ls;
    char no[16];

    OK(open_in(s, &s->seller, 20240001, "张三", 0, &zs, &e));
    OK(open_in(s, &s->seller, 20240002, "张三丰", 0, &zsf, &e));
    OK(open_in(s, &s->seller, 20240003, "李四", 0, &ls, &e));
#define HITS(text, want)                                                                           \
    do {                                                                                           \
        OK(search_customers(s->core, &s->seller, text, false, 0, 0, &pg, &e));                     \
        assert_int_equal(pg.n, want);                                                              \
    } while (0)
    HITS("zs", 2);
    search_page_fini(&pg);
    HITS("zsf", 1);
    assert_int_equal(pg.rows[0].customer_no, zsf);
    search_page_fini(&pg);
    HITS("ZSF", 1);
    search_page_fini(&pg);
    HITS("张三", 2);
    search_page_fini(&pg);
    HITS("张三丰", 1);
    search_page_fini(&pg);
    HITS("李", 1);
    assert_int_equal(pg.rows[0].customer_no, ls);
    search_page_fini(&pg);
    HITS("20240003", 1);
    assert_int_equal(pg.rows[0].customer_no, ls);
    search_page_fini(&pg);
    snprintf(no, sizeof no, "%08u", zs);
    HITS(no, 1);
    assert_int_equal(pg.rows[0].customer_no, zs);
    search_page_fini(&pg);
    HITS("13800000000", 3);
    search_page_fini(&pg);
    HITS("号楼 10", 3);
    search_page_fini(&pg);
    HITS("王五", 0);
    search_page_fini(&pg);
    /* paging by key */
    OK(search_customers(s->core, &s->seller, "一号楼", false, 0, 2, &pg, &e));
    assert_int_equal(pg.n, 2);
    assert_true(pg.more);
    {
        int64_t after = pg.rows[1].id;
        assert_true(pg.rows[0].id < after);
        search_page_fini(&pg);
        OK(search_customers(s->core, &s->seller, "一号楼", false, after, 2, &pg, &e));
        assert_int_equal(pg.n, 1);
        assert_false(pg.more);
        search_page_fini(&pg);
    }
    /* two letters: one page, a longer text narrows it */
    OK(search_customers(s->core, &s->seller, "zs", false, 0, 1, &pg, &e));
    assert_int_equal(pg.n, 1);
    assert_true(pg.more);
    search_page_fini(&pg);
    /* a renamed account is found by its new name only */
    {
        struct kwh_account_req a = site_account(s, 20240003, "王五");
        OK(ops_edit(s->core, &s->admin, ls, &a, NULL, &e));
    }
    HITS("ww", 1);
    search_page_fini(&pg);
    HITS("ls", 0);
    search_page_fini(&pg);
    assert_int_equal(search_customers(s->core, &s->seller, "zs", false, 0, 100000, &pg, &e),
                     KWH_EINVAL);
#undef HITS
}

/* --- the substring search against a plain LIKE ------------------------------------------ */

#define SUB_N 160

struct sub_acct {
    char name[64], address[96], phone[16], py[64];
    uint32_t no;
};

/* text contains pat, ASCII letters in either case (SQLite's LIKE, PostgreSQL's ILIKE) */
static bool ascii_contains(const char *text, const char *pat)
{
    size_t n = strlen(text), m = strlen(pat);
    for (size_t i = 0; i + m <= n; i++) {
        size_t j = 0;
        while (j < m && tolower((unsigned char)text[i + j]) == tolower((unsigned char)pat[j]))
            j++;
        if (j == m)
            return true;
    }
    return false;
}

/* The first k characters (UTF-8) of s from its character at, into buf; false when s
 * is shorter. */
static bool chars_at(const char *s, size_t at, size_t k, char *buf, size_t n)
{
    const char *p = s, *q;
    for (size_t i = 0; i < at && *p; i++)
        for (p++; (*p & 0xC0) == 0x80; p++)
            ;
    q = p;
    for (size_t i = 0; i < k; i++) {
        if (*q == '\0')
            return false;
        for (q++; (*q & 0xC0) == 0x80; q++)
            ;
    }
    if ((size_t)(q - p) + 1 > n)
        return false;
    memcpy(buf, p, (size_t)(q - p));
    buf[q - p] = '\0';
    return true;
}

/* Every page of text's search (pages of 7, each after the last id of the one before)
 * against the accounts whose name, address, phone or initials contain it. */
static void sub_check(struct site *s, const struct sub_acct *acct, const char *text)
{
    struct kwh_search_page pg;
    struct kwh_err e;
    uint32_t want[SUB_N], got[SUB_N + 8];
    size_t nwant = 0, ngot = 0;
    int64_t after = 0, last_id = 0;

    for (size_t i = 0; i < SUB_N; i++)
        if (ascii_contains(acct[i].name, text) || ascii_contains(acct[i].address, text) ||
            ascii_contains(acct[i].phone, text) || ascii_contains(acct[i].py, text))
            want[nwant++] = acct[i].no;
    for (;;) {
        OK(search_customers(s->core, &s->seller, text, false, after, 7, &pg, &e));
        for (size_t i = 0; i < pg.n; i++) {
            if (pg.rows[i].id <= last_id)
                fail_msg("'%s': ids not ascending across the pages", text);
            last_id = pg.rows[i].id;
            if (ngot < SUB_N + 8)
                got[ngot++] = pg.rows[i].customer_no;
        }
        if (pg.more && pg.n != 7)
            fail_msg("'%s': a page of %zu with more after it", text, pg.n);
        bool more = pg.more;
        after = pg.n > 0 ? pg.rows[pg.n - 1].id : after;
        search_page_fini(&pg);
        if (!more)
            break;
    }
    if (ngot != nwant)
        fail_msg("'%s': %zu accounts found, LIKE finds %zu", text, ngot, nwant);
    for (size_t i = 0; i < ngot; i++)
        if (got[i] != want[i])
            fail_msg("'%s': account %zu is %u, LIKE's is %u", text, i, got[i], want[i]);
}

/* The maintained trigram tables equal what customers_gram_rebuild() makes of the
 * accounts (PostgreSQL's search index; SQLite keeps FTS5's, checked by its own
 * integrity check). */
static void sub_index_is_exact(struct site *s)
{
    static const char fp[] =
        "SELECT (SELECT count(*) + coalesce(sum(hashtext(gram) % 1000 * id), 0) FROM "
        "customers_gram) * 7 + (SELECT coalesce(sum(hashtext(gram) % 1000 * n), 0) FROM "
        "customers_gram_n WHERE n > 0)";
    if (!site_is_pg())
        return;
    int64_t kept = site_q1(s, fp);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM customers_gram_n WHERE n < 0"), 0);
    site_exec(s, "SELECT customers_gram_rebuild()");
    assert_int_equal(site_q1(s, fp), kept);
}

/* a small generator of the test's accounts (the same ones every run) */
static uint32_t sub_rnd(uint32_t *r, uint32_t n)
{
    *r = *r * 1103515245u + 12345u;
    return (*r >> 16) % n;
}

static void search__substrings_find_what_like_finds_on_every_page_after_edits(void **state)
{
    struct site *s = *state;
    static const char *const surnames[] = {"张", "王", "李", "欧阳", "司马", "陈"};
    static const char *const given[] = {"伟", "芳", "建国", "小红", "三", "丰", "秀英"};
    static const char *const latin[] = {"Wang Li", "ABC_d%e", "abc_D%E", "Mr. Back\\slash"};
    struct sub_acct *acct = calloc(SUB_N, sizeof *acct);
    char *csv = malloc(SUB_N * 256 + 128);
    struct kwh_import_result res;
    struct kwh_err e;
    size_t o = 0;
    uint32_t r = 12345;

    assert_non_null(acct);
    assert_non_null(csv);
    o += (size_t)sprintf(csv + o, "name,address,phone,meter,tariff\n");
    for (size_t i = 0; i < SUB_N; i++) {
        struct sub_acct *a = &acct[i];
        uint32_t sn = sub_rnd(&r, 6), g1 = sub_rnd(&r, 7), g2 = sub_rnd(&r, 7);
        uint32_t two = sub_rnd(&r, 2), unit = sub_rnd(&r, 3) + 1;
        uint32_t room = sub_rnd(&r, 12) * 100 + sub_rnd(&r, 3) + 101;
        uint32_t ph = sub_rnd(&r, 1000) * 1000 + sub_rnd(&r, 1000);
        if (i % 9 == 4)
            snprintf(a->name, sizeof a->name, "%s", latin[sn % 4]);
        else
            snprintf(a->name, sizeof a->name, "%s%s%s", surnames[sn], given[g1],
                     two ? given[g2] : "");
        snprintf(a->address, sizeof a->address, "%zu号楼%u单元%u室", i / 12 + 1, unit, room);
        snprintf(a->phone, sizeof a->phone, "13%09u", ph);
        pinyin_initials(a->name, a->py, sizeof a->py);
        o += (size_t)sprintf(csv + o, "\"%s\",%s,%s,%u,%lld\n", a->name, a->address, a->phone,
                             (unsigned)(40000000 + i), (long long)s->tariff_home);
    }
    OK(import_customers(s->core, &s->admin, csv, o, &res, &e));
    assert_int_equal(res.imported, SUB_N);
    for (size_t i = 0; i < SUB_N; i++)
        acct[i].no = res.first_no + (uint32_t)i;
    /* the pinyin the store keeps is the one counted here */
    assert_int_equal(site_q1(s, "SELECT count(*) FROM customers WHERE name = '张三丰' AND "
                                "name_py <> 'zsf'"),
                     0);

    static const char *const fixed[] = {
        "abc",  "ABC",      "c_d",    "_d%", "d%e", "k\\s", "Wan",    "NG L",   "号楼1", "2单元",
        "01室", "楼2单元1", "欧阳建", "yjg", "OYX", "zzz",  "9号楼9", "建国小", "0号楼", "138000"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        sub_check(s, acct, fixed[i]);
    /* pieces of 3 to 7 characters of every 11th account's columns */
    for (size_t i = 0; i < SUB_N; i += 11) {
        const char *cols[] = {acct[i].name, acct[i].address, acct[i].phone};
        char piece[64];
        for (size_t c = 0; c < 3; c++)
            for (size_t k = 3; k <= 7; k++)
                if (chars_at(cols[c], (i + k) % 4, k, piece, sizeof piece) && piece[0] != ' ' &&
                    piece[strlen(piece) - 1] != ' ')
                    sub_check(s, acct, piece);
    }
    sub_index_is_exact(s);

    /* edits: the old text is no longer found, the new one is */
    for (size_t i = 0; i < SUB_N; i += 5) {
        struct kwh_account_req a = site_account(s, (uint32_t)(40000000 + i), "");
        struct kwh_customer cu;
        OK(account_find(s->core, acct[i].no, 0, &cu, &e));
        a.meter = cu.meter; /* the account's own: no card to write */
        a.tariff_id = cu.tariff_id;
        snprintf(acct[i].name, sizeof acct[i].name, i % 10 ? "司马建国%zu" : "Zhu Ge%zu", i);
        snprintf(acct[i].address, sizeof acct[i].address, "新%zu号楼", i % 3);
        str_copy(acct[i].phone, sizeof acct[i].phone, i % 2 ? acct[i].phone : "13912345678");
        pinyin_initials(acct[i].name, acct[i].py, sizeof acct[i].py);
        str_copy(a.name, sizeof a.name, acct[i].name);
        str_copy(a.address, sizeof a.address, acct[i].address);
        str_copy(a.phone, sizeof a.phone, acct[i].phone);
        OK(ops_edit(s->core, &s->admin, acct[i].no, &a, NULL, &e));
    }
    static const char *const after_edit[] = {"司马建", "zhu ge", "新1号",  "新0号楼", "912345",
                                             "smj",    "1号楼",  "欧阳建", "Wang",    "abc"};
    for (size_t i = 0; i < sizeof after_edit / sizeof after_edit[0]; i++)
        sub_check(s, acct, after_edit[i]);
    sub_index_is_exact(s);
    free(csv);
    free(acct);
}

static void migration__a_version_5_site_gains_the_tree_with_every_account_in_the_root(void **state)
{
    struct site *s = *state;
    struct kwh_search_page pg;
    struct kwh_area *list;
    struct kwh_err e;
    size_t n;

    site_open(s, 20240001, 1000);
    site_open(s, 20240002, 0);
    core_close(s->core);
    s->core = NULL;
    site_schema_back_to_5(s, NULL);
    s->core = site_open_again(s);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM customers WHERE area_id IS NULL"), 0);
    OK(area_list(s->core, &s->admin, &list, &n, &e));
    assert_int_equal(n, 1);
    assert_int_equal(list[0].accounts, 2);
    free(list);
    OK(search_customers(s->core, &s->seller, "zs", false, 0, 0, &pg, &e));
    assert_int_equal(pg.n, 2);
    search_page_fini(&pg);
    {
        struct kwh_sale_filter sf;
        struct kwh_sale_page sp;
        memset(&sf, 0, sizeof sf);
        OK(query_sales(s->core, &s->admin, &sf, &sp, &e));
        assert_int_equal(sp.totals.energy_ckwh, 1000);
        query_sale_page_fini(&sp);
    }
}

/* The breakdown one level at a time (the 区域统计 screen, report areas --in): each child
 * with its subtree, the accounts directly in the area apart, one operator's sales, and
 * an operator limited to two subtrees seeing those as the top. */
static void
breakdown__one_level_with_subtotals_the_area_itself_an_operator_and_a_scope(void **state)
{
    struct site *s = *state;
    struct kwh_period day = period_day(s->now);
    struct kwh_area_row *rows, total;
    struct kwh_area_q q = {0, NULL};
    struct kwh_err e;
    size_t n;
    int64_t a, a1, a2, b, two[2];

    a = add(s, 0, "园区A");
    a1 = add(s, a, "1栋");
    a2 = add(s, a, "2栋");
    b = add(s, 0, "园区B");
    OK(open_in(s, &s->admin, 20240001, "张三", a1, NULL, &e));
    OK(open_in(s, &s->seller, 20240002, "李四", a, NULL, &e));
    OK(open_in(s, &s->admin, 20240003, "王五", b, NULL, &e));

    /* the whole site: 园区A and 园区B, nobody directly in the top */
    OK(report_area_children(s->core, &s->admin, &day, &q, &rows, &n, &total, &e));
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].area.id, a);
    assert_int_equal(rows[0].accounts, 2);
    assert_int_equal(rows[0].sales.count, 2);
    assert_int_equal(rows[1].area.id, b);
    assert_int_equal(rows[1].sales.count, 1);
    assert_int_equal(total.accounts, 3);
    assert_int_equal(total.sales.count, 3);
    assert_int_equal(total.sales.energy_ckwh,
                     rows[0].sales.energy_ckwh + rows[1].sales.energy_ckwh);
    assert_int_equal(total.balance_ckwh, rows[0].balance_ckwh + rows[1].balance_ckwh);
    free(rows);

    /* 园区A: 1栋, 2栋 (empty, still listed), then 李四 directly in 园区A */
    q.area_id = a;
    OK(report_area_children(s->core, &s->admin, &day, &q, &rows, &n, &total, &e));
    assert_int_equal(n, 3);
    assert_int_equal(rows[0].area.id, a1);
    assert_int_equal(rows[0].accounts, 1);
    assert_false(rows[0].own);
    assert_int_equal(rows[1].area.id, a2);
    assert_int_equal(rows[1].accounts, 0);
    assert_true(rows[2].own);
    assert_int_equal(rows[2].area.id, a);
    assert_int_equal(rows[2].accounts, 1);
    assert_int_equal(total.area.id, a);
    assert_int_equal(total.accounts, 2);
    assert_int_equal(total.balance_ckwh,
                     rows[0].balance_ckwh + rows[1].balance_ckwh + rows[2].balance_ckwh);
    free(rows);

    /* only clerk's sales: 李四's opening; the balances stay every account's */
    q.operator_name = "clerk";
    OK(report_area_children(s->core, &s->admin, &day, &q, &rows, &n, &total, &e));
    assert_int_equal(rows[0].sales.count, 0);
    assert_int_equal(rows[2].sales.count, 1);
    assert_int_equal(total.sales.count, 1);
    assert_int_equal(total.accounts, 2);
    free(rows);
    q.operator_name = "nobody";
    assert_int_equal(report_area_children(s->core, &s->admin, &day, &q, &rows, &n, &total, &e),
                     KWH_ENOTFOUND);
    assert_non_null(strstr(e.msg, "nobody"));

    /* the subtree of 园区A in the tree's order */
    q.operator_name = NULL;
    OK(report_areas_q(s->core, &s->admin, &day, &q, &rows, &n, &e));
    assert_int_equal(n, 3);
    assert_int_equal(rows[0].area.id, a);
    assert_int_equal(rows[1].area.id, a1);
    assert_int_equal(rows[2].area.id, a2);
    free(rows);

    /* clerk limited to 1栋 and 园区B: those two are their top, 园区A is refused */
    two[0] = a1;
    two[1] = b;
    OK(scope_set(s->core, &s->admin, "clerk", two, 2, &e));
    q.area_id = 0;
    OK(report_area_children(s->core, &s->seller, &day, &q, &rows, &n, &total, &e));
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].area.id, a1);
    assert_int_equal(rows[1].area.id, b);
    assert_int_equal(total.accounts, 2);
    assert_int_equal(total.sales.count, 2);
    free(rows);
    q.area_id = a;
    assert_int_equal(report_area_children(s->core, &s->seller, &day, &q, &rows, &n, &total, &e),
                     KWH_EPERM);
    assert_int_equal(report_areas_q(s->core, &s->seller, &day, &q, &rows, &n, &e), KWH_EPERM);
    q.area_id = a1;
    OK(report_area_children(s->core, &s->seller, &day, &q, &rows, &n, &total, &e));
    assert_int_equal(n, 1);
    assert_true(rows[0].own);
    assert_int_equal(total.accounts, 1);
    free(rows);
    q.area_id = 999999;
    assert_int_equal(report_area_children(s->core, &s->admin, &day, &q, &rows, &n, &total, &e),
                     KWH_ENOTFOUND);
}

/* The scope rule on the services beside the plans: an invoice (shown or reprinted) is
 * its account's, and so are the arrears (their history, and what an administrator
 * limited to areas enters or waives). */
static void scope__invoices_and_arrears_of_an_account_outside_are_refused(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = {KWH_BY_KWH, 500, 0, KWH_PAY_CASH, ""};
    struct kwh_receipt ra, rb, got;
    struct kwh_arrears_line *lines;
    struct kwh_err e;
    size_t n;
    int64_t a, b;
    uint32_t in_a, in_b;

    a = add(s, 0, "园区A");
    b = add(s, 0, "园区B");
    OK(open_in(s, &s->admin, 20240002, "李四", b, &in_b, &e));
    site_meter_loads(s, 1000);
    OK(ops_sell(s->core, &s->admin, in_b, &p, &rb, &e));
    OK(open_in(s, &s->admin, 20240001, "张三", a, &in_a, &e));
    site_meter_loads(s, 1000);
    OK(ops_sell(s->core, &s->admin, in_a, &p, &ra, &e));
    assert_true(rb.sale.invoice_no > 0 && ra.sale.invoice_no > 0);
    OK(scope_set(s->core, &s->admin, "clerk", &a, 1, &e));

    /* the invoice of 园区B's account: neither shown nor reprinted, nothing counted */
    assert_int_equal(invoice_get(s->core, &s->seller, rb.sale.invoice_no, &got, &e), KWH_EPERM);
    assert_non_null(strstr(e.msg, "园区B"));
    assert_int_equal(got.customer.customer_no, 0);
    assert_int_equal(invoice_reprint(s->core, &s->seller, rb.sale.invoice_no, &got, &e), KWH_EPERM);
    OK(invoice_get(s->core, &s->admin, rb.sale.invoice_no, &got, &e));
    assert_int_equal(got.sale.reprints, 0);
    /* 园区A's: both */
    OK(invoice_get(s->core, &s->seller, ra.sale.invoice_no, &got, &e));
    assert_int_equal(got.customer.customer_no, in_a);
    OK(invoice_reprint(s->core, &s->seller, ra.sale.invoice_no, &got, &e));
    assert_int_equal(got.sale.reprints, 1);

    /* the arrears: the history outside refused, inside read */
    assert_int_equal(arrears_history(s->core, &s->seller, in_b, &lines, &n, &e), KWH_EPERM);
    OK(arrears_history(s->core, &s->seller, in_a, &lines, &n, &e));
    free(lines);
    /* an administrator limited to 园区A enters no debt in 园区B */
    OK(scope_set(s->core, &s->admin, "system", &a, 1, &e));
    assert_int_equal(arrears_add(s->core, &s->admin, in_b, 1234, "old meter's debt", &e),
                     KWH_EPERM);
    assert_int_equal(site_q1(s, "SELECT sum(arrears_fen) FROM customers"), 0);
    OK(arrears_add(s->core, &s->admin, in_a, 1234, "old meter's debt", &e));
    assert_int_equal(site_q1(s, "SELECT sum(arrears_fen) FROM customers"), 1234);
    OK(scope_set(s->core, &s->admin, "system", NULL, 0, &e));
    OK(arrears_add(s->core, &s->admin, in_b, 100, "unrestricted again", &e));
    assert_int_equal(site_q1(s, "SELECT sum(arrears_fen) FROM customers"), 1334);
}

/* The lists beside the account queries keep to the scope too: the invoice list (补打发票,
 * kwhpos invoices) and the 冲正 requests show a limited operator only their areas'
 * invoices and requests, and a limited administrator decides no request outside them;
 * an unlimited administrator sees all. */
static void scope__the_invoice_and_reversal_request_lists_keep_to_the_areas(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = {KWH_BY_KWH, 500, 0, KWH_PAY_CASH, ""};
    struct invoice_query iq = {0};
    struct kwh_reversal_req rq = {0};
    struct kwh_reversal_request *req;
    struct kwh_receipt ra, rb;
    struct kwh_sale *inv;
    struct kwh_err e;
    size_t n;
    int64_t a, b, ida, idb;
    uint32_t in_a, in_b;

    a = add(s, 0, "园区A");
    b = add(s, 0, "园区B");
    OK(open_in(s, &s->seller, 20240002, "李四", b, &in_b, &e));
    site_meter_loads(s, 1000);
    OK(ops_sell(s->core, &s->seller, in_b, &p, &rb, &e));
    OK(open_in(s, &s->seller, 20240001, "张三", a, &in_a, &e));
    site_meter_loads(s, 1000);
    OK(ops_sell(s->core, &s->seller, in_a, &p, &ra, &e));
    rq.invoice_no = rb.sale.invoice_no;
    str_copy(rq.reason, sizeof rq.reason, "顾客未付款");
    OK(reversal_request(s->core, &s->seller, &rq, &idb, &e));
    rq.invoice_no = ra.sale.invoice_no;
    OK(reversal_request(s->core, &s->seller, &rq, &ida, &e));

    /* unlimited: both accounts' invoices (two openings, two sales) and both requests */
    OK(invoice_list(s->core, &s->seller, &iq, &inv, &n, &e));
    assert_int_equal(n, 4);
    free(inv);
    OK(reversal_requests(s->core, &s->admin, false, &req, &n, &e));
    assert_int_equal(n, 2);
    free(req);

    OK(scope_set(s->core, &s->admin, "clerk", &a, 1, &e));
    OK(invoice_list(s->core, &s->seller, &iq, &inv, &n, &e));
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(inv[i].customer_no, in_a);
    free(inv);
    iq.customer_no = in_b; /* asking for the account outside by its number finds nothing */
    OK(invoice_list(s->core, &s->seller, &iq, &inv, &n, &e));
    assert_int_equal(n, 0);
    free(inv);
    iq.customer_no = 0;
    OK(reversal_requests(s->core, &s->seller, true, &req, &n, &e));
    assert_int_equal(n, 1);
    assert_int_equal(req[0].id, ida);
    assert_int_equal(req[0].customer_no, in_a);
    free(req);
    /* the administrator, unlimited, still sees all of them */
    OK(invoice_list(s->core, &s->admin, &iq, &inv, &n, &e));
    assert_int_equal(n, 4);
    free(inv);

    /* an administrator limited to 园区A: 园区B's request neither listed nor decided */
    OK(scope_set(s->core, &s->admin, "system", &a, 1, &e));
    OK(reversal_requests(s->core, &s->admin, true, &req, &n, &e));
    assert_int_equal(n, 1);
    assert_int_equal(req[0].id, ida);
    free(req);
    assert_int_equal(reversal_request_reject(s->core, &s->admin, idb, "not paid after all", &e),
                     KWH_EPERM);
    assert_non_null(strstr(e.msg, "园区B"));
    assert_int_equal(site_q1(s, "SELECT count(*) FROM reversals WHERE state = 0"), 2);
    OK(reversal_request_reject(s->core, &s->admin, ida, "paid after all", &e));
    assert_int_equal(site_q1(s, "SELECT count(*) FROM reversals WHERE state = 0"), 1);
    OK(scope_set(s->core, &s->admin, "system", NULL, 0, &e));
    OK(reversal_requests(s->core, &s->admin, true, &req, &n, &e));
    assert_int_equal(n, 2);
    free(req);
}

/* The shift's part in an area: the open shift and a period, each area its own sales,
 * the whole site all of them, and an area outside the operator's refused. */
static void scope__a_shift_in_an_area_holds_that_area_s_sales(void **state)
{
    struct site *s = *state;
    struct kwh_period day = period_day(s->now);
    struct kwh_shift_report r, whole;
    struct kwh_err e;
    int64_t a, b, root, sid;

    a = add(s, 0, "园区A");
    b = add(s, 0, "园区B");
    OK(open_in(s, &s->seller, 20240001, "张三", a, NULL, &e));
    OK(open_in(s, &s->seller, 20240002, "李四", b, NULL, &e));
    OK(open_in(s, &s->seller, 20240003, "王五", b, NULL, &e));
    OK(shift_current(s->core, &s->seller, NULL, &whole, &e));
    assert_int_equal(whole.lines[KWH_SHIFT_OPEN].count, 3);

    OK(shift_in_area(s->core, &s->seller, NULL, NULL, a, &r, &e));
    assert_int_equal(r.lines[KWH_SHIFT_OPEN].count, 1);
    assert_int_equal(r.lines[KWH_SHIFT_OPEN].total_fen * 3, whole.lines[KWH_SHIFT_OPEN].total_fen);
    shift_report_fini(&r);
    OK(shift_in_area(s->core, &s->seller, NULL, &day, b, &r, &e));
    assert_int_equal(r.lines[KWH_SHIFT_OPEN].count, 2);
    assert_int_equal(r.money_in_fen * 3, whole.money_in_fen * 2);
    shift_report_fini(&r);
    {
        struct kwh_area top;
        OK(area_find(s->core, "/", &top, &e));
        root = top.id;
    }
    OK(shift_in_area(s->core, &s->admin, "clerk", &day, root, &r, &e));
    assert_int_equal(r.lines[KWH_SHIFT_OPEN].count, 3);
    assert_int_equal(r.money_in_fen, whole.money_in_fen);
    shift_report_fini(&r);
    shift_report_fini(&whole);

    /* the closed shift's part in an area (the 交班 screen's 区域): its sales there, no count */
    OK(shift_close(s->core, &s->seller, whole.net_fen, &whole, &e));
    assert_true(whole.shift_id > 0 && whole.counted);
    sid = whole.shift_id;
    OK(shift_get_in_area(s->core, &s->seller, whole.shift_id, b, &r, &e));
    assert_int_equal(r.shift_id, whole.shift_id);
    assert_int_equal(r.lines[KWH_SHIFT_OPEN].count, 2);
    assert_int_equal(r.money_in_fen * 3, whole.money_in_fen * 2);
    assert_false(r.counted);
    shift_report_fini(&r);
    OK(shift_get_in_area(s->core, &s->admin, whole.shift_id, a, &r, &e));
    assert_int_equal(r.lines[KWH_SHIFT_OPEN].count, 1);
    shift_report_fini(&r);
    shift_report_fini(&whole);

    OK(scope_set(s->core, &s->admin, "clerk", &a, 1, &e));
    assert_int_equal(shift_in_area(s->core, &s->seller, NULL, NULL, b, &r, &e), KWH_EPERM);
    assert_int_equal(shift_in_area(s->core, &s->seller, NULL, NULL, 999999, &r, &e), KWH_ENOTFOUND);
    assert_int_equal(shift_get_in_area(s->core, &s->seller, sid, b, &r, &e), KWH_EPERM);
    OK(shift_get_in_area(s->core, &s->seller, sid, a, &r, &e));
    assert_int_equal(r.lines[KWH_SHIFT_OPEN].count, 1);
    shift_report_fini(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, site_setup, site_teardown)
        T(areas__the_tree_refuses_cycles_depth_bad_names_and_deleting_what_is_used),
        T(scope__a_limited_operator_acts_and_looks_only_inside_their_areas),
        T(scope__the_items_report_of_a_limited_operator_keeps_to_their_areas),
        T(scope__invoices_and_arrears_of_an_account_outside_are_refused),
        T(scope__a_shift_in_an_area_holds_that_area_s_sales),
        T(scope__the_invoice_and_reversal_request_lists_keep_to_the_areas),
        T(breakdown__one_level_with_subtotals_the_area_itself_an_operator_and_a_scope),
        T(scope__an_administrator_limited_to_areas_imports_only_into_them),
        T(blacklist__a_replaced_or_lost_card_is_refused_and_audited),
        T(copy__a_card_restored_from_a_copy_after_its_purchase_loaded_is_refused),
        T(search__numbers_phones_names_addresses_and_pinyin_initials),
        T(search__substrings_find_what_like_finds_on_every_page_after_edits),
        T(migration__a_version_5_site_gains_the_tree_with_every_account_in_the_root),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
