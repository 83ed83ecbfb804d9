/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: any bytes as the station file ([station] dir/station.ini, written by the
 * program but on a disk anyone at the counter may reach) load over the config or give an
 * error, and a station file that loaded saves (config_station_save, which reads the file
 * again to keep what it held) and loads back to the same reader choice. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kwhpos/config.h"
#include "kwhpos/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char dir[64], path[96], db[96];
    static struct kwh_config c, back;
    struct kwh_err e;

    if (dir[0] == '\0') {
        /* tmpfs where there is one: the atomic writer syncs every file */
        snprintf(dir, sizeof dir, "%s/fuzz_station.XXXXXX",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        if (mkdtemp(dir) == NULL)
            abort();
        snprintf(path, sizeof path, "%s/station.ini", dir);
        snprintf(db, sizeof db, "%s/site.db", dir);
    }
    if (file_write_atomic(path, data, size, 0600, &e) < 0)
        return 0;
    config_defaults(&c);
    if (config_station_load(&c, db, &e) < 0) {
        if (e.msg[0] == '\0')
            __builtin_trap();
        return 0;
    }
    if (strcmp(c.station_dir, dir) != 0)
        __builtin_trap();
    if (config_station_save_reader(&c, &e) < 0)
        return 0;
    config_defaults(&back);
    if (config_station_load(&back, db, &e) != 0 || back.reader_baud != c.reader_baud ||
        strcmp(back.reader_port, c.reader_port) != 0)
        __builtin_trap();
    return 0;
}
