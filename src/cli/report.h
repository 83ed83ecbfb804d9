/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/cli: what the report, query and data command files share. Their commands
 * are all listed in cli_report_commands (report.c). */
#ifndef KWHPOS_CLI_REPORT_H
#define KWHPOS_CLI_REPORT_H

#include "cli/cli.h"
#include "cli/out.h"
#include "kwhpos/data.h"
#include "kwhpos/query.h"

/* Filters from options; the session must be open (today is the core's). Each returns 0
 * or an exit code, having said what is wrong. */
int cli_sale_filter(struct cli *c, const struct cli_args *a, struct kwh_sale_filter *f);
int cli_customer_filter(struct cli *c, const struct cli_args *a, struct kwh_customer_filter *f);
/* --from/--to into a period; *on says whether either was given. */
int cli_period(struct cli *c, const struct cli_args *a, bool *on, struct kwh_period *p);
/* --limit and --offset. */
int cli_page(struct cli *c, const struct cli_args *a, int64_t *limit, int64_t *offset);
/* "YYYY-MM-DD HH:MM:SS" of t, or "" for 0 (a static buffer rotation: up to 4 live). */
const char *cli_time(int64_t t);
/* "YYYY-MM-DD HH:MM" of t, for titles (the same rotation). */
const char *cli_minute(int64_t t);

/* Tables for sales and accounts, filled row by row. */
struct out_table *cli_sales_table(void);
/* A one-row table of totals: count, kwh, adjust_kwh, free_kwh, amount, fee. */
struct out_table *cli_totals_table(const struct kwh_sale_totals *tot);
void cli_sales_row(struct out_table *t, const struct kwh_sale *s);
void cli_sales_total_row(struct out_table *t, const struct kwh_sale_totals *tot);
struct out_table *cli_customers_table(void);
void cli_customers_row(struct cli *c, struct out_table *t, const struct kwh_customer *cu);
/* An area's names from the top ("园区A/1栋"; the top: ""), as import takes them back
 * (the session's areas, read once). */
const char *cli_area_title(struct cli *c, int64_t id);

/* query.c */
int cli_query_customers(struct cli *c, const struct cli_args *a);
int cli_query_sales(struct cli *c, const struct cli_args *a);
int cli_query_transfers(struct cli *c, const struct cli_args *a);
int cli_query_closings(struct cli *c, const struct cli_args *a);
int cli_query_reissues(struct cli *c, const struct cli_args *a);
int cli_query_meter_changes(struct cli *c, const struct cli_args *a);

/* data.c */
int cli_backup(struct cli *c, const struct cli_args *a);
int cli_restore(struct cli *c, const struct cli_args *a);
int cli_check(struct cli *c, const struct cli_args *a);
int cli_db_copy(struct cli *c, const struct cli_args *a);
int cli_export_customers(struct cli *c, const struct cli_args *a);
int cli_export_sales(struct cli *c, const struct cli_args *a);
int cli_import(struct cli *c, const struct cli_args *a);

#endif
