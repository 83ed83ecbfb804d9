/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the reader frame parser on arbitrary bytes in arbitrary pieces.
 * Every frame it accepts must re-encode to bytes that parse back to the same frame. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_roundtrip(const struct frame *f)
{
    uint8_t buf[FRAME_MAX];
    struct frame_parser p;
    struct frame g;
    size_t n = frame_encode(f, buf, sizeof buf);

    if (n != FRAME_OVERHEAD + f->len)
        abort();
    frame_parser_init(&p);
    if (frame_parser_push(&p, buf, n) != n || frame_parser_next(&p, &g) != FRAME_EV_FRAME)
        abort();
    if (g.seq != f->seq || g.cmd != f->cmd || g.len != f->len ||
        memcmp(g.data, f->data, f->len) != 0 || p.have != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct frame_parser p;
    struct frame f;
    size_t chunk, off = 0;

    if (size == 0)
        return 0;
    chunk = (size_t)(data[0] % 64) + 1;
    data++;
    size--;
    frame_parser_init(&p);
    while (off < size) {
        size_t n = size - off < chunk ? size - off : chunk;
        enum frame_event ev;

        off += frame_parser_push(&p, data + off, n);
        while ((ev = frame_parser_next(&p, &f)) != FRAME_EV_NONE) {
            if (ev == FRAME_EV_FRAME) {
                if (f.len > FRAME_DATA_MAX)
                    abort();
                check_roundtrip(&f);
            }
        }
        if (p.have > sizeof p.buf)
            abort();
    }
    return 0;
}
