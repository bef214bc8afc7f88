#!/usr/bin/env bash
# PostgreSQL restart under load: the server must report not-ready while the database is away,
# serve again within 5 s of its return, and lose no acknowledged write.
#
# Builds the release binary, creates the database egov_fault on 127.0.0.1:PG_PORT (dropped
# afterwards), loads 2 synthetic provinces (synthetic-01, -02), creates an editor token, starts
# `egov-rank serve` on loopback, and for DURATION seconds (default 60) drives it with wrk
# (tests/bench/mixed.lua: 90 % reads, 10 % writes, 2 threads, 64 connections, client timeout
# WRK_TIMEOUT, default 10 s). Meanwhile, three probes, each every 100 ms:
#   - GET /readyz (curl, 2 s limit): status and time;
#   - a read that cannot come from the kept answers (`{ years }` with a unique comment);
#   - a write: upsertAgency with a unique code `bench-probe-<n>`.
# At STOP_AT seconds (default 25) PostgreSQL is stopped (`pg_ctlcluster V CLUSTER stop -m fast`;
# STOP_MODE=immediate: `-m immediate`, a crash that loses what its log had not yet written),
# left down DOWN_SECONDS (default 5) and started again (MODE=restart: one `pg_ctlcluster restart`
# instead). "Database back" is the first `pg_isready` success after the start.
#
# Printed: when /readyz first answered non-200 (from the stop), when it was 200 again (from the
# database's return), the first successful read and write after the return, errors of the load
# per second around the outage and after return + 5 s, and every acknowledged write (load and
# probe) looked up in the database: lost must be 0.
# PASS: /readyz reported not-ready during the outage: every poll sent after the stop completed
# and answered while the database was last seen down (by the last pg_isready that failed: it may
# accept connections up to a poll before "back") was a 503 within READYZ_LIMIT seconds (default 1.1:
# the 1 s of the promise and curl's own time), and there was at least one (not required when the
# outage lasted under 2 s, as with MODE=restart); a hanging /readyz (no answer, `000`) fails, as
# it did before 03f8660. A read succeeded within 5 s of the database's return, and no
# acknowledged write was lost.
#
# Usage: tests/bench/pg-restart.sh
#        DURATION=40 STOP_AT=15 SERVER_ARGS="--pool-size 20" tests/bench/pg-restart.sh
# Other knobs: MODE (stop-start | restart), STOP_MODE (fast | immediate), DOWN_SECONDS,
# WRK_TIMEOUT, READYZ_TIMEOUT (curl limit of a /readyz poll, default 2 s), PORT (18082), and
# PG_VERSION / PG_CLUSTER / PG_PORT (default:
# the newest version under /etc/postgresql, `main`, 5432) to fault a cluster of its own, e.g. one
# made with `pg_createcluster 15 fault -p 5433 --start`, without stopping the shared one.
# Needs root (pg_ctlcluster), wrk, psql, pg_isready, python3. It stops the machine's PostgreSQL
# for about DOWN_SECONDS: other users of that server (tests) fail meanwhile. The trap starts the
# cluster again if the script ends early. Not part of `cargo test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
duration=${DURATION:-60}
stop_at=${STOP_AT:-25}
down=${DOWN_SECONDS:-5}
mode=${MODE:-stop-start}
stop_mode=${STOP_MODE:-fast}
port=${PORT:-18082}
wrk_timeout=${WRK_TIMEOUT:-10s}
pg_version=${PG_VERSION:-$(ls /etc/postgresql | sort -V | tail -1)}
pg_cluster=${PG_CLUSTER:-main}
pg_port=${PG_PORT:-5432}
readyz_timeout=${READYZ_TIMEOUT:-2}
readyz_limit=${READYZ_LIMIT:-1.1}
pg_admin="postgres://postgres@127.0.0.1:$pg_port"
db=egov_fault
url="$pg_admin/$db"
export LC_ALL=C
for tool in wrk psql pg_isready pg_ctlcluster python3 curl; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "run as root (pg_ctlcluster)" >&2; exit 1; }
[ "$stop_at" -lt "$duration" ] || { echo "STOP_AT must be before the end of DURATION" >&2; exit 1; }
pg_isready -q -h 127.0.0.1 -p "$pg_port" || { echo "PostgreSQL is not up at 127.0.0.1:$pg_port" >&2; exit 1; }

cargo build --release -p api --manifest-path "$root/Cargo.toml" >&2
bin="$root/target/release/egov-rank"
work=$(mktemp -d)
server=""
pids=()
cleanup() {
  touch "$work/stop" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  # Never leave the machine's PostgreSQL down.
  if ! pg_isready -q -h 127.0.0.1 -p "$pg_port"; then pg_ctlcluster "$pg_version" "$pg_cluster" start || true; fi
  for _ in $(seq 1 100); do pg_isready -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.1; done
  psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
now() { date +%s.%N; }

psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >&2
psql "$pg_admin/postgres" -qc "CREATE DATABASE $db" >&2
RUST_LOG=warn "$bin" --database-url "$url" migrate >&2
RUST_LOG=warn "$bin" --database-url "$url" demo-data --provinces 2 --years 2016-2025 >&2
editor=$(RUST_LOG=warn "$bin" --database-url "$url" token create --role editor --name bench-editor 2>/dev/null)
# shellcheck disable=SC2086
RUST_LOG=warn "$bin" --database-url "$url" serve --bind "127.0.0.1:$port" ${SERVER_ARGS:-} \
  2> "$work/server.log" &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "server did not become ready" >&2; cat "$work/server.log" >&2; exit 1; }

gql_url="http://127.0.0.1:$port/graphql"
probe_readyz() {
  while [ ! -e "$work/stop" ]; do
    local t r
    t=$(now)
    r=$(curl -s -o /dev/null -m "$readyz_timeout" -w '%{http_code} %{time_total}' "http://127.0.0.1:$port/readyz" || true)
    echo "$t $r" >> "$work/readyz.log"
    sleep 0.1
  done
}
probe_read() {
  local n=0
  while [ ! -e "$work/stop" ]; do
    local t body ok
    n=$((n + 1)); t=$(now)
    body=$(curl -s -m 10 "$gql_url" -H 'content-type: application/json' \
      -d "{\"query\":\"{ years(jurisdiction: \\\"synthetic-01\\\") } # probe $n\"}" || true)
    ok=0; case $body in *'"years":[2016'*) case $body in *'"errors"'*) ;; *) ok=1 ;; esac ;; esac
    echo "$t $ok $(now)" >> "$work/read.log"
    sleep 0.1
  done
}
probe_write() {
  local n=0
  while [ ! -e "$work/stop" ]; do
    local t body ok
    n=$((n + 1)); t=$(now)
    body=$(curl -s -m 10 "$gql_url" -H 'content-type: application/json' -H "Authorization: Bearer $editor" \
      -d "{\"query\":\"mutation { upsertAgency(input: {code: \\\"bench-probe-$n\\\", name: \\\"Xã Probe $n\\\", tier: COMMUNE, jurisdiction: \\\"synthetic-02\\\"}) { created agency { code } errors { code } } }\"}" || true)
    ok=0
    case $body in *'"created":true'*) case $body in *'"errors":[{'*) ;; *) ok=1; echo "bench-probe-$n" >> "$work/acked-agencies-probe.txt" ;; esac ;; esac
    echo "$t $ok $(now)" >> "$work/write.log"
    sleep 0.1
  done
}
: > "$work/readyz.log"; : > "$work/read.log"; : > "$work/write.log"; : > "$work/acked-agencies-probe.txt"
probe_readyz & pids+=($!)
probe_read & pids+=($!)
probe_write & pids+=($!)

echo "== load: wrk -t2 -c64 -d${duration}s; PostgreSQL $pg_version/$pg_cluster $mode at ${stop_at}s for ${down}s" >&2
load_start=$(now)
BENCH_DIR="$work" BENCH_TOKEN="$editor" WRITE_PERCENT=10 \
  BENCH_JURISDICTIONS="synthetic-01 synthetic-02" BENCH_YEARS=2016-2025 \
  wrk -t2 -c64 -d"${duration}s" --timeout "$wrk_timeout" --latency -s "$root/tests/bench/mixed.lua" "$gql_url" \
  > "$work/wrk.txt" &
wrk_pid=$!
pids+=("$wrk_pid")

sleep "$stop_at"
t_stop=$(now)
# pg_ctlcluster start (or restart) runs in the background while pg_isready is polled every
# 50 ms, so "back" is when PostgreSQL accepts connections, not when pg_ctlcluster returns.
if [ "$mode" = restart ]; then
  pg_ctlcluster "$pg_version" "$pg_cluster" restart -m "$stop_mode" &
  starter=$!
  t_stopped=$t_stop; t_start=$t_stop
  # Wait until it is down before looking for its return.
  for _ in $(seq 1 200); do pg_isready -q -h 127.0.0.1 -p "$pg_port" || break; sleep 0.05; done
else
  pg_ctlcluster "$pg_version" "$pg_cluster" stop -m "$stop_mode"
  t_stopped=$(now)
  sleep "$down"
  t_start=$(now)
  pg_ctlcluster "$pg_version" "$pg_cluster" start &
  starter=$!
fi
t_back=""
# The last moment PostgreSQL was seen down: the start of the last pg_isready that failed. It
# may accept connections up to one poll before "back".
t_down=$t_stopped
for _ in $(seq 1 600); do
  t_try=$(now)
  if pg_isready -q -h 127.0.0.1 -p "$pg_port"; then t_back=$(now); break; fi
  t_down=$t_try
  sleep 0.05
done
wait "$starter" || true
[ -n "$t_back" ] || { echo "PostgreSQL did not come back within 30 s" >&2; exit 1; }

wait "$wrk_pid" || true
# Give the probes a few more seconds to see a recovery that comes late, then stop them.
sleep 3
touch "$work/stop"
for pid in "${pids[@]}"; do
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill "$pid" 2>/dev/null || true
done
pids=()
cat "$work/wrk.txt" >&2

# Acknowledged writes against the database (the server is still up; the database is back).
sort -u "$work"/acked-agencies-*.txt > "$work/acked-agencies"
sort -u "$work"/acked-decisions-*.txt > "$work/acked-decisions"
psql "$url" -Atqc "SELECT code FROM agency WHERE code LIKE 'bench-%'" | sort -u > "$work/found-agencies"
psql "$url" -Atqc "SELECT number FROM decision WHERE number LIKE 'B-%/QĐ-BENCH'" | sort -u > "$work/found-decisions"
lost=$(( $(comm -23 "$work/acked-agencies" "$work/found-agencies" | wc -l) + $(comm -23 "$work/acked-decisions" "$work/found-decisions" | wc -l) ))
comm -23 "$work/acked-agencies" "$work/found-agencies" > "$work/lost"
comm -23 "$work/acked-decisions" "$work/found-decisions" >> "$work/lost"
after_ready=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)
sed 's/\x1b\[[0-9;]*m//g' "$work/server.log" > "$work/server.txt"
warnings=$(grep -c -E ' (WARN|ERROR) ' "$work/server.txt" || true)

rc=0
python3 - "$work" "$load_start" "$t_stop" "$t_stopped" "$t_start" "$t_back" "$lost" "$after_ready" "$warnings" "$mode" "$down" "$pg_version/$pg_cluster" "$readyz_timeout" "$readyz_limit" "$t_down" <<'PY' || rc=$?
import glob, sys, datetime
work, load_start, t_stop, t_stopped, t_start, t_back = sys.argv[1], *map(float, sys.argv[2:7])
lost, after_ready, warnings, mode, down, pg_version, readyz_timeout = int(sys.argv[7]), sys.argv[8], int(sys.argv[9]), sys.argv[10], sys.argv[11], sys.argv[12], sys.argv[13]

def rows(name):
    with open(f"{work}/{name}") as f:
        return [line.split() for line in f if line.strip()]

def rel(t, base):
    return "-" if t is None else f"{t - base:+.2f} s"

readyz = [(float(r[0]), r[1], float(r[2])) for r in rows("readyz.log") if len(r) >= 3]
not_ready = [r for r in readyz if r[0] >= t_stop - 0.5 and r[1] != "200"]
first_not_ready = min((r[0] for r in not_ready), default=None)
# A poll counts from when its answer arrived.
ready_again = min((r[0] + r[2] for r in readyz if r[0] >= t_back - 0.2 and r[1] == "200"), default=None)
codes = {}
for r in not_ready:
    codes[r[1]] = codes.get(r[1], 0) + 1
slowest = max((r[2] for r in not_ready), default=0.0)

def probe(name):
    entries = [(float(r[0]), r[1] == "1", float(r[2])) for r in rows(name)]
    failed = [e for e in entries if not e[1]]
    # First success sent after the database was back (or answered after it).
    first_ok = min((e[2] for e in entries if e[1] and e[2] >= t_back), default=None)
    last_fail = max((e[2] for e in failed), default=None)
    return len(entries), len(failed), first_ok, last_fail

reads = probe("read.log")
writes = probe("write.log")

timeline = {}
for path in glob.glob(f"{work}/timeline-*.txt"):
    for r in rows(path.rsplit("/", 1)[1]):
        s, ok, err = int(r[0]), int(r[1]), int(r[2])
        a, b = timeline.get(s, (0, 0))
        timeline[s] = (a + ok, b + err)
late_errors = sum(err for s, (ok, err) in timeline.items() if s > t_back + 5)
first_err = min((s for s, (ok, err) in timeline.items() if err), default=None)
last_err = max((s for s, (ok, err) in timeline.items() if err), default=None)

res = {}
for line in open(f"{work}/wrk.txt"):
    if line.startswith("RESULT"):
        for kv in line.split()[1:]:
            k, v = kv.split("=")
            res[k] = float(v)

served_in = None if reads[2] is None else reads[2] - t_back
# An outage shorter than a poll and its time limit may pass unseen: that is no fault.
short = t_back - t_stop < 2
# Polls wholly within the outage: each must be a prompt 503, not silence or a late answer.
readyz_limit, t_down = float(sys.argv[14]), float(sys.argv[15])
during = [r for r in readyz if r[0] >= t_stopped and r[0] + r[2] <= t_down]
prompt_503 = [r for r in during if r[1] == "503" and r[2] <= readyz_limit]
ok_ready = short or (len(during) > 0 and len(prompt_503) == len(during))
verdict = "PASS" if ok_ready and served_in is not None and served_in <= 5 and lost == 0 else "FAIL"
print(f"engine:               PostgreSQL {pg_version}, {mode}; down {t_back - t_stop:.2f} s "
      f"(stop took {t_stopped - t_stop:.2f} s, start at {rel(t_start, t_stop)}, back at {rel(t_back, t_stop)} from the stop)")
print(f"date:                 {datetime.datetime.utcnow().isoformat(timespec='seconds')}Z")
print(f"/readyz not ready:    first at {rel(first_not_ready, t_stop)} from the stop; answers while down: "
      + (", ".join(f"{c}x{n}" for c, n in sorted(codes.items())) or "none seen") + f" (000 = no answer within {readyz_timeout} s); slowest {slowest:.2f} s"
      + ("; outage under 2 s: not-ready need not show" if short else ""))
print(f"/readyz ready again:  {rel(ready_again, t_back)} from the database's return")
print(f"first read after:     {rel(reads[2], t_back)} from the return (read probe: {reads[0]} sent, {reads[1]} failed, last failure answered {rel(reads[3], t_back)})")
print(f"first write after:    {rel(writes[2], t_back)} from the return (write probe: {writes[0]} sent, {writes[1]} failed, last failure answered {rel(writes[3], t_back)})")
print(f"load:                 {res.get('requests', 0):.0f} requests, {res.get('rps', 0):.0f} req/s, p50 {res.get('p50_ms', 0)} ms, p99 {res.get('p99_ms', 0)} ms, max {res.get('max_ms', 0)} ms")
print(f"load errors:          HTTP non-200 {res.get('non200', 0):.0f}, GraphQL errors {res.get('graphql_errors', 0):.0f}, "
      f"timeouts {res.get('socket_timeout', 0):.0f}, socket {res.get('socket_connect', 0) + res.get('socket_read', 0) + res.get('socket_write', 0):.0f}; "
      f"seconds with errors {rel(first_err, t_stop)} .. {rel(last_err, t_stop)} from the stop; errors after return + 5 s: {late_errors}")
print(f"acknowledged writes:  {res.get('acked_agencies', 0):.0f} agencies + {res.get('acked_decisions', 0):.0f} decisions by the load, "
      f"{sum(1 for _ in open(f'{work}/acked-agencies-probe.txt'))} by the probe; lost: {lost}")
print(f"after the run:        /readyz {after_ready}; {warnings} WARN/ERROR server log lines")
print("per second around the outage (second from the stop: ok / errors):")
base = int(t_stop)
line = []
for s in range(base - 2, int(t_back) + 8):
    ok, err = timeline.get(s, (0, 0))
    line.append(f"{s - base:+d}:{ok}/{err}")
print("  " + " ".join(line))
print(f"/readyz during outage: {len(prompt_503)} of {len(during)} polls a 503 within {readyz_limit} s"
      + "".join(f"; sent at {rel(r[0], t_stop)} from the stop: {r[1]} in {r[2]:.2f} s"
                for r in during if r not in prompt_503))
print(f"verdict:              {verdict}")
sys.exit(0 if verdict == "PASS" else 1)
PY
if [ "$lost" -gt 0 ]; then echo "lost writes:"; head -20 "$work/lost"; fi
echo "first error answers of the load:"; { sort -n "$work"/errors-*.txt | head -6 | cut -c1-300; } || true
echo "first server warnings:"; { grep -E ' (WARN|ERROR) ' "$work/server.txt" | head -6 | cut -c1-300; } || true
exit "$rc"
