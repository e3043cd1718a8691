// #/dashboard (placeholder until the dashboard lands in this branch).
import { h, clear } from './dom.js';
import { t } from './i18n.js';
export function render(view) {
  clear(view).append(h('h1', {}, t('dash.title')));
}
