/* SPDX-License-Identifier: Apache-2.0 */
/* Backup, restore and checks of a PostgreSQL site with PostgreSQL's own tools.
 *
 * A backup is `pg_dump -Fc` (one consistent snapshot; stations keep selling), written
 * to a temporary name, listed back with `pg_restore -l` as its check, synced, then
 * renamed. A restore refuses while another station is connected, keeps the current
 * database with pg_dump first, then runs `pg_restore --clean --single-transaction`, so
 * it is all or nothing. The connection parameters reach the tools through libpq's
 * environment variables (PGHOST, PGPASSWORD, ...), never on their command line. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kwhpos/util.h"
#include "store/pg.h"

#define TOOL_ERR 512

/* Runs a PostgreSQL tool with target's connection parameters in its environment; its
 * standard input is in_fd and its output goes to out_fd (-1: /dev/null), the first line of
 * its complaints into err. The files are opened here, with the program's group; the tool
 * runs without it (priv_drop_for_exec). Returns the exit status (-1: it could not run). */
static int run_tool(const char *target, const char *const argv[], int in_fd, int out_fd, char *err,
                    size_t n)
{
    int pipefd[2];
    pid_t pid;
    int status;
    size_t got = 0;

    err[0] = '\0';
    if (target != NULL && pq_load(NULL) < 0) {
        str_copy(err, n, "PostgreSQL's client library (libpq5) is not installed");
        return -1;
    }
    if (pipe(pipefd) != 0)
        return -1;
    pid = fork();
    if (pid < 0) {
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    if (pid == 0) {
        char *perr = NULL;
        PQconninfoOption *opts = target ? PQconninfoParse(target, &perr) : NULL;
        for (PQconninfoOption *o = opts; o && o->keyword; o++)
            if (o->val != NULL && o->val[0] != '\0' && o->envvar != NULL)
                setenv(o->envvar, o->val, 1);
        int null = open("/dev/null", O_RDWR);
        dup2(out_fd >= 0 ? out_fd : null, 1);
        dup2(pipefd[1], 2);
        dup2(in_fd >= 0 ? in_fd : null, 0);
        close(pipefd[0]);
        priv_drop_for_exec();
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "cannot run %s: %s (install postgresql-client)\n", argv[0],
                strerror(errno));
        _exit(127);
    }
    close(pipefd[1]);
    for (;;) {
        char buf[256];
        ssize_t r = read(pipefd[0], buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        for (ssize_t i = 0; i < r && got + 1 < n; i++)
            err[got++] = buf[i] == '\n' ? ' ' : buf[i];
        err[got] = '\0';
    }
    close(pipefd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The mode of a backup (as SQLite's: it holds the site key; the program's group reads it). */
#define BACKUP_MODE 0640

/* pg_dump -Fc of target into path (through a PATH.XXXXXX.part of its own, so two backups
 * to one name never share it); the copy is listed back, then takes the name only if no
 * other file took it meanwhile. *stop set (may be NULL) ends it after pg_dump, leaving
 * nothing. */
static int dump_to(const char *target, const char *label, const char *path, int64_t *bytes,
                   const volatile sig_atomic_t *stop, struct kwh_err *e)
{
    char tmp[1100], err[TOOL_ERR];
    struct stat sb;
    int rc, fd;

    if (snprintf(tmp, sizeof tmp, "%s.XXXXXX.part", path) >= (int)sizeof tmp)
        return kwh_err_set(e, KWH_EINVAL, "%s: path too long", path);
    if (stat(path, &sb) == 0)
        return kwh_err_set(e, KWH_ECONFLICT, "%s already exists", path);
    fd = mkstemps(tmp, 5);
    if (fd < 0)
        return kwh_err_set(e, KWH_EIO, "cannot create %s: %s", tmp, strerror(errno));
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (fchmod(fd, BACKUP_MODE) != 0) {
        rc = kwh_err_set(e, KWH_EIO, "cannot set the mode of %s: %s", tmp, strerror(errno));
        goto fail;
    }
    {
        const char *argv[] = {"pg_dump", "--format=custom", "--no-password", NULL};
        rc = run_tool(target, argv, -1, fd, err, sizeof err);
    }
    if (stop != NULL && *stop) {
        rc = kwh_err_set(e, KWH_EIO, "backing up to %s: stopped (the program was asked to end)",
                         path);
        goto fail;
    }
    if (rc != 0) {
        rc = kwh_err_set(e, KWH_EDB, "backing up %s with pg_dump failed: %s", label,
                         err[0] ? err : "it could not run");
        goto fail;
    }
    lseek(fd, 0, SEEK_SET);
    {
        const char *argv[] = {"pg_restore", "--list", NULL};
        rc = run_tool(NULL, argv, fd, -1, err, sizeof err);
    }
    if (rc != 0) {
        rc = kwh_err_set(e, KWH_EDB, "the backup in %s does not read back (%s): try again", tmp,
                         err);
        goto fail;
    }
    if (fsync(fd) != 0) {
        rc = kwh_err_set(e, KWH_EIO, "cannot write %s: %s", tmp, strerror(errno));
        goto fail;
    }
    close(fd);
    fd = -1;
    /* link, not rename: a backup another program finished under this name meanwhile
       stays */
    if (link(tmp, path) != 0) {
        rc = errno == EEXIST ? kwh_err_set(e, KWH_ECONFLICT, "%s already exists", path)
                             : kwh_err_set(e, KWH_EIO, "cannot rename %s to %s: %s", tmp, path,
                                           strerror(errno));
        goto fail;
    }
    unlink(tmp);
    {
        /* the new name on disk too */
        char dir[1100];
        str_copy(dir, sizeof dir, path);
        if ((fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
            fsync(fd);
            close(fd);
        }
    }
    if (bytes != NULL)
        *bytes = stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
    return 0;
fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return rc;
}

int pg_backup_to(struct store *s, const char *path, int64_t *bytes,
                 const volatile sig_atomic_t *stop, struct kwh_err *e)
{
    int rc;

    priv_raise(); /* the backup folder and its files are the program's group's */
    rc = dump_to(((struct pg *)s)->target, s->label, path, bytes, stop, e);
    priv_lower();
    return rc;
}

/* Every table read through: a damaged page stops the read with the server's message. */
static const char check_sql[] =
    "SELECT (SELECT count(*) FROM settings) + (SELECT count(*) FROM operators) + "
    "(SELECT count(*) FROM tariffs) + (SELECT count(*) FROM tariff_prices) + "
    "(SELECT count(*) FROM customers) + (SELECT count(*) FROM totals) + "
    "(SELECT count(*) FROM card_ops) + (SELECT count(*) FROM sales) + "
    "(SELECT count(*) FROM events) + (SELECT count(*) FROM audit) + "
    "(SELECT count(*) FROM sales_sum) + (SELECT count(*) FROM shifts) + "
    "(SELECT count(*) FROM tariff_tiers) + (SELECT count(*) FROM fee_types) + "
    "(SELECT count(*) FROM sale_items) + (SELECT count(*) FROM items_sum) + "
    "(SELECT count(*) FROM arrears) + (SELECT count(*) FROM reversals) + "
    "(SELECT count(*) FROM schema_version)";

static int check_conn(PGconn *c, bool *ok, char *msg, size_t n)
{
    PGresult *r = PQexec(c, check_sql);
    *ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    str_copy(msg, n, *ok ? "ok" : PQresultErrorMessage(r));
    for (char *p = msg; *p; p++)
        if (*p == '\n')
            *p = ' ';
    PQclear(r);
    return 0;
}

int pg_integrity(struct store *s, bool *ok, char *msg, size_t n, struct kwh_err *e)
{
    struct pg *p = (struct pg *)s;
    (void)e;
    return check_conn(p->conn, ok, msg, n);
}

bool pg_is_backup(const char *file)
{
    char head[5];
    int fd = file_open_regular(file, NULL); /* never waits on a named pipe */
    bool yes = fd >= 0 && read(fd, head, sizeof head) == (ssize_t)sizeof head &&
               memcmp(head, "PGDMP", sizeof head) == 0;
    if (fd >= 0)
        close(fd);
    return yes;
}

/* The column number of name in a "COPY table (a, b, ...) FROM stdin;" line, or -1. */
static int copy_col(const char *line, const char *name)
{
    const char *p = strchr(line, '(');
    size_t len = strlen(name);
    int i = 0;
    if (p == NULL)
        return -1;
    for (p++; *p && *p != ')'; i++) {
        while (*p == ' ')
            p++;
        if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == ')'))
            return i;
        while (*p && *p != ',' && *p != ')')
            p++;
        if (*p == ',')
            p++;
    }
    return -1;
}

/* Field col of a tab-separated COPY row, copied into buf. */
static void copy_field(const char *line, int col, char *buf, size_t n)
{
    const char *p = line;
    size_t o = 0;
    for (int i = 0; i < col && p; i++) {
        p = strchr(p, '\t');
        if (p)
            p++;
    }
    buf[0] = '\0';
    if (p == NULL)
        return;
    while (*p && *p != '\t' && *p != '\n' && o + 1 < n)
        buf[o++] = *p++;
    buf[o] = '\0';
}

int pg_inspect(const char *file, struct store_file_info *out, struct kwh_err *e)
{
    char err[TOOL_ERR], tmpl[] = "/tmp/kwhpos-inspect-XXXXXX";
    int fd, rc;
    FILE *f;
    char *line = NULL;
    size_t cap = 0;
    enum { NONE, SETTINGS, VERSION, CUSTOMERS, SALES } table = NONE;
    int c_status = -1, c_created = -1, c_key = 0, c_value = 1;
    bool has_secret = false;
    int tables = 0;

    memset(out, 0, sizeof *out);
    if (!pg_is_backup(file))
        return 0;
    out->sqlite = true; /* a database backup at all */
    fd = mkstemp(tmpl);
    if (fd < 0)
        return kwh_err_set(e, KWH_EIO, "cannot write a temporary file: %s", strerror(errno));
    unlink(tmpl);
    {
        const char *argv[] = {"pg_restore",
                              "--data-only",
                              "--table=settings",
                              "--table=schema_version",
                              "--table=customers",
                              "--table=sales",
                              "--table=operators",
                              "--table=card_ops",
                              "--table=audit",
                              "--file=-",
                              NULL};
        int in = open(file, O_RDONLY | O_CLOEXEC);
        rc = in < 0 ? -1 : run_tool(NULL, argv, in, fd, err, sizeof err);
        if (in >= 0)
            close(in);
        else
            snprintf(err, sizeof err, "cannot read %s: %s", file, strerror(errno));
    }
    if (rc != 0) {
        close(fd);
        str_copy(out->integrity, sizeof out->integrity, err[0] ? err : "pg_restore failed");
        return 0;
    }
    out->intact = true;
    str_copy(out->integrity, sizeof out->integrity, "ok");
    lseek(fd, 0, SEEK_SET);
    f = fdopen(fd, "r");
    if (f == NULL) {
        close(fd);
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    }
    while (getline(&line, &cap, f) > 0) {
        char v[128];
        if (strncmp(line, "COPY ", 5) == 0) {
            tables++;
            if (strstr(line, ".settings ") != NULL) {
                table = SETTINGS;
                c_key = copy_col(line, "key");
                c_value = copy_col(line, "value");
            } else if (strstr(line, ".schema_version ") != NULL) {
                table = VERSION;
            } else if (strstr(line, ".customers ") != NULL) {
                table = CUSTOMERS;
                c_status = copy_col(line, "status");
            } else if (strstr(line, ".sales ") != NULL) {
                table = SALES;
                c_created = copy_col(line, "created");
            } else {
                table = NONE;
            }
            continue;
        }
        if (strcmp(line, "\\.\n") == 0) {
            table = NONE;
            continue;
        }
        switch (table) {
        case SETTINGS:
            copy_field(line, c_key, v, sizeof v);
            if (strcmp(v, "site_secret") == 0) {
                copy_field(line, c_value, v, sizeof v);
                has_secret = strlen(v) == 2 * KWH_SECRET_LEN;
                for (int i = 0; has_secret && i < KWH_SECRET_LEN; i++) {
                    unsigned b;
                    if (sscanf(v + 2 * i, "%2x", &b) != 1)
                        has_secret = false;
                    out->secret[i] = (uint8_t)b;
                }
            }
            break;
        case VERSION:
            copy_field(line, 0, v, sizeof v);
            out->version = atoi(v);
            break;
        case CUSTOMERS:
            copy_field(line, c_status, v, sizeof v);
            if (strcmp(v, "1") == 0 || strcmp(v, "2") == 0)
                out->accounts++;
            break;
        case SALES: {
            copy_field(line, c_created, v, sizeof v);
            int64_t t = strtoll(v, NULL, 10);
            if (t > out->last_sale)
                out->last_sale = t;
            break;
        }
        case NONE: break;
        }
    }
    free(line);
    fclose(f);
    out->kwhpos = tables >= 7 && has_secret && out->version >= 1;
    return 0;
}

static PGconn *connect_to(const char *target, struct kwh_err *e)
{
    if (pq_load(e) < 0)
        return NULL;
    const char *keys[] = {"application_name", "connect_timeout", "dbname", NULL};
    const char *vals[] = {"kwhpos-restore", "5", target, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(c) != CONNECTION_OK) {
        kwh_err_set(e, KWH_EDB, "the database server cannot be reached: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    return c;
}

/* pg_restore of file into the database dbname of target, in one transaction; clean: the
 * tables there are dropped first. */
static int restore_file(const char *target, const char *dbname, const char *file, bool clean,
                        struct kwh_err *e)
{
    char err[TOOL_ERR], dopt[128] = "--dbname=";
    const char *argv[12] = {"pg_restore",      "--single-transaction", "--no-owner",
                            "--exit-on-error", "--no-password",        dopt};
    int n = 6, in, rc;

    if (clean) {
        argv[n++] = "--clean";
        argv[n++] = "--if-exists";
    }
    argv[n] = NULL;
    str_copy(dopt + 9, sizeof dopt - 9, dbname);
    in = open(file, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return kwh_err_set(e, KWH_EIO, "cannot read %s: %s", file, strerror(errno));
    rc = run_tool(target, argv, in, -1, err, sizeof err);
    close(in);
    if (rc != 0)
        return kwh_err_set(e, KWH_EDB,
                           "pg_restore failed (%s): nothing was changed (the restore is one "
                           "transaction)",
                           err[0] ? err : "it could not run");
    return 0;
}

int pg_replace(const char *target, const char *new_path, const char *keep_path, struct kwh_err *e)
{
    char label[1024], msg[256];
    PGconn *c = connect_to(target, e);
    PGresult *r;
    bool ok;
    int rc;

    if (c == NULL)
        return KWH_EDB;
    str_copy(label, sizeof label, PQdb(c));
    /* a station that has just closed may still be listed while its server process ends:
     * asked again for up to 3 s */
    for (int tries = 0;; tries++) {
        r = PQexec(c, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                      "AND pid <> pg_backend_pid()");
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            rc = kwh_err_set(e, KWH_EDB, "%s: %s", label, PQresultErrorMessage(r));
            PQclear(r);
            PQfinish(c);
            return rc;
        }
        if (atoi(PQgetvalue(r, 0, 0)) == 0 || tries == 30)
            break;
        PQclear(r);
        nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
    }
    if (atoi(PQgetvalue(r, 0, 0)) > 0) {
        PQclear(r);
        PQfinish(c);
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the database %s is open at another station or in another "
                           "program: close kwhpos at every station first, then restore",
                           label);
    }
    PQclear(r);
    if (keep_path != NULL && (rc = dump_to(target, label, keep_path, NULL, NULL, e)) < 0) {
        PQfinish(c);
        return kwh_err_prefix(e, "keeping the current database before the restore");
    }
    str_copy(label, sizeof label, PQdb(c));
    PQfinish(c);
    if ((rc = restore_file(target, label, new_path, true, e)) < 0)
        return rc;
    if ((c = connect_to(target, e)) == NULL)
        return KWH_EDB;
    check_conn(c, &ok, msg, sizeof msg);
    PQfinish(c);
    if (!ok)
        return kwh_err_set(e, KWH_EDB,
                           "%s failed its check after the restore (%s): restore the copy "
                           "kept before it",
                           label, msg);
    return 0;
}

/* Tables in the connection's schema (0: an empty database). */
static int table_count(PGconn *c, const char *label, int64_t *n, struct kwh_err *e)
{
    PGresult *r = PQexec(c, "SELECT count(*) FROM pg_class k JOIN pg_namespace n ON n.oid = "
                            "k.relnamespace WHERE n.nspname = current_schema() AND k.relkind "
                            "= 'r'");
    int rc = 0;
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        rc = kwh_err_set(e, KWH_EDB, "%s: %s", label, PQresultErrorMessage(r));
    else
        *n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return rc;
}

int pg_exists(const char *target, bool *exists, struct kwh_err *e)
{
    PGconn *c = connect_to(target, e);
    int64_t n = 0;
    int rc;
    if (c == NULL)
        return KWH_EDB;
    rc = table_count(c, PQdb(c), &n, e);
    PQfinish(c);
    *exists = n > 0;
    return rc;
}

int pg_install(const char *target, const char *new_path, struct kwh_err *e)
{
    char dbname[128];
    PGconn *c = connect_to(target, e);
    int64_t n = 0;
    int rc;

    if (c == NULL)
        return KWH_EDB;
    str_copy(dbname, sizeof dbname, PQdb(c));
    if ((rc = table_count(c, PQdb(c), &n, e)) == 0 && n > 0)
        rc = kwh_err_set(e, KWH_ECONFLICT,
                         "the database %s is not empty: restore onto it as an administrator",
                         PQdb(c));
    PQfinish(c);
    if (rc < 0)
        return rc;
    return restore_file(target, dbname, new_path, false, e);
}

/* The station's state folder of the package; where it is missing (a station run from a
 * build tree), the temporary folder: set [backup] dir for backups there. */
void pg_local_dir(const char *target, char *buf, size_t n)
{
    const char *tmp = getenv("TMPDIR");
    (void)target;
    if (access("/var/lib/kwhpos", W_OK) == 0)
        str_copy(buf, n, "/var/lib/kwhpos");
    else
        str_copy(buf, n, tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
}
