/* SPDX-License-Identifier: Apache-2.0 */
/* 通讯参数设置 (M2): the card reader's port and speed, this station's own settings: kept
 * in the station file ([station] dir/station.ini), never in the INI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/config.h"
#include "kwhpos/core.h"
#include "kwhpos/util.h"
#include "ui/widgets.h"

static const char *const bauds[] = {"9600", "19200", "38400", "57600", "115200"};

enum { F_PORT, F_BAUD, F_N };

#define MAX_SHOWN 6

struct comm {
    struct field f[F_N];
    struct form fm;
    struct kwh_reader_port *ports; /* detected at entry; F3 puts the next one in */
    size_t nports;
    size_t next;
};

static void comm_enter(struct app *a, void *st, int arg)
{
    struct comm *c = st;
    char cur[16];

    (void)arg;
    c->f[F_PORT] = (struct field){.label = N_("Port"), .kind = FK_TEXT, .row = 0, .maxlen = 200};
    c->f[F_BAUD] = (struct field){.label = N_("Speed (baud)"),
                                  .kind = FK_CHOICE,
                                  .row = 1,
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
    if (core_reader_ports(&c->ports, &c->nports, NULL) < 0) {
        c->ports = NULL;
        c->nports = 0;
    }
}

static void comm_leave(struct app *a, void *st)
{
    struct comm *c = st;
    (void)a;
    free(c->ports);
    c->ports = NULL;
}

static void comm_draw(struct app *a, void *st)
{
    struct comm *c = st;

    draw_text(stdscr, UI_TOP + 4, 2, COLS - 4,
              _("For example /dev/ttyUSB0. Leave it empty when there is no reader."),
              theme_attr(CLR_INFO));
    draw_text(stdscr, UI_TOP + 5, 2, COLS - 4,
              _("The new port is used from the next start of kwhpos."), theme_attr(CLR_INFO));
    {
        char line[KWH_PATH_MAX + 128];
        snprintf(line, sizeof line, _("Saved for this station in %s/station.ini."),
                 a->cfg.station_dir);
        draw_text(stdscr, UI_TOP + 7, 2, COLS - 4, line, theme_attr(CLR_INFO));
    }
    draw_text(stdscr, UI_TOP + 9, 2, COLS - 4,
              c->nports ? _("Serial ports found (F3 puts the next one in):")
                        : _("No serial port found. Is the reader plugged in?"),
              theme_attr(CLR_LABEL));
    for (size_t i = 0; i < c->nports && i < MAX_SHOWN; i++)
        draw_text(stdscr, UI_TOP + 10 + (int)i, 4, COLS - 6, c->ports[i].label,
                  theme_attr(CLR_NORMAL));
    form_draw(&c->fm, true);
}

static int comm_action(struct app *a, void *st, int act)
{
    struct comm *c = st;
    struct kwh_config cfg = a->cfg;
    struct kwh_err e;

    if (act == ACT_FIND) {
        if (c->nports == 0) {
            app_msg(a, CLR_WARN, "%s", _("No serial port found. Is the reader plugged in?"));
            return UI_HANDLED;
        }
        ledit_set(&c->f[F_PORT].ed, c->ports[c->next++ % c->nports].name);
        return UI_REDRAW;
    }
    if (act != ACT_SUBMIT)
        return UI_IGNORED;
    if (!form_validate(a, &c->fm))
        return UI_HANDLED;
    kwh_err_clear(&e);
    if (config_set(&cfg, "reader.port", form_text(&c->fm, F_PORT), &e) < 0 ||
        config_set(&cfg, "reader.baud", bauds[c->f[F_BAUD].sel], &e) < 0 ||
        app_station_save(a, &cfg, "reader", &e) < 0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    a->cfg = cfg;
    app_msg(a, CLR_OK, "%s", _("Saved. The new port is used from the next start of kwhpos."));
    return UI_HANDLED;
}

static int comm_key(struct app *a, void *st, int type, wint_t ch)
{
    return form_key(a, &((struct comm *)st)->fm, type, ch);
}

const struct screen scr_comm = {
    .title = N_("Reader port"),
    .submit_label = N_("Save"),
    .state_size = sizeof(struct comm),
    .actions = ACT_BIT(ACT_FIND),
    .enter = comm_enter,
    .leave = comm_leave,
    .draw = comm_draw,
    .action = comm_action,
    .key = comm_key,
};
