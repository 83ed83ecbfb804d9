/* Receipt printing: every screen prints through ui_print_receipt, the one place where
 * the printing layer is called. The first copy of an invoice is the original; asking
 * again prints a 补打 copy, marked and counted (docs/printing.md). */
#include "kwhpos/invoice.h"
#include "kwhpos/printer.h"
#include "ui/widgets.h"

/* One printer for the program's life: a form file spoilt while the counter runs leaves
 * the last good form in use. */
static struct printer *printer;

int ui_print_receipt(struct app *a, const struct kwh_receipt *r, struct kwh_err *e)
{
    struct printer_result res;
    struct kwh_receipt now;
    int rc;

    if (a->cfg.print_queue[0] == '\0')
        return kwh_err_set(e, KWH_EIO, "%s", _("Printing is not configured."));
    if (r->sale.invoice_no <= 0)
        return kwh_err_set(e, KWH_ECONFLICT, "%s", _("Nothing to print yet."));
    if (printer == NULL && (rc = printer_new(&a->cfg, &printer, e)) < 0)
        return rc;
    if ((rc = invoice_get(a->core, &a->s, r->sale.invoice_no, &now, e)) < 0)
        return rc;
    return printer_invoice(printer, a->core, &a->s, r->sale.invoice_no, now.sale.printed > 0,
                           NULL, &res, e);
}
