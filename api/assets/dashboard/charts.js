// (a) Level distribution per year and the headline; (b) the slope chart of rank movements.

import { $, state } from './state.js';
import { t, decimal, levelLabel } from './words.js';
import { el, svg, notice, levelColour } from './dom.js';
import { openAgency } from './series.js';

export function drawHeadline(summaries) {
  const summary = summaries.find((entry) => entry.year === state.year)?.summary;
  const tier = t('tiers')[state.tier];
  if (!summary) {
    $('headline').textContent = state.year == null ? '' : t('headlineNone', { year: state.year, tier });
    return;
  }
  if (summary.meanRatePercent == null || !summary.levelCounts.length) {
    // A ranking by points or score, or without levels: no mean rate nor top level to tell.
    $('headline').textContent = t('headlineCount', { year: summary.year, tier, count: summary.count });
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

/** Stacked bars of the levels reached, one bar per year. */
export function drawLevelBars(summaries) {
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
    if (!total && summary?.count) {
      // Ranked without levels (the DTI): one plain bar of the results.
      group.append(svg('text', { x: x + barWidth / 2, y: top - 8, class: 'axis' }, `${summary.count}`),
        svg('rect', { x, y: top, width: barWidth, height: chartHeight, class: 'unlevelled', 'data-count': summary.count },
          svg('title', {}, `${year} · ${t('noLevels')}: ${summary.count}`)));
      chart.append(group);
      return;
    }
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

/**
 * Left: the compare-with year's ranks; right: the chosen year's. Each rank has one y, so tied
 * agencies share a point and one label ("Sở A, Sở B (1)"). Ranks skip after a tie (1,1,1,4),
 * which leaves exactly the room a tie's label needs to wrap onto one line per agency at most.
 */
export function drawSlope(movements, comparing, compareHasData) {
  const box = $('slope-chart');
  if (!comparing) { box.replaceChildren(notice(state.year == null ? t('noIndexData') : t('sameYear'))); return; }
  if (!compareHasData) { box.replaceChildren(notice(t('noCompare', { year: state.compare }))); return; }

  const step = 22;
  const top = 40;
  const leftX = 300;
  const rightX = 480;
  const width = 780;
  // Predecessors of a merged or split unit sit on the left at their own ranks.
  const former = (m) => (m.predecessors ?? []).filter((p) => p.rank != null);
  const ranks = movements.flatMap((m) => [m.from?.rank, m.to?.rank, ...former(m).map((p) => p.rank)])
    .filter((rank) => rank != null);
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
    } else if (to?.rank != null && former(movement).length) {
      // A unit formed by a merge or split: a dashed line from each predecessor ends in it.
      for (const predecessor of former(movement)) {
        chart.append(svg('line', {
          x1: leftX, y1: y(predecessor.rank), x2: rightX, y2: y(to.rank),
          class: 'slope-line merge', 'data-testid': 'slope-merge', 'data-code': agency.code,
          'data-from': predecessor.agency.code,
        }, svg('title', {}, `${predecessor.agency.name} (${predecessor.rank}) → ${agency.name} (${to.rank})`)));
      }
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
    const place = (rank, agency) => {
      if (rank == null) return;
      if (!groups.has(rank)) groups.set(rank, []);
      if (!groups.get(rank).some((known) => known.code === agency.code)) groups.get(rank).push(agency);
    };
    for (const movement of movements) {
      place(pick(movement), movement.agency);
      if (side === 'left') for (const predecessor of former(movement)) place(predecessor.rank, predecessor.agency);
    }
    for (const [rank, agencies] of groups) {
      chart.append(svg('circle', { cx: x, cy: y(rank), r: 3.5, class: 'point' }));
      const label = tieLabel(agencies, rank, side === 'left' ? x - 10 : x + 10, y(rank), anchor, step);
      label.dataset.year = side === 'left' ? state.compare : state.year;
      chart.append(label);
    }
  }
  const merges = movements.some((m) => m.to?.rank != null && former(m).length);
  box.replaceChildren(chart, merges ? el('p', { class: 'note', 'data-testid': 'slope-merge-note' }, t('merged')) : '');
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
