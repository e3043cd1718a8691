// Who is signed in: the token (sessionStorage: gone when the tab closes) and GET /v1/whoami.
import { get, token, setToken, clearToken } from './api.js';
import { loadVocabulary } from './vocabulary.js';

let current = null;

// Each role's first page after sign-in (CONSOLE-CONTRACT.md).
export const HOME = {
  hotline: '#/call',
  staff: '#/queues',
  admin: '#/dashboard',
  charity: '#/inbox',
  agency: '#/agency',
};

export function homeFor(role) {
  return HOME[role] || '#/signin';
}

// The signed-in principal, asking the hub once per token; null without a token. A 401 (token
// revoked or mistyped) throws an ApiError with status 401 and clears the token.
export async function loadSession() {
  if (!token()) return null;
  if (!current) {
    const who = await get('/v1/whoami');
    await loadVocabulary();  // every page after sign-in offers and names its values
    current = who;
  }
  return current;
}

export function session() {
  return current;
}

export async function signIn(newToken) {
  current = null;
  setToken(newToken.trim());
  try {
    return await loadSession();
  } catch (e) {
    clearToken();
    throw e;
  }
}

export function signOut() {
  current = null;
  clearToken();
}

// The session is gone (a 401 somewhere): forget it.
export function forget() {
  current = null;
}
