// A partner's person on the caseworker's exchange page. The county refers a Jiangnan call out to
// charity-1; a person of the charity, with a token of their own (`token create --name`, made
// while the hub runs), accepts it over the API; the Jiangnan caseworker's exchange page shows
// the accept with that person's name beside the actor.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { expect } from '../lib/harness.mjs';
import { signIn, waitRoute, waitText } from '../lib/console.mjs';
import { waitFor } from '../lib/wait.mjs';
import { JIANGNAN, newItem } from './seed.mjs';

const execFileP = promisify(execFile);
const PERSON = '王芳';

export function register(h, { hub, tokens }) {
  h.test('exchange-page-shows-the-partner-person', async ({ newPage, shoot }) => {
    const { stdout } = await execFileP(hub.cli, ['token', 'create', '--config', hub.config,
      '--org', 'charity-1', '--role', 'charity', '--name', PERSON]);
    const person = stdout.trim();
    // The hub takes up a token made while it runs within a second (its token refresher).
    const me = await waitFor('the person\'s token to work', async () => {
      const r = await hub.api('GET', '/v1/whoami', person);
      return r.status === 200 && r.body;
    });
    expect(me.person === PERSON, 'whoami to name the token\'s person');

    const it = await newItem(hub, tokens, 'person-jiangnan-1', JIANGNAN.code, 401);
    const made = await hub.must(201, 'POST', '/v1/exchanges', tokens.county, {
      queue: it.queue, item: it.item_id, partner: 'charity-1', need: 'food',
      consent: { recorded: true, by: '测试社工', at: '2025-03-12T09:20:00+08:00', method: 'oral' },
    });
    const ex = made.exchange.id;
    await hub.must(200, 'POST', `/v1/exchanges/${ex}/events`, person, { event: 'accept' });

    const page = await newPage();
    shoot(page);
    await signIn(page, tokens.jiangnan);
    await page.evaluate((id) => { window.location.hash = `#/exchange/${id}`; }, ex);
    await waitRoute(page, `#/exchange/${ex}`);
    const accept = page.getByTestId('exchange-timeline').locator('li[data-event="accept"]');
    await waitText(accept, new RegExp(PERSON), 'the accept with the partner person\'s name');
    expect(await accept.getByTestId('actor-name').count() === 1, 'the name in its own element');
  });
}
