/* SPDX-License-Identifier: Apache-2.0 */
/* Tables as text, CSV or JSON. */
#include "cli/out.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kwhpos/csv.h"
#include "kwhpos/util.h"

#define TEXT_COLS 80
#define GAP 2
#define MIN_WIDE 6

struct out_table {
    const struct out_col *cols;
    int ncols;
    char **cells;
    size_t ncells, cap;
    bool failed;
};

struct out_table *out_table_new(const struct out_col *cols, int ncols)
{
    struct out_table *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->cols = cols;
    t->ncols = ncols;
    return t;
}

void out_table_free(struct out_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->ncells; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}

bool out_table_failed(const struct out_table *t)
{
    return t == NULL || t->failed;
}

void out_cell(struct out_table *t, const char *text)
{
    char *copy;
    if (t == NULL || t->failed)
        return;
    if (t->ncells == t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 64;
        char **nc = realloc(t->cells, ncap * sizeof *nc);
        if (nc == NULL) {
            t->failed = true;
            return;
        }
        t->cells = nc;
        t->cap = ncap;
    }
    copy = strdup(text ? text : "");
    if (copy == NULL) {
        t->failed = true;
        return;
    }
    t->cells[t->ncells++] = copy;
}

void out_cellf(struct out_table *t, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    out_cell(t, buf);
}

static size_t nrows(const struct out_table *t)
{
    return t->ncells / (size_t)t->ncols;
}

static const char *cell(const struct out_table *t, size_t row, int col)
{
    return t->cells[row * (size_t)t->ncols + (size_t)col];
}

int out_table_ncols(const struct out_table *t)
{
    return t->ncols;
}

const struct out_col *out_table_col(const struct out_table *t, int col)
{
    return &t->cols[col];
}

size_t out_table_nrows(const struct out_table *t)
{
    return nrows(t);
}

const char *out_table_cell(const struct out_table *t, size_t row, int col)
{
    return cell(t, row, col);
}

/* --bom: UTF-8 behind a byte order mark (GB18030 has none). */
static int bom(struct cli *c, const struct cli_args *a, struct out_opts *o)
{
    if (!cli_flag(a, "bom"))
        return 0;
    if (o->encoding != KWH_CSV_UTF8)
        return cli_usage(c, "--bom is for UTF-8 (a GB18030 file has no byte order mark)");
    o->encoding = KWH_CSV_UTF8_BOM;
    return 0;
}

int out_parse(struct cli *c, const struct cli_args *a, struct out_opts *o)
{
    const char *f = cli_str(a, "format"), *enc = cli_str(a, "encoding");
    o->format = OUT_TEXT;
    o->encoding = KWH_CSV_UTF8;
    if (f != NULL) {
        if (strcmp(f, "text") == 0)
            o->format = OUT_TEXT;
        else if (strcmp(f, "csv") == 0)
            o->format = OUT_CSV;
        else if (strcmp(f, "json") == 0)
            o->format = OUT_JSON;
        else if (strcmp(f, "xlsx") == 0)
            o->format = OUT_XLSX;
        else
            return cli_usage(c, "--format: text, csv, json or xlsx");
    }
    if (enc != NULL && (o->encoding = csv_encoding_parse(enc)) < 0)
        return cli_usage(c, "--encoding: utf-8 or gb18030");
    if (enc != NULL && o->format != OUT_CSV)
        return cli_usage(c, "--encoding is for --format csv (text and json are UTF-8)");
    if (cli_flag(a, "bom") && o->format != OUT_CSV)
        return cli_usage(c, "--bom is for --format csv");
    if (o->format == OUT_XLSX && isatty(fileno(c->out)))
        return cli_usage(c, "--format xlsx writes a spreadsheet file: send it to one "
                            "(> report.xlsx)");
    return bom(c, a, o);
}

int out_parse_csv(struct cli *c, const struct cli_args *a, struct out_opts *o)
{
    const char *enc = cli_str(a, "encoding");
    o->format = OUT_CSV;
    o->encoding = KWH_CSV_UTF8;
    if (enc != NULL && (o->encoding = csv_encoding_parse(enc)) < 0)
        return cli_usage(c, "--encoding: utf-8 or gb18030");
    return bom(c, a, o);
}

/* Display columns of the first len bytes of s. */
static int prefix_width(const char *s, size_t len)
{
    char buf[1024];
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return utf8_width(buf);
}

/* A line being laid out, printed without trailing spaces. */
struct line {
    char buf[4096];
    size_t len;
};

static void line_put(struct line *l, const char *s, size_t n)
{
    if (n > sizeof l->buf - 1 - l->len)
        n = sizeof l->buf - 1 - l->len;
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static void line_pad(struct line *l, int n)
{
    while (n-- > 0)
        line_put(l, " ", 1);
}

static void line_end(FILE *f, struct line *l)
{
    while (l->len > 0 && l->buf[l->len - 1] == ' ')
        l->len--;
    l->buf[l->len++] = '\n';
    fwrite(l->buf, 1, l->len, f);
    l->len = 0;
}

/* Lays s out in exactly w display columns: cut with '~' when longer, padded when shorter. */
static void put_cell(struct line *l, const char *s, int w, bool right)
{
    int sw = utf8_width(s);
    size_t len = strlen(s);
    bool cut = sw > w;
    if (cut) {
        len = utf8_prefix_for_width(s, w - 1);
        sw = prefix_width(s, len) + 1;
    }
    if (right)
        line_pad(l, w - sw);
    line_put(l, s, len);
    if (cut)
        line_put(l, "~", 1);
    if (!right)
        line_pad(l, w - sw);
}

void out_text(FILE *f, const struct out_table *t)
{
    int w[64], vis[64], nv = 0, total = 0, wide = 0, gap = GAP;
    size_t rows = nrows(t);
    struct line l = {.len = 0};

    for (int i = 0; i < t->ncols && nv < 64; i++) {
        if (t->cols[i].flags & OUT_DATA_ONLY)
            continue;
        vis[nv] = i;
        w[nv] = utf8_width(kwh_trc("column", t->cols[i].key));
        for (size_t r = 0; r < rows; r++) {
            int cw = utf8_width(cell(t, r, i));
            if (cw > w[nv])
                w[nv] = cw;
        }
        total += w[nv] + (nv > 0 ? GAP : 0);
        if (t->cols[i].flags & OUT_WIDE)
            wide++;
        nv++;
    }
    /* take the excess from the widest elastic column, a column at a time */
    while (total > TEXT_COLS && wide > 0) {
        int best = -1;
        for (int k = 0; k < nv; k++)
            if ((t->cols[vis[k]].flags & OUT_WIDE) && w[k] > MIN_WIDE &&
                (best < 0 || w[k] > w[best]))
                best = k;
        if (best < 0)
            break;
        w[best]--;
        total--;
    }
    /* still too wide: narrower gaps */
    if (total > TEXT_COLS && nv > 1) {
        gap = 1;
        total -= (nv - 1) * (GAP - 1);
    }
    for (int k = 0; k < nv; k++) {
        line_pad(&l, k > 0 ? gap : 0);
        put_cell(&l, kwh_trc("column", t->cols[vis[k]].key), w[k], t->cols[vis[k]].flags & OUT_NUM);
    }
    line_end(f, &l);
    for (int k = 0; k < total && k < TEXT_COLS; k++)
        line_put(&l, "-", 1);
    line_end(f, &l);
    for (size_t r = 0; r < rows; r++) {
        for (int k = 0; k < nv; k++) {
            line_pad(&l, k > 0 ? gap : 0);
            put_cell(&l, cell(t, r, vis[k]), w[k], t->cols[vis[k]].flags & OUT_NUM);
        }
        line_end(f, &l);
    }
}

int out_csv_begin(struct cli *c, FILE *f, const struct out_table *t, int encoding,
                  struct kwh_csv **w)
{
    struct kwh_err e;
    if (csv_open(w, f, encoding, &e) < 0)
        return cli_fail(c, &e);
    for (int i = 0; i < t->ncols; i++)
        if (!(t->cols[i].flags & OUT_TEXT_ONLY))
            csv_field(*w, t->cols[i].key);
    csv_end_row(*w);
    return 0;
}

void out_csv_rows(struct kwh_csv *w, const struct out_table *t)
{
    size_t rows = nrows(t);
    for (size_t r = 0; r < rows; r++) {
        for (int i = 0; i < t->ncols; i++)
            if (!(t->cols[i].flags & OUT_TEXT_ONLY))
                csv_field(w, cell(t, r, i));
        csv_end_row(w);
    }
}

int out_csv_end(struct cli *c, struct kwh_csv *w)
{
    struct kwh_err e;
    if (csv_close(w, &e) < 0)
        return cli_fail(c, &e);
    return 0;
}

int out_csv(struct cli *c, FILE *f, const struct out_table *t, int encoding)
{
    struct kwh_csv *w;
    int rc = out_csv_begin(c, f, t, encoding, &w);
    if (rc != 0)
        return rc;
    out_csv_rows(w, t);
    return out_csv_end(c, w);
}

void out_table_clear(struct out_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->ncells; i++)
        free(t->cells[i]);
    t->ncells = 0;
}

void out_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\r')
            fputs("\\r", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void json_row(FILE *f, const struct out_table *t, size_t r)
{
    bool first = true;
    fputc('{', f);
    for (int i = 0; i < t->ncols; i++) {
        const char *v = cell(t, r, i);
        if (t->cols[i].flags & OUT_TEXT_ONLY)
            continue;
        if (!first)
            fputc(',', f);
        first = false;
        out_json_str(f, t->cols[i].key);
        fputc(':', f);
        if ((t->cols[i].flags & OUT_NUM) && v[0] != '\0')
            fputs(v, f);
        else if (t->cols[i].flags & OUT_NUM)
            fputs("null", f);
        else
            out_json_str(f, v);
    }
    fputc('}', f);
}

void out_json_array(FILE *f, const struct out_table *t)
{
    size_t rows = nrows(t);
    fputc('[', f);
    for (size_t r = 0; r < rows; r++) {
        if (r > 0)
            fputc(',', f);
        json_row(f, t, r);
    }
    fputc(']', f);
}

void out_json_object(FILE *f, const struct out_table *t)
{
    if (nrows(t) == 0)
        fputs("null", f);
    else
        json_row(f, t, 0);
}

bool out_failed(struct cli *c, const struct out_table *const *t, int n)
{
    for (int i = 0; i < n; i++)
        if (out_table_failed(t[i])) {
            fprintf(stderr, "%s: out of memory\n", c->prog);
            return true;
        }
    return false;
}

int out_print(struct cli *c, const struct out_opts *o, const struct out_table *t, const char *sheet)
{
    if (out_failed(c, &t, 1))
        return CLI_ERROR;
    if (o->format == OUT_CSV)
        return out_csv(c, c->out, t, o->encoding);
    if (o->format == OUT_XLSX)
        return out_xlsx(c, c->out, &(struct out_sheet){sheet, t}, 1);
    if (o->format == OUT_JSON) {
        out_json_array(c->out, t);
        fputc('\n', c->out);
        return CLI_OK;
    }
    out_text(c->out, t);
    return CLI_OK;
}
