/* SPDX-License-Identifier: Apache-2.0 */
/* Operators: login with lock-out, passwords (Argon2id), roles (M1, M6, M7, M9). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "kwhpos/util.h"
#include "store/store.h"

#define MAX_FAILED 5
#define LOCK_BASE_S 60
#define LOCK_MAX_S (24 * 3600)
#define PW_MIN 6
#define PW_MAX 128
/* Argon2id at 12 MiB and 3 passes: fast enough on a low-spec POS box, slow enough to
 * make guessing a stolen database expensive. */
#define PW_OPS 3
#define PW_MEM (12u * 1024 * 1024)

int auth_hash(const char *pw, char *out, size_t n, struct kwh_err *e);

int auth_hash(const char *pw, char *out, size_t n, struct kwh_err *e)
{
    if (n < crypto_pwhash_STRBYTES)
        return kwh_err_set(e, KWH_EINVAL, "internal error: hash buffer too small");
    if (crypto_pwhash_str(out, pw, strlen(pw), PW_OPS, PW_MEM) != 0)
        return kwh_err_set(e, KWH_ENOMEM, "not enough memory to hash the password");
    return 0;
}

int need_operator(const struct kwh_session *s, struct kwh_err *e)
{
    if (s == NULL || s->operator_id <= 0)
        return kwh_err_set(e, KWH_EPERM, "log in first");
    if (s->must_change_password)
        return kwh_err_set(e, KWH_EPERM, "change your password first (操作员密码维护)");
    return 0;
}

int need_admin(const struct kwh_session *s, const char *what, struct kwh_err *e)
{
    int rc = need_operator(s, e);
    if (rc < 0)
        return rc;
    if (s->role != KWH_ROLE_ADMIN)
        return kwh_err_set(e, KWH_EPERM,
                           "%s needs an administrator (管理员); you are logged "
                           "in as a seller",
                           what);
    return 0;
}

int auth_permit(const struct kwh_session *s, int action, int arg, struct kwh_err *e)
{
    switch (action) {
    case KWH_ACT_METER_CHANGE: return need_admin(s, kwh_tr("换表 (meter change)"), e);
    case KWH_ACT_EDIT: return need_admin(s, kwh_tr("用户信息维护 (editing an account)"), e);
    case KWH_ACT_CLOSE_FORCE:
        return need_admin(s, kwh_tr("closing an account with energy left"), e);
    case KWH_ACT_TOOL_CARD:
        return arg == KWH_CARD_RELAY ? need_operator(s, e)
                                     : need_admin(s, kwh_tr("工具卡 (tool cards)"), e);
    case KWH_ACT_IMPORT: return need_admin(s, kwh_tr("importing accounts"), e);
    default: return kwh_err_set(e, KWH_EINVAL, "unknown action %d", action);
    }
}

static int check_name(const char *name, struct kwh_err *e)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0)
        return kwh_err_set(e, KWH_EINVAL, "operator name: enter a name");
    if (n >= KWH_NAME_MAX || utf8_width(name) > 20)
        return kwh_err_set(e, KWH_EINVAL, "operator name: at most 20 columns");
    if (!utf8_valid(name))
        return text_check_line(KWH_N("operator name"), name, e);
    if (!utf8_is_clean_line(name) || name[0] == ' ' || name[n - 1] == ' ')
        return kwh_err_set(e, KWH_EINVAL,
                           "operator name: one line of text without leading "
                           "or trailing spaces");
    return 0;
}

static int check_new_password(const char *name, const char *pw, const char *pw2, struct kwh_err *e)
{
    size_t n = pw ? strlen(pw) : 0;
    if (pw2 == NULL || pw == NULL || strcmp(pw, pw2) != 0)
        return kwh_err_set(e, KWH_EINVAL, "the two new passwords differ: type them again");
    if (n < PW_MIN)
        return kwh_err_set(e, KWH_EINVAL, "the new password needs at least %d characters", PW_MIN);
    if (n > PW_MAX)
        return kwh_err_set(e, KWH_EINVAL, "the new password is longer than %d bytes", PW_MAX);
    if (strcmp(pw, name) == 0)
        return kwh_err_set(e, KWH_EINVAL, "the password must not be the operator's name");
    return 0;
}

static void fmt_time(int64_t t, char *buf, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
}

static int locked_error(const char *name, int64_t until, struct kwh_err *e)
{
    char when[32];

    fmt_time(until, when, sizeof when);
    return kwh_err_set(e, KWH_EAUTH,
                       "operator '%s' is locked after repeated wrong passwords until %s; an "
                       "administrator can reset the password (or, as root: kwhpos operator "
                       "unlock %s)",
                       name, when, name);
}

/* Before a password is checked: in one write transaction, refuses a locked operator and
 * counts the attempt as a failure, so that parallel attempts (a script, several
 * terminals) check at most MAX_FAILED passwords between two lock-outs. */
static int reserve_attempt(struct kwh_core *c, const char *name, int64_t now,
                           struct kwh_operator *o, char *hash, size_t hash_len, struct kwh_err *e)
{
    int rc;

    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_operator_get(c->db, name, o, hash, hash_len, e)) < 0)
        goto fail;
    if (o->locked_until > now) {
        rc = locked_error(name, o->locked_until, e);
        goto fail;
    }
    if (o->failed_logins >= MAX_FAILED) {
        /* the allowance is taken by attempts still being checked: one of them locks */
        rc = kwh_err_set(e, KWH_EAUTH,
                         "operator '%s' is locked after repeated wrong passwords; try again "
                         "in a few minutes, or ask an administrator",
                         name);
        goto fail;
    }
    if ((rc = store_operator_set_lock(c->db, o->id, o->failed_logins + 1, o->lockouts, 0, e)) < 0)
        goto fail;
    return store_commit(c->db, e);
fail:
    store_rollback(c->db);
    return rc;
}

/* After a wrong password (its failure counted by reserve_attempt): locks the operator
 * once MAX_FAILED are counted, unless another attempt locked it meanwhile, so the
 * lock-out count rises by one per lock-out whatever the number of attempts. */
static int note_failure(struct kwh_core *c, const char *name, int64_t now, bool *locked,
                        struct kwh_err *e)
{
    struct kwh_operator o;
    char detail[96];
    int64_t until = 0;
    int rc;

    *locked = false;
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_operator_get(c->db, name, &o, NULL, 0, e)) < 0)
        goto fail;
    if (o.locked_until <= now && o.failed_logins >= MAX_FAILED) {
        int64_t secs = LOCK_BASE_S;
        for (int i = 0; i < o.lockouts && secs < LOCK_MAX_S; i++)
            secs *= 2;
        until = now + (secs > LOCK_MAX_S ? LOCK_MAX_S : secs);
        if ((rc = store_operator_set_lock(c->db, o.id, 0, o.lockouts + 1, until, e)) < 0)
            goto fail;
        *locked = true;
    }
    snprintf(detail, sizeof detail, "failed=%d locked_until=%lld", until ? 0 : o.failed_logins,
             (long long)until);
    if ((rc = audit_append(c, o.name, until ? "login-locked" : "login-failed", o.name, "", detail,
                           e)) < 0)
        goto fail;
    return store_commit(c->db, e);
fail:
    store_rollback(c->db);
    return rc;
}

int auth_login(struct kwh_core *c, const char *name, const char *password, struct kwh_session *out,
               struct kwh_err *e)
{
    struct kwh_operator o;
    char hash[crypto_pwhash_STRBYTES];
    struct kwh_err ignore;
    int64_t now = core_now(c);
    bool locked;
    int rc;

    memset(out, 0, sizeof *out);
    if (name == NULL || password == NULL || name[0] == '\0')
        return kwh_err_set(e, KWH_EAUTH, "enter the operator name and password");
    kwh_err_clear(&ignore);
    rc = reserve_attempt(c, name, now, &o, hash, sizeof hash, &ignore);
    if (rc == KWH_ENOTFOUND) {
        /* spend the same time as a real check, and say the same, so names cannot be
           probed */
        char dummy[crypto_pwhash_STRBYTES];
        auth_hash(password, dummy, sizeof dummy, &ignore);
        return kwh_err_set(e, KWH_EAUTH, "wrong operator name or password");
    }
    if (rc < 0) {
        if (e != NULL)
            *e = ignore;
        return rc;
    }
    if (crypto_pwhash_str_verify(hash, password, strlen(password)) != 0) {
        if ((rc = note_failure(c, name, now, &locked, e)) < 0)
            return rc;
        if (locked)
            return kwh_err_set(e, KWH_EAUTH,
                               "wrong password; operator '%s' is now locked "
                               "for a while",
                               name);
        return kwh_err_set(e, KWH_EAUTH, "wrong operator name or password");
    }
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_operator_set_lock(c->db, o.id, 0, 0, 0, e)) < 0 ||
        (rc = audit_append(c, o.name, "login", o.name, "", "", e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    if ((rc = store_commit(c->db, e)) < 0)
        return rc;
    out->operator_id = o.id;
    str_copy(out->name, sizeof out->name, o.name);
    out->role = o.role;
    out->must_change_password = o.must_change;
    return 0;
}

static int unlock(struct kwh_core *c, const char *actor, const char *name, struct kwh_err *e)
{
    struct kwh_operator o;
    char before[96];
    int rc;

    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_operator_get(c->db, name, &o, NULL, 0, e)) < 0)
        goto fail;
    snprintf(before, sizeof before, "failed=%d locked_until=%lld lockouts=%d", o.failed_logins,
             (long long)o.locked_until, o.lockouts);
    if ((rc = store_operator_set_lock(c->db, o.id, 0, 0, 0, e)) < 0 ||
        (rc = audit_append(c, actor, "operator-unlock", o.name, before, "", e)) < 0)
        goto fail;
    return store_commit(c->db, e);
fail:
    store_rollback(c->db);
    return rc;
}

int auth_unlock(struct kwh_core *c, const struct kwh_session *s, const char *name,
                struct kwh_err *e)
{
    int rc = need_admin(s, kwh_tr("unlocking an operator"), e);

    return rc < 0 ? rc : unlock(c, s->name, name, e);
}

int auth_unlock_as_root(struct kwh_core *c, const char *name, struct kwh_err *e)
{
    return unlock(c, "root", name, e);
}

int auth_change_password(struct kwh_core *c, struct kwh_session *s, const char *name,
                         const char *old_pw, const char *new_pw, const char *new_pw2,
                         struct kwh_err *e)
{
    struct kwh_operator o;
    char hash[crypto_pwhash_STRBYTES], nhash[crypto_pwhash_STRBYTES];
    bool own, forced;
    int rc;

    if (s == NULL || s->operator_id <= 0)
        return kwh_err_set(e, KWH_EPERM, "log in first");
    if (name == NULL || name[0] == '\0')
        name = s->name;
    own = strcmp(name, s->name) == 0;
    if (!own && s->role != KWH_ROLE_ADMIN)
        return kwh_err_set(e, KWH_EPERM, "a seller may change only their own password");
    if (!own && (rc = need_admin(s, kwh_tr("changing another operator's password"), e)) < 0)
        return rc;
    if ((rc = store_operator_get(c->db, name, &o, hash, sizeof hash, e)) < 0)
        return rc;
    forced = !own && (old_pw == NULL || old_pw[0] == '\0');
    if (!forced && (old_pw == NULL || crypto_pwhash_str_verify(hash, old_pw, strlen(old_pw)) != 0))
        return kwh_err_set(e, KWH_EAUTH, "the old password is wrong");
    if ((rc = check_new_password(name, new_pw, new_pw2, e)) < 0)
        return rc;
    if (old_pw != NULL && strcmp(old_pw, new_pw) == 0)
        return kwh_err_set(e, KWH_EINVAL, "the new password must differ from the old one");
    if ((rc = auth_hash(new_pw, nhash, sizeof nhash, e)) < 0)
        return rc;
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    /* another operator's password set by an admin must be changed at next login */
    if ((rc = store_operator_set_hash(c->db, o.id, nhash, !own, e)) < 0 ||
        (rc = audit_append(c, s->name, "password", name, "", own ? "own" : "reset", e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    if ((rc = store_commit(c->db, e)) < 0)
        return rc;
    if (own)
        s->must_change_password = false;
    return 0;
}

int auth_operator_add(struct kwh_core *c, const struct kwh_session *s, const char *name, int role,
                      const char *pw, const char *pw2, struct kwh_err *e)
{
    char hash[crypto_pwhash_STRBYTES], detail[96];
    int64_t id;
    int rc;

    if ((rc = need_admin(s, kwh_tr("adding an operator"), e)) < 0)
        return rc;
    if ((rc = check_name(name, e)) < 0)
        return rc;
    if (role != KWH_ROLE_ADMIN && role != KWH_ROLE_SELLER)
        return kwh_err_set(e, KWH_EINVAL, "choose a role: administrator or seller");
    if ((rc = check_new_password(name, pw, pw2, e)) < 0)
        return rc;
    if ((rc = auth_hash(pw, hash, sizeof hash, e)) < 0)
        return rc;
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    snprintf(detail, sizeof detail, "role=%s", model_role_name(role));
    /* the administrator knows this password: the new operator sets their own at their
       first login, as system/1 does */
    if ((rc = store_operator_add(c->db, name, role, hash, true, core_now(c), &id, e)) < 0 ||
        (rc = audit_append(c, s->name, "operator-add", name, "", detail, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    return store_commit(c->db, e);
}

/* Refuses to leave the site without an administrator. */
static int keeps_an_admin(struct kwh_core *c, const struct kwh_operator *o, struct kwh_err *e)
{
    int64_t admins;
    int rc;
    if (o->role != KWH_ROLE_ADMIN)
        return 0;
    if ((rc = store_operator_count_admins(c->db, &admins, e)) < 0)
        return rc;
    if (admins <= 1)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "'%s' is the last administrator: add another "
                           "administrator first",
                           o->name);
    return 0;
}

int auth_operator_delete(struct kwh_core *c, const struct kwh_session *s, const char *name,
                         struct kwh_err *e)
{
    struct kwh_operator o;
    int rc;

    if ((rc = need_admin(s, kwh_tr("deleting an operator"), e)) < 0)
        return rc;
    if (name != NULL && strcmp(name, s->name) == 0)
        return kwh_err_set(e, KWH_ECONFLICT, "you cannot delete yourself while logged in");
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_operator_get(c->db, name ? name : "", &o, NULL, 0, e)) < 0 ||
        (rc = keeps_an_admin(c, &o, e)) < 0 ||
        (rc = store_operator_deactivate(c->db, o.id, core_now(c), e)) < 0 ||
        (rc = audit_append(c, s->name, "operator-delete", o.name, model_role_name(o.role), "", e)) <
            0) {
        store_rollback(c->db);
        return rc;
    }
    return store_commit(c->db, e);
}

int auth_operator_set_role(struct kwh_core *c, const struct kwh_session *s, const char *name,
                           int role, struct kwh_err *e)
{
    struct kwh_operator o;
    int rc;

    if ((rc = need_admin(s, kwh_tr("changing a role"), e)) < 0)
        return rc;
    if (role != KWH_ROLE_ADMIN && role != KWH_ROLE_SELLER)
        return kwh_err_set(e, KWH_EINVAL, "choose a role: administrator or seller");
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_operator_get(c->db, name ? name : "", &o, NULL, 0, e)) < 0)
        goto fail;
    if (o.role == role) {
        store_rollback(c->db);
        return 0;
    }
    if ((rc = keeps_an_admin(c, &o, e)) < 0 ||
        (rc = store_operator_set_role(c->db, o.id, role, e)) < 0 ||
        (rc = audit_append(c, s->name, "operator-role", o.name, model_role_name(o.role),
                           model_role_name(role), e)) < 0)
        goto fail;
    return store_commit(c->db, e);
fail:
    store_rollback(c->db);
    return rc;
}

int auth_operator_list(struct kwh_core *c, const struct kwh_session *s, struct kwh_operator **out,
                       size_t *n, struct kwh_err *e)
{
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if ((rc = store_operator_list(c->db, out, n, e)) < 0)
        return rc;
    if (s->role != KWH_ROLE_ADMIN) {
        /* a seller sees only themselves */
        size_t k = 0;
        for (size_t i = 0; i < *n; i++)
            if ((*out)[i].id == s->operator_id)
                (*out)[k++] = (*out)[i];
        *n = k;
    }
    return 0;
}
