/* SPDX-License-Identifier: Apache-2.0 */
/* Printing: every screen prints through these functions, the one place where the
 * invoice printer is called. The printer lives in struct app (app_printer), so a change
 * of the [print] settings takes effect at the next print. The first copy of an invoice
 * is the original; asking again prints a 补打 copy, marked and counted
 * (docs/printing.md). */
#include <string.h>

#include "kwhpos/invoice.h"
#include "ui/widgets.h"
#include "kwhpos/printer.h"

/* No [print] queue: say how to add one (the demo has no printer at all). */
static int not_configured(struct app *a, struct kwh_err *e)
{
    const char *ini = a->cfg.path[0] ? a->cfg.path : "kwhpos.ini";

    if (a->cfg.demo)
        return kwh_err_set(e, KWH_EIO,
                           _("The demo has no printer. To print, set [print] queue in %s to a "
                             "CUPS queue (docs/printing.md) and start again."),
                           ini);
    return kwh_err_set(e, KWH_EIO,
                       _("Printing is not configured: set [print] queue in %s to a CUPS queue "
                         "(docs/printing.md)."),
                       ini);
}

static struct printer *ready(struct app *a, struct printer_result *res, struct kwh_err *e)
{
    memset(res, 0, sizeof *res);
    if (a->cfg.print_queue[0] == '\0') {
        not_configured(a, e);
        return NULL;
    }
    return app_printer(a, e);
}

int ui_print_invoice(struct app *a, int64_t invoice_no, bool reprint, struct printer_result *res,
                     struct kwh_err *e)
{
    struct printer *p = ready(a, res, e);

    if (p == NULL)
        return e->code < 0 ? e->code : KWH_EIO;
    return printer_invoice(p, a->core, &a->s, invoice_no, reprint, NULL, res, e);
}

int ui_print_receipt(struct app *a, const struct kwh_receipt *r, struct printer_result *res,
                     struct kwh_err *e)
{
    struct kwh_receipt now;
    int rc;

    memset(res, 0, sizeof *res);
    if (a->cfg.print_queue[0] == '\0')
        return not_configured(a, e);
    if (r->sale.invoice_no <= 0)
        return kwh_err_set(e, KWH_ECONFLICT, "%s", _("Nothing to print yet."));
    if ((rc = invoice_get(a->core, &a->s, r->sale.invoice_no, &now, e)) < 0)
        return rc;
    return ui_print_invoice(a, r->sale.invoice_no, now.sale.printed > 0, res, e);
}

int ui_print_text(struct app *a, const char *title, const char *text, struct printer_result *res,
                  struct kwh_err *e)
{
    struct printer *p = ready(a, res, e);

    if (p == NULL)
        return e->code < 0 ? e->code : KWH_EIO;
    return printer_report(p, title, text, NULL, res, e);
}

void ui_print_outcome(struct app *a, int rc, const struct printer_result *res,
                      const struct kwh_err *e, const char *done)
{
    if (rc < 0 && res->note[0])
        app_msg(a, CLR_WARN, "%s (%s)", e->msg, res->note);
    else if (rc < 0)
        app_msg(a, CLR_WARN, "%s", e->msg);
    else if (res->note[0])
        app_msg(a, CLR_WARN, "%s %s: %s", done, _("Warning"), res->note);
    else
        app_msg(a, CLR_OK, "%s", done);
}
