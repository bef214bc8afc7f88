// The operations the clients run: every query of the README (its ```graphql blocks and the
// query its curl line sends, verbatim) and one query per root field of the API contract
// (../shared/design/API.md: years, agencies, agency, ranking, compareYears, levelTransitions,
// yearSummary, topMovers, decisions, discrepancies) selecting the contract's fields, plus the
// additions (node, nodes, jurisdictions, indices, schemes). Every one is named, for GraphQL
// Code Generator.
import { readFileSync } from 'node:fs';

/** The README's queries, named `Readme1`, `Readme2`, ... in order of appearance. */
export function readmeQueries(readmePath) {
  const text = readFileSync(readmePath, 'utf8');
  const found = [];
  for (const [, block] of text.matchAll(/```graphql\n([\s\S]*?)```/g)) {
    if (block.trim().startsWith('{')) found.push(block.trim());
  }
  for (const [, body] of text.matchAll(/-d '(\{"query".*?\})'/g)) {
    found.push(JSON.parse(body).query);
  }
  if (found.length < 2) throw new Error(`only ${found.length} queries found in the README`);
  return found.map((query, i) => ({ name: `Readme${i + 1}`, query: `query Readme${i + 1} ${query}` }));
}

const LEVEL = 'id code name ordinal';
const AGENCY = 'id code name tier aliases';
const DECISION = 'id number issuedOn title amends { id number } amendedBy { id number }';
const RESULT = `id year index maxPoints excludedPoints requiredPoints achievedPoints
  ratePercent convertedScore level { ${LEVEL} } rank tiedWith groupSize
  published { rank ratePercent convertedScore level { ${LEVEL} } }
  decision { id number }`;
const MOVEMENT = `id agency { ${AGENCY} } from { id rank ratePercent } to { id rank ratePercent }
  rankChange levelDirection ratePercentChange convertedScoreChange`;
const PAGE = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount';

/** One query per root field of the contract, with the contract's fields. */
export const CONTRACT = [
  { name: 'Years', query: 'query Years { years }' },
  { name: 'YearsOfTier', query: 'query YearsOfTier { years(tier: PROVINCE, index: "dti", jurisdiction: "viet-nam") }' },
  {
    name: 'Agencies',
    query: `query Agencies { agencies(tier: DISTRICT, search: "nam dong", first: 5) { edges { cursor node { ${AGENCY} } } nodes { ${AGENCY} } ${PAGE} } }`,
  },
  {
    name: 'Agency',
    query: `query Agency($code: String!) { agency(code: $code) { ${AGENCY}
      results { ${RESULT} previous { id year } movement { ${MOVEMENT} } }
      result(year: 2020) { id rank ratePercent } } }`,
    variables: { code: 'ubnd-huyen-a-luoi' },
  },
  {
    name: 'Ranking',
    query: `query Ranking($year: Int!, $tier: Tier!) { ranking(year: $year, tier: $tier, first: 100) {
      edges { cursor node { ${RESULT} agency { ${AGENCY} } } } nodes { ${RESULT} } ${PAGE} } }`,
    variables: { year: 2020, tier: 'DISTRICT' },
  },
  {
    name: 'RankingAsOf',
    query: `query RankingAsOf { ranking(year: 2020, tier: DISTRICT, asOf: "3402/QĐ-UBND", first: 3) { nodes { ${RESULT} } totalCount } }`,
  },
  {
    name: 'CompareYears',
    query: `query CompareYears { compareYears(from: 2021, to: 2022, tier: PROVINCE, index: "dti", jurisdiction: "viet-nam", first: 20) {
      edges { cursor node { ${MOVEMENT} } } nodes { ${MOVEMENT} percentileChange scoreChange reason predecessors { id } } ${PAGE} } }`,
  },
  {
    name: 'LevelTransitions',
    query: `query LevelTransitions { levelTransitions(from: 2020, to: 2020, tier: DISTRICT) { id from { ${LEVEL} } to { ${LEVEL} } count agencies { ${AGENCY} } } }`,
  },
  {
    name: 'YearSummary',
    query: `query YearSummary { yearSummary(year: 2020, tier: DISTRICT) { id year tier count
      levelCounts { level { ${LEVEL} } count change }
      meanRatePercent medianRatePercent minRatePercent maxRatePercent previous { id year } } }`,
  },
  {
    name: 'TopMovers',
    query: `query TopMovers { topMovers(from: 2021, to: 2022, tier: PROVINCE, direction: UP, limit: 5, index: "dti", jurisdiction: "viet-nam") { ${MOVEMENT} } }`,
  },
  { name: 'Decisions', query: `query Decisions { decisions(year: 2020) { ${DECISION} } }` },
  {
    name: 'Discrepancies',
    query: `query Discrepancies { discrepancies(year: 2020) { result { id agency { ${AGENCY} } ratePercent } field published recomputed } }`,
  },
  {
    name: 'Catalog',
    query: `query Catalog { jurisdictions { id code name kind isDefault synthetic coverage { tier index years } names { name fromYear } tierEnds { tier lastYear note } }
      indices { id code name abbreviation parent { id code } subIndices { id code } }
      schemes { id jurisdiction index tier year name rankBy maxPoints convertedRule rateDecimals levels { code name ordinal minimum } } }`,
  },
];

/** The walk over a ranking, a page at a time, selecting `edges` or `nodes`. */
export function rankingWalk(selection) {
  const items = selection === 'edges' ? `edges { cursor node { ${RESULT} } }` : `nodes { ${RESULT} }`;
  return `query RankingWalk${selection === 'edges' ? 'Edges' : 'Nodes'}($after: String) {
    ranking(year: 2020, tier: PROVINCIAL, first: 6, after: $after) { ${items} ${PAGE} } }`;
}

/** The subscription the dashboard listens to. */
export const SUBSCRIPTION = `subscription ResultsChanged { resultsChanged { year tier index action } }`;

/** A decision amending 3402, then a correction under it; and a refused import. */
export const PUBLISH = `mutation Publish($input: PublishDecisionInput!) { publishDecision(input: $input) {
  decision { ${DECISION} } errors { code message line column } } }`;
export const AMEND = `mutation Amend($input: AmendResultsInput!) { amendResults(input: $input) {
  results { ${RESULT} } report { rowsRead amended rankings } errors { code message line column } } }`;
export const IMPORT = `mutation Import($input: ImportResultsInput!) { importResults(input: $input) {
  report { rowsRead } errors { code message line column } } }`;
