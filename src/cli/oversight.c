/* SPDX-License-Identifier: Apache-2.0 */
/* Oversight commands: the area tree and the operators' scope (SPEC B10), the card
 * blacklist (B13), the customer search and the per-area breakdown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/report.h"
#include "kwhpos/core.h"
#include "kwhpos/oversight.h"
#include "kwhpos/query.h"
#include "kwhpos/util.h"

int cli_area(struct cli *c, const char *text, int64_t *id)
{
    struct kwh_area ar;
    struct kwh_err e;
    if (text == NULL || cli_open_core(c, &e) < 0)
        return text == NULL ? cli_usage(c, "give an area: its names from the top, e.g. 园区A/1栋, "
                                           "or #ID (kwhpos area list)")
                            : cli_fail(c, &e);
    if (area_find(c->core, text, &ar, &e) < 0)
        return cli_fail(c, &e);
    *id = ar.id;
    return 0;
}

int cli_area_opt(struct cli *c, const struct cli_args *a, bool *on, int64_t *id)
{
    const char *v = cli_str(a, "in");
    *on = v != NULL;
    if (v == NULL)
        return 0;
    if (v[0] == '\0')
        return cli_usage(c, "--in: give an area, e.g. 园区A/1栋 or #ID (kwhpos area list)");
    return cli_area(c, v, id);
}

static struct kwh_area *titles;
static size_t ntitles;
static bool titles_read;

const char *cli_area_title(struct cli *c, int64_t id)
{
    struct kwh_err e;
    if (!titles_read) {
        titles_read = true;
        if (area_list(c->core, &c->session, &titles, &ntitles, &e) < 0)
            ntitles = 0;
    }
    for (size_t i = 0; i < ntitles; i++)
        if (titles[i].id == id)
            return titles[i].depth == 0 ? "" : titles[i].title;
    return "";
}

/* The one positional word: the area the command acts on. */
static int area_arg(struct cli *c, const struct cli_args *a, const char *cmd, int64_t *id)
{
    if (a->npos != 1)
        return cli_usage(c, "%s: give one area, e.g. 园区A/1栋 or #ID", cmd);
    return cli_area(c, a->pos[0], id);
}

static const struct out_col area_cols[] = {
    {KWH_NC("column", "id"), OUT_NUM},
    {KWH_NC("column", "area"), OUT_WIDE},
    {KWH_NC("column", "depth"), OUT_NUM | OUT_DATA_ONLY},
    {KWH_NC("column", "accounts"), OUT_NUM},
};

static const char *area_text(const struct kwh_area *ar)
{
    return ar->depth == 0 ? _("(whole site)") : ar->title;
}

static int cmd_area_list(struct cli *c, const struct cli_args *a)
{
    struct kwh_area *list;
    struct out_table *t;
    struct out_opts o;
    struct kwh_err e;
    size_t n;
    int rc;

    if ((rc = out_parse(c, a, &o)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || area_list(c->core, &c->session, &list, &n, &e) < 0)
        return cli_fail(c, &e);
    t = out_table_new(area_cols, (int)KWH_ARRAY_LEN(area_cols));
    for (size_t i = 0; i < n; i++) {
        out_cellf(t, "#%lld", (long long)list[i].id);
        /* text: the tree indented by level; data: the whole path */
        if (o.format == OUT_TEXT)
            out_cellf(t, "%*s%s", 2 * (list[i].depth > 0 ? list[i].depth - 1 : 0), "",
                      list[i].depth == 0 ? area_text(&list[i]) : list[i].name);
        else
            out_cell(t, list[i].depth == 0 ? "/" : list[i].title);
        out_cellf(t, "%d", list[i].depth);
        out_cellf(t, "%lld", (long long)list[i].accounts);
    }
    free(list);
    rc = out_print(c, &o, t, N_("areas"));
    out_table_free(t);
    return rc;
}

static int cmd_area_add(struct cli *c, const struct cli_args *a)
{
    char parent[KWH_AREA_PATH_MAX], *slash;
    int64_t pid = 0, id;
    struct kwh_err e;
    int rc;

    if (a->npos != 1 || a->pos[0][0] == '\0' || a->pos[0][0] == '#')
        return cli_usage(c, "area add: give the new area's names from the top, e.g. 园区A/1栋 "
                            "(园区A must exist)");
    if (!str_copy(parent, sizeof parent, a->pos[0]))
        return cli_usage(c, "area add: the names are too long");
    while ((slash = strrchr(parent, '/')) != NULL && slash[1] == '\0')
        *slash = '\0'; /* a trailing slash */
    slash = strrchr(parent, '/');
    if (slash != NULL) {
        *slash = '\0';
        if ((rc = cli_area(c, parent, &pid)) != 0)
            return rc;
    }
    if (cli_session(c, &e) < 0 ||
        area_add(c->core, &c->session, pid, slash != NULL ? slash + 1 : parent, &id, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "#%lld\n", (long long)id);
    return CLI_OK;
}

static int cmd_area_rename(struct cli *c, const struct cli_args *a)
{
    struct kwh_err e;
    int64_t id;
    int rc;
    if (cli_str(a, "name") == NULL)
        return cli_usage(c, "area rename: AREA --name NEW");
    if ((rc = area_arg(c, a, "area rename", &id)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || area_rename(c->core, &c->session, id, cli_str(a, "name"), &e) < 0)
        return cli_fail(c, &e);
    return CLI_OK;
}

static int cmd_area_move(struct cli *c, const struct cli_args *a)
{
    struct kwh_err e;
    int64_t id, to;
    int rc;
    if (cli_str(a, "under") == NULL)
        return cli_usage(c, "area move: AREA --under PARENT (/ for the top)");
    if ((rc = area_arg(c, a, "area move", &id)) != 0 ||
        (rc = cli_area(c, cli_str(a, "under"), &to)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || area_move(c->core, &c->session, id, to, &e) < 0)
        return cli_fail(c, &e);
    return CLI_OK;
}

static int cmd_area_delete(struct cli *c, const struct cli_args *a)
{
    struct kwh_err e;
    int64_t id;
    int rc;
    if ((rc = area_arg(c, a, "area delete", &id)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || area_delete(c->core, &c->session, id, &e) < 0)
        return cli_fail(c, &e);
    return CLI_OK;
}

static int cmd_area_assign(struct cli *c, const struct cli_args *a)
{
    struct kwh_err e;
    int64_t id;
    uint32_t no;
    int rc;
    if ((rc = area_arg(c, a, "area assign", &id)) != 0 || (rc = cli_account_arg(c, a, &no)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || area_assign(c->core, &c->session, no, id, &e) < 0)
        return cli_fail(c, &e);
    return CLI_OK;
}

static int cmd_operator_scope(struct cli *c, const struct cli_args *a)
{
    int64_t ids[KWH_SCOPE_MAX];
    const char *name = cli_str(a, "name");
    struct kwh_err e;
    size_t n = 0;
    int rc;

    if (name != NULL && name[0] == '\0')
        return cli_usage(c, "operator scope: --name needs the operator's name");
    if (cli_flag(a, "clear") && a->npos > 0)
        return cli_usage(c, "operator scope: give areas or --clear, not both");
    if (a->npos > 0 || cli_flag(a, "clear")) {
        if (name == NULL)
            return cli_usage(c, "operator scope: --name NAME, then the areas (or --clear)");
        for (int i = 0; i < a->npos; i++)
            if ((rc = cli_area(c, a->pos[i], &ids[n++])) != 0)
                return rc;
        if (cli_session(c, &e) < 0 || scope_set(c->core, &c->session, name, ids, n, &e) < 0)
            return cli_fail(c, &e);
    }
    if (cli_session(c, &e) < 0 ||
        scope_get(c->core, &c->session, name, ids, KWH_SCOPE_MAX, &n, &e) < 0)
        return cli_fail(c, &e);
    cli_kv(c, "operator", "%s", name != NULL ? name : c->session.name);
    if (n == 0)
        cli_kv(c, "areas", "%s", _("all (unrestricted)"));
    for (size_t i = 0; i < n; i++) {
        struct kwh_area ar;
        char id[24];
        snprintf(id, sizeof id, "#%lld", (long long)ids[i]);
        if (area_find(c->core, id, &ar, &e) < 0)
            return cli_fail(c, &e);
        cli_kv(c, "area", "%s %s", id, area_text(&ar));
    }
    return CLI_OK;
}

static int cmd_card_lost(struct cli *c, const struct cli_args *a)
{
    struct kwh_err e;
    uint32_t no;
    int rc;
    if ((rc = cli_account_arg(c, a, &no)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || card_mark_lost(c->core, &c->session, no, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out,
            _("the card of account %08u is on the blacklist: it is refused at the "
              "counter until a reissue (补卡) replaces it\n"),
            no);
    return CLI_OK;
}

static int cmd_card_found(struct cli *c, const struct cli_args *a)
{
    struct kwh_err e;
    uint32_t no;
    int rc;
    if ((rc = cli_account_arg(c, a, &no)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || card_mark_found(c->core, &c->session, no, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, _("the card of account %08u is off the blacklist\n"), no);
    return CLI_OK;
}

static const struct out_col mark_cols[] = {
    {KWH_NC("column", "serial"), OUT_DATA_ONLY},
    {KWH_NC("column", "reason"), 0},
    {KWH_NC("column", "marked"), 0},
    {KWH_NC("column", "replaced"), OUT_DATA_ONLY},
    {KWH_NC("column", "customer"), 0},
    {KWH_NC("column", "name"), OUT_WIDE},
    {KWH_NC("column", "operator"), OUT_DATA_ONLY},
    {KWH_NC("column", "attempts"), OUT_NUM},
    {KWH_NC("column", "last_attempt"), OUT_DATA_ONLY},
};

static int cmd_card_blacklist(struct cli *c, const struct cli_args *a)
{
    struct kwh_card_mark *m;
    struct out_table *t;
    struct out_opts o;
    struct kwh_err e;
    size_t n;
    int rc;

    if ((rc = out_parse(c, a, &o)) != 0)
        return rc;
    if (cli_session(c, &e) < 0 || card_marks_list(c->core, &c->session, &m, &n, &e) < 0)
        return cli_fail(c, &e);
    t = out_table_new(mark_cols, (int)KWH_ARRAY_LEN(mark_cols));
    for (size_t i = 0; i < n; i++) {
        char serial[2 * KWH_SERIAL_LEN + 1];
        for (size_t k = 0; k < KWH_SERIAL_LEN; k++)
            snprintf(serial + 2 * k, 3, "%02x", m[i].serial[k]);
        out_cell(t, serial);
        if (o.format != OUT_TEXT)
            out_cell(t, card_mark_name(m[i].reason));
        else
            out_cell(t, m[i].reason == KWH_MARK_LOST ? _("lost (挂失)") : _("replaced (补卡)"));
        out_cell(t, cli_time(m[i].marked));
        out_cell(t, cli_time(m[i].replaced));
        out_cellf(t, "%08u", m[i].customer_no);
        out_cell(t, m[i].customer_name);
        out_cell(t, m[i].operator_name);
        out_cellf(t, "%lld", (long long)m[i].attempts);
        out_cell(t, cli_time(m[i].last_attempt));
    }
    free(m);
    rc = out_print(c, &o, t, N_("blacklist"));
    if (rc == CLI_OK && o.format == OUT_TEXT)
        fprintf(c->out, _("%zu cards on the blacklist\n"), n);
    out_table_free(t);
    return rc;
}

static int cmd_search(struct cli *c, const struct cli_args *a)
{
    struct kwh_search_page pg;
    struct out_table *t;
    struct out_opts o;
    struct kwh_err e;
    int64_t limit, after;
    int rc;

    if (a->npos != 1)
        return cli_usage(c, "search: give one text (quote it if it has spaces)");
    if ((rc = out_parse(c, a, &o)) != 0 ||
        (rc = cli_fixed(c, a, "limit", 0, KWH_PAGE_MAX, KWH_PAGE_DEFAULT, &limit)) != 0 ||
        (rc = cli_fixed(c, a, "after", 0, INT64_MAX / 100, 0, &after)) != 0)
        return rc;
    if (limit < 1)
        return cli_usage(c, "--limit 1 to %d", KWH_PAGE_MAX);
    if (cli_session(c, &e) < 0 ||
        search_customers(c->core, &c->session, a->pos[0], cli_flag(a, "closed"), after, limit, &pg,
                         &e) < 0)
        return cli_fail(c, &e);
    t = cli_customers_table();
    for (size_t i = 0; i < pg.n; i++)
        cli_customers_row(c, t, &pg.rows[i]);
    rc = out_print(c, &o, t, N_("accounts"));
    if (rc == CLI_OK && o.format == OUT_TEXT) {
        fprintf(c->out, _("%zu accounts found\n"), pg.n);
        if (pg.more && pg.n > 0)
            fprintf(c->out, _("more match: --after %lld for the next page, or a longer text\n"),
                    (long long)pg.rows[pg.n - 1].id);
    }
    out_table_free(t);
    search_page_fini(&pg);
    return rc;
}

static const struct out_col breakdown_cols[] = {
    {KWH_NC("column", "area"), OUT_WIDE},
    {KWH_NC("column", "accounts"), OUT_NUM},
    {KWH_NC("column", "balance_kwh"), OUT_NUM},
    {KWH_NC("column", "balance_yuan"), OUT_NUM | OUT_DATA_ONLY},
    {KWH_NC("column", "arrears_yuan"), OUT_NUM},
    {KWH_NC("column", "sales"), OUT_NUM},
    {KWH_NC("column", "kwh"), OUT_NUM},
    {KWH_NC("column", "amount"), OUT_NUM},
};

static int cmd_report_areas(struct cli *c, const struct cli_args *a)
{
    struct kwh_area_q q = {0, NULL};
    struct kwh_area_row *rows;
    struct kwh_period p;
    struct out_table *t;
    struct out_opts o;
    struct kwh_err e;
    size_t n;
    bool on;
    int rc;

    if ((rc = out_parse(c, a, &o)) != 0)
        return rc;
    if (cli_session(c, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = cli_period(c, a, &on, &p)) != 0)
        return rc;
    if (!on)
        p = period_day(core_now(c->core));
    if ((rc = cli_area_opt(c, a, &on, &q.area_id)) != 0)
        return rc;
    q.operator_name = cli_str(a, "operator");
    if (report_areas_q(c->core, &c->session, &p, &q, &rows, &n, &e) < 0)
        return cli_fail(c, &e);
    t = out_table_new(breakdown_cols, (int)KWH_ARRAY_LEN(breakdown_cols));
    for (size_t i = 0; i < n; i++) {
        const struct kwh_area_row *r = &rows[i];
        int indent = r->area.depth - (n > 0 ? rows[0].area.depth : 0) - 1;
        if (o.format == OUT_TEXT && i == 0 && r->area.depth > 0)
            out_cell(t, r->area.title); /* --in: the area by its whole name */
        else if (o.format == OUT_TEXT)
            out_cellf(t, "%*s%s", 2 * (indent > 0 ? indent : 0), "",
                      r->area.depth == 0 ? area_text(&r->area) : r->area.name);
        else
            out_cell(t, r->area.depth == 0 ? "/" : r->area.title);
        out_cellf(t, "%lld", (long long)r->accounts);
        out_cell(t, cli_dec(r->balance_ckwh, 2));
        out_cell(t, cli_dec(r->balance_fen, 2));
        out_cell(t, cli_dec(r->arrears_fen, 2));
        out_cellf(t, "%lld", (long long)r->sales.count);
        out_cell(t, cli_dec(r->sales.energy_ckwh, 2));
        out_cell(t, cli_dec(r->sales.amount_fen, 2));
    }
    free(rows);
    if (o.format == OUT_TEXT)
        fprintf(c->out, _("by area: %s to %s\n\n"), cli_minute(p.from), cli_minute(p.to));
    rc = out_print(c, &o, t, N_("by area"));
    out_table_free(t);
    return rc;
}

/* --- anomalies ------------------------------------------------------------------------ */

/* the account's columns, first in every report (their headers are translated where
   the account listings name them) */
#define ANOM_COL(key, flags)                                                                       \
    {                                                                                              \
        KWH_NC("column", key), flags                                                               \
    }
#define ANOM_ACCOUNT                                                                               \
    ANOM_COL("customer", 0), ANOM_COL("name", OUT_WIDE), ANOM_COL("meter", 0),                     \
        ANOM_COL("area", OUT_WIDE)
static const struct out_col anom_cols[KWH_ANOM_COUNT][10] = {
    [KWH_ANOM_UNLOADED] = {ANOM_ACCOUNT,
                           {KWH_NC("column", "last_purchase"), 0},
                           {KWH_NC("column", "days"), OUT_NUM},
                           {KWH_NC("column", "purchase_count"), OUT_NUM},
                           {KWH_NC("column", "meter_count"), OUT_NUM}},
    [KWH_ANOM_IDLE] = {ANOM_ACCOUNT,
                       {KWH_NC("column", "last_purchase"), 0},
                       {KWH_NC("column", "days"), OUT_NUM}},
    [KWH_ANOM_BACKWARDS] = {ANOM_ACCOUNT,
                            {KWH_NC("column", "seen"), 0},
                            {KWH_NC("column", "used_before"), OUT_NUM},
                            {KWH_NC("column", "used_now"), OUT_NUM},
                            {KWH_NC("column", "bought_before"), OUT_NUM},
                            {KWH_NC("column", "bought_now"), OUT_NUM}},
    [KWH_ANOM_COPY] = {ANOM_ACCOUNT,
                       {KWH_NC("column", "seen"), 0},
                       {KWH_NC("column", "purchase_count"), OUT_NUM},
                       {KWH_NC("column", "count_before"), OUT_NUM},
                       {KWH_NC("column", "report_time"), OUT_DATA_ONLY},
                       {KWH_NC("column", "report_before"), OUT_DATA_ONLY}},
    [KWH_ANOM_OUTLIER] = {ANOM_ACCOUNT,
                          {KWH_NC("column", "last_read"), OUT_DATA_ONLY},
                          {KWH_NC("column", "used_kwh"), OUT_NUM},
                          {KWH_NC("column", "area_median_kwh"), OUT_NUM},
                          {KWH_NC("column", "reads"), OUT_NUM}},
    [KWH_ANOM_PSC] = {ANOM_ACCOUNT,
                      {KWH_NC("column", "seen"), 0},
                      {KWH_NC("column", "psc_tries_left"), OUT_NUM},
                      {KWH_NC("column", "purchase_count"), OUT_NUM}},
};
static const int anom_ncols[KWH_ANOM_COUNT] = {8, 6, 9, 9, 8, 7};
static const char *const anom_titles[KWH_ANOM_COUNT] = {
    N_("purchases not in the meter"),     N_("accounts without purchases"),
    N_("meter totals running backwards"), N_("copied cards"),
    N_("usage far above the area"),       N_("cards tried with wrong PSCs")};

static int sort_key; /* 0 as found, 1 customer, 2 area, 3 days, 4 value */

static int anom_cmp(const void *pa, const void *pb)
{
    const struct kwh_anomaly *x = pa, *y = pb;
    int r = 0;
    if (sort_key == 1)
        r = (x->customer_no > y->customer_no) - (x->customer_no < y->customer_no);
    else if (sort_key == 2)
        r = strcmp(x->area, y->area);
    else if (sort_key == 3)
        r = (x->days < y->days) - (x->days > y->days);
    else if (sort_key == 4)
        r = (x->a < y->a) - (x->a > y->a);
    return r != 0 ? r : (x->customer_no > y->customer_no) - (x->customer_no < y->customer_no);
}

static int cmd_anomalies(struct cli *c, const struct cli_args *a)
{
    static const char *const sorts[] = {"found", "customer", "area", "days", "value"};
    struct kwh_anomaly_filter f;
    struct kwh_anomaly *r;
    struct out_table *t;
    struct out_opts o;
    struct kwh_err e;
    int64_t days, factor;
    size_t n;
    int kind, rc;

    if (a->npos != 1 || (kind = anomaly_parse(a->pos[0])) < 0)
        return cli_usage(c, "anomalies: give one report: unloaded, idle, backwards, copies, "
                            "outliers or psc");
    memset(&f, 0, sizeof f);
    sort_key = 0;
    if (cli_str(a, "sort") != NULL) {
        sort_key = -1;
        for (int i = 0; i < (int)KWH_ARRAY_LEN(sorts); i++)
            if (strcmp(cli_str(a, "sort"), sorts[i]) == 0)
                sort_key = i;
        if (sort_key < 0)
            return cli_usage(c, "--sort: found, customer, area, days or value");
    }
    if ((rc = out_parse(c, a, &o)) != 0 ||
        (rc = cli_fixed(c, a, "days", 0, 3650,
                        kind == KWH_ANOM_UNLOADED ? c->cfg.anomaly_unloaded_days
                        : kind == KWH_ANOM_IDLE   ? c->cfg.anomaly_idle_days
                                                  : c->cfg.anomaly_outlier_days,
                        &days)) != 0 ||
        (rc = cli_fixed(c, a, "factor", 0, 1000, c->cfg.anomaly_outlier_factor, &factor)) != 0)
        return rc;
    if (days < 1)
        return cli_usage(c, "--days: 1 to 3650");
    if (factor < 2)
        return cli_usage(c, "--factor: 2 to 1000");
    f.days = (int)days;
    f.factor = (int)factor;
    if (cli_session(c, &e) < 0)
        return cli_fail(c, &e);
    if ((rc = cli_area_opt(c, a, &f.by_area, &f.area_id)) != 0)
        return rc;
    if (anomaly_find(c->core, &c->session, kind, &f, &r, &n, &e) < 0)
        return cli_fail(c, &e);
    if (sort_key > 0)
        qsort(r, n, sizeof *r, anom_cmp);
    t = out_table_new(anom_cols[kind], anom_ncols[kind]);
    for (size_t i = 0; i < n; i++) {
        const struct kwh_anomaly *x = &r[i];
        out_cellf(t, "%08u", x->customer_no);
        out_cell(t, x->name);
        out_cellf(t, "%08u", x->meter_no);
        out_cell(t, o.format == OUT_TEXT ? x->area : cli_area_title(c, x->area_id));
        out_cell(t, cli_time(x->when));
        switch (kind) {
        case KWH_ANOM_UNLOADED:
            out_cellf(t, "%lld", (long long)x->days);
            out_cellf(t, "%lld", (long long)x->a);
            out_cellf(t, "%lld", (long long)x->b);
            break;
        case KWH_ANOM_IDLE: out_cellf(t, "%lld", (long long)x->days); break;
        case KWH_ANOM_BACKWARDS:
            out_cell(t, cli_dec(x->a, 2));
            out_cell(t, cli_dec(x->b, 2));
            out_cell(t, cli_dec(x->c, 2));
            out_cell(t, cli_dec(x->d, 2));
            break;
        case KWH_ANOM_COPY:
            out_cellf(t, "%lld", (long long)x->a);
            out_cellf(t, "%lld", (long long)x->b);
            out_cell(t, cli_time(x->c));
            out_cell(t, cli_time(x->d));
            break;
        case KWH_ANOM_PSC:
            out_cellf(t, "%lld", (long long)x->a);
            out_cellf(t, "%lld", (long long)x->b);
            break;
        default:
            out_cell(t, cli_dec(x->a, 2));
            out_cell(t, cli_dec(x->b, 2));
            out_cellf(t, "%lld", (long long)x->c);
        }
    }
    free(r);
    if (o.format == OUT_TEXT)
        fprintf(c->out, "%s\n\n", _(anom_titles[kind]));
    rc = out_print(c, &o, t, anom_titles[kind]);
    if (rc == CLI_OK && o.format == OUT_TEXT)
        fprintf(c->out, _("%zu found\n"), n);
    out_table_free(t);
    return rc;
}

const struct cli_command cli_oversight_commands[] = {
    {"area list", "format= encoding= bom", "[--format text|csv|json|xlsx]",
     N_("the area tree (园区/楼栋/单元/房间) with the accounts in each"), cmd_area_list, 0},
    {"area add", "", "PARENT/NAME", N_("add an area under an existing one (admin)"), cmd_area_add,
     1},
    {"area rename", "name=", "AREA --name NEW", N_("rename an area (admin)"), cmd_area_rename, 1},
    {"area move", "under=", "AREA --under PARENT",
     N_("move an area with everything in it under another (admin)"), cmd_area_move, 1},
    {"area delete", "", "AREA", N_("delete an empty area (admin)"), cmd_area_delete, 1},
    {"area assign", "customer= meter=", "AREA --customer NO | --meter NO",
     N_("move an account to an area (admin)"), cmd_area_assign, 1},
    {"operator scope", "name= clear", "[--name NAME [AREA...] | --clear]",
     N_("the areas an operator may work on: show, limit (admin) or --clear"), cmd_operator_scope,
     KWH_SCOPE_MAX},
    {"card lost", "customer= meter=", "--customer NO | --meter NO",
     N_("report an account's card lost (挂失): it is refused from now on"), cmd_card_lost, 0},
    {"card found", "customer= meter=", "--customer NO | --meter NO",
     N_("take a card reported lost off the blacklist (admin)"), cmd_card_found, 0},
    {"card blacklist", "format= encoding= bom", "[--format text|csv|json|xlsx]",
     N_("cards refused at the counter: lost, or replaced by a reissue"), cmd_card_blacklist, 0},
    {"search", "closed limit= after= format= encoding= bom",
     "TEXT [--closed] [--limit N] [--after ID] [--format F]",
     N_("find accounts: number, meter, phone, part of name or address, pinyin initials"),
     cmd_search, 1},
    {"report areas", "format= encoding= bom from= to= in= operator=",
     "[--from D] [--to D] [--in AREA] [--operator NAME] [--format F]",
     N_("accounts, balance and sales per area (each with everything below it)"), cmd_report_areas,
     0},
    {"anomalies", "format= encoding= bom days= factor= in= sort=",
     "unloaded|idle|backwards|copies|outliers|psc [--days N] [--factor N] [--in AREA] "
     "[--sort found|customer|area|days|value] [--format F]",
     N_("anomaly reports from what cards bring back (how each is found: docs/cli.md)"),
     cmd_anomalies, 1},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
