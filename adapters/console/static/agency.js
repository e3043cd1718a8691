// #/agency: an agency (medical insurance, education, the disability federation ...) warns civil
// affairs about a family at risk, and follows what became of each warning. The signal kinds are
// the agency's own from the county's configuration (GET /v1/whoami `signals`); the form checks
// each field as it is typed with the API's rules (validate.js) and sends POST /v1/notifications
// under a message id made when the form opens, kept on a retry, so that a resend or a double
// click stores one message. The list is GET /v1/messages?mine=1 with each one's `disposition`.
import { h, clear } from './dom.js';
import { t, label } from './i18n.js';
import { get, post, problemsByField } from './api.js';
import * as validate from './validate.js';
import { townships, nameOf, rememberTownships, queueName } from './directory.js';
import { field, setFieldError, select, notice, errorText, table, badge } from './ui.js';
import { dateTime, deadline, today } from './format.js';
import { values } from './vocabulary.js';

// Where the API names a problem -> the form field that shows it.
const FIELD_OF = {
  '/body/signal': 'signal', '/body/department': 'department', '/body/detail': 'detail',
  '/subject/name': 'name', '/subject/phone': 'phone', '/subject/id_number': 'id_number',
  '/subject/township': 'township', '/subject/village': 'village',
};

// What became of a notification, as a badge kind.
const DISPOSITION_KIND = { new_case: 'info', linked: 'info', merged: 'info', alerted: 'warn', resolved: 'ok' };

function newMessageId() {
  const rnd = crypto.getRandomValues(new Uint32Array(2));
  return `notice-${Date.now().toString(36)}-${rnd[0].toString(36)}${rnd[1].toString(36)}`;
}

export async function render(view, _params, ctx) {
  const places = await townships();
  rememberTownships(places);
  if (ctx.signal.aborted) return;
  const signals = ctx.session.signals || [];
  const input = (testid, attrs = {}) => h('input', { type: 'text', testid, autocomplete: 'off', ...attrs });
  const f = {
    signal: field('signal', t('agency.signal'), select(signals.map((s) => [s.value, label('signal', s.value)]),
      { testid: 'agency-signal', placeholder: t('call.choose'), value: signals.length === 1 ? signals[0].value : '', required: true })),
    department: field('department', t('agency.department'), select(values('departments').map((d) => [d, label('department', d)]),
      { testid: 'agency-department', placeholder: t('call.choose'), required: true })),
    name: field('name', t('agency.name'), input('agency-name')),
    'id_number': field('id_number', t('agency.id_number'), input('agency-id-number', { spellcheck: 'false', maxlength: 32 })),
    phone: field('phone', t('agency.phone'), input('agency-phone', { type: 'tel', inputmode: 'tel' })),
    township: field('township', t('call.township'), select(places.map((p) => [p.code, nameOf(p)]),
      { testid: 'agency-township', placeholder: t('call.choose'), required: true })),
    village: field('village', t('call.village'), select([], { testid: 'agency-village', placeholder: t('call.choose_township_first'), disabled: true })),
    detail: field('detail', t('agency.detail'), h('textarea', { testid: 'agency-detail', rows: 4 })),
  };
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'agency-submit' }, t('agency.submit'));
  const formStatus = h('div', { 'aria-live': 'polite' });
  const result = h('div', { class: 'call-result', testid: 'agency-result', 'aria-live': 'polite' });
  const sent = h('div', { testid: 'agency-sent' });
  const form = h('form', { class: 'card', testid: 'agency-form', novalidate: true, onsubmit: save },
    h('h1', {}, t('agency.title')),
    h('p', { class: 'muted' }, t('agency.hint')),
    h('div', { class: 'form-grid' },
      f.signal.wrap, f.department.wrap, f.name.wrap, f['id_number'].wrap, f.phone.wrap, h('div', {}),
      f.township.wrap, f.village.wrap, h('div', { class: 'wide' }, f.detail.wrap)),
    formStatus, h('div', { class: 'buttons' }, submit));
  clear(view).append(h('div', { class: 'grid two-col' },
    h('div', {}, form),
    h('div', {}, result, h('section', { class: 'card' }, h('h2', {}, t('agency.sent')), sent))));

  // Made when the form opens and kept until the hub has the message: a retry after a network
  // failure or a second click resends the same id, which the hub answers with the first receipt.
  let messageId = newMessageId();
  let sending = false;
  const touched = new Set();

  function check(name) {
    const v = f[name].control.value.trim();
    const msg = (r) => (r ? t(r[0], r[1]) : null);
    switch (name) {
      case 'signal': case 'department': case 'township': return v ? null : t('v.required');
      case 'name': return v ? msg(validate.length(v, 1, 100)) : null;
      case 'phone': return v ? msg(validate.phone(v)) : null;
      case 'id_number': return v ? msg(validate.idNumber(v, today())) : null;
      case 'detail': return v ? msg(validate.length(v, 1, 4000)) : null;
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
      if (touched.has(name) || (name === 'id_number' && c.value.trim().length >= 18)) show(name);
    });
    c.addEventListener('change', () => touched.has(name) && show(name));
    c.addEventListener('blur', () => {
      if (c.value.trim()) touched.add(name);
      if (touched.has(name)) show(name);
    });
  }
  f.township.control.addEventListener('change', fillVillages);

  function fillVillages() {
    const c = f.village.control;
    const place = places.find((p) => p.code === f.township.control.value);
    clear(c).append(h('option', { value: '' }, place ? t('call.choose') : t('call.choose_township_first')));
    for (const v of (place && place.villages) || []) c.append(h('option', { value: v.name_zh }, nameOf(v)));
    c.disabled = !place || !(place.villages || []).length;
  }

  function notification(who) {
    const v = (n) => f[n].control.value.trim();
    const subject = { township: v('township') };
    for (const n of ['name', 'id_number', 'phone', 'village']) if (v(n)) subject[n] = v(n);
    const body = { department: v('department'), signal: v('signal') };
    if (v('detail')) body.detail = v('detail');
    return {
      id: messageId, kind: 'notification', source: who.org,
      occurred_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), subject, body,
    };
  }

  async function save(ev) {
    ev.preventDefault();
    if (sending) return;  // a second click while the first is on its way sends nothing
    clear(formStatus);
    Object.keys(f).forEach((n) => touched.add(n));
    const bad = Object.keys(f).filter((n) => !show(n));
    if (bad.length) {
      formStatus.append(notice('error', t('call.fix')));
      f[bad[0]].control.focus();
      return;
    }
    sending = true;
    submit.disabled = true;
    submit.textContent = t('agency.sending');
    try {
      const receipt = await post('/v1/notifications', notification(ctx.session), { signal: ctx.signal });
      messageId = newMessageId();
      resetForm();
      await showResult(receipt);
    } catch (e) {
      if (e.name === 'AbortError') return;
      if (e.status === 400 || e.status === 403) showProblems(e);
      else formStatus.append(notice('error', errorText(e), ' ', t('agency.retry_same')));
    } finally {
      sending = false;
      submit.disabled = false;
      submit.textContent = t('agency.submit');
    }
  }

  function showProblems(e) {
    const by = problemsByField(e.problems, FIELD_OF);
    let first = null;
    for (const [name, list] of Object.entries(by)) {
      if (!f[name]) continue;
      setFieldError(f[name], list.map((p) => t('v.api', { p })));
      first = first || f[name].control;
    }
    formStatus.append(notice('error', e.message, by[''] ? h('ul', {}, by[''].map((p) => h('li', {}, p))) : null));
    if (first) first.focus();
  }

  function resetForm() {
    const keep = { signal: f.signal.control.value, department: f.department.control.value };
    form.reset();
    // The agency sends the same kind of warning from the same department, one after another.
    f.signal.control.value = keep.signal;
    f.department.control.value = keep.department;
    touched.clear();
    Object.values(f).forEach((x) => setFieldError(x, []));
    fillVillages();
    f.name.control.focus();
  }

  async function showResult(receipt) {
    clear(result).append(notice('ok',
      h('div', {}, h('strong', { 'data-hub-id': receipt.hub_id }, t('agency.saved', { hub: receipt.hub_id }))),
      receipt.duplicate ? h('div', {}, t('agency.duplicate')) : null));
    await loadSent();
  }

  function disposition(x) {
    if (!x.disposition) return label('state', x.status);
    const text = x.disposition === 'resolved' && x.outcome
      ? t('agency.disp.resolved_with', { outcome: label('outcome', x.outcome) })
      : t('agency.disp.' + x.disposition);
    return h('span', { 'data-disposition': x.disposition }, badge(text, DISPOSITION_KIND[x.disposition]));
  }

  async function loadSent() {
    try {
      const r = await get('/v1/messages', { mine: 1, limit: 50 }, { signal: ctx.signal });
      const rows = (r.messages || []).filter((x) => x.kind === 'notification');
      clear(sent).append(rows.length ? table([
        { key: 'hub_id', title: t('agency.col.hub_id'), cell: (x) => x.hub_id },
        { key: 'received', title: t('col.received'), cell: (x) => dateTime(x.received_at) },
        { key: 'disposition', title: t('agency.col.disposition'), cell: disposition },
        { key: 'queue', title: t('col.queue'), cell: (x) => (x.queue ? queueName(x.queue) : '') },
        { key: 'state', title: t('col.state'), cell: (x) => (x.state ? label('state', x.state) : '') },
        { key: 'deadline', title: t('col.deadline'), cell: (x) => [deadline(x.deadline, x.deadline_provisional), ' ',
          x.overdue ? badge(t('overdue'), 'bad') : null] },
      ], rows, (x) => ({ 'data-hub-id': x.hub_id, 'data-message-id': x.message_id, class: x.overdue ? 'overdue' : null }))
        : h('p', { class: 'muted' }, t('agency.sent.empty')));
    } catch (e) {
      if (e.name !== 'AbortError') clear(sent).append(notice('error', errorText(e)));
    }
  }

  loadSent();
  // What became of each warning changes with the staff's work: refresh while the page is open.
  const timer = setInterval(() => (ctx.signal.aborted ? clearInterval(timer) : loadSent()), 30000);
  ctx.signal.addEventListener('abort', () => clearInterval(timer));
  f.signal.control.focus();
}
