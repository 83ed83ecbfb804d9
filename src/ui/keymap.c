/* The one key-binding table: it maps keys to actions and draws the hint line, so the
 * hints show exactly the keys the current screen acts on. A key may carry several
 * actions; a screen uses at most one of them, and the first in the table wins. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/util.h"
#include "ui/widgets.h"

struct binding {
    int type;           /* KEY_CODE_YES or OK */
    wint_t key;
    const char *name;   /* how the key is written */
    int action;
    const char *label;  /* msgid; Enter uses the screen's submit label */
};

static const struct binding bindings[] = {
    {KEY_CODE_YES, KEY_F(1), "F1", ACT_HELP, N_("Help")},
    {KEY_CODE_YES, KEY_F(2), "F2", ACT_READ, N_("Read card")},
    {KEY_CODE_YES, KEY_F(2), "F2", ACT_PREVIEW, N_("Preview")},
    {KEY_CODE_YES, KEY_F(3), "F3", ACT_FIND, N_("Find")},
    {KEY_CODE_YES, KEY_F(4), "F4", ACT_TOGGLE, N_("Amount/kWh")},
    {KEY_CODE_YES, KEY_F(5), "F5", ACT_NEW, N_("New")},
    {KEY_CODE_YES, KEY_F(6), "F6", ACT_DELETE, N_("Delete")},
    {KEY_CODE_YES, KEY_F(7), "F7", ACT_PRINT, N_("Print")},
    {KEY_CODE_YES, KEY_F(7), "F7", ACT_FORM_BACKUP, N_("Copy")},
    {KEY_CODE_YES, KEY_F(8), "F8", ACT_WIPE, N_("Wipe")},
    {KEY_CODE_YES, KEY_F(8), "F8", ACT_EXPORT, N_("Export")},
    {KEY_CODE_YES, KEY_F(8), "F8", ACT_FORM_RESTORE, N_("Restore")},
    {KEY_CODE_YES, KEY_F(9), "F9", ACT_MENU, N_("Menu")},
    {KEY_CODE_YES, KEY_F(10), "F10", ACT_QUIT, N_("Quit")},
    {KEY_CODE_YES, KEY_F(11), "F11", ACT_LOCK, N_("Lock")},
    {KEY_CODE_YES, KEY_F(12), "F12", ACT_SIM, N_("Simulator")},
    {OK, '\n', "Enter", ACT_SUBMIT, NULL},
    {OK, '\r', NULL, ACT_SUBMIT, NULL},
    {KEY_CODE_YES, KEY_ENTER, NULL, ACT_SUBMIT, NULL},
    {OK, 27, "Esc", ACT_BACK, N_("Back")},
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

static const char *label_of(const struct binding *b, const char *submit_label)
{
    if (b->action == ACT_SUBMIT)
        return submit_label != NULL ? _(submit_label) : NULL;
    return _(b->label);
}

void keymap_draw_hints(struct app *a, unsigned mask, const char *submit_label)
{
    int x = 0, y = UI_HINT_ROW;

    (void)a;
    draw_fill(stdscr, y, 0, COLS, theme_attr(CLR_HINT_LABEL));
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
            label = label_of(b, submit_label);
            if (label == NULL)
                continue;
            kw = (int)strlen(b->name);
            lw = utf8_width(label);
            if (x + kw + lw > COLS)
                return;
            draw_text(stdscr, y, x, kw, b->name, theme_attr(CLR_HINT_KEY));
            draw_text(stdscr, y, x + kw, lw, label, theme_attr(CLR_HINT_LABEL));
            x += kw + lw + 1;
        }
    }
}

void keymap_help(struct app *a, unsigned mask, const char *submit_label)
{
    char text[2048];
    size_t used = 0;

    text[0] = '\0';
    for (size_t i = 0; i < KWH_ARRAY_LEN(bindings); i++) {
        const struct binding *b = &bindings[i];
        const char *label;
        int k;

        if (b->name == NULL || !(mask & ACT_BIT(b->action)) || shadowed(i, mask))
            continue;
        label = label_of(b, submit_label);
        if (label == NULL)
            continue;
        k = snprintf(text + used, sizeof text - used, "%-6s %s\n", b->name, label);
        if (k < 0 || (size_t)k >= sizeof text - used)
            break;
        used += (size_t)k;
    }
    snprintf(text + used, sizeof text - used, "%s",
             _("Tab, Shift-Tab, Up, Down: move between fields\n"
               "Left, Right, Space: change a choice; Space: tick a box"));
    dialog_message(a, _("Keys"), text, CLR_DIALOG);
}
