// Townships and villages of the county (GET /v1/directory/townships), fetched once per sign-in,
// and township names for codes wherever a page shows one.
import { get } from './api.js';
import { lang, t, has } from './i18n.js';

let cached = null;

export async function townships() {
  if (!cached) {
    cached = get('/v1/directory/townships').then((d) => d.townships || []);
    cached.catch(() => (cached = null));  // try again next time
  }
  return cached;
}

// The name of a township (or anything with name_zh/name_en) in the current language.
export function nameOf(x) {
  if (!x) return '';
  return (lang() === 'en' ? x.name_en : x.name_zh) || x.name_zh || x.name_en || x.code || '';
}

// Code -> name for the codes the page shows; falls back to the code.
let names = new Map();
export function rememberTownships(list) {
  for (const t of list || []) if (t && t.code) names.set(t.code, t);
}
export function townshipName(code) {
  return names.has(code) ? nameOf(names.get(code)) : code || '';
}

// A queue's name from its id: township queues after their township, the county's from the
// dictionary (config/routes.jsonc names them the same way); else the id itself.
export function queueName(id) {
  const m = /^township-(\d+)$/.exec(id || '');
  if (m) return names.has(m[1]) ? t('queue.township', { name: townshipName(m[1]) }) : id;
  return has('queue.' + id) ? t('queue.' + id) : id || '';
}

export function forget() {
  cached = null;
  names = new Map();
}
