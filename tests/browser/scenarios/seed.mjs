// The scenario data of the browser tests, made through the public API before any page opens:
// the tokens of each kind of user, the partner directory with the signature-checking webhook
// receiver, and the hub's clock. All names, ID numbers and phones here are made up (the ID
// numbers carry valid GB 11643 check digits, since the hub checks them).
import { waitFor } from '../lib/wait.mjs';

export const JIANGNAN = { code: '451229205', zh: '江南乡', en: 'Jiangnan' };
export const BAIMA = { code: '451229202', zh: '百马乡', en: 'Baima' };
// The dashboard's known scenario happens in two townships that no other scenario touches.
export const GONGHE = { code: '451229200', zh: '共和乡' };
export const GONGCHUAN = { code: '451229201', zh: '贡川乡' };

// The hub's clock for the scenarios that open pages: a Thursday, 10:00 in Dahua (UTC+8), with
// working days ahead in the shipped holiday calendar.
export const SCENARIO_TIME = '2025-03-13T02:00:00Z';

// One webhook partner (the receiver) serving the whole county.
export function partnersFor(url, secretFile) {
  return JSON.stringify({
    partners: [{
      org: 'charity-1', name: '一号慈善会', services: ['food', 'medical'], townships: ['*'],
      capacity: 'available', channel: { type: 'webhook', url, secret_file: secretFile },
      accept_within_working_days: 3,
    }],
    // The agency of the agency page's scenario sends two signal kinds; agency-2 and agency-3
    // are not listed.
    agencies: [{ org: 'agency-1', name: '县医疗保障局', signals: ['large_medical_bill', 'income_drop'] }],
    platform: { enabled: false },
    // Quick retries: a delivery that fails must show as retrying within the test's time.
    delivery: { backoff_initial_ms: 200, backoff_max_ms: 2000 },
  });
}

// Makes the tokens, starts the hub and seeds the data; returns what the scenarios need.
export async function seedScenarios(hub, receiver, { setNow }) {
  const tokens = {
    hotline: await hub.token('hotline-demo', 'hotline'),
    jiangnan: await hub.token('jiangnan-team', 'staff', [JIANGNAN.code]),
    baima: await hub.token('baima-team', 'staff', [BAIMA.code]),
    county: await hub.token('county-task-force', 'staff'),
    admin: await hub.token('bureau-admin', 'admin'),
    charity: await hub.token('charity-1', 'charity'),
    // A person of charity-1 with a token of their own: their actions carry their name.
    charityPerson: await hub.token('charity-1', 'charity', [], CHARITY_PERSON),
    agency: await hub.token('agency-1', 'agency'),
    agency2: await hub.token('agency-2', 'agency'),
    agency3: await hub.token('agency-3', 'agency'),
    charity2: await hub.token('charity-2', 'charity'),  // part C: sees none of charity-1's
  };
  hub.clockToken = tokens.admin;
  await hub.start();

  const at = async (rfc3339) => {
    await hub.setClock(rfc3339);
    setNow(new Date(rfc3339));
  };
  await seedDashboard(hub, tokens, receiver, at);
  await at(SCENARIO_TIME);

  // Two Jiangnan calls: one the caseworker refers out in the browser, one nobody outside
  // Jiangnan may see.
  const toRefer = await newItem(hub, tokens, 'seed-jiangnan-refer', JIANGNAN.code, 101);
  const jiangnanItem = await newItem(hub, tokens, 'seed-jiangnan-1', JIANGNAN.code, 102);
  // A Baima resident the hub knows from a hotline call, about whom another agency's warning
  // raised a risk alert (a home visit) that is still open: the agency page's warning about her
  // merges into it.
  const agencyAlert = await openAlert(hub, tokens, BAIMA.code, 201);

  const partnerPages = await seedPartnerPages(hub, tokens, receiver);

  return { hub, receiver, tokens, at, toRefer, jiangnanItem, agencyAlert, partnerPages };
}

// Sends a hotline ticket and returns its item on the township's queue ({queue, item_id, ...}),
// found through the API by the receipt's hub id.
export async function newItem(hub, tokens, id, township, seq) {
  const receipt = await hub.must(202, 'POST', '/v1/tickets', tokens.hotline, ticket(id, township, { seq }));
  const queue = `township-${township}`;
  return waitFor(`the item of ${id} on ${queue}`, async () => {
    const r = await hub.must(200, 'GET', `/v1/queues/${queue}/items?limit=200`, tokens.county);
    const it = r.items.find((i) => i.hub_id === receipt.hub_id);
    return it ? { ...it, queue } : false;
  });
}

// The open risk alert about resident `seq` of `township`: a hotline call makes the person known,
// then agency-3's warning about the same ID number raises the alert ({queue, item_id, idNumber}).
async function openAlert(hub, tokens, township, seq) {
  await newItem(hub, tokens, `seed-alert-call-${seq}`, township, seq);
  const id = `seed-alert-warning-${seq}`;
  await hub.must(202, 'POST', '/v1/notifications', tokens.agency3, {
    id, kind: 'notification', source: 'agency-3', occurred_at: '2025-03-12T09:00:00+08:00',
    subject: { id_number: idNumber('19600101', seq), township },
    body: { department: 'human_resources', signal: 'income_drop' },
  });
  return waitFor(`the risk alert of ${id}`, async () => {
    const r = await hub.must(200, 'GET', '/v1/messages?mine=1&limit=100', tokens.agency3);
    const m = r.messages.find((x) => x.message_id === id && x.item_id);
    if (!m) return false;
    if (m.disposition !== 'alerted') throw new Error(`seed: ${id} was ${m.disposition}, not alerted`);
    return { queue: m.queue, item_id: m.item_id, idNumber: idNumber('19600101', seq) };
  });
}

// A made-up resident ID number of Dahua county (451229) with a valid GB 11643 check digit:
// born on `birth` (YYYYMMDD), sequence `seq` (0-999).
export function idNumber(birth, seq) {
  const body = `451229${birth}${String(seq).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; ++i) sum += Number(body[i]) * weights[i];
  return body + '10X98765432'[sum % 11];
}

// A hotline ticket envelope for `township` (made-up person), as the call form sends one.
export function ticket(id, township, { seq = 1, category = 'dibao', urgency = 'normal' } = {}) {
  return {
    id, kind: 'ticket', source: 'hotline-demo', occurred_at: '2025-03-10T09:00:00+08:00',
    subject: {
      name: `测试${seq}`, id_number: idNumber('19600101', seq),
      phone: `139000${String(seq).padStart(5, '0')}`, township, village: '测试村',
    },
    body: { category, urgency, description: '浏览器测试的来电', needs_proxy_application: false },
  };
}

// The dashboard's known scenario, its figures worked out by hand (DASHBOARD_FIGURES). Calls
// come in on Monday 2025-03-10 and Wednesday 03-12; county staff claim and resolve some at known
// hours; the sweep as of Thursday 03-13 finds Monday's untouched Gonghe call past its one
// working day. Follow-up calls (回访) made by the resolutions are not counted by the report.
//   Gonghe    G1..G4 Mon 09:00, G5 and G6 Wed 09:00 (China time)
//             G1 claimed +1 h, resolved +3 h; G2 +2 h, +5 h; G3 +6 h, +9 h; G4..G6 untouched
//             Wed 09:30 G5 and G6 referred out to charity-1 (consent recorded); at 10:00 the
//             charity completes G5's and rejects G6's (no capacity): 2 referrals, both closed
//   Gongchuan K1 Mon 09:00, claimed Tue 09:00 (+24 h), resolved Tue 11:00 (+26 h)
//             K2 Wed 09:00, claimed +2 h, still open (due Thursday, not yet late)
export const DASHBOARD_FIGURES = {
  [GONGHE.code]: { created: 6, open: 3, overdue: 1, resolved: 3, first: 2, decision: 5 },
  [GONGCHUAN.code]: { created: 2, open: 1, overdue: 0, resolved: 1, first: 13, decision: 26 },
};
export const DASHBOARD_REFERRALS = {
  [GONGHE.code]: { referrals: 2, closure: '100%', rejected: 1 },
  [GONGCHUAN.code]: { referrals: 0, closure: '–', rejected: 0 },
};
export const REJECTION_REASON = '本月名额已满 (capacity)';
export const DASHBOARD_FROM = '2025-03-01';

async function seedDashboard(hub, tokens, receiver, at) {
  const mon = '2025-03-10T01:00:00Z';
  const wed = '2025-03-12T01:00:00Z';
  const plus = (t, h) => new Date(Date.parse(t) + h * 3600e3).toISOString().replace('.000', '');
  let seq = 200;
  const items = {};
  const call = (name, township) => async () => {
    items[name] = await newItem(hub, tokens, `seed-dash-${name}`, township, ++seq);
  };
  const act = (name, action, body) => async () => {
    const it = items[name];
    await hub.must(200, 'POST', `/v1/queues/${it.queue}/items/${it.item_id}/${action}`,
      tokens.county, body);
  };
  const resolve = (name) => act(name, 'resolve', { outcome: 'eligible_dibao', reason_code: 'household_verified' });
  const exchanges = {};
  // A referral out, waited for at the receiver before the clock moves on (the receiver checks
  // the signature's timestamp against the scenario time).
  const refer = (name) => async () => {
    const it = items[name];
    const r = await hub.must(201, 'POST', '/v1/exchanges', tokens.county, {
      queue: it.queue, item: it.item_id, partner: 'charity-1', need: 'food',
      consent: { recorded: true, by: '测试社工', at: '2025-03-12T09:20:00+08:00', method: 'oral' },
    });
    exchanges[name] = r.exchange.id;
    await waitFor(`the referral of ${name} at the receiver`, () =>
      receiver.deliveriesOf(r.exchange.id).some((d) => d.kind === 'exchange.referral'));
  };
  const partner = (name, body) => async () => {
    for (const b of [body].flat()) {
      await hub.must(200, 'POST', `/v1/exchanges/${exchanges[name]}/events`, tokens.charity, b);
    }
  };
  const timeline = [
    [mon, call('G1', GONGHE.code)], [mon, call('G2', GONGHE.code)],
    [mon, call('G3', GONGHE.code)], [mon, call('G4', GONGHE.code)],
    [mon, call('K1', GONGCHUAN.code)],
    [plus(mon, 1), act('G1', 'claim')], [plus(mon, 2), act('G2', 'claim')],
    [plus(mon, 3), resolve('G1')], [plus(mon, 5), resolve('G2')],
    [plus(mon, 6), act('G3', 'claim')], [plus(mon, 9), resolve('G3')],
    [plus(mon, 24), act('K1', 'claim')], [plus(mon, 26), resolve('K1')],
    [wed, call('G5', GONGHE.code)], [wed, call('G6', GONGHE.code)], [wed, call('K2', GONGCHUAN.code)],
    [plus(wed, 0.5), refer('G5')], [plus(wed, 0.5), refer('G6')],
    [plus(wed, 1), partner('G5', [{ event: 'accept' }, { event: 'complete', outcome: '送餐一个月' }])],
    [plus(wed, 1), partner('G6', { event: 'reject', reason: REJECTION_REASON })],
    [plus(wed, 2), act('K2', 'claim')],
  ];
  for (const [when, step] of timeline) {
    await at(when);
    await step();
  }
  await hub.sweep('2025-03-13');
}

// The charity's pages: two Guhe calls referred out to charity-1 over the API
// at the scenario time, one that the charity answers in the browser, one left waiting (its
// actions are checked at phone width). Guhe and Guwen (where the charity's pushed case lands)
// are touched by no other scenario.
// The charity-1 worker who answers a referral in the browser (partner_charity.mjs).
export const CHARITY_PERSON = '李慧';
export const GUHE = { code: '451229203', zh: '古河乡' };
export const GUWEN = { code: '451229204', zh: '古文乡' };

async function seedPartnerPages(hub, tokens, receiver) {
  const referred = async (name, seq) => {
    const it = await newItem(hub, tokens, `seed-partner-${name}`, GUHE.code, seq);
    const r = await hub.must(201, 'POST', '/v1/exchanges', tokens.county, {
      queue: it.queue, item: it.item_id, partner: 'charity-1', need: 'food',
      consent: { recorded: true, by: '古河社工', at: '2025-03-13T09:30:00+08:00', method: 'written' },
    });
    await waitFor(`the referral of ${name} at the receiver`, () =>
      receiver.deliveriesOf(r.exchange.id).some((d) => d.kind === 'exchange.referral'));
    return { id: r.exchange.id, seq, item: it };
  };
  return { toAnswer: await referred('answer', 301), waiting: await referred('waiting', 302) };
}
