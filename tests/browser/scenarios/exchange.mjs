// A referral out shows its delivery: the exchange page of the Jiangnan referral to charity-1
// lists the delivery of the referral as delivered, and the partner's receiver did get it with a
// valid signature (checked by the receiver, see lib/webhook_receiver.mjs).
import { expect } from '../lib/harness.mjs';
import { signIn, waitText } from '../lib/console.mjs';

export function register(h, { tokens, receiver, exchange }) {
  h.test('referral-out-shows-its-delivery', async ({ newPage }) => {
    const got = receiver.deliveriesOf(exchange);
    expect(got.length >= 1 && got[0].kind === 'exchange.referral',
      'the receiver to hold the signed referral', got.map((d) => d.kind));
    expect(receiver.received.every((d) => d.verified), 'every delivery to pass the signature check');

    const page = await newPage();
    await signIn(page, tokens.jiangnan);
    await page.evaluate((id) => { window.location.hash = `#/exchange/${id}`; }, exchange);
    await waitText(page.getByTestId('exchange-timeline'), /requested|已发起|已请求|发起/,
      'the referral in the timeline');
    const deliveries = await waitText(page.getByTestId('exchange-deliveries'),
      /exchange\.referral/, 'the referral among the deliveries');
    expect(/delivered|已送达/.test(deliveries), 'the referral shown delivered', deliveries);
  });
}
