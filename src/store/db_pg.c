/* SPDX-License-Identifier: Apache-2.0 */
/* The PostgreSQL backend (libpq): connection, statements, transactions, errors.
 *
 * Statements are the store's own SQL: ":name" parameters become "$n" and LIKE becomes
 * ILIKE (SQLite's LIKE ignores ASCII case) when a statement is first prepared; each is
 * prepared once per connection (a server-side prepared statement) and run with its
 * parameters bound (integers as text, blobs as binary bytea). Results are read in text
 * form: integers, sums (numeric) and booleans ('t'/'f') all read as integers, bytea
 * from its hex form.
 *
 * Writers serialise exactly where SQLite's BEGIN IMMEDIATE does: store_begin opens a
 * READ COMMITTED transaction and takes one transaction-scoped advisory lock, the same
 * for every station, before anything is read; every statement of the transaction then
 * sees everything committed before it. There is one lock, so writers cannot deadlock,
 * and waiting for it is bounded by lock_timeout (the SQLite busy timeout).
 *
 * A lost connection (server restarted, network cut) is reconnected on the next
 * statement outside a transaction, which is then run again once; inside a transaction
 * the transaction is lost (the server rolls it back) and the caller is told the server
 * could not be reached. Nothing half-written stays: a card write whose settle did not
 * reach the server stays pending and settles when the card is next read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kwhpos/util.h"
#include "store/migrate.h"
#include "store/pg.h"

#define PG_MAX_PARAMS 40
#define PG_INT8 20
#define PG_TEXTOID 25
#define PG_BYTEA 17
/* the one lock of writers: "kwhp" */
#define PG_WRITER_LOCK "1802987632"
#define PG_LOCK_TIMEOUT "5s"

struct pg_stmt {
    struct sql_stmt base;
    char name[16];
    unsigned gen; /* the connection it is prepared on; 0: not yet */
    bool custom;  /* planned at every run with its values (see rewrite) */
    char *sql;    /* with $n */
    const char *orig;
    int np;
    char *pname[PG_MAX_PARAMS]; /* ":name" */
    unsigned types[PG_MAX_PARAMS];
    char *val[PG_MAX_PARAMS];
    int len[PG_MAX_PARAMS];
    int fmt[PG_MAX_PARAMS];
    char ibuf[PG_MAX_PARAMS][24];
    bool owned[PG_MAX_PARAMS];
    PGresult *res;
    int row, nrows;
};

#define PST(x) ((struct pg_stmt *)(x))

/* --- connection ---------------------------------------------------------------------- */

/* The keywords a libpq connection string starts with (its "keyword = value" form). */
static const char *const conn_keywords[] = {
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "passfile",
    "service",
    "options",
    "sslmode",
    "sslcert",
    "sslkey",
    "sslrootcert",
    "sslcrl",
    "sslpassword",
    "gssencmode",
    "channel_binding",
    "connect_timeout",
    "application_name",
    "target_session_attrs",
    "keepalives",
    "requiressl",
};

bool pg_claims(const char *target)
{
    size_t k;

    if (strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0)
        return true;
    /* a keyword=value string: its first keyword is one of libpq's (told without loading
       libpq: every SQLite station asks) */
    target += strspn(target, " ");
    k = strspn(target, "abcdefghijklmnopqrstuvwxyz_");
    if (k == 0 || target[k + strspn(target + k, " ")] != '=')
        return false;
    for (size_t i = 0; i < KWH_ARRAY_LEN(conn_keywords); i++)
        if (strlen(conn_keywords[i]) == k && strncmp(target, conn_keywords[i], k) == 0)
            return true;
    return false;
}

/* The connection string without a password, for messages. */
static void redact(const char *target, char *buf, size_t n)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(target, &err);
    size_t o = 0;

    PQfreemem(err);
    if (opts == NULL) {
        str_copy(buf, n, "(a PostgreSQL connection string that does not parse)");
        return;
    }
    buf[0] = '\0';
    for (PQconninfoOption *p = opts; p->keyword; p++) {
        if (p->val == NULL || p->val[0] == '\0' || strcmp(p->keyword, "password") == 0)
            continue;
        int w = snprintf(buf + o, n - o, "%s%s=%s", o ? " " : "", p->keyword, p->val);
        if (w < 0 || (size_t)w >= n - o)
            break;
        o += (size_t)w;
    }
    PQconninfoFree(opts);
}

/* The gist of a libpq complaint: its first line, without the "connection to server on
 * socket ... failed:" preamble. */
static void gist(const char *detail, char *d, size_t n)
{
    const char *p = strstr(detail ? detail : "", "failed: ");
    str_copy(d, n, p != NULL ? p + 8 : detail ? detail : "");
    d[strcspn(d, "\n\t")] = '\0';
}

static int unreachable(struct pg *s, const char *detail, struct kwh_err *e)
{
    char d[160];
    gist(detail, d, sizeof d);
    return kwh_err_set(e, KWH_EDB,
                       "the database server cannot be reached (%s: %s): check the network and "
                       "that the server is running, then try again",
                       s->base.label, d);
}

/* A failed connection: the server said no (it answered FATAL: a role, a database, a
 * password, pg_hba.conf), or it could not be reached at all. */
static int connect_failed(struct pg *s, struct kwh_err *e)
{
    const char *msg = PQerrorMessage(s->conn);
    const char *fatal = strstr(msg, "FATAL:");
    char d[256];

    if (fatal == NULL)
        return unreachable(s, msg, e);
    str_copy(d, sizeof d, fatal + 6 + strspn(fatal + 6, " "));
    for (char *p = d; *p; p++)
        if (*p == '\n')
            *p = *(p + 1) ? ' ' : '\0';
    return kwh_err_set(e, KWH_EDB,
                       "the database server refused this station (%s: %s): check [database] "
                       "url (user, database, password) and the server's pg_hba.conf",
                       s->base.label, d);
}

/* The server's notices and warnings ("terminating connection...") are not the clerk's
 * business: errors come back as results. */
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static int session_setup(struct pg *s, struct kwh_err *e)
{
    PQsetNoticeProcessor(s->conn, quiet, NULL);
    PGresult *r = PQexec(s->conn, "SET lock_timeout = '" PG_LOCK_TIMEOUT "';"
                                  "SET idle_in_transaction_session_timeout = '60s';"
                                  "SET client_encoding = 'UTF8';"
                                  "SET standard_conforming_strings = on;"
                                  "SET client_min_messages = warning");
    int rc = 0;
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = kwh_err_set(e, KWH_EDB, "%s: %s", s->base.label, PQerrorMessage(s->conn));
    PQclear(r);
    return rc;
}

static int pg_connect(struct pg *s, struct kwh_err *e)
{
    /* defaults first: what the site's string says overrides them */
    const char *keys[] = {"application_name",
                          "connect_timeout",
                          "keepalives_idle",
                          "keepalives_interval",
                          "keepalives_count",
                          "dbname",
                          NULL};
    const char *vals[] = {"kwhpos", "5", "10", "5", "3", s->target, NULL};

    if (s->conn != NULL)
        PQfinish(s->conn);
    s->conn = PQconnectdbParams(keys, vals, 1);
    s->gen++;
    if (s->conn == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    if (PQstatus(s->conn) != CONNECTION_OK)
        return connect_failed(s, e);
    return session_setup(s, e);
}

/* After an error: whether the connection itself is gone (libpq says so, or an error
 * came back that only a broken connection gives: see pg_error). */
static bool conn_lost(struct pg *s)
{
    return s->conn == NULL || s->lost || PQstatus(s->conn) != CONNECTION_OK;
}

/* Reconnects outside a transaction; 0 when the connection is usable again. */
static int reconnect(struct pg *s, struct kwh_err *e)
{
    if (!conn_lost(s))
        return 0;
    PQreset(s->conn);
    s->gen++;
    s->lost = false;
    if (PQstatus(s->conn) != CONNECTION_OK)
        return connect_failed(s, e);
    return session_setup(s, e);
}

/* --- errors -------------------------------------------------------------------------- */

int pg_error(struct pg *s, const PGresult *r, struct kwh_err *e)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;

    if (msg == NULL)
        msg = PQerrorMessage(s->conn);
    /* no SQLSTATE: libpq's own failure, the connection's (the server closed it, the
       network is gone); 08: connection exceptions; 57P: the server shutting down */
    if (state == NULL || strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
        s->lost = true;
    if (conn_lost(s))
        return unreachable(s, msg, e);
    if (strncmp(state, "23", 2) == 0) {
        const char *cons = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME);
        return kwh_err_set(e, KWH_ECONFLICT, "refused by the database: %s (%s)", msg,
                           cons ? cons : "");
    }
    if (strcmp(state, "55P03") == 0 || strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
        strcmp(state, "57014") == 0)
        return kwh_err_set(e, KWH_EDB,
                           "the database is busy (another terminal is writing); "
                           "try again in a moment");
    if (strcmp(state, "53100") == 0)
        return kwh_err_set(e, KWH_EDB,
                           "the database server's disk is full: free space there, then try "
                           "again");
    if (strcmp(state, "42501") == 0)
        return kwh_err_set(e, KWH_EDB,
                           "the database refused this station's role (%s): grant it the "
                           "rights in docs/multi-station.md",
                           msg);
    if (strcmp(state, "25006") == 0)
        return kwh_err_set(e, KWH_EDB, "the database is read-only: check the server");
    return kwh_err_set(e, KWH_EDB, "database error: %s", msg);
}

/* --- statements ---------------------------------------------------------------------- */

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* sql with ":name" as "$n" and LIKE as ILIKE; fills the parameter names. Errors are
 * KWH_EDB, what every caller of a failed sql_prep returns. */
static int rewrite(struct pg_stmt *st, const char *sql, struct kwh_err *e)
{
    size_t n = strlen(sql), o = 0;
    char *out = malloc(n * 2 + 1);

    if (out == NULL)
        return kwh_err_set(e, KWH_EDB, "out of memory");
    for (size_t i = 0; i < n;) {
        char c = sql[i];
        if (c == '\'' || c == '"') {
            size_t j = i + 1;
            while (j < n && sql[j] != c)
                j++;
            j = j < n ? j + 1 : n;
            memcpy(out + o, sql + i, j - i);
            o += j - i;
            i = j;
        } else if (c == ':' && i + 1 < n && ident_char(sql[i + 1]) &&
                   (i == 0 || sql[i - 1] != ':')) {
            size_t j = i + 1, len;
            int k;
            while (j < n && ident_char(sql[j]))
                j++;
            len = j - i;
            for (k = 0; k < st->np; k++)
                if (strlen(st->pname[k]) == len && memcmp(st->pname[k], sql + i, len) == 0)
                    break;
            if (k == st->np) {
                if (st->np == PG_MAX_PARAMS) {
                    free(out);
                    return kwh_err_set(e, KWH_EDB, "internal error: too many parameters");
                }
                st->pname[k] = strndup(sql + i, len);
                if (st->pname[k] == NULL) {
                    free(out);
                    return kwh_err_set(e, KWH_EDB, "out of memory");
                }
                st->np++;
            }
            o += (size_t)sprintf(out + o, "$%d", k + 1);
            i = j;
        } else if ((c == 'L' || c == 'l') && strncasecmp(sql + i, "LIKE", 4) == 0 &&
                   (i == 0 || !ident_char(sql[i - 1])) && !ident_char(sql[i + 4])) {
            memcpy(out + o, "ILIKE", 5);
            o += 5;
            i += 4;
        } else {
            out[o++] = c;
            i++;
        }
    }
    out[o] = '\0';
    st->sql = out;
    /* a query with filters that are on or off (":x IS NULL OR ...") is planned with the
       values at each run: a generic plan cannot tell which filters are off, and would
       scan */
    st->custom = strstr(sql, "IS NULL OR") != NULL;
    return 0;
}

static void clear_params(struct pg_stmt *st)
{
    for (int i = 0; i < st->np; i++) {
        if (st->owned[i])
            free(st->val[i]);
        st->owned[i] = false;
        st->val[i] = NULL;
        st->len[i] = 0;
        st->fmt[i] = 0;
    }
}

static void pg_reset(sql_stmt *s0)
{
    struct pg_stmt *st = PST(s0);
    PQclear(st->res);
    st->res = NULL;
    st->row = st->nrows = 0;
}

static void stmt_free(struct pg_stmt *st)
{
    if (st == NULL)
        return;
    pg_reset(&st->base);
    clear_params(st);
    for (int i = 0; i < st->np; i++)
        free(st->pname[i]);
    free(st->sql);
    free(st);
}

static sql_stmt *pg_prep(struct store *s0, const char *sql, struct kwh_err *e)
{
    struct pg *s = (struct pg *)s0;
    struct pg_stmt *st;
    size_t i;

    for (i = 0; i < STORE_CACHE && s->cache[i].sql != NULL; i++) {
        if (s->cache[i].sql == sql) {
            st = s->cache[i].st;
            pg_reset(&st->base);
            clear_params(st);
            st->base.bind_error = NULL;
            return &st->base;
        }
    }
    st = calloc(1, sizeof *st);
    if (st == NULL) {
        /* KWH_EDB, what every caller of a failed sql_prep returns */
        kwh_err_set(e, KWH_EDB, "out of memory");
        return NULL;
    }
    st->base.be = &sql_pg;
    st->base.s = s0;
    st->orig = sql;
    if (rewrite(st, sql, e) < 0) {
        stmt_free(st);
        return NULL;
    }
    if (i == STORE_CACHE) {
        i = STORE_CACHE - 1; /* full: the last entry makes room (statements are static) */
        stmt_free(s->cache[i].st);
    }
    snprintf(st->name, sizeof st->name, "k%u", ++s->names);
    s->cache[i].sql = sql;
    s->cache[i].st = st;
    return &st->base;
}

/* The slot of parameter name, or -1: a name the statement does not have is remembered as
 * the statement's error (sql_row reports it) and binds nothing. */
static int index_of(struct pg_stmt *st, const char *name)
{
    for (int i = 0; i < st->np; i++)
        if (strcmp(st->pname[i], name) == 0)
            return i;
    if (st->base.bind_error == NULL)
        st->base.bind_error = name;
    return -1;
}

static int bind_slot(struct pg_stmt *st, const char *name, unsigned type)
{
    int i = index_of(st, name);
    if (i < 0)
        return i;
    if (st->owned[i])
        free(st->val[i]);
    st->owned[i] = false;
    if (st->gen == 0 && type != 0)
        st->types[i] = type;
    return i;
}

static void pg_i64(sql_stmt *s0, const char *name, int64_t v)
{
    struct pg_stmt *st = PST(s0);
    int i = bind_slot(st, name, PG_INT8);
    if (i < 0)
        return;
    snprintf(st->ibuf[i], sizeof st->ibuf[i], "%lld", (long long)v);
    st->val[i] = st->ibuf[i];
    st->len[i] = 0;
    st->fmt[i] = 0;
}

static void pg_text(sql_stmt *s0, const char *name, const char *v)
{
    struct pg_stmt *st = PST(s0);
    int i = bind_slot(st, name, PG_TEXTOID);
    if (i < 0)
        return;
    st->val[i] = strdup(v);
    if (st->val[i] == NULL) {
        st->base.bind_error = "out of memory";
        return;
    }
    st->owned[i] = true;
    st->fmt[i] = 0;
}

static void pg_blob(sql_stmt *s0, const char *name, const void *v, int len)
{
    struct pg_stmt *st = PST(s0);
    int i = bind_slot(st, name, PG_BYTEA);
    if (i < 0)
        return;
    st->val[i] = malloc(len > 0 ? (size_t)len : 1);
    if (st->val[i] == NULL) {
        st->base.bind_error = "out of memory";
        return;
    }
    memcpy(st->val[i], v, (size_t)len);
    st->owned[i] = true;
    st->len[i] = len;
    st->fmt[i] = 1;
}

static void pg_null(sql_stmt *s0, const char *name, enum sql_type type)
{
    static const unsigned oid[] = {
        [SQL_ANY] = 0, [SQL_INT] = PG_INT8, [SQL_TEXT] = PG_TEXTOID, [SQL_BLOB] = PG_BYTEA};
    struct pg_stmt *st = PST(s0);
    int i = bind_slot(st, name, oid[type]);
    if (i >= 0)
        st->val[i] = NULL;
}

/* Prepares (once per connection) and runs st; the result is in st->res. */
static int run(struct pg *s, struct pg_stmt *st, struct kwh_err *e)
{
    PGresult *r;
    ExecStatusType x;

    if (st->custom) {
        r = PQexecParams(s->conn, st->sql, st->np, st->types, (const char *const *)st->val, st->len,
                         st->fmt, 0);
        goto ran;
    }
    if (st->gen != s->gen) {
        r = PQprepare(s->conn, st->name, st->sql, st->np, st->types);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            int rc = pg_error(s, r, e);
            PQclear(r);
            return rc;
        }
        PQclear(r);
        st->gen = s->gen;
    }
    r = PQexecPrepared(s->conn, st->name, st->np, (const char *const *)st->val, st->len, st->fmt,
                       0);
ran:
    x = PQresultStatus(r);
    if (x != PGRES_TUPLES_OK && x != PGRES_COMMAND_OK) {
        int rc = pg_error(s, r, e);
        PQclear(r);
        return rc;
    }
    {
        const char *cmd = PQcmdStatus(r);
        if (strncmp(cmd, "INSERT", 6) == 0 || strncmp(cmd, "UPDATE", 6) == 0 ||
            strncmp(cmd, "DELETE", 6) == 0)
            s->changes = strtoll(PQcmdTuples(r), NULL, 10);
    }
    st->res = r;
    st->nrows = x == PGRES_TUPLES_OK ? PQntuples(r) : 0;
    st->row = -1;
    return 0;
}

static int pg_step(sql_stmt *s0, struct kwh_err *e)
{
    struct pg_stmt *st = PST(s0);
    struct pg *s = (struct pg *)s0->s;
    int rc;

    if (st->res == NULL) {
        if (!s->base.in_tx && conn_lost(s) && (rc = reconnect(s, e)) < 0)
            return rc;
        rc = run(s, st, e);
        if (rc < 0 && !s->base.in_tx && conn_lost(s)) {
            /* the server went away between two statements: once more on a new
               connection (a statement outside a transaction is atomic, so it either
               took effect with its reply lost, or did not; the store's autocommit
               writes are all safe to repeat) */
            if (reconnect(s, NULL) == 0)
                rc = run(s, st, e);
        }
        if (rc < 0) {
            if (s->base.in_tx)
                s->tx_failed = true;
            return rc;
        }
    }
    if (++st->row < st->nrows)
        return 1;
    pg_reset(s0);
    return 0;
}

static bool pg_col_null(sql_stmt *s0, int col)
{
    struct pg_stmt *st = PST(s0);
    return PQgetisnull(st->res, st->row, col) != 0;
}

static int64_t pg_col_i64(sql_stmt *s0, int col)
{
    struct pg_stmt *st = PST(s0);
    const char *v = PQgetvalue(st->res, st->row, col);
    if (v[0] == 't' && v[1] == '\0')
        return 1;
    return strtoll(v, NULL, 10); /* 'f', NULL ("") and numbers */
}

static size_t pg_col_text(sql_stmt *s0, int col, char *buf, size_t n)
{
    struct pg_stmt *st = PST(s0);
    str_copy(buf, n, PQgetvalue(st->res, st->row, col));
    return (size_t)PQgetlength(st->res, st->row, col);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t pg_unhex(const char *v, void *buf, size_t n)
{
    uint8_t *b = buf;
    size_t len = 0;
    if (v[0] != '\\' || v[1] != 'x')
        return 0;
    for (const char *p = v + 2; p[0] && p[1]; p += 2, len++) {
        int hi = hexval(p[0]), lo = hexval(p[1]);
        if (hi < 0 || lo < 0)
            break;
        if (len < n)
            b[len] = (uint8_t)(hi << 4 | lo);
    }
    return len;
}

static size_t pg_col_blob(sql_stmt *s0, int col, void *buf, size_t n)
{
    struct pg_stmt *st = PST(s0);
    if (PQgetisnull(st->res, st->row, col))
        return 0;
    return pg_unhex(PQgetvalue(st->res, st->row, col), buf, n);
}

static int pg_col_count(sql_stmt *s0)
{
    return PQnfields(PST(s0)->res);
}

static const char *pg_col_name(sql_stmt *s0, int col)
{
    return PQfname(PST(s0)->res, col);
}

static enum sql_type pg_col_type(sql_stmt *s0, int col)
{
    struct pg_stmt *st = PST(s0);
    if (PQgetisnull(st->res, st->row, col))
        return SQL_ANY;
    switch (PQftype(st->res, col)) {
    case 20:                   /* int8 */
    case 21:                   /* int2 */
    case 23:                   /* int4 */
    case 16:                   /* bool */
    case 1700: return SQL_INT; /* numeric */
    case PG_BYTEA: return SQL_BLOB;
    default: return SQL_TEXT;
    }
}

static int pg_ids_follow(struct store *s, const char *table, int64_t max_id, struct kwh_err *e)
{
    /* an identity column's sequence; none (audit) leaves nothing to do */
    sql_stmt *st = pg_prep(s,
                           "SELECT setval(pg_get_serial_sequence(:t, 'id'), :max) WHERE "
                           "pg_get_serial_sequence(:t, 'id') IS NOT NULL",
                           e);
    if (st == NULL)
        return KWH_EDB;
    if (max_id < 1)
        return 0;
    sql_text(st, ":t", table);
    sql_i64(st, ":max", max_id);
    return sql_done(s, st, e);
}

static int64_t pg_changes(struct store *s)
{
    return ((struct pg *)s)->changes;
}

int pg_exec(struct store *s0, const char *script, struct kwh_err *e)
{
    struct pg *s = (struct pg *)s0;
    PGresult *r;
    int rc = 0;

    if (!s->base.in_tx && conn_lost(s) && (rc = reconnect(s, e)) < 0)
        return rc;
    r = PQexec(s->conn, script);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        rc = pg_error(s, r, e);
        if (s->base.in_tx)
            s->tx_failed = true;
    }
    PQclear(r);
    return rc;
}

/* --- transactions ---------------------------------------------------------------------- */

static int pg_begin(struct store *s0, struct kwh_err *e)
{
    struct pg *s = (struct pg *)s0;
    int rc;

    s->tx_failed = false;
    for (int attempt = 0;; attempt++) {
        if (conn_lost(s) && (rc = reconnect(s, e)) < 0)
            return rc;
        PGresult *r = PQexec(s->conn, "BEGIN ISOLATION LEVEL READ COMMITTED; "
                                      "SELECT pg_advisory_xact_lock(" PG_WRITER_LOCK ")");
        ExecStatusType x = PQresultStatus(r);
        if (x == PGRES_TUPLES_OK) {
            PQclear(r);
            return 0;
        }
        rc = pg_error(s, r, e);
        PQclear(r);
        if (!conn_lost(s)) {
            PGresult *rb = PQexec(s->conn, "ROLLBACK");
            PQclear(rb);
        }
        /* nothing was done yet: a connection lost here is simply taken again once */
        if (!conn_lost(s) || attempt == 1)
            return rc;
    }
}

static int pg_commit(struct store *s0, struct kwh_err *e)
{
    struct pg *s = (struct pg *)s0;
    PGresult *r;
    int rc = 0;

    if (s->tx_failed)
        return kwh_err_set(e, KWH_EDB, "internal error: commit after a failed statement");
    r = PQexec(s->conn, "COMMIT");
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = pg_error(s, r, e);
    else if (strcmp(PQcmdStatus(r), "COMMIT") != 0)
        rc = kwh_err_set(e, KWH_EDB, "the database rolled the change back: try again");
    PQclear(r);
    return rc;
}

static void pg_rollback(struct store *s0)
{
    struct pg *s = (struct pg *)s0;
    if (!conn_lost(s)) {
        PGresult *r = PQexec(s->conn, "ROLLBACK");
        PQclear(r);
    }
    s->tx_failed = false;
}

/* --- claims on card writes: session-level advisory locks, one key per op ---------------- */

/* apart from the writers' lock: op ids in their own key range */
#define PG_CLAIM_BASE 1099511627776LL /* 2^40 */

static int pg_claim(struct store *s, int64_t op_id, struct kwh_err *e)
{
    sql_stmt *st = pg_prep(s, "SELECT pg_advisory_lock(:key)", e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":key", PG_CLAIM_BASE + op_id);
    return sql_done(s, st, e);
}

static void pg_release(struct store *s, int64_t op_id)
{
    sql_stmt *st = pg_prep(s, "SELECT pg_advisory_unlock(:key)", NULL);
    if (st != NULL) {
        sql_i64(st, ":key", PG_CLAIM_BASE + op_id);
        sql_done(s, st, NULL);
    }
}

static int pg_claimed(struct store *s, int64_t op_id, bool *busy, struct kwh_err *e)
{
    sql_stmt *st = pg_prep(s, "SELECT pg_try_advisory_lock(:key)", e);
    bool got;
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":key", PG_CLAIM_BASE + op_id);
    if ((rc = sql_flag(s, st, &got, e)) < 0)
        return rc;
    if (got)
        pg_release(s, op_id);
    *busy = !got;
    return 0;
}

/* --- schema version, objects -------------------------------------------------------------- */

static int pg_objects(struct store *s, int64_t *objects, int64_t *kwh_tables, struct kwh_err *e)
{
    sql_stmt *st = pg_prep(s,
                           "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
                           "c.relnamespace WHERE n.nspname = current_schema() AND c.relkind "
                           "IN ('r', 'v', 'm', 'S', 'f', 'p')",
                           e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    if ((rc = sql_int(s, st, 0, objects, e)) < 0)
        return rc;
    st = pg_prep(s,
                 "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
                 "c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r' AND "
                 "c.relname IN ('settings', 'operators', 'customers', 'sales', 'card_ops', "
                 "'audit', 'schema_version')",
                 e);
    if (st == NULL)
        return KWH_EDB;
    if ((rc = sql_int(s, st, 0, kwh_tables, e)) < 0)
        return rc;
    ((struct pg *)s)->has_version = *kwh_tables == 7;
    if (*kwh_tables == 7)
        *kwh_tables = 6;
    else if (*kwh_tables == 6)
        *kwh_tables = 5; /* without the version table it is not ours */
    return 0;
}

static int pg_version_get(struct store *s, int *version, struct kwh_err *e)
{
    struct pg *p = (struct pg *)s;
    int64_t objects, tables, v;
    int rc;
    sql_stmt *st;

    if (!p->has_version && (rc = pg_objects(s, &objects, &tables, e)) < 0)
        return rc;
    if (!p->has_version) {
        *version = 0;
        return 0;
    }
    if ((st = pg_prep(s, "SELECT version FROM schema_version", e)) == NULL)
        return KWH_EDB;
    if ((rc = sql_int(s, st, 0, &v, e)) < 0)
        return rc;
    *version = (int)v;
    return 0;
}

static int pg_version_set(struct store *s, int version, struct kwh_err *e)
{
    sql_stmt *st = pg_prep(s, "UPDATE schema_version SET version = :v", e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":v", version);
    ((struct pg *)s)->has_version = true;
    return sql_done(s, st, e);
}

/* --- open, close --------------------------------------------------------------------------- */

static void pg_close(struct store *s0)
{
    struct pg *s = (struct pg *)s0;
    for (size_t i = 0; i < STORE_CACHE; i++)
        stmt_free(s->cache[i].st);
    if (s->conn)
        PQfinish(s->conn);
    free(s->target);
    free(s);
}

static int pg_open(struct store **out, const char *target, bool create, struct kwh_err *e)
{
    struct pg *s = calloc(1, sizeof *s);
    int rc;

    *out = NULL;
    if ((rc = pq_load(e)) < 0) {
        free(s);
        return rc;
    }
    if (s == NULL || (s->target = strdup(target)) == NULL) {
        free(s);
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    }
    s->base.be = &sql_pg;
    str_copy(s->base.path, sizeof s->base.path, target);
    redact(target, s->base.label, sizeof s->base.label);
    if ((rc = pg_connect(s, e)) < 0 || (!create && (rc = migrate_identify(&s->base, e)) < 0) ||
        (rc = migrate_run(&s->base, create, e)) < 0) {
        pg_close(&s->base);
        return rc;
    }
    *out = &s->base;
    return 0;
}

const struct sql_backend sql_pg = {
    .name = "PostgreSQL",
    .dialect = SQL_PG,
    .claims = pg_claims,
    .open = pg_open,
    .close = pg_close,
    .prep = pg_prep,
    .bind_i64 = pg_i64,
    .bind_text = pg_text,
    .bind_blob = pg_blob,
    .bind_null = pg_null,
    .step = pg_step,
    .reset = pg_reset,
    .col_null = pg_col_null,
    .col_i64 = pg_col_i64,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .col_count = pg_col_count,
    .col_name = pg_col_name,
    .col_type = pg_col_type,
    .ids_follow = pg_ids_follow,
    .changes = pg_changes,
    .exec = pg_exec,
    .claim = pg_claim,
    .release = pg_release,
    .claimed = pg_claimed,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .version_get = pg_version_get,
    .version_set = pg_version_set,
    .objects = pg_objects,
    .backup_to = pg_backup_to,
    .integrity = pg_integrity,
    .is_backup = pg_is_backup,
    .inspect = pg_inspect,
    .replace = pg_replace,
    .install = pg_install,
    .exists = pg_exists,
    .local_dir = pg_local_dir,
};
