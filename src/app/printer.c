/* SPDX-License-Identifier: Apache-2.0 */
/* Printing an invoice or a report: the form (the last good one when the file is bad),
 * the values from core, the page, and the copy to CUPS or a file, recorded in core. */
#include "app/printer_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kwhpos/invoice.h"
#include "kwhpos/util.h"
#include "kwhpos/print.h"

int printer_new(const struct kwh_config *cfg, struct printer **out, struct kwh_err *e)
{
    struct printer *p = calloc(1, sizeof *p);
    const char *slash;
    int len;

    *out = NULL;
    if (p == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    p->cfg = *cfg;
    if (cfg->print_form_backups[0] != '\0') {
        len = snprintf(p->backup_dir, sizeof p->backup_dir, "%s", cfg->print_form_backups);
    } else {
        slash = strrchr(cfg->db_path, '/');
        if (slash != NULL)
            len = snprintf(p->backup_dir, sizeof p->backup_dir, "%.*s/form-backups",
                           (int)(slash - cfg->db_path), cfg->db_path);
        else
            len = snprintf(p->backup_dir, sizeof p->backup_dir, "form-backups");
    }
    if (len < 0 || (size_t)len >= sizeof p->backup_dir) {
        free(p);
        return kwh_err_set(e, KWH_EINVAL, "[print] form_backups: the folder's path is too long");
    }
    p->loader = print_loader_new(cfg->print_form);
    if (p->loader == NULL) {
        free(p);
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    }
    *out = p;
    return 0;
}

void printer_free(struct printer *p)
{
    if (p == NULL)
        return;
    print_loader_free(p->loader);
    print_form_free(p->fallback);
    free(p);
}

bool printer_enabled(const struct printer *p)
{
    return p != NULL && p->cfg.print_queue[0] != '\0';
}

const char *printer_form_path(const struct printer *p)
{
    return p->cfg.print_form;
}

const char *printer_backup_dir(const struct printer *p)
{
    return p->backup_dir;
}

/* A warning for the clerk, cut with "..." when it does not fit. */
static void set_note(char *note, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_note(char *note, size_t n, const char *fmt, ...)
{
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = vsnprintf(note, n, fmt, ap);
    va_end(ap);
    if (len >= 0 && (size_t)len >= n && n > 4)
        memcpy(note + n - 4, "...", 4);
}

/* The newest saved form that parses, for a process that never read a good form file. */
static int load_fallback(struct printer *p)
{
    char **names = NULL, path[KWH_PATH_MAX * 2];
    int count = 0, rc = KWH_ENOTFOUND;

    if (p->fallback != NULL)
        return 0;
    if (print_form_backups(p->backup_dir, p->cfg.print_form, &names, &count, NULL) < 0)
        return KWH_EIO;
    for (int i = 0; i < count && rc < 0; i++) {
        snprintf(path, sizeof path, "%s/%s", p->backup_dir, names[i]);
        if (print_form_load(path, &p->fallback, NULL) == 0) {
            str_copy(p->fallback_name, sizeof p->fallback_name, names[i]);
            rc = 0;
        }
    }
    print_form_backups_free(names);
    return rc;
}

/* The form to print with; note (size n) gets a warning when it is not the file's. */
static int current_form(struct printer *p, const struct print_form **out, char *note, size_t n,
                        struct kwh_err *e)
{
    struct kwh_err le;

    kwh_err_clear(&le);
    if (print_loader_refresh(p->loader, &le) >= 0) {
        *out = print_loader_form(p->loader);
        return 0;
    }
    if (print_loader_form(p->loader) != NULL) {
        *out = print_loader_form(p->loader);
        set_note(note, n, "%s", le.msg);
        return 0;
    }
    if (load_fallback(p) == 0) {
        *out = p->fallback;
        set_note(note, n, kwh_tr(KWH_N("%s; printed with the saved form %s")), le.msg,
                 p->fallback_name);
        return 0;
    }
    if (e != NULL)
        *e = le;
    return kwh_err_prefix(e, "no invoice form to print with");
}

/* The format a copy to `to` is written in. */
static int dest_format(const struct printer *p, const struct printer_dest *to)
{
    if (to != NULL && to->file != NULL && to->format >= 0)
        return to->format;
    return strcmp(p->cfg.print_mode, "pdf") == 0 ? PRINT_PDF : PRINT_RAW;
}

static int check_dest(const struct printer *p, const struct printer_dest *to, struct kwh_err *e)
{
    if (to != NULL && to->file != NULL) {
        if (to->file[0] == '\0')
            return kwh_err_set(e, KWH_EINVAL, "name the file to write");
        if (to->format != -1 && to->format != PRINT_RAW && to->format != PRINT_PDF)
            return kwh_err_set(e, KWH_EINVAL, "the format is raw or pdf");
        /* a PDF needs the printing module: missing, the copy must not be counted */
        return dest_format(p, to) == PRINT_PDF ? print_module_ready(e) : 0;
    }
    if (!printer_enabled(p))
        return kwh_err_setd(e, KWH_EIO, PRINT_FAIL_NO_QUEUE,
                            "printing is off: set [print] queue in %s (docs/printing.md)",
                            p->cfg.path[0] ? p->cfg.path : "the configuration");
    return print_module_ready(e);
}

static void output_opts(const struct printer *p, int format, struct print_output *o)
{
    print_output_default(o);
    o->format = format == PRINT_PDF ? PRINT_PDF : PRINT_RAW;
    o->raw.encoding = strcmp(p->cfg.print_encoding, "utf-8") == 0 ? PRINT_UTF8 : PRINT_GB18030;
    o->raw.crlf = p->cfg.print_crlf;
    o->raw.escpos_init = p->cfg.print_escpos;
    o->raw.escpos_cut = p->cfg.print_escpos;
    o->raw.escpos_chinese = p->cfg.print_escpos && p->cfg.print_escpos_chinese;
    o->raw.feed_lines = p->cfg.print_feed;
    o->raw.form_feed = p->cfg.print_form_feed;
}

/* An invoice's copy on its way to CUPS: its job remembered in core from the moment CUPS
 * has it (print_job_opts.created). */
struct tracked {
    struct kwh_core *c;
    const struct kwh_session *s;
    struct invoice_job job;
    bool begun;
};

static int job_created(void *ctx, int job_id, struct kwh_err *e)
{
    struct tracked *t = ctx;

    t->job.job_id = job_id;
    if (invoice_job_begin(t->c, t->s, &t->job, e) < 0)
        return e != NULL ? e->code : KWH_EDB;
    t->begun = true;
    return 0;
}

static void job_opts(const struct printer *p, const char *queue, const char *server,
                     struct print_job_opts *j)
{
    memset(j, 0, sizeof *j);
    j->queue = queue;
    j->server = server != NULL && server[0] ? server : NULL;
    j->wait_ms = p->cfg.print_wait_seconds * 1000;
}

/* Sends page to `to`; `where` (size n) names where it went, for the audit. t (may be
 * NULL): the invoice's copy, whose job is remembered. */
static int emit(struct printer *p, const struct print_page *page, const struct printer_dest *to,
                const char *title, struct tracked *t, int *job, char *where, size_t n,
                struct kwh_err *e)
{
    struct print_output o;
    struct print_job_opts j;
    int rc;

    *job = 0;
    output_opts(p, dest_format(p, to), &o);
    if (to != NULL && to->file != NULL) {
        snprintf(where, n, "file %s", to->file);
        return print_output_file(page, &o, to->file, e);
    }
    job_opts(p, p->cfg.print_queue, p->cfg.print_server, &j);
    j.title = title;
    if (t != NULL) {
        j.created = job_created;
        j.ctx = t;
        str_copy(t->job.queue, sizeof t->job.queue, p->cfg.print_queue);
        str_copy(t->job.server, sizeof t->job.server, p->cfg.print_server);
    }
    rc = print_output_queue(page, &o, &j, job, e);
    snprintf(where, n, "queue %s job %d", p->cfg.print_queue, *job);
    return rc;
}

/* The next contact with CUPS looks into the copies whose fate was not learnt: one
 * printed, or whose data reached the printer, counts as a copy that left the program
 * (the next copy of that invoice is a 补打); one still waiting is canceled first, so it
 * cannot come out later by surprise. A server that does not answer leaves them open. */
static void settle_jobs(struct printer *p, struct kwh_core *c, const struct kwh_session *s,
                        struct printer_result *res)
{
    struct invoice_job *jobs = NULL;
    struct print_job_opts o;
    struct kwh_err e;
    size_t n = 0;

    if (invoice_jobs_open(c, &jobs, &n, &e) < 0)
        return;
    for (size_t i = 0; i < n; i++) {
        int outcome;
        const char *how;

        job_opts(p, jobs[i].queue, jobs[i].server, &o);
        kwh_err_clear(&e);
        if (print_job_check(&o, jobs[i].job_id, &outcome, &e) < 0)
            continue;
        how = outcome == PRINT_JOB_PRINTED ? "printed (found later)"
              : outcome == PRINT_JOB_SENT  ? "possibly printed (the printer had the page)"
              : outcome == PRINT_JOB_UNKNOWN
                  ? "possibly printed (the print server no longer knows the job)"
                  : "not printed (canceled)";
        if (invoice_job_end(c, s, &jobs[i], outcome != PRINT_JOB_NOT_PRINTED, how, &e) == 0 &&
            outcome != PRINT_JOB_NOT_PRINTED && res->note[0] == '\0')
            set_note(res->note, sizeof res->note,
                     kwh_tr(KWH_N("invoice %lld, sent to printer '%s' as job %d earlier, has "
                                  "probably printed: its next copy is a 补打")),
                     (long long)jobs[i].invoice_no, jobs[i].queue, jobs[i].job_id);
    }
    free(jobs);
}

int printer_check(struct printer *p, const struct printer_dest *to, struct printer_result *res,
                  struct kwh_err *e)
{
    struct printer_result local;
    const struct print_form *form;
    int rc;

    if (res == NULL)
        res = &local;
    memset(res, 0, sizeof *res);
    if ((rc = check_dest(p, to, e)) < 0)
        return rc;
    return current_form(p, &form, res->note, sizeof res->note, e);
}

int printer_invoice(struct printer *p, struct kwh_core *c, const struct kwh_session *s,
                    int64_t invoice_no, bool reprint, const struct printer_dest *to,
                    struct printer_result *res, struct kwh_err *e)
{
    struct printer_result local;
    const struct print_form *form;
    struct kwh_receipt r;
    struct print_vars *v = NULL;
    struct print_page *page = NULL;
    struct kwh_err re;
    struct tracked t = {.c = c, .s = s};
    bool to_queue = to == NULL || to->file == NULL;
    char title[64], where[KWH_PATH_MAX + 64];
    int count, rc;

    if (res == NULL)
        res = &local;
    memset(res, 0, sizeof *res);
    /* everything that can be checked first is, so a refused copy is not counted */
    if ((rc = check_dest(p, to, e)) < 0 ||
        (rc = current_form(p, &form, res->note, sizeof res->note, e)) < 0)
        return rc;
    if (to_queue)
        settle_jobs(p, c, s, res);
    rc = reprint ? invoice_reprint(c, s, invoice_no, &r, e)
                 : invoice_original(c, s, invoice_no, &r, e);
    if (rc < 0)
        return rc;
    count = reprint ? r.sale.reprints : 0;
    if ((v = print_vars_new()) == NULL) {
        rc = kwh_err_set(e, KWH_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = print_vars_from_receipt(v, &r, count, e)) < 0 ||
        (rc = print_render(form, v, &page, e)) < 0)
        goto out;
    if (page->overflows > 0 && res->note[0] == '\0')
        set_note(res->note, sizeof res->note, "%s", page->note);
    if (count > 0)
        snprintf(title, sizeof title, "invoice %08lld reprint %d", (long long)invoice_no, count);
    else
        snprintf(title, sizeof title, "invoice %08lld", (long long)invoice_no);
    t.job.invoice_no = invoice_no;
    t.job.reprint = count;
    rc = emit(p, page, to, title, to_queue ? &t : NULL, &res->job_id, where, sizeof where, e);
    if (rc < 0 && t.begun && e != NULL && e->detail == PRINT_FAIL_SENT) {
        /* the printer had the page: a copy that left the program, not a failure */
        set_note(res->note, sizeof res->note,
                 kwh_tr(KWH_N("%s; counted as printed: if no page came out, print a 补打 copy")),
                 e->msg);
        kwh_err_clear(e);
        rc = 0;
    } else if (rc < 0) {
        res->output_failed = true;
        if (t.begun && e != NULL && e->detail == PRINT_FAIL_LOST) {
            /* its fate is learnt at the next contact with CUPS (settle_jobs) */
            kwh_err_prefix(e, "invoice %lld may not have printed", (long long)invoice_no);
        } else {
            if (t.begun)
                invoice_job_end(c, s, &t.job, false, e ? e->msg : "", &re);
            kwh_err_prefix(e, "invoice %lld was not printed", (long long)invoice_no);
        }
        goto out;
    }
    res->reprint = count;
    rc = t.begun ? invoice_job_end(c, s, &t.job, true, "", &re)
                 : invoice_printed(c, s, invoice_no, count, where, &re);
    if (rc < 0 && !to_queue) {
        /* a file can be taken back: removed, so that no copy is out unrecorded (the next
           original would be a second one) */
        unlink(to->file);
        rc = kwh_err_set(e, rc,
                         "invoice %lld was not printed: it could not be recorded as printed "
                         "(%s); print it again",
                         (long long)invoice_no, re.msg);
        goto out;
    }
    /* the copy is out on paper and cannot be taken back: a failure to record it is a
       warning (the job stays open: its fate is learnt at the next contact with CUPS) */
    if (rc < 0)
        set_note(res->note, sizeof res->note,
                 kwh_tr(KWH_N("invoice %lld was printed but not recorded as printed (%s)")),
                 (long long)invoice_no, re.msg);
    rc = 0;
out:
    print_page_free(page);
    print_vars_free(v);
    return rc;
}

int printer_report(struct printer *p, const char *title, const char *text,
                   const struct printer_dest *to, struct printer_result *res, struct kwh_err *e)
{
    struct printer_result local;
    struct print_page *page = NULL;
    char where[KWH_PATH_MAX + 64];
    int rc;

    if (res == NULL)
        res = &local;
    memset(res, 0, sizeof *res);
    if (text == NULL)
        return kwh_err_set(e, KWH_EINVAL, "no report to print");
    if ((rc = check_dest(p, to, e)) < 0 || (rc = print_page_from_text(text, &page, e)) < 0)
        return rc;
    rc = emit(p, page, to, title ? title : "report", NULL, &res->job_id, where, sizeof where, e);
    if (rc < 0) {
        res->output_failed = true;
        kwh_err_prefix(e, "the report was not printed");
    }
    print_page_free(page);
    return rc;
}
