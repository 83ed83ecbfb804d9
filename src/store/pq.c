/* SPDX-License-Identifier: Apache-2.0 */
/* libpq, loaded on first use (see pq.h). */
#define PQ_NO_MACROS
#include "store/pq.h"

#include <dlfcn.h>
#include <stddef.h>

#define PQ_LIBRARY "libpq.so.5"

struct pq_api pq_api;
static void *handle;

int pq_load(struct kwh_err *e)
{
    void *h;
    struct pq_api api;

    if (handle != NULL)
        return 0;
    h = dlopen(PQ_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL)
        return kwh_err_set(e, KWH_EDB,
                           "PostgreSQL's client library %s cannot be loaded (%s): install it "
                           "(Debian: apt-get install libpq5)",
                           PQ_LIBRARY, dlerror());
#define PQ_LOOKUP(name)                                                                            \
    if ((*(void **)&api.name = dlsym(h, #name)) == NULL) {                                         \
        dlclose(h);                                                                                \
        return kwh_err_set(e, KWH_EDB, "%s has no %s: install a newer libpq5", PQ_LIBRARY, #name); \
    }
    PQ_FUNCS(PQ_LOOKUP)
#undef PQ_LOOKUP
    pq_api = api;
    handle = h;
    return 0;
}
