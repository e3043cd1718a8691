// A referral out shows its delivery. The Jiangnan caseworker refers a call out to charity-1 on
// the item page (the form refuses it until the person's consent is recorded); the partner's
// receiver gets it, minimised and with a valid signature (lib/webhook_receiver.mjs checks it);
// the exchange page, as the same caseworker sees it (the exchange gives its own deliveries to
// whoever may see it; the county outbox stays closed to a township), lists it as delivered.
import { expect } from '../lib/harness.mjs';
import { signIn, waitRoute, waitText } from '../lib/console.mjs';
import { waitFor } from '../lib/wait.mjs';
import { idNumber } from './seed.mjs';

export function register(h, { hub, tokens, receiver, toRefer }) {
  h.test('referral-out-shows-its-delivery', async ({ newPage, shoot }) => {
    const worker = await newPage();
    await signIn(worker, tokens.jiangnan);
    await worker.evaluate(({ q, i }) => { window.location.hash = `#/item/${q}/${i}`; },
      { q: toRefer.queue, i: toRefer.item_id });
    await worker.getByTestId('item-page').waitFor();
    await worker.getByTestId('action-refer').click();
    await worker.getByTestId('refer-need').selectOption('food');
    await worker.getByTestId('refer-partner').selectOption('charity-1');
    await worker.getByTestId('refer-consent-by').fill('韦社工');
    // Without the consent box: refused on the form, nothing sent.
    await worker.getByTestId('refer-submit').click();
    await waitText(worker.locator('[data-testid="field-error"][data-field="consent"]'), /\S/,
      'the consent error');
    const none = await hub.must(200, 'GET', '/v1/exchanges', tokens.county);
    expect(!none.exchanges.some((x) => x.item_id === toRefer.item_id), 'no referral without consent');

    await worker.getByTestId('refer-consent').check();
    await worker.getByTestId('refer-submit').click();
    const ex = await waitFor('the referral stored', async () =>
      (await hub.must(200, 'GET', '/v1/exchanges', tokens.county)).exchanges
        .find((x) => x.item_id === toRefer.item_id));
    const got = await waitFor('the referral at the partner\'s receiver', () =>
      receiver.deliveriesOf(ex.id).find((d) => d.kind === 'exchange.referral'));
    expect(got.verified, 'the delivery\'s signature to verify');
    expect(!JSON.stringify(got.body).includes(idNumber('19600101', 101)),
      'no ID number in what left the hub');

    const page = await newPage();
    shoot(page);
    await signIn(page, tokens.jiangnan);
    await page.evaluate((id) => { window.location.hash = `#/exchange/${id}`; }, ex.id);
    await waitRoute(page, `#/exchange/${ex.id}`);
    await waitText(page.getByTestId('exchange-timeline'), /requested/, 'the referral in the timeline');
    const deliveries = page.getByTestId('exchange-deliveries');
    const row = deliveries.locator('tr[data-state="delivered"]', { hasText: 'exchange.referral' });
    await row.waitFor();
    expect(/delivered/.test(await row.innerText()), 'the referral\'s row to say delivered');
  });
}
