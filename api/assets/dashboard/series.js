// (e) One agency's results over the years, opened from a name in the table or the charts.

import { $, state, writeHash } from './state.js';
import { t, decimal, levelLabel } from './words.js';
import { el, svg, levelColour, showError } from './dom.js';
import { graphql } from './transport.js';
import { AGENCY_QUERY } from './queries.js';

/** Opens the series of the agency with `code` (and marks its row). */
export function openAgency(code) {
  state.agency = code;
  writeHash();
  for (const row of document.querySelectorAll('[data-testid="ranking-row"]')) {
    row.classList.toggle('selected', row.dataset.code === code);
  }
  graphql(AGENCY_QUERY, { code, index: state.index, jurisdiction: state.jurisdiction })
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
export function drawSeries(data) {
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
      ' · ', result.ratePercent == null ? (result.score == null ? '—' : decimal(result.score)) : `${decimal(result.ratePercent)}%`,
      ' · ', levelLabel(result.level) || '—')));

  body.replaceChildren(
    el('div', { class: 'series-head' },
      el('h3', { 'data-testid': 'series-name' }, agency.name),
      el('button', { type: 'button', class: 'close', onclick: closeAgency }, t('close'))),
    chart,
    list,
  );
}
