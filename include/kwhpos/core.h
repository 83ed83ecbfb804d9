/* SPDX-License-Identifier: Apache-2.0 */
/* The services: one function per operation of the manual.
 *
 * Every function that acts for an operator takes the session and checks the role
 * itself (the UI hiding a menu is a courtesy, not the rule). Every function that
 * changes something appends an audit record in the same transaction. Every
 * function validates its input and returns a clear error with nothing written.
 *
 * The operations on accounts and cards are plans (kwhpos/plan.h): read the card, plan,
 * show, commit, following the atomic protocol (docs/architecture.md). */
#ifndef KWHPOS_CORE_H
#define KWHPOS_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kwhpos/cardio.h"
#include "kwhpos/cardreg.h"
#include "kwhpos/err.h"
#include "kwhpos/model.h"

struct kwh_core;

/* A clock, so tests can fix the time. */
struct kwh_clock {
    int64_t (*now)(void *ctx); /* Unix seconds */
    void *ctx;
};

/* Progress of a card operation, for a progress line. phase is a stable English
 * word ("read", "write", "verify", "settle"); done/total count bytes or steps. */
typedef void (*kwh_progress_fn)(void *ctx, const char *phase, int done, int total);

/* --- lifecycle (core.c) ----------------------------------------------------------- */

struct kwh_init_req {
    char area_code[7]; /* six digits */
    char unit_name[KWH_TEXT_MAX];
    char unit_phone[KWH_PHONE_MAX];
    char card_profile[16]; /* the card layout's id; "" for kwhpos's own */
    bool demo_tariffs;     /* add the two default tariffs */
};

/* Creates a new site database at path (refuses an existing file): schema, a fresh
 * site secret, the admin `system` with password `1` (to be changed at first login). */
int core_init_site(const char *path, const struct kwh_init_req *req, struct kwh_err *e);

/* Opens a site database (migrating it to the current schema); *out owns it. */
int core_open(struct kwh_core **out, const char *path, struct kwh_err *e);
void core_close(struct kwh_core *c); /* accepts NULL */
/* The database file the core has open (borrowed). */
const char *core_db_path(const struct kwh_core *c);

/* Devices and hooks; all borrowed, may be NULL (no reader, real clock, no progress). */
void core_set_card_dev(struct kwh_core *c, struct kwh_card_dev *dev);
void core_set_clock(struct kwh_core *c, const struct kwh_clock *clock);
void core_set_progress(struct kwh_core *c, kwh_progress_fn fn, void *ctx);
/* The station this core records card writes for ([station] name): name is copied, cut to
 * KWH_STATION_MAX - 1 bytes; NULL or "" is this machine's host name (core_open's choice). */
void core_set_station(struct kwh_core *c, const char *name);
const char *core_station(const struct kwh_core *c); /* borrowed */
int64_t core_now(const struct kwh_core *c);
/* How many changes this core recorded since it was opened (audit records other than
 * logins): whether a session changed anything worth a backup. */
int64_t core_changes(const struct kwh_core *c);

/* A damaged database (guard.c, docs/security.md). Starts PRAGMA quick_check in a thread
 * of its own (the terminal UI at start-up, the command line when it opens the reader);
 * core_close stops it. */
void core_check_start(struct kwh_core *c);
/* The one rule every card write obeys, before its intent is recorded: waits for the
 * check started, then KWH_EDB ("no card is written … restore …") once any check has
 * failed — that one, `kwhpos check`, a backup's, SQLite's own. */
int core_may_write_cards(struct kwh_core *c, struct kwh_err *e);
/* Whether a check has failed (kept beside the database): *why, its time and reason. */
bool core_damaged(struct kwh_core *c, char *why, size_t n);

/* The card readers of this machine, for 通讯参数设置 and `kwhpos ports` (readers.c): the
 * serial ports and the PC/SC readers in one list, as cardreg_list (include/kwhpos/cardreg.h)
 * gives them; no screen or command reaches a driver. */
int readers_list(struct cardreg_entry **list, size_t *n, char *note, size_t note_size,
                 struct kwh_err *e);
/* The configured reader: in words (cardreg_describe), its place in the list
 * (cardreg_find), and the choice of another one (cardreg_choose; a typed serial port is
 * made an entry by readers_port_entry). */
const char *readers_describe(const struct kwh_config *cfg);
long readers_find(const struct kwh_config *cfg, const struct cardreg_entry *list, size_t n,
                  struct cardreg_entry *absent);
void readers_port_entry(const char *port, struct cardreg_entry *r);
int readers_choose(struct kwh_config *cfg, const struct cardreg_entry *r, struct kwh_err *e);

/* --- operators (auth.c): M1, M6, M7 --------------------------------------------- */

/* Checks name and password. After 5 failures in a row the operator is locked out for
 * a time that doubles with each further lock-out. */
int auth_login(struct kwh_core *c, const char *name, const char *password, struct kwh_session *out,
               struct kwh_err *e);
/* M7: name, old password, new twice. A seller may change only their own password. An
 * admin changing another operator's password need not know the old one (old may be
 * NULL) and that operator must change it at next login. */
/* Clears an operator's lock-out and failure count (admin), audited. */
int auth_unlock(struct kwh_core *c, const struct kwh_session *s, const char *name,
                struct kwh_err *e);
/* The same without a session, for the machine's administrator: the command line calls
 * it only for root, who can read and write the database file anyway. Audited as
 * "root". */
int auth_unlock_as_root(struct kwh_core *c, const char *name, struct kwh_err *e);
int auth_change_password(struct kwh_core *c, struct kwh_session *s, const char *name,
                         const char *old_pw, const char *new_pw, const char *new_pw2,
                         struct kwh_err *e);
/* M6 (admin). */
int auth_operator_add(struct kwh_core *c, const struct kwh_session *s, const char *name, int role,
                      const char *pw, const char *pw2, struct kwh_err *e);
int auth_operator_delete(struct kwh_core *c, const struct kwh_session *s, const char *name,
                         struct kwh_err *e);
int auth_operator_set_role(struct kwh_core *c, const struct kwh_session *s, const char *name,
                           int role, struct kwh_err *e);
/* Lists active operators (admin: all; seller: only themselves). *out is caller-freed. */
int auth_operator_list(struct kwh_core *c, const struct kwh_session *s, struct kwh_operator **out,
                       size_t *n, struct kwh_err *e);

/* The operations a seller may not do (M9) that a caller refuses before it starts them
 * (opens the card reader, reads a file). */
enum kwh_action {
    KWH_ACT_METER_CHANGE, /* 换表 */
    KWH_ACT_EDIT,         /* 用户信息维护 */
    KWH_ACT_CLOSE_FORCE,  /* closing an account with energy left */
    KWH_ACT_TOOL_CARD,    /* 工具卡; arg: the card type (a relay card is anyone's) */
    KWH_ACT_IMPORT,       /* importing accounts */
};

/* Whether the session may do action: 0, or KWH_EPERM saying who may. The core's own
 * functions decide with it; a caller asks first when it must refuse before it opens
 * the card reader. */
int auth_permit(const struct kwh_session *s, int action, int arg, struct kwh_err *e);

/* --- site settings (settings.c): M3, M4, M34 -------------------------------------- */

int settings_get(struct kwh_core *c, struct kwh_site *out, struct kwh_err *e);
int settings_set_unit(struct kwh_core *c, const struct kwh_session *s, const char *name,
                      const char *phone, struct kwh_err *e);
/* M4: refused once any card has been issued, unless force (admin; audited). */
int settings_set_area_code(struct kwh_core *c, const struct kwh_session *s, const char *code,
                           bool force, struct kwh_err *e);
/* The card layout the site's cards are written in (admin): refused once any card has
 * been issued (every card and meter would stop working). */
int settings_set_card_profile(struct kwh_core *c, const struct kwh_session *s, const char *id,
                              struct kwh_err *e);
/* The card layouts a site may choose: the i-th one's id and name (English), false past
 * the last. */
bool settings_card_profile_at(size_t i, const char **id, const char **name);
/* Monthly free allowance, per-sale maxima, default reissue fee (admin). */
int settings_set_limits(struct kwh_core *c, const struct kwh_session *s,
                        const struct kwh_site *values, struct kwh_err *e);

/* --- tariffs (tariff.c): M5 -------------------------------------------------------- */

int tariff_list(struct kwh_core *c, struct kwh_tariff **out, size_t *n, struct kwh_err *e);
int tariff_get(struct kwh_core *c, int64_t id, struct kwh_tariff *out, struct kwh_err *e);
int tariff_add(struct kwh_core *c, const struct kwh_session *s, const char *name, int64_t price,
               int64_t *id, struct kwh_err *e);
/* A flat tariff of a kind (KWH_TARIFF_SHARED: 合表), as tariff_add. */
int tariff_add_kind(struct kwh_core *c, const struct kwh_session *s, const char *name,
                    int64_t price, int kind, int64_t *id, struct kwh_err *e);
/* Makes tariff id 合表 or standard (admin, audited): a tiered tariff cannot be 合表. */
int tariff_set_kind(struct kwh_core *c, const struct kwh_session *s, int64_t id, int kind,
                    struct kwh_err *e);
/* "standard" or "shared"; its translated label (标准 / 合表); the kind a name gives, or -1. */
const char *tariff_kind_name(int kind);
const char *tariff_kind_label(int kind);
int tariff_kind_parse(const char *s);
/* Renames and/or reprices; old sales keep the price they were sold at. */
int tariff_update(struct kwh_core *c, const struct kwh_session *s, int64_t id, const char *name,
                  int64_t price, struct kwh_err *e);
/* 阶梯电价: a tier table is valid (2..5 tiers, bounds increasing, the last unbounded,
 * prices above 0, a monthly or annual period starting in month 1..12). */
int tariff_check_tiers(const struct kwh_tariff *t, struct kwh_err *e);
/* A new price version with def's period and tiers (def->ntiers 0: flat at def->price):
 * of tariff id, or of a new tariff named name when id is 0 (*out_id receives it). Sales
 * already made keep their tiers; plans quoted before are refused at commit. The version
 * takes effect from def->price_since (0: now; a later moment: scheduled, 待生效, until
 * then the version before stays in force; a day before today is refused; a new tariff
 * takes effect now). */
int tariff_set_tiers(struct kwh_core *c, const struct kwh_session *s, const char *name, int64_t id,
                     const struct kwh_tariff *def, int64_t *out_id, struct kwh_err *e);
/* An effective-from date "YYYY-MM-DD" (local): *from 0 for empty or today (now), else
 * the start of that day; a day before today is refused. */
int tariff_parse_from(struct kwh_core *c, const char *text, int64_t *from, struct kwh_err *e);
/* The price history of tariff id: every price version, newest first, each with its
 * tiers and since when (price_since) it applied; the first is the one in use. */
int tariff_history(struct kwh_core *c, int64_t id, struct kwh_tariff **out, size_t *n,
                   struct kwh_err *e);
/* Refused while any open account uses the tariff. */
int tariff_delete(struct kwh_core *c, const struct kwh_session *s, int64_t id, struct kwh_err *e);

/* --- accounts (account.c) ------------------------------------------------------------ */

/* Finds an account by customer number or meter number (open accounts first). The
 * operations themselves are plans (kwhpos/plan.h). */
int account_find(struct kwh_core *c, uint32_t customer_no, uint32_t meter_no,
                 struct kwh_customer *out, struct kwh_err *e);
/* account_find for an operator: KWH_EPERM for an account outside their areas (the scope
 * rule, kwhpos/oversight.h). */
int account_lookup(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                   uint32_t meter_no, struct kwh_customer *out, struct kwh_err *e);

/* Finds an account by one number that is either its customer number or its meter number
 * (the clerk types whichever the customer brings). When it is the customer number of one
 * account and the meter number of another, it is refused as ambiguous (read the card, or
 * give the other number). */
int account_find_number(struct kwh_core *c, uint32_t number, struct kwh_customer *out,
                        struct kwh_err *e);
/* account_find_number for an operator (the scope rule, as account_lookup). */
int account_lookup_number(struct kwh_core *c, const struct kwh_session *s, uint32_t number,
                          struct kwh_customer *out, struct kwh_err *e);

/* --- balance and audit -------------------------------------------------------------- */

struct kwh_balance {
    int64_t accounts;     /* open accounts */
    int64_t balance_ckwh; /* 累计余额 in energy */
    int64_t balance_fen;  /* valued at each tariff's current price */
};

/* M26: total balance over all open accounts, maintained incrementally. */
int report_balance(struct kwh_core *c, const struct kwh_session *s, struct kwh_balance *out,
                   struct kwh_err *e);

/* Verifies the audit chain; *first_bad is 0 when intact, else the first broken id. */
int audit_verify(struct kwh_core *c, int64_t *checked, int64_t *first_bad, struct kwh_err *e);

/* An anchor of the audit chain: its length and the hash of its newest record, kept
 * outside the database so that a chain rewritten by whoever can write the database
 * shows (anchor.c, docs/security.md). */
struct kwh_anchor {
    int64_t time;
    char site[17];    /* the site's id: 16 hex digits derived from the site secret */
    int64_t records;  /* records in the chain = the newest record's id (0: none) */
    char head[65];    /* the newest record's hash, hex ("" when none) */
    char event[16];   /* "shift-close", "backup", "check" */
    bool written;     /* appended to the anchor file */
    char where[1024]; /* the anchor file */
    char error[256];  /* why it was not written ("" when it was) */
};

/* Where anchors are appended: path, or "" / NULL for audit-anchors.log beside the
 * database ([audit] anchors in the INI). */
void core_set_anchor_file(struct kwh_core *c, const char *path);
/* The anchor file in use, in buf. */
const char *core_anchor_file(const struct kwh_core *c, char *buf, size_t n);
/* The chain's anchor now, written as one line to the anchor file (O_APPEND, fsynced) and
 * to syslog (LOG_AUTH, journald): shift_close, backup_run and check_all call it. A
 * file that cannot be written is not an error: out->written and out->error say so. */
int audit_anchor(struct kwh_core *c, const char *event, struct kwh_anchor *out, struct kwh_err *e);
/* The anchor the chain had at the newest record of operation op whose subject starts
 * with subject_prefix (a closed shift's, for its report again); nothing is written. */
int audit_anchor_of(struct kwh_core *c, const char *op, const char *subject_prefix,
                    struct kwh_anchor *out, struct kwh_err *e);
/* The anchor as the one line written ("kwhpos audit anchor: site=… records=… head=…
 * event=…"). */
void audit_anchor_line(const struct kwh_anchor *a, char *buf, size_t n);

struct kwh_anchor_check {
    int64_t anchors;     /* anchors of this site found in the file */
    int64_t other_sites; /* anchors of other sites (or of this one before its secret changed) */
    int64_t unreadable;  /* lines with the tag that do not parse */
    int64_t newest;      /* the longest chain an anchor agreed with */
    bool contradicted;   /* an anchor the chain does not agree with: */
    int64_t bad_records; /* its record count */
    bool bad_removed;    /* the chain has no record with that number (else: rewritten) */
    char bad_event[16];
    char bad_when[64]; /* the line's text before the anchor: its time */
};

/* `audit verify --anchors FILE`: every anchor of this site in the file (the anchor file,
 * or syslog or `journalctl` output: lines are found by their tag) is compared with the
 * chain; the first it contradicts ends the check. */
int audit_verify_anchors(struct kwh_core *c, const char *path, struct kwh_anchor_check *out,
                         struct kwh_err *e);

/* Pending card writes (shown to the clerk, listed by `kwhpos check`). */
int settle_pending(struct kwh_core *c, struct kwh_sale **out, size_t *n, struct kwh_err *e);

/* A card write waiting for its card (`kwhpos pending list`). */
struct kwh_pending_write {
    int64_t op_id;
    int kind; /* enum kwh_op_kind */
    int64_t created;
    char operator_name[KWH_NAME_MAX];
    char station[KWH_STATION_MAX]; /* the station that recorded it ("" when not known) */
    uint32_t customer_no;          /* 0: a tool card or a wipe */
    char customer_name[KWH_TEXT_MAX];
    uint32_t meter_no;              /* the account's meter (0 with no account) */
    uint8_t serial[KWH_SERIAL_LEN]; /* the card's serial once written */
    bool blank_card;                /* written to a blank card */
    bool touched;       /* its writer saw bytes reach the card: only that card settles it */
    bool has_sale;      /* money moves with it */
    int64_t amount_fen; /* amounts and fees of its sales */
};

/* Every pending card write, oldest first (*out is the caller's to free). */
int pending_list(struct kwh_core *c, struct kwh_pending_write **out, size_t *n, struct kwh_err *e);

struct kwh_pending_cancel {
    bool card_checked; /* its own card was in the reader, without the write */
    bool by_card;      /* ... and reading it settled the write */
};

/* An administrator cancels (voids) a pending card write whose card will not be read
 * again, giving the reason (kept in the audit log with the write's details). Refused
 * (KWH_ECONFLICT) while another terminal writes it, and when the card in the reader
 * shows the write: it took effect, and reading the card completes it. Its own card in
 * the reader without the write is tidied up as a read would. No card, or another card,
 * in the reader: cancelled on the administrator's word. */
int pending_cancel(struct kwh_core *c, const struct kwh_session *s, int64_t op_id,
                   const char *reason, struct kwh_pending_cancel *out, struct kwh_err *e);

/* Reconciliation at start-up: when card writes are pending and a card is in the reader,
 * reads it, which settles the writes it can show (done or void). Returns 1 when the card
 * was read, with notice (notice_len bytes, may be empty) saying what was settled; 0 when
 * there was nothing to do: nothing pending, no reader, no card, or a card that could not
 * be read (the writes then stay pending and listed). */
int settle_at_start(struct kwh_core *c, const struct kwh_session *s, char *notice,
                    size_t notice_len, struct kwh_err *e);

#endif
