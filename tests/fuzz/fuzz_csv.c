/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: any bytes as an import file (kwhpos import customers). The record splitter
 * keeps every field inside the text and always moves on; GB18030 text converts or is
 * refused; the import itself, on a real site database (in /dev/shm where there is one),
 * either creates accounts for every record or imports nothing and names bad lines that
 * exist in the file. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kwhpos/core.h"
#include "kwhpos/csv.h"
#include "kwhpos/data.h"
#include "kwhpos/query.h"

#define PW "fuzz-admin-1"
#define MAX_FIELDS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char db[96];
static struct kwh_core *core;
static struct kwh_session admin;

static void site_remove(void)
{
    static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
    char path[128];
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        snprintf(path, sizeof path, "%s%s", db, ext[i]);
        unlink(path);
    }
}

/* A fresh site with its administrator logged in. */
static void site_new(void)
{
    struct kwh_init_req req = {.area_code = "123456", .unit_name = "fuzz"};
    struct kwh_err e;

    core_close(core);
    core = NULL;
    site_remove();
    if (core_init_site(db, &req, &e) < 0 || core_open(&core, db, &e) < 0 ||
        auth_login(core, "system", "1", &admin, &e) < 0 ||
        auth_change_password(core, &admin, "system", "1", PW, PW, &e) < 0) {
        fprintf(stderr, "fuzz_csv: no site: %s\n", e.msg);
        abort();
    }
}

static int64_t accounts(void)
{
    struct kwh_customer_filter f;
    struct kwh_customer_page pg;
    struct kwh_err e;
    int64_t n;

    memset(&f, 0, sizeof f);
    if (query_customers(core, &admin, &f, &pg, &e) < 0)
        abort();
    n = pg.total;
    query_customer_page_fini(&pg);
    return n;
}

/* The splitter's promises over the whole text. */
static void split_all(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), *p, *end, *f[MAX_FIELDS];
    int64_t line = 1, newlines = 0;
    struct kwh_err e;
    size_t n;

    if (text == NULL)
        return;
    memcpy(text, data, size);
    text[size] = '\0';
    for (size_t i = 0; i < size; i++)
        newlines += data[i] == '\n';
    p = text;
    end = text + size;
    while (p < end) {
        char *before = p;
        int rc = csv_split(&p, end, f, MAX_FIELDS, &n, &line, &e);
        if (rc < 0 && e.detail != KWH_CSV_BAD_RECORD)
            break;
        if (p <= before || p > end || n == 0 || (rc < 0 && e.msg[0] == '\0'))
            __builtin_trap();
        for (size_t i = 0; i < n && i < MAX_FIELDS; i++)
            if (f[i] < before || f[i] > p || f[i] + strnlen(f[i], (size_t)(end - f[i])) > end)
                __builtin_trap();
    }
    if (line < 1 || line > newlines + 1)
        __builtin_trap();
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kwh_import_result res;
    struct kwh_err e;
    char *utf8 = NULL;
    size_t ulen;
    int64_t before;
    int rc;

    if (core == NULL) {
        /* tmpfs where there is one: every import is a transaction with fsync */
        const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(db, sizeof db, "%s/fuzz_csv.%ld.db", dir, (long)getpid());
        site_new();
        atexit(site_remove);
    }
    split_all(data, size);
    if (csv_from_gb18030((const char *)data, size, &utf8, &ulen, &e) == 0) {
        if (utf8 == NULL || strlen(utf8) > ulen)
            __builtin_trap();
        free(utf8);
    }
    int64_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    before = accounts();
    memset(&res, 0xA5, sizeof res);
    rc = import_customers(core, &admin, (const char *)data, size, &res, &e);
    if (rc == 0) {
        if (res.bad != 0 || res.imported <= 0 || accounts() != before + res.imported)
            __builtin_trap();
        site_new(); /* the next input meets an empty site again */
    } else {
        if (accounts() != before || res.imported != 0 || e.msg[0] == '\0')
            __builtin_trap();
        for (size_t i = 0; i < res.nerrors && i < KWH_IMPORT_MAX_ERRORS; i++)
            if (res.errors[i].line < 1 || res.errors[i].line > lines ||
                res.errors[i].msg[0] == '\0')
                __builtin_trap();
    }
    return 0;
}
