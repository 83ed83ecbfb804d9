/* SPDX-License-Identifier: Apache-2.0 */
/* The form builder: labelled fields in two columns, per-field input filters and
 * validation; money, energy and prices through fixed_parse, never floating point. */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/util.h"
#include "ui/widgets.h"

#define AMOUNT_MAX INT64_C(100000000000)

static bool editable(const struct field *f)
{
    return !f->hidden && !f->readonly && f->kind != FK_INFO;
}

static bool is_text_kind(int k)
{
    return k != FK_CHOICE && k != FK_CHECK;
}

static int decimals_of(int kind)
{
    return kind == FK_PRICE ? 4 : kind == FK_INT || kind == FK_DIGITS ? 0 : 2;
}

void form_init(struct form *fm, struct field *f, int n, int top)
{
    fm->f = f;
    fm->n = n;
    fm->top = top;
    fm->cur = -1;
    fm->win = NULL;
    fm->x = 0;
    fm->w = 0;
    for (int i = 0; i < n; i++) {
        if (f[i].kind == FK_DIGITS && f[i].maxlen > 0)
            f[i].ed.maxchars = f[i].maxlen;
        else if (f[i].maxlen > 0)
            f[i].ed.maxchars = f[i].maxlen;
        if (fm->cur < 0 && editable(&f[i]))
            fm->cur = i;
    }
}

void form_focus(struct form *fm, int i)
{
    if (i >= 0 && i < fm->n && editable(&fm->f[i])) {
        fm->cur = i;
        fm->on_box = false;
    }
}

/* To the next (dir 1) or previous (-1) editable field; box: onto its box if it has one. */
static void move_focus(struct form *fm, int dir, bool box)
{
    if (fm->cur < 0)
        return;
    for (int k = 1; k <= fm->n; k++) {
        int i = ((fm->cur + dir * k) % fm->n + fm->n) % fm->n;
        if (editable(&fm->f[i])) {
            fm->cur = i;
            fm->on_box = box && fm->f[i].check;
            return;
        }
    }
}

#define BOX_W 4 /* "[x] " */

static bool column_has_box(const struct form *fm, int col)
{
    for (int i = 0; i < fm->n; i++)
        if (!fm->f[i].hidden && fm->f[i].col == col && fm->f[i].check)
            return true;
    return false;
}

/* Columns before the inputs of a column: its boxes and its widest label. */
static int label_width(const struct form *fm, int col)
{
    int w = 0;

    for (int i = 0; i < fm->n; i++) {
        const struct field *f = &fm->f[i];
        if (!f->hidden && f->col == col) {
            int lw = utf8_width(_(f->label));
            if (lw > w)
                w = lw;
        }
    }
    return w + (column_has_box(fm, col) ? BOX_W : 0);
}

static const char *item_text(const struct field *f, int i)
{
    if (f->items == NULL || i < 0 || i >= f->nitems)
        return "";
    return f->items_raw ? f->items[i] : _(f->items[i]);
}

void form_draw(struct form *fm, bool focused)
{
    WINDOW *win = fm->win != NULL ? fm->win : stdscr;
    int width = fm->w > 0 ? fm->w : COLS;
    int half = width / 2;
    int lw[2] = {label_width(fm, 0), label_width(fm, 1)};
    bool one_col = true;
    int cx = -1, cy = -1;

    for (int i = 0; i < fm->n; i++)
        if (!fm->f[i].hidden && fm->f[i].col == 1)
            one_col = false;

    for (int i = 0; i < fm->n; i++) {
        struct field *f = &fm->f[i];
        int x0 = fm->x + (f->col == 0 ? 2 : half + 1);
        int colw = one_col ? width - 4 : f->col == 0 ? half - 3 : width - half - 2;
        int y = fm->top + f->row;
        int ix = x0 + lw[f->col] + 1;
        int iw = colw - lw[f->col] - 1;
        bool cur = focused && i == fm->cur;
        int attr;
        char buf[LEDIT_CAP + 16];

        if (f->hidden)
            continue;
        if (f->width > 0 && f->width < iw)
            iw = f->width;
        if (column_has_box(fm, f->col)) {
            draw_text(win, y, x0, BOX_W, f->check ? (f->on ? "[x]" : "[ ]") : "",
                      theme_attr(cur && fm->on_box ? CLR_FIELD_CUR : CLR_LABEL));
            draw_text(win, y, x0 + BOX_W, lw[f->col] + 1 - BOX_W, _(f->label),
                      theme_attr(CLR_LABEL));
            if (cur && fm->on_box) {
                cy = y;
                cx = x0 + 1;
                cur = false;
            }
        }
        attr = theme_attr(cur                                 ? CLR_FIELD_CUR
                          : f->readonly || f->kind == FK_INFO ? CLR_READONLY
                                                              : CLR_FIELD);
        if (!column_has_box(fm, f->col))
            draw_text(win, y, x0, lw[f->col] + 1, _(f->label),
                      f->label_as_value ? attr : theme_attr(CLR_LABEL));
        switch (f->kind) {
        case FK_CHOICE:
            snprintf(buf, sizeof buf, f->readonly ? "%s" : "< %s >", item_text(f, f->sel));
            draw_text(win, y, ix, iw, buf, attr);
            if (cur) {
                cy = y;
                cx = ix;
            }
            break;
        case FK_CHECK:
            draw_text(win, y, ix, 3, f->on ? "[x]" : "[ ]", attr);
            if (cur) {
                cy = y;
                cx = ix + 1;
            }
            break;
        case FK_INFO: draw_text(win, y, ix, iw, f->ed.buf, attr); break;
        default: {
            int c = ledit_draw(&f->ed, win, y, ix, iw, f->kind == FK_PASSWORD, attr);
            if (cur) {
                cy = y;
                cx = c;
            }
        }
        }
    }
    if (cy >= 0) {
        curs_set(1);
        wmove(win, cy, cx);
    } else {
        curs_set(0);
    }
}

/* Why ch cannot be typed into f at the cursor (into msg, translated), or true when it
 * can. Numbers take digits and, for amounts, energy and prices, one decimal point with
 * no more decimals than the kind has: anything else is refused as it is typed, so what
 * is in the field is what was meant. */
static bool accepts(const struct field *f, wint_t ch, char *msg, size_t n)
{
    const char *label = _(f->label), *point;
    bool digit = ch >= '0' && ch <= '9';

    msg[0] = '\0';
    switch (f->kind) {
    case FK_DIGITS:
        if (!digit)
            snprintf(msg, n, _("%s: only digits"), label);
        break;
    case FK_INT:
        if (!digit && !(ch == '-' && f->imin < 0 && f->ed.cur == 0))
            snprintf(msg, n, _("%s: only digits"), label);
        break;
    case FK_MONEY:
    case FK_ENERGY:
    case FK_PRICE:
        point = strchr(f->ed.buf, '.');
        if (ch == '.' && point != NULL)
            snprintf(msg, n, _("%s: there is already a decimal point"), label);
        else if (digit && point != NULL && f->ed.cur > (size_t)(point - f->ed.buf) &&
                 (int)strlen(point + 1) >= decimals_of(f->kind))
            snprintf(msg, n, _("%s: at most %d digits after the decimal point"), label,
                     decimals_of(f->kind));
        else if (!digit && ch != '.' && !(ch == '-' && f->imin < 0 && f->ed.cur == 0))
            snprintf(msg, n, _("%s: only digits and one decimal point"), label);
        break;
    default:
        if (ch < 0x20 || ch == 0x7f)
            snprintf(msg, n, _("%s: this character is not allowed here"), label);
        break;
    }
    return msg[0] == '\0';
}

/* Keys on a field's box: Space ticks it, Tab goes into the value, typing goes on in the
 * value. Returns -1 when the key is for the value. */
static int box_key(struct form *fm, struct field *f, int type, wint_t ch)
{
    if (type == OK && ch == ' ') {
        f->on = !f->on;
        return UI_HANDLED | UI_REDRAW;
    }
    if (type == OK && ch == '\t') {
        fm->on_box = false;
        return UI_HANDLED | UI_REDRAW;
    }
    if (type == KEY_CODE_YES && ch == KEY_BTAB) {
        move_focus(fm, -1, false);
        return UI_HANDLED | UI_REDRAW;
    }
    if (type == KEY_CODE_YES && (ch == KEY_UP || ch == KEY_DOWN)) {
        move_focus(fm, ch == KEY_DOWN ? 1 : -1, true);
        return UI_HANDLED | UI_REDRAW;
    }
    fm->on_box = false;
    return -1;
}

static int value_key(struct app *a, struct form *fm, struct field *f, int type, wint_t ch);

/* Whether item t starts with the character u8 (an ASCII one in either case) or, with
 * parts, has a '/'-separated part that does. */
static bool part_starts_with(const char *t, const char *u8, bool parts)
{
    size_t k = strlen(u8);

    for (const char *p = t;; p++) {
        if (k == 1 ? tolower((unsigned char)*p) == (unsigned char)u8[0] : strncmp(p, u8, k) == 0)
            return true;
        if (!parts || (p = strchr(p, '/')) == NULL)
            return false;
    }
}

int form_key(struct app *a, struct form *fm, int type, wint_t ch)
{
    struct field *f;
    int r;

    if (fm->cur < 0)
        return UI_IGNORED;
    f = &fm->f[fm->cur];
    if (!f->check)
        return value_key(a, fm, f, type, ch);
    if (fm->on_box && (r = box_key(fm, f, type, ch)) >= 0)
        return r;
    if (type == KEY_CODE_YES && ch == KEY_BTAB) {
        fm->on_box = true;
        return UI_HANDLED | UI_REDRAW;
    }
    {
        char before[LEDIT_CAP];
        int sel = f->sel;

        memcpy(before, f->ed.buf, sizeof before);
        r = value_key(a, fm, f, type, ch);
        if (f->sel != sel)
            f->on = true;
        else if (strcmp(before, f->ed.buf) != 0)
            f->on = f->ed.len > 0;
    }
    return r;
}

static int value_key(struct app *a, struct form *fm, struct field *f, int type, wint_t ch)
{
    if (type == KEY_CODE_YES) {
        switch (ch) {
        case KEY_DOWN: move_focus(fm, 1, false); return UI_HANDLED | UI_REDRAW;
        case KEY_UP:
        case KEY_BTAB: move_focus(fm, -1, false); return UI_HANDLED | UI_REDRAW;
        case KEY_LEFT:
        case KEY_RIGHT:
            if (f->kind == FK_CHOICE && f->nitems > 0) {
                f->sel = (f->sel + (ch == KEY_RIGHT ? 1 : f->nitems - 1)) % f->nitems;
                return UI_HANDLED | UI_REDRAW;
            }
            break;
        default: break;
        }
    } else if (ch == '\t') {
        move_focus(fm, 1, true);
        return UI_HANDLED | UI_REDRAW;
    } else if (ch == ' ' && f->kind == FK_CHOICE && f->nitems > 0) {
        f->sel = (f->sel + 1) % f->nitems;
        return UI_HANDLED | UI_REDRAW;
    } else if (ch == ' ' && f->kind == FK_CHECK) {
        f->on = !f->on;
        return UI_HANDLED | UI_REDRAW;
    } else if (f->kind == FK_CHOICE && f->nitems > 0 && ch > 0x20 && ch != 0x7F) {
        /* a character jumps to the next item that starts with it, or one of whose parts
           does ("园区A/1栋": 1 finds it): a long list of areas is walked by its names */
        char u8[MB_LEN_MAX + 1];
        mbstate_t st;
        size_t k;

        memset(&st, 0, sizeof st);
        k = ch < 0x80 ? 1 : wcrtomb(u8, (wchar_t)ch, &st);
        if (ch < 0x80)
            u8[0] = (char)tolower((int)ch);
        if (k == (size_t)-1 || k == 0)
            return UI_HANDLED;
        u8[k] = '\0';
        for (int i = 1; i <= f->nitems; i++) {
            int j = (f->sel + i) % f->nitems;
            const char *t = f->items_raw ? f->items[j] : _(f->items[j]);

            if (part_starts_with(t, u8, f->items_raw)) {
                f->sel = j;
                return UI_HANDLED | UI_REDRAW;
            }
        }
        return UI_HANDLED;
    }
    if (!is_text_kind(f->kind))
        return UI_IGNORED;
    if (ledit_key(&f->ed, type, ch))
        return UI_HANDLED | UI_REDRAW | UI_FIELD;
    if (type == OK && ch >= 0x20) {
        char why[KWH_ERR_MSG];
        /* a refused character beeps, leaves the field as it was and says why */
        if (!accepts(f, ch, why, sizeof why)) {
            beep();
            app_msg(a, CLR_WARN, "%s", why);
            return UI_HANDLED | UI_REDRAW; /* the field did not change */
        }
        if (!ledit_insert(&f->ed, ch))
            beep();
        return UI_HANDLED | UI_REDRAW | UI_FIELD;
    }
    return UI_IGNORED;
}

bool field_check(const struct field *f, char *msg, size_t n)
{
    const char *s = f->ed.buf;
    const char *label = _(f->label);
    int64_t v;
    int len = (int)f->ed.len;

    if (!editable(f) || !is_text_kind(f->kind) || (f->check && !f->on))
        return true;
    if (len == 0) {
        if (f->required) {
            snprintf(msg, n, _("%s must be filled in"), label);
            return false;
        }
        return true;
    }
    switch (f->kind) {
    case FK_TEXT:
    case FK_PASSWORD:
        if (!utf8_is_clean_line(s)) {
            snprintf(msg, n, _("%s contains characters that are not allowed"), label);
            return false;
        }
        return true;
    case FK_DIGITS:
        if (!str_is_digits(s, (size_t)len) || (f->minlen > 0 && len < f->minlen) ||
            (f->maxlen > 0 && len > f->maxlen)) {
            if (f->minlen == f->maxlen)
                snprintf(msg, n, _("%s must be exactly %d digits"), label, f->maxlen);
            else
                snprintf(msg, n, _("%s must be digits only"), label);
            return false;
        }
        return true;
    case FK_INT:
        if (fixed_parse(s, 0, INT64_C(1000000000000), label, &v, NULL) < 0 || v < f->imin ||
            v > f->imax) {
            snprintf(msg, n, _("%s must be a whole number from %" PRId64 " to %" PRId64), label,
                     f->imin, f->imax);
            return false;
        }
        return true;
    default: {
        int64_t max = f->imax > 0 ? f->imax : AMOUNT_MAX;
        if (fixed_parse(s, decimals_of(f->kind), max, label, &v, NULL) < 0 ||
            (v < 0 && f->imin >= 0)) {
            char mbuf[32];
            if (fixed_parse(s, decimals_of(f->kind), AMOUNT_MAX, label, &v, NULL) == 0 && v > max) {
                if (f->kind == FK_MONEY)
                    fmt_money(mbuf, sizeof mbuf, max);
                else if (f->kind == FK_PRICE)
                    fmt_price(mbuf, sizeof mbuf, max);
                else
                    fmt_energy(mbuf, sizeof mbuf, max);
                snprintf(msg, n, _("%s may not be more than %s"), label, mbuf);
            } else if (f->kind == FK_MONEY) {
                snprintf(msg, n, _("%s must be an amount in yuan with at most 2 decimals"), label);
            } else if (f->kind == FK_PRICE) {
                snprintf(msg, n, _("%s must be a price with at most 4 decimals"), label);
            } else {
                snprintf(msg, n, _("%s must be kWh with at most 2 decimals"), label);
            }
            return false;
        }
        return true;
    }
    }
}

bool form_validate(struct app *a, struct form *fm)
{
    char msg[KWH_ERR_MSG];

    for (int i = 0; i < fm->n; i++) {
        if (!field_check(&fm->f[i], msg, sizeof msg)) {
            fm->cur = i;
            app_msg(a, CLR_ERROR, "%s", msg);
            return false;
        }
    }
    return true;
}

const char *form_text(const struct form *fm, int i)
{
    return fm->f[i].ed.buf;
}

int64_t form_value(const struct form *fm, int i)
{
    const struct field *f = &fm->f[i];
    int64_t v = 0;

    if (f->kind == FK_CHOICE)
        return f->sel;
    if (f->kind == FK_CHECK)
        return f->on;
    if (f->ed.len == 0)
        return 0;
    if (fixed_parse(f->ed.buf, decimals_of(f->kind), INT64_C(1000000000000000), "", &v, NULL) < 0)
        return 0;
    return v;
}

void form_set_text(struct form *fm, int i, const char *s)
{
    ledit_set(&fm->f[i].ed, s);
}

void form_set_value(struct form *fm, int i, int64_t v)
{
    char buf[32];

    if (fixed_format(v, decimals_of(fm->f[i].kind), buf, sizeof buf) < 0)
        buf[0] = '\0';
    ledit_set(&fm->f[i].ed, buf);
}
