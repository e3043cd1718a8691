// #/dashboard (#/dashboard?from=YYYY-MM-DD&to=YYYY-MM-DD): the county's figures per township
// for a period: open and overdue items, median hours to first contact and to decision
// (GET /v1/reports/townships), referral closure rate and rejection reasons
// (GET /v1/reports/exchanges); charts, a table, and the report's own CSV.
import { h, clear } from './dom.js';
import { t, lang } from './i18n.js';
import { get, request } from './api.js';
import { nameOf, townshipName, rememberTownships, townships } from './directory.js';
import { notice, errorText, table } from './ui.js';
import { number, percent, today } from './format.js';
import { barChart } from './chart.js';

// Per township: referrals (sent + received), closed, closure rate, rejections; and the county's
// rejection reasons.
export function exchangeFigures(lines) {
  const by = new Map();
  const reasons = {};
  for (const l of lines || []) {
    const x = by.get(l.township) || { referrals: 0, closed: 0, rejected: 0 };
    x.referrals += (l.sent || 0) + (l.received || 0);
    x.closed += l.closed || 0;
    for (const [r, n] of Object.entries(l.rejected_reasons || {})) {
      x.rejected += n;
      reasons[r] = (reasons[r] || 0) + n;
    }
    by.set(l.township, x);
  }
  for (const x of by.values()) x.closure = x.referrals ? x.closed / x.referrals : null;
  return { by, reasons };
}

export async function render(view, params, ctx) {
  rememberTownships(await townships().catch(() => []));
  const q = new URLSearchParams(params[0] || '');
  const to = q.get('to') || today();
  const from = q.get('from') || to.slice(0, 4) + '-01-01';
  const fromIn = h('input', { type: 'date', id: 'dash-from', testid: 'dashboard-from', value: from, required: true });
  const toIn = h('input', { type: 'date', id: 'dash-to', testid: 'dashboard-to', value: to, required: true });
  const csv = h('button', { type: 'button', testid: 'csv-export' }, t('dash.csv'));
  const body = h('div', {}, h('p', { class: 'muted' }, t('loading')));
  clear(view).append(h('h1', {}, t('dash.title')),
    h('form', { class: 'card filters', onsubmit: (e) => {
      e.preventDefault();
      location.hash = `#/dashboard?from=${fromIn.value}&to=${toIn.value}`;
    } },
    h('div', { class: 'field' }, h('label', { for: 'dash-from' }, t('dash.from')), fromIn),
    h('div', { class: 'field' }, h('label', { for: 'dash-to' }, t('dash.to')), toIn),
    h('button', { type: 'submit', class: 'primary' }, t('dash.apply')), csv),
    body);
  csv.addEventListener('click', () => download(from, to, csv));

  const [towns, ex] = await Promise.all([
    get('/v1/reports/townships', { from, to }, { signal: ctx.signal }),
    get('/v1/reports/exchanges', { from, to }, { signal: ctx.signal }),
  ]);
  if (ctx.signal.aborted) return;
  const rows = (towns.townships || []).map((x) => ({ ...x, name: nameOf(x) || townshipName(x.township) }));
  const { by, reasons } = exchangeFigures(ex.lines);
  for (const r of rows) Object.assign(r, by.get(r.township) || { referrals: 0, closed: 0, rejected: 0, closure: null });
  clear(body);
  if (!rows.length) return body.append(notice('info', t('dash.none')));

  const total = rows.reduce((a, r) => ({
    open: a.open + (r.open || 0), overdue: a.overdue + (r.overdue || 0), resolved: a.resolved + (r.resolved || 0),
    referrals: a.referrals + r.referrals, closed: a.closed + r.closed, rejected: a.rejected + r.rejected,
  }), { open: 0, overdue: 0, resolved: 0, referrals: 0, closed: 0, rejected: 0 });
  const hours = (v) => number(v, 1);
  const reasonRows = Object.entries(reasons).sort((a, b) => b[1] - a[1]);
  body.append(
    h('div', { class: 'charts', testid: 'dashboard-chart' },
      barChart({ title: t('dash.open_overdue'), fmt: (v) => number(v),
        series: [{ cls: 'bar-open', name: t('dash.col.open') }, { cls: 'bar-overdue', name: t('dash.col.overdue') }],
        rows: rows.map((r) => ({ label: r.name, values: [r.open || 0, r.overdue || 0] })) }),
      barChart({ title: t('dash.times'), fmt: hours,
        series: [{ cls: 'bar-first', name: t('dash.col.first_contact') }, { cls: 'bar-decision', name: t('dash.col.decision') }],
        rows: rows.map((r) => ({ label: r.name, values: [r.median_first_contact_hours, r.median_decision_hours] })) }),
      barChart({ title: t('dash.closure'), fmt: percent, max: 1,
        series: [{ cls: 'bar-rate', name: t('dash.col.closure') }],
        rows: rows.map((r) => ({ label: r.name, values: [r.closure] })) }),
      reasonRows.length ? barChart({ title: t('dash.rejections'), fmt: (v) => number(v),
        series: [{ cls: 'bar-overdue', name: t('dash.col.rejected') }],
        rows: reasonRows.map(([r, n]) => ({ label: r, values: [n] })) })
        : h('figure', { class: 'chart' }, h('figcaption', {}, h('strong', {}, t('dash.rejections'))), h('p', { class: 'muted' }, t('none')))),
    h('div', { testid: 'dashboard-table' }, table([
      { key: 'township', title: t('col.township'), cell: (r) => r.name },
      { key: 'open', title: t('dash.col.open'), cell: (r) => number(r.open), class: 'num' },
      { key: 'overdue', title: t('dash.col.overdue'), cell: (r) => number(r.overdue), class: 'num' },
      { key: 'first', title: t('dash.col.first_contact'), cell: (r) => hours(r.median_first_contact_hours), class: 'num' },
      { key: 'decision', title: t('dash.col.decision'), cell: (r) => hours(r.median_decision_hours), class: 'num' },
      { key: 'resolved', title: t('dash.col.resolved'), cell: (r) => number(r.resolved), class: 'num' },
      { key: 'referrals', title: t('dash.col.referrals'), cell: (r) => number(r.referrals), class: 'num' },
      { key: 'closure', title: t('dash.col.closure'), cell: (r) => percent(r.closure), class: 'num' },
      { key: 'rejected', title: t('dash.col.rejected'), cell: (r) => number(r.rejected), class: 'num' },
    ], [...rows, { name: t('dash.total'), township: '', ...total,
      closure: total.referrals ? total.closed / total.referrals : null,
      median_first_contact_hours: null, median_decision_hours: null }],
    (r) => ({ 'data-township': r.township || 'total' }), `${from} – ${to}`)));
}

// The township report as the API makes it (format=csv), saved as a file.
async function download(from, to, button) {
  button.disabled = true;
  try {
    const text = await request('GET', '/v1/reports/townships', { query: { from, to, format: 'csv' }, accept: 'text/csv' });
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
    const a = h('a', { href: url, download: `xianjie-townships-${from}-${to}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (e) {
    button.after(notice('error', errorText(e)));
  } finally {
    button.disabled = false;
  }
}
