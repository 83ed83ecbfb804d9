/* SPDX-License-Identifier: Apache-2.0 */
/* The invoice form file: 保存发票格式 (backup), 恢复发票格式 (restore, admin) and the
 * designer's save, each checked against the role first and audited after. */
#include "app/printer_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kwhpos/config.h"
#include "kwhpos/invoice.h"
#include "kwhpos/util.h"
#include "kwhpos/core.h"
#include "kwhpos/print.h"

/* Where an edited form goes: [station] dir/forms/NAME (never the installed form under
 * /usr or the administrator's under /etc), its folder made when missing. */
static int edit_path(struct printer *p, char *path, size_t n, struct kwh_err *e)
{
    char dir[KWH_PATH_MAX * 2];
    char *slash;

    if (config_form_edit_path(&p->cfg, path, n) < 0)
        return kwh_err_set(e, KWH_EINVAL, "[station] dir: the path is too long");
    str_copy(dir, sizeof dir, path);
    slash = strrchr(dir, '/');
    if (slash != NULL)
        *slash = '\0';
    if (mkdir(dir, 0770) == 0)
        chmod(dir, 02770); /* the program's group, as the station's folder */
    else if (errno != EEXIST)
        return kwh_err_set(e, KWH_EIO, "cannot create the folder %s for edited forms: %s", dir,
                           strerror(errno));
    return 0;
}

/* From now on the edited copy is the form in use. */
static int use_form(struct printer *p, const char *path, struct kwh_err *e)
{
    struct print_form_loader *l = print_loader_new(path);

    if (l == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    print_loader_free(p->loader);
    p->loader = l;
    str_copy(p->cfg.print_form, sizeof p->cfg.print_form, path);
    return 0;
}

int printer_form_backup(struct printer *p, struct kwh_core *c, const struct kwh_session *s,
                        char *path, size_t n, struct kwh_err *e)
{
    const char *slash;
    int rc;

    if ((rc = invoice_form_allowed(s, INVOICE_FORM_BACKUP, e)) < 0)
        return rc;
    priv_raise(); /* the copies are kept in the station's folder */
    rc = print_form_backup(p->cfg.print_form, p->backup_dir, (time_t)core_now(c), path, n, e);
    priv_lower();
    if (rc < 0)
        return rc;
    slash = strrchr(path, '/');
    return invoice_form_done(c, s, INVOICE_FORM_BACKUP, p->cfg.print_form, slash ? slash + 1 : path,
                             e);
}

int printer_form_restore(struct printer *p, struct kwh_core *c, const struct kwh_session *s,
                         const char *name, struct kwh_err *e)
{
    char path[KWH_PATH_MAX * 2], target[KWH_PATH_MAX];
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
    priv_raise();
    if ((rc = edit_path(p, target, sizeof target, e)) == 0 &&
        (rc = print_form_restore(path, target, e)) == 0)
        rc = use_form(p, target, e);
    priv_lower();
    if (rc < 0)
        return rc;
    return invoice_form_done(c, s, INVOICE_FORM_RESTORE, p->cfg.print_form, name, e);
}

int printer_form_save(struct printer *p, struct kwh_core *c, const struct kwh_session *s,
                      const struct print_form *f, struct kwh_err *e)
{
    char target[KWH_PATH_MAX];
    int rc;

    if ((rc = invoice_form_allowed(s, INVOICE_FORM_SAVE, e)) < 0)
        return rc;
    priv_raise();
    if ((rc = edit_path(p, target, sizeof target, e)) == 0 &&
        (rc = print_form_save(f, target, e)) == 0)
        rc = use_form(p, target, e);
    priv_lower();
    if (rc < 0)
        return rc;
    return invoice_form_done(c, s, INVOICE_FORM_SAVE, p->cfg.print_form, print_form_name(f), e);
}
