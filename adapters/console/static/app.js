// The shell: the hash router, the header (who is signed in, menu, language, sign-out) and the
// 401 handling. Each page module exports render(view, params, ctx); ctx.signal is aborted when
// the user leaves the page, so long-polls and late answers stop.
import { h, clear, append } from './dom.js';
import { t, lang, setLang } from './i18n.js';
import { loadSession, session, signOut, homeFor, forget } from './session.js';
import { forget as forgetDirectory } from './directory.js';
import { showError, notice } from './ui.js';
import * as signin from './signin.js';
import * as call from './call.js';
import * as queues from './queues.js';
import * as item from './item.js';
import * as exchanges from './exchanges.js';
import * as dashboard from './dashboard.js';
import * as agency from './agency.js';
import * as inbox from './inbox.js';
import * as referral from './referral.js';
import * as push from './push.js';

const STAFF = ['staff', 'admin'];
const ROUTES = [
  { re: /^#\/signin$/, page: signin.render, public: true },
  { re: /^#\/call$/, page: call.render, roles: ['hotline'] },
  { re: /^#\/queues$/, page: queues.renderQueues, roles: STAFF },
  { re: /^#\/queue\/([^/]+)$/, page: queues.renderQueue, roles: STAFF },
  { re: /^#\/item\/([^/]+)\/(\d+)$/, page: item.render, roles: STAFF },
  { re: /^#\/exchanges$/, page: exchanges.renderList, roles: [...STAFF, 'charity'] },
  { re: /^#\/exchange\/([^/]+)$/, page: exchanges.renderOne, roles: [...STAFF, 'charity'] },
  { re: /^#\/dashboard(?:\?(.*))?$/, page: dashboard.render, roles: STAFF },
  { re: /^#\/agency$/, page: agency.render, roles: ['agency'] },
  { re: /^#\/inbox$/, page: inbox.render, roles: ['charity'] },
  { re: /^#\/referral\/([^/]+)$/, page: referral.render, roles: ['charity'] },
  { re: /^#\/push$/, page: push.render, roles: ['charity'] },
  { re: /^#\/cases$/, page: push.renderCases, roles: ['charity'] },
];

// The menu each role sees, in order.
const MENU = {
  hotline: [['#/call', 'nav.call']],
  staff: [['#/queues', 'nav.queues'], ['#/exchanges', 'nav.exchanges'], ['#/dashboard', 'nav.dashboard']],
  admin: [['#/dashboard', 'nav.dashboard'], ['#/queues', 'nav.queues'], ['#/exchanges', 'nav.exchanges']],
  charity: [['#/inbox', 'nav.inbox'], ['#/push', 'nav.push'], ['#/cases', 'nav.cases']],
  agency: [['#/agency', 'nav.agency']],
};

const view = document.getElementById('view');
let leaving = null;  // AbortController of the page on screen
let message = null;  // shown once by the sign-in page

function header() {
  const who = session();
  document.title = t('app.title');
  document.getElementById('brand').textContent = t('app.brand');
  const nav = clear(document.getElementById('nav'));
  nav.setAttribute('aria-label', t('nav.label'));
  const here = (location.hash.split('/')[1] || '').split('?')[0];
  for (const [href, key] of (who && MENU[who.role]) || []) {
    const current = href.split('/')[1] === here ||
      (href === '#/queues' && ['queue', 'item'].includes(here)) ||
      (href === '#/exchanges' && here === 'exchange') || (href === '#/inbox' && here === 'referral');
    nav.append(h('a', { href, 'aria-current': current ? 'page' : null }, t(key)));
  }
  if (who && who.role === 'charity') inbox.showAwaitingBadge(nav);
  const whoEl = clear(document.getElementById('whoami'));
  whoEl.setAttribute('aria-label', t('whoami.label'));
  if (who) append(whoEl, signin.whoamiLine(who));
  const sw = document.getElementById('lang-switch');
  sw.textContent = t('lang.switch');
  sw.setAttribute('aria-label', t('lang.switch.label'));
  sw.setAttribute('lang', lang() === 'en' ? 'zh-CN' : 'en');
  const out = document.getElementById('signout');
  out.textContent = t('signout');
  out.hidden = !who;
}

async function route() {
  if (leaving) leaving.abort();
  leaving = new AbortController();
  const signal = leaving.signal;
  const hash = location.hash || '';
  if (!hash.startsWith('#/')) {
    location.replace('#/signin');
    return;
  }
  let who = null;
  try {
    who = await loadSession();
  } catch (e) {
    if (signal.aborted) return;
    if (e.status !== 401) {
      header();
      return showError(view, e, route);
    }
    message = 'signin.expired';
  }
  if (signal.aborted) return;
  const match = ROUTES.map((r) => [r, hash.match(r.re)]).find(([, m]) => m);
  if (!who && !(match && match[0].public)) {
    if (hash !== '#/signin') return location.replace('#/signin');
  }
  if (who && (!match || hash === '#/signin')) {
    const home = homeFor(who.role);
    if (home !== '#/signin') return location.replace(home);
  }
  header();
  clear(view);
  if (!match) return;
  const [r, m] = match;
  if (who && r.roles && !r.roles.includes(who.role)) {
    view.append(notice('error', t('error.role')));
    return;
  }
  if (who && !MENU[who.role] && hash === '#/signin') {
    view.append(notice('info', t('error.norole', { role: who.role })));
  }
  const ctx = { signal, session: who, message, rerender: route };
  message = null;
  try {
    await r.page(view, m.slice(1).map((x) => (x === undefined ? x : decodeURIComponent(x))), ctx);
  } catch (e) {
    if (e.name === 'AbortError' || signal.aborted) return;
    if (e.status === 401) return;  // handled by the xj:unauthorized listener
    showError(view, e, route);
  }
  if (!signal.aborted && document.activeElement === document.body) view.focus();
}

window.addEventListener('hashchange', route);
// A 401 from any call: the token is gone (api.js cleared it); back to sign-in with a message.
// Without a session (signing in, or a stale token at load) the caller handles the 401 itself.
window.addEventListener('xj:unauthorized', () => {
  if (!session()) return;
  forget();
  forgetDirectory();
  message = 'signin.expired';
  if (location.hash !== '#/signin') location.hash = '#/signin';
  else route();
});
document.getElementById('lang-switch').addEventListener('click', () => {
  setLang(lang() === 'en' ? 'zh' : 'en');
  route();
});
document.getElementById('signout').addEventListener('click', () => {
  signOut();
  forgetDirectory();
  message = 'signin.signedout';
  location.hash = '#/signin';
});

setLang(lang());
route();
