/* SPDX-License-Identifier: Apache-2.0 */
/* The card image codec of every card layout: round trips, protection, and what a
 * hand-edited card does. Each test runs over every profile (kwhpos/cardprofile.h); where a
 * test looks at bytes it asks the profile where they lie. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"

/* Runs the body once for each card layout, p naming it. */
#define EACH_PROFILE(p) for (size_t each_ = 0; ((p) = cardprofile_at(each_)) != NULL; each_++)

static const uint8_t secret_a[KWH_SECRET_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
static const uint8_t secret_b[KWH_SECRET_LEN] = {9, 8, 7, 6, 5, 4, 3, 2, 1};

static struct kwh_card user_card(void)
{
    struct kwh_card c;
    memset(&c, 0, sizeof c);
    c.type = KWH_CARD_USER;
    memset(c.serial, 0x11, sizeof c.serial);
    c.meter_no = 12345678;
    c.customer_no = 10000001;
    c.purchase_count = 1;
    c.purchase_ckwh = 10050;
    c.free_ckwh = 50;
    c.generation = 0;
    c.flags = CARD_F_KEYX;
    c.params.meter_type = KWH_METER_SINGLE;
    c.params.current_limit_a = 40;
    c.params.alarm_ckwh = 1000;
    c.params.overdraft_ckwh = 500;
    c.params.hoard_ckwh = 99900;
    c.params.ct_ratio = 1;
    c.issued = 1700000000;
    return c;
}

static void keys(struct kwh_site_keys *k, const uint8_t *secret, const char *area)
{
    struct kwh_err e;
    assert_int_equal(card_keys_derive(k, secret, area, &e), 0);
}

static unsigned where(const struct card_profile *p, const uint8_t *img, enum card_piece piece)
{
    unsigned off, len;
    if (!card_where(p, img, piece, &off, &len))
        fail_msg("%s: no piece %d on this card", p->id, piece);
    return off;
}

static void card_image__decodes_a_factory_blank_card(void **state)
{
    const struct card_profile *p;
    uint8_t img[KWH_CARD_SIZE];
    struct kwh_card c;
    struct kwh_site_keys k;
    (void)state;
    keys(&k, secret_a, "123456");
    EACH_PROFILE(p)
    {
        card_blank_image(img);
        assert_int_equal(card_decode(p, img, &k, &c, NULL), 0);
        assert_int_equal(c.type, KWH_CARD_BLANK);
        assert_int_equal(c.psc_state, CARD_PSC_FACTORY);
        assert_false(card_serial_is_set(c.serial));
        assert_true(card_is_blank(p, img));
    }
}

static void card_image__round_trips_every_field(void **state)
{
    const struct card_profile *p;
    uint8_t blank[KWH_CARD_SIZE], img[KWH_CARD_SIZE];
    struct kwh_card in = user_card(), out;
    struct kwh_site_keys k;
    struct kwh_err e;
    (void)state;
    keys(&k, secret_a, "123456");
    card_blank_image(blank);
    EACH_PROFILE(p)
    {
        assert_int_equal(card_encode(p, blank, &in, &k, img, &e), 0);
        assert_int_equal(card_decode(p, img, &k, &out, &e), 0);
        assert_int_equal(out.type, KWH_CARD_USER);
        assert_string_equal(out.area_code, "123456");
        assert_int_equal(out.meter_no, 12345678);
        assert_int_equal(out.customer_no, 10000001);
        assert_int_equal(out.purchase_count, 1);
        assert_int_equal(out.purchase_ckwh, 10050);
        assert_int_equal(out.free_ckwh, 50);
        assert_int_equal(out.flags, CARD_F_KEYX);
        assert_int_equal(out.params.current_limit_a, 40);
        assert_int_equal(out.params.alarm_ckwh, 1000);
        assert_int_equal(out.params.overdraft_ckwh, 500);
        assert_int_equal(out.params.hoard_ckwh, 99900);
        assert_int_equal(out.issued, 1700000000);
        assert_memory_equal(out.serial, in.serial, CARD_SERIAL_LEN);
        assert_int_equal(out.active, 0);
        assert_false(out.ret.valid);
        assert_false(card_is_blank(p, img));
    }
}

static void card_image__writes_the_other_slot_each_time(void **state)
{
    const struct card_profile *p;
    uint8_t a[KWH_CARD_SIZE], b[KWH_CARD_SIZE], c2[KWH_CARD_SIZE];
    uint8_t first[CARD_RECORD_LEN], other[CARD_RECORD_LEN];
    struct kwh_card in, out;
    struct kwh_site_keys k;
    unsigned commit;
    (void)state;
    keys(&k, secret_a, "123456");
    EACH_PROFILE(p)
    {
        in = user_card();
        card_blank_image(a);
        assert_int_equal(card_encode(p, a, &in, &k, b, NULL), 0);
        in.purchase_count = 2;
        in.flags = 0;
        assert_int_equal(card_encode(p, b, &in, &k, c2, NULL), 0);
        assert_int_equal(card_decode(p, c2, &k, &out, NULL), 0);
        assert_int_equal(out.active, 1);
        assert_int_equal(out.purchase_count, 2);
        /* the first record is untouched: an interrupted write leaves it in force */
        card_record(p, b, true, first);
        card_record(p, c2, false, other);
        assert_memory_equal(first, other, CARD_RECORD_LEN);
        /* until the commit point is written, the card still reads as the first version */
        commit = where(p, c2, CARD_PIECE_COMMIT);
        c2[commit] = b[commit];
        assert_int_equal(card_decode(p, c2, &k, &out, NULL), 0);
        assert_int_equal(out.purchase_count, 1);
        card_record(p, c2, true, other);
        assert_memory_equal(first, other, CARD_RECORD_LEN);
    }
}

static void card_image__refuses_a_card_of_another_area(void **state)
{
    const struct card_profile *p;
    uint8_t blank[KWH_CARD_SIZE], img[KWH_CARD_SIZE];
    struct kwh_card in = user_card(), out;
    struct kwh_site_keys ka, kb;
    struct kwh_err e;
    (void)state;
    keys(&ka, secret_a, "123456");
    keys(&kb, secret_a, "654321");
    card_blank_image(blank);
    EACH_PROFILE(p)
    {
        assert_int_equal(card_encode(p, blank, &in, &kb, img, NULL), 0);
        assert_int_equal(card_decode(p, img, &ka, &out, &e), KWH_ECARD);
        assert_non_null(strstr(e.msg, "another site"));
        assert_non_null(strstr(e.msg, "654321"));
    }
}

static void card_image__refuses_a_card_of_another_secret_with_the_same_area(void **state)
{
    const struct card_profile *p;
    uint8_t blank[KWH_CARD_SIZE], img[KWH_CARD_SIZE];
    struct kwh_card in = user_card(), out;
    struct kwh_site_keys ka, kb;
    struct kwh_err e;
    (void)state;
    keys(&ka, secret_a, "123456");
    keys(&kb, secret_b, "123456");
    card_blank_image(blank);
    in.flags = 0;
    EACH_PROFILE(p)
    {
        assert_int_equal(card_encode(p, blank, &in, &kb, img, NULL), 0);
        assert_int_equal(card_decode(p, img, &ka, &out, &e), KWH_ECARD);
        assert_non_null(strstr(e.msg, "protection"));
    }
}

/* Every byte the issuer wrote is covered: changing any of them is refused or flagged
 * (rest_damaged, which core refuses unless it repairs its own interrupted write),
 * except the manufacturer's ATR and the meter's return area, which is then simply not
 * trusted. */
static void card_image__detects_any_hand_edited_byte(void **state)
{
    const struct card_profile *p;
    uint8_t blank[KWH_CARD_SIZE], v1[KWH_CARD_SIZE], img[KWH_CARD_SIZE];
    struct kwh_card in, out;
    struct kwh_card_return r = {.meter_no = 12345678, .loaded_count = 1, .remaining_ckwh = 77};
    struct kwh_site_keys k;
    unsigned commit, ret, ret_len;
    (void)state;
    keys(&k, secret_a, "123456");
    card_blank_image(blank);
    EACH_PROFILE(p)
    {
        in = user_card();
        assert_int_equal(card_encode(p, blank, &in, &k, v1, NULL), 0);
        in.purchase_count = 2;
        assert_int_equal(card_encode(p, v1, &in, &k, img, NULL), 0);
        card_encode_return(p, img, &r, k.mac_key);
        assert_int_equal(card_decode(p, img, &k, &out, NULL), 0);
        assert_true(out.ret.valid);
        commit = where(p, img, CARD_PIECE_COMMIT);
        assert_true(card_where(p, img, CARD_PIECE_RETURN, &ret, &ret_len));

        for (unsigned pos = 0; pos < KWH_CARD_SIZE; pos++) {
            for (int bit = 0; bit < 8; bit++) {
                uint8_t t[KWH_CARD_SIZE];
                int rc;
                memcpy(t, img, sizeof t);
                t[pos] ^= (uint8_t)(1u << bit);
                rc = card_decode(p, t, &k, &out, NULL);
                if (pos < sizeof card_atr)
                    continue; /* ATR: the manufacturer's, not ours */
                if (pos == commit && t[pos] == v1[commit]) {
                    /* back to the older genuine version: decodes, and core compares it
                     * with the last write it recorded */
                    assert_int_equal(rc, 0);
                    assert_int_equal(out.purchase_count, 1);
                    continue;
                }
                if (pos >= ret && pos < ret + ret_len) {
                    assert_int_equal(rc, 0);
                    assert_false(out.ret.valid);
                    continue;
                }
                if (rc == 0 && !out.rest_damaged)
                    fail_msg("%s: flipping bit %d of byte %#x went unnoticed", p->id, bit, pos);
            }
        }
    }
}

/* The pieces the tools and the suites find cards' bytes by (kwhsim card-piece): the next
 * write lands where "inactive" said, and "energy" and "remaining" are those fields. */
static void card_image__names_its_pieces(void **state)
{
    const struct card_profile *p;
    uint8_t blank[KWH_CARD_SIZE], img[KWH_CARD_SIZE];
    struct kwh_card in, out;
    struct kwh_card_return r = {.meter_no = 12345678, .loaded_count = 1, .remaining_ckwh = 777};
    struct kwh_site_keys k;
    unsigned off, len, next, act, act_len;
    (void)state;
    keys(&k, secret_a, "123456");
    card_blank_image(blank);
    EACH_PROFILE(p)
    {
        assert_false(card_where(p, blank, CARD_PIECE_ACTIVE, &off, &len));
        assert_false(card_where(p, blank, CARD_PIECE_MAC, &off, &len));
        assert_false(card_where(p, blank, CARD_PIECE_ENERGY, &off, &len));
        next = where(p, blank, CARD_PIECE_INACTIVE);
        in = user_card();
        assert_int_equal(card_encode(p, blank, &in, &k, img, NULL), 0);
        assert_true(card_where(p, img, CARD_PIECE_ACTIVE, &act, &act_len));
        assert_int_equal(act, next);
        assert_int_not_equal(where(p, img, CARD_PIECE_INACTIVE), act);
        /* the purchase energy: inside the record in force, and that field */
        assert_true(card_where(p, img, CARD_PIECE_ENERGY, &off, &len));
        assert_true(off >= act && off + len <= act + act_len);
        img[off + len - 1] ^= 0x01;
        img[off] ^= 0x01;
        card_resign(p, img, &k);
        assert_int_equal(card_decode(p, img, &k, &out, NULL), 0);
        assert_int_not_equal(out.purchase_ckwh, in.purchase_ckwh);
        assert_int_equal(out.purchase_ckwh ^ in.purchase_ckwh, 0x01000001u);
        assert_int_equal(out.customer_no, in.customer_no);
        /* the meter's remaining energy: inside the return area, and that field */
        card_encode_return(p, img, &r, k.mac_key);
        assert_true(card_where(p, img, CARD_PIECE_REMAINING, &off, &len));
        assert_true(card_where(p, img, CARD_PIECE_RETURN, &act, &act_len));
        assert_true(off >= act && off + len <= act + act_len);
        img[off + len - 1] ^= 0x02;
        img[off] ^= 0x02;
        card_resign(p, img, &k);
        assert_int_equal(card_decode(p, img, &k, &out, NULL), 0);
        assert_true(out.ret.valid);
        assert_int_equal((uint32_t)out.ret.remaining_ckwh ^ 777u, 0x02000002u);
        assert_int_equal(out.ret.meter_no, r.meter_no);
    }
}

static void card_image__binds_slots_to_the_card_serial(void **state)
{
    const struct card_profile *p;
    uint8_t blank[KWH_CARD_SIZE], img[KWH_CARD_SIZE];
    struct kwh_card in = user_card(), out;
    struct kwh_site_keys k;
    (void)state;
    keys(&k, secret_a, "123456");
    card_blank_image(blank);
    EACH_PROFILE(p)
    {
        assert_int_equal(card_encode(p, blank, &in, &k, img, NULL), 0);
        /* a copy of the content onto a card with another serial */
        img[where(p, img, CARD_PIECE_SERIAL)] ^= 0x01;
        assert_int_equal(card_decode(p, img, &k, &out, NULL), KWH_ECARD);
    }
}

static void card_image__carries_the_site_key_to_a_new_meter(void **state)
{
    const struct card_profile *p;
    uint8_t blank[KWH_CARD_SIZE], img[KWH_CARD_SIZE];
    struct kwh_card in = user_card(), out;
    struct kwh_site_keys k, got;
    struct kwh_err e;
    (void)state;
    keys(&k, secret_a, "123456");
    card_blank_image(blank);
    EACH_PROFILE(p)
    {
        assert_int_equal(card_encode(p, blank, &in, &k, img, NULL), 0);
        assert_int_equal(card_take_keys(p, img, 12345678, &got, &e), 0);
        assert_string_equal(got.area_code, "123456");
        assert_memory_equal(got.mac_key, k.mac_key, KWH_KEY_LEN);
        assert_memory_equal(got.psc, k.psc, KWH_PSC_LEN);
        /* another meter number cannot unwrap it */
        assert_int_equal(card_take_keys(p, img, 12345679, &got, &e), KWH_ECARD);
        /* the meter erases the area: the card stays genuine, and carries no key */
        card_erase_keys(p, img);
        assert_int_equal(card_take_keys(p, img, 12345678, &got, &e), KWH_ECARD);
        assert_int_equal(card_decode(p, img, &k, &out, &e), 0);
        assert_false(out.rest_damaged);
    }
}

static void card_image__reads_the_meter_return_area(void **state)
{
    uint8_t blank[KWH_CARD_SIZE], img[KWH_CARD_SIZE];
    struct kwh_card in = user_card(), out;
    struct kwh_card_return r = {.meter_no = 12345678,
                                .loaded_count = 1,
                                .status = CARD_RS_LOADED | CARD_RS_OVERDRAFT,
                                .remaining_ckwh = -250,
                                .used_ckwh = 123456,
                                .bought_ckwh = 200000,
                                .display = KWH_MC_GOOD,
                                .generation = 0,
                                .time = 1700000100};
    struct kwh_site_keys k;
    const struct card_profile *p;
    uint8_t img2[KWH_CARD_SIZE];
    (void)state;
    keys(&k, secret_a, "123456");
    card_blank_image(blank);
    EACH_PROFILE(p)
    {
        in = user_card();
        assert_int_equal(card_encode(p, blank, &in, &k, img, NULL), 0);
        card_encode_return(p, img, &r, k.mac_key);
        assert_int_equal(card_decode(p, img, &k, &out, NULL), 0);
        assert_true(out.ret.valid);
        assert_int_equal(out.ret.meter_no, 12345678);
        assert_int_equal(out.ret.loaded_count, 1);
        assert_int_equal(out.ret.remaining_ckwh, -250);
        assert_int_equal(out.ret.used_ckwh, 123456);
        assert_int_equal(out.ret.bought_ckwh, 200000);
        assert_int_equal(out.ret.display, KWH_MC_GOOD);
        assert_int_equal(out.ret.time, 1700000100);
        assert_int_equal(out.ret.status, CARD_RS_LOADED | CARD_RS_OVERDRAFT);
        assert_true(card_purchase_loaded(&out));
        /* a sale on the same card keeps the report; the new purchase is not loaded yet */
        in.purchase_count = 2;
        in.flags = 0;
        assert_int_equal(card_encode(p, img, &in, &k, img2, NULL), 0);
        assert_int_equal(card_decode(p, img2, &k, &out, NULL), 0);
        assert_true(out.ret.valid);
        assert_false(card_purchase_loaded(&out));
        /* a report bound to another card's serial does not verify */
        img2[where(p, img2, CARD_PIECE_SERIAL) + 2] ^= 0x10;
        assert_int_not_equal(card_decode(p, img2, &k, &out, NULL), 0);
    }
}

static void card_image__refuses_content_that_is_not_ours(void **state)
{
    const struct card_profile *p, *q;
    uint8_t blank[KWH_CARD_SIZE], img[KWH_CARD_SIZE], mine[KWH_CARD_SIZE];
    struct kwh_card in = user_card(), out;
    struct kwh_site_keys k;
    struct kwh_err e;
    unsigned mark;
    (void)state;
    keys(&k, secret_a, "123456");
    card_blank_image(blank);
    EACH_PROFILE(p)
    {
        memset(img, 0x00, sizeof img);
        assert_int_equal(card_decode(p, img, &k, &out, &e), KWH_ECARD);
        assert_non_null(strstr(e.msg, "not a kwhpos card"));
        /* the layout's mark with another version */
        assert_int_equal(card_encode(p, blank, &in, &k, mine, NULL), 0);
        card_blank_image(img);
        mark = where(p, mine, CARD_PIECE_MARK);
        memcpy(img + mark, mine + mark, 3);
        img[mark + 3] = 9;
        assert_int_equal(card_decode(p, img, &k, &out, &e), KWH_ECARD);
        assert_non_null(strstr(e.msg, "version 9"));
        /* a card of another layout is not one of this layout's */
        for (size_t j = 0; (q = cardprofile_at(j)) != NULL; j++) {
            if (q == p)
                continue;
            assert_int_equal(card_decode(q, mine, &k, &out, &e), KWH_ECARD);
        }
    }
}

static void card_image__refuses_to_encode_impossible_values(void **state)
{
    const struct card_profile *p;
    uint8_t blank[KWH_CARD_SIZE], img[KWH_CARD_SIZE];
    struct kwh_card in = user_card();
    struct kwh_site_keys k;
    struct kwh_err e;
    (void)state;
    keys(&k, secret_a, "123456");
    card_blank_image(blank);
    EACH_PROFILE(p)
    {
        in = user_card();
        in.meter_no = 123456789;
        assert_int_equal(card_encode(p, blank, &in, &k, img, &e), KWH_ECARD);
        in = user_card();
        in.params.ct_ratio = 0;
        assert_int_not_equal(card_encode(p, blank, &in, &k, img, &e), 0);
        in = user_card();
        memset(in.serial, 0xFF, sizeof in.serial);
        assert_int_equal(card_encode(p, blank, &in, &k, img, &e), KWH_EINVAL);
    }
    assert_int_equal(card_keys_derive(&k, secret_a, "12345", &e), KWH_EINVAL);
    assert_int_equal(card_keys_derive(&k, secret_a, "12a456", &e), KWH_EINVAL);
}

static void card_image__site_psc_never_equals_the_factory_psc(void **state)
{
    struct kwh_site_keys k;
    char area[7];
    (void)state;
    for (int i = 0; i < 2000; i++) {
        snprintf(area, sizeof area, "%06d", i * 499);
        keys(&k, secret_a, area);
        assert_memory_not_equal(k.psc, card_factory_psc, KWH_PSC_LEN);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(card_image__decodes_a_factory_blank_card),
        cmocka_unit_test(card_image__round_trips_every_field),
        cmocka_unit_test(card_image__writes_the_other_slot_each_time),
        cmocka_unit_test(card_image__refuses_a_card_of_another_area),
        cmocka_unit_test(card_image__refuses_a_card_of_another_secret_with_the_same_area),
        cmocka_unit_test(card_image__detects_any_hand_edited_byte),
        cmocka_unit_test(card_image__names_its_pieces),
        cmocka_unit_test(card_image__binds_slots_to_the_card_serial),
        cmocka_unit_test(card_image__carries_the_site_key_to_a_new_meter),
        cmocka_unit_test(card_image__reads_the_meter_return_area),
        cmocka_unit_test(card_image__refuses_content_that_is_not_ours),
        cmocka_unit_test(card_image__refuses_to_encode_impossible_values),
        cmocka_unit_test(card_image__site_psc_never_equals_the_factory_psc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
