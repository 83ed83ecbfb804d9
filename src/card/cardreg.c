/* SPDX-License-Identifier: Apache-2.0 */
/* The reader registry (include/kwhpos/cardreg.h): a table of drivers, each listing its
 * readers and opening one from the configuration. */
#include "kwhpos/cardreg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/config.h"
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
        r->port = true;
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
    struct reader_opts o;

    reader_opts_default(&o);
    o.timeout_ms = cfg->reader_timeout_ms > 0 ? cfg->reader_timeout_ms : o.timeout_ms;
    return reader_open(cfg->reader_port, cfg->reader_baud, SERIAL_AUTO, &o, dev, e);
}

static int pcsc_open_cfg(const struct kwh_config *cfg, struct kwh_card_dev *dev, struct kwh_err *e)
{
    struct pcsc_opts o;

    pcsc_opts_default(&o);
    o.reader = cfg->reader_name;
    o.dialect = cfg->reader_dialect;
    return pcsc_open(&o, dev, e);
}

static const char *serial_current(const struct kwh_config *cfg)
{
    return cfg->reader_port;
}

static bool serial_matches(const struct kwh_config *cfg, const struct cardreg_entry *r)
{
    return strcmp(r->name, cfg->reader_port) == 0;
}

static const char *pcsc_current(const struct kwh_config *cfg)
{
    return cfg->reader_name;
}

/* [reader] name is the start of the reader's name */
static bool pcsc_matches(const struct kwh_config *cfg, const struct cardreg_entry *r)
{
    return strncmp(r->name, cfg->reader_name, strlen(cfg->reader_name)) == 0;
}

static const struct driver {
    const char *name;
    const char *key; /* the [reader] key that names one of its readers */
    bool port;       /* its readers are serial ports (struct cardreg_entry) */
    int (*list)(struct grow *g, struct kwh_err *e);
    int (*open)(const struct kwh_config *cfg, struct kwh_card_dev *dev, struct kwh_err *e);
    const char *(*current)(const struct kwh_config *cfg); /* cfg's value of key */
    bool (*matches)(const struct kwh_config *cfg, const struct cardreg_entry *r);
} drivers[] = {
    {"serial", "reader.port", true, serial_list, serial_open_cfg, serial_current, serial_matches},
    {"pcsc", "reader.name", false, pcsc_list, pcsc_open_cfg, pcsc_current, pcsc_matches},
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

/* A serial driver needs its port; a PC/SC one takes the first reader when unnamed. */
bool cardreg_configured(const struct kwh_config *cfg)
{
    const struct driver *d = find(cfg->reader_driver);

    return d != NULL && (!d->port || d->current(cfg)[0] != '\0');
}

const char *cardreg_describe(const struct kwh_config *cfg)
{
    const struct driver *d = find(cfg->reader_driver);

    if (d == NULL)
        return cfg->reader_driver;
    if (d->current(cfg)[0] == '\0')
        return d->port ? "(none)" : "the first PC/SC reader";
    return d->current(cfg);
}

long cardreg_find(const struct kwh_config *cfg, const struct cardreg_entry *list, size_t n,
                  struct cardreg_entry *absent)
{
    const struct driver *d = find(cfg->reader_driver);

    if (d == NULL || !cardreg_configured(cfg))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].driver, d->name) == 0 && d->matches(cfg, &list[i]))
            return (long)i;
    memset(absent, 0, sizeof *absent);
    str_copy(absent->driver, sizeof absent->driver, d->name);
    str_copy(absent->name, sizeof absent->name, d->current(cfg));
    str_copy(absent->label, sizeof absent->label, d->current(cfg));
    absent->port = d->port;
    return (long)n;
}

void cardreg_port_entry(const char *port, struct cardreg_entry *r)
{
    memset(r, 0, sizeof *r);
    str_copy(r->driver, sizeof r->driver, drivers[0].name);
    str_copy(r->name, sizeof r->name, port);
    str_copy(r->label, sizeof r->label, port);
    r->port = true;
}

int cardreg_choose(struct kwh_config *cfg, const struct cardreg_entry *r, struct kwh_err *e)
{
    const struct driver *d = r ? find(r->driver) : &drivers[0];
    int rc;

    if (d == NULL)
        return kwh_err_set(e, KWH_EINVAL, "[reader] driver = '%s': expected serial or pcsc",
                           r->driver);
    if ((rc = config_set(cfg, "reader.driver", d->name, e)) < 0)
        return rc;
    return config_set(cfg, d->key, r ? r->name : "", e);
}

int cardreg_open(const struct kwh_config *cfg, struct kwh_card_dev *dev, struct kwh_err *e)
{
    const struct driver *d = find(cfg->reader_driver);

    if (d == NULL)
        return kwh_err_set(e, KWH_EINVAL, "[reader] driver = '%s': expected serial or pcsc",
                           cfg->reader_driver);
    return d->open(cfg, dev, e);
}
