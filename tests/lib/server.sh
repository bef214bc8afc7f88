# Starting an egov-rank server for the Node test suites (tests/*/run.sh): source this file, then
#   start_server WORKDIR [PORT]
# builds the binary, starts `serve` on a fresh SQLite file in WORKDIR on PORT (a free one when
# not given), waits until /readyz answers and sets `binary`, `database`, `port`, `base` and
# `server` (its pid). `stop_server` stops it; `server_log` prints the end of its log.
# `npm_ci DIR` installs the pinned packages of DIR.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary="$root/target/debug/egov-rank"
server=""

free_port() {
  node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}

npm_ci() {
  npm ci --silent --no-audit --no-fund --prefix "$1"
}

start_server() {
  local work="$1"
  port="${2:-$(free_port)}"
  database="sqlite://$work/server.db"
  base="http://127.0.0.1:$port"
  cargo build --quiet -p api --manifest-path "$root/Cargo.toml"
  (cd "$work" && exec "$binary" --database-url "$database" serve --bind "127.0.0.1:$port" \
    > "$work/server.log" 2>&1) &
  server=$!
  for _ in $(seq 1 150); do
    if curl -fs "$base/readyz" > /dev/null; then return 0; fi
    kill -0 "$server" 2>/dev/null || break
    sleep 0.2
  done
  echo "the server did not become ready on port $port" >&2
  tail -n 40 "$work/server.log" >&2
  return 1
}

stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}

server_log() {
  echo "--- server log (last 40 lines) ---" >&2
  tail -n 40 "$1/server.log" >&2
}
