/* SPDX-License-Identifier: Apache-2.0 */
/* The menu bar mirroring the manual's menus, filtered by role (M9): a seller sees only
 * what a seller may do; the core refuses the rest anyway. */
#include <panel.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/query.h"
#include "kwhpos/util.h"
#include "ui/widgets.h"

enum { ANY = 0, ADMIN = 1 };

struct menu_item {
    const char *label; /* msgid */
    const struct screen *screen;
    int arg;
    int who; /* ANY or ADMIN */
};

struct menu {
    const char *label;
    const struct menu_item *items;
    int n;
};

static const struct menu_item m_settings[] = {
    {N_("Card reader"), &scr_comm, 0, ANY},
    {N_("Unit name and phone"), &scr_unit, 0, ADMIN},
    {N_("Area code setting"), &scr_area, 0, ADMIN},
    {N_("Tariffs"), &scr_tariffs, 0, ADMIN},
    {N_("Operators"), &scr_operators, 0, ADMIN},
    {N_("Operator password"), &scr_password, 0, ANY},
    {N_("Invoice layout"), &scr_designer, 0, ANY},
    {N_("Monthly free energy and limits"), &scr_limits, 0, ADMIN},
    {N_("Fee settings"), &scr_fees, 0, ADMIN},
    {N_("Arrears"), &scr_arrears_all, 0, ADMIN},
    {N_("Areas"), &scr_areas, 0, ADMIN},
};
static const struct menu_item m_open[] = {
    {N_("Open account and first purchase"), &scr_open, 0, ANY},
    {N_("First card of an imported account"), &scr_issue_card, 0, ANY},
};
static const struct menu_item m_sell[] = {
    {N_("Daily sale"), &scr_sell, SELL_DAILY, ANY},
    {N_("Re-sale"), &scr_sell, SELL_RESALE, ANY},
    {N_("Card reissue"), &scr_reissue, 0, ANY},
    {N_("Reprint invoice"), &scr_reprint, 0, ANY},
};
static const struct menu_item m_purchase[] = {
    {N_("Make refund card"), &scr_refund_card, 0, ANY},
    {N_("Read refund card"), &scr_refund, 0, ANY},
    {N_("Meter change"), &scr_meter_change, 0, ADMIN},
    {N_("Reversal"), &scr_reversal, 0, ANY},
    {N_("Reversal requests"), &scr_reversal_requests, 0, ANY},
    {N_("Pending card writes"), &scr_pending, 0, ADMIN},
};
static const struct menu_item m_customer[] = {
    {N_("Ownership transfer"), &scr_transfer, 0, ANY},
    {N_("Close account"), &scr_close, 0, ANY},
    {N_("Edit customer"), &scr_edit, 0, ADMIN},
    {N_("Arrears of an account"), &scr_arrears, 0, ANY},
    {N_("Report card lost"), &scr_lost, 0, ANY},
};
static const struct menu_item m_query[] = {
    {N_("Customer information"), &scr_query_customers, 0, ANY},
    {N_("Purchase records"), &scr_query_sales, 0, ANY},
    {N_("Transfers"), &scr_query_events, KWH_EV_TRANSFER, ANY},
    {N_("Closed accounts"), &scr_query_events, KWH_EV_CLOSE, ANY},
    {N_("Reissued cards"), &scr_query_events, KWH_EV_REISSUE, ANY},
    {N_("Meter change records"), &scr_query_events, KWH_EV_METER_CHANGE, ANY},
    {N_("Total customer balance"), &scr_balance, 0, ANY},
    {N_("Shift handover"), &scr_shift, 0, ANY},
    {N_("Reconciliation"), &scr_query_recon, 0, ANY},
    {N_("Sales chart"), &scr_query_chart, 0, ANY},
    {N_("Anomalies"), &scr_query_anomalies, 0, ANY},
    {N_("Figures by area"), &scr_query_areas, 0, ANY},
};
static const struct menu_item m_files[] = {
    {N_("Back up data"), &scr_files_backup, 0, ANY},
    {N_("Restore data"), &scr_files_restore, 0, ANY},
    {N_("Restore invoice layout"), &scr_files_form_restore, 0, ADMIN},
};
static const struct menu_item m_tools[] = {
    {N_("Management card"), &scr_toolcard, KWH_CARD_MANAGEMENT, ADMIN},
    {N_("Clear card"), &scr_toolcard, KWH_CARD_CLEAR, ADMIN},
    {N_("Relay card"), &scr_toolcard, KWH_CARD_RELAY, ANY},
    {N_("Test card"), &scr_toolcard, KWH_CARD_TEST, ADMIN},
    {N_("Read or wipe a card"), &scr_readwipe, 0, ANY},
};

#define M(label, items)                                                                            \
    {                                                                                              \
        label, items, (int)KWH_ARRAY_LEN(items)                                                    \
    }
static const struct menu menus[] = {
    M(N_("System"), m_settings),    M(N_("New account"), m_open),   M(N_("Sell"), m_sell),
    M(N_("Purchases"), m_purchase), M(N_("Customers"), m_customer), M(N_("Queries"), m_query),
    M(N_("Files"), m_files),        M(N_("Tools"), m_tools),
};
#define NMENUS ((int)KWH_ARRAY_LEN(menus))

static bool visible(const struct app *a, const struct menu_item *it)
{
    return it->who == ANY || app_is_admin(a);
}

/* The visible items of menu m into out; returns how many. */
static int visible_items(const struct app *a, int m, const struct menu_item **out)
{
    int n = 0;

    for (int i = 0; i < menus[m].n; i++)
        if (visible(a, &menus[m].items[i]))
            out[n++] = &menus[m].items[i];
    return n;
}

static int bar_x(int m)
{
    int x = 1;

    for (int i = 0; i < m; i++)
        x += utf8_width(_(menus[i].label)) + 2;
    return x;
}

static void draw_bar(const struct app *a, int open)
{
    draw_fill(stdscr, 0, 0, COLS, theme_attr(CLR_MENUBAR));
    if (!a->logged_in)
        return;
    for (int m = 0; m < NMENUS; m++) {
        char digit[16];
        int x = bar_x(m);
        int role = m == open ? CLR_MENU_SEL : CLR_MENUBAR;
        snprintf(digit, sizeof digit, "%d", m + 1);
        draw_text(stdscr, 0, x, 1, digit, theme_attr(CLR_HINT_KEY));
        draw_text(stdscr, 0, x + 1, utf8_width(_(menus[m].label)), _(menus[m].label),
                  theme_attr(role));
    }
}

void menu_draw_bar(struct app *a)
{
    draw_bar(a, -1);
}

void menu_run(struct app *a, int first)
{
    int m = first >= 0 && first < NMENUS ? first : 0;
    bool dropped = first >= 0;
    int sel = 0;
    WINDOW *w = NULL;
    PANEL *p = NULL;

    for (;;) {
        const struct menu_item *items[16];
        int n = visible_items(a, m, items), iw = 0, x, type;
        wint_t ch;

        for (int i = 0; i < n; i++) {
            int lw = utf8_width(_(items[i]->label));
            if (lw > iw)
                iw = lw;
        }
        iw += 6;
        x = bar_x(m);
        if (x + iw > COLS)
            x = COLS - iw;
        if (sel >= n)
            sel = n - 1;
        if (sel < 0)
            sel = 0;
        app_draw(a);
        draw_bar(a, m);
        wnoutrefresh(stdscr);
        if (p != NULL)
            del_panel(p);
        if (w != NULL)
            delwin(w);
        p = NULL;
        w = NULL;
        if (!dropped) {
            curs_set(0);
            update_panels();
            doupdate();
            type = ui_read(a, &ch);
            if (type == UI_KEY_ABORT || (type == OK && ch == 27) ||
                (type == KEY_CODE_YES && (ch == KEY_F(9) || ch == KEY_F(10))))
                break;
            if (type == KEY_CODE_YES && ch == KEY_LEFT)
                m = (m + NMENUS - 1) % NMENUS;
            else if (type == KEY_CODE_YES && ch == KEY_RIGHT)
                m = (m + 1) % NMENUS;
            else if (type == KEY_CODE_YES && (ch == KEY_DOWN || ch == KEY_ENTER))
                dropped = true;
            else if (type == OK && (ch == '\n' || ch == '\r'))
                dropped = true;
            else if (type == OK && ch >= '1' && ch < '1' + NMENUS)
                m = (int)(ch - '1'), dropped = true;
            continue;
        }
        w = newwin(n + 2, iw, 1, x);
        p = new_panel(w);
        draw_box(w, 0, 0, n + 2, iw, NULL, theme_attr(CLR_DIALOG));
        for (int i = 0; i < n; i++) {
            char buf[160];
            int role = i == sel ? CLR_MENU_SEL : CLR_DIALOG;
            /* the tenth entry is 0 */
            snprintf(buf, sizeof buf, " %d %s", (i + 1) % 10, _(items[i]->label));
            draw_text(w, 1 + i, 1, iw - 2, buf, theme_attr(role));
        }
        curs_set(0);
        update_panels();
        doupdate();

        type = ui_read(a, &ch);
        if (type == UI_KEY_ABORT)
            break;
        if (type == KEY_CODE_YES) {
            if (ch == KEY_LEFT)
                m = (m + NMENUS - 1) % NMENUS, sel = 0;
            else if (ch == KEY_RIGHT)
                m = (m + 1) % NMENUS, sel = 0;
            else if (ch == KEY_UP)
                sel = (sel + n - 1) % n;
            else if (ch == KEY_DOWN)
                sel = (sel + 1) % n;
            else if (ch == KEY_F(9) || ch == KEY_F(10))
                break;
            else if (ch == KEY_ENTER)
                goto choose;
            continue;
        }
        if (ch == 27) {
            dropped = false;
            continue;
        }
        if (ch >= '0' && ch <= '9') {
            int k = ch == '0' ? 9 : (int)(ch - '1');
            if (k < n) {
                sel = k;
                goto choose;
            }
            continue;
        }
        if (ch == '\n' || ch == '\r')
            goto choose;
        continue;
    choose:
        del_panel(p);
        delwin(w);
        p = NULL;
        w = NULL;
        app_open(a, items[sel]->screen, items[sel]->arg);
        a->title = items[sel]->label;
        return;
    }
    if (p != NULL)
        del_panel(p);
    if (w != NULL)
        delwin(w);
}
