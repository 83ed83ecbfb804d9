/* SPDX-License-Identifier: Apache-2.0 */
/* Colours by role, with a monochrome scheme for terminals without colour and for
 * [ui] colour = off. */
#include <curses.h>

#include "ui/app.h"

struct role_style {
    short fg, bg;
    int colour_attr;
    int mono_attr;
};

static const struct role_style styles[CLR_COUNT] = {
    [CLR_NORMAL] = {COLOR_WHITE, COLOR_BLACK, A_NORMAL, A_NORMAL},
    [CLR_MENUBAR] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [CLR_MENU_SEL] = {COLOR_WHITE, COLOR_BLUE, A_BOLD, A_BOLD},
    [CLR_TITLE] = {COLOR_YELLOW, COLOR_BLACK, A_BOLD, A_BOLD | A_UNDERLINE},
    [CLR_LABEL] = {COLOR_CYAN, COLOR_BLACK, A_NORMAL, A_NORMAL},
    [CLR_FIELD] = {COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_UNDERLINE},
    [CLR_FIELD_CUR] = {COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_REVERSE},
    [CLR_READONLY] = {COLOR_WHITE, COLOR_BLACK, A_BOLD, A_BOLD},
    [CLR_HINT_KEY] = {COLOR_WHITE, COLOR_BLACK, A_BOLD, A_BOLD},
    [CLR_HINT_LABEL] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [CLR_STATUS] = {COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE},
    [CLR_INFO] = {COLOR_WHITE, COLOR_BLACK, A_NORMAL, A_NORMAL},
    [CLR_OK] = {COLOR_GREEN, COLOR_BLACK, A_BOLD, A_BOLD},
    [CLR_WARN] = {COLOR_YELLOW, COLOR_BLACK, A_BOLD, A_BOLD},
    [CLR_ERROR] = {COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_REVERSE},
    [CLR_DIALOG] = {COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_NORMAL},
    [CLR_DIALOG_TITLE] = {COLOR_BLUE, COLOR_WHITE, A_BOLD, A_BOLD | A_REVERSE},
    [CLR_LIST_HEAD] = {COLOR_YELLOW, COLOR_BLACK, A_BOLD, A_UNDERLINE},
    [CLR_LIST_SEL] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
};

static bool use_colour;

void theme_init(bool colour)
{
    use_colour = colour && has_colors();
    if (!use_colour)
        return;
    start_color();
    for (int r = 1; r < CLR_COUNT; r++)
        init_pair((short)r, styles[r].fg, styles[r].bg);
}

int theme_attr(int role)
{
    if (role <= 0 || role >= CLR_COUNT)
        return A_NORMAL;
    if (!use_colour)
        return styles[role].mono_attr;
    return (int)COLOR_PAIR(role) | styles[role].colour_attr;
}
