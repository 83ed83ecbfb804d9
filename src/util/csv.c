/* SPDX-License-Identifier: Apache-2.0 */
/* CSV for spreadsheets: RFC 4180 quoting, CRLF line ends, UTF-8 or GB18030. */
#include "kwhpos/csv.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/util.h"

struct kwh_csv {
    FILE *f;
    iconv_t cd; /* (iconv_t)-1 for UTF-8 */
    bool row_started;
    struct kwh_err err; /* the first error */
};

int csv_encoding_parse(const char *name)
{
    if (strcmp(name, "utf-8") == 0 || strcmp(name, "utf8") == 0 || strcmp(name, "UTF-8") == 0)
        return KWH_CSV_UTF8;
    if (strcmp(name, "gb18030") == 0 || strcmp(name, "GB18030") == 0)
        return KWH_CSV_GB18030;
    return -1;
}

int csv_open(struct kwh_csv **out, FILE *f, int encoding, struct kwh_err *e)
{
    struct kwh_csv *w;

    *out = NULL;
    if (encoding != KWH_CSV_UTF8 && encoding != KWH_CSV_GB18030 && encoding != KWH_CSV_UTF8_BOM)
        return kwh_err_set(e, KWH_EINVAL, "CSV encoding: utf-8 or gb18030");
    w = calloc(1, sizeof *w);
    if (w == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    w->f = f;
    w->cd = (iconv_t)-1;
    if (encoding == KWH_CSV_GB18030) {
        w->cd = iconv_open("GB18030", "UTF-8");
        if (w->cd == (iconv_t)-1) {
            free(w);
            return kwh_err_set(e, KWH_EIO, "this system has no GB18030 converter (iconv): %s",
                               strerror(errno));
        }
    }
    *out = w;
    if (encoding == KWH_CSV_UTF8_BOM && fwrite("\xEF\xBB\xBF", 1, 3, f) != 3)
        kwh_err_set(&w->err, KWH_EIO, "cannot write the CSV: %s", strerror(errno));
    return 0;
}

/* Writes text in the output encoding. */
static void put(struct kwh_csv *w, const char *text, size_t len)
{
    char buf[1024];
    char *in = (char *)text;
    size_t inleft = len;

    if (w->err.code != 0 || len == 0)
        return;
    if (w->cd == (iconv_t)-1) {
        if (fwrite(text, 1, len, w->f) != len)
            kwh_err_set(&w->err, KWH_EIO, "cannot write the CSV: %s", strerror(errno));
        return;
    }
    while (inleft > 0) {
        char *o = buf;
        size_t oleft = sizeof buf;
        size_t r = iconv(w->cd, &in, &inleft, &o, &oleft);
        if (r == (size_t)-1 && errno != E2BIG) {
            kwh_err_set(&w->err, KWH_EINVAL,
                        "text that is not valid UTF-8 cannot be written "
                        "as GB18030");
            return;
        }
        if (fwrite(buf, 1, sizeof buf - oleft, w->f) != sizeof buf - oleft) {
            kwh_err_set(&w->err, KWH_EIO, "cannot write the CSV: %s", strerror(errno));
            return;
        }
    }
}

/* A spreadsheet takes a cell that starts with = + - @ (or a tab or CR before them) for a
 * formula: such a cell is written as text, behind an apostrophe, as spreadsheets do
 * themselves; so is one that already starts with apostrophes before such a character, so
 * that csv_split takes exactly one off and gives back what was written. Plain numbers
 * (a refund's -12.50) stay numbers. */
static bool formula_start(const char *t)
{
    while (*t == '\'')
        t++;
    return *t == '=' || *t == '+' || *t == '-' || *t == '@' || *t == '\t' || *t == '\r';
}

static bool plain_number(const char *t)
{
    bool digits = false, dot = false;
    if (*t == '-')
        t++;
    for (; *t; t++) {
        if (*t >= '0' && *t <= '9')
            digits = true;
        else if (*t == '.' && digits && !dot)
            dot = true;
        else
            return false;
    }
    return digits && t[-1] != '.';
}

bool csv_guarded(const char *t)
{
    return formula_start(t) && !plain_number(t);
}

static bool needs_quotes(const char *t)
{
    size_t n = strlen(t);
    if (n == 0)
        return false;
    if (t[0] == ' ' || t[0] == '\t' || t[n - 1] == ' ' || t[n - 1] == '\t')
        return true;
    return strpbrk(t, ",\"\r\n") != NULL;
}

void csv_field(struct kwh_csv *w, const char *text)
{
    if (text == NULL)
        text = "";
    if (w->row_started)
        put(w, ",", 1);
    w->row_started = true;
    if (!needs_quotes(text)) {
        if (csv_guarded(text))
            put(w, "'", 1);
        put(w, text, strlen(text));
        return;
    }
    put(w, "\"", 1);
    if (csv_guarded(text))
        put(w, "'", 1);
    for (const char *p = text; *p;) {
        const char *q = strchr(p, '"');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        put(w, p, len);
        if (q == NULL)
            break;
        put(w, "\"\"", 2);
        p = q + 1;
    }
    put(w, "\"", 1);
}

void csv_end_row(struct kwh_csv *w)
{
    put(w, "\r\n", 2);
    w->row_started = false;
}

int csv_close(struct kwh_csv *w, struct kwh_err *e)
{
    int rc;
    if (w == NULL)
        return 0;
    if (w->err.code == 0 && fflush(w->f) != 0)
        kwh_err_set(&w->err, KWH_EIO, "cannot write the CSV: %s", strerror(errno));
    if (w->cd != (iconv_t)-1)
        iconv_close(w->cd);
    rc = w->err.code;
    if (rc != 0 && e != NULL)
        *e = w->err;
    free(w);
    return rc;
}

int csv_split(char **p, char *end, char **fields, size_t max, size_t *nfields, int64_t *line,
              struct kwh_err *e)
{
    char *r = *p, *w = *p;
    size_t nul_field = 0; /* the first field with a NUL byte, from 1 */

    *nfields = 0;
    for (;;) {
        char *start = w;
        if (r < end && *r == '"') {
            r++;
            for (;;) {
                if (r >= end)
                    return kwh_err_set(e, KWH_EINVAL, "a quoted field is not closed");
                if (*r == '"') {
                    if (r + 1 < end && r[1] == '"') {
                        *w++ = '"';
                        r += 2;
                        continue;
                    }
                    r++;
                    break;
                }
                if (*r == '\n')
                    (*line)++;
                if (*r == '\0' && nul_field == 0)
                    nul_field = *nfields + 1;
                *w++ = *r++;
            }
            if (r < end && *r == '\r' && r + 1 < end && r[1] == '\n')
                r++;
            if (r < end && *r != ',' && *r != '\n')
                return kwh_err_set(e, KWH_EINVAL, "text after the closing quote of a field");
        } else {
            while (r < end && *r != ',' && *r != '\n') {
                if (*r == '"')
                    return kwh_err_set(e, KWH_EINVAL,
                                       "a quote inside a field that does not "
                                       "start with one: quote the whole field");
                if (*r == '\0' && nul_field == 0)
                    nul_field = *nfields + 1;
                *w++ = *r++;
            }
            if (w > start && w[-1] == '\r' && (r >= end || *r == '\n'))
                w--;
        }
        /* what csv_field wrote behind an apostrophe comes back without it */
        if (w > start && *start == '\'') {
            char after = *w; /* the comma or newline still to be read when w == r */
            bool guarded;
            *w = '\0';
            guarded = csv_guarded(start + 1);
            *w = after;
            if (guarded) {
                memmove(start, start + 1, (size_t)(w - start - 1));
                w--;
            }
        }
        if (*nfields < max)
            fields[*nfields] = start;
        (*nfields)++;
        if (r >= end || *r == '\n') {
            *w = '\0';
            if (r < end) {
                (*line)++;
                r++;
            }
            *p = r;
            /* a field would end at the NUL, and what follows it in the field would be lost
               unseen: the record is refused, the next one splits as usual */
            if (nul_field > 0)
                return kwh_err_setd(e, KWH_EINVAL, KWH_CSV_BAD_RECORD,
                                    "field %zu holds a NUL byte (0x00): the file is not plain "
                                    "text here; save it again from the spreadsheet as CSV",
                                    nul_field);
            return 0;
        }
        *w++ = '\0';
        r++; /* the comma */
    }
}

int csv_from_gb18030(const char *in, size_t len, char **out, size_t *outlen, struct kwh_err *e)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    size_t cap = len * 2 + 16, oleft = cap;
    char *buf, *o, *i = (char *)in;
    size_t ileft = len;

    *out = NULL;
    if (cd == (iconv_t)-1)
        return kwh_err_set(e, KWH_EIO, "this system has no GB18030 converter (iconv)");
    buf = malloc(cap + 1);
    if (buf == NULL) {
        iconv_close(cd);
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    }
    o = buf;
    while (ileft > 0) {
        if (iconv(cd, &i, &ileft, &o, &oleft) == (size_t)-1) {
            if (errno == E2BIG) {
                size_t used = (size_t)(o - buf);
                char *nb = realloc(buf, cap * 2 + 1);
                if (nb == NULL) {
                    free(buf);
                    iconv_close(cd);
                    return kwh_err_set(e, KWH_ENOMEM, "out of memory");
                }
                buf = nb;
                o = buf + used;
                oleft += cap;
                cap *= 2;
                continue;
            }
            free(buf);
            iconv_close(cd);
            return kwh_err_set(e, KWH_EINVAL, "the file is not valid GB18030 text (byte %zu)",
                               len - ileft + 1);
        }
    }
    iconv_close(cd);
    *o = '\0';
    *out = buf;
    *outlen = (size_t)(o - buf);
    return 0;
}
