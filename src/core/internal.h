/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/core: the core object and helpers the service files share. */
#ifndef KWHPOS_CORE_INTERNAL_H
#define KWHPOS_CORE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "kwhpos/card.h"
#include "kwhpos/core.h"
#include "kwhpos/store.h"

struct kwh_core {
    struct store *db;
    struct kwh_card_dev *dev;
    struct kwh_clock clock;
    bool has_clock;
    kwh_progress_fn progress;
    void *progress_ctx;
    uint8_t secret[KWH_SECRET_LEN];
    struct kwh_site_keys keys;
    uint8_t audit_key[32]; /* from the secret alone: survives an area code change */
};

/* --- roles (auth.c) --- */

/* KWH_EPERM unless s is a logged-in admin; `what` names the operation. */
int need_admin(const struct kwh_session *s, const char *what, struct kwh_err *e);
/* KWH_EPERM unless s is a logged-in operator who has changed a forced password. */
int need_operator(const struct kwh_session *s, struct kwh_err *e);

/* --- audit (audit.c) --- */

/* Appends a record to the hash chain; must be called inside a transaction. */
int audit_append(struct kwh_core *c, const char *operator_name, const char *op, const char *subject,
                 const char *before, const char *after, struct kwh_err *e);

/* --- keys (core.c) --- */

/* Re-derives the site keys after the area code changed. */
int core_reload_keys(struct kwh_core *c, struct kwh_err *e);

/* --- the card (cardio.c) --- */

/* Reads the whole card (powering it first). */
int cardio_read(struct kwh_core *c, uint8_t img[KWH_CARD_SIZE], struct kwh_err *e);

/* How a write ended. */
enum cw_outcome {
    CW_WRITTEN,     /* the card holds the new image, verified */
    CW_NOT_WRITTEN, /* the commit byte was never written: the old content is in force */
    CW_UNKNOWN,     /* the card went away while or after the commit byte was written */
};

/* Writes new over old: PSC, changed bytes only, commit byte last, read back. old must
 * be what the card holds now. Returns 0 with CW_WRITTEN, or an error with *outcome
 * saying what the card can hold. */
int cardio_write(struct kwh_core *c, const uint8_t old[KWH_CARD_SIZE],
                 const uint8_t new_img[KWH_CARD_SIZE], enum cw_outcome *outcome, struct kwh_err *e);

/* Puts back old's bytes outside the active slot and the return area (after an
 * interrupted write). */
int cardio_repair(struct kwh_core *c, const uint8_t current[KWH_CARD_SIZE],
                  const uint8_t old[KWH_CARD_SIZE], struct kwh_err *e);

void core_progress(struct kwh_core *c, const char *phase, int done, int total);

/* --- the atomic card operation (cardop.c) --- */

/* An operation prepared for writing: the op row and its sales, not yet stored. */
struct cardop {
    struct store_op op;
    struct kwh_sale sales[3];
    size_t nsales;
    struct kwh_customer *new_customer; /* account opening: inserted pending */
    bool has_event;                    /* an event row for the queries, op_id filled in */
    struct store_event event;
    const char *audit_op; /* "sale", "open", ... */
    char audit_subject[64];
    char audit_detail[512];
    bool claimed; /* the writer's claim on op is held (store_op_claim) */
    bool expect;  /* the account as read: see cardop_expect */
    struct kwh_customer seen;
};

/* The account as the operation read it: recording the intent is refused when, meanwhile,
 * another terminal wrote to it (count, card, generation or status changed, or a write of
 * its still pending), so two terminals never both act on the same state. */
void cardop_expect(struct cardop *co, const struct kwh_customer *cu);

/* Records the intent (pending), writes the card, settles. On success the op is done;
 * KWH_EPENDING when the outcome must wait for the card to be read again. */
int cardop_run(struct kwh_core *c, const struct kwh_session *s, struct cardop *co,
               const uint8_t old[KWH_CARD_SIZE], struct kwh_err *e);

/* Settles op id as done or void, applying its effects, in one transaction. */
int cardop_settle(struct kwh_core *c, int64_t op_id, int state, const char *how, struct kwh_err *e);

/* Settles every pending op on the card whose image is img (read just now). Fills the
 * counts; repairs the card when an interrupted write left it damaged. */
int cardop_reconcile(struct kwh_core *c, uint8_t img[KWH_CARD_SIZE], int *done, int *voided,
                     char *notice, size_t notice_len, struct kwh_err *e);

/* A fresh random card serial. */
void cardop_new_serial(uint8_t serial[CARD_SERIAL_LEN]);

/* --- shared checks (vend.c) --- */

int check_meter(struct kwh_core *c, const struct kwh_meter *m, struct kwh_err *e);
void meter_to_params(const struct kwh_meter *m, struct kwh_meter_params *p);
int month_of(int64_t t); /* YYYYMM, local time */

#endif
