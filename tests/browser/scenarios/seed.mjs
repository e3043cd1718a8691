// The scenario data of the browser tests, made through the public API before any page opens:
// the tokens of each kind of user, the partner directory with the signature-checking webhook
// receiver, and the hub's clock. All names, ID numbers and phones here are made up (the ID
// numbers carry valid GB 11643 check digits, since the hub checks them).

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
  return { hub, receiver, tokens, at };
}
