// The charity's pages. A person of charity-1 (a token of their own) signs in to its inbox, finds
// the referral the seed made over the API (the menu's badge counts those awaiting its answer),
// accepts it with a double click (one accept on the timeline), reports progress (the answer lost
// once: the retry applies once and shows as done), holds and resumes it and completes it with an
// outcome from the hub's list; the caseworker's exchange page shows each step with that person's
// name. It pushes a case through the form, which lands on the Guwen queue (the caseworker's item
// page shows how the consent was obtained), and sees civil affairs' outcome once the caseworker
// resolves it over the API. charity-2 sees none of it. At 375x740 the inbox (with its reminder of
// an answer due tomorrow), a referral and the push form do not scroll sideways and every action
// button is reachable; the deadlines are the hub's working-day counts (over the weekend: one
// working day left on the Monday).
import { expect } from '../lib/harness.mjs';
import { signIn, waitRoute, waitText } from '../lib/console.mjs';
import { waitFor } from '../lib/wait.mjs';
import { CHARITY_PERSON, GUWEN, idNumber, SCENARIO_TIME } from './seed.mjs';

const go = (page, hash) => page.evaluate((x) => { window.location.hash = x; }, hash);

async function exchange(hub, token, id) {
  return hub.must(200, 'GET', `/v1/exchanges/${id}`, token);
}

export function register(h, env) {
  const { hub, tokens, partnerPages, at } = env;
  const { toAnswer, waiting } = partnerPages;
  const pushed = {};  // the case charity-1 pushes, for charity-2's test

  h.test('charity-answers-a-referral', async ({ newPage }) => {
    const page = await newPage();
    await signIn(page, tokens.charityPerson);
    await waitRoute(page, '#/inbox');
    const row = page.locator(`[data-testid="inbox-row"][data-exchange="${toAnswer.id}"]`);
    await row.waitFor();
    const all = (await hub.must(200, 'GET', '/v1/exchanges?limit=200', tokens.charity)).exchanges;
    const awaiting = all.filter((x) => x.direction === 'outbound' && ['requested', 'received'].includes(x.state));
    await waitText(page.getByTestId('inbox-badge'), new RegExp(`^${awaiting.length}$`), 'the badge count');

    await row.click();
    await waitRoute(page, `#/referral/${toAnswer.id}`);
    const subject = await waitText(page.getByTestId('referral-subject'), new RegExp(`测试${toAnswer.seq}`), 'the person');
    expect(!subject.includes(idNumber('19600101', toAnswer.seq)), 'no ID number for a partner with default fields');
    await waitText(page.getByTestId('referral-consent'), /古河社工/, 'the consent it was sent under');

    // A double click applies once.
    await page.getByTestId('action-accept').dblclick();
    await page.locator('[data-testid="move-done"][data-move="accept"]').waitFor();
    const accepted = await exchange(hub, tokens.county, toAnswer.id);
    expect(accepted.timeline.filter((e) => e.event === 'accept').length === 1, 'exactly one accept',
      accepted.timeline.map((e) => e.event));

    // Progress, whose answer is lost on the way back (the hub applied it): the retry resends the
    // same event id, the hub answers it as a replay, and the page shows it as done.
    let lost = false;
    await page.route('**/v1/exchanges/*/events', async (r) => {
      if (lost) return r.continue();
      lost = true;
      await r.fetch();
      await r.abort('failed');
    });
    await page.getByTestId('action-progress').click();
    await page.getByTestId('move-note').fill('已电话联系本人,约定周五送餐');
    await page.getByTestId('move-submit').click();
    await page.locator('.move-error').waitFor();
    await page.getByTestId('move-submit').click();
    await page.locator('[data-testid="move-done"][data-move="progress"][data-replayed="true"]').waitFor();
    await page.locator('[data-testid="referral-page"][data-state="in_progress"]').waitFor();
    await page.unroute('**/v1/exchanges/*/events');
    const started = await exchange(hub, tokens.county, toAnswer.id);
    expect(started.timeline.filter((e) => e.event === 'start').length === 1, 'exactly one start',
      started.timeline.map((e) => e.event));

    // On hold with a reason from the list, then resumed.
    await page.getByTestId('action-hold').click();
    await page.getByTestId('move-pick').selectOption('waiting_for_documents');
    await page.getByTestId('move-submit').click();
    await page.locator('[data-testid="referral-page"][data-state="on_hold"]').waitFor();
    await page.getByTestId('action-resume').click();
    await page.getByTestId('move-submit').click();
    await page.locator('[data-testid="referral-page"][data-state="in_progress"]').waitFor();

    await page.getByTestId('action-complete').click();
    await page.getByTestId('move-pick').selectOption('service_delivered');
    await page.getByTestId('move-note').fill('已送餐一个月');
    await page.getByTestId('move-submit').click();
    await page.locator('[data-testid="referral-page"][data-state="completed"]').waitFor();
    const done = await exchange(hub, tokens.county, toAnswer.id);
    expect(done.exchange.state === 'completed' && done.exchange.outcome === 'service_delivered',
      'the API to say completed with the outcome', done.exchange);
    expect(done.timeline.some((e) => e.event === 'start' && e.note), 'the progress note on the timeline');
    expect(done.timeline.some((e) => e.event === 'hold' && e.reason === 'waiting_for_documents'),
      'the hold reason\'s code on the timeline');

    // The caseworker's exchange page: each step the charity's person took, with their name.
    const worker = await newPage();
    await signIn(worker, tokens.county);
    await go(worker, `#/exchange/${toAnswer.id}`);
    await waitRoute(worker, `#/exchange/${toAnswer.id}`);
    const timeline = worker.getByTestId('exchange-timeline');
    for (const step of ['accept', 'start', 'hold', 'resume', 'complete']) {
      const li = timeline.locator(`li[data-event="${step}"]`);
      await waitText(li.getByTestId('actor-name'), new RegExp(CHARITY_PERSON),
        `the ${step} with the charity person's name`);
      expect(await li.count() === 1, `one ${step} on the caseworker's timeline`);
    }
  });

  h.test('charity-pushes-a-case', async ({ newPage }) => {
    const page = await newPage();
    await signIn(page, tokens.charity);
    await go(page, '#/push');
    await page.getByTestId('push-form').waitFor();
    await page.getByTestId('push-name').fill('测试推送');
    await page.getByTestId('push-phone').fill('139');  // too short: told as typed
    await page.getByTestId('push-phone').blur();
    await waitText(page.locator('[data-testid="field-error"][data-field="phone"]'), /\S/, 'the phone error');
    await page.getByTestId('push-phone').fill('13900000399');
    await page.getByTestId('push-township').selectOption(GUWEN.code);
    await page.getByTestId('push-village').selectOption('示例村一');
    await page.locator('[data-testid="push-need"][data-need="basic_living"]').check();
    await page.getByTestId('push-summary').fill('走访发现独居老人生活困难');
    await page.getByTestId('push-consent-by').fill('志愿者小李');
    await page.getByTestId('push-consent-method').selectOption('oral');
    // Without the person's consent: refused on the form.
    await page.getByTestId('push-submit').click();
    await waitText(page.locator('[data-testid="field-error"][data-field="consent"]'), /\S/, 'the consent error');
    await page.getByTestId('push-consent').check();
    await page.getByTestId('push-submit').click();
    const routed = page.getByTestId('push-routed');
    await routed.waitFor();
    expect(await routed.getAttribute('data-queue') === `township-${GUWEN.code}`, 'the Guwen queue',
      await routed.getAttribute('data-queue'));
    const hubId = await page.locator('[data-testid="push-result"] [data-hub-id]').getAttribute('data-hub-id');
    pushed.hubId = hubId;

    // Over the API: on the Guwen queue; the caseworker resolves it.
    const queue = `township-${GUWEN.code}`;
    const it = await waitFor('the pushed case on the Guwen queue', async () =>
      (await hub.must(200, 'GET', `/v1/queues/${queue}/items?limit=200`, tokens.county)).items
        .find((i) => i.hub_id === hubId));
    // The caseworker sees how the consent was obtained, with the message.
    const worker = await newPage();
    await signIn(worker, tokens.county);
    await go(worker, `#/item/${queue}/${it.item_id}`);
    await waitText(worker.getByTestId('item-page'), /志愿者小李/, 'the consent record on the item page');
    await hub.must(200, 'POST', `/v1/queues/${queue}/items/${it.item_id}/claim`, tokens.county, {});
    await hub.must(200, 'POST', `/v1/queues/${queue}/items/${it.item_id}/resolve`, tokens.county,
      { outcome: 'eligible_dibao', reason_code: 'household_verified' });

    // The exchange the case opened is closed with civil affairs' outcome; the page shows it.
    const messageId = (await hub.must(200, 'GET', `/v1/messages/${hubId}`, tokens.charity)).receipt.id;
    const closed = await waitFor('the case\'s exchange closed', async () =>
      (await hub.must(200, 'GET', '/v1/exchanges?limit=200', tokens.charity)).exchanges
        .find((x) => x.direction === 'inbound' && x.partner_ref === messageId && x.outcome));
    await go(page, '#/cases');
    const mine = page.locator(`[data-testid="case-row"][data-hub-id="${hubId}"]`);
    await mine.waitFor();
    const shown = await waitText(mine.getByTestId('case-outcome'), /\S/, 'civil affairs\' outcome');
    expect(shown.includes(closed.outcome) || /符合低保条件/.test(shown), 'the outcome the API gives', shown);
    expect(await mine.getAttribute('data-state') === closed.state, 'the exchange\'s state', closed.state);
  });

  h.test('another-charity-sees-none-of-it', async ({ newPage }) => {
    const page = await newPage();
    await signIn(page, tokens.charity2);
    await waitRoute(page, '#/inbox');
    await page.getByTestId('inbox-list').waitFor();
    expect(await page.locator('[data-testid="inbox-row"]').count() === 0, 'an empty inbox');
    expect(await page.getByTestId('inbox-badge').count() === 0, 'no badge');
    await go(page, `#/referral/${waiting.id}`);
    await page.getByTestId('not-found').waitFor();
    await go(page, '#/cases');
    await page.getByTestId('my-cases').waitFor();
    await waitText(page.getByTestId('my-cases'), /\S/, 'the cases list');
    if (pushed.hubId)
      expect(await page.locator(`[data-hub-id="${pushed.hubId}"]`).count() === 0, 'not charity-1\'s case');
  });

  h.test('charity-pages-at-phone-width', async ({ newPage }) => {
    const page = await newPage({ viewport: { width: 375, height: 740 } });
    // The hub's clock on Monday 17 March: the waiting referral's answer (due Tuesday 18, three
    // working days after the seed's Thursday) has one working day left, so the inbox reminds of
    // it; the count is the hub's, over the weekend (four calendar days on the Thursday, three
    // working days).
    const card = page.locator(`[data-testid="inbox-row"][data-exchange="${waiting.id}"] [data-testid="due"]`);
    await signIn(page, tokens.charity);
    await card.waitFor();
    expect(await card.getAttribute('data-days') === '3', 'three working days left on the Thursday',
      await card.getAttribute('data-days'));
    await at('2025-03-17T02:00:00Z');
    await go(page, '#/push');
    await page.getByTestId('push-form').waitFor();
    await go(page, '#/inbox');
    const noSideways = async (what) => {
      const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      expect(sw <= iw, `${what} without horizontal scroll`, { scrollWidth: sw, innerWidth: iw });
    };
    const reachable = async (locator, what) => {
      await locator.scrollIntoViewIfNeeded();
      const box = await locator.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 375 && await locator.isVisible(), `${what} reachable`, box);
    };
    await waitRoute(page, '#/inbox');
    await page.locator(`[data-testid="inbox-row"][data-exchange="${waiting.id}"]`).waitFor();
    await waitText(page.locator(`[data-testid="reminders"] li[data-exchange="${waiting.id}"][data-kind="answer"]`),
      /2025-03-18.*还剩 1 个工作日/, 'the reminder of the answer with one working day left');
    expect(await card.getAttribute('data-days') === '1', 'one working day left on the Monday');
    await noSideways('the inbox');

    await go(page, `#/referral/${waiting.id}`);
    await page.getByTestId('referral-actions').waitFor();
    await noSideways('the referral page');
    expect(!/\bnull\b|undefined/.test(await page.locator('main').innerText()), 'no "null" or "undefined" shown');
    for (const b of ['action-accept', 'action-reject']) await reachable(page.getByTestId(b), b);
    await page.getByTestId('action-reject').click();
    await page.getByTestId('move-form').waitFor();
    await reachable(page.getByTestId('move-submit'), 'the decline form\'s button');
    await noSideways('the decline form');

    await go(page, '#/push');
    await page.getByTestId('push-form').waitFor();
    await noSideways('the push form');
    await reachable(page.getByTestId('push-submit'), 'the push button');
    await at(SCENARIO_TIME);
  });
}
