// #/signin: paste the token; it is kept in sessionStorage and checked with GET /v1/whoami, then
// the user goes to the role's home page. Also the who-is-signed-in line of the header.
import { h, clear } from './dom.js';
import { t, label } from './i18n.js';
import { signIn, homeFor } from './session.js';
import { notice, errorText } from './ui.js';
import { nameOf, rememberTownships } from './directory.js';

// `message`: why the user is here (an i18n key), e.g. 'signin.expired' after a 401.
export function render(view, _params, ctx) {
  const input = h('input', {
    id: 'signin-token', type: 'password', testid: 'signin-token', autocomplete: 'off',
    spellcheck: 'false', required: true, 'aria-describedby': 'signin-intro',
  });
  const status = h('div', { class: 'signin-status', 'aria-live': 'polite' });
  if (ctx.message) status.append(notice(ctx.message === 'signin.signedout' ? 'info' : 'error', t(ctx.message)));
  const button = h('button', { type: 'submit', class: 'primary', testid: 'signin-submit' }, t('signin.submit'));
  const form = h('form', { class: 'card signin', onsubmit: submit },
    h('h1', {}, t('signin.title')),
    h('p', { id: 'signin-intro' }, t('signin.intro')),
    h('div', { class: 'field' }, h('label', { for: 'signin-token' }, t('signin.token')), input),
    status, h('div', { class: 'buttons' }, button));
  clear(view).append(form);
  input.focus();

  async function submit(ev) {
    ev.preventDefault();
    clear(status);
    if (!input.value.trim()) return status.append(notice('error', t('signin.empty')));
    button.disabled = true;
    try {
      const who = await signIn(input.value);
      location.hash = homeFor(who.role);
    } catch (e) {
      status.append(notice('error', e.status === 401 ? t('signin.bad') : errorText(e)));
      input.select();
    } finally {
      button.disabled = false;
    }
  }
}

// The header's line: organisation, role, townships (or county-wide).
export function whoamiLine(who) {
  if (!who) return [];
  rememberTownships(who.townships);
  const scoped = who.role === 'staff' || who.role === 'admin';
  const list = who.townships || [];
  const places = !scoped && !list.length ? ''
    : who.county_wide || !list.length ? t('county_wide') : list.map(nameOf).join('、');
  return [
    h('span', { class: 'who-org' }, who.org),
    h('span', { class: 'who-role', 'data-role': who.role }, label('role', who.role)),
    places ? h('span', { class: 'who-townships', title: t('whoami.townships') }, places) : null,
  ];
}
