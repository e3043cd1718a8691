// #/referral/{id}: one referral as its partner charity sees it (GET /v1/exchanges/{id}): the
// person as its configuration allows (`subject`, minimised by the hub as for webhooks), the need,
// the consent it was sent under, state and deadlines, the timeline, and exactly the moves its
// side may make now (the API's legal_moves): accept; decline with a reason from the hub's list;
// report progress (with `start` when accepted); hold and resume with a reason; complete with an
// outcome from the list and a note. Each move is one POST /v1/exchanges/{id}/events with an
// event id made when its form opens and kept across retries, so that a double click or a retry
// after a network failure applies once; a replayed answer is shown as done.
import { h, clear, append } from './dom.js';
import { t, label } from './i18n.js';
import { get, post } from './api.js';
import { townshipName, rememberTownships, townships } from './directory.js';
import { notice, errorText, field, select, setFieldError } from './ui.js';
import { dateTime } from './format.js';
import { values } from './vocabulary.js';
import {
  dueWithBadge, stateBadge, partnerMoves, newEventId, answerDeadline, progressDeadline,
} from './partner_data.js';

const REASONED = new Set(['on_hold', 'rejected', 'failed', 'cancelled']);
const SUBJECT_FIELDS = ['name', 'phone', 'id_number', 'township', 'village', 'address'];

function facts(rows) {
  return h('dl', { class: 'facts' }, rows.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function subjectCard(s) {
  const rows = SUBJECT_FIELDS.filter((f) => s && s[f]).map((f) =>
    [t('partner.subject.' + f), f === 'township' ? townshipName(s[f]) : s[f]]);
  if (s && Array.isArray(s.needs) && s.needs.length)
    rows.push([t('partner.subject.needs'), s.needs.map((n) => label('need', n) || n).join('、')]);
  if (s && s.household) rows.push([t('partner.subject.household'), t('partner.subject.household_given')]);
  return h('section', { class: 'card', testid: 'referral-subject' }, h('h2', {}, t('partner.subject')),
    rows.length ? facts(rows) : h('p', { class: 'muted' }, t('partner.subject.none')),
    h('p', { class: 'muted small' }, t('partner.subject.minimised')));
}

function consentCard(c) {
  return h('section', { class: 'card', testid: 'referral-consent' }, h('h2', {}, t('partner.consent')),
    c ? facts([[t('partner.consent.by'), c.by], [t('partner.consent.at'), dateTime(c.at)],
      [t('partner.consent.method'), label('method', c.method)]])
      : h('p', { class: 'muted' }, t('partner.consent.none')));
}

function timeline(entries) {
  return h('section', { class: 'card', testid: 'exchange-timeline' }, h('h2', {}, t('exchange.timeline')),
    h('ol', { class: 'timeline' }, (entries || []).map((e) => h('li', { 'data-event': e.event },
      h('span', { class: 'when' }, dateTime(e.at)), h('strong', {}, label('xevent', e.event)),
      ' · ', e.actor_name || e.actor,
      e.to_state && e.from_state !== e.to_state ? h('span', { class: 'muted' }, ' → ', label('xstate', e.to_state)) : null,
      e.reason ? h('div', {}, t('action.reason'), ':', label('xreason', e.reason)) : null,
      e.outcome ? h('div', {}, t('partner.outcome'), ':', label('xoutcome', e.outcome)) : null,
      e.note ? h('div', { class: 'note' }, e.note) : null))));
}

export async function render(view, [id], ctx) {
  rememberTownships(await townships().catch(() => []));
  const path = '/v1/exchanges/' + encodeURIComponent(id);
  const eventIds = {};  // move -> the event id of its open form (kept across retries)
  let flash = null;     // the last move's answer, shown above the actions

  async function draw() {
    const data = await get(path, null, { signal: ctx.signal });
    if (ctx.signal.aborted) return;
    const x = data.exchange;
    const moves = partnerMoves(x);
    // Actions right under the facts, so that on a phone (one column) they come before the rest.
    append(clear(view), [
      h('p', {}, h('a', { href: '#/inbox' }, '← ' + t('partner.inbox'))),
      h('h1', { testid: 'referral-page', 'data-state': x.state }, label('need', x.need) || x.id, ' ', stateBadge(x.state)),
      flash,
      h('div', { class: 'grid two-col' },
        h('div', {},
          h('section', { class: 'card' }, facts([
            [t('exchange.state'), label('xstate', x.state)],
            [t('exchange.need'), label('need', x.need)],
            [t('col.township'), townshipName(x.township)],
            ['ID', x.id],
            [t('partner.answer_due'), answerDeadline(x) ? dueWithBadge(answerDeadline(x)) : x.answer_due],
            [t('partner.progress_due'), progressDeadline(x) ? dueWithBadge(progressDeadline(x)) : null],
            // The API keeps the latest reason; it says why only while on hold or once refused.
            [t('action.reason'), REASONED.has(x.state) ? label('xreason', x.reason) : null],
            [t('partner.outcome'), label('xoutcome', x.outcome)],
            [t('col.created'), dateTime(x.created_at)]])),
          x.direction === 'outbound' ? actions(x, moves) : null),
        h('div', {},
          x.direction === 'outbound' ? subjectCard(data.subject) : null,
          x.direction === 'outbound' ? consentCard(x.consent) : null,
          timeline(data.timeline)))]);
  }

  // The move's buttons and, for the one chosen, its form. A move without a form (accept) sends
  // at once; the button is disabled while the request is in flight.
  function actions(x, moves) {
    const box = h('section', { class: 'card actions', testid: 'referral-actions' }, h('h2', {}, t('partner.actions')));
    const formSlot = h('div');
    const buttons = h('div', { class: 'buttons' });
    const offer = (move, key, open) => {
      if (!moves.has(move)) return;
      buttons.append(h('button', { type: 'button', class: move === 'accept' ? 'primary' : null,
        testid: 'action-' + key, onclick: (e) => open(e.currentTarget) }, t('partner.move.' + key)));
    };
    offer('accept', 'accept', (b) => send(b, 'accept', { event: 'accept' }, formSlot));
    offer('reject', 'reject', () => openForm('reject', formSlot));
    if (moves.has('start') || (x.state === 'in_progress' && moves.has('note')))
      buttons.append(h('button', { type: 'button', testid: 'action-progress', onclick: () => openForm('progress', formSlot, moves) }, t('partner.move.progress')));
    offer('hold', 'hold', () => openForm('hold', formSlot));
    offer('resume', 'resume', () => openForm('resume', formSlot));
    offer('complete', 'complete', () => openForm('complete', formSlot));
    if (!buttons.childNodes.length) box.append(h('p', { class: 'muted' }, t('partner.no_moves')));
    return box.append(buttons, formSlot), box;
  }

  function openForm(kind, slot, moves) {
    eventIds[kind] = eventIds[kind] || newEventId(kind);
    const note = field('note', t(kind === 'progress' ? 'partner.form.progress_note' : 'partner.form.note'),
      h('textarea', { rows: 3, testid: 'move-note', maxlength: 2000 }));
    const list = { reject: 'exchange_reject_reasons', hold: 'exchange_hold_reasons', complete: 'exchange_outcomes' }[kind];
    const group = kind === 'complete' ? 'xoutcome' : 'xreason';
    const pick = list ? field('pick', t(kind === 'complete' ? 'partner.outcome' : 'action.reason'),
      select(values(list).map((v) => [v, label(group, v)]), { testid: 'move-pick', placeholder: t('call.choose') })) : null;
    const start = kind === 'progress' && moves && moves.has('start')
      ? h('input', { type: 'checkbox', id: 'move-start', testid: 'move-start', checked: true }) : null;
    const submit = h('button', { type: 'submit', class: 'primary', testid: 'move-submit' }, t('partner.move.' + kind));
    const form = h('form', { testid: 'move-form', 'data-move': kind, novalidate: true }, pick && pick.wrap, note.wrap,
      start ? h('div', { class: 'field' }, h('label', { class: 'inline', for: 'move-start' }, start, t('partner.form.start'))) : null,
      h('div', { class: 'buttons' }, submit,
        h('button', { type: 'button', onclick: () => clear(slot) }, t('cancel'))));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const noteText = note.control.value.trim();
      setFieldError(pick || note, []);
      setFieldError(note, []);
      if (pick && !pick.control.value) return setFieldError(pick, [t('v.required')]);
      if (kind === 'progress' && !noteText && !(start && start.checked)) return setFieldError(note, [t('v.required')]);
      const body = { event: kind === 'progress' ? (start && start.checked ? 'start' : 'note') : kind };
      if (kind === 'reject' || kind === 'hold') body.reason = pick.control.value;
      if (kind === 'complete') body.outcome = pick.control.value;
      if (noteText) body.note = noteText;
      send(submit, kind, body, slot);
    });
    clear(slot).append(form);
    (pick || note).control.focus();
  }

  async function send(button, kind, body, slot) {
    if (button.disabled) return;
    eventIds[kind] = eventIds[kind] || newEventId(kind);
    button.disabled = true;
    let replayed = false;
    try {
      await post(path + '/events', { ...body, id: eventIds[kind] }, {
        signal: ctx.signal, onHeaders: (hd) => { replayed = hd.get('Idempotent-Replayed') === 'true'; } });
      delete eventIds[kind];
      flash = notice('ok', h('span', { testid: 'move-done', 'data-move': kind, 'data-replayed': replayed ? 'true' : 'false' },
        t(replayed ? 'partner.done_replayed' : 'partner.done', { move: t('partner.move.' + kind) })));
      await draw();
    } catch (e) {
      if (e.name === 'AbortError') return;
      button.disabled = false;
      // Kept: the same id on a retry cannot apply the move twice. A conflict means the state moved
      // on (another person of the charity, or the county): show it as it is now.
      if (e.status === 409 && e.code === 'illegal_transition') delete eventIds[kind];
      slot.querySelector('.move-error')?.remove();
      slot.append(h('div', { class: 'move-error' }, notice('error', errorText(e),
        e.problems && e.problems.length ? h('ul', {}, e.problems.map((p) => h('li', {}, p.problem))) : null)));
    }
  }

  await draw();
}
