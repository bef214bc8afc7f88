#!/usr/bin/env bash
# Starts the server on a fresh SQLite file and drives the leadership dashboard (GET /), a page of
# another origin (served by the test on the next port, listed in --cors-origin) and GraphiQL in
# Debian's Chromium with playwright-core (pinned in package-lock.json; Playwright's own browsers
# are never downloaded). Exits non-zero on any failed check.
#
#   tests/browser/run.sh                 # ports 18432 and 18433, or BROWSER_TEST_PORT and the next
#
# Needs Node.js, npm and /usr/bin/chromium (installed with apt-get when missing and run as root).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${BROWSER_TEST_PORT:-18432}"
page_port=$((port + 1))
chromium="${CHROMIUM:-/usr/bin/chromium}"
work="$(mktemp -d)"
server=""

cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get > /dev/null; then
    echo "installing Debian's chromium"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
  else
    echo "no Chromium at $chromium: apt-get install -y chromium (or set CHROMIUM)" >&2
    exit 1
  fi
fi

cargo build --quiet -p api --manifest-path "$root/Cargo.toml"
npm ci --silent --no-audit --no-fund --prefix "$here"

binary="$root/target/debug/egov-rank"
database="sqlite://$work/dash.db"
(cd "$work" && exec "$binary" --database-url "$database" serve --bind "127.0.0.1:$port" \
  --cors-origin "http://127.0.0.1:$page_port" \
  > "$work/server.log" 2>&1) &
server=$!
ready=""
for _ in $(seq 1 150); do
  if curl -fs "http://127.0.0.1:$port/readyz" > /dev/null; then ready=yes; break; fi
  kill -0 "$server" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "the server did not become ready on port $port" >&2
  tail -n 40 "$work/server.log" >&2
  exit 1
fi

# An editor token for the import; the CLI writes while the server runs (SQLite WAL).
token="$(cd "$work" && "$binary" --database-url "$database" token create --role editor --name dash 2> "$work/token.log")"

status=0
CHROMIUM="$chromium" timeout 150 node "$here/dashboard.test.mjs" "http://127.0.0.1:$port" "$token" "$page_port" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 40 lines) ---" >&2
  tail -n 40 "$work/server.log" >&2
fi
exit "$status"
