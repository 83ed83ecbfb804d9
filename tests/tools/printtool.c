/* SPDX-License-Identifier: Apache-2.0 */
/* printtool: renders a form with values from the command line and prints it to a CUPS
 * queue or writes it to a file, for the integration suites.
 *
 *   printtool FORM [--samples] [--set NAME=VALUE]... [--amount FEN] [--reprint N]
 *             [--format raw|pdf] [--encoding gb18030|utf8] [--lf] [--escpos] [--chinese]
 *             [--cut] [--feed N] [--ff]
 *             (--text | --check | --out FILE | --queue NAME [--wait MS] [--timeout MS])
 *
 * Exit status: 0 done, 1 failed (one line on stderr: "printtool: <detail>: <message>"),
 * 2 usage. --queue prints "job N" on success. */
#include "kwhpos/print.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* fontconfig, under Pango, leaks its parsed configuration once per process (the
 * amount does not grow with the pages drawn); the sanitizer build must not count it. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

static const char *const fail_name[] = {
    [PRINT_FAIL_NONE] = "error",          [PRINT_FAIL_NO_QUEUE] = "no-queue",
    [PRINT_FAIL_SERVER] = "server",       [PRINT_FAIL_STOPPED] = "stopped",
    [PRINT_FAIL_REJECTING] = "rejecting", [PRINT_FAIL_ABORTED] = "aborted",
    [PRINT_FAIL_CANCELED] = "canceled",   [PRINT_FAIL_TIMEOUT] = "timeout",
    [PRINT_FAIL_SENT] = "sent",           [PRINT_FAIL_LOST] = "lost",
};

static int usage(void)
{
    fputs("usage: printtool FORM [--samples] [--set NAME=VALUE]... [--amount FEN] "
          "[--reprint N] [--format raw|pdf] [--encoding gb18030|utf8] [--lf] [--escpos] "
          "[--chinese] [--cut] [--feed N] [--ff] (--text | --check | --out FILE | "
          "--queue NAME [--wait MS] [--timeout MS])\n",
          stderr);
    return 2;
}

static int fail(const struct kwh_err *e)
{
    int d = e->detail >= 0 && e->detail <= PRINT_FAIL_LOST ? e->detail : 0;
    fprintf(stderr, "printtool: %s: %s\n", fail_name[d], e->msg);
    return 1;
}

int main(int argc, char **argv)
{
    struct print_output out;
    struct print_job_opts job = {.wait_ms = 10000};
    struct print_form *form = NULL;
    struct print_page *page = NULL;
    struct print_vars *vars = print_vars_new();
    struct kwh_err e = {0};
    const char *file = NULL, *queue = NULL;
    bool text = false, check = false;
    int rc = 1, id;

    print_output_default(&out);
    if (argc < 2 || vars == NULL)
        return usage();
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
        if (strcmp(a, "--samples") == 0) {
            takes = false;
            if (print_vars_set_samples(vars, &e) < 0)
                return fail(&e);
        } else if (strcmp(a, "--text") == 0 || strcmp(a, "--check") == 0) {
            takes = false;
            *(a[2] == 't' ? &text : &check) = true;
        } else if (strcmp(a, "--lf") == 0 || strcmp(a, "--escpos") == 0 ||
                   strcmp(a, "--chinese") == 0 || strcmp(a, "--cut") == 0 ||
                   strcmp(a, "--ff") == 0) {
            takes = false;
            if (strcmp(a, "--lf") == 0)
                out.raw.crlf = false;
            else if (strcmp(a, "--escpos") == 0)
                out.raw.escpos_init = true;
            else if (strcmp(a, "--chinese") == 0)
                out.raw.escpos_chinese = true;
            else if (strcmp(a, "--cut") == 0)
                out.raw.escpos_cut = true;
            else
                out.raw.form_feed = true;
        } else if (v == NULL) {
            return usage();
        } else if (strcmp(a, "--set") == 0) {
            char name[64];
            const char *eq = strchr(v, '=');
            if (eq == NULL || (size_t)(eq - v) >= sizeof name)
                return usage();
            memcpy(name, v, (size_t)(eq - v));
            name[eq - v] = '\0';
            if (print_vars_set_named(vars, name, eq + 1, &e) < 0)
                return fail(&e);
        } else if (strcmp(a, "--amount") == 0) {
            if (print_vars_set_amount(vars, strtoll(v, NULL, 10), &e) < 0)
                return fail(&e);
        } else if (strcmp(a, "--reprint") == 0) {
            if (print_vars_set_reprint(vars, atoi(v), &e) < 0)
                return fail(&e);
        } else if (strcmp(a, "--format") == 0) {
            out.format = strcmp(v, "pdf") == 0 ? PRINT_PDF : PRINT_RAW;
        } else if (strcmp(a, "--encoding") == 0) {
            out.raw.encoding = strcmp(v, "utf8") == 0 ? PRINT_UTF8 : PRINT_GB18030;
        } else if (strcmp(a, "--feed") == 0) {
            out.raw.feed_lines = atoi(v);
        } else if (strcmp(a, "--out") == 0) {
            file = v;
        } else if (strcmp(a, "--queue") == 0) {
            queue = v;
        } else if (strcmp(a, "--wait") == 0) {
            job.wait_ms = atoi(v);
        } else if (strcmp(a, "--timeout") == 0) {
            job.timeout_ms = atoi(v);
        } else {
            return usage();
        }
        i += takes ? 1 : 0;
    }
    if (print_form_load(argv[1], &form, &e) < 0) {
        rc = fail(&e);
        goto out;
    }
    if (check) {
        printf("ok: %d items, %d columns, %d lines\n", print_form_item_count(form),
               print_form_width(form), print_form_lines(form));
        rc = 0;
        goto out;
    }
    if (print_render(form, vars, &page, &e) < 0) {
        rc = fail(&e);
        goto out;
    }
    if (page->overflows > 0)
        fprintf(stderr, "printtool: warning: %s\n", page->note);
    if (text) {
        for (int i = 0; i < page->nlines; i++)
            puts(page->lines[i]);
        rc = 0;
    } else if (file != NULL) {
        rc = print_output_file(page, &out, file, &e) < 0 ? fail(&e) : 0;
    } else if (queue != NULL) {
        job.queue = queue;
        job.title = print_vars_get(vars, PRINT_VAR_INVOICE_NO);
        if (print_output_queue(page, &out, &job, &id, &e) < 0) {
            rc = fail(&e);
        } else {
            printf("job %d\n", id);
            rc = 0;
        }
    } else {
        rc = usage();
    }
out:
    print_page_free(page);
    print_form_free(form);
    print_vars_free(vars);
    return rc;
}
