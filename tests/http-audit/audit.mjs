// Runs the graphql-http audit suite (https://github.com/graphql/graphql-http) against a running
// server and fails on any MUST or SHOULD failure. Usage: node audit.mjs http://127.0.0.1:8000/graphql
import { auditServer } from 'graphql-http';

const url = process.argv[2] ?? 'http://127.0.0.1:8000/graphql';
const results = await auditServer({ url });
let failed = 0;
for (const result of results) {
  const level = result.id ? result.name.split(' ')[0] : '';
  if (result.status === 'ok') continue;
  const blocking = result.name.startsWith('MUST') || result.name.startsWith('SHOULD');
  if (blocking) failed += 1;
  console.log(`${blocking ? 'FAIL' : 'note'} [${result.status}] ${result.name}: ${result.reason}`);
}
const ok = results.filter((r) => r.status === 'ok').length;
console.log(`graphql-http audit: ${ok} ok, ${results.length - ok} not ok, ${failed} MUST/SHOULD failures`);
process.exit(failed === 0 ? 0 : 1);
