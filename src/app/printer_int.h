/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/app: the printer object the printing and form-file files share. */
#ifndef KWHPOS_APP_PRINTER_INT_H
#define KWHPOS_APP_PRINTER_INT_H

#include "kwhpos/printer.h"

struct printer {
    struct kwh_config cfg;
    char backup_dir[KWH_PATH_MAX];
    struct print_form_loader *loader; /* the form file, last good form kept */
    struct print_form *fallback;      /* a saved form, when the file never parsed */
    char fallback_name[256];
};

#endif
