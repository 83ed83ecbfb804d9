/* SPDX-License-Identifier: Apache-2.0 */
/* The services: one function per operation of the manual.
 *
 * Every function that acts for an operator takes the session and checks the role
 * itself (the UI hiding a menu is a courtesy, not the rule). Every function that
 * changes something appends an audit record in the same transaction. Every
 * function validates its input and returns a clear error with nothing written.
 *
 * Card operations follow the atomic protocol (docs/architecture.md): record the
 * intent, write only changed bytes with the commit byte last, read back, settle.
 * If the outcome cannot be known (the card was pulled), they return KWH_EPENDING
 * and the operation settles by itself the next time that card is read. */
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
    bool demo_tariffs; /* add the two default tariffs */
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
int64_t core_now(const struct kwh_core *c);

/* The card readers of this machine, for 通讯参数设置 (readers.c): the serial ports and the
 * PC/SC readers in one list, as cardreg_list (include/kwhpos/cardreg.h) gives them. */
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

/* The operations a seller may not do (M9) among those that need the card reader. */
enum kwh_action {
    KWH_ACT_METER_CHANGE, /* 换表 */
    KWH_ACT_EDIT,         /* 用户信息维护 */
    KWH_ACT_CLOSE_FORCE,  /* closing an account with energy left */
    KWH_ACT_TOOL_CARD,    /* 工具卡; arg: the card type (a relay card is anyone's) */
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
/* Monthly free allowance, per-sale maxima, default reissue fee (admin). */
int settings_set_limits(struct kwh_core *c, const struct kwh_session *s,
                        const struct kwh_site *values, struct kwh_err *e);

/* --- tariffs (tariff.c): M5 -------------------------------------------------------- */

int tariff_list(struct kwh_core *c, struct kwh_tariff **out, size_t *n, struct kwh_err *e);
int tariff_get(struct kwh_core *c, int64_t id, struct kwh_tariff *out, struct kwh_err *e);
int tariff_add(struct kwh_core *c, const struct kwh_session *s, const char *name, int64_t price,
               int64_t *id, struct kwh_err *e);
/* Renames and/or reprices; old sales keep the price they were sold at. */
int tariff_update(struct kwh_core *c, const struct kwh_session *s, int64_t id, const char *name,
                  int64_t price, struct kwh_err *e);
/* Refused while any open account uses the tariff. */
int tariff_delete(struct kwh_core *c, const struct kwh_session *s, int64_t id, struct kwh_err *e);

/* --- the card in the reader (vend.c) ---------------------------------------------- */

/* What reading the card found, with its account when it has one. */
struct kwh_card_view {
    struct kwh_card card;
    bool blank; /* usable for a new card */
    bool has_customer;
    struct kwh_customer customer;
    bool purchase_loaded; /* the last purchase is in the meter */
    bool has_last_sale;
    struct kwh_sale last_sale; /* the customer's last settled purchase */
    int settled_done;          /* pending writes this read confirmed */
    int settled_void;          /* pending writes this read found never happened */
    char notice[KWH_ERR_MSG];  /* e.g. "the sale of 12:03 was completed" */
};

/* Reads and verifies the card in the reader, settles any pending write on it, and
 * finds its account. A card of another site, forged, replaced by a reissue, or not
 * matching the last write recorded is refused with KWH_ECARD. */
int vend_read_card(struct kwh_core *c, const struct kwh_session *s, struct kwh_card_view *out,
                   struct kwh_err *e);

struct kwh_purchase_req {
    int mode;            /* enum kwh_purchase_mode */
    int64_t value;       /* ckwh for KWH_BY_KWH, fen for KWH_BY_AMOUNT */
    int64_t adjust_ckwh; /* 调剂电量, free of charge */
    int pay_method;      /* enum kwh_pay */
};

/* What a purchase will be, before money is taken. */
struct kwh_quote {
    int64_t energy_ckwh; /* paid energy */
    int64_t adjust_ckwh;
    int64_t free_ckwh; /* monthly allowance granted with it */
    int64_t card_ckwh; /* all of it: what the card will load */
    int64_t amount_fen;
    int64_t price;
    int purchase_count; /* the count the card will carry */
};

/* Computes a purchase for an account (no card needed, nothing written). */
int vend_quote(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
               const struct kwh_purchase_req *p, struct kwh_quote *out, struct kwh_err *e);

/* Account details for opening or editing. */
struct kwh_account_req {
    char name[KWH_TEXT_MAX];
    char address[KWH_ADDR_MAX];
    char phone[KWH_PHONE_MAX];
    struct kwh_meter meter;
    int64_t tariff_id;
};

/* M10: opens an account on the blank card in the reader, with an optional first
 * purchase (p may be NULL or KWH_BY_NONE). */
int vend_open_account(struct kwh_core *c, const struct kwh_session *s,
                      const struct kwh_account_req *a, const struct kwh_purchase_req *p,
                      struct kwh_receipt *out, struct kwh_err *e);

/* M11: sells to the account whose card is in the reader; customer_no guards against a
 * card swapped since it was read. */
int vend_sell(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
              const struct kwh_purchase_req *p, struct kwh_receipt *out, struct kwh_err *e);

/* M12: cancels the last sale and sells again; only while that sale is not in the
 * meter. */
int vend_resell(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                const struct kwh_purchase_req *p, struct kwh_receipt *out, struct kwh_err *e);

/* M13: writes a new card for the account onto the blank card in the reader. consumed:
 * whether the last purchase reached the meter (已消费). A purchase is allowed only
 * with consumed. The old card is refused from then on. */
int vend_reissue(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                 bool consumed, int64_t fee_fen, const struct kwh_purchase_req *p,
                 struct kwh_receipt *out, struct kwh_err *e);

/* M14: turns the account's user card in the reader into a refund card. */
int vend_make_refund_card(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                          struct kwh_err *e);

struct kwh_refund_quote {
    struct kwh_customer customer;
    int64_t remaining_ckwh; /* the meter's report (negative = overdraft used) */
    int64_t unloaded_ckwh;  /* purchases on the card the meter never loaded */
    int64_t refund_ckwh;    /* remaining + unloaded */
    int64_t price;
    int64_t amount_fen; /* to pay out; negative = the customer owes */
};

/* M15: reads the refund card after the meter wrote on it and computes the refund. */
int vend_refund_quote(struct kwh_core *c, const struct kwh_session *s, struct kwh_refund_quote *out,
                      struct kwh_err *e);
/* M15: records the refund computed from the card in the reader. */
int vend_refund(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                int pay_method, struct kwh_receipt *out, struct kwh_err *e);

struct kwh_meter_change_req {
    struct kwh_meter meter;     /* the new meter (number may equal the old one) */
    int64_t old_remaining_ckwh; /* 旧表剩余电量, read off the old meter */
};

/* M16 (admin): moves the account to a new meter, carrying the old meter's remaining
 * energy (plus any purchase the old meter never loaded) and an optional purchase. */
int vend_meter_change(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                      const struct kwh_meter_change_req *m, const struct kwh_purchase_req *p,
                      struct kwh_receipt *out, struct kwh_err *e);

/* --- accounts (account.c): M17-M19 ------------------------------------------------ */

/* Finds an account by customer number or meter number (open accounts first). */
int account_find(struct kwh_core *c, uint32_t customer_no, uint32_t meter_no,
                 struct kwh_customer *out, struct kwh_err *e);

/* M17: hands the account to a new owner (name, address, phone). */
int account_transfer(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                     const char *name, const char *address, const char *phone, struct kwh_err *e);

/* M18: closes the account; history stays. Refused while energy is left on it unless
 * force (admin). */
int account_close(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no, bool force,
                  struct kwh_err *e);

/* M19 (admin): edits name, address, phone, tariff and meter parameters. When meter
 * parameters change, the account's card must be in the reader and is rewritten
 * (*card_written true). */
int account_edit(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                 const struct kwh_account_req *a, bool *card_written, struct kwh_err *e);

/* --- tool cards (toolcard.c): M30, M31 --------------------------------------------- */

/* M30: writes a management, clear, relay or test card onto the blank card in the
 * reader (admin; relay also seller). params: for management cards. */
int toolcard_make(struct kwh_core *c, const struct kwh_session *s, int type,
                  const struct kwh_meter_params *params, struct kwh_err *e);

/* What any card is, including foreign ones. */
struct kwh_card_info {
    bool ours; /* decodes and verifies for this site */
    bool blank;
    struct kwh_card card;      /* decoded fields (unverified when !ours) */
    char problem[KWH_ERR_MSG]; /* why it is not ours, when it is not */
    bool has_customer;
    struct kwh_customer customer;
    bool purchase_loaded;     /* the last purchase is known to be in the meter */
    char notice[KWH_ERR_MSG]; /* an interrupted write settled by this read, or "" */
};

/* M31 读卡: describes the card in the reader, settling first any interrupted write
 * found on it (what was settled is in notice). */
int toolcard_read(struct kwh_core *c, const struct kwh_session *s, struct kwh_card_info *out,
                  struct kwh_err *e);
/* M31 清卡: wipes the card in the reader back to a factory-blank card. Refused for a
 * user card of an open account (close or reissue first) and for foreign cards. */
int toolcard_wipe(struct kwh_core *c, const struct kwh_session *s, struct kwh_err *e);

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

/* Pending card writes (shown to the clerk, listed by `kwhpos check`). */
int vend_pending(struct kwh_core *c, struct kwh_sale **out, size_t *n, struct kwh_err *e);

/* Reconciliation at start-up: when card writes are pending and a card is in the reader,
 * reads it, which settles the writes it can show (done or void, see vend_read_card).
 * Returns 1 when the card was read (out says what was settled), 0 when there was
 * nothing to do: nothing pending, no reader, no card, or a card that could not be
 * read (the writes then stay pending and listed). */
int vend_settle_at_start(struct kwh_core *c, const struct kwh_session *s, struct kwh_card_view *out,
                         struct kwh_err *e);

#endif
