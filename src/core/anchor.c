/* SPDX-License-Identifier: Apache-2.0 */
/* Anchors of the audit chain outside the database (docs/security.md). Whoever can write
 * the database can recompute every hash of the chain (its key derives from the site
 * secret in the same file), so the chain alone shows only a careless edit. An anchor —
 * the chain's length and the hash of its newest record — written at each shift close,
 * backup and check to an append-only file and to syslog (journald) cannot be rewritten
 * with the database: `kwhpos audit verify --anchors FILE` finds any record changed or
 * removed before the newest anchor. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "core/internal.h"
#include "store/store.h"
#include "kwhpos/util.h"

#define ANCHOR_TAG "kwhpos audit anchor:"
#define ANCHOR_FILE "audit-anchors.log"
#define ANCHOR_MAX_BYTES (64u * 1024 * 1024)

void core_set_anchor_file(struct kwh_core *c, const char *path)
{
    str_copy(c->anchor_path, sizeof c->anchor_path, path != NULL ? path : "");
}

const char *core_anchor_file(const struct kwh_core *c, char *buf, size_t n)
{
    char dir[1024];

    if (c->anchor_path[0] != '\0') {
        str_copy(buf, n, c->anchor_path);
        return buf;
    }
    store_local_dir(store_path(c->db), dir, sizeof dir);
    if (snprintf(buf, n, "%s/%s", dir, ANCHOR_FILE) >= (int)n)
        buf[0] = '\0'; /* too long a path: the anchor goes to syslog only */
    return buf;
}

static void hex(const uint8_t *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

/* A name for this site's chain that gives nothing of the secret away. */
static void site_id(const struct kwh_core *c, char out[17])
{
    uint8_t id[8];
    crypto_generichash(id, sizeof id, (const uint8_t *)"kwhpos site id", 14, c->secret,
                       sizeof c->secret);
    hex(id, sizeof id, out);
}

void audit_anchor_line(const struct kwh_anchor *a, char *buf, size_t n)
{
    snprintf(buf, n, ANCHOR_TAG " site=%s records=%" PRId64 " head=%s event=%s", a->site,
             a->records, a->head[0] ? a->head : "-", a->event);
}

/* Appends the anchor to the file (one line, O_APPEND, fsync) and to syslog. */
static void publish(struct kwh_core *c, struct kwh_anchor *a)
{
    char line[256], stamp[40], text[320];
    time_t t = (time_t)a->time;
    struct tm tm;
    int fd;
    size_t len;

    audit_anchor_line(a, line, sizeof line);
    kwh_log(LOG_AUTH | LOG_NOTICE, "%s", line);
    core_anchor_file(c, a->where, sizeof a->where);
    localtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S%z", &tm);
    snprintf(text, sizeof text, "%s %s\n", stamp, line);
    len = strlen(text);
    /* beside the database by default: a folder of the program's group */
    priv_raise();
    fd = open(a->where, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
    priv_lower();
    if (fd < 0) {
        str_copy(a->error, sizeof a->error, strerror(errno));
        return;
    }
    if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0)
        str_copy(a->error, sizeof a->error, strerror(errno));
    else
        a->written = true;
    close(fd);
}

int audit_anchor(struct kwh_core *c, const char *event, struct kwh_anchor *out, struct kwh_err *e)
{
    uint8_t hash[32];
    int rc;

    memset(out, 0, sizeof *out);
    out->time = core_now(c);
    site_id(c, out->site);
    str_copy(out->event, sizeof out->event, event);
    if ((rc = store_audit_last_hash(c->db, &out->records, hash, e)) < 0)
        return rc;
    if (out->records > 0)
        hex(hash, sizeof hash, out->head);
    publish(c, out);
    return 0;
}

int audit_anchor_of(struct kwh_core *c, const char *op, const char *subject_prefix,
                    struct kwh_anchor *out, struct kwh_err *e)
{
    uint8_t hash[32];
    int rc;

    memset(out, 0, sizeof *out);
    site_id(c, out->site);
    str_copy(out->event, sizeof out->event, op);
    if ((rc = store_audit_find(c->db, op, subject_prefix, &out->records, hash, e)) < 0)
        return rc;
    if (out->records > 0)
        hex(hash, sizeof hash, out->head);
    return 0;
}

/* The value of key= in an anchor line ("" when absent). */
static void field(const char *line, const char *key, char *buf, size_t n)
{
    const char *p = line;
    size_t k = strlen(key), len = 0;

    buf[0] = '\0';
    while ((p = strstr(p, key)) != NULL) {
        if (p == line || p[-1] == ' ') {
            p += k;
            while (p[len] != '\0' && p[len] != ' ' && p[len] != '\n' && len + 1 < n)
                len++;
            memcpy(buf, p, len);
            buf[len] = '\0';
            return;
        }
        p += k;
    }
}

/* Checks one anchor (line from its tag on) against the chain; 0 agrees, 1 contradicts
 * (out says how). */
static int check_line(struct kwh_core *c, const char *line, const char *site,
                      struct kwh_anchor_check *out, struct kwh_err *e)
{
    char sid[32], rec[32], head[80], event[32], want[65], *end;
    uint8_t hash[32];
    int64_t records;
    bool found;
    int rc;

    field(line, "site=", sid, sizeof sid);
    field(line, "records=", rec, sizeof rec);
    field(line, "head=", head, sizeof head);
    field(line, "event=", event, sizeof event);
    records = strtoll(rec, &end, 10);
    if (rec[0] == '\0' || *end != '\0' || records < 0 || sid[0] == '\0') {
        out->unreadable++;
        return 0;
    }
    if (strcmp(sid, site) != 0) {
        out->other_sites++;
        return 0;
    }
    out->anchors++;
    if (records == 0)
        return 0;
    if ((rc = store_audit_hash(c->db, records, hash, &found, e)) < 0)
        return rc;
    hex(hash, sizeof hash, want);
    if (!found || strcmp(want, head) != 0) {
        out->bad_records = records;
        out->bad_removed = !found;
        str_copy(out->bad_event, sizeof out->bad_event, event);
        return 1;
    }
    if (records > out->newest)
        out->newest = records;
    return 0;
}

int audit_verify_anchors(struct kwh_core *c, const char *path, struct kwh_anchor_check *out,
                         struct kwh_err *e)
{
    char site[17], *text, *line, *save = NULL;
    size_t len;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = file_read_stream(path, ANCHOR_MAX_BYTES, &text, &len, e)) < 0)
        return rc;
    site_id(c, site);
    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        const char *tag = strstr(line, ANCHOR_TAG);
        if (tag == NULL)
            continue;
        if ((rc = check_line(c, tag, site, out, e)) < 0)
            break;
        if (rc == 1) {
            /* what came before the tag: the time (and host) the line was written */
            size_t n = (size_t)(tag - line);
            while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == ':'))
                n--;
            if (n >= sizeof out->bad_when)
                n = sizeof out->bad_when - 1;
            memcpy(out->bad_when, line, n);
            out->bad_when[n] = '\0';
            out->contradicted = true;
            rc = 0;
            break;
        }
    }
    free(text);
    return rc;
}
