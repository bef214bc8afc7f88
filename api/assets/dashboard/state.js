// What the page shows, kept in the URL's hash so views can be linked.

/** The tiers, in the order the pickers list them. */
export const TIERS = ['PROVINCIAL', 'DISTRICT', 'COMMUNE', 'PROVINCE', 'MINISTRY'];

/** What the page shows; `year`/`compare` null until the years are known. */
export const state = {
  jurisdiction: null, // a code; null until the catalogue is known (then the default one)
  year: null,
  compare: null,
  tier: 'PROVINCIAL',
  index: 'cqdt-results',
  lang: 'vi',
  agency: null, // the code of the agency whose series is open
};

/** The element with `data-testid`. */
export const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

/** Reads the state from the URL's hash (`#year=2020&tier=DISTRICT&lang=en`). */
export function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const year = Number(params.get('year'));
  const compare = Number(params.get('compare'));
  if (year) state.year = year;
  if (compare) state.compare = compare;
  if (TIERS.includes(params.get('tier'))) state.tier = params.get('tier');
  if (params.get('index')) state.index = params.get('index');
  if (params.get('jurisdiction')) state.jurisdiction = params.get('jurisdiction');
  if (params.get('lang') === 'en' || params.get('lang') === 'vi') state.lang = params.get('lang');
  if (params.get('agency')) state.agency = params.get('agency');
}

export function writeHash() {
  const params = new URLSearchParams();
  for (const key of ['jurisdiction', 'year', 'compare', 'tier', 'index', 'lang', 'agency']) {
    if (state[key] != null) params.set(key, state[key]);
  }
  history.replaceState(null, '', `#${params}`);
}
