/* SPDX-License-Identifier: Apache-2.0 */
/* Oversight (SPEC B10, B13, C1): the area tree and the operators' scope, the card
 * blacklist, and the customer search.
 *
 * The scope rule is one rule, in the core (scope.c): an operator limited to one or more
 * subtrees of the area tree is refused every operation and every query on an account
 * outside them, and the lists and reports they get hold only their areas. An operator
 * with no subtree (every operator until one is given) is unrestricted. */
#ifndef KWHPOS_OVERSIGHT_H
#define KWHPOS_OVERSIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kwhpos/core.h"
#include "kwhpos/query.h"

/* --- the area tree (area.c) ----------------------------------------------------------- */

#define KWH_AREA_DEPTH 6 /* levels below the root: 园区 / 楼栋 / 单元 / 房间 ... */
#define KWH_AREA_PATH_MAX 512

struct kwh_area {
    int64_t id;
    int64_t parent_id; /* 0 for the root */
    char name[KWH_NAME_MAX];
    int depth;                     /* 0 for the root */
    char title[KWH_AREA_PATH_MAX]; /* "园区A/1栋/2单元" (the root: "") */
    int64_t accounts;              /* accounts (open and refunded) in it and below */
};

/* Every area, the root first, each followed by its subtree (children by name); an
 * operator limited to subtrees gets only those. *out is caller-freed. */
int area_list(struct kwh_core *c, const struct kwh_session *s, struct kwh_area **out, size_t *n,
              struct kwh_err *e);
/* An area by its id or its title ("园区A/1栋"; "/" or "" is the root). */
int area_find(struct kwh_core *c, const char *text, struct kwh_area *out, struct kwh_err *e);
/* Admin: a new area under parent (0: the root). Names: 1-63 bytes, one line, no '/'. */
int area_add(struct kwh_core *c, const struct kwh_session *s, int64_t parent, const char *name,
             int64_t *id, struct kwh_err *e);
int area_rename(struct kwh_core *c, const struct kwh_session *s, int64_t id, const char *name,
                struct kwh_err *e);
/* Moves an area (and its subtree) under another: refused into its own subtree (a cycle)
 * or deeper than KWH_AREA_DEPTH. */
int area_move(struct kwh_core *c, const struct kwh_session *s, int64_t id, int64_t parent,
              struct kwh_err *e);
/* Refused while any account (closed ones too: their history names it), area or operator
 * scope is in it. */
int area_delete(struct kwh_core *c, const struct kwh_session *s, int64_t id, struct kwh_err *e);
/* Admin: moves an account to another area (audited). */
int area_assign(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                int64_t area_id, struct kwh_err *e);

/* --- per area (report_area.c) --------------------------------------------------------- */

/* One area of the breakdown: its own subtree's totals. */
struct kwh_area_row {
    struct kwh_area area;
    int64_t accounts;             /* open and refunded */
    int64_t balance_ckwh;         /* their balance */
    int64_t balance_fen;          /* valued at each tariff's current price */
    struct kwh_sale_totals sales; /* the period's settled sales */
    int64_t arrears_fen;          /* what the accounts owe now (closed ones too) */
    bool own; /* report_area_children: the accounts directly in the area, not below it */
};

/* Which part of the breakdown. */
struct kwh_area_q {
    int64_t area_id;           /* 0: every area the session may see */
    const char *operator_name; /* only this operator's sales (NULL or "": everyone's); the
                                  balance and arrears stay the accounts' */
};

/* The per-area breakdown of period: every area the session may see (area_list's order),
 * each with the totals of its subtree. *out is caller-freed. */
int report_areas(struct kwh_core *c, const struct kwh_session *s, const struct kwh_period *period,
                 struct kwh_area_row **out, size_t *n, struct kwh_err *e);
/* The same for q (NULL: as report_areas): q's area and its subtree in the tree's order;
 * an area outside the session's areas is KWH_EPERM, an unknown one or operator
 * KWH_ENOTFOUND. */
int report_areas_q(struct kwh_core *c, const struct kwh_session *s, const struct kwh_period *period,
                   const struct kwh_area_q *q, struct kwh_area_row **out, size_t *n,
                   struct kwh_err *e);
/* One level of the breakdown, as a site manager walks it: a row per child of q's area
 * (by name), each with its subtree's totals, then a row (own) for the accounts directly
 * in the area when there are any; *total is the whole area. With no area: the children
 * of the whole site, or for an operator limited to areas the tops of their subtrees
 * (and *total their sum). Refusals as report_areas_q. *out is caller-freed. */
int report_area_children(struct kwh_core *c, const struct kwh_session *s,
                         const struct kwh_period *period, const struct kwh_area_q *q,
                         struct kwh_area_row **out, size_t *n, struct kwh_area_row *total,
                         struct kwh_err *e);

/* --- the operators' scope (scope.c) ----------------------------------------------------- */

#define KWH_SCOPE_MAX 16

/* Admin: limits operator name to the subtrees areas (n = 0: unrestricted). */
int scope_set(struct kwh_core *c, const struct kwh_session *s, const char *name,
              const int64_t *areas, size_t n, struct kwh_err *e);
/* The subtrees operator name is limited to (*n = 0: unrestricted); a seller only their
 * own. */
int scope_get(struct kwh_core *c, const struct kwh_session *s, const char *name, int64_t *areas,
              size_t max, size_t *n, struct kwh_err *e);
/* The rule: 0 when the session may act on an account in area_id, else KWH_EPERM naming
 * the account's area. */
int scope_permit(struct kwh_core *c, const struct kwh_session *s, int64_t area_id,
                 struct kwh_err *e);

/* --- lost and replaced cards (cardmark.c) ---------------------------------------------- */

enum kwh_mark {
    KWH_MARK_REPLACED = 1, /* a reissue (补卡) replaced it */
    KWH_MARK_LOST = 2,     /* reported lost (挂失) */
};

struct kwh_card_mark {
    uint8_t serial[KWH_SERIAL_LEN];
    int reason; /* enum kwh_mark */
    int64_t marked;
    int64_t replaced; /* when a reissue replaced it (0: not yet) */
    uint32_t customer_no;
    char customer_name[KWH_TEXT_MAX];
    char operator_name[KWH_NAME_MAX];
    int64_t attempts; /* presented at the counter since */
    int64_t last_attempt;
};

/* Reports the account's current card lost: it is refused at the counter from now on,
 * until a reissue replaces it or the card is wiped. */
int card_mark_lost(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                   struct kwh_err *e);
/* Admin: a card reported lost was found again: it comes off the list (a card a reissue
 * replaced never does, but for a wipe). */
int card_mark_found(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                    struct kwh_err *e);
/* The blacklist, newest first (within the session's scope). *out is caller-freed. */
int card_marks_list(struct kwh_core *c, const struct kwh_session *s, struct kwh_card_mark **out,
                    size_t *n, struct kwh_err *e);
const char *card_mark_name(int reason); /* "replaced", "lost" */

/* --- the customer search (search.c) ----------------------------------------------------- */

/* One box for everything: an 8-digit customer or meter number, a phone, any part of a
 * name or address (3 characters or more; shorter text matches the start of the name or
 * of its pinyin initials), or the pinyin initials of the name (zs -> 张三, zsf -> 张三
 * 丰). A page of at most limit accounts (closed ones too when include_closed), within
 * the session's scope. */
struct kwh_search_page {
    struct kwh_customer *rows; /* owned: search_page_fini */
    size_t n;
    bool more; /* more accounts match: ask again with after = the last row's id (a text of
                  1 or 2 characters has one page only: a longer text narrows it) */
};
int search_customers(struct kwh_core *c, const struct kwh_session *s, const char *text,
                     bool include_closed, int64_t after, int64_t limit, struct kwh_search_page *out,
                     struct kwh_err *e);
void search_page_fini(struct kwh_search_page *p); /* accepts NULL */

/* --- anomalies from what cards bring back (anomaly.c) ----------------------------------- */

enum kwh_anomaly_kind {
    KWH_ANOM_UNLOADED,  /* the last purchase not in the meter after days */
    KWH_ANOM_IDLE,      /* an open account without a purchase for days */
    KWH_ANOM_BACKWARDS, /* a meter's total used or bought lower than at its report before */
    KWH_ANOM_COPY,      /* a card seen older than at its previous read (a copy) */
    KWH_ANOM_OUTLIER,   /* energy used far above the median of the account's area */
    KWH_ANOM_PSC,       /* a card read with its PSC error counter below 3 (wrong PSCs tried) */
    KWH_ANOM_COUNT
};

struct kwh_anomaly_filter {
    int days;     /* UNLOADED, IDLE: the threshold in days; OUTLIER: the period, days to now */
    int factor;   /* OUTLIER: flagged above factor x the area's median (at least 2) */
    bool by_area; /* accounts in this area and below */
    int64_t area_id;
};

/* One finding. when: UNLOADED the last purchase, IDLE the last purchase (or the opening),
 * BACKWARDS and COPY the read that saw it, OUTLIER the last read. a, b, c, d: UNLOADED
 * the purchase count on the card and the count the meter last reported; BACKWARDS the
 * total used before and now, the total bought before and now (ckwh); COPY the purchase
 * count seen and the one seen before, the meter's report time and the one before;
 * OUTLIER the energy used (ckwh), the area's median (ckwh), the reads; PSC the tries left
 * the read saw (0-2) and the card's purchase count. */
struct kwh_anomaly {
    int kind;
    uint32_t customer_no;
    char name[KWH_TEXT_MAX];
    uint32_t meter_no;
    int64_t area_id;
    char area[KWH_AREA_PATH_MAX];
    int64_t when;
    int64_t days; /* since when */
    int64_t a, b, c, d;
};

/* The findings of one kind within the session's scope (and f's area), oldest first
 * (OUTLIER: the largest first). Thresholds below 1 day (OUTLIER: a factor below 2) are
 * refused. *out caller-freed. */
int anomaly_find(struct kwh_core *c, const struct kwh_session *s, int kind,
                 const struct kwh_anomaly_filter *f, struct kwh_anomaly **out, size_t *n,
                 struct kwh_err *e);
/* "unloaded", "idle", "backwards", "copies", "outliers", "psc" and back (-1: none). */
const char *anomaly_name(int kind);
int anomaly_parse(const char *name);

#endif
