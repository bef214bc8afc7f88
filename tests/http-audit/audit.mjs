// Runs the graphql-http audit suite (https://github.com/graphql/graphql-http) against a running
// server and fails on any MUST or SHOULD failure, and when fewer results come back than the
// suite has audits (an empty or cut-short run must not pass). Usage:
// node audit.mjs http://127.0.0.1:8000/graphql
import { auditServer, serverAudits } from 'graphql-http';

const url = process.argv[2] ?? 'http://127.0.0.1:8000/graphql';
// The suite's own list of audits: how many results a complete run returns.
const expected = serverAudits({ url }).length;
const results = await auditServer({ url });
let failed = 0;
for (const result of results) {
  if (result.status === 'ok') continue;
  const blocking = result.name.startsWith('MUST') || result.name.startsWith('SHOULD');
  if (blocking) failed += 1;
  console.log(`${blocking ? 'FAIL' : 'note'} [${result.status}] ${result.name}: ${result.reason}`);
}
const ok = results.filter((r) => r.status === 'ok').length;
console.log(`graphql-http audit: ${ok} ok, ${results.length - ok} not ok, ${failed} MUST/SHOULD failures`);
const complete = expected > 0 && results.length === expected;
if (!complete) {
  console.log(`FAIL: ${results.length} results for the suite's ${expected} audits`);
}
const pass = failed === 0 && complete;
console.log(`verdict: ${pass ? 'PASS' : 'FAIL'} (${results.length} of ${expected} audits run)`);
process.exit(pass ? 0 : 1);
