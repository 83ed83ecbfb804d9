/* SPDX-License-Identifier: Apache-2.0 */
/* The card as read: the one place that reads the card for an operation (the device,
 * then the pending writes it settles, then the meter's report it carries), and the
 * verification of a card image against the database that every plan repeats. */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/oversight.h"
#include "kwhpos/query.h"
#include "kwhpos/util.h"
#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "store/store.h"

int cardview_last_purchase(struct kwh_core *c, int64_t customer_id, struct kwh_sale *out,
                           bool *found, struct kwh_err *e)
{
    int64_t before = INT64_MAX, kinds = model_op_kinds(KWH_OPF_PURCHASE);
    int rc;

    *found = false;
    while ((rc = store_sale_last_of_kinds(c->db, customer_id, kinds, before, out, e)) == 0) {
        if (model_sale_card_ckwh(out) > 0) {
            *found = true;
            return 0;
        }
        before = out->id;
    }
    if (rc == KWH_ENOTFOUND) {
        kwh_err_clear(e);
        return 0;
    }
    return rc;
}

/* A card on the blacklist (lost, or replaced by a reissue) is refused, naming its account
 * and when. */
static int refuse_marked(struct kwh_core *c, struct seen_card *v, struct kwh_err *e)
{
    char when[24], replaced[24];
    int rc = store_card_mark_get(c->db, v->card.serial, &v->mark, NULL);

    if (rc == KWH_ENOTFOUND)
        return 0;
    if (rc < 0)
        return store_card_mark_get(c->db, v->card.serial, &v->mark, e);
    v->marked = true;
    period_format_time(v->mark.marked, when, sizeof when);
    period_format_time(v->mark.replaced, replaced, sizeof replaced);
    if (v->mark.reason == KWH_MARK_LOST && v->mark.replaced == 0)
        return kwh_err_set(
            e, KWH_ECARD,
            "this card of account %08u (%s) was reported lost on %s: it is "
            "refused; if it was found, an administrator takes it off the list (kwhpos "
            "card found), else issue a new card (补卡)",
            v->mark.customer_no, v->mark.customer_name, when);
    if (v->mark.reason == KWH_MARK_LOST)
        return kwh_err_set(e, KWH_ECARD,
                           "this card of account %08u (%s) was reported lost on %s and replaced "
                           "by a reissued card (补卡) on %s: it is refused; wipe it with 读卡清卡",
                           v->mark.customer_no, v->mark.customer_name, when, replaced);
    return kwh_err_set(e, KWH_ECARD,
                       "this is an old card of account %08u (%s), replaced by a reissued card "
                       "(补卡) on %s: it no longer works; wipe it with 读卡清卡",
                       v->mark.customer_no, v->mark.customer_name, replaced);
}

/* A card restored from a copy: its own meter's report on it is older than one the counter
 * already saw on this account (an earlier purchase count, an earlier meter clock). The
 * copy would pass for a card whose last purchase never reached the meter, and a re-sale
 * would pay back energy the meter already has. */
static int refuse_rolled_back(struct seen_card *v, struct kwh_err *e)
{
    const struct kwh_card_return *r = &v->card.ret;
    char seen[24];

    if (!r->valid || r->meter_no != v->card.meter_no || v->cust.reported_at <= 0 ||
        (int64_t)r->time >= v->cust.reported_at || (int)r->loaded_count >= v->cust.loaded_count)
        return 0;
    period_format_time(v->cust.reported_at, seen, sizeof seen);
    v->copy = true;
    return kwh_err_set(e, KWH_ECARD,
                       "this card of account %08u is an old copy: its meter report (the meter at "
                       "purchase %u) is older than the one the counter saw on %s (purchase %d "
                       "loaded): the card was restored from a copy and is refused",
                       v->cust.customer_no, (unsigned)r->loaded_count, seen, v->cust.loaded_count);
}

int cardview_check(struct kwh_core *c, const uint8_t img[KWH_CARD_SIZE], struct seen_card *v,
                   struct kwh_err *e)
{
    struct store_op last;
    uint8_t record[CARD_RECORD_LEN];
    int rc;

    memset(v, 0, sizeof *v);
    memcpy(v->img, img, KWH_CARD_SIZE);
    if ((rc = card_decode(c->profile, v->img, &c->keys, &v->card, e)) < 0)
        return rc;
    v->decoded = true;
    if (v->card.rest_damaged)
        return kwh_err_set(e, KWH_ECARD,
                           "%s outside its current record: the card was "
                           "altered and is refused",
                           v->card.rest_problem);
    if (v->card.type != KWH_CARD_USER && v->card.type != KWH_CARD_REFUND)
        return 0;
    if ((rc = refuse_marked(c, v, e)) < 0)
        return rc;
    rc = store_customer_by_serial(c->db, v->card.serial, &v->cust, e);
    if (rc == KWH_ENOTFOUND) {
        struct kwh_customer other;
        if (store_customer_by_no(c->db, v->card.customer_no, &other, NULL) == 0)
            return kwh_err_set(e, KWH_ECARD,
                               "this is an old card of account %08u, replaced "
                               "by a reissued card (补卡); it no longer works: wipe it with "
                               "读卡清卡",
                               other.customer_no);
        return kwh_err_set(e, KWH_ECARD,
                           "this card (account %08u) is not in this database: "
                           "is it the right site or an older backup?",
                           v->card.customer_no);
    }
    if (rc < 0 || (rc = account_price_now(c, &v->cust, e)) < 0)
        return rc;
    if (v->cust.customer_no != v->card.customer_no || v->cust.meter.meter_no != v->card.meter_no)
        return kwh_err_set(e, KWH_ECARD,
                           "the card says account %08u meter %08u but the "
                           "database has account %08u meter %08u for it: refused",
                           v->card.customer_no, v->card.meter_no, v->cust.customer_no,
                           v->cust.meter.meter_no);
    v->has_cust = true;
    /* the card must show exactly the last record written to it */
    if ((rc = store_op_last_done_for_customer(c->db, v->cust.id, &last, e)) < 0)
        return rc;
    card_record(c->profile, v->img, true, record);
    if (memcmp(record, last.slot, CARD_RECORD_LEN) != 0)
        return kwh_err_set(e, KWH_ECARD,
                           "the card does not show the last record written "
                           "to it (op #%lld): it was altered or rolled back, and is "
                           "refused",
                           (long long)last.id);
    if ((rc = refuse_rolled_back(v, e)) < 0)
        return rc;
    return cardview_last_purchase(c, v->cust.id, &v->last_sale, &v->has_last_sale, e);
}

bool cardview_meter_refused(const struct seen_card *v)
{
    const struct kwh_card_return *r = &v->card.ret;
    return v->card.type == KWH_CARD_USER && r->valid && r->meter_no == v->card.meter_no &&
           r->display != KWH_MC_GOOD && r->display != KWH_MC_EA &&
           r->loaded_count < v->card.purchase_count;
}

void cardview_refusal(const struct seen_card *v, char *buf, size_t n)
{
    const struct kwh_card_return *r = &v->card.ret;

    if (!cardview_meter_refused(v)) {
        str_copy(buf, n, "");
    } else if (r->display == KWH_MC_E7 && (v->card.flags & CARD_F_NO_PURCHASE) &&
               r->loaded_count + 1u == v->card.purchase_count) {
        snprintf(buf, n,
                 kwh_tr("meter %08u refused this card (E7, purchase count): the meter is at "
                        "purchase %u, so purchase %u never reached it, although the reissue "
                        "said it had (已消费): reissue the card again, with 未消费"),
                 r->meter_no, r->loaded_count, v->card.purchase_count);
    } else if (r->display == KWH_MC_E7) {
        snprintf(buf, n,
                 kwh_tr("meter %08u refused this card (E7, purchase count): the meter is at "
                        "purchase %u, the card at %u: reissue the card saying whether the last "
                        "purchase reached the meter"),
                 r->meter_no, r->loaded_count, v->card.purchase_count);
    } else if (r->display == KWH_MC_E4 || r->display == KWH_MC_E8) {
        snprintf(buf, n,
                 kwh_tr("meter %08u refused this card (%s, more than it can hold): the purchase "
                        "is not in the meter; replace it with 重新售电 with less energy"),
                 r->meter_no, meter_code_name(r->display));
    } else {
        snprintf(buf, n, kwh_tr("meter %08u refused this card (%s): the purchase is not in it"),
                 r->meter_no, meter_code_name(r->display));
    }
}

bool cardview_purchase_in_meter(const struct seen_card *v)
{
    if (cardview_meter_refused(v))
        return false;
    if (card_purchase_loaded(&v->card))
        return true;
    /* a report the ledger took from the card earlier, before anything wrote over it */
    return v->has_cust && v->card.purchase_count > 0 &&
           v->cust.loaded_count >= (int)v->card.purchase_count;
}

bool cardview_report_unknown(const struct seen_card *v)
{
    return v->card.ret.damaged || (v->card.ret.valid && v->card.ret.meter_no != v->card.meter_no);
}

/* The meter's report on the card updates the account's estimate of what it holds. */
static int note_meter_report(struct kwh_core *c, struct seen_card *v, struct kwh_err *e)
{
    const struct kwh_card_return *r = &v->card.ret;
    struct kwh_customer cu = v->cust;
    char before[96], after[96], subject[32];
    int rc;

    if (!r->valid || r->meter_no != v->card.meter_no || (int64_t)r->time <= cu.reported_at ||
        v->cust.status != KWH_CUST_OPEN)
        return 0;
    cu.loaded_count = r->loaded_count;
    cu.reported_remaining_ckwh = r->remaining_ckwh;
    cu.reported_at = r->time;
    cu.balance_ckwh = r->remaining_ckwh;
    /* the purchase the meter has not loaded is still the customer's: also on a reissued
       card marked 已消费 whose meter answered E7 because it never had it */
    if (r->loaded_count < v->card.purchase_count)
        cu.balance_ckwh += v->card.purchase_ckwh;
    snprintf(subject, sizeof subject, "%08u", cu.customer_no);
    snprintf(before, sizeof before, "balance=%lld loaded=%d", (long long)v->cust.balance_ckwh,
             v->cust.loaded_count);
    snprintf(after, sizeof after, "balance=%lld loaded=%d remaining=%lld",
             (long long)cu.balance_ckwh, cu.loaded_count, (long long)cu.reported_remaining_ckwh);
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_customer_update(c->db, &cu,
                                    STORE_CU_LOADED | STORE_CU_REPORT | STORE_CU_BALANCE, e)) < 0 ||
        (rc = audit_append(c, "meter", "meter-report", subject, before, after, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    if ((rc = store_commit(c->db, e)) < 0)
        return rc;
    v->cust = cu;
    return 0;
}

/* Reads the card, settles the writes pending on it, verifies it, notes its report. */
static int load(struct kwh_core *c, struct seen_card *v, struct kwh_card_view *out,
                struct kwh_err *e)
{
    char notice[KWH_ERR_MSG] = "";
    int rc, tries;

    if ((rc = cardio_read(c, v->img, e)) < 0)
        return rc;
    /* the error counter, for the anomaly report (below 3: wrong PSCs were tried since
       the card's last good one); a reader that cannot tell leaves it unknown */
    if (cardio_psc_tries(c, &tries, NULL) < 0 || tries < 0 || tries > 3)
        tries = -1;
    memcpy(out->img, v->img, KWH_CARD_SIZE);
    if ((rc = card_decode(c->profile, v->img, &c->keys, &v->card, e)) < 0)
        return rc;
    v->decoded = true;
    rc = settle_reconcile(c, v->img, &out->settled_done, &out->settled_void, notice, sizeof notice,
                          e);
    str_copy(out->notice, sizeof out->notice, notice);
    memcpy(out->img, v->img, KWH_CARD_SIZE);
    if (rc < 0)
        return rc;
    rc = cardview_check(c, out->img, v, e);
    v->psc_tries = tries; /* the check starts v afresh */
    if (rc < 0)
        return rc;
    if (v->has_cust)
        return note_meter_report(c, v, e);
    return 0;
}

/* What the read saw, kept for the anomaly reports (a site's user and refund cards,
 * refused ones too: a copy shows in what it carried). Nothing is refused for it. */
static void note_seen(struct kwh_core *c, const struct kwh_session *s, const struct seen_card *v)
{
    struct store_seen r;
    const struct kwh_card_return *ret = &v->card.ret;

    if (!v->decoded || (v->card.type != KWH_CARD_USER && v->card.type != KWH_CARD_REFUND))
        return;
    memset(&r, 0, sizeof r);
    memcpy(r.serial, v->card.serial, sizeof r.serial);
    r.customer_id = v->has_cust ? v->cust.id : 0;
    r.seen = core_now(c);
    r.purchase_count = v->card.purchase_count;
    r.generation = v->card.generation;
    card_record(c->profile, v->img, true, r.slot);
    if (ret->valid) {
        r.ret_meter = ret->meter_no;
        r.ret_count = ret->loaded_count;
        r.ret_time = ret->time;
        r.ret_used = ret->used_ckwh;
        r.ret_bought = ret->bought_ckwh;
        r.ret_display = ret->display;
    }
    r.psc_tries = v->psc_tries;
    r.operator_id = s->operator_id;
    if (store_begin(c->db, NULL) < 0)
        return;
    if (store_card_seen_add(c->db, &r, NULL) < 0) {
        store_rollback(c->db);
        return;
    }
    store_commit(c->db, NULL);
}

/* A refused card presented at the counter is audited (and counted on the blacklist). */
static void note_refusal(struct kwh_core *c, const struct kwh_session *s, const struct seen_card *v,
                         const char *why)
{
    char subject[64];

    snprintf(subject, sizeof subject, "card %02x%02x%02x%02x%02x%02x", v->card.serial[0],
             v->card.serial[1], v->card.serial[2], v->card.serial[3], v->card.serial[4],
             v->card.serial[5]);
    if (store_begin(c->db, NULL) < 0)
        return;
    if ((v->marked && store_card_mark_attempt(c->db, v->card.serial, core_now(c), NULL) < 0) ||
        audit_append(c, s->name, "card-refused", subject, "", why, NULL) < 0) {
        store_rollback(c->db);
        return;
    }
    store_commit(c->db, NULL);
}

int cardview_read(struct kwh_core *c, const struct kwh_session *s, struct kwh_card_view *out,
                  struct kwh_err *e)
{
    struct seen_card v;
    struct kwh_err why;
    int rc;

    memset(out, 0, sizeof *out);
    memset(&v, 0, sizeof v);
    v.psc_tries = -1;
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    kwh_err_clear(&why);
    rc = load(c, &v, out, &why);
    if (rc == 0 || rc == KWH_ECARD)
        note_seen(c, s, &v);
    /* the scope rule: an account outside the operator's areas is not shown */
    if (rc == 0 && v.has_cust && (rc = scope_permit(c, s, v.cust.area_id, &why)) < 0) {
        if (e)
            *e = why;
        memset(out, 0, sizeof *out);
        return rc;
    }
    if (rc == 0) {
        out->ours = true;
        out->card = v.card;
        out->blank = v.card.type == KWH_CARD_BLANK;
        out->has_customer = v.has_cust;
        out->customer = v.cust;
        out->purchase_loaded = cardview_purchase_in_meter(&v);
        out->meter_refused = v.has_cust && cardview_meter_refused(&v);
        cardview_refusal(&v, out->refusal, sizeof out->refusal);
        out->has_last_sale = v.has_last_sale;
        out->last_sale = v.last_sale;
        return 0;
    }
    if (e)
        *e = why;
    if (rc == KWH_ECARD && (v.marked || v.copy))
        note_refusal(c, s, &v, why.msg);
    if (rc != KWH_ECARD)
        return rc;
    /* refused: describe what it says, without trusting it */
    str_copy(out->problem, sizeof out->problem, why.msg);
    if (card_decode(c->profile, out->img, NULL, &out->card, NULL) < 0)
        memset(&out->card, 0, sizeof out->card);
    if (v.has_cust) {
        out->has_customer = true;
        out->customer = v.cust;
    }
    return rc;
}
