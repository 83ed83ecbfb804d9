/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: any bytes as a payment provider's statement (kwhpos reconcile). The first
 * byte chooses the layout (header line, footer lines, columns by name or position, the
 * amount's unit, the encoding); the rest is the file. The parser either refuses, naming
 * a line, or gives payments whose lines are in the file in order, whose references are
 * clean and whose amounts are in bounds; and the matcher, given the statement as its own
 * ledger, matches every reference. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/money.h"
#include "kwhpos/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void layout(uint8_t b, struct kwh_stmt_map *m, int *pay)
{
    static const int pays[] = {KWH_PAY_WECHAT, KWH_PAY_ALIPAY, KWH_PAY_CARD, KWH_PAY_TRANSFER};
    memset(m, 0, sizeof *m);
    *pay = pays[b & 3];
    m->header = (b >> 2) & 3;
    m->footer = (b >> 4) & 1;
    if (b & 0x20) {
        str_copy(m->time, sizeof m->time, "时间");
        str_copy(m->reference, sizeof m->reference, "单号");
        str_copy(m->amount, sizeof m->amount, "金额");
        if (m->header == 0)
            m->header = 1;
    } else {
        str_copy(m->time, sizeof m->time, "1");
        str_copy(m->reference, sizeof m->reference, "2");
        str_copy(m->amount, sizeof m->amount, "3");
    }
    str_copy(m->unit, sizeof m->unit, b & 0x40 ? "fen" : "yuan");
    str_copy(m->time_format, sizeof m->time_format, "%Y-%m-%d %H:%M:%S");
    str_copy(m->encoding, sizeof m->encoding, b & 0x80 ? "gb18030" : "utf-8");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kwh_stmt_map m;
    struct kwh_statement st;
    struct kwh_ledger_entry *ledger;
    struct kwh_recon r;
    struct kwh_err e;
    int pay;

    if (size < 1)
        return 0;
    layout(data[0], &m, &pay);
    if (statement_parse(pay, &m, (const char *)data + 1, size - 1, &st, &e) < 0) {
        if (e.msg[0] == '\0' || st.lines != NULL || st.n != 0)
            abort(); /* a refusal says why and keeps nothing */
        return 0;
    }
    for (size_t i = 0; i < st.n; i++) {
        const struct kwh_statement_line *l = &st.lines[i];
        if (l->ref[0] == '\0' || !utf8_is_clean_line(l->ref) || l->fen > KWH_STMT_MAX_FEN ||
            l->fen < -KWH_STMT_MAX_FEN || l->time < st.first || l->time > st.last ||
            (i > 0 && l->line <= st.lines[i - 1].line))
            abort();
    }
    ledger = calloc(st.n ? st.n : 1, sizeof *ledger);
    if (ledger == NULL)
        abort();
    for (size_t i = 0; i < st.n; i++) {
        ledger[i].id = (int64_t)i + 1;
        str_copy(ledger[i].ref, sizeof ledger[i].ref, st.lines[i].ref);
        ledger[i].fen = st.lines[i].fen;
        ledger[i].in_range = true;
    }
    if (recon_match(&st, ledger, st.n, &r, &e) < 0)
        abort();
    if (recon_differs(&r) || r.count[KWH_RECON_MATCHED] != (int64_t)r.n)
        abort();
    recon_fini(&r);
    free(ledger);
    statement_fini(&st);
    return 0;
}
