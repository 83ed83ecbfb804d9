/* SPDX-License-Identifier: Apache-2.0 */
/* `kwhpos help COMMAND`: a command's options with their values, an example and its
 * exit codes, from the tables below (every command and option of the command tables
 * must have an entry: tests/integ/cli_help.sh checks it). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "kwhpos/util.h"

struct opt_help {
    const char *key;   /* "customer", or "command/option" for a command's own meaning */
    const char *value; /* the value's placeholder; NULL for a flag */
    const char *text;
};

static const struct opt_help opts[] = {
    {"address", "TEXT", N_("the address (in queries: any part of it)")},
    {"adjust", "KWH", N_("energy added free of charge (调剂电量), in kWh")},
    {"alarm", "KWH", N_("the meter alarms below this many kWh (default 10)")},
    {"amount", "YUAN", N_("the money paid, in yuan (give --amount or --kwh)")},
    {"area", "CODE", N_("the site's area code (区域码), 6 digits")},
    {"in", "AREA",
     N_("only accounts in this area and everything below it: its names from the top "
        "(园区A/1栋) or #ID (kwhpos area list)")},
    {"open/in", "AREA", N_("the account's area (default the top of the tree)")},
    {"edit/in", "AREA", N_("move the account to this area")},
    {"transfer/in", "AREA", N_("move the account to the new owner's area (admin)")},
    {"balance/in", "AREA", N_("the balance of this area and everything below it")},
    {"under", "PARENT", N_("the area to move it under (/ for the top of the tree)")},
    {"area rename/name", "NEW", N_("the area's new name")},
    {"operator scope/name", "NAME",
     N_("the operator (default yourself); then the areas they may work on (admin)")},
    {"clear", NULL, N_("the operator may work on every area again (admin)")},
    {"days", "N",
     N_("the threshold in days (default [anomaly] unloaded_days 7, idle_days 60); outliers: "
        "the period up to now (outlier_days, 30)")},
    {"factor", "N",
     N_("outliers: flagged above N times the area's median (default [anomaly] outlier_factor, "
        "3)")},
    {"sort", "found|customer|area|days|value",
     N_("the order: as found (oldest first; outliers largest first), by customer number, "
        "by area, by days (most first) or by the report's first figure (largest first)")},
    {"after", "ID", N_("the next page: the id the previous page said")},
    {"bom", NULL,
     N_("CSV: UTF-8 behind a byte order mark, for spreadsheet programs that need it to read "
        "UTF-8")},
    {"before", "N", N_("only invoices numbered below N (paging back)")},
    {"card-profile", "ID",
     N_("the card layout the site's meters read (default kwh1; settings show lists them); "
        "chosen before the first card")},
    {"closed", NULL, N_("closed accounts too")},
    {"consumed", NULL, N_("the lost card's last purchase had reached the meter")},
    {"unconsumed", NULL, N_("the lost card's last purchase had not reached the meter")},
    {"counted", "YUAN", N_("the cash counted in the drawer, before seeing the expected cash")},
    {"fees", NULL,
     N_("CSV: the money per fee type (fee, name, count, amount) instead of the lines; text, "
        "JSON and xlsx always show it")},
    {"ct", "RATIO", N_("current transformer ratio (ct meters; default 1)")},
    {"customer", "NO", N_("the account's customer number (用户编号, up to 8 digits)")},
    {"dir", "DIR", N_("the backup folder (default [backup] dir)")},
    {"encoding", "utf-8|gb18030", N_("the CSV file's encoding (default utf-8)")},
    {"fee", "YUAN", N_("the reissue fee (default the site's)")},
    {"file", "OUT", N_("write to this file instead of the printer")},
    {"force", NULL, N_("do it although cards exist or money remains (administrators)")},
    {"format", "text|csv|json|xlsx",
     N_("the output format (default text); xlsx: an Excel workbook, sent to a file")},
    {"print/format", "raw|pdf", N_("the file's format with --file (default [print] mode)")},
    {"from", "DATE", N_("the period's start: YYYY-MM-DD, YYYY-MM or \"YYYY-MM-DD HH:MM\"")},
    {"to", "DATE", N_("the period's end, as --from (default the end of today)")},
    {"db copy/to", "DATABASE",
     N_("the new, empty database: a SQLite file not yet there, or a PostgreSQL connection "
        "string (postgresql://... or host=... dbname=...)")},
    {"report monthly/from", "YYYY-MM", N_("the first month (default this month)")},
    {"report monthly/to", "YYYY-MM", N_("the last month (default the month of --from)")},
    {"hoard", "KWH", N_("the most energy the meter may hold (囤积, default 2000 kWh)")},
    {"if-due", NULL, N_("only when the newest backup is older than [backup] interval_hours")},
    {"keep", "N", N_("how many backups to keep (default [backup] keep)")},
    {"kwh", "KWH", N_("the energy sold, in kWh (give --kwh or --amount)")},
    {"limit", "N", N_("at most N rows (default 100, at most 10000)")},
    {"open/limit", "A", N_("the meter's current limit in A (default the rating)")},
    {"edit/limit", "A", N_("the meter's current limit in A")},
    {"meter-change/limit", "A", N_("the new meter's current limit in A")},
    {"tool/limit", "A|rating",
     N_("the current limit a management card sets, in A, or each meter's rating (default: "
        "each meter's limit unchanged)")},
    {"max-amount", "YUAN", N_("the most money one sale may take")},
    {"max-kwh", "KWH", N_("the most energy one sale may sell")},
    {"meter", "NO", N_("the meter number, exactly 8 digits as on the meter")},
    {"meter-change/meter", "NO", N_("the new meter's number, exactly 8 digits")},
    {"reissue/meter", "NO", N_("the account by its meter number, instead of --customer")},
    {"transfer/meter", "NO", N_("the account by its meter number, instead of --customer")},
    {"close/meter", "NO", N_("the account by its meter number, instead of --customer")},
    {"edit/meter", "NO", N_("the account by its meter number, instead of --customer")},
    {"monthly-free", "KWH", N_("the monthly free allowance (每月免费电量), in kWh")},
    {"name", "TEXT", N_("the customer's name (in queries: any part of it)")},
    {"transfer/name", "NAME", N_("the new owner's name")},
    {"tariff add/name", "NAME", N_("the tariff's name")},
    {"invoice", "NO", N_("the invoice number of the sale (kwhpos invoices)")},
    {"approver", "ADMIN",
     N_("the administrator who approves, another person; their password is the line after "
        "yours")},
    {"reverse/pay", "cash|wechat|alipay|card|transfer|other",
     N_("a correction: how the customer really paid (default as recorded)")},
    {"reverse/ref", "REF", N_("a correction: the payment's reference")},
    {"reverse/energy", NULL,
     N_("take the energy back too: the card in the reader, still holding the purchase the "
        "meter has not loaded (as 重新售电 needs), is written back to the purchase before it; "
        "not with a correction, not for an opening")},
    {"reverse/amount", "YUAN",
     N_("a correction: the money for the energy as it should have been (default as "
        "recorded)")},
    {"reverse request/pay", "cash|wechat|alipay|card|transfer|other",
     N_("a correction: how the customer really paid (default as recorded)")},
    {"reverse request/ref", "REF", N_("a correction: the payment's reference")},
    {"reverse request/amount", "YUAN",
     N_("a correction: the money for the energy as it should have been (default as "
        "recorded)")},
    {"reverse reject/reason", "TEXT", N_("why the request is rejected (the audit keeps it)")},
    {"unpaid", NULL,
     N_("the meter's overdraft was used and the customer does not pay now: what is owed "
        "becomes the account's arrears (欠费)")},
    {"all", NULL, N_("the decided requests too (approved, rejected)")},
    {"method", "wechat|alipay|card|transfer",
     N_("the payment method whose provider's statement this is (its layout: the INI's "
        "[reconcile_METHOD])")},
    {"reconcile/from", "DATE",
     N_("the first day of the ledger to match (default the statement's first day)")},
    {"reconcile/to", "DATE",
     N_("the last day of the ledger to match (default the statement's last day)")},
    {"fee add/name", "NAME", N_("the fee's name, as invoices and reports show it")},
    {"fee set/name", "NAME", N_("the fee's new name")},
    {"kind", "sale|monthly",
     N_("sale: with every purchase (服务费); monthly: once a month, with the first purchase of "
        "the month and for every month since the last paid (物业费)")},
    {"fee add/amount", "YUAN", N_("the fee, in yuan")},
    {"fee set/amount", "YUAN", N_("the fee's new amount, in yuan")},
    {"fee set/fee", "NAME|ID", N_("the fee type, by name or id (kwhpos fee list)")},
    {"fee delete/fee", "NAME|ID", N_("the fee type, by name or id (kwhpos fee list)")},
    {"arrears add/amount", "YUAN", N_("the debt, in yuan")},
    {"arrears waive/amount", "YUAN", N_("the part of the arrears waived, in yuan")},
    {"fixed", "YUAN", N_("recover this much at each sale (at most what is owed)")},
    {"percent", "N", N_("recover N percent of each payment, 1 to 100 (rounded down to the fen)")},
    {"site", NULL, N_("the account follows the site's rule again")},
    {"arrears rule/customer", "NO", N_("the account's own rule (without it: the site's rule)")},
    {"tariff extra/kwh", "KWH", N_("the extra first-tier kWh per period (0: none)")},
    {"tiers", "KWH:P,...,P",
     N_("阶梯电价: 2 to 5 tiers, each the kWh of the period it goes up to and its price in "
        "yuan/kWh, the last tier a price alone (2760:0.538,4800:0.588,0.838)")},
    {"period", "annual|monthly", N_("the period the tiers count in (default annual)")},
    {"start-month", "M", N_("the month an annual period starts in, 1 to 12 (default 1)")},
    {"tariff set/price", "YUAN", N_("the new price (a tiered tariff becomes flat)")},
    {"tariff set/name", "NAME", N_("the tariff's new name")},
    {"tariff set/from", "YYYY-MM-DD",
     N_("the day the new price or tiers take effect (default now; a later day: scheduled, "
        "待生效, the price before stays in force until then)")},
    {"tariff add/kind", "standard|shared",
     N_("shared: a 合表 tariff, for a meter several households share; always flat (default "
        "standard)")},
    {"tariff set/kind", "standard|shared",
     N_("make the tariff 合表 (shared: it must be flat) or standard again")},
    {"operator add/name", "NAME", N_("the operator's login name")},
    {"operator delete/name", "NAME", N_("the operator's login name")},
    {"operator unlock/name", "NAME", N_("the operator locked out")},
    {"anchors", "FILE",
     N_("compare with the anchors in FILE (the anchor file, syslog or journalctl output)")},
    {"operator role/name", "NAME", N_("the operator's login name")},
    {"operator passwd/name", "NAME", N_("another operator's password (administrators)")},
    {"reason", "TEXT",
     N_("why the card write is cancelled (e.g. the card was lost); kept in the audit log")},
    {"no-tariffs", NULL, N_("without the two default tariffs")},
    {"offset", "N", N_("skip the first N rows (paging)")},
    {"old-remaining", "KWH", N_("the energy the old meter still showed, in kWh")},
    {"operator", "NAME", N_("only this operator's (deleted operators too)")},
    {"report shift/operator", "NAME", N_("another operator's shift (administrators)")},
    {"output", "FILE", N_("write to FILE (under FILE.part until complete) instead of stdout")},
    {"overdraft", "KWH", N_("the energy the meter lends when empty (透支, default 5)")},
    {"pay", "cash|wechat|alipay|card|transfer|other", N_("how the customer paid (default cash)")},
    {"ref", "REF",
     N_("the payment's reference: the WeChat or Alipay transaction number, the POS slip's "
        "reference number, the bank transfer's; typed or scanned (each is recorded once)")},
    {"phone", "TEL", N_("the telephone number")},
    {"price", "YUAN", N_("the price in yuan per kWh, up to 4 decimals")},
    {"print", NULL, N_("print the invoice after the sale ([print] queue)")},
    {"quote", NULL, N_("only show what would be done (read, planned, nothing written)")},
    {"keep-on", NULL,
     N_("保电 (management card): each meter's rating, alarm, overdraft and hoard 9999 kWh")},
    {"rating", "A", N_("the meter's rated current in A (default 60)")},
    {"reason", "TEXT", N_("why, in one line (kept in the audit log)")},
    {"reissue-fee", "YUAN", N_("the fee for a reissued card (补卡费)")},
    {"reprint", NULL, N_("a 补打 copy, marked and counted")},
    {"sale-mode", "amount|kwh",
     N_("how each card read starts a sale on the screens: by amount (default) or by kWh")},
    {"role", "admin|seller", N_("the operator's role")},
    {"shift", "ID", N_("a closed shift again, by its number")},
    {"tariff", "NAME|ID", N_("a tariff, by name or id (kwhpos tariff list)")},
    {"title", "TEXT", N_("the print job's title")},
    {"type", "single|ct|direct", N_("the meter type: 单相, 三相互感, 三相直通 (default single)")},
    {"unit", "NAME", N_("the site's unit name (用电单位) printed on invoices")},
};

struct cmd_help {
    const char *name;
    const char *example;
    const char *exits; /* the exit codes it may end with, beyond 0 1 2 */
};

static const struct cmd_help cmds[] = {
    {"init", "kwhpos init --area 123456 --unit 幸福小区物业 --phone 0571-88880000", "357"},
    {"ports", "kwhpos ports", ""},
    {"settings show", "kwhpos settings show", "37"},
    {"settings set", "echo \"$PW\" | kwhpos --user system settings set --monthly-free 10", "3457"},
    {"tariff list", "kwhpos tariff list", "37"},
    {"tariff add",
     "echo \"$PW\" | kwhpos --user system tariff add --name 浙江居民 --tiers "
     "2760:0.538,4800:0.588,0.838 --period annual --start-month 1",
     "3457"},
    {"tariff set", "echo \"$PW\" | kwhpos --user system tariff set --tariff 居民 --price 0.56",
     "3457"},
    {"tariff delete", "echo \"$PW\" | kwhpos --user system tariff delete --tariff 2", "3457"},
    {"tariff history", "kwhpos tariff history --tariff 浙江居民", "37"},
    {"tariff extra",
     "echo \"$PW\" | kwhpos --user system tariff extra --customer 10000001 --kwh 600", "3457"},
    {"fee list", "kwhpos fee list", "37"},
    {"reverse",
     "printf '%s\\n%s\\n' \"$PW\" \"$ADMIN_PW\" | kwhpos --user clerk reverse --invoice 1024 "
     "--reason \"记成支付宝，实为现金\" --pay cash --approver system",
     "3457"},
    {"reconcile",
     "echo \"$PW\" | kwhpos --user clerk reconcile --method wechat --format csv "
     "wechat-20261204.csv",
     "3457A"},
    {"reverse request",
     "echo \"$PW\" | kwhpos --user clerk reverse request --invoice 1024 --reason "
     "\"记成支付宝，实为现金\" --pay cash",
     "3457"},
    {"reverse list", "echo \"$PW\" | kwhpos --user system reverse list", "347"},
    {"reverse approve", "echo \"$PW\" | kwhpos --user system reverse approve 3", "3457"},
    {"reverse reject", "echo \"$PW\" | kwhpos --user system reverse reject 3 --reason \"金额无误\"",
     "3457"},
    {"fee add",
     "echo \"$PW\" | kwhpos --user system fee add --name 物业费 --kind monthly --amount 30",
     "3457"},
    {"fee set", "echo \"$PW\" | kwhpos --user system fee set --fee 物业费 --amount 35", "3457"},
    {"fee delete", "echo \"$PW\" | kwhpos --user system fee delete --fee 物业费", "3457"},
    {"arrears show", "echo \"$PW\" | kwhpos --user clerk arrears show --customer 10000001", "347"},
    {"arrears add",
     "echo \"$PW\" | kwhpos --user system arrears add --customer 10000001 --amount 120 --reason "
     "\"2025 年旧表欠费\"",
     "3457"},
    {"arrears waive",
     "echo \"$PW\" | kwhpos --user system arrears waive --customer 10000001 --amount 20 --reason "
     "\"经理批准减免\"",
     "3457"},
    {"arrears rule", "echo \"$PW\" | kwhpos --user system arrears rule --percent 20", "3457"},
    {"operator list", "echo \"$PW\" | kwhpos --user clerk operator list", "347"},
    {"operator add",
     "printf '%s\\n%s\\n%s\\n' \"$PW\" \"$NEW\" \"$NEW\" | kwhpos --user system operator add "
     "--name li --role seller",
     "3457"},
    {"operator delete", "echo \"$PW\" | kwhpos --user system operator delete --name li", "3457"},
    {"operator role", "echo \"$PW\" | kwhpos --user system operator role --name li --role admin",
     "3457"},
    {"operator passwd",
     "printf '%s\\n%s\\n%s\\n' \"$OLD\" \"$NEW\" \"$NEW\" | kwhpos --user clerk "
     "operator passwd",
     "3457"},
    {"card read", "echo \"$PW\" | kwhpos --user clerk card read", "34678"},
    {"card wipe", "echo \"$PW\" | kwhpos --user clerk card wipe", "345678"},
    {"open",
     "echo \"$PW\" | kwhpos --user clerk open --name 张三 --meter 20240001 --tariff 居民 "
     "--amount 100 --pay cash",
     "3456789"},
    {"quote", "echo \"$PW\" | kwhpos --user clerk quote --customer 10000001 --amount 50", "34567"},
    {"sell",
     "echo \"$PW\" | kwhpos --user clerk sell --customer 10000001 --amount 50 --pay wechat "
     "--print",
     "3456789"},
    {"resell", "echo \"$PW\" | kwhpos --user clerk resell --customer 10000001 --kwh 80", "3456789"},
    {"reissue",
     "echo \"$PW\" | kwhpos --user clerk reissue --customer 10000001 --unconsumed --fee 10",
     "3456789"},
    {"refund-card", "echo \"$PW\" | kwhpos --user clerk refund-card --customer 10000001", "345678"},
    {"refund", "echo \"$PW\" | kwhpos --user clerk refund --pay cash", "3456789"},
    {"meter-change",
     "echo \"$PW\" | kwhpos --user system meter-change --customer 10000001 --meter 20240009 "
     "--old-remaining 12.5",
     "3456789"},
    {"transfer", "echo \"$PW\" | kwhpos --user clerk transfer --customer 10000001 --name 李四",
     "3457"},
    {"close", "echo \"$PW\" | kwhpos --user clerk close --customer 10000001", "34578"},
    {"edit", "echo \"$PW\" | kwhpos --user system edit --customer 10000001 --phone 13800000000",
     "345678"},
    {"show", "kwhpos show --meter 20240001", "37"},
    {"tool",
     "echo \"$PW\" | kwhpos --user system tool management --limit rating --alarm 10 "
     "--overdraft 5 --hoard 2000 --quote",
     "345678"},
    {"audit verify", "kwhpos audit verify --anchors /var/lib/kwhpos/audit-anchors.log", "37"},
    {"operator unlock", "kwhpos operator unlock --name system   # as root", "2347"},
    {"pending list", "kwhpos pending list", "37"},
    {"pending cancel",
     "echo \"$PW\" | kwhpos --user system pending cancel 42 --reason \"card lost by the "
     "customer\"",
     "345678"},
    {"pending", "kwhpos pending", "37"},
    {"balance", "echo \"$PW\" | kwhpos --user clerk balance --in 园区A", "347"},
    {"area list", "echo \"$PW\" | kwhpos --user clerk area list", "347"},
    {"area add", "echo \"$PW\" | kwhpos --user system area add 园区A/1栋", "3457"},
    {"area rename", "echo \"$PW\" | kwhpos --user system area rename 园区A/1栋 --name 一栋",
     "3457"},
    {"area move", "echo \"$PW\" | kwhpos --user system area move 园区A/1栋 --under 园区B", "3457"},
    {"area delete", "echo \"$PW\" | kwhpos --user system area delete 园区A/1栋", "3457"},
    {"area assign", "echo \"$PW\" | kwhpos --user system area assign 园区A/1栋 --customer 10000001",
     "3457"},
    {"operator scope", "echo \"$PW\" | kwhpos --user system operator scope --name li 园区A 园区B",
     "3457"},
    {"card lost", "echo \"$PW\" | kwhpos --user clerk card lost --customer 10000001", "3457"},
    {"card found", "echo \"$PW\" | kwhpos --user system card found --customer 10000001", "3457"},
    {"card blacklist", "echo \"$PW\" | kwhpos --user clerk card blacklist --format csv", "347"},
    {"anomalies", "echo \"$PW\" | kwhpos --user clerk anomalies unloaded --days 14 --in 园区A",
     "347"},
    {"search", "echo \"$PW\" | kwhpos --user clerk search zsf", "347"},
    {"report areas", "echo \"$PW\" | kwhpos --user clerk report areas --from 2026-11", "347"},
    {"report daily",
     "echo \"$PW\" | kwhpos --user clerk report daily --from 2026-11-01 --to "
     "2026-11-30 --format csv",
     "347"},
    {"report monthly", "echo \"$PW\" | kwhpos --user clerk report monthly --from 2026-01", "347"},
    {"report period", "echo \"$PW\" | kwhpos --user clerk report period --from 2026-11", "347"},
    {"report shift", "echo \"$PW\" | kwhpos --user clerk report shift", "347"},
    {"report items", "echo \"$PW\" | kwhpos --user clerk report items --from 2026-11", "347"},
    {"shift close", "echo \"$PW\" | kwhpos --user clerk shift close --counted 1530.50", "3457"},
    {"query customers", "echo \"$PW\" | kwhpos --user clerk query customers --name 张", "347"},
    {"query sales", "echo \"$PW\" | kwhpos --user clerk query sales --from 2026-11-24", "347"},
    {"query transfers", "echo \"$PW\" | kwhpos --user clerk query transfers --from 2026-11", "347"},
    {"query closings", "echo \"$PW\" | kwhpos --user clerk query closings --from 2026-11", "347"},
    {"query reissues", "echo \"$PW\" | kwhpos --user clerk query reissues --from 2026-11", "347"},
    {"query meter-changes", "echo \"$PW\" | kwhpos --user clerk query meter-changes --from 2026-11",
     "347"},
    {"backup", "kwhpos backup --if-due", "3457"},
    {"restore",
     "echo \"$PW\" | kwhpos --user system restore "
     "/var/backups/kwhpos/kwhpos-20261124-180000.db",
     "3457"},
    {"check", "kwhpos check || echo \"problems: exit $?\"", "378"},
    {"db copy",
     "echo \"$PW\" | kwhpos --user system db copy --to \"host=db.example.org dbname=kwhpos "
     "user=kwhadmin sslmode=verify-full\"",
     "23457"},
    {"export customers",
     "echo \"$PW\" | kwhpos --user clerk export customers --encoding "
     "gb18030 --output customers.csv",
     "347"},
    {"export sales",
     "echo \"$PW\" | kwhpos --user clerk export sales --from 2026-11 --output sales.csv", "347"},
    {"import customers",
     "echo \"$PW\" | kwhpos --user system import customers register.csv --encoding gb18030",
     "3457"},
    {"issue-card", "echo \"$PW\" | kwhpos --user clerk issue-card --customer 10000001 --amount 50",
     "345678"},
    {"print", "echo \"$PW\" | kwhpos --user clerk print 1024 --reprint", "34579"},
    {"invoices", "echo \"$PW\" | kwhpos --user clerk invoices --limit 20", "347"},
    {"print-text", "echo \"$PW\" | kwhpos --user clerk print-text day.txt --title daily", "3479"},
    {"form check", "kwhpos form check /etc/kwhpos/forms/my.form", "3"},
    {"form backup", "echo \"$PW\" | kwhpos --user clerk form backup", "347"},
    {"form backups", "kwhpos form backups", "3"},
    {"form restore",
     "echo \"$PW\" | kwhpos --user system form restore receipt80-20261124-180000.form", "3457"},
};

static const char *const exit_text[] = {
    N_("done"),
    N_("an error not listed below; check: problems found"),
    N_("usage: a bad option, value, date or file"),
    N_("not found: no such account, tariff, operator, shift, file, database"),
    N_("denied: no --user, wrong password, locked out, the role does not allow it"),
    N_("refused by a rule: in use, already done, a limit, another site's backup"),
    N_("the card or the reader"),
    N_("the database: damaged, busy too long, I/O"),
    N_("a card write whose outcome is not known yet (read that card again)"),
    N_("not printed: the sale is done, print it again (kwhpos print)"),
    N_("reconcile: the statement and the ledger differ (the report says where)"),
};

const char *cli_exit_text(int code)
{
    return code >= 0 && code < (int)KWH_ARRAY_LEN(exit_text) ? _(exit_text[code]) : "";
}

const char *cli_option_help(const char *command, const char *key, const char **value)
{
    char full[96];

    snprintf(full, sizeof full, "%s/%s", command, key);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < KWH_ARRAY_LEN(opts); i++)
            if (strcmp(opts[i].key, pass == 0 ? full : key) == 0) {
                if (value != NULL)
                    *value = opts[i].value;
                return _(opts[i].text);
            }
    return NULL;
}

const char *cli_command_example(const char *command, const char **exits)
{
    for (size_t i = 0; i < KWH_ARRAY_LEN(cmds); i++)
        if (strcmp(cmds[i].name, command) == 0) {
            if (exits != NULL)
                *exits = cmds[i].exits;
            return cmds[i].example;
        }
    return NULL;
}

void cli_command_help(FILE *f, const struct cli_command *cmd)
{
    char spec[512], *save = NULL;
    const char *exits = "", *example = cli_command_example(cmd->name, &exits);

    fprintf(f, "%s kwhpos %s%s%s\n  %s\n", _("usage:"), cmd->name, cmd->usage[0] ? " " : "",
            cmd->usage, _(cmd->help));
    if (cmd->options[0] != '\0') {
        fprintf(f, "\n%s\n", _("options:"));
        str_copy(spec, sizeof spec, cmd->options);
        for (char *k = strtok_r(spec, " ", &save); k != NULL; k = strtok_r(NULL, " ", &save)) {
            const char *value = NULL, *text;
            char left[64];
            size_t len = strlen(k);
            if (len > 0 && k[len - 1] == '=')
                k[len - 1] = '\0';
            text = cli_option_help(cmd->name, k, &value);
            snprintf(left, sizeof left, "--%s%s%s", k, value ? " " : "", value ? value : "");
            if (strlen(left) > 24)
                fprintf(f, "  %s\n  %-24s %s\n", left, "", text ? text : "");
            else
                fprintf(f, "  %-24s %s\n", left, text ? text : "");
        }
    }
    if (example != NULL)
        fprintf(f, "\n%s\n  %s\n", _("example:"), example);
    fprintf(f, "\n%s\n", _("exit codes:"));
    for (int code = 0; code <= CLI_DIFFERS; code++)
        if (code <= 2 || strchr(exits, code < 10 ? '0' + code : 'A' + code - 10) != NULL)
            fprintf(f, "  %d  %s\n", code, cli_exit_text(code));
}
