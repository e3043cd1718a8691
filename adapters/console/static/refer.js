// The "refer out to a partner" form of the item page: the partners that serve the item's
// township with capacity (GET /v1/exchanges/suggestions), the need, the person's recorded
// consent (who, when, how: required by the API), then POST /v1/exchanges.
import { h, clear, append } from './dom.js';
import { t, label } from './i18n.js';
import { get, post } from './api.js';
import { select, field, setFieldError, notice, errorText } from './ui.js';

const METHODS = ['written', 'oral', 'electronic'];

export async function referForm({ queue, item, signal, act }) {
  const form = h('form', { testid: 'refer-form' });
  let partners = [];
  try {
    const r = await get('/v1/exchanges/suggestions', { queue, item: item.item_id }, { signal });
    partners = r.partners || [];
  } catch (e) {
    if (e.name === 'AbortError') return form;
    return append(form, notice('error', errorText(e)));
  }
  if (!partners.length) return append(form, notice('info', t('action.refer.none')));

  const needs = [...new Set(partners.flatMap((p) => p.services || []))];
  const need = field('need', t('action.refer.need'),
    select(needs.map((n) => [n, label('need', n)]), { testid: 'refer-need', placeholder: t('call.choose'), required: true }));
  const partner = field('partner', t('action.refer.partner'),
    select([], { testid: 'refer-partner', placeholder: t('call.choose'), required: true }));
  const consent = h('input', { type: 'checkbox', id: 'refer-consent', testid: 'refer-consent' });
  const consentErr = h('div', { class: 'field-error', testid: 'field-error', 'data-field': 'consent' });
  const by = field('consent_by', t('action.refer.consent_by'), h('input', { type: 'text', testid: 'refer-consent-by', required: true }));
  const method = field('consent_method', t('action.refer.method'),
    select(METHODS.map((m) => [m, label('method', m)]), { testid: 'refer-method', value: 'written' }));
  const note = field('refer_note', t('action.refer.note'), h('textarea', { testid: 'refer-note', rows: 2 }));
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'refer-submit' }, t('action.refer'));

  // Partners offering the chosen need, those with room first (the API's order).
  function fillPartners() {
    const c = partner.control;
    clear(c).append(h('option', { value: '' }, t('call.choose')));
    for (const p of partners.filter((x) => !need.control.value || (x.services || []).includes(need.control.value)))
      c.append(h('option', { value: p.org }, `${p.name || p.org} · ${label('capacity', p.capacity)}`));
  }
  need.control.addEventListener('change', fillPartners);
  fillPartners();

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setFieldError(need, need.control.value ? [] : [t('v.required')]);
    setFieldError(partner, partner.control.value ? [] : [t('v.required')]);
    setFieldError(by, by.control.value.trim() ? [] : [t('v.required')]);
    consentErr.textContent = consent.checked ? '' : t('v.required');
    if (!need.control.value || !partner.control.value || !by.control.value.trim() || !consent.checked) return;
    const body = {
      queue, item: item.item_id, partner: partner.control.value, need: need.control.value,
      consent: { recorded: true, by: by.control.value.trim(), method: method.control.value,
        at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') },
    };
    if (note.control.value.trim()) body.note = note.control.value.trim();
    act(post('/v1/exchanges', body, { signal }), submit);
  });
  form.append(need.wrap, partner.wrap,
    h('div', { class: 'field' }, h('label', { class: 'inline', for: 'refer-consent' }, consent, t('action.refer.consent')), consentErr),
    by.wrap, method.wrap, note.wrap, h('div', { class: 'buttons' }, submit));
  return form;
}
