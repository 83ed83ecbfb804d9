/* SPDX-License-Identifier: Apache-2.0 */
/* Sales charts (issue 14 §4): the series of the last 30 days or the last 12 months for
 * the whole site, an area or an operator, and the arithmetic that turns a series into
 * bars of Unicode block characters (eighths of a text row). Energy in 0.01 kWh, money
 * in fen (docs/units.md). */
#ifndef KWHPOS_CHART_H
#define KWHPOS_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kwhpos/core.h"
#include "kwhpos/query.h"

enum kwh_chart_span {
    KWH_CHART_DAYS = 0,   /* one bar per day: the 30 days to today */
    KWH_CHART_MONTHS = 1, /* one bar per month: the 12 months to this one */
};
#define KWH_CHART_DAYS_N 30
#define KWH_CHART_MONTHS_N 12

struct kwh_chart_filter {
    int span;     /* enum kwh_chart_span */
    bool by_area; /* accounts in this area and below */
    int64_t area_id;
    bool by_operator;
    char operator_name[KWH_NAME_MAX];
};

/* One bar: the settled sales of a day or month (refunds negative), as the purchase
 * reports count them. money_fen is all the money taken: energy, fees and arrears. */
struct kwh_chart_point {
    struct kwh_period period;
    int64_t count;
    int64_t energy_ckwh;
    int64_t money_fen;
};

struct kwh_chart {
    int span;
    size_t n; /* KWH_CHART_DAYS_N or KWH_CHART_MONTHS_N */
    struct kwh_chart_point pt[KWH_CHART_DAYS_N];
    struct kwh_chart_point total; /* over the whole span */
};

/* The series of f's span ending today (its day or month), from the report queries
 * (report_sales), within the session's scope. */
int chart_sales(struct kwh_core *c, const struct kwh_session *s, const struct kwh_chart_filter *f,
                struct kwh_chart *out, struct kwh_err *e);

/* --- drawing arithmetic (pure) --------------------------------------------------------- */

/* The top of the value axis for a series whose largest value is max: the smallest 1, 2
 * or 5 x 10^k not below it (0 when max <= 0). */
int64_t chart_axis_top(int64_t max);
/* The height of each of the n bars in eighths of a row, for a chart rows high whose top
 * is top (chart_axis_top): rounded to the nearest eighth, a value above 0 at least one
 * eighth (a small day is seen beside a huge one), a value of 0 or below none. */
void chart_scale(const int64_t *v, size_t n, int rows, int64_t top, int *eighths);
/* The character of a bar eighths high in text row `row` (0: the bottom row): "█" below
 * its top, one of "▁▂▃▄▅▆▇" at its top, " " above it. */
const char *chart_glyph(int eighths, int row);

#endif
