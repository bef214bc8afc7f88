// (c) The ranking table as published; (d) top movers and the level transition matrix.

import { $, state } from './state.js';
import { t, decimal, normalDecimal, levelLabel } from './words.js';
import { el, notice } from './dom.js';
import { openAgency } from './series.js';

/**
 * One row per result in the API's order (by rank, ties in Vietnamese alphabetical order), with
 * the appendix's columns. Where the decision printed a value, that value is shown.
 */
export function drawRanking(results) {
  const headers = t('headers');
  // The columns a ranking prints: a table of points, of levels only, of scores (the DTI) or of
  // ranks only shows what it has, the rank and the name always.
  const cells = (result) => ({
    rank: () => compared('rank', result.published.rank, result.rank, (v) => v),
    name: () => el('td', { 'data-col': 'name' }, el('button', {
      type: 'button', class: 'agency-link', 'data-code': result.agency.code,
      onclick: () => openAgency(result.agency.code),
    }, result.agency.name)),
    maxPoints: () => plain('maxPoints', result.maxPoints),
    excludedPoints: () => plain('excludedPoints', result.excludedPoints),
    requiredPoints: () => plain('requiredPoints', result.requiredPoints),
    achievedPoints: () => plain('achievedPoints', result.achievedPoints),
    ratePercent: () => compared('ratePercent', result.published.ratePercent, result.ratePercent, (v) => `${decimal(v)}%`, normalDecimal),
    convertedScore: () => compared('convertedScore', result.published.convertedScore, result.convertedScore, decimal, normalDecimal),
    level: () => compared('level', result.published.level, result.level, levelLabel, (level) => level.code),
    score: () => compared('score', result.published.score, result.score, decimal, normalDecimal),
  });
  const printed = (key) => ['rank', 'name'].includes(key) || results.some((result) =>
    (key in result.published ? result.published[key] != null : false) || result[key] != null);
  const shown = COLUMN_KEYS.filter(printed);
  $('ranking-table').tHead.replaceChildren(el('tr', {}, shown.map((key) =>
    el('th', { scope: 'col', 'data-col': key }, headers[COLUMN_KEYS.indexOf(key)]))));

  const body = $('ranking-table').tBodies[0];
  if (!results.length) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: shown.length, class: 'empty' },
      state.year == null ? t('noIndexData') : t('noData', { year: state.year }))));
    return;
  }
  body.replaceChildren(...results.map((result) => el('tr', {
    'data-testid': 'ranking-row', 'data-code': result.agency.code,
    class: state.agency === result.agency.code ? 'selected' : null,
  }, shown.map((key) => cells(result)[key]()))));
}

/** Every column a ranking may print, in the appendix's order, then the index score. */
const COLUMN_KEYS = ['rank', 'name', 'maxPoints', 'excludedPoints', 'requiredPoints', 'achievedPoints',
  'ratePercent', 'convertedScore', 'level', 'score'];

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

export function drawMovers(data, comparing, compareHasData) {
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
