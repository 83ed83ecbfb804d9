/* SPDX-License-Identifier: Apache-2.0 */
/* kwh-layouts: kwh1 test (tests/run.sh runs it in the test card layout too) */
/* The card writer (src/card/cardwrite.c) on the in-memory card: only changed bytes are
 * written and only they are read back, the commit point goes last, the error counter is
 * asked once per write, and no PSC is risked on a card with too few tries left. In the
 * card layout of $KWH_CARD_PROFILE (tests/run.sh runs it under the test layout too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fakecard.h"
#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "kwhpos/cardwrite.h"
#include "site.h"

static const uint8_t secret[KWH_SECRET_LEN] = {1, 2, 3, 4, 5, 6, 7, 8};

struct fixture {
    struct fakecard *card;
    struct kwh_site_keys keys;
    struct cardwrite w;
    struct kwh_err e;
};

static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof f);
    f.card = fakecard_new();
    if (card_keys_derive(&f.keys, secret, "123456", &f.e) < 0)
        return -1;
    cardwrite_init(&f.w, fakecard_dev(f.card), site_profile(), f.keys.psc);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    fakecard_free(f->card);
    return 0;
}

/* The image of a user card at purchase count n over old. */
static void user_card(struct fixture *f, const uint8_t old[KWH_CARD_SIZE], int n,
                      uint8_t out[KWH_CARD_SIZE])
{
    struct kwh_card c;
    memset(&c, 0, sizeof c);
    c.type = KWH_CARD_USER;
    memcpy(c.serial, "\x11\x22\x33\x44\x55\x66", CARD_SERIAL_LEN);
    c.meter_no = 12345678;
    c.customer_no = 10000001;
    c.purchase_count = (uint16_t)n;
    c.purchase_ckwh = (uint32_t)(1000 * n);
    c.params.meter_type = KWH_METER_SINGLE;
    c.params.current_limit_a = 40;
    c.params.hoard_ckwh = 200000;
    c.params.ct_ratio = 1;
    c.issued = 1700000000u + (uint32_t)n;
    if (card_encode(site_profile(), old, &c, &f->keys, out, &f->e) < 0)
        fail_msg("encode: %s", f->e.msg);
}

/* Writes a first user card onto the blank card; returns its image. */
static void personalise(struct fixture *f, uint8_t img[KWH_CARD_SIZE])
{
    uint8_t old[KWH_CARD_SIZE];
    enum cardwrite_outcome out;

    assert_int_equal(cardwrite_read(&f->w, old, &f->e), 0);
    user_card(f, old, 1, img);
    assert_int_equal(cardwrite_write(&f->w, old, img, &out, &f->e), 0);
    assert_int_equal(out, CARDWRITE_WRITTEN);
}

static void write__reads_back_only_what_it_wrote(void **state)
{
    struct fixture *f = *state;
    uint8_t one[KWH_CARD_SIZE], two[KWH_CARD_SIZE], now[KWH_CARD_SIZE];
    enum cardwrite_outcome out;
    long changed = 0;

    personalise(f, one);
    assert_memory_equal(f->card->img, one, KWH_CARD_SIZE);
    /* a sale: the other record and the commit point */
    assert_int_equal(cardwrite_read(&f->w, now, &f->e), 0);
    user_card(f, now, 2, two);
    for (int i = 0; i < KWH_CARD_SIZE; i++)
        changed += now[i] != two[i];
    f->card->reads = 0;
    f->card->read_bytes = 0;
    assert_int_equal(cardwrite_write(&f->w, now, two, &out, &f->e), 0);
    assert_memory_equal(f->card->img, two, KWH_CARD_SIZE);
    assert_int_equal(f->w.stats.bytes, changed);
    /* the record's bytes and the commit point, in at most two requests, not 256 bytes */
    assert_true(f->card->reads <= 2);
    assert_int_equal(f->w.stats.reads, f->card->reads);
    assert_true(f->card->read_bytes < 100);
    assert_true(f->card->read_bytes >= changed);
    /* nothing to change: nothing written, nothing read back */
    f->card->reads = 0;
    assert_int_equal(cardwrite_write(&f->w, two, two, &out, &f->e), 0);
    assert_int_equal(f->w.stats.runs, 0);
    assert_int_equal(f->card->reads, 0);
}

static void write__asks_the_error_counter_once(void **state)
{
    struct fixture *f = *state;
    uint8_t one[KWH_CARD_SIZE], now[KWH_CARD_SIZE], two[KWH_CARD_SIZE];
    enum cardwrite_outcome out;

    personalise(f, one);
    assert_int_equal(cardwrite_read(&f->w, now, &f->e), 0);
    user_card(f, now, 2, two);
    f->card->tries_asked = 0;
    f->card->presentations = 0;
    assert_int_equal(cardwrite_write(&f->w, now, two, &out, &f->e), 0);
    assert_int_equal(f->card->tries_asked, 1);
    assert_int_equal(f->card->presentations, 1);
}

static void write__risks_no_psc_with_one_try_left_or_locked(void **state)
{
    struct fixture *f = *state;
    uint8_t old[KWH_CARD_SIZE], img[KWH_CARD_SIZE];
    enum cardwrite_outcome out;

    assert_int_equal(cardwrite_read(&f->w, old, &f->e), 0);
    user_card(f, old, 1, img);
    f->card->tries = 1;
    assert_int_equal(cardwrite_write(&f->w, old, img, &out, &f->e), KWH_ECARD);
    assert_int_equal(f->e.detail, KWH_DEV_PSC_RISK);
    assert_int_equal(out, CARDWRITE_NOT_WRITTEN);
    assert_int_equal(f->card->presentations, 0);
    assert_int_equal(cardwrite_present(&f->w, card_factory_psc, &f->e), KWH_ECARD);
    assert_int_equal(f->e.detail, KWH_DEV_PSC_RISK);
    f->card->tries = 0;
    assert_int_equal(cardwrite_write(&f->w, old, img, &out, &f->e), KWH_ECARD);
    assert_int_equal(f->e.detail, KWH_DEV_LOCKED);
    assert_int_equal(f->card->presentations, 0);
    /* a tool may accept the risk of its last try */
    f->card->tries = 1;
    f->w.min_tries = 1;
    assert_int_equal(cardwrite_present(&f->w, card_factory_psc, &f->e), 0);
    assert_int_equal(f->card->tries, KWH_PSC_TRIES);
}

static void write__a_byte_that_does_not_stick_never_commits(void **state)
{
    struct fixture *f = *state;
    uint8_t old[KWH_CARD_SIZE], img[KWH_CARD_SIZE];
    enum cardwrite_outcome out;
    unsigned off, len;

    assert_int_equal(cardwrite_read(&f->w, old, &f->e), 0);
    user_card(f, old, 1, img);
    assert_true(card_where(site_profile(), img, CARD_PIECE_ACTIVE, &off, &len));
    f->card->stuck = (int)off + 5;
    assert_int_equal(cardwrite_write(&f->w, old, img, &out, &f->e), KWH_EDEVICE);
    assert_int_equal(f->e.detail, KWH_DEV_WRITE_FAILED);
    assert_non_null(strstr(f->e.msg, "worn out"));
    /* the record was read back before its commit point: never committed */
    assert_int_equal(out, CARDWRITE_NOT_WRITTEN);
    assert_true(card_is_blank(site_profile(), f->card->img));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(write__reads_back_only_what_it_wrote, setup, teardown),
        cmocka_unit_test_setup_teardown(write__asks_the_error_counter_once, setup, teardown),
        cmocka_unit_test_setup_teardown(write__risks_no_psc_with_one_try_left_or_locked, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(write__a_byte_that_does_not_stick_never_commits, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
