/* SPDX-License-Identifier: Apache-2.0 */
/* No card is written on a damaged database (docs/security.md). A card write commits the
 * database's state to a card the customer takes away: done on a damaged file, the sale
 * may be lost with the file while its energy is in the meter. So a structural check runs
 * in the background from the start (core_check_start), and the one rule every card write
 * obeys, core_may_write_cards, waits for it and refuses once any check has failed: that
 * check, `kwhpos check`, a backup whose copy failed its check, or SQLite calling the file
 * damaged. A failure is kept in a file beside the database (DB-damaged), so every
 * terminal refuses until a restore, or a `kwhpos check` that passes, removes it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/internal.h"
#include "store/store.h"
#include "store/store_query.h"
#include "kwhpos/util.h"

#define DAMAGE_SUFFIX "-damaged"
#define CHECK_FULL_MAX (64 * 1024 * 1024) /* about 3 s of integrity_check */

static void marker_path(const char *db_path, char *buf, size_t n)
{
    store_side_file(db_path, DAMAGE_SUFFIX, buf, n);
}

/* One phase of the background check: *ok false and msg when it found damage. */
static void run_phase(struct core_check *k, bool full, bool *done, bool *ok, char *msg, size_t n)
{
    struct kwh_err e;
    bool good = true;
    char text[256] = "";
    int rc;

    kwh_err_clear(&e);
    rc = store_check_run(k->conn, full, &k->stop, &good, text, sizeof text, &e);
    mtx_lock(&k->lock);
    *done = true;
    /* a file that cannot be checked at all (gone, unreadable) is not called damaged: the
       write that follows will meet the same error */
    *ok = rc < 0 || good;
    str_copy(msg, n, text);
    cnd_broadcast(&k->changed);
    mtx_unlock(&k->lock);
}

static int check_thread(void *arg)
{
    struct core_check *k = arg;

    if (!k->full_first)
        run_phase(k, false, &k->quick_done, &k->quick_ok, k->msg, sizeof k->msg);
    if (!atomic_load(&k->stop) && (k->full_first || k->quick_ok))
        run_phase(k, true, &k->full_done, &k->full_ok, k->msg, sizeof k->msg);
    mtx_lock(&k->lock);
    k->finished = true;
    cnd_broadcast(&k->changed);
    mtx_unlock(&k->lock);
    return 0;
}

void core_check_start(struct kwh_core *c)
{
    struct core_check *k = &c->check;
    struct stat sb;

    if (k->started)
        return;
    memset(k, 0, sizeof *k);
    str_copy(k->path, sizeof k->path, store_path(c->db));
    /* a site of up to CHECK_FULL_MAX bytes is checked whole (integrity_check: index
       contents too) before its first card write; a larger one for its structure first
       (quick_check, about five times faster), and whole afterwards, in the background */
    k->full_first = stat(k->path, &sb) == 0 && sb.st_size <= CHECK_FULL_MAX;
    atomic_store(&k->stop, 0);
    if (store_check_open(k->path, &k->conn, NULL) < 0 || k->conn == NULL)
        return; /* nothing to check here, or a file that cannot be checked: the writes
                   meet the same error */
    if (mtx_init(&k->lock, mtx_plain) != thrd_success)
        goto fail;
    if (cnd_init(&k->changed) != thrd_success) {
        mtx_destroy(&k->lock);
        goto fail;
    }
    k->started = thrd_create(&k->thread, check_thread, k) == thrd_success;
    if (!k->started) {
        cnd_destroy(&k->changed);
        mtx_destroy(&k->lock);
        goto fail;
    }
    return;
fail:
    store_check_close(k->conn);
    k->conn = NULL;
}

/* Waits for the phase of the check a card write needs (the whole check of a small
 * file, the structure of a large one) and keeps what it found. */
static void check_wait(struct kwh_core *c)
{
    struct core_check *k = &c->check;
    bool quick_bad, full_bad;

    if (!k->started)
        return;
    mtx_lock(&k->lock);
    while (!k->finished && !(k->full_first ? k->full_done : k->quick_done))
        cnd_wait(&k->changed, &k->lock);
    quick_bad = k->quick_done && !k->quick_ok;
    full_bad = k->full_done && !k->full_ok;
    mtx_unlock(&k->lock);
    if ((quick_bad || full_bad) && !k->noted) {
        k->noted = true;
        core_note_damage(c, kwh_tr("the check at start-up"), k->msg);
    }
}

void core_check_stop(struct kwh_core *c)
{
    struct core_check *k = &c->check;

    if (!k->started)
        return;
    atomic_store(&k->stop, 1);
    thrd_join(k->thread, NULL);
    cnd_destroy(&k->changed);
    mtx_destroy(&k->lock);
    store_check_close(k->conn);
    k->conn = NULL;
    k->started = false;
}

void core_note_damage(struct kwh_core *c, const char *by, const char *why)
{
    char path[1100], line[700], when[32];
    time_t now = (time_t)core_now(c);
    struct tm tm;
    int fd, len;

    marker_path(store_path(c->db), path, sizeof path);
    localtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    len = snprintf(line, sizeof line, "%s, %s: %s\n", when, by, why);
    if (len < 0 || (size_t)len >= sizeof line)
        len = (int)strlen(line);
    /* the first failure is the one to read: a marker already there stays (beside the
       database: a folder of the program's group) */
    priv_raise();
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
    priv_lower();
    if (fd < 0)
        return;
    if (write(fd, line, (size_t)len) == len)
        fsync(fd);
    close(fd);
}

void core_clear_damage_at(const char *db_path)
{
    char path[1100];

    marker_path(db_path, path, sizeof path);
    priv_raise();
    unlink(path);
    priv_lower();
}

bool core_damaged(struct kwh_core *c, char *why, size_t n)
{
    char path[1100], buf[700];
    ssize_t r;
    int fd;

    marker_path(store_path(c->db), path, sizeof path);
    priv_raise();
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    priv_lower();
    if (fd < 0)
        return errno != ENOENT; /* there but unreadable: still there */
    r = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[r > 0 ? r : 0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    str_copy(why, n, buf);
    return true;
}

int core_may_write_cards(struct kwh_core *c, struct kwh_err *e)
{
    char why[700] = "";

    check_wait(c);
    if (store_damage_seen(c->db))
        core_note_damage(c, "SQLite", kwh_tr("the database file is damaged"));
    if (!core_damaged(c, why, sizeof why))
        return 0;
    return kwh_err_set(e, KWH_EDB,
                       "no card is written: the database failed a check (%s). Restore the newest "
                       "good backup (数据恢复, or kwhpos restore FILE), then run kwhpos check; "
                       "until then cards can be read but not written",
                       why[0] ? why : "?");
}
