/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: any bytes as the anchors file of `kwhpos audit verify --anchors FILE` (the
 * anchor file, or syslog or journalctl output someone saved) are checked against a real
 * site's audit chain (SQLite on tmpfs) and give counts or an error, never a crash.
 *
 * A fuzzer cannot guess the site's id or its chain's hashes, which derive from a secret
 * made at `init`; so in the input "site=*" stands for this site's id, "head=*" for the
 * hash of its newest record and "records=*" for their count (the seeds use them). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kwhpos/core.h"
#include "kwhpos/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct kwh_core *core;
static struct kwh_anchor now;
static char dir[64], path[96];

static void setup(void)
{
    struct kwh_init_req req = {.area_code = "314159", .unit_name = "fuzz", .demo_tariffs = true};
    char db[128], anchors[128];
    struct kwh_err e;

    snprintf(dir, sizeof dir, "%s/fuzz_anchors.XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (mkdtemp(dir) == NULL)
        abort();
    snprintf(db, sizeof db, "%s/site.db", dir);
    snprintf(anchors, sizeof anchors, "%s/anchors.log", dir);
    snprintf(path, sizeof path, "%s/input.log", dir);
    if (core_init_site(db, &req, &e) < 0 || core_open(&core, db, &e) < 0) {
        fprintf(stderr, "fuzz_anchors: %s\n", e.msg);
        abort();
    }
    core_set_anchor_file(core, anchors);
    if (audit_anchor(core, "check", &now, &e) < 0 || now.records <= 0) {
        fprintf(stderr, "fuzz_anchors: no anchor: %s\n", e.msg);
        abort();
    }
}

/* The input with the placeholders replaced, NUL-free (a line ends at a NUL anyway). */
static char *expand(const uint8_t *data, size_t size, size_t *len)
{
    static const char *const keys[] = {"site=*", "head=*", "records=*"};
    char recs[32], *out, *o;

    snprintf(recs, sizeof recs, "records=%lld", (long long)now.records);
    if ((out = malloc(size * 12 + 1)) == NULL)
        abort();
    o = out;
    for (size_t i = 0; i < size;) {
        size_t k = 0;
        for (; k < 3; k++)
            if (size - i >= strlen(keys[k]) && memcmp(data + i, keys[k], strlen(keys[k])) == 0)
                break;
        if (k == 3) {
            *o++ = (char)data[i++];
            continue;
        }
        i += strlen(keys[k]);
        o += k == 0   ? sprintf(o, "site=%s", now.site)
             : k == 1 ? sprintf(o, "head=%s", now.head)
                      : sprintf(o, "%s", recs);
    }
    *len = (size_t)(o - out);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kwh_anchor_check ac;
    struct kwh_err e;
    size_t len;
    char *text;

    if (core == NULL)
        setup();
    if (size > 4096)
        return 0;
    text = expand(data, size, &len);
    if (file_write_atomic(path, text, len, 0600, &e) < 0) {
        free(text);
        return 0;
    }
    free(text);
    kwh_err_clear(&e);
    if (audit_verify_anchors(core, path, &ac, &e) < 0) {
        if (e.msg[0] == '\0')
            __builtin_trap();
        return 0;
    }
    if (ac.anchors < 0 || ac.other_sites < 0 || ac.unreadable < 0 || ac.newest < 0 ||
        ac.newest > now.records || (ac.contradicted && ac.bad_records <= 0) ||
        strlen(ac.bad_when) >= sizeof ac.bad_when)
        __builtin_trap();
    return 0;
}
