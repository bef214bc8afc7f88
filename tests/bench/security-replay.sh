#!/usr/bin/env bash
# Replays the probes of issue 13 ("Hardening, round two") against real servers and prints the
# figures: what each probe got back, how long it took, and the server's resident memory.
#
# For each engine (BACKENDS, default "sqlite postgres"), on a fresh database:
#   1. starts `egov-rank serve --drain-timeout-ms DRAIN_MS` (default 5000; other flags at their
#      defaults) and runs tests/bench/security_probes.py against it, which samples the server's
#      VmRSS every 50 ms and fails a probe that does not answer as expected;
#   2. probes the policy flags on two more servers: `--introspection token --suggestions off`
#      (introspection without a token: UNAUTHENTICATED; with one: allowed; no "Did you mean")
#      and `--reads-require-token` (/metrics: 401 without a token, 200 with one);
#   3. opens a connection to the first server that stalls in the middle of a request body,
#      sends SIGTERM and measures how long the server takes to exit.
# Ends with one line `VERDICT: PASS` or `VERDICT: FAIL (...)`, and exits 1 when a probe failed,
# the peak RSS reached RSS_BUDGET_MIB (default 300) or SIGTERM took longer than DRAIN_MS + 2 s.
#
# Usage: tests/bench/security-replay.sh
#        BACKENDS=sqlite PROFILE=release tests/bench/security-replay.sh
# PROFILE=debug (default: the build the tests use) or release. Needs curl and python3; for
# PostgreSQL a server at 127.0.0.1:5432 (user postgres, trust; the database egov_probes is
# created and dropped). Takes about two minutes per engine. Not part of `cargo test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
profile=${PROFILE:-debug}
backends=${BACKENDS:-sqlite postgres}
drain_ms=${DRAIN_MS:-5000}
port=${PORT:-18091}
pg_admin="postgres://postgres@127.0.0.1:5432"
pg_db=egov_probes
pg_used=""
export LC_ALL=C.UTF-8 RSS_BUDGET_MIB=${RSS_BUDGET_MIB:-300}

if [ "$profile" = release ]; then
  cargo build --release -p api --manifest-path "$root/Cargo.toml" >&2
else
  cargo build -p api --manifest-path "$root/Cargo.toml" >&2
fi
bin="$root/target/$profile/egov-rank"
work=$(mktemp -d)
servers=()
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [ -n "$pg_used" ]; then
    psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "VERDICT: FAIL (the script stopped at line $LINENO)"' ERR

failures=()
start_server() { # url port flags... ; sets $pid
  local url=$1 at=$2
  shift 2
  RUST_LOG=warn "$bin" --database-url "$url" serve --bind "127.0.0.1:$at" "$@" >/dev/null 2>>"$work/server.log" &
  pid=$!
  servers+=("$pid")
  for _ in $(seq 150); do curl -sf "http://127.0.0.1:$at/readyz" >/dev/null && break; sleep 0.1; done
}
post() { # port token query
  curl -s "http://127.0.0.1:$1/graphql" -H 'content-type: application/json' \
    ${2:+-H "authorization: Bearer $2"} -d "{\"query\": \"$3\"}"
}
check() { # name ok-condition-result detail
  if [ "$2" = ok ]; then echo "OK   $1: $3"; else echo "FAIL $1: $3"; failures+=("$1"); fi
}

echo "== security replay ($(date -u +%FT%TZ), $(nproc) cores, $profile build, $(git -C "$root" rev-parse --short HEAD))"
for backend in $backends; do
  case $backend in
    sqlite) url="sqlite://$work/probes.db" ;;
    postgres)
      pg_used=1
      psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >&2
      psql "$pg_admin/postgres" -qc "CREATE DATABASE $pg_db" >&2
      url="$pg_admin/$pg_db" ;;
    *) echo "unknown engine $backend" >&2; exit 1 ;;
  esac
  RUST_LOG=warn "$bin" --database-url "$url" migrate
  token() { RUST_LOG=warn "$bin" --database-url "$url" token create --role "$1" --name "$2" 2>/dev/null; }
  editor=$(token editor editor) viewer=$(token viewer viewer)
  export ADMIN_TOKEN=$(token admin admin) REVOCABLE_TOKEN=$(token viewer revocable)
  start_server "$url" "$port" --drain-timeout-ms "$drain_ms"
  main=$pid
  if ! python3 "$root/tests/bench/security_probes.py" "http://127.0.0.1:$port" "$main" "$editor" "$viewer" "$backend"; then
    failures+=("$backend probes")
  fi

  start_server "$url" $((port + 1)) --introspection token --suggestions off
  policy=$pid
  anonymous=$(post $((port + 1)) "" "{ __schema { queryType { name } } }")
  allowed=$(post $((port + 1)) "$viewer" "{ __schema { queryType { name } } }")
  typo=$(post $((port + 1)) "" "{ rankin(year: 2020, tier: DISTRICT) { totalCount } }")
  [[ $anonymous == *UNAUTHENTICATED* && $allowed == *'"Query"'* ]] && r=ok || r=no
  check "$backend --introspection token" $r "anonymous: $(grep -o '"code":"[A-Z_]*"' <<<"$anonymous"), with a token: $(grep -o '"name":"Query"' <<<"$allowed")"
  [[ $typo != *"Did you mean"* ]] && r=ok || r=no
  check "$backend --suggestions off" $r "$(grep -o '"message":"[^"]*"' <<<"$typo")"
  kill "$policy"; wait "$policy" 2>/dev/null || true

  start_server "$url" $((port + 2)) --reads-require-token
  closed=$pid
  without=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((port + 2))/metrics")
  with=$(curl -s -o /dev/null -w '%{http_code}' -H "authorization: Bearer $viewer" "http://127.0.0.1:$((port + 2))/metrics")
  [[ $without == 401 && $with == 200 ]] && r=ok || r=no
  check "$backend /metrics under --reads-require-token" $r "without a token $without, with one $with"
  kill "$closed"; wait "$closed" 2>/dev/null || true

  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'POST /graphql HTTP/1.1\r\nHost: probe\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{' >&3
  sleep 0.5
  started=$(date +%s.%N)
  kill -TERM "$main"
  wait "$main" 2>/dev/null || true
  took=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$started" "$(date +%s.%N)")
  exec 3>&-
  r=$(python3 -c "import sys; print('ok' if float(sys.argv[1]) <= float(sys.argv[2]) / 1000 + 2 else 'no')" "$took" "$drain_ms")
  check "$backend SIGTERM with a stalled body" $r "exited after $took s (drain deadline $((drain_ms / 1000)) s)"

  if [ "$backend" = postgres ]; then
    psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >&2
    pg_used=""
  fi
done
if [ ${#failures[@]} -eq 0 ]; then
  echo "VERDICT: PASS (every probe answered as expected, peak RSS under $RSS_BUDGET_MIB MiB, SIGTERM within the drain deadline)"
else
  echo "VERDICT: FAIL (${failures[*]})"
  exit 1
fi
