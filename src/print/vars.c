/* SPDX-License-Identifier: Apache-2.0 */
/* The variable table and the set of values a form is rendered with. */
#include "kwhpos/print.h"
#include "kwhpos/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRINT_VAR_INFO_(id, name, kind, width, align, title, help, sample)                         \
    [PRINT_VAR_##id] = {name, kind, width, align, title, help, sample},
static const struct print_var_info vars[PRINT_NVARS] = {PRINT_VAR_TABLE(PRINT_VAR_INFO_)};
#undef PRINT_VAR_INFO_

struct print_vars {
    char *value[PRINT_NVARS];
};

const struct print_var_info *print_var_info(int var)
{
    if (var < 0 || var >= PRINT_NVARS)
        return NULL;
    return &vars[var];
}

int print_var_find(const char *name, size_t len)
{
    for (int i = 0; i < PRINT_NVARS; i++)
        if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0)
            return i;
    return -1;
}

struct print_vars *print_vars_new(void)
{
    return calloc(1, sizeof(struct print_vars));
}

void print_vars_free(struct print_vars *v)
{
    if (v == NULL)
        return;
    for (int i = 0; i < PRINT_NVARS; i++)
        free(v->value[i]);
    free(v);
}

/* A copy of s that is safe to lay out: one line of valid UTF-8. */
static char *clean_copy(const char *s)
{
    size_t n = strlen(s), o = 0;
    char *out = malloc(n + 1);

    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = utf8_decode(s + i, n - i, &cp);
        if (cp == 0xFFFD && len == 1) {
            out[o++] = '?';
        } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
            out[o++] = ' ';
        } else {
            memcpy(out + o, s + i, (size_t)len);
            o += (size_t)len;
        }
        i += (size_t)len;
    }
    out[o] = '\0';
    return out;
}

int print_vars_set(struct print_vars *v, int var, const char *value, struct kwh_err *e)
{
    char *copy = NULL;

    if (v == NULL || var < 0 || var >= PRINT_NVARS)
        return kwh_err_set(e, KWH_EINVAL, "no such print variable (%d)", var);
    if (value != NULL && value[0] != '\0') {
        copy = clean_copy(value);
        if (copy == NULL)
            return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    }
    free(v->value[var]);
    v->value[var] = copy;
    return 0;
}

int print_vars_set_named(struct print_vars *v, const char *name, const char *value,
                         struct kwh_err *e)
{
    int var = print_var_find(name, strlen(name));

    if (var < 0)
        return kwh_err_set(e, KWH_EINVAL,
                           "unknown print variable '%s': see docs/forms.md for the list", name);
    return print_vars_set(v, var, value, e);
}

int print_vars_set_amount(struct print_vars *v, int64_t fen, struct kwh_err *e)
{
    char num[32], cn[256];
    int rc;

    if (fixed_format(fen, 2, num, sizeof num) < 0)
        return kwh_err_set(e, KWH_EINVAL, "amount cannot be formatted");
    rc = print_capitals(fen, cn, sizeof cn, e);
    if (rc < 0)
        return rc;
    rc = print_vars_set(v, PRINT_VAR_AMOUNT, num, e);
    if (rc < 0)
        return rc;
    return print_vars_set(v, PRINT_VAR_AMOUNT_CN, cn, e);
}

int print_vars_set_reprint(struct print_vars *v, int count, struct kwh_err *e)
{
    char mark[48];

    if (count < 0)
        return kwh_err_set(e, KWH_EINVAL, "reprint count %d is negative", count);
    if (count == 0)
        return print_vars_set(v, PRINT_VAR_REPRINT, NULL, e);
    snprintf(mark, sizeof mark, "补打(第%d次)", count);
    return print_vars_set(v, PRINT_VAR_REPRINT, mark, e);
}

int print_vars_set_time(struct print_vars *v, const struct tm *tm, struct kwh_err *e)
{
    char dt[64], d[32], t[32];
    int rc;

    if (strftime(dt, sizeof dt, "%Y-%m-%d %H:%M:%S", tm) == 0 ||
        strftime(d, sizeof d, "%Y-%m-%d", tm) == 0 || strftime(t, sizeof t, "%H:%M:%S", tm) == 0)
        return kwh_err_set(e, KWH_EINVAL, "time cannot be formatted");
    rc = print_vars_set(v, PRINT_VAR_DATETIME, dt, e);
    if (rc == 0)
        rc = print_vars_set(v, PRINT_VAR_DATE, d, e);
    if (rc == 0)
        rc = print_vars_set(v, PRINT_VAR_TIME, t, e);
    return rc;
}

int print_vars_set_samples(struct print_vars *v, struct kwh_err *e)
{
    for (int i = 0; i < PRINT_NVARS; i++) {
        int rc = print_vars_set(v, i, vars[i].sample, e);
        if (rc < 0)
            return rc;
    }
    return 0;
}

const char *print_vars_get(const struct print_vars *v, int var)
{
    if (v == NULL || var < 0 || var >= PRINT_NVARS || v->value[var] == NULL)
        return "";
    return v->value[var];
}
