// The English switch: Chinese by default; the switch turns every visible string of the page to
// English (<html lang> follows) and the choice outlives a reload (localStorage xj.lang).
import { expect } from '../lib/harness.mjs';
import { signIn, waitRoute } from '../lib/console.mjs';
import { waitFor } from '../lib/wait.mjs';

const HAN = /\p{Script=Han}/u;

export function register(h, { tokens }) {
  h.test('english-switch-changes-the-page-language', async ({ newPage }) => {
    const page = await newPage();
    await page.goto('/');
    await waitRoute(page, '#/signin');
    await page.getByTestId('signin-token').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang) === 'zh-CN', 'zh-CN by default');
    const zh = await page.locator('body').innerText();
    expect(HAN.test(zh), 'Chinese text on the sign-in page', zh.slice(0, 200));

    await page.getByTestId('lang-switch').click();
    await waitFor('<html lang="en">', () => page.evaluate(() => document.documentElement.lang === 'en'));
    // The sign-in page shows no data, only the dictionary's strings: none may stay Chinese
    // (but the switch itself, which now offers 中文).
    const en = await waitFor('the sign-in page in English', async () => {
      const t = (await page.locator('body').innerText())
        .replace(await page.getByTestId('lang-switch').innerText(), '');
      return HAN.test(t) ? false : t;
    });
    expect(/sign in|token/i.test(en), 'English words on the page', en.slice(0, 200));
    const title = await page.title();
    expect(!HAN.test(title), 'the window title in English', title);

    await page.reload();
    await page.getByTestId('signin-token').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang) === 'en', 'English after a reload');
    // Signed in, the header's labels are English too (the township keeps its English name).
    await signIn(page, tokens.jiangnan);
    await waitRoute(page, '#/queues');
    const who = await page.getByTestId('whoami').innerText();
    expect(/Jiangnan/.test(who), 'the township\'s English name in the header', who);
  });
}
