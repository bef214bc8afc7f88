// One GraphQL document per section. Their text is their persisted id: keep it constant.

// What can be shown: jurisdictions with their former names and the years they have results
// for, per tier and index.
export const CATALOGUE_QUERY = `query DashboardCatalogue {
  jurisdictions {
    code
    name
    kind
    isDefault
    names { name fromYear }
    coverage { tier index years }
  }
}`;

export const YEARS_QUERY = `query DashboardYears($index: String!, $jurisdiction: String, $tier: Tier) {
  years(index: $index, jurisdiction: $jurisdiction, tier: $tier)
}`;

// (a) one request per year, all at once.
export const SUMMARY_QUERY = `query DashboardYearSummary($year: Int!, $tier: Tier!, $index: String!, $jurisdiction: String) {
  yearSummary(year: $year, tier: $tier, index: $index, jurisdiction: $jurisdiction) {
    year
    count
    meanRatePercent(decimals: 1)
    levelCounts { level { code name ordinal } count }
  }
}`;

// (b) every agency present in either year, and where merged or split ones came from.
export const COMPARE_QUERY = `query DashboardCompare($from: Int!, $to: Int!, $tier: Tier!, $index: String!, $jurisdiction: String, $after: String) {
  compareYears(from: $from, to: $to, tier: $tier, index: $index, jurisdiction: $jurisdiction, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      agency { code name }
      from { rank }
      to { rank }
      rankChange
      levelDirection
      predecessors { agency { code name } rank }
    }
  }
}`;

// (c) the ranking: published values beside the recomputed ones.
export const RANKING_QUERY = `query DashboardRanking($year: Int!, $tier: Tier!, $index: String!, $jurisdiction: String, $after: String) {
  ranking(year: $year, tier: $tier, index: $index, jurisdiction: $jurisdiction, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      rank
      agency { code name }
      maxPoints
      excludedPoints
      requiredPoints
      achievedPoints
      ratePercent
      convertedScore
      score
      level { code name }
      published { rank ratePercent convertedScore score level { code name } }
    }
  }
}`;

// (d) the biggest movers both ways and the level transition matrix.
export const MOVERS_QUERY = `query DashboardMovers($from: Int!, $to: Int!, $tier: Tier!, $index: String!, $jurisdiction: String) {
  up: topMovers(from: $from, to: $to, tier: $tier, index: $index, jurisdiction: $jurisdiction, direction: UP, limit: 5) {
    agency { code name }
    from { rank }
    to { rank }
    rankChange
  }
  down: topMovers(from: $from, to: $to, tier: $tier, index: $index, jurisdiction: $jurisdiction, direction: DOWN, limit: 5) {
    agency { code name }
    from { rank }
    to { rank }
    rankChange
  }
  levelTransitions(from: $from, to: $to, tier: $tier, index: $index, jurisdiction: $jurisdiction) {
    from { code name ordinal }
    to { code name ordinal }
    count
    agencies { code name }
  }
}`;

// (e) one agency's results, oldest first.
export const AGENCY_QUERY = `query DashboardAgency($code: String!, $index: String!, $jurisdiction: String) {
  agency(code: $code, jurisdiction: $jurisdiction) {
    code
    name
    results(index: $index) { year rank groupSize ratePercent score level { code name } }
  }
}`;

export const LIVE_SUBSCRIPTION = 'subscription { resultsChanged { year tier index action } }';
