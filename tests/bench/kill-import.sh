#!/usr/bin/env bash
# kill -9 during a large import: an import is one transaction, so after the kill the database
# must hold the whole file or nothing of it.
#
# Generates a normalized CSV of ROWS (default 50 000) commune results for 2021 (unique agency
# names `Xã Kill 00001`..., max 100, excluded 0, required 100, achieved random 0-100 with 2
# decimals, published columns empty; fixed seed). For each engine (BACKENDS, default "sqlite
# postgres"), on a database holding one synthetic province with 2016-2020 data (synthetic-01:
# its commune scheme governs 2021; it has no 2021 results), runs
#
#   egov-rank --database-url URL import FILE --decision 1/QĐ-UBND --jurisdiction synthetic-01
#
# and kills it with SIGKILL after each delay of DELAYS (default "0.5 1 2 4 progress": seconds;
# `progress` = at the first progress line on standard error, which the import logs as its
# statements of rows go in, at most every 1 000 rows (standard error is a file here, so no
# progress bar); `at:N+S` = S seconds after the line for N rows (N as a line of the log gives
# it, e.g. `at:49140+60`), then counts, in the database itself: 2021 results of synthetic-01,
# agencies named `Xã Kill %`, the decision 1/QĐ-UBND and importResults audit entries. Verdict
# OK when all
# four are nothing (0, 0, 0, 0) or everything (ROWS, ROWS, 1, 1); on SQLite also
# `PRAGMA integrity_check`. The killed runs share one database (each must leave it empty of the
# import, and the next run starts on what the kill left); it is made afresh only after a run
# that landed. Last (unless FULL=0), one run that is not killed, on the database the kills left,
# shows that a full import lands, and how long it takes.
#
# Usage: tests/bench/kill-import.sh
#        ROWS=20000 DELAYS="1 progress" BACKENDS=sqlite tests/bench/kill-import.sh
# Needs sqlite3, psql and python3; for PostgreSQL a server at 127.0.0.1:5432 (user postgres,
# trust; the database egov_kill is created and dropped). Not part of `cargo test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rows=${ROWS:-50000}
delays=${DELAYS:-0.5 1 2 4 progress}
backends=${BACKENDS:-sqlite postgres}
pg_admin="postgres://postgres@127.0.0.1:5432"
pg_db=egov_kill
decision="1/QĐ-UBND"
export LC_ALL=C.UTF-8

cargo build --release -p api --manifest-path "$root/Cargo.toml" >&2
bin="$root/target/release/egov-rank"
work=$(mktemp -d)
importer=""
pg_used=""
cleanup() {
  if [ -n "$importer" ]; then kill -9 "$importer" 2>/dev/null || true; wait "$importer" 2>/dev/null || true; fi
  if [ -n "$pg_used" ]; then
    psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

csv="$work/import.csv"
python3 "$root/tests/bench/commune-csv.py" "$csv" "$rows" "Xã Kill"
echo "generated $csv: $rows rows, $(du -k "$csv" | cut -f1) KiB" >&2

fresh() { # engine: a new database with synthetic-01 (2016-2020)
  case $1 in
    sqlite)
      rm -f "$work/kill.db" "$work/kill.db-wal" "$work/kill.db-shm"
      url="sqlite://$work/kill.db" ;;
    postgres)
      pg_used=1
      psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >&2
      psql "$pg_admin/postgres" -qc "CREATE DATABASE $pg_db" >&2
      url="$pg_admin/$pg_db" ;;
  esac
  RUST_LOG=warn "$bin" --database-url "$url" demo-data --provinces 1 --years 2016-2020 >/dev/null
}
sql() { # engine query
  case $1 in
    sqlite) sqlite3 "$work/kill.db" "$2" ;;
    postgres) psql "$pg_admin/$pg_db" -Atqc "$2" ;;
  esac
}
counts() { # engine -> "results agencies decisions audits"
  local r a d l
  r=$(sql "$1" "SELECT count(*) FROM result r JOIN jurisdiction j ON j.id = r.jurisdiction_id WHERE j.code = 'synthetic-01' AND r.year = 2021")
  a=$(sql "$1" "SELECT count(*) FROM agency WHERE name LIKE 'Xã Kill %'")
  d=$(sql "$1" "SELECT count(*) FROM decision WHERE number = '$decision'")
  l=$(sql "$1" "SELECT count(*) FROM audit_log WHERE action = 'importResults'")
  echo "$r $a $d $l"
}
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }

summary="$work/summary.txt"
printf '%-9s %-9s %-9s %-8s %-30s %-8s %-9s %-8s %-9s %-9s %s\n' engine delay killed_at exit last_progress results agencies decision audit integrity verdict > "$summary"
failures=0
for backend in $backends; do
  case $backend in sqlite|postgres) ;; *) echo "unknown engine $backend" >&2; exit 1 ;; esac
  fresh "$backend"
  runs=$delays; [ "${FULL:-1}" = 1 ] && runs="$runs full"
  for delay in $runs; do
    log="$work/import-$backend-$delay.log"
    started=$(now)
    "$bin" --database-url "$url" import "$csv" --decision "$decision" --jurisdiction synthetic-01 \
      > "$work/import.out" 2> "$log" &
    importer=$!
    killed_at="-"
    case $delay in
      full) ;;
      progress|at:*)
        # `progress`: the first progress line; `at:N+S`: S seconds after the line for N rows.
        pattern='rows written'; extra=0
        if [ "$delay" != progress ]; then
          spec=${delay#at:}; pattern="import: ${spec%%+*} of"
          case $spec in *+*) extra=${spec#*+} ;; esac
        fi
        for _ in $(seq 1 360000); do # at most an hour
          grep -q "$pattern" "$log" && break
          kill -0 "$importer" 2>/dev/null || break
          sleep 0.01
        done
        sleep "$extra" ;;
      *) sleep "$delay" ;;
    esac
    if [ "$delay" != full ]; then
      if kill -9 "$importer" 2>/dev/null; then killed_at="$(elapsed "$started" "$(now)")s"; else killed_at="done"; fi
    fi
    code=0; wait "$importer" 2>/dev/null || code=$?
    importer=""
    took=$(elapsed "$started" "$(now)")
    last=$(grep -o 'import: [0-9]* of [0-9]* rows written' "$log" | tail -1 | sed 's/import: \([0-9]*\) of.*/\1 rows written/' || true)
    [ -n "$last" ] || last="(none)"
    read -r results agencies decisions audits < <(counts "$backend")
    integrity="-"
    [ "$backend" = sqlite ] && integrity=$(sql sqlite "PRAGMA integrity_check" | head -1)
    verdict=OK
    if [ "$results $agencies $decisions $audits" = "0 0 0 0" ]; then state=none
    elif [ "$results $agencies $decisions $audits" = "$rows $rows 1 1" ]; then state=all
    else state=partial; verdict=FAIL
    fi
    [ "$integrity" = "-" ] || [ "$integrity" = ok ] || verdict=FAIL
    if [ "$delay" = full ]; then
      [ "$state" = all ] && [ "$code" = 0 ] || verdict=FAIL
      label="full (${took}s)"
    else
      label="$delay"
    fi
    [ "$verdict" = OK ] || failures=$((failures + 1))
    printf '%-9s %-9s %-9s %-8s %-30s %-8s %-9s %-8s %-9s %-9s %s\n' "$backend" "$label" "$killed_at" "$code" "$last" \
      "$results" "$agencies" "$decisions" "$audits" "$integrity" "$verdict ($state)" | tee -a "$summary" >&2
    if [ "$verdict" != OK ] || [ "$delay" = full ]; then tail -3 "$log" | cut -c1-300 >&2; fi
    # A kill that came after the commit leaves the import in: start the next run afresh.
    if [ "$state" != none ] && [ "$delay" != full ]; then fresh "$backend"; fi
  done
  if [ "$backend" = postgres ]; then
    psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >&2
  fi
done
echo "== kill -9 during a $rows-row import ($(date -u +%FT%TZ), $(nproc) cores)"
cat "$summary"
if [ "$failures" -eq 0 ]; then
  echo "verdict: PASS (every kill left the import wholly in or wholly out, the database intact)"
else
  echo "verdict: FAIL ($failures runs left a partial import or a damaged database)"
  exit 1
fi
