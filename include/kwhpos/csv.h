/* SPDX-License-Identifier: Apache-2.0 */
/* CSV: a writer with RFC 4180 quoting in UTF-8 or GB18030, and a record splitter. */
#ifndef KWHPOS_CSV_H
#define KWHPOS_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kwhpos/err.h"

enum kwh_csv_encoding {
    KWH_CSV_UTF8 = 0,
    KWH_CSV_GB18030 = 1,  /* for spreadsheets on Chinese Windows */
    KWH_CSV_UTF8_BOM = 2, /* UTF-8 behind a byte order mark, for spreadsheets that need it */
};

struct kwh_csv;

/* A CSV writer on f (borrowed): RFC 4180 quoting, CRLF line ends, text converted to the
 * encoding. A field a spreadsheet would take for a formula (starting with = + - @, a tab
 * or CR; plain numbers such as -12.50 excepted) is written as text, behind an apostrophe
 * (csv_guarded); csv_split takes it off again. *out is freed by csv_close, which
 * reports the first error. */
int csv_open(struct kwh_csv **out, FILE *f, int encoding, struct kwh_err *e);
void csv_field(struct kwh_csv *w, const char *text);
void csv_end_row(struct kwh_csv *w);
int csv_close(struct kwh_csv *w, struct kwh_err *e);
bool csv_guarded(const char *text);
/* "utf-8"/"utf8" or "gb18030" -> enum kwh_csv_encoding, or -1. */
int csv_encoding_parse(const char *name);

/* Splits one CSV record starting at *p (before end, which must be writable: the text's
 * terminating NUL): fields are unquoted and NUL-terminated in place, their starts stored
 * in fields (at most max; *nfields counts them all). *p moves past the record and *line
 * counts the newlines passed. KWH_EINVAL for a quote left open, text after a closing
 * quote, or a stray quote; and, with detail KWH_CSV_BAD_RECORD (only this record is bad:
 * *p is past it and the next one splits), for a NUL byte in a field. */
#define KWH_CSV_BAD_RECORD 1
int csv_split(char **p, char *end, char **fields, size_t max, size_t *nfields, int64_t *line,
              struct kwh_err *e);
/* How a payment provider's statement file is laid out (kwhpos reconcile; the INI's
 * [reconcile_METHOD] sections): each column by its name in the header line or by its
 * position (1, 2, ...). */
#define KWH_STMT_COL_MAX 64
struct kwh_stmt_map {
    char time[KWH_STMT_COL_MAX];
    char reference[KWH_STMT_COL_MAX];
    char amount[KWH_STMT_COL_MAX];
    char unit[8];                       /* the amount: "yuan" (up to 2 decimals) or "fen" */
    char time_format[KWH_STMT_COL_MAX]; /* %Y %m %d %H %M %S and literal characters */
    int header;                         /* the line of the column names; 0: none */
    int footer;                         /* lines at the end that are not payments */
    char encoding[16];                  /* "utf-8" or "gb18030" */
};

/* Converts GB18030 text to UTF-8; *out is caller-freed. */
int csv_from_gb18030(const char *in, size_t len, char **out, size_t *outlen, struct kwh_err *e);

#endif
