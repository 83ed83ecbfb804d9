/* SPDX-License-Identifier: Apache-2.0 */
/* 通讯参数设置 (M2): which card reader, this station's own setting: kept in the station
 * file ([station] dir/station.ini), never in the INI. The clerk picks from one list of
 * the readers this machine has, serial ports and PC/SC readers alike, as the core lists
 * them; a serial port that is not listed (a simulator's) can be typed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/config.h"
#include "kwhpos/core.h"
#include "kwhpos/util.h"
#include "ui/widgets.h"

static const char *const bauds[] = {"9600", "19200", "38400", "57600", "115200"};

enum { F_READER, F_PORT, F_BAUD, F_N };

#define MAX_SHOWN 6
#define ITEMS_MAX 34

struct comm {
    struct field f[F_N];
    struct form fm;
    struct cardreg_entry *list; /* detected at entry, plus the configured one if missing */
    size_t n;
    char note[KWH_ERR_MSG]; /* why a kind of reader could not be listed */
    const char *items[ITEMS_MAX];
    struct cardreg_entry absent; /* the configured reader when it is not connected */
    char missing[320];           /* and its label */
    int other, none;             /* the items "another serial port" and "no reader" */
};

/* The configured reader's place in the list: appended when it is not connected now
 * (a serial port not listed, such as the simulator's, is the typed one). */
static int configured_item(struct app *a, struct comm *c)
{
    long i = readers_find(&a->cfg, c->list, c->n, &c->absent);

    if (i < 0)
        return c->none;
    if ((size_t)i < c->n)
        return (int)i;
    if (c->absent.port)
        return c->other;
    snprintf(c->missing, sizeof c->missing, "%s (%s)",
             c->absent.label[0] ? c->absent.label : _("the first PC/SC reader"),
             _("not connected"));
    return -1;
}

static void comm_enter(struct app *a, void *st, int arg)
{
    struct comm *c = st;
    struct kwh_err e;
    char cur[16];
    int ni = 0, sel;

    (void)arg;
    if (readers_list(&c->list, &c->n, c->note, sizeof c->note, &e) < 0) {
        c->list = NULL;
        c->n = 0;
        str_copy(c->note, sizeof c->note, e.msg);
    }
    if (c->n > ITEMS_MAX - 3)
        c->n = ITEMS_MAX - 3;
    for (size_t i = 0; i < c->n; i++)
        c->items[ni++] = c->list[i].label;
    c->other = ni;
    c->items[ni++] = _("Another serial port (type it below)");
    c->none = ni;
    c->items[ni++] = _("No reader");
    sel = configured_item(a, c);
    if (sel < 0) {
        sel = ni;
        c->items[ni++] = c->missing;
    }
    c->f[F_READER] = (struct field){.label = N_("Reader"),
                                    .kind = FK_CHOICE,
                                    .row = 0,
                                    .items = c->items,
                                    .nitems = ni,
                                    .items_raw = true,
                                    .sel = sel};
    c->f[F_PORT] =
        (struct field){.label = N_("Serial port"), .kind = FK_TEXT, .row = 1, .maxlen = 200};
    c->f[F_BAUD] = (struct field){.label = N_("Speed (baud)"),
                                  .kind = FK_CHOICE,
                                  .row = 2,
                                  .items = bauds,
                                  .nitems = (int)KWH_ARRAY_LEN(bauds),
                                  .items_raw = true,
                                  .width = 12};
    ledit_set(&c->f[F_PORT].ed, a->cfg.reader_port);
    snprintf(cur, sizeof cur, "%d", a->cfg.reader_baud);
    for (int i = 0; i < (int)KWH_ARRAY_LEN(bauds); i++)
        if (strcmp(bauds[i], cur) == 0)
            c->f[F_BAUD].sel = i;
    form_init(&c->fm, c->f, F_N, UI_TOP + 1);
}

static void comm_leave(struct app *a, void *st)
{
    struct comm *c = st;
    (void)a;
    free(c->list);
    c->list = NULL;
}

/* The chosen reader, NULL for none; typed: room for a typed serial port's entry. */
static const struct cardreg_entry *chosen(struct comm *c, struct cardreg_entry *typed)
{
    int s = c->f[F_READER].sel;

    if (s < (int)c->n)
        return &c->list[s];
    if (s == c->other) {
        readers_port_entry(form_text(&c->fm, F_PORT), typed);
        return typed;
    }
    return s == c->none ? NULL : &c->absent;
}

/* Shows the port only for a typed serial port, the speed only for serial readers. */
static void sync_fields(struct comm *c)
{
    struct cardreg_entry typed;
    const struct cardreg_entry *r = chosen(c, &typed);

    c->f[F_PORT].hidden = c->f[F_READER].sel != c->other;
    c->f[F_BAUD].hidden = r == NULL || !r->port;
}

static void comm_draw(struct app *a, void *st)
{
    struct comm *c = st;
    int y = UI_TOP + 5;

    sync_fields(c);
    y += draw_wrap(stdscr, y, 2, COLS - 4,
                   _("Left/Right or Space chooses the reader; the new reader is used from the "
                     "next start of kwhpos."),
                   theme_attr(CLR_INFO), 2);
    {
        char line[KWH_PATH_MAX + 128];
        snprintf(line, sizeof line, _("Saved for this station in %s/station.ini."),
                 a->cfg.station_dir);
        draw_text(stdscr, y, 2, COLS - 4, line, theme_attr(CLR_INFO));
    }
    y += 2;
    draw_text(stdscr, y++, 2, COLS - 4,
              c->n ? _("Card readers found (F3 chooses the next one):")
                   : _("No card reader found. Is the reader plugged in?"),
              theme_attr(CLR_LABEL));
    for (size_t i = 0; i < c->n && i < MAX_SHOWN; i++)
        draw_text(stdscr, y++, 4, COLS - 6, c->list[i].label, theme_attr(CLR_NORMAL));
    if (c->note[0])
        draw_wrap(stdscr, y, 4, COLS - 6, c->note, theme_attr(CLR_WARN), 2);
    form_draw(&c->fm, true);
}

/* The one place the choice is written: into the settings, and saved as this station's
 * (every key of [reader] is a station setting, config.c). */
static int comm_save(struct app *a, struct comm *c, struct kwh_err *e)
{
    struct kwh_config cfg = a->cfg;
    struct cardreg_entry typed;
    int rc;

    if ((rc = readers_choose(&cfg, chosen(c, &typed), e)) < 0 ||
        (rc = config_set(&cfg, "reader.baud", bauds[c->f[F_BAUD].sel], e)) < 0)
        return rc;
    return app_station_save(a, &cfg, "reader", e);
}

static int comm_action(struct app *a, void *st, int act)
{
    struct comm *c = st;
    struct kwh_err e;

    if (act == ACT_FIND) {
        struct field *f = &c->f[F_READER];
        if (c->n == 0) {
            app_msg(a, CLR_WARN, "%s", _("No card reader found. Is the reader plugged in?"));
            return UI_HANDLED;
        }
        f->sel = f->sel + 1 < (int)c->n ? f->sel + 1 : 0;
        form_focus(&c->fm, F_READER);
        return UI_REDRAW;
    }
    if (act != ACT_SUBMIT)
        return UI_IGNORED;
    sync_fields(c);
    if (c->f[F_READER].sel == c->other && form_text(&c->fm, F_PORT)[0] == '\0') {
        form_focus(&c->fm, F_PORT);
        app_msg(a, CLR_ERROR, "%s", _("Type the serial port, e.g. /dev/ttyUSB0."));
        return UI_HANDLED;
    }
    if (!form_validate(a, &c->fm))
        return UI_HANDLED;
    kwh_err_clear(&e);
    if (comm_save(a, c, &e) < 0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    app_msg(a, CLR_OK, "%s", _("Saved. The new reader is used from the next start of kwhpos."));
    return UI_HANDLED;
}

static int comm_key(struct app *a, void *st, int type, wint_t ch)
{
    struct comm *c = st;
    int r = form_key(a, &c->fm, type, ch);

    sync_fields(c);
    return r;
}

const struct screen scr_comm = {
    .title = N_("Card reader"),
    .submit_label = N_("Save"),
    .state_size = sizeof(struct comm),
    .actions = ACT_BIT(ACT_FIND),
    .enter = comm_enter,
    .leave = comm_leave,
    .draw = comm_draw,
    .action = comm_action,
    .key = comm_key,
};
