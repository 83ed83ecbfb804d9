/* SPDX-License-Identifier: Apache-2.0 */
/* The reader's framed protocol: encoding and an incremental, resynchronising parser. */
#include "kwhpos/frame.h"

#include <string.h>

#define HEAD 4 /* STX LEN LEN HCK */
#define TAIL 3 /* CRC CRC ETX */

uint16_t frame_crc16(const uint8_t *p, size_t n)
{
    uint16_t crc = 0xFFFF;

    for (size_t i = 0; i < n; i++) {
        crc ^= (uint16_t)(p[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
    }
    return crc;
}

size_t frame_encode(const struct frame *f, uint8_t *out, size_t cap)
{
    size_t body = (size_t)f->len + 2;
    size_t total = HEAD + body + TAIL;
    uint16_t crc;

    if (f->len > FRAME_DATA_MAX || cap < total)
        return 0;
    out[0] = FRAME_STX;
    frame_put16(out + 1, (uint16_t)body);
    out[3] = (uint8_t)(out[1] ^ out[2] ^ FRAME_HCK_XOR);
    out[4] = f->seq;
    out[5] = f->cmd;
    memcpy(out + 6, f->data, f->len);
    crc = frame_crc16(out + 1, HEAD - 1 + body);
    out[HEAD + body] = (uint8_t)(crc >> 8);
    out[HEAD + body + 1] = (uint8_t)(crc & 0xff);
    out[HEAD + body + 2] = FRAME_ETX;
    return total;
}

void frame_parser_init(struct frame_parser *p)
{
    memset(p, 0, sizeof *p);
}

size_t frame_parser_push(struct frame_parser *p, const uint8_t *in, size_t n)
{
    size_t room = sizeof p->buf - p->have;

    if (n > room)
        n = room;
    memcpy(p->buf + p->have, in, n);
    p->have += n;
    return n;
}

static void drop(struct frame_parser *p, size_t n)
{
    memmove(p->buf, p->buf + n, p->have - n);
    p->have -= n;
}

enum frame_event frame_parser_next(struct frame_parser *p, struct frame *out)
{
    for (;;) {
        size_t skip = 0, body, total;
        uint16_t crc;

        while (skip < p->have && p->buf[skip] != FRAME_STX)
            skip++;
        if (skip > 0) {
            p->garbage += skip;
            drop(p, skip);
        }
        if (p->have < HEAD)
            return FRAME_EV_NONE;
        body = frame_get16(p->buf + 1);
        if (p->buf[3] != (uint8_t)(p->buf[1] ^ p->buf[2] ^ FRAME_HCK_XOR) || body < 2 ||
            body > FRAME_DATA_MAX + 2) {
            p->garbage++;
            drop(p, 1);
            continue;
        }
        total = HEAD + body + TAIL;
        if (p->have < total)
            return FRAME_EV_NONE;
        crc = frame_crc16(p->buf + 1, HEAD - 1 + body);
        if (p->buf[total - 1] != FRAME_ETX || p->buf[HEAD + body] != (crc >> 8) ||
            p->buf[HEAD + body + 1] != (crc & 0xff)) {
            p->bad++;
            p->bad_seq = p->buf[4];
            p->bad_cmd = p->buf[5];
            drop(p, 1);
            return FRAME_EV_CHECKSUM;
        }
        out->seq = p->buf[4];
        out->cmd = p->buf[5];
        out->len = (uint16_t)(body - 2);
        memcpy(out->data, p->buf + 6, out->len);
        drop(p, total);
        return FRAME_EV_FRAME;
    }
}

const char *frame_cmd_name(int cmd)
{
    switch (cmd & ~FRAME_RESPONSE) {
    case FRAME_CMD_IDENT: return "ident";
    case FRAME_CMD_STATUS: return "status";
    case FRAME_CMD_POWER_ON: return "power-on";
    case FRAME_CMD_READ: return "read";
    case FRAME_CMD_WRITE: return "write";
    case FRAME_CMD_PSC_TRIES: return "psc-tries";
    case FRAME_CMD_PSC_PRESENT: return "psc-present";
    case FRAME_CMD_PSC_CHANGE: return "psc-change";
    case FRAME_CMD_REPEAT: return "repeat";
    }
    return "unknown";
}

const char *frame_status_name(int status)
{
    switch (status) {
    case FRAME_OK: return "ok";
    case FRAME_NO_CARD: return "no card";
    case FRAME_CARD_CHANGED: return "card changed";
    case FRAME_WRONG_PSC: return "wrong PSC";
    case FRAME_LOCKED: return "card locked";
    case FRAME_WRITE_FAILED: return "write failed";
    case FRAME_BAD_FRAME: return "bad frame";
    case FRAME_UNKNOWN_CMD: return "unknown command";
    case FRAME_BAD_PARAM: return "bad parameter";
    case FRAME_PSC_REQUIRED: return "PSC required";
    }
    return "unknown status";
}
