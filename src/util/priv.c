/* SPDX-License-Identifier: Apache-2.0 */
/* The program's group. Installed, kwhpos is setgid kwhpos: the database, its backups
 * and the station's files belong to that group and no operator is in it, so the data
 * is reachable only through the program. The group is held only while those files are
 * opened, created or removed (priv_raise ... priv_lower); everything else (reading the
 * INI and forms, writing exports, printing) runs with the operator's own group, and a
 * child program never gets it (priv_drop_for_exec). */
#define _GNU_SOURCE /* setresgid */
#include "kwhpos/util.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static gid_t real_gid, prog_gid;
static bool active;
static int depth;

void priv_init(void)
{
    real_gid = getgid();
    prog_gid = getegid();
    active = real_gid != prog_gid;
    if (active && setegid(real_gid) != 0)
        abort(); /* cannot give the group up: never run with it */
}

bool priv_active(void)
{
    return active;
}

void priv_raise(void)
{
    if (active && depth++ == 0 && setegid(prog_gid) != 0)
        abort();
}

void priv_lower(void)
{
    if (active && depth > 0 && --depth == 0 && setegid(real_gid) != 0)
        abort();
}

void priv_drop_for_exec(void)
{
    if (active && setresgid(real_gid, real_gid, real_gid) != 0)
        _exit(127);
    active = false;
}

const char *priv_group_name(void)
{
    struct group *g = getgrgid(active ? prog_gid : getegid());
    return g != NULL ? g->gr_name : "kwhpos";
}

int file_private_check(const char *path, const char *what, struct kwh_err *e)
{
    struct stat sb;

    if (stat(path, &sb) != 0)
        return 0; /* the caller reports a missing file in its own words */
    if ((sb.st_mode & (S_IROTH | S_IWOTH)) == 0 || sb.st_size == 0)
        return 0; /* an empty file holds nothing: the caller says it is empty */
    if (active)
        return kwh_err_set(e, KWH_EPERM,
                           "%s %s can be read by every user of this computer (mode %04o), and a "
                           "kwhpos database holds the site key that signs cards: refused. Fix it "
                           "as root: "
                           "chgrp %s %s && chmod o-rwx %s",
                           what, path, (unsigned)(sb.st_mode & 07777), priv_group_name(), path,
                           path);
    return kwh_err_set(e, KWH_EPERM,
                       "%s %s can be read by every user of this computer (mode %04o), and a kwhpos "
                       "database holds the site key that signs cards: refused. Fix it: chmod "
                       "o-rwx %s",
                       what, path, (unsigned)(sb.st_mode & 07777), path);
}

int priv_dir_check(const char *dir, struct kwh_err *e)
{
    struct stat sb;

    if (!active || getuid() == 0 || stat(dir, &sb) != 0)
        return 0;
    if (sb.st_uid == getuid())
        return kwh_err_set(e, KWH_EPERM,
                           "%s belongs to you: a copy of the database there could be read "
                           "outside kwhpos. Use a folder of group %s that others cannot "
                           "enter (as installed: /var/lib/kwhpos, /var/backups/kwhpos)",
                           dir, priv_group_name());
    if ((sb.st_mode & S_IRWXO) != 0)
        return kwh_err_set(e, KWH_EPERM,
                           "every user can enter %s (mode %04o): a copy of the database there "
                           "could be read outside kwhpos. Use a folder of group %s, mode 2770 "
                           "(chgrp %s DIR && chmod 2770 DIR)",
                           dir, (unsigned)(sb.st_mode & 07777), priv_group_name(),
                           priv_group_name());
    return 0;
}

const char *priv_getenv(const char *name)
{
    return secure_getenv(name);
}

bool file_access_explain(const char *path, char *buf, size_t n)
{
    struct stat sb;
    gid_t groups[64];
    int ng = getgroups((int)KWH_ARRAY_LEN(groups), groups);
    uid_t uid = geteuid();
    bool group = false;
    struct passwd *pw;
    struct group *g;
    char owner[64], gname[64], mine[256] = "";
    size_t used = 0;

    if (stat(path, &sb) != 0 || uid == 0)
        return false;
    if (sb.st_gid == getegid() || sb.st_gid == getgid() || (active && sb.st_gid == prog_gid))
        group = true;
    for (int i = 0; i < ng; i++)
        group = group || groups[i] == sb.st_gid;
    if (sb.st_uid == uid ? (sb.st_mode & 0600) == 0600
        : group          ? (sb.st_mode & 0060) == 0060
                         : (sb.st_mode & 0006) == 0006)
        return false; /* the permission is there: something else is wrong */
    pw = getpwuid(sb.st_uid);
    snprintf(owner, sizeof owner, "%s", pw ? pw->pw_name : "?");
    g = getgrgid(sb.st_gid);
    snprintf(gname, sizeof gname, "%s", g ? g->gr_name : "?");
    for (int i = -1; i < ng && used < sizeof mine - 1; i++) {
        gid_t gid = i < 0 ? getgid() : groups[i];
        struct group *gi;
        int w;
        if (i >= 0 && gid == getgid())
            continue; /* the primary group is listed first already */
        gi = getgrgid(gid);
        w = snprintf(mine + used, sizeof mine - used, "%s%s", used ? "," : "",
                     gi ? gi->gr_name : "?");
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (active) {
        struct group *pg = getgrgid(prog_gid);
        snprintf(mine + used, sizeof mine - used, "%s%s", used ? "," : "", pg ? pg->gr_name : "?");
    }
    pw = getpwuid(getuid());
    snprintf(buf, n,
             kwh_tr(KWH_N("%s belongs to %s:%s with mode %04o, and kwhpos runs as user %s with "
                          "groups %s: neither may read and write it. Give the device to the "
                          "program's group (a udev rule, see kwhpos.ini(5) SERIAL PORTS), or "
                          "add the user to group %s")),
             path, owner, gname, (unsigned)(sb.st_mode & 07777), pw ? pw->pw_name : "?", mine,
             gname);
    return true;
}
