// What the charity's pages share: its exchanges (GET /v1/exchanges: a charity token gets only
// its own), which of them wait for its answer, and how near a deadline is. The hub serves each
// open deadline with the working days left to it (answer_due_working_days,
// progress_due_working_days: counted on its holiday calendar and clock; negative when overdue),
// and the pages show that count. No working-day arithmetic here: that is the hub's. Only when the
// hub cannot count (no calendar for the year) is the date alone compared with today.
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

// A deadline as the hub serves it: its date and the working days left to it (null when the hub
// could not count them).
function deadline(kind, date, days) {
  return { kind, date, days: Number.isInteger(days) ? days : null };
}

// The answer deadline of a referral waiting for it, the progress deadline of one worked on.
export const answerDeadline = (x) => (AWAITING.has(x.state) && x.answer_due
  ? deadline('answer', x.answer_due, x.answer_due_working_days) : null);
export const progressDeadline = (x) => (WORKING.has(x.state) && x.progress_due
  ? deadline('progress', x.progress_due, x.progress_due_working_days) : null);

// The deadline a referral is held to now: the answer while it waits, progress while worked on.
export const currentDeadline = (x) => answerDeadline(x) || progressDeadline(x);

// Past its deadline: by the hub's count, else (no count) by the date.
export function isPast(due) {
  return due.days !== null ? due.days < 0 : due.date < today();
}

// At most one working day left, or past: what the inbox's reminder lists.
export function isNearOrPast(due) {
  return due.days !== null ? due.days <= 1 : due.date <= today();
}

// A deadline's date with its badge: N working days left, due today, overdue by N working days.
export function dueWithBadge(due) {
  if (!due) return t('none');
  const d = due.days;
  let b = null;
  if (d === null) b = isPast(due) ? badge(t('partner.past_due'), 'bad') : null;
  else if (d < 0) b = badge(d === -1 ? t('partner.overdue_1wd') : t('partner.overdue_wd', { n: -d }), 'bad');
  else if (d === 0) b = badge(t('partner.due_today'), 'warn');
  else b = badge(d === 1 ? t('partner.day_left') : t('partner.days_left', { n: d }), d === 1 ? 'warn' : 'info');
  return h('span', { class: 'due', testid: 'due', 'data-due': due.date, 'data-days': d === null ? null : String(d) },
    due.date, b ? ' ' : null, b);
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
