/* SPDX-License-Identifier: Apache-2.0 */
/* Card layouts (profiles): where everything lies on a card's 256 bytes and how it is
 * protected, for one maker's family of meters.
 *
 * A profile owns the byte map (the records the counter writes, the return area the
 * meter writes, the key-transfer area, the header), the protection (which bytes say
 * which PSC is in force, the MACs and where they sit) and the order in which a write
 * must go so that a card taken out at any byte reads as the old record or the new one
 * (the commit point). Everything above the card layer asks the site's profile to encode,
 * decode and plan a write, and holds no byte offset of its own.
 *
 * A site chooses its profile when it is created (the setting card_profile); it can be
 * changed only while no card has been issued. Adding a maker's layout:
 * docs/card-format.md. */
#ifndef KWHPOS_CARDPROFILE_H
#define KWHPOS_CARDPROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "kwhpos/card.h"
#include "kwhpos/err.h"

/* What a settled write is recognised by: the record in force, or a fingerprint of it
 * (all 0xFF when the card holds none). The database keeps it with each write. */
#define CARD_RECORD_LEN 64

/* The longest profile id (the setting card_profile), without its terminator. */
#define CARD_PROFILE_ID_MAX 15

/* One step of a write (struct card_steps): bytes are given as [from, to). */
enum card_step_kind {
    CARD_STEP_WRITE,       /* the bytes of the range that change, in ascending runs */
    CARD_STEP_ERASE_DOWN,  /* the bytes of the range that change, one at a time from the top */
    CARD_STEP_PSC_SITE,    /* from here the site PSC is in force (changed if it is not yet) */
    CARD_STEP_PSC_FACTORY, /* from here the factory PSC is in force */
    CARD_STEP_VERIFY,      /* read back what was written since the last verify, compare */
    CARD_STEP_COMMIT,      /* the commit point: the changed bytes of the range, after which
                              the card may hold the new content; a write interrupted from
                              here on is judged by reading the card's record */
};

struct card_step {
    uint8_t kind; /* enum card_step_kind */
    uint16_t from, to;
};

#define CARD_STEPS_MAX 16

/* The order of a write: its steps, first to last. */
struct card_steps {
    unsigned n;
    struct card_step step[CARD_STEPS_MAX];
};

/* Which PSC a card holds, as far as its bytes tell. */
enum card_psc_guess {
    CARD_PSC_IS_FACTORY,
    CARD_PSC_IS_SITE,
    CARD_PSC_LIKELY_SITE, /* the site PSC, unless a write stopped in the one instant between
                             the bytes that say so and the PSC change: the factory one then */
    CARD_PSC_IS_UNKNOWN,  /* not a card this site can write */
};

/* Named pieces of a layout, for tools and tests that look at card bytes (the simulator's
 * card commands, the suites); the programs never ask. */
enum card_piece {
    CARD_PIECE_COMMIT,    /* the commit point */
    CARD_PIECE_SERIAL,    /* the card's serial */
    CARD_PIECE_PSC,       /* the bytes that say which PSC is in force */
    CARD_PIECE_MARK,      /* the layout's magic and version */
    CARD_PIECE_ACTIVE,    /* the record in force (none on a blank card) */
    CARD_PIECE_INACTIVE,  /* the other record, where the next write goes (also on a blank
                             card) */
    CARD_PIECE_MAC,       /* the MAC of the record in force */
    CARD_PIECE_RETURN,    /* the meter's return area */
    CARD_PIECE_KEYX,      /* the key-transfer area */
    CARD_PIECE_ENERGY,    /* the purchase energy of the record in force (as the layout
                             stores it: its bytes' order is the layout's) */
    CARD_PIECE_REMAINING, /* the remaining energy the meter reported */
};

/* A card layout. The functions get their own profile, so one implementation can serve
 * several layouts described by tables (layout). */
struct card_profile {
    const char *id;   /* the setting's value: short, stable, ASCII */
    const char *name; /* for people, in English */
    bool test_only;   /* no meter reads it: for proving the seam in tests */
    const void *layout;

    int (*decode)(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                  const struct kwh_site_keys *keys, struct kwh_card *out, struct kwh_err *e);
    int (*encode)(const struct card_profile *p, const uint8_t old[KWH_CARD_SIZE],
                  const struct kwh_card *c, const struct kwh_site_keys *keys,
                  uint8_t out[KWH_CARD_SIZE], struct kwh_err *e);
    void (*wiped)(const struct card_profile *p, const uint8_t old[KWH_CARD_SIZE],
                  uint8_t out[KWH_CARD_SIZE]);
    void (*record)(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE], bool active,
                   uint8_t out[CARD_RECORD_LEN]);
    bool (*is_blank)(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE]);
    void (*serial)(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                   uint8_t out[CARD_SERIAL_LEN]);
    enum card_psc_guess (*psc)(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE]);
    void (*plan)(const struct card_profile *p, const uint8_t old[KWH_CARD_SIZE],
                 const uint8_t new_img[KWH_CARD_SIZE], struct card_steps *out);
    void (*repair)(const struct card_profile *p, const uint8_t current[KWH_CARD_SIZE],
                   const uint8_t old[KWH_CARD_SIZE], uint8_t target[KWH_CARD_SIZE],
                   struct card_steps *out);
    void (*put_return)(const struct card_profile *p, uint8_t img[KWH_CARD_SIZE],
                       const struct kwh_card_return *r, const uint8_t mac_key[KWH_KEY_LEN]);
    int (*take_keys)(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                     uint32_t meter_no, struct kwh_site_keys *keys, struct kwh_err *e);
    void (*erase_keys)(const struct card_profile *p, uint8_t img[KWH_CARD_SIZE]);
    void (*resign)(const struct card_profile *p, uint8_t img[KWH_CARD_SIZE],
                   const struct kwh_site_keys *keys);
    bool (*where)(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                  enum card_piece piece, unsigned *off, unsigned *len);
};

/* --- the profiles ------------------------------------------------------------------- */

/* The layout of sites that chose none: kwhpos's own (docs/card-format.md). */
const struct card_profile *cardprofile_default(void);
/* The profile named id, or NULL. */
const struct card_profile *cardprofile_find(const char *id);
/* The i-th profile (0, 1, ...), or NULL past the last: for lists. */
const struct card_profile *cardprofile_at(size_t i);

/* --- what the programs ask of a profile ----------------------------------------------- */

/* Decodes any 256 bytes. Returns 0 with *out filled for a blank card (type BLANK) or a
 * valid card of this site; otherwise KWH_ECARD with a precise message: not a card of
 * this layout, unknown version, another site's area code, forged or damaged (MAC),
 * unknown type, bad field. A damaged return area leaves out->ret.valid false; damage
 * outside the record in force sets rest_damaged. keys may be NULL to decode without
 * verifying (nothing is trusted then; used to describe foreign cards). */
int card_decode(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                const struct kwh_site_keys *keys, struct kwh_card *out, struct kwh_err *e);

/* The image that writing c over old gives once committed: the new record (with
 * c->serial) where the next write goes, the key-transfer area when CARD_F_KEYX (cleared
 * otherwise), the meter's report kept when the serial and meter number are unchanged
 * (cleared otherwise). old may be a blank image. */
int card_encode(const struct card_profile *p, const uint8_t old[KWH_CARD_SIZE],
                const struct kwh_card *c, const struct kwh_site_keys *keys,
                uint8_t out[KWH_CARD_SIZE], struct kwh_err *e);

/* What wiping old leaves: a factory-blank card that keeps old's manufacturer bytes and
 * serial (the serial is the card's for life). */
void card_wiped(const struct card_profile *p, const uint8_t old[KWH_CARD_SIZE],
                uint8_t out[KWH_CARD_SIZE]);

/* The record in force (active) or the other one, as CARD_RECORD_LEN bytes: what a
 * settled write is recognised by. All 0xFF when there is none. */
void card_record(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE], bool active,
                 uint8_t out[CARD_RECORD_LEN]);

/* Whether img holds no record in force (factory-new, wiped, or half-made). */
bool card_is_blank(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE]);

/* The card's serial as its bytes say (all 0xFF when unset). */
void card_serial_of(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                    uint8_t out[CARD_SERIAL_LEN]);

/* --- what the card writer asks (kwhpos/cardwrite.h) ------------------------------------- */

/* Which PSC the card holds, as its bytes tell. */
enum card_psc_guess card_psc_guess(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE]);

/* The steps that take a card holding old to new_img so that every interruption leaves
 * the old record in force before the commit point and a card judged by its record from
 * it on: a write of new content, or a wipe (new_img from card_wiped). */
void card_plan(const struct card_profile *p, const uint8_t old[KWH_CARD_SIZE],
               const uint8_t new_img[KWH_CARD_SIZE], struct card_steps *out);

/* After a write interrupted before its commit point: target is current with old's bytes
 * put back everywhere but the commit point and the meter's return area, and the steps
 * that write it. */
void card_repair_plan(const struct card_profile *p, const uint8_t current[KWH_CARD_SIZE],
                      const uint8_t old[KWH_CARD_SIZE], uint8_t target[KWH_CARD_SIZE],
                      struct card_steps *out);

/* --- what a meter does (the simulator, tests) ---------------------------------------- */

/* Writes the meter's report r on the card, its MAC binding it to the card's serial. */
void card_encode_return(const struct card_profile *p, uint8_t img[KWH_CARD_SIZE],
                        const struct kwh_card_return *r, const uint8_t mac_key[KWH_KEY_LEN]);
/* A meter with no key learns the site keys the card carries for meter_no (KWH_ECARD
 * when it carries none for it). */
int card_take_keys(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                   uint32_t meter_no, struct kwh_site_keys *keys, struct kwh_err *e);
/* The meter erases the key-transfer area once it has the keys. */
void card_erase_keys(const struct card_profile *p, uint8_t img[KWH_CARD_SIZE]);

/* --- tools and tests ----------------------------------------------------------------- */

/* Recomputes the MACs of both records and of the meter's report over what img holds
 * now, with keys: a hand-made image then passes the protection check, so its fields are
 * what decoding judges. For the fuzzer and tests; the programs never sign anything they
 * did not encode themselves. */
void card_resign(const struct card_profile *p, uint8_t img[KWH_CARD_SIZE],
                 const struct kwh_site_keys *keys);

/* Where piece lies on img: false when the layout has no such piece there (no record in
 * force, nor its MAC, on a blank card). For tools and tests that look at card bytes. */
bool card_where(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                enum card_piece piece, unsigned *off, unsigned *len);

#endif
