/* SPDX-License-Identifier: Apache-2.0 */
/* A card as the program sees it, whatever its layout: struct kwh_card (the record in
 * force and the meter's report), the site keys that protect it, and the key block that
 * carries them to a new meter.
 *
 * Where each of these lies on the 256 bytes, how it is protected and in which order a
 * write must go is the card layout's: kwhpos/cardprofile.h (docs/card-format.md). */
#ifndef KWHPOS_CARD_H
#define KWHPOS_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kwhpos/cardio.h"
#include "kwhpos/err.h"
#include "kwhpos/model.h"

#define KWH_KEY_LEN 32
#define KWH_MAC_LEN 16
#define KWH_SECRET_LEN 32

#define CARD_SERIAL_LEN KWH_SERIAL_LEN
#define CARD_KEYX_LEN 48 /* the wrapped site key a user card carries to a new meter */

/* What a decoded card says of its PSC (struct kwh_card psc_state), whatever bytes its
 * layout keeps it in. */
#define CARD_PSC_FACTORY 0xFF /* the factory PSC is in force */
#define CARD_PSC_SITE 0xA5    /* the site PSC is (or is being) set */
#define CARD_ACTIVE_NONE 0xFF /* no record is committed (struct kwh_card active) */

/* Card types (enum kwh_card_type) and meter types (enum kwh_meter_type) are in model.h. */

/* Slot flags. */
#define CARD_F_KEYX 0x01 /* the key-transfer area carries the site key */
#define CARD_F_NO_PURCHASE                                                                         \
    0x02 /* carries no new purchase: a meter already at this count                                 \
            answers good (reissue 已消费, parameter update) */

/* A management card's current limit that means "each meter's own rating" (0 means
 * "leave each meter's limit as it is"). */
#define CARD_LIMIT_RATING 0xFFFF

/* Meter parameters carried by user and management cards. Energies in 0.01 kWh of the
 * primary side: a 三相互感 meter multiplies what it measures by ct_ratio. */
struct kwh_meter_params {
    uint8_t meter_type;       /* enum kwh_meter_type; 0 on tool cards */
    uint16_t current_limit_a; /* 限电电流, whole amperes */
    uint32_t alarm_ckwh;      /* 预警电量 */
    uint32_t overdraft_ckwh;  /* 透支电量 */
    uint32_t hoard_ckwh;      /* 囤积电量 */
    uint16_t ct_ratio;        /* 变比; 1 for meters without a CT */
};

/* What the meter wrote back the last time the card was in it. */
struct kwh_card_return {
    bool valid;   /* present and its MAC verifies */
    bool damaged; /* marked as written by a meter, but it does not verify */
    uint32_t meter_no;
    uint16_t loaded_count;  /* the meter's purchase count after this insertion */
    uint8_t status;         /* CARD_RS_* */
    int32_t remaining_ckwh; /* negative while overdraft is in use */
    uint32_t used_ckwh;     /* 总用电量 */
    uint32_t bought_ckwh;   /* 总购电量 */
    uint8_t display;        /* enum kwh_meter_code the meter showed */
    uint16_t generation;    /* the card generation the meter holds */
    uint32_t time;          /* meter clock, epoch seconds */
};

#define CARD_RS_LOADED 0x01 /* this card's purchase is in the meter */
#define CARD_RS_ALARM 0x02
#define CARD_RS_TRIPPED 0x04
#define CARD_RS_OVERLOAD 0x08
#define CARD_RS_REFUNDED 0x10 /* a refund card was processed: remaining moved here */
#define CARD_RS_OVERDRAFT 0x20

/* Meter display codes (manual section 十二). */
enum kwh_meter_code {
    KWH_MC_GOOD = 0,
    KWH_MC_E1 = 1,     /* 动态密码错: an older card generation */
    KWH_MC_E2,         /* 卡类型错 */
    KWH_MC_E3,         /* 卡密码错: MAC or PSC */
    KWH_MC_E4,         /* 购电溢出错 */
    KWH_MC_E5,         /* 表号错 */
    KWH_MC_E6,         /* 区号错 */
    KWH_MC_E7,         /* 购电次数错 */
    KWH_MC_E8,         /* 囤积溢出错 */
    KWH_MC_E9,         /* 存贮器校验错 */
    KWH_MC_EA,         /* 卡已经消费 */
    KWH_MC_E00 = 0x0E, /* IC卡接触不良 */
};

/* A decoded card: the record in force and the meter's report. */
struct kwh_card {
    uint8_t type;                    /* enum kwh_card_type */
    uint8_t psc_state;               /* CARD_PSC_* */
    uint8_t active;                  /* which record is in force (the layout's number for
                                        it); CARD_ACTIVE_NONE on a blank card */
    uint8_t serial[CARD_SERIAL_LEN]; /* all 0xFF until first personalised */
    char area_code[7];               /* six digits */
    uint32_t meter_no;               /* user and refund cards */
    uint32_t customer_no;
    uint16_t purchase_count; /* 购电次数 */
    uint32_t purchase_ckwh;  /* energy this purchase loads (incl. adjustment and free) */
    uint32_t free_ckwh;      /* of which monthly free allowance */
    uint16_t generation;     /* card generation: +1 on each reissue */
    uint8_t flags;           /* CARD_F_* */
    struct kwh_meter_params params;
    uint32_t issued; /* epoch seconds */
    struct kwh_card_return ret;
    bool rest_damaged; /* the record in force is genuine, but something else the counter
                          wrote is not (the other record, the key area, a reserved byte):
                          an interrupted write (core repairs it) or a hand edit (core
                          refuses) */
    char rest_problem[96];
};

/* Site keys, derived from the per-site secret and the area code. */
struct kwh_site_keys {
    char area_code[7];
    uint8_t mac_key[KWH_KEY_LEN]; /* slots, return area, audit chain */
    uint8_t psc[KWH_PSC_LEN];     /* the site PSC of every card it issues */
};

/* Derives keys for area_code (six digits) from secret. */
int card_keys_derive(struct kwh_site_keys *k, const uint8_t secret[KWH_SECRET_LEN],
                     const char *area_code, struct kwh_err *e);

/* The factory PSC of blank cards. */
extern const uint8_t card_factory_psc[KWH_PSC_LEN];

/* The answer-to-reset of the card family, the first 4 bytes of every image. */
extern const uint8_t card_atr[4];

/* A blank image: the ATR, then 0xFF everywhere (the card family's factory state). */
void card_blank_image(uint8_t img[KWH_CARD_SIZE]);

/* Whether the serial is set (not all 0xFF). */
bool card_serial_is_set(const uint8_t serial[CARD_SERIAL_LEN]);

/* The key block: the site keys wrapped for a meter with no key yet, and unwrapped there.
 * Unwrap returns KWH_ECARD if the block is empty or damaged. */
void card_keyx_wrap(uint8_t area[CARD_KEYX_LEN], const struct kwh_site_keys *keys,
                    uint32_t meter_no);
int card_keyx_unwrap(const uint8_t area[CARD_KEYX_LEN], uint32_t meter_no,
                     struct kwh_site_keys *keys, struct kwh_err *e);

/* Whether the card's purchase is already in the meter (the meter's report says so). */
bool card_purchase_loaded(const struct kwh_card *c);

/* The stable name of a meter's display code: "good", "E1".."EA", "E-00". Card and meter
 * types have their names in model.h. */
const char *meter_code_name(int code);

#endif
