// The pages use only the public API: every request a page sent to the hub during the run must be
// an operation of adapters/http/openapi.json (the same document the router is checked against),
// so a page can never lean on an endpoint that partners' own software cannot call.
import fs from 'node:fs';

// {"GET": [RegExp...], ...} from the document's paths; a {param} matches one path segment.
function operations(openapiPath) {
  const doc = JSON.parse(fs.readFileSync(openapiPath, 'utf8'));
  const ops = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    const re = new RegExp('^' + p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$');
    for (const method of Object.keys(item)) ops.push({ method: method.toUpperCase(), re, path: p });
  }
  return ops;
}

// The requests ("METHOD /path") that match no documented operation, and how many were checked.
export function undocumentedRequests(openapiPath, requests) {
  const ops = operations(openapiPath);
  const bad = [];
  for (const r of requests) {
    const [method, path] = r.split(' ');
    const decoded = path.split('/').map((s) => { try { return decodeURIComponent(s); } catch { return s; } });
    const ok = ops.some((o) => o.method === method && (o.re.test(path) || o.re.test(decoded.join('/'))));
    if (!ok) bad.push(r);
  }
  return bad;
}
