/* SPDX-License-Identifier: Apache-2.0 */
/* One entry for the callers: a page to bytes, to a file, or to a CUPS queue, in the
 * format the settings chose. */
#include "kwhpos/print.h"
#include "kwhpos/util.h"

#include <stdlib.h>

void print_pdf_opts_default(struct print_pdf_opts *o)
{
    o->font = "AR PL UMing CN";
    o->font_size = 0;
    o->margin = 18;
}

void print_output_default(struct print_output *o)
{
    o->format = PRINT_RAW;
    print_raw_opts_default(&o->raw);
    print_pdf_opts_default(&o->pdf);
}

int print_output_bytes(const struct print_page *p, const struct print_output *o, char **out,
                       size_t *len, struct kwh_err *e)
{
    if (o->format == PRINT_PDF)
        return print_pdf_render(p, &o->pdf, out, len, e);
    return print_raw_encode(p, &o->raw, out, len, e);
}

int print_output_file(const struct print_page *p, const struct print_output *o, const char *path,
                      struct kwh_err *e)
{
    char *data;
    size_t len;
    int rc = print_output_bytes(p, o, &data, &len, e);

    if (rc < 0)
        return rc;
    rc = file_write_atomic(path, data, len, 0644, e);
    free(data);
    return rc;
}

int print_output_queue(const struct print_page *p, const struct print_output *o,
                       const struct print_job_opts *j, int *job_id, struct kwh_err *e)
{
    char *data;
    size_t len;
    int rc = print_output_bytes(p, o, &data, &len, e);

    if (rc < 0)
        return rc;
    rc = print_submit(j, o->format == PRINT_PDF ? "application/pdf" : "application/vnd.cups-raw",
                      data, len, job_id, e);
    free(data);
    return rc;
}
