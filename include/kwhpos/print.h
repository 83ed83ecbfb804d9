/* SPDX-License-Identifier: Apache-2.0 */
/* Invoices and printing: form files, the values printed on them, the rendered page,
 * its raw (GB18030/UTF-8, ESC/POS) and PDF encodings, and submission through CUPS.
 *
 * Form syntax, variables, overflow rules and error messages: docs/forms.md.
 * Nothing here touches the database or the screen; callers pass values as text
 * (money as integer fen for the capitals) and decide how errors are shown. */
#ifndef KWHPOS_PRINT_H
#define KWHPOS_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kwhpos/err.h"
#include "kwhpos/model.h"

enum print_align { PRINT_LEFT, PRINT_RIGHT, PRINT_CENTER };

/* How a value that is wider than its field is printed: text is cut at a character
 * boundary; exact values (money, quantities, numbers, dates) are never cut: the
 * field is filled with '#' so a wrong figure can never reach paper. */
enum print_kind { PRINT_TEXT, PRINT_EXACT };

/* The variable table, the one place that names every value a form can print:
 * X(ID, name, kind, default width, default alignment, Chinese title, description, sample).
 * Default widths leave room for the name and an alignment mark: {amount     >}. */
/* clang-format off */
#define PRINT_VAR_TABLE(X)                                                                 \
    X(UNIT, "unit", PRINT_TEXT, 30, PRINT_LEFT,                                            \
      "用电单位", "unit (site) name", "阳光花园物业管理处")                                \
    X(UNIT_TEL, "unit_tel", PRINT_TEXT, 16, PRINT_LEFT,                                    \
      "单位电话", "unit phone", "0571-88886666")                                           \
    X(SALE_TYPE, "sale_type", PRINT_TEXT, 12, PRINT_LEFT,                                  \
      "业务类型", "kind of sale", "日常售电")                                              \
    X(INVOICE_NO, "invoice_no", PRINT_EXACT, 12, PRINT_LEFT,                               \
      "发票号", "invoice number", "00001234")                                              \
    X(DATETIME, "datetime", PRINT_EXACT, 19, PRINT_LEFT,                                   \
      "日期时间", "date and time", "2026-11-24 09:30:00")                                  \
    X(DATE, "date", PRINT_EXACT, 10, PRINT_LEFT,                                           \
      "日期", "date", "2026-11-24")                                                        \
    X(TIME, "time", PRINT_EXACT, 8, PRINT_LEFT,                                            \
      "时间", "time of day", "09:30:00")                                                   \
    X(CUSTOMER_NO, "customer_no", PRINT_EXACT, 13, PRINT_LEFT,                             \
      "用户编号", "customer number", "000123")                                             \
    X(CUSTOMER, "customer", PRINT_TEXT, 16, PRINT_LEFT,                                    \
      "用户名称", "customer name", "张三")                                                 \
    X(ADDRESS, "address", PRINT_TEXT, 30, PRINT_LEFT,                                      \
      "地址", "customer address", "3号楼2单元501室")                                       \
    X(CUSTOMER_TEL, "customer_tel", PRINT_TEXT, 16, PRINT_LEFT,                            \
      "用户电话", "customer phone", "13800138000")                                         \
    X(METER_NO, "meter_no", PRINT_EXACT, 10, PRINT_LEFT,                                   \
      "表号", "meter number", "12345678")                                                  \
    X(METER_TYPE, "meter_type", PRINT_TEXT, 12, PRINT_LEFT,                                \
      "表类型", "meter type", "单相")                                                      \
    X(TARIFF, "tariff", PRINT_TEXT, 12, PRINT_LEFT,                                        \
      "电价类型", "tariff name", "居民用电")                                               \
    X(PRICE, "price", PRINT_EXACT, 10, PRINT_RIGHT,                                        \
      "电价", "price, yuan per kWh", "0.5283")                                             \
    X(KWH, "kwh", PRINT_EXACT, 10, PRINT_RIGHT,                                            \
      "购电量", "kWh bought", "243.23")                                                    \
    X(ADJ_KWH, "adj_kwh", PRINT_EXACT, 10, PRINT_RIGHT,                                    \
      "调剂电量", "adjustment kWh", "0.00")                                                \
    X(FREE_KWH, "free_kwh", PRINT_EXACT, 12, PRINT_RIGHT,                                  \
      "免费电量", "free allowance kWh", "10.00")                                           \
    X(AMOUNT, "amount", PRINT_EXACT, 12, PRINT_RIGHT,                                      \
      "金额", "amount, yuan", "128.50")                                                    \
    X(FEE, "fee", PRINT_EXACT, 10, PRINT_RIGHT,                                            \
      "补卡费", "card reissue fee, yuan", "20.00")                                         \
    X(AMOUNT_CN, "amount_cn", PRINT_EXACT, 36, PRINT_LEFT,                                 \
      "大写金额", "amount in capitals", "壹佰贰拾捌元伍角")                                \
    X(PURCHASES, "count", PRINT_EXACT, 8, PRINT_RIGHT,                                     \
      "购电次数", "purchase count", "12")                                                  \
    X(OPERATOR, "operator", PRINT_TEXT, 10, PRINT_LEFT,                                    \
      "操作员", "operator", "李四")                                                        \
    X(PAYMENT, "payment", PRINT_TEXT, 10, PRINT_LEFT,                                      \
      "付款方式", "payment method", "现金")                                                \
    X(REPRINT, "reprint", PRINT_TEXT, 14, PRINT_LEFT,                                      \
      "补打标记", "reprint mark and count", "补打(第1次)")                                 \
    X(ENERGY_AMOUNT, "energy_amount", PRINT_EXACT, 16, PRINT_RIGHT,                        \
      "电费", "the energy's amount, yuan", "126.86")                                       \
    X(FEES, "fees", PRINT_EXACT, 10, PRINT_RIGHT,                                          \
      "费用", "every fee (card, service, monthly), yuan", "2.00")                          \
    X(FEE_ITEMS, "fee_items", PRINT_TEXT, 30, PRINT_LEFT,                                  \
      "费用明细", "each fee with its amount", "服务费 2.00")                               \
    X(ARREARS, "arrears", PRINT_EXACT, 10, PRINT_RIGHT,                                    \
      "追缴欠费", "arrears recovered, yuan", "10.00")                                      \
    X(PAY_REF, "pay_ref", PRINT_EXACT, 32, PRINT_LEFT,                                     \
      "支付流水号", "the payment's reference", "4200001234202611241234567")                \
    X(TIER1_KWH, "tier1_kwh", PRINT_EXACT, 12, PRINT_RIGHT,                                \
      "第1档电量", "tier 1: kWh bought in it", "150.00")                                   \
    X(TIER1_PRICE, "tier1_price", PRINT_EXACT, 14, PRINT_RIGHT,                            \
      "第1档电价", "tier 1: its price, yuan per kWh", "0.5380")                            \
    X(TIER1_AMOUNT, "tier1_amount", PRINT_EXACT, 15, PRINT_RIGHT,                          \
      "第1档金额", "tier 1: its amount, yuan", "80.70")                                    \
    X(TIER2_KWH, "tier2_kwh", PRINT_EXACT, 12, PRINT_RIGHT,                                \
      "第2档电量", "tier 2: kWh bought in it", "50.00")                                    \
    X(TIER2_PRICE, "tier2_price", PRINT_EXACT, 14, PRINT_RIGHT,                            \
      "第2档电价", "tier 2: its price, yuan per kWh", "0.5880")                            \
    X(TIER2_AMOUNT, "tier2_amount", PRINT_EXACT, 15, PRINT_RIGHT,                          \
      "第2档金额", "tier 2: its amount, yuan", "29.40")                                    \
    X(TIER3_KWH, "tier3_kwh", PRINT_EXACT, 12, PRINT_RIGHT,                                \
      "第3档电量", "tier 3: kWh bought in it", "20.00")                                    \
    X(TIER3_PRICE, "tier3_price", PRINT_EXACT, 14, PRINT_RIGHT,                            \
      "第3档电价", "tier 3: its price, yuan per kWh", "0.8380")                            \
    X(TIER3_AMOUNT, "tier3_amount", PRINT_EXACT, 15, PRINT_RIGHT,                          \
      "第3档金额", "tier 3: its amount, yuan", "16.76")                                    \
    X(TIER4_KWH, "tier4_kwh", PRINT_EXACT, 12, PRINT_RIGHT,                                \
      "第4档电量", "tier 4: kWh bought in it", "0.00")                                     \
    X(TIER4_PRICE, "tier4_price", PRINT_EXACT, 14, PRINT_RIGHT,                            \
      "第4档电价", "tier 4: its price, yuan per kWh", "0.0000")                            \
    X(TIER4_AMOUNT, "tier4_amount", PRINT_EXACT, 15, PRINT_RIGHT,                          \
      "第4档金额", "tier 4: its amount, yuan", "0.00")                                     \
    X(TIER5_KWH, "tier5_kwh", PRINT_EXACT, 12, PRINT_RIGHT,                                \
      "第5档电量", "tier 5: kWh bought in it", "0.00")                                     \
    X(TIER5_PRICE, "tier5_price", PRINT_EXACT, 14, PRINT_RIGHT,                            \
      "第5档电价", "tier 5: its price, yuan per kWh", "0.0000")                            \
    X(TIER5_AMOUNT, "tier5_amount", PRINT_EXACT, 15, PRINT_RIGHT,                          \
      "第5档金额", "tier 5: its amount, yuan", "0.00")
/* clang-format on */

#define PRINT_VAR_ENUM_(id, name, kind, width, align, title, help, sample) PRINT_VAR_##id,
enum print_var { PRINT_VAR_TABLE(PRINT_VAR_ENUM_) PRINT_NVARS };
#undef PRINT_VAR_ENUM_

struct print_var_info {
    const char *name; /* as written in a form: {amount} */
    enum print_kind kind;
    int width; /* default width when the designer adds it */
    enum print_align align;
    const char *title;  /* Chinese title, as the designer lists it */
    const char *help;   /* English description */
    const char *sample; /* a typical value, for previews */
};

/* The table entry of variable `var`, or NULL when out of range. */
const struct print_var_info *print_var_info(int var);

/* The variable named by the first len bytes of name, or -1. */
int print_var_find(const char *name, size_t len);

/* ---- values ------------------------------------------------------------------------ */

struct print_vars;

/* A new, empty value set (every variable prints as blank); NULL when out of memory. */
struct print_vars *print_vars_new(void);

/* Frees v (NULL is fine). */
void print_vars_free(struct print_vars *v);

/* Copies value (NULL = blank) as variable var; control characters become spaces and
 * invalid UTF-8 bytes become '?', so any text is printable. */
int print_vars_set(struct print_vars *v, int var, const char *value, struct kwh_err *e);

/* Like print_vars_set, with the variable given by name (refuses an unknown name). */
int print_vars_set_named(struct print_vars *v, const char *name, const char *value,
                         struct kwh_err *e);

/* Sets amount ("128.50") and amount_cn (Chinese capitals) from one figure in fen. */
int print_vars_set_amount(struct print_vars *v, int64_t fen, struct kwh_err *e);

/* Sets reprint to "补打(第N次)" for count > 0 and to blank for 0. */
int print_vars_set_reprint(struct print_vars *v, int count, struct kwh_err *e);

/* Sets datetime, date and time from a broken-down time. */
int print_vars_set_time(struct print_vars *v, const struct tm *tm, struct kwh_err *e);

/* Sets every variable to its sample value (designer preview, tests). */
int print_vars_set_samples(struct print_vars *v, struct kwh_err *e);

/* The value of var (borrowed; "" when unset or out of range). */
const char *print_vars_get(const struct print_vars *v, int var);

/* ---- invoices (receipt.c) --------------------------------------------------------- */

/* The kind of sale as an invoice names it: 开户购电, 日常售电, 重新售电, 补卡售电, 换表购电,
 * 退电; "" for a kind that is not a sale. */
const char *print_sale_type(int kind);

/* Fills every variable of v from invoice r: its sale, account, the unit's name and
 * phone, the operator who sold, the sale's time (local time), and the mark of reprint
 * `reprint` (0 = the original, unmarked). `amount` and `amount_cn` are what the
 * customer paid in all (the energy plus the 补卡 fee; negative when money was paid
 * out by a 退电); `fee` is the 补卡 fee alone, blank for other kinds. docs/forms.md
 * lists every value. */
int print_vars_from_receipt(struct print_vars *v, const struct kwh_receipt *r, int reprint,
                            struct kwh_err *e);

/* ---- 大写 --------------------------------------------------------------------------- */

/* Writes fen as Chinese capital numerals ("壹仟零伍元零柒分", "负壹元整") into buf.
 * Refuses magnitudes of 10^16 yuan and more, and a buf that is too small. */
int print_capitals(int64_t fen, char *buf, size_t n, struct kwh_err *e);

/* ---- forms ------------------------------------------------------------------------- */

#define PRINT_FORM_MAX_WIDTH 250
#define PRINT_FORM_MAX_LINES 500
#define PRINT_FORM_MAX_BYTES (256 * 1024)

enum print_item_kind { PRINT_ITEM_TITLE, PRINT_ITEM_FIELD };

/* One thing on the page: a title (literal text) or a field (a variable's place). */
struct print_item {
    enum print_item_kind kind;
    int row, col;           /* 0-based page line and display column */
    int width;              /* display columns it occupies */
    int var;                /* fields: enum print_var */
    enum print_align align; /* fields */
    const char *text;       /* titles: the text (owned by the form) */
};

struct print_form;

/* Parses form text (len bytes); `file` names it in messages ("file:line:col: ...").
 * On success *out is a new form the caller frees. */
int print_form_parse(const char *text, size_t len, const char *file, struct print_form **out,
                     struct kwh_err *e);

/* Reads and parses the form file at path. */
int print_form_load(const char *path, struct print_form **out, struct kwh_err *e);

/* A new empty form `width` columns wide (the designer's blank page). */
int print_form_new(int width, struct print_form **out, struct kwh_err *e);

/* Frees f (NULL is fine). */
void print_form_free(struct print_form *f);

/* A deep copy of f, or NULL when out of memory. */
struct print_form *print_form_dup(const struct print_form *f);

/* Page width in display columns. */
int print_form_width(const struct print_form *f);

/* Page lines the form prints: its fixed height, or its last body line. */
int print_form_lines(const struct print_form *f);

/* Fixed page height in lines, or 0 when the page is as long as its content. */
int print_form_height(const struct print_form *f);

/* The form's own name (header `name`), or "". */
const char *print_form_name(const struct print_form *f);

/* Whether titles are for the designer only (pre-printed stationery). */
bool print_form_titles_hidden(const struct print_form *f);

/* Point size for PDF output (header `font-size`, default 10). */
int print_form_font_size(const struct print_form *f);

/* Number of items; items are ordered by row, then column. */
int print_form_item_count(const struct print_form *f);

/* Item i (borrowed, valid until f changes), or NULL when out of range. */
const struct print_item *print_form_item(const struct print_form *f, int i);

/* Index of the item covering (row, col), or -1. */
int print_form_item_at(const struct print_form *f, int row, int col);

/* Moves item *index by drow lines and dcol columns; refuses (KWH_ECONFLICT) a move
 * onto another item or past the page, leaving f unchanged. *index follows the item. */
int print_form_move(struct print_form *f, int *index, int drow, int dcol, struct kwh_err *e);

/* Deletes item index. */
int print_form_delete(struct print_form *f, int index, struct kwh_err *e);

/* Adds variable var at (row, col) with its default width and alignment; *index (may
 * be NULL) receives its position in the item list. */
int print_form_add_field(struct print_form *f, int var, int row, int col, int *index,
                         struct kwh_err *e);

/* Adds a title (one line of clean UTF-8 without braces) at (row, col). */
int print_form_add_title(struct print_form *f, const char *text, int row, int col, int *index,
                         struct kwh_err *e);

/* Changes the width of field index (it must still hold its name and not overlap). */
int print_form_resize(struct print_form *f, int index, int width, struct kwh_err *e);

/* Changes the alignment of field index (a marked alignment needs one more column). */
int print_form_set_align(struct print_form *f, int index, enum print_align align,
                         struct kwh_err *e);

/* The form as text in the file syntax; the caller frees it. NULL when out of memory. */
char *print_form_format(const struct print_form *f);

/* Writes the form to path atomically, in the file syntax. */
int print_form_save(const struct print_form *f, const char *path, struct kwh_err *e);

/* Whether a and b describe the same page (header, titles, fields). */
bool print_form_equal(const struct print_form *a, const struct print_form *b);

/* ---- form files: last good form, backup (保存发票格式), restore (恢复发票格式) ---- */

struct print_form_loader;

/* A loader for the form file at path (nothing is read yet); NULL when out of memory. */
struct print_form_loader *print_loader_new(const char *path);

/* Frees l and its form (NULL is fine). */
void print_loader_free(struct print_form_loader *l);

/* Reads the file when it changed since the last good read. Returns 1 when a new form
 * was taken, 0 when unchanged, negative (and keeps the last good form) when the file
 * is missing or bad. */
int print_loader_refresh(struct print_form_loader *l, struct kwh_err *e);

/* The last good form (borrowed, valid until the next refresh), or NULL. */
const struct print_form *print_loader_form(const struct print_form_loader *l);

/* Copies the form file at form_path into backup_dir (created if missing) as
 * NAME-YYYYMMDD-HHMMSS.form for `now`, after checking it parses; the new file's
 * path goes to out (size n). */
int print_form_backup(const char *form_path, const char *backup_dir, time_t now, char *out,
                      size_t n, struct kwh_err *e);

/* The backups of form_path's name in backup_dir, newest first: *names is a
 * NULL-terminated array of file names the caller frees with print_form_backups_free. */
int print_form_backups(const char *backup_dir, const char *form_path, char ***names, int *count,
                       struct kwh_err *e);

/* Frees a list from print_form_backups (NULL is fine). */
void print_form_backups_free(char **names);

/* Replaces form_path with backup_path atomically, only if the backup parses. */
int print_form_restore(const char *backup_path, const char *form_path, struct kwh_err *e);

/* ---- the rendered page ------------------------------------------------------------- */

/* A bar chart under a page's text (a report's sales per day or per month): one bar a
 * label, values in hundredths (kWh or yuan; refunds may make one negative). Drawn in a
 * PDF only; a text printer has the report's table. */
#define PRINT_CHART_MAX 1000 /* bars */
#define PRINT_CHARTS_MAX 4   /* charts on a page */
struct print_chart {
    char title[96];
    int n;
    char (*labels)[16]; /* n labels, owned */
    int64_t *values;    /* n values, owned */
};

/* A page as text lines of UTF-8 (no trailing spaces), each at most `width` columns. */
struct print_page {
    int width;
    int nlines;
    char **lines;
    int font_size;          /* points, for PDF */
    int overflows;          /* values that did not fit their fields */
    char note[KWH_ERR_MSG]; /* names the first of them, for the clerk or the designer */
    int ncharts;            /* charts drawn under the text (PDF) */
    struct print_chart charts[PRINT_CHARTS_MAX];
};

/* Renders form f with values v into a new page the caller frees. */
int print_render(const struct print_form *f, const struct print_vars *v, struct print_page **out,
                 struct kwh_err *e);

/* A page of the given text (reports): lines split at '\n', tabs expanded to 8
 * columns, control characters dropped, width = widest line. */
int print_page_from_text(const char *text, struct print_page **out, struct kwh_err *e);

/* Adds a bar chart of n bars (labels[i], values[i] in hundredths) under p's text: copied.
 * KWH_EINVAL past PRINT_CHARTS_MAX charts or PRINT_CHART_MAX bars. */
int print_page_add_chart(struct print_page *p, const char *title, int n, const char *const *labels,
                         const int64_t *values, struct kwh_err *e);

/* Frees p (NULL is fine). */
void print_page_free(struct print_page *p);

/* ---- output ------------------------------------------------------------------------ */

enum print_encoding { PRINT_GB18030, PRINT_UTF8 };

struct print_raw_opts {
    enum print_encoding encoding;
    bool crlf;           /* end lines with CR LF (dot-matrix) instead of LF */
    bool escpos_init;    /* ESC @ before the page */
    bool escpos_chinese; /* FS & after init: Chinese character mode */
    bool escpos_cut;     /* feed_lines blank lines, then GS V 66 0 (feed and cut) */
    int feed_lines;      /* blank lines after the page (before the cut) */
    bool form_feed;      /* FF after the page (dot-matrix continuous paper) */
};

/* Defaults: GB18030, CR LF, no ESC/POS, no feed, no form feed. */
void print_raw_opts_default(struct print_raw_opts *o);

/* Encodes p as printer bytes into a heap buffer (*out, *len) the caller frees. */
int print_raw_encode(const struct print_page *p, const struct print_raw_opts *o, char **out,
                     size_t *len, struct kwh_err *e);

struct print_pdf_opts {
    const char *font; /* Pango family, default "AR PL UMing CN" */
    int font_size;    /* points; 0 = the page's */
    int margin;       /* points around the grid */
};

/* Defaults: AR PL UMing CN, the page's size, 18 pt margins. */
void print_pdf_opts_default(struct print_pdf_opts *o);

/* Draws p on one PDF page sized to it (a cell is half the font size wide) into a
 * heap buffer the caller frees. */
int print_pdf_render(const struct print_page *p, const struct print_pdf_opts *o, char **out,
                     size_t *len, struct kwh_err *e);

/* Why a print job failed, in kwh_err.detail. */
enum print_fail {
    PRINT_FAIL_NONE = 0,
    PRINT_FAIL_NO_QUEUE,  /* no such queue on the server */
    PRINT_FAIL_SERVER,    /* the print server cannot be reached or refused the request */
    PRINT_FAIL_STOPPED,   /* the queue is stopped (paused) */
    PRINT_FAIL_REJECTING, /* the queue does not accept jobs */
    PRINT_FAIL_ABORTED,   /* the job was aborted (printer or filter failure) */
    PRINT_FAIL_CANCELED,  /* the job was canceled */
    PRINT_FAIL_TIMEOUT,   /* not printed in time; the job was canceled */
    /* the printer had the whole page (CUPS sent it and waited for the printer to say it
       was done) but the job did not finish in time, or was canceled then: it may well
       have printed */
    PRINT_FAIL_SENT,
    /* the print server stopped answering after the job was created: the job may still
       print (when the server is back), or not; print_job_check tells later */
    PRINT_FAIL_LOST,
};

struct print_job_opts {
    const char *queue;  /* CUPS queue name */
    const char *server; /* NULL = CUPS default (CUPS_SERVER, client.conf) */
    const char *title;  /* job name, e.g. the invoice number */
    int timeout_ms;     /* per request to the server; 0 = 10 s */
    int wait_ms;        /* wait this long for the job to finish; 0 = do not wait */
    /* NULL, or called once the job exists and before its data is sent; non-zero stops
       the job (it is canceled) with that error */
    int (*created)(void *ctx, int job_id, struct kwh_err *e);
    void *ctx;
};

/* Submits len bytes of `format` ("application/vnd.cups-raw", "application/pdf") to
 * the queue; *job_id (may be NULL) receives the job number. With wait_ms, the job is
 * sent with job-cancel-after (CUPS cancels it by itself if it runs longer, even if this
 * program is gone), followed until it completes, and canceled when it fails or does not
 * finish in time. Failures set e->detail to an enum print_fail. */
int print_submit(const struct print_job_opts *o, const char *format, const void *data, size_t len,
                 int *job_id, struct kwh_err *e);

/* What became of a job (print_job_check). */
enum print_job_outcome {
    PRINT_JOB_PRINTED,     /* completed */
    PRINT_JOB_SENT,        /* the printer had the whole page: possibly printed */
    PRINT_JOB_NOT_PRINTED, /* canceled, aborted or stopped before its data went out */
    PRINT_JOB_UNKNOWN,     /* the server no longer knows the job */
};

/* Looks job_id up on o's server and queue; a job still waiting (or printing, but not
 * sent whole yet) is canceled first, so that it cannot print later by surprise, and
 * reported PRINT_JOB_NOT_PRINTED once CUPS says it is canceled. KWH_EIO when the
 * server cannot be asked (the job stays as it is). */
int print_job_check(const struct print_job_opts *o, int job_id, int *outcome, struct kwh_err *e);

/* Loads the printing module (CUPS and PDF, kwhpos-print.so) now, if it is not loaded
 * yet: print_submit and print_pdf_render load it on first use; a caller that must not
 * start something it cannot finish (a counted 补打 copy) asks first. */
int print_module_ready(struct kwh_err *e);

enum print_format { PRINT_RAW, PRINT_PDF };

struct print_output {
    enum print_format format;
    struct print_raw_opts raw;
    struct print_pdf_opts pdf;
};

/* Defaults for both formats, raw selected. */
void print_output_default(struct print_output *o);

/* The bytes for p in o's format (raw or PDF); the caller frees *out. */
int print_output_bytes(const struct print_page *p, const struct print_output *o, char **out,
                       size_t *len, struct kwh_err *e);

/* Writes p in o's format to path atomically (export, tests). */
int print_output_file(const struct print_page *p, const struct print_output *o, const char *path,
                      struct kwh_err *e);

/* Prints p in o's format through CUPS (see print_submit). */
int print_output_queue(const struct print_page *p, const struct print_output *o,
                       const struct print_job_opts *j, int *job_id, struct kwh_err *e);

#endif
