/* SPDX-License-Identifier: Apache-2.0 */
/* The model's tables: the names of its enumerations (stable English for logs, CLI and
 * CSV; Chinese as the manual and the invoices write them; labels for people) and the
 * table of the kinds of operation. */
#include "kwhpos/model.h"

#include <string.h>

#include "kwhpos/err.h"

const struct kwh_name model_pays[KWH_PAY_COUNT] = {
    {KWH_PAY_CASH, "cash", "现金", KWH_N("Cash"), NULL},
    {KWH_PAY_WECHAT, "wechat", "微信", KWH_N("WeChat"), NULL},
    {KWH_PAY_ALIPAY, "alipay", "支付宝", KWH_N("Alipay"), NULL},
    {KWH_PAY_CARD, "card", "银行卡", KWH_N("Bank card"), NULL},
    {KWH_PAY_OTHER, "other", "其他", KWH_N("Other"), NULL},
    {KWH_PAY_TRANSFER, "transfer", "银行转账", KWH_N("Bank transfer"), NULL},
};

const struct kwh_name model_meter_types[KWH_METER_TYPES] = {
    {KWH_METER_SINGLE, "single", "单相", KWH_N("Single-phase"), "single-phase"},
    {KWH_METER_THREE_CT, "ct", "三相互感", KWH_N("3-phase CT"), "three-ct"},
    {KWH_METER_THREE_DIRECT, "direct", "三相直通", KWH_N("3-phase direct"), "three-direct"},
};

const struct kwh_name model_card_types[KWH_CARD_TYPES] = {
    {KWH_CARD_BLANK, KWH_NC("card", "blank"), "空白卡", KWH_N("Blank card"), NULL},
    {KWH_CARD_USER, KWH_NC("card", "user"), "用户卡", KWH_N("User card"), NULL},
    {KWH_CARD_REFUND, KWH_NC("card", "refund"), "退电卡", KWH_N("Refund card"), NULL},
    {KWH_CARD_MANAGEMENT, KWH_NC("card", "management"), "管理卡", KWH_N("Management card"), NULL},
    {KWH_CARD_CLEAR, KWH_NC("card", "clear"), "清零卡", KWH_N("Clear card"), NULL},
    {KWH_CARD_RELAY, KWH_NC("card", "relay"), "继电器卡", KWH_N("Relay card"), NULL},
    {KWH_CARD_TEST, KWH_NC("card", "test"), "测试卡", KWH_N("Test card"), NULL},
};

/* The account's columns each kind changes when it settles are its flags; the sale types
 * are what invoices print. */
#define PURCHASE_OP (KWH_OPF_PURCHASE | KWH_OPF_CARD | KWH_OPF_ACCOUNT)
static const struct kwh_op_info ops[KWH_OP_KINDS] = {
    {0, "?", "", "?", 0},
    {KWH_OP_OPEN, KWH_NC("op", "open"), "开户购电", KWH_N("Account opening"),
     PURCHASE_OP | KWH_OPF_OPENS | KWH_OPF_NEW_CARD | KWH_OPF_COUNT | KWH_OPF_ADDS |
         KWH_OPF_REPLACEABLE},
    {KWH_OP_SALE, KWH_NC("op", "sale"), "日常售电", KWH_N("Daily sale"),
     PURCHASE_OP | KWH_OPF_COUNT | KWH_OPF_ADDS | KWH_OPF_REPLACEABLE},
    {KWH_OP_RESALE, KWH_NC("op", "resale"), "重新售电", KWH_N("Re-sale"),
     PURCHASE_OP | KWH_OPF_COUNT | KWH_OPF_ADDS | KWH_OPF_REPLACEABLE | KWH_OPF_REPLACES},
    {KWH_OP_REISSUE, KWH_NC("op", "reissue"), "补卡售电", KWH_N("Card reissue"),
     PURCHASE_OP | KWH_OPF_NEW_CARD | KWH_OPF_CONSUMED | KWH_OPF_COUNT | KWH_OPF_ADDS},
    {KWH_OP_REFUND_CARD, KWH_NC("op", "refund-card"), "", KWH_N("Refund card issued"),
     KWH_OPF_CARD | KWH_OPF_ACCOUNT},
    {KWH_OP_REFUND, KWH_NC("op", "refund"), "退电", KWH_N("Refund"), KWH_OPF_ACCOUNT},
    {KWH_OP_METER_CHANGE, KWH_NC("op", "meter-change"), "换表购电", KWH_N("Meter change"),
     PURCHASE_OP | KWH_OPF_METER | KWH_OPF_COUNT},
    {KWH_OP_EDIT, KWH_NC("op", "edit"), "", KWH_N("Customer edit"),
     KWH_OPF_CARD | KWH_OPF_ACCOUNT | KWH_OPF_PARAMS},
    {KWH_OP_TOOL, KWH_NC("op", "tool-card"), "", KWH_N("Tool card"), KWH_OPF_CARD},
    {KWH_OP_WIPE, KWH_NC("op", "wipe"), "", KWH_N("Card wipe"), KWH_OPF_CARD},
    /* a reversal that takes the energy back writes the card: its count and the energy
       it takes off (a negative purchase) settle as a re-sale's do */
    {KWH_OP_REVERSAL, KWH_NC("op", "reversal"), "冲正", KWH_N("Reversal"),
     KWH_OPF_ACCOUNT | KWH_OPF_COUNT | KWH_OPF_ADDS},
};

const struct kwh_name *model_name(const struct kwh_name *t, size_t n, int id)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].id == id)
            return &t[i];
    return NULL;
}

int model_name_parse(const struct kwh_name *t, size_t n, const char *s)
{
    if (s == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, t[i].name) == 0 || strcmp(s, t[i].zh) == 0 ||
            (t[i].alias != NULL && strcmp(s, t[i].alias) == 0))
            return t[i].id;
    return -1;
}

static const char *name_of(const struct kwh_name *t, size_t n, int id)
{
    const struct kwh_name *r = model_name(t, n, id);
    return r ? r->name : "?";
}

static const char *label_of(const struct kwh_name *t, size_t n, int id)
{
    const struct kwh_name *r = model_name(t, n, id);
    return r ? kwh_tr(r->label) : "?";
}

const char *model_pay_name(int pay)
{
    return name_of(model_pays, KWH_PAY_COUNT, pay);
}

const char *model_pay_label(int pay)
{
    return label_of(model_pays, KWH_PAY_COUNT, pay);
}

int model_pay_parse(const char *s)
{
    return model_name_parse(model_pays, KWH_PAY_COUNT, s);
}

const char *model_meter_type_name(int type)
{
    return name_of(model_meter_types, KWH_METER_TYPES, type);
}

const char *model_meter_type_label(int type)
{
    return label_of(model_meter_types, KWH_METER_TYPES, type);
}

int model_meter_type_parse(const char *s)
{
    return model_name_parse(model_meter_types, KWH_METER_TYPES, s);
}

const char *model_card_type_name(int type)
{
    return name_of(model_card_types, KWH_CARD_TYPES, type);
}

const char *model_card_type_label(int type)
{
    return label_of(model_card_types, KWH_CARD_TYPES, type);
}

const struct kwh_op_info *model_op(int kind)
{
    return kind > 0 && kind < KWH_OP_KINDS ? &ops[kind] : &ops[0];
}

int64_t model_op_kinds(unsigned flags)
{
    int64_t set = 0;
    for (int k = 1; k < KWH_OP_KINDS; k++)
        if ((ops[k].flags & flags) == flags)
            set |= (int64_t)1 << k;
    return set;
}

const char *model_op_name(int kind)
{
    return model_op(kind)->name;
}

const char *model_op_label(int kind)
{
    return kind > 0 && kind < KWH_OP_KINDS ? kwh_tr(ops[kind].label) : "?";
}

int64_t model_sale_card_ckwh(const struct kwh_sale *s)
{
    return s->energy_ckwh + s->adjust_ckwh + s->free_ckwh;
}

const char *model_role_name(int role)
{
    return role == KWH_ROLE_ADMIN    ? KWH_NC("role", "admin")
           : role == KWH_ROLE_SELLER ? KWH_NC("role", "seller")
                                     : "?";
}

int model_role_parse(const char *s)
{
    if (strcmp(s, "admin") == 0)
        return KWH_ROLE_ADMIN;
    if (strcmp(s, "seller") == 0)
        return KWH_ROLE_SELLER;
    return 0;
}

const char *model_state_name(int state)
{
    switch (state) {
    case KWH_STATE_PENDING: return KWH_NC("state", "pending");
    case KWH_STATE_DONE: return KWH_NC("state", "done");
    case KWH_STATE_VOID: return KWH_NC("state", "void");
    case KWH_STATE_CANCELLED: return KWH_NC("state", "cancelled");
    }
    return "?";
}

const char *model_status_name(int status)
{
    switch (status) {
    case KWH_CUST_PENDING: return KWH_NC("status", "pending");
    case KWH_CUST_OPEN: return KWH_NC("status", "open");
    case KWH_CUST_REFUNDED: return KWH_NC("status", "refunded");
    case KWH_CUST_CLOSED: return KWH_NC("status", "closed");
    case KWH_CUST_VOID: return KWH_NC("status", "void");
    }
    return "?";
}
