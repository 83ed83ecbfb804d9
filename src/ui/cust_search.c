/* SPDX-License-Identifier: Apache-2.0 */
/* Finding a customer (issue 14 §5): one box wherever an account is chosen (F3) takes a
 * customer or meter number, a phone, part of a name or address, or the pinyin initials
 * of the name; several matches are a list to pick from, with each account's area, a
 * page at a time. The core searches (search_customers) within the operator's areas. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/oversight.h"
#include "kwhpos/core.h"
#include "kwhpos/query.h"
#include "kwhpos/util.h"
#include "ui/area_pick.h"
#include "ui/parts.h"

#define PICK_PAGE 100
#define PICK_PAGES 1000 /* pages a list can go forward */

struct pick {
    const char *text;
    struct kwh_search_page page;
    int64_t after[PICK_PAGES]; /* the key each page starts after */
    int pageno;
    struct list l;
    struct area_pick ap;
    struct field af; /* the area choice ap fills (only its list is used) */
};

static const struct list_col pick_cols[] = {
    {N_("Cust. no."), 9, false}, {N_("Name"), 10, false},  {N_("Meter no."), 9, false},
    {N_("Area"), 14, false},     {N_("Phone"), 11, false}, {N_("Address"), 11, false},
    {N_("Status"), 6, false},
};

static const char *area_title(const struct pick *p, int64_t id)
{
    for (int i = 0; i < p->ap.n; i++)
        if (p->ap.areas[i].id == id)
            return p->ap.areas[i].depth == 0 ? _("(whole site)") : p->ap.areas[i].title;
    return "";
}

static void pick_cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct pick *p = ctx;
    const struct kwh_customer *c = &p->page.rows[row];

    switch (col) {
    case 0: snprintf(buf, n, "%08" PRIu32, c->customer_no); break;
    case 1: snprintf(buf, n, "%s", c->name); break;
    case 2: snprintf(buf, n, "%08" PRIu32, c->meter.meter_no); break;
    case 3: snprintf(buf, n, "%s", area_title(p, c->area_id)); break;
    case 4: snprintf(buf, n, "%s", c->phone); break;
    case 5: snprintf(buf, n, "%s", c->address); break;
    default:
        snprintf(buf, n, "%s", query_customer_has_card(c) ? label_status(c->status) : _("No card"));
    }
}

static int pick_load(struct app *a, struct pick *p, int pageno)
{
    struct kwh_search_page pg;
    struct kwh_err e;

    kwh_err_clear(&e);
    if (search_customers(a->core, &a->s, p->text, false, p->after[pageno], PICK_PAGE, &pg, &e) <
        0) {
        app_error(a, &e);
        return -1;
    }
    search_page_fini(&p->page);
    p->page = pg;
    p->pageno = pageno;
    p->l.n = (int)pg.n;
    p->l.top = 0;
    if (pg.more && pg.n > 0 && pageno + 1 < PICK_PAGES)
        p->after[pageno + 1] = (int64_t)pg.rows[pg.n - 1].id;
    return 0;
}

static void pick_draw(struct app *a, struct pick *p)
{
    int y = UI_TOP, h = UI_ROWS - 2;
    char line[256];

    app_draw(a);
    for (int r = 1; r < UI_MSG_ROW; r++)
        draw_fill(stdscr, r, 0, COLS, theme_attr(CLR_NORMAL));
    snprintf(line, sizeof line, " %s", _("Choose the customer"));
    draw_text(stdscr, 1, 0, COLS, line, theme_attr(CLR_TITLE));
    snprintf(line, sizeof line, _("Found for \"%s\": page %d, %zu accounts%s"), p->text,
             p->pageno + 1, p->page.n, p->page.more ? _(", more on the next page (PgDn)") : "");
    draw_text(stdscr, y, 2, COLS - 4, line, theme_attr(CLR_INFO));
    list_draw(&p->l, y + 1, 2, h, pick_cols, (int)KWH_ARRAY_LEN(pick_cols), pick_cell, p, true);
    draw_text(stdscr, UI_MSG_ROW, 0, COLS,
              _("Enter: choose   Up/Down: select   PgDn/PgUp: next/previous page   F1: help   "
                "Esc: cancel"),
              theme_attr(CLR_INFO));
    /* the screen's keys do nothing while the list is up: its own are on the line above */
    draw_fill(stdscr, UI_HINT_ROW, 0, COLS, theme_attr(CLR_HINT_LABEL));
    wnoutrefresh(stdscr);
    doupdate();
}

/* The list of matches until one is chosen (true, *out) or Esc. */
static bool pick_run(struct app *a, struct pick *p, struct kwh_customer *out)
{
    int h = UI_ROWS - 2;

    for (;;) {
        wint_t ch;
        int type;

        pick_draw(a, p);
        type = ui_read(a, &ch);
        if (type == UI_KEY_ABORT || (type == OK && ch == 27))
            return false;
        if (type == KEY_CODE_YES && ch == KEY_F(1)) {
            dialog_message(a, _("Keys"),
                           _("Up, Down: select an account\n"
                             "Enter: take the selected account\n"
                             "PgDn past the last row: the next page; PgUp before the first: "
                             "the page before\n"
                             "Esc: back, with no account chosen\n"
                             "Type more in the box (F3 again) to narrow a long list"),
                           CLR_DIALOG);
            continue;
        }
        if ((type == OK && (ch == '\n' || ch == '\r')) ||
            (type == KEY_CODE_YES && ch == KEY_ENTER)) {
            if (p->l.n == 0)
                continue;
            *out = p->page.rows[p->l.sel];
            return true;
        }
        if (type == KEY_CODE_YES && (ch == KEY_NPAGE || ch == KEY_DOWN) && p->l.sel >= p->l.n - 1 &&
            p->page.more && p->pageno + 1 < PICK_PAGES) {
            if (pick_load(a, p, p->pageno + 1) == 0)
                p->l.sel = 0;
            continue;
        }
        if (type == KEY_CODE_YES && (ch == KEY_PPAGE || ch == KEY_UP) && p->l.sel == 0 &&
            p->pageno > 0) {
            if (pick_load(a, p, p->pageno - 1) == 0)
                p->l.sel = p->l.n - 1;
            continue;
        }
        list_key(&p->l, h, type, ch);
    }
}

/* Takes c as the screen's account. */
static void take(struct app *a, struct cust_ctx *cc, const struct kwh_customer *c)
{
    if (a->card_cc == cc)
        a->card_cc = NULL;
    memset(cc, 0, sizeof *cc);
    cc->have = true;
    cc->c = *c;
    app_msg(a, CLR_OK, "%s", _("Customer found."));
}

bool cust_find(struct app *a, struct cust_ctx *cc)
{
    struct field f[1] = {
        {.label = N_("Number, phone, name, address or initials"),
         .kind = FK_TEXT,
         .row = 0,
         .maxlen = 60,
         .required = true},
    };
    struct pick *p;
    struct kwh_err e;
    struct kwh_customer c;
    char text[LEDIT_CAP];
    bool found = false, number = false;

    if (!dialog_form(a, _("Find a customer"), f, 1))
        return false;
    str_copy(text, sizeof text, form_text(&(const struct form){.f = f, .n = 1}, 0));
    /* a number of up to 8 digits is first the customer's or the meter's number:
       ambiguity and the operator's areas are the core's to say; else part of a phone */
    if (strlen(text) <= 8 && str_is_digits(text, strlen(text)) && strtoul(text, NULL, 10) > 0) {
        kwh_err_clear(&e);
        if (account_lookup_number(a->core, &a->s, (uint32_t)strtoul(text, NULL, 10), &c, &e) == 0) {
            take(a, cc, &c);
            return true;
        }
        if (e.code != KWH_ENOTFOUND) {
            app_error(a, &e);
            return false;
        }
        number = true; /* if the search finds nothing either, e says it all */
    }
    p = calloc(1, sizeof *p);
    if (p == NULL) {
        app_msg(a, CLR_ERROR, "%s", _("Out of memory."));
        return false;
    }
    p->text = text;
    p->ap.all = false;
    area_pick_load(a, &p->ap, &p->af, 0);
    if (pick_load(a, p, 0) == 0) {
        if (p->page.n == 0 && number)
            app_error(a, &e);
        else if (p->page.n == 0)
            app_msg(a, CLR_WARN, _("No customer matches \"%s\"."), text);
        else if (p->page.n == 1 && !p->page.more)
            take(a, cc, &p->page.rows[0]), found = true;
        else if (pick_run(a, p, &c))
            take(a, cc, &c), found = true;
        else
            app_msg(a, CLR_INFO, "%s", _("No customer chosen."));
    }
    search_page_fini(&p->page);
    area_pick_fini(&p->ap);
    free(p);
    app_draw(a);
    return found;
}
