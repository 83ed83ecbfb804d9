#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# pg-load.sh SQLITE_DB URL: the benchmark's site into an empty PostgreSQL database with
# COPY (not a test). kwhpos init makes the schema; the tables are emptied and every row
# of the SQLite site goes in as CSV, the maintained tables (totals, sales_sum) as they
# are (triggers off while loading: session_replication_role = replica); the secondary
# indexes are dropped first and made again from their own definitions afterwards; the
# identity columns continue after the ids loaded; the search's trigram tables made from
# the accounts (customers_gram_rebuild(), as the schema's migration does); ANALYZE.
set -eu
src=$1 url=$2
KWHPOS=${KWHPOS:?}
q() { psql -XAtq -v ON_ERROR_STOP=1 "$url" "$@"; }
secs() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }

"$KWHPOS" --db "$url" init --area 314159 >/dev/null
tables="settings operators tariffs tariff_prices customers totals card_ops sales events audit sales_sum sales_sum_day sales_sum_month shifts"
q -c "TRUNCATE $(echo $tables | sed 's/ /, /g') RESTART IDENTITY CASCADE"
idx=$(q -c "SELECT indexname FROM pg_indexes i WHERE schemaname = current_schema() AND
            tablename IN ('customers', 'sales', 'card_ops', 'events') AND NOT EXISTS
            (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)")
defs=$(q -c "SELECT indexdef || ';' FROM pg_indexes i WHERE schemaname = current_schema() AND
             tablename IN ('customers', 'sales', 'card_ops', 'events') AND NOT EXISTS
             (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)")
for i in $idx; do q -c "DROP INDEX $i"; done
for t in $tables; do
    cols=$(sqlite3 "$src" "SELECT group_concat(name, ', ') FROM pragma_table_info('$t')")
    sel=$(sqlite3 "$src" "SELECT group_concat(CASE WHEN type = 'BLOB' THEN
        'CASE WHEN ' || name || ' IS NULL THEN NULL ELSE ''\\x'' || hex(' || name || ') END'
        ELSE name END, ', ') FROM pragma_table_info('$t')")
    t0=$(date +%s%N)
    sqlite3 -csv -nullvalue '\N' "$src" "SELECT $sel FROM $t" |
        PGOPTIONS='-c session_replication_role=replica' \
            q -c "COPY $t ($cols) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    printf 'COPY %-14s %10s rows %8s s\n' "$t" "$(q -c "SELECT count(*) FROM $t")" "$(secs "$t0")"
done
t0=$(date +%s%N)
printf '%s\n' "$defs" | q
for t in operators tariffs tariff_prices customers card_ops sales events shifts; do
    q -c "SELECT setval(pg_get_serial_sequence('$t', 'id'), max(id)) FROM $t HAVING max(id) > 0" >/dev/null
done
printf 'indexes again         %8s s\n' "$(secs "$t0")"
t0=$(date +%s%N)
q -c "SELECT customers_gram_rebuild()" >/dev/null
printf 'search trigrams       %8s s (%s rows)\n' "$(secs "$t0")" "$(q -c "SELECT count(*) FROM customers_gram")"
t0=$(date +%s%N)
q -c "VACUUM ANALYZE"
printf 'VACUUM ANALYZE        %8s s\n' "$(secs "$t0")"
