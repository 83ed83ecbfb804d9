/* SPDX-License-Identifier: Apache-2.0 */
/* The card-writing operations of the manual with fixed figures, and the states of a site
 * they start from: the scenarios the interruption and power-cut suites run again and
 * again (tests/unit/test_core_interrupt.c, test_core_powercut.c). The states use the
 * site's own core; the operations the core they are given (another terminal, a forked
 * child). */
#ifndef KWHTEST_SCENES_H
#define KWHTEST_SCENES_H

#include <stdint.h>

#include "kwhpos/core.h"
#include "site.h"

#define SCENE_METER 12345678
#define SCENE_NEW_METER 87654321

struct scene {
    uint32_t customer_no; /* the account the states made */
    int64_t invoice_no;   /* the sale scene_sold made */
};

/* A state, then an operation on it. */
struct scenario {
    const char *name;
    void (*pre)(struct site *s, struct scene *x);
    int (*op)(struct kwh_core *c, struct site *s, struct scene *x, struct kwh_err *e);
};

/* A factory-blank card in the reader. */
void scene_blank(struct site *s, struct scene *x);
/* An account opened with 100 kWh, which its meter took (80 kWh left). */
void scene_loaded(struct site *s, struct scene *x);
/* scene_loaded, then 50 kWh sold (paid by Alipay), not yet in the meter. */
void scene_sold(struct site *s, struct scene *x);
/* scene_loaded, then the card lost: a blank one in the reader. */
void scene_lost(struct site *s, struct scene *x);

/* 用户开户 with 100 kWh on the blank card. */
int scene_open(struct kwh_core *c, struct site *s, struct scene *x, struct kwh_err *e);
/* 30 kWh. */
int scene_sell(struct kwh_core *c, struct site *s, struct scene *x, struct kwh_err *e);
/* 重新售电 as 20 kWh. */
int scene_resell(struct kwh_core *c, struct site *s, struct scene *x, struct kwh_err *e);
/* 补卡 未消费, fee 10.00. */
int scene_reissue_unconsumed(struct kwh_core *c, struct site *s, struct scene *x,
                             struct kwh_err *e);
/* 补卡 已消费, fee 5.00, with a purchase of 40 kWh. */
int scene_reissue_consumed_sale(struct kwh_core *c, struct site *s, struct scene *x,
                                struct kwh_err *e);
/* 制退电卡. */
int scene_refund_card(struct kwh_core *c, struct site *s, struct scene *x, struct kwh_err *e);
/* 换表 (the administrator): 70 kWh left on the old meter, 10 kWh bought. */
int scene_meter_change(struct kwh_core *c, struct site *s, struct scene *x, struct kwh_err *e);

#endif
