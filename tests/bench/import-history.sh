#!/usr/bin/env bash
# How fast a history imports: the national shape in one file (tests/bench/history-csv.py:
# 63 "provinces" x 130 agencies x 10 years = 81 900 rows, 8 190 agencies) into a fresh
# jurisdiction, in one transaction, on each engine of BACKENDS (default "sqlite postgres"),
# with the release build. Prints seconds and rows per second per engine, then a verdict line:
# OK when every engine imports at least MIN_ROWS_PER_S (default 50 000, the target of issue 16)
# and every row landed; exits 1 otherwise.
#
# Usage: tests/bench/import-history.sh
#        PROVINCES=10 BACKENDS=sqlite MIN_ROWS_PER_S=1000 tests/bench/import-history.sh
# Needs python3, and for PostgreSQL a server at 127.0.0.1:5432 (user postgres, trust; the
# database egov_history is created and dropped). Not part of `cargo test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
provinces=${PROVINCES:-63}
backends=${BACKENDS:-sqlite postgres}
min_rate=${MIN_ROWS_PER_S:-50000}

# shellcheck source=release-engines.sh
. "$root/tests/bench/release-engines.sh"
bench_init egov_history

csv="$work/history.csv"
python3 "$root/tests/bench/history-csv.py" "$csv" "$provinces" 2016-2025
rows=$(($(wc -l < "$csv") - 1))
verdict=OK
for engine in $backends; do
  url=$(engine_url "$engine")
  export DATABASE_URL="$url" RUST_LOG=warn
  bench_jurisdiction
  start=$(date +%s.%N)
  "$bin" import "$csv" --jurisdiction bench > "$work/report.txt"
  end=$(date +%s.%N)
  seconds=$(python3 -c "print(f'{$end - $start:.2f}')")
  rate=$(python3 -c "print(int($rows / ($end - $start)))")
  landed=$(grep -o 'imported [0-9]* row' "$work/report.txt" | grep -o '[0-9]*')
  created=$(grep -o 'agencies created: [0-9]*' "$work/report.txt" | grep -o '[0-9]*$')
  echo "$engine: $rows rows ($created agencies) in $seconds s: $rate rows/s"
  if [ "$landed" != "$rows" ] || [ "$created" != "$((provinces * 130))" ]; then
    echo "$engine: expected $rows rows and $((provinces * 130)) agencies, got $landed and $created" >&2
    verdict=FAILED
  elif [ "$rate" -lt "$min_rate" ]; then
    verdict=FAILED
  fi
done
echo "verdict: $verdict (target: at least $min_rate rows/s on every engine, every row landed)"
[ "$verdict" = OK ]
