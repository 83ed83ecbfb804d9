/* SPDX-License-Identifier: Apache-2.0 */
/* Form files: the parser and the form model. Syntax: docs/forms.md. */
#include "form_int.h"
#include "kwhpos/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    const char *file;
    struct print_form *f;
    struct kwh_err *e;
    int lineno; /* 1-based line in the file */
};

static int perr(struct parser *p, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records "file:line:col: message" in p->e. */
static int perr(struct parser *p, int col, const char *fmt, ...)
{
    char msg[KWH_ERR_MSG];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (col > 0)
        return kwh_err_set(p->e, KWH_EINVAL, "%s:%d:%d: %s", p->file, p->lineno, col, msg);
    return kwh_err_set(p->e, KWH_EINVAL, "%s:%d: %s", p->file, p->lineno, msg);
}

int form_field_min_width(int var, enum print_align align)
{
    const struct print_var_info *vi = print_var_info(var);
    return (int)strlen(vi->name) + 2 + (align == PRINT_LEFT ? 0 : 1);
}

int form_insert_item(struct print_form *f, const struct print_item *item)
{
    struct print_item it = *item;
    int at;

    if (f->nitems == f->cap) {
        int ncap = f->cap ? f->cap * 2 : 16;
        struct print_item *n = realloc(f->items, (size_t)ncap * sizeof *n);
        if (n == NULL)
            return KWH_ENOMEM;
        f->items = n;
        f->cap = ncap;
    }
    if (it.kind == PRINT_ITEM_TITLE) {
        size_t len = strlen(item->text);
        char *t = malloc(len + 1);
        if (t == NULL)
            return KWH_ENOMEM;
        memcpy(t, item->text, len + 1);
        it.text = t;
    } else {
        it.text = NULL;
    }
    for (at = f->nitems; at > 0; at--) {
        const struct print_item *q = &f->items[at - 1];
        if (q->row < it.row || (q->row == it.row && q->col < it.col))
            break;
    }
    memmove(&f->items[at + 1], &f->items[at], (size_t)(f->nitems - at) * sizeof it);
    f->items[at] = it;
    f->nitems++;
    return at;
}

void form_remove_item(struct print_form *f, int i)
{
    free((char *)f->items[i].text);
    memmove(&f->items[i], &f->items[i + 1], (size_t)(f->nitems - i - 1) * sizeof *f->items);
    f->nitems--;
}

int form_overlap(const struct print_form *f, int row, int col, int width, int skip)
{
    for (int i = 0; i < f->nitems; i++) {
        const struct print_item *q = &f->items[i];
        if (i == skip || q->row != row)
            continue;
        if (q->col < col + width && col < q->col + q->width)
            return i;
    }
    return -1;
}

/* Edit distance, capped, for "did you mean" hints. */
static int distance(const char *a, size_t la, const char *b)
{
    size_t lb = strlen(b);
    int row[64];

    if (la >= 63 || lb >= 63)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int cost = tolower((unsigned char)a[i - 1]) == b[j - 1] ? 0 : 1;
            int best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static const char *suggest(const char *name, size_t len)
{
    const char *best = NULL;
    int bd = 3;

    for (int i = 0; i < PRINT_NVARS; i++) {
        int d = distance(name, len, print_var_info(i)->name);
        if (d < bd) {
            bd = d;
            best = print_var_info(i)->name;
        }
    }
    return best;
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

/* A field starting at s[0] == '{' at display column col (0-based). Returns the bytes
 * it spans, or a negative error. */
static int parse_field(struct parser *p, const char *s, size_t n, int row, int col)
{
    struct print_item it = {.kind = PRINT_ITEM_FIELD, .row = row, .col = col};
    size_t i = 1, name_len;
    const char *hint;
    int rc;

    while (i < n && name_char(s[i]))
        i++;
    name_len = i - 1;
    if (name_len == 0) {
        if (i < n && s[i] == ' ')
            return perr(p, col + 2, "a field starts with its name right after '{', e.g. {amount}");
        return perr(p, col + 2,
                    "'{' starts a field but no variable name follows; "
                    "write {name} or remove the brace");
    }
    it.var = print_var_find(s + 1, name_len);
    if (it.var < 0) {
        hint = suggest(s + 1, name_len);
        if (hint != NULL)
            return perr(p, col + 2, "unknown variable '%.*s' (did you mean '%s'?)", (int)name_len,
                        s + 1, hint);
        return perr(p, col + 2,
                    "unknown variable '%.*s'; the variables are listed in "
                    "docs/forms.md",
                    (int)name_len, s + 1);
    }
    while (i < n && s[i] == ' ')
        i++;
    it.align = PRINT_LEFT;
    if (i < n && (s[i] == '<' || s[i] == '>' || s[i] == '^')) {
        it.align = s[i] == '>' ? PRINT_RIGHT : s[i] == '^' ? PRINT_CENTER : PRINT_LEFT;
        i++;
    }
    if (i >= n)
        return perr(p, col + 1, "field {%.*s has no closing '}' on this line", (int)name_len,
                    s + 1);
    if (s[i] != '}') {
        if (s[i] == '{')
            return perr(p, col + (int)i + 1, "'{' inside field {%.*s}: close the field first",
                        (int)name_len, s + 1);
        return perr(p, col + (int)i + 1,
                    "unexpected character in field {%.*s}: only spaces "
                    "and one of < > ^ may follow the name",
                    (int)name_len, s + 1);
    }
    it.width = (int)i + 1;
    if (col + it.width > p->f->width)
        return perr(p, col + 1,
                    "field {%.*s} ends at column %d, past the page width %d: "
                    "move or shorten it, or widen the page",
                    (int)name_len, s + 1, col + it.width, p->f->width);
    rc = form_insert_item(p->f, &it);
    if (rc < 0)
        return kwh_err_set(p->e, KWH_ENOMEM, "out of memory");
    return it.width;
}

static int add_title(struct parser *p, const char *s, size_t len, int row, int col, int width)
{
    struct print_item it = {.kind = PRINT_ITEM_TITLE, .row = row, .col = col, .width = width};
    char *t = malloc(len + 1);
    int rc;

    if (t == NULL)
        return kwh_err_set(p->e, KWH_ENOMEM, "out of memory");
    memcpy(t, s, len);
    t[len] = '\0';
    it.text = t;
    if (col + width > p->f->width) {
        rc = perr(p, col + 1,
                  "text '%s' ends at column %d, past the page width %d: "
                  "move or shorten it, or widen the page",
                  t, col + width, p->f->width);
        free(t);
        return rc;
    }
    rc = form_insert_item(p->f, &it);
    free(t);
    if (rc < 0)
        return kwh_err_set(p->e, KWH_ENOMEM, "out of memory");
    return 0;
}

/* Refuses invalid UTF-8, tabs and control characters, naming the column. */
static int check_line(struct parser *p, const char *s, size_t n)
{
    int col = 0;

    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = utf8_decode(s + i, n - i, &cp);

        if (cp == 0xFFFD && len == 1)
            return perr(p, col + 1, "invalid UTF-8 (byte 0x%02X): save the file as UTF-8",
                        (unsigned char)s[i]);
        if (cp == '\t')
            return perr(p, col + 1, "tab character: use spaces, a tab has no fixed width on paper");
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
            return perr(p, col + 1, "control character U+%04X: remove it", (unsigned)cp);
        col += utf8_cp_width(cp);
        i += (size_t)len;
    }
    return 0;
}

/* One page line (already checked): titles and fields, by display column. */
static int parse_body_line(struct parser *p, const char *s, size_t n, int row)
{
    size_t i = 0, tstart = 0;
    int col = 0, tcol = 0, tw = 0, rc;
    bool in_title = false;

    while (i < n) {
        uint32_t cp;
        int len = utf8_decode(s + i, n - i, &cp), w;

        if (cp == '}')
            return perr(p, col + 1, "'}' without a '{': braces are reserved for fields");
        w = utf8_cp_width(cp);
        if (cp == ' ' || cp == '{') {
            /* one space between words stays inside a title */
            bool keep = cp == ' ' && in_title && i + 1 < n && s[i + 1] != ' ' && s[i + 1] != '{';
            if (in_title && !keep) {
                rc = add_title(p, s + tstart, i - tstart, row, tcol, tw);
                if (rc < 0)
                    return rc;
                in_title = false;
            }
            if (cp == '{') {
                rc = parse_field(p, s + i, n - i, row, col);
                if (rc < 0)
                    return rc;
                i += (size_t)rc;
                col += rc;
                continue;
            }
            if (keep)
                tw += 1;
            i += 1;
            col += 1;
            continue;
        }
        if (!in_title) {
            if (w == 0)
                return perr(p, col + 1, "combining character U+%04X must follow a letter",
                            (unsigned)cp);
            in_title = true;
            tstart = i;
            tcol = col;
            tw = 0;
        }
        tw += w;
        col += w;
        i += (size_t)len;
    }
    if (in_title)
        return add_title(p, s + tstart, n - tstart, row, tcol, tw);
    return 0;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ')
            return false;
    return true;
}

/* "key value" with value an integer in [lo, hi]. */
static int header_int(struct parser *p, const char *key, const char *v, size_t vn, int lo, int hi,
                      int *out)
{
    long x = 0;

    if (vn == 0 || vn > 6)
        return perr(p, 0, "'%s' needs a number from %d to %d", key, lo, hi);
    for (size_t i = 0; i < vn; i++) {
        if (!isdigit((unsigned char)v[i]))
            return perr(p, 0, "'%s' needs a number from %d to %d, not '%.*s'", key, lo, hi, (int)vn,
                        v);
        x = x * 10 + (v[i] - '0');
    }
    if (x < lo || x > hi)
        return perr(p, 0, "'%s' must be from %d to %d, not %ld", key, lo, hi, x);
    *out = (int)x;
    return 0;
}

static int parse_header_line(struct parser *p, const char *s, size_t n, unsigned *seen)
{
    size_t k = 0, v;
    static const char *const keys[] = {"name", "width", "height", "font-size", "titles"};
    int key = -1;

    if (s[0] == ' ')
        return perr(p, 1, "a header line starts with its setting, without spaces before it");
    if (s[0] == '#') {
        char **nc = realloc(p->f->comments, (size_t)(p->f->ncomments + 1) * sizeof *nc);
        if (nc == NULL)
            return kwh_err_set(p->e, KWH_ENOMEM, "out of memory");
        p->f->comments = nc;
        nc[p->f->ncomments] = malloc(n + 1);
        if (nc[p->f->ncomments] == NULL)
            return kwh_err_set(p->e, KWH_ENOMEM, "out of memory");
        memcpy(nc[p->f->ncomments], s, n);
        nc[p->f->ncomments][n] = '\0';
        p->f->ncomments++;
        return 0;
    }
    while (k < n && s[k] != ' ')
        k++;
    for (int i = 0; i < (int)KWH_ARRAY_LEN(keys); i++)
        if (strlen(keys[i]) == k && memcmp(keys[i], s, k) == 0)
            key = i;
    if (key < 0)
        return perr(p, 1,
                    "'%.*s' is not a header setting (name, width, height, font-size, "
                    "titles); the header ends with a line '---'",
                    (int)(k > 40 ? 40 : k), s);
    if (*seen & (1u << key))
        return perr(p, 1, "'%s' is set twice", keys[key]);
    *seen |= 1u << key;
    for (v = k; v < n && s[v] == ' ';)
        v++;
    while (n > v && s[n - 1] == ' ')
        n--;
    switch (key) {
    case 0:
        if (n - v > 80)
            return perr(p, (int)v + 1, "the name is longer than 80 bytes");
        free(p->f->name);
        p->f->name = malloc(n - v + 1);
        if (p->f->name == NULL)
            return kwh_err_set(p->e, KWH_ENOMEM, "out of memory");
        memcpy(p->f->name, s + v, n - v);
        p->f->name[n - v] = '\0';
        return 0;
    case 1: return header_int(p, "width", s + v, n - v, 8, PRINT_FORM_MAX_WIDTH, &p->f->width);
    case 2: return header_int(p, "height", s + v, n - v, 0, PRINT_FORM_MAX_LINES, &p->f->height);
    case 3: return header_int(p, "font-size", s + v, n - v, 6, 36, &p->f->font_size);
    default:
        if (n - v == 4 && memcmp(s + v, "hide", 4) == 0)
            p->f->titles_hidden = true;
        else if (n - v == 5 && memcmp(s + v, "print", 5) == 0)
            p->f->titles_hidden = false;
        else
            return perr(p, (int)v + 1, "'titles' is 'print' or 'hide', not '%.*s'",
                        (int)(n - v > 40 ? 40 : n - v), s + v);
        return 0;
    }
}

static struct print_form *form_alloc(void)
{
    struct print_form *f = calloc(1, sizeof *f);
    if (f != NULL)
        f->font_size = FORM_FONT_SIZE_DEFAULT;
    return f;
}

int print_form_parse(const char *text, size_t len, const char *file, struct print_form **out,
                     struct kwh_err *e)
{
    struct parser p = {.file = file ? file : "form", .e = e};
    size_t pos = 0;
    unsigned seen = 0;
    bool body = false;
    int rc = 0, row = 0, last = 0;

    *out = NULL;
    if (len > PRINT_FORM_MAX_BYTES)
        return kwh_err_set(e, KWH_EINVAL, "%s: larger than %d bytes; is it a form file?", p.file,
                           PRINT_FORM_MAX_BYTES);
    p.f = form_alloc();
    if (p.f == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* a byte-order mark some editors add */
    while (pos < len) {
        const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;

        pos += n + (nl ? 1 : 0);
        p.lineno++;
        if (n > 0 && s[n - 1] == '\r')
            n--;
        rc = check_line(&p, s, n);
        if (rc < 0)
            goto fail;
        if (!body) {
            if (n == 3 && memcmp(s, "---", 3) == 0) {
                if (!(seen & 2u)) {
                    rc = perr(&p, 0, "the header has no 'width' line: add e.g. 'width 48'");
                    goto fail;
                }
                body = true;
            } else if (!blank(s, n)) {
                rc = parse_header_line(&p, s, n, &seen);
                if (rc < 0)
                    goto fail;
            }
            continue;
        }
        if (p.f->height > 0 && row >= p.f->height) {
            if (!blank(s, n)) {
                rc = perr(&p, 0, "the page has %d lines (height %d) and this is line %d of it",
                          p.f->height, p.f->height, row + 1);
                goto fail;
            }
            continue;
        }
        if (row >= PRINT_FORM_MAX_LINES) {
            rc = perr(&p, 0, "more than %d page lines", PRINT_FORM_MAX_LINES);
            goto fail;
        }
        rc = parse_body_line(&p, s, n, row);
        if (rc < 0)
            goto fail;
        row++;
        last = row;
    }
    if (!body) {
        rc = kwh_err_set(e, KWH_EINVAL,
                         "%s: no line '---' ends the header: a form is a header "
                         "(width 48, ...), a line '---', then the page",
                         p.file);
        goto fail;
    }
    p.f->lines = last;
    *out = p.f;
    return 0;
fail:
    print_form_free(p.f);
    return rc;
}

int print_form_new(int width, struct print_form **out, struct kwh_err *e)
{
    *out = NULL;
    if (width < 8 || width > PRINT_FORM_MAX_WIDTH)
        return kwh_err_set(e, KWH_EINVAL, "page width must be from 8 to %d columns",
                           PRINT_FORM_MAX_WIDTH);
    *out = form_alloc();
    if (*out == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    (*out)->width = width;
    return 0;
}

void print_form_free(struct print_form *f)
{
    if (f == NULL)
        return;
    for (int i = 0; i < f->nitems; i++)
        free((char *)f->items[i].text);
    for (int i = 0; i < f->ncomments; i++)
        free(f->comments[i]);
    free(f->comments);
    free(f->items);
    free(f->name);
    free(f);
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

struct print_form *print_form_dup(const struct print_form *f)
{
    struct print_form *d = form_alloc();

    if (d == NULL)
        return NULL;
    d->width = f->width;
    d->height = f->height;
    d->lines = f->lines;
    d->font_size = f->font_size;
    d->titles_hidden = f->titles_hidden;
    if (f->name != NULL && (d->name = dup_str(f->name)) == NULL)
        goto fail;
    if (f->ncomments > 0) {
        d->comments = calloc((size_t)f->ncomments, sizeof *d->comments);
        if (d->comments == NULL)
            goto fail;
        for (; d->ncomments < f->ncomments; d->ncomments++)
            if ((d->comments[d->ncomments] = dup_str(f->comments[d->ncomments])) == NULL)
                goto fail;
    }
    for (int i = 0; i < f->nitems; i++)
        if (form_insert_item(d, &f->items[i]) < 0)
            goto fail;
    return d;
fail:
    print_form_free(d);
    return NULL;
}

int print_form_width(const struct print_form *f)
{
    return f->width;
}

int print_form_lines(const struct print_form *f)
{
    return f->height > 0 ? f->height : f->lines;
}

int print_form_height(const struct print_form *f)
{
    return f->height;
}

const char *print_form_name(const struct print_form *f)
{
    return f->name ? f->name : "";
}

bool print_form_titles_hidden(const struct print_form *f)
{
    return f->titles_hidden;
}

int print_form_font_size(const struct print_form *f)
{
    return f->font_size;
}

int print_form_item_count(const struct print_form *f)
{
    return f->nitems;
}

const struct print_item *print_form_item(const struct print_form *f, int i)
{
    if (i < 0 || i >= f->nitems)
        return NULL;
    return &f->items[i];
}

int print_form_item_at(const struct print_form *f, int row, int col)
{
    return form_overlap(f, row, col, 1, -1);
}

bool print_form_equal(const struct print_form *a, const struct print_form *b)
{
    if (a->width != b->width || a->height != b->height ||
        print_form_lines(a) != print_form_lines(b) || a->font_size != b->font_size ||
        a->titles_hidden != b->titles_hidden ||
        strcmp(print_form_name(a), print_form_name(b)) != 0 || a->ncomments != b->ncomments ||
        a->nitems != b->nitems)
        return false;
    for (int i = 0; i < a->ncomments; i++)
        if (strcmp(a->comments[i], b->comments[i]) != 0)
            return false;
    for (int i = 0; i < a->nitems; i++) {
        const struct print_item *x = &a->items[i], *y = &b->items[i];
        if (x->kind != y->kind || x->row != y->row || x->col != y->col || x->width != y->width)
            return false;
        if (x->kind == PRINT_ITEM_FIELD && (x->var != y->var || x->align != y->align))
            return false;
        if (x->kind == PRINT_ITEM_TITLE && strcmp(x->text, y->text) != 0)
            return false;
    }
    return true;
}
