// #/queues: the queues the staff member may see, with counts, those with overdue items first.
// #/queue/{q}: the queue's items with filters, overdue first, kept up to date by long-polling
// the queue's event feed (GET /v1/queues/{q}/events?after=&wait=25): no reload.
import { h, clear } from './dom.js';
import { t, label, lang } from './i18n.js';
import { get } from './api.js';
import { townshipName, rememberTownships, townships, queueName } from './directory.js';
import { notice, errorText, select, table, badge } from './ui.js';
import { dateTime, deadline } from './format.js';
import { values, openStates, itemCategories } from './vocabulary.js';


function queueTitle(q) {
  return (lang() === 'en' ? q.name_en : q.name_zh) || q.name_zh || q.id;
}

// Overdue first, then the nearest deadline, then the oldest.
export function byUrgency(a, b) {
  return (b.overdue - a.overdue) || String(a.deadline || '9999').localeCompare(String(b.deadline || '9999')) ||
    String(a.created_at).localeCompare(String(b.created_at));
}

export async function renderQueues(view, _params, ctx) {
  const list = h('div', { class: 'queue-cards', testid: 'queue-list' });
  clear(view).append(h('h1', {}, t('queues.title')), list);
  async function load() {
    const r = await get('/v1/queues', null, { signal: ctx.signal });
    const qs = (r.queues || []).slice().sort((a, b) => (b.overdue - a.overdue) || (b.open - a.open));
    clear(list);
    if (!qs.length) list.append(notice('info', t('queues.empty')));
    for (const q of qs)
      list.append(h('a', { class: 'queue-card', href: '#/queue/' + encodeURIComponent(q.id), 'data-queue': q.id },
        h('strong', {}, queueTitle(q)), h('div', { class: 'muted' }, q.id),
        h('div', { class: 'counts' },
          h('span', {}, h('span', { class: 'count' }, q.open), ' ', t('queues.open')),
          h('span', {}, h('span', { class: 'count' + (q.overdue ? ' bad' : '') }, q.overdue), ' ', t('queues.overdue'))),
        h('div', { class: 'muted' }, Object.entries(q.by_state || {})
          .map(([s, n]) => `${label('state', s)} ${n}`).join(' · '))));
  }
  await load();
  // Counts change as work comes in: refresh while the page is open.
  const timer = setInterval(() => load().catch(() => {}), 20000);
  ctx.signal.addEventListener('abort', () => clearInterval(timer));
}

export async function renderQueue(view, [queue], ctx) {
  rememberTownships(await townships().catch(() => []));
  const filters = { state: 'open', category: '', overdue: false, text: '' };
  const stateSel = select([['open', t('queue.filter.open')], ...values('states').map((s) => [s, label('state', s)])],
    { id: 'flt-state', value: 'open', placeholder: t('queue.filter.any') });
  const catSel = select(itemCategories().map((c) => [c, label('category', c)]), { id: 'flt-cat', placeholder: t('queue.filter.any') });
  const overdue = h('input', { type: 'checkbox', id: 'flt-overdue' });
  const text = h('input', { type: 'search', id: 'flt-text' });
  const filterForm = h('form', { class: 'card filters', 'aria-label': t('queue.filters'), onsubmit: (e) => { e.preventDefault(); apply(); } },
    h('div', { class: 'field' }, h('label', { for: 'flt-state' }, t('queue.filter.state')), stateSel),
    h('div', { class: 'field' }, h('label', { for: 'flt-cat' }, t('queue.filter.category')), catSel),
    h('div', { class: 'field' }, h('label', { for: 'flt-text' }, t('queue.filter.text')), text),
    h('div', { class: 'field' }, h('label', { class: 'inline', for: 'flt-overdue' }, overdue, t('queue.filter.overdue'))),
    h('button', { type: 'submit' }, t('queue.apply')));
  const live = h('span', { class: 'live', 'aria-live': 'polite' });
  const list = h('div', { testid: 'queue-list', 'data-queue': queue });
  const status = h('div');
  clear(view).append(
    h('p', {}, h('a', { href: '#/queues' }, '← ' + t('queues.title'))),
    h('h1', {}, t('queue.title', { queue: queueName(queue) }), ' ', live),
    filterForm, status, list);
  [stateSel, catSel, overdue].forEach((c) => c.addEventListener('change', apply));

  let known = new Set();
  let first = true;
  function apply() {
    filters.state = stateSel.value;
    filters.category = catSel.value;
    filters.overdue = overdue.checked;
    filters.text = text.value.trim();
    load();
  }

  // All pages of the filtered list (the API pages with `after`; a township queue is small).
  async function fetchAll() {
    const query = { limit: 200, category: filters.category, text: filters.text };
    if (filters.state && filters.state !== 'open') query.state = filters.state;
    if (filters.overdue) query.overdue = 'true';
    let items = [];
    for (let after = null, n = 0; n < 20; n++) {
      const r = await get(`/v1/queues/${encodeURIComponent(queue)}/items`, { ...query, after }, { signal: ctx.signal });
      items = items.concat(r.items || []);
      if (!r.next_after) break;
      after = r.next_after;
    }
    if (filters.state === 'open') items = items.filter((i) => openStates().has(i.state));
    return items.sort(byUrgency);
  }

  let loading = null;
  async function load() {
    const mine = (loading = fetchAll());
    try {
      const items = await mine;
      if (mine !== loading || ctx.signal.aborted) return;
      clear(status);
      draw(items);
    } catch (e) {
      if (e.name === 'AbortError') return;
      clear(status).append(notice('error', errorText(e)));
      if (e.status === 403 || e.status === 404) { clear(list).append(h('div', { testid: 'not-found' })); throw e; }
    }
  }

  function draw(items) {
    const fresh = new Set(items.map((i) => i.item_id).filter((id) => !first && !known.has(id)));
    known = new Set(items.map((i) => i.item_id));
    first = false;
    clear(list).append(items.length ? table([
      { title: t('col.item'), cell: (i) => h('a', { href: `#/item/${encodeURIComponent(queue)}/${i.item_id}` }, '#' + i.item_id) },
      { title: t('col.kind'), cell: (i) => [label('kind', i.kind), i.item_kind !== 'case' ? [' · ', label('item_kind', i.item_kind)] : null] },
      { title: t('col.category'), cell: (i) => label('category', i.category) },
      { title: t('col.urgency'), cell: (i) => badge(label('urgency', i.urgency), ['high', 'critical'].includes(i.urgency) ? 'warn' : 'plain') },
      { title: t('col.township'), cell: (i) => townshipName(i.township) },
      { title: t('col.state'), cell: (i) => badge(label('state', i.state), i.state === 'resolved' ? 'ok' : 'info') },
      { title: t('col.owner'), cell: (i) => i.owner || '' },
      { title: t('col.created'), cell: (i) => dateTime(i.created_at) },
      { title: t('col.deadline'), cell: (i) => [deadline(i.deadline, i.deadline_provisional), ' ', i.overdue ? badge(t('overdue'), 'bad') : null] },
    ], items, (i) => ({
      testid: 'queue-row', 'data-item': i.item_id, 'data-state': i.state,
      class: [i.overdue ? 'overdue' : '', fresh.has(i.item_id) ? 'fresh' : ''].join(' ').trim() || null,
      onclick: (e) => { if (e.target.tagName !== 'A') location.hash = `#/item/${encodeURIComponent(queue)}/${i.item_id}`; },
    })) : notice('info', t('queue.empty')));
  }

  // The feed's end is taken before the list is read, so nothing done in between is missed.
  const start = await endOfFeed().catch((e) => (e.status === 403 || e.status === 404 ? null : 0));
  await load();
  if (start !== null) follow(start);

  async function endOfFeed() {
    let after = 0;
    for (;;) {
      const r = await get(`/v1/queues/${encodeURIComponent(queue)}/events`, { after, wait: 0 }, { signal: ctx.signal });
      after = r.next_after || after;
      if ((r.events || []).length < 200) return after;
    }
  }

  // The event feed from `after`: each answer (events, or the 25 s wait running out) asks again;
  // any event reloads the list. A failure waits (doubling, at most 30 s) and tries again.
  async function follow(after) {
    let backoff = 1000;
    live.textContent = t('queue.live');
    while (!ctx.signal.aborted) {
      try {
        const r = await get(`/v1/queues/${encodeURIComponent(queue)}/events`, { after, wait: 25 }, { signal: ctx.signal });
        live.className = 'live';
        live.textContent = t('queue.live');
        backoff = 1000;
        if (r.next_after) after = r.next_after;
        if ((r.events || []).length) await load();
      } catch (e) {
        if (e.name === 'AbortError' || e.status === 401 || e.status === 403) return;
        live.className = 'live off';
        live.textContent = t('queue.live.off');
        await new Promise((res) => setTimeout(res, backoff));
        backoff = Math.min(backoff * 2, 30000);
      }
    }
  }
}
