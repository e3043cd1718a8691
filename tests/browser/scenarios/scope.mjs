// Scope in the browser as in the API: a Baima caseworker sees nothing of a Jiangnan call: the
// Jiangnan queue is not among theirs, and the item's own address gives a not-found page, not
// the item (the API answers 403 for the queue, exactly as the page must not show it).
import { expect } from '../lib/harness.mjs';
import { signIn, waitRoute } from '../lib/console.mjs';
import { waitFor } from '../lib/wait.mjs';
import { BAIMA, JIANGNAN } from './seed.mjs';

export function register(h, { hub, tokens, jiangnanItem }) {
  h.test('other-township-caseworker-cannot-see-it', async ({ newPage, shoot }) => {
    const page = await newPage();
    await signIn(page, tokens.baima);
    await waitRoute(page, '#/queues');
    const list = page.getByTestId('queue-list');
    await list.waitFor();
    // Their own queue is listed (the list did load), Jiangnan's is not.
    await waitFor('the Baima queue in the list', async () =>
      (await list.innerText()).includes(`township-${BAIMA.code}`) ||
      (await list.innerText()).includes(BAIMA.zh));
    const listed = await list.innerText();
    expect(!listed.includes(JIANGNAN.code) && !listed.includes(JIANGNAN.zh),
      'no Jiangnan queue in the Baima caseworker\'s list', listed);

    // The item's URL, typed in: no item page, a not-found/forbidden page instead.
    const itemUrl = `/#/item/${jiangnanItem.queue}/${jiangnanItem.item_id}`;
    const direct = await newPage();
    shoot(direct);
    await signIn(direct, tokens.baima);
    await direct.goto(itemUrl);
    await direct.getByTestId('not-found').waitFor();
    expect(await direct.getByTestId('item-page').count() === 0, 'no item page for the Baima caseworker');
    const text = await direct.locator('body').innerText();
    expect(!text.includes('测试102'), 'nothing of the person on the page');
    const api = await hub.api('GET', `/v1/queues/${jiangnanItem.queue}/items/${jiangnanItem.item_id}`,
      tokens.baima);
    expect(api.status === 403 || api.status === 404, 'the API refuses it too', api.status);
    // The Jiangnan caseworker does get the item at that address (the URL itself is right).
    const own = await newPage();
    await signIn(own, tokens.jiangnan);
    await own.goto(itemUrl);
    await own.getByTestId('item-page').waitFor();
  });
}
