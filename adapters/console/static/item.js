// #/item/{q}/{i} (placeholder until the item page lands in this branch).
import { h, clear } from './dom.js';
import { t } from './i18n.js';
export function render(view, [, i]) {
  clear(view).append(h('h1', {}, t('item.title', { item: i })));
}
