// What the charity's pages share: its exchanges (GET /v1/exchanges: a charity token gets only
// its own), which of them wait for its answer, and how near a deadline is. The hub serves
// deadlines as dates and keeps the holiday calendar to itself, so a deadline is shown as its date
// with a badge counted in calendar days on the page's clock (China time): overdue when past, due
// today, due tomorrow. No working-day arithmetic here: that is the hub's.
import { h } from './dom.js';
import { t, label } from './i18n.js';
import { get } from './api.js';
import { badge } from './ui.js';
import { today } from './format.js';

export const FINAL = new Set(['completed', 'failed', 'cancelled', 'rejected', 'entered_in_error']);
// States in which a referral out waits for the partner to accept or decline it.
export const AWAITING = new Set(['requested', 'received']);
// States in which the partner works on it and owes progress reports.
export const WORKING = new Set(['accepted', 'in_progress']);

export function stateBadge(s) {
  return badge(label('xstate', s), s === 'completed' ? 'ok' : FINAL.has(s) ? 'bad' : 'info');
}

// Every exchange the caller may see, page by page.
export async function allExchanges(signal) {
  let all = [];
  for (let after = null, n = 0; n < 50; n++) {
    const r = await get('/v1/exchanges', { limit: 200, after }, { signal });
    all = all.concat(r.exchanges || []);
    if (!r.next_after) break;
    after = r.next_after;
  }
  return all;
}

// Referrals sent to the partner (civil affairs requests, the partner performs).
export const referralsIn = (list) => list.filter((x) => x.direction === 'outbound');
export const awaitingAnswer = (list) => referralsIn(list).filter((x) => AWAITING.has(x.state));

// Calendar days from today to `date` (YYYY-MM-DD); null without a date.
export function daysUntil(date) {
  if (!date) return null;
  const a = Date.parse(today() + 'T00:00:00Z');
  const b = Date.parse(date + 'T00:00:00Z');
  return Number.isNaN(b) ? null : Math.round((b - a) / 86400000);
}

// The deadline a referral is held to now: the answer while it waits, progress while worked on.
export function currentDeadline(x) {
  if (AWAITING.has(x.state) && x.answer_due) return { kind: 'answer', date: x.answer_due };
  if (WORKING.has(x.state) && x.progress_due) return { kind: 'progress', date: x.progress_due };
  return null;
}

// Past, or due today or tomorrow: what the inbox's reminder lists.
export function isNearOrPast(date) {
  const d = daysUntil(date);
  return d !== null && d <= 1;
}

// A date with its badge: overdue, due today, due tomorrow (nothing further off).
export function dueWithBadge(date) {
  if (!date) return t('none');
  const d = daysUntil(date);
  const b = d === null ? null : d < 0 ? badge(t('partner.overdue', { n: -d }), 'bad')
    : d === 0 ? badge(t('partner.due_today'), 'warn') : d === 1 ? badge(t('partner.due_tomorrow'), 'warn') : null;
  return h('span', { class: 'due', 'data-due': date, 'data-days': d === null ? null : String(d) }, date, b ? ' ' : null, b);
}

// The partner's side of the referral and what it may do now, from the API's legal_moves
// ("accept (performer)", ...): the event names of its side.
export function partnerMoves(x) {
  const side = x.partner_side;
  const out = new Set();
  for (const m of x.legal_moves || []) {
    const match = /^(\w+) \((.+)\)$/.exec(m);
    if (match && match[2].split(' or ').includes(side)) out.add(match[1]);
  }
  return out;
}

// A fresh id for one event; kept while its form is open and across retries, so that a resend
// (a double click, a retry after a network failure) is applied once by the hub.
export function newEventId(prefix) {
  const rnd = crypto.getRandomValues(new Uint32Array(2));
  return `${prefix}-${Date.now().toString(36)}-${rnd[0].toString(36)}${rnd[1].toString(36)}`;
}
