#!/usr/bin/env bash
# The clients front-end developers use, against a started server (tests/lib/server.sh, on a free
# port): Apollo Client 4 with InMemoryCache and urql with Graphcache run every query of the
# README and of the API contract, a Relay-style walk over a ranking, mutations and a
# subscription (graphql-ws), with no client warning, each answer read back from the cache equal
# to the server's; then GraphQL Code Generator types every operation from api/schema.graphql
# and the result compiles under `tsc --strict`. Packages are pinned in package-lock.json.
#
# Needs Node.js (20 or later) and npm. Exits non-zero on any failed check.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib/server.sh"
work="$(mktemp -d)"
trap 'stop_server; rm -rf "$work" "$here/generated"' EXIT

npm_ci "$here"
start_server "$work"

# The README's onboarding commands (the province `tinh-mau` its curl line compares), run as
# written against the server's database while it serves.
grep -E '^egov-rank ' "$root/README.md" | grep -v -e ' serve' -e 'token create' | while read -r line; do
  (cd "$root" && export DATABASE_URL="$database" && eval "\"$binary\" ${line#egov-rank }") > /dev/null 2>> "$work/cli.log"
done
token="$(cd "$work" && "$binary" --database-url "$database" token create --role editor --name clients 2> /dev/null)"

status=0
timeout 300 node "$here/clients.test.mjs" "$base" "$token" || status=$?
if [ "$status" -ne 0 ]; then server_log "$work"; exit "$status"; fi

# Code generation: the operations above, typed from the committed SDL, compiled strictly.
mkdir -p "$here/generated"
node "$here/write-operations.mjs" "$here/generated/operations.graphql"
(cd "$here" && npx --no-install graphql-codegen --config codegen.ts --silent)
(cd "$here" && npx --no-install tsc --strict --noEmit --target es2022 --module nodenext \
  --moduleResolution nodenext --skipLibCheck generated/graphql.ts typed.ts)
# The README shows this very configuration.
node -e "
const fs = require('fs');
const config = fs.readFileSync('$here/codegen.ts', 'utf8');
if (!fs.readFileSync('$root/README.md', 'utf8').includes(config.trim())) {
  console.error('README.md does not show tests/clients/codegen.ts as it is'); process.exit(1);
}"
echo "codegen: TypeScript of every operation compiles under tsc --strict"
