/* SPDX-License-Identifier: Apache-2.0 */
/* The card readers of this machine, for the reader settings (通讯参数设置) and the
 * status line: the screens reach the driver registry of src/card through here. */
#include "core/internal.h"
#include "kwhpos/cardreg.h"

int readers_list(struct cardreg_entry **list, size_t *n, char *note, size_t note_size,
                 struct kwh_err *e)
{
    return cardreg_list(list, n, note, note_size, e);
}

const char *readers_describe(const struct kwh_config *cfg)
{
    return cardreg_describe(cfg);
}

long readers_find(const struct kwh_config *cfg, const struct cardreg_entry *list, size_t n,
                  struct cardreg_entry *absent)
{
    return cardreg_find(cfg, list, n, absent);
}

void readers_port_entry(const char *port, struct cardreg_entry *r)
{
    cardreg_port_entry(port, r);
}

int readers_choose(struct kwh_config *cfg, const struct cardreg_entry *r, struct kwh_err *e)
{
    return cardreg_choose(cfg, r, e);
}
