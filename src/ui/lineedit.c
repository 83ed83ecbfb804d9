/* SPDX-License-Identifier: Apache-2.0 */
/* A one-line editor over UTF-8 text. The cursor is a byte offset kept on character
 * boundaries; display columns come from each character's width, so CJK input (two
 * columns a character) scrolls and positions correctly. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/util.h"
#include "ui/widgets.h"

#define CTRL(c) ((c)&0x1f)

static size_t prev_boundary(const struct ledit *l, size_t at)
{
    if (at == 0)
        return 0;
    at--;
    while (at > 0 && ((unsigned char)l->buf[at] & 0xC0) == 0x80)
        at--;
    return at;
}

static size_t next_boundary(const struct ledit *l, size_t at)
{
    uint32_t cp;

    if (at >= l->len)
        return l->len;
    return at + (size_t)utf8_decode(l->buf + at, l->len - at, &cp);
}

static int cols_between(const struct ledit *l, size_t from, size_t to)
{
    int w = 0;

    while (from < to) {
        uint32_t cp;
        from += (size_t)utf8_decode(l->buf + from, to - from, &cp);
        w += utf8_cp_width(cp);
    }
    return w;
}

void ledit_set(struct ledit *l, const char *s)
{
    str_copy(l->buf, sizeof l->buf, s != NULL ? s : "");
    l->len = strlen(l->buf);
    l->cur = l->len;
    l->scroll = 0;
}

int ledit_chars(const struct ledit *l)
{
    int n = 0;

    for (size_t i = 0; i < l->len; i = next_boundary(l, i))
        n++;
    return n;
}

bool ledit_insert(struct ledit *l, wint_t ch)
{
    char mb[MB_LEN_MAX];
    mbstate_t st;
    size_t k;

    if (ch < 0x20 || ch == 0x7f)
        return false;
    memset(&st, 0, sizeof st);
    k = wcrtomb(mb, (wchar_t)ch, &st);
    if (k == (size_t)-1 || l->len + k >= sizeof l->buf)
        return false;
    if (l->maxchars > 0 && ledit_chars(l) >= l->maxchars)
        return false;
    memmove(l->buf + l->cur + k, l->buf + l->cur, l->len - l->cur + 1);
    memcpy(l->buf + l->cur, mb, k);
    l->len += k;
    l->cur += k;
    return true;
}

bool ledit_key(struct ledit *l, int type, wint_t ch)
{
    size_t p;

    if (type == KEY_CODE_YES) {
        switch (ch) {
        case KEY_LEFT: l->cur = prev_boundary(l, l->cur); return true;
        case KEY_RIGHT: l->cur = next_boundary(l, l->cur); return true;
        case KEY_HOME: l->cur = 0; return true;
        case KEY_END: l->cur = l->len; return true;
        case KEY_BACKSPACE: goto backspace;
        case KEY_DC: goto del;
        default: return false;
        }
    }
    switch (ch) {
    case 0x7f:
    case CTRL('h'): goto backspace;
    case CTRL('d'): goto del;
    case CTRL('a'): l->cur = 0; return true;
    case CTRL('e'): l->cur = l->len; return true;
    case CTRL('u'):
        memmove(l->buf, l->buf + l->cur, l->len - l->cur + 1);
        l->len -= l->cur;
        l->cur = 0;
        return true;
    case CTRL('k'):
        l->buf[l->cur] = '\0';
        l->len = l->cur;
        return true;
    default: return false;
    }
backspace:
    if (l->cur == 0)
        return true;
    p = prev_boundary(l, l->cur);
    memmove(l->buf + p, l->buf + l->cur, l->len - l->cur + 1);
    l->len -= l->cur - p;
    l->cur = p;
    return true;
del:
    if (l->cur >= l->len)
        return true;
    p = next_boundary(l, l->cur);
    memmove(l->buf + l->cur, l->buf + p, l->len - p + 1);
    l->len -= p - l->cur;
    return true;
}

int ledit_cursor_col(const struct ledit *l)
{
    return cols_between(l, 0, l->cur);
}

int ledit_draw(struct ledit *l, WINDOW *win, int y, int x, int w, bool mask, int attr)
{
    int ccol = 0;
    int col = 0, cursor_x = x;
    size_t i;

    if (w <= 0)
        return x;
    if (mask) {
        for (i = 0; i < l->cur; i = next_boundary(l, i))
            ccol++;
    } else {
        ccol = ledit_cursor_col(l);
    }
    if (ccol < l->scroll)
        l->scroll = ccol;
    if (ccol >= l->scroll + w)
        l->scroll = ccol - w + 1;
    draw_fill(win, y, x, w, attr);
    wattrset(win, attr);
    for (i = 0; i < l->len;) {
        uint32_t cp;
        size_t len = (size_t)utf8_decode(l->buf + i, l->len - i, &cp);
        int cw = mask ? 1 : utf8_cp_width(cp);
        if (i == l->cur)
            cursor_x = x + col - l->scroll;
        if (col >= l->scroll && col + cw <= l->scroll + w) {
            if (mask)
                mvwaddch(win, y, x + col - l->scroll, '*');
            else
                mvwaddnstr(win, y, x + col - l->scroll, l->buf + i, (int)len);
        }
        col += cw;
        i += len;
    }
    if (l->cur >= l->len)
        cursor_x = x + col - l->scroll;
    if (cursor_x >= x + w)
        cursor_x = x + w - 1;
    wattrset(win, A_NORMAL);
    return cursor_x;
}
