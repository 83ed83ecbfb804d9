/* SPDX-License-Identifier: Apache-2.0 */
/* A prepaid meter: what it does with a card, with energy, and what it displays
 * (manual section 十二; docs/simulator.md lists every rule). */
#include "meter.h"
#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"

#include <inttypes.h>
#include <string.h>

bool meter_alarm(const struct meter *m)
{
    return m->keyed && m->remaining < (int64_t)m->p.alarm_ckwh;
}

bool meter_relay_closed(const struct meter *m)
{
    return m->relay_open == m->relay_test;
}

int64_t meter_limit_w(const struct meter *m)
{
    int phases = m->type == KWH_METER_SINGLE ? 1 : 3;
    return (int64_t)phases * METER_VOLTS * m->p.current_limit_a;
}

/* Closes the relay if credit (or a released overdraft) allows, opens it otherwise. */
static void settle_relay(struct meter *m)
{
    if (m->trip == METER_TRIP_OVERLOAD || m->trip == METER_TRIP_REFUND) {
        if (m->remaining > 0 && m->trip == METER_TRIP_REFUND)
            m->trip = METER_TRIP_NONE;
        else
            return;
    }
    if (m->remaining > 0) {
        m->relay_open = false;
        m->trip = METER_TRIP_NONE;
        m->overdraft_on = false;
    } else if ((m->overdraft_on || m->managed) && m->remaining > -(int64_t)m->p.overdraft_ckwh) {
        m->relay_open = false;
        m->trip = METER_TRIP_NONE;
    } else {
        m->relay_open = true;
        m->trip = m->overdraft_on || m->remaining < 0 ? METER_TRIP_OVERDRAFT : METER_TRIP_CREDIT;
    }
}

static void apply_params(struct meter *m, const struct kwh_meter_params *p, bool tool)
{
    if (p->current_limit_a > 0)
        m->p.current_limit_a =
            p->current_limit_a <= m->rating_a ? p->current_limit_a : (uint16_t)m->rating_a;
    m->p.alarm_ckwh = p->alarm_ckwh;
    m->p.overdraft_ckwh = p->overdraft_ckwh;
    m->p.hoard_ckwh = p->hoard_ckwh;
    if (m->type == KWH_METER_THREE_CT && p->ct_ratio > 0 && (!tool || p->ct_ratio > 1))
        m->p.ct_ratio = p->ct_ratio;
}

/* The return area the meter writes on every card it can write. */
static void write_return(struct meter *m, struct sim_card *c, const struct kwh_card *card, int code,
                         uint8_t extra, int64_t remaining)
{
    struct kwh_card_return r;

    memset(&r, 0, sizeof r);
    r.meter_no = m->number;
    r.loaded_count = m->count;
    r.status = extra;
    if (card->type == KWH_CARD_USER && card->meter_no == m->number &&
        m->count >= card->purchase_count && (code == KWH_MC_GOOD || code == KWH_MC_EA))
        r.status |= CARD_RS_LOADED;
    if (meter_alarm(m))
        r.status |= CARD_RS_ALARM;
    if (!meter_relay_closed(m))
        r.status |= CARD_RS_TRIPPED;
    if (m->trip == METER_TRIP_OVERLOAD)
        r.status |= CARD_RS_OVERLOAD;
    if (remaining < 0)
        r.status |= CARD_RS_OVERDRAFT;
    r.remaining_ckwh = (int32_t)remaining;
    r.used_ckwh = (uint32_t)m->used;
    r.bought_ckwh = (uint32_t)m->bought;
    r.display = (uint8_t)code;
    r.generation = m->generation;
    /* an insertion takes a moment: each report is later than the one before, as on a
       meter whose clock runs, so the counter can tell the newest report of a card */
    r.time = ++m->clock;
    card_encode_return(m->profile, c->mem, &r, m->keys.mac_key);
}

/* Presents the meter's PSC to the card, as a meter does before writing it. */
static bool present_psc(struct sim_card *c, const uint8_t psc[KWH_PSC_LEN])
{
    if (c->tries <= 0)
        return false;
    if (memcmp(c->psc, psc, KWH_PSC_LEN) != 0) {
        c->tries--;
        return false;
    }
    c->tries = KWH_PSC_TRIES;
    return true;
}

static int user_card(struct meter *m, struct sim_card *c, const struct kwh_card *card,
                     bool learning)
{
    int64_t after;

    if (card->meter_no != m->number)
        return KWH_MC_E5;
    if (card->generation < m->generation)
        return KWH_MC_E1;
    after = m->remaining + (card->flags & CARD_F_NO_PURCHASE ? 0 : (int64_t)card->purchase_ckwh);
    /* M35: the first purchase pays back the factory's pre-charge, the part used before
       the opening included (找补: an adjustment on the opening purchase covers it) */
    if (learning)
        after -= m->preset;
    if (learning) {
        if (after > METER_REGISTER_MAX)
            return KWH_MC_E4;
        if (card->params.hoard_ckwh > 0 && after > (int64_t)card->params.hoard_ckwh)
            return KWH_MC_E8;
        m->keyed = true;
        card_erase_keys(m->profile, c->mem);
    } else if (card->purchase_count == m->count + 1u) {
        if (card->flags & CARD_F_NO_PURCHASE)
            return KWH_MC_E7;
        if (after > METER_REGISTER_MAX)
            return KWH_MC_E4;
        if (card->params.hoard_ckwh > 0 && after > (int64_t)card->params.hoard_ckwh)
            return KWH_MC_E8;
    } else if (card->purchase_count == m->count) {
        if (!(card->flags & CARD_F_NO_PURCHASE)) {
            if (card->generation > m->generation)
                m->generation = card->generation;
            return KWH_MC_EA;
        }
    } else {
        return KWH_MC_E7;
    }
    if (!(card->flags & CARD_F_NO_PURCHASE))
        m->bought += card->purchase_ckwh;
    m->remaining = after;
    if (learning)
        m->preset = 0;
    m->count = card->purchase_count;
    m->generation = card->generation;
    m->managed = false; /* the customer's card sets the limits again */
    apply_params(m, &card->params, false);
    settle_relay(m);
    return KWH_MC_GOOD;
}

int meter_insert(struct meter *m, struct sim_card *c, bool bad_contact)
{
    struct kwh_site_keys keys;
    struct kwh_card u, card;
    uint8_t extra = 0;
    int64_t reported;
    bool learning = false;
    int code;

    m->relay_test = false;
    if (bad_contact)
        return m->display = KWH_MC_E00;
    if (m->damaged)
        return m->display = KWH_MC_E9;
    /* read without keys: what the card says it is */
    if (card_decode(m->profile, c->mem, NULL, &u, NULL) < 0 || u.type == KWH_CARD_BLANK)
        return m->display = KWH_MC_E2;
    if (!m->keyed && u.type == KWH_CARD_CLEAR) {
        /* an un-opened meter has nothing to protect but the factory's pre-charge, which
           is what a clear card before the opening is for (manual 十二.2): it clears
           without a check, and writes nothing back (it has no key to sign with) */
        struct meter fresh;
        meter_init(&fresh, m->number, m->type, m->rating_a, m->constant, m->profile);
        fresh.clock = m->clock;
        *m = fresh;
        return m->display = KWH_MC_GOOD;
    }
    if (m->keyed) {
        keys = m->keys;
    } else {
        /* a meter with no key can take only a user card that brings it */
        if (u.type != KWH_CARD_USER || !(u.flags & CARD_F_KEYX))
            return m->display = KWH_MC_E3;
        if (u.meter_no != m->number)
            return m->display = KWH_MC_E5;
        if (card_take_keys(m->profile, c->mem, m->number, &keys, NULL) < 0)
            return m->display = KWH_MC_E3;
        learning = true;
    }
    if (strcmp(u.area_code, keys.area_code) != 0)
        return m->display = KWH_MC_E6;
    if (card_decode(m->profile, c->mem, &keys, &card, NULL) < 0 || card.type == KWH_CARD_BLANK)
        return m->display = KWH_MC_E3;
    if (!present_psc(c, keys.psc))
        return m->display = KWH_MC_E3;

    if (learning)
        m->keys = keys;
    reported = m->remaining;
    switch (card.type) {
    case KWH_CARD_USER:
        code = user_card(m, c, &card, learning);
        if (learning && code != KWH_MC_GOOD)
            m->keyed = false;
        if (code == KWH_MC_GOOD || code == KWH_MC_EA) {
            /* the customer's card back in: an overload that is gone no longer holds the
             * relay, and a trip at zero credit releases the overdraft */
            if (m->trip == METER_TRIP_OVERLOAD && !m->overload)
                m->trip = METER_TRIP_NONE;
            if (m->relay_open && m->trip == METER_TRIP_CREDIT && m->p.overdraft_ckwh > 0)
                m->overdraft_on = true;
            settle_relay(m);
        }
        reported = m->remaining;
        break;
    case KWH_CARD_REFUND:
        if (card.meter_no != m->number)
            code = KWH_MC_E5;
        else if (card.generation < m->generation)
            code = KWH_MC_E1;
        else if (card.purchase_count != m->count && card.purchase_count != m->count + 1u)
            code = KWH_MC_E7;
        else {
            reported = m->remaining;
            m->remaining = 0;
            m->overdraft_on = false;
            m->relay_open = true;
            m->trip = METER_TRIP_REFUND;
            extra = CARD_RS_REFUNDED;
            code = KWH_MC_GOOD;
        }
        break;
    case KWH_CARD_MANAGEMENT:
        apply_params(m, &card.params, true);
        m->managed = true;
        if (m->trip != METER_TRIP_OVERLOAD)
            settle_relay(m);
        reported = m->remaining;
        code = KWH_MC_GOOD;
        break;
    case KWH_CARD_CLEAR: {
        struct meter fresh;
        meter_init(&fresh, m->number, m->type, m->rating_a, m->constant, m->profile);
        fresh.clock = m->clock;
        fresh.keys = m->keys; /* kept only to sign this card's return area */
        *m = fresh;
        reported = 0;
        code = KWH_MC_GOOD;
        break;
    }
    case KWH_CARD_RELAY:
        m->relay_test = true;
        code = KWH_MC_GOOD;
        break;
    case KWH_CARD_TEST:
        m->test_mode = !m->test_mode;
        code = KWH_MC_GOOD;
        break;
    default: code = KWH_MC_E2; break;
    }
    if (m->keyed || card.type == KWH_CARD_CLEAR || learning)
        write_return(m, c, &card, code, extra, reported);
    if (card.type == KWH_CARD_CLEAR)
        memset(&m->keys, 0, sizeof m->keys);
    return m->display = code;
}

void meter_use(struct meter *m, int64_t measured_ckwh, int64_t power_w, int64_t seconds, FILE *out)
{
    int64_t ct = m->type == KWH_METER_THREE_CT ? m->p.ct_ratio : 1;
    int64_t want = measured_ckwh * ct, floor, room, used;

    m->relay_test = false;
    m->clock += (uint32_t)seconds;
    if (power_w > 0)
        m->power_w = power_w * ct;
    if (!meter_relay_closed(m)) {
        m->power_w = 0;
        fprintf(out, "the relay is open (%s): no energy used\n",
                m->trip == METER_TRIP_OVERLOAD ? "过载拉闸 overload" : "拉闸 trip");
        return;
    }
    if (m->overload || (m->power_w > 0 && m->power_w > meter_limit_w(m))) {
        m->relay_open = true;
        m->trip = METER_TRIP_OVERLOAD;
        fprintf(out,
                "过载拉闸 overload trip: %" PRId64 " W over the %" PRId64 " W limit; no "
                "energy used\n",
                m->power_w, meter_limit_w(m));
        m->power_w = 0;
        return;
    }
    if (m->test_mode) {
        fprintf(out, "test mode: %" PRId64 ".%02" PRId64 " kWh measured, not charged\n", want / 100,
                want % 100);
        return;
    }
    floor = m->overdraft_on || m->managed ? -(int64_t)m->p.overdraft_ckwh : 0;
    room = m->remaining - floor;
    used = want < room ? want : room;
    if (used < 0)
        used = 0;
    m->remaining -= used;
    m->used += used;
    fprintf(out, "used %" PRId64 ".%02" PRId64 " kWh\n", used / 100, used % 100);
    if (m->remaining <= floor) {
        m->relay_open = true;
        m->power_w = 0;
        m->trip = floor < 0 ? METER_TRIP_OVERDRAFT : METER_TRIP_CREDIT;
        fprintf(out, "%s\n",
                floor < 0 ? "拉闸 trip: the overdraft is used up, buy electricity"
                : m->p.overdraft_ckwh > 0
                    ? "拉闸 trip: no credit; insert the card again to use the overdraft"
                    : "拉闸 trip: no credit, buy electricity");
    }
}

/* x.x kWh with one decimal, truncated toward zero like the meter's display. */
static void kwh1(char *buf, size_t n, int64_t ckwh)
{
    int64_t t = ckwh / 10;
    snprintf(buf, n, "%s%" PRId64 ".%" PRId64, ckwh < 0 && t == 0 ? "-" : "", t / 10,
             (t < 0 ? -t : t) % 10);
}

void meter_show(const struct meter *m, FILE *out)
{
    char rem[32];
    const char *state;

    kwh1(rem, sizeof rem, m->remaining);
    if (m->damaged)
        state = "E9 存贮器校验错 memory checksum error";
    else if (!meter_relay_closed(m) && m->trip == METER_TRIP_OVERLOAD)
        state = "过载拉闸 overload trip";
    else if (!meter_relay_closed(m) && !m->relay_test)
        state = "拉闸 trip (no credit)";
    else if (m->relay_test)
        state = "relay test (继电器卡): relay flipped until the next action";
    else if (meter_alarm(m))
        state = "alarm: remaining below the alarm level (flashing)";
    else
        state = "normal";
    fprintf(out, "remaining    %s kWh%s  剩余电量\n", rem, meter_alarm(m) ? " (flashing)" : "");
    fprintf(out, "used         %" PRId64 ".%02" PRId64 " kWh  总用电量\n", m->used / 100,
            m->used % 100);
    fprintf(out, "bought       %" PRId64 " kWh  总购电量\n", m->bought / 100);
    fprintf(out, "limit        %" PRIu32 " kWh  限电量 (hoard)\n", m->p.hoard_ckwh / 100);
    fprintf(out, "alarm        %" PRIu32 " kWh  报警电量\n", m->p.alarm_ckwh / 100);
    fprintf(out, "overdraft    %" PRIu32 " kWh  透支电量\n", m->p.overdraft_ckwh / 100);
    fprintf(out, "constant     C=%d  电表常数\n", m->constant);
    fprintf(out, "power        P=%" PRId64 ".%02" PRId64 " kW  当前功率\n", m->power_w / 1000,
            (m->power_w % 1000) / 10);
    fprintf(out, "power-limit  P=%" PRId64 ".%02" PRId64 " kW  限电功率\n", meter_limit_w(m) / 1000,
            (meter_limit_w(m) % 1000) / 10);
    fprintf(out, "number       n%08" PRIu32 "  表号\n", m->number);
    fprintf(out, "version      %s  版本号\n", METER_VERSION);
    fprintf(out, "type         %s, %d A, CT ratio %u\n", meter_type_zh(m->type), m->rating_a,
            m->p.ct_ratio);
    fprintf(out, "opened       %s\n", m->keyed ? "yes" : "no (un-opened: waiting for a user card)");
    fprintf(out, "layout       %s  (the cards it reads)\n", m->profile->id);
    fprintf(out, "count        %u  购电次数\n", m->count);
    fprintf(out, "generation   %u\n", m->generation);
    fprintf(out, "relay        %s\n", meter_relay_closed(m) ? "closed" : "open");
    fprintf(out, "test-mode    %s\n", m->test_mode ? "on" : "off");
    fprintf(out, "last         %s\n", m->display < 0 ? "-" : meter_code_name(m->display));
    fprintf(out, "state        %s\n", state);
}
