/* SPDX-License-Identifier: Apache-2.0 */
/* A page as a one-page PDF: the character grid drawn with Pango and Cairo, every
 * character at its column so CJK and Latin stay aligned whatever the font's widths; then
 * the page's bar charts under it, in black and grey (monochrome printers). */
#include "kwhpos/print.h"
#include "kwhpos/util.h"
#include "print/module.h"

#include <cairo-pdf.h>
#include <math.h>
#include <stdio.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

struct sink {
    unsigned char *p;
    size_t len, cap;
    bool oom;
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int n)
{
    struct sink *s = closure;

    if (s->len + n > s->cap) {
        size_t ncap = s->cap ? s->cap : 16384;
        while (s->len + n > ncap)
            ncap *= 2;
        unsigned char *np = realloc(s->p, ncap);
        if (np == NULL) {
            s->oom = true;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        s->p = np;
        s->cap = ncap;
    }
    memcpy(s->p + s->len, data, n);
    s->len += n;
    return CAIRO_STATUS_SUCCESS;
}

/* Draws text (n bytes, cols columns) at x, y: in one piece when the font's advance
 * matches the grid, else one character at a time. */
static void draw_run(cairo_t *cr, PangoLayout *lay, const char *text, size_t n, int cols, double x,
                     double y, double cell)
{
    int w, h;

    pango_layout_set_text(lay, text, (int)n);
    pango_layout_get_size(lay, &w, &h);
    if (fabs((double)w / PANGO_SCALE - cols * cell) < 0.05) {
        cairo_move_to(cr, x, y);
        pango_cairo_show_layout(cr, lay);
        return;
    }
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = utf8_decode(text + i, n - i, &cp);
        pango_layout_set_text(lay, text + i, len);
        cairo_move_to(cr, x, y);
        pango_cairo_show_layout(cr, lay);
        x += utf8_cp_width(cp) * cell;
        i += (size_t)len;
    }
}

static void draw_line(cairo_t *cr, PangoLayout *lay, const char *s, double x0, double y,
                      double cell)
{
    size_t n = strlen(s), i = 0;
    int col = 0;

    while (i < n) {
        size_t start;
        int scol, cols = 0;
        uint32_t cp;

        while (i < n && s[i] == ' ') {
            i++;
            col++;
        }
        start = i;
        scol = col;
        while (i < n && s[i] != ' ') {
            int len = utf8_decode(s + i, n - i, &cp);
            cols += utf8_cp_width(cp);
            i += (size_t)len;
        }
        if (i > start)
            draw_run(cr, lay, s + start, i - start, cols, x0 + scol * cell, y, cell);
        col = scol + cols;
    }
}

#define CHART_H 200.0 /* points a chart takes, its title and labels in */
#define CHART_MIN_W 480.0

/* Hundredths as text: 1234.56, -0.50. */
static void hundredths(int64_t v, char *buf, size_t n)
{
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    snprintf(buf, n, "%s%llu.%02llu", v < 0 ? "-" : "", (unsigned long long)(a / 100),
             (unsigned long long)(a % 100));
}

static void text_at(cairo_t *cr, PangoLayout *lay, const char *s, double x, double y, bool right)
{
    int w, h;
    pango_layout_set_text(lay, s, -1);
    pango_layout_get_size(lay, &w, &h);
    cairo_move_to(cr, right ? x - (double)w / PANGO_SCALE : x, y);
    pango_cairo_show_layout(cr, lay);
}

/* One chart in the box x, y, w (CHART_H high): the title, the bars from a zero line
 * (negative ones below it), the largest value and the zero on the left, the labels under
 * the bars as many as fit. */
static void draw_chart(cairo_t *cr, PangoLayout *lay, const struct print_chart *ch, double x,
                       double y, double w, double size)
{
    double left = x + 8 * size / 2.0 * 1.2, top = y + size * 2.0, bottom = y + CHART_H - size * 2.5;
    double plot_w = x + w - left, hi = 0, lo = 0, bar, zero;
    char num[32];
    int every;

    text_at(cr, lay, ch->title, x, y, false);
    for (int i = 0; i < ch->n; i++) {
        hi = ch->values[i] > hi ? (double)ch->values[i] : hi;
        lo = ch->values[i] < lo ? (double)ch->values[i] : lo;
    }
    if (hi == lo)
        hi = lo + 1;
    zero = top + (bottom - top) * hi / (hi - lo);
    bar = ch->n > 0 ? plot_w / ch->n : plot_w;
    /* the axes */
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, left, top);
    cairo_line_to(cr, left, bottom);
    cairo_move_to(cr, left, zero);
    cairo_line_to(cr, left + plot_w, zero);
    cairo_stroke(cr);
    hundredths((int64_t)hi, num, sizeof num);
    text_at(cr, lay, num, left - 2, top - size / 2, true);
    text_at(cr, lay, "0", left - 2, zero - size / 2, true);
    if (lo < 0) {
        hundredths((int64_t)lo, num, sizeof num);
        text_at(cr, lay, num, left - 2, bottom - size / 2, true);
    }
    /* the bars: grey with a black edge */
    for (int i = 0; i < ch->n; i++) {
        double v = (double)ch->values[i], bx = left + i * bar + bar * 0.15;
        double by = zero - (bottom - top) * v / (hi - lo);
        if (ch->values[i] == 0)
            continue;
        cairo_rectangle(cr, bx, v > 0 ? by : zero, bar * 0.7, fabs(by - zero));
        cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 0.4);
        cairo_stroke(cr);
    }
    /* a label every few bars, as many as fit side by side */
    every = 1;
    while (ch->n > 0 && every * bar < 10.5 * size / 2.0 * 1.1)
        every++;
    for (int i = 0; i < ch->n; i += every)
        text_at(cr, lay, ch->labels[i], left + i * bar, bottom + size * 0.3, false);
}

int print_module_pdf_render(const struct print_page *p, const struct print_pdf_opts *o, char **out,
                            size_t *len, struct kwh_err *e)
{
    struct sink sink = {0};
    int size = o->font_size > 0 ? o->font_size : p->font_size > 0 ? p->font_size : 10;
    double cell = size / 2.0, line_h = size * 1.25;
    int cols = p->width > 0 ? p->width : 1, rows = p->nlines > 0 ? p->nlines : 1;
    double pw = cols * cell + 2.0 * o->margin, ph = rows * line_h + 2.0 * o->margin;
    double charts_y = ph - o->margin + line_h;
    cairo_surface_t *surf;
    cairo_font_options_t *fo;

    if (p->ncharts > 0) {
        pw = pw < CHART_MIN_W + 2.0 * o->margin ? CHART_MIN_W + 2.0 * o->margin : pw;
        ph += p->ncharts * (CHART_H + line_h);
    }
    PangoFontDescription *fd;
    PangoLayout *lay;
    cairo_status_t st;
    cairo_t *cr;

    *out = NULL;
    *len = 0;
    surf = cairo_pdf_surface_create_for_stream(sink_write, &sink, pw, ph);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "kwhpos");
    cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 0, 0, 0);
    lay = pango_cairo_create_layout(cr);
    fo = cairo_font_options_create();
    /* unhinted metrics: advances at their true size, so a run fits the grid */
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pango_layout_get_context(lay), fo);
    pango_layout_context_changed(lay);
    fd = pango_font_description_from_string(o->font != NULL && *o->font ? o->font
                                                                        : "AR PL UMing CN");
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_layout_set_font_description(lay, fd);
    for (int i = 0; i < p->nlines; i++)
        if (p->lines[i] != NULL)
            draw_line(cr, lay, p->lines[i], o->margin, o->margin + i * line_h, cell);
    for (int i = 0; i < p->ncharts; i++)
        draw_chart(cr, lay, &p->charts[i], o->margin, charts_y + i * (CHART_H + line_h),
                   pw - 2.0 * o->margin, size);
    cairo_show_page(cr);
    pango_font_description_free(fd);
    cairo_font_options_destroy(fo);
    g_object_unref(lay);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    st = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    if (sink.oom || st != CAIRO_STATUS_SUCCESS) {
        free(sink.p);
        return kwh_err_set(e, sink.oom ? KWH_ENOMEM : KWH_EIO, "cannot draw the PDF: %s",
                           sink.oom ? "out of memory" : cairo_status_to_string(st));
    }
    *out = (char *)sink.p;
    *len = sink.len;
    return 0;
}
