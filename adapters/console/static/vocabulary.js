// The hub's closed vocabularies (GET /v1/vocabulary): categories, urgencies, outcomes, item
// states, signals and departments, each value with its zh-CN and English labels, from the hub's
// one table, so that the console offers and names exactly what the hub accepts. Read once per sign-in (session.js),
// before any page renders; the labels join i18n.js's dictionary under the groups that label()
// reads ('category', 'urgency', 'outcome', 'state', 'signal', 'department', 'xreason', 'xoutcome',
// 'need').
import { get } from './api.js';
import { addLabels } from './i18n.js';

let current = null;

const GROUPS = {
  categories: 'category', urgencies: 'urgency', outcomes: 'outcome', states: 'state',
  signals: 'signal', departments: 'department',
  // A partner's reasons (decline, hold) and outcomes on a referral out.
  exchange_reject_reasons: 'xreason', exchange_hold_reasons: 'xreason', exchange_outcomes: 'xoutcome',
  // What a person needs: an exchange's need, and those a charity's referral in may name.
  exchange_needs: 'need',
};

export async function loadVocabulary() {
  if (current) return current;
  const v = await get('/v1/vocabulary');
  for (const [list, group] of Object.entries(GROUPS)) addLabels(group, v[list] || []);
  current = v;
  return v;
}

// The values of one list, in the hub's order ([] before the vocabulary is loaded).
export function values(list) {
  return current && current[list] ? current[list].map((term) => term.value) : [];
}

// The needs a charity's referral in may name (its body.needs), in the hub's order.
export function referralNeeds() {
  return current && current.exchange_needs
    ? current.exchange_needs.filter((term) => term.referral).map((term) => term.value) : [];
}

// The item states in which an item is still open, as the hub counts them.
export function openStates() {
  return new Set(current ? current.states.filter((s) => s.open).map((s) => s.value) : []);
}

// What a queue's items may be filtered by: a ticket's categories, then the pre-screen's
// eligibility categories that are not already among them (none and unknown name no category).
export function itemCategories() {
  const out = values('categories');
  for (const c of values('prescreen_categories')) {
    if (!out.includes(c) && c !== 'none' && c !== 'unknown') out.push(c);
  }
  return out;
}
