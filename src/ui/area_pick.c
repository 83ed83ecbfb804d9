/* SPDX-License-Identifier: Apache-2.0 */
/* A choice field over the area tree: the areas area_list gives the session (an operator
 * limited to areas gets only theirs), each by its whole name. */
#include <stdlib.h>
#include <string.h>

#include "ui/area_pick.h"
#include "kwhpos/oversight.h"

static const char *title_of(const struct kwh_area *ar)
{
    return ar->depth == 0 ? _("(whole site)") : ar->title;
}

void area_pick_load(struct app *a, struct area_pick *ap, struct field *f, int64_t select_id)
{
    struct kwh_err e;
    size_t n = 0;
    int base = ap->all ? 1 : 0;

    free(ap->areas);
    free(ap->items);
    ap->areas = NULL;
    ap->items = NULL;
    ap->n = 0;
    kwh_err_clear(&e);
    if (area_list(a->core, &a->s, &ap->areas, &n, &e) < 0) {
        app_msg(a, CLR_ERROR, "%s", e.msg);
        n = 0;
    }
    ap->items = calloc(n + 1, sizeof *ap->items);
    if (ap->items == NULL) {
        n = 0;
        base = 0;
    } else {
        if (ap->all)
            ap->items[0] = _("All areas");
        for (size_t i = 0; i < n; i++)
            ap->items[base + (int)i] = title_of(&ap->areas[i]);
    }
    ap->n = (int)n;
    f->kind = FK_CHOICE;
    f->items = ap->items;
    f->nitems = ap->items != NULL ? base + (int)n : 0;
    f->items_raw = true;
    f->sel = 0;
    area_pick_select(ap, f, select_id);
}

void area_pick_select(const struct area_pick *ap, struct field *f, int64_t id)
{
    for (int i = 0; i < ap->n; i++)
        if (ap->areas[i].id == id)
            f->sel = i + (ap->all ? 1 : 0);
}

int64_t area_pick_id(const struct area_pick *ap, const struct field *f)
{
    int i = f->sel - (ap->all ? 1 : 0);
    return i >= 0 && i < ap->n ? ap->areas[i].id : 0;
}

const char *area_pick_text(const struct area_pick *ap, const struct field *f)
{
    return f->sel >= 0 && f->sel < f->nitems ? ap->items[f->sel] : "";
}

void area_pick_fini(struct area_pick *ap)
{
    if (ap == NULL)
        return;
    free(ap->areas);
    free(ap->items);
    memset(ap, 0, sizeof *ap);
}
