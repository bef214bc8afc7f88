// Compiled with the generated types under `tsc --strict`: the scalars are strings (not `any`
// or `unknown`), ids are strings, enums are their values.
import type { RankingQuery, YearSummaryQuery, Tier } from './generated/graphql.js';

type IsAny<T> = 0 extends 1 & T ? true : false;
type Node = RankingQuery['ranking']['nodes'][number];

const rate: Node['ratePercent'] = '85.36';
const rateNotAny: IsAny<Node['ratePercent']> = false;
const exact: string | null | undefined = rate;
const id: string = ({} as Node).id;
const tier: Tier = 'DISTRICT';
const mean: NonNullable<YearSummaryQuery['yearSummary']>['meanRatePercent'] = null;

export const checked = [rate, rateNotAny, exact, id, tier, mean];
