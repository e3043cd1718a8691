// #/exchanges: the referrals the user may see (charity: its own; staff: their townships';
// county staff and admin: all), open ones first. #/exchange/{id}: one referral's state,
// deadline and timeline in either direction, and the deliveries of its messages to the partner
// (delivered, retrying, dead-lettered) with a replay for dead letters (county staff, admin).
import { h, clear } from './dom.js';
import { t, label } from './i18n.js';
import { get, post } from './api.js';
import { townshipName, rememberTownships, townships, queueName } from './directory.js';
import { notice, errorText, table, badge } from './ui.js';
import { dateTime } from './format.js';

const FINAL = new Set(['completed', 'failed', 'cancelled', 'rejected', 'entered_in_error']);

function stateBadge(s) {
  return badge(label('xstate', s), s === 'completed' ? 'ok' : FINAL.has(s) ? 'bad' : 'info');
}

export async function renderList(view, _params, ctx) {
  rememberTownships(await townships().catch(() => []));
  let all = [];
  for (let after = null, n = 0; n < 50; n++) {
    const r = await get('/v1/exchanges', { limit: 200, after }, { signal: ctx.signal });
    all = all.concat(r.exchanges || []);
    if (!r.next_after) break;
    after = r.next_after;
  }
  if (ctx.signal.aborted) return;
  // Open first, the most recently changed first.
  all.sort((a, b) => (FINAL.has(a.state) - FINAL.has(b.state)) ||
    String(b.updated_at).localeCompare(String(a.updated_at)));
  clear(view).append(h('h1', {}, t('exchanges.title')),
    h('div', { testid: 'exchange-list' }, all.length ? table([
      { title: 'ID', cell: (x) => h('a', { href: '#/exchange/' + encodeURIComponent(x.id) }, x.id) },
      { title: t('col.direction'), cell: (x) => label('direction', x.direction) },
      { title: t('col.partner'), cell: (x) => x.partner },
      { title: t('col.township'), cell: (x) => townshipName(x.township) },
      { title: t('col.need'), cell: (x) => label('need', x.need) },
      { title: t('col.state'), cell: (x) => stateBadge(x.state) },
      { title: t('exchange.answer_due'), cell: (x) => x.answer_due || '' },
      { title: t('col.created'), cell: (x) => dateTime(x.created_at) },
    ], all, (x) => ({ testid: 'exchange-row', 'data-exchange': x.id })) : notice('info', t('exchanges.empty'))));
}

export async function renderOne(view, [id], ctx) {
  rememberTownships(await townships().catch(() => []));
  const data = await get('/v1/exchanges/' + encodeURIComponent(id), null, { signal: ctx.signal });
  if (ctx.signal.aborted) return;
  const x = data.exchange;
  const role = ctx.session.role;
  const row = (k, v) => (v === undefined || v === null || v === '' ? null : [h('dt', {}, k), h('dd', {}, v)]);
  const deliveries = h('section', { class: 'card', testid: 'exchange-deliveries', 'aria-labelledby': 'dlv-h' },
    h('h2', { id: 'dlv-h' }, t('exchange.deliveries')), h('p', { class: 'muted' }, t('loading')));
  clear(view).append(
    h('p', {}, h('a', { href: '#/exchanges' }, '← ' + t('exchanges.title'))),
    h('h1', {}, t('exchange.title', { id: x.id }), ' ', stateBadge(x.state)),
    h('div', {},
      h('div', {},
        h('section', { class: 'card' }, h('dl', { class: 'facts' },
          row(t('exchange.state'), [label('xstate', x.state), ' ', h('code', { class: 'muted' }, x.state)]),
          row(t('exchange.direction'), label('direction', x.direction)),
          row(t('exchange.partner'), x.partner),
          row(t('col.township'), townshipName(x.township)),
          row(t('exchange.need'), label('need', x.need)),
          row(t('exchange.answer_due'), x.answer_due),
          row(t('action.reason'), x.reason),
          row(t('action.outcome'), x.outcome),
          row(t('exchange.item'), x.queue && x.item_id ? h('a', { href: `#/item/${encodeURIComponent(x.queue)}/${x.item_id}` },
            `${queueName(x.queue)} #${x.item_id}`) : null),
          row(t('col.created'), dateTime(x.created_at)))),
        h('section', { class: 'card', testid: 'exchange-timeline', 'aria-labelledby': 'tl-h' },
          h('h2', { id: 'tl-h' }, t('exchange.timeline')),
          h('ol', { class: 'timeline' }, (data.timeline || []).map((e) => h('li', { 'data-event': e.event },
            h('span', { class: 'when' }, dateTime(e.at)),
            h('strong', {}, label('xevent', e.event)), ' ', h('code', { class: 'muted' }, e.event), ' · ', e.actor,
            // The person of the actor's token (a partner's worker); MQTT feedback has none.
            e.actor_name ? h('span', { class: 'actor-name', testid: 'actor-name' }, ` ${e.actor_name}`) : null,
            e.from_state || e.to_state ? h('span', { class: 'muted' },
              ` ${label('xstate', e.from_state) || '–'} → ${label('xstate', e.to_state)} (${e.to_state || ''})`) : null,
            e.reason ? h('div', {}, `${t('action.reason')}:${e.reason}`) : null,
            e.outcome ? h('div', {}, `${t('action.outcome')}:${e.outcome}`) : null,
            e.note ? h('div', {}, e.note) : null)))),
        (data.next_candidates || []).length ? h('section', { class: 'card' }, h('h2', {}, t('exchange.next')),
          h('ul', {}, data.next_candidates.map((p) => h('li', {}, `${p.name || p.org} (${p.org}) · ${label('capacity', p.capacity)}`)))) : null),
      h('div', {}, deliveries)));

  // Deliveries: the exchange's own list (GET /v1/exchanges/{id} gives them to whoever may see
  // the exchange); read again after a replay.
  async function loadDeliveries(fresh) {
    const body = h('div');
    let rows = data.deliveries || [];
    if (fresh) {
      try {
        rows = (await get('/v1/exchanges/' + encodeURIComponent(id), null, { signal: ctx.signal })).deliveries || [];
      } catch (e) {
        if (e.name === 'AbortError') return;
        rows = null;
        body.append(notice('error', errorText(e)));
      }
    }
    if (rows && !rows.length) body.append(h('p', { class: 'muted' }, t('exchange.deliveries.none')));
    if (rows && rows.length) {
      const mayReplay = role === 'admin' || (role === 'staff' && ctx.session.county_wide);
      body.append(table([
        { title: t('col.kind'), cell: (d) => h('code', {}, d.kind) },
        // Pending and never attempted is not "retrying": a pages-only (poll) partner's message
        // waits there until the partner opens the exchange.
        { title: t('col.state'), cell: (d) => [badge(d.state === 'pending' && !d.attempts ? t('delivery.waiting') : label('delivery', d.state), d.state === 'delivered' ? 'ok' : d.state === 'dead' ? 'bad' : 'warn'), ' ', h('code', { class: 'muted' }, d.state)] },
        { title: t('col.attempts'), cell: (d) => d.attempts, class: 'num' },
        { title: t('col.at'), cell: (d) => dateTime(d.delivered_at || d.updated_at || d.created_at) },
        { title: t('col.last_error'), cell: (d) => d.last_error || '' },
        { title: '', cell: (d) => d.state === 'dead' && mayReplay ? replayButton(d) : null },
      ], rows, (d) => ({ 'data-outbox': d.id, 'data-state': d.state })));
    }
    const card = deliveries;
    while (card.childNodes.length > 1) card.lastChild.remove();
    card.append(body);
  }

  function replayButton(d) {
    const b = h('button', { type: 'button', testid: 'replay-button', 'data-outbox': d.id }, t('exchange.replay'));
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await post(`/v1/outbox/${d.id}/replay`, undefined, { signal: ctx.signal });
        await loadDeliveries(true);
      } catch (e) {
        if (e.name === 'AbortError') return;
        b.disabled = false;
        b.after(notice('error', errorText(e)));
      }
    });
    return b;
  }

  await loadDeliveries();
  // Deliveries retry on their own: refresh while the page is open.
  const timer = setInterval(() => loadDeliveries(true).catch(() => {}), 10000);
  ctx.signal.addEventListener('abort', () => clearInterval(timer));
}
