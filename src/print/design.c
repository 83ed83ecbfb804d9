/* SPDX-License-Identifier: Apache-2.0 */
/* The designer's operations on a form (move, delete, add, resize, align) and the form
 * written back in the file syntax. Every operation either succeeds or leaves the form
 * as it was, and never produces a form whose text would read back differently. */
#include "form_int.h"
#include "kwhpos/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Moves item i to its sorted place after its position changed; returns the new index. */
static int reposition(struct print_form *f, int i)
{
    struct print_item it = f->items[i];

    while (i > 0 && (f->items[i - 1].row > it.row ||
                     (f->items[i - 1].row == it.row && f->items[i - 1].col > it.col))) {
        f->items[i] = f->items[i - 1];
        i--;
    }
    while (i + 1 < f->nitems && (f->items[i + 1].row < it.row ||
                                 (f->items[i + 1].row == it.row && f->items[i + 1].col < it.col))) {
        f->items[i] = f->items[i + 1];
        i++;
    }
    f->items[i] = it;
    return i;
}

/* Whether (row, col, width) is a free place for an item of `kind` (skip: itself). Two
 * titles need two columns between them, or the file would read them as one. */
static int check_place(const struct print_form *f, enum print_item_kind kind, int row, int col,
                       int width, int skip, struct kwh_err *e)
{
    int o;

    if (row < 0 || col < 0)
        return kwh_err_set(e, KWH_ECONFLICT, "that is past the top or left edge of the page");
    if (col + width > f->width)
        return kwh_err_set(e, KWH_ECONFLICT, "that is past the right edge (page width %d)",
                           f->width);
    if ((f->height > 0 && row >= f->height) || row >= PRINT_FORM_MAX_LINES)
        return kwh_err_set(e, KWH_ECONFLICT, "that is past the bottom of the page (%d lines)",
                           f->height > 0 ? f->height : PRINT_FORM_MAX_LINES);
    o = form_overlap(f, row, col, width, skip);
    if (o >= 0) {
        const struct print_item *q = &f->items[o];
        if (q->kind == PRINT_ITEM_FIELD)
            return kwh_err_set(e, KWH_ECONFLICT, "that place is taken by the field {%s} (%s)",
                               print_var_info(q->var)->name, print_var_info(q->var)->title);
        return kwh_err_set(e, KWH_ECONFLICT, "that place is taken by the title '%s'", q->text);
    }
    if (kind == PRINT_ITEM_TITLE) {
        for (int i = 0; i < f->nitems; i++) {
            const struct print_item *q = &f->items[i];
            if (i == skip || q->kind != PRINT_ITEM_TITLE || q->row != row)
                continue;
            if (q->col < col + width + 2 && col < q->col + q->width + 2)
                return kwh_err_set(e, KWH_ECONFLICT,
                                   "titles need two columns between them (next to '%s')", q->text);
        }
    }
    return 0;
}

static void grow_lines(struct print_form *f, int row)
{
    if (row + 1 > f->lines)
        f->lines = row + 1;
}

static int check_index(const struct print_form *f, int i, struct kwh_err *e)
{
    if (i < 0 || i >= f->nitems)
        return kwh_err_set(e, KWH_EINVAL, "no item %d on the form", i);
    return 0;
}

int print_form_move(struct print_form *f, int *index, int drow, int dcol, struct kwh_err *e)
{
    struct print_item *it;
    int rc = check_index(f, *index, e);

    if (rc < 0)
        return rc;
    it = &f->items[*index];
    rc = check_place(f, it->kind, it->row + drow, it->col + dcol, it->width, *index, e);
    if (rc < 0)
        return rc;
    it->row += drow;
    it->col += dcol;
    grow_lines(f, it->row);
    *index = reposition(f, *index);
    return 0;
}

int print_form_delete(struct print_form *f, int index, struct kwh_err *e)
{
    int rc = check_index(f, index, e);

    if (rc < 0)
        return rc;
    form_remove_item(f, index);
    return 0;
}

static int insert(struct print_form *f, const struct print_item *it, int *index, struct kwh_err *e)
{
    int rc = check_place(f, it->kind, it->row, it->col, it->width, -1, e);

    if (rc < 0)
        return rc;
    rc = form_insert_item(f, it);
    if (rc < 0)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    grow_lines(f, it->row);
    if (index != NULL)
        *index = rc;
    return 0;
}

int print_form_add_field(struct print_form *f, int var, int row, int col, int *index,
                         struct kwh_err *e)
{
    const struct print_var_info *vi = print_var_info(var);
    struct print_item it = {.kind = PRINT_ITEM_FIELD, .row = row, .col = col, .var = var};

    if (vi == NULL)
        return kwh_err_set(e, KWH_EINVAL, "no such print variable (%d)", var);
    it.align = vi->align;
    it.width = vi->width;
    return insert(f, &it, index, e);
}

int print_form_add_title(struct print_form *f, const char *text, int row, int col, int *index,
                         struct kwh_err *e)
{
    struct print_item it = {.kind = PRINT_ITEM_TITLE, .row = row, .col = col, .text = text};
    size_t n = strlen(text);
    uint32_t first;

    if (n == 0 || !utf8_is_clean_line(text))
        return utf8_valid(text)
                   ? kwh_err_set(e, KWH_EINVAL, "a title is one line of text without tabs")
                   : text_check_line(KWH_N("title"), text, e);
    if (strpbrk(text, "{}") != NULL)
        return kwh_err_set(e, KWH_EINVAL, "a title cannot contain '{' or '}' (they mark fields)");
    if (text[0] == ' ' || text[n - 1] == ' ' || strstr(text, "  ") != NULL)
        return kwh_err_set(e, KWH_EINVAL,
                           "a title has no leading, trailing or double spaces; add two titles");
    utf8_decode(text, n, &first);
    if (utf8_cp_width(first) == 0)
        return kwh_err_set(e, KWH_EINVAL, "a title cannot start with a combining character");
    it.width = utf8_width(text);
    return insert(f, &it, index, e);
}

static int field_change(struct print_form *f, int index, int width, enum print_align align,
                        struct kwh_err *e)
{
    struct print_item *it;
    int rc = check_index(f, index, e);

    if (rc < 0)
        return rc;
    it = &f->items[index];
    if (it->kind != PRINT_ITEM_FIELD)
        return kwh_err_set(e, KWH_EINVAL, "only fields have a width and an alignment");
    if (width < form_field_min_width(it->var, align))
        return kwh_err_set(e, KWH_ECONFLICT, "field %s needs at least %d columns to hold its name",
                           print_var_info(it->var)->name, form_field_min_width(it->var, align));
    rc = check_place(f, it->kind, it->row, it->col, width, index, e);
    if (rc < 0)
        return rc;
    it->width = width;
    it->align = align;
    return 0;
}

int print_form_resize(struct print_form *f, int index, int width, struct kwh_err *e)
{
    int rc = check_index(f, index, e);

    if (rc < 0)
        return rc;
    return field_change(f, index, width, f->items[index].align, e);
}

int print_form_set_align(struct print_form *f, int index, enum print_align align, struct kwh_err *e)
{
    int rc = check_index(f, index, e);

    if (rc < 0)
        return rc;
    if (align != PRINT_LEFT && align != PRINT_RIGHT && align != PRINT_CENTER)
        return kwh_err_set(e, KWH_EINVAL, "no such alignment");
    return field_change(f, index, f->items[index].width, align, e);
}

/* ---- the file syntax -------------------------------------------------------------- */

struct buf {
    char *p;
    size_t len, cap;
    bool oom;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 1024;
        while (b->len + n + 1 > ncap)
            ncap *= 2;
        char *np = realloc(b->p, ncap);
        if (np == NULL) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = ncap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void spaces(struct buf *b, int n)
{
    for (; n > 0; n--)
        put(b, " ", 1);
}

static void put_int(struct buf *b, const char *key, int v)
{
    char tmp[48];
    int n = snprintf(tmp, sizeof tmp, "%s %d\n", key, v);
    put(b, tmp, (size_t)n);
}

char *print_form_format(const struct print_form *f)
{
    struct buf b = {0};
    int i = 0;

    for (int c = 0; c < f->ncomments; c++) {
        puts_(&b, f->comments[c]);
        puts_(&b, "\n");
    }
    if (f->name != NULL && f->name[0] != '\0') {
        puts_(&b, "name ");
        puts_(&b, f->name);
        puts_(&b, "\n");
    }
    put_int(&b, "width", f->width);
    if (f->height > 0)
        put_int(&b, "height", f->height);
    if (f->font_size != FORM_FONT_SIZE_DEFAULT)
        put_int(&b, "font-size", f->font_size);
    if (f->titles_hidden)
        puts_(&b, "titles hide\n");
    puts_(&b, "---\n");
    for (int row = 0; row < f->lines; row++) {
        int col = 0;
        for (; i < f->nitems && f->items[i].row == row; i++) {
            const struct print_item *it = &f->items[i];
            spaces(&b, it->col - col);
            if (it->kind == PRINT_ITEM_TITLE) {
                puts_(&b, it->text);
            } else {
                const char *name = print_var_info(it->var)->name;
                puts_(&b, "{");
                puts_(&b, name);
                spaces(&b, it->width - 2 - (int)strlen(name) - (it->align != PRINT_LEFT));
                if (it->align != PRINT_LEFT)
                    puts_(&b, it->align == PRINT_RIGHT ? ">" : "^");
                puts_(&b, "}");
            }
            col = it->col + it->width;
        }
        puts_(&b, "\n");
    }
    if (b.oom || b.p == NULL) {
        free(b.p);
        return NULL;
    }
    return b.p;
}
