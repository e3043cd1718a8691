// The access record on the item page: the Jiangnan caseworker opens a call's item (a read of the
// person's file); the county admin, on the same item page, sees the section "查阅记录" naming
// that read (who, through which endpoint); the caseworker's own page has no such section.
import { expect } from '../lib/harness.mjs';
import { signIn } from '../lib/console.mjs';
import { waitFor } from '../lib/wait.mjs';

const ITEM_READ = 'GET /v1/queues/{queue}/items/{item}';

async function openItem(page, item) {
  await page.evaluate(({ q, i }) => { window.location.hash = `#/item/${q}/${i}`; },
    { q: item.queue, i: item.item_id });
  await page.getByTestId('item-page').waitFor();
}

export function register(h, { hub, tokens, jiangnanItem }) {
  h.test('county-admin-sees-who-read-an-item', async ({ newPage, shoot }) => {
    const worker = await newPage();
    await signIn(worker, tokens.jiangnan);
    await openItem(worker, jiangnanItem);
    expect(await worker.getByTestId('item-access').count() === 0,
      'no access record on a caseworker\'s item page');

    // The record is written a moment after the read: wait for it through the API first.
    await waitFor('the caseworker\'s read in the record', async () =>
      (await hub.must(200, 'GET', `/v1/audit?item=${jiangnanItem.item_id}`, tokens.admin)).records
        .some((r) => r.org === 'jiangnan-team' && r.endpoint === ITEM_READ));

    const admin = await newPage();
    shoot(admin);
    await signIn(admin, tokens.admin);
    await openItem(admin, jiangnanItem);
    const card = admin.getByTestId('item-access');
    await card.waitFor();
    await waitFor('the read listed in 查阅记录', async () => {
      const text = await card.innerText();
      return text.includes('查阅记录') && text.includes('jiangnan-team') && text.includes(ITEM_READ);
    });
    const text = await card.innerText();
    expect(!text.includes('测试102'), 'no name in the access record', text);
    const other = await hub.api('GET', `/v1/audit?item=${jiangnanItem.item_id}`, tokens.county);
    expect(other.status === 403, 'county staff may not read the record', other.status);
  });
}
