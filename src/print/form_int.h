/* SPDX-License-Identifier: Apache-2.0 */
/* The form model shared by the parser, the designer operations and the renderer. */
#ifndef KWHPOS_PRINT_FORM_INT_H
#define KWHPOS_PRINT_FORM_INT_H

#include "kwhpos/print.h"

#define FORM_FONT_SIZE_DEFAULT 10

struct print_form {
    int width;          /* page width in display columns */
    int height;         /* fixed page lines, 0 = as long as the body */
    int lines;          /* body lines (at most height when height is set) */
    int font_size;      /* points, for PDF */
    bool titles_hidden; /* titles are guides for pre-printed stationery */
    char *name;         /* header `name`, or NULL */
    char **comments;    /* header comment lines, verbatim with their '#' */
    int ncomments;
    struct print_item *items; /* ordered by row, then column; titles own their text */
    int nitems, cap;
};

/* Appends a copy of item (title text copied) keeping the order; returns its index or
 * KWH_ENOMEM. Does not check overlaps. */
int form_insert_item(struct print_form *f, const struct print_item *item);

/* Removes item i, freeing its text. */
void form_remove_item(struct print_form *f, int i);

/* Index of an item other than `skip` that overlaps [col, col+width) on row, or -1. */
int form_overlap(const struct print_form *f, int row, int col, int width, int skip);

/* Smallest width that can hold field var with alignment align in the file syntax. */
int form_field_min_width(int var, enum print_align align);

#endif
