// The county dashboard shows the figures of a known scenario: the table's open, overdue and
// resolved counts and the median hours to first contact and to decision of Gonghe and Gongchuan
// are those worked out by hand in seed.mjs (DASHBOARD_FIGURES), and those of the report
// endpoint the page reads.
import { expect } from '../lib/harness.mjs';
import { signIn, waitRoute } from '../lib/console.mjs';
import { waitFor } from '../lib/wait.mjs';
import { DASHBOARD_FIGURES, DASHBOARD_FROM, GONGCHUAN, GONGHE } from './seed.mjs';

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
    for (const [t, code] of [[GONGHE, GONGHE.code], [GONGCHUAN, GONGCHUAN.code]]) {
      const want = DASHBOARD_FIGURES[code];
      const row = table.locator(`tr[data-township="${code}"]`);
      const cells = await waitFor(`the ${t.zh} row`, async () => {
        const c = {};
        for (const k of Object.keys(want)) {
          c[k] = (await row.locator(`[data-col="${k}"]`).innerText({ timeout: 1000 })).trim();
        }
        return c;
      });
      for (const [k, v] of Object.entries(want)) {
        expect(Number(cells[k]) === v, `${t.zh} ${k} = ${v} in the table`, cells);
      }
      expect((await row.innerText()).includes(t.zh), `the row named ${t.zh}`);
    }
    await page.getByTestId('dashboard-chart').waitFor();
  });
}
