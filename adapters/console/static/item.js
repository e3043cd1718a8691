// #/item/{q}/{i}: one queue item with the message it came from, the eligibility pre-screen in
// plain words with its trace, its history and referrals, and the actions the staff member may
// take now (claim, note, transfer, resolve with outcome and reason, refer out with consent).
// Every action is the public API; the page reloads the item after each.
import { h, clear, append } from './dom.js';
import { t, label, lang } from './i18n.js';
import { get, post } from './api.js';
import { townshipName, rememberTownships, townships, queueName } from './directory.js';
import { notice, errorText, select, badge, field, setFieldError } from './ui.js';
import { dateTime, deadline } from './format.js';
import { referForm } from './refer.js';
import { accessCard } from './access.js';
import { values, openStates } from './vocabulary.js';

const CLAIMABLE = new Set(['new', 'transferred', 'escalated']);
const HELD = new Set(['claimed', 'in_progress', 'waiting_on_other']);
const REASONS = ['income_below_standard', 'income_above_line', 'assets_over_limit', 'has_able_supporter',
  'rigid_expense_verified', 'needs_outside_government_aid', 'emergency_need', 'household_verified',
  'no_contact_after_attempts', 'same_case_open', 'moved_away', 'deceased', 'declined_by_person', 'other'];
const COUNTY_QUEUES = ['county-task-force', 'county-temporary-aid', 'agri-liaison', 'county-triage'];

// "Saved." after an action, shown once on the reloaded page.
let flash = null;

export async function render(view, [queue, itemId], ctx) {
  rememberTownships(await townships().catch(() => []));
  const path = `/v1/queues/${encodeURIComponent(queue)}/items/${itemId}`;
  const data = await get(path, null, { signal: ctx.signal });
  if (ctx.signal.aborted) return;
  const { item } = data;
  const me = ctx.session.token_id;
  const status = h('div', { 'aria-live': 'polite' });

  // Runs an action; on success reloads the page (same route), on failure shows why.
  async function act(promise, button) {
    if (button) button.disabled = true;
    clear(status);
    try {
      await promise;
      flash = t('action.done');
      ctx.rerender();
    } catch (e) {
      if (e.name === 'AbortError') return;
      status.append(notice('error', errorText(e),
        e.problems.length ? h('ul', {}, e.problems.map((p) => h('li', {}, `${p.path}: ${p.problem}`))) : null));
      if (button) button.disabled = false;
    }
  }
  const actionPath = (a) => `${path}/${a}`;

  const page = h('div', { testid: 'item-page', 'data-item': item.item_id, 'data-state': item.state },
    h('p', {}, h('a', { href: '#/queue/' + encodeURIComponent(queue) }, '← ' + queueName(queue))),
    h('h1', {}, t('item.title', { item: item.item_id }), ' ',
      badge(label('state', item.state), item.state === 'resolved' ? 'ok' : 'info'), ' ',
      item.overdue ? badge(t('overdue'), 'bad') : null),
    flash ? notice('ok', flash) : null,
    h('div', { class: 'grid two-col' },
      h('div', {},
        facts(item, me),
        messageCard(data.message),
        decisionCard(data.decision),
        historyCard(data.history || []),
        exchangesCard(data.exchanges || []),
        accessCard(item.item_id, ctx)),
      h('div', {}, actionsCard())));
  flash = null;
  clear(view).append(page);

  function actionsCard() {
    const card = h('section', { class: 'card actions', 'aria-labelledby': 'actions-h' },
      h('h2', { id: 'actions-h' }, t('item.actions')), status);
    const panel = h('div');
    const open = (form) => { clear(panel).append(form); const c = form.querySelector('input, select, textarea'); if (c) c.focus(); };
    const buttons = h('div', { class: 'buttons' });
    if (CLAIMABLE.has(item.state)) {
      const b = h('button', { type: 'button', class: 'primary', testid: 'action-claim' }, t('action.claim'));
      b.addEventListener('click', () => act(post(actionPath('claim'), undefined, { signal: ctx.signal }), b));
      buttons.append(b);
    }
    const mine = HELD.has(item.state) && item.owner === me;
    if (mine) {
      const resolve = h('button', { type: 'button', class: 'primary', testid: 'action-resolve' }, t('action.resolve'));
      resolve.addEventListener('click', () => open(resolveForm()));
      buttons.append(resolve);
      if (item.state !== 'in_progress') {
        const p = h('button', { type: 'button', testid: 'action-progress' }, t('action.progress'));
        p.addEventListener('click', () => act(post(actionPath('progress'), { state: 'in_progress' }, { signal: ctx.signal }), p));
        buttons.append(p);
      }
      const r = h('button', { type: 'button', testid: 'action-release' }, t('action.release'));
      r.addEventListener('click', () => act(post(actionPath('release'), undefined, { signal: ctx.signal }), r));
      buttons.append(r);
    }
    if (openStates().has(item.state)) {
      const n = h('button', { type: 'button', testid: 'action-note' }, t('action.note'));
      n.addEventListener('click', () => open(noteForm()));
      const tr = h('button', { type: 'button', testid: 'action-transfer' }, t('action.transfer'));
      tr.addEventListener('click', () => open(transferForm()));
      const rf = h('button', { type: 'button', testid: 'action-refer' }, t('action.refer'));
      rf.addEventListener('click', async () => open(await referForm({ queue, item, signal: ctx.signal, act })));
      buttons.append(n, tr, rf);
    }
    card.append(buttons, panel);
    return card;
  }

  function noteForm() {
    const text = field('note', t('action.note.text'), h('textarea', { testid: 'note-text', rows: 3, required: true }));
    const submit = h('button', { type: 'submit', class: 'primary', testid: 'note-submit' }, t('save'));
    return h('form', { onsubmit: (e) => {
      e.preventDefault();
      if (!text.control.value.trim()) return setFieldError(text, [t('v.required')]);
      act(post(actionPath('notes'), { text: text.control.value.trim() }, { signal: ctx.signal }), submit);
    } }, text.wrap, h('div', { class: 'buttons' }, submit));
  }

  function transferForm() {
    const targets = COUNTY_QUEUES.concat(item.township ? ['township-' + item.township] : [])
      .filter((q) => q !== queue);
    const to = field('transfer_to', t('action.transfer.to'),
      select(targets.map((q) => [q, `${queueName(q)} (${q})`]), { testid: 'transfer-to', placeholder: t('call.choose'), required: true }));
    const reason = field('transfer_reason', t('action.reason'), h('input', { type: 'text', testid: 'transfer-reason', required: true }));
    const submit = h('button', { type: 'submit', class: 'primary', testid: 'transfer-submit' }, t('action.transfer'));
    return h('form', { onsubmit: (e) => {
      e.preventDefault();
      setFieldError(to, to.control.value ? [] : [t('v.required')]);
      setFieldError(reason, reason.control.value.trim() ? [] : [t('v.required')]);
      if (!to.control.value || !reason.control.value.trim()) return;
      act(post(actionPath('transfer'), { to: to.control.value, reason: reason.control.value.trim() }, { signal: ctx.signal }), submit);
    } }, to.wrap, reason.wrap, h('div', { class: 'buttons' }, submit));
  }

  // Outcome and reason are the API's codes; the reason is typed or picked from the list
  // (a datalist: the code with its words).
  function resolveForm() {
    const outcome = field('outcome', t('action.outcome'),
      select(values('outcomes').map((o) => [o, label('outcome', o)]), { testid: 'resolve-outcome', placeholder: t('call.choose'), required: true }));
    const reason = field('reason_code', t('action.reason_code'),
      h('input', { type: 'text', testid: 'resolve-reason', list: 'reason-codes', autocomplete: 'off', required: true }),
      REASONS.map((r) => `${r}:${label('reason', r)}`).join(';'));
    const list = h('datalist', { id: 'reason-codes' }, REASONS.map((r) => h('option', { value: r }, label('reason', r))));
    const note = field('resolve_note', t('action.resolve.note'), h('textarea', { testid: 'resolve-note', rows: 2 }));
    const submit = h('button', { type: 'submit', class: 'primary', testid: 'resolve-submit' }, t('action.resolve'));
    return h('form', { onsubmit: (e) => {
      e.preventDefault();
      const code = reason.control.value.trim();
      setFieldError(outcome, outcome.control.value ? [] : [t('v.required')]);
      setFieldError(reason, !code ? [t('v.required')] : REASONS.includes(code) ? [] : [REASONS.join(', ')]);
      if (!outcome.control.value || !REASONS.includes(code)) return;
      const body = { outcome: outcome.control.value, reason_code: code };
      if (note.control.value.trim()) body.note = note.control.value.trim();
      act(post(actionPath('resolve'), body, { signal: ctx.signal }), submit);
    } }, outcome.wrap, reason.wrap, list, note.wrap, h('div', { class: 'buttons' }, submit));
  }
}

function facts(item, me) {
  const row = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
  return h('section', { class: 'card', 'aria-labelledby': 'facts-h' },
    h('h2', { id: 'facts-h' }, t('item.details')),
    h('dl', { class: 'facts' },
      row(t('col.kind'), [label('kind', item.kind), ' · ', label('item_kind', item.item_kind)]),
      row(t('col.category'), label('category', item.category)),
      row(t('col.urgency'), label('urgency', item.urgency)),
      row(t('col.township'), townshipName(item.township)),
      row(t('col.owner'), item.owner ? item.owner + (item.owner === me ? ` (${t('me')})` : '') : t('none')),
      row(t('col.created'), dateTime(item.created_at)),
      row(t('col.deadline'), [deadline(item.deadline, item.deadline_provisional), ' ', item.overdue ? badge(t('overdue'), 'bad') : null]),
      item.outcome ? row(t('action.outcome'), label('outcome', item.outcome)) : null,
      item.reason_code ? row(t('action.reason_code'), label('reason', item.reason_code)) : null,
      row(t('col.hub_id'), item.hub_id)));
}

// The message as the person or partner gave it: known fields in words, the rest as sent.
function messageCard(message) {
  const card = h('section', { class: 'card', 'aria-labelledby': 'msg-h' }, h('h2', { id: 'msg-h' }, t('item.message')));
  if (!message || !message.envelope) return append(card, notice('info', t('msg.hidden')));
  const env = message.envelope, s = env.subject || {}, b = env.body || {};
  const row = (k, v) => (v === undefined || v === null || v === '' ? null : [h('dt', {}, t('msg.' + k)), h('dd', {}, v)]);
  card.append(h('dl', { class: 'facts' },
    row('source', `${message.source} · ${label('kind', message.kind)}`),
    row('received', dateTime(message.received_at)),
    row('name', s.name), row('phone', s.phone), row('id_number', s.id_number),
    row('township', townshipName(s.township)), row('village', s.village),
    row('category', b.category && label('category', b.category)),
    row('urgency', b.urgency && label('urgency', b.urgency)),
    row('description', b.description),
    row('needs_proxy_application', b.needs_proxy_application === undefined ? undefined : t(b.needs_proxy_application ? 'yes' : 'no')),
    // A charity's referral: the summary and how the person's consent was obtained.
    row('summary', b.summary),
    row('consent_record', b.consent_record && `${b.consent_record.by} · ${dateTime(b.consent_record.at)} · ${label('method', b.consent_record.method)}`)),
  h('details', {}, h('summary', {}, t('msg.raw')), h('pre', { class: 'raw' }, JSON.stringify(env, null, 2))));
  return card;
}

// The rules core's pre-screen in plain words, then each step of its trace with its reason.
function decisionCard(decision) {
  const card = h('section', { class: 'card', testid: 'item-decision', 'aria-labelledby': 'dec-h' },
    h('h2', { id: 'dec-h' }, t('item.decision')));
  if (!decision) return append(card, h('p', { class: 'muted' }, t('item.decision.none')));
  const r = decision.result || {};
  const category = decision.category || r.household_category;
  const tags = decision.tags || r.household_tags || [];
  // dom.append, not Element.append: the latter would print a skipped line as "null".
  append(card, [
    h('p', {}, h('strong', {}, t('decision.result', { category: label('decision.category', category) })), ' ',
      h('code', { class: 'muted' }, category)),
    tags.length ? h('p', {}, t('decision.tags', { tags: tags.map((x) => label('tag', x)).join('、') })) : null,
    r.review_deadline ? h('p', {}, t('decision.review', { date: deadline(r.review_deadline.date, r.review_deadline.provisional), days: r.review_deadline.working_days })) : null,
    decision.carried_from ? h('p', { class: 'muted' }, t('decision.carried', { hub: decision.carried_from.hub_id })) : null,
    h('p', { class: 'muted' }, t('decision.note'), ' ', t('decision.version', { v: decision.rule_set_version || r.rule_set_version || '' }))]);
  const trace = r.trace || [];
  if (trace.length)
    card.append(h('details', { open: true }, h('summary', {}, t('item.trace')),
      h('ol', { class: 'trace' }, trace.map((s) => h('li', { 'data-test': s.test, 'data-passed': String(!!s.passed) },
        badge(t(s.passed ? 'decision.passed' : 'decision.failed'), s.passed ? 'ok' : 'bad'), ' ',
        (s.reason && (lang() === 'en' ? s.reason.en : s.reason.zh)) || s.test,
        h('span', { class: 'muted' }, ` (${s.subject}: ${(s.inputs || []).map((i) => `${i.name}=${i.value}`).join(', ')})`))))));
  return card;
}

function historyCard(history) {
  return h('section', { class: 'card', testid: 'item-history', 'aria-labelledby': 'hist-h' },
    h('h2', { id: 'hist-h' }, t('item.history')),
    h('ol', { class: 'timeline' }, history.map((x) => h('li', { 'data-action': x.action },
      h('span', { class: 'when' }, dateTime(x.at)),
      h('strong', {}, label('hist', x.action)), ' ', h('code', { class: 'muted' }, x.action), ' · ', x.actor,
      x.from_state || x.to_state ? h('span', { class: 'muted' }, ` ${label('state', x.from_state) || '–'} → ${label('state', x.to_state)}`) : null,
      x.detail ? h('div', {}, x.detail) : null))));
}

function exchangesCard(exchanges) {
  if (!exchanges.length) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'ex-h' },
    h('h2', { id: 'ex-h' }, t('item.exchanges')),
    h('ul', {}, exchanges.map((x) => h('li', {},
      h('a', { href: '#/exchange/' + encodeURIComponent(x.id) }, x.id), ' · ', x.partner, ' · ',
      label('need', x.need), ' · ', badge(label('xstate', x.state), 'info')))));
}
