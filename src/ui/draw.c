/* SPDX-License-Identifier: Apache-2.0 */
/* Text laid out by display width (CJK takes two columns), and number formatting. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kwhpos/util.h"
#include "ui/widgets.h"

static int width_n(const char *s, size_t n)
{
    int w = 0;

    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = utf8_decode(s + i, n - i, &cp);
        w += utf8_cp_width(cp);
        i += (size_t)len;
    }
    return w;
}

int draw_text(WINDOW *win, int y, int x, int w, const char *s, int attr)
{
    int sw, used;

    if (w <= 0)
        return 0;
    if (s == NULL)
        s = "";
    sw = utf8_width(s);
    wattrset(win, attr);
    if (sw <= w) {
        mvwaddstr(win, y, x, s);
        used = sw;
    } else {
        size_t b = utf8_prefix_for_width(s, w - 1);
        mvwaddnstr(win, y, x, s, (int)b);
        used = width_n(s, b);
        waddstr(win, "…");
        used += 1;
    }
    for (int i = used; i < w; i++)
        waddch(win, ' ');
    wattrset(win, A_NORMAL);
    return used;
}

int draw_wrap(WINDOW *win, int y, int x, int w, const char *s, int attr, int maxrows)
{
    int rows = 0;

    while (*s && rows < maxrows) {
        size_t take = utf8_prefix_for_width(s, w);
        char line[512];

        if (s[take] != '\0') {
            size_t sp = take;
            while (sp > 0 && s[sp] != ' ')
                sp--;
            if (sp > take / 2)
                take = sp;
        }
        if (take == 0)
            take = 1;
        if (take >= sizeof line)
            take = sizeof line - 1;
        memcpy(line, s, take);
        line[take] = '\0';
        draw_text(win, y + rows, x, w, line, attr);
        rows++;
        s += take;
        while (*s == ' ')
            s++;
    }
    return rows;
}

void draw_text_right(WINDOW *win, int y, int x, int w, const char *s, int attr)
{
    int sw = utf8_width(s);

    if (sw >= w) {
        draw_text(win, y, x, w, s, attr);
        return;
    }
    draw_fill(win, y, x, w - sw, attr);
    draw_text(win, y, x + w - sw, sw, s, attr);
}

void draw_fill(WINDOW *win, int y, int x, int w, int attr)
{
    wattrset(win, attr);
    wmove(win, y, x);
    for (int i = 0; i < w; i++)
        waddch(win, ' ');
    wattrset(win, A_NORMAL);
}

void draw_box(WINDOW *win, int y, int x, int h, int w, const char *title, int attr)
{
    wattrset(win, attr);
    for (int r = y; r < y + h; r++)
        draw_fill(win, r, x, w, attr);
    wattrset(win, attr);
    mvwaddch(win, y, x, ACS_ULCORNER);
    mvwhline(win, y, x + 1, ACS_HLINE, w - 2);
    mvwaddch(win, y, x + w - 1, ACS_URCORNER);
    mvwvline(win, y + 1, x, ACS_VLINE, h - 2);
    mvwvline(win, y + 1, x + w - 1, ACS_VLINE, h - 2);
    mvwaddch(win, y + h - 1, x, ACS_LLCORNER);
    mvwhline(win, y + h - 1, x + 1, ACS_HLINE, w - 2);
    mvwaddch(win, y + h - 1, x + w - 1, ACS_LRCORNER);
    if (title != NULL && *title) {
        int tw = utf8_width(title);
        if (tw > w - 4)
            tw = w - 4;
        mvwaddch(win, y, x + 1, ' ');
        draw_text(win, y, x + 2, tw, title, theme_attr(CLR_DIALOG_TITLE));
        wattrset(win, attr);
        waddch(win, ' ');
    }
    wattrset(win, A_NORMAL);
}

void draw_pair(WINDOW *win, int y, int x, int lw, int w, const char *label, const char *value,
               int vattr)
{
    draw_text(win, y, x, lw, label, theme_attr(CLR_LABEL));
    draw_text(win, y, x + lw + 1, w - lw - 1, value, vattr);
}

int draw_max_width(const char *const *labels, size_t n)
{
    int m = 0;

    for (size_t i = 0; i < n; i++) {
        int w = utf8_width(_(labels[i]));
        if (w > m)
            m = w;
    }
    return m;
}

const char *fmt_money(char *buf, size_t n, int64_t fen)
{
    if (fixed_format(fen, 2, buf, n) < 0)
        snprintf(buf, n, "?");
    return buf;
}

const char *fmt_energy(char *buf, size_t n, int64_t ckwh)
{
    if (fixed_format(ckwh, 2, buf, n) < 0)
        snprintf(buf, n, "?");
    return buf;
}

const char *fmt_price(char *buf, size_t n, int64_t price)
{
    if (fixed_format(price, 4, buf, n) < 0)
        snprintf(buf, n, "?");
    return buf;
}

const char *fmt_time(char *buf, size_t n, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (t == 0 || localtime_r(&tt, &tm) == NULL) {
        snprintf(buf, n, "-");
        return buf;
    }
    if (strftime(buf, n, "%Y-%m-%d %H:%M", &tm) == 0)
        snprintf(buf, n, "-");
    return buf;
}
