/* SPDX-License-Identifier: Apache-2.0 */
/* The power-cut VFS (crashvfs.h). Writes reach the files at once, so the process reads
 * what it wrote, as on a real machine where they sit in the page cache; beside them the
 * VFS keeps, per file, its content as of its last sync (the durable image) and the
 * changes since, in order. At the cut the file is rebuilt from the durable image with
 * each later change replayed or not:
 *
 * - a write, per sector of the cut's granularity it covers: kept, dropped (the sector
 *   keeps what was there before) or torn (the bytes of the write in that sector become
 *   random). Only the bytes the write covers are torn: SQLite's unix VFS says the disk
 *   does powersafe overwrite, and this VFS passes that on. Each sector is decided on its
 *   own, so a later write may survive an earlier one: the disk reordered them;
 * - a truncation: done or not;
 * - a file created, or removed, since the last sync of its folder: there or not. SQLite
 *   syncs the folder at the first sync of a journal or WAL it created, and on removals
 *   that ask for it (xDelete's dirSync), as its unix VFS does; this VFS models exactly
 *   those and no other folder syncs.
 *
 * What is not modelled: a disk that acknowledges a flush it did not do (no VFS can
 * make that safe); the -shm file (SQLite rebuilds it when the first connection opens
 * the database after a crash); files changed outside SQLite (the program's own files,
 * renames and links: see docs/reliability.md). */
#define _GNU_SOURCE
#include "crashvfs.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILES 64

enum ev_kind { EV_WRITE, EV_TRUNCATE, EV_CREATE, EV_DELETE };

struct event {
    enum ev_kind kind;
    int64_t off; /* write: where; truncate: the new size */
    size_t len;
    unsigned char *data;
};

/* One file by name, as the power cut sees it. */
struct track {
    char *path;
    char *dir;
    bool durable_exists;    /* the file's name is on disk */
    unsigned char *durable; /* its content as of its last sync */
    size_t durable_len;
    struct event *ev;
    size_t nev, cap;
};

struct cfile {
    sqlite3_file base;
    const char *path; /* NULL: a temporary file, not recorded */
    bool dirsync;     /* the first sync also syncs the folder (a new journal or WAL) */
    sqlite3_file *real;
};

static sqlite3_vfs *root;
static sqlite3_vfs crash_vfs;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool recording;
static long cut_after;
static uint64_t rng;
static struct crashvfs_report *rep;
static struct track files[MAX_FILES];
static size_t nfiles;

/* --- helpers --------------------------------------------------------------------------- */

static void die(const char *what)
{
    fprintf(stderr, "crashvfs: %s: %s\n", what, strerror(errno));
    _exit(99);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        die("out of memory");
    return p;
}

static uint64_t next_random(void)
{
    /* splitmix64 */
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* The whole file at path now (*len 0, NULL when it does not exist). */
static unsigned char *read_all(const char *path, size_t *len)
{
    struct stat sb;
    unsigned char *buf;
    size_t got = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    *len = 0;
    if (fd < 0)
        return NULL;
    if (fstat(fd, &sb) != 0)
        die(path);
    buf = xmalloc((size_t)sb.st_size);
    while (got < (size_t)sb.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
        if (r <= 0)
            die(path);
        got += (size_t)r;
    }
    close(fd);
    *len = got;
    return buf;
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static void clear_events(struct track *t)
{
    for (size_t i = 0; i < t->nev; i++)
        free(t->ev[i].data);
    t->nev = 0;
}

static void add_event(struct track *t, enum ev_kind kind, int64_t off, const void *data, size_t len)
{
    if (t->nev == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->ev = realloc(t->ev, t->cap * sizeof *t->ev);
        if (t->ev == NULL)
            die("out of memory");
    }
    t->ev[t->nev] = (struct event){kind, off, len, NULL};
    if (data != NULL) {
        t->ev[t->nev].data = xmalloc(len);
        memcpy(t->ev[t->nev].data, data, len);
    }
    t->nev++;
}

/* The file's record, made on first use from the file as it is now (before the change
 * about to be recorded): what existed when recording started counts as on disk. */
static struct track *track_of(const char *path)
{
    struct track *t;
    char *slash;

    for (size_t i = 0; i < nfiles; i++)
        if (strcmp(files[i].path, path) == 0)
            return &files[i];
    if (nfiles == MAX_FILES) {
        errno = ENFILE;
        die("too many files");
    }
    t = &files[nfiles++];
    memset(t, 0, sizeof *t);
    t->path = strdup(path);
    t->dir = strdup(path);
    if (t->path == NULL || t->dir == NULL)
        die("out of memory");
    slash = strrchr(t->dir, '/');
    if (slash != NULL)
        *slash = '\0';
    t->durable = read_all(path, &t->durable_len);
    t->durable_exists = t->durable != NULL;
    return t;
}

/* A sync of the folder dir: every name created or removed there is now on disk. */
static void dir_synced(const char *dir)
{
    for (size_t i = 0; i < nfiles; i++) {
        struct track *t = &files[i];
        size_t k = 0;
        if (strcmp(t->dir, dir) != 0)
            continue;
        t->durable_exists = exists(t->path);
        for (size_t j = 0; j < t->nev; j++) {
            if (t->ev[j].kind == EV_CREATE || t->ev[j].kind == EV_DELETE)
                free(t->ev[j].data);
            else
                t->ev[k++] = t->ev[j];
        }
        t->nev = k;
    }
}

static void report_event(bool sync)
{
    rep->events++;
    if (sync) {
        if (rep->syncs < CRASHVFS_MAX_SYNCS)
            rep->sync_at[rep->syncs] = rep->events;
        rep->syncs++;
    }
}

/* --- the cut --------------------------------------------------------------------------- */

/* kept 0, dropped 1, torn 2 */
static int choose(void)
{
    uint64_t r;
    if (rep->mode == CRASHVFS_KEEP_ALL)
        return 0;
    if (rep->mode == CRASHVFS_DROP_ALL)
        return 1;
    r = next_random() % 10;
    return r < 4 ? 0 : r < 8 ? 1 : 2;
}

static void grow(unsigned char **img, size_t *len, size_t *cap, size_t want)
{
    if (want > *cap) {
        *cap = want + want / 2 + 4096;
        *img = realloc(*img, *cap);
        if (*img == NULL)
            die("out of memory");
    }
    if (want > *len) {
        memset(*img + *len, 0, want - *len);
        *len = want;
    }
}

/* The file as the cut leaves it, written over what is there. */
static void cut_file(struct track *t)
{
    size_t len = t->durable_len, cap = t->durable_len;
    unsigned char *img = xmalloc(cap);
    bool present = t->durable_exists;
    bool deleted_seen = false;
    int fd;

    if (t->durable_len > 0)
        memcpy(img, t->durable, t->durable_len);
    for (size_t i = 0; i < t->nev; i++) {
        struct event *ev = &t->ev[i];
        switch (ev->kind) {
        case EV_WRITE:
            for (size_t o = 0; o < ev->len;) {
                size_t at = (size_t)ev->off + o;
                size_t n = (size_t)rep->sector - at % (size_t)rep->sector;
                int what = choose();
                if (n > ev->len - o)
                    n = ev->len - o;
                if (what == 1) {
                    rep->dropped++;
                } else {
                    grow(&img, &len, &cap, at + n);
                    if (what == 0) {
                        memcpy(img + at, ev->data + o, n);
                        rep->kept++;
                    } else {
                        for (size_t b = 0; b < n; b++)
                            img[at + b] = (unsigned char)next_random();
                        rep->torn++;
                    }
                }
                o += n;
            }
            break;
        case EV_TRUNCATE:
            if (rep->mode == CRASHVFS_KEEP_ALL ||
                (rep->mode == CRASHVFS_RANDOM && next_random() % 2 == 0)) {
                if ((size_t)ev->off < len)
                    len = (size_t)ev->off;
                else
                    grow(&img, &len, &cap, (size_t)ev->off);
            } else {
                rep->truncations_lost++;
            }
            break;
        case EV_CREATE:
            if (!present && choose() != 1) {
                present = true;
                len = 0;
            }
            break;
        case EV_DELETE:
            deleted_seen = true;
            if (present && choose() != 1) {
                present = false;
                len = 0;
            }
            break;
        }
    }
    if (!exists(t->path) && !deleted_seen) {
        /* removed outside SQLite (a backup's temporary file): not modelled */
        free(img);
        return;
    }
    if (!present) {
        if (exists(t->path)) {
            rep->files_lost++;
            if (unlink(t->path) != 0)
                die(t->path);
        }
        free(img);
        return;
    }
    if (!exists(t->path))
        rep->files_back++;
    fd = open(t->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        die(t->path);
    for (size_t o = 0; o < len;) {
        ssize_t w = write(fd, img + o, len - o);
        if (w <= 0)
            die(t->path);
        o += (size_t)w;
    }
    close(fd);
    free(img);
}

static void cut_locked(void)
{
    rep->cut = true;
    rep->cut_at = rep->events;
    for (size_t i = 0; i < nfiles; i++)
        cut_file(&files[i]);
    _exit(CRASHVFS_EXIT);
}

void crashvfs_cut(void)
{
    if (!recording)
        return;
    pthread_mutex_lock(&lock);
    cut_locked();
}

/* After an event: the cut, when this was the chosen one. Called with the lock held. */
static void maybe_cut(void)
{
    if (cut_after > 0 && rep->events >= cut_after)
        cut_locked();
}

/* --- the file methods ------------------------------------------------------------------ */

#define REAL(f) (((struct cfile *)(f))->real)

static int c_close(sqlite3_file *f)
{
    int rc = REAL(f)->pMethods != NULL ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;
    return rc;
}

static int c_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), buf, amt, off);
}

static int c_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
    struct cfile *cf = (struct cfile *)f;
    struct track *t;
    int rc;

    if (!recording || cf->path == NULL)
        return REAL(f)->pMethods->xWrite(REAL(f), buf, amt, off);
    pthread_mutex_lock(&lock);
    t = track_of(cf->path);
    rc = REAL(f)->pMethods->xWrite(REAL(f), buf, amt, off);
    if (rc == SQLITE_OK) {
        add_event(t, EV_WRITE, off, buf, (size_t)amt);
        rep->writes++;
        report_event(false);
        maybe_cut();
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int c_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    struct cfile *cf = (struct cfile *)f;
    struct track *t;
    int rc;

    if (!recording || cf->path == NULL)
        return REAL(f)->pMethods->xTruncate(REAL(f), size);
    pthread_mutex_lock(&lock);
    t = track_of(cf->path);
    rc = REAL(f)->pMethods->xTruncate(REAL(f), size);
    if (rc == SQLITE_OK) {
        add_event(t, EV_TRUNCATE, size, NULL, 0);
        report_event(false);
        maybe_cut();
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int c_sync(sqlite3_file *f, int flags)
{
    struct cfile *cf = (struct cfile *)f;
    struct track *t;
    int rc;

    if (!recording || cf->path == NULL)
        return REAL(f)->pMethods->xSync(REAL(f), flags);
    pthread_mutex_lock(&lock);
    t = track_of(cf->path);
    rc = REAL(f)->pMethods->xSync(REAL(f), flags);
    if (rc == SQLITE_OK) {
        free(t->durable);
        t->durable = read_all(t->path, &t->durable_len);
        clear_events(t);
        if (cf->dirsync) {
            cf->dirsync = false;
            dir_synced(t->dir);
        }
        report_event(true);
        maybe_cut();
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int c_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int c_lock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int c_unlock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int c_check_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int c_file_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int c_sector_size(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int c_device(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int c_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int c_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void c_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int c_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int c_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
    return REAL(f)->pMethods->xFetch(REAL(f), off, amt, pp);
}

static int c_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods methods = {
    3,           c_close,   c_read,     c_write,          c_truncate,     c_sync,
    c_file_size, c_lock,    c_unlock,   c_check_reserved, c_file_control, c_sector_size,
    c_device,    c_shm_map, c_shm_lock, c_shm_barrier,    c_shm_unmap,    c_fetch,
    c_unfetch,
};

/* --- the VFS --------------------------------------------------------------------------- */

static int v_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags, int *out)
{
    struct cfile *cf = (struct cfile *)f;
    bool journal =
        (flags & (SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_SUPER_JOURNAL)) != 0;
    bool created = false;
    int rc;

    (void)vfs;
    memset(cf, 0, sizeof *cf);
    cf->real = (sqlite3_file *)(cf + 1);
    if (name != NULL && !(flags & SQLITE_OPEN_DELETEONCLOSE))
        cf->path = name;
    /* as SQLite's unix VFS: a journal or WAL opened to be created has its folder synced
       at its first sync */
    cf->dirsync = journal && (flags & SQLITE_OPEN_CREATE);
    if (recording && cf->path != NULL) {
        pthread_mutex_lock(&lock);
        if (!exists(cf->path)) {
            track_of(cf->path);
            created = true;
        }
        pthread_mutex_unlock(&lock);
    }
    rc = root->xOpen(root, name, cf->real, flags, out);
    cf->base.pMethods = cf->real->pMethods != NULL ? &methods : NULL;
    if (rc == SQLITE_OK && created && exists(cf->path)) {
        pthread_mutex_lock(&lock);
        add_event(track_of(cf->path), EV_CREATE, 0, NULL, 0);
        pthread_mutex_unlock(&lock);
    }
    return rc;
}

static int v_delete(sqlite3_vfs *vfs, const char *name, int dirsync)
{
    struct track *t;
    int rc;

    (void)vfs;
    if (!recording)
        return root->xDelete(root, name, dirsync);
    pthread_mutex_lock(&lock);
    t = track_of(name);
    rc = root->xDelete(root, name, dirsync);
    if (rc == SQLITE_OK) {
        add_event(t, EV_DELETE, 0, NULL, 0);
        if (dirsync)
            dir_synced(t->dir);
        report_event(false);
        maybe_cut();
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    return root->xAccess(root, name, flags, out);
}

static int v_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    return root->xFullPathname(root, name, n, out);
}

static void *v_dlopen(sqlite3_vfs *vfs, const char *name)
{
    (void)vfs;
    return root->xDlOpen(root, name);
}

static void v_dlerror(sqlite3_vfs *vfs, int n, char *msg)
{
    (void)vfs;
    root->xDlError(root, n, msg);
}

static void (*v_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
    (void)vfs;
    return root->xDlSym(root, h, sym);
}

static void v_dlclose(sqlite3_vfs *vfs, void *h)
{
    (void)vfs;
    root->xDlClose(root, h);
}

static int v_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return root->xRandomness(root, n, out);
}

static int v_sleep(sqlite3_vfs *vfs, int us)
{
    (void)vfs;
    return root->xSleep(root, us);
}

static int v_current_time(sqlite3_vfs *vfs, double *out)
{
    (void)vfs;
    return root->xCurrentTime(root, out);
}

static int v_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return root->xGetLastError(root, n, out);
}

static int v_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    (void)vfs;
    return root->xCurrentTimeInt64(root, out);
}

int crashvfs_register(void)
{
    if (root != NULL)
        return SQLITE_OK;
    root = sqlite3_vfs_find("unix");
    if (root == NULL)
        return SQLITE_ERROR;
    crash_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)sizeof(struct cfile) + root->szOsFile,
        .mxPathname = root->mxPathname,
        .zName = "crashvfs",
        .xOpen = v_open,
        .xDelete = v_delete,
        .xAccess = v_access,
        .xFullPathname = v_full_pathname,
        .xDlOpen = v_dlopen,
        .xDlError = v_dlerror,
        .xDlSym = v_dlsym,
        .xDlClose = v_dlclose,
        .xRandomness = v_randomness,
        .xSleep = v_sleep,
        .xCurrentTime = v_current_time,
        .xGetLastError = v_last_error,
        .xCurrentTimeInt64 = v_current_time64,
    };
    return sqlite3_vfs_register(&crash_vfs, 1);
}

void crashvfs_start(long after, uint64_t seed, struct crashvfs_report *report)
{
    pthread_mutex_lock(&lock);
    memset(report, 0, sizeof *report);
    rep = report;
    rng = seed * 0x2545F4914F6CDD1Dull + 1;
    rep->mode = seed % 4 == 0   ? CRASHVFS_DROP_ALL
                : seed % 4 == 1 ? CRASHVFS_KEEP_ALL
                                : CRASHVFS_RANDOM;
    rep->sector = (seed / 4) % 2 ? 4096 : 512;
    cut_after = after;
    for (size_t i = 0; i < nfiles; i++) {
        clear_events(&files[i]);
        free(files[i].ev);
        free(files[i].durable);
        free(files[i].path);
        free(files[i].dir);
    }
    nfiles = 0;
    recording = true;
    pthread_mutex_unlock(&lock);
}
