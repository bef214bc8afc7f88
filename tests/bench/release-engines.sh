# Sourced by the bulk-write scripts (import-history.sh, lineage-import.sh): the release binary,
# a work folder removed on exit, and a fresh database per engine.
#
#   bench_init DATABASE_NAME     builds the release binary ($bin), makes $work, and on exit drops
#                                the PostgreSQL database DATABASE_NAME and removes $work
#   engine_url ENGINE            prints the URL of a fresh database for `sqlite` or `postgres`
#                                (PostgreSQL at 127.0.0.1:5432, user postgres, trust)
pg_admin="postgres://postgres@127.0.0.1:5432"

bench_init() {
  bench_pg_db=$1
  cargo build --release -p api --manifest-path "$root/Cargo.toml" >&2
  bin="$root/target/release/egov-rank"
  work=$(mktemp -d)
  trap bench_cleanup EXIT
}

bench_cleanup() {
  psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $bench_pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}

engine_url() {
  case $1 in
    sqlite) echo "sqlite://$work/$bench_pg_db.db" ;;
    postgres)
      psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $bench_pg_db WITH (FORCE)" >/dev/null 2>&1
      psql "$pg_admin/postgres" -qc "CREATE DATABASE $bench_pg_db" >/dev/null
      echo "$pg_admin/$bench_pg_db" ;;
    *) echo "unknown engine $1" >&2; return 2 ;;
  esac
}
