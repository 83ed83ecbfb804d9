/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/store: the SQLite backend's connection (db_lite.c, lite_backup.c). */
#ifndef KWHPOS_STORE_LITE_H
#define KWHPOS_STORE_LITE_H

#include <sqlite3.h>

#include "store/sql.h"
#include "store/sqlite_load.h"

struct lite_stmt;

struct lite {
    struct store base;
    sqlite3 *db;
    int claims;        /* DB-claims, opened at the first claim; -1 before */
    bool read_only_fs; /* opened read-only: the file system is (open_db) */
    struct {
        const char *sql; /* identity: the address of a string literal */
        struct lite_stmt *st;
    } cache[STORE_CACHE];
};

/* Maps a SQLite result code to a KWH_E* code with a message. */
int lite_error(struct store *s, int rc, struct kwh_err *e);
/* Finalizes the statements and closes the connection of s (its memory stays). */
void lite_finish(struct lite *s);
int lite_exec(struct store *s, const char *script, struct kwh_err *e);

int lite_backup_to(struct store *s, const char *path, int64_t *bytes,
                   const volatile sig_atomic_t *stop, struct kwh_err *e);
int lite_integrity(struct store *s, bool *ok, char *msg, size_t n, struct kwh_err *e);
bool lite_is_backup(const char *file);
int lite_inspect(const char *path, struct store_file_info *out, struct kwh_err *e);
int lite_replace(const char *db_path, const char *new_path, const char *keep_path,
                 struct kwh_err *e);
int lite_install(const char *db_path, const char *new_path, struct kwh_err *e);
int lite_exists(const char *db_path, bool *exists, struct kwh_err *e);
void lite_local_dir(const char *db_path, char *buf, size_t n);

#endif
