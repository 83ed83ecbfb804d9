/* SPDX-License-Identifier: Apache-2.0 */
/* Queries and reports (M20-M25, B7) and the periods of local time they cover.
 *
 * Every query takes the session and checks the role itself: both roles may query
 * (manual 九), a seller sees only their own shift. Inputs are validated (bad dates, a
 * period that ends before it begins, a negative page) with a clear error and nothing
 * done. Money in fen, energy in 0.01 kWh, times in Unix seconds (model.h). */
#ifndef KWHPOS_QUERY_H
#define KWHPOS_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kwhpos/core.h"

/* --- periods of local time (period.c) ------------------------------------------------ */

/* [from, to) in Unix seconds. */
struct kwh_period {
    int64_t from;
    int64_t to;
};

/* Parses a local "YYYY-MM-DD", "YYYY-MM" or "YYYY-MM-DD HH:MM[:SS]": *start is when it
 * begins, *end when it ends (the next day or month; the instant itself for a time). */
int period_parse(const char *text, int64_t *start, int64_t *end, struct kwh_err *e);
/* The period from two texts (either may be NULL or ""): from the start of `from` to the
 * end of `to`; no `to` = the end of today, no `from` = the start of `to`'s day; neither =
 * today. Refuses a period that ends before it begins. */
int period_from_text(const char *from, const char *to, int64_t now, struct kwh_period *out,
                     struct kwh_err *e);
/* The local day and the local month containing t. */
struct kwh_period period_day(int64_t t);
struct kwh_period period_month(int64_t t);
/* "YYYY-MM-DD", "YYYY-MM" and "YYYY-MM-DD HH:MM:SS" of t in local time (buf >= 20). */
void period_format_day(int64_t t, char *buf, size_t n);
void period_format_month(int64_t t, char *buf, size_t n);
void period_format_time(int64_t t, char *buf, size_t n);

/* --- M20 用户信息查询 (query.c) ------------------------------------------------------- */

#define KWH_PAGE_MAX 10000 /* rows a page may ask for */
#define KWH_PAGE_DEFAULT 100

/* Each filter has its own on/off, as the manual's check boxes. None on = all accounts
 * that are not closed (open and refunded). Text filters match anywhere in the field. */
struct kwh_customer_filter {
    bool by_customer_no;
    uint32_t customer_no;
    bool by_meter_no;
    uint32_t meter_no;
    bool by_name;
    char name[KWH_TEXT_MAX];
    bool by_tariff;
    int64_t tariff_id;
    bool by_address;
    char address[KWH_ADDR_MAX];
    bool by_last_purchase;
    struct kwh_period last_purchase;
    bool include_closed; /* closed accounts too (销户 history) */
    bool by_area;        /* accounts in this area and below (kwhpos/oversight.h) */
    int64_t area_id;
    int64_t limit; /* 0 = KWH_PAGE_DEFAULT */
    int64_t offset;
    uint32_t after_no; /* paging by key: customer numbers above this (the last one shown) */
};

/* A page of accounts, ordered by customer number, and how many match in all. */
struct kwh_customer_page {
    struct kwh_customer *rows; /* owned: query_customer_page_fini */
    size_t n;
    int64_t total;
};

int query_customers(struct kwh_core *c, const struct kwh_session *s,
                    const struct kwh_customer_filter *f, struct kwh_customer_page *out,
                    struct kwh_err *e);
void query_customer_page_fini(struct kwh_customer_page *p); /* accepts NULL */
/* Calls fn for every matching account (no paging) in customer-number order; stops when
 * fn returns non-zero, which is returned. For exports. */
int query_customers_each(struct kwh_core *c, const struct kwh_session *s,
                         const struct kwh_customer_filter *f,
                         int (*fn)(void *ctx, const struct kwh_customer *cu), void *ctx,
                         struct kwh_err *e);
/* Whether the account has ever had a card (an imported account has none until its first
 * card is issued). */
bool query_customer_has_card(const struct kwh_customer *cu);

/* --- M21 购电电量查询 (query.c, report.c) --------------------------------------------- */

/* The settled (done) money movements of the period: sales, re-sales, openings, reissues,
 * meter changes, refunds (negative). No date filter = today. */
struct kwh_sale_filter {
    bool by_date;
    struct kwh_period period;
    bool by_operator;
    char operator_name[KWH_NAME_MAX]; /* deleted operators are found by name too */
    bool by_customer_no;
    uint32_t customer_no;
    bool by_name;
    char name[KWH_TEXT_MAX]; /* the account's name contains it */
    bool by_meter_no;
    uint32_t meter_no; /* accounts that have this meter number */
    bool by_area;      /* accounts in this area and below */
    int64_t area_id;
    int64_t limit; /* 0 = KWH_PAGE_DEFAULT */
    int64_t offset;
};

struct kwh_sale_totals {
    int64_t count;
    int64_t energy_ckwh; /* paid energy (refunds negative) */
    int64_t adjust_ckwh;
    int64_t free_ckwh;
    int64_t amount_fen;  /* money for energy (refunds negative) */
    int64_t fee_fen;     /* fees: 补卡, service, monthly */
    int64_t arrears_fen; /* arrears recovered */
};

/* A page of sales, oldest first, with the totals over every matching sale. */
struct kwh_sale_page {
    struct kwh_sale *rows; /* owned: query_sale_page_fini */
    size_t n;
    struct kwh_sale_totals totals;
    struct kwh_period period; /* the period used (today when no date filter) */
};

int query_sales(struct kwh_core *c, const struct kwh_session *s, const struct kwh_sale_filter *f,
                struct kwh_sale_page *out, struct kwh_err *e);
void query_sale_page_fini(struct kwh_sale_page *p); /* accepts NULL */
/* Calls fn for every matching sale, oldest first (no paging). */
int query_sales_each(struct kwh_core *c, const struct kwh_session *s,
                     const struct kwh_sale_filter *f,
                     int (*fn)(void *ctx, const struct kwh_sale *sale), void *ctx,
                     struct kwh_err *e);

enum kwh_group {
    KWH_GROUP_PERIOD = 0, /* one row: the whole period (段时期报表) */
    KWH_GROUP_DAY = 1,    /* one row per local day (日报表) */
    KWH_GROUP_MONTH = 2,  /* one row per local month (月报表) */
};
#define KWH_REPORT_MAX_ROWS 4000

struct kwh_report_row {
    struct kwh_period period; /* the day, month or whole period of this row */
    struct kwh_sale_totals t;
};

/* A purchase report: rows per day or month (every day of the period, sales or not), the
 * totals, and the totals by kind and by payment method. */
struct kwh_sales_report {
    struct kwh_period period;
    int group;
    struct kwh_report_row *rows; /* owned: report_sales_fini */
    size_t n;
    struct kwh_sale_totals totals;
    struct kwh_sale_totals by_kind[KWH_OP_KINDS]; /* indexed by enum kwh_op_kind */
    struct kwh_sale_totals by_pay[KWH_PAY_COUNT];
};

/* The filter's limit and offset are ignored. A day or month period is widened to whole
 * days or months. */
int report_sales(struct kwh_core *c, const struct kwh_session *s, const struct kwh_sale_filter *f,
                 int group, struct kwh_sales_report *out, struct kwh_err *e);
void report_sales_fini(struct kwh_sales_report *r); /* accepts NULL */

/* kWh and money per tier, money per fee type, over the filter's period (whole hours: the
 * hourly summary) and operator (the account filters do not apply); *out caller-freed. */
int report_items(struct kwh_core *c, const struct kwh_session *s, const struct kwh_sale_filter *f,
                 struct kwh_item_total **out, size_t *n, struct kwh_err *e);

/* --- M22-M25 过户/销户/补卡/换表查询 (query.c) ----------------------------------------- */

enum kwh_event_kind {
    KWH_EV_REISSUE = KWH_OP_REISSUE,           /* 补卡 */
    KWH_EV_METER_CHANGE = KWH_OP_METER_CHANGE, /* 换表 */
    KWH_EV_TRANSFER = 101,                     /* 过户 */
    KWH_EV_CLOSE = 102,                        /* 销户 */
};

/* No date filter = today. Only what happened: a reissue or meter change whose card was
 * never written (void) or is not known yet (pending) is left out. */
struct kwh_event_filter {
    int kind; /* enum kwh_event_kind */
    bool by_date;
    struct kwh_period period;
    bool by_operator;
    char operator_name[KWH_NAME_MAX];
    bool by_area; /* accounts in this area and below */
    int64_t area_id;
    int64_t limit;
    int64_t offset;
};

struct kwh_event {
    int64_t id;
    int kind;
    int64_t created;
    uint32_t customer_no;
    char customer_name[KWH_TEXT_MAX];
    uint32_t meter_no; /* the account's meter now */
    char operator_name[KWH_NAME_MAX];
    int64_t fee_fen;  /* 补卡 fee */
    char before[512]; /* key=value text */
    char after[512];
};

struct kwh_event_page {
    struct kwh_event *rows; /* owned: query_event_page_fini */
    size_t n;
    int64_t total;
    struct kwh_period period;
};

int query_events(struct kwh_core *c, const struct kwh_session *s, const struct kwh_event_filter *f,
                 struct kwh_event_page *out, struct kwh_err *e);
void query_event_page_fini(struct kwh_event_page *p); /* accepts NULL */
/* "transfer", "close", "reissue", "meter-change"; and back (-1 when unknown). */
const char *query_event_name(int kind);
int query_event_parse(const char *name);

/* --- B7 交班 shift report (shift.c) --------------------------------------------------- */

/* Lines of the shift report: money by what was done. A re-sale counts its full amount and
 * the sale it replaced comes back as a return (negative), so a shift that re-sells an
 * earlier shift's sale is charged only the difference. */
enum kwh_shift_line {
    KWH_SHIFT_OPEN,          /* 开户购电 */
    KWH_SHIFT_SALE,          /* 日常售电 */
    KWH_SHIFT_RESALE,        /* 重新售电 */
    KWH_SHIFT_RESALE_RETURN, /* the replaced sales, returned */
    KWH_SHIFT_REISSUE,       /* 补卡: fee and any purchase */
    KWH_SHIFT_METER_CHANGE,  /* 换表 purchase */
    KWH_SHIFT_REFUND,        /* 退电 paid out (negative) */
    KWH_SHIFT_OWED,          /* 退电 of an overdrawn meter: the customer paid what was owed */
    KWH_SHIFT_REVERSAL,      /* 冲正: reversals and their corrections */
    KWH_SHIFT_LINES
};

struct kwh_shift_money {
    int64_t count;
    int64_t amount_fen; /* money for energy */
    int64_t fee_fen;
    int64_t total_fen; /* amount + fee + arrears recovered */
};

struct kwh_shift_report {
    int64_t shift_id; /* the closed shift, 0 for an open shift or a period */
    int64_t operator_id;
    char operator_name[KWH_NAME_MAX];
    int64_t from, to; /* the times it covers */
    struct kwh_shift_money lines[KWH_SHIFT_LINES];
    int64_t pay_in_fen[KWH_PAY_COUNT];  /* money taken, by payment method */
    int64_t pay_out_fen[KWH_PAY_COUNT]; /* money paid out (positive) */
    int64_t money_in_fen, money_out_fen, net_fen;
    int64_t expected_cash_fen; /* cash in minus cash out */
    bool counted;              /* a blind count was entered */
    int64_t counted_cash_fen;
    int64_t difference_fen;  /* counted - expected: negative = short */
    struct kwh_sale *voided; /* attempts that never reached the card (owned) */
    size_t nvoided;
    struct kwh_sale *pending; /* not known yet: listed until their card is read (owned) */
    size_t npending;
    struct kwh_anchor anchor; /* a closed shift: the audit chain's anchor at its close */
    size_t nrequests;         /* 冲正 requests of the operator waiting for an administrator */
    /* the money of each fee type (SPEC B11): what the lines' fees are made of, ref order;
     * the card fee (ref 0) named as fee_kind_label(KWH_FEE_CARD) (owned) */
    struct kwh_item_total *fees;
    size_t nfees;
};

/* The part of a shift in one area (SPEC B10): shift_period (p) or shift_current (p NULL)
 * with only the sales of the accounts in area_id and below; an area outside the
 * session's is KWH_EPERM, an unknown one KWH_ENOTFOUND. A view: closing a shift is
 * always the whole. */
int shift_in_area(struct kwh_core *c, const struct kwh_session *s, const char *operator_name,
                  const struct kwh_period *p, int64_t area_id, struct kwh_shift_report *out,
                  struct kwh_err *e);
/* The part of closed shift shift_id in one area (the 交班 screen's 区域, `report shift
 * --shift ID --in AREA`): its sales of the accounts in area_id and below, their lines
 * and cash; no count (counted false: the count is the whole drawer's). The rules of
 * shift_get and shift_in_area apply (another operator's shift is an administrator's; an
 * area outside the session's is KWH_EPERM). */
int shift_get_in_area(struct kwh_core *c, const struct kwh_session *s, int64_t shift_id,
                      int64_t area_id, struct kwh_shift_report *out, struct kwh_err *e);
/* The current (not yet closed) shift of an operator: everything since their last close.
 * operator_name NULL = the session's operator; a seller may ask only for themselves. */
int shift_current(struct kwh_core *c, const struct kwh_session *s, const char *operator_name,
                  struct kwh_shift_report *out, struct kwh_err *e);
/* An operator's money over a period (admin for another operator). */
int shift_period(struct kwh_core *c, const struct kwh_session *s, const char *operator_name,
                 const struct kwh_period *p, struct kwh_shift_report *out, struct kwh_err *e);
/* 交班 with a blind count: the session's operator enters the cash counted in the drawer
 * first; the shift is closed and its report returned with the difference. */
int shift_close(struct kwh_core *c, const struct kwh_session *s, int64_t counted_cash_fen,
                struct kwh_shift_report *out, struct kwh_err *e);
/* A closed shift again (for a reprint); a seller only their own. */
int shift_get(struct kwh_core *c, const struct kwh_session *s, int64_t shift_id,
              struct kwh_shift_report *out, struct kwh_err *e);
void shift_report_fini(struct kwh_shift_report *r); /* accepts NULL */

#endif
