/* SPDX-License-Identifier: Apache-2.0 */
/* The card readers this machine offers, for the screen and the command that choose one:
 * the card layer lists them (serial ports today), the core hands them on, so no screen
 * reaches a driver. */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/core.h"
#include "kwhpos/serial.h"
#include "kwhpos/util.h"

int core_reader_ports(struct kwh_reader_port **out, size_t *n, struct kwh_err *e)
{
    struct serial_port_info *ports = NULL;
    struct kwh_reader_port *list;
    size_t count = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = serial_list_ports(&ports, &count, e)) < 0)
        return rc;
    if (count == 0) {
        free(ports);
        return 0;
    }
    list = calloc(count, sizeof *list);
    if (list == NULL) {
        free(ports);
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < count; i++) {
        str_copy(list[i].name, sizeof list[i].name, ports[i].name);
        str_copy(list[i].label, sizeof list[i].label, ports[i].label);
    }
    free(ports);
    *out = list;
    *n = count;
    return 0;
}
