// #/exchanges and #/exchange/{id} (placeholder until the exchange pages land in this branch).
import { h, clear } from './dom.js';
import { t } from './i18n.js';
export function renderList(view) {
  clear(view).append(h('h1', {}, t('exchanges.title')));
}
export function renderOne(view, [id]) {
  clear(view).append(h('h1', {}, t('exchange.title', { id })));
}
