/* SPDX-License-Identifier: Apache-2.0 */
/* Periods of local time: parsing dates, whole days and months, formatting. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kwhpos/query.h"
#include "kwhpos/util.h"

#define YEAR_MIN 1970
#define YEAR_MAX 2200

/* The Unix time of local y-m-d h:mi:s, or -1 when that is not a real date and time. */
static int64_t local_time(int y, int m, int d, int h, int mi, int s)
{
    struct tm tm = {0};
    time_t t;
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    tm.tm_isdst = -1;
    t = mktime(&tm);
    if (t == (time_t)-1 || tm.tm_year != y - 1900 || tm.tm_mon != m - 1 || tm.tm_mday != d)
        return -1;
    return (int64_t)t;
}

/* The start of the local day d days after the day of t's (d may be 0). */
static int64_t day_start(int64_t t, int d)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    tm.tm_mday += d;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

static int64_t month_start(int64_t t, int m)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    tm.tm_mon += m;
    tm.tm_mday = 1;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

struct kwh_period period_day(int64_t t)
{
    return (struct kwh_period){day_start(t, 0), day_start(t, 1)};
}

struct kwh_period period_month(int64_t t)
{
    return (struct kwh_period){month_start(t, 0), month_start(t, 1)};
}

/* Whether s has exactly the shape ('9' stands for any digit). */
static bool shaped(const char *s, const char *shape)
{
    for (; *shape; s++, shape++) {
        if (*shape == '9' ? !isdigit((unsigned char)*s) : *s != *shape)
            return false;
    }
    return *s == '\0';
}

int period_parse(const char *text, int64_t *start, int64_t *end, struct kwh_err *e)
{
    int y = 0, m = 0, d = 1, h = 0, mi = 0, s = 0;
    bool day = false, month = false;
    int64_t t;

    if (text == NULL || text[0] == '\0')
        return kwh_err_set(e, KWH_EINVAL, "empty date: write YYYY-MM-DD");
    if (shaped(text, "9999-99-99 99:99:99"))
        sscanf(text, "%d-%d-%d %d:%d:%d", &y, &m, &d, &h, &mi, &s);
    else if (shaped(text, "9999-99-99 99:99"))
        sscanf(text, "%d-%d-%d %d:%d", &y, &m, &d, &h, &mi);
    else if ((day = shaped(text, "9999-99-99")))
        sscanf(text, "%d-%d-%d", &y, &m, &d);
    else if ((month = shaped(text, "9999-99")))
        sscanf(text, "%d-%d", &y, &m);
    else
        return kwh_err_set(e, KWH_EINVAL,
                           "'%s' is not a date: write YYYY-MM-DD, YYYY-MM or "
                           "'YYYY-MM-DD HH:MM'",
                           text);
    t = y < YEAR_MIN || y > YEAR_MAX || h > 23 || mi > 59 || s > 59 ? -1
                                                                    : local_time(y, m, d, h, mi, s);
    if (t < 0)
        return kwh_err_set(e, KWH_EINVAL, "'%s' is not a real date and time (years %d-%d)", text,
                           YEAR_MIN, YEAR_MAX);
    *start = t;
    /* the period includes what it names: a day, a month, a minute ("to 13:20" takes in
       13:20:59), a second */
    *end = day                                   ? day_start(t, 1)
           : month                               ? month_start(t, 1)
           : shaped(text, "9999-99-99 99:99:99") ? t + 1
                                                 : t + 60;
    return 0;
}

int period_from_text(const char *from, const char *to, int64_t now, struct kwh_period *out,
                     struct kwh_err *e)
{
    bool has_from = from != NULL && from[0] != '\0', has_to = to != NULL && to[0] != '\0';
    int64_t fs = 0, fe = 0, ts = 0, te = 0;

    if (has_from && period_parse(from, &fs, &fe, e) < 0)
        return kwh_err_prefix(e, "from");
    if (has_to && period_parse(to, &ts, &te, e) < 0)
        return kwh_err_prefix(e, "to");
    if (!has_from && !has_to) {
        *out = period_day(now);
        return 0;
    }
    out->from = has_from ? fs : day_start(ts, 0);
    out->to = has_to ? te : day_start(now, 1);
    if (out->to <= out->from) {
        char a[32], b[32];
        period_format_time(out->from, a, sizeof a);
        period_format_time(out->to, b, sizeof b);
        return kwh_err_set(e, KWH_EINVAL,
                           "the period ends (%s) before it begins (%s): swap "
                           "the dates",
                           b, a);
    }
    return 0;
}

static void local_tm(int64_t t, struct tm *tm)
{
    time_t tt = (time_t)t;
    localtime_r(&tt, tm);
}

void period_format_day(int64_t t, char *buf, size_t n)
{
    struct tm tm;
    local_tm(t, &tm);
    snprintf(buf, n, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void period_format_month(int64_t t, char *buf, size_t n)
{
    struct tm tm;
    local_tm(t, &tm);
    snprintf(buf, n, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
}

void period_format_time(int64_t t, char *buf, size_t n)
{
    struct tm tm;
    local_tm(t, &tm);
    snprintf(buf, n, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
}
