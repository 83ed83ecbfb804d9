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
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static int damaged(const char *path, const char *why, struct kwh_err *e)
{
    return kwh_err_set(e, KWH_EIO, "cannot load the printing module %s: %s; reinstall kwhpos", path,
                       why);
}

/* dlopen maps the file as its headers describe it: a file cut short (a full disk during
 * an install or an update, a copy broken off) ends the program with SIGBUS when the
 * loader touches the missing pages. So the file must be a shared object of this machine
 * whose headers and loaded segments all lie within it. */
static int check_module_file(const char *path, struct kwh_err *e)
{
    Elf64_Ehdr h;
    Elf64_Phdr ph;
    struct stat sb;
    int fd, rc = 0;
    off_t size;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return damaged(path, strerror(errno), e);
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        rc = damaged(path, kwh_tr("not a regular file"), e);
        goto out;
    }
    size = sb.st_size;
    if (pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h ||
        memcmp(h.e_ident, ELFMAG, SELFMAG) != 0 || h.e_ident[EI_CLASS] != ELFCLASS64 ||
        h.e_type != ET_DYN) {
        rc = damaged(path, kwh_tr("not a shared library (damaged, or another kind of file)"), e);
        goto out;
    }
    if (h.e_phentsize != sizeof ph || h.e_phnum == 0 ||
        (off_t)h.e_phoff + (off_t)h.e_phnum * (off_t)sizeof ph > size ||
        (off_t)h.e_shoff + (off_t)h.e_shnum * (off_t)h.e_shentsize > size) {
        rc = damaged(path, kwh_tr("the file is cut short"), e);
        goto out;
    }
    for (int i = 0; i < h.e_phnum && rc == 0; i++) {
        if (pread(fd, &ph, sizeof ph, (off_t)(h.e_phoff + (Elf64_Off)i * sizeof ph)) !=
            (ssize_t)sizeof ph)
            rc = damaged(path, kwh_tr("the file is cut short"), e);
        else if (ph.p_type == PT_LOAD && (off_t)(ph.p_offset + ph.p_filesz) > size)
            rc = damaged(path, kwh_tr("the file is cut short"), e);
    }
out:
    close(fd);
    return rc;
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
    if (check_module_file(path, e) < 0)
        return NULL;
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

int print_job_check(const struct print_job_opts *o, int job_id, int *outcome, struct kwh_err *e)
{
    const struct print_module *m = load(e);

    if (m == NULL)
        return e != NULL ? e->code : KWH_EIO;
    return m->job_check(o, job_id, outcome, e);
}

int print_pdf_render(const struct print_page *p, const struct print_pdf_opts *o, char **out,
                     size_t *len, struct kwh_err *e)
{
    const struct print_module *m = load(e);

    if (m == NULL)
        return e != NULL ? e->code : KWH_EIO;
    return m->pdf_render(p, o, out, len, e);
}
