#!/usr/bin/env node
// The console's end-to-end tests in Debian's headless Chromium, driven by
// playwright-core, against the real xianjied with real data:
//
//   node tests/browser/run.mjs --daemon build/dev/hub/xianjied --cli build/dev/hub/xianjie \
//       --screenshots build/dev/browser-screenshots [--only NAME-PART]
//
// It starts a real mosquitto, a partner's signature-checking webhook receiver and xianjied on
// free loopback ports (temp config, tokens made with `xianjie token create`, the hub's clock set
// by fault injection so that no deadline depends on today's date), seeds the scenarios through
// the public API, runs every scenario of scenarios/ in a fresh browser context, saves one
// screenshot per test, stops everything and exits non-zero if a scenario failed or the daemon
// did not exit 0 after SIGTERM. `scripts/setup` installs Chromium and this directory's
// node_modules (npm ci); ctest runs this as `browser_console` (dev build).
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { Harness, freshScreenshotDir } from './lib/harness.mjs';
import { undocumentedRequests } from './lib/api_paths.mjs';
import { Hub } from './lib/hub.mjs';
import { Mosquitto } from './lib/mosquitto.mjs';
import { WebhookReceiver } from './lib/webhook_receiver.mjs';
import { seedScenarios, partnersFor } from './scenarios/seed.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const sourceDir = path.resolve(here, '../..');

const { values: opt } = parseArgs({
  options: {
    daemon: { type: 'string' },
    cli: { type: 'string' },
    screenshots: { type: 'string' },
    only: { type: 'string', default: '' },
  },
});
for (const k of ['daemon', 'cli', 'screenshots']) {
  if (!opt[k]) {
    console.error(`usage: run.mjs --daemon XIANJIED --cli XIANJIE --screenshots DIR [--only NAME]`);
    process.exit(2);
  }
}

const CHROMIUM = '/usr/bin/chromium';
// The flags of the console contract: no sandbox (the tests run as root), nothing that reaches
// outside the machine (no background networking, component updates, sync, QUIC).
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function loadPlaywright() {
  const entry = path.join(here, 'node_modules/playwright-core/index.mjs');
  if (!fs.existsSync(entry) || !fs.existsSync(CHROMIUM)) {
    throw new Error(`playwright-core (${entry}) or ${CHROMIUM} is missing: run scripts/setup`);
  }
  return import(pathToFileURL(entry).href);
}

async function main() {
  const started = Date.now();
  const { chromium } = await loadPlaywright();
  freshScreenshotDir(opt.screenshots);
  const tmpRoot = process.env.TMPDIR || os.tmpdir();

  const mosquitto = new Mosquitto(tmpRoot);
  let hub = null;
  // Killed or ended by an error before the cleanup below (a ctest timeout, Ctrl-C): no daemon
  // or broker may outlive the runner.
  const orphans = () => { hub?.proc?.kill('SIGKILL'); mosquitto.proc?.kill('SIGKILL'); };
  process.on('exit', orphans);
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => { console.log(`not ok - interrupted by ${sig}`); process.exit(1); });
  }
  let receiver = null;
  let browser = null;
  let failed = 0;
  let results = [];
  try {
    await mosquitto.start();
    // The partner's receiver reads the hub's scenario clock (see lib/webhook_receiver.mjs).
    receiver = new WebhookReceiver(WEBHOOK_SECRET, () => Math.floor(scenarioNow().getTime() / 1000));
    await receiver.start();
    await receiverRefusesForgeries(receiver);
    hub = new Hub({
      daemon: path.resolve(opt.daemon), cli: path.resolve(opt.cli), sourceDir, tmpRoot,
      mqttUri: mosquitto.uri,
    });
    hub.writePartners(partnersFor(receiver.url('/xianjie'),
      hub.writeSecret('charity-1.key', `${WEBHOOK_SECRET}\n`)));
    const env = await seedScenarios(hub, receiver, { setNow: (d) => { clock = d; } });

    browser = await chromium.launch({
      executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true,
      // launch() gives every run a fresh temporary profile (user-data-dir), removed on close.
    });
    const h = new Harness({
      browser, screenshotDir: opt.screenshots, baseUrl: hub.url, only: opt.only,
      now: scenarioNow,
    });
    for (const file of SCENARIOS) {
      const mod = await import(pathToFileURL(path.join(here, 'scenarios', file)).href);
      mod.register(h, env);
    }
    results = await h.run();
    failed = results.filter((r) => r.error).length;
    if (results.length === 0) {
      console.log('no test ran (is --only right?)');
      failed = 1;
    }
    // The console has no endpoint of its own: each request of every page is a documented one.
    const api = [...h.requests].filter((r) => r.includes(' /v1/'));
    const undocumented = undocumentedRequests(path.join(sourceDir, 'adapters/http/openapi.json'),
      h.requests);
    if (api.length === 0 || undocumented.length) {
      console.log(`not ok - the pages sent requests that are not in openapi.json: ${undocumented.join(', ') || '(no API request at all)'}`);
      failed += 1;
    } else {
      console.log(`ok - every request of the pages (${api.length} distinct API paths) is an operation of openapi.json`);
    }
    if (hub.died()) {
      console.log(`not ok - xianjied died during the tests (${JSON.stringify(hub.exit)}); log ${hub.logPath}`);
      failed += 1;
    }
  } catch (e) {
    console.log(`not ok - set-up: ${e.stack ?? e}`);
    failed += 1;
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (hub) {
      try {
        await hub.stop();
        console.log('ok - xianjied exited 0 after SIGTERM');
      } catch (e) {
        console.log(`not ok - ${e.message}`);
        failed += 1;
      }
    }
    if (receiver) await receiver.stop().catch(() => {});
    await mosquitto.stop().catch(() => {});
    hub?.cleanup(failed > 0);
    mosquitto.cleanup(failed > 0);
  }
  const passed = results.filter((r) => !r.error).length;
  console.log(`browser_console: ${passed} passed, ${results.length - passed} failed` +
    ` (${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${opt.screenshots})`);
  process.exitCode = failed > 0 ? 1 : 0;
}

// The receiver's check can fail: a delivery signed with another secret is refused (401) and not
// counted as verified, so the referral scenario's "delivered" means a verified delivery.
async function receiverRefusesForgeries(receiver) {
  const body = '{"exchange":"ex-forged"}';
  const ts = String(Math.floor(scenarioNow().getTime() / 1000));
  const sig = 'v1=' + createHmac('sha256', 'another-secret').update(`${ts}.${body}`).digest('hex');
  const r = await fetch(receiver.url(), { method: 'POST', body, headers: {
    'X-Xianjie-Timestamp': ts, 'X-Xianjie-Signature': sig, 'X-Xianjie-Kind': 'exchange.referral' } });
  if (r.status !== 401 || receiver.deliveriesOf('ex-forged').length !== 0) {
    throw new Error(`the webhook receiver accepted a forged delivery (HTTP ${r.status})`);
  }
  receiver.received.length = 0;
}

// The hub's scenario time: what the last setClock said (the hub's fault clock does not move on
// by itself), shared by the page's clock and the webhook receiver's signature window.
let clock = new Date();
function scenarioNow() { return new Date(clock.getTime()); }

const WEBHOOK_SECRET = 'browser-test-secret-of-charity-1-0123456789';

// In run order; each registers its tests with the harness.
const SCENARIOS = ['signin.mjs', 'language.mjs', 'call.mjs', 'keyboard.mjs', 'scope.mjs', 'exchange.mjs',
  'access.mjs', 'dashboard.mjs', 'partner_person.mjs', 'partner_agency.mjs',
  'partner_charity.mjs'];

await main();
