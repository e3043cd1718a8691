// The hotline call worked to its end in the browser: an operator logs a call in the form and
// sees where it was routed (queue and deadline); a Jiangnan caseworker whose queue page is
// already open sees it appear without reloading, claims it and resolves it.
import { expect } from '../lib/harness.mjs';
import {
  differingFields, fillCallForm, itemsOf, signIn, waitRoute, waitText,
} from '../lib/console.mjs';
import { waitFor } from '../lib/wait.mjs';
import { JIANGNAN, idNumber } from './seed.mjs';

const QUEUE = `township-${JIANGNAN.code}`;

export function register(h, env) {
  const { hub, tokens } = env;
  const shared = {};  // the caseworker's page and the new item, from the first test to the next

  h.test('operator-logs-a-call-and-sees-it-routed', async ({ newPage, shoot }) => {
    // The caseworker's queue page is open before the call comes in (kept for the next test).
    const worker = await newPage({ keep: true });
    await signIn(worker, tokens.jiangnan);
    await worker.evaluate((q) => { window.location.hash = `#/queue/${q}`; }, QUEUE);
    await worker.getByTestId('queue-list').waitFor();
    // Anything the page keeps on `window` is gone after a reload: the next test checks it.
    await worker.evaluate(() => { window.__xjNotReloaded = true; });
    shared.worker = worker;
    const before = new Set((await itemsOf(hub, tokens.jiangnan, QUEUE)).map((i) => i.item_id));

    const page = await newPage();
    shoot(page);
    await signIn(page, tokens.hotline);
    await waitRoute(page, '#/call');
    const call = {
      name: '韦来电', phone: '13912345678', idNumber: idNumber('19580307', 31),
      township: JIANGNAN.code, category: 'dibao', urgency: 'high',
      description: '老人独居，无固定收入，需要上门核实', onBehalf: true,
    };
    await fillCallForm(page, call);
    await page.getByTestId('call-submit').click();

    // The hub routed it to the Jiangnan team's queue; the page says so with the deadline the
    // hub gave (one working day for first contact: Thursday's call is due on Friday).
    const item = await waitFor('the new item on the Jiangnan queue', async () =>
      (await itemsOf(hub, tokens.jiangnan, QUEUE)).find((i) => !before.has(i.item_id)));
    expect(item.deadline?.startsWith('2025-03-14'), 'the hub\'s deadline 2025-03-14', item.deadline);
    const wrong = await differingFields(hub, tokens.hotline, item.hub_id, call);
    expect(wrong.length === 0, 'the stored call to hold what was typed', wrong);
    const result = await waitText(page.getByTestId('call-result'), new RegExp(QUEUE),
      'the routed queue in the result');
    expect(/2025-03-14/.test(result), 'the deadline 2025-03-14 in the result', result);
    shared.item = item;
  });

  h.test('caseworker-sees-the-call-live-claims-and-resolves', async ({ adopt }) => {
    expect(shared.worker && shared.item, 'the call of the previous test');
    const page = adopt(shared.worker);
    const id = String(shared.item.item_id);
    const row = page.locator(`[data-testid="queue-row"][data-item="${id}"]`);
    await row.waitFor({ timeout: 30000 });  // the long-poll answers at once; 30 s is its cap
    expect(await page.evaluate(() => window.__xjNotReloaded === true),
      'the row to appear without a reload of the page');

    await row.click();
    await waitRoute(page, `#/item/${QUEUE}/${id}`);
    await page.getByTestId('item-page').waitFor();
    await page.getByTestId('action-claim').click();
    await waitFor('the item claimed in the hub', async () =>
      (await hub.api('GET', `/v1/queues/${QUEUE}/items/${id}`, tokens.jiangnan)).body?.item?.state
        === 'claimed');
    await waitText(page.getByTestId('item-history'), /claim/i, 'the claim in the item\'s history');

    await page.getByTestId('action-resolve').click();
    await page.getByTestId('resolve-outcome').selectOption('eligible_dibao');
    await page.getByTestId('resolve-reason').fill('household_verified');
    await page.getByTestId('resolve-submit').click();
    const done = await waitFor('the item resolved in the hub', async () => {
      const it = (await hub.api('GET', `/v1/queues/${QUEUE}/items/${id}`, tokens.jiangnan)).body?.item;
      return it?.state === 'resolved' ? it : false;
    });
    expect(done.state === 'resolved', 'resolved');
    await waitText(page.getByTestId('item-history'), /resolve/i, 'the resolution in the history');
  });
}
