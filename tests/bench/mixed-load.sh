#!/usr/bin/env bash
# Mixed load: reads and writes together at concurrency 64, then a check that no acknowledged
# write was lost.
#
# For each engine: builds the release binary, makes a fresh database (SQLite file in a temporary
# folder, or the PostgreSQL database egov_mixed, dropped afterwards), loads the synthetic demo
# data (5 provinces x 10 years, synthetic-01..05), creates an editor and an admin token, starts
# `egov-rank serve` on loopback and drives it with wrk (2 threads, 64 connections, DURATION,
# default 600 s) with the Lua script tests/bench/mixed.lua. Each request picks at random:
#
#   90 % reads   ranking (random province, year 2016-2025, tier; 20 rows), compareYears (year
#                before -> year, same), or one provincial agency's ten-year series;
#   10 % writes  upsertAgency creating a new commune agency with a unique code
#                (`bench-t<thread>-n<counter>-r<random>`), or publishDecision with a unique
#                number (`B-t<thread>-n<counter>-r<random>/QĐ-BENCH`), half each.
#
# An error is any answer that is not HTTP 200, any body with a non-empty `errors` list
# (top-level or a mutation payload's), and any socket error or timeout wrk reports (client
# timeout 10 s). A write is acknowledged when its answer is 200 without errors; the Lua script
# writes the code / number each acknowledged write returned to a file per thread.
#
# Afterwards, with the server still up:
#   - every acknowledged code and number is looked up in the database itself (sqlite3 / psql):
#     lost = acknowledged but absent (must be 0);
#   - extra = present but never acknowledged: writes still in flight when wrk stopped (wrk does
#     not wait for them) or answered with an error; extra <= unanswered + errored writes;
#   - over GraphQL: the sum of agencies(tier: COMMUNE, jurisdiction) { totalCount } over the five
#     provinces grew by exactly the number of bench agencies found, and auditLog(action:)
#     { totalCount } (admin) equals the bench agencies / decisions found (one audit entry per write,
#     in the same transaction).
#
# Verdict (last line; exit 1 when it fails), per engine: no error, nothing lost, the counts
# consistent, and no WARN or ERROR line in the server's log.
#
# Usage: tests/bench/mixed-load.sh                         (both engines, 600 s each)
#        DURATION=30s BACKENDS=sqlite tests/bench/mixed-load.sh
# Other knobs: WRITE_PERCENT (10), CONNECTIONS (64), THREADS (2), PORT (18081), DEMO=0 (no demo
# data: reads and writes then go to the default jurisdiction), SERVER_ARGS (extra `serve` flags),
# EGOV_RANK (a binary to run instead of building the release one).
# Needs wrk (apt-get install wrk), sqlite3 and, for PostgreSQL, a server at 127.0.0.1:5432 (user
# postgres, trust). Not part of `cargo test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
duration=${DURATION:-600s}
backends=${BACKENDS:-sqlite postgres}
port=${PORT:-18081}
conns=${CONNECTIONS:-64}
threads=${THREADS:-2}
write_percent=${WRITE_PERCENT:-10}
demo=${DEMO:-1}
pg_admin="postgres://postgres@127.0.0.1:5432"
pg_db=egov_mixed
export LC_ALL=C
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

# shellcheck source=release-engines.sh
. "$root/tests/bench/release-engines.sh"
bench_binary # sets $bin: the release build, or the binary EGOV_RANK names
work=$(mktemp -d)
server=""
pg_used=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$pg_used" ]; then
    psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$demo" = 1 ]; then
  jurisdictions="synthetic-01 synthetic-02 synthetic-03 synthetic-04 synthetic-05"
  years_from=2016; years_to=2025
else
  jurisdictions="thua-thien-hue"
  years_from=2020; years_to=2020
fi
lua="$root/tests/bench/mixed.lua"


gql() { # [token] query-json -> body
  local auth=()
  if [ $# -eq 2 ]; then auth=(-H "Authorization: Bearer $1"); shift; fi
  curl -s --max-time 30 "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' "${auth[@]}" -d "$1"
}
commune_total() { # sum of commune agencies over the jurisdictions
  local sum=0 n
  for j in $jurisdictions; do
    n=$(gql "{\"query\":\"{ agencies(tier: COMMUNE, jurisdiction: \\\"$j\\\") { totalCount } }\"}" \
      | sed -n 's/.*"totalCount":\([0-9]*\).*/\1/p')
    sum=$((sum + n))
  done
  echo "$sum"
}
audit_total() { # admin-token action
  gql "$1" "{\"query\":\"{ auditLog(action: \\\"$2\\\") { totalCount } }\"}" | sed -n 's/.*"totalCount":\([0-9]*\).*/\1/p'
}
field() { sed -n "s/^RESULT.* $1=\([0-9.]*\).*/\1/p" "$2" | head -1; }

summary="$work/summary.txt"
: > "$summary"
for backend in $backends; do
  case $backend in
    sqlite)
      url="sqlite://$work/mixed.db"
      sql() { sqlite3 "$work/mixed.db" "$1"; } ;;
    postgres)
      pg_used=1
      psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >&2
      psql "$pg_admin/postgres" -qc "CREATE DATABASE $pg_db" >&2
      url="$pg_admin/$pg_db"
      sql() { psql "$pg_admin/$pg_db" -Atqc "$1"; } ;;
    *) echo "unknown engine $backend" >&2; exit 1 ;;
  esac
  rm -f "$work"/acked-* "$work"/errors-* "$work"/timeline-* "$work/mixed.db"*
  echo "== $backend: preparing" >&2
  RUST_LOG=warn "$bin" --database-url "$url" migrate >&2
  if [ "$demo" = 1 ]; then
    RUST_LOG=warn "$bin" --database-url "$url" demo-data --provinces 5 --years 2016-2025 >&2
  fi
  editor=$(RUST_LOG=warn "$bin" --database-url "$url" token create --role editor --name bench-editor 2>/dev/null)
  admin=$(RUST_LOG=warn "$bin" --database-url "$url" token create --role admin --name bench-admin 2>/dev/null)
  # shellcheck disable=SC2086
  RUST_LOG=warn "$bin" --database-url "$url" serve --bind "127.0.0.1:$port" ${SERVER_ARGS:-} \
    2> "$work/server-$backend.log" &
  server=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "server did not become ready" >&2; cat "$work/server-$backend.log" >&2; exit 1; }

  # Every kind of request answers without errors before the load starts.
  first_j=${jurisdictions%% *}
  for probe in \
    "{\"query\":\"{ ranking(year: $years_to, tier: COMMUNE, first: 20, jurisdiction: \\\"$first_j\\\") { totalCount } }\"}" \
    "{\"query\":\"{ compareYears(from: $((years_to - 1)), to: $years_to, tier: DISTRICT, first: 20, jurisdiction: \\\"$first_j\\\") { totalCount } }\"}" \
    "{\"query\":\"{ agency(code: \\\"so-tai-chinh\\\", jurisdiction: \\\"$first_j\\\") { results { year } } }\"}"; do
    body=$(gql "$probe")
    if ! echo "$body" | grep -q '"data"' || echo "$body" | grep -q '"errors"'; then
      echo "probe failed: $probe -> $body" >&2; exit 1
    fi
  done
  communes_before=$(commune_total)

  echo "== $backend: wrk -t$threads -c$conns -d$duration ($write_percent % writes)" >&2
  started=$(date +%s)
  BENCH_DIR="$work" BENCH_TOKEN="$editor" WRITE_PERCENT="$write_percent" \
    BENCH_JURISDICTIONS="$jurisdictions" BENCH_YEARS="$years_from-$years_to" \
    wrk -t"$threads" -c"$conns" -d"$duration" --timeout 10s --latency -s "$lua" \
    "http://127.0.0.1:$port/graphql" > "$work/wrk-$backend.txt"
  elapsed=$(( $(date +%s) - started ))
  cat "$work/wrk-$backend.txt" >&2
  sleep 1 # let writes still in flight when wrk stopped finish

  out="$work/wrk-$backend.txt"
  sort -u "$work"/acked-agencies-*.txt > "$work/acked-agencies"
  sort -u "$work"/acked-decisions-*.txt > "$work/acked-decisions"
  sql "SELECT code FROM agency WHERE code LIKE 'bench-%'" | sort -u > "$work/found-agencies"
  sql "SELECT number FROM decision WHERE number LIKE 'B-%/QĐ-BENCH'" | sort -u > "$work/found-decisions"
  acked_a=$(wc -l < "$work/acked-agencies"); acked_d=$(wc -l < "$work/acked-decisions")
  found_a=$(wc -l < "$work/found-agencies"); found_d=$(wc -l < "$work/found-decisions")
  lost_a=$(comm -23 "$work/acked-agencies" "$work/found-agencies" | wc -l)
  lost_d=$(comm -23 "$work/acked-decisions" "$work/found-decisions" | wc -l)
  extra=$(( found_a - acked_a + found_d - acked_d + lost_a + lost_d ))
  communes_after=$(commune_total)
  audit_a=$(audit_total "$admin" upsertAgency)
  audit_d=$(audit_total "$admin" publishDecision)

  requests=$(field requests "$out"); rps=$(field rps "$out")
  p50=$(field p50_ms "$out"); p99=$(field p99_ms "$out"); max=$(field max_ms "$out")
  reads=$(field sent_reads "$out")
  writes=$(( $(field sent_agency_writes "$out") + $(field sent_decision_writes "$out") ))
  responses=$(field responses "$out")
  non200=$(field non200 "$out"); gerr=$(field graphql_errors "$out")
  sock=$(( $(field socket_connect "$out") + $(field socket_read "$out") + $(field socket_write "$out") + $(field socket_timeout "$out") ))
  errors=$(( non200 + gerr + sock ))
  unanswered=$(( reads + writes - responses ))
  sed 's/\x1b\[[0-9;]*m//g' "$work/server-$backend.log" > "$work/server-$backend.txt"
  warnings=$(grep -c -E ' (WARN|ERROR) ' "$work/server-$backend.txt" || true)
  rss=$(ps -o rss= -p "$server" | tr -d ' ')

  consistent=yes
  [ "$(( communes_after - communes_before ))" -eq "$found_a" ] || consistent="no (communes +$(( communes_after - communes_before )) vs $found_a found)"
  [ "$audit_a" -eq "$found_a" ] && [ "$audit_d" -eq "$found_d" ] || consistent="no (audit $audit_a/$audit_d vs found $found_a/$found_d)"
  [ "$extra" -le "$(( unanswered + errors ))" ] || consistent="no (extra $extra > unanswered $unanswered + errors $errors)"
  verdict=PASS
  [ "$errors" -eq 0 ] && [ "$lost_a" -eq 0 ] && [ "$lost_d" -eq 0 ] && [ "$consistent" = yes ] \
    && [ "$warnings" -eq 0 ] || verdict=FAIL

  {
    echo "engine:            $backend ($(date -u +%FT%TZ), $(nproc) cores, wrk -t$threads -c$conns -d$duration, ${elapsed}s wall)"
    echo "requests:          $requests ($reads reads, $writes writes sent; $unanswered unanswered when wrk stopped)"
    echo "throughput:        $rps req/s; latency p50 $p50 ms, p99 $p99 ms, max $max ms"
    echo "errors:            $errors (HTTP non-200 $non200, GraphQL errors $gerr, socket/timeouts $sock)"
    echo "agencies:          acknowledged $acked_a, found $found_a, lost $lost_a"
    echo "decisions:         acknowledged $acked_d, found $found_d, lost $lost_d"
    echo "unacked but found: $extra (in flight when wrk stopped, or answered with an error)"
    echo "graphql counts:    communes +$(( communes_after - communes_before )), auditLog upsertAgency $audit_a, publishDecision $audit_d; consistent: $consistent"
    echo "server:            RSS $((rss / 1024)) MiB, $warnings WARN/ERROR log lines"
    echo "verdict:           $verdict"
    echo
  } | tee -a "$summary"
  if [ "$errors" -gt 0 ]; then
    echo "first error answers:" | tee -a "$summary"
    { cat "$work"/errors-*.txt | head -10 | tee -a "$summary"; } || true
  fi
  if [ "$warnings" -gt 0 ]; then
    echo "first server warnings:" | tee -a "$summary"
    { grep -E ' (WARN|ERROR) ' "$work/server-$backend.txt" | head -5 | tee -a "$summary"; } || true
  fi
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  if [ "$backend" = postgres ]; then
    psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >&2
  fi
done
echo "== summary" >&2
cat "$summary"
if grep -q 'verdict:           FAIL' "$summary"; then
  echo "verdict: FAIL (an engine had errors, lost writes, inconsistent counts or WARN/ERROR log lines)"
  exit 1
fi
echo "verdict: PASS (every engine: no errors, no lost writes, consistent counts, no WARN/ERROR log lines)"
