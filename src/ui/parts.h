/* SPDX-License-Identifier: Apache-2.0 */
/* Pieces several screens share: the account found by card or by number and its
 * display, the meter-parameter fields and the purchase fields. Internal to src/ui. */
#ifndef KWH_UI_PARTS_H
#define KWH_UI_PARTS_H

#include "kwhpos/plan.h" /* the card as read, the requests: types only */
#include "ui/tariff_pick.h"
#include "ui/widgets.h"

/* The account a screen works on. */
struct cust_ctx {
    bool have;
    bool from_card;
    struct kwh_customer c;
    struct kwh_card_view view; /* valid when from_card */
};

/* F2: reads the card (cardview_read); true when it is a user card with an account. The
 * screen's account then follows the card: taken out, it goes (cust_card_removed). */
bool cust_read_card(struct app *a, struct cust_ctx *cc);
/* The card in the reader was taken out: the account read from it leaves the screen. */
void cust_card_removed(struct app *a);
/* F3: one search box (a customer or meter number, a phone, part of a name or address,
 * pinyin initials); several matches are a list to choose from (cust_search.c). */
bool cust_find(struct app *a, struct cust_ctx *cc);
/* Draws the account from row y on; returns the rows used. */
int cust_draw(struct app *a, const struct cust_ctx *cc, int y);
/* Draws the account in two lines at row y (for screens with many fields). */
void cust_summary(struct app *a, const struct cust_ctx *cc, int y);
/* Reloads the account after a change (by customer number). */
void cust_reload(struct app *a, struct cust_ctx *cc);
/* Shows every detail of an account in a dialog. */
void cust_details(struct app *a, const struct kwh_customer *c);
/* Describes a card for the status line. */
void cust_card_desc(const struct kwh_card *card, char *buf, size_t n);

/* The keys of a form that needs the account first: without one, need_msg (translated)
 * on the message line. */
int cust_form_key(struct app *a, const struct cust_ctx *cc, struct form *fm, int type, wint_t ch,
                  const char *need_msg);
/* Whether the account is there (else need_msg) and the form's fields are valid. */
bool cust_form_ready(struct app *a, const struct cust_ctx *cc, struct form *fm,
                     const char *need_msg);

/* Account fields: name, address, phone, tariff (column 0, rows 0-3). */
enum { AF_NAME, AF_ADDR, AF_PHONE, AF_TARIFF, AF_COUNT };
/* Fills f[0..AF_COUNT) with the tariffs loaded into tp. */
void account_fields_init(struct app *a, struct field *f, struct tariff_pick *tp);
/* Shows account c in the fields at base. */
void account_fields_set(struct app *a, struct form *fm, int base, struct tariff_pick *tp,
                        const struct kwh_customer *c);
/* The fields' values into req (name, address, phone, tariff). */
void account_fields_get(const struct form *fm, int base, const struct tariff_pick *tp,
                        struct kwh_account_req *req);

/* Meter fields: number, type, rating, limit, alarm, overdraft, hoard, CT ratio. */
enum { MF_NO, MF_TYPE, MF_RATING, MF_LIMIT, MF_ALARM, MF_OVERDRAFT, MF_HOARD, MF_CT, MF_COUNT };
/* Fills f[0..MF_COUNT) in column col from row0 with defaults. */
void meter_fields_init(struct field *f, int row0, int col);
void meter_fields_set(struct form *fm, int base, const struct kwh_meter *m);
void meter_fields_get(const struct form *fm, int base, struct kwh_meter *m);
/* Shows the CT ratio only for 三相互感. */
void meter_fields_sync(struct field *f);

/* Purchase fields: settlement mode, amount or kWh, adjustment kWh, payment method. */
enum { PF_MODE, PF_VALUE, PF_ADJUST, PF_PAY, PF_REF, PF_COUNT };
void purchase_fields_init(struct field *f, int row0, int col, bool with_adjust);
/* Makes the value field match the mode (money or kWh). */
void purchase_fields_sync(struct field *f);
/* Switches between amount and kWh (F4). */
void purchase_fields_toggle(struct field *f);
/* The request from validated fields; mode KWH_BY_NONE when the value is empty or 0. */
void purchase_fields_get(const struct form *fm, int base, struct kwh_purchase_req *p);

/* The last receipt of a screen, for F7. */
struct last_receipt {
    bool have;
    struct kwh_receipt r;
};
/* Keeps r for F7, shows it in a dialog under title (NULL: not shown), and prints it at
 * once with [print] auto. */
void receipt_keep(struct app *a, struct last_receipt *k, const struct kwh_receipt *r,
                  const char *title);

/* F7: prints the last receipt, or says there is none yet. */
void receipt_print_last(struct app *a, const struct last_receipt *k);

/* "none", "12.50 kWh" or "50.00 yuan" (translated) into buf. */
const char *purchase_desc(const struct kwh_purchase_req *p, char *buf, size_t n);
/* F4 (amount/kWh) and F7 (print the last receipt) of a screen with purchase fields at
 * base in fm; UI_IGNORED for other actions. */
int purchase_action(struct app *a, struct form *fm, int base, const struct last_receipt *last,
                    int act);

/* Adds the lines of a receipt to p, for a confirmation or result dialog. */
void receipt_lines(const struct kwh_receipt *r, struct pairs *p);
/* Shows one sale (a row of a query) in a dialog. */
void sale_details(struct app *a, const struct kwh_sale *sale);
/* Shows a finished operation's receipt; F7 on the screen prints it again later. */
void receipt_show(struct app *a, const char *title, const struct kwh_receipt *r);
/* Prints r, reporting the outcome on the message line. */
void receipt_print(struct app *a, const struct kwh_receipt *r);

/* The lines of a plan for its confirmation: what will be written and recorded. */
void plan_lines(const struct kwh_plan_view *v, struct pairs *p);
/* Shows plan (owned; freed here) under title with question, and commits that same plan
 * when confirmed: 1 committed (r filled), 0 cancelled (said so), < 0 refused or failed
 * (shown). */
int plan_confirm_commit(struct app *a, struct kwh_plan *plan, const char *title,
                        const char *question, struct kwh_receipt *r);
/* Shows the error of a plan that could not be made (rc < 0); returns rc. */
int plan_made(struct app *a, int rc, const struct kwh_err *e);

#endif
