/* Receipt printing: every screen prints through ui_print_receipt, the one place where
 * the printing layer is called. */
#include "ui/widgets.h"

int ui_print_receipt(struct app *a, const struct kwh_receipt *r, struct kwh_err *e)
{
    (void)r;
    if (a->cfg.print_queue[0] == '\0')
        return kwh_err_set(e, KWH_EIO, "%s", _("Printing is not configured."));
    return kwh_err_set(e, KWH_EIO, "%s", _("Printing is not available in this version."));
}
