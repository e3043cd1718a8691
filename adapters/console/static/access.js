// The item page's "查阅记录" (access record) for county admins: who read or changed this item's
// file, when, through which endpoint and why, newest first (GET /v1/audit?item=ID). Other roles
// never ask: the API would refuse them (403), and the page does not show the section at all.
// Reading it is itself recorded by the hub.
import { h, clear } from './dom.js';
import { t, label } from './i18n.js';
import { get } from './api.js';
import { notice, errorText, table } from './ui.js';
import { dateTime } from './format.js';

const PAGE = 50;

export function accessCard(itemId, ctx) {
  if (!ctx.session || ctx.session.role !== 'admin') return null;
  const body = h('div', {}, h('p', { class: 'muted' }, t('loading')));
  const card = h('section', { class: 'card', testid: 'item-access', 'aria-labelledby': 'access-h' },
    h('h2', { id: 'access-h' }, t('item.access')), body);
  const rows = [];
  async function load(after) {
    try {
      const r = await get('/v1/audit', { item: itemId, limit: PAGE, after }, { signal: ctx.signal });
      rows.push(...(r.records || []));
      clear(body).append(rows.length ? table([
        { title: t('col.at'), cell: (x) => dateTime(x.at) },
        { title: t('access.who'), cell: (x) => [x.org, ' · ', label('role', x.role), ' ', h('code', { class: 'muted' }, x.token_id)] },
        { title: t('access.action'), cell: (x) => label('access.action', x.action) },
        { title: t('access.endpoint'), cell: (x) => h('code', {}, x.endpoint) },
        { title: t('access.purpose'), cell: (x) => x.purpose || t('access.purpose.none') },
      ], rows, (x) => ({ 'data-seq': x.seq, 'data-action': x.action }))
        : h('p', { class: 'muted' }, t('item.access.none')));
      if (r.next_after) {
        const more = h('button', { type: 'button', testid: 'access-more' }, t('item.access.more'));
        more.addEventListener('click', () => { more.disabled = true; load(r.next_after); });
        body.append(h('div', { class: 'buttons' }, more));
      }
    } catch (e) {
      if (e.name === 'AbortError') return;
      clear(body).append(notice('error', errorText(e)));
    }
  }
  load(undefined);
  return card;
}
