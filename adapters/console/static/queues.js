// #/queues and #/queue/{q} (placeholder until the queue pages land in this branch).
import { h, clear } from './dom.js';
import { t } from './i18n.js';
export function renderQueues(view) {
  clear(view).append(h('h1', {}, t('queues.title')));
}
export function renderQueue(view, [q]) {
  clear(view).append(h('h1', {}, t('queue.title', { queue: q })));
}
