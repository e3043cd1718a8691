// A partner's webhook endpoint for the referral-out scenario: a real HTTP server on a loopback
// port that checks every delivery as README "Verifying a delivery" tells a receiver to (and as
// tests/support/webhook_sink.cpp does with hub/security/webhook_signature.h): HMAC-SHA256 of
// timestamp "." raw body under the partner's secret, compared in constant time with each "v1="
// value of X-Xianjie-Signature, the timestamp within 300 s of the receiver's clock. A verified
// delivery is answered 200 and recorded; anything else 401 (the hub marks it dead at once).
//
// `now` gives the receiver's clock in Unix seconds. The hub signs with its own clock, which the
// scenarios set (fault injection), so the receiver reads the same scenario time.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

export const SIGNATURE_WINDOW_S = 300;

// Why `body` fails verification, or '' when it passes.
export function verifyDelivery(secret, timestamp, signature, body, nowS) {
  if (!/^[0-9]{1,12}$/.test(timestamp ?? '')) return 'missing or malformed timestamp';
  const ts = Number(timestamp);
  if (ts < nowS - SIGNATURE_WINDOW_S) return 'timestamp older than the window';
  if (ts > nowS + SIGNATURE_WINDOW_S) return 'timestamp ahead of the window';
  const expected = Buffer.from(
    'v1=' + createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex'));
  let match = false;
  for (const one of (signature ?? '').split(',')) {
    const candidate = Buffer.from(one.trim());
    // Every candidate is compared, so the time does not tell which one matched.
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) match = true;
  }
  return match ? '' : 'signature does not match';
}

export class WebhookReceiver {
  constructor(secret, now) {
    this.secret = secret;
    this.now = now;
    this.received = [];  // {path, kind, idempotencyKey, body (parsed), verified, error}
    this.server = http.createServer((req, res) => this.#serve(req, res));
  }

  async start() {
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.port = this.server.address().port;
  }

  url(p = '/hook') { return `http://127.0.0.1:${this.port}${p}`; }

  // Verified deliveries about exchange `id` ("ex-N"), in arrival order.
  deliveriesOf(id) {
    return this.received.filter((d) => d.verified && d.body?.exchange === id);
  }

  #serve(req, res) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const error = verifyDelivery(this.secret, req.headers['x-xianjie-timestamp'],
        req.headers['x-xianjie-signature'], raw, this.now());
      let body = null;
      try { body = JSON.parse(raw.toString('utf8')); } catch { /* recorded as null */ }
      this.received.push({
        path: req.url, kind: req.headers['x-xianjie-kind'],
        idempotencyKey: req.headers['idempotency-key'], body, verified: !error, error,
      });
      res.writeHead(error ? 401 : 200, { 'Content-Type': 'application/json' });
      res.end(error ? JSON.stringify({ error }) : '{"ok":true}');
    });
  }

  async stop() {
    this.server.closeAllConnections?.();
    await new Promise((r) => this.server.close(r));
  }
}
