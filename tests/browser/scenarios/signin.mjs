// Sign-in: the page shows who is signed in (organisation, role, townships) and goes to the
// role's home; a wrong token stays on sign-in with a message.
import { expect } from '../lib/harness.mjs';
import { signIn, waitRoute, waitText } from '../lib/console.mjs';
import { JIANGNAN } from './seed.mjs';

export function register(h, { tokens }) {
  h.test('signin-shows-who-is-signed-in', async ({ newPage, shoot }) => {
    // The hotline operator first, in a page of its own: its home is the call form.
    const operator = await newPage();
    await signIn(operator, tokens.hotline);
    const op = await waitText(operator.getByTestId('whoami'), /hotline-demo/,
      'the operator\'s org in the header');
    expect(op.includes('热线值守'), 'the role (hotline operator) in the header', op);
    await waitRoute(operator, '#/call');

    // The township caseworker: org, role and township named in the header; home is the queues.
    const page = await newPage();
    shoot(page);
    await page.goto('/');
    await waitRoute(page, '#/signin');  // no token yet: sign-in first
    await signIn(page, tokens.jiangnan);
    const who = await waitText(page.getByTestId('whoami'), /jiangnan-team/, 'the caseworker\'s org');
    expect(who.includes(JIANGNAN.zh), `the township ${JIANGNAN.zh} in the header`, who);
    expect(who.includes('民政工作人员'), 'the role (civil-affairs staff) in the header', who);
    await waitRoute(page, '#/queues');
  });

  h.test('signin-refuses-a-wrong-token', async ({ newPage }) => {
    const page = await newPage();
    await page.goto('/');
    await page.getByTestId('signin-token').fill('xj_not-a-real-token');
    await page.getByTestId('signin-submit').click();
    await waitText(page.locator('[role=alert]'), /\S/, 'an error message on the sign-in page');
    await waitRoute(page, '#/signin');
    const who = (await page.getByTestId('whoami').innerText()).trim();
    expect(who === '', 'nobody shown as signed in', who);
  });
}
