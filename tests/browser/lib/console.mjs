// What the scenarios do with the console's pages, through the data-testid hooks of the console
// contract (notes: "Stable hooks for the browser tests") and never through CSS classes.
import { waitFor } from './wait.mjs';

// Opens the console at `/` and signs in with `token` as a person would: paste, press the
// button, wait for the header to say who is signed in (the whoami line is empty until then).
export async function signIn(page, token) {
  await page.goto('/');
  await page.getByTestId('signin-token').fill(token);
  await page.getByTestId('signin-submit').click();
  await waitText(page.getByTestId('whoami'), /\S/, 'the header to show who is signed in');
}

// The hash route the page is on ("#/queues").
export async function route(page) {
  return page.evaluate(() => window.location.hash);
}

// Waits until the text of `locator` matches `re`; returns the text.
export async function waitText(locator, re, what, timeout = 10000) {
  const seen = await waitFor(what ?? `text ${re}`, async () => {
    const t = (await locator.innerText({ timeout: 1000 }).catch(() => '')).trim();
    return re.test(t) ? { t } : false;  // wrapped: an empty text may be what is awaited
  }, { timeout });
  return seen.t;
}

// Waits until the page is on `hash` (a string prefix or a RegExp).
export async function waitRoute(page, hash, timeout = 10000) {
  return waitFor(`route ${hash}`, async () => {
    const h = await route(page);
    return (hash instanceof RegExp ? hash.test(h) : h.startsWith(hash)) ? h : false;
  }, { timeout });
}

// The items of `queue` as the API gives them to `token` (the first page, up to 200).
export async function itemsOf(hub, token, queue) {
  const body = await hub.must(200, 'GET', `/v1/queues/${queue}/items?limit=200`, token);
  return body.items;
}

// Picks `value` in a <select> by its option value, or types it into an input.
async function choose(locator, value) {
  const tag = await locator.evaluate((e) => e.tagName);
  if (tag === 'SELECT') await locator.selectOption(value);
  else await locator.fill(value);
}

// Fills the hotline call form with the mouse and keyboard as an operator would (the keyboard
// only test has its own way). The village is the first the directory offers for the township.
export async function fillCallForm(page, c) {
  await page.getByTestId('call-name').fill(c.name);
  await page.getByTestId('call-phone').fill(c.phone);
  await page.getByTestId('call-id-number').fill(c.idNumber);
  await choose(page.getByTestId('call-township'), c.township);
  const village = page.getByTestId('call-village');
  if (await village.evaluate((e) => e.tagName) === 'SELECT') {
    await waitFor('the township\'s villages in the picker', async () =>
      (await village.locator('option').count()) > 1);
    await village.selectOption({ index: 1 });
  } else {
    await village.fill(c.village ?? '测试村');
  }
  await choose(page.getByTestId('call-category'), c.category);
  await choose(page.getByTestId('call-urgency'), c.urgency);
  await page.getByTestId('call-description').fill(c.description);
  if (c.onBehalf) await page.getByTestId('call-on-behalf').check();
}

// Whether the stored message `hubId` holds what was typed into the form: each field compared,
// the names of those that differ returned (never their values: they are personal data).
export async function differingFields(hub, token, hubId, want) {
  const m = (await hub.must(200, 'GET', `/v1/messages/${hubId}`, token)).message;
  const got = {
    name: m.subject?.name, phone: m.subject?.phone, idNumber: m.subject?.id_number,
    township: m.subject?.township, category: m.body?.category, urgency: m.body?.urgency,
    description: m.body?.description, onBehalf: m.body?.needs_proxy_application,
  };
  return Object.keys(want).filter((k) => got[k] !== want[k]);
}
