// The charity's own cases (the referrals it pushed): its messages (GET /v1/messages?mine=1) with
// where each went and the item's state, joined with the exchange each opened (GET /v1/exchanges,
// inbound: `partner_ref` is the charity's message id), whose state and outcome say what civil
// affairs made of it. Cards, not a table, so that it reads on a phone.
import { h, clear } from './dom.js';
import { t, label } from './i18n.js';
import { get } from './api.js';
import { queueName } from './directory.js';
import { notice, errorText, badge } from './ui.js';
import { dateTime } from './format.js';
import { allExchanges, stateBadge } from './partner_data.js';

function caseCard(m, x) {
  // The item's outcome code when the messages list gives it, else what the exchange's closing said.
  const outcome = m.outcome ? label('outcome', m.outcome) : (x && x.outcome) || '';
  return h('div', { class: 'ref-card', testid: 'case-row', 'data-hub-id': m.hub_id, 'data-message-id': m.message_id,
    'data-exchange': x ? x.id : null, 'data-state': x ? x.state : m.state },
  h('div', { class: 'ref-card-head' }, h('strong', {}, m.message_id), ' ',
    m.state ? badge(label('state', m.state), m.state === 'resolved' ? 'ok' : 'info') : null),
  h('div', { class: 'muted' }, m.hub_id, ' · ', dateTime(m.received_at)),
  m.queue ? h('div', {}, t('cases.queue'), ':', queueName(m.queue)) : null,
  x ? h('div', {}, t('cases.exchange'), ':', stateBadge(x.state)) : null,
  outcome ? h('div', { testid: 'case-outcome' }, t('cases.outcome'), ':', outcome) : null,
  m.disposition ? h('div', { class: 'muted' }, t('cases.disposition'), ':', label('disposition', m.disposition)) : null);
}

// Draws the list into `box`; returns the message rows (null on failure, shown in the box).
export async function casesList(box, ctx) {
  try {
    const [r, exchanges] = await Promise.all([
      get('/v1/messages', { mine: 1, limit: 50 }, { signal: ctx.signal }),
      allExchanges(ctx.signal)]);
    const byRef = new Map(exchanges.filter((x) => x.direction === 'inbound').map((x) => [x.partner_ref, x]));
    const rows = (r.messages || []).filter((m) => m.kind === 'referral');
    clear(box).append(rows.length ? h('div', { class: 'ref-cards' }, rows.map((m) => caseCard(m, byRef.get(m.message_id))))
      : h('p', { class: 'muted' }, t('cases.empty')));
    return rows;
  } catch (e) {
    if (e.name === 'AbortError') return null;
    clear(box).append(notice('error', errorText(e)));
    return null;
  }
}
