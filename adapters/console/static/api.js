// The hub's API from the page: the bearer token, JSON in and out, errors as ApiError with the
// API's problems list. No private endpoint: the console calls what any client may call, with the
// user's own token and scopes.
const TOKEN_KEY = 'xj.token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}
export function setToken(t) {
  sessionStorage.setItem(TOKEN_KEY, t);
}
export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

// A failed call: status 0 for a network failure; `problems` is the API's [{path, problem}].
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = (body && body.error) || '';
    this.problems = (body && Array.isArray(body.problems) && body.problems) || [];
    this.body = body || {};
  }
}

function url(path, query) {
  const u = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query || {}))
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
  return u.pathname + u.search;
}

// request('GET', '/v1/queues', {query, body, signal, accept, onHeaders}) -> parsed JSON (or text
// for a non-JSON answer); onHeaders(headers) sees a successful answer's headers (e.g.
// Idempotent-Replayed). Throws ApiError; a 401 also clears the token and tells the shell
// ('xj:unauthorized'), which sends the user back to sign-in. An abort rethrows the AbortError.
export async function request(method, path, opts = {}) {
  const headers = { Accept: opts.accept || 'application/json' };
  if (token()) headers.Authorization = 'Bearer ' + token();
  const init = { method, headers, signal: opts.signal, cache: 'no-store' };
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch(url(path, opts.query), init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { error: 'network', message: 'network' });
  }
  const text = await res.text();
  const isJson = (res.headers.get('Content-Type') || '').startsWith('application/json');
  let data = text;
  if (isJson && text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { error: 'bad_json', message: 'the hub answered invalid JSON' };
    }
  }
  if (res.status === 401) {
    clearToken();
    window.dispatchEvent(new CustomEvent('xj:unauthorized'));
  }
  if (!res.ok) throw new ApiError(res.status, typeof data === 'object' ? data : null);
  if (opts.onHeaders) opts.onHeaders(res.headers);
  return data;
}

export const get = (path, query, opts = {}) => request('GET', path, { ...opts, query });
export const post = (path, body, opts = {}) => request('POST', path, { ...opts, body });

// The API's problems grouped by form field: `fields` maps a JSON pointer to a field name
// ({'/subject/phone': 'phone'}); problems of other paths go under '' (shown for the whole form).
export function problemsByField(problems, fields) {
  const out = {};
  for (const p of problems || []) {
    const f = fields[p.path] ?? '';
    (out[f] = out[f] || []).push(p.problem);
  }
  return out;
}
