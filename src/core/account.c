/* SPDX-License-Identifier: Apache-2.0 */
/* Customer maintenance: find, transfer (M17), close (M18), edit (M19). */
#include <stdio.h>
#include <string.h>

#include "core/vend.h"
#include "kwhpos/util.h"

int account_find(struct kwh_core *c, uint32_t customer_no, uint32_t meter_no,
                 struct kwh_customer *out, struct kwh_err *e)
{
    if (customer_no != 0)
        return store_customer_by_no(c->db, customer_no, out, e);
    if (meter_no != 0)
        return store_customer_by_meter(c->db, meter_no, out, e);
    return kwh_err_set(e, KWH_EINVAL, "enter a customer number or a meter number");
}

static int check_person(const char *name, const char *address, const char *phone, struct kwh_err *e)
{
    if (name == NULL || name[0] == '\0' || !utf8_is_clean_line(name))
        return kwh_err_set(e, KWH_EINVAL, "name: enter one line of text");
    if (strlen(name) >= KWH_TEXT_MAX)
        return kwh_err_set(e, KWH_EINVAL, "name: too long");
    if (address == NULL || !utf8_is_clean_line(address) || strlen(address) >= KWH_ADDR_MAX)
        return kwh_err_set(e, KWH_EINVAL, "address: one line of text, not too long");
    if (phone == NULL || !utf8_is_clean_line(phone) || strlen(phone) >= KWH_PHONE_MAX)
        return kwh_err_set(e, KWH_EINVAL, "phone: one line of text, not too long");
    return 0;
}

/* Writes cu, an event row (ev may be NULL) and an audit record in one transaction. */
static int save(struct kwh_core *c, const struct kwh_session *s, const struct kwh_customer *cu,
                struct store_event *ev, const char *audit_op, const char *before, const char *after,
                struct kwh_err *e)
{
    char subject[32];
    int rc;

    snprintf(subject, sizeof subject, "account %08u", cu->customer_no);
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_customer_update(c->db, cu, e)) < 0 ||
        (ev != NULL && (rc = store_event_insert(c->db, ev, e)) < 0) ||
        (rc = audit_append(c, s->name, audit_op, subject, before, after, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    return store_commit(c->db, e);
}

static void event_init(struct store_event *ev, int kind, const struct kwh_customer *cu,
                       const struct kwh_session *s, int64_t now)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = kind;
    ev->customer_id = cu->id;
    ev->operator_id = s->operator_id;
    ev->created = now;
}

int account_transfer(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                     const char *name, const char *address, const char *phone, struct kwh_err *e)
{
    struct kwh_customer cu;
    struct store_event ev;
    int rc;

    if ((rc = need_operator(s, e)) < 0 || (rc = check_person(name, address, phone, e)) < 0 ||
        (rc = store_customer_by_no(c->db, customer_no, &cu, e)) < 0)
        return rc;
    if (cu.status != KWH_CUST_OPEN)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "account %08u is %s: only an open account can be "
                           "transferred",
                           customer_no, kwh_trc("status", model_status_name(cu.status)));
    event_init(&ev, STORE_EV_TRANSFER, &cu, s, core_now(c));
    snprintf(ev.before, sizeof ev.before, "name=%s address=%s phone=%s", cu.name, cu.address,
             cu.phone);
    snprintf(ev.after, sizeof ev.after, "name=%s address=%s phone=%s", name, address, phone);
    str_copy(cu.name, sizeof cu.name, name);
    str_copy(cu.address, sizeof cu.address, address);
    str_copy(cu.phone, sizeof cu.phone, phone);
    return save(c, s, &cu, &ev, "transfer", ev.before, ev.after, e);
}

int account_close(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no, bool force,
                  struct kwh_err *e)
{
    struct kwh_customer cu;
    struct store_event ev;
    size_t pending;
    int rc;

    if ((rc = need_operator(s, e)) < 0 ||
        (rc = store_customer_by_no(c->db, customer_no, &cu, e)) < 0)
        return rc;
    if (cu.status != KWH_CUST_OPEN && cu.status != KWH_CUST_REFUNDED)
        return kwh_err_set(e, KWH_ECONFLICT, "account %08u is %s", customer_no,
                           kwh_trc("status", model_status_name(cu.status)));
    if ((rc = store_ops_pending_for_customer(c->db, cu.id, &pending, e)) < 0)
        return rc;
    if (pending > 0)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "a card write for account %08u is not settled: "
                           "read its card first",
                           customer_no);
    if (cu.status == KWH_CUST_OPEN && cu.balance_ckwh > 0) {
        if (!force)
            return kwh_err_set(e, KWH_ECONFLICT,
                               "account %08u still has about %lld.%02lld kWh: "
                               "refund it first (制退电卡, 读卡退电), or an administrator may "
                               "force the closing",
                               customer_no, (long long)(cu.balance_ckwh / 100),
                               (long long)(cu.balance_ckwh % 100));
        if ((rc = auth_permit(s, KWH_ACT_CLOSE_FORCE, 0, e)) < 0)
            return rc;
    }
    event_init(&ev, STORE_EV_CLOSE, &cu, s, core_now(c));
    snprintf(ev.before, sizeof ev.before, "status=%s balance=%lld meter=%08u",
             model_status_name(cu.status), (long long)cu.balance_ckwh, cu.meter.meter_no);
    snprintf(ev.after, sizeof ev.after, "status=closed%s", force ? " forced=1" : "");
    cu.status = KWH_CUST_CLOSED;
    cu.closed = core_now(c);
    return save(c, s, &cu, &ev, "close", ev.before, ev.after, e);
}

static bool params_differ(const struct kwh_meter *a, const struct kwh_meter *b)
{
    return a->rating_a != b->rating_a || a->current_limit_a != b->current_limit_a ||
           a->alarm_ckwh != b->alarm_ckwh || a->overdraft_ckwh != b->overdraft_ckwh ||
           a->hoard_ckwh != b->hoard_ckwh || a->ct_ratio != b->ct_ratio;
}

/* The meter parameters go to the card in the reader: same purchase, new parameters. */
static int write_params(struct kwh_core *c, const struct kwh_session *s,
                        const struct kwh_customer *cu, const struct kwh_meter *m, struct kwh_err *e)
{
    struct vend_card v;
    struct kwh_card card;
    struct cardop co;
    int rc;

    if ((rc = vend_load_account_card(c, cu->customer_no, &v, e)) < 0)
        return kwh_err_prefix(e, "the meter parameters are written to the customer's card");
    memset(&co, 0, sizeof co);
    co.op.kind = KWH_OP_EDIT;
    co.op.customer_id = cu->id;
    cardop_expect(&co, cu);
    co.op.has_meter = true;
    co.op.meter = *m;
    memcpy(co.op.serial, v.card.serial, CARD_SERIAL_LEN);
    card = v.card;
    meter_to_params(m, &card.params);
    card.issued = (uint32_t)core_now(c);
    /* a purchase already in the meter must not be offered again; the key lets a
       cleared meter take the card */
    card.flags = CARD_F_KEYX | (vend_purchase_in_meter(&v) ? CARD_F_NO_PURCHASE : 0);
    if ((rc = card_encode(v.img, &card, &c->keys, co.op.new_image, e)) < 0)
        return rc;
    co.audit_op = "edit-meter";
    snprintf(co.audit_subject, sizeof co.audit_subject, "account %08u", cu->customer_no);
    snprintf(co.audit_detail, sizeof co.audit_detail,
             "rating=%d limit=%d alarm=%lld overdraft=%lld hoard=%lld ct=%d", m->rating_a,
             m->current_limit_a, (long long)m->alarm_ckwh, (long long)m->overdraft_ckwh,
             (long long)m->hoard_ckwh, m->ct_ratio);
    return vend_finish(c, s, &co, v.img, NULL, e);
}

int account_edit(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                 const struct kwh_account_req *a, bool *card_written, struct kwh_err *e)
{
    struct kwh_customer cu;
    struct kwh_tariff t;
    struct kwh_meter m = a->meter;
    struct store_event ev;
    int rc;

    if (card_written)
        *card_written = false;
    if ((rc = auth_permit(s, KWH_ACT_EDIT, 0, e)) < 0 ||
        (rc = check_person(a->name, a->address, a->phone, e)) < 0 ||
        (rc = store_customer_by_no(c->db, customer_no, &cu, e)) < 0)
        return rc;
    if (cu.status != KWH_CUST_OPEN)
        return kwh_err_set(e, KWH_ECONFLICT, "account %08u is %s", customer_no,
                           kwh_trc("status", model_status_name(cu.status)));
    if ((rc = store_tariff_get(c->db, a->tariff_id, &t, e)) < 0)
        return kwh_err_prefix(e, "tariff");
    /* the meter itself changes only through 换表 */
    m.meter_no = cu.meter.meter_no;
    m.meter_type = cu.meter.meter_type;
    if (m.ct_ratio == 0)
        m.ct_ratio = 1;
    if ((rc = check_meter(c, &m, e)) < 0)
        return rc;
    if (params_differ(&m, &cu.meter)) {
        if ((rc = write_params(c, s, &cu, &m, e)) < 0)
            return rc;
        if (card_written)
            *card_written = true;
        if ((rc = store_customer_by_no(c->db, customer_no, &cu, e)) < 0)
            return rc;
    }
    if (strcmp(cu.name, a->name) == 0 && strcmp(cu.address, a->address) == 0 &&
        strcmp(cu.phone, a->phone) == 0 && cu.tariff_id == t.id)
        return 0;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.before, sizeof ev.before, "name=%s address=%s phone=%s tariff=%s", cu.name,
             cu.address, cu.phone, cu.tariff_name);
    snprintf(ev.after, sizeof ev.after, "name=%s address=%s phone=%s tariff=%s", a->name,
             a->address, a->phone, t.name);
    str_copy(cu.name, sizeof cu.name, a->name);
    str_copy(cu.address, sizeof cu.address, a->address);
    str_copy(cu.phone, sizeof cu.phone, a->phone);
    cu.tariff_id = t.id;
    /* no event row: edits are not one of the manual's queries; the audit keeps them */
    return save(c, s, &cu, NULL, "edit", ev.before, ev.after, e);
}
