// Sign-in: a pasted access token, or OIDC authorization code + PKCE against the configured issuer. The token lives in
// sessionStorage only (gone when the tab closes) and never in a URL.
const TOKEN = 'latchkey.token';
const PKCE = 'latchkey.pkce';
const RETURN = 'latchkey.return';

export function token() {
  return sessionStorage.getItem(TOKEN);
}

export function signIn(value) {
  sessionStorage.setItem(TOKEN, value.trim());
}

export function signOut() {
  sessionStorage.removeItem(TOKEN);
}

/** Where to go after sign-in: the deep link that was opened before it. */
export function rememberReturn(path) {
  sessionStorage.setItem(RETURN, path);
}

export function takeReturn() {
  const r = sessionStorage.getItem(RETURN);
  sessionStorage.removeItem(RETURN);
  return r && r.startsWith('/console/') ? r : '/console/';
}

function b64url(bytes) {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function random(n) {
  return b64url(crypto.getRandomValues(new Uint8Array(n)));
}

async function discovery(issuer) {
  const res = await fetch(issuer.replace(/\/$/, '') + '/.well-known/openid-configuration');
  if (!res.ok) throw new Error('The identity provider did not answer (' + res.status + ')');
  return res.json();
}

/** Sends the browser to the identity provider. */
export async function startOidc(oidc) {
  const d = await discovery(oidc.issuer);
  const verifier = random(32);
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const state = random(16);
  sessionStorage.setItem(PKCE, JSON.stringify({verifier, state, tokenEndpoint: d.token_endpoint}));
  const q = new URLSearchParams({
    response_type: 'code', client_id: oidc.clientId, redirect_uri: location.origin + '/console/callback',
    scope: oidc.scope, state, code_challenge: challenge, code_challenge_method: 'S256'});
  location.assign(d.authorization_endpoint + '?' + q);
}

/** Back from the identity provider: exchanges the code for a token. */
export async function finishOidc(oidc) {
  const params = new URLSearchParams(location.search);
  const saved = JSON.parse(sessionStorage.getItem(PKCE) || 'null');
  sessionStorage.removeItem(PKCE);
  if (params.get('error')) throw new Error(params.get('error_description') || params.get('error'));
  if (!saved || !params.get('state') || params.get('state') !== saved.state) {
    throw new Error('The sign-in answer does not match this browser session; sign in again.');
  }
  const res = await fetch(saved.tokenEndpoint, {
    method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: params.get('code'), redirect_uri: location.origin + '/console/callback',
      client_id: oidc.clientId, code_verifier: saved.verifier})});
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error_description || body.error || 'The identity provider refused the code');
  signIn(body.access_token || body.id_token);
}
