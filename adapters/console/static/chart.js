// Hand-made SVG bar charts (no library, no inline style: the CSP allows none). Horizontal bars,
// one group per row, one bar per series; colours come from style.css classes.
import { h } from './dom.js';

// rows: [{label, values: [number|null, ...]}]; series: [{cls, name}]; fmt(value) for the ends.
export function barChart({ title, rows, series, fmt = String, max }) {
  const W = 640, LABEL = 130, PAD = 48, BAR = 12, GAP = 4, GROUP = series.length * (BAR + GAP) + 10;
  const H = Math.max(rows.length * GROUP + 24, 40);
  const top = max ?? Math.max(1, ...rows.flatMap((r) => r.values.filter((v) => v !== null && v !== undefined)));
  const scale = (v) => ((W - LABEL - PAD) * Math.max(0, v)) / top;
  const svg = h('svg:svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, width: W, height: H });
  svg.append(h('svg:title', {}, title));
  rows.forEach((r, i) => {
    const y0 = 8 + i * GROUP;
    svg.append(h('svg:text', { x: LABEL - 6, y: y0 + (series.length * (BAR + GAP)) / 2 + 4, 'text-anchor': 'end' }, r.label));
    r.values.forEach((v, j) => {
      const y = y0 + j * (BAR + GAP);
      if (v === null || v === undefined) {
        svg.append(h('svg:text', { x: LABEL + 4, y: y + BAR - 2, class: 'muted' }, '–'));
        return;
      }
      svg.append(h('svg:rect', { x: LABEL, y, width: Math.max(scale(v), v > 0 ? 1 : 0), height: BAR, class: series[j].cls },
        h('svg:title', {}, `${r.label} · ${series[j].name}: ${fmt(v)}`)));
      svg.append(h('svg:text', { x: LABEL + scale(v) + 4, y: y + BAR - 2 }, fmt(v)));
    });
  });
  svg.append(h('svg:line', { x1: LABEL, x2: LABEL, y1: 4, y2: H - 8, class: 'axis' }));
  return h('figure', { class: 'chart' },
    h('figcaption', {}, h('strong', {}, title), ' ',
      h('span', { class: 'legend' }, series.map((s) => h('span', { class: 'l-' + s.cls.replace('bar-', '') }, s.name)))),
    svg);
}
