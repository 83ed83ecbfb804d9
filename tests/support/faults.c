/* SPDX-License-Identifier: Apache-2.0 */
/* Failure at the Nth call (see faults.h). */
#include "faults.h"

#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static unsigned armed;
static long target, calls, failed;
static bool persist;

void faults_arm(unsigned kinds, long n, bool keep_failing)
{
    calls = 0;
    failed = 0;
    target = n;
    persist = keep_failing;
    armed = kinds;
}

long faults_disarm(void)
{
    armed = 0;
    return calls;
}

long faults_failed(void)
{
    return failed;
}

bool faults_hit(unsigned kind)
{
    if ((armed & kind) == 0)
        return false;
    calls++;
    if (target > 0 && (calls == target || (persist && calls > target))) {
        failed++;
        if (getenv("KWH_FAULTS_TRACE") != NULL) { /* where the call failed */
            void *frames[24];
            armed = 0;
            fprintf(stderr, "# fault: %s %ld failed here:\n", faults_name(kind), calls);
            backtrace_symbols_fd(frames, backtrace(frames, 24), 2);
            armed = kind;
        }
        return true;
    }
    return false;
}

const char *faults_name(unsigned kind)
{
    switch (kind) {
    case FAULT_ALLOC: return "allocation";
    case FAULT_FILE: return "file call";
    case FAULT_SQL_MALLOC: return "SQLite allocation";
    case FAULT_SQL_IO: return "SQLite I/O (IOERR)";
    case FAULT_SQL_FULL: return "SQLite write (FULL)";
    case FAULT_CARD: return "card device call";
    case FAULT_SERIAL: return "serial read or write";
    default: return "?";
    }
}

/* --- the program's own calls, through -Wl,--wrap ----------------------------------------- */

/* The prototypes the linker's --wrap gives the real functions. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
int __real_open(const char *path, int flags, ...);
ssize_t __real_write(int fd, const void *buf, size_t n);
int __real_fsync(int fd);
int __real_fdatasync(int fd);
int __real_rename(const char *from, const char *to);
int __real_link(const char *from, const char *to);
int __real_mkstemp(char *tmpl);
int __real_mkstemps(char *tmpl, int suffix);
FILE *__real_fopen(const char *path, const char *mode);
FILE *__real_fdopen(int fd, const char *mode);
size_t __real_fwrite(const void *p, size_t size, size_t n, FILE *f);
int __real_fclose(FILE *f);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
int __wrap_open(const char *path, int flags, ...);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
int __wrap_fsync(int fd);
int __wrap_fdatasync(int fd);
int __wrap_rename(const char *from, const char *to);
int __wrap_link(const char *from, const char *to);
int __wrap_mkstemp(char *tmpl);
int __wrap_mkstemps(char *tmpl, int suffix);
FILE *__wrap_fopen(const char *path, const char *mode);
FILE *__wrap_fdopen(int fd, const char *mode);
size_t __wrap_fwrite(const void *p, size_t size, size_t n, FILE *f);
int __wrap_fclose(FILE *f);

#define ALLOC_FAILS() (faults_hit(FAULT_ALLOC) ? (errno = ENOMEM, true) : false)
#define FILE_FAILS(err) (faults_hit(FAULT_FILE) ? (errno = (err), true) : false)

void *__wrap_malloc(size_t n)
{
    return ALLOC_FAILS() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
    return ALLOC_FAILS() ? NULL : __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n)
{
    return ALLOC_FAILS() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
    return ALLOC_FAILS() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
    return ALLOC_FAILS() ? NULL : __real_strndup(s, n);
}

int __wrap_open(const char *path, int flags, ...)
{
    unsigned mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, unsigned);
        va_end(ap);
    }
    return FILE_FAILS(EIO) ? -1 : __real_open(path, flags, mode);
}

/* A write fails as a full disk does: ENOSPC */
ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
    return FILE_FAILS(ENOSPC) ? -1 : __real_write(fd, buf, n);
}

int __wrap_fsync(int fd)
{
    return FILE_FAILS(EIO) ? -1 : __real_fsync(fd);
}

int __wrap_fdatasync(int fd)
{
    return FILE_FAILS(EIO) ? -1 : __real_fdatasync(fd);
}

int __wrap_rename(const char *from, const char *to)
{
    return FILE_FAILS(EIO) ? -1 : __real_rename(from, to);
}

int __wrap_link(const char *from, const char *to)
{
    return FILE_FAILS(EIO) ? -1 : __real_link(from, to);
}

int __wrap_mkstemp(char *tmpl)
{
    return FILE_FAILS(ENOSPC) ? -1 : __real_mkstemp(tmpl);
}

int __wrap_mkstemps(char *tmpl, int suffix)
{
    return FILE_FAILS(ENOSPC) ? -1 : __real_mkstemps(tmpl, suffix);
}

FILE *__wrap_fopen(const char *path, const char *mode)
{
    return FILE_FAILS(EIO) ? NULL : __real_fopen(path, mode);
}

FILE *__wrap_fdopen(int fd, const char *mode)
{
    return ALLOC_FAILS() ? NULL : __real_fdopen(fd, mode);
}

size_t __wrap_fwrite(const void *p, size_t size, size_t n, FILE *f)
{
    return FILE_FAILS(ENOSPC) ? 0 : __real_fwrite(p, size, n, f);
}

/* A close that fails still frees the stream, as fclose does */
int __wrap_fclose(FILE *f)
{
    int rc = __real_fclose(f);
    if (FILE_FAILS(EIO))
        return EOF;
    return rc;
}

/* --- SQLite's allocator ------------------------------------------------------------------ */

static sqlite3_mem_methods real_mem;

static void *sql_malloc(int n)
{
    return faults_hit(FAULT_SQL_MALLOC) ? NULL : real_mem.xMalloc(n);
}

static void *sql_realloc(void *p, int n)
{
    return faults_hit(FAULT_SQL_MALLOC) ? NULL : real_mem.xRealloc(p, n);
}

/* --- the VFS ---------------------------------------------------------------------------- */

struct ffile {
    sqlite3_file base;
    sqlite3_file *real; /* follows this struct */
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;

static bool io_fails(void)
{
    return faults_hit(FAULT_SQL_IO);
}

/* A write or truncate fails with FULL (a full disk) or IOERR */
static int write_fails(int ioerr)
{
    if (faults_hit(FAULT_SQL_FULL))
        return SQLITE_FULL;
    return io_fails() ? ioerr : SQLITE_OK;
}

#define REAL(f) (((struct ffile *)(f))->real)

static int f_close(sqlite3_file *f)
{
    int rc = REAL(f)->pMethods->xClose(REAL(f));
    return rc;
}

static int f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    if (io_fails())
        return SQLITE_IOERR_READ;
    return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    int rc = write_fails(SQLITE_IOERR_WRITE);
    return rc != SQLITE_OK ? rc : REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    int rc = write_fails(SQLITE_IOERR_TRUNCATE);
    return rc != SQLITE_OK ? rc : REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int f_sync(sqlite3_file *f, int flags)
{
    if (io_fails())
        return SQLITE_IOERR_FSYNC;
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int f_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int f_lock(sqlite3_file *f, int lock)
{
    return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int f_unlock(sqlite3_file *f, int lock)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int f_check_lock(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int f_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int f_sector(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int f_device(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int f_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **p)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), page, size, extend, p);
}

static int f_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void f_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int f_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

/* No memory-mapped pages: every read goes through xRead */
static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
    (void)f;
    (void)off;
    (void)n;
    *p = NULL;
    return SQLITE_OK;
}

static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    (void)f;
    (void)off;
    (void)p;
    return SQLITE_OK;
}

static const sqlite3_io_methods fault_io = {
    .iVersion = 3,
    .xClose = f_close,
    .xRead = f_read,
    .xWrite = f_write,
    .xTruncate = f_truncate,
    .xSync = f_sync,
    .xFileSize = f_size,
    .xLock = f_lock,
    .xUnlock = f_unlock,
    .xCheckReservedLock = f_check_lock,
    .xFileControl = f_control,
    .xSectorSize = f_sector,
    .xDeviceCharacteristics = f_device,
    .xShmMap = f_shm_map,
    .xShmLock = f_shm_lock,
    .xShmBarrier = f_shm_barrier,
    .xShmUnmap = f_shm_unmap,
    .xFetch = f_fetch,
    .xUnfetch = f_unfetch,
};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    struct ffile *ff = (struct ffile *)f;
    int rc;
    (void)vfs;
    ff->real = (sqlite3_file *)(ff + 1);
    f->pMethods = NULL;
    if (io_fails())
        return SQLITE_CANTOPEN;
    rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out_flags);
    if (rc == SQLITE_OK && ff->real->pMethods != NULL)
        f->pMethods = &fault_io;
    else if (ff->real->pMethods != NULL) {
        ff->real->pMethods->xClose(ff->real);
    }
    return rc;
}

#define PASS(name, params, args)                                                                   \
    static int v_##name params                                                                     \
    {                                                                                              \
        (void)vfs;                                                                                 \
        return real_vfs->x##name args;                                                             \
    }
PASS(Delete, (sqlite3_vfs * vfs, const char *name, int sync), (real_vfs, name, sync))
PASS(Access, (sqlite3_vfs * vfs, const char *name, int flags, int *out),
     (real_vfs, name, flags, out))
PASS(FullPathname, (sqlite3_vfs * vfs, const char *name, int n, char *out),
     (real_vfs, name, n, out))
PASS(Randomness, (sqlite3_vfs * vfs, int n, char *out), (real_vfs, n, out))
PASS(Sleep, (sqlite3_vfs * vfs, int us), (real_vfs, us))
PASS(CurrentTime, (sqlite3_vfs * vfs, double *out), (real_vfs, out))
PASS(GetLastError, (sqlite3_vfs * vfs, int n, char *out), (real_vfs, n, out))
PASS(CurrentTimeInt64, (sqlite3_vfs * vfs, sqlite3_int64 *out), (real_vfs, out))
#undef PASS

static void *v_DlOpen(sqlite3_vfs *vfs, const char *name)
{
    (void)vfs;
    return real_vfs->xDlOpen(real_vfs, name);
}

static void v_DlError(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    real_vfs->xDlError(real_vfs, n, out);
}

static void (*v_DlSym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
    (void)vfs;
    return real_vfs->xDlSym(real_vfs, h, sym);
}

static void v_DlClose(sqlite3_vfs *vfs, void *h)
{
    (void)vfs;
    real_vfs->xDlClose(real_vfs, h);
}

void faults_install(void)
{
    sqlite3_mem_methods m;

    sqlite3_shutdown();
    if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem) != SQLITE_OK)
        abort();
    m = real_mem;
    m.xMalloc = sql_malloc;
    m.xRealloc = sql_realloc;
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK || sqlite3_initialize() != SQLITE_OK)
        abort();
    real_vfs = sqlite3_vfs_find(NULL);
    if (real_vfs == NULL)
        abort();
    fault_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)sizeof(struct ffile) + real_vfs->szOsFile,
        .mxPathname = real_vfs->mxPathname,
        .zName = "kwhfault",
        .xOpen = v_open,
        .xDelete = v_Delete,
        .xAccess = v_Access,
        .xFullPathname = v_FullPathname,
        .xDlOpen = v_DlOpen,
        .xDlError = v_DlError,
        .xDlSym = v_DlSym,
        .xDlClose = v_DlClose,
        .xRandomness = v_Randomness,
        .xSleep = v_Sleep,
        .xCurrentTime = v_CurrentTime,
        .xGetLastError = v_GetLastError,
        .xCurrentTimeInt64 = v_CurrentTimeInt64,
    };
    if (sqlite3_vfs_register(&fault_vfs, 1) != SQLITE_OK)
        abort();
}
