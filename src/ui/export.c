/* SPDX-License-Identifier: Apache-2.0 */
/* Result lists out of the screen: to a CSV file (UTF-8 or GB18030) or to the printer as
 * text, with the same columns and figures the screen shows. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kwhpos/csv.h"
#include "kwhpos/util.h"
#include "ui/widgets.h"
#include "kwhpos/printer.h"

#define PRINT_MAX_ROWS 2000

struct table_sink {
    const struct table_src *t;
    struct kwh_csv *csv; /* CSV output, or */
    struct tbuf *text;   /* text output */
    int64_t rows;
    bool cut; /* the printout stopped at PRINT_MAX_ROWS */
};

void tbuf_add(struct tbuf *b, const char *fmt, ...)
{
    va_list ap;
    int k;

    if (b->failed)
        return;
    for (;;) {
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        k = vsnprintf(b->s != NULL ? b->s + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->failed = true;
            return;
        }
        if ((size_t)k < room) {
            b->len += (size_t)k;
            return;
        }
        size_t ncap = b->cap ? b->cap * 2 : 1024;
        while (ncap - b->len <= (size_t)k)
            ncap *= 2;
        char *ns = realloc(b->s, ncap);
        if (ns == NULL) {
            b->failed = true;
            return;
        }
        b->s = ns;
        b->cap = ncap;
    }
}

void tbuf_cell(struct tbuf *b, const char *text, int width, bool right)
{
    size_t take = utf8_prefix_for_width(text, width);
    char part[LEDIT_CAP];
    int pad;

    str_copy(part, sizeof part, text);
    if (take < sizeof part)
        part[take] = '\0';
    pad = width - utf8_width(part);
    if (pad < 0)
        pad = 0;
    if (right)
        tbuf_add(b, "%*s%s", pad, "", part);
    else
        tbuf_add(b, "%s%*s", part, pad, "");
}

void tbuf_end_line(struct tbuf *b)
{
    while (b->len > 0 && b->s[b->len - 1] == ' ')
        b->s[--b->len] = '\0';
    tbuf_add(b, "\n");
}

void tbuf_fini(struct tbuf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

static void text_header(struct tbuf *b, const struct list_col *cols, int ncols)
{
    for (int c = 0; c < ncols; c++) {
        tbuf_cell(b, _(cols[c].head), cols[c].width, cols[c].right);
        if (c + 1 < ncols)
            tbuf_add(b, " ");
    }
    tbuf_end_line(b);
}

int table_sink_row(struct table_sink *k, list_cell_fn cell, void *ctx, int row)
{
    const struct table_src *t = k->t;
    char buf[LEDIT_CAP];

    if (k->text != NULL && k->rows >= PRINT_MAX_ROWS) {
        k->cut = true;
        return 1;
    }
    for (int c = 0; c < t->ncols; c++) {
        buf[0] = '\0';
        cell(ctx, row, c, buf, sizeof buf);
        if (k->csv != NULL) {
            csv_field(k->csv, buf);
        } else {
            tbuf_cell(k->text, buf, t->cols[c].width, t->cols[c].right);
            if (c + 1 < t->ncols)
                tbuf_add(k->text, " ");
        }
    }
    if (k->csv != NULL)
        csv_end_row(k->csv);
    else
        tbuf_end_line(k->text);
    k->rows++;
    return 0;
}

/* Writes the CSV to path (through path.part, renamed when complete); returns the rows. */
static int write_csv(struct app *a, const struct table_src *t, const char *path, int encoding,
                     int64_t *rows, struct kwh_err *e)
{
    char part[KWH_PATH_MAX + 8];
    struct table_sink k = {.t = t};
    FILE *f;
    int rc;

    snprintf(part, sizeof part, "%s.part", path);
    if ((f = fopen(part, "w")) == NULL)
        return kwh_err_set(e, KWH_EIO, _("cannot write %s: %s"), part, strerror(errno));
    if ((rc = csv_open(&k.csv, f, encoding, e)) < 0) {
        fclose(f);
        unlink(part);
        return rc;
    }
    for (int c = 0; c < t->ncols; c++)
        csv_field(k.csv, _(t->cols[c].head));
    csv_end_row(k.csv);
    rc = t->rows(a, t->ctx, &k, e);
    if (csv_close(k.csv, rc < 0 ? NULL : e) < 0 && rc == 0)
        rc = e->code;
    if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
        if (rc == 0)
            rc = kwh_err_set(e, KWH_EIO, _("cannot write %s: %s"), part, strerror(errno));
    }
    if (fclose(f) != 0 && rc == 0)
        rc = kwh_err_set(e, KWH_EIO, _("cannot write %s: %s"), part, strerror(errno));
    if (rc == 0 && rename(part, path) != 0)
        rc = kwh_err_set(e, KWH_EIO, _("cannot write %s: %s"), path, strerror(errno));
    if (rc < 0)
        unlink(part);
    *rows = k.rows;
    return rc;
}

void table_export(struct app *a, const struct table_src *t)
{
    static const char *const encodings[] = {"UTF-8", "GB18030"};
    struct field f[2] = {
        {.label = N_("File"), .kind = FK_TEXT, .row = 0, .required = true, .maxlen = 250},
        {.label = N_("Encoding"),
         .kind = FK_CHOICE,
         .row = 1,
         .items = encodings,
         .nitems = 2,
         .items_raw = true},
    };
    const char *home = getenv("HOME");
    char path[KWH_PATH_MAX], stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    struct kwh_err e;
    int64_t rows = 0;

    if (localtime_r(&now, &tm) == NULL || strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm) == 0)
        str_copy(stamp, sizeof stamp, "export");
    snprintf(path, sizeof path, "%s/%s-%s.csv", home != NULL && *home ? home : ".", t->name, stamp);
    ledit_set(&f[0].ed, path);
    if (!dialog_form(a, _("Export to a CSV file"), f, 2))
        return;
    str_copy(path, sizeof path, f[0].ed.buf);
    app_msg(a, CLR_INFO, "%s", _("Exporting..."));
    app_draw(a);
    kwh_err_clear(&e);
    if (write_csv(a, t, path, f[1].sel == 1 ? KWH_CSV_GB18030 : KWH_CSV_UTF8, &rows, &e) < 0) {
        app_error(a, &e);
        return;
    }
    app_msg(a, CLR_OK, _("%lld rows exported to %s."), (long long)rows, path);
}

void table_print(struct app *a, const struct table_src *t)
{
    struct tbuf b = {0};
    struct table_sink k = {.t = t, .text = &b};
    struct printer_result res;
    struct kwh_err e;
    char when[32];
    int rc;

    tbuf_add(&b, "%s\n", t->title);
    if (t->subtitle != NULL && t->subtitle[0])
        tbuf_add(&b, "%s\n", t->subtitle);
    tbuf_add(&b, "%s %s  %s %s\n\n", _("Printed"), fmt_time(when, sizeof when, time(NULL)),
             _("Operator"), a->s.name);
    text_header(&b, t->cols, t->ncols);
    kwh_err_clear(&e);
    rc = t->rows(a, t->ctx, &k, &e);
    if (rc == 0 && k.cut)
        tbuf_add(&b, "%s\n", _("... more rows: export the list to see them all."));
    if (rc == 0 && b.failed)
        rc = kwh_err_set(&e, KWH_ENOMEM, "out of memory");
    if (rc < 0) {
        tbuf_fini(&b);
        app_error(a, &e);
        return;
    }
    app_msg(a, CLR_INFO, "%s", _("Printing..."));
    app_draw(a);
    memset(&res, 0, sizeof res);
    rc = ui_print_text(a, t->title, b.s, &res, &e);
    tbuf_fini(&b);
    ui_print_outcome(a, rc, &res, &e, _("Printed."));
}
