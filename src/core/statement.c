/* SPDX-License-Identifier: Apache-2.0 */
/* A payment provider's daily statement (对账单): a CSV file of time, reference and amount,
 * laid out as the INI's [reconcile_METHOD] says (docs/units.md, "Statements"). The whole
 * file is checked before anything is kept: every refusal names its line. Money goes
 * through fixed_parse, never a float. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "kwhpos/csv.h"
#include "kwhpos/money.h"
#include "kwhpos/util.h"

#define MAX_FIELDS 64

int statement_method_parse(const char *name)
{
    static const struct {
        const char *name;
        int pay;
    } methods[] = {
        {"wechat", KWH_PAY_WECHAT},
        {"alipay", KWH_PAY_ALIPAY},
        {"card", KWH_PAY_CARD},
        {"transfer", KWH_PAY_TRANSFER},
    };
    for (size_t i = 0; name != NULL && i < KWH_ARRAY_LEN(methods); i++)
        if (strcmp(name, methods[i].name) == 0)
            return methods[i].pay;
    return -1;
}

void statement_fini(struct kwh_statement *s)
{
    if (s == NULL)
        return;
    free(s->lines);
    memset(s, 0, sizeof *s);
}

/* Every physical line: no NUL, UTF-8, at most KWH_STMT_LINE_MAX bytes. */
static int check_lines(const char *t, size_t len, struct kwh_err *e)
{
    int64_t line = 1;
    size_t start = 0;

    for (size_t i = 0; i <= len; i++) {
        if (i < len && t[i] == '\0')
            return kwh_err_set(e, KWH_EINVAL,
                               "statement line %lld: a NUL byte: this is not a text file",
                               (long long)line);
        if (i < len && t[i] != '\n')
            continue;
        if (i - start > KWH_STMT_LINE_MAX)
            return kwh_err_set(e, KWH_EINVAL,
                               "statement line %lld: longer than %d bytes: this is not a "
                               "statement",
                               (long long)line, KWH_STMT_LINE_MAX);
        if (!utf8_valid_n(t + start, i - start))
            return kwh_err_set(e, KWH_EINVAL,
                               "statement line %lld: not UTF-8 text (if the file is GB18030, "
                               "set encoding = gb18030 in its [reconcile_...] section)",
                               (long long)line);
        start = i + 1;
        line++;
    }
    return 0;
}

/* A field without the spaces around it and the ` or ' providers put before long numbers
 * so that spreadsheets keep them as text. */
static char *clean(char *f)
{
    size_t n;
    while (*f == ' ' || *f == '\t')
        f++;
    if (*f == '`' || *f == '\'')
        f++;
    n = strlen(f);
    while (n > 0 && (f[n - 1] == ' ' || f[n - 1] == '\t' || f[n - 1] == '\r'))
        f[--n] = '\0';
    return f;
}

/* Whether text is blank (an empty line of the file). */
static bool blank(char **fields, size_t n)
{
    for (size_t i = 0; i < n && i < MAX_FIELDS; i++)
        if (clean(fields[i])[0] != '\0')
            return false;
    return true;
}

/* The column spec: a position 1.. (digits) or a name to find in the header. */
static int column(const char *what, const char *spec, char **hdr, size_t nhdr, int64_t hline,
                  int *col, struct kwh_err *e)
{
    size_t n = strlen(spec);
    if (n > 0 && n <= 2 && str_is_digits(spec, n)) {
        *col = atoi(spec) - 1;
        if (*col < 0 || *col >= MAX_FIELDS)
            return kwh_err_set(e, KWH_EINVAL, "[reconcile] %s = %s: a column from 1 to %d", what,
                               spec, MAX_FIELDS);
        return 0;
    }
    if (n == 0)
        return kwh_err_set(e, KWH_EINVAL, "[reconcile] %s: name the column or give its position",
                           what);
    if (hdr == NULL)
        return kwh_err_set(e, KWH_EINVAL,
                           "[reconcile] %s = %s: a column named needs the header line (header "
                           "= its line number), else give its position",
                           what, spec);
    for (size_t i = 0; i < nhdr && i < MAX_FIELDS; i++)
        if (strcmp(clean(hdr[i]), spec) == 0) {
            *col = (int)i;
            return 0;
        }
    return kwh_err_set(e, KWH_EINVAL,
                       "statement line %lld: no column named '%s' (the %s): check the file, or "
                       "the [reconcile] section",
                       (long long)hline, spec, what);
}

/* Two to four digits of *p as a number, exactly w of them. */
static bool digits(const char **p, int w, int *out)
{
    int v = 0;
    for (int i = 0; i < w; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += w;
    *out = v;
    return true;
}

/* text by format (%Y %m %d %H %M %S, other characters literally) to the local time. */
static int parse_time(const char *text, const char *fmt, int64_t *out)
{
    struct tm tm, back;
    const char *p = text;
    int year = -1, mon = 1, day = 1, h = 0, mi = 0, sec = 0;
    time_t t;

    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            if (*p++ != *f)
                return -1;
            continue;
        }
        f++;
        switch (*f) {
        case 'Y':
            if (!digits(&p, 4, &year))
                return -1;
            break;
        case 'm':
            if (!digits(&p, 2, &mon))
                return -1;
            break;
        case 'd':
            if (!digits(&p, 2, &day))
                return -1;
            break;
        case 'H':
            if (!digits(&p, 2, &h))
                return -1;
            break;
        case 'M':
            if (!digits(&p, 2, &mi))
                return -1;
            break;
        case 'S':
            if (!digits(&p, 2, &sec))
                return -1;
            break;
        default: return -2;
        }
    }
    if (*p != '\0' || year < 1970 || year > 9999 || mon < 1 || mon > 12 || day < 1 || day > 31 ||
        h > 23 || mi > 59 || sec > 59)
        return -1;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = day;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    back = tm;
    if ((t = mktime(&tm)) == (time_t)-1 || tm.tm_mday != back.tm_mday || tm.tm_mon != back.tm_mon)
        return -1; /* 30 February */
    *out = (int64_t)t;
    return 0;
}

static int check_format(const char *fmt, struct kwh_err *e)
{
    bool y = false;
    for (const char *f = fmt; *f; f++) {
        if (*f != '%')
            continue;
        f++;
        if (*f == 'Y')
            y = true;
        else if (*f == '\0' || strchr("mdHMS", *f) == NULL)
            return kwh_err_set(e, KWH_EINVAL,
                               "[reconcile] time_format = %s: only %%Y %%m %%d %%H %%M %%S and the "
                               "characters between them",
                               fmt);
    }
    if (!y)
        return kwh_err_set(e, KWH_EINVAL, "[reconcile] time_format = %s: the year (%%Y) is missing",
                           fmt);
    return 0;
}

/* The amount in fen: yuan with up to 2 decimals or fen, an optional sign, a ¥ or ￥. */
static int parse_amount(char *text, bool fen, int64_t line, int64_t *out, struct kwh_err *e)
{
    static const char *const signs[] = {"\xc2\xa5", "\xef\xbf\xa5"}; /* ¥ ￥ */
    char *p = text;
    bool neg = false;
    struct kwh_err inner;

    if (*p == '-' || *p == '+') {
        neg = *p == '-';
        p++;
    }
    for (size_t i = 0; i < KWH_ARRAY_LEN(signs); i++)
        if (strncmp(p, signs[i], strlen(signs[i])) == 0)
            p += strlen(signs[i]);
    if (*p == '-' || *p == '+' || *p == ' ' || strlen(p) > 32 ||
        fixed_parse(p, fen ? 0 : 2, KWH_STMT_MAX_FEN, "amount", out, &inner) < 0)
        return kwh_err_set(e, KWH_EINVAL,
                           fen ? KWH_N("statement line %lld: amount '%s' is not a whole number "
                                       "of fen")
                               : KWH_N("statement line %lld: amount '%s' is not yuan with at "
                                       "most 2 decimals"),
                           (long long)line, text);
    if (neg)
        *out = -*out;
    return 0;
}

/* One payment line into l. */
static int parse_line(int pay, const struct kwh_stmt_map *m, char **f, size_t nf, const int col[3],
                      int64_t line, struct kwh_statement_line *l, struct kwh_err *e)
{
    static const char *const what[] = {"time", "reference", "amount"};
    char *v[3];
    struct kwh_err inner;

    for (int i = 0; i < 3; i++) {
        if ((size_t)col[i] >= nf || (size_t)col[i] >= MAX_FIELDS)
            return kwh_err_set(e, KWH_EINVAL,
                               "statement line %lld: no column %d (the %s): the line has %zu",
                               (long long)line, col[i] + 1, what[i], nf);
        v[i] = clean(f[col[i]]);
    }
    memset(l, 0, sizeof *l);
    l->line = line;
    if (parse_time(v[0], m->time_format, &l->time) < 0)
        return kwh_err_set(e, KWH_EINVAL, "statement line %lld: time '%s' does not read as %s",
                           (long long)line, v[0], m->time_format);
    if (v[1][0] == '\0')
        return kwh_err_set(e, KWH_EINVAL, "statement line %lld: the reference is empty",
                           (long long)line);
    if (strlen(v[1]) >= KWH_REF_MAX || rules_check_pay_ref(pay, v[1], &inner) < 0)
        return kwh_err_set(e, KWH_EINVAL,
                           "statement line %lld: reference '%.60s' is not a %s reference: check "
                           "the reference column",
                           (long long)line, v[1], model_pay_label(pay));
    str_copy(l->ref, sizeof l->ref, v[1]);
    return parse_amount(v[2], strcmp(m->unit, "fen") == 0, line, &l->fen, e);
}

/* The statement in text (UTF-8, NUL-terminated at len, writable). */
static int parse_text(int pay, const struct kwh_stmt_map *m, char *text, size_t len,
                      struct kwh_statement *out, struct kwh_err *e)
{
    char *p = text, *end = text + len, *fields[MAX_FIELDS], *hdr[MAX_FIELDS];
    struct kwh_statement_line *lines = NULL;
    size_t cap = 0, n = 0, nf, nhdr = 0;
    int64_t line = 1, hline = 0, bad = -1;
    struct kwh_err scratch;
    int col[3], rc = 0;
    bool have_hdr = false;

    if ((rc = check_lines(text, len, e)) < 0)
        return rc;
    if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    /* the lines before the header, and the header */
    while (m->header > 0 && line <= m->header && p < end) {
        int64_t at = line;
        if ((rc = csv_split(&p, end, fields, MAX_FIELDS, &nf, &line, e)) < 0)
            return kwh_err_prefix(e, "statement line %lld", (long long)at);
        if (at == m->header || line > m->header) {
            memcpy(hdr, fields, sizeof hdr);
            nhdr = nf;
            hline = at;
            have_hdr = true;
            break;
        }
    }
    if (m->header > 0 && !have_hdr)
        return kwh_err_set(e, KWH_EINVAL,
                           "the statement ends before its header line (line %d): is it empty?",
                           m->header);
    if ((rc = column("time", m->time, have_hdr ? hdr : NULL, nhdr, hline, &col[0], e)) < 0 ||
        (rc = column("reference", m->reference, have_hdr ? hdr : NULL, nhdr, hline, &col[1], e)) <
            0 ||
        (rc = column("amount", m->amount, have_hdr ? hdr : NULL, nhdr, hline, &col[2], e)) < 0)
        return rc;
    /* every record; the last m->footer (totals) are dropped, and may not parse */
    while (p < end) {
        int64_t at = line;
        if ((rc = csv_split(&p, end, fields, MAX_FIELDS, &nf, &line, e)) < 0) {
            rc = kwh_err_prefix(e, "statement line %lld", (long long)at);
            goto out;
        }
        if (nf == 0 || blank(fields, nf))
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct kwh_statement_line *nl = realloc(lines, ncap * sizeof *nl);
            if (nl == NULL) {
                rc = kwh_err_set(e, KWH_ENOMEM, "out of memory reading the statement");
                goto out;
            }
            lines = nl;
            cap = ncap;
        }
        if (parse_line(pay, m, fields, nf, col, at, &lines[n], bad < 0 ? e : &scratch) < 0 &&
            bad < 0)
            bad = (int64_t)n;
        n++;
    }
    n = n > (size_t)m->footer ? n - (size_t)m->footer : 0;
    if (bad >= 0 && (size_t)bad < n) {
        rc = KWH_EINVAL;
        goto out;
    }
    kwh_err_clear(e);
    out->pay = pay;
    out->lines = lines;
    out->n = n;
    out->first = out->last = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || lines[i].time < out->first)
            out->first = lines[i].time;
        if (i == 0 || lines[i].time > out->last)
            out->last = lines[i].time;
    }
    lines = NULL;
out:
    free(lines);
    return rc;
}

int statement_parse(int pay, const struct kwh_stmt_map *m, const char *data, size_t len,
                    struct kwh_statement *out, struct kwh_err *e)
{
    char *text = NULL;
    size_t tlen = 0;
    int rc;

    memset(out, 0, sizeof *out);
    if (pay != KWH_PAY_WECHAT && pay != KWH_PAY_ALIPAY && pay != KWH_PAY_CARD &&
        pay != KWH_PAY_TRANSFER)
        return kwh_err_set(e, KWH_EINVAL,
                           "no statements for this payment method: wechat, alipay, card or "
                           "transfer");
    if ((rc = check_format(m->time_format, e)) < 0)
        return rc;
    if (len > KWH_STMT_FILE_MAX)
        return kwh_err_set(e, KWH_EINVAL, "the statement is larger than %d bytes",
                           KWH_STMT_FILE_MAX);
    if (memchr(data, '\0', len) != NULL) {
        /* named by its line */
        int64_t line = 1;
        for (const char *q = data; *q != '\0'; q++)
            if (*q == '\n')
                line++;
        return kwh_err_set(e, KWH_EINVAL,
                           "statement line %lld: a NUL byte: this is not a text file",
                           (long long)line);
    }
    if (strcmp(m->encoding, "gb18030") == 0) {
        if ((rc = csv_from_gb18030(data, len, &text, &tlen, e)) < 0)
            return kwh_err_prefix(e, "the statement is not GB18030 text");
    } else {
        if ((text = malloc(len + 1)) == NULL)
            return kwh_err_set(e, KWH_ENOMEM, "out of memory reading the statement");
        memcpy(text, data, len);
        text[len] = '\0';
        tlen = len;
    }
    rc = parse_text(pay, m, text, tlen, out, e);
    free(text);
    if (rc < 0)
        statement_fini(out);
    return rc;
}

int statement_load(int pay, const struct kwh_stmt_map *m, const char *path,
                   struct kwh_statement *out, struct kwh_err *e)
{
    char *data;
    size_t len;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = file_read_stream(path, KWH_STMT_FILE_MAX, &data, &len, e)) < 0)
        return rc;
    rc = statement_parse(pay, m, data, len, out, e);
    free(data);
    return rc;
}
