/* SPDX-License-Identifier: Apache-2.0 */
/* A form and its values laid out as lines of text, by display width. */
#include "form_int.h"
#include "kwhpos/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct line {
    char *p;
    size_t len, cap;
    int col;
};

static int line_put(struct line *l, const char *s, size_t n)
{
    if (l->len + n + 1 > l->cap) {
        size_t ncap = l->cap ? l->cap : 128;
        while (l->len + n + 1 > ncap)
            ncap *= 2;
        char *np = realloc(l->p, ncap);
        if (np == NULL)
            return KWH_ENOMEM;
        l->p = np;
        l->cap = ncap;
    }
    memcpy(l->p + l->len, s, n);
    l->len += n;
    l->p[l->len] = '\0';
    return 0;
}

static int line_pad(struct line *l, int to)
{
    for (; l->col < to; l->col++)
        if (line_put(l, " ", 1) < 0)
            return KWH_ENOMEM;
    return 0;
}

static void note_overflow(struct print_page *pg, const char *name, const char *value, int width)
{
    if (pg->overflows++ == 0)
        snprintf(pg->note, sizeof pg->note,
                 "value '%s' of field %s does not fit its %d columns: widen the field", value, name,
                 width);
}

/* Writes value into [col, col+width) with the field's alignment. Text that is too wide
 * is cut at a character boundary; an exact value is replaced by '#' marks. */
static int put_field(struct line *l, struct print_page *pg, const struct print_item *it,
                     const char *value)
{
    const struct print_var_info *vi = print_var_info(it->var);
    int vw = utf8_width(value), pad;
    size_t n = strlen(value);

    if (vw > it->width) {
        note_overflow(pg, vi->name, value, it->width);
        if (vi->kind == PRINT_EXACT) {
            for (int i = 0; i < it->width; i++)
                if (line_put(l, "#", 1) < 0)
                    return KWH_ENOMEM;
            l->col += it->width;
            return 0;
        }
        n = utf8_prefix_for_width(value, it->width);
        vw = 0;
        for (size_t i = 0; i < n;) {
            uint32_t cp;
            i += (size_t)utf8_decode(value + i, n - i, &cp);
            vw += utf8_cp_width(cp);
        }
        if (line_put(l, value, n) < 0)
            return KWH_ENOMEM;
        l->col += vw;
        return line_pad(l, it->col + it->width);
    }
    pad = it->align == PRINT_RIGHT    ? it->width - vw
          : it->align == PRINT_CENTER ? (it->width - vw) / 2
                                      : 0;
    if (line_pad(l, l->col + pad) < 0 || line_put(l, value, n) < 0)
        return KWH_ENOMEM;
    l->col += vw;
    return 0;
}

static void trim(struct line *l)
{
    while (l->len > 0 && l->p[l->len - 1] == ' ')
        l->p[--l->len] = '\0';
}

static struct print_page *page_alloc(int nlines)
{
    struct print_page *pg = calloc(1, sizeof *pg);

    if (pg == NULL)
        return NULL;
    pg->lines = calloc((size_t)(nlines > 0 ? nlines : 1), sizeof *pg->lines);
    if (pg->lines == NULL) {
        free(pg);
        return NULL;
    }
    pg->nlines = nlines;
    pg->font_size = FORM_FONT_SIZE_DEFAULT;
    return pg;
}

int print_page_add_chart(struct print_page *p, const char *title, int n, const char *const *labels,
                         const int64_t *values, struct kwh_err *e)
{
    struct print_chart *ch;

    if (p->ncharts >= PRINT_CHARTS_MAX)
        return kwh_err_set(e, KWH_EINVAL, "at most %d charts on a page", PRINT_CHARTS_MAX);
    if (n < 0 || n > PRINT_CHART_MAX)
        return kwh_err_set(e, KWH_EINVAL, "a chart has at most %d bars", PRINT_CHART_MAX);
    ch = &p->charts[p->ncharts];
    memset(ch, 0, sizeof *ch);
    ch->labels = calloc((size_t)n + 1, sizeof *ch->labels);
    ch->values = calloc((size_t)n + 1, sizeof *ch->values);
    if (ch->labels == NULL || ch->values == NULL) {
        free(ch->labels);
        free(ch->values);
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    }
    str_copy(ch->title, sizeof ch->title, title);
    for (int i = 0; i < n; i++) {
        str_copy(ch->labels[i], sizeof ch->labels[i], labels[i]);
        ch->values[i] = values[i];
    }
    ch->n = n;
    p->ncharts++;
    return 0;
}

void print_page_free(struct print_page *p)
{
    if (p == NULL)
        return;
    for (int i = 0; i < p->ncharts; i++) {
        free(p->charts[i].labels);
        free(p->charts[i].values);
    }
    for (int i = 0; i < p->nlines; i++)
        free(p->lines[i]);
    free(p->lines);
    free(p);
}

int print_render(const struct print_form *f, const struct print_vars *v, struct print_page **out,
                 struct kwh_err *e)
{
    int nlines = print_form_lines(f), i = 0;
    struct print_page *pg = page_alloc(nlines);

    *out = NULL;
    if (pg == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    pg->width = f->width;
    pg->font_size = f->font_size;
    for (int row = 0; row < nlines; row++) {
        struct line l = {0};
        if (line_put(&l, "", 0) < 0)
            goto oom;
        for (; i < f->nitems && f->items[i].row == row; i++) {
            const struct print_item *it = &f->items[i];
            if (it->kind == PRINT_ITEM_TITLE && f->titles_hidden)
                continue;
            if (line_pad(&l, it->col) < 0)
                goto oom_line;
            if (it->kind == PRINT_ITEM_TITLE) {
                if (line_put(&l, it->text, strlen(it->text)) < 0)
                    goto oom_line;
                l.col += it->width;
            } else if (put_field(&l, pg, it, print_vars_get(v, it->var)) < 0) {
                goto oom_line;
            }
        }
        trim(&l);
        pg->lines[row] = l.p;
        continue;
    oom_line:
        free(l.p);
        goto oom;
    }
    *out = pg;
    return 0;
oom:
    print_page_free(pg);
    return kwh_err_set(e, KWH_ENOMEM, "out of memory");
}

int print_page_from_text(const char *text, struct print_page **out, struct kwh_err *e)
{
    size_t n = strlen(text);
    int nlines = 0, row = 0;
    struct print_page *pg;

    *out = NULL;
    for (size_t i = 0; i < n; i++)
        if (text[i] == '\n')
            nlines++;
    if (n > 0 && text[n - 1] != '\n')
        nlines++;
    if (nlines > 100000)
        return kwh_err_set(e, KWH_EINVAL, "report too long to print (%d lines)", nlines);
    pg = page_alloc(nlines);
    if (pg == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && row < nlines; row++) {
        struct line l = {0};
        if (line_put(&l, "", 0) < 0)
            goto oom;
        while (i < n && text[i] != '\n') {
            uint32_t cp;
            int len = utf8_decode(text + i, n - i, &cp), rc = 0;
            if (cp == '\t') {
                rc = line_pad(&l, (l.col / 8 + 1) * 8);
            } else if (cp == 0xFFFD && len == 1) {
                rc = line_put(&l, "?", 1);
                l.col++;
            } else if (!(cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))) {
                rc = line_put(&l, text + i, (size_t)len);
                l.col += utf8_cp_width(cp);
            }
            if (rc < 0) {
                free(l.p);
                goto oom;
            }
            i += (size_t)len;
        }
        i++;
        trim(&l);
        pg->lines[row] = l.p;
        if (utf8_width(l.p) > pg->width)
            pg->width = utf8_width(l.p);
    }
    *out = pg;
    return 0;
oom:
    print_page_free(pg);
    return kwh_err_set(e, KWH_ENOMEM, "out of memory");
}
