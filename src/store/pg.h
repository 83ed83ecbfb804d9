/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/store: the PostgreSQL backend's connection (db_pg.c, pg_backup.c). */
#ifndef KWHPOS_STORE_PG_H
#define KWHPOS_STORE_PG_H

#include "store/pq.h"

#include "store/sql.h"

struct pg_stmt;

struct pg {
    struct store base;
    PGconn *conn;
    char *target;     /* the connection string as given (it may hold a password) */
    unsigned gen;     /* bumped on every (re)connection: statements prepare again */
    unsigned names;   /* prepared statement names k1, k2, ... */
    int64_t changes;  /* rows of the last INSERT, UPDATE or DELETE */
    bool tx_failed;   /* a statement of the open transaction failed */
    bool lost;        /* the connection broke: connect again before the next statement */
    bool has_version; /* the schema_version table exists */
    struct {
        const char *sql; /* identity: the address of a string literal */
        struct pg_stmt *st;
    } cache[STORE_CACHE];
};

bool pg_claims(const char *target);
/* Maps a failed result (or a lost connection) to a KWH_E* code with a message. */
int pg_error(struct pg *s, const PGresult *r, struct kwh_err *e);
int pg_exec(struct store *s, const char *script, struct kwh_err *e);
/* Decodes bytea's text form (\x...) into buf; returns its length in bytes. */
size_t pg_unhex(const char *v, void *buf, size_t n);

int pg_backup_to(struct store *s, const char *path, int64_t *bytes,
                 const volatile sig_atomic_t *stop, struct kwh_err *e);
int pg_integrity(struct store *s, bool *ok, char *msg, size_t n, struct kwh_err *e);
bool pg_is_backup(const char *file);
int pg_inspect(const char *file, struct store_file_info *out, struct kwh_err *e);
int pg_replace(const char *target, const char *new_path, const char *keep_path, struct kwh_err *e);
int pg_install(const char *target, const char *new_path, struct kwh_err *e);
int pg_exists(const char *target, bool *exists, struct kwh_err *e);
void pg_local_dir(const char *target, char *buf, size_t n);

#endif
