#!/usr/bin/env bash
# How fast lineage records in bulk (issue 17: "5 000 events in under 5 s"): EVENTS (default
# 5 000) commune mergers, two communes of 2021 into one new commune of 2022 each, recorded by
# `egov-rank lineage import` in one transaction, on each engine of BACKENDS (default
# "sqlite postgres"), with the release build. The communes (tests/bench/commune-csv.py) are
# imported for 2021 into one synthetic province (`demo-data`, 2016-2020) first, as the other
# scripts here do.
# Prints seconds and events per second per engine, then a verdict line: OK when every engine
# records every event and creates every successor within MAX_SECONDS (default 5); exits 1
# otherwise.
#
# Usage: tests/bench/lineage-import.sh
#        EVENTS=500 BACKENDS=sqlite MAX_SECONDS=60 tests/bench/lineage-import.sh
# Needs python3, and for PostgreSQL a server at 127.0.0.1:5432 (user postgres, trust; the
# database egov_lineage is created and dropped). Not part of `cargo test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
events=${EVENTS:-5000}
backends=${BACKENDS:-sqlite postgres}
max_seconds=${MAX_SECONDS:-5}

# shellcheck source=release-engines.sh
. "$root/tests/bench/release-engines.sh"
bench_init egov_lineage

python3 "$root/tests/bench/commune-csv.py" "$work/communes.csv" $((events * 2)) "Xã cũ"
{
  echo "year,kind,from,to,decision"
  for ((i = 1; i <= events; i++)); do
    printf '2022,MERGE,Xã cũ %05d;Xã cũ %05d,Xã mới %05d,NQ bench\n' $((2 * i - 1)) $((2 * i)) "$i"
  done
} > "$work/lineage.csv"

verdict=OK
for engine in $backends; do
  url=$(engine_url "$engine")
  export DATABASE_URL="$url" RUST_LOG=warn
  "$bin" demo-data --provinces 1 --years 2016-2020 > /dev/null
  "$bin" import "$work/communes.csv" --jurisdiction synthetic-01 > /dev/null
  start=$(date +%s.%N)
  "$bin" lineage import "$work/lineage.csv" --tier commune --jurisdiction synthetic-01 \
    > "$work/report.txt"
  end=$(date +%s.%N)
  seconds=$(python3 -c "print(f'{$end - $start:.2f}')")
  rate=$(python3 -c "print(int($events / ($end - $start)))")
  recorded=$(grep -o 'recorded [0-9]* event' "$work/report.txt" | grep -o '[0-9]*')
  created=$(grep -c '^  + ' "$work/report.txt" || true)
  echo "$engine: $recorded events ($created successors created) in $seconds s: $rate events/s"
  if [ "$recorded" != "$events" ] || [ "$created" != "$events" ]; then
    echo "$engine: expected $events events and $events successors" >&2
    verdict=FAILED
  elif python3 -c "import sys; sys.exit(0 if $end - $start <= $max_seconds else 1)"; then
    :
  else
    verdict=FAILED
  fi
done
echo "verdict: $verdict (target: $events events in at most $max_seconds s on every engine)"
[ "$verdict" = OK ]
