// Small DOM helpers: elements are built with h(), never from HTML strings, so nothing a server or user sends is parsed
// as markup.

/** h('button', {class: 'x', onclick: fn, 'aria-label': 'Close'}, 'text', child...) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A labelled form field: the label's `for` names the control, so the control's accessible name is the label. */
let ids = 0;
export function field(label, control, hint) {
  control.id = control.id || 'f' + (++ids);
  const hintEl = hint ? h('span', {class: 'hint', id: control.id + '-hint'}, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', {class: 'field'}, h('label', {for: control.id}, label), control, hintEl);
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, {year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit'});
}

export function toast(message) {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove('show'), 4000);
}

/** An alert area for an API error: its detail and the fields it names. */
export function errorBox(err) {
  const p = err && err.problem;
  const detail = (p && (p.detail || p.title)) || (err && err.message) || 'Something went wrong';
  const fields = p && Array.isArray(p.errors) ? p.errors : [];
  return h('div', {class: 'error', role: 'alert'}, h('p', {}, detail),
    fields.length ? h('ul', {}, fields.map(e => h('li', {}, (e.field ? e.field + ': ' : '') + e.message))) : null);
}

/** A table inside a scrolling region, so that it stays usable on a narrow screen. */
export function table(caption, headers, rows) {
  return h('div', {class: 'scroll', role: 'region', 'aria-label': caption, tabindex: '0'},
    h('table', {}, h('caption', {class: 'sr-only'}, caption),
      h('thead', {}, h('tr', {}, headers.map(x => h('th', {scope: 'col'}, x)))),
      h('tbody', {}, rows)));
}
