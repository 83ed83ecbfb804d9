/* SPDX-License-Identifier: Apache-2.0 */
/* Data management: backup and restore (M27, M28), checks, bulk import of accounts and
 * the first card of an imported account. */
#ifndef KWHPOS_DATA_H
#define KWHPOS_DATA_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kwhpos/core.h"

/* --- M27, M28 backup and restore (backup.c) ------------------------------------------ */

struct kwh_backup_opts {
    const char *dir; /* NULL or "" = backups/ beside the database */
    int keep;        /* newest backups kept; 0 = all */
    /* NULL, or a flag (a signal handler's) that stops a backup under way at once:
     * nothing is left behind and backup_run fails with KWH_EIO */
    const volatile sig_atomic_t *stop;
};

struct kwh_backup_info {
    char path[1024]; /* the file written */
    int64_t bytes;
    int64_t started;          /* Unix seconds */
    int64_t millis;           /* how long it took, checking included */
    int removed;              /* old backups removed to keep the newest `keep` */
    struct kwh_anchor anchor; /* the audit chain's anchor, written after the backup */
};

/* The folder backups go to: opts->dir, or backups/ beside the database at db_path. */
void backup_dir_for(const char *db_path, const struct kwh_backup_opts *o, char *buf, size_t n);

/* M27: copies the database while other terminals keep selling (SQLite's online backup)
 * to DIR/kwhpos-YYYYMMDD-HHMMSS.db (-2, -3... when that name is taken, also by a
 * backup another program writes at the same second), checks the copy with
 * integrity_check, then removes the oldest backups beyond `keep`. The copy appears
 * under its name only when good. */
int backup_run(struct kwh_core *c, const struct kwh_backup_opts *o, struct kwh_backup_info *out,
               struct kwh_err *e);
/* When the newest backup in the folder was written (0 when there is none). */
int backup_last(const char *db_path, const struct kwh_backup_opts *o, int64_t *when,
                struct kwh_err *e);
/* The backups in the folder (file names, not the pre-restore copies), newest first;
 * *names is freed with backup_list_free. A folder that does not exist has none. */
int backup_list(const char *db_path, const struct kwh_backup_opts *o, char ***names, size_t *n,
                struct kwh_err *e);
void backup_list_free(char **names, size_t n); /* accepts NULL */
/* For the TUI on exit and `kwhpos backup --if-due`: backs up only when the newest backup
 * is older than interval_hours (0 = never automatic); *done says whether it did. */
int backup_if_due(struct kwh_core *c, const struct kwh_backup_opts *o, int interval_hours,
                  bool *done, struct kwh_backup_info *out, struct kwh_err *e);

struct kwh_restore_info {
    char pre_restore[1024];   /* the database as it was, kept here ("" when none was) */
    int from_version;         /* the backup's schema version (migrated on open) */
    int64_t accounts;         /* accounts in the restored database */
    int64_t last_sale;        /* its newest sale (Unix seconds, 0 = none) */
    struct kwh_anchor anchor; /* the restored chain's anchor, written after the restore */
};

/* M28 (admin): replaces the database *c is open on with the backup at file. Refuses a
 * file that is not a kwhpos database, has a newer schema, fails integrity_check or
 * belongs to another site, and refuses while another terminal has the database open.
 * The current database is first kept as DIR/kwhpos-YYYYMMDD-HHMMSS-prerestore.db. *c is
 * closed and reopened on the restored database (on failure, on the old one). */
int backup_restore(struct kwh_core **c, const struct kwh_session *s, const char *file,
                   const struct kwh_backup_opts *o, struct kwh_restore_info *out,
                   struct kwh_err *e);
/* Restores onto a path with no database yet (after a damaged one was moved away): no
 * login, no site to compare. */
int backup_restore_new(const char *db_path, const char *file, struct kwh_restore_info *out,
                       struct kwh_err *e);
/* Whether db_path holds a database at all (a file there; a server database with tables):
 * restores go to backup_restore_new when it does not. */
int backup_target_exists(const char *db_path, bool *exists, struct kwh_err *e);

/* --- moving a site between databases (dbcopy.c) --------------------------------------- */

struct kwh_copy_info {
    int64_t audit_records; /* in the copy's chain, verified */
    bool sums_ok;          /* the copy's report summary agrees with its sales */
};

/* `kwhpos db copy` (admin): the whole site into the new, empty database at target
 * (SQLite to PostgreSQL or back): copied in one transaction while no station writes,
 * then verified: counts and sums per table equal the original's, the copy's site key
 * (area code and card keys: cards written before work after), its audit chain and its
 * report summary. fn hears each table copied. The original is not changed. */
int data_copy_to(struct kwh_core *c, const struct kwh_session *s, const char *target,
                 void (*fn)(void *ctx, const char *table, int64_t rows), void *ctx,
                 struct kwh_copy_info *out, struct kwh_err *e);

/* --- checks (check.c) ------------------------------------------------------------------ */

struct kwh_check {
    bool integrity_ok;
    char integrity[256]; /* "ok" or SQLite's first complaint */
    bool audit_ok;
    int64_t audit_records;
    int64_t audit_first_bad;
    bool sums_ok;             /* the report summary agrees with the sales */
    int64_t pending;          /* card writes waiting for their card */
    struct kwh_anchor anchor; /* the audit chain's anchor, written by the check */
};

/* Database integrity, the audit chain, the report summary against the sales, and the
 * number of pending card writes (list them with settle_pending). */
int check_all(struct kwh_core *c, struct kwh_check *out, struct kwh_err *e);

/* --- bulk import (import.c) ------------------------------------------------------------ */

#define KWH_IMPORT_MAX_ERRORS 50

struct kwh_import_error {
    int64_t line; /* where the record starts in the file, from 1 */
    char msg[256];
};

struct kwh_import_result {
    int64_t imported;           /* accounts created (0 when any line was bad) */
    uint32_t first_no, last_no; /* their customer numbers */
    int64_t bad;                /* records refused */
    struct kwh_import_error errors[KWH_IMPORT_MAX_ERRORS]; /* the first of them */
    size_t nerrors;
};

/* Creates accounts from CSV text (UTF-8; a header line names the columns, see
 * docs/cli.md) without cards, all or nothing in one transaction (admin). Each account
 * is open with no card; its first card is written by first_card_plan (kwhpos/plan.h). When any
 * record is bad nothing is imported, KWH_EINVAL is returned and out lists the lines. */
int import_customers(struct kwh_core *c, const struct kwh_session *s, const char *csv, size_t len,
                     struct kwh_import_result *out, struct kwh_err *e);

#endif
