#!/usr/bin/env bash
# Benchmark (not a test): streamed CDR CSV export of N rows (default 1,000,000) on PostgreSQL,
# compared in the same run with `psql \copy (the same query) TO STDOUT CSV`.
# Reports rows/s of both and their ratio, the gateway's peak RSS growth during the export and the
# time to first byte. Targets (issue 4): ratio >= 0.5, RSS growth < 20 MB, first byte < 1 s.
#
#   scripts/bench-cdr-export.sh [ROWS]        (make bench runs it)
#
# Needs PostgreSQL (PG_URL, default postgres://postgres@127.0.0.1:5432/test; a scratch database is
# created next to it and dropped afterwards), psql and curl. Builds the release binary.
set -euo pipefail

ROWS="${1:-${BENCH_ROWS:-1000000}}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
SERVER_URL="${PG_URL%/*}"
DB="pbxgw_bench_$$"
DB_URL="$SERVER_URL/$DB"
KEY="pgw_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
WORK="$(mktemp -d)"
SERVER_PID=""

cleanup() {
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }

echo "building release binary..." >&2
cargo build --release -q --bin pbx-gateway
BIN="target/release/pbx-gateway"

psql -q "$PG_URL" -c "CREATE DATABASE $DB" >/dev/null
"$BIN" --database-url "$DB_URL" migrate 2>/dev/null
psql -q "$DB_URL" -c "INSERT INTO te_tenants (te_code, te_name, te_created_at, te_updated_at) VALUES ('BENCH', 'Benchmark tenant', '2026-01-01 00:00:00', '2026-01-01 00:00:00')" >/dev/null
TE_ID="$(psql -qtA "$DB_URL" -c "SELECT te_id FROM te_tenants WHERE te_code = 'BENCH'")"

echo "writing $ROWS CDRs..." >&2
psql -q "$DB_URL" >/dev/null <<SQL
INSERT INTO cdr (calldate, answer, "end", clid, src, dst, dcontext, channel, dstchannel, lastapp, lastdata,
                 duration, billsec, disposition, amaflags, accountcode, uniqueid, userfield, linkedid, te_id,
                 realsrc, firstdst, lastdst, wherelanded, whoanswered, direction, cc_cost)
SELECT to_char(t, 'YYYY-MM-DD HH24:MI:SS'),
       CASE WHEN g % 5 <> 0 THEN to_char(t + interval '7 seconds', 'YYYY-MM-DD HH24:MI:SS') END,
       to_char(t + (g % 600) * interval '1 second', 'YYYY-MM-DD HH24:MI:SS'),
       '"Caller ' || (g % 977) || '" <3912345' || lpad((g % 1000)::text, 3, '0') || '>',
       '3912345' || lpad((g % 1000)::text, 3, '0'), (100 + g % 50)::text, 'from-trunk-BENCH',
       'PJSIP/trunk-' || lpad(to_hex(g), 8, '0'), 'PJSIP/' || (100 + g % 50) || '-BENCH-' || lpad(to_hex(g), 8, '0'),
       'Dial', 'PJSIP/' || (100 + g % 50) || '-BENCH,30,tT', g % 600, greatest(g % 600 - 7, 0),
       CASE WHEN g % 5 <> 0 THEN 'ANSWERED' ELSE 'NO ANSWER' END, 3, 'BENCH',
       'srv01-' || (1700000000 + g) || '.' || g, '', 'srv01-' || (1700000000 + g) || '.' || g, $TE_ID,
       '3912345' || lpad((g % 1000)::text, 3, '0'), (100 + g % 50)::text, (100 + g % 50)::text,
       'EXTENSION-' || (100 + g % 50), CASE WHEN g % 5 <> 0 THEN (100 + g % 50) || '-BENCH' ELSE '' END,
       'IN', '0.0' || (g % 10)
FROM generate_series(1, $ROWS) AS g, LATERAL (SELECT timestamp '2026-01-01' + g * interval '20 seconds' AS t) AS times;
ANALYZE cdr;
SQL

# The gateway's export query (store::cdrs), as psql runs it.
COLUMNS='id, calldate, answer, "end", clid, src, dst, dcontext, channel, dstchannel, lastapp, lastdata, duration, billsec, disposition, amaflags, accountcode, uniqueid, userfield, linkedid, peeraccount, sequence, te_id, realsrc, firstdst, lastdst, wherelanded, whoanswered, direction, originateid, prevuniqueid, srccallid, cc_cost, cc_country, cc_network, pincode'
QUERY="SELECT $COLUMNS FROM cdr WHERE te_id = $TE_ID ORDER BY calldate, id"

best_copy=""
for _ in 1 2 3; do
    start="$(now)"
    psql -q "$DB_URL" -c "\\copy ($QUERY) TO STDOUT CSV" >"$WORK/copy.csv"
    elapsed="$(echo "$(now) - $start" | bc -l)"
    if [[ -z "$best_copy" ]] || (( $(echo "$elapsed < $best_copy" | bc -l) )); then best_copy="$elapsed"; fi
done
copy_rows="$(wc -l <"$WORK/copy.csv")"

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
PBXGW_LISTEN="127.0.0.1:$PORT" PBXGW_BOOTSTRAP_ADMIN_KEY="$KEY" PBXGW_ADMIN_KEY_FILE="$WORK/admin-key.txt" \
    RUST_LOG=warn "$BIN" --database-url "$DB_URL" serve 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
    sleep 0.1
done
URL="http://127.0.0.1:$PORT/v1/tenants/BENCH/cdrs"
# Warm up (connection pool, first query plan) with a small page.
curl -sf -H "X-API-Key: $KEY" "$URL?limit=10" >/dev/null

best_export="" ttfb="" peak_growth_kb=0
for _ in 1 2 3; do
    hwm_before="$(kb "$SERVER_PID" VmHWM)"
    rss_before="$(kb "$SERVER_PID" VmRSS)"
    # Peak RSS is sampled while the export runs (VmHWM only ever grows, so sample VmRSS too).
    ( while kill -0 "$SERVER_PID" 2>/dev/null; do kb "$SERVER_PID" VmRSS; sleep 0.02; done ) >"$WORK/rss.txt" &
    sampler=$!
    read -r first total size < <(curl -sf -H "X-API-Key: $KEY" -o "$WORK/export.csv" \
        -w '%{time_starttransfer} %{time_total} %{size_download}\n' "$URL/export")
    kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
    peak_rss="$(sort -n "$WORK/rss.txt" | tail -1)"
    hwm_after="$(kb "$SERVER_PID" VmHWM)"
    growth=$(( (peak_rss > hwm_after ? peak_rss : hwm_after) - (hwm_before > rss_before ? hwm_before : rss_before) ))
    (( growth < 0 )) && growth=0
    (( growth > peak_growth_kb )) && peak_growth_kb=$growth
    if [[ -z "$best_export" ]] || (( $(echo "$total < $best_export" | bc -l) )); then best_export="$total"; ttfb="$first"; fi
done
export_rows=$(( $(wc -l <"$WORK/export.csv") - 1 ))

copy_rate="$(echo "$copy_rows / $best_copy" | bc -l)"
export_rate="$(echo "$export_rows / $best_export" | bc -l)"
ratio="$(echo "$export_rate / $copy_rate" | bc -l)"
growth_mb="$(echo "$peak_growth_kb / 1024" | bc -l)"
verdict() { if (( $(echo "$1" | bc -l) )); then echo "PASS"; else echo "MISS"; fi; }

printf 'CDR CSV export, %d rows, PostgreSQL (best of 3 each)\n' "$ROWS"
printf '  psql \\copy        %8.3f s  %10.0f rows/s  (%d rows)\n' "$best_copy" "$copy_rate" "$copy_rows"
printf '  gateway export    %8.3f s  %10.0f rows/s  (%d rows, %s bytes)\n' "$best_export" "$export_rate" "$export_rows" "$size"
printf '  ratio             %8.2f x   target >= 0.5   %s\n' "$ratio" "$(verdict "$ratio >= 0.5")"
printf '  peak RSS growth   %8.1f MB  target < 20     %s\n' "$growth_mb" "$(verdict "$growth_mb < 20")"
printf '  time to 1st byte  %8.3f s   target < 1      %s\n' "$ttfb" "$(verdict "$ttfb < 1")"
if [[ "$copy_rows" != "$export_rows" ]]; then
    echo "row counts differ: psql $copy_rows, gateway $export_rows" >&2
    exit 1
fi
