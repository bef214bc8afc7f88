// Building the page: HTML and SVG elements, notices, level colours, errors.

import { $ } from './state.js';
import { t } from './words.js';

/** An HTML element with attributes (`on…` functions become listeners) and children. */
export function el(tag, attributes = {}, ...children) {
  return build(document.createElement(tag), attributes, children);
}

/** The same for SVG. */
export function svg(tag, attributes = {}, ...children) {
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
export const notice = (text) => el('p', { class: 'notice', 'data-testid': 'notice' }, text);

// Colours of the usual level codes, best to worst; other scales' levels go by ordinal.
const LEVEL_COLOURS = {
  I: '#1b7f3b',
  II: '#6aaa4f',
  III: '#e7b416',
  IV: '#ef8a2f',
  NOT_ACHIEVED: '#c8102e',
};
const ORDINAL_COLOURS = ['#1b7f3b', '#6aaa4f', '#e7b416', '#ef8a2f', '#c8102e', '#7a5195', '#555'];

/** A level's colour: the usual codes', else by its place on its scale. */
export const levelColour = (level) => LEVEL_COLOURS[level.code] ?? ORDINAL_COLOURS[(level.ordinal - 1) % 7] ?? '#999';

/** Replaces a select's options with [value, label] pairs and selects `selected`. */
export function fill(select, options, selected) {
  select.replaceChildren(...options.map(([value, label]) => el('option', { value }, label)));
  if (selected != null) select.value = String(selected);
}

/** Shows why something failed (or hides the box when `error` is null). */
export function showError(error) {
  const box = $('error');
  box.hidden = !error;
  box.textContent = error ? t('error', { message: error.message }) : '';
  if (error) console.error(error);
}
