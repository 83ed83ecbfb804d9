#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# 数据文件 in the TUI: 数据备份 to a chosen folder (remembered in the station file, the copy passes
# integrity_check), 数据恢复 refused to a seller by the core and done by the
# administrator (an account closed after the backup is open again, everyone logs in
# again), the first card of an imported account written after the restore, and the
# automatic backup on leaving.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

tui_site || { echo "not ok - site"; exit 1; }
k() { "$KWHPOS" --db "$TUI_DB" "$@"; }
db "update operators set must_change=0 where name='system'" >/dev/null
printf '1\nclerk-pw-1\nclerk-pw-1\n' | k --user system operator add --name clerk --role seller >/dev/null
db "update operators set must_change=0" >/dev/null
printf 'name,meter,tariff,address\n张三,10000001,1,一号楼101\n李四,10000002,1,一号楼102\n' >"$T/c.csv"
echo 1 | k --user system import customers "$T/c.csv" >/dev/null

tui_ini "language=zh_CN" "backup.interval_hours=0"
tui_start
tui_login system 1
tui_wait "F9"

# --- M27 数据备份 into a folder of our choice ---------------------------------------------
tui_menu 7 1
tui_see "backup screen" "备份文件夹"
tui_keys C-u; tui_type "$T/bk"; tui_keys Enter
tui_see "backup done" "备份完成" 20
tui_like "its integrity was checked" "完整性检查 +通过"
tui_keys Enter
backup=$(ls "$T"/bk/kwhpos-*.db 2>/dev/null | head -n 1)
ok "the backup file is in the folder" test -f "$backup"
is "and passes integrity_check" "$(sqlite3 "$backup" 'PRAGMA integrity_check')" ok
like "the folder is remembered in the station file" "$(sed -n '/^\[backup\]/,/^\[/p' "$T/station.ini")" "dir = $T/bk"
unlike "and not in the INI" "$(cat "$TUI_INI")" "$T/bk"
tui_see "the screen lists the backup" "$(basename "$backup")"
tui_stop

# an account closed after the backup
echo 1 | k --user system close --customer 10000002 >/dev/null
is "account closed after the backup" "$(db "select status from customers where customer_no = 10000002")" 3

# --- M28 数据恢复: refused to a seller by the core (in English) ---------------------------
tui_ini "language=en" "backup.interval_hours=0" "backup.dir=$T/bk"
tui_start
tui_login clerk clerk-pw-1
tui_wait "F9"
tui_menu 7 2
tui_see "en: restore screen lists the backup" "$(basename "$backup")"
tui_keys Enter
tui_wait "Replace the database" && tui_keys Enter
tui_see "en: the core refuses a seller" "needs an administrator"
tui_keys Enter
is "nothing was restored" "$(db "select status from customers where customer_no = 10000002")" 3
tui_keys F9 7
tui_see "en: the seller's files menu has no invoice layout restore" "Restore data"
unlike "en: (hidden)" "$(tui_screen)" "Restore invoice layout"
tui_keys Escape Escape
tui_stop

# --- M28 数据恢复 by the administrator ------------------------------------------------------
tui_ini "language=zh_CN" "backup.interval_hours=0" "backup.dir=$T/bk"
tui_start
tui_login system 1
tui_wait "F9"
tui_menu 7 2
tui_see "restore screen" "$(basename "$backup")"
tui_keys Enter
tui_wait "用以下备份替换当前数据库" && tui_keys Enter
tui_see "restored" "数据已恢复" 20
tui_keys Enter
tui_see "everyone logs in again" "系统登录"
is "the account closed after the backup is open again" \
    "$(db "select status from customers where customer_no = 10000002")" 1
ok "the database before the restore is kept" ls "$T"/bk/kwhpos-*-prerestore.db
tui_login system 1
tui_wait "F9"

# --- the first card of an imported account, on the restored database ----------------------
tui_menu 2 2
tui_see "first card screen" "导入用户发卡"
tui_keys F3
tui_wait "查询用户" && tui_type "10000001" && tui_keys Enter
tui_see "the imported account is found" "张三"
tui_keys Enter
tui_wait "写第一张卡" && tui_keys Enter
tui_see "the first card is written" "已发卡" 20
tui_keys Enter
is "the account has its card" "$(db "select length(card_serial) > 0, purchase_count from customers where customer_no = 10000001")" "1|1"
tui_stop
is "a user card is in the reader" "$(card_type c0)" user

# --- the automatic backup on leaving -------------------------------------------------------
# the station's remembered folder overrides the INI's: without it, the INI's applies
rm "$T/station.ini"
tui_ini "language=en" "backup.interval_hours=24" "backup.dir=$T/auto"
tui_start
tui_login system 1
tui_wait "F9"
tui_stop
ok "a session that changed nothing leaves no backup" test ! -e "$T"/auto
tui_start
tui_login system 1
tui_wait "F9"
tui_menu 1 2
tui_wait "Unit name" && tui_keys C-u && tui_type "阳光小区物业" && tui_keys Enter
tui_see "a change: the unit's name" "Invoices print the new name"
tui_stop
ok "leaving after a change took the backup that was due" ls "$T"/auto/kwhpos-*.db
done_testing
