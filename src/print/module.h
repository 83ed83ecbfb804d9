/* SPDX-License-Identifier: Apache-2.0 */
/* The printing module (kwhpos-print.so): the back ends that need libcups, Pango and
 * Cairo, loaded on the first print so that a program that does not print never maps
 * those libraries (about 11 MB of resident pages: see docs/performance.md).
 *
 * src/print/module/ builds the module; src/print/loader.c finds and loads it and gives
 * print_submit and print_pdf_render, declared in kwhpos/print.h, to everyone else. */
#ifndef KWH_PRINT_MODULE_H
#define KWH_PRINT_MODULE_H

#include "kwhpos/print.h"

/* Changes whenever struct print_module or what its functions take changes: a program
 * refuses a module of another version (an install half updated). */
#define PRINT_MODULE_ABI 2
#define PRINT_MODULE_SYMBOL "kwh_print_module"

struct print_module {
    int abi;
    int (*submit)(const struct print_job_opts *o, const char *format, const void *data, size_t len,
                  int *job_id, struct kwh_err *e);
    int (*pdf_render)(const struct print_page *p, const struct print_pdf_opts *o, char **out,
                      size_t *len, struct kwh_err *e);
    int (*job_check)(const struct print_job_opts *o, int job_id, int *outcome, struct kwh_err *e);
};

/* The module's functions (see print_submit and print_pdf_render). */
int print_module_submit(const struct print_job_opts *o, const char *format, const void *data,
                        size_t len, int *job_id, struct kwh_err *e);
int print_module_pdf_render(const struct print_page *p, const struct print_pdf_opts *o, char **out,
                            size_t *len, struct kwh_err *e);
int print_module_job_check(const struct print_job_opts *o, int job_id, int *outcome,
                           struct kwh_err *e);

#endif
