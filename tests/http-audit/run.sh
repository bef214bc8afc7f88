#!/usr/bin/env bash
# Starts the server on a fresh SQLite file and runs the graphql-http audit suite against it.
# Needs Node.js and npm (the suite is pinned in package-lock.json). Exits non-zero on any MUST
# or SHOULD failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${AUDIT_PORT:-18431}"
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

cargo build --quiet -p api --manifest-path "$root/Cargo.toml"
npm ci --silent --no-audit --no-fund --prefix "$here"
(cd "$work" && exec "$root/target/debug/egov-rank" --database-url "sqlite://$work/audit.db" \
  serve --bind "127.0.0.1:$port" > "$work/server.log" 2>&1) &
server=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/readyz" > /dev/null && break
  sleep 0.2
done
node "$here/audit.mjs" "http://127.0.0.1:$port/graphql"
