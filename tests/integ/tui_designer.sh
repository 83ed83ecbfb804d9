#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# 发票格式调整 (M8) and 发票恢复 (M29) in the TUI: the designer moves a field (refusing the
# page's edge), deletes one, adds a field and a title, previews with sample values and
# saves the same text file a person writes; 保存发票格式 keeps a copy; a seller is
# refused 恢复发票格式 by the core, an administrator puts the copy back. The form named in
# the INI is never written: the edited form goes to the station's forms/ folder (beside
# the database here) and is the one in use from then on.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

tui_site || { echo "not ok - site"; exit 1; }
db "update operators set must_change=0 where name='system'" >/dev/null
printf '1\nclerk-pw-1\nclerk-pw-1\n' |
    "$KWHPOS" --db "$TUI_DB" --user system operator add --name clerk --role seller >/dev/null
db "update operators set must_change=0" >/dev/null
FORM=$T/r80.form
cp "$KWH_TOP/forms/receipt80.form" "$FORM"
chmod a-w "$FORM" # as installed under /usr/share/kwhpos/forms
settings=("backup.interval_hours=0" "print.form=$FORM" "print.form_backups=$T/fb")

tui_ini "language=zh_CN" "${settings[@]}"
tui_start
tui_login system 1
tui_wait "F9"
tui_menu 1 7
tui_see "the designer shows the form" "{unit                                         ^}"
tui_see "the first item is selected" "变量 {unit} 用电单位：第 1 行，第 1 列，宽 48"
# F1 lists the designer's own keys, not the form fields' generic ones
tui_keys F1
tui_see "F1: the designer's move keys" "上、下、左、右：移动所选项目"
tui_see "F1: and its width keys" "+、-：加宽或缩窄所选字段"
unlike "F1: not the fields' keys" "$(tui_screen)" "在输入项之间移动"
tui_keys Enter

# move {sale_type} two columns right; a third step left of the page is refused
tui_keys Tab Tab
tui_see "Tab selects the next item" "变量 {sale_type} 业务类型：第 3 行，第 1 列"
tui_keys Right Right
tui_see "the arrows move it" "变量 {sale_type} 业务类型：第 3 行，第 3 列"
tui_keys Left Left Left
tui_see "past the page's edge is refused" "超出了页面的上边或左边"
tui_see "and the field stays on the page" "第 3 行，第 1 列"
tui_keys Right Right

# delete {reprint}, add {unit_tel} and a title
tui_keys Tab
tui_see "the next item" "变量 {reprint}"
tui_keys DC
tui_see "Del deletes it" "已删除"
tui_keys F5
tui_wait "添加变量或标题" && tui_keys Up Right Enter
tui_see "a field from the variable list" "已添加"
tui_keys F5
tui_wait "添加变量或标题" && tui_type "测试标题" && tui_keys Enter
tui_see "a title" "测试标题"
tui_keys F2
tui_see "F2 previews with sample values" "壹佰贰拾捌元伍角"
tui_keys F2
tui_keys Enter
tui_see "Enter saves" "发票格式已保存"
ok "the installed form is not written" cmp "$FORM" "$KWH_TOP/forms/receipt80.form"
FORM=$T/forms/r80.form
tui_see "the message names the station's copy" "$FORM"
ok "the saved file has the moved field at its new column" grep -q '^  {sale_type  }' "$FORM"
unlike "without the deleted field" "$(cat "$FORM")" "\{reprint"
ok "with the added field" grep -q '{unit_tel' "$FORM"
ok "and the title" grep -q '测试标题' "$FORM"
ok "the saved form is good" "$KWHPOS" form check "$FORM"
like "form check without a file checks the station's copy" \
    "$("$KWHPOS" -c "$TUI_INI" form check 2>&1)" "$FORM"

# 保存发票格式, then a change saved over it
tui_keys F7
tui_see "F7 saves a copy" "发票格式已备份为"
copy=$(ls "$T"/fb/*.form 2>/dev/null | head -n 1)
ok "the copy is in the backup folder" cmp "$copy" "$FORM"
tui_keys DC Enter
tui_see "another change saved" "发票格式已保存"
ok "the form now differs from the copy" test "$(cat "$FORM")" != "$(cat "$copy")"
tui_stop

# --- 恢复发票格式: a seller is refused by the core (in English) ---------------------------------
tui_ini "language=en" "${settings[@]}"
tui_start
tui_login clerk clerk-pw-1
tui_wait "F9"
tui_menu 1 3
tui_see "en: the seller opens the designer" "Field {unit}"
tui_keys F8
tui_see "en: F8 lists the saved copies" "$(basename "$copy")"
tui_keys Enter
tui_wait "Replace the invoice layout" && tui_keys Enter
tui_see "en: the core refuses a seller" "needs an administrator"
tui_keys Enter
ok "en: the form is unchanged" test "$(cat "$FORM")" != "$(cat "$copy")"
tui_keys Escape
tui_see "en: Esc goes back to the designer" "Field {unit}"
tui_stop

# --- 发票恢复 by the administrator ----------------------------------------------------------
tui_ini "language=zh_CN" "${settings[@]}"
tui_start
tui_login system 1
tui_wait "F9"
tui_menu 7 3
tui_see "the invoice layout restore lists the copy" "$(basename "$copy")"
tui_keys Enter
tui_wait "用以下备份替换当前发票格式" && tui_keys Enter
tui_see "restored" "发票格式已恢复"
ok "the form is the copy again" cmp "$copy" "$FORM"
is "saves, copy and restore are in the audit log" \
    "$(db "select count(*) from audit where op like 'form-%'")" 4
tui_stop
done_testing
