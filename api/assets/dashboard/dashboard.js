// The leadership dashboard of egov-rank: the reference client of the public GraphQL API.
//
// Everything on the page comes from POST /graphql (with automatic persisted queries) and the
// `resultsChanged` subscription on the WebSocket /graphql/ws. Plain modern JavaScript modules,
// plain SVG, no framework and no build step:
//
//   words.js      the dictionary of every visible string (Vietnamese and English)
//   state.js      jurisdiction, index, tier, year, compare-with year, language; in the URL's hash
//   transport.js  graphql(): one POST with a persisted-query hash, the query text only if asked
//   queries.js    one GraphQL document per section
//   dom.js        elements, notices, level colours, errors
//   charts.js     (a) level bars and the headline, (b) the slope chart
//   tables.js     (c) the ranking table, (d) movers and transitions
//   series.js     (e) one agency's series
//   live.js       graphql-transport-ws; each `next` refreshes the page (debounced)
//   dashboard.js  this file: the pickers, loading every section at once, and the start
//
// Numbers: the API serialises decimals as exact strings ("85.36"). They are shown as strings
// (the dot becomes a comma in Vietnamese) and compared as strings after normalisation, never
// through floating point, so "81.96" is never shown as 81.9599999.

import { $, TIERS, state, readHash, writeHash } from './state.js';
import { t } from './words.js';
import { fill, showError } from './dom.js';
import { graphql, allNodes } from './transport.js';
import {
  CATALOGUE_QUERY, YEARS_QUERY, SUMMARY_QUERY, COMPARE_QUERY, RANKING_QUERY, MOVERS_QUERY,
  AGENCY_QUERY,
} from './queries.js';
import { drawHeadline, drawLevelBars, drawSlope } from './charts.js';
import { drawRanking, drawMovers } from './tables.js';
import { drawSeries } from './series.js';
import { connectLive, setLive } from './live.js';

/** The jurisdictions and what each has results for (from the last refresh). */
let catalogue = [];

/** Counts refreshes; an answer that arrives after a newer refresh started is dropped. */
let generation = 0;

/** Fetches everything the page shows for the current state, then draws it. */
async function refresh() {
  const mine = ++generation;
  document.documentElement.dataset.loading = 'true';
  try {
    catalogue = (await graphql(CATALOGUE_QUERY)).jurisdictions;
    if (mine !== generation) return;
    choosePlace();
    const { tier, index, jurisdiction } = state;
    // The years this tier has results in: the page opens on the latest.
    const years = (await graphql(YEARS_QUERY, { index, jurisdiction, tier })).years;
    if (mine !== generation) return;
    chooseYears(years);
    drawControls(years);
    writeHash();

    const { year, compare } = state;
    const comparing = year != null && compare != null && compare !== year;
    const scope = { tier, index, jurisdiction };
    // Every section's data at once; a failing section shows its error, the others still draw.
    const [summaries, ranking, movements, movers, series] = await Promise.allSettled([
      Promise.all(years.map((y) => graphql(SUMMARY_QUERY, { ...scope, year: y })
        .then((data) => ({ year: y, summary: data.yearSummary })))),
      year == null ? [] : allNodes(RANKING_QUERY, { ...scope, year }, 'ranking'),
      comparing ? allNodes(COMPARE_QUERY, { ...scope, from: compare, to: year }, 'compareYears') : null,
      comparing ? graphql(MOVERS_QUERY, { ...scope, from: compare, to: year }) : null,
      state.agency ? graphql(AGENCY_QUERY, { code: state.agency, index, jurisdiction }) : null,
    ]);
    if (mine !== generation) return;

    showError(null);
    section(summaries, (value) => { drawLevelBars(value); drawHeadline(value); });
    section(ranking, drawRanking);
    // The compare year has data for this tier when some agency has a result in it.
    const compareHasData = movements.status === 'fulfilled'
      && (movements.value ?? []).some((movement) => movement.from != null
        || (movement.predecessors ?? []).length > 0);
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

/** The chosen jurisdiction's catalogue entry. */
const place = () => catalogue.find((j) => j.code === state.jurisdiction);

/** The indices a jurisdiction has results for (the default one when it has none yet). */
const indicesOf = (entry) => [...new Set((entry?.coverage ?? []).map((c) => c.index))];

/** The tiers a jurisdiction has results for in an index, in the usual order. */
const tiersOf = (entry, index) => {
  const covered = new Set((entry?.coverage ?? []).filter((c) => c.index === index).map((c) => c.tier));
  return TIERS.filter((tier) => covered.has(tier));
};

/**
 * Keeps the chosen jurisdiction, index and tier where they have results, else moves to the
 * default jurisdiction, its first index and the first tier that index has.
 */
function choosePlace() {
  if (!place()) state.jurisdiction = (catalogue.find((j) => j.isDefault) ?? catalogue[0])?.code ?? null;
  const indices = indicesOf(place());
  if (indices.length && !indices.includes(state.index)) {
    state.index = indices.includes('cqdt-results') ? 'cqdt-results' : indices[0];
  }
  const tiers = tiersOf(place(), state.index);
  if (tiers.length && !tiers.includes(state.tier)) state.tier = tiers[0];
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

/** A jurisdiction's label: its name, and the names it bore before ("formerly …"). */
function jurisdictionLabel(entry) {
  const former = (entry.names ?? []).map((dated) => dated.name).filter((name) => name !== entry.name);
  return former.length ? `${entry.name} (${t('formerly')} ${former.join(', ')})` : entry.name;
}

function drawControls(years) {
  fill($('jurisdiction-select'), catalogue.map((entry) => [entry.code, jurisdictionLabel(entry)]), state.jurisdiction);
  const indices = indicesOf(place());
  fill($('index-select'), (indices.length ? indices : [state.index]).map((index) =>
    [index, t('indexes')[index] ?? index]), state.index);
  const tiers = tiersOf(place(), state.index);
  fill($('tier-select'), (tiers.length ? tiers : [state.tier]).map((tier) => [tier, t('tiers')[tier]]), state.tier);
  fill($('year-select'), years.slice().reverse().map((y) => [y, String(y)]), state.year);
  fill($('compare-select'), state.year == null ? [] : compareChoices(years).map((y) => [y, String(y)]), state.compare);
}

function drawStaticWords() {
  document.documentElement.lang = state.lang;
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  $('lang-toggle').textContent = t('langButton');
}

function wireControls() {
  const on = (testid, apply) => $(testid).addEventListener('change', (event) => {
    apply(event.target.value);
    refresh();
  });
  on('jurisdiction-select', (code) => {
    state.jurisdiction = code;
    state.year = null;
    state.compare = null;
    state.agency = null;
  });
  on('index-select', (index) => {
    state.index = index;
    state.year = null;
    state.compare = null;
  });
  on('tier-select', (tier) => { state.tier = tier; });
  on('year-select', (year) => {
    state.year = Number(year);
    state.compare = null;
  });
  on('compare-select', (year) => { state.compare = Number(year); });
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
connectLive(scheduleRefresh);
