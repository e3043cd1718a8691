// The scenario data of the browser tests, made through the public API before any page opens:
// the tokens of each kind of user, the partner directory with the signature-checking webhook
// receiver, and the hub's clock. All names, ID numbers and phones here are made up (the ID
// numbers carry valid GB 11643 check digits, since the hub checks them).
import { waitFor } from '../lib/wait.mjs';

export const JIANGNAN = { code: '451229205', zh: '江南乡', en: 'Jiangnan' };
export const BAIMA = { code: '451229202', zh: '百马乡', en: 'Baima' };

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
  };
  hub.clockToken = tokens.admin;
  await hub.start();

  const at = async (rfc3339) => {
    await hub.setClock(rfc3339);
    setNow(new Date(rfc3339));
  };
  await at(SCENARIO_TIME);

  // A Jiangnan call that the caseworker referred out to charity-1 with the person's consent:
  // the partner's receiver must get the referral, signed (the exchange page shows it delivered).
  const referred = await newItem(hub, tokens, 'seed-referral-1', JIANGNAN.code, 101);
  const ex = await hub.must(201, 'POST', '/v1/exchanges', tokens.jiangnan, {
    queue: referred.queue, item: referred.item_id, partner: 'charity-1', need: 'food',
    consent: { recorded: true, by: '测试社工', at: '2025-03-13T09:30:00+08:00', method: 'written' },
  });
  const exchange = ex.exchange.id;
  await waitFor('the referral delivered to the receiver', () =>
    receiver.deliveriesOf(exchange).some((d) => d.kind === 'exchange.referral'));
  // And one in Jiangnan that nobody outside Jiangnan may see.
  const jiangnanItem = await newItem(hub, tokens, 'seed-jiangnan-1', JIANGNAN.code, 102);

  return { hub, receiver, tokens, at, exchange, referred, jiangnanItem };
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
