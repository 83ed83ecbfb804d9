/* SPDX-License-Identifier: Apache-2.0 */
/* The card readers of this machine, for the reader settings (通讯参数设置): the screens
 * reach the driver registry of src/card through here. */
#include "core/internal.h"
#include "kwhpos/cardreg.h"

int readers_list(struct cardreg_entry **list, size_t *n, char *note, size_t note_size,
                 struct kwh_err *e)
{
    return cardreg_list(list, n, note, note_size, e);
}
