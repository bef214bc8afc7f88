// The leadership dashboard of egov-rank: the reference client of the public GraphQL API.
//
// Everything on the page comes from POST /graphql (with automatic persisted queries) and the
// `resultsChanged` subscription on the WebSocket /graphql/ws. Plain modern JavaScript, plain SVG,
// no framework and no build step: read it top to bottom.
//
//   1. Words           the dictionary of every visible string (Vietnamese and English)
//   2. Transport       graphql(): one POST with a persisted-query hash, the query text only if asked
//   3. Queries         one GraphQL document per section
//   4. State           year, compare-with year, tier, index, language; kept in the URL's hash
//   5. Loading         refresh(): fetch every section's data at once, then draw
//   6. Sections        (a) level bars, (b) slope chart, (c) ranking table, (d) movers and
//                      transitions, (e) one agency's series
//   7. Live updates    graphql-transport-ws; each `next` refreshes the page (debounced)
//
// Numbers: the API serialises decimals as exact strings ("85.36"). They are shown as strings
// (the dot becomes a comma in Vietnamese) and compared as strings after normalisation, never
// through floating point, so "81.96" is never shown as 81.9599999.

// ---------------------------------------------------------------------------------------------
// 1. Words
// ---------------------------------------------------------------------------------------------

const WORDS = {
  vi: {
    title: 'Xếp hạng mức độ chính quyền điện tử',
    subtitle: 'Năm nay kết quả thế nào, và đơn vị nào thay đổi thứ hạng',
    year: 'Năm',
    compare: 'So sánh với năm',
    tier: 'Cấp',
    index: 'Bộ chỉ số',
    langButton: 'EN',
    tiers: {
      PROVINCIAL: 'Cơ quan chuyên môn thuộc UBND tỉnh',
      DISTRICT: 'UBND cấp huyện',
      COMMUNE: 'UBND cấp xã',
    },
    indexes: {
      'cqdt-results': 'Mức độ kết quả CQĐT',
      'cqdt-readiness': 'Mức độ điều kiện sẵn sàng',
    },
    noYears: '(chưa có dữ liệu)',
    levels: { I: 'Mức độ I', II: 'Mức độ II', III: 'Mức độ III', IV: 'Mức độ IV', NOT_ACHIEVED: 'Chưa đạt' },
    levelsTitle: 'Phân bố mức độ theo năm',
    slopeTitle: 'Thay đổi thứ hạng',
    tableTitle: 'Bảng xếp hạng như đã công bố',
    tableNote: '⚠: giá trị công bố khác giá trị tính lại từ số điểm công bố (rê chuột để xem). Chữ nghiêng: không công bố, giá trị tính lại.',
    moversTitle: 'Tăng, giảm hạng nhiều nhất',
    transitionsTitle: 'Chuyển mức độ',
    seriesTitle: 'Kết quả qua các năm',
    seriesHint: 'Chọn tên một đơn vị (trong bảng hoặc biểu đồ thứ hạng) để xem kết quả của đơn vị qua các năm.',
    close: 'Đóng',
    headers: [
      'STT', 'Tên đơn vị', 'Điểm tối đa', 'Số điểm không đưa vào đánh giá',
      'Số điểm tối đa cần thực hiện', 'Số điểm thực hiện', 'Tỷ lệ thực hiện',
      'Số điểm thực hiện được quy đổi', 'Xếp hạng Mức độ',
    ],
    headline: 'Năm {year}, {tier}: {count} đơn vị, tỷ lệ thực hiện trung bình {mean}%; {top} đơn vị đạt {best}.',
    headlineNone: 'Năm {year}, {tier}: chưa có kết quả.',
    noData: 'Chưa có kết quả năm {year} cho cấp này.',
    noIndexData: 'Bộ chỉ số này chưa có kết quả.',
    noCompare: 'Chưa có kết quả năm {year} của cấp này để so sánh. Khi có, thay đổi thứ hạng sẽ hiện ở đây.',
    sameYear: 'Chọn một năm khác để so sánh.',
    up: 'Tăng hạng',
    down: 'Giảm hạng',
    none: 'Không có',
    rank: 'hạng',
    of: 'trên',
    units: 'đơn vị',
    newAgency: 'Mới',
    dropped: 'Không còn',
    fromTo: 'Từ {from} (hàng) sang {to} (cột)',
    differs: 'Giá trị công bố {published}, tính lại {recomputed}',
    computed: 'Không công bố; đây là giá trị tính lại',
    live: {
      connecting: 'Đang kết nối cập nhật trực tiếp…',
      connected: '● Cập nhật trực tiếp',
      reconnecting: 'Mất kết nối, thử lại sau {s} giây',
    },
    updated: 'Cập nhật lúc {time}',
    error: 'Không tải được dữ liệu: {message}',
  },
  en: {
    title: 'E-government level ranking',
    subtitle: 'How did we do this year, and who moved',
    year: 'Year',
    compare: 'Compare with',
    tier: 'Tier',
    index: 'Index',
    langButton: 'VI',
    tiers: {
      PROVINCIAL: 'Provincial departments',
      DISTRICT: 'District people’s committees',
      COMMUNE: 'Commune people’s committees',
    },
    indexes: {
      'cqdt-results': 'E-government results',
      'cqdt-readiness': 'E-government readiness',
    },
    noYears: '(no data)',
    levels: { I: 'Level I', II: 'Level II', III: 'Level III', IV: 'Level IV', NOT_ACHIEVED: 'Not achieved' },
    levelsTitle: 'Levels by year',
    slopeTitle: 'Rank movements',
    tableTitle: 'Ranking as published',
    tableNote: '⚠: the published value differs from the one recomputed from the published points (hover to see both). Italics: not published, recomputed.',
    moversTitle: 'Biggest movers',
    transitionsTitle: 'Level transitions',
    seriesTitle: 'Results over the years',
    seriesHint: 'Pick an agency’s name (in the table or the rank chart) to see its results over the years.',
    close: 'Close',
    headers: [
      'Rank', 'Agency', 'Max points', 'Excluded points', 'Required points', 'Achieved points',
      'Rate', 'Converted score', 'Level',
    ],
    headline: '{year}, {tier}: {count} agencies, mean rate {mean}%; {top} reached {best}.',
    headlineNone: '{year}, {tier}: no results yet.',
    noData: 'No results for {year} in this tier.',
    noIndexData: 'This index has no results yet.',
    noCompare: 'There are no results for {year} in this tier to compare with yet. Rank movements will show here once there are.',
    sameYear: 'Pick another year to compare with.',
    up: 'Moved up',
    down: 'Moved down',
    none: 'None',
    rank: 'rank',
    of: 'of',
    units: 'agencies',
    newAgency: 'New',
    dropped: 'Dropped',
    fromTo: 'From {from} (rows) to {to} (columns)',
    differs: 'Published {published}, recomputed {recomputed}',
    computed: 'Not published; this is the recomputed value',
    live: {
      connecting: 'Connecting live updates…',
      connected: '● Live',
      reconnecting: 'Disconnected, retrying in {s} s',
    },
    updated: 'Updated at {time}',
    error: 'Could not load the data: {message}',
  },
};

/** The word for `key` in the current language, with `{name}` placeholders filled in. */
function t(key, values = {}) {
  const text = WORDS[state.lang][key] ?? WORDS.vi[key] ?? key;
  return typeof text === 'string'
    ? text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''))
    : text;
}

/** A level's label: the dictionary's for the usual codes, else the name the API gives. */
function levelLabel(level) {
  if (!level) return '';
  return WORDS[state.lang].levels[level.code] ?? level.name ?? level.code;
}

/** A decimal string as the language writes it: "85.36" → "85,36" in Vietnamese. */
function decimal(value) {
  if (value == null) return '';
  return state.lang === 'vi' ? String(value).replace('.', ',') : String(value);
}

/** A decimal string in a form where equal numbers are equal strings: "82.40" → "82.4". */
function normalDecimal(value) {
  let text = String(value).trim();
  const negative = text.startsWith('-');
  if (negative) text = text.slice(1);
  let [whole, fraction = ''] = text.split('.');
  whole = whole.replace(/^0+(?=\d)/, '');
  fraction = fraction.replace(/0+$/, '');
  const body = fraction ? `${whole}.${fraction}` : whole;
  return negative && body !== '0' ? `-${body}` : body;
}

// ---------------------------------------------------------------------------------------------
// 2. Transport: automatic persisted queries (Apollo APQ) over POST /graphql
// ---------------------------------------------------------------------------------------------

const GRAPHQL_ENDPOINT = '/graphql';
const LIVE_ENDPOINT = '/graphql/ws';

/** The hex SHA-256 of a query's text: its persisted-query id. */
async function sha256Hex(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Runs one GraphQL operation and returns its `data`.
 *
 * First sends only the query's hash; the server answers from the queries it has seen. If it has
 * not seen this one (`PERSISTED_QUERY_NOT_FOUND`), sends the hash with the text, which the
 * server then keeps, so later requests are small. Throws on any GraphQL error.
 */
async function graphql(query, variables = {}) {
  // crypto.subtle exists only in secure contexts (https, or http on 127.0.0.1 / localhost):
  // elsewhere the query is simply sent in full.
  if (!globalThis.crypto?.subtle) return dataOf(await post({ query, variables }));

  const extensions = { persistedQuery: { version: 1, sha256Hash: await sha256Hex(query) } };
  let answer = await post({ extensions, variables });
  const first = answer.errors?.[0];
  if (first?.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND'
      || first?.message === 'PersistedQueryNotFound') {
    answer = await post({ query, extensions, variables });
  }
  return dataOf(answer);
}

/** POSTs a GraphQL request and returns the decoded answer (errors included). */
async function post(body) {
  const response = await fetch(GRAPHQL_ENDPOINT, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
    },
    body: JSON.stringify(body),
  });
  // GraphQL over HTTP answers a request that cannot run with a 4xx and a JSON body of errors:
  // read the body whatever the status, as long as it is JSON.
  if (!(response.headers.get('content-type') ?? '').includes('json')) {
    throw new Error(`HTTP ${response.status}`);
  }
  return response.json();
}

/** The `data` of an answer, or an Error carrying its first error's message and code. */
function dataOf(answer) {
  if (answer.errors?.length) {
    const [first] = answer.errors;
    const error = new Error(first.message);
    error.code = first.extensions?.code;
    throw error;
  }
  return answer.data;
}

/** Every node of a connection, following `pageInfo.endCursor` (at most `maxPages` pages). */
async function allNodes(query, variables, field, maxPages = 50) {
  const nodes = [];
  let after = null;
  for (let page = 0; page < maxPages; page += 1) {
    const connection = (await graphql(query, { ...variables, after }))[field];
    nodes.push(...connection.nodes);
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return nodes;
}

// ---------------------------------------------------------------------------------------------
// 3. Queries: one document per section. Their text is their persisted id: keep it constant.
// ---------------------------------------------------------------------------------------------

const YEARS_QUERY = `query DashboardYears($index: String!) {
  years(index: $index)
}`;

// (a) one request per year, all at once.
const SUMMARY_QUERY = `query DashboardYearSummary($year: Int!, $tier: Tier!, $index: String!) {
  yearSummary(year: $year, tier: $tier, index: $index) {
    year
    count
    meanRatePercent(decimals: 1)
    levelCounts { level { code name ordinal } count }
  }
}`;

// (b) every agency present in either year.
const COMPARE_QUERY = `query DashboardCompare($from: Int!, $to: Int!, $tier: Tier!, $index: String!, $after: String) {
  compareYears(from: $from, to: $to, tier: $tier, index: $index, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      agency { code name }
      from { rank }
      to { rank }
      rankChange
      levelDirection
    }
  }
}`;

// (c) the ranking: published values beside the recomputed ones.
const RANKING_QUERY = `query DashboardRanking($year: Int!, $tier: Tier!, $index: String!, $after: String) {
  ranking(year: $year, tier: $tier, index: $index, first: 100, after: $after) {
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
      level { code name }
      published { rank ratePercent convertedScore level { code name } }
    }
  }
}`;

// (d) the biggest movers both ways and the level transition matrix.
const MOVERS_QUERY = `query DashboardMovers($from: Int!, $to: Int!, $tier: Tier!, $index: String!) {
  up: topMovers(from: $from, to: $to, tier: $tier, index: $index, direction: UP, limit: 5) {
    agency { code name }
    from { rank }
    to { rank }
    rankChange
  }
  down: topMovers(from: $from, to: $to, tier: $tier, index: $index, direction: DOWN, limit: 5) {
    agency { code name }
    from { rank }
    to { rank }
    rankChange
  }
  levelTransitions(from: $from, to: $to, tier: $tier, index: $index) {
    from { code name ordinal }
    to { code name ordinal }
    count
    agencies { code name }
  }
}`;

// (e) one agency's results, oldest first.
const AGENCY_QUERY = `query DashboardAgency($code: String!, $index: String!) {
  agency(code: $code) {
    code
    name
    results(index: $index) { year rank groupSize ratePercent level { code name } }
  }
}`;

const LIVE_SUBSCRIPTION = 'subscription { resultsChanged { year tier index action } }';

// ---------------------------------------------------------------------------------------------
// 4. State
// ---------------------------------------------------------------------------------------------

const TIERS = ['PROVINCIAL', 'DISTRICT', 'COMMUNE'];
/** The indexes the API documents; `years(index:)` tells which have data. */
const INDEXES = ['cqdt-results', 'cqdt-readiness'];

/** What the page shows; `year`/`compare` null until the years are known. */
const state = {
  year: null,
  compare: null,
  tier: 'PROVINCIAL',
  index: 'cqdt-results',
  lang: 'vi',
  agency: null, // the code of the agency whose series is open
};

/** Years with data, per index (from the last refresh). */
let yearsByIndex = {};

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

/** Reads the state from the URL's hash (`#year=2020&tier=DISTRICT&lang=en`), so views can be linked. */
function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const year = Number(params.get('year'));
  const compare = Number(params.get('compare'));
  if (year) state.year = year;
  if (compare) state.compare = compare;
  if (TIERS.includes(params.get('tier'))) state.tier = params.get('tier');
  if (params.get('index')) state.index = params.get('index');
  if (params.get('lang') === 'en' || params.get('lang') === 'vi') state.lang = params.get('lang');
  if (params.get('agency')) state.agency = params.get('agency');
}

function writeHash() {
  const params = new URLSearchParams();
  for (const key of ['year', 'compare', 'tier', 'index', 'lang', 'agency']) {
    if (state[key] != null) params.set(key, state[key]);
  }
  history.replaceState(null, '', `#${params}`);
}

// ---------------------------------------------------------------------------------------------
// 5. Loading
// ---------------------------------------------------------------------------------------------

/** Counts refreshes; an answer that arrives after a newer refresh started is dropped. */
let generation = 0;

/** Fetches everything the page shows for the current state, then draws it. */
async function refresh() {
  const mine = ++generation;
  document.documentElement.dataset.loading = 'true';
  try {
    // Which years each index has: fills the year selectors.
    const lists = await Promise.all(
      INDEXES.map((index) => graphql(YEARS_QUERY, { index }).then((data) => data.years)),
    );
    if (mine !== generation) return;
    yearsByIndex = Object.fromEntries(INDEXES.map((index, i) => [index, lists[i]]));
    const years = yearsByIndex[state.index] ?? [];
    chooseYears(years);
    drawControls(years);
    writeHash();

    const { year, compare, tier, index } = state;
    const comparing = year != null && compare != null && compare !== year;
    // Every section's data at once; a failing section shows its error, the others still draw.
    const [summaries, ranking, movements, movers, series] = await Promise.allSettled([
      Promise.all(years.map((y) => graphql(SUMMARY_QUERY, { year: y, tier, index })
        .then((data) => ({ year: y, summary: data.yearSummary })))),
      year == null ? [] : allNodes(RANKING_QUERY, { year, tier, index }, 'ranking'),
      comparing ? allNodes(COMPARE_QUERY, { from: compare, to: year, tier, index }, 'compareYears') : null,
      comparing ? graphql(MOVERS_QUERY, { from: compare, to: year, tier, index }) : null,
      state.agency ? graphql(AGENCY_QUERY, { code: state.agency, index }) : null,
    ]);
    if (mine !== generation) return;

    showError(null);
    section(summaries, (value) => { drawLevelBars(value); drawHeadline(value); });
    section(ranking, drawRanking);
    // The compare year has data for this tier when some agency has a result in it.
    const compareHasData = movements.status === 'fulfilled'
      && (movements.value ?? []).some((movement) => movement.from != null);
    section(movements, (value) => drawSlope(value, comparing, compareHasData));
    section(movers, (value) => drawMovers(value, comparing, compareHasData));
    section(series, drawSeries);
    $('last-updated').textContent = t('updated', { time: new Date().toLocaleTimeString(state.lang) });
  } catch (error) {
    if (mine === generation) showError(error);
  } finally {
    if (mine === generation) {
      document.documentElement.dataset.loading = 'false';
      document.documentElement.dataset.generation = String(mine);
    }
  }
}

/** Draws a settled section with `draw`, or shows why it failed. */
function section(settled, draw) {
  if (settled.status === 'fulfilled') draw(settled.value);
  else showError(settled.reason);
}

function showError(error) {
  const box = $('error');
  box.hidden = !error;
  box.textContent = error ? t('error', { message: error.message }) : '';
  if (error) console.error(error);
}

/** Keeps the chosen years if they still make sense, else the latest year and the one before. */
function chooseYears(years) {
  if (!years.includes(state.year)) state.year = years.at(-1) ?? null;
  if (state.year == null) { state.compare = null; return; }
  if (state.compare == null || state.compare >= state.year) state.compare = defaultCompare(years);
}

/** The latest year with data before the chosen one, else simply the year before. */
function defaultCompare(years) {
  return years.filter((y) => y < state.year).at(-1) ?? state.year - 1;
}

/** The years one may compare with: those with data before the chosen year, and the year before. */
function compareChoices(years) {
  const choices = new Set(years.filter((y) => y < state.year));
  choices.add(state.year - 1);
  if (state.compare != null && state.compare < state.year) choices.add(state.compare);
  return [...choices].sort((a, b) => b - a);
}

/** Lets refreshes that arrive in a burst (an import fires several events) run once. */
let refreshTimer = null;
function scheduleRefresh(delay = 300) {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, delay);
}

// ---------------------------------------------------------------------------------------------
// 6. Sections
// ---------------------------------------------------------------------------------------------

/** An HTML element with attributes (`on…` functions become listeners) and children. */
function el(tag, attributes = {}, ...children) {
  return build(document.createElement(tag), attributes, children);
}

/** The same for SVG. */
function svg(tag, attributes = {}, ...children) {
  return build(document.createElementNS('http://www.w3.org/2000/svg', tag), attributes, children);
}

function build(node, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value == null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A polite sentence in place of a chart. */
const notice = (text) => el('p', { class: 'notice', 'data-testid': 'notice' }, text);

// Colours of the usual level codes, best to worst; other scales' levels go by ordinal.
const LEVEL_COLOURS = {
  I: '#1b7f3b',
  II: '#6aaa4f',
  III: '#e7b416',
  IV: '#ef8a2f',
  NOT_ACHIEVED: '#c8102e',
};
const ORDINAL_COLOURS = ['#1b7f3b', '#6aaa4f', '#e7b416', '#ef8a2f', '#c8102e', '#7a5195', '#555'];
const levelColour = (level) => LEVEL_COLOURS[level.code] ?? ORDINAL_COLOURS[(level.ordinal - 1) % 7] ?? '#999';

// --- Controls ----------------------------------------------------------------------------------

function drawControls(years) {
  fill($('year-select'), years.slice().reverse().map((y) => [y, String(y)]), state.year);
  fill($('compare-select'), state.year == null ? [] : compareChoices(years).map((y) => [y, String(y)]), state.compare);
  fill($('tier-select'), TIERS.map((tier) => [tier, t('tiers')[tier]]), state.tier);
  fill($('index-select'), INDEXES.map((index) => [
    index,
    `${t('indexes')[index] ?? index}${(yearsByIndex[index] ?? []).length ? '' : ` ${t('noYears')}`}`,
  ]), state.index);
}

/** Replaces a select's options with [value, label] pairs and selects `selected`. */
function fill(select, options, selected) {
  select.replaceChildren(...options.map(([value, label]) => el('option', { value }, label)));
  if (selected != null) select.value = String(selected);
}

function drawStaticWords() {
  document.documentElement.lang = state.lang;
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  $('lang-toggle').textContent = t('langButton');
}

// --- Headline ----------------------------------------------------------------------------------

function drawHeadline(summaries) {
  const summary = summaries.find((entry) => entry.year === state.year)?.summary;
  const tier = t('tiers')[state.tier];
  if (!summary) {
    $('headline').textContent = state.year == null ? '' : t('headlineNone', { year: state.year, tier });
    return;
  }
  const best = summary.levelCounts.find((count) => count.level.ordinal === 1);
  $('headline').textContent = t('headline', {
    year: summary.year,
    tier,
    count: summary.count,
    mean: decimal(summary.meanRatePercent ?? '—'),
    top: best?.count ?? 0,
    best: levelLabel(best?.level),
  });
}

// --- (a) Level distribution per year: stacked bars ---------------------------------------------

function drawLevelBars(summaries) {
  const box = $('level-bars');
  if (!summaries.length) { box.replaceChildren(notice(t('noIndexData'))); return; }

  const barWidth = 56;
  const gap = 28;
  const chartHeight = 200;
  const top = 24;
  const left = 10;
  const width = Math.max(240, left * 2 + summaries.length * (barWidth + gap));
  const height = top + chartHeight + 30;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'chart', role: 'img', 'aria-label': t('levelsTitle') });

  // The legend lists every level any year uses, best first.
  const legendLevels = new Map();

  summaries.forEach(({ year, summary }, i) => {
    const x = left + i * (barWidth + gap) + gap / 2;
    const group = svg('g', { 'data-testid': 'level-bar', 'data-year': year, class: year === state.year ? 'current' : null });
    group.append(svg('text', { x: x + barWidth / 2, y: height - 8, class: 'axis' }, year));
    const total = summary?.levelCounts.reduce((sum, count) => sum + count.count, 0) ?? 0;
    if (!total) {
      // No result of this tier in that year: an empty outline, not a zero-height bar.
      group.append(svg('rect', { x, y: top, width: barWidth, height: chartHeight, class: 'empty' }),
        svg('text', { x: x + barWidth / 2, y: top + chartHeight / 2, class: 'axis' }, '—'));
      chart.append(group);
      return;
    }
    group.append(svg('text', { x: x + barWidth / 2, y: top - 8, class: 'axis' }, `${total}`));
    // Best level on top: stack from the top down in the scale's order.
    let y = top;
    const counts = summary.levelCounts.slice().sort((a, b) => a.level.ordinal - b.level.ordinal);
    for (const { level, count } of counts) {
      legendLevels.set(level.code, level);
      if (!count) continue;
      const h = (count / total) * chartHeight;
      group.append(svg('rect', {
        x, y, width: barWidth, height: h, fill: levelColour(level),
        'data-level': level.code, 'data-count': count,
      }, svg('title', {}, `${year} · ${levelLabel(level)}: ${count}`)));
      if (h >= 14) group.append(svg('text', { x: x + barWidth / 2, y: y + h / 2 + 4, class: 'inbar' }, count));
      y += h;
    }
    chart.append(group);
  });

  const legend = el('ul', { class: 'legend', 'data-testid': 'level-legend' },
    [...legendLevels.values()].sort((a, b) => a.ordinal - b.ordinal).map((level) =>
      el('li', {}, el('span', { class: 'swatch', style: `background:${levelColour(level)}` }), levelLabel(level))));
  box.replaceChildren(chart, legend);
}

// --- (b) Slope chart of rank movements ---------------------------------------------------------

/**
 * Left: the compare-with year's ranks; right: the chosen year's. Each rank has one y, so tied
 * agencies share a point and one label ("Sở A, Sở B (1)"). Ranks skip after a tie (1,1,1,4),
 * which leaves exactly the room a tie's label needs to wrap onto one line per agency at most.
 */
function drawSlope(movements, comparing, compareHasData) {
  const box = $('slope-chart');
  if (!comparing) { box.replaceChildren(notice(state.year == null ? t('noIndexData') : t('sameYear'))); return; }
  if (!compareHasData) { box.replaceChildren(notice(t('noCompare', { year: state.compare }))); return; }

  const step = 22;
  const top = 40;
  const leftX = 300;
  const rightX = 480;
  const width = 780;
  const ranks = movements.flatMap((m) => [m.from?.rank, m.to?.rank]).filter((rank) => rank != null);
  const maxRank = Math.max(1, ...ranks);
  const y = (rank) => top + (rank - 1) * step;
  const height = y(maxRank) + 30;

  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'chart slope-svg', role: 'img', 'aria-label': t('slopeTitle') });
  chart.append(
    svg('text', { x: leftX, y: 16, class: 'year-head' }, state.compare),
    svg('text', { x: rightX, y: 16, class: 'year-head' }, state.year),
    svg('line', { x1: leftX, y1: top - 10, x2: leftX, y2: height - 20, class: 'axis-line' }),
    svg('line', { x1: rightX, y1: top - 10, x2: rightX, y2: height - 20, class: 'axis-line' }),
  );

  // One line per agency ranked in both years; a lone dot for one ranked on one side only.
  for (const movement of movements) {
    const { agency, from, to, rankChange } = movement;
    const direction = rankChange > 0 ? 'up' : rankChange < 0 ? 'down' : 'same';
    const title = svg('title', {}, `${agency.name}: ${from?.rank ?? '—'} → ${to?.rank ?? '—'}`);
    if (from?.rank != null && to?.rank != null) {
      chart.append(svg('line', {
        x1: leftX, y1: y(from.rank), x2: rightX, y2: y(to.rank),
        class: `slope-line ${direction}`, 'data-testid': 'slope-line', 'data-code': agency.code,
      }, title));
    } else if (from?.rank != null) {
      chart.append(svg('circle', { cx: leftX, cy: y(from.rank), r: 4, class: 'dropped', 'data-testid': 'slope-dropped', 'data-code': agency.code }, title));
    } else if (to?.rank != null) {
      chart.append(svg('circle', { cx: rightX, cy: y(to.rank), r: 4, class: 'new', 'data-testid': 'slope-new', 'data-code': agency.code }, title));
    }
  }
  // Points and labels last, so they sit above the lines.
  for (const [side, x, anchor, pick] of [
    ['left', leftX, 'end', (m) => m.from?.rank],
    ['right', rightX, 'start', (m) => m.to?.rank],
  ]) {
    const groups = new Map(); // rank → agencies sharing it
    for (const movement of movements) {
      const rank = pick(movement);
      if (rank == null) continue;
      if (!groups.has(rank)) groups.set(rank, []);
      groups.get(rank).push(movement.agency);
    }
    for (const [rank, agencies] of groups) {
      chart.append(svg('circle', { cx: x, cy: y(rank), r: 3.5, class: 'point' }));
      const label = tieLabel(agencies, rank, side === 'left' ? x - 10 : x + 10, y(rank), anchor, step);
      label.dataset.year = side === 'left' ? state.compare : state.year;
      chart.append(label);
    }
  }
  box.replaceChildren(chart);
}

/**
 * One label for the agencies sharing `rank`: "Sở A, Sở B (1)", wrapped by whole names onto
 * lines `step` apart. Each name is its own clickable <tspan>.
 */
function tieLabel(agencies, rank, x, y, anchor, step) {
  const maxChars = 40;
  const lines = [[]];
  let length = 0;
  for (const agency of agencies) {
    const line = lines.at(-1);
    if (line.length && length + agency.name.length + 2 > maxChars) { lines.push([]); length = 0; }
    lines.at(-1).push(agency);
    length += agency.name.length + 2;
  }
  const text = svg('text', {
    x, y, 'text-anchor': anchor, class: 'slope-label', 'data-testid': 'slope-label',
    'data-rank': rank, 'data-count': agencies.length,
  });
  lines.forEach((line, lineIndex) => {
    line.forEach((agency, i) => {
      const first = i === 0;
      text.append(svg('tspan', {
        x: first ? x : null,
        dy: first && lineIndex > 0 ? step : null,
        class: 'agency-link',
        'data-code': agency.code,
        onclick: () => openAgency(agency.code),
      }, agency.name));
      const last = lineIndex === lines.length - 1 && i === line.length - 1;
      text.append(svg('tspan', {}, last ? ` (${rank})` : ', '));
    });
  });
  // The first line sits on the rank's own y, the others in the room the skipped ranks leave
  // below it.
  text.setAttribute('dominant-baseline', 'middle');
  return text;
}

// --- (c) The ranking table as published --------------------------------------------------------

/**
 * One row per result in the API's order (by rank, ties in Vietnamese alphabetical order), with
 * the appendix's columns. Where the decision printed a value, that value is shown.
 */
function drawRanking(results) {
  const headers = t('headers');
  $('ranking-table').tHead.replaceChildren(el('tr', {}, headers.map((text, i) =>
    el('th', { scope: 'col', 'data-col': COLUMN_KEYS[i] }, text))));

  const body = $('ranking-table').tBodies[0];
  if (!results.length) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: headers.length, class: 'empty' },
      state.year == null ? t('noIndexData') : t('noData', { year: state.year }))));
    return;
  }
  body.replaceChildren(...results.map((result) => el('tr', {
    'data-testid': 'ranking-row', 'data-code': result.agency.code,
    class: state.agency === result.agency.code ? 'selected' : null,
  },
    compared('rank', result.published.rank, result.rank, (v) => v),
    el('td', { 'data-col': 'name' }, el('button', {
      type: 'button', class: 'agency-link', 'data-code': result.agency.code,
      onclick: () => openAgency(result.agency.code),
    }, result.agency.name)),
    plain('maxPoints', result.maxPoints),
    plain('excludedPoints', result.excludedPoints),
    plain('requiredPoints', result.requiredPoints),
    plain('achievedPoints', result.achievedPoints),
    compared('ratePercent', result.published.ratePercent, result.ratePercent, (v) => `${decimal(v)}%`, normalDecimal),
    compared('convertedScore', result.published.convertedScore, result.convertedScore, decimal, normalDecimal),
    compared('level', result.published.level, result.level, levelLabel, (level) => level.code),
  )));
}

const COLUMN_KEYS = ['rank', 'name', 'maxPoints', 'excludedPoints', 'requiredPoints', 'achievedPoints',
  'ratePercent', 'convertedScore', 'level'];

/** A cell of points, shown as published. */
function plain(key, value) {
  return el('td', { 'data-col': key, class: 'num' }, decimal(value));
}

/**
 * A cell showing the published value; ⚠ (class `differs`) where the recomputed value is another,
 * italics (class `computed`) where nothing was published and the recomputed value stands in.
 */
function compared(key, published, recomputed, show, same = (v) => v) {
  const numeric = key !== 'level';
  const classes = numeric ? ['num'] : [];
  if (published == null) {
    if (recomputed == null) return el('td', { 'data-col': key, class: classes.join(' ') });
    return el('td', { 'data-col': key, class: [...classes, 'computed'].join(' '), title: t('computed') }, show(recomputed));
  }
  if (recomputed == null || same(published) === same(recomputed)) {
    return el('td', { 'data-col': key, class: classes.join(' ') }, show(published));
  }
  return el('td', {
    'data-col': key,
    class: [...classes, 'differs'].join(' '),
    title: t('differs', { published: show(published), recomputed: show(recomputed) }),
    'data-recomputed': show(recomputed),
  }, el('span', { class: 'warn', 'aria-hidden': 'true' }, '⚠ '), show(published));
}

// --- (d) Top movers and level transitions ------------------------------------------------------

function drawMovers(data, comparing, compareHasData) {
  const movers = $('movers');
  const transitions = $('transitions');
  if (!comparing || !compareHasData) {
    const text = comparing ? t('noCompare', { year: state.compare })
      : state.year == null ? t('noIndexData') : t('sameYear');
    movers.replaceChildren(notice(text));
    transitions.replaceChildren();
    return;
  }
  const list = (direction, entries) => el('div', { class: `mover-list ${direction}` },
    el('h3', {}, t(direction)),
    entries.length
      ? el('ol', { 'data-testid': `movers-${direction}` }, entries.map((movement) =>
        el('li', { 'data-testid': 'mover', 'data-code': movement.agency.code },
          el('button', { type: 'button', class: 'agency-link', onclick: () => openAgency(movement.agency.code) }, movement.agency.name),
          ' ',
          el('span', { class: 'ranks' }, `${movement.from?.rank ?? '—'} → ${movement.to?.rank ?? '—'}`),
          ' ',
          el('span', { class: `change ${direction}` }, `${movement.rankChange > 0 ? '▲' : '▼'}${Math.abs(movement.rankChange)}`))))
      : el('p', { class: 'notice' }, t('none')));
  movers.replaceChildren(list('up', data.up), list('down', data.down));
  drawTransitions(data.levelTransitions);
}

/** The matrix: rows are the compare year's levels (then "new"), columns the year's (then "dropped"). */
function drawTransitions(cells) {
  const NEW = '∅new';
  const GONE = '∅gone';
  const levels = new Map();
  for (const cell of cells) {
    if (cell.from) levels.set(cell.from.code, cell.from);
    if (cell.to) levels.set(cell.to.code, cell.to);
  }
  const scale = [...levels.values()].sort((a, b) => a.ordinal - b.ordinal);
  const rows = [...scale.map((level) => level.code), NEW];
  const columns = [...scale.map((level) => level.code), GONE];
  const at = new Map(cells.map((cell) => [`${cell.from?.code ?? NEW}|${cell.to?.code ?? GONE}`, cell]));
  const label = (code) => (code === NEW ? t('newAgency') : code === GONE ? t('dropped') : levelLabel(levels.get(code)));
  const ordinal = (code) => levels.get(code)?.ordinal;

  const table = el('table', { class: 'matrix', 'data-testid': 'transitions-matrix' },
    el('caption', {}, t('fromTo', { from: state.compare, to: state.year })),
    el('thead', {}, el('tr', {}, el('th', {}), columns.map((code) => el('th', { scope: 'col' }, label(code))))),
    el('tbody', {}, rows.map((from) => el('tr', {},
      el('th', { scope: 'row' }, label(from)),
      columns.map((to) => {
        const cell = at.get(`${from}|${to}`);
        const count = cell?.count ?? 0;
        // Tint: better level (smaller ordinal) in the later year is green, worse red.
        const kind = ordinal(from) && ordinal(to)
          ? (ordinal(to) < ordinal(from) ? 'better' : ordinal(to) > ordinal(from) ? 'worse' : 'same')
          : 'other';
        return el('td', {
          class: `${kind}${count ? '' : ' zero'}`,
          'data-from': from === NEW ? '' : from,
          'data-to': to === GONE ? '' : to,
          'data-count': count,
          title: cell?.agencies.map((agency) => agency.name).join(', ') || null,
        }, count || '·');
      })))));
  $('transitions').replaceChildren(table);
}

// --- (e) One agency's series -------------------------------------------------------------------

function openAgency(code) {
  state.agency = code;
  writeHash();
  for (const row of document.querySelectorAll('[data-testid="ranking-row"]')) {
    row.classList.toggle('selected', row.dataset.code === code);
  }
  graphql(AGENCY_QUERY, { code, index: state.index })
    .then((data) => {
      if (state.agency !== code) return;
      drawSeries(data);
      $('agency-series').scrollIntoView({ behavior: 'smooth', block: 'nearest' });
    })
    .catch(showError);
}

function closeAgency() {
  state.agency = null;
  writeHash();
  drawSeries(null);
  for (const row of document.querySelectorAll('.selected')) row.classList.remove('selected');
}

/** A rank chart (rank 1 at the top, one point per year) and the list of results. */
function drawSeries(data) {
  const box = $('agency-series');
  const body = box.querySelector('.series-body');
  const agency = data?.agency;
  if (!agency) {
    box.dataset.state = 'empty';
    delete box.dataset.code;
    body.replaceChildren(el('p', { class: 'notice' }, t('seriesHint')));
    return;
  }
  box.dataset.state = 'open';
  box.dataset.code = agency.code;
  const results = agency.results;

  const width = 420;
  const height = 170;
  const pad = { left: 44, right: 30, top: 22, bottom: 30 };
  const years = results.map((result) => result.year);
  const minYear = Math.min(...years);
  const maxYear = Math.max(...years);
  const worst = Math.max(1, ...results.map((result) => result.groupSize ?? result.rank ?? 1));
  const x = (year) => (maxYear === minYear
    ? (pad.left + width - pad.right) / 2
    : pad.left + ((year - minYear) / (maxYear - minYear)) * (width - pad.left - pad.right));
  const y = (rank) => (worst === 1 ? pad.top : pad.top + ((rank - 1) / (worst - 1)) * (height - pad.top - pad.bottom));

  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'chart series-svg', role: 'img', 'aria-label': agency.name });
  // The rank axis: 1 at the top, the size of the largest ranking at the bottom.
  chart.append(
    svg('line', { x1: pad.left - 6, y1: y(1), x2: pad.left - 6, y2: y(worst), class: 'axis-line' }),
    svg('text', { x: pad.left - 12, y: y(1) + 4, class: 'axis-y' }, '1'),
    svg('text', { x: pad.left - 12, y: y(worst) + 4, class: 'axis-y' }, worst),
  );
  const ranked = results.filter((result) => result.rank != null);
  if (ranked.length > 1) {
    chart.append(svg('polyline', {
      points: ranked.map((result) => `${x(result.year)},${y(result.rank)}`).join(' '),
      class: 'series-line',
    }));
  }
  for (const result of results) {
    chart.append(svg('text', { x: x(result.year), y: height - 8, class: 'axis' }, result.year));
    if (result.rank == null) continue;
    chart.append(
      svg('circle', { cx: x(result.year), cy: y(result.rank), r: 5, fill: result.level ? levelColour(result.level) : '#999', class: 'series-point' },
        svg('title', {}, `${result.year}: ${t('rank')} ${result.rank}`)),
      svg('text', { x: x(result.year), y: y(result.rank) - 9, class: 'axis' }, result.rank),
    );
  }

  const list = el('ul', { class: 'series-list' }, results.slice().reverse().map((result) =>
    el('li', { 'data-testid': 'series-year', 'data-year': result.year },
      el('strong', {}, result.year), ': ',
      `${t('rank')} ${result.rank ?? '—'} ${t('of')} ${result.groupSize}`,
      ' · ', result.ratePercent == null ? '—' : `${decimal(result.ratePercent)}%`,
      ' · ', levelLabel(result.level) || '—')));

  body.replaceChildren(
    el('div', { class: 'series-head' },
      el('h3', { 'data-testid': 'series-name' }, agency.name),
      el('button', { type: 'button', class: 'close', onclick: closeAgency }, t('close'))),
    chart,
    list,
  );
}

// ---------------------------------------------------------------------------------------------
// 7. Live updates: graphql-transport-ws on /graphql/ws
// ---------------------------------------------------------------------------------------------

/** Shows the connection's state (and, while reconnecting, the wait) in `live-status`. */
function setLive(status, seconds = liveSeconds) {
  liveSeconds = seconds;
  const node = $('live-status');
  node.dataset.state = status;
  node.textContent = t('live')[status].replace('{s}', String(seconds ?? ''));
}
let liveSeconds = null;

/**
 * Keeps one subscription to `resultsChanged` open. Protocol: connection_init → connection_ack →
 * subscribe; each `next` refreshes the page (debounced), `ping` is answered with `pong`. On close
 * it reconnects after 1, 2, 4 ... 30 s, and refreshes once reconnected, in case it missed events.
 */
function connectLive() {
  let attempt = 0;
  let everConnected = false;

  const open = () => {
    setLive('connecting');
    const url = new URL(LIVE_ENDPOINT, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url, 'graphql-transport-ws');
    const send = (message) => socket.send(JSON.stringify(message));

    socket.addEventListener('open', () => send({ type: 'connection_init' }));
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(event.data);
      switch (message.type) {
        case 'connection_ack':
          attempt = 0;
          setLive('connected');
          send({ id: '1', type: 'subscribe', payload: { query: LIVE_SUBSCRIPTION } });
          if (everConnected) scheduleRefresh();
          everConnected = true;
          break;
        case 'next':
          scheduleRefresh();
          break;
        case 'ping':
          send({ type: 'pong' });
          break;
        case 'error':
          console.warn('subscription refused', message.payload);
          break;
        case 'complete':
          socket.close(); // the server ended it: start again
          break;
        default:
          break;
      }
    });
    socket.addEventListener('close', () => {
      const seconds = Math.min(30, 2 ** attempt);
      attempt += 1;
      setLive('reconnecting', seconds);
      setTimeout(open, seconds * 1000);
    });
  };
  open();
}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

function wireControls() {
  $('year-select').addEventListener('change', (event) => {
    state.year = Number(event.target.value);
    state.compare = defaultCompare(yearsByIndex[state.index] ?? []);
    refresh();
  });
  $('compare-select').addEventListener('change', (event) => {
    state.compare = Number(event.target.value);
    refresh();
  });
  $('tier-select').addEventListener('change', (event) => {
    state.tier = event.target.value;
    refresh();
  });
  $('index-select').addEventListener('change', (event) => {
    state.index = event.target.value;
    state.year = null;
    state.compare = null;
    refresh();
  });
  $('lang-toggle').addEventListener('click', () => {
    state.lang = state.lang === 'vi' ? 'en' : 'vi';
    drawStaticWords();
    setLive($('live-status').dataset.state);
    refresh();
  });
}

readHash();
drawStaticWords();
drawSeries(null);
wireControls();
refresh();
connectLive();
