/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/store: SQLite, loaded when the first database is opened rather than when
 * the program starts (docs/performance.md: Debian's libsqlite3 binds its 1,300 symbols
 * at load, which cost more start-up time than the rest of kwhpos). Every store file
 * includes this after <sqlite3.h> (through store/sql.h): each sqlite3_ function the
 * store uses becomes a call through kwh_sqlite, whose entries load the library on
 * their first call. */
#ifndef KWH_STORE_SQLITE_LOAD_H
#define KWH_STORE_SQLITE_LOAD_H

#include <sqlite3.h>

/* X(return type, name without sqlite3_, (parameters), (arguments)) */
#define KWH_SQLITE_FUNCS(X)                                                                        \
    X(int, backup_finish, (sqlite3_backup * p), (p))                                               \
    X(sqlite3_backup *, backup_init, (sqlite3 * d, const char *dn, sqlite3 *s, const char *sn),    \
      (d, dn, s, sn))                                                                              \
    X(int, backup_step, (sqlite3_backup * p, int n), (p, n))                                       \
    X(int, bind_blob, (sqlite3_stmt * st, int i, const void *v, int n, void (*f)(void *)),         \
      (st, i, v, n, f))                                                                            \
    X(int, bind_int64, (sqlite3_stmt * st, int i, sqlite3_int64 v), (st, i, v))                    \
    X(int, bind_null, (sqlite3_stmt * st, int i), (st, i))                                         \
    X(int, bind_parameter_index, (sqlite3_stmt * st, const char *name), (st, name))                \
    X(int, bind_text, (sqlite3_stmt * st, int i, const char *v, int n, void (*f)(void *)),         \
      (st, i, v, n, f))                                                                            \
    X(int, busy_timeout, (sqlite3 * db, int ms), (db, ms))                                         \
    X(int, changes, (sqlite3 * db), (db))                                                          \
    X(int, clear_bindings, (sqlite3_stmt * st), (st))                                              \
    X(int, close, (sqlite3 * db), (db))                                                            \
    X(const void *, column_blob, (sqlite3_stmt * st, int c), (st, c))                              \
    X(int, column_count, (sqlite3_stmt * st), (st))                                                \
    X(const char *, column_name, (sqlite3_stmt * st, int c), (st, c))                              \
    X(int, column_bytes, (sqlite3_stmt * st, int c), (st, c))                                      \
    X(int, column_int, (sqlite3_stmt * st, int c), (st, c))                                        \
    X(sqlite3_int64, column_int64, (sqlite3_stmt * st, int c), (st, c))                            \
    X(const unsigned char *, column_text, (sqlite3_stmt * st, int c), (st, c))                     \
    X(int, column_type, (sqlite3_stmt * st, int c), (st, c))                                       \
    X(int, errcode, (sqlite3 * db), (db))                                                          \
    X(const char *, errmsg, (sqlite3 * db), (db))                                                  \
    X(const char *, errstr, (int rc), (rc))                                                        \
    X(int, exec,                                                                                   \
      (sqlite3 * db, const char *sql, int (*cb)(void *, int, char **, char **), void *arg,         \
       char **err),                                                                                \
      (db, sql, cb, arg, err))                                                                     \
    X(int, extended_result_codes, (sqlite3 * db, int on), (db, on))                                \
    X(int, file_control, (sqlite3 * db, const char *name, int op, void *arg), (db, name, op, arg)) \
    X(int, finalize, (sqlite3_stmt * st), (st))                                                    \
    X(int, get_autocommit, (sqlite3 * db), (db))                                                   \
    X(sqlite3_int64, last_insert_rowid, (sqlite3 * db), (db))                                      \
    X(int, open_v2, (const char *f, sqlite3 **db, int flags, const char *vfs),                     \
      (f, db, flags, vfs))                                                                         \
    X(int, prepare_v2,                                                                             \
      (sqlite3 * db, const char *sql, int n, sqlite3_stmt **st, const char **tail),                \
      (db, sql, n, st, tail))                                                                      \
    X(void, progress_handler, (sqlite3 * db, int n, int (*cb)(void *), void *arg),                 \
      (db, n, cb, arg))                                                                            \
    X(int, prepare_v3,                                                                             \
      (sqlite3 * db, const char *sql, int n, unsigned int fl, sqlite3_stmt **st,                   \
       const char **tail),                                                                         \
      (db, sql, n, fl, st, tail))                                                                  \
    X(int, reset, (sqlite3_stmt * st), (st))                                                       \
    X(int, sleep, (int ms), (ms))                                                                  \
    X(int, system_errno, (sqlite3 * db), (db))                                                     \
    X(const char *, sql, (sqlite3_stmt * st), (st))                                                \
    X(int, step, (sqlite3_stmt * st), (st))

#define KWH_SQLITE_ENTRY(ret, name, params, args) ret(*name) params;
struct kwh_sqlite {
    KWH_SQLITE_FUNCS(KWH_SQLITE_ENTRY)
    void (*free)(void *);
};
#undef KWH_SQLITE_ENTRY

/* The entries; each one loads libsqlite3.so.0 on its first call (it cannot be loaded:
 * the program says so on stderr and in the journal, and exits 7). */
extern struct kwh_sqlite kwh_sqlite;

#ifndef KWH_SQLITE_LOADER
#define sqlite3_backup_finish kwh_sqlite.backup_finish
#define sqlite3_backup_init kwh_sqlite.backup_init
#define sqlite3_backup_step kwh_sqlite.backup_step
#define sqlite3_bind_blob kwh_sqlite.bind_blob
#define sqlite3_bind_int64 kwh_sqlite.bind_int64
#define sqlite3_bind_null kwh_sqlite.bind_null
#define sqlite3_bind_parameter_index kwh_sqlite.bind_parameter_index
#define sqlite3_bind_text kwh_sqlite.bind_text
#define sqlite3_busy_timeout kwh_sqlite.busy_timeout
#define sqlite3_changes kwh_sqlite.changes
#define sqlite3_clear_bindings kwh_sqlite.clear_bindings
#define sqlite3_close kwh_sqlite.close
#define sqlite3_column_blob kwh_sqlite.column_blob
#define sqlite3_column_count kwh_sqlite.column_count
#define sqlite3_column_name kwh_sqlite.column_name
#define sqlite3_column_bytes kwh_sqlite.column_bytes
#define sqlite3_column_int kwh_sqlite.column_int
#define sqlite3_column_int64 kwh_sqlite.column_int64
#define sqlite3_column_text kwh_sqlite.column_text
#define sqlite3_column_type kwh_sqlite.column_type
#define sqlite3_errcode kwh_sqlite.errcode
#define sqlite3_errmsg kwh_sqlite.errmsg
#define sqlite3_errstr kwh_sqlite.errstr
#define sqlite3_exec kwh_sqlite.exec
#define sqlite3_extended_result_codes kwh_sqlite.extended_result_codes
#define sqlite3_file_control kwh_sqlite.file_control
#define sqlite3_finalize kwh_sqlite.finalize
#define sqlite3_free kwh_sqlite.free
#define sqlite3_get_autocommit kwh_sqlite.get_autocommit
#define sqlite3_last_insert_rowid kwh_sqlite.last_insert_rowid
#define sqlite3_open_v2 kwh_sqlite.open_v2
#define sqlite3_prepare_v2 kwh_sqlite.prepare_v2
#define sqlite3_prepare_v3 kwh_sqlite.prepare_v3
#define sqlite3_progress_handler kwh_sqlite.progress_handler
#define sqlite3_reset kwh_sqlite.reset
#define sqlite3_sleep kwh_sqlite.sleep
#define sqlite3_system_errno kwh_sqlite.system_errno
#define sqlite3_sql kwh_sqlite.sql
#define sqlite3_step kwh_sqlite.step
#endif

#endif
