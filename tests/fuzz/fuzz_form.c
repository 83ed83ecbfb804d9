/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for the form parser. Besides never crashing, every form that parses
 * must render, and must read back equal from the text the designer would save. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct print_form *f = NULL, *back = NULL;
    struct print_page *page = NULL;
    struct print_vars *vars;
    struct kwh_err e;
    char *text;

    if (print_form_parse((const char *)data, size, "fuzz", &f, &e) != 0)
        return 0;
    vars = print_vars_new();
    if (vars == NULL || print_vars_set_samples(vars, &e) != 0 ||
        print_vars_set_amount(vars, 9999999999LL, &e) != 0)
        abort();
    if (print_render(f, vars, &page, &e) != 0 || page->nlines != print_form_lines(f))
        abort();
    for (int i = 0; i < page->nlines; i++)
        if (strlen(page->lines[i]) > 4 * (size_t)page->width)
            abort();
    text = print_form_format(f);
    if (text == NULL || print_form_parse(text, strlen(text), "saved", &back, &e) != 0 ||
        !print_form_equal(f, back))
        abort();
    free(text);
    print_form_free(back);
    print_page_free(page);
    print_vars_free(vars);
    print_form_free(f);
    return 0;
}
