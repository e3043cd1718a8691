// Keyboard only: an operator fills and sends the call form without the mouse (Tab from field to
// field in order, typing, arrow keys in the pickers, Space for the check box, Enter to send), and
// the call is routed. Also the field-by-field check while typing: a wrong ID check digit shows
// its error on that field, and the right one clears it.
import { expect } from '../lib/harness.mjs';
import { differingFields, signIn, waitRoute, waitText } from '../lib/console.mjs';
import { waitFor } from '../lib/wait.mjs';
import { JIANGNAN, idNumber } from './seed.mjs';

const focused = (page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));

async function tabTo(page, testid) {
  for (let i = 0; i < 12; ++i) {
    if (await focused(page) === testid) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${testid} (focus on ${await focused(page)})`);
}

export function register(h, { hub, tokens }) {
  h.test('call-form-by-keyboard-only', async ({ newPage }) => {
    const page = await newPage();
    await signIn(page, tokens.hotline);
    await waitRoute(page, '#/call');
    await page.getByTestId('call-form').waitFor();
    // Start from the top of the document, as after opening the page.
    await page.evaluate(() => document.activeElement?.blur());
    for (let i = 0; i < 40 && await focused(page) !== 'call-name'; ++i) await page.keyboard.press('Tab');
    expect(await focused(page) === 'call-name', 'Tab to reach the caller\'s name field');

    await page.keyboard.type('韦键盘');
    await page.keyboard.press('Tab');
    expect(await focused(page) === 'call-phone', 'the phone next', await focused(page));
    await page.keyboard.type('13987654321');
    await page.keyboard.press('Tab');
    expect(await focused(page) === 'call-id-number', 'the ID number next', await focused(page));
    const good = idNumber('19700512', 77);
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    await page.keyboard.type(bad);
    // The field's own error line (always there, empty while the field is right).
    const idError = page.locator('[data-testid="field-error"][data-field="id_number"]');
    await waitText(idError, /\S/, 'an error on the ID number field for a wrong check digit');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(good[17]);
    await waitText(idError, /^$/, 'the ID number error cleared by the right check digit');
    await page.keyboard.press('Tab');

    // The pickers: the township by typing its name's start... keys move the selection.
    expect(await focused(page) === 'call-township', 'the township picker next', await focused(page));
    await waitFor('Jiangnan chosen with the keys', async () => {
      if (await page.getByTestId('call-township').inputValue() === JIANGNAN.code) return true;
      await page.keyboard.press('ArrowDown');
      return false;
    }, { timeout: 5000, every: 10 });
    await page.keyboard.press('Tab');
    expect(await focused(page) === 'call-village', 'the village picker next', await focused(page));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    expect(await focused(page) === 'call-category', 'the category next', await focused(page));
    await page.keyboard.press('Tab');  // keep the default category
    expect(await focused(page) === 'call-urgency', 'the urgency next', await focused(page));
    await page.keyboard.press('Tab');
    expect(await focused(page) === 'call-description', 'the description next', await focused(page));
    await page.keyboard.type('键盘填写的来电');
    await page.keyboard.press('Tab');
    expect(await focused(page) === 'call-on-behalf', 'the on-behalf box next', await focused(page));
    await page.keyboard.press('Space');
    expect(await page.getByTestId('call-on-behalf').isChecked(), 'Space ticks the box');
    await tabTo(page, 'call-submit');
    await page.keyboard.press('Enter');

    await waitText(page.getByTestId('call-result'), new RegExp(`township-${JIANGNAN.code}`),
      'the call routed to Jiangnan');
    // What the keys typed is what the hub stored.
    const hubId = await page.getByTestId('call-result').locator('[data-hub-id]').getAttribute('data-hub-id');
    const wrong = await differingFields(hub, tokens.hotline, hubId, {
      name: '韦键盘', phone: '13987654321', idNumber: good, township: JIANGNAN.code,
      description: '键盘填写的来电', onBehalf: true,
    });
    expect(wrong.length === 0, 'the stored call to hold what was typed', wrong);
  });
}
