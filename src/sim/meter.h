/* SPDX-License-Identifier: Apache-2.0 */
/* Simulated meters: state, file format, display, card insertion, energy use. */
#ifndef KWHSIM_METER_H
#define KWHSIM_METER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "sim.h"

#define METER_VERSION "CHu-IC1.6"
#define METER_VOLTS 220
#define METER_REGISTER_MAX 99999999 /* 999999.99 kWh: what the register can hold */

enum meter_trip {
    METER_TRIP_NONE = 0,
    METER_TRIP_CREDIT,    /* 拉闸: remaining reached zero */
    METER_TRIP_OVERDRAFT, /* 拉闸: the overdraft is used up */
    METER_TRIP_OVERLOAD,  /* 过载拉闸 */
    METER_TRIP_REFUND,    /* a refund card took the credit away */
};

struct meter {
    uint32_t number;
    const struct card_profile *profile; /* the card layout this meter's maker reads */
    int type;                           /* enum kwh_meter_type */
    int rating_a;                       /* the meter's maximum current */
    int constant;                       /* impulses per kWh */
    bool keyed;                         /* knows the site (opened); false: un-opened */
    struct kwh_site_keys keys;          /* valid when keyed */
    uint16_t count;                     /* purchase count */
    uint16_t generation;                /* card generation */
    int64_t remaining;                  /* 0.01 kWh, negative in overdraft */
    int64_t used, bought;               /* 0.01 kWh */
    struct kwh_meter_params p;          /* limits the cards set */
    bool relay_open;
    int trip;          /* enum meter_trip */
    bool overdraft_on; /* a card re-insertion released the overdraft */
    bool managed;      /* a management card set the limits: its overdraft is usable at
                          once (保电), until the customer's card sets them again */
    int64_t preset;    /* the factory's pre-charge still lent (M35): taken back, with
                          what of it was used, from the first purchase */
    bool overload;     /* forced by `kwhsim overload` */
    bool relay_test;   /* a relay card flipped the relay for a moment */
    bool test_mode;    /* a test card: energy measured, not charged */
    int64_t power_w;   /* present load, primary side */
    int display;       /* the last code shown (enum kwh_meter_code), -1 none */
    uint32_t clock;    /* the meter's clock, epoch seconds */
    bool damaged;      /* the file's check failed: the meter shows E9 */
};

/* The file of meter number in dir. */
bool meter_path(const char *dir, uint32_t number, char *buf, size_t n);

/* A new, un-opened meter that reads cards of layout profile. */
void meter_init(struct meter *m, uint32_t number, int type, int rating_a, int constant,
                const struct card_profile *profile);

/* Loads a meter file. A file whose check line does not match loads with damaged set
 * (the meter answers E9); a file that cannot be parsed is KWH_EINVAL. */
int meter_load(const char *path, struct meter *m, struct kwh_err *e);

/* Saves a meter file atomically, with a fresh check line. */
int meter_save(const char *path, const struct meter *m, struct kwh_err *e);

/* Parses a meter type as the model's name table spells it ("single", "ct", "direct",
 * 单相, 三相互感, 三相直通, "three-ct", ...); 0 if none. */
int meter_type_parse(const char *s);

/* The Chinese name of a meter type. */
const char *meter_type_zh(int type);

/* Whether remaining energy is below the alarm level (the display flashes). */
bool meter_alarm(const struct meter *m);

/* Whether the relay is closed right now (a relay-card test flips it). */
bool meter_relay_closed(const struct meter *m);

/* The limit power in watts: phases x 220 V x current limit. */
int64_t meter_limit_w(const struct meter *m);

/* Prints the display items of manual section 十二. */
void meter_show(const struct meter *m, FILE *out);

/* Inserts a card: the meter reads it, acts, writes its return area, and returns the
 * code it shows. bad_contact simulates E-00. The card is changed in place. */
int meter_insert(struct meter *m, struct sim_card *c, bool bad_contact);

/* Uses energy: measured_ckwh on the meter's own (secondary) side at power_w measured
 * watts (0: unknown). Writes what happened to out. */
void meter_use(struct meter *m, int64_t measured_ckwh, int64_t power_w, int64_t seconds, FILE *out);

#endif
