/* SPDX-License-Identifier: Apache-2.0 */
/* --format xlsx: the tables of a report or query as an Excel workbook (libxlsxwriter), one
 * worksheet per table. Numbers are numbers (kWh and counts as such, money as money), the
 * customer and meter numbers and every other text column text (leading zeros survive),
 * the headers in the language of the messages, the header row frozen. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "cli/out.h"
#include "kwhpos/util.h"

/* Money columns, by key: shown as yuan. */
static bool money(const char *key)
{
    static const char *const keys[] = {
        "amount", "fee",      "price",     "balance_yuan",  "total",        "in",         "out",
        "net",    "money_in", "money_out", "expected_cash", "counted_cash", "difference",
    };
    for (size_t i = 0; i < KWH_ARRAY_LEN(keys); i++)
        if (strcmp(key, keys[i]) == 0)
            return true;
    return false;
}

/* The decimals of a number as the CLI writes it ("12.50": 2), or -1 if it is not one. */
static int decimals(const char *t, double *v)
{
    char *end;
    const char *dot;
    if (*t == '\0')
        return -1;
    errno = 0;
    *v = strtod(t, &end);
    if (*end != '\0' || errno != 0 || strpbrk(t, "eExXnNiI") != NULL)
        return -1;
    dot = strchr(t, '.');
    return dot == NULL ? 0 : (int)strlen(dot + 1);
}

struct formats {
    lxw_format *head, *integer, *dec2, *dec4, *yuan2, *yuan4;
};

static void sheet(lxw_workbook *wb, const struct formats *fm, const struct out_sheet *s)
{
    char name[32];
    lxw_worksheet *ws;
    int col = 0;

    /* a worksheet's name: at most 31 characters, none of []:*?/\ */
    snprintf(name, sizeof name, "%.31s", _(s->name));
    for (char *p = name; *p; p++)
        if (strchr("[]:*?/\\", *p) != NULL)
            *p = '_';
    ws = workbook_add_worksheet(wb, name);
    if (ws == NULL)
        return;
    for (int i = 0; i < out_table_ncols(s->t); i++) {
        const struct out_col *c = out_table_col(s->t, i);
        if (c->flags & OUT_TEXT_ONLY)
            continue;
        worksheet_write_string(ws, 0, (lxw_col_t)col, kwh_trc("column", c->key), fm->head);
        worksheet_set_column(ws, (lxw_col_t)col, (lxw_col_t)col,
                             c->flags & OUT_NUM ? 12 : (c->flags & OUT_WIDE ? 20 : 14), NULL);
        for (size_t r = 0; r < out_table_nrows(s->t); r++) {
            const char *text = out_table_cell(s->t, r, i);
            double v;
            int d = c->flags & OUT_NUM ? decimals(text, &v) : -1;
            lxw_format *f = d == 0   ? fm->integer
                            : d <= 2 ? (money(c->key) ? fm->yuan2 : fm->dec2)
                                     : (money(c->key) ? fm->yuan4 : fm->dec4);
            if (d >= 0)
                worksheet_write_number(ws, (lxw_row_t)(r + 1), (lxw_col_t)col, v, f);
            else if (text[0] != '\0')
                worksheet_write_string(ws, (lxw_row_t)(r + 1), (lxw_col_t)col, text, NULL);
        }
        col++;
    }
    worksheet_freeze_panes(ws, 1, 0);
}

int out_xlsx(struct cli *c, FILE *f, const struct out_sheet *sheets, int n)
{
    const char *tmp =
        getenv("TMPDIR") != NULL && getenv("TMPDIR")[0] == '/' ? getenv("TMPDIR") : "/tmp";
    char path[1100];
    lxw_workbook_options opt = {.tmpdir = (char *)tmp};
    struct formats fm;
    lxw_workbook *wb;
    lxw_error err;
    FILE *in;
    char buf[8192];
    size_t got;
    int fd, rc = CLI_OK;

    if (isatty(fileno(f)))
        return cli_usage(c, "--format xlsx writes a spreadsheet file: send it to one "
                            "(> report.xlsx)");
    for (int i = 0; i < n; i++)
        if (out_table_failed(sheets[i].t)) {
            fprintf(stderr, "%s: out of memory\n", c->prog);
            return CLI_ERROR;
        }
    snprintf(path, sizeof path, "%s/kwhpos-xlsx.XXXXXX", tmp);
    if ((fd = mkstemp(path)) < 0) {
        fprintf(stderr, "%s: cannot make a temporary file: %s\n", c->prog, strerror(errno));
        return CLI_ERROR;
    }
    close(fd);
    if ((wb = workbook_new_opt(path, &opt)) == NULL) {
        unlink(path);
        fprintf(stderr, "%s: cannot start the workbook\n", c->prog);
        return CLI_ERROR;
    }
    fm.head = workbook_add_format(wb);
    format_set_bold(fm.head);
    format_set_bottom(fm.head, LXW_BORDER_THIN);
    fm.integer = workbook_add_format(wb);
    format_set_num_format(fm.integer, "0");
    fm.dec2 = workbook_add_format(wb);
    format_set_num_format(fm.dec2, "#,##0.00");
    fm.dec4 = workbook_add_format(wb);
    format_set_num_format(fm.dec4, "0.0000");
    fm.yuan2 = workbook_add_format(wb);
    format_set_num_format(fm.yuan2, "\"¥\"#,##0.00;-\"¥\"#,##0.00");
    fm.yuan4 = workbook_add_format(wb);
    format_set_num_format(fm.yuan4, "\"¥\"0.0000");
    for (int i = 0; i < n; i++)
        sheet(wb, &fm, &sheets[i]);
    if ((err = workbook_close(wb)) != LXW_NO_ERROR) {
        unlink(path);
        fprintf(stderr, "%s: cannot write the workbook: %s\n", c->prog, lxw_strerror(err));
        return CLI_ERROR;
    }
    if ((in = fopen(path, "rb")) == NULL) {
        unlink(path);
        fprintf(stderr, "%s: cannot read the workbook back: %s\n", c->prog, strerror(errno));
        return CLI_ERROR;
    }
    while ((got = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, got, f) != got) {
            fprintf(stderr, "%s: cannot write the workbook: %s\n", c->prog, strerror(errno));
            rc = CLI_ERROR;
            break;
        }
    fclose(in);
    unlink(path);
    if (rc == CLI_OK && fflush(f) != 0) {
        fprintf(stderr, "%s: cannot write the workbook: %s\n", c->prog, strerror(errno));
        rc = CLI_ERROR;
    }
    return rc;
}
