// Writes every operation the clients test runs into one .graphql file, for GraphQL Code
// Generator: node write-operations.mjs OUT.graphql
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import * as ops from './operations.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const documents = [
  ...ops.readmeQueries(path.join(root, 'README.md')).map((op) => op.query),
  ...ops.CONTRACT.map((op) => op.query),
  ops.rankingWalk('edges'),
  ops.rankingWalk('nodes'),
  ops.SUBSCRIPTION,
  ops.PUBLISH,
  ops.AMEND,
  ops.IMPORT,
];
writeFileSync(process.argv[2], `${documents.join('\n\n')}\n`);
