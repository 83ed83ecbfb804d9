/* SPDX-License-Identifier: Apache-2.0 */
/* The domain records shared by core/, store/, ui/ and cli/.
 *
 * Units (docs/units.md): money in fen (0.01 yuan), prices in 0.0001 yuan per kWh,
 * energy in 0.01 kWh ("ckwh"), all int64_t. Times are Unix seconds (UTC). */
#ifndef KWHPOS_MODEL_H
#define KWHPOS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KWH_NAME_MAX 64  /* operator, tariff names (bytes, UTF-8) */
#define KWH_TEXT_MAX 128 /* customer name, unit name */
#define KWH_ADDR_MAX 256
#define KWH_PHONE_MAX 32
/* a station's name ([station] name, kept with each card write): 47 bytes, 15 Chinese
   characters */
#define KWH_STATION_MAX 48
#define KWH_SERIAL_LEN 6 /* a card's serial number (card.h: CARD_SERIAL_LEN) */

enum kwh_role {
    KWH_ROLE_SELLER = 1, /* 售电员 */
    KWH_ROLE_ADMIN = 2,  /* 管理员 */
};

enum kwh_pay {
    KWH_PAY_CASH = 0,     /* 现金 */
    KWH_PAY_WECHAT = 1,   /* 微信 */
    KWH_PAY_ALIPAY = 2,   /* 支付宝 */
    KWH_PAY_CARD = 3,     /* 银行卡 */
    KWH_PAY_OTHER = 4,    /* 其他 */
    KWH_PAY_TRANSFER = 5, /* 银行转账 */
};
#define KWH_PAY_COUNT 6
#define KWH_REF_MAX 48 /* a payment reference (bytes) */

enum kwh_customer_status {
    KWH_CUST_PENDING = 0, /* opening written to a card, not yet confirmed */
    KWH_CUST_OPEN = 1,
    KWH_CUST_REFUNDED = 2, /* 退电 done: meter emptied; close or reissue next */
    KWH_CUST_CLOSED = 3,   /* 销户: kept for history, meter number free again */
    KWH_CUST_VOID = 4,     /* an opening that never reached the card */
};

enum kwh_card_type {
    KWH_CARD_BLANK = 0,      /* no valid content: factory-new or wiped */
    KWH_CARD_USER = 1,       /* 用户卡 (also 开户卡, 补卡, 购电卡) */
    KWH_CARD_REFUND = 2,     /* 退电卡 */
    KWH_CARD_MANAGEMENT = 3, /* 管理卡 */
    KWH_CARD_CLEAR = 4,      /* 清零卡 */
    KWH_CARD_RELAY = 5,      /* 继电器卡 */
    KWH_CARD_TEST = 6,       /* 测试卡 */
};
#define KWH_CARD_TYPES 7

enum kwh_meter_type {
    KWH_METER_SINGLE = 1,       /* 单相 */
    KWH_METER_THREE_CT = 2,     /* 三相互感: needs a CT ratio */
    KWH_METER_THREE_DIRECT = 3, /* 三相直通 */
};
#define KWH_METER_TYPES 3

/* Kinds of card writes and money movements (the table of kinds: model_op). */
enum kwh_op_kind {
    KWH_OP_OPEN = 1,         /* 用户开户 (+ first purchase) */
    KWH_OP_SALE = 2,         /* 日常售电 */
    KWH_OP_RESALE = 3,       /* 重新售电 */
    KWH_OP_REISSUE = 4,      /* 补卡售电 */
    KWH_OP_REFUND_CARD = 5,  /* 制退电卡 */
    KWH_OP_REFUND = 6,       /* 读卡退电 (no card write) */
    KWH_OP_METER_CHANGE = 7, /* 换表 */
    KWH_OP_EDIT = 8,         /* 用户信息维护 writing the card */
    KWH_OP_TOOL = 9,         /* 工具卡 */
    KWH_OP_WIPE = 10,        /* 读卡清卡 */
    KWH_OP_REVERSAL = 11,    /* 冲正: a linked entry cancelling a sale's money (and, with
                                the card, its energy) */
};
#define KWH_OP_KINDS 12 /* kinds are 1 .. KWH_OP_KINDS - 1 */

enum kwh_op_state {
    KWH_STATE_PENDING = 0,
    KWH_STATE_DONE = 1,
    KWH_STATE_VOID = 2,      /* never reached the card */
    KWH_STATE_CANCELLED = 3, /* a sale replaced by a 重新售电 */
};

/* How a purchase is given. */
enum kwh_purchase_mode {
    KWH_BY_NONE = 0,   /* no purchase */
    KWH_BY_KWH = 1,    /* 按电量: value in ckwh */
    KWH_BY_AMOUNT = 2, /* 按金额: value in fen */
};

struct kwh_session {
    int64_t operator_id;
    char name[KWH_NAME_MAX];
    int role;                  /* enum kwh_role */
    bool must_change_password; /* first login as system/1, or reset by an admin */
};

/* Business settings kept in the database (not the INI). */
struct kwh_site {
    char area_code[7];            /* 区域代码 */
    char unit_name[KWH_TEXT_MAX]; /* 用电单位名称 */
    char unit_phone[KWH_PHONE_MAX];
    int64_t monthly_free_ckwh; /* 每月免费电量; 0 = none */
    int64_t max_sale_fen;      /* per-sale maximum amount */
    int64_t max_sale_ckwh;     /* per-sale maximum energy */
    int64_t reissue_fee_fen;   /* default 补卡 fee */
    int recovery_mode;         /* arrears recovery at a sale (enum kwh_recovery) */
    int64_t recovery_value;    /* fen (fixed) or percent (percentage) */
    int sale_mode;             /* KWH_BY_AMOUNT or KWH_BY_KWH: how each new card read
                                  starts a sale (the clerk switches with F4) */
    bool cards_issued;         /* any card written: the area code is then locked */
    char card_profile[16];     /* the card layout's id (kwhpos/cardprofile.h) */
};

#define KWH_TIERS_MAX 5 /* 阶梯电价: tiers of a tariff */

/* One tier: energy up to upto_ckwh bought in the period (0: no bound, the last tier) at
 * price. */
struct kwh_tier {
    int64_t upto_ckwh;
    int64_t price;
};

/* The period a tiered tariff counts in. */
enum kwh_tier_period {
    KWH_PERIOD_FLAT = 0,    /* no tiers */
    KWH_PERIOD_MONTHLY = 1, /* the calendar month */
    KWH_PERIOD_ANNUAL = 12, /* twelve months from the start month */
};

/* A tariff's kind. */
enum kwh_tariff_kind {
    KWH_TARIFF_STANDARD = 0, /* flat or tiered */
    KWH_TARIFF_SHARED = 1,   /* 合表: a shared meter's tariff, always flat (the households
                                behind one meter cannot be put on one ladder) */
};

struct kwh_tariff {
    int64_t id;
    char name[KWH_NAME_MAX];
    int kind;            /* enum kwh_tariff_kind */
    int64_t price;       /* current price (a tiered tariff: its first tier's), 0.0001 yuan/kWh */
    int64_t price_since; /* when the current price took effect (setting tiers: when the new
                            version is to, 0 now) */
    int64_t price_id;    /* the version of the price: its row in the price history */
    int64_t customers;   /* open accounts on it (in use = cannot delete) */
    int period_months;   /* enum kwh_tier_period */
    int period_start;    /* an annual period's first month, 1..12 */
    int ntiers;          /* 0 for a flat tariff, else 2..KWH_TIERS_MAX */
    struct kwh_tier tiers[KWH_TIERS_MAX];
    /* The next price version, scheduled (待生效) but not yet in force: from when (0: none),
     * its price (a tiered one's first tier) and whether it is tiered. */
    int64_t next_from;
    int64_t next_price;
    bool next_tiered;
};

struct kwh_operator {
    int64_t id;
    char name[KWH_NAME_MAX];
    int role;
    bool must_change;
    int failed_logins;
    int lockouts; /* lock-outs in a row: each lasts twice the one before */
    int64_t locked_until;
};

struct kwh_meter {
    uint32_t meter_no;      /* 表号, 8 digits */
    int meter_type;         /* enum kwh_meter_type */
    int rating_a;           /* the meter's maximum current, A */
    int current_limit_a;    /* 限电电流 <= rating_a */
    int64_t alarm_ckwh;     /* 预警电量 */
    int64_t overdraft_ckwh; /* 透支电量 */
    int64_t hoard_ckwh;     /* 囤积电量 */
    int ct_ratio;           /* 变比, required for 三相互感, 1 otherwise */
};

struct kwh_customer {
    int64_t id;
    uint32_t customer_no; /* 用户编号, generated */
    char name[KWH_TEXT_MAX];
    char address[KWH_ADDR_MAX];
    char phone[KWH_PHONE_MAX];
    struct kwh_meter meter;
    int64_t tariff_id;
    char tariff_name[KWH_NAME_MAX];
    int64_t price; /* the tariff's current price */
    int status;    /* enum kwh_customer_status */
    uint8_t card_serial[KWH_SERIAL_LEN];
    int card_gen;                    /* generation of the current card */
    int purchase_count;              /* last count written to the card (settled) */
    int loaded_count;                /* last count the meter reported loaded */
    int64_t balance_ckwh;            /* estimated energy in the meter and on the card */
    int64_t reported_remaining_ckwh; /* the meter's last report */
    int64_t reported_at;
    int64_t opened, closed, last_purchase;
    int free_month; /* YYYYMM of the last monthly allowance granted */
    /* money (docs/units.md) */
    int period_start;        /* YYYYMM: the first month of the tier period period_ckwh counts */
    int64_t period_ckwh;     /* kWh bought at tiered prices in that period */
    int64_t tier_extra_ckwh; /* extra first-tier allowance (large households) */
    int64_t arrears_fen;     /* 欠费 still owed */
    int fee_month;           /* YYYYMM of the last month whose monthly fees were paid */
    int recovery_mode;       /* enum kwh_recovery: the account's own rule, or the site's */
    int64_t recovery_value;  /* fen (fixed) or percent (percentage) */
    int64_t area_id;         /* the area of the tree it belongs to (0 on input: the root) */
};

/* How arrears are recovered at a sale. */
enum kwh_recovery {
    KWH_RECOVER_SITE = 0,    /* the site's rule (accounts only) */
    KWH_RECOVER_FIXED = 1,   /* a fixed amount per sale (fen) */
    KWH_RECOVER_PERCENT = 2, /* a percentage of the payment */
};

/* One line of a sale: a tier's energy and money, or a fee. */
enum kwh_item_type {
    KWH_ITEM_TIER = 1, /* ref: the tier's number, 1..5 */
    KWH_ITEM_FEE = 2,  /* ref: the fee type's id (0: the card fee 补卡费) */
};
struct kwh_sale_item {
    int item; /* enum kwh_item_type */
    int64_t ref;
    char name[KWH_NAME_MAX]; /* the fee's name at the sale ("" for a tier) */
    int64_t ckwh;            /* a tier's energy */
    int64_t price;           /* a tier's price */
    int64_t fen;             /* its money */
};
#define KWH_ITEMS_MAX 12

/* One money movement or card-writing event (sales, refunds, reissues, ...). */
struct kwh_sale {
    int64_t id;
    int64_t op_id; /* the card write it belongs to */
    int kind;      /* enum kwh_op_kind */
    int state;     /* enum kwh_op_state */
    int64_t customer_id;
    uint32_t customer_no;
    char customer_name[KWH_TEXT_MAX]; /* as at the sale (an invoice shows these) */
    char customer_address[KWH_ADDR_MAX];
    char customer_phone[KWH_PHONE_MAX];
    uint32_t meter_no;
    int purchase_count;
    int64_t energy_ckwh; /* paid energy; negative for a refund */
    int64_t adjust_ckwh; /* 调剂电量, not charged */
    int64_t free_ckwh;   /* monthly free allowance */
    int64_t price;
    int64_t tariff_id;
    char tariff_name[KWH_NAME_MAX];
    int64_t amount_fen;        /* money for the energy; negative = paid out */
    int64_t fee_fen;           /* fees: 补卡 fee, service and monthly fees (items say which) */
    int64_t arrears_fen;       /* arrears recovered with it */
    int pay_method;            /* enum kwh_pay */
    char pay_ref[KWH_REF_MAX]; /* the payment's reference (WeChat, Alipay, POS slip, transfer) */
    int64_t reverses_id;       /* 冲正: the sale whose money it reverses */
    int period_start;          /* the tier period its energy counted in (YYYYMM; 0: flat) */
    int fee_month;             /* monthly fees paid through this month (YYYYMM; 0: none) */
    size_t nitems;
    struct kwh_sale_item items[KWH_ITEMS_MAX]; /* tiers, then fees */
    bool by_amount;
    int64_t operator_id;
    char operator_name[KWH_NAME_MAX];
    int64_t created;
    int64_t invoice_no;  /* 0 until settled */
    int64_t replaces_id; /* 重新售电: the sale it cancels */
    int reprints;        /* 补打发票 count */
    int64_t printed;     /* when a first copy left the program; 0 = never */
};

/* Fee types (费用设置) and arrears (欠费): docs/units.md. */
enum kwh_fee_kind {
    KWH_FEE_CARD = 1,    /* 补卡费: the site's reissue fee (settings), not a row */
    KWH_FEE_SALE = 2,    /* with every purchase (服务费) */
    KWH_FEE_MONTHLY = 3, /* once a month, with the first purchase of the month; months
                            without a purchase are due with the next one (物业费) */
};

struct kwh_fee_type {
    int64_t id;
    char name[KWH_NAME_MAX];
    int kind; /* enum kwh_fee_kind */
    int64_t amount_fen;
};

/* A period's total of one tier or one fee type (docs/units.md). */
struct kwh_item_total {
    int item;                /* enum kwh_item_type */
    int64_t ref;             /* the tier's number; the fee type's id (0: the card fee) */
    char name[KWH_NAME_MAX]; /* the fee's name ("" for a tier or the card fee) */
    int64_t count;           /* sales it was in (net of reversed or re-sold ones) */
    int64_t ckwh;            /* a tier's energy */
    int64_t fen;             /* its money */
};

/* One line of an account's arrears history. */
struct kwh_arrears_line {
    int64_t created;
    int64_t fen;   /* > 0 owed more, < 0 recovered or waived */
    char what[16]; /* "entered", "waived", "recovered", "reversed", "carried" (to or from
                      another account on the meter: the reason names it) */
    char reason[KWH_TEXT_MAX];
    char operator_name[KWH_NAME_MAX];
    int64_t invoice_no; /* a recovery's sale */
};

/* What an invoice shows. */
struct kwh_receipt {
    struct kwh_sale sale;
    struct kwh_customer customer;
    char unit_name[KWH_TEXT_MAX];
    char unit_phone[KWH_PHONE_MAX];
};

/* --- name tables ----------------------------------------------------------------------
 *
 * One row per value of an enumeration: its stable English name (command line options
 * and output, logs, CSV), its Chinese name as the manual and the invoices write it
 * (also accepted on input), and the message id of its label for people (shown through
 * kwh_tr, so translated). */
struct kwh_name {
    int id;
    const char *name;  /* "cash" */
    const char *zh;    /* "现金" */
    const char *label; /* message id: "Cash" */
    const char *alias; /* another input spelling, or NULL */
};

extern const struct kwh_name model_pays[KWH_PAY_COUNT];          /* by enum kwh_pay */
extern const struct kwh_name model_meter_types[KWH_METER_TYPES]; /* enum kwh_meter_type */
extern const struct kwh_name model_card_types[KWH_CARD_TYPES];   /* by enum kwh_card_type */

/* The row of id in table t of n rows, or NULL. */
const struct kwh_name *model_name(const struct kwh_name *t, size_t n, int id);
/* The id whose name, Chinese name or alias is s, or -1. */
int model_name_parse(const struct kwh_name *t, size_t n, const char *s);

const char *model_pay_name(int pay);          /* "cash", ...; "?" when unknown */
const char *model_pay_label(int pay);         /* translated: "Cash" / "现金" */
int model_pay_parse(const char *s);           /* -> enum kwh_pay, or -1 */
const char *model_meter_type_name(int type);  /* "single", "ct", "direct" */
const char *model_meter_type_label(int type); /* translated */
int model_meter_type_parse(const char *s);    /* -> enum kwh_meter_type, or -1 */
const char *model_card_type_name(int type);   /* "blank", "user", ... */
const char *model_card_type_label(int type);  /* translated: "User card" / "用户卡" */

/* --- the kinds of operation ---------------------------------------------------------- */

/* What a kind of operation is, and how settling it as done changes its account: the
 * settlement reads these flags, the store receives sets of kinds built from them. */
#define KWH_OPF_PURCHASE 0x001    /* loads energy onto the card: an account's last purchase */
#define KWH_OPF_CARD 0x002        /* writes a card (a card_ops row) */
#define KWH_OPF_ACCOUNT 0x004     /* belongs to an account */
#define KWH_OPF_OPENS 0x010       /* the account opens */
#define KWH_OPF_NEW_CARD 0x020    /* the account's card (serial, generation) is the written one */
#define KWH_OPF_CONSUMED 0x040    /* with 已消费, the lost card's purchase counts as loaded */
#define KWH_OPF_COUNT 0x080       /* the purchase count is the written card's */
#define KWH_OPF_METER 0x100       /* the meter and the balance are the op's (换表) */
#define KWH_OPF_PARAMS 0x200      /* the meter parameters are the op's */
#define KWH_OPF_ADDS 0x400        /* its sales add the energy they load to the balance */
#define KWH_OPF_REPLACEABLE 0x800 /* a 重新售电 may replace it before the meter takes it */
#define KWH_OPF_REPLACES 0x1000   /* its sale replaces the last purchase, whose money returns */

struct kwh_op_info {
    int kind;
    const char *name;  /* stable English: "sale" (KWH_NC "op": a short word for people) */
    const char *zh;    /* the sale type an invoice prints ("日常售电"); "" when none */
    const char *label; /* message id of the label for people: "Daily sale" */
    unsigned flags;    /* KWH_OPF_* */
};

/* The row of kind (a row named "?" with no flags for an unknown kind). */
const struct kwh_op_info *model_op(int kind);
/* The set of kinds that have every flag of flags, as a bit mask (bit k = kind k). */
int64_t model_op_kinds(unsigned flags);

/* The energy a sale loads onto the card: paid + adjustment (调剂) + free allowance. The
 * one definition: the card, the balance and the screens all count it so. */
int64_t model_sale_card_ckwh(const struct kwh_sale *s);

/* Stable English names for logs, CLI and CSV; labels for people come from the UI. */
const char *model_role_name(int role);
int model_role_parse(const char *s);  /* "admin"/"seller" -> role, or 0 */
const char *model_op_name(int kind);  /* "open", "sale", ... */
const char *model_op_label(int kind); /* translated: "Daily sale" / "日常售电" */
const char *model_state_name(int state);
const char *model_status_name(int status);

/* 对账: one entry of the ledger as a statement is matched with it (money.h). */
struct kwh_ledger_entry {
    int64_t id, invoice_no, created;
    uint32_t customer_no;
    char ref[KWH_REF_MAX];
    int64_t fen;   /* the money it took: energy + fees + arrears (negative: paid out) */
    bool reversed; /* a 冲正 took its money back: it counts 0 */
    bool in_range; /* made within the reconciled dates */
};

/* A 冲正 asked for by one operator and decided later by an administrator (money.h). */
enum kwh_revreq_state {
    KWH_REVREQ_WAITING = 0,
    KWH_REVREQ_APPROVED = 1,
    KWH_REVREQ_REJECTED = 2,
};
struct kwh_reversal_request {
    int64_t id;
    int state; /* enum kwh_revreq_state */
    int64_t sale_id, invoice_no;
    uint32_t customer_no;
    char customer_name[KWH_NAME_MAX];
    int64_t sale_fen; /* what the sale took: energy + fees + arrears */
    int sale_pay;     /* how it was paid, as recorded */
    char reason[KWH_TEXT_MAX];
    bool correct;   /* with a correction: */
    int pay_method; /* -1: as recorded */
    char pay_ref[KWH_REF_MAX];
    int64_t amount_fen; /* -1: as recorded */
    int64_t requested_by;
    char requester[KWH_NAME_MAX];
    int64_t requested;
    char decider[KWH_NAME_MAX]; /* "" while waiting */
    int64_t decided;
    int64_t reversal_invoice; /* approved: the reversal's invoice */
    int64_t area_id;          /* the account's area (the operators' scope) */
};

#endif
