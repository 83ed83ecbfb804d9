/* SPDX-License-Identifier: Apache-2.0 */
/* A choice field over the site's tariffs, showing name and price. */
#include <stdio.h>
#include <stdlib.h>

#include "ui/tariff_pick.h"
#include "kwhpos/core.h"

void tariff_pick_load(struct app *a, struct tariff_pick *tp, struct field *f, int64_t select_id)
{
    struct kwh_tariff *t = NULL;
    size_t n = 0;
    struct kwh_err e;

    tp->n = 0;
    kwh_err_clear(&e);
    if (tariff_list(a->core, &t, &n, &e) < 0)
        app_msg(a, CLR_ERROR, "%s", e.msg);
    for (size_t i = 0; i < n && tp->n < TARIFF_PICK_MAX; i++) {
        char b[32];
        tp->id[tp->n] = t[i].id;
        if (tp->names_only)
            snprintf(tp->name[tp->n], sizeof tp->name[tp->n], "%s", t[i].name);
        else
            snprintf(tp->name[tp->n], sizeof tp->name[tp->n], "%s %s", t[i].name,
                     fmt_price(b, sizeof b, t[i].price));
        tp->items[tp->n] = tp->name[tp->n];
        if (t[i].id == select_id)
            f->sel = tp->n;
        tp->n++;
    }
    free(t);
    f->kind = FK_CHOICE;
    f->items = tp->items;
    f->nitems = tp->n;
    f->items_raw = true;
}

int64_t tariff_pick_id(const struct tariff_pick *tp, const struct field *f)
{
    if (f->sel < 0 || f->sel >= tp->n)
        return 0;
    return tp->id[f->sel];
}
