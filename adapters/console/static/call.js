// #/call (placeholder until the hotline page lands in this branch).
import { h, clear } from './dom.js';
import { t } from './i18n.js';
import * as validate from './validate.js';  // eslint-disable-line no-unused-vars
export function render(view) {
  clear(view).append(h('h1', {}, t('call.title')));
}
