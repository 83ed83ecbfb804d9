/* SPDX-License-Identifier: Apache-2.0 */
/* A test site: a database copied from a template made once per test binary, the core
 * opened on it with a fake card in the reader and a settable clock. */
#ifndef KWHPOS_TEST_SITE_H
#define KWHPOS_TEST_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fakecard.h"
#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "kwhpos/core.h"
#include "store/store.h"

#define SITE_AREA "314159"
#define SITE_ADMIN_PW "admin-pass-1"
#define SITE_SELLER_PW "seller-pass-1"
/* Tariffs of the template: 居民生活用电 0.5283, 一般工商业用电 0.8500 yuan/kWh. */

struct site {
    char dir[256];
    char db[600];     /* the SQLite file, or the PostgreSQL connection string */
    char pg_name[64]; /* the PostgreSQL database ("" on SQLite) */
    struct kwh_core *core;
    struct fakecard *card;
    struct kwh_session admin;  /* system, password changed */
    struct kwh_session seller; /* clerk */
    int64_t tariff_home, tariff_shop;
    int64_t now; /* the core's clock */
};

/* The card layout the sites are made with: $KWH_CARD_PROFILE (tests/run.sh runs some
 * suites under the test layout), else kwhpos's own. */
const struct card_profile *site_profile(void);

/* cmocka setup/teardown: *state becomes a struct site. */
int site_setup(void **state);
int site_teardown(void **state);

/* Opens a second core on the same database (another terminal). */
struct kwh_core *site_open_again(struct site *s);

/* A typical account request: single-phase meter meter_no, 60 A rating, 40 A limit,
 * alarm 10 kWh, overdraft 5 kWh, hoard 2000 kWh, home tariff. */
struct kwh_account_req site_account(struct site *s, uint32_t meter_no, const char *name);

/* Opens an account on a fresh blank card and buys `ckwh` (0 = none); returns the
 * customer number, failing the test on error. */
uint32_t site_open(struct site *s, uint32_t meter_no, int64_t ckwh);

/* Writes a meter's return area on the card in the reader, signed with the site key
 * (what kwhsim's meters do), and erases the key-transfer area as a meter would. */
void site_meter_writes(struct site *s, const struct kwh_card_return *r);

/* What a meter does when the card is inserted and the purchase loads: writes the
 * return area (loaded count, remaining = remaining_ckwh), as kwhsim's meters do. */
void site_meter_loads(struct site *s, int64_t remaining_ckwh);

/* What a meter writes on a refund card inserted in it: its remaining credit (then zero),
 * tripped, at loaded count loaded_count. */
void site_meter_refund_card(struct site *s, int64_t remaining_ckwh, int loaded_count);

/* The account's balance estimate (energy), failing the test if it is not found. */
int64_t site_balance(struct site *s, uint32_t customer_no);

/* One value from the site's database, read independently of the core (0 when the
 * query returns no row). */
int64_t site_q1(struct site *s, const char *sql);

/* The site's database opened apart from the core (caller closes with store_close), and
 * one value from it. */
struct store *site_store(struct site *s);
int64_t site_q1_in(struct store *db, const char *sql);

/* The first blob of the first row of sql (its length; 0 when no row). */
size_t site_blob(struct site *s, const char *sql, void *buf, size_t n);

/* Runs a script of statements on the site's database (test damage, old versions). */
void site_exec(struct site *s, const char *sql);

/* Takes the site's database back to schema version 5 (before the oversight tables):
 * what version 7 added is dropped on either backend, the version set to 5, then the
 * script `then` runs (NULL: none) in the same connection (older versions: opening the
 * store again would migrate it). */
void site_schema_back_to_5(struct site *s, const char *then);
/* Takes the site's database back to schema version 8 (before the monthly summary and,
 * on PostgreSQL, the search's trigram tables of version 10). */
void site_schema_back_to_8(struct site *s);
/* Takes the site's database back to schema version 9 (before card writes kept their
 * station). */
void site_schema_back_to_9(struct site *s);

/* Copies a file whole (written atomically), failing the test on error. */
void site_copy_file(const char *from, const char *to);

/* Whether the suite runs on PostgreSQL (KWH_TEST_PG names a test server). */
bool site_is_pg(void);

#endif
