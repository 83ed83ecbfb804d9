/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: any bytes as an INI file load into the config or give an error, and a
 * config that loaded saves and loads back to the same values. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kwhpos/config.h"
#include "kwhpos/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64], saved[64];
    struct kwh_config c, back;
    struct kwh_err e;

    if (path[0] == '\0') {
        /* tmpfs where there is one: the atomic writer syncs every file */
        const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(path, sizeof path, "%s/fuzz_ini.%ld.ini", dir, (long)getpid());
        snprintf(saved, sizeof saved, "%s/fuzz_ini.%ld.out.ini", dir, (long)getpid());
    }
    if (file_write_atomic(path, data, size, 0600, &e) < 0)
        return 0;
    if (config_load(&c, path, &e) == 0 && config_save(&c, saved, &e) == 0) {
        if (config_load(&back, saved, &e) != 0 || back.reader_baud != c.reader_baud ||
            strcmp(back.print_queue, c.print_queue) != 0 || strcmp(back.db_path, c.db_path) != 0)
            __builtin_trap();
    }
    return 0;
}
