// What the scenarios do with the console's pages, through the data-testid hooks of the console
// contract (notes: "Stable hooks for the browser tests") and never through CSS classes.
import { waitFor } from './wait.mjs';

// Opens the console at `/` and signs in with `token` as a person would: paste, press the
// button, wait for the header to say who is signed in.
export async function signIn(page, token) {
  await page.goto('/');
  await page.getByTestId('signin-token').fill(token);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('whoami').waitFor({ state: 'visible' });
}

// The hash route the page is on ("#/queues").
export async function route(page) {
  return page.evaluate(() => window.location.hash);
}

// Waits until the text of `locator` matches `re`; returns the text.
export async function waitText(locator, re, what, timeout = 10000) {
  return waitFor(what ?? `text ${re}`, async () => {
    const t = (await locator.innerText({ timeout: 1000 }).catch(() => '')).trim();
    return re.test(t) ? t : false;
  }, { timeout });
}

// Waits until the page is on `hash` (a string prefix or a RegExp).
export async function waitRoute(page, hash, timeout = 10000) {
  return waitFor(`route ${hash}`, async () => {
    const h = await route(page);
    return (hash instanceof RegExp ? hash.test(h) : h.startsWith(hash)) ? h : false;
  }, { timeout });
}
