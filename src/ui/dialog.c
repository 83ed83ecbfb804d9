/* SPDX-License-Identifier: Apache-2.0 */
/* Modal dialogs on panels over the current screen: message, confirm, a small form,
 * and the progress line of card operations. Each redraws itself after a resize or
 * an unlock. */
#include <panel.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/util.h"
#include "ui/widgets.h"

#define MAX_LINES 40

struct dlg {
    WINDOW *w;
    PANEL *p;
    int h, wd, y, x;
};

static void dlg_close(struct dlg *d)
{
    if (d->p != NULL)
        del_panel(d->p);
    if (d->w != NULL)
        delwin(d->w);
    d->p = NULL;
    d->w = NULL;
}

/* (Re)creates the window centred on the screen and draws its frame. */
static void dlg_frame(struct dlg *d, int h, int w, const char *title, int role)
{
    dlg_close(d);
    if (w > COLS)
        w = COLS;
    if (h > LINES)
        h = LINES;
    d->h = h;
    d->wd = w;
    d->y = (LINES - h) / 2;
    d->x = (COLS - w) / 2;
    d->w = newwin(h, w, d->y, d->x);
    d->p = new_panel(d->w);
    keypad(d->w, TRUE);
    draw_box(d->w, 0, 0, h, w, title, theme_attr(role));
}

/* Shows the dialog. The first dialog of a card's automatic read (app.c's card_event)
 * drops the keys typed before it appeared: they were meant for the screen, and an Enter
 * among them must not close a refusal the clerk has not seen. */
static void dlg_show(struct app *a)
{
    update_panels();
    doupdate();
    if (a->card_reading) {
        flushinp();
        a->card_reading = false;
    }
}

struct span {
    const char *s;
    int len;
};

/* Splits text into lines of at most width columns, at spaces where it can. */
static int wrap(const char *text, int width, struct span *out, int max)
{
    int n = 0;
    const char *p = text;

    while (*p && n < max) {
        const char *nl = strchr(p, '\n');
        size_t linelen = nl ? (size_t)(nl - p) : strlen(p);
        char tmp[KWH_ERR_MSG * 2];
        size_t take;

        if (linelen >= sizeof tmp)
            linelen = sizeof tmp - 1;
        memcpy(tmp, p, linelen);
        tmp[linelen] = '\0';
        take = utf8_prefix_for_width(tmp, width);
        if (take < linelen) {
            size_t sp = take;
            while (sp > 0 && tmp[sp] != ' ')
                sp--;
            if (sp > take / 2)
                take = sp;
        } else {
            take = linelen;
        }
        if (take == 0)
            take = linelen > 0 ? 1 : 0;
        out[n].s = p;
        out[n].len = (int)take;
        n++;
        p += take;
        if (take == linelen && nl != NULL)
            p++;
        else
            while (*p == ' ')
                p++;
        if (take == linelen && nl == NULL)
            break;
    }
    return n;
}

static int text_width(struct span *l, int n)
{
    int m = 0;

    for (int i = 0; i < n; i++) {
        char tmp[KWH_ERR_MSG * 2];
        snprintf(tmp, sizeof tmp, "%.*s", l[i].len, l[i].s);
        int w = utf8_width(tmp);
        if (w > m)
            m = w;
    }
    return m;
}

static void put_span(WINDOW *w, int y, int x, int width, const struct span *l, int attr)
{
    char tmp[KWH_ERR_MSG * 2];

    snprintf(tmp, sizeof tmp, "%.*s", l->len, l->s);
    draw_text(w, y, x, width, tmp, attr);
}

/* A text dialog; keys: what ends it. Returns the ending key's meaning: 1 yes, 0 no. */
static int text_dialog(struct app *a, const char *title, const char *text, int role,
                       const char *hint, bool ask)
{
    struct dlg d = {0};
    struct span lines[MAX_LINES];
    int result = -1, top = 0;

    while (result < 0) {
        int maxw = COLS - 6;
        int total = wrap(text, maxw, lines, MAX_LINES), n = total;
        char shown[256];
        int tw = text_width(lines, n);
        int hw;
        int w;
        int h;
        wint_t ch;
        int type;

        /* more lines than the screen holds: they scroll, and the hint says how */
        if (n > LINES - 6)
            n = LINES - 6;
        if (top > total - n)
            top = total - n;
        if (n < total)
            snprintf(shown, sizeof shown, "%s   %s", hint, _("Up/Down, PgUp/PgDn: scroll"));
        else
            snprintf(shown, sizeof shown, "%s", hint);
        hw = utf8_width(shown);
        w = (tw > hw ? tw : hw) + 6;
        if (w < 36)
            w = 36;
        if (w > COLS)
            w = COLS;
        h = n + 5;
        app_draw(a);
        dlg_frame(&d, h, w, title, role);
        for (int i = 0; i < n; i++)
            put_span(d.w, 2 + i, 3, w - 6, &lines[top + i], theme_attr(role));
        draw_text(d.w, h - 2, 3, w - 6, shown, theme_attr(CLR_DIALOG_TITLE));
        curs_set(0);
        dlg_show(a);
        for (;;) {
            type = ui_read(a, &ch);
            if (type == UI_KEY_ABORT) {
                result = 0;
                break;
            }
            if (type == KEY_CODE_YES && ch == KEY_RESIZE)
                break;
            if (type == KEY_CODE_YES && n < total &&
                (ch == KEY_UP || ch == KEY_DOWN || ch == KEY_PPAGE || ch == KEY_NPAGE)) {
                int by = ch == KEY_UP ? -1 : ch == KEY_DOWN ? 1 : ch == KEY_PPAGE ? -n : n;
                top += by;
                if (top < 0)
                    top = 0;
                break; /* drawn again from top */
            }
            if (type == KEY_CODE_YES && ch == KEY_ENTER) {
                result = 1;
                break;
            }
            if (type == OK && (ch == '\n' || ch == '\r')) {
                result = 1;
                break;
            }
            if (type == OK && ch == 27) {
                result = 0;
                break;
            }
            if (ask && type == OK && (ch == 'y' || ch == 'Y')) {
                result = 1;
                break;
            }
            if (ask && type == OK && (ch == 'n' || ch == 'N')) {
                result = 0;
                break;
            }
            if (!ask && type == OK && ch == ' ') {
                result = 1;
                break;
            }
        }
    }
    dlg_close(&d);
    app_draw(a);
    return result;
}

void dialog_message(struct app *a, const char *title, const char *text, int role)
{
    text_dialog(a, title, text, role == CLR_ERROR ? CLR_DIALOG : role, _("Enter: continue"), false);
}

bool dialog_confirm(struct app *a, const char *title, const char *text)
{
    return text_dialog(a, title, text, CLR_DIALOG, _("Enter: yes   Esc: no"), true) == 1;
}

void pairs_add(struct pairs *p, const char *label, const char *fmt, ...)
{
    va_list ap;

    if (p->n >= PAIRS_MAX)
        return;
    p->label[p->n] = label;
    va_start(ap, fmt);
    vsnprintf(p->value[p->n], sizeof p->value[p->n], fmt, ap);
    va_end(ap);
    p->n++;
}

/* The lines aligned by the labels' display width, then "\n" and last. */
static void pairs_text(char *text, size_t size, const struct pairs *p, const char *last)
{
    size_t used = 0;
    int lw = 0;

    for (int i = 0; i < p->n; i++) {
        int w = utf8_width(p->label[i]);
        if (w > lw)
            lw = w;
    }
    text[0] = '\0';
    for (int i = 0; i < p->n && used < size; i++) {
        int pad = lw - utf8_width(p->label[i]);
        int k =
            snprintf(text + used, size - used, "%s%*s  %s\n", p->label[i], pad, "", p->value[i]);
        if (k < 0)
            break;
        used += (size_t)k;
    }
    if (used < size && last != NULL)
        snprintf(text + used, size - used, "\n%s", last);
}

bool dialog_confirm_pairs(struct app *a, const char *title, const struct pairs *p,
                          const char *question)
{
    char text[4096];

    pairs_text(text, sizeof text, p, question);
    return text_dialog(a, title, text, CLR_DIALOG, _("Enter: yes   Esc: no"), true) == 1;
}

void dialog_pairs(struct app *a, const char *title, const struct pairs *p, const char *footer)
{
    char text[4096];

    pairs_text(text, sizeof text, p, footer);
    dialog_message(a, title, text, CLR_DIALOG);
}

bool dialog_form(struct app *a, const char *title, struct field *f, int nf)
{
    bool choice = false;

    for (int i = 0; i < nf; i++)
        choice = choice || f[i].kind == FK_CHOICE;
    /* a choice says how it changes: the arrows */
    return dialog_form_keys(
        a, title, f, nf,
        choice && nf > 1 ? _("Enter: OK   Left/Right: choose   Tab: next field   Esc: cancel")
        : choice         ? _("Enter: OK   Left/Right: choose   Esc: cancel")
        : nf > 1         ? _("Enter: OK   Tab: next field   Esc: cancel")
                         : _("Enter: OK   Esc: cancel"),
        true);
}

bool dialog_form_keys(struct app *a, const char *title, struct field *f, int nf, const char *hint,
                      bool esc)
{
    struct dlg d = {0};
    struct form fm;
    int result = -1;
    int lw = 0, iw = 24;

    form_init(&fm, f, nf, 2);
    for (int i = 0; i < nf; i++) {
        if (f[i].kind != FK_CHOICE && f[i].kind != FK_CHECK && !f[i].readonly && f[i].ed.len == 0) {
            form_focus(&fm, i);
            break;
        }
    }
    for (int i = 0; i < nf; i++) {
        int w = utf8_width(_(f[i].label));
        if (w > lw)
            lw = w;
    }
    while (result < 0) {
        int w = lw + iw + 8;
        int maxrow = 0;
        char msg[KWH_ERR_MSG];

        for (int i = 0; i < nf; i++)
            if (f[i].row > maxrow)
                maxrow = f[i].row;
        if (w < utf8_width(hint) + 6)
            w = utf8_width(hint) + 6;
        app_draw(a);
        dlg_frame(&d, maxrow + 6, w, title, CLR_DIALOG);
        fm.win = d.w;
        fm.x = 1;
        fm.w = w - 2;
        for (;;) {
            wint_t ch;
            int type, r;

            draw_text(d.w, d.h - 2, 3, w - 6, hint, theme_attr(CLR_DIALOG_TITLE));
            form_draw(&fm, true);
            dlg_show(a);
            type = ui_read(a, &ch);
            if (type == UI_KEY_ABORT) {
                result = 0;
                break;
            }
            if (type == KEY_CODE_YES && ch == KEY_RESIZE)
                break;
            if (type == OK && ch == 27) {
                if (!esc)
                    continue;
                result = 0;
                break;
            }
            if ((type == OK && (ch == '\n' || ch == '\r')) ||
                (type == KEY_CODE_YES && ch == KEY_ENTER)) {
                bool good = true;
                for (int i = 0; i < nf && good; i++) {
                    if (!field_check(&f[i], msg, sizeof msg)) {
                        form_focus(&fm, i);
                        app_msg(a, CLR_ERROR, "%s", msg);
                        good = false;
                    }
                }
                if (good) {
                    result = 1;
                    break;
                }
                app_draw(a);
                draw_box(d.w, 0, 0, d.h, d.wd, title, theme_attr(CLR_DIALOG));
                touchwin(d.w);
                continue;
            }
            r = form_key(a, &fm, type, ch);
            /* typing redraws only the field (the loop draws the form: only what changed
               goes to the terminal); anything else the whole screen under the dialog */
            if ((r & UI_REDRAW) && !(r & UI_FIELD)) {
                draw_box(d.w, 0, 0, d.h, d.wd, title, theme_attr(CLR_DIALOG));
                app_draw(a);
                touchwin(d.w);
            }
        }
    }
    dlg_close(&d);
    curs_set(0);
    app_draw(a);
    return result == 1;
}

void dialog_progress(void *ctx, const char *phase, int done, int total)
{
    struct app *a = ctx;
    const char *what = strcmp(phase, "read") == 0     ? _("Reading the card")
                       : strcmp(phase, "write") == 0  ? _("Writing the card")
                       : strcmp(phase, "verify") == 0 ? _("Checking the card")
                       : strcmp(phase, "settle") == 0 ? _("Settling")
                                                      : phase;
    char bar[24];
    int fill = total > 0 ? done * 20 / total : 0;

    if (fill > 20)
        fill = 20;
    for (int i = 0; i < 20; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[20] = '\0';
    snprintf(a->progress, sizeof a->progress, "%s [%s] %d/%d %s", what, bar, done, total,
             _("do not remove the card"));
    draw_text(stdscr, UI_MSG_ROW, 0, COLS, a->progress, theme_attr(CLR_WARN));
    wnoutrefresh(stdscr);
    update_panels();
    doupdate();
}
