/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/core: what the query and report files share. */
#ifndef KWHPOS_CORE_QUERY_INT_H
#define KWHPOS_CORE_QUERY_INT_H

#include "kwhpos/query.h"
#include "store/store_query.h"

/* KWH_EINVAL unless p is a period that begins before it ends. */
int query_check_period(const struct kwh_period *p, struct kwh_err *e);
/* Checks a purchase filter and turns it into the store's; *period gets the period used
 * (today when the filter has no date). */
int query_sale_q(struct kwh_core *c, const struct kwh_session *s, const struct kwh_sale_filter *f,
                 struct store_sale_q *q, struct kwh_period *period, char *path, size_t path_len,
                 struct kwh_err *e);
/* The area filter (by_area: its path into path, else NULL) and the session's scope, for
 * the store's queries. */
int query_area_scope(struct kwh_core *c, const struct kwh_session *s, bool by_area, int64_t area_id,
                     char *path, size_t path_len, const char **area_path, int64_t *scope_op,
                     struct kwh_err *e);
/* Whether the hourly summary can answer q exactly (whole hours, no account filter). */
bool query_use_summary(const struct store_sale_q *q);
void query_add_sums(struct kwh_sale_totals *t, const struct store_sums *m);
/* The totals of q, from the summary when it can answer. */
int query_totals(struct kwh_core *c, const struct store_sale_q *q, struct kwh_sale_totals *out,
                 struct kwh_err *e);

#endif
