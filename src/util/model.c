/* Stable English names of the model's enumerations (logs, CLI, CSV). */
#include "kwhpos/model.h"

#include <string.h>

static const char *const pay_names[KWH_PAY_COUNT] = {"cash", "wechat", "alipay", "card",
                                                     "other"};

const char *model_role_name(int role)
{
    return role == KWH_ROLE_ADMIN ? "admin" : role == KWH_ROLE_SELLER ? "seller" : "?";
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
    case KWH_OP_OPEN: return "open";
    case KWH_OP_SALE: return "sale";
    case KWH_OP_RESALE: return "resale";
    case KWH_OP_REISSUE: return "reissue";
    case KWH_OP_REFUND_CARD: return "refund-card";
    case KWH_OP_REFUND: return "refund";
    case KWH_OP_METER_CHANGE: return "meter-change";
    case KWH_OP_EDIT: return "edit";
    case KWH_OP_TOOL: return "tool-card";
    case KWH_OP_WIPE: return "wipe";
    }
    return "?";
}

const char *model_state_name(int state)
{
    switch (state) {
    case KWH_STATE_PENDING: return "pending";
    case KWH_STATE_DONE: return "done";
    case KWH_STATE_VOID: return "void";
    case KWH_STATE_CANCELLED: return "cancelled";
    }
    return "?";
}

const char *model_status_name(int status)
{
    switch (status) {
    case KWH_CUST_PENDING: return "pending";
    case KWH_CUST_OPEN: return "open";
    case KWH_CUST_REFUNDED: return "refunded";
    case KWH_CUST_CLOSED: return "closed";
    case KWH_CUST_VOID: return "void";
    }
    return "?";
}
