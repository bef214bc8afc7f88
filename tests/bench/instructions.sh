#!/usr/bin/env bash
# The instructions a computed answer costs (issue 16), counted by callgrind. On this shared
# 2-core machine req/s and even CPU time per request move by a quarter from one run to the
# next; the instructions the server executes per request move by about 1 %, so they tell
# whether a change makes the peer benchmark's three queries cheaper before a long load run.
#
# Loads the peer benchmark's large set (tests/bench/history-csv.py: 63 provinces x 10 years,
# 6 300 communes ranked together, imported into the jurisdiction `bench` on SQLite), starts
# the server with every answer computed (EGOV_CACHE_ENTRIES=0) under
# `valgrind --tool=callgrind` with instrumentation off, asks every body of a query once (the
# read model loads its rankings), then counts REQUESTS (200) requests of that query, sent one
# after the other, one body of tests/bench/peer/queries.py picked at random each time (the
# same sequence every run). It prints per query the thousands of instructions a request of
# the whole process (with what runs in the background meanwhile, such as the data-version
# poll) and of serving it (the HTTP connection's task: reading the request, GraphQL,
# encoding and writing the answer).
#
# Usage: tests/bench/instructions.sh
#        EGOV_RANK=target/release/egov-rank QUERIES=ranking REQUESTS=500 tests/bench/instructions.sh
#        PROFILES=/tmp/profiles tests/bench/instructions.sh   # keeps each query's callgrind dump
#                                                             # there, for callgrind_annotate
# Needs python3 and valgrind (installed with apt-get when missing and run as root). Not part
# of `cargo test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/tests/bench"
queries=${QUERIES:-ranking compare series}
requests=${REQUESTS:-200}
port=${PORT:-18097}

# shellcheck source=release-engines.sh
. "$here/release-engines.sh"
bench_need valgrind
bench_init egov_instructions
server=""
stop_server() { [ -z "$server" ] || { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=""; }; }
trap 'stop_server; bench_cleanup' EXIT

python3 "$here/history-csv.py" "$work/history.csv" 63 2016-2025
url=$(engine_url sqlite)
DATABASE_URL=$url RUST_LOG=warn bench_jurisdiction
DATABASE_URL=$url RUST_LOG=warn "$bin" import "$work/history.csv" --jurisdiction bench > /dev/null
python3 - "${url#sqlite://}" "$work/codes.txt" <<'PY'
import sqlite3, sys
path, out = sys.argv[1].split("?")[0], sys.argv[2]
rows = sqlite3.connect(path).execute(
    "SELECT a.code FROM agency a JOIN jurisdiction j ON j.id = a.jurisdiction_id "
    "WHERE j.code = 'bench' ORDER BY a.id")
open(out, "w").write("".join(code + "\n" for (code,) in rows))
PY
python3 "$here/peer/queries.py" bodies "$work" 2016-2025 "$work/codes.txt"

# Sends the bodies of $1: every one once when $2 is "each", else $2 picked at random (seeded).
send() { # bodies count
  python3 - "$1" "$2" "$port" <<'PY'
import http.client, random, sys
path, count, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
bodies = open(path, encoding="utf-8").read().splitlines()
rng = random.Random(7)
order = range(len(bodies)) if count == "each" else [rng.randrange(len(bodies)) for _ in range(int(count))]
connection = http.client.HTTPConnection("127.0.0.1", port)
for i in order:
    connection.request("POST", "/graphql", body=bodies[i].encode(), headers={"content-type": "application/json"})
    answer = connection.getresponse().read()
    if b'"errors"' in answer:
        sys.exit("an answer with errors: " + answer[:300].decode(errors="replace"))
PY
}

echo "| query | requests | thousand instructions a request, process | serving it |"
echo "|---|---|---|---|"
for query in $queries; do
  out="$work/callgrind-$query.out"
  EGOV_CACHE_ENTRIES=0 RUST_LOG=warn valgrind --tool=callgrind --instr-atstart=no \
    --callgrind-out-file="$out" "$bin" --database-url "$url" serve --bind "127.0.0.1:$port" \
    > "$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 600); do
    curl -sf -o /dev/null -H 'content-type: application/json' \
      --data '{"query":"{__typename}"}' "http://127.0.0.1:$port/graphql" && break
    kill -0 "$server" 2>/dev/null || { tail "$work/server.log" >&2; exit 1; }
    sleep 0.5
  done
  send "$work/ours-$query.jsonl" each
  callgrind_control -i on "$server" > /dev/null 2>&1
  send "$work/ours-$query.jsonl" "$requests"
  callgrind_control -d "$server" > /dev/null 2>&1
  callgrind_control -i off "$server" > /dev/null 2>&1
  stop_server
  # The dump holds the counted requests; the file written at exit, nothing (instrumentation off).
  dump="$out.1"
  total=$(awk '/^summary:/ {print $2}' "$dump")
  serving=$(callgrind_annotate --inclusive=yes "$dump" 2>/dev/null | awk '
    !found && index($0, "api::http::server::serve::{{closure}}::{{closure}} ") {
      found = 1; gsub(",", "", $1); print $1 }')
  [ -n "$serving" ] || { echo "no connection task in the profile of $query" >&2; exit 1; }
  [ -z "${PROFILES:-}" ] || { mkdir -p "$PROFILES"; cp "$dump" "$PROFILES/callgrind-$query.out"; }
  echo "| $query | $requests | $(( total / requests / 1000 )) | $(( serving / requests / 1000 )) |"
done
