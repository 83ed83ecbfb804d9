/* SPDX-License-Identifier: Apache-2.0 */
/* The reader registry (include/kwhpos/cardreg.h): a table of drivers, each listing its
 * readers and opening one from the configuration. */
#include "kwhpos/cardreg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/pcsc.h"
#include "kwhpos/reader.h"
#include "kwhpos/serial.h"
#include "kwhpos/util.h"

struct grow {
    struct cardreg_entry *v;
    size_t n, cap;
};

static struct cardreg_entry *grow_add(struct grow *g)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 8;
        struct cardreg_entry *v = realloc(g->v, cap * sizeof *v);
        if (v == NULL)
            return NULL;
        g->v = v;
        g->cap = cap;
    }
    memset(&g->v[g->n], 0, sizeof g->v[g->n]);
    return &g->v[g->n++];
}

static int serial_list(struct grow *g, struct kwh_err *e)
{
    struct serial_port_info *ports;
    size_t n;
    int rc = serial_list_ports(&ports, &n, e);

    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct cardreg_entry *r = grow_add(g);
        if (r == NULL) {
            free(ports);
            return kwh_err_set(e, KWH_ENOMEM, "out of memory");
        }
        str_copy(r->driver, sizeof r->driver, "serial");
        str_copy(r->name, sizeof r->name, ports[i].name);
        str_copy(r->label, sizeof r->label, ports[i].label);
    }
    free(ports);
    return 0;
}

static int pcsc_list(struct grow *g, struct kwh_err *e)
{
    char *names;
    size_t n;
    int rc = pcsc_list_readers(&names, &n, e);

    if (rc < 0)
        return rc;
    for (const char *p = names; n > 0 && *p != '\0'; p += strlen(p) + 1) {
        struct cardreg_entry *r = grow_add(g);
        if (r == NULL) {
            free(names);
            return kwh_err_set(e, KWH_ENOMEM, "out of memory");
        }
        str_copy(r->driver, sizeof r->driver, "pcsc");
        str_copy(r->name, sizeof r->name, p);
        str_copy(r->label, sizeof r->label, p);
    }
    free(names);
    return 0;
}

static int serial_open_cfg(const struct kwh_config *cfg, struct kwh_card_dev *dev,
                           struct kwh_err *e)
{
    if (cfg->reader_port[0] == '\0')
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                            "no card reader is configured: choose one in 通讯参数设置 (or set "
                            "[reader] port in %s)",
                            cfg->path[0] ? cfg->path : "the settings file");
    return reader_open(cfg->reader_port, cfg->reader_baud, SERIAL_AUTO, NULL, dev, e);
}

static int pcsc_open_cfg(const struct kwh_config *cfg, struct kwh_card_dev *dev, struct kwh_err *e)
{
    struct pcsc_opts o;

    pcsc_opts_default(&o);
    o.reader = cfg->reader_name;
    o.dialect = cfg->reader_dialect;
    return pcsc_open(&o, dev, e);
}

static const struct driver {
    const char *name;
    int (*list)(struct grow *g, struct kwh_err *e);
    int (*open)(const struct kwh_config *cfg, struct kwh_card_dev *dev, struct kwh_err *e);
} drivers[] = {
    {"serial", serial_list, serial_open_cfg},
    {"pcsc", pcsc_list, pcsc_open_cfg},
};

static const struct driver *find(const char *name)
{
    for (size_t i = 0; i < KWH_ARRAY_LEN(drivers); i++)
        if (strcmp(drivers[i].name, name) == 0)
            return &drivers[i];
    return name[0] == '\0' ? &drivers[0] : NULL;
}

int cardreg_list(struct cardreg_entry **list, size_t *n, char *note, size_t note_size,
                 struct kwh_err *e)
{
    struct grow g = {NULL, 0, 0};

    if (note_size > 0)
        note[0] = '\0';
    for (size_t i = 0; i < KWH_ARRAY_LEN(drivers); i++) {
        struct kwh_err le;

        kwh_err_clear(&le);
        if (drivers[i].list(&g, &le) == 0)
            continue;
        if (le.code == KWH_ENOMEM) {
            free(g.v);
            return kwh_err_set(e, KWH_ENOMEM, "out of memory");
        }
        if (note_size > 0 && note[0] == '\0')
            str_copy(note, note_size, le.msg);
    }
    *list = g.v;
    *n = g.n;
    return 0;
}

bool cardreg_configured(const struct kwh_config *cfg)
{
    return strcmp(cfg->reader_driver, "pcsc") == 0 || cfg->reader_port[0] != '\0';
}

int cardreg_open(const struct kwh_config *cfg, struct kwh_card_dev *dev, struct kwh_err *e)
{
    const struct driver *d = find(cfg->reader_driver);

    if (d == NULL)
        return kwh_err_set(e, KWH_EINVAL, "[reader] driver = '%s': expected serial or pcsc",
                           cfg->reader_driver);
    return d->open(cfg, dev, e);
}
