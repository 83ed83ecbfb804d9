/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/store: the connection, a statement cache, and binding by name. */
#ifndef KWHPOS_STORE_SQL_H
#define KWHPOS_STORE_SQL_H

#include <sqlite3.h>

#include "store/sqlite_load.h"
#include <stdbool.h>
#include <stdint.h>

#include "kwhpos/err.h"
#include "kwhpos/store.h"

#define STORE_CACHE 96

struct store {
    sqlite3 *db;
    char path[1024];
    bool in_tx;
    struct {
        const char *sql; /* identity: the address of a string literal */
        sqlite3_stmt *st;
    } cache[STORE_CACHE];
};

/* A reset, cached statement for sql (a string literal); NULL with e set on error. */
sqlite3_stmt *sql_prep(struct store *s, const char *sql, struct kwh_err *e);

/* Binding by parameter name (":name"); a missing name is a programmer error. */
void sql_i64(sqlite3_stmt *st, const char *name, int64_t v);
void sql_text(sqlite3_stmt *st, const char *name, const char *v);
void sql_blob(sqlite3_stmt *st, const char *name, const void *v, int len);
void sql_null(sqlite3_stmt *st, const char *name);

/* Steps a statement that returns no rows; maps errors. */
int sql_done(struct store *s, sqlite3_stmt *st, struct kwh_err *e);
/* Steps once: 1 = a row, 0 = no more rows, < 0 = error. */
int sql_row(struct store *s, sqlite3_stmt *st, struct kwh_err *e);
/* Maps a SQLite result code to a KWH_E* code with a message. */
int sql_error(struct store *s, int rc, struct kwh_err *e);

/* Column helpers. */
void sql_col_text(sqlite3_stmt *st, int col, char *buf, size_t n);
void sql_col_blob(sqlite3_stmt *st, int col, void *buf, size_t n);

/* Steps st to the end, appending each row to a growing heap array (rd fills one
 * element of `size` bytes); *out is caller-freed, NULL when empty. */
typedef void (*sql_reader)(sqlite3_stmt *st, void *row);
int sql_collect(struct store *s, sqlite3_stmt *st, size_t size, sql_reader rd, void **out,
                size_t *n, struct kwh_err *e);

/* Steps st for one row, read by rd into row: 0, or KWH_ENOTFOUND with the (translated)
 * message `notfound` (a KWH_N literal; NULL: the caller words it) when there is none.
 * The statement is reset either way. */
int sql_one(struct store *s, sqlite3_stmt *st, sql_reader rd, void *row, const char *notfound,
            struct kwh_err *e);
/* The first column of the first row as an integer (def when there is no row). */
int sql_int(struct store *s, sqlite3_stmt *st, int64_t def, int64_t *out, struct kwh_err *e);
/* The same as a yes/no (no row: no). */
int sql_flag(struct store *s, sqlite3_stmt *st, bool *out, struct kwh_err *e);

/* Runs a script of statements without parameters (migrations). */
int sql_exec(struct store *s, const char *script, struct kwh_err *e);

#endif
