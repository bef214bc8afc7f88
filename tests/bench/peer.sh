#!/usr/bin/env bash
# The peer benchmark (issue 16): egov-rank against PostGraphile 4 serving PostgreSQL views that
# rank at read time, on the same data, the same three queries, the same load.
#
# For each set of SETS (default "small large"), in the peer's data shape — one jurisdiction
# whose agencies of a tier are ranked all together per year:
#   small  1 "province" x 7 years (2019-2025): 130 agencies, 910 results, 100 communes a ranking;
#   large  63 "provinces" x 10 years (2016-2025): 8 190 agencies, 81 900 results, 6 300 communes
#          ranked together each year;
# the script writes the history with tests/bench/history-csv.py, imports it with `egov-rank
# import` into the jurisdiction `bench` on SQLite and on PostgreSQL (database egov_peer_ours),
# copies the agencies and their computed rates into a second database (egov_peer_theirs) whose
# views (tests/bench/peer/views.sql) rank with RANK() OVER (PARTITION BY year, tier ORDER BY the
# rate DESC) and join a year to the previous one, and serves them with PostGraphile 4 (pinned in
# tests/bench/peer/package.json; `npm ci` installs it into tests/bench/peer/node_modules).
#
# Queries (tests/bench/peer/queries.py; the same fields on both sides): ranking, one year's
# communes, 50 rows, a year at random; compare, the movements of one year's communes from the
# year before, 50 rows, a year at random; series, one agency's rank in every year, an agency at
# random. Before measuring, every egov-rank server started must give the peer's ranks (every
# year's ranking page, the last year's movements page, a sample of series): the script exits 1
# on the first disagreement.
#
# Each query is warmed for WARMUP (3 s) at concurrency 16, then measured with wrk (2 threads,
# client timeout 60 s) for DURATION (10 s) at each concurrency of CONCURRENCY ("16 64"), on each
# server of BACKENDS ("peer sqlite postgres"); egov-rank runs once per mode of MODES ("computed
# kept"): computed is EGOV_CACHE_ENTRIES=0 (every answer computed), kept the default (kept
# answers on). It prints a markdown table of req/s and p99 with the ratio egov-rank / peer, then
# a verdict line against issue 16's targets for computed answers: at least 5x the peer on the
# small set and 50x on the large set, at least 3 000 req/s at concurrency 64, p99 under 50 ms.
# The verdict is information: the exit status is 0 unless a check failed or a server did not
# answer (did not start, or gave an HTTP error or a GraphQL error under load; a run that ends
# before its first answer is a figure, "none in DURATION").
#
# Usage: tests/bench/peer.sh
#        SETS=small DURATION=2s tests/bench/peer.sh
#        EGOV_RANK=target/release/egov-rank BACKENDS="peer sqlite" tests/bench/peer.sh
# Other knobs: PORT (18090, egov-rank), PEER_PORT (18091), PEER_ARGS (extra PostGraphile flags,
# e.g. "--cluster-workers 2"). Needs python3, Node.js and npm, wrk (installed with apt-get when
# missing and run as root) and PostgreSQL at 127.0.0.1:5432 (user postgres, trust), which holds
# the peer's data and the source it is copied from whatever BACKENDS says. Not part of
# `cargo test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/tests/bench"
sets=${SETS:-small large}
backends=${BACKENDS:-peer sqlite postgres}
modes=${MODES:-computed kept}
duration=${DURATION:-10s}
warmup=${WARMUP:-3s}
concurrency=${CONCURRENCY:-16 64}
port=${PORT:-18090}
peer_port=${PEER_PORT:-18091}
queries="ranking compare series"
ours_url="http://127.0.0.1:$port/graphql"
peer_url="http://127.0.0.1:$peer_port/graphql"
command -v npm >/dev/null || { echo "Node.js and npm are needed (PostGraphile)" >&2; exit 1; }

# shellcheck source=release-engines.sh
. "$here/release-engines.sh"
bench_need wrk
bench_init egov_peer_ours egov_peer_theirs
peer_db="$pg_admin/egov_peer_theirs"
# The pids of the peer and of the egov-rank server running, stopped on exit.
peer=""
ours=""
stop() { # pid
  if [ -n "$1" ]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi
}
cleanup() { stop "$ours"; stop "$peer"; bench_cleanup; }
trap cleanup EXIT
trap 'exit 130' INT TERM
npm ci --silent --no-audit --no-fund --prefix "$here/peer" >&2
results="$work/results.tsv"
: > "$results"
failures=()

# Waits until the server just started (pid $1) answers a GraphQL request at $2; exits 1 if it
# stops or does not within 60 s.
await_server() { # pid url log
  for _ in $(seq 1 300); do
    if curl -sf "$2" -H 'content-type: application/json' -d '{"query":"{ __typename }"}' 2>/dev/null \
      | grep -q '"data"'; then
      return 0
    fi
    kill -0 "$1" 2>/dev/null || break
    sleep 0.2
  done
  echo "the server did not answer at $2; the end of its log:" >&2
  tail -n 30 "$3" >&2
  exit 1
}

start_peer() {
  "$here/peer/node_modules/.bin/postgraphile" -c "$peer_db" --schema peer --host 127.0.0.1 \
    --port "$peer_port" --disable-default-mutations --disable-query-log --disable-graphiql \
    ${PEER_ARGS:-} > "$work/peer.log" 2>&1 &
  peer=$!
  await_server "$peer" "$peer_url" "$work/peer.log"
}

start_ours() { # url mode
  local cache=()
  [ "$2" = computed ] && cache=(EGOV_CACHE_ENTRIES=0)
  env -u EGOV_CACHE_ENTRIES "${cache[@]}" RUST_LOG=warn "$bin" --database-url "$1" serve \
    --bind "127.0.0.1:$port" > "$work/ours.log" 2>&1 &
  ours=$!
  await_server "$ours" "$ours_url" "$work/ours.log"
}

# Runs the three queries at every concurrency against the server at $3, sending the bodies of
# $work/$2-QUERY.jsonl; appends `set query concurrency label RESULT...` lines to $results.
measure() { # label side url
  local name conc threads out line
  for name in $queries; do
    BODIES="$work/$2-$name.jsonl" wrk -t2 -c16 -d"$warmup" --timeout 60s \
      -s "$here/graphql-bodies.lua" "$3" > /dev/null
    for conc in $concurrency; do
      threads=$(( conc < 2 ? conc : 2 ))
      out=$(BODIES="$work/$2-$name.jsonl" wrk -t"$threads" -c"$conc" -d"$duration" --timeout 60s \
        --latency -s "$here/graphql-bodies.lua" "$3")
      line=$(echo "$out" | grep '^RESULT' || true)
      if [ -z "$line" ]; then
        failures+=("$set $1 $name c=$conc: wrk printed no result"); continue
      fi
      echo "$set $name $conc $1 $line" >> "$results"
      echo "  $1 $name c=$conc: ${line#RESULT }" >&2
      # An error answer is a failure; none within DURATION (a slow server) is a figure.
      case $line in
        *non2xx=[1-9]*|*graphql_errors=[1-9]*)
          failures+=("$set $1 $name c=$conc answered with errors: ${line#RESULT }") ;;
      esac
    done
  done
}

for set in $sets; do
  case $set in
    small) provinces=1; years=2019-2025 ;;
    large) provinces=63; years=2016-2025 ;;
    *) echo "unknown set $set (small or large)" >&2; exit 1 ;;
  esac
  echo "== $set: $provinces province(s), $years" >&2
  python3 "$here/history-csv.py" "$work/history.csv" "$provinces" "$years"
  declare -A urls=()
  for engine in sqlite postgres; do
    # PostgreSQL is always loaded: the peer's rows are copied from it.
    [ "$engine" = postgres ] || [[ " $backends " == *" $engine "* ]] || continue
    urls[$engine]=$(engine_url "$engine")
    DATABASE_URL=${urls[$engine]} RUST_LOG=warn bench_jurisdiction
    DATABASE_URL=${urls[$engine]} RUST_LOG=warn "$bin" import "$work/history.csv" \
      --jurisdiction bench > "$work/import-$engine.txt"
    echo "  egov-rank on $engine: $(grep -o 'imported [0-9]* row(s)' "$work/import-$engine.txt")" >&2
  done

  PGOPTIONS=--client-min-messages=warning psql "$pg_admin/postgres" -qc \
    "DROP DATABASE IF EXISTS egov_peer_theirs WITH (FORCE)" -c "CREATE DATABASE egov_peer_theirs"
  psql "$peer_db" -q -v ON_ERROR_STOP=1 -f "$here/peer/views.sql"
  psql "${urls[postgres]}" -v ON_ERROR_STOP=1 -qc "COPY (SELECT a.id, a.code, a.name, a.tier,
    a.sort_key FROM agency a JOIN jurisdiction j ON j.id = a.jurisdiction_id
    WHERE j.code = 'bench') TO STDOUT" | psql "$peer_db" -v ON_ERROR_STOP=1 -qc "COPY peer_data.agency FROM STDIN"
  psql "${urls[postgres]}" -v ON_ERROR_STOP=1 -qc "COPY (SELECT r.agency_id, r.year, r.tier,
    r.rate_percent, r.converted_score, r.level_code FROM result r JOIN jurisdiction j ON
    j.id = r.jurisdiction_id WHERE j.code = 'bench') TO STDOUT" \
    | psql "$peer_db" -v ON_ERROR_STOP=1 -qc "COPY peer_data.result FROM STDIN"
  psql "$peer_db" -qc "ANALYZE"
  psql "$peer_db" -Atc "SELECT code FROM peer_data.agency ORDER BY id" > "$work/codes.txt"
  copied=$(psql "$peer_db" -Atc "SELECT count(*) FROM peer_data.result")
  if [ "$copied" != $(($(wc -l < "$work/history.csv") - 1)) ]; then
    echo "the peer holds $copied results, the history $(($(wc -l < "$work/history.csv") - 1)) rows" >&2
    exit 1
  fi
  echo "  peer: $copied results" >&2
  python3 "$here/peer/queries.py" bodies "$work" "$years" "$work/codes.txt"

  # The peer runs through the whole set: the checks of every egov-rank server ask it.
  start_peer
  if [[ " $backends " == *" peer "* ]]; then measure peer peer "$peer_url"; fi
  for engine in sqlite postgres; do
    [[ " $backends " == *" $engine "* ]] || continue
    for mode in $modes; do
      start_ours "${urls[$engine]}" "$mode"
      python3 "$here/peer/queries.py" check "$ours_url" "$peer_url" "$years" "$work/codes.txt"
      measure "$engine-$mode" ours "$ours_url"
      stop "$ours"; ours=""
    done
  done
  stop "$peer"; peer=""
done

commit=$(git -C "$root" rev-parse --short HEAD)
[ -z "${EGOV_RANK:-}" ] || commit="$commit, egov-rank binary $EGOV_RANK"
python3 "$here/peer/report.py" "$results" "$commit" \
  "$duration" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
if [ ${#failures[@]} -gt 0 ]; then
  printf 'failed: %s\n' "${failures[@]}"
  exit 1
fi
