/* SPDX-License-Identifier: Apache-2.0 */
/* The one symbol kwhpos-print.so exports (everything else in it is hidden). */
#include "print/module.h"

__attribute__((visibility("default"))) const struct print_module kwh_print_module = {
    .abi = PRINT_MODULE_ABI,
    .submit = print_module_submit,
    .pdf_render = print_module_pdf_render,
    .job_check = print_module_job_check,
};
