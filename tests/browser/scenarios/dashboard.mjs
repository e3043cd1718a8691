// The county dashboard shows the figures of a known scenario: the table's open, overdue and
// resolved counts, the median hours to first contact and to decision, and the referrals with
// their closure rate and rejections of Gonghe and Gongchuan are those worked out by hand in
// seed.mjs (DASHBOARD_FIGURES, DASHBOARD_REFERRALS), and those of the report endpoint.
import { expect } from '../lib/harness.mjs';
import { signIn, waitRoute, waitText } from '../lib/console.mjs';
import {
  DASHBOARD_FIGURES, DASHBOARD_FROM, DASHBOARD_REFERRALS, GONGCHUAN, GONGHE, REJECTION_REASON,
} from './seed.mjs';

export function register(h, { hub, tokens }) {
  h.test('dashboard-shows-the-figures-of-a-known-scenario', async ({ newPage }) => {
    // The report endpoint agrees with the hand-worked figures (else the scenario is wrong).
    const api = await hub.must(200, 'GET',
      `/v1/reports/townships?from=${DASHBOARD_FROM}&to=2025-03-31`, tokens.admin);
    for (const [code, want] of Object.entries(DASHBOARD_FIGURES)) {
      const l = api.townships.find((x) => x.township === code);
      const got = l && { created: l.created, open: l.open, overdue: l.overdue, resolved: l.resolved,
        first: l.median_first_contact_hours, decision: l.median_decision_hours };
      expect(JSON.stringify(got) === JSON.stringify(want), `the report's figures for ${code} ${JSON.stringify(want)}`, got);
    }

    const page = await newPage();
    await signIn(page, tokens.admin);
    await waitRoute(page, '#/dashboard');
    const table = page.getByTestId('dashboard-table');
    await table.waitFor();
    // The default period (this year up to the page's today, the hub's scenario date) holds it.
    const cell = (code, col) => table.locator(`tr[data-township="${code}"] [data-col="${col}"]`);
    for (const t of [GONGHE, GONGCHUAN]) {
      const want = DASHBOARD_FIGURES[t.code];
      await waitText(cell(t.code, 'township'), new RegExp(t.zh), `the ${t.zh} row`);
      for (const col of ['open', 'overdue', 'resolved', 'first', 'decision']) {
        const shown = await cell(t.code, col).innerText();
        expect(Number(shown) === want[col], `${t.zh} ${col} = ${want[col]} in the table`, shown);
      }
    }
    // The referrals: Gonghe's two, both closed (one completed, one rejected for capacity).
    for (const t of [GONGHE, GONGCHUAN]) {
      const want = DASHBOARD_REFERRALS[t.code];
      for (const col of ['referrals', 'closure', 'rejected']) {
        const shown = (await cell(t.code, col).innerText()).replace(/\s/g, '');
        expect(shown === String(want[col]), `${t.zh} ${col} = ${want[col]} in the table`, shown);
      }
    }
    // The rejection reasons chart names the reason.
    await waitText(page.getByTestId('dashboard-chart'), new RegExp(REJECTION_REASON.replace(/[()]/g, '\\$&')),
      'the rejection reason in the charts');
    await page.getByTestId('dashboard-chart').waitFor();
  });
}
