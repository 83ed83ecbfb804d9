/* SPDX-License-Identifier: Apache-2.0 */
/* print_submit and print_pdf_render: through the printing module, loaded on first use
 * (see print/module.h). Where it is looked for, in order: $KWHPOS_PRINT_MODULE (tests;
 * ignored by a setgid program), <prefix>/lib/kwhpos/ of the running program (installed:
 * /usr/bin/kwhpos -> /usr/lib/kwhpos/), beside the program (the build tree). No path is
 * compiled in. */
#include "kwhpos/print.h"
#include "kwhpos/util.h"
#include "print/module.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MODULE_FILE "kwhpos-print.so"

static const struct print_module *loaded;

static const char *find_module(char *buf, size_t size)
{
    const char *env = priv_getenv("KWHPOS_PRINT_MODULE");

    if (env != NULL && *env)
        return env;
    if (file_shipped("lib/kwhpos/" MODULE_FILE, MODULE_FILE, buf, size))
        return buf;
    return NULL;
}

static const struct print_module *load(struct kwh_err *e)
{
    char buf[PATH_MAX];
    const char *path;
    const char *why;
    void *h;
    const struct print_module *m;

    if (loaded != NULL)
        return loaded;
    path = find_module(buf, sizeof buf);
    if (path == NULL) {
        kwh_err_set(e, KWH_EIO,
                    "printing is not installed: %s is not in ../lib/kwhpos beside the "
                    "program; install the package kwhpos-print (or reinstall kwhpos)",
                    MODULE_FILE);
        return NULL;
    }
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        why = dlerror();
        kwh_err_set(e, KWH_EIO, "cannot load the printing module %s: %s; reinstall kwhpos", path,
                    why != NULL ? why : "unknown error");
        return NULL;
    }
    m = dlsym(h, PRINT_MODULE_SYMBOL);
    if (m == NULL || m->abi != PRINT_MODULE_ABI) {
        kwh_err_set(e, KWH_EIO,
                    "the printing module %s belongs to another version of kwhpos; "
                    "reinstall kwhpos",
                    path);
        dlclose(h);
        return NULL;
    }
    loaded = m;
    return m;
}

int print_module_ready(struct kwh_err *e)
{
    return load(e) != NULL ? 0 : e != NULL ? e->code : KWH_EIO;
}

int print_submit(const struct print_job_opts *o, const char *format, const void *data, size_t len,
                 int *job_id, struct kwh_err *e)
{
    const struct print_module *m = load(e);

    if (m == NULL)
        return e != NULL ? e->code : KWH_EIO;
    return m->submit(o, format, data, len, job_id, e);
}

int print_pdf_render(const struct print_page *p, const struct print_pdf_opts *o, char **out,
                     size_t *len, struct kwh_err *e)
{
    const struct print_module *m = load(e);

    if (m == NULL)
        return e != NULL ? e->code : KWH_EIO;
    return m->pdf_render(p, o, out, len, e);
}
