/* SPDX-License-Identifier: Apache-2.0 */
/* Data management from the command line: backup, restore, check, export, import, and the
 * first card of an imported account. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <syslog.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/report.h"
#include "kwhpos/config.h"
#include "kwhpos/csv.h"
#include "kwhpos/util.h"
#include "kwhpos/core.h"
#include "kwhpos/data.h"
#include "kwhpos/query.h"

#define IMPORT_MAX_BYTES (512u * 1024 * 1024)

static const char *db_path(const struct cli *c)
{
    return c->db_override ? c->db_override : config_db(&c->cfg);
}

static int backup_opts(struct cli *c, const struct cli_args *a, struct kwh_backup_opts *o)
{
    int64_t keep;
    int rc;
    memset(o, 0, sizeof *o);
    o->dir = cli_str(a, "dir") ? cli_str(a, "dir") : c->cfg.backup_dir;
    if ((rc = cli_fixed(c, a, "keep", 0, 100000, c->cfg.backup_keep, &keep)) != 0)
        return rc;
    o->keep = (int)keep;
    return 0;
}

/* The anchor written after a backup, restore or check, and where it went. */
static void print_anchor(struct cli *c, const struct kwh_anchor *a)
{
    if (a->event[0] == '\0')
        return;
    fprintf(c->out, "audit anchor: %lld records, head %.16s\n", (long long)a->records, a->head);
    if (a->written)
        fprintf(c->out, _("  appended to %s and syslog\n"), a->where);
    else
        fprintf(stderr, _("%s: the audit anchor went to syslog only: cannot append to %s: %s\n"),
                c->prog, a->where, a->error);
}

static volatile sig_atomic_t backup_stop;

static void on_stop(int sig)
{
    (void)sig;
    backup_stop = 1;
}

int cli_backup(struct cli *c, const struct cli_args *a)
{
    struct kwh_backup_opts o = {0};
    struct kwh_backup_info info;
    struct kwh_err e;
    struct sigaction sa = {.sa_handler = on_stop};
    bool done = true;
    int rc;

    if ((rc = backup_opts(c, a, &o)) != 0)
        return rc;
    if (cli_open_core(c, &e) < 0)
        return cli_fail(c, &e);
    /* Ctrl-C, a shutdown or a closed session stop the copy at once, leaving nothing */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    o.stop = &backup_stop;
    if (cli_flag(a, "if-due"))
        rc = backup_if_due(c->core, &o, c->cfg.backup_interval_hours, &done, &info, &e);
    else
        rc = backup_run(c->core, &o, &info, &e);
    if (rc < 0)
        return cli_fail(c, &e);
    if (!done)
        return CLI_OK; /* nothing due: silent, so cron mails nobody every hour */
    kwh_log(LOG_INFO, "backup %s made: %lld bytes, integrity checked", info.path,
            (long long)info.bytes);
    fprintf(c->out, _("backup %s: %lld bytes, integrity checked, %lld ms\n"), info.path,
            (long long)info.bytes, (long long)info.millis);
    if (info.removed > 0)
        fprintf(c->out, _("removed %d older backups (keeping %d)\n"), info.removed, o.keep);
    print_anchor(c, &info.anchor);
    return CLI_OK;
}

int cli_restore(struct cli *c, const struct cli_args *a)
{
    struct kwh_backup_opts o;
    struct kwh_restore_info ri;
    struct kwh_err e;
    bool exists;
    int rc;

    if (a->npos != 1)
        return cli_usage(c, "restore: give the backup FILE to restore");
    if ((rc = backup_opts(c, a, &o)) != 0)
        return rc;
    if (backup_target_exists(db_path(c), &exists, &e) < 0)
        return cli_fail(c, &e);
    if (!exists) {
        /* nothing to log in to: the file system's permissions guard this path */
        if (backup_restore_new(db_path(c), a->pos[0], &ri, &e) < 0)
            return cli_fail(c, &e);
    } else {
        if (cli_open_core(c, &e) < 0) {
            if (e.code == KWH_EDB) {
                char first[KWH_ERR_MSG];
                str_copy(first, sizeof first, e.msg);
                kwh_err_set(&e, KWH_EDB,
                            "%s; to restore over a damaged database, move it "
                            "and its -wal and -shm files away first",
                            first);
            }
            return cli_fail(c, &e);
        }
        if (cli_session(c, &e) < 0 ||
            backup_restore(&c->core, &c->session, a->pos[0], &o, &ri, &e) < 0)
            return cli_fail(c, &e);
    }
    kwh_log(LOG_NOTICE, "database %s restored from %s", db_path(c), a->pos[0]);
    fprintf(c->out, "restored %s into %s: %lld accounts, newest sale %s\n", a->pos[0], db_path(c),
            (long long)ri.accounts, ri.last_sale ? cli_time(ri.last_sale) : "none");
    if (ri.pre_restore[0] != '\0')
        fprintf(c->out, "the database as it was is kept in %s\n", ri.pre_restore);
    fprintf(c->out, "cards written after that backup are refused until reissued; log in again "
                    "on every terminal\n");
    print_anchor(c, &ri.anchor);
    return CLI_OK;
}

int cli_check(struct cli *c, const struct cli_args *a)
{
    struct kwh_check ck;
    struct kwh_sale *s;
    struct kwh_err e;
    size_t n = 0;
    (void)a;

    if (cli_open_core(c, &e) < 0 || check_all(c->core, &ck, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "integrity: %s%s\n",
            ck.integrity_ok ? "ok" : "FAILED: ", ck.integrity_ok ? "" : ck.integrity);
    if (!ck.integrity_ok) {
        fprintf(stderr,
                "%s: the database is damaged: restore the newest good backup "
                "(kwhpos restore)\n",
                c->prog);
        return CLI_DATABASE;
    }
    if (ck.audit_ok)
        fprintf(c->out, "audit chain: intact, %lld records\n", (long long)ck.audit_records);
    else
        fprintf(c->out, "audit chain: BROKEN at record %lld\n", (long long)ck.audit_first_bad);
    fprintf(c->out, "report summary: %s\n",
            ck.sums_ok ? "agrees with the sales" : "DISAGREES with the sales");
    fprintf(c->out, "pending card writes: %lld\n", (long long)ck.pending);
    print_anchor(c, &ck.anchor);
    if (ck.pending > 0 && settle_pending(c->core, &s, &n, &e) == 0) {
        for (size_t i = 0; i < n; i++)
            fprintf(c->out, "  op %lld  %s  %s  %08u %s  %s yuan  by %s\n", (long long)s[i].op_id,
                    cli_time(s[i].created), model_op_name(s[i].kind), s[i].customer_no,
                    s[i].customer_name, cli_dec(s[i].amount_fen, 2), s[i].operator_name);
        free(s);
    }
    if (!ck.audit_ok || !ck.sums_ok) {
        fprintf(stderr, "%s: the check found problems (see above)\n", c->prog);
        return CLI_ERROR;
    }
    if (ck.pending > 0) {
        fprintf(stderr,
                "%s: %lld card writes wait for their cards: read each card at a "
                "terminal to settle it\n",
                c->prog, (long long)ck.pending);
        return CLI_PENDING;
    }
    return CLI_OK;
}

/* --- export ------------------------------------------------------------------------------- */

struct export
{
    struct cli *c;
    struct kwh_csv *w;
    struct out_table *t;
    bool sales;
    int64_t rows;
};

static int export_customer(void *ctx, const struct kwh_customer *cu)
{
    struct export *x = ctx;
    cli_customers_row(x->c, x->t, cu);
    out_csv_rows(x->w, x->t);
    out_table_clear(x->t);
    x->rows++;
    return out_table_failed(x->t) ? KWH_ENOMEM : 0;
}

static int export_sale(void *ctx, const struct kwh_sale *s)
{
    struct export *x = ctx;
    cli_sales_row(x->t, s);
    out_csv_rows(x->w, x->t);
    out_table_clear(x->t);
    x->rows++;
    return out_table_failed(x->t) ? KWH_ENOMEM : 0;
}

static int export(struct cli *c, const struct cli_args *a, bool sales)
{
    const char *output = cli_str(a, "output");
    struct kwh_customer_filter cf;
    struct kwh_sale_filter sf;
    struct export x = {0};
    struct out_opts o;
    struct kwh_err e;
    char tmp[1100] = "";
    FILE *f = c->out;
    int rc;

    if ((rc = out_parse_csv(c, a, &o)) != 0)
        return rc;
    if (cli_session(c, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = sales ? cli_sale_filter(c, a, &sf) : cli_customer_filter(c, a, &cf)) != 0)
        return rc;
    if (output != NULL) {
        snprintf(tmp, sizeof tmp, "%s.part", output);
        if ((f = fopen(tmp, "wb")) == NULL) {
            fprintf(stderr, "%s: cannot write %s: %s\n", c->prog, tmp, strerror(errno));
            return CLI_ERROR;
        }
    }
    x.t = sales ? cli_sales_table() : cli_customers_table();
    x.sales = sales;
    x.c = c;
    if (!sales)
        cli_area_title(c, 0); /* the areas read before the accounts are walked */
    if ((rc = out_csv_begin(c, f, x.t, o.encoding, &x.w)) != 0)
        goto out;
    rc = sales ? query_sales_each(c->core, &c->session, &sf, export_sale, &x, &e)
               : query_customers_each(c->core, &c->session, &cf, export_customer, &x, &e);
    if (rc < 0) {
        csv_close(x.w, NULL);
        rc = rc == KWH_ENOMEM ? cli_fail(c, &(struct kwh_err){KWH_ENOMEM, 0, "out of memory"})
                              : cli_fail(c, &e);
        goto out;
    }
    if ((rc = out_csv_end(c, x.w)) != 0)
        goto out;
    if (output != NULL) {
        if (fclose(f) != 0 || rename(tmp, output) != 0) {
            f = NULL;
            fprintf(stderr, "%s: cannot write %s: %s\n", c->prog, output, strerror(errno));
            rc = CLI_ERROR;
            goto out;
        }
        f = NULL;
        fprintf(stderr, "%s: %lld %s written to %s\n", c->prog, (long long)x.rows,
                sales ? "purchases" : "accounts", output);
    }
    rc = CLI_OK;
out:
    out_table_free(x.t);
    if (output != NULL && f != NULL) {
        fclose(f);
        unlink(tmp);
    }
    return rc;
}

int cli_export_customers(struct cli *c, const struct cli_args *a)
{
    return export(c, a, false);
}

int cli_export_sales(struct cli *c, const struct cli_args *a)
{
    return export(c, a, true);
}

/* --- import --------------------------------------------------------------------------------- */

int cli_import(struct cli *c, const struct cli_args *a)
{
    struct kwh_import_result res;
    struct kwh_err e;
    char *data = NULL, *utf8 = NULL;
    size_t len, ulen;
    int enc = KWH_CSV_UTF8, rc;
    struct stat sb;

    if (a->npos != 1)
        return cli_usage(c, "import customers: give the CSV FILE");
    if (cli_flag(a, "encoding") && (enc = csv_encoding_parse(cli_str(a, "encoding"))) < 0)
        return cli_usage(c, "--encoding: utf-8 or gb18030");
    /* a seller is refused before the file is looked at */
    if (cli_session(c, &e) < 0 || auth_permit(&c->session, KWH_ACT_IMPORT, 0, &e) < 0)
        return cli_fail(c, &e);
    if (stat(a->pos[0], &sb) == 0 && S_ISDIR(sb.st_mode))
        return cli_usage(c, "import customers: %s is a directory: give the CSV file", a->pos[0]);
    if (file_read_stream(a->pos[0], IMPORT_MAX_BYTES, &data, &len, &e) < 0)
        return cli_fail(c, &e);
    if (enc == KWH_CSV_GB18030) {
        rc = csv_from_gb18030(data, len, &utf8, &ulen, &e);
        free(data);
        if (rc < 0)
            return cli_fail(c, &e);
        data = utf8;
        len = ulen;
    } else if (!utf8_valid_n(data, len)) {
        free(data);
        fprintf(stderr,
                "%s: %s is not UTF-8 text: if it was saved by a spreadsheet on Chinese "
                "Windows, add --encoding gb18030\n",
                c->prog, a->pos[0]);
        return CLI_USAGE;
    }
    rc = import_customers(c->core, &c->session, data, len, &res, &e);
    free(data);
    if (rc < 0) {
        for (size_t i = 0; i < res.nerrors; i++)
            fprintf(stderr, "%s:%lld: %s\n", a->pos[0], (long long)res.errors[i].line,
                    res.errors[i].msg);
        if (res.bad > (int64_t)res.nerrors)
            fprintf(stderr, "%s: ... and %lld more\n", a->pos[0],
                    (long long)(res.bad - (int64_t)res.nerrors));
        return cli_fail(c, &e);
    }
    fprintf(c->out, "imported %lld accounts: customer numbers %08u to %08u\n",
            (long long)res.imported, res.first_no, res.last_no);
    fprintf(c->out, "they have no cards yet: write each first card with kwhpos issue-card "
                    "--customer NO\n");
    return CLI_OK;
}

static void copied(void *ctx, const char *table, int64_t rows)
{
    struct cli *c = ctx;
    fprintf(c->out, "copied %s: %lld rows\n", table, (long long)rows);
}

int cli_db_copy(struct cli *c, const struct cli_args *a)
{
    struct kwh_copy_info info;
    struct kwh_err e;
    const char *to = cli_str(a, "to");

    if (to == NULL || to[0] == '\0')
        return cli_usage(c, "db copy: give the new database with --to (a file for SQLite, or "
                            "a PostgreSQL connection string)");
    if (cli_session(c, &e) < 0 || data_copy_to(c->core, &c->session, to, copied, c, &info, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out,
            "verified: counts and sums per table, the site key, the audit chain (%lld records), "
            "the report summary\n",
            (long long)info.audit_records);
    return CLI_OK;
}
