# Sourced by the bulk-write scripts (import-history.sh, lineage-import.sh), analytics-load.sh,
# peer.sh and instructions.sh: the release binary, a work folder removed on exit, a fresh
# database per engine, and the jurisdiction that history-csv.py's files are imported into.
#
#   bench_binary                 builds the release binary and sets $bin; EGOV_RANK=PATH uses
#                                that binary instead, building nothing
#   bench_init DATABASE_NAME [MORE...]  bench_binary, makes $work, and on exit drops the
#                                PostgreSQL databases named and removes $work
#   engine_url ENGINE            prints the URL of a fresh database for `sqlite` or `postgres`
#                                (PostgreSQL at 127.0.0.1:5432, user postgres, trust), named
#                                DATABASE_NAME
#   bench_jurisdiction           adds the jurisdiction `bench` and its schemes (points out of 100,
#                                level DAT from 75) to the database of $DATABASE_URL
#   bench_need TOOL              installs TOOL (wrk, valgrind) with apt-get when it is missing and
#                                this is root on Debian; otherwise says how and exits 1
pg_admin="postgres://postgres@127.0.0.1:5432"

bench_need() { # tool (Debian's package of the same name)
  command -v "$1" > /dev/null && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get > /dev/null; then
    echo "installing Debian's $1" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" > /dev/null
  else
    echo "$1 is needed: apt-get install $1" >&2
    exit 1
  fi
}

bench_binary() {
  if [ -n "${EGOV_RANK:-}" ]; then
    bin=$EGOV_RANK
  else
    cargo build --release -p api --manifest-path "$root/Cargo.toml" >&2
    bin="$root/target/release/egov-rank"
  fi
}

bench_init() {
  bench_pg_db=$1
  bench_pg_dbs=("$@")
  bench_binary
  work=$(mktemp -d)
  trap bench_cleanup EXIT
}

bench_cleanup() {
  local db
  for db in "${bench_pg_dbs[@]}"; do
    psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}

engine_url() {
  case $1 in
    sqlite)
      rm -f "$work/$bench_pg_db.db" "$work/$bench_pg_db.db-wal" "$work/$bench_pg_db.db-shm"
      echo "sqlite://$work/$bench_pg_db.db" ;;
    postgres)
      psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $bench_pg_db WITH (FORCE)" >/dev/null 2>&1
      psql "$pg_admin/postgres" -qc "CREATE DATABASE $bench_pg_db" >/dev/null
      echo "$pg_admin/$bench_pg_db" ;;
    *) echo "unknown engine $1" >&2; return 2 ;;
  esac
}

bench_jurisdiction() {
  local tier
  for tier in provincial district commune; do
    cat <<ONE
[[scheme]]
jurisdiction = "bench"
tier = "$tier"
from_year = 2016
name = "bench $tier"
converted_rule = "achieved_points"
[[scheme.levels]]
code = "DAT"
name = "Đạt"
min = "75"
[[scheme.levels]]
code = "CHUA"
name = "Chưa đạt"
min = "0"

ONE
  done > "$work/schemes.toml"
  "$bin" jurisdiction add bench --name Bench > /dev/null
  "$bin" scheme set "$work/schemes.toml" > /dev/null
}
