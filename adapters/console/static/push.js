// #/push: a charity pushes a person it found in hardship to civil affairs (a referral in,
// POST /v1/referrals): the person, township and village pickers, needs, a summary and the
// person's consent with how it was obtained (required here; `consent_record` in the API). Each
// field is checked as typed with the API's rules (validate.js), the API's own problems are shown
// on their fields, and a retry resends the same message id, so it cannot make a second case.
// After sending: where it went (the township's queue) and its state, and the charity's own cases
// (cases.js) with civil affairs' outcome when it comes back.
import { h, clear } from './dom.js';
import { t, label } from './i18n.js';
import { post, problemsByField } from './api.js';
import * as validate from './validate.js';
import { townships, nameOf, rememberTownships, queueName } from './directory.js';
import { field, setFieldError, select, notice, errorText } from './ui.js';
import { today } from './format.js';
import { newEventId } from './partner_data.js';
import { casesList } from './cases.js';
import { referralNeeds } from './vocabulary.js';

const METHODS = ['written', 'oral', 'electronic'];

// Where the API names a problem -> the form field that shows it.
const FIELD_OF = {
  '/subject/name': 'name', '/subject/phone': 'phone', '/subject/id_number': 'id_number',
  '/subject/township': 'township', '/subject/village': 'village', '/body/needs': 'needs',
  '/body/summary': 'summary', '/body/consent': 'consent', '/body/consent_record': 'consent',
  '/body/consent_record/by': 'consent_by', '/body/consent_record/at': 'consent_at',
  '/body/consent_record/method': 'consent_method',
};

// 'YYYY-MM-DDTHH:MM' (a datetime-local value, China time) -> RFC 3339 with +08:00.
function chinaTime(local) {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local) ? local + ':00+08:00' : '';
}
function nowLocal() {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric',
    month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(new Date()).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

export async function render(view, _params, ctx) {
  const places = await townships();
  rememberTownships(places);
  if (ctx.signal.aborted) return;
  const input = (testid, attrs = {}) => h('input', { type: 'text', testid, autocomplete: 'off', ...attrs });
  const f = {
    name: field('name', t('push.name') + ' *', input('push-name')),
    phone: field('phone', t('push.phone'), input('push-phone', { type: 'tel', inputmode: 'tel' })),
    id_number: field('id_number', t('push.id_number'), input('push-id-number', { spellcheck: 'false', maxlength: 32 })),
    township: field('township', t('call.township'), select(places.map((p) => [p.code, nameOf(p)]),
      { testid: 'push-township', placeholder: t('call.choose') })),
    village: field('village', t('call.village'), select([], { testid: 'push-village', placeholder: t('call.choose_township_first'), disabled: true })),
    summary: field('summary', t('push.summary'), h('textarea', { testid: 'push-summary', rows: 4, maxlength: 4000 })),
    consent_by: field('consent_by', t('partner.consent.by') + ' *', input('push-consent-by')),
    consent_at: field('consent_at', t('partner.consent.at') + ' *', h('input', { type: 'datetime-local', testid: 'push-consent-at', value: nowLocal() })),
    consent_method: field('consent_method', t('partner.consent.method') + ' *',
      select(METHODS.map((m) => [m, label('method', m)]), { testid: 'push-consent-method', placeholder: t('call.choose') })),
  };
  // A referral's body.needs as the hub serves them (GET /v1/vocabulary's exchange_needs).
  const needBoxes = referralNeeds().map((n) => h('label', { class: 'inline check' },
    h('input', { type: 'checkbox', value: n, testid: 'push-need', 'data-need': n }), label('need', n)));
  const needsError = h('div', { class: 'field-error', testid: 'field-error', 'data-field': 'needs' });
  const consent = h('input', { type: 'checkbox', id: 'push-consent', testid: 'push-consent' });
  const consentError = h('div', { class: 'field-error', testid: 'field-error', 'data-field': 'consent' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'push-submit' }, t('push.submit'));
  const formStatus = h('div', { 'aria-live': 'polite' });
  const result = h('div', { testid: 'push-result', 'aria-live': 'polite' });
  const cases = h('div', { testid: 'my-cases' });

  const form = h('form', { class: 'card', testid: 'push-form', novalidate: true, onsubmit: save },
    h('h1', {}, t('push.title')), h('p', { class: 'muted' }, t('push.hint')),
    h('div', { class: 'form-grid' }, f.name.wrap, f.phone.wrap, f.id_number.wrap, h('div'),
      f.township.wrap, f.village.wrap,
      h('fieldset', { class: 'wide needs' }, h('legend', {}, t('push.needs') + ' *'), needBoxes, needsError),
      h('div', { class: 'wide' }, f.summary.wrap),
      h('fieldset', { class: 'wide consent' }, h('legend', {}, t('push.consent_title')),
        h('div', { class: 'field' }, h('label', { class: 'inline', for: 'push-consent' }, consent, t('push.consent') + ' *'), consentError),
        h('div', { class: 'form-grid' }, f.consent_by.wrap, f.consent_at.wrap, f.consent_method.wrap))),
    formStatus, h('div', { class: 'buttons' }, submit));
  clear(view).append(h('div', { class: 'grid two-col' }, h('div', {}, form),
    h('div', {}, result, h('section', { class: 'card' }, h('h2', {}, t('cases.title')), cases))));

  let messageId = newEventId('push');
  const touched = new Set();
  const v = (n) => f[n].control.value.trim();
  function check(name) {
    const val = v(name);
    const msg = (r) => (r ? t(r[0], r[1]) : null);
    switch (name) {
      case 'name': return val ? msg(validate.length(val, 1, 100)) : t('v.required');
      case 'phone': return val ? msg(validate.phone(val)) : null;
      case 'id_number': return val ? msg(validate.idNumber(val, today())) : null;
      case 'village': return val ? msg(validate.length(val, 1, 64)) : null;
      case 'summary': return val ? msg(validate.length(val, 1, 4000)) : null;
      case 'consent_by': return val ? msg(validate.length(val, 1, 100)) : t('v.required');
      case 'consent_at': return chinaTime(val) ? null : t('v.required');
      case 'township': case 'consent_method': return val ? null : t('v.required');
      default: return null;
    }
  }
  const show = (name) => { const m = check(name); setFieldError(f[name], m ? [m] : []); return !m; };
  const needs = () => needBoxes.map((l) => l.querySelector('input')).filter((c) => c.checked).map((c) => c.value);
  const showNeeds = () => { needsError.textContent = needs().length ? '' : t('v.required'); return needs().length > 0; };
  const showConsent = () => { consentError.textContent = consent.checked ? '' : t('push.consent_required'); return consent.checked; };
  for (const name of Object.keys(f)) {
    const c = f[name].control;
    c.addEventListener('input', () => (touched.has(name) || (name === 'id_number' && c.value.trim().length >= 18)) && show(name));
    c.addEventListener('change', () => touched.has(name) && show(name));
    c.addEventListener('blur', () => { if (c.value.trim()) touched.add(name); if (touched.has(name)) show(name); });
  }
  needBoxes.forEach((l) => l.querySelector('input').addEventListener('change', showNeeds));
  consent.addEventListener('change', showConsent);
  f.township.control.addEventListener('change', () => {
    const c = f.village.control;
    const place = places.find((p) => p.code === f.township.control.value);
    clear(c).append(h('option', { value: '' }, place ? t('call.choose') : t('call.choose_township_first')));
    for (const vl of (place && place.villages) || []) c.append(h('option', { value: vl.name_zh }, nameOf(vl)));
    c.disabled = !place || !(place.villages || []).length;
  });

  function envelope(who) {
    const subject = { township: v('township'), name: v('name') };
    for (const n of ['phone', 'id_number', 'village']) if (v(n)) subject[n] = v(n);
    const body = { needs: needs(), charity_case_id: messageId, consent: true,
      consent_record: { by: v('consent_by'), at: chinaTime(v('consent_at')), method: v('consent_method') } };
    if (v('summary')) body.summary = v('summary');
    return { id: messageId, kind: 'referral', source: who.org,
      occurred_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), subject, body };
  }

  async function save(ev) {
    ev.preventDefault();
    clear(formStatus);
    Object.keys(f).forEach((n) => touched.add(n));
    const bad = Object.keys(f).filter((n) => !show(n));
    const okNeeds = showNeeds(), okConsent = showConsent();
    if (bad.length || !okNeeds || !okConsent) {
      formStatus.append(notice('error', t('call.fix')));
      if (bad.length) f[bad[0]].control.focus();
      return;
    }
    submit.disabled = true;
    try {
      const receipt = await post('/v1/referrals', envelope(ctx.session), { signal: ctx.signal });
      messageId = newEventId('push');  // the next case is another message
      form.reset();
      touched.clear();
      f.consent_at.control.value = nowLocal();
      await showResult(receipt);
    } catch (e) {
      if (e.name === 'AbortError') return;
      if (e.status === 400) showProblems(e);
      else formStatus.append(notice('error', errorText(e)));
    } finally {
      submit.disabled = false;
    }
  }

  function showProblems(e) {
    const by = problemsByField(e.problems, FIELD_OF);
    for (const [name, list] of Object.entries(by)) {
      const msgs = list.map((p) => t('v.api', { p }));
      if (name === 'needs') needsError.textContent = msgs.join(';');
      else if (name === 'consent') consentError.textContent = msgs.join(';');
      else if (f[name]) setFieldError(f[name], msgs);
    }
    formStatus.append(notice('error', e.message, by[''] ? h('ul', {}, by[''].map((p) => h('li', {}, p))) : null));
  }

  async function showResult(receipt) {
    const where = h('div', { class: 'routing' }, t('call.routing_pending'));
    clear(result).append(notice('ok', h('strong', { 'data-hub-id': receipt.hub_id }, t('push.saved', { hub: receipt.hub_id })), where));
    const rows = await casesList(cases, ctx);
    const mine = (rows || []).find((r) => r.hub_id === receipt.hub_id);
    clear(where);
    if (mine && mine.queue)
      where.append(h('span', { testid: 'push-routed', 'data-queue': mine.queue },
        t('push.routed', { queue: queueName(mine.queue), state: label('state', mine.state) })));
    else
      where.append(t('call.status', { status: label('state', receipt.status) }));
  }

  casesList(cases, ctx);
  f.name.control.focus();
}

// #/cases: the charity's own cases alone.
export async function renderCases(view, _params, ctx) {
  rememberTownships(await townships().catch(() => []));
  const cases = h('div', { testid: 'my-cases' });
  clear(view).append(h('h1', {}, t('cases.title')),
    h('p', {}, h('a', { href: '#/push' }, t('nav.push'))), cases);
  await casesList(cases, ctx);
  // Civil affairs answers in its own time: read again while the page is open.
  const timer = setInterval(() => casesList(cases, ctx), 15000);
  ctx.signal.addEventListener('abort', () => clearInterval(timer));
}
