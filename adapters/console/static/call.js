// #/call: the hotline operator logs a call while the caller is on the line. The form checks each
// field as it is typed with the API's rules (validate.js), hints at open items of a repeat caller
// (POST /v1/lookups/repeat-caller on leaving the phone or ID field), saves with POST /v1/tickets
// (the same message id on a retry, so a resend cannot make a second ticket), then shows where
// the ticket was routed and its deadline, and the operator's recent tickets.
import { h, clear, append } from './dom.js';
import { t, label } from './i18n.js';
import { get, post, problemsByField } from './api.js';
import * as validate from './validate.js';
import { townships, nameOf, rememberTownships, townshipName, queueName } from './directory.js';
import { field, setFieldError, select, notice, errorText, table, badge } from './ui.js';
import { dateTime, deadline, today } from './format.js';
import { values } from './vocabulary.js';


// Where the API names a problem -> the form field that shows it.
const FIELD_OF = {
  '/subject/name': 'name', '/subject/phone': 'phone', '/subject/id_number': 'id_number',
  '/subject/township': 'township', '/subject/village': 'village', '/body/category': 'category',
  '/body/urgency': 'urgency', '/body/description': 'description',
  '/body/needs_proxy_application': 'on_behalf',
};

// A fresh message id for each new call; kept across retries of the same call.
function newMessageId() {
  const rnd = crypto.getRandomValues(new Uint32Array(2));
  return `call-${Date.now().toString(36)}-${rnd[0].toString(36)}${rnd[1].toString(36)}`;
}

export async function render(view, _params, ctx) {
  const places = await townships();
  rememberTownships(places);
  if (ctx.signal.aborted) return;

  const f = {
    name: field('name', t('call.name'), h('input', { type: 'text', testid: 'call-name', autocomplete: 'off' })),
    phone: field('phone', t('call.phone'), h('input', { type: 'tel', testid: 'call-phone', autocomplete: 'off', inputmode: 'tel' })),
    'id_number': field('id_number', t('call.id_number'), h('input', { type: 'text', testid: 'call-id-number', autocomplete: 'off', spellcheck: 'false', maxlength: 32 })),
    township: field('township', t('call.township'), select(places.map((p) => [p.code, nameOf(p)]),
      { testid: 'call-township', placeholder: t('call.choose'), required: true })),
    village: field('village', t('call.village'), select([], { testid: 'call-village', placeholder: t('call.choose_township_first'), disabled: true })),
    category: field('category', t('call.category'), select(values('categories').map((c) => [c, label('category', c)]),
      { testid: 'call-category', value: 'other', required: true })),
    urgency: field('urgency', t('call.urgency'), select(values('urgencies').map((u) => [u, label('urgency', u)]),
      { testid: 'call-urgency', value: 'normal', required: true })),
    description: field('description', t('call.description'), h('textarea', { testid: 'call-description', rows: 4, required: true })),
  };
  const onBehalf = h('input', { type: 'checkbox', id: 'call-on-behalf', testid: 'call-on-behalf' });
  const onBehalfError = h('div', { class: 'field-error', testid: 'field-error', 'data-field': 'on_behalf' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'call-submit' }, t('call.submit'));
  const formStatus = h('div', { 'aria-live': 'polite' });
  const repeat = h('div', { class: 'repeat-hint', testid: 'repeat-hint', 'aria-live': 'polite' });
  const result = h('div', { class: 'call-result', testid: 'call-result', 'aria-live': 'polite' });
  const recent = h('div', { testid: 'recent-tickets' });

  const form = h('form', { class: 'card', testid: 'call-form', novalidate: true, onsubmit: save },
    h('h1', {}, t('call.title')),
    h('p', { class: 'muted' }, t('call.hint')),
    h('div', { class: 'form-grid' },
      f.name.wrap, f.phone.wrap, f['id_number'].wrap, h('div', {}),
      f.township.wrap, f.village.wrap, f.category.wrap, f.urgency.wrap,
      h('div', { class: 'wide' }, f.description.wrap),
      h('div', { class: 'wide field' }, h('label', { class: 'inline', for: 'call-on-behalf' }, onBehalf, t('call.on_behalf')), onBehalfError)),
    repeat, formStatus, h('div', { class: 'buttons' }, submit));
  clear(view).append(h('div', { class: 'grid two-col' },
    h('div', {}, form),
    h('div', {}, result, h('section', { class: 'card' }, h('h2', {}, t('call.recent')), recent))));

  let messageId = newMessageId();
  const touched = new Set();

  // The checks of validate.js, field by field; returns the message or null.
  function check(name) {
    const v = f[name].control.value;
    const msg = (r) => (r ? t(r[0], r[1]) : null);
    switch (name) {
      case 'name': return v.trim() ? msg(validate.length(v.trim(), 1, 100)) : null;
      case 'phone': return v.trim() ? msg(validate.phone(v.trim())) : null;
      case 'id_number': return v.trim() ? msg(validate.idNumber(v.trim(), today())) : null;
      case 'township': case 'category': case 'urgency': return v ? null : t('v.required');
      case 'description': return v.trim() ? msg(validate.length(v.trim(), 1, 4000)) : t('v.required');
      default: return null;
    }
  }
  function show(name) {
    const m = check(name);
    setFieldError(f[name], m ? [m] : []);
    return !m;
  }
  for (const name of Object.keys(f)) {
    const c = f[name].control;
    c.addEventListener('input', () => {
      // As the operator types: once the field was left, or an ID number is complete.
      if (touched.has(name) || (name === 'id_number' && c.value.trim().length >= 18)) show(name);
    });
    c.addEventListener('change', () => touched.has(name) && show(name));
    c.addEventListener('blur', () => {
      if (c.value.trim()) touched.add(name);
      if (touched.has(name)) show(name);
      if ((name === 'phone' || name === 'id_number') && !check(name) && c.value.trim())
        lookupRepeat();
    });
  }
  f.township.control.addEventListener('change', fillVillages);
  f.description.control.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  function fillVillages() {
    const c = f.village.control;
    const place = places.find((p) => p.code === f.township.control.value);
    clear(c).append(h('option', { value: '' }, place ? t('call.choose') : t('call.choose_township_first')));
    for (const v of (place && place.villages) || []) c.append(h('option', { value: v.name_zh }, nameOf(v)));
    c.disabled = !place || !(place.villages || []).length;
  }

  // The repeat-caller hint: the open items of the same phone or ID number (no names: the API
  // gives none). Silent when the lookup fails; it is a hint, not a step of the call.
  let lookupSeq = 0;
  async function lookupRepeat() {
    const body = {};
    const phone = f.phone.control.value.trim(), id = f['id_number'].control.value.trim();
    if (phone && !check('phone')) body.phone = phone;
    if (id && !check('id_number')) body.id_number = id;
    if (!body.phone && !body.id_number) return;
    const mine = ++lookupSeq;
    try {
      const r = await post('/v1/lookups/repeat-caller', body, { signal: ctx.signal });
      if (mine !== lookupSeq) return;
      clear(repeat);
      const open = r.open_items || [];
      if (!open.length) return;
      repeat.append(notice('warn', h('strong', {}, t('repeat.title')),
        h('ul', {}, open.map((i) => h('li', { 'data-item': i.item_id },
          t('repeat.item', { township: townshipName(i.township), state: label('state', i.state),
            created: dateTime(i.created_at), deadline: i.deadline || t('none') }))))));
    } catch (e) {
      if (e.name === 'AbortError') return;
      if (mine === lookupSeq) clear(repeat);
    }
  }

  function ticket(who) {
    const v = (n) => f[n].control.value.trim();
    const subject = { township: v('township') };
    if (v('name')) subject.name = v('name');
    if (v('phone')) subject.phone = v('phone');
    if (v('id_number')) subject.id_number = v('id_number');
    if (v('village')) subject.village = v('village');
    return {
      id: messageId, kind: 'ticket', source: who.org,
      occurred_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      subject,
      body: { category: v('category'), urgency: v('urgency'), description: v('description'),
        needs_proxy_application: onBehalf.checked },
    };
  }

  async function save(ev) {
    ev.preventDefault();
    clear(formStatus);
    Object.keys(f).forEach((n) => touched.add(n));
    const bad = Object.keys(f).filter((n) => !show(n));
    if (bad.length) {
      formStatus.append(notice('error', t('call.fix')));
      f[bad[0]].control.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('call.saving');
    try {
      const receipt = await post('/v1/tickets', ticket(ctx.session), { signal: ctx.signal });
      messageId = newMessageId();
      resetForm();
      await showResult(receipt);
    } catch (e) {
      if (e.name === 'AbortError') return;
      if (e.status === 400 || e.status === 403) showProblems(e);
      else formStatus.append(notice('error', errorText(e)));
      // The same id is kept: saving again cannot make a second ticket.
    } finally {
      submit.disabled = false;
      submit.textContent = t('call.submit');
    }
  }

  // The API's own problems, under the field each names; the rest above the button.
  function showProblems(e) {
    const by = problemsByField(e.problems, FIELD_OF);
    let first = null;
    for (const [name, list] of Object.entries(by)) {
      const msgs = list.map((p) => t('v.api', { p }));
      if (name === 'on_behalf') onBehalfError.textContent = msgs.join(';');
      else if (f[name]) {
        setFieldError(f[name], msgs);
        first = first || f[name].control;
      }
    }
    formStatus.append(notice('error', e.message, by[''] ? h('ul', {}, by[''].map((p) => h('li', {}, p))) : null));
    if (first) first.focus();
  }

  function resetForm() {
    form.reset();
    touched.clear();
    Object.values(f).forEach((x) => setFieldError(x, []));
    onBehalfError.textContent = '';
    f.urgency.control.value = 'normal';
    fillVillages();
    clear(repeat);
    f.name.control.focus();
  }

  async function showResult(receipt) {
    clear(result).append(notice('ok',
      h('div', {}, h('strong', { 'data-hub-id': receipt.hub_id }, t('call.saved', { hub: receipt.hub_id }))),
      receipt.duplicate ? h('div', {}, t('call.duplicate')) : null,
      h('div', { class: 'routing' }, t('call.routing_pending'))));
    const rows = await loadRecent();
    const mine = (rows || []).filter((r) => r.hub_id === receipt.hub_id && r.queue);
    const routing = result.querySelector('.routing');
    if (!routing) return;
    clear(routing);
    if (mine.length) {
      for (const r of mine)
        routing.append(h('div', { class: 'routed', 'data-queue': r.queue },
          t('call.routed', { queue: queueName(r.queue) }), ' ', h('code', {}, r.queue), ' · ',
          t('call.deadline', { deadline: deadline(r.deadline, r.deadline_provisional) })));
    } else {
      // The recent list does not have it (yet): the message's own status.
      try {
        const m = await get('/v1/messages/' + encodeURIComponent(receipt.hub_id), null, { signal: ctx.signal });
        routing.append(t('call.status', { status: label('state', m.status) }));
      } catch (e) {
        if (e.name !== 'AbortError') routing.append(errorText(e));
      }
    }
  }

  async function loadRecent() {
    try {
      const r = await get('/v1/messages', { mine: 1, limit: 20 }, { signal: ctx.signal });
      const rows = r.messages || r.items || [];
      clear(recent).append(rows.length ? table([
        { title: t('col.hub_id'), cell: (x) => x.hub_id },
        { title: t('col.received'), cell: (x) => dateTime(x.received_at) },
        { title: t('col.queue'), cell: (x) => (x.queue ? [queueName(x.queue), ' ', h('code', { class: 'muted' }, x.queue)] : '') },
        { title: t('col.state'), cell: (x) => badge(label('state', x.state || x.status), x.state === 'resolved' ? 'ok' : 'info') },
        { title: t('col.deadline'), cell: (x) => [deadline(x.deadline, x.deadline_provisional), ' ',
          x.overdue ? badge(t('overdue'), 'bad') : null] },
      ], rows, (x) => ({ 'data-hub-id': x.hub_id, class: x.overdue ? 'overdue' : null }))
        : h('p', { class: 'muted' }, t('call.recent.empty')));
      return rows;
    } catch (e) {
      if (e.name === 'AbortError') return null;
      clear(recent).append(notice('error', errorText(e)));
      return null;
    }
  }

  loadRecent();
  // Status changes come from staff: refresh the list while the page is open.
  const timer = setInterval(() => ctx.signal.aborted ? clearInterval(timer) : loadRecent(), 30000);
  ctx.signal.addEventListener('abort', () => clearInterval(timer));
  f.name.control.focus();
}
