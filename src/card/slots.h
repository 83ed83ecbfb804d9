/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/card: two-record layouts described by a table (struct slot_layout) and the
 * one implementation of the profile functions that serves them all (slots.c).
 *
 * Such a layout has a header (magic and version, a PSC-state byte, a commit byte, a
 * serial), two records ("slots") of SLOT_LEN bytes each with a MAC inside, a return area
 * of RET_LEN bytes the meter writes, with a MAC inside, a key-transfer area, and
 * reserved bytes that stay 0xFF. Where each lies, the order of the fields inside a slot
 * and the return area, the MACs' places and labels, the byte values and the integers'
 * byte order are the table's. */
#ifndef KWHPOS_CARD_SLOTS_H
#define KWHPOS_CARD_SLOTS_H

#include <stdbool.h>
#include <stdint.h>

#include "kwhpos/cardprofile.h"

#define SLOT_LEN 64
#define RET_LEN 48
#define MARK_LEN 4 /* magic (3 bytes) and version */

/* The fields of a slot; each has a fixed width (slots.c). */
enum slot_field {
    SF_TYPE,
    SF_AREA, /* packed BCD */
    SF_METER,
    SF_CUSTOMER,
    SF_COUNT,
    SF_ENERGY,
    SF_FREE,
    SF_GEN,
    SF_FLAGS,
    SF_MTYPE,
    SF_LIMIT,
    SF_ALARM,
    SF_OVERDRAFT,
    SF_HOARD,
    SF_CT,
    SF_ISSUED,
    SF_COUNT_OF_FIELDS
};

/* The fields of the return area. */
enum ret_field {
    RF_MARK,
    RF_METER,
    RF_COUNT,
    RF_STATUS,
    RF_REMAIN,
    RF_USED,
    RF_BOUGHT,
    RF_DISPLAY,
    RF_GEN,
    RF_TIME,
    RF_COUNT_OF_FIELDS
};

struct slot_range {
    uint16_t off, len;
};

struct slot_layout {
    uint8_t magic[3];
    uint8_t version;
    uint16_t mark;        /* magic then version, MARK_LEN bytes */
    uint16_t psc;         /* the PSC-state byte */
    uint8_t psc_site;     /* its value once the site PSC is (being) set; 0xFF: factory */
    uint16_t commit;      /* the commit byte */
    uint8_t commit_to[2]; /* its value naming slot 0, slot 1; 0xFF: none */
    uint16_t serial;      /* CARD_SERIAL_LEN bytes */
    uint16_t slot[2];     /* SLOT_LEN bytes each */
    uint8_t slot_mac;     /* where a slot's MAC lies in it (KWH_MAC_LEN bytes) */
    uint8_t slot_at[SF_COUNT_OF_FIELDS];
    uint16_t ret; /* RET_LEN bytes */
    uint8_t ret_mac;
    uint8_t ret_mark; /* RF_MARK's value: the meter wrote a report */
    uint8_t ret_at[RF_COUNT_OF_FIELDS];
    uint16_t keyx; /* CARD_KEYX_LEN bytes */
    struct slot_range reserved[2];
    bool little_endian;
    const char *slot_label, *ret_label; /* what each MAC starts with (4 bytes) */
};

/* The profile functions for a struct slot_layout in p->layout. */
int slots_decode(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                 const struct kwh_site_keys *keys, struct kwh_card *out, struct kwh_err *e);
int slots_encode(const struct card_profile *p, const uint8_t old[KWH_CARD_SIZE],
                 const struct kwh_card *c, const struct kwh_site_keys *keys,
                 uint8_t out[KWH_CARD_SIZE], struct kwh_err *e);
void slots_wiped(const struct card_profile *p, const uint8_t old[KWH_CARD_SIZE],
                 uint8_t out[KWH_CARD_SIZE]);
void slots_record(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE], bool active,
                  uint8_t out[CARD_RECORD_LEN]);
bool slots_is_blank(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE]);
void slots_serial(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                  uint8_t out[CARD_SERIAL_LEN]);
enum card_psc_guess slots_psc(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE]);
void slots_plan(const struct card_profile *p, const uint8_t old[KWH_CARD_SIZE],
                const uint8_t new_img[KWH_CARD_SIZE], struct card_steps *out);
void slots_repair(const struct card_profile *p, const uint8_t current[KWH_CARD_SIZE],
                  const uint8_t old[KWH_CARD_SIZE], uint8_t target[KWH_CARD_SIZE],
                  struct card_steps *out);
void slots_put_return(const struct card_profile *p, uint8_t img[KWH_CARD_SIZE],
                      const struct kwh_card_return *r, const uint8_t mac_key[KWH_KEY_LEN]);
int slots_take_keys(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                    uint32_t meter_no, struct kwh_site_keys *keys, struct kwh_err *e);
void slots_erase_keys(const struct card_profile *p, uint8_t img[KWH_CARD_SIZE]);
void slots_resign(const struct card_profile *p, uint8_t img[KWH_CARD_SIZE],
                  const struct kwh_site_keys *keys);
bool slots_where(const struct card_profile *p, const uint8_t img[KWH_CARD_SIZE],
                 enum card_piece piece, unsigned *off, unsigned *len);

/* The field checks every layout shares (image.c): type, meter number, meter type, CT
 * ratio, free allowance within the purchase. */
int card_check_fields(const struct kwh_card *c, struct kwh_err *e);

#endif
