// The leadership dashboard in a real browser: what a person opening GET / sees and does; then a
// page of another origin calling the API (CORS), and GraphiQL running a subscription.
//
//   node dashboard.test.mjs BASE_URL EDITOR_TOKEN PAGE_PORT   (run.sh starts the server and makes
//                                                              the token; the server must list
//                                                              http://127.0.0.1:PAGE_PORT in
//                                                              --cors-origin)
//
// Each check prints a PASS line; the first failed one prints FAIL and exits 1. The whole run is
// bounded (120 s). Expected values come from the test's own GraphQL requests, not from the page.

import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const [base, token, pagePort] = process.argv.slice(2);
if (!base || !token || !pagePort) {
  console.error('usage: node dashboard.test.mjs BASE_URL EDITOR_TOKEN PAGE_PORT');
  process.exit(2);
}
const origin = new URL(base).origin;
const STEP_TIMEOUT = 15_000;

let passed = 0;
const deadline = setTimeout(() => fail(new Error('the run took longer than 120 s')), 120_000);

function pass(what) {
  passed += 1;
  console.log(`PASS ${what}`);
}

function fail(error) {
  console.log(`FAIL ${error.stack ?? error}`);
  console.log(`${passed} passed, 1 failed`);
  process.exit(1);
}

/** A GraphQL request of the test's own, straight to the server. */
async function gql(query, variables = {}, bearer = null) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const answer = await response.json();
  assert.equal(answer.errors, undefined, `GraphQL errors: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

/** "85.36" as Vietnamese prints it. */
const vi = (decimal) => String(decimal).replace('.', ',');
/** Equal decimals as equal strings: "82.40" → "82.4". */
const normal = (decimal) => String(decimal).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');

const RANKING = `query ($year: Int!, $tier: Tier!) {
  ranking(year: $year, tier: $tier, first: 100) {
    nodes {
      rank ratePercent convertedScore
      agency { code name }
      level { code name }
      published { rank ratePercent convertedScore level { code name } }
    }
  }
}`;

/** A district table of `year`: the 2020 one with other points (a tie at rank 4, Nam Đông last). */
function districtTable(year) {
  const points = {
    'UBND huyện Nam Đông': '60.10',
    'UBND huyện Phú Vang': '90.00',
    'UBND huyện Phong Điền': '70.44', // ties with Hương Thủy
  };
  const [header, ...rows] = readFileSync(join(here, '../../service/data/cqdt-2020-district.csv'), 'utf8')
    .trim().split('\n');
  const columns = header.split(',');
  const at = (name) => columns.indexOf(name);
  return [header, ...rows.map((line) => {
    const cells = line.split(',');
    cells[at('year')] = String(year);
    cells[at('achieved_points')] = points[cells[at('agency')]] ?? cells[at('achieved_points')];
    // Published values of the 2020 table would not fit the new points: leave them unpublished.
    for (const name of ['published_rank', 'published_rate_percent', 'published_converted_score', 'published_level']) {
      cells[at(name)] = '';
    }
    return cells.join(',');
  })].join('\n');
}

async function main() {
  // --- The server side of persisted queries, as the page relies on it ------------------------
  {
    const query = '{ years }';
    const { createHash } = await import('node:crypto');
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const send = (body) => fetch(`${base}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const unknown = await send({ extensions });
    assert.equal(unknown.status, 200, 'an unknown hash answers 200');
    const refused = await unknown.json();
    assert.equal(refused.errors?.[0]?.extensions?.code, 'PERSISTED_QUERY_NOT_FOUND', JSON.stringify(refused));
    const registered = await (await send({ query, extensions })).json();
    assert.deepEqual(registered.data?.years, [2020], JSON.stringify(registered));
    const reused = await (await send({ extensions })).json();
    assert.deepEqual(reused.data?.years, [2020], JSON.stringify(reused));
    pass('persisted queries: unknown hash → PERSISTED_QUERY_NOT_FOUND (200), then known');
  }

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  try {
    await drive(browser);
    await fromAnotherOrigin(browser);
    await graphiql(browser);
  } finally {
    await browser.close();
  }
}

async function drive(browser) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(STEP_TIMEOUT);

  // Everything the page asks for must come from the server itself.
  const elsewhere = [];
  const graphqlBodies = [];
  const pageErrors = [];
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith('data:')) return;
    if (new URL(url).origin !== origin) elsewhere.push(url);
    if (url === `${origin}/graphql` && request.method() === 'POST') {
      graphqlBodies.push(JSON.parse(request.postData() ?? '{}'));
    }
  });
  page.on('websocket', (socket) => {
    const url = new URL(socket.url());
    if (url.host !== new URL(origin).host) elsewhere.push(socket.url());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));

  const rows = page.getByTestId('ranking-row');
  const rowCount = (n) => page.waitForFunction(
    (count) => document.querySelectorAll('[data-testid="ranking-row"]').length === count
      && document.documentElement.dataset.loading === 'false',
    n,
  );
  /** The table's cells, one object per row, keyed by column. */
  const table = () => page.$$eval('[data-testid="ranking-row"]', (trs) => trs.map((tr) => {
    const cells = {};
    for (const td of tr.querySelectorAll('td')) {
      cells[td.dataset.col] = {
        text: td.textContent.replace('⚠', '').trim(),
        differs: td.classList.contains('differs'),
      };
    }
    return { code: tr.dataset.code, ...cells };
  }));

  // --- 2020, provincial: the table as published ---------------------------------------------
  await page.goto(`${base}/`);
  const provincial = (await gql(RANKING, { year: 2020, tier: 'PROVINCIAL' })).ranking.nodes;
  await rowCount(provincial.length);
  const shown = await table();
  provincial.forEach((result, i) => {
    const row = shown[i];
    const where = `row ${i + 1} (${result.agency.name})`;
    assert.equal(row.code, result.agency.code, where);
    assert.equal(row.name.text, result.agency.name, where);
    assert.equal(row.rank.text, String(result.published.rank ?? result.rank), `${where}: rank`);
    assert.equal(row.level.text, (result.published.level ?? result.level).name, `${where}: level`);
    assert.equal(row.ratePercent.text, `${vi(result.published.ratePercent ?? result.ratePercent)}%`, `${where}: rate`);
    assert.equal(row.convertedScore.text, vi(result.published.convertedScore ?? result.convertedScore), `${where}: converted`);
  });
  const firsts = shown.filter((row) => row.rank.text === '1').length;
  assert.ok(firsts >= 5, `at least 5 agencies ranked first, got ${firsts}`);
  pass(`2020 PROVINCIAL: ${shown.length} rows with the published ranks and levels, ${firsts} tied at rank 1`);

  const numbers = shown.flatMap((row) => ['maxPoints', 'achievedPoints', 'ratePercent', 'convertedScore']
    .map((col) => row[col].text));
  assert.ok(numbers.some((text) => text.includes(',')), 'some decimal is printed');
  assert.ok(!numbers.some((text) => text.includes('.')), `no decimal point in VI: ${numbers.filter((x) => x.includes('.'))}`);
  assert.equal(shown[5].convertedScore.text, '89,4');
  const header = await page.$$eval('[data-testid="ranking-table"] th', (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(header, ['STT', 'Tên đơn vị', 'Điểm tối đa', 'Số điểm không đưa vào đánh giá',
    'Số điểm tối đa cần thực hiện', 'Số điểm thực hiện', 'Tỷ lệ thực hiện',
    'Số điểm thực hiện được quy đổi', 'Xếp hạng Mức độ']);
  pass('VI: the appendix headers and decimal commas (89,4; 100%)');

  await page.waitForSelector('[data-testid="live-status"][data-state="connected"]');
  pass('live-status: connected');

  const bars = await page.$$eval('[data-testid="level-bar"]', (groups) => groups.map((g) => ({
    year: Number(g.dataset.year),
    levels: Object.fromEntries([...g.querySelectorAll('rect[data-level]')].map((r) => [r.dataset.level, Number(r.dataset.count)])),
  })));
  assert.deepEqual(bars, [{ year: 2020, levels: { I: 20 } }]);
  const legend = await page.$$eval('[data-testid="level-legend"] li', (items) => items.map((li) => li.textContent));
  assert.deepEqual(legend, ['Mức độ I', 'Mức độ II', 'Mức độ III', 'Mức độ IV', 'Chưa đạt']);
  pass('level bars: 2020 has 20 at Mức độ I; legend in the fixed order');

  for (const testid of ['slope-chart', 'movers']) {
    const text = await page.getByTestId(testid).textContent();
    assert.match(text, /2019/, `${testid} says 2019 has no data: ${text}`);
    assert.equal(await page.locator(`[data-testid="${testid}"] [data-testid="notice"]`).count(), 1);
  }
  pass('no 2019 data: the slope chart and the movers say so');

  mkdirSync(join(here, 'screenshots'), { recursive: true });
  const screenshot = join(here, 'screenshots', 'dashboard-2020.png');
  await page.screenshot({ path: screenshot });
  pass(`screenshot ${screenshot}`);

  // --- District: 9 rows; published values that differ are marked -----------------------------
  const firstLoadRequests = graphqlBodies.length;
  await page.getByTestId('tier-select').selectOption('DISTRICT');
  const district = (await gql(RANKING, { year: 2020, tier: 'DISTRICT' })).ranking.nodes;
  assert.equal(district.length, 9);
  await rowCount(9);
  const districtRows = await table();
  const expectedDiffers = district.flatMap((result) => [
    ['rank', result.published.rank, result.rank],
    ['ratePercent', result.published.ratePercent, result.ratePercent],
    ['convertedScore', result.published.convertedScore, result.convertedScore],
    ['level', result.published.level?.code, result.level?.code],
  ].filter(([, published, recomputed]) => published != null && recomputed != null
    && normal(published) !== normal(recomputed))
    .map(([col]) => `${result.agency.code} ${col}`));
  const shownDiffers = districtRows.flatMap((row) => Object.entries(row)
    .filter(([, cell]) => cell?.differs).map(([col]) => `${row.code} ${col}`));
  assert.deepEqual(shownDiffers, expectedDiffers);
  assert.ok(shownDiffers.includes('ubnd-huyen-a-luoi ratePercent'));
  const aLuoi = districtRows.find((row) => row.code === 'ubnd-huyen-a-luoi');
  assert.equal(aLuoi.ratePercent.text, '81,96%', 'the published rate is shown, not the recomputed one');
  const tooltip = await page.locator('[data-code="ubnd-huyen-a-luoi"] td[data-col="ratePercent"]').getAttribute('title');
  assert.match(tooltip, /81,97/);
  pass(`DISTRICT: 9 rows; ${shownDiffers.length} published values that differ marked ⚠ (A Lưới 81,96% vs 81,97%)`);

  const districtRequests = graphqlBodies.slice(firstLoadRequests);
  assert.ok(districtRequests.length > 0);
  assert.ok(graphqlBodies.every((body) => /^[0-9a-f]{64}$/.test(body.extensions?.persistedQuery?.sha256Hash ?? '')),
    'every request carries a persisted-query hash');
  assert.ok(districtRequests.every((body) => body.query === undefined),
    'queries seen before are sent as hashes only');
  pass(`APQ: ${graphqlBodies.length} requests with hashes; after the first load, hashes only (${districtRequests.length})`);

  // --- An import arrives: the subscription refreshes the page by itself ----------------------
  const yearOptions = () => page.$$eval('[data-testid="year-select"] option', (options) => options.map((o) => o.value));
  assert.deepEqual(await yearOptions(), ['2020']);
  await page.evaluate(() => { window.__notReloaded = true; });
  const imported = await gql(`mutation ($content: String!) {
    importResults(input: { content: $content, year: 2021, tier: DISTRICT, decision: "1/QĐ-UBND" }) {
      report { rowsRead rankings }
      errors { code message line column }
    }
  }`, { content: districtTable(2021) }, token);
  assert.deepEqual(imported.importResults.errors, []);
  assert.equal(imported.importResults.report.rowsRead, 9);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="year-select"] option')]
    .some((option) => option.value === '2021'));
  assert.equal(await page.evaluate(() => window.__notReloaded), true, 'the page was not reloaded');
  assert.equal(await page.getByTestId('live-status').getAttribute('data-state'), 'connected');
  assert.deepEqual(await yearOptions(), ['2021', '2020']);
  pass('subscription sees an import arrive: the year selector gains 2021 without a reload');

  // --- 2021 against 2020: the slope chart, movers and transitions ----------------------------
  await page.getByTestId('year-select').selectOption('2021');
  await page.getByTestId('compare-select').selectOption('2020');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="slope-line"]').length > 0
    && document.documentElement.dataset.loading === 'false');
  const movements = (await gql(`{ compareYears(from: 2020, to: 2021, tier: DISTRICT, first: 100) {
    nodes { agency { code name } from { rank } to { rank } rankChange }
  } }`)).compareYears.nodes;
  const both = movements.filter((m) => m.from?.rank != null && m.to?.rank != null);
  const lines = await page.$$eval('[data-testid="slope-line"]', (ls) => ls.map((l) => ({
    code: l.dataset.code, y1: Number(l.getAttribute('y1')), y2: Number(l.getAttribute('y2')),
  })));
  assert.equal(lines.length, both.length);
  assert.equal(new Set(lines.map((l) => l.code)).size, 9, 'one line per agency');
  const y2 = (code) => lines.find((l) => l.code === code).y2;
  assert.equal(y2('ubnd-thi-xa-huong-thuy'), y2('ubnd-huyen-phong-dien'), 'tied agencies share a y');
  const tie = page.locator('[data-testid="slope-chart"] [data-testid="slope-label"][data-year="2021"][data-rank="4"]');
  assert.equal(await tie.count(), 1, 'one label for the tie at rank 4 in 2021');
  assert.equal(await tie.getAttribute('data-count'), '2');
  assert.match(await tie.textContent(), /^UBND thị xã Hương Thủy, UBND huyện Phong Điền \(4\)$|^UBND huyện Phong Điền, UBND thị xã Hương Thủy \(4\)$/);
  pass(`slope chart 2020 → 2021: ${lines.length} lines, one per agency; the tie at 4 shares a y and one label`);

  const movers = await page.$$eval('[data-testid="mover"]', (items) => items.map((li) => li.dataset.code));
  assert.ok(movers.length > 0, 'the movers list is not empty');
  const down = await page.$$eval('[data-testid="movers-down"] [data-testid="mover"]', (items) => items.map((li) => li.textContent));
  assert.match(down[0], /UBND huyện Nam Đông 1 → 9 ▼8/);
  const matrix = await page.$$eval('[data-testid="transitions"] td[data-count]', (tds) => tds.map((td) => ({
    from: td.dataset.from, to: td.dataset.to, count: Number(td.dataset.count),
  })));
  assert.equal(matrix.reduce((sum, cell) => sum + cell.count, 0), 9, 'every agency in the matrix once');
  assert.equal(matrix.find((cell) => cell.from === 'II' && cell.to === 'NOT_ACHIEVED')?.count, 1);
  pass(`movers: ${movers.length} (Nam Đông 1 → 9 ▼8 first down); level transitions total 9`);

  // --- One agency's series -------------------------------------------------------------------
  await page.locator('[data-testid="ranking-row"][data-code="ubnd-huyen-nam-dong"] button.agency-link').click();
  await page.waitForSelector('[data-testid="agency-series"][data-code="ubnd-huyen-nam-dong"]');
  const series = await page.$$eval('[data-testid="series-year"]', (items) => items.map((li) => li.dataset.year));
  assert.deepEqual(series.sort(), ['2020', '2021']);
  assert.equal(await page.getByTestId('series-name').textContent(), 'UBND huyện Nam Đông');
  assert.equal(await page.locator('[data-testid="agency-series"] circle.series-point').count(), 2);
  await page.locator('[data-testid="slope-chart"] tspan.agency-link[data-code="ubnd-huyen-phu-vang"]').first().click();
  await page.waitForSelector('[data-testid="agency-series"][data-code="ubnd-huyen-phu-vang"]');
  pass('agency series: a table row and a slope label open 2020 and 2021');

  // --- English -------------------------------------------------------------------------------
  await page.getByTestId('lang-toggle').click();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="ranking-table"] th')]
    .some((th) => th.textContent === 'Agency'));
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.waitForFunction(() => document.documentElement.dataset.loading === 'false');
  const english = await table();
  assert.ok(english.every((row) => !row.ratePercent.text.includes(',')), 'EN uses decimal points');
  assert.ok(english.some((row) => /^\d+\.\d+%$/.test(row.ratePercent.text)));
  assert.equal(await page.getByTestId('lang-toggle').textContent(), 'VI');
  pass('EN: English headers ("Agency"), decimal points');

  // --- The national ranking: the jurisdiction and index pickers, a ranking by score ---------
  const label = await page.$eval('[data-testid="jurisdiction-select"] option[value="thua-thien-hue"]', (o) => o.textContent);
  assert.equal(label, 'Thành phố Huế (formerly Thừa Thiên Huế)', 'the picker shows former names');
  await page.getByTestId('jurisdiction-select').selectOption('viet-nam');
  await page.waitForFunction(() => document.documentElement.dataset.loading === 'false'
    && document.querySelector('[data-testid="tier-select"]').value === 'PROVINCE'
    && document.querySelectorAll('[data-testid="ranking-row"]').length === 63);
  assert.equal(await page.getByTestId('index-select').inputValue(), 'dti', 'the only index the nation has');
  assert.deepEqual(await yearOptions(), ['2022', '2021'], 'years(tier:) of the national DTI, latest first');
  const nationalHeader = await page.$$eval('[data-testid="ranking-table"] th', (ths) => ths.map((th) => th.dataset.col));
  assert.deepEqual(nationalHeader, ['rank', 'name'], '2022 printed ranks only');
  const hueRow = await page.$eval('[data-testid="ranking-row"]:nth-child(4)', (tr) => tr.textContent);
  assert.match(hueRow, /^4Thừa Thiên - Huế$/);
  await page.getByTestId('year-select').selectOption('2021');
  await page.waitForFunction(() => document.documentElement.dataset.loading === 'false'
    && document.querySelectorAll('[data-testid="ranking-row"]').length === 17);
  const scored = await page.$$eval('[data-testid="ranking-table"] th', (ths) => ths.map((th) => th.dataset.col));
  assert.deepEqual(scored, ['rank', 'name', 'score'], '2021 printed ranks and scores');
  const danang = await page.$eval('[data-testid="ranking-row"] td[data-col="score"]', (td) => td.textContent);
  assert.equal(danang, '0.6419');
  assert.equal(await page.locator('[data-testid="level-bar"] rect.unlevelled').count(), 2, 'a plain bar per year: no levels');
  pass('national DTI: the pickers move to viet-nam / dti / PROVINCE; 63 ranks of 2022, 17 scores of 2021');

  // --- Across the 2025 map: merged provinces lead to their new unit --------------------------
  // A 2025 ranking of the 34 units (a test input: ranks invented, names as the ministry prints).
  const units = ['TP. Hà Nội', 'TP. Đà Nẵng', 'Huế', 'Quảng Ninh', 'Tuyên Quang'];
  const national = `Xếp hạng DTI,Tỉnh thành phố\n${units.map((unit, i) => `${i + 1},${unit}`).join('\n')}\n`;
  const imported2025 = await gql(`mutation ($content: String!) {
    importResults(input: { content: $content, jurisdiction: "viet-nam", index: "dti", tier: PROVINCE, year: 2025, rankedCount: 34 }) {
      errors { message }
    }
  }`, { content: national }, token);
  assert.deepEqual(imported2025.importResults.errors, []);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="year-select"] option')]
    .some((option) => option.value === '2025'));
  await page.getByTestId('year-select').selectOption('2025');
  await page.getByTestId('compare-select').selectOption('2022');
  await page.waitForFunction(() => document.documentElement.dataset.loading === 'false'
    && document.querySelectorAll('[data-testid="slope-merge"]').length > 0);
  const merges = await page.$$eval('[data-testid="slope-merge"]', (lines) => lines.map((l) => l.dataset.code));
  const intoDaNang = merges.filter((code) => code === merges.find((c) => c.startsWith('tp-da-nang')));
  assert.equal(intoDaNang.length, 2, `Quảng Nam and the former Đà Nẵng lead into the new unit: ${merges}`);
  assert.equal(merges.length, 2 + 2, 'Đà Nẵng and Tuyên Quang were formed from two each');
  assert.equal(await page.locator('[data-testid="slope-line"][data-code="hue"]').count(), 1,
    'Huế, Thừa Thiên - Huế renamed, compares rank for rank');
  pass('2022 → 2025: dashed lines lead from merged provinces into their new units; Huế compares as renamed');

  assert.deepEqual(elsewhere, [], 'requests outside the server');
  assert.deepEqual(pageErrors, [], 'script errors on the page');
  pass('no request left the server, no script error');
}

/** Waits until `condition()` holds, checking every 50 ms, at most `ms`. */
async function until(condition, what, ms = STEP_TIMEOUT) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Imports the district table of `year`: one `resultsChanged` event for every listener. */
async function importDistrict(year) {
  const imported = await gql(`mutation ($content: String!) {
    importResults(input: { content: $content, year: ${year}, tier: DISTRICT, decision: "${year}/QĐ-UBND" }) {
      errors { code message }
    }
  }`, { content: districtTable(year) }, token);
  assert.deepEqual(imported.importResults.errors, []);
}

/**
 * A page served by the test itself, reading the API over HTTP (with a token: a preflight) and
 * over the WebSocket (a query and a subscription), and recording what happened in
 * `window.outcome`. `api` is the server's base URL.
 */
const CROSS_ORIGIN_PAGE = `<!doctype html><meta charset="utf-8"><title>another origin</title>
<script>
  const api = new URL(location.href).searchParams.get('api');
  const bearer = new URL(location.href).searchParams.get('token');
  window.outcome = { socket: [] };
  fetch(api + '/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + bearer },
    body: JSON.stringify({ query: '{ years }' }),
  }).then((response) => response.json())
    .then((answer) => { window.outcome.http = answer; })
    .catch((error) => { window.outcome.http = { failed: String(error) }; });
  const socket = new WebSocket(api.replace(/^http/, 'ws') + '/graphql/ws', 'graphql-transport-ws');
  const send = (message) => socket.send(JSON.stringify(message));
  socket.onopen = () => send({ type: 'connection_init' });
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    window.outcome.socket.push(message);
    if (message.type === 'connection_ack') {
      send({ id: 'read', type: 'subscribe', payload: { query: '{ years }' } });
      send({ id: 'live', type: 'subscribe', payload: { query: 'subscription { resultsChanged { year action } }' } });
    }
  };
  socket.onclose = (event) => { window.outcome.closed = event.code; };
</script>`;

/** Serves the cross-origin page on 127.0.0.1:`pagePort` (also reachable as localhost). */
function pageServer() {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(CROSS_ORIGIN_PAGE);
  });
  return new Promise((resolve) => server.listen(Number(pagePort), '127.0.0.1', () => resolve(server)));
}

async function fromAnotherOrigin(browser) {
  const server = await pageServer();
  try {
    const query = `?api=${encodeURIComponent(base)}&token=${encodeURIComponent(token)}`;
    // Listed (run.sh starts the server with --cors-origin http://127.0.0.1:PAGE_PORT).
    const listed = await browser.newPage();
    listed.setDefaultTimeout(STEP_TIMEOUT);
    await listed.goto(`http://127.0.0.1:${pagePort}/${query}`);
    await listed.waitForFunction(() => window.outcome.http
      && window.outcome.socket.some((m) => m.id === 'read' && m.type === 'complete'));
    const outcome = await listed.evaluate(() => window.outcome);
    assert.deepEqual(outcome.http.errors, undefined, JSON.stringify(outcome.http));
    const years = (await gql('{ years }')).years;
    assert.deepEqual(outcome.http.data?.years, years, JSON.stringify(outcome.http));
    const read = outcome.socket.find((m) => m.id === 'read' && m.type === 'next');
    assert.deepEqual(read?.payload?.data?.years, years, JSON.stringify(outcome.socket));
    await importDistrict(2022);
    await listed.waitForFunction(() => window.outcome.socket.some((m) => m.id === 'live' && m.type === 'next'));
    const event = (await listed.evaluate(() => window.outcome.socket)).find((m) => m.id === 'live');
    assert.equal(event.payload.data.resultsChanged.year, 2022, JSON.stringify(event));
    await listed.close();
    pass(`another origin (127.0.0.1:${pagePort}, listed): reads over HTTP with a token, queries and subscribes over the WebSocket`);

    // Not listed: the same page from http://localhost:PAGE_PORT, another origin.
    const other = await browser.newPage();
    other.setDefaultTimeout(STEP_TIMEOUT);
    await other.goto(`http://localhost:${pagePort}/${query}`);
    await other.waitForFunction(() => window.outcome.http && window.outcome.closed !== undefined);
    const refused = await other.evaluate(() => window.outcome);
    assert.ok(refused.http.failed, `the browser refuses the answer: ${JSON.stringify(refused.http)}`);
    assert.ok(!refused.socket.some((m) => m.type === 'connection_ack'), JSON.stringify(refused.socket));
    await other.close();
    pass(`an origin not listed (localhost:${pagePort}): the read is refused by the browser, the WebSocket by the server`);
  } finally {
    server.close();
  }
}

async function graphiql(browser) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(STEP_TIMEOUT);
  const elsewhere = [];
  const failed = [];
  const pageErrors = [];
  page.on('request', (request) => {
    if (!request.url().startsWith('data:') && new URL(request.url()).origin !== origin) elsewhere.push(request.url());
  });
  page.on('response', (response) => { if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`); });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const sockets = [];
  page.on('websocket', (socket) => {
    const seen = { url: socket.url(), sent: [] };
    sockets.push(seen);
    socket.on('framesent', (frame) => seen.sent.push(String(frame.payload)));
  });
  await page.goto(`${base}/graphql`);
  const icon = await page.evaluate(async () => {
    const link = document.querySelector('link[rel="icon"]').href;
    const answer = await fetch(link);
    return { link, status: answer.status, type: answer.headers.get('content-type') };
  });
  assert.deepEqual(icon, { link: `${origin}/favicon.ico`, status: 200, type: 'image/x-icon' });
  const response = page.locator('.graphiql-response');

  // The first tab: the README's ranking, ready to run.
  await page.locator('.graphiql-execute-button').click();
  await page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent.includes('totalCount'));
  const total = (await gql('{ ranking(year: 2020, tier: DISTRICT) { totalCount } }')).ranking.totalCount;
  assert.match(await response.textContent(), new RegExp(`"totalCount":\\s*${total}`));
  pass(`GraphiQL: the default tab runs the README's ranking (totalCount ${total})`);

  // The second tab: a subscription over /graphql/ws.
  await page.locator('.graphiql-tab', { hasText: 'Changes' }).click();
  await page.waitForFunction(() => document.querySelector('.graphiql-query-editor')?.textContent
    .includes('subscription Changes'));
  // GraphiQL takes the operation name of the new tab a moment after showing it: clicked at
  // once, it runs the tab with the previous tab's name ("Unknown operation named Ranking").
  // A person never clicks that fast; the test tries again, three times at most.
  const subscribed = () => sockets.some((socket) => socket.sent.some((text) => text.includes('"subscribe"')));
  let attempts = 0;
  for (let attempt = 1; !subscribed(); attempt += 1) {
    attempts = attempt;
    await page.waitForTimeout(300);
    await page.locator('.graphiql-execute-button').click();
    await until(subscribed, 'GraphiQL subscribes over a WebSocket', 3000).catch(async (error) => {
      if (attempt < 3) return;
      const shown = await response.textContent();
      throw new Error(`${error.message}; sockets ${JSON.stringify(sockets)}; response ${shown}`);
    });
  }
  assert.deepEqual(sockets.map((socket) => new URL(socket.url).pathname), ['/graphql/ws']);
  await importDistrict(2023);
  await page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent.includes('resultsChanged'));
  assert.match(await response.textContent(), /"year":\s*2023/);
  pass(`GraphiQL: the subscription tab receives an import over /graphql/ws (run ${attempts} time(s))`);

  // The third tab: the bearer token's place in the headers.
  await page.locator('.graphiql-tab', { hasText: 'CheckTable' }).click();
  await page.getByRole('button', { name: 'Headers' }).click();
  assert.match(await page.locator('.graphiql-editor-tool').textContent(), /"Authorization":\s*"Bearer YOUR-TOKEN"/);
  pass('GraphiQL: a tab shows where the bearer token goes (Headers)');

  assert.deepEqual(elsewhere, [], 'GraphiQL loads nothing from elsewhere');
  assert.deepEqual(failed, [], 'no failed request');
  assert.deepEqual(pageErrors, [], 'no script error in GraphiQL');
  await page.close();
}

main()
  .then(() => {
    clearTimeout(deadline);
    console.log(`${passed} passed, 0 failed`);
  })
  .catch(fail);
