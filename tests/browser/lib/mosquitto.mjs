// A real mosquitto on a free loopback port for the hub's MQTT side (anonymous, no persistence:
// the browser scenarios publish nothing themselves; the hub connects as it does in production).
// Started again on another port if the chosen one was taken meanwhile.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { accepts, freePort } from './ports.mjs';
import { waitFor } from './wait.mjs';

export class Mosquitto {
  constructor(tmpRoot) {
    this.dir = fs.mkdtempSync(path.join(tmpRoot, 'xianjie-browser-mosquitto-'));
    this.proc = null;
    this.port = 0;
  }

  get uri() { return `tcp://127.0.0.1:${this.port}`; }

  async start() {
    for (let attempt = 0; attempt < 20; ++attempt) {
      this.port = await freePort();
      const conf = path.join(this.dir, 'mosquitto.conf');
      fs.writeFileSync(conf, `listener ${this.port} 127.0.0.1\nallow_anonymous true\n` +
        'persistence false\nset_tcp_nodelay true\n');
      const log = fs.openSync(path.join(this.dir, 'mosquitto.log'), 'a');
      const proc = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', log, log] });
      fs.closeSync(log);
      let exited = false;
      proc.on('exit', () => { exited = true; });
      try {
        await waitFor('mosquitto to listen', async () => {
          if (exited) throw new Error('mosquitto exited');
          return accepts(this.port);
        }, { timeout: 10000, every: 20 });
        this.proc = proc;
        return;
      } catch (e) {
        if (!exited) proc.kill('SIGKILL');
        const l = fs.readFileSync(path.join(this.dir, 'mosquitto.log'), 'utf8');
        if (!l.includes('Address already in use')) throw new Error(`${e.message}:\n${l}`);
      }
    }
    throw new Error('mosquitto could not bind a port');
  }

  // Stops the broker after the hub (receipts of messages in hand still go out through it).
  async stop() {
    if (!this.proc) return;
    const p = this.proc;
    this.proc = null;
    if (p.exitCode !== null || p.signalCode !== null) return;
    const done = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await done;
  }

  cleanup(keep) {
    if (keep) console.error(`mosquitto's files (config, log) kept in ${this.dir}`);
    else fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
