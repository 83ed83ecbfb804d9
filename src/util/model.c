/* SPDX-License-Identifier: Apache-2.0 */
/* Stable English names of the model's enumerations (logs, CLI, CSV). */
#include "kwhpos/model.h"

#include <string.h>

static const char *const pay_names[KWH_PAY_COUNT] = {KWH_NC("pay", "cash"), KWH_NC("pay", "wechat"),
                                                     KWH_NC("pay", "alipay"), KWH_NC("pay", "card"),
                                                     KWH_NC("pay", "other")};

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

const char *model_pay_name(int pay)
{
    return pay >= 0 && pay < KWH_PAY_COUNT ? pay_names[pay] : "?";
}

int model_pay_parse(const char *s)
{
    for (int i = 0; i < KWH_PAY_COUNT; i++)
        if (strcmp(s, pay_names[i]) == 0)
            return i;
    return -1;
}

const char *model_op_name(int kind)
{
    switch (kind) {
    case KWH_OP_OPEN: return KWH_NC("op", "open");
    case KWH_OP_SALE: return KWH_NC("op", "sale");
    case KWH_OP_RESALE: return KWH_NC("op", "resale");
    case KWH_OP_REISSUE: return KWH_NC("op", "reissue");
    case KWH_OP_REFUND_CARD: return KWH_NC("op", "refund-card");
    case KWH_OP_REFUND: return KWH_NC("op", "refund");
    case KWH_OP_METER_CHANGE: return KWH_NC("op", "meter-change");
    case KWH_OP_EDIT: return KWH_NC("op", "edit");
    case KWH_OP_TOOL: return KWH_NC("op", "tool-card");
    case KWH_OP_WIPE: return KWH_NC("op", "wipe");
    }
    return "?";
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
