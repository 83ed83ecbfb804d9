/* SPDX-License-Identifier: Apache-2.0 */
/* Invoices: finding one by number, the 补打 list, counting reprints and first copies,
 * and the role rules of the invoice form (M8, M29, M33). */
#include "kwhpos/invoice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "kwhpos/oversight.h"
#include "store/store_invoice.h"
#include "kwhpos/util.h"
#include "store/store.h"

static int check_no(int64_t invoice_no, struct kwh_err *e)
{
    if (invoice_no < 1)
        return kwh_err_set(e, KWH_EINVAL, "an invoice number is 1 or more, not %lld",
                           (long long)invoice_no);
    return 0;
}

/* The receipt around a sale: its account and the unit's name and phone. */
static int fill_receipt(struct kwh_core *c, const struct kwh_sale *sale, struct kwh_receipt *out,
                        struct kwh_err *e)
{
    struct kwh_site site;
    int rc;

    memset(out, 0, sizeof *out);
    out->sale = *sale;
    if ((rc = store_customer_get(c->db, sale->customer_id, &out->customer, e)) < 0 ||
        (rc = settings_get(c, &site, e)) < 0)
        return rc;
    str_copy(out->unit_name, sizeof out->unit_name, site.unit_name);
    str_copy(out->unit_phone, sizeof out->unit_phone, site.unit_phone);
    return 0;
}

/* KWH_ECONFLICT for a sale a 重新售电 replaced: its invoice is void. */
static int refuse_cancelled(struct kwh_core *c, const struct kwh_sale *sale, struct kwh_err *e)
{
    int64_t by = 0;

    if (sale->state != KWH_STATE_CANCELLED)
        return 0;
    if (store_invoice_replacement(c->db, sale->id, &by, e) < 0)
        by = 0;
    if (by > 0)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "invoice %lld was cancelled by a 重新售电 "
                           "(re-sale): print invoice %lld instead",
                           (long long)sale->invoice_no, (long long)by);
    return kwh_err_set(e, KWH_ECONFLICT, "invoice %lld was cancelled by a 重新售电 (re-sale)",
                       (long long)sale->invoice_no);
}

int invoice_get(struct kwh_core *c, const struct kwh_session *s, int64_t invoice_no,
                struct kwh_receipt *out, struct kwh_err *e)
{
    struct kwh_sale sale;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0 || (rc = check_no(invoice_no, e)) < 0 ||
        (rc = store_invoice_get(c->db, invoice_no, &sale, e)) < 0 ||
        (rc = fill_receipt(c, &sale, out, e)) < 0)
        return rc;
    /* the operators' scope: an invoice is its account's */
    if ((rc = scope_permit(c, s, out->customer.area_id, e)) < 0)
        memset(out, 0, sizeof *out);
    return rc;
}

int invoice_list(struct kwh_core *c, const struct kwh_session *s, const struct invoice_query *q,
                 struct kwh_sale **out, size_t *n, struct kwh_err *e)
{
    struct store_invoice_filter f;
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if (q->below < 0 || q->from < 0 || q->to < 0 || q->limit < 0 ||
        q->limit > STORE_INVOICE_LIST_MAX)
        return kwh_err_set(e, KWH_EINVAL,
                           "invoice list: numbers and times are 0 or more, "
                           "at most %d rows",
                           STORE_INVOICE_LIST_MAX);
    if (q->from > 0 && q->to > 0 && q->to <= q->from)
        return kwh_err_set(e, KWH_EINVAL, "invoice list: the period ends before it starts");
    memset(&f, 0, sizeof f);
    f.below = q->below;
    f.from = q->from;
    f.to = q->to;
    f.operator_name = q->operator_name;
    f.customer_no = q->customer_no;
    f.limit = q->limit > 0 ? q->limit : 20;
    /* the operators' scope: an invoice is its account's */
    if ((rc = scope_of(c, s, &f.scope_op, e)) < 0)
        return rc;
    return store_invoice_list(c->db, &f, out, n, e);
}

#define JOB_KEY "print-job/"

/* One key per job ("print-job/000000000012/345"): an invoice can have an original and
 * a 补打 copy on their way at once. */
static void job_key(const struct invoice_job *j, char *buf, size_t n)
{
    snprintf(buf, n, JOB_KEY "%012lld/%d", (long long)j->invoice_no, j->job_id);
}

/* "job<TAB>copy<TAB>since<TAB>queue<TAB>server" */
static int job_parse(const char *key, const char *value, struct invoice_job *j)
{
    char buf[512], *save = NULL, *f[5];
    int n = 0;

    memset(j, 0, sizeof *j);
    if (sscanf(key, JOB_KEY "%lld", (long long *)&j->invoice_no) != 1)
        return -1;
    str_copy(buf, sizeof buf, value);
    for (char *t = strtok_r(buf, "\t", &save); t != NULL && n < 5; t = strtok_r(NULL, "\t", &save))
        f[n++] = t;
    if (n < 4)
        return -1;
    j->job_id = atoi(f[0]);
    j->reprint = atoi(f[1]);
    j->since = strtoll(f[2], NULL, 10);
    str_copy(j->queue, sizeof j->queue, f[3]);
    str_copy(j->server, sizeof j->server, n == 5 ? f[4] : "");
    return 0;
}

static int first_job(void *ctx, const char *key, const char *value)
{
    return job_parse(key, value, ctx) == 0 ? 1 : 0;
}

/* The oldest open job of invoice_no, if any (*found). */
static int job_get(struct kwh_core *c, int64_t invoice_no, struct invoice_job *j, bool *found,
                   struct kwh_err *e)
{
    char prefix[48];
    int rc;

    snprintf(prefix, sizeof prefix, JOB_KEY "%012lld/", (long long)invoice_no);
    rc = store_settings_each(c->db, prefix, first_job, j, e);
    *found = rc == 1;
    return rc < 0 ? rc : 0;
}

static int refuse_open_job(const struct invoice_job *j, struct kwh_err *e)
{
    return kwh_err_set(e, KWH_ECONFLICT,
                       "a copy of invoice %lld went to printer '%s' as job %d and what became of "
                       "it is not known yet (the print server did not say): it is checked the "
                       "next time this terminal reaches the print server; print a 补打发票 "
                       "(reprint) copy if none came out",
                       (long long)j->invoice_no, j->queue, j->job_id);
}

int invoice_original(struct kwh_core *c, const struct kwh_session *s, int64_t invoice_no,
                     struct kwh_receipt *out, struct kwh_err *e)
{
    struct invoice_job j;
    bool open;
    int rc = invoice_get(c, s, invoice_no, out, e);

    if (rc < 0 || (rc = refuse_cancelled(c, &out->sale, e)) < 0)
        return rc;
    if ((rc = job_get(c, invoice_no, &j, &open, e)) < 0)
        return rc;
    if (open)
        return refuse_open_job(&j, e);
    if (out->sale.printed > 0) {
        time_t t = (time_t)out->sale.printed;
        struct tm tm;
        char when[32];
        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        return kwh_err_set(e, KWH_ECONFLICT,
                           "invoice %lld was already printed (or saved to "
                           "a file) at %s: another copy is a 补打发票 (reprint), marked as such",
                           (long long)invoice_no, when);
    }
    return 0;
}

int invoice_reprint(struct kwh_core *c, const struct kwh_session *s, int64_t invoice_no,
                    struct kwh_receipt *out, struct kwh_err *e)
{
    struct kwh_sale sale;
    char subject[48], before[32], after[32];
    int count, rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0 || (rc = check_no(invoice_no, e)) < 0)
        return rc;
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_invoice_get(c->db, invoice_no, &sale, e)) < 0 ||
        (rc = fill_receipt(c, &sale, out, e)) < 0 ||
        (rc = scope_permit(c, s, out->customer.area_id, e)) < 0 ||
        (rc = refuse_cancelled(c, &sale, e)) < 0 ||
        (rc = store_invoice_add_reprint(c->db, invoice_no, &count, e)) < 0)
        goto fail;
    snprintf(subject, sizeof subject, "invoice %lld", (long long)invoice_no);
    snprintf(before, sizeof before, "reprints=%d", sale.reprints);
    snprintf(after, sizeof after, "reprints=%d", count);
    if ((rc = audit_append(c, s->name, "invoice-reprint", subject, before, after, e)) < 0)
        goto fail;
    if ((rc = store_commit(c->db, e)) < 0)
        return rc;
    sale.reprints = count;
    return fill_receipt(c, &sale, out, e);
fail:
    store_rollback(c->db);
    memset(out, 0, sizeof *out);
    return rc;
}

int invoice_printed(struct kwh_core *c, const struct kwh_session *s, int64_t invoice_no,
                    int reprint, const char *where, struct kwh_err *e)
{
    char subject[48], after[256];
    bool first = false;
    int rc;

    if ((rc = need_operator(s, e)) < 0 || (rc = check_no(invoice_no, e)) < 0)
        return rc;
    if (reprint < 0)
        return kwh_err_set(e, KWH_EINVAL, "a reprint count is 0 or more");
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_invoice_set_printed(c->db, invoice_no, core_now(c), &first, e)) < 0)
        goto fail;
    snprintf(subject, sizeof subject, "invoice %lld", (long long)invoice_no);
    if (reprint > 0)
        snprintf(after, sizeof after, "copy=reprint %d%s to=%s", reprint, first ? " first" : "",
                 where ? where : "");
    else
        snprintf(after, sizeof after, "copy=original to=%s", where ? where : "");
    if ((rc = audit_append(c, s->name, "invoice-print", subject, "", after, e)) < 0)
        goto fail;
    return store_commit(c->db, e);
fail:
    store_rollback(c->db);
    return rc;
}

int invoice_job_begin(struct kwh_core *c, const struct kwh_session *s, const struct invoice_job *j,
                      struct kwh_err *e)
{
    struct invoice_job open;
    struct kwh_sale sale;
    char key[48], value[512], subject[48], after[400];
    bool found;
    int rc;

    if ((rc = need_operator(s, e)) < 0 || (rc = check_no(j->invoice_no, e)) < 0)
        return rc;
    if (j->job_id <= 0 || j->reprint < 0 || j->queue[0] == '\0' || strchr(j->queue, '\t') ||
        strchr(j->server, '\t'))
        return kwh_err_set(e, KWH_EINVAL, "internal error: a print job without a job or queue");
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_invoice_get(c->db, j->invoice_no, &sale, e)) < 0 ||
        (rc = job_get(c, j->invoice_no, &open, &found, e)) < 0)
        goto fail;
    if (j->reprint == 0 && found) {
        rc = refuse_open_job(&open, e);
        goto fail;
    }
    if (j->reprint == 0 && sale.printed > 0) {
        rc = kwh_err_set(e, KWH_ECONFLICT,
                         "invoice %lld was printed meanwhile (by another terminal): another "
                         "copy is a 补打发票 (reprint)",
                         (long long)j->invoice_no);
        goto fail;
    }
    job_key(j, key, sizeof key);
    snprintf(value, sizeof value, "%d\t%d\t%lld\t%s\t%s", j->job_id, j->reprint,
             (long long)core_now(c), j->queue, j->server);
    snprintf(subject, sizeof subject, "invoice %lld", (long long)j->invoice_no);
    snprintf(after, sizeof after, "copy=%s%d job=%d queue=%s", j->reprint ? "reprint " : "original",
             j->reprint, j->job_id, j->queue);
    if ((rc = store_setting_set(c->db, key, value, e)) < 0 ||
        (rc = audit_append(c, s->name, "invoice-job", subject, "", after, e)) < 0)
        goto fail;
    return store_commit(c->db, e);
fail:
    store_rollback(c->db);
    return rc;
}

struct job_list {
    struct invoice_job *v;
    size_t n, cap;
};

static int collect_job(void *ctx, const char *key, const char *value)
{
    struct job_list *l = ctx;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        struct invoice_job *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return KWH_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    if (job_parse(key, value, &l->v[l->n]) == 0)
        l->n++;
    return 0;
}

int invoice_jobs_open(struct kwh_core *c, struct invoice_job **out, size_t *n, struct kwh_err *e)
{
    struct job_list l = {0};
    int rc = store_settings_each(c->db, JOB_KEY, collect_job, &l, e);

    *out = NULL;
    *n = 0;
    if (rc == KWH_ENOMEM)
        rc = kwh_err_set(e, KWH_ENOMEM, "out of memory");
    if (rc < 0) {
        free(l.v);
        return rc;
    }
    *out = l.v;
    *n = l.n;
    return 0;
}

int invoice_job_end(struct kwh_core *c, const struct kwh_session *s, const struct invoice_job *j,
                    bool printed, const char *how, struct kwh_err *e)
{
    char key[48], subject[48], after[400];
    bool first = false;
    int rc;

    if ((rc = need_operator(s, e)) < 0 || (rc = check_no(j->invoice_no, e)) < 0)
        return rc;
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    job_key(j, key, sizeof key);
    if ((rc = store_setting_delete(c->db, key, e)) < 0)
        goto fail;
    snprintf(subject, sizeof subject, "invoice %lld", (long long)j->invoice_no);
    if (printed) {
        if ((rc = store_invoice_set_printed(c->db, j->invoice_no, core_now(c), &first, e)) < 0)
            goto fail;
        if (j->reprint > 0)
            snprintf(after, sizeof after, "copy=reprint %d%s to=queue %s job %d %s", j->reprint,
                     first ? " first" : "", j->queue, j->job_id, how ? how : "");
        else
            snprintf(after, sizeof after, "copy=original to=queue %s job %d %s", j->queue,
                     j->job_id, how ? how : "");
        rc = audit_append(c, s->name, "invoice-print", subject, "", after, e);
    } else {
        snprintf(after, sizeof after, "job=%d not printed %s", j->job_id, how ? how : "");
        rc = audit_append(c, s->name, "invoice-job", subject, "", after, e);
    }
    if (rc < 0)
        goto fail;
    return store_commit(c->db, e);
fail:
    store_rollback(c->db);
    return rc;
}

static const char *form_op_name(int op)
{
    switch (op) {
    case INVOICE_FORM_SAVE: return "form-save";
    case INVOICE_FORM_BACKUP: return "form-backup";
    case INVOICE_FORM_RESTORE: return "form-restore";
    }
    return NULL;
}

int invoice_form_allowed(const struct kwh_session *s, int op, struct kwh_err *e)
{
    if (form_op_name(op) == NULL)
        return kwh_err_set(e, KWH_EINVAL, "no such form operation (%d)", op);
    if (op == INVOICE_FORM_RESTORE)
        return need_admin(s, kwh_tr("发票恢复 (restoring a saved invoice form)"), e);
    return need_operator(s, e);
}

int invoice_form_done(struct kwh_core *c, const struct kwh_session *s, int op, const char *form,
                      const char *detail, struct kwh_err *e)
{
    int rc;

    if ((rc = invoice_form_allowed(s, op, e)) < 0)
        return rc;
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = audit_append(c, s->name, form_op_name(op), form ? form : "", "", detail ? detail : "",
                           e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    return store_commit(c->db, e);
}
