/* SPDX-License-Identifier: Apache-2.0 */
/* The reader frame codec and its resynchronising parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kwhpos/frame.h"

static size_t make(uint8_t seq, uint8_t cmd, size_t len, uint8_t fill, uint8_t *out)
{
    struct frame f = {.seq = seq, .cmd = cmd, .len = (uint16_t)len};
    for (size_t i = 0; i < len; i++)
        f.data[i] = (uint8_t)(fill + i);
    return frame_encode(&f, out, FRAME_MAX);
}

static enum frame_event feed(struct frame_parser *p, const uint8_t *b, size_t n, struct frame *f)
{
    size_t taken = frame_parser_push(p, b, n);
    assert_int_equal(taken, n);
    return frame_parser_next(p, f);
}

static void crc__matches_the_ccitt_false_check_value(void **state)
{
    (void)state;
    assert_int_equal(frame_crc16((const uint8_t *)"123456789", 9), 0x29B1);
}

static void roundtrip__every_length_from_empty_to_the_maximum(void **state)
{
    static const size_t lens[] = {0, 1, 2, 3, 4, 255, 256, 257, FRAME_DATA_MAX};
    (void)state;
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        uint8_t buf[FRAME_MAX];
        struct frame_parser p;
        struct frame f;
        size_t n = make((uint8_t)k, FRAME_CMD_WRITE, lens[k], 0x02, buf);

        assert_int_equal(n, FRAME_OVERHEAD + lens[k]);
        frame_parser_init(&p);
        assert_int_equal(feed(&p, buf, n, &f), FRAME_EV_FRAME);
        assert_int_equal(f.seq, k);
        assert_int_equal(f.cmd, FRAME_CMD_WRITE);
        assert_int_equal(f.len, lens[k]);
        for (size_t i = 0; i < lens[k]; i++)
            assert_int_equal(f.data[i], (uint8_t)(0x02 + i));
        assert_int_equal(p.have, 0);
        assert_int_equal(frame_parser_next(&p, &f), FRAME_EV_NONE);
    }
}

static void encode__refuses_data_longer_than_the_maximum(void **state)
{
    struct frame f = {.len = FRAME_DATA_MAX + 1};
    uint8_t buf[FRAME_MAX + 8];
    (void)state;
    assert_int_equal(frame_encode(&f, buf, sizeof buf), 0);
    f.len = 10;
    assert_int_equal(frame_encode(&f, buf, FRAME_OVERHEAD + 9), 0);
}

static void parse__takes_a_frame_one_byte_at_a_time(void **state)
{
    uint8_t buf[FRAME_MAX];
    struct frame_parser p;
    struct frame f;
    size_t n = make(7, FRAME_CMD_READ | FRAME_RESPONSE, 40, 0, buf);
    (void)state;
    frame_parser_init(&p);
    for (size_t i = 0; i + 1 < n; i++)
        assert_int_equal(feed(&p, buf + i, 1, &f), FRAME_EV_NONE);
    assert_int_equal(feed(&p, buf + n - 1, 1, &f), FRAME_EV_FRAME);
    assert_int_equal(f.seq, 7);
    assert_int_equal(f.len, 40);
}

static void parse__resyncs_after_garbage_full_of_start_bytes(void **state)
{
    uint8_t noise[] = {0x00, 0x02, 0x02, 0xFF, 0x02, 0x05, 0x00, 0x03, 0x02, 0x02, 0x41};
    uint8_t buf[FRAME_MAX];
    struct frame_parser p;
    struct frame f;
    size_t n = make(9, FRAME_CMD_STATUS, 1, 0x02, buf);
    (void)state;
    frame_parser_init(&p);
    assert_int_equal(feed(&p, noise, sizeof noise, &f), FRAME_EV_NONE);
    assert_int_equal(feed(&p, buf, n, &f), FRAME_EV_FRAME);
    assert_int_equal(f.seq, 9);
    assert_true(p.garbage >= sizeof noise - 2);
}

static void parse__reports_a_corrupt_frame_then_finds_the_next(void **state)
{
    uint8_t buf[2 * FRAME_MAX];
    struct frame_parser p;
    struct frame f;
    size_t n1 = make(1, FRAME_CMD_READ, 20, 0x10, buf);
    size_t n2 = make(2, FRAME_CMD_READ, 20, 0x10, buf + n1);
    enum frame_event ev;
    int checksums = 0;
    (void)state;
    buf[10] ^= 0x40; /* a data byte of the first frame */
    frame_parser_init(&p);
    frame_parser_push(&p, buf, n1 + n2);
    while ((ev = frame_parser_next(&p, &f)) == FRAME_EV_CHECKSUM)
        checksums++;
    assert_int_equal(checksums, 1);
    assert_int_equal(ev, FRAME_EV_FRAME);
    assert_int_equal(f.seq, 2);
    assert_int_equal(p.bad_seq, 1);
    assert_int_equal(p.bad_cmd, FRAME_CMD_READ);
}

static void parse__refuses_a_wrong_end_byte(void **state)
{
    uint8_t buf[FRAME_MAX];
    struct frame_parser p;
    struct frame f;
    size_t n = make(3, FRAME_CMD_STATUS, 0, 0, buf);
    (void)state;
    buf[n - 1] = 0x04;
    frame_parser_init(&p);
    assert_int_equal(feed(&p, buf, n, &f), FRAME_EV_CHECKSUM);
    assert_int_equal(frame_parser_next(&p, &f), FRAME_EV_NONE);
}

static void parse__refuses_a_header_whose_check_byte_is_wrong(void **state)
{
    uint8_t buf[FRAME_MAX];
    struct frame_parser p;
    struct frame f;
    size_t n = make(3, FRAME_CMD_STATUS, 0, 0, buf);
    (void)state;
    buf[3] ^= 1;
    frame_parser_init(&p);
    assert_int_equal(feed(&p, buf, n, &f), FRAME_EV_NONE);
    assert_int_equal(p.bad, 0);
    assert_int_equal(p.have, 0);
}

static void parse__takes_two_frames_pushed_at_once(void **state)
{
    uint8_t buf[2 * FRAME_MAX];
    struct frame_parser p;
    struct frame f;
    size_t n1 = make(1, FRAME_CMD_IDENT, 0, 0, buf);
    size_t n2 = make(2, FRAME_CMD_IDENT, 3, 0, buf + n1);
    (void)state;
    frame_parser_init(&p);
    frame_parser_push(&p, buf, n1 + n2);
    assert_int_equal(frame_parser_next(&p, &f), FRAME_EV_FRAME);
    assert_int_equal(f.seq, 1);
    assert_int_equal(frame_parser_next(&p, &f), FRAME_EV_FRAME);
    assert_int_equal(f.seq, 2);
    assert_int_equal(frame_parser_next(&p, &f), FRAME_EV_NONE);
}

static void parse__gets_past_a_plausible_false_header(void **state)
{
    /* STX, length 0x0105 with a valid check byte: the parser waits for that many bytes,
     * finds the CRC wrong, and then finds the real frame inside what it buffered */
    uint8_t buf[2 * FRAME_MAX] = {FRAME_STX, 0x05, 0x01, 0x05 ^ 0x01 ^ FRAME_HCK_XOR};
    struct frame_parser p;
    struct frame f;
    size_t n = make(5, FRAME_CMD_STATUS, 0, 0, buf + 4);
    enum frame_event ev;
    (void)state;
    memset(buf + 4 + n, 0, 300);
    frame_parser_init(&p);
    size_t off = 0, total = 4 + n + 300;
    do {
        off += frame_parser_push(&p, buf + off, total - off);
        while ((ev = frame_parser_next(&p, &f)) == FRAME_EV_CHECKSUM)
            ;
    } while (ev == FRAME_EV_NONE && off < total);
    assert_int_equal(ev, FRAME_EV_FRAME);
    assert_int_equal(f.seq, 5);
}

static void parse__never_holds_more_than_its_buffer(void **state)
{
    uint8_t junk[1000];
    struct frame_parser p;
    struct frame f;
    (void)state;
    memset(junk, FRAME_STX, sizeof junk);
    frame_parser_init(&p);
    size_t off = 0;
    while (off < sizeof junk) {
        size_t t = frame_parser_push(&p, junk + off, sizeof junk - off);
        assert_true(p.have <= sizeof p.buf);
        off += t;
        while (frame_parser_next(&p, &f) != FRAME_EV_NONE)
            ;
    }
    assert_true(p.have < 4);
}

static void names__every_status_code_and_command_has_one(void **state)
{
    (void)state;
    for (int s = FRAME_OK; s <= FRAME_PSC_REQUIRED; s++)
        assert_string_not_equal(frame_status_name(s), "unknown status");
    assert_string_equal(frame_status_name(0x77), "unknown status");
    for (int c = FRAME_CMD_IDENT; c <= FRAME_CMD_REPEAT; c++) {
        assert_string_not_equal(frame_cmd_name(c), "unknown");
        assert_string_equal(frame_cmd_name(c), frame_cmd_name(c | FRAME_RESPONSE));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc__matches_the_ccitt_false_check_value),
        cmocka_unit_test(roundtrip__every_length_from_empty_to_the_maximum),
        cmocka_unit_test(encode__refuses_data_longer_than_the_maximum),
        cmocka_unit_test(parse__takes_a_frame_one_byte_at_a_time),
        cmocka_unit_test(parse__resyncs_after_garbage_full_of_start_bytes),
        cmocka_unit_test(parse__reports_a_corrupt_frame_then_finds_the_next),
        cmocka_unit_test(parse__refuses_a_wrong_end_byte),
        cmocka_unit_test(parse__refuses_a_header_whose_check_byte_is_wrong),
        cmocka_unit_test(parse__takes_two_frames_pushed_at_once),
        cmocka_unit_test(parse__gets_past_a_plausible_false_header),
        cmocka_unit_test(parse__never_holds_more_than_its_buffer),
        cmocka_unit_test(names__every_status_code_and_command_has_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
