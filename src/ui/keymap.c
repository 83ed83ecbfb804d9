/* SPDX-License-Identifier: Apache-2.0 */
/* The one key-binding table: it maps keys to actions and draws the hint line, so the
 * hints show exactly the keys the current screen acts on. A key may carry several
 * actions; a screen uses at most one of them, and the first in the table wins. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/util.h"
#include "ui/widgets.h"

struct binding {
    int type; /* KEY_CODE_YES or OK */
    wint_t key;
    const char *name; /* how the key is written */
    int action;
    const char *label; /* msgid; Enter uses the screen's submit label */
    const char *brief; /* msgid of a shorter label when the line is full, or NULL */
};

static const struct binding bindings[] = {
    {KEY_CODE_YES, KEY_F(1), "F1", ACT_HELP, N_("Help"), NULL},
    {KEY_CODE_YES, KEY_F(2), "F2", ACT_READ, N_("Read card"), N_("Read")},
    {KEY_CODE_YES, KEY_F(2), "F2", ACT_PREVIEW, N_("Preview"), NULL},
    {KEY_CODE_YES, KEY_F(3), "F3", ACT_FIND, N_("Find"), NULL},
    {KEY_CODE_YES, KEY_F(4), "F4", ACT_TOGGLE, N_("Amount/kWh"), N_("Amt/kWh")},
    {KEY_CODE_YES, KEY_F(4), "F4", ACT_BROWSE, N_("Choose file"), N_("File")},
    {KEY_CODE_YES, KEY_F(4), "F4", ACT_FEES, N_("Fee types"), N_("Fees")},
    {KEY_CODE_YES, KEY_F(5), "F5", ACT_NEW, N_("New"), NULL},
    {KEY_CODE_YES, KEY_F(6), "F6", ACT_DELETE, N_("Delete"), NULL},
    {KEY_CODE_YES, KEY_F(7), "F7", ACT_PRINT, N_("Print"), NULL},
    {KEY_CODE_YES, KEY_F(7), "F7", ACT_FORM_BACKUP, N_("Copy"), NULL},
    {KEY_CODE_YES, KEY_F(7), "F7", ACT_HISTORY, N_("Price history"), N_("History")},
    {KEY_CODE_YES, KEY_F(8), "F8", ACT_WIPE, N_("Wipe"), NULL},
    {KEY_CODE_YES, KEY_F(8), "F8", ACT_EXPORT, N_("Export"), NULL},
    {KEY_CODE_YES, KEY_F(8), "F8", ACT_FORM_RESTORE, N_("Restore"), NULL},
    {KEY_CODE_YES, KEY_F(9), "F9", ACT_MENU, N_("Menu"), NULL},
    {KEY_CODE_YES, KEY_F(10), "F10", ACT_QUIT, N_("Quit"), NULL},
    {KEY_CODE_YES, KEY_F(11), "F11", ACT_LOCK, N_("Lock"), NULL},
    {KEY_CODE_YES, KEY_F(12), "F12", ACT_SIM, N_("Simulator"), N_("Sim")},
    {OK, '\n', "Enter", ACT_SUBMIT, NULL, NULL},
    {OK, '\r', NULL, ACT_SUBMIT, NULL, NULL},
    {KEY_CODE_YES, KEY_ENTER, NULL, ACT_SUBMIT, NULL, NULL},
    {OK, 27, "Esc", ACT_BACK, N_("Back"), NULL},
};

int keymap_action(int type, wint_t ch, unsigned mask)
{
    for (size_t i = 0; i < KWH_ARRAY_LEN(bindings); i++)
        if (bindings[i].type == type && bindings[i].key == ch &&
            (mask & ACT_BIT(bindings[i].action)))
            return bindings[i].action;
    return ACT_NONE;
}

/* Whether an earlier binding of the same key is in mask (that one is the key's). */
static bool shadowed(size_t i, unsigned mask)
{
    for (size_t j = 0; j < i; j++)
        if (bindings[j].type == bindings[i].type && bindings[j].key == bindings[i].key &&
            (mask & ACT_BIT(bindings[j].action)))
            return true;
    return false;
}

static const char *label_of(const struct binding *b, const char *submit_label, int level)
{
    if (b->action == ACT_SUBMIT)
        return submit_label != NULL ? _(submit_label) : NULL;
    if (level >= 1 && b->brief != NULL)
        return _(b->brief);
    return _(b->label);
}

/* Lays out (draw false: only measures) the hints of mask: level 0 with full labels, 1
 * with brief labels, 2 also without labels for the global keys but F1; the last squeeze
 * hints have no gap before them. Returns the width used; *count: how many hints. */
static int hints_at(unsigned mask, const char *submit_label, int level, int squeeze, bool draw,
                    int *count)
{
    int x = 0, y = UI_HINT_ROW, n = 0, total = *count;

    /* screen actions first, Enter and Esc, then the global keys */
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < KWH_ARRAY_LEN(bindings); i++) {
            const struct binding *b = &bindings[i];
            const char *label;
            int act = b->action, kw, lw;
            bool global = (ACT_GLOBAL & ACT_BIT(act)) != 0 && act != ACT_BACK;
            bool enter_esc = act == ACT_SUBMIT || act == ACT_BACK;

            if (b->name == NULL || !(mask & ACT_BIT(act)) || shadowed(i, mask))
                continue;
            if ((pass == 0 && (global || enter_esc)) || (pass == 1 && !enter_esc) ||
                (pass == 2 && !global))
                continue;
            label = label_of(b, submit_label, level);
            if (label == NULL)
                continue;
            if (level >= 2 && global && act != ACT_HELP)
                label = "";
            if (n > 0 && n < total - squeeze)
                x++;
            kw = (int)strlen(b->name);
            lw = utf8_width(label);
            if (draw && x + kw + lw <= COLS) {
                draw_text(stdscr, y, x, kw, b->name, theme_attr(CLR_HINT_KEY));
                draw_text(stdscr, y, x + kw, lw, label, theme_attr(CLR_HINT_LABEL));
            }
            x += kw + lw;
            n++;
        }
    }
    *count = n;
    return x;
}

void keymap_draw_hints(struct app *a, unsigned mask, const char *submit_label)
{
    int level = 0, n = 0, w, squeeze = 0;

    (void)a;
    draw_fill(stdscr, UI_HINT_ROW, 0, COLS, theme_attr(CLR_HINT_LABEL));
    hints_at(mask, submit_label, 0, 0, false, &n);
    /* every key stays on the line: brief labels, then as few gaps as needed go (the
     * colours still tell key from label), then the global keys lose their labels */
    for (level = 0; level < 2; level++) {
        w = hints_at(mask, submit_label, level, 0, false, &n);
        if (w <= COLS)
            break;
        if (level == 1 && w - COLS < n) {
            squeeze = w - COLS;
            break;
        }
    }
    hints_at(mask, submit_label, level, squeeze, true, &n);
}

void keymap_help(struct app *a, unsigned mask, const char *submit_label)
{
    char text[2048];
    const char *keys;
    size_t used = 0;

    text[0] = '\0';
    for (size_t i = 0; i < KWH_ARRAY_LEN(bindings); i++) {
        const struct binding *b = &bindings[i];
        const char *label;
        int k;

        if (b->name == NULL || !(mask & ACT_BIT(b->action)) || shadowed(i, mask))
            continue;
        label = label_of(b, submit_label, 0);
        if (label == NULL)
            continue;
        k = snprintf(text + used, sizeof text - used, "%-6s %s\n", b->name, label);
        if (k < 0 || (size_t)k >= sizeof text - used)
            break;
        used += (size_t)k;
    }
    keys = a->scr != NULL && a->scr->keys_help_now != NULL ? a->scr->keys_help_now(a, a->st)
           : a->scr != NULL                                ? a->scr->keys_help
                                                           : NULL;
    snprintf(text + used, sizeof text - used, "%s",
             keys != NULL ? _(keys)
                          : _("Tab, Shift-Tab, Up, Down: move between fields\n"
                              "Left, Right, Space: change a choice; Space: tick a box"));
    dialog_message(a, _("Keys"), text, CLR_DIALOG);
}
