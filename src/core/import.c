/* SPDX-License-Identifier: Apache-2.0 */
/* Bulk account creation from CSV (`kwhpos import customers`): every record is checked
 * first, and only a file with no bad record is imported, in one transaction.
 *
 * The text is read twice: the first pass checks each record and collects the meter and
 * customer numbers to find duplicates within the file; the second creates the accounts.
 * Nothing but those numbers is held per record, so a file of a whole site fits. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/oversight.h"
#include "kwhpos/csv.h"
#include "kwhpos/data.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "store/store.h"

enum col {
    COL_NO,
    COL_NAME,
    COL_ADDRESS,
    COL_PHONE,
    COL_METER,
    COL_TYPE,
    COL_RATING,
    COL_LIMIT,
    COL_ALARM,
    COL_OVERDRAFT,
    COL_HOARD,
    COL_CT,
    COL_TARIFF,
    COL_COUNT,
    COL_AREA,
    COL_STATUS,
    NCOLS
};

/* What `kwhpos export customers` writes besides the columns above: read past, so that
 * an export imports (the balance is the meter's and the card's, not the file's). */
static const char *const export_only[] = {"card", "balance_kwh", "last_purchase", "opened"};

static const char *const col_names[NCOLS] = {
    "customer_no", "name",      "address", "phone", "meter",  "type",           "rating", "limit",
    "alarm",       "overdraft", "hoard",   "ct",    "tariff", "purchase_count", "area",   "status",
};

#define MAX_FIELDS 64

struct import {
    struct kwh_core *c;
    int64_t operator_id; /* the scope rule: accounts only in their areas */
    int col_at[NCOLS];   /* field index of each column, -1 when absent */
    size_t nheader;
    struct kwh_import_result *res;
    struct numbered *meters, *nos;
    size_t nmeters, nnos, cap_meters, cap_nos;
    uint32_t max_no; /* the largest customer number given in the file */
};

struct numbered {
    uint32_t v;
    int64_t line;
};

static void bad(struct import *im, int64_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void bad(struct import *im, int64_t line, const char *fmt, ...)
{
    struct kwh_import_result *r = im->res;
    va_list ap;
    r->bad++;
    if (r->nerrors == KWH_IMPORT_MAX_ERRORS)
        return;
    r->errors[r->nerrors].line = line;
    va_start(ap, fmt);
    vsnprintf(r->errors[r->nerrors].msg, sizeof r->errors[r->nerrors].msg, fmt, ap);
    va_end(ap);
    r->nerrors++;
}

static int header(struct import *im, char **f, size_t n, struct kwh_err *e)
{
    for (int i = 0; i < NCOLS; i++)
        im->col_at[i] = -1;
    if (n > MAX_FIELDS)
        return kwh_err_set(e, KWH_EINVAL, "line 1: more than %d columns", MAX_FIELDS);
    for (size_t i = 0; i < n; i++) {
        int k = -1;
        bool skip = false;
        for (int j = 0; j < NCOLS; j++)
            if (strcmp(f[i], col_names[j]) == 0)
                k = j;
        for (size_t j = 0; j < sizeof export_only / sizeof export_only[0]; j++)
            skip |= strcmp(f[i], export_only[j]) == 0;
        if (skip)
            continue;
        if (k < 0)
            return kwh_err_set(e, KWH_EINVAL,
                               "line 1: unknown column '%s' (columns: "
                               "customer_no name address phone meter type rating limit alarm "
                               "overdraft hoard ct tariff purchase_count area status, and what "
                               "kwhpos export customers writes)",
                               f[i]);
        if (im->col_at[k] >= 0)
            return kwh_err_set(e, KWH_EINVAL, "line 1: column '%s' appears twice", f[i]);
        im->col_at[k] = (int)i;
    }
    if (im->col_at[COL_NAME] < 0 || im->col_at[COL_METER] < 0 || im->col_at[COL_TARIFF] < 0)
        return kwh_err_set(e, KWH_EINVAL,
                           "line 1: the header must name at least the columns "
                           "name, meter and tariff");
    im->nheader = n;
    return 0;
}

static const char *field(const struct import *im, char **f, int col)
{
    return im->col_at[col] >= 0 ? f[im->col_at[col]] : "";
}

/* A number column: empty = def. */
static int number(const char *text, int decimals, int64_t max, int64_t def, const char *what,
                  int64_t *out, struct kwh_err *e)
{
    if (text[0] == '\0') {
        *out = def;
        return 0;
    }
    if (fixed_parse(text, decimals, max, what, out, e) < 0)
        return KWH_EINVAL;
    if (*out < 0)
        return kwh_err_set(e, KWH_EINVAL, "%s: not negative", what);
    return 0;
}

static int digits8(const char *text, const char *what, uint32_t *out, struct kwh_err *e)
{
    size_t n = strlen(text);
    if (n == 0 || n > 8 || strspn(text, "0123456789") != n || strtoul(text, NULL, 10) == 0)
        return kwh_err_set(e, KWH_EINVAL, "%s '%s': 1 to 8 digits", what, text);
    *out = (uint32_t)strtoul(text, NULL, 10);
    return 0;
}

static int meter_type(const char *t, int def, int *out, struct kwh_err *e)
{
    *out = t[0] == '\0' ? def : model_meter_type_parse(t);
    if (*out < 0)
        return kwh_err_set(e, KWH_EINVAL,
                           "type '%s': single (单相), ct (三相互感) or direct "
                           "(三相直通)",
                           t);
    return 0;
}

static int text_field(const char *t, size_t max, bool required, const char *what, struct kwh_err *e)
{
    if (required && t[0] == '\0')
        return kwh_err_set(e, KWH_EINVAL, "%s is empty", what);
    int rc = text_check_line(what, t, e);

    if (rc < 0)
        return rc;
    if (strlen(t) >= max)
        return kwh_err_set(e, KWH_EINVAL, "%s: longer than %zu bytes", what, max - 1);
    return 0;
}

static int tariff(struct kwh_core *c, const char *t, struct kwh_tariff *out, struct kwh_err *e)
{
    size_t n = strlen(t);
    if (n == 0)
        return kwh_err_set(e, KWH_EINVAL, "tariff is empty");
    if (store_tariff_find(c->db, t, core_now(c), out, NULL) == 0)
        return 0;
    if (n <= 9 && strspn(t, "0123456789") == n &&
        store_tariff_get(c->db, strtoll(t, NULL, 10), core_now(c), out, NULL) == 0)
        return 0;
    return kwh_err_set(e, KWH_EINVAL, "no tariff '%s' (see kwhpos tariff list)", t);
}

/* One record into an account (not yet numbered when customer_no is empty). */
static int record(struct import *im, char **f, size_t n, struct kwh_customer *cu, struct kwh_err *e)
{
    struct kwh_tariff t;
    struct kwh_meter def;
    int64_t v;
    int rc;

    memset(cu, 0, sizeof *cu);
    memset(cu->card_serial, 0xFF, sizeof cu->card_serial); /* no card */
    open_meter_defaults(&def);
    if (n != im->nheader)
        return kwh_err_set(e, KWH_EINVAL, "%zu fields, the header has %zu", n, im->nheader);
    if (field(im, f, COL_NO)[0] != '\0' &&
        (rc = digits8(field(im, f, COL_NO), "customer_no", &cu->customer_no, e)) < 0)
        return rc;
    if ((rc = text_field(field(im, f, COL_NAME), KWH_TEXT_MAX, true, "name", e)) < 0 ||
        (rc = text_field(field(im, f, COL_ADDRESS), KWH_ADDR_MAX, false, "address", e)) < 0 ||
        (rc = text_field(field(im, f, COL_PHONE), KWH_PHONE_MAX, false, "phone", e)) < 0)
        return rc;
    str_copy(cu->name, sizeof cu->name, field(im, f, COL_NAME));
    str_copy(cu->address, sizeof cu->address, field(im, f, COL_ADDRESS));
    str_copy(cu->phone, sizeof cu->phone, field(im, f, COL_PHONE));
    if ((rc = meter_no_parse(field(im, f, COL_METER), "meter", &cu->meter.meter_no, e)) < 0 ||
        (rc = meter_type(field(im, f, COL_TYPE), def.meter_type, &cu->meter.meter_type, e)) < 0)
        return rc;
    if ((rc = number(field(im, f, COL_RATING), 0, 1000, def.rating_a, "rating", &v, e)) < 0)
        return rc;
    cu->meter.rating_a = (int)v;
    /* the limit is the rating unless given */
    if ((rc = number(field(im, f, COL_LIMIT), 0, 1000, v, "limit", &v, e)) < 0)
        return rc;
    cu->meter.current_limit_a = (int)v;
    if ((rc = number(field(im, f, COL_ALARM), 2, UNITS_MAX_CKWH, def.alarm_ckwh, "alarm",
                     &cu->meter.alarm_ckwh, e)) < 0 ||
        (rc = number(field(im, f, COL_OVERDRAFT), 2, UNITS_MAX_CKWH, def.overdraft_ckwh,
                     "overdraft", &cu->meter.overdraft_ckwh, e)) < 0 ||
        (rc = number(field(im, f, COL_HOARD), 2, UNITS_MAX_CKWH, def.hoard_ckwh, "hoard",
                     &cu->meter.hoard_ckwh, e)) < 0)
        return rc;
    if ((rc = number(field(im, f, COL_CT), 0, 10000, def.ct_ratio, "ct", &v, e)) < 0)
        return rc;
    cu->meter.ct_ratio = (int)v;
    if ((rc = rules_check_meter(&cu->meter, e)) < 0)
        return rc;
    if ((rc = number(field(im, f, COL_COUNT), 0, 65534, 0, "purchase_count", &v, e)) < 0)
        return rc;
    cu->purchase_count = cu->loaded_count = (int)v;
    if ((rc = tariff(im->c, field(im, f, COL_TARIFF), &t, e)) < 0)
        return rc;
    cu->tariff_id = t.id;
    str_copy(cu->tariff_name, sizeof cu->tariff_name, t.name);
    if (field(im, f, COL_STATUS)[0] != '\0' && strcmp(field(im, f, COL_STATUS), "open") != 0)
        return kwh_err_set(e, KWH_EINVAL,
                           "status %s: only open accounts are imported (leave closed ones out "
                           "of the file, or export without --closed)",
                           field(im, f, COL_STATUS));
    if (field(im, f, COL_AREA)[0] != '\0') {
        /* the area by its names from the top (园区A/1栋) or #ID; empty: the top */
        struct kwh_area ar;
        if ((rc = area_find(im->c, field(im, f, COL_AREA), &ar, e)) < 0)
            return rc;
        cu->area_id = ar.id;
    }
    if ((rc = scope_area_or_default(im->c, im->operator_id, cu->area_id, &cu->area_id, e)) < 0)
        return rc;
    cu->status = KWH_CUST_OPEN;
    cu->opened = core_now(im->c);
    return 0;
}

static int remember(struct numbered **v, size_t *n, size_t *cap, uint32_t value, int64_t line)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 256;
        struct numbered *nv = realloc(*v, ncap * sizeof *nv);
        if (nv == NULL)
            return KWH_ENOMEM;
        *v = nv;
        *cap = ncap;
    }
    (*v)[(*n)++] = (struct numbered){value, line};
    return 0;
}

static int by_value_then_line(const void *a, const void *b)
{
    const struct numbered *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static int by_line(const void *a, const void *b)
{
    const struct kwh_import_error *x = a, *y = b;
    return x->line < y->line ? -1 : x->line > y->line;
}

static void duplicates(struct import *im, struct numbered *v, size_t n, const char *what)
{
    if (n < 2)
        return;
    qsort(v, n, sizeof *v, by_value_then_line);
    for (size_t i = 1; i < n; i++)
        if (v[i].v == v[i - 1].v)
            bad(im, v[i].line, "%s %08u is on line %lld too", what, v[i].v,
                (long long)v[i - 1].line);
}

/* Walks the records after the header; check: the first pass, else create each. */
static int walk(struct import *im, char *text, size_t len, bool check, uint32_t *next_no,
                const struct kwh_session *s, struct kwh_err *e)
{
    char *p = text, *end = text + len, *f[MAX_FIELDS];
    int64_t line = 1, records = 0;
    size_t n;
    int rc;

    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    if ((rc = csv_split(&p, end, f, MAX_FIELDS, &n, &line, e)) < 0)
        return kwh_err_prefix(e, "line 1");
    if (check && (rc = header(im, f, n, e)) < 0)
        return rc;
    while (p < end) {
        int64_t at = line;
        struct kwh_customer cu, other;
        struct kwh_err re;

        if ((rc = csv_split(&p, end, f, MAX_FIELDS, &n, &line, &re)) < 0) {
            bad(im, at, "%s", re.msg);
            if (re.detail == KWH_CSV_BAD_RECORD) {
                records++;
                continue;
            }
            break; /* the rest of the file cannot be split reliably */
        }
        if (n == 1 && f[0][0] == '\0')
            continue; /* a blank line */
        records++;
        if (record(im, f, n, &cu, &re) < 0) {
            if (!check) /* changed since the first pass (a tariff deleted meanwhile) */
                return kwh_err_set(e, KWH_ECONFLICT, "line %lld: %s", (long long)at, re.msg);
            bad(im, at, "%s", re.msg);
            continue;
        }
        if (check) {
            if (store_customer_by_meter(im->c->db, cu.meter.meter_no, &other, NULL) == 0)
                bad(im, at, "meter %08u already belongs to account %08u (%s)", cu.meter.meter_no,
                    other.customer_no, other.name);
            if (cu.customer_no != 0 &&
                store_customer_by_no(im->c->db, cu.customer_no, &other, NULL) == 0)
                bad(im, at, "customer_no %08u is taken by %s", cu.customer_no, other.name);
            if (remember(&im->meters, &im->nmeters, &im->cap_meters, cu.meter.meter_no, at) < 0 ||
                (cu.customer_no != 0 &&
                 remember(&im->nos, &im->nnos, &im->cap_nos, cu.customer_no, at) < 0))
                return kwh_err_set(e, KWH_ENOMEM, "out of memory");
            if (cu.customer_no > im->max_no)
                im->max_no = cu.customer_no;
            continue;
        }
        if (cu.customer_no == 0) {
            if (*next_no > 99999999)
                return kwh_err_set(e, KWH_ECONFLICT, "customer numbers are exhausted");
            cu.customer_no = (*next_no)++;
        }
        if ((rc = store_customer_insert(im->c->db, &cu, e)) < 0)
            return kwh_err_prefix(e, "line %lld", (long long)at);
        {
            char subject[32], detail[512];
            snprintf(subject, sizeof subject, "account %08u", cu.customer_no);
            snprintf(detail, sizeof detail,
                     "name=%s meter=%08u type=%d tariff=%s count=%d "
                     "card=none",
                     cu.name, cu.meter.meter_no, cu.meter.meter_type, cu.tariff_name,
                     cu.purchase_count);
            if ((rc = audit_append(im->c, s->name, "import", subject, "", detail, e)) < 0)
                return rc;
        }
        if (im->res->imported == 0)
            im->res->first_no = cu.customer_no;
        im->res->last_no = cu.customer_no;
        im->res->imported++;
    }
    if (check && records == 0 && im->res->bad == 0)
        return kwh_err_set(e, KWH_EINVAL, "no accounts in the file (only a header)");
    return 0;
}

int import_customers(struct kwh_core *c, const struct kwh_session *s, const char *csv, size_t len,
                     struct kwh_import_result *out, struct kwh_err *e)
{
    struct import im;
    char *text = NULL;
    uint32_t next_no;
    int rc;

    memset(out, 0, sizeof *out);
    memset(&im, 0, sizeof im);
    im.c = c;
    im.operator_id = s->operator_id;
    im.res = out;
    if ((rc = auth_permit(s, KWH_ACT_IMPORT, 0, e)) < 0)
        return rc;
    if (len == 0)
        return kwh_err_set(e, KWH_EINVAL, "the file is empty");
    if ((text = malloc(len + 1)) == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    memcpy(text, csv, len);
    text[len] = '\0';
    if ((rc = walk(&im, text, len, true, NULL, s, e)) < 0)
        goto out;
    duplicates(&im, im.meters, im.nmeters, "meter");
    duplicates(&im, im.nos, im.nnos, "customer_no");
    if (out->bad > 0) {
        qsort(out->errors, out->nerrors, sizeof out->errors[0], by_line);
        rc = kwh_err_set(e, KWH_EINVAL,
                         "%lld bad record%s: nothing was imported; fix the "
                         "lines listed and import the whole file again",
                         (long long)out->bad, out->bad == 1 ? "" : "s");
        goto out;
    }
    memcpy(text, csv, len);
    text[len] = '\0';
    if ((rc = store_begin(c->db, e)) < 0)
        goto out;
    if ((rc = store_customer_next_no(c->db, &next_no, e)) < 0)
        goto rollback;
    if (im.max_no >= next_no)
        next_no = im.max_no + 1;
    if ((rc = walk(&im, text, len, false, &next_no, s, e)) < 0)
        goto rollback;
    if ((rc = store_commit(c->db, e)) < 0)
        goto undo;
    goto out;
rollback:
    store_rollback(c->db);
undo:
    out->imported = 0;
    out->first_no = out->last_no = 0;
out:
    free(text);
    free(im.meters);
    free(im.nos);
    return rc;
}
