// The real xianjied for the browser tests, as tests/support/daemon.cpp runs it for the C++ ones:
// its own temporary directory (config, person-key file, partner directory, SQLite file, log), a
// free loopback port, tokens made with the real `xianjie token create`, the hub's clock set
// through the fault-injection endpoint (so deadlines never depend on today's date), and a stop
// by SIGTERM whose exit status must be 0. One runner thread (Node's event loop) uses it.
import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { waitFor } from './wait.mjs';

const execFileP = promisify(execFile);

export class Hub {
  // `daemon` and `cli`: the built binaries; `sourceDir`: the checkout (shipped standards and
  // routes); `mqttUri`: the broker (empty: MQTT off).
  constructor({ daemon, cli, sourceDir, tmpRoot, mqttUri = '' }) {
    this.daemon = daemon;
    this.cli = cli;
    this.dir = fs.mkdtempSync(path.join(tmpRoot, 'xianjie-browser-hub-'));
    this.config = path.join(this.dir, 'hub.jsonc');
    this.logPath = path.join(this.dir, 'daemon.log');
    this.proc = null;
    this.exit = null;  // {code, signal} once the daemon has ended
    this.port = 0;
    this.clockToken = '';
    // The person-key file (store.key_file): 32 random bytes, mode 0600, like scripts/run makes.
    fs.writeFileSync(path.join(this.dir, 'hub.key'), randomBytes(32), { mode: 0o600 });
    // The key-encryption key (store.kek_file), outside the database's directory (data/).
    fs.writeFileSync(path.join(this.dir, 'hub.kek'), randomBytes(32), { mode: 0o600 });
    fs.mkdirSync(path.join(this.dir, 'data'));
    this.writePartners('{"partners": []}');
    const mqtt = mqttUri
      ? { uri: mqttUri, client_id: `xianjied-browser-${process.pid}` }
      : { enabled: false };
    const config = {
      http: { port: 0 },
      store: {
        path: path.join(this.dir, 'data', 'hub.db'),
        key_file: path.join(this.dir, 'hub.key'),
        kek_file: path.join(this.dir, 'hub.kek'),
        fault_injection: true,  // the clock (and the sweep) of the scenarios
      },
      standards_dir: path.join(sourceDir, 'config/standards'),
      routes_path: path.join(sourceDir, 'config/routes.jsonc'),
      partners_path: path.join(this.dir, 'partners.jsonc'),
      mqtt,
    };
    // The console's township and village pickers, when this checkout ships them.
    const villages = path.join(sourceDir, 'config/villages.jsonc');
    if (fs.existsSync(villages)) config.villages_path = villages;
    fs.writeFileSync(this.config, JSON.stringify(config, null, 2));
  }

  // Replaces the partner directory before start().
  writePartners(text) { fs.writeFileSync(path.join(this.dir, 'partners.jsonc'), text); }

  // Writes a file into the hub's directory (mode 0600: secrets) and returns its path.
  writeSecret(name, text) {
    const p = path.join(this.dir, name);
    fs.writeFileSync(p, text, { mode: 0o600 });
    return p;
  }

  get url() { return `http://127.0.0.1:${this.port}`; }

  log() {
    try { return fs.readFileSync(this.logPath, 'utf8'); } catch { return ''; }
  }

  // `xianjie token create`; the token it prints.
  // `name`: the one person the token is for (`--name`), as a partner's people each get theirs.
  async token(org, role, townships = [], name = '') {
    const args = ['token', 'create', '--config', this.config, '--org', org, '--role', role];
    for (const t of townships) args.push('--township', t);
    if (name) args.push('--name', name);
    const { stdout } = await execFileP(this.cli, args);
    const token = stdout.trim();
    if (!token) throw new Error(`token create for ${org}/${role} printed no token`);
    return token;
  }

  // Starts the daemon and waits for its "listening" line (the port it bound).
  async start() {
    const out = fs.openSync(this.logPath, 'a');
    this.proc = spawn(this.daemon, ['--config', this.config], {
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    this.proc.on('exit', (code, signal) => { this.exit = { code, signal }; });
    const marker = 'event=listening http=127.0.0.1:';
    await waitFor('xianjied to listen', () => {
      if (this.exit) {
        throw new Error(`xianjied exited at start-up (${describe(this.exit)}); log ${this.logPath}`);
      }
      const l = this.log();
      const at = l.indexOf(marker);
      if (at < 0) return false;
      this.port = parseInt(l.slice(at + marker.length), 10);
      return this.port > 0;
    }, { timeout: 20000 });
    await waitFor('/readyz 200', async () => (await fetch(`${this.url}/readyz`)).status === 200,
      { timeout: 20000 });
  }

  // SIGTERM and the exit status ({code, signal}); throws unless it exited 0 within 60 s.
  async stop() {
    if (!this.proc) return null;
    if (!this.exit) {
      this.proc.kill('SIGTERM');
      try {
        await waitFor('xianjied to exit after SIGTERM', () => this.exit, { timeout: 60000 });
      } catch (e) {
        this.proc.kill('SIGKILL');
        throw e;
      }
    }
    this.proc = null;
    if (this.exit.code !== 0) {
      throw new Error(`xianjied ended with ${describe(this.exit)}, not exit 0 (log ${this.logPath})`);
    }
    return this.exit;
  }

  // Whether the daemon died on its own (before stop()).
  died() { return this.exit !== null && this.proc !== null; }

  // A request to the public API with `token`; JSON in and out. Returns {status, body, text}.
  async api(method, urlPath, token, body) {
    const headers = { Authorization: `Bearer ${token}` };
    let payload;
    if (body !== undefined) {
      headers['Content-Type'] = typeof body === 'string' ? 'text/plain' : 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const r = await fetch(`${this.url}${urlPath}`, { method, headers, body: payload });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON (CSV, plain text) */ }
    return { status: r.status, body: json, text };
  }

  // Like api(), but throws unless the status is `want` (the problems list, never a body with
  // personal data, in the message).
  async must(want, method, urlPath, token, body) {
    const r = await this.api(method, urlPath, token, body);
    if (r.status !== want) {
      const why = r.body && r.body.problems ? JSON.stringify(r.body.problems) : r.body?.error;
      throw new Error(`${method} ${urlPath}: HTTP ${r.status}, wanted ${want} (${why ?? ''})`);
    }
    return r.body;
  }

  // Sets the hub's clock (RFC 3339) through POST /v1/admin/faults.
  async setClock(rfc3339) {
    if (!this.clockToken) throw new Error('setClock needs clockToken (an admin token)');
    await this.must(200, 'POST', '/v1/admin/faults', this.clockToken, `clock ${rfc3339}`);
    this.clockNow = rfc3339;
  }

  // Runs the overdue sweep as of a day (YYYY-MM-DD).
  async sweep(day) {
    await this.must(200, 'POST', '/v1/admin/faults', this.clockToken, `sweep ${day}`);
  }

  // Leaves the directory on failure (named in the output), removes it otherwise.
  cleanup(keep) {
    if (keep) {
      console.error(`xianjied's files (config, database, daemon.log) kept in ${this.dir}`);
    } else {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

function describe(exit) {
  return exit.signal ? `signal ${exit.signal}` : `exit ${exit.code}`;
}
