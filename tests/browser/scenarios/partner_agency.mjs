// The agency's page: an agency signs in, warns about a resident with an open risk alert (seeded
// over the API: a hotline call, then another agency's warning about the same ID number), and its
// list shows the warning merged into that alert, as the staff's API shows too; a double-clicked
// send stores one message; another agency sees none of it. At phone width (375 x 740) the sign-in
// page, the agency page and a caseworker's referral pages scroll only downwards, and the send
// button can be reached.
import { expect } from '../lib/harness.mjs';
import { signIn, waitRoute, waitText } from '../lib/console.mjs';
import { waitFor } from '../lib/wait.mjs';
import { BAIMA, idNumber } from './seed.mjs';

const PHONE = { width: 375, height: 740 };

// Fills the agency form; the village is the first the directory offers for the township.
async function fillWarning(page, w) {
  await page.getByTestId('agency-signal').selectOption(w.signal);
  await page.getByTestId('agency-department').selectOption('medical_insurance');
  await page.getByTestId('agency-name').fill(w.name);
  await page.getByTestId('agency-id-number').fill(w.idNumber);
  await page.getByTestId('agency-phone').fill(w.phone);
  await page.getByTestId('agency-township').selectOption(w.township);
  const village = page.getByTestId('agency-village');
  await waitFor('the township\'s villages in the picker', async () =>
    (await village.locator('option').count()) > 1);
  await village.selectOption({ index: 1 });
  await page.getByTestId('agency-detail').fill(w.detail);
}

// The agency's own notifications as the API gives them.
async function sentBy(hub, token) {
  const body = await hub.must(200, 'GET', '/v1/messages?mine=1&limit=100', token);
  return body.messages.filter((m) => m.kind === 'notification');
}

// Nothing wider than the window: the page scrolls only downwards.
async function noSideScroll(page, what) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(scroll <= inner, `${what}: no horizontal scroll (scrollWidth <= innerWidth)`, { scroll, inner });
}

export function register(h, env) {
  const { hub, tokens, agencyAlert } = env;

  h.test('agency-warning-merges-into-the-open-alert', async ({ newPage }) => {
    const page = await newPage();
    await signIn(page, tokens.agency);
    await waitRoute(page, '#/agency');
    // Only the agency's own signal kinds are offered.
    const offered = await page.getByTestId('agency-signal').locator('option[value]:not([value=""])')
      .evaluateAll((os) => os.map((o) => o.value));
    expect(offered.join() === 'large_medical_bill,income_drop', 'the agency\'s two signals', offered);
    await fillWarning(page, {
      signal: 'large_medical_bill', name: '测试201', idNumber: agencyAlert.idNumber,
      phone: '13900000201', township: BAIMA.code, detail: '住院自付费用较高,家庭收入骤减',
    });
    await page.getByTestId('agency-submit').click();
    await waitText(page.getByTestId('agency-result'), /xj-\d+/, 'the receipt in the result');
    const row = page.getByTestId('agency-sent').locator('[data-disposition="merged"]');
    await row.waitFor();
    await waitText(row, /并入已有预警/, 'the warning named as merged into the open alert');
    // The staff side: the warning merged into the seeded alert (one message, in its history).
    const sent = await sentBy(hub, tokens.agency);
    expect(sent.length === 1 && sent[0].item_id === agencyAlert.item_id
      && sent[0].status === 'merged' && sent[0].disposition === 'merged',
      'the warning merged into the open alert', sent);
    const item = (await hub.must(200, 'GET',
      `/v1/queues/${agencyAlert.queue}/items/${agencyAlert.item_id}`, tokens.county));
    expect(item.item.item_kind === 'risk_alert' && item.item.linked_messages === 1,
      'one message merged into the risk alert', item.item);
    expect(item.history.at(-1).action === 'merged', 'merged last in the alert\'s history',
      item.history.at(-1));
  });

  h.test('agency-double-click-sends-once', async ({ newPage }) => {
    const page = await newPage();
    await signIn(page, tokens.agency);
    await waitRoute(page, '#/agency');
    const before = (await sentBy(hub, tokens.agency)).length;
    await fillWarning(page, {
      signal: 'income_drop', name: '测试202', idNumber: idNumber('19700101', 202),
      phone: '13900000202', township: BAIMA.code, detail: '家庭主要劳动力失业',
    });
    await page.getByTestId('agency-submit').dblclick();
    await waitText(page.getByTestId('agency-result'), /xj-\d+/, 'the receipt in the result');
    const after = await waitFor('the new warning in the agency\'s list', async () => {
      const list = await sentBy(hub, tokens.agency);
      return list.length > before ? list : false;
    });
    expect(after.length === before + 1, 'one message stored for a double click',
      after.length - before);
    // Another agency sees none of it, on its page or through the API.
    const other = await newPage();
    await signIn(other, tokens.agency2);
    await waitRoute(other, '#/agency');
    await waitText(other.getByTestId('agency-sent'), /\S/, 'the other agency\'s list');
    expect(await other.getByTestId('agency-sent').locator('tr[data-hub-id]').count() === 0,
      'no row of another agency');
    expect((await sentBy(hub, tokens.agency2)).length === 0, 'no message of another agency');
  });

  h.test('agency-page-at-phone-width', async ({ newPage }) => {
    const page = await newPage({ viewport: PHONE });
    await page.goto('/');
    await page.getByTestId('signin-token').waitFor();
    await noSideScroll(page, 'the sign-in page');
    await signIn(page, tokens.agency);
    await waitRoute(page, '#/agency');
    // The list as it is (its rows come from the tests before, when they ran).
    await waitText(page.getByTestId('agency-sent'), /\S/, 'the agency\'s list');
    await noSideScroll(page, 'the agency page with its list');
    const send = page.getByTestId('agency-submit');
    await send.scrollIntoViewIfNeeded();
    const box = await send.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= PHONE.width, 'the send button inside the width', box);
    // Reachable: a click lands on it (the empty form then names the missing fields).
    await send.click();
    await waitText(page.locator('[data-field="signal"]'), /\S/, 'the required signal named');

    // The stacked tables serve every page of the shell: a caseworker's referrals and one of them
    // (the charity's own pages are checked at this width in partner_charity.mjs).
    const staff = await newPage({ viewport: PHONE });
    await signIn(staff, tokens.jiangnan);
    await staff.evaluate(() => { window.location.hash = '#/exchanges'; });
    await waitRoute(staff, '#/exchanges');
    const first = staff.getByTestId('exchange-row').first();
    await first.waitFor();
    await noSideScroll(staff, 'the caseworker\'s referrals');
    const id = await first.getAttribute('data-exchange');
    await staff.evaluate((x) => { window.location.hash = `#/exchange/${x}`; }, id);
    await staff.getByTestId('exchange-timeline').waitFor();
    await noSideScroll(staff, 'a referral on the caseworker\'s page');
  });
}
