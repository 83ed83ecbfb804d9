/* SPDX-License-Identifier: Apache-2.0 */
/* A choice field over the area tree (the areas the operator may see), by their whole
 * names ("园区A/1栋"), in the tree's order. Internal to src/ui. */
#ifndef KWH_UI_AREA_PICK_H
#define KWH_UI_AREA_PICK_H

#include "ui/widgets.h"

struct kwh_area;

struct area_pick {
    bool all; /* set before loading: a first item "all areas" (a filter that is off) */
    int n;
    struct kwh_area *areas; /* owned: area_pick_fini */
    const char **items;     /* owned */
};

/* Loads the areas into ap and makes f a choice over them (selecting select_id; 0: the
 * first item). On failure the message line says why and f has only the "all" item. */
void area_pick_load(struct app *a, struct area_pick *ap, struct field *f, int64_t select_id);
/* The id of the chosen area, or 0 for "all areas". */
int64_t area_pick_id(const struct area_pick *ap, const struct field *f);
/* The whole name of the chosen area as shown (translated for the root and "all"). */
const char *area_pick_text(const struct area_pick *ap, const struct field *f);
/* Selects the area id (nothing changes when it is not in the list). */
void area_pick_select(const struct area_pick *ap, struct field *f, int64_t id);
void area_pick_fini(struct area_pick *ap); /* accepts NULL */

#endif
