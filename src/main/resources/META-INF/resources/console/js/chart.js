// Usage per hour as an SVG bar chart: allowed calls solid, denied calls hatched (told apart by pattern and position,
// not colour alone), each bar with a <title>, and the totals per outcome in a table beside it.
import {h} from './dom.js';

const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** items: [{hour, counts: {CODE: n}, total}]; from/to: Date. */
export function usageChart(items, from, to) {
  const hours = Math.max(1, Math.round((to - from) / 3600000));
  const byHour = new Map(items.map(i => [new Date(i.hour).getTime(), i]));
  const start = Math.floor(from.getTime() / 3600000) * 3600000;
  const bars = [];
  let max = 1;
  const totals = {};
  for (let i = 0; i <= hours; i++) {
    const t = start + i * 3600000;
    const item = byHour.get(t);
    const counts = item ? item.counts : {};
    const allowed = counts.VALID || 0;
    const total = item ? item.total : 0;
    for (const [code, n] of Object.entries(counts)) totals[code] = (totals[code] || 0) + n;
    bars.push({t, allowed, denied: total - allowed});
    max = Math.max(max, total);
  }
  const W = 720, H = 200, left = 44, bottom = 24, plot = H - bottom - 8;
  const bw = (W - left - 4) / bars.length;
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'chart',
    'aria-label': `Verifications per hour: ${sum(bars, 'allowed')} allowed, ${sum(bars, 'denied')} denied`});
  svg.append(s('defs', {}, s('pattern', {id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse',
    patternTransform: 'rotate(45)'}, s('rect', {width: 6, height: 6, fill: '#fde8e8'}),
  s('line', {x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#b42318', 'stroke-width': 3}))));
  for (const frac of [0, 0.5, 1]) {
    const y = 8 + plot - frac * plot;
    svg.append(s('line', {x1: left, x2: W, y1: y, y2: y, stroke: '#d0d5dd', 'stroke-width': 1}));
    svg.append(s('text', {x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis'}, Math.round(frac * max)));
  }
  bars.forEach((b, i) => {
    const x = left + i * bw;
    const ha = (b.allowed / max) * plot;
    const hd = (b.denied / max) * plot;
    const label = `${new Date(b.t).toLocaleString()}: ${b.allowed} allowed, ${b.denied} denied`;
    const g = s('g', {}, s('title', {}, label));
    if (ha > 0) g.append(s('rect', {x, y: 8 + plot - ha, width: Math.max(1, bw - 1), height: ha, fill: '#1d4ed8',
      class: 'bar-allowed'}));
    if (hd > 0) g.append(s('rect', {x, y: 8 + plot - ha - hd, width: Math.max(1, bw - 1), height: hd,
      fill: 'url(#hatch)', stroke: '#b42318', 'stroke-width': 0.5, class: 'bar-denied'}));
    svg.append(g);
  });
  svg.append(s('text', {x: left, y: H - 6, class: 'axis'}, new Date(start).toLocaleString()));
  svg.append(s('text', {x: W, y: H - 6, 'text-anchor': 'end', class: 'axis'}, new Date(to).toLocaleString()));
  const legend = h('ul', {class: 'legend'},
    h('li', {}, h('span', {class: 'swatch allowed', 'aria-hidden': 'true'}), 'Allowed (VALID): solid, lower part'),
    h('li', {}, h('span', {class: 'swatch denied', 'aria-hidden': 'true'}), 'Denied (any other outcome): hatched, upper part'));
  const codes = Object.keys(totals).sort();
  const summary = h('table', {class: 'totals'}, h('caption', {}, 'Outcomes in this period'),
    h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Outcome'), h('th', {scope: 'col'}, 'Calls'))),
    h('tbody', {}, codes.length ? codes.map(c => h('tr', {}, h('td', {}, c), h('td', {class: 'num'}, totals[c])))
      : h('tr', {}, h('td', {colspan: 2}, 'No calls in this period'))));
  return h('figure', {class: 'usage'}, svg, legend, summary);
}

function sum(bars, k) {
  return bars.reduce((a, b) => a + b[k], 0);
}
