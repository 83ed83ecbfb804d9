/* SPDX-License-Identifier: Apache-2.0 */
/* Card files: a card's memory and security state as editable text.
 *
 *   kwhsim-card 1
 *   psc ffffff
 *   tries 3
 *   protect ffffffff       (optional: the protection bits of bytes 0-31; 0 = read-only)
 *   00: a2 13 10 91 4b 57 48 01 ff ff ff ff ff ff ff ff
 *   ... sixteen rows, offsets 00 to f0 ... */
#include "sim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/card.h"
#include "kwhpos/util.h"

#define CARD_FILE_MAX 8192

void simcard_blank(struct sim_card *c)
{
    card_blank_image(c->mem);
    memcpy(c->psc, card_factory_psc, sizeof c->psc);
    c->tries = KWH_PSC_TRIES;
    memset(c->protect, 0xFF, sizeof c->protect);
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Parses exactly n hex bytes, optionally separated by single spaces, then the end. */
static bool parse_hex(const char *s, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int hi, lo;

        while (*s == ' ' || *s == '\t')
            s++;
        hi = hexval((unsigned char)s[0]);
        lo = hi < 0 ? -1 : hexval((unsigned char)s[1]);
        if (lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
        s += 2;
    }
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    return *s == '\0';
}

static int bad(struct kwh_err *e, const char *path, int line, const char *what)
{
    return kwh_err_set(e, KWH_EINVAL,
                       "card file %s line %d: %s (make a new card with `kwhsim new-card`)", path,
                       line, what);
}

int simcard_load(const char *path, struct sim_card *c, struct kwh_err *e)
{
    char *text = NULL, *line, *save = NULL;
    size_t len;
    bool seen_rows[16] = {false}, seen_psc = false, seen_tries = false, seen_head = false;
    int lineno = 0, rc;

    if ((rc = file_read_all(path, CARD_FILE_MAX, &text, &len, e)) < 0)
        return kwh_err_prefix(e, "card file");
    if (strlen(text) != len) {
        free(text);
        return bad(e, path, 0, "the file contains NUL bytes");
    }
    rc = 0;
    memset(c->protect, 0xFF, sizeof c->protect);
    for (line = strtok_r(text, "\n", &save); line && rc == 0; line = strtok_r(NULL, "\n", &save)) {
        unsigned row;
        char *end;

        lineno++;
        line[strcspn(line, "\r")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (!seen_head) {
            if (strcmp(line, "kwhsim-card 1") != 0)
                rc = bad(e, path, lineno,
                         "not a kwhsim card file (first line must be "
                         "\"kwhsim-card 1\")");
            seen_head = true;
        } else if (strncmp(line, "psc ", 4) == 0) {
            if (!parse_hex(line + 4, c->psc, KWH_PSC_LEN))
                rc = bad(e, path, lineno, "psc must be 3 bytes in hex, like \"psc ffffff\"");
            seen_psc = true;
        } else if (strncmp(line, "protect ", 8) == 0) {
            if (!parse_hex(line + 8, c->protect, sizeof c->protect))
                rc = bad(e, path, lineno,
                         "protect must be 4 bytes in hex, like \"protect ffffffff\"");
        } else if (strncmp(line, "tries ", 6) == 0) {
            long v = strtol(line + 6, &end, 10);
            if (end == line + 6 || *end != '\0' || v < 0 || v > KWH_PSC_TRIES)
                rc = bad(e, path, lineno, "tries must be 0, 1, 2 or 3");
            c->tries = (int)v;
            seen_tries = true;
        } else {
            row = (unsigned)strtoul(line, &end, 16);
            if (end == line || *end != ':' || row % 16 != 0 || row > 0xF0)
                rc = bad(e, path, lineno,
                         "expected \"psc\", \"tries\" or a row \"00:\" to "
                         "\"f0:\"");
            else if (seen_rows[row / 16])
                rc = bad(e, path, lineno, "this row appears twice");
            else if (!parse_hex(end + 1, c->mem + row, 16))
                rc = bad(e, path, lineno, "a row holds exactly 16 bytes in hex");
            else
                seen_rows[row / 16] = true;
        }
    }
    free(text);
    if (rc < 0)
        return rc;
    if (!seen_head || !seen_psc || !seen_tries)
        return bad(e, path, lineno, "the header, psc or tries line is missing");
    for (int i = 0; i < 16; i++)
        if (!seen_rows[i])
            return bad(e, path, lineno, "a memory row is missing (all 16 rows are needed)");
    return 0;
}

int simcard_save(const char *path, const struct sim_card *c, struct kwh_err *e)
{
    char buf[CARD_FILE_MAX];
    size_t n = 0;

    n += (size_t)snprintf(buf + n, sizeof buf - n, "kwhsim-card 1\npsc %02x%02x%02x\ntries %d\n",
                          c->psc[0], c->psc[1], c->psc[2], c->tries);
    if (memcmp(c->protect, "\xff\xff\xff\xff", 4) != 0)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "protect %02x%02x%02x%02x\n", c->protect[0],
                              c->protect[1], c->protect[2], c->protect[3]);
    for (int row = 0; row < 16; row++) {
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%02x:", row * 16);
        for (int i = 0; i < 16; i++)
            n += (size_t)snprintf(buf + n, sizeof buf - n, " %02x", c->mem[row * 16 + i]);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "\n");
    }
    return file_write_atomic(path, buf, n, 0644, e);
}

bool sim_card_path(const char *dir, const char *arg, char *buf, size_t n)
{
    size_t len = strlen(arg);
    int w;

    if (strchr(arg, '/') != NULL || (len > 5 && strcmp(arg + len - 5, ".card") == 0))
        w = snprintf(buf, n, "%s", arg);
    else
        w = snprintf(buf, n, "%s/%s.card", dir, arg);
    return w > 0 && (size_t)w < n;
}
