// A tiny sequential test harness for the browser scenarios: each test gets a fresh browser
// context (its own sessionStorage, localStorage and cookies) with one page at 1366x768 whose
// clock reads the hub's scenario time, runs, and leaves one screenshot <name>.png whether it
// passed or failed. An uncaught exception in the page or a Content-Security-Policy violation
// fails the test that caused it (the console must run under its own CSP, offline).
import fs from 'node:fs';
import path from 'node:path';

export class Harness {
  constructor({ browser, screenshotDir, baseUrl, now, only }) {
    this.browser = browser;
    this.screenshotDir = screenshotDir;
    this.baseUrl = baseUrl;
    this.now = now;    // () => Date: the hub's scenario time, for the page's clock
    this.only = only;  // run only tests whose name contains this (empty: all)
    this.tests = [];
    this.results = [];
    this.kept = [];
    // Every request a page sent to the hub ("METHOD /path"), for the check that the pages use
    // only the public API (lib/api_paths.mjs).
    this.requests = new Set();
  }

  // `name` becomes the screenshot's file name: lower-case words joined by '-'.
  test(name, fn) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`bad test name ${name}`);
    this.tests.push({ name, fn });
  }

  // A new context and page, as a person opening the console in a fresh browser window.
  async newPage({ viewport = { width: 1366, height: 768 }, keep = false } = {}) {
    const context = await this.browser.newContext({ viewport, baseURL: this.baseUrl });
    // A control that never comes fails the test in 10 s rather than Playwright's 30 s.
    context.setDefaultTimeout(10000);
    await context.clock.setSystemTime(this.now());
    const page = await context.newPage();
    page.keep = keep;  // left open for a later test (closed at the end of the run)
    if (keep) this.kept.push(page);
    page.problems = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.origin === new URL(this.baseUrl).origin) this.requests.add(`${r.method()} ${u.pathname}`);
    });
    page.on('pageerror', (e) => page.problems.push(`uncaught exception in the page: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text())) {
        page.problems.push(`CSP violation: ${m.text()}`);
      }
    });
    return page;
  }

  async run() {
    for (const { name, fn } of this.tests) {
      if (this.only && !name.includes(this.only)) continue;
      const started = Date.now();
      const pages = [];
      // The test's own pages; the first one (or the one it names) is photographed.
      let shot = null;
      const ctx = {
        newPage: async (opts) => {
          const p = await this.newPage(opts);
          pages.push(p);
          return p;
        },
        // A page opened by an earlier test (kept open): used here, photographed if it is shot.
        adopt: (p) => { pages.push(p); return p; },
        shoot: (p) => { shot = p; },  // the page to photograph (default: the first one)
      };
      let error = null;
      try {
        await fn(ctx);
        const problems = pages.flatMap((p) => p.problems.splice(0));
        if (problems.length) throw new Error(problems.join('\n'));
      } catch (e) {
        error = e;
      }
      shot ??= pages[0];
      const file = path.join(this.screenshotDir, `${name}.png`);
      if (shot) {
        try {
          await shot.screenshot({ path: file, fullPage: true });
        } catch (e) {
          error ??= new Error(`screenshot failed: ${e.message}`);
        }
      } else {
        error ??= new Error('the test opened no page, so it has no screenshot');
      }
      for (const p of pages) if (!p.keep) await p.context().close().catch(() => {});
      const ms = Date.now() - started;
      this.results.push({ name, error, ms });
      if (error) {
        console.log(`not ok - ${name} (${ms} ms)\n  ${String(error.stack ?? error).replace(/\n/g, '\n  ')}`);
      } else {
        console.log(`ok - ${name} (${ms} ms) screenshot ${path.relative(process.cwd(), file)}`);
      }
    }
    for (const p of this.kept) await p.context().close().catch(() => {});
    return this.results;
  }
}

// Asserts `cond`, naming what was expected and what was seen.
export function expect(cond, what, seen) {
  if (!cond) throw new Error(`expected ${what}${seen === undefined ? '' : `; saw ${JSON.stringify(seen)}`}`);
}

// Removes the screenshots of an earlier run, so that a stale picture cannot pass for a new one.
export function freshScreenshotDir(dir) {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dir)) if (f.endsWith('.png')) fs.rmSync(path.join(dir, f));
}
