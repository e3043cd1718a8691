// #/inbox: a partner charity's home. The referrals civil affairs sent it, open ones first (the
// overdue first, then the newest), each as a card (it reads on a phone): need, township, state
// and the deadline it is held to now; above them a reminder of the referrals near or past their
// answer or progress deadline. The menu's badge counts the referrals waiting for its answer.
import { h, clear, append } from './dom.js';
import { t, label } from './i18n.js';
import { townshipName, rememberTownships, townships } from './directory.js';
import { notice } from './ui.js';
import { dateTime } from './format.js';
import {
  FINAL, AWAITING, allExchanges, referralsIn, awaitingAnswer, currentDeadline, isPast,
  isNearOrPast, dueWithBadge, stateBadge,
} from './partner_data.js';

// Open first; among them the overdue first, then the newest; closed ones newest first.
function order(a, b) {
  const open = FINAL.has(a.state) - FINAL.has(b.state);
  if (open) return open;
  const late = (x) => { const d = currentDeadline(x); return d && isPast(d) ? 1 : 0; };
  return (late(b) - late(a)) || String(b.created_at).localeCompare(String(a.created_at));
}

function card(x) {
  const due = currentDeadline(x);
  return h('a', { class: 'ref-card', href: '#/referral/' + encodeURIComponent(x.id), testid: 'inbox-row',
    'data-exchange': x.id, 'data-state': x.state },
  h('div', { class: 'ref-card-head' }, h('strong', {}, label('need', x.need) || t('partner.no_need')), ' ', stateBadge(x.state)),
  h('div', {}, townshipName(x.township), ' · ', h('span', { class: 'muted' }, x.id, ' · ', dateTime(x.created_at))),
  due ? h('div', {}, t(due.kind === 'answer' ? 'partner.answer_due' : 'partner.progress_due'), ':', dueWithBadge(due)) : null,
  x.outcome ? h('div', {}, t('partner.outcome'), ':', label('xoutcome', x.outcome)) : null);
}

function reminders(list) {
  const rows = [];
  for (const x of referralsIn(list)) {
    const due = currentDeadline(x);
    if (due && isNearOrPast(due)) rows.push([x, due]);
  }
  if (!rows.length) return null;
  rows.sort((a, b) => a[1].date.localeCompare(b[1].date));
  return notice('warn', h('strong', {}, t('partner.reminders')),
    h('ul', { testid: 'reminders' }, rows.map(([x, due]) => h('li', { 'data-exchange': x.id, 'data-kind': due.kind },
      h('a', { href: '#/referral/' + encodeURIComponent(x.id) }, label('need', x.need) || x.id), ' · ',
      townshipName(x.township), ' · ',
      t(due.kind === 'answer' ? 'partner.remind_answer' : 'partner.remind_progress'), ' ', dueWithBadge(due)))));
}

export async function render(view, _params, ctx) {
  rememberTownships(await townships().catch(() => []));
  const all = await allExchanges(ctx.signal);
  if (ctx.signal.aborted) return;
  const mine = referralsIn(all).sort(order);
  const waiting = mine.filter((x) => AWAITING.has(x.state)).length;
  append(clear(view), [
    h('h1', {}, t('partner.inbox'), ' ', h('span', { class: 'muted small' }, t('partner.awaiting', { n: waiting }))),
    reminders(all),  // null when nothing is near: append() skips it
    h('div', { class: 'ref-cards', testid: 'inbox-list' },
      mine.length ? mine.map(card) : notice('info', t('partner.inbox_empty')))]);
}

// The menu's count of referrals waiting for the charity's answer, on the inbox's link. Quiet on
// failure: it is a hint, the inbox itself says the truth.
let badgeSeq = 0;
export async function showAwaitingBadge(nav) {
  const mine = ++badgeSeq;
  try {
    const n = awaitingAnswer(await allExchanges()).length;
    const link = nav.querySelector('a[href="#/inbox"]');
    if (mine !== badgeSeq || !link) return;
    link.querySelector('.nav-count')?.remove();
    if (n > 0) link.append(' ', h('span', { class: 'nav-count', testid: 'inbox-badge', 'aria-label': t('partner.awaiting', { n }) }, String(n)));
  } catch {
    // the inbox page shows the error
  }
}
