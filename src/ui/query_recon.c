/* SPDX-License-Identifier: Apache-2.0 */
/* 对账 (数据查询): a payment provider's statement file matched with the ledger by
 * reference (docs/units.md, "Statements"): the method, the file (its layout from the
 * INI's [reconcile_METHOD]; F4 walks the folders to it from [reconcile_METHOD] dir, the
 * last folder chosen there), optionally only what differs. The four groups are counted
 * above the list; Enter shows a row; print and export as the other queries. Reads only. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kwhpos/config.h"
#include "kwhpos/money.h"
#include "kwhpos/util.h"
#include "ui/parts.h"
#include "ui/qview.h"

enum { F_METHOD, F_FILE, F_ONLY, F_N };
enum { C_GROUP, C_REF, C_TIME, C_STMT, C_LEDGER, C_INVOICE, C_NOTE };

static const int methods[] = {KWH_PAY_WECHAT, KWH_PAY_ALIPAY, KWH_PAY_CARD, KWH_PAY_TRANSFER};
static const char *const method_items[] = {N_("WeChat Pay"), N_("Alipay"), N_("Bank card"),
                                           N_("Bank transfer")};

struct qrecon {
    struct qview q; /* first: the qview_screen_* callbacks */
    struct field f[F_N];
    struct kwh_recon r;
    size_t *shown; /* rows of r listed (all, or only those that differ) */
    size_t nshown;
    const struct kwh_recon_row *cur; /* the row being printed or exported */
    bool browsing;                   /* F4: the folder's list instead of the query */
    struct dirpick dp;
};

static const char *const statement_exts[] = {".csv", ".txt", NULL};

static const struct list_col cols[] = {
    {N_("Result"), 10, false},  {N_("Reference"), 19, false}, {N_("Time"), 11, false},
    {N_("Statement"), 9, true}, {N_("Ledger"), 9, true},      {N_("Invoice"), 7, true},
    {N_("Note"), 6, false},
};

static void note(const struct kwh_recon_row *w, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    if (w->reversed)
        used += (size_t)snprintf(buf, n, "%s", _("reversed: counts 0"));
    if (used < n && w->nlines > 1)
        used +=
            (size_t)snprintf(buf + used, n - used, _("%s%d lines"), used ? _("; ") : "", w->nlines);
    if (used < n && w->ref[0] == '\0')
        snprintf(buf + used, n - used, "%s%s", used ? _("; ") : "", _("no reference"));
}

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
    struct qrecon *s = ctx;
    const struct kwh_recon_row *w =
        s->cur != NULL ? s->cur : &s->r.rows[s->shown[(size_t)s->q.offset + (size_t)row]];
    char b[32];

    buf[0] = '\0';
    switch (col) {
    case C_GROUP: snprintf(buf, n, "%s", recon_group_label(w->group)); break;
    case C_REF: snprintf(buf, n, "%s", w->ref); break;
    case C_TIME: snprintf(buf, n, "%s", fmt_time(b, sizeof b, w->time) + 5); break;
    case C_STMT:
        if (w->nlines > 0)
            snprintf(buf, n, "%s", fmt_money(b, sizeof b, w->stmt_fen));
        break;
    case C_LEDGER:
        if (w->nentries > 0)
            snprintf(buf, n, "%s", fmt_money(b, sizeof b, w->ledger_fen));
        break;
    case C_INVOICE:
        if (w->invoice_no)
            snprintf(buf, n, "%" PRId64, w->invoice_no);
        break;
    default: note(w, buf, n); break;
    }
}

static void forget(struct qrecon *s)
{
    recon_fini(&s->r);
    free(s->shown);
    s->shown = NULL;
    s->nshown = 0;
}

static int run(struct app *a, struct qrecon *s, struct kwh_err *e)
{
    int pay = methods[s->f[F_METHOD].sel];
    const char *path = form_text(&s->q.fm, F_FILE);
    struct kwh_statement st;
    char b1[32], b2[32];
    int rc;

    forget(s);
    if (path[0] == '\0')
        return kwh_err_set(e, KWH_EINVAL, "%s",
                           _("Give the statement file (F4: choose it from a folder)."));
    if ((rc = statement_load(pay, config_statement(&a->cfg, pay), path, &st, e)) < 0)
        return rc;
    rc = recon_run(a->core, &a->s, &st, 0, 0, &s->r, e);
    statement_fini(&st);
    if (rc < 0)
        return rc;
    if ((s->shown = malloc((s->r.n ? s->r.n : 1) * sizeof *s->shown)) == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "%s", _("Out of memory."));
    for (size_t i = 0; i < s->r.n; i++)
        if (!s->f[F_ONLY].on || s->r.rows[i].group != KWH_RECON_MATCHED)
            s->shown[s->nshown++] = i;
    snprintf(s->q.info, sizeof s->q.info,
             _("Matched %" PRId64 ", statement only %" PRId64 ", ledger only %" PRId64
               ", amounts differ %" PRId64 "; %s - %s"),
             s->r.count[KWH_RECON_MATCHED], s->r.count[KWH_RECON_STATEMENT_ONLY],
             s->r.count[KWH_RECON_LEDGER_ONLY], s->r.count[KWH_RECON_DIFFER],
             fmt_time(b1, sizeof b1, s->r.from), qview_period_end(s->r.to, b2, sizeof b2));
    return 0;
}

static int load(struct app *a, void *st, struct kwh_err *e)
{
    struct qrecon *s = st;
    int rc;

    if (s->q.offset == 0 && (rc = run(a, s, e)) < 0)
        return rc;
    qview_held_page(&s->q, s->nshown);
    return 0;
}

static void open_row(struct app *a, void *st, int row)
{
    struct qrecon *s = st;
    const struct kwh_recon_row *w = &s->r.rows[s->shown[(size_t)s->q.offset + (size_t)row]];
    struct pairs p = {0};
    char b[64];

    pairs_add(&p, _("Result"), "%s", recon_group_label(w->group));
    pairs_add(&p, _("Reference"), "%s", w->ref[0] ? w->ref : _("no reference"));
    pairs_add(&p, _("Time"), "%s", fmt_time(b, sizeof b, w->time));
    if (w->nlines > 0)
        pairs_add(&p, _("Statement (yuan)"), _("%s on %d line(s), first line %" PRId64),
                  fmt_money(b, sizeof b, w->stmt_fen), w->nlines, w->line);
    if (w->nentries > 0) {
        pairs_add(&p, _("Ledger (yuan)"), "%s", fmt_money(b, sizeof b, w->ledger_fen));
        pairs_add(&p, _("Invoice"), "%" PRId64, w->invoice_no);
        pairs_add(&p, _("Customer"), "%08" PRIu32, w->customer_no);
    }
    if (w->reversed)
        pairs_add(&p, _("Note"), "%s",
                  _("a reversal (冲正) took the sale's money back: it counts 0"));
    dialog_pairs(a, _("Reconciliation"), &p, NULL);
}

static int all_rows(struct app *a, void *ctx, struct table_sink *k, struct kwh_err *e)
{
    struct qrecon *s = ctx;
    int stop = 0;
    (void)a;
    (void)e;
    for (size_t i = 0; i < s->r.n && !stop; i++) {
        if (s->f[F_ONLY].on && s->r.rows[i].group == KWH_RECON_MATCHED)
            continue;
        s->cur = &s->r.rows[i];
        stop = table_sink_row(k, cell, s, 0);
    }
    s->cur = NULL;
    return 0;
}

static void table(struct app *a, void *st, bool print, struct table_src *t)
{
    (void)a;
    (void)print;
    qview_table(&((struct qrecon *)st)->q, t, "reconciliation", _("Reconciliation"), all_rows);
}

static const struct qview_ops ops = {
    .cols = cols,
    .ncols = (int)KWH_ARRAY_LEN(cols),
    .cell = cell,
    .load = load,
    .open = open_row,
    .open_label = N_("Show"),
    .table = table,
};

/* F4: the folder of the file typed, else the method's ([reconcile_METHOD] dir, the last
 * one chosen), else the working folder. */
static void browse(struct app *a, struct qrecon *s)
{
    const char *typed = form_text(&s->q.fm, F_FILE);
    const char *dir = config_statement_dir(&a->cfg, methods[s->f[F_METHOD].sel]);
    char from[KWH_PATH_MAX];
    struct stat sb;

    if (typed[0] != '\0' && strrchr(typed, '/') != NULL) {
        str_copy(from, sizeof from, typed);
        if (strrchr(from, '/') == from)
            from[1] = '\0';
        else
            *strrchr(from, '/') = '\0';
        if (stat(from, &sb) == 0 && S_ISDIR(sb.st_mode))
            dir = from;
    }
    dirpick_open(a, &s->dp, dir != NULL ? dir : "", statement_exts, UI_TOP, UI_ROWS - 3);
    s->browsing = true;
}

/* The file chosen goes into the form; its folder is where F4 opens next time, for this
 * payment method, at this station. */
static void chosen(struct app *a, struct qrecon *s, const char *path)
{
    int pay = methods[s->f[F_METHOD].sel];
    const char *now = config_statement_dir(&a->cfg, pay);
    struct kwh_config cfg;
    char key[64];
    struct kwh_err e;

    form_set_text(&s->q.fm, F_FILE, path);
    s->browsing = false;
    app_msg(a, CLR_INFO, "%s", _("The statement file is chosen: F3 matches it with the ledger."));
    if (now != NULL && strcmp(now, s->dp.dir) != 0) {
        cfg = a->cfg;
        snprintf(key, sizeof key, "%s.dir", config_statement_section(pay));
        kwh_err_clear(&e);
        if (config_set(&cfg, key, s->dp.dir, &e) < 0 || app_station_save(a, &cfg, key, &e) < 0)
            app_error(a, &e);
    }
    dirpick_fini(&s->dp);
}

static int qrecon_action(struct app *a, void *st, int act)
{
    struct qrecon *s = st;
    char path[KWH_PATH_MAX];

    if (!s->browsing) {
        if (act == ACT_BROWSE) {
            browse(a, s);
            return UI_HANDLED | UI_REDRAW;
        }
        return qview_action(a, &s->q, act);
    }
    if (act == ACT_BACK) {
        s->browsing = false;
        dirpick_fini(&s->dp);
    } else if (act == ACT_SUBMIT && dirpick_enter(a, &s->dp, path, sizeof path)) {
        chosen(a, s, path);
    }
    return UI_HANDLED | UI_REDRAW;
}

static int qrecon_key(struct app *a, void *st, int type, wint_t ch)
{
    struct qrecon *s = st;
    return s->browsing ? dirpick_key(a, &s->dp, type, ch) : qview_key(a, &s->q, type, ch);
}

static void qrecon_draw(struct app *a, void *st)
{
    struct qrecon *s = st;
    if (s->browsing)
        dirpick_draw(&s->dp);
    else
        qview_draw(a, &s->q);
}

static const char *qrecon_submit(struct app *a, void *st)
{
    struct qrecon *s = st;
    const struct file_entry *f;
    (void)a;
    if (!s->browsing)
        return qview_submit(&s->q);
    if (s->dp.l.n == 0)
        return NULL;
    f = s->dp.up && s->dp.l.sel == 0 ? NULL : &s->dp.e[s->dp.l.sel - (s->dp.up ? 1 : 0)];
    return f == NULL || f->dir ? N_("Open folder") : N_("Choose this file");
}

static unsigned qrecon_actions(const struct app *a, void *st)
{
    (void)a;
    return ((struct qrecon *)st)->browsing ? 0 : QVIEW_ACTIONS | ACT_BIT(ACT_BROWSE);
}

static const char *qrecon_keys(const struct app *a, void *st)
{
    (void)a;
    if (!((struct qrecon *)st)->browsing)
        return N_("Tab, Shift-Tab, Up, Down: move between fields\n"
                  "Left, Right, Space: change a choice; Space: tick a box\n"
                  "F4: choose the statement file from a folder's list");
    return N_("Up, Down, PgUp, PgDn, Home, End: choose a row\n"
              "A letter: the next name starting with it\n"
              "Enter: open the folder, or choose the file\n"
              "Backspace, Left, or Enter on ../: the folder above\n"
              "Esc: back to the form, nothing chosen");
}

static void qrecon_enter(struct app *a, void *st, int arg)
{
    struct qrecon *s = st;

    (void)a;
    (void)arg;
    s->f[F_METHOD] = (struct field){.label = N_("Payment"),
                                    .kind = FK_CHOICE,
                                    .row = 0,
                                    .width = 14,
                                    .items = method_items,
                                    .nitems = (int)KWH_ARRAY_LEN(method_items)};
    s->f[F_FILE] = (struct field){
        .label = N_("Statement file"), .kind = FK_TEXT, .row = 1, .maxlen = 250, .required = true};
    s->f[F_ONLY] =
        (struct field){.label = N_("Only the differences"), .kind = FK_CHECK, .row = 0, .col = 1};
    qview_init(&s->q, &ops, s, s->f, F_N, 2);
}

static void qrecon_leave(struct app *a, void *st)
{
    struct qrecon *s = st;
    (void)a;
    dirpick_fini(&s->dp);
    forget(s);
}

const struct screen scr_query_recon = {
    .title = N_("Reconciliation"),
    .actions = QVIEW_ACTIONS | ACT_BIT(ACT_BROWSE),
    .actions_now = qrecon_actions,
    .submit_label = N_("Find"),
    .submit_now = qrecon_submit,
    .keys_help_now = qrecon_keys,
    .state_size = sizeof(struct qrecon),
    .enter = qrecon_enter,
    .draw = qrecon_draw,
    .action = qrecon_action,
    .key = qrecon_key,
    .leave = qrecon_leave,
};
