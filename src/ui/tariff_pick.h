/* SPDX-License-Identifier: Apache-2.0 */
/* A choice field over the site's tariffs. Internal to src/ui. */
#ifndef KWH_UI_TARIFF_PICK_H
#define KWH_UI_TARIFF_PICK_H

#include "ui/widgets.h"

#define TARIFF_PICK_MAX 32

struct tariff_pick {
    bool names_only; /* set before loading: items without the price */
    int n;
    int64_t id[TARIFF_PICK_MAX];
    char name[TARIFF_PICK_MAX][KWH_NAME_MAX + 16];
    const char *items[TARIFF_PICK_MAX];
};

/* Loads the tariffs into tp and makes f a choice over them (selecting select_id). */
void tariff_pick_load(struct app *a, struct tariff_pick *tp, struct field *f, int64_t select_id);
/* The id of the chosen tariff, or 0. */
int64_t tariff_pick_id(const struct tariff_pick *tp, const struct field *f);

#endif
