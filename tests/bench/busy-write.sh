#!/usr/bin/env bash
# A server write while another process (the CLI) imports into the same SQLite file.
#
# Generates a normalized CSV of ROWS (default 30 000) commune results for 2021, on a fresh SQLite
# file with one synthetic province (2016-2020); starts `egov-rank serve` on it with each busy
# timeout of BUSY_MS (default "5000 60000"); runs `egov-rank import` of the CSV and, AFTER
# seconds (default 2) into it, sends one `upsertAgency` mutation to the server. Prints, per busy
# timeout: how long the import took, how long the mutation took, its HTTP status and error
# code (none when it succeeded), and whether the agency is in the database afterwards.
# Expected: the mutation waits up to the busy timeout for the import; it succeeds when the
# import commits within it, and otherwise fails with DATABASE_BUSY and writes nothing.
#
# Usage: tests/bench/busy-write.sh
#        ROWS=10000 BUSY_MS=5000 tests/bench/busy-write.sh
# Needs sqlite3, curl and python3. Not part of `cargo test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rows=${ROWS:-30000}
busy_list=${BUSY_MS:-5000 60000}
after=${AFTER:-2}
port=${PORT:-18083}
export LC_ALL=C.UTF-8

cargo build --release -p api --manifest-path "$root/Cargo.toml" >&2
bin="$root/target/release/egov-rank"
work=$(mktemp -d)
server=""
importer=""
cleanup() {
  for pid in $server $importer; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

csv="$work/import.csv"
python3 "$root/tests/bench/commune-csv.py" "$csv" "$rows" "Xã Busy"
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }

echo "== a server write during a $rows-row CLI import into the same SQLite file ($(date -u +%FT%TZ), $(nproc) cores)"
printf '%-10s %-10s %-12s %-6s %-15s %s\n' busy_ms import_s mutation_s status code agency_written
n=0
for busy in $busy_list; do
  n=$((n + 1))
  db="$work/busy-$n.db"
  url="sqlite://$db"
  RUST_LOG=warn "$bin" --database-url "$url" demo-data --provinces 1 --years 2016-2020 >/dev/null
  token=$(RUST_LOG=warn "$bin" --database-url "$url" token create --role editor --name bench 2>/dev/null)
  RUST_LOG=warn "$bin" --database-url "$url" --sqlite-busy-timeout-ms "$busy" serve --bind "127.0.0.1:$port" 2>"$work/server-$n.log" &
  server=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  start=$(now)
  RUST_LOG=warn "$bin" --database-url "$url" import "$csv" --decision 1/QĐ-UBND --jurisdiction synthetic-01 >/dev/null 2>"$work/import-$n.log" &
  importer=$!
  sleep "$after"
  sent=$(now)
  code="busy-$n"
  body=$(curl -s -w '\n%{http_code}' --max-time 120 "http://127.0.0.1:$port/graphql" \
    -H 'content-type: application/json' -H "Authorization: Bearer $token" \
    -d "{\"query\":\"mutation { upsertAgency(input: {code: \\\"$code\\\", name: \\\"Xã Chờ $n\\\", tier: COMMUNE, jurisdiction: \\\"synthetic-01\\\"}) { created errors { code } } }\"}")
  answered=$(now)
  wait "$importer"; importer=""
  imported=$(now)
  status=$(tail -n1 <<<"$body")
  error=$(head -n -1 <<<"$body" | python3 -c "import json,sys; b=json.load(sys.stdin); e=b.get('errors') or []; print(e[0]['extensions']['code'] if e else 'none')")
  written=$(sqlite3 "$db" "SELECT count(*) FROM agency WHERE code = '$code'")
  printf '%-10s %-10s %-12s %-6s %-15s %s\n' "$busy" "$(elapsed "$start" "$imported")" "$(elapsed "$sent" "$answered")" "$status" "$error" "$written"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
done
