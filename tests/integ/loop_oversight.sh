#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-backends: sqlite pg
# Oversight through the kwhpos command line against `kwhsim serve`: the area tree (and
# its refusals), accounts opened into areas on real simulated cards, a seller limited to
# one area (refused outside it, shown only it), queries, the balance and the per-area
# breakdown by area, the search (pinyin initials), the import's area column, a card
# reported lost and found, an old card after a reissue, and a copied card file used
# twice after its purchase reached the meter.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"
export TZ=Asia/Shanghai

M1=11110001 M2=11110002 M3=11110003
LI=li-pass-12
li() { printf '%s\n' "$LI" | "$KWHPOS" -c "$INI" --user li "$@"; }
rows() { printf '%s\n' "$OUT" | grep -c "$1"; }

start_sim
ok "the simulator starts" test -S "$D/control.sock"
ok "a site is created" new_site "$INI" "$DB" 123456
printf '%s\nli-first-1\nli-first-1\n' "$PW" | "$KWHPOS" -c "$INI" --user system operator add --name li \
    --role seller >/dev/null
# a new operator sets their own password at the first login
printf 'li-first-1\n%s\n%s\n' "$LI" "$LI" | "$KWHPOS" -c "$INI" --user li operator passwd >/dev/null

# --- the tree ----------------------------------------------------------------------------
run kp area add 园区A
is "area add 园区A: exit 0, its id" "$RC:$OUT" "0:#2"
run kp area add 园区A/1栋
is "area add 园区A/1栋" "$RC" 0
run kp area add 园区B
run kp area add 园区C/1栋
is "under an area that is not there: exit 3" "$RC" 3
like "saying which and where to look" "$OUT" "no area 园区C.*kwhpos area list"
run kp area add '园区A/a/b'
is "two levels at once: exit 3 (园区A/a is not there)" "$RC" 3
run kp area move 园区A --under 园区A/1栋
is "a cycle is refused: exit 2" "$RC" 2
like "saying why" "$OUT" "its own subtree .*cycle"
run li area add 园区D
is "a seller adds no area: exit 4" "$RC" 4
run kp area rename 园区B --name 'B/2'
is "a name with / is refused: exit 2" "$RC" 2
run kp area list --format csv
is "the list as CSV: the root and three areas" "$(printf '%s' "$OUT" | tr -d '\r' | tr '\n' ' ')" \
    "id,area,depth,accounts #1,/,0,0 #2,园区A,1,0 #3,园区A/1栋,2,0 #4,园区B,1,0"

# --- accounts opened into areas on cards ------------------------------------------------
sim new-meter $M1 >/dev/null
sim new-meter $M2 >/dev/null
sim new-card c1 >/dev/null
sim insert c1 >/dev/null
run kp open --name 张三丰 --meter $M1 --tariff 居民生活用电 --kwh 100 --in 园区A/1栋
is "open into 园区A/1栋" "$RC:$(kv state)" "0:done"
A=$(kv customer)
sim eject >/dev/null
sim new-card c2 >/dev/null
sim insert c2 >/dev/null
run kp open --name 李四 --meter $M2 --tariff 居民生活用电 --kwh 50 --in 园区B
is "open into 园区B" "$RC:$(kv state)" "0:done"
B=$(kv customer)
sim eject >/dev/null
is "database: the accounts in their areas" \
    "$(q "SELECT c.customer_no || ':' || a.name FROM customers c JOIN areas a ON a.id = c.area_id ORDER BY 1")" \
    "$(printf '%s:1栋\n%s:园区B' "$A" "$B")"
run kp area delete 园区A/1栋
is "an area with an account is not deleted: exit 5" "$RC" 5
like "saying what holds it" "$OUT" "1栋"

# --- a seller limited to 园区A -------------------------------------------------------------
run kp operator scope --name li 园区A
is "li limited to 园区A" "$RC" 0
like "shown" "$OUT" "area: #2 园区A"
sim insert c2 >/dev/null
run li sell --customer "$B" --kwh 10
is "li sells nothing in 园区B: exit 4" "$RC" 4
like "naming the area" "$OUT" "园区B"
run li card read
is "nor reads its card: exit 4" "$RC" 4
is "no sale recorded" "$(q "SELECT count(*) FROM sales")" 2
sim eject >/dev/null
run li show --customer "$B"
is "nor shows it: exit 4" "$RC" 4
like "naming its area" "$OUT" "园区B"
unlike "and nothing of the account" "$OUT" "李四"
run li show --meter $M1
is "li shows 园区A's account" "$RC:$(kv meter)" "0:$M1"
run li query customers --format csv
is "li's query shows 园区A's account only" "$(rows ",$M1,")/$(rows ",$M2,")" "1/0"
run kp query customers --in 园区B --format csv
is "the admin's query --in 园区B" "$(rows ",$M1,")/$(rows ",$M2,")" "0/1"
run kp query sales --in 园区A --format json
like "sales --in 园区A: one purchase of 100 kWh" "$OUT" '"count":1,.*"kwh":"?100.00'
run kp balance --in 园区A
is "balance --in 园区A" "$(kv accounts) $(kv balance_kwh)" "1 100.00"
run li balance
is "li's balance is 园区A's" "$(kv accounts) $(kv balance_kwh)" "1 100.00"
run kp balance
is "the site's balance" "$(kv accounts) $(kv balance_kwh)" "2 150.00"
run kp report areas --format csv
like "report areas: 园区A with its subtree" "$OUT" "园区A,1,100.00,52.83,0.00,1,100.00,52.83"
like "and 园区B" "$OUT" "园区B,1,50.00,26.42,0.00,1,50.00,26.42"
run li report areas --format csv
unlike "li's breakdown has no 园区B" "$OUT" "园区B"
run kp report areas --in 园区A --format csv
is "report areas --in 园区A: 园区A and its subtree only" \
    "$(printf '%s' "$OUT" | tr -d '\r' | cut -d, -f1,2,6 | tr '\n' ' ')" \
    "area,accounts,sales 园区A,1,1 园区A/1栋,1,1 "
run kp report areas --operator li --format csv
like "--operator li: li sold nothing, the balances stay" "$OUT" "园区A,1,100.00,52.83,0.00,0,0.00,0.00"
run kp report shift --in 园区B --format csv
like "report shift --in 园区B: the shift's part there, 李四's opening" "$OUT" "^open,1,26.42,0.00,26.42"
run kp report shift --format csv
like "  the whole shift: both openings" "$OUT" "open,2,79.25,0.00,79.25"
run li report shift --in 园区B
is "li's shift in 园区B is refused: exit 4" "$RC" 4
run kp shift close --counted 79.25
SHIFT=$(q "SELECT max(id) FROM shifts")
is "the shift closed, exact" "$RC:$(q "SELECT counted_cash_fen - expected_cash_fen FROM shifts WHERE id = $SHIFT")" "0:0"
run kp report shift --shift "$SHIFT" --in 园区B --format csv
like "the closed shift's part in 园区B: 李四's opening" "$OUT" "^open,1,26.42,0.00,26.42"
unlike "  with no count (the drawer's is the whole's)" "$OUT" "counted"
run li report shift --shift "$SHIFT" --in 园区B
is "li's view of it in 园区B is refused: exit 4" "$RC" 4
run kp report shift --shift "$SHIFT" --operator li
is "--shift with --operator: exit 2" "$RC" 2
run kp report areas --operator nobody
is "an unknown operator: exit 3" "$RC" 3
like "named" "$OUT" "no operator named nobody"
run li report areas --in 园区B
is "li's breakdown of 园区B is refused: exit 4" "$RC" 4
run li area list
unlike "li's area list has no 园区B" "$OUT" "园区B"
run li invoices
is "li's invoice list: 园区A's opening only" "$RC:$(rows 张三丰)/$(rows 李四)" "0:1/0"
run kp invoices
is "  the administrator's: both" "$(rows 张三丰)/$(rows 李四)" "1/1"
INV_B=$(q "SELECT s.invoice_no FROM sales s JOIN customers c ON c.id = s.customer_id WHERE c.customer_no = $((10#$B))")
run kp reverse request --invoice "$INV_B" --reason 顾客未付款
is "a 冲正 request on 园区B's opening" "$RC" 0
REQ_B=$(kv request)
run li reverse list --all
is "li's request list has none of 园区B" "$RC:$(rows 李四)" "0:0"
run kp reverse list
is "  the administrator's has it" "$(rows 李四)" 1
run kp reverse reject "$REQ_B" --reason 已付款
is "  and rejects it" "$RC" 0

# --- the search ----------------------------------------------------------------------------
run kp search zsf --format csv
is "zsf finds 张三丰" "$(rows '张三丰')/$(rows '李四')" "1/0"
run kp search 张三 --format csv
is "the start of the name" "$(rows '张三丰')" 1
run kp search 三丰 --format csv
is "two characters inside a name are not searched (three or more are)" "$(rows '张三丰')" 0
run kp search $M2 --format csv
is "the meter number" "$(rows '李四')" 1
run li search ls --format csv
is "li does not find 园区B's 李四" "$(rows '李四')" 0
run kp search ''
is "an empty search: exit 2" "$RC" 2

# --- the import's area column ---------------------------------------------------------------
printf 'name,meter,tariff,area\n王五,11110005,居民生活用电,园区A/1栋\n赵六,11110006,居民生活用电,\n' >"$T/ok.csv"
run kp import customers "$T/ok.csv"
is "an import with areas" "$RC" 0
is "database: 王五 in 1栋, 赵六 at the top" \
    "$(q "SELECT a.name FROM customers c JOIN areas a ON a.id = c.area_id WHERE c.meter_no IN (11110005, 11110006) ORDER BY c.meter_no")" \
    "$(printf '1栋\n')"
printf 'name,meter,tariff,area\n钱七,11110007,居民生活用电,园区Z\n' >"$T/bad.csv"
run kp import customers "$T/bad.csv"
is "an unknown area in the import: exit 2" "$RC" 2
like "named with its line" "$OUT" "bad.csv:2: no area 园区Z"
is "and nothing imported" "$(q "SELECT count(*) FROM customers WHERE meter_no = 11110007")" 0

# --- lost, found -------------------------------------------------------------------------
sim insert c1 >/dev/null
sim eject >/dev/null
is "the meter takes 张三丰's card" "$(mi $M1 c1)" "good"
sim insert c1 >/dev/null
run li card lost --customer "$A"
is "li reports 张三丰's card lost" "$RC" 0
run li sell --customer "$A" --kwh 10
is "the lost card is refused: exit 6" "$RC" 6
like "naming the account and when" "$OUT" "account $A .*reported lost on 20"
run kp card blacklist --format csv
like "the blacklist has it, one attempt" "$OUT" ",lost,.*,$A,张三丰,li,1,"
run li card found --customer "$A"
is "a seller does not take it off: exit 4" "$RC" 4
run kp card found --customer "$A"
is "the admin does" "$RC" 0
run li sell --customer "$A" --kwh 10
is "and it sells again" "$RC:$(kv state)" "0:done"
sim eject >/dev/null

# --- a copied card file used twice ----------------------------------------------------------
cp "$D/c1.card" "$D/copy.card"
is "the meter takes the 10 kWh" "$(mi $M1 c1)" "good"
sim insert c1 >/dev/null
run kp card read
is "the counter sees it loaded" "$(kv in_meter)" "yes"
sim eject >/dev/null
cp "$D/copy.card" "$D/c1.card"
sim insert c1 >/dev/null
n=$(q "SELECT count(*) FROM sales")
run kp resell --customer "$A" --amount 0.01
is "the copy is refused for a re-sale: exit 6" "$RC" 6
like "as an old copy" "$OUT" "old copy"
is "no sale recorded" "$(q "SELECT count(*) FROM sales")" "$n"
is "the refusal is audited" "$(q "SELECT count(*) FROM audit WHERE op = 'card-refused'")" 2
sim eject >/dev/null

# --- a reissue: the old card refused, on the blacklist, off it when wiped ------------------
cp "$D/copy.card" "$D/old.card"
sim new-card c3 >/dev/null
sim insert c3 >/dev/null
run kp reissue --customer "$A" --consumed
is "a reissue for 张三丰" "$RC:$(kv state)" "0:done"
sim eject >/dev/null
sim insert old >/dev/null
run kp sell --customer "$A" --kwh 1
is "the old card is refused: exit 6" "$RC" 6
like "as replaced by the reissue" "$OUT" "replaced by a reissued card"
run kp card blacklist --format csv
like "on the list as replaced" "$OUT" ",replaced,20.*,$A,"
run kp card wipe
is "the old card is wiped" "$RC" 0
run kp card blacklist --format csv
is "and off the list" "$(rows ",replaced,20")" 0
sim eject >/dev/null

# --- unrestricted again ------------------------------------------------------------------------
run kp operator scope --name li --clear
like "li unrestricted" "$OUT" "areas: all"
run li query customers --in 园区B --format csv
is "li sees 园区B again" "$(rows ",$M2,")" 1
is "every change of the tree and scope is audited" \
    "$(q "SELECT count(*) FROM audit WHERE op LIKE 'area-%' OR op = 'operator-scope'")" 5

# --- 过户 to a new owner in another area ------------------------------------------------------
owner() { q "SELECT c.name || ':' || a.name FROM customers c JOIN areas a ON a.id = c.area_id WHERE c.customer_no = $B"; }
run kp transfer --customer "$B" --name 王五 --in 园区C
is "transfer --in an unknown area: exit 3" "$RC" 3
is "  before anything is written" "$(owner)" "李四:园区B"
run kp transfer --customer "$B" --name 王五 --in 园区A/1栋
is "transfer --in 园区A/1栋: exit 0" "$RC" 0
like "  saying the area" "$OUT" "in area 园区A/1栋"
is "  王五 owns it, in 1栋" "$(owner)" "王五:1栋"
run li transfer --customer "$B" --name 李四 --in 园区B
is "a seller's move is refused: exit 4" "$RC" 4
like "  saying the transfer is done" "$OUT" "the transfer is done, the account stays in its area"
is "  李四 owns it, still in 1栋" "$(owner)" "李四:1栋"
run kp transfer --customer "$B" --name 李四 --in 园区B
is "and back to 园区B" "$(owner)" "李四:园区B"

# --- export: formulas as text, a byte order mark, and back in through import --------------
printf 'name,meter,tariff,area\n=1+1,11110008,居民生活用电,园区B\n"@cmd,x",11110009,居民生活用电,\n' >"$T/f.csv"
run kp import customers "$T/f.csv"
is "names that look like formulas import" "$RC" 0
run kp export customers --bom --output "$T/out.csv"
is "export --bom" "$RC" 0
is "the file starts with the UTF-8 byte order mark" "$(head -c 3 "$T/out.csv" | od -An -tx1 | tr -d ' ')" "efbbbf"
like "=1+1 is written as text" "$(cat "$T/out.csv")" ",'=1\+1,"
like "so is @cmd (quoted for its comma)" "$(cat "$T/out.csv")" ",\"'@cmd,x\","
like "the account's area is a column" "$(cat "$T/out.csv")" ",园区A/1栋"
run kp export customers --bom --encoding gb18030
is "--bom with GB18030: exit 2" "$RC" 2
ok "a second site" new_site "$T/k2.ini" "$T/site2.db" 123456
for a in 园区A 园区A/1栋 园区B; do KINI=$T/k2.ini kp area add "$a" >/dev/null; done
KINI=$T/k2.ini run kp import customers "$T/out.csv"
is "the export imports into the second site" "$RC" 0
KINI=$T/k2.ini run kp export customers --output "$T/back.csv"
# the same accounts (numbers, names, meters, parameters, tariff, count, area); the cards,
# balances and times are the new site's own
cols() { tail -n +2 "$1" | tr -d '\r' | sed 's/^\xef\xbb\xbf//' | awk -F, '{print $1","$2","$5","$6","$9","$13","$14","$15","$NF}' | sort; }
is "read back as written" "$(cols "$T/back.csv")" "$(cols "$T/out.csv")"
is "=1+1 came back as it was" "$(KINI=$T/k2.ini kp query customers --meter 11110008 --format json | grep -o '"name":"[^"]*"')" '"name":"=1+1"'

# --- db copy takes the tree, the scopes, the blacklist and the reads along ----------------------
run kp db copy --to "$T/copy.db"
is "db copy: exit 0 (and it verified the copy)" "$RC" 0
run kp area list --format csv
orig=$OUT
OUT=$(printf '%s\n' "$PW" | "$KWHPOS" --db "$T/copy.db" --user system area list --format csv)
is "the copy has the same tree and counts" "$OUT" "$orig"
OUT=$(printf '%s\n' "$PW" | "$KWHPOS" --db "$T/copy.db" --user system area add 园区B/新楼)
like "and a new area in it gets a new id" "$OUT" "^#[0-9]+$"
is "the copy's reads and blacklist" "$(sqlite3 "$T/copy.db" "SELECT (SELECT count(*) FROM card_seen) > 0, (SELECT count(*) FROM customers WHERE area_id IS NULL)")" "1|0"

# --- xlsx: read back and compared with the CSV ---------------------------------------------
# each cell as the CSV has it: numbers equal, text equal (the CSV's formula apostrophe off)
same_as_csv() {
    /usr/bin/python3 - "$1" "$2" "${3:-en}" <<'PYEOF'
import csv, sys, openpyxl
xl, cs, lang = sys.argv[1], sys.argv[2], sys.argv[3]
sheet = 0
ws = openpyxl.load_workbook(xl).worksheets[sheet]
rows = list(csv.reader(open(cs, encoding="utf-8-sig")))
got = [[c for c in r] for r in ws.iter_rows(values_only=True)]
assert ws.freeze_panes == "A2", "header row not frozen: %r" % ws.freeze_panes
assert len(got) == len(rows), "%d rows, the CSV has %d" % (len(got), len(rows))
for i, (g, w) in enumerate(zip(got, rows)):
    if i == 0 and lang != "en":
        continue  # the headers are translated: printed below
    for j, want in enumerate(w):
        v = g[j] if j < len(g) else None
        if i > 0 and want.startswith("'") and want[1:2] in "=+-@\t\r":
            want = want[1:]
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            assert abs(v - float(want)) < 1e-9, (i, j, v, want)
        else:
            assert (v or "") == want, (i, j, v, want)
money = [c.number_format for c in ws[2]]
print("ok", len(got), ",".join(str(c) for c in got[0]), "|".join(money))
PYEOF
}
run kp query customers --format csv
printf '%s\n' "$OUT" >"$T/q.csv"
kp query customers --format xlsx >"$T/q.xlsx"
r=$(same_as_csv "$T/q.xlsx" "$T/q.csv" 2>&1)
like "query customers: the xlsx has every cell of the CSV" "$r" "^ok "
is "the meter number 11110008 is text in it" "$(/usr/bin/python3 -c "import openpyxl,sys; ws=openpyxl.load_workbook(sys.argv[1]).active; print([r[4] for r in ws.iter_rows(min_row=2, values_only=True)].count('11110008'))" "$T/q.xlsx")" 1
run kp query sales --from 2020-01 --format csv
printf '%s\n' "$OUT" >"$T/s.csv"
kp query sales --from 2020-01 --format xlsx >"$T/s.xlsx"
r=$(same_as_csv "$T/s.xlsx" "$T/s.csv" 2>&1)
like "query sales: the same, money as money" "$r" '^ok .*"¥"#,##0.00'
run kp report daily --from 2020-01-01 --format csv
printf '%s\n' "$OUT" >"$T/d.csv"
LANGUAGE=zh_CN kp report daily --from 2020-01-01 --format xlsx >"$T/d.xlsx"
r=$(same_as_csv "$T/d.xlsx" "$T/d.csv" zh 2>&1)
like "report daily: Chinese headers, the rest as the CSV" "$r" "^ok [0-9]+ 日期,起,止,笔数,电量,"
head=$(/usr/bin/python3 -c "import openpyxl,sys; print(','.join(openpyxl.load_workbook(sys.argv[1]).sheetnames))" "$T/d.xlsx")
is "its worksheets" "$head" "日报表,按业务,按付款方式"
r=$(script -qec "$KWHPOS -c $INI report areas --format xlsx" /dev/null 2>&1 | tr -d '\r'; echo "rc=${PIPESTATUS[0]}")
like "xlsx to a terminal is refused" "$r" "send it to one"
like "with exit 2" "$r" "rc=2"
done_testing
