/* The invoice form file: 保存发票格式 (backup), 恢复发票格式 (restore, admin) and the
 * designer's save, each checked against the role first and audited after. */
#include "app/printer_int.h"

#include <stdio.h>
#include <string.h>

#include "kwhpos/invoice.h"
#include "kwhpos/util.h"
#include "kwhpos/core.h"
#include "kwhpos/print.h"

int printer_form_backup(struct printer *p, struct kwh_core *c, const struct kwh_session *s,
                        char *path, size_t n, struct kwh_err *e)
{
    const char *slash;
    int rc;

    if ((rc = invoice_form_allowed(s, INVOICE_FORM_BACKUP, e)) < 0 ||
        (rc = print_form_backup(p->cfg.print_form, p->backup_dir, (time_t)core_now(c), path, n,
                                e)) < 0)
        return rc;
    slash = strrchr(path, '/');
    return invoice_form_done(c, s, INVOICE_FORM_BACKUP, p->cfg.print_form, slash ? slash + 1 : path,
                             e);
}

int printer_form_restore(struct printer *p, struct kwh_core *c, const struct kwh_session *s,
                         const char *name, struct kwh_err *e)
{
    char path[KWH_PATH_MAX * 2];
    int rc;

    if ((rc = invoice_form_allowed(s, INVOICE_FORM_RESTORE, e)) < 0)
        return rc;
    if (name == NULL || name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return kwh_err_set(e, KWH_EINVAL, "name a saved form (kwhpos form backups lists them)");
    if (strchr(name, '/') != NULL)
        rc = snprintf(path, sizeof path, "%s", name);
    else
        rc = snprintf(path, sizeof path, "%s/%s", p->backup_dir, name);
    if (rc < 0 || (size_t)rc >= sizeof path)
        return kwh_err_set(e, KWH_EINVAL, "the saved form's path is too long");
    if ((rc = print_form_restore(path, p->cfg.print_form, e)) < 0)
        return rc;
    return invoice_form_done(c, s, INVOICE_FORM_RESTORE, p->cfg.print_form, name, e);
}

int printer_form_save(struct printer *p, struct kwh_core *c, const struct kwh_session *s,
                      const struct print_form *f, struct kwh_err *e)
{
    int rc;

    if ((rc = invoice_form_allowed(s, INVOICE_FORM_SAVE, e)) < 0 ||
        (rc = print_form_save(f, p->cfg.print_form, e)) < 0)
        return rc;
    return invoice_form_done(c, s, INVOICE_FORM_SAVE, p->cfg.print_form, print_form_name(f), e);
}
