#!/usr/bin/env bash
# A server write while another process (the CLI) imports into the same database.
#
# Generates a normalized CSV of ROWS (default 30 000) commune results for 2021. For each engine
# (BACKENDS, default "sqlite postgres") and each busy timeout of BUSY_MS (default "5000 60000"),
# on a fresh database with one synthetic province (2016-2020): starts `egov-rank serve
# --busy-timeout-ms MS`, runs `egov-rank import` of the CSV and, AFTER seconds (default 2) into
# it, sends one `upsertAgency` mutation to the server. Prints how long the import took, how long
# the mutation took, its HTTP status and error code (none when it succeeded), and whether the
# agency is in the database afterwards. Expected: the mutation waits up to the busy timeout for
# the import; it succeeds when the import commits within it, and otherwise fails with
# DATABASE_BUSY and writes nothing.
#
# Verdict (last line; exit 1 when it fails), per run: either the mutation succeeded (HTTP 200, no
# error, the agency written) within the busy timeout plus 2 s, or it failed with DATABASE_BUSY,
# wrote nothing, and answered after waiting the busy timeout (at least 90 % of it, at most 5 s
# more). Any other code, a write despite an error, or an answer much earlier or later fails.
#
# Usage: tests/bench/busy-write.sh
#        ROWS=10000 BUSY_MS=5000 BACKENDS=sqlite tests/bench/busy-write.sh
# Needs sqlite3, psql, curl and python3; for PostgreSQL a server at 127.0.0.1:5432 (user postgres,
# trust; the database egov_busy is created and dropped). Not part of `cargo test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rows=${ROWS:-30000}
busy_list=${BUSY_MS:-5000 60000}
after=${AFTER:-2}
port=${PORT:-18083}
backends=${BACKENDS:-sqlite postgres}
pg_admin="postgres://postgres@127.0.0.1:5432"
pg_db=egov_busy
pg_used=""
export LC_ALL=C.UTF-8

cargo build --release -p api --manifest-path "$root/Cargo.toml" >&2
bin="$root/target/release/egov-rank"
work=$(mktemp -d)
server=""
importer=""
cleanup() {
  for pid in $server $importer; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [ -n "$pg_used" ]; then
    psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

csv="$work/import.csv"
python3 "$root/tests/bench/commune-csv.py" "$csv" "$rows" "Xã Busy"
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }

sql() { # engine n query
  case $1 in
    sqlite) sqlite3 "$work/busy-$2.db" "$3" ;;
    postgres) psql "$pg_admin/$pg_db" -Atqc "$3" ;;
  esac
}

echo "== a server write during a $rows-row CLI import into the same database ($(date -u +%FT%TZ), $(nproc) cores)"
printf '%-9s %-10s %-10s %-12s %-6s %-15s %s\n' engine busy_ms import_s mutation_s status code agency_written
n=0
failures=()
for backend in $backends; do
for busy in $busy_list; do
  n=$((n + 1))
  case $backend in
    sqlite) url="sqlite://$work/busy-$n.db" ;;
    postgres)
      pg_used=1
      psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >&2
      psql "$pg_admin/postgres" -qc "CREATE DATABASE $pg_db" >&2
      url="$pg_admin/$pg_db" ;;
    *) echo "unknown engine $backend" >&2; exit 1 ;;
  esac
  RUST_LOG=warn "$bin" --database-url "$url" demo-data --provinces 1 --years 2016-2020 >/dev/null
  token=$(RUST_LOG=warn "$bin" --database-url "$url" token create --role editor --name bench 2>/dev/null)
  RUST_LOG=warn "$bin" --database-url "$url" --busy-timeout-ms "$busy" serve --bind "127.0.0.1:$port" 2>"$work/server-$n.log" &
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
  # The code of a top-level error, else of the payload's first error, else none.
  error=$(head -n -1 <<<"$body" | python3 -c "
import json, sys
b = json.load(sys.stdin)
top = b.get('errors') or []
payload = ((b.get('data') or {}).get('upsertAgency') or {}).get('errors') or []
print(top[0]['extensions']['code'] if top else payload[0]['code'] if payload else 'none')")
  written=$(sql "$backend" "$n" "SELECT count(*) FROM agency WHERE code = '$code'")
  took=$(elapsed "$sent" "$answered")
  printf '%-9s %-10s %-10s %-12s %-6s %-15s %s\n' "$backend" "$busy" "$(elapsed "$start" "$imported")" "$took" "$status" "$error" "$written"
  problem=$(python3 - "$status" "$error" "$written" "$took" "$busy" <<'PY'
import sys
status, error, written, took, busy_ms = sys.argv[1:]
took, busy = float(took), int(busy_ms) / 1000
if error == "none":
    ok = status == "200" and written == "1" and took <= busy + 2
elif error == "DATABASE_BUSY":
    ok = written == "0" and busy * 0.9 <= took <= busy + 5
else:
    ok = False
print("" if ok else f"status {status}, error {error}, written {written}, answered after {took} s")
PY
)
  [ -z "$problem" ] || failures+=("$backend busy $busy: $problem")
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
done
done
if [ ${#failures[@]} -eq 0 ]; then
  echo "verdict: PASS (each write succeeded within its busy timeout or waited it out with DATABASE_BUSY and wrote nothing)"
else
  printf 'failed: %s\n' "${failures[@]}"
  echo "verdict: FAIL (${#failures[@]} runs broke the promise)"
  exit 1
fi
