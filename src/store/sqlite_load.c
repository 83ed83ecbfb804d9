/* SPDX-License-Identifier: Apache-2.0 */
/* libsqlite3, loaded on the first call into it (see store/sqlite_load.h). */
#define KWH_SQLITE_LOADER
#include "store/sqlite_load.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

#include "kwhpos/util.h"

#define LIBRARY "libsqlite3.so.0"

static void load(void);

#define KWH_SQLITE_TRAMPOLINE(ret, name, params, args)                                             \
    static ret first_##name params                                                                 \
    {                                                                                              \
        load();                                                                                    \
        return kwh_sqlite.name args;                                                               \
    }
KWH_SQLITE_FUNCS(KWH_SQLITE_TRAMPOLINE)
#undef KWH_SQLITE_TRAMPOLINE

static void first_free(void *p)
{
    load();
    kwh_sqlite.free(p);
}

#define KWH_SQLITE_FIRST(ret, name, params, args) .name = first_##name,
struct kwh_sqlite kwh_sqlite = {KWH_SQLITE_FUNCS(KWH_SQLITE_FIRST).free = first_free};
#undef KWH_SQLITE_FIRST

/* Without SQLite nothing can go on: an installation fault, like running out of memory. */
static void fail(const char *what)
{
    kwh_log(LOG_CRIT, "cannot load %s: %s; reinstall kwhpos (the package libsqlite3-0)", LIBRARY,
            what);
    fprintf(stderr, "kwhpos: cannot load %s: %s; reinstall kwhpos (the package libsqlite3-0)\n",
            LIBRARY, what);
    _exit(7);
}

static void load(void)
{
    void *h = dlopen(LIBRARY, RTLD_NOW | RTLD_LOCAL);
    struct kwh_sqlite t;
    const char *why;

    if (h == NULL) {
        why = dlerror();
        fail(why != NULL ? why : "unknown error");
    }
#define KWH_SQLITE_SYM(ret, name, params, args)                                                    \
    *(void **)(&t.name) = dlsym(h, "sqlite3_" #name);                                              \
    if (t.name == NULL)                                                                            \
        fail("no sqlite3_" #name);
    KWH_SQLITE_FUNCS(KWH_SQLITE_SYM)
#undef KWH_SQLITE_SYM
    *(void **)(&t.free) = dlsym(h, "sqlite3_free");
    if (t.free == NULL)
        fail("no sqlite3_free");
    kwh_sqlite = t;
}
