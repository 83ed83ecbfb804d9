/* SPDX-License-Identifier: Apache-2.0 */
#include "site.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "kwhpos/card.h"
#include "kwhpos/store.h"
#include "kwhpos/util.h"

static char template_db[300];
static int64_t admin_id, seller_id, home_id, shop_id;

static int64_t site_clock(void *ctx)
{
    return ((struct site *)ctx)->now;
}

static void make_template(void)
{
    static char dir[64];
    snprintf(dir, sizeof dir, "%s/kwhtpl.XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    struct kwh_init_req req = {.area_code = SITE_AREA,
                               .unit_name = "测试物业",
                               .unit_phone = "0571-1234567",
                               .demo_tariffs = true};
    struct kwh_core *c;
    struct kwh_session s;
    struct kwh_tariff *t;
    struct kwh_operator *ops;
    size_t n;
    struct kwh_err e;

    if (mkdtemp(dir) == NULL)
        fail_msg("mkdtemp failed");
    snprintf(template_db, sizeof template_db, "%s/template.db", dir);
    if (core_init_site(template_db, &req, &e) < 0)
        fail_msg("init: %s", e.msg);
    if (core_open(&c, template_db, &e) < 0)
        fail_msg("open: %s", e.msg);
    if (auth_login(c, "system", "1", &s, &e) < 0 ||
        auth_change_password(c, &s, "system", "1", SITE_ADMIN_PW, SITE_ADMIN_PW, &e) < 0 ||
        auth_operator_add(c, &s, "clerk", KWH_ROLE_SELLER, SITE_SELLER_PW, SITE_SELLER_PW, &e) < 0)
        fail_msg("operators: %s", e.msg);
    if (auth_operator_list(c, &s, &ops, &n, &e) < 0)
        fail_msg("list: %s", e.msg);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ops[i].name, "system") == 0)
            admin_id = ops[i].id;
        if (strcmp(ops[i].name, "clerk") == 0)
            seller_id = ops[i].id;
    }
    free(ops);
    if (tariff_list(c, &t, &n, &e) < 0 || n != 2)
        fail_msg("tariffs: %s", e.msg);
    home_id = t[0].id;
    shop_id = t[1].id;
    free(t);
    core_close(c);
}

static void copy_file(const char *from, const char *to)
{
    char *data;
    size_t len;
    struct kwh_err e;
    if (file_read_all(from, 1u << 28, &data, &len, &e) < 0)
        fail_msg("%s", e.msg);
    if (file_write_atomic(to, data, len, 0600, &e) < 0)
        fail_msg("%s", e.msg);
    free(data);
}

int site_setup(void **state)
{
    struct site *s = calloc(1, sizeof *s);
    struct kwh_clock clock;
    struct kwh_err e;

    if (template_db[0] == '\0')
        make_template();
    /* tmpfs where there is one: synchronous=FULL makes every commit an fsync */
    snprintf(s->dir, sizeof s->dir, "%s/kwhsite.XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (mkdtemp(s->dir) == NULL)
        return -1;
    snprintf(s->db, sizeof s->db, "%s/site.db", s->dir);
    copy_file(template_db, s->db);
    if (core_open(&s->core, s->db, &e) < 0)
        fail_msg("open: %s", e.msg);
    s->card = fakecard_new();
    core_set_card_dev(s->core, fakecard_dev(s->card));
    s->now = 1795500000; /* 2026-11-24 */
    clock.now = site_clock;
    clock.ctx = s;
    core_set_clock(s->core, &clock);
    s->admin = (struct kwh_session){admin_id, "system", KWH_ROLE_ADMIN, false};
    s->seller = (struct kwh_session){seller_id, "clerk", KWH_ROLE_SELLER, false};
    s->tariff_home = home_id;
    s->tariff_shop = shop_id;
    *state = s;
    return 0;
}

int site_teardown(void **state)
{
    struct site *s = *state;
    char path[400];
    core_close(s->core);
    fakecard_free(s->card);
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", s->db, suffixes[i]);
        unlink(path);
    }
    rmdir(s->dir);
    free(s);
    return 0;
}

struct kwh_core *site_open_again(struct site *s)
{
    struct kwh_core *c;
    struct kwh_clock clock = {site_clock, s};
    struct kwh_err e;
    if (core_open(&c, s->db, &e) < 0)
        fail_msg("open again: %s", e.msg);
    core_set_card_dev(c, fakecard_dev(s->card));
    core_set_clock(c, &clock);
    return c;
}

struct kwh_account_req site_account(struct site *s, uint32_t meter_no, const char *name)
{
    struct kwh_account_req a;
    memset(&a, 0, sizeof a);
    str_copy(a.name, sizeof a.name, name);
    str_copy(a.address, sizeof a.address, "一号楼 101");
    str_copy(a.phone, sizeof a.phone, "13800000000");
    a.meter.meter_no = meter_no;
    a.meter.meter_type = KWH_METER_SINGLE;
    a.meter.rating_a = 60;
    a.meter.current_limit_a = 40;
    a.meter.alarm_ckwh = 1000;
    a.meter.overdraft_ckwh = 500;
    a.meter.hoard_ckwh = 200000;
    a.meter.ct_ratio = 1;
    a.tariff_id = s->tariff_home;
    return a;
}

uint32_t site_open(struct site *s, uint32_t meter_no, int64_t ckwh)
{
    struct kwh_account_req a = site_account(s, meter_no, "张三");
    struct kwh_purchase_req p = {ckwh > 0 ? KWH_BY_KWH : KWH_BY_NONE, ckwh, 0, KWH_PAY_CASH};
    struct kwh_receipt r;
    struct kwh_err e;
    fakecard_blank(s->card);
    if (vend_open_account(s->core, &s->seller, &a, &p, &r, &e) < 0)
        fail_msg("open account: %s", e.msg);
    return r.customer.customer_no;
}

void site_meter_writes(struct site *s, const struct kwh_card_return *r)
{
    struct store *db;
    struct kwh_site_keys keys;
    uint8_t secret[KWH_SECRET_LEN];
    char area[16];
    bool found;
    struct kwh_err e;

    if (store_open(&db, s->db, false, &e) < 0 || store_secret_get(db, secret, &e) < 0 ||
        store_setting_get(db, "area_code", area, sizeof area, &found, &e) < 0 ||
        card_keys_derive(&keys, secret, area, &e) < 0)
        fail_msg("meter keys: %s", e.msg);
    store_close(db);
    card_encode_return(s->card->img, r, keys.mac_key);
    memset(s->card->img + CARD_OFF_KEYX, 0xFF, CARD_KEYX_LEN);
}

void site_meter_loads(struct site *s, int64_t remaining_ckwh)
{
    struct kwh_card card;
    struct kwh_card_return r;
    struct kwh_err e;

    if (card_decode(s->card->img, NULL, &card, &e) < 0)
        fail_msg("meter: %s", e.msg);
    memset(&r, 0, sizeof r);
    r.meter_no = card.meter_no;
    r.loaded_count = card.purchase_count;
    r.status = CARD_RS_LOADED;
    r.remaining_ckwh = (int32_t)remaining_ckwh;
    r.generation = card.generation;
    r.time = (uint32_t)++s->now;
    site_meter_writes(s, &r);
}

int64_t site_balance(struct site *s, uint32_t customer_no)
{
    struct kwh_customer cu;
    struct kwh_err e;
    if (account_find(s->core, customer_no, 0, &cu, &e) < 0)
        fail_msg("find: %s", e.msg);
    return cu.balance_ckwh;
}

int64_t site_q1(struct site *s, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int64_t v = 0;

    if (sqlite3_open_v2(s->db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        fail_msg("open %s", s->db);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}
