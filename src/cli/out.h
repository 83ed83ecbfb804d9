/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/cli: tables printed as text (80 columns, CJK aligned by display width), CSV
 * (UTF-8 or GB18030) or JSON, for the report, query and export commands. */
#ifndef KWHPOS_CLI_OUT_H
#define KWHPOS_CLI_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/cli.h"
#include "kwhpos/csv.h"

enum out_format {
    OUT_TEXT,
    OUT_CSV,
    OUT_JSON,
    OUT_XLSX, /* xlsx.c */
};

/* Column flags. */
#define OUT_NUM 1       /* right-aligned in text; a number in JSON */
#define OUT_WIDE 2      /* may be cut (ending in ~) so the text fits 80 columns */
#define OUT_TEXT_ONLY 4 /* shown in text only */
#define OUT_DATA_ONLY 8 /* in CSV and JSON only */

struct out_col {
    const char *key; /* header and JSON key */
    int flags;
};

struct out_opts {
    int format;   /* enum out_format */
    int encoding; /* enum kwh_csv_encoding, for CSV */
};

struct out_table;

/* A table with these columns (borrowed); NULL when out of memory. */
struct out_table *out_table_new(const struct out_col *cols, int ncols);
void out_table_free(struct out_table *t); /* accepts NULL */
/* Appends the next cell (rows fill left to right, then the next row starts). */
void out_cell(struct out_table *t, const char *text);
void out_cellf(struct out_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether the table ran out of memory while cells were added. */
bool out_table_failed(const struct out_table *t);

/* --format text|csv|json and --encoding utf-8|gb18030 (CLI_USAGE when bad). */
int out_parse(struct cli *c, const struct cli_args *a, struct out_opts *o);
/* --encoding of a command that writes only CSV (export). */
int out_parse_csv(struct cli *c, const struct cli_args *a, struct out_opts *o);

void out_text(FILE *f, const struct out_table *t);
/* Header and rows; returns 0 or the CLI exit code of a write or encoding error. */
int out_csv(struct cli *c, FILE *f, const struct out_table *t, int encoding);
/* The same in steps, for exports that stream: the header, rows (again and again, the
 * table cleared in between), the end (0 or an exit code). */
int out_csv_begin(struct cli *c, FILE *f, const struct out_table *t, int encoding,
                  struct kwh_csv **w);
void out_csv_rows(struct kwh_csv *w, const struct out_table *t);
int out_csv_end(struct cli *c, struct kwh_csv *w);
/* Drops every row, keeping the columns. */
void out_table_clear(struct out_table *t);
/* The rows as a JSON array, or its first row as a JSON object. */
void out_json_array(FILE *f, const struct out_table *t);
void out_json_object(FILE *f, const struct out_table *t);
/* A JSON string literal. */
void out_json_str(FILE *f, const char *s);

/* Whether any of the n tables ran out of memory while cells were added; says so on
 * stderr when one did. */
bool out_failed(struct cli *c, const struct out_table *const *t, int n);
/* One table in the format chosen: text, CSV, a JSON array (and a newline) or a workbook
 * of one sheet named sheet (a msgid). 0 or an exit code (CLI_ERROR out of memory). */
int out_print(struct cli *c, const struct out_opts *o, const struct out_table *t,
              const char *sheet);

/* The table's shape and cells, for the writers outside out.c. */
int out_table_ncols(const struct out_table *t);
const struct out_col *out_table_col(const struct out_table *t, int col);
size_t out_table_nrows(const struct out_table *t);
const char *out_table_cell(const struct out_table *t, size_t row, int col);

/* One worksheet of a workbook: its name (translated) and its table. */
struct out_sheet {
    const char *name;
    const struct out_table *t;
};
/* The tables as an xlsx workbook on f (not a terminal): numbers as numbers (money as
 * yuan), text as text, headers translated, the header row frozen. 0 or an exit code. */
int out_xlsx(struct cli *c, FILE *f, const struct out_sheet *sheets, int n);

#endif
