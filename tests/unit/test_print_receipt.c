/* SPDX-License-Identifier: Apache-2.0 */
/* An invoice's values: every kind of sale to its print variables (kind in Chinese,
 * total and 大写 with the 补卡 fee, negative refunds, reprint mark), and the page a
 * shipped form makes of them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "kwhpos/card.h"
#include "kwhpos/print.h"
#include "kwhpos/util.h"

/* 2026-11-24 06:00:00 UTC */
#define SOLD 1795500000

static struct kwh_receipt receipt(int kind)
{
    struct kwh_receipt r;

    memset(&r, 0, sizeof r);
    str_copy(r.unit_name, sizeof r.unit_name, "幸福小区物业");
    str_copy(r.unit_phone, sizeof r.unit_phone, "0571-88886666");
    r.customer.customer_no = 10000001;
    str_copy(r.customer.name, sizeof r.customer.name, "张三");
    str_copy(r.customer.address, sizeof r.customer.address, "一号楼 1单元 101");
    str_copy(r.customer.phone, sizeof r.customer.phone, "13800000000");
    r.customer.meter.meter_no = 20240001;
    r.customer.meter.meter_type = KWH_METER_SINGLE;
    r.sale.kind = kind;
    r.sale.state = KWH_STATE_DONE;
    r.sale.invoice_no = 12;
    r.sale.customer_no = 10000001;
    str_copy(r.sale.customer_name, sizeof r.sale.customer_name, r.customer.name);
    str_copy(r.sale.customer_address, sizeof r.sale.customer_address, r.customer.address);
    str_copy(r.sale.customer_phone, sizeof r.sale.customer_phone, r.customer.phone);
    r.sale.meter_no = 20240001;
    r.sale.purchase_count = 3;
    r.sale.energy_ckwh = 24323;
    r.sale.adjust_ckwh = 500;
    r.sale.free_ckwh = 1000;
    r.sale.price = 5283;
    str_copy(r.sale.tariff_name, sizeof r.sale.tariff_name, "居民生活用电");
    r.sale.amount_fen = 12850;
    r.sale.pay_method = KWH_PAY_WECHAT;
    str_copy(r.sale.operator_name, sizeof r.sale.operator_name, "李四");
    r.sale.created = SOLD;
    return r;
}

static struct print_vars *vars_of(const struct kwh_receipt *r, int reprint)
{
    struct print_vars *v = print_vars_new();
    struct kwh_err e;
    assert_non_null(v);
    if (print_vars_from_receipt(v, r, reprint, &e) < 0)
        fail_msg("mapping: %s", e.msg);
    return v;
}

#define VAR(v, id) print_vars_get((v), PRINT_VAR_##id)

static void receipt__daily_sale_fills_every_variable(void **state)
{
    struct kwh_receipt r = receipt(KWH_OP_SALE);
    struct print_vars *v = vars_of(&r, 0);
    (void)state;

    assert_string_equal(VAR(v, UNIT), "幸福小区物业");
    assert_string_equal(VAR(v, UNIT_TEL), "0571-88886666");
    assert_string_equal(VAR(v, SALE_TYPE), "日常售电");
    assert_string_equal(VAR(v, INVOICE_NO), "00000012");
    assert_string_equal(VAR(v, DATETIME), "2026-11-24 06:00:00");
    assert_string_equal(VAR(v, DATE), "2026-11-24");
    assert_string_equal(VAR(v, TIME), "06:00:00");
    assert_string_equal(VAR(v, CUSTOMER_NO), "10000001");
    assert_string_equal(VAR(v, CUSTOMER), "张三");
    assert_string_equal(VAR(v, ADDRESS), "一号楼 1单元 101");
    assert_string_equal(VAR(v, CUSTOMER_TEL), "13800000000");
    assert_string_equal(VAR(v, METER_NO), "20240001");
    assert_string_equal(VAR(v, METER_TYPE), "单相");
    assert_string_equal(VAR(v, TARIFF), "居民生活用电");
    assert_string_equal(VAR(v, PRICE), "0.5283");
    assert_string_equal(VAR(v, KWH), "243.23");
    assert_string_equal(VAR(v, ADJ_KWH), "5.00");
    assert_string_equal(VAR(v, FREE_KWH), "10.00");
    assert_string_equal(VAR(v, AMOUNT), "128.50");
    assert_string_equal(VAR(v, AMOUNT_CN), "壹佰贰拾捌元伍角");
    assert_string_equal(VAR(v, FEE), "");
    assert_string_equal(VAR(v, PURCHASES), "3");
    assert_string_equal(VAR(v, OPERATOR), "李四");
    assert_string_equal(VAR(v, PAYMENT), "微信");
    assert_string_equal(VAR(v, REPRINT), "");
    print_vars_free(v);
}

/* The invoice prints the customer as at the sale: an address the account got later is
   not the sale's, and an empty one stays empty. */
static void receipt__prints_the_customer_as_at_the_sale(void **state)
{
    struct kwh_receipt r = receipt(KWH_OP_SALE);
    struct print_vars *v;
    (void)state;

    str_copy(r.sale.customer_address, sizeof r.sale.customer_address, "");
    str_copy(r.sale.customer_phone, sizeof r.sale.customer_phone, "");
    str_copy(r.customer.address, sizeof r.customer.address, "后来的地址");
    str_copy(r.customer.name, sizeof r.customer.name, "新户主");
    v = vars_of(&r, 1);
    assert_string_equal(VAR(v, CUSTOMER), "张三");
    assert_string_equal(VAR(v, ADDRESS), "");
    assert_string_equal(VAR(v, CUSTOMER_TEL), "");
    print_vars_free(v);
}

static void receipt__each_kind_of_sale_is_named_in_chinese(void **state)
{
    static const struct {
        int kind;
        const char *name;
    } kinds[] = {
        {KWH_OP_OPEN, "开户购电"},
        {KWH_OP_SALE, "日常售电"},
        {KWH_OP_RESALE, "重新售电"},
        {KWH_OP_REISSUE, "补卡售电"},
        {KWH_OP_METER_CHANGE, "换表购电"},
        {KWH_OP_REFUND, "退电"},
        {KWH_OP_EDIT, ""},
        {KWH_OP_TOOL, ""},
        {0, ""},
        {99, ""},
    };
    (void)state;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        struct kwh_receipt r = receipt(kinds[i].kind);
        struct print_vars *v = vars_of(&r, 0);
        assert_string_equal(print_sale_type(kinds[i].kind), kinds[i].name);
        assert_string_equal(VAR(v, SALE_TYPE), kinds[i].name);
        print_vars_free(v);
    }
}

static void receipt__reissue_fee_is_in_the_total_and_shown_alone(void **state)
{
    struct kwh_receipt r = receipt(KWH_OP_REISSUE);
    struct print_vars *v;
    (void)state;

    r.sale.amount_fen = 5000;
    r.sale.fee_fen = 2000;
    v = vars_of(&r, 0);
    assert_string_equal(VAR(v, AMOUNT), "70.00");
    assert_string_equal(VAR(v, AMOUNT_CN), "柒拾元整");
    assert_string_equal(VAR(v, FEE), "20.00");
    print_vars_free(v);

    /* a reissue without a purchase: the fee is all the customer pays */
    r.sale.amount_fen = 0;
    r.sale.energy_ckwh = 0;
    v = vars_of(&r, 0);
    assert_string_equal(VAR(v, AMOUNT), "20.00");
    assert_string_equal(VAR(v, AMOUNT_CN), "贰拾元整");
    assert_string_equal(VAR(v, KWH), "0.00");
    print_vars_free(v);

    /* no fee: shown as 0.00 on a reissue, blank on other kinds */
    r.sale.fee_fen = 0;
    v = vars_of(&r, 0);
    assert_string_equal(VAR(v, FEE), "0.00");
    assert_string_equal(VAR(v, AMOUNT_CN), "零元整");
    print_vars_free(v);
}

static void receipt__refund_prints_money_paid_out_as_negative(void **state)
{
    struct kwh_receipt r = receipt(KWH_OP_REFUND);
    struct print_vars *v;
    (void)state;

    r.sale.energy_ckwh = -2336;
    r.sale.adjust_ckwh = 0;
    r.sale.free_ckwh = 0;
    r.sale.amount_fen = -1234;
    v = vars_of(&r, 0);
    assert_string_equal(VAR(v, SALE_TYPE), "退电");
    assert_string_equal(VAR(v, KWH), "-23.36");
    assert_string_equal(VAR(v, AMOUNT), "-12.34");
    assert_string_equal(VAR(v, AMOUNT_CN), "负壹拾贰元叁角肆分");
    print_vars_free(v);

    /* an overdraft the customer pays back */
    r.sale.amount_fen = 507;
    v = vars_of(&r, 0);
    assert_string_equal(VAR(v, AMOUNT_CN), "伍元零柒分");
    print_vars_free(v);
}

static void receipt__open_and_meter_change_name_the_meter_type(void **state)
{
    struct kwh_receipt r = receipt(KWH_OP_OPEN);
    struct print_vars *v;
    (void)state;

    r.customer.meter.meter_type = KWH_METER_THREE_CT;
    r.sale.amount_fen = 100507;
    v = vars_of(&r, 0);
    assert_string_equal(VAR(v, METER_TYPE), "三相互感");
    assert_string_equal(VAR(v, AMOUNT_CN), "壹仟零伍元零柒分");
    print_vars_free(v);

    r = receipt(KWH_OP_METER_CHANGE);
    r.customer.meter.meter_type = KWH_METER_THREE_DIRECT;
    r.sale.meter_no = 87654321;
    v = vars_of(&r, 0);
    assert_string_equal(VAR(v, SALE_TYPE), "换表购电");
    assert_string_equal(VAR(v, METER_TYPE), "三相直通");
    assert_string_equal(VAR(v, METER_NO), "87654321");
    print_vars_free(v);
}

static void receipt__reprint_is_marked_with_its_count(void **state)
{
    struct kwh_receipt r = receipt(KWH_OP_SALE);
    struct print_vars *v;
    struct kwh_err e;
    (void)state;

    r.sale.reprints = 5; /* the count printed is the caller's, not the stored one */
    v = vars_of(&r, 0);
    assert_string_equal(VAR(v, REPRINT), "");
    print_vars_free(v);
    v = vars_of(&r, 1);
    assert_string_equal(VAR(v, REPRINT), "补打(第1次)");
    print_vars_free(v);
    v = vars_of(&r, 12);
    assert_string_equal(VAR(v, REPRINT), "补打(第12次)");
    assert_int_equal(print_vars_from_receipt(v, &r, -1, &e), KWH_EINVAL);
    print_vars_free(v);
}

static void receipt__odd_values_never_break_the_page(void **state)
{
    struct kwh_receipt r = receipt(KWH_OP_SALE);
    struct print_vars *v;
    struct kwh_err e;
    (void)state;

    memcpy(r.sale.customer_name, "张\n三\t\xff\xfe", 11);
    r.sale.pay_method = 42;
    r.customer.meter.meter_type = 0;
    r.sale.invoice_no = 123456789012LL;
    v = vars_of(&r, 0);
    assert_string_equal(VAR(v, CUSTOMER), "张 三 ??");
    assert_string_equal(VAR(v, PAYMENT), "");
    assert_string_equal(VAR(v, METER_TYPE), "");
    assert_string_equal(VAR(v, INVOICE_NO), "123456789012");
    r.sale.fee_fen = -1;
    assert_int_equal(print_vars_from_receipt(v, &r, 0, &e), KWH_EINVAL);
    r.sale.fee_fen = 1;
    r.sale.amount_fen = INT64_MAX;
    assert_int_equal(print_vars_from_receipt(v, &r, 0, &e), KWH_EINVAL);
    assert_int_equal(print_vars_from_receipt(NULL, &r, 0, &e), KWH_EINVAL);
    assert_int_equal(print_vars_from_receipt(v, NULL, 0, &e), KWH_EINVAL);
    print_vars_free(v);
}

/* The shipped 80 mm receipt, filled from a sale: what the printer gets. */
static void receipt__fills_the_shipped_80mm_form(void **state)
{
    const char *top = getenv("KWH_TOP") ? getenv("KWH_TOP") : ".";
    struct kwh_receipt r = receipt(KWH_OP_SALE);
    struct print_vars *v = vars_of(&r, 2);
    struct print_form *f;
    struct print_page *p;
    struct kwh_err e;
    char path[512], all[4096] = "";
    (void)state;

    snprintf(path, sizeof path, "%s/forms/receipt80.form", top);
    if (print_form_load(path, &f, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(print_render(f, v, &p, &e), 0);
    assert_int_equal(p->overflows, 0);
    for (int i = 0; i < p->nlines; i++) {
        strncat(all, p->lines[i], sizeof all - strlen(all) - 2);
        strcat(all, "\n");
    }
    assert_non_null(strstr(all, "                  幸福小区物业\n"));
    assert_non_null(strstr(all, "日常售电                         补打(第2次)\n"));
    assert_non_null(strstr(all, "票号：00000012          2026-11-24 06:00:00\n"));
    assert_non_null(strstr(all, "用户名称：张三\n"));
    assert_non_null(strstr(all, "金额：    ￥     128.50 元\n"));
    assert_non_null(strstr(all, "大写金额：壹佰贰拾捌元伍角\n"));
    assert_non_null(strstr(all, "付款方式：微信\n"));
    print_page_free(p);
    print_form_free(f);
    print_vars_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(receipt__daily_sale_fills_every_variable),
        cmocka_unit_test(receipt__prints_the_customer_as_at_the_sale),
        cmocka_unit_test(receipt__each_kind_of_sale_is_named_in_chinese),
        cmocka_unit_test(receipt__reissue_fee_is_in_the_total_and_shown_alone),
        cmocka_unit_test(receipt__refund_prints_money_paid_out_as_negative),
        cmocka_unit_test(receipt__open_and_meter_change_name_the_meter_type),
        cmocka_unit_test(receipt__reprint_is_marked_with_its_count),
        cmocka_unit_test(receipt__odd_values_never_break_the_page),
        cmocka_unit_test(receipt__fills_the_shipped_80mm_form),
    };
    setenv("TZ", "UTC", 1);
    tzset();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
