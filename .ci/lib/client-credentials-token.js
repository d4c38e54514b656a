// Prints an access token from a client-credentials request (RFC 6749 §4.4) to TOKEN_ENDPOINT, or to the
// token_endpoint of ${TOKEN_ISSUER}.well-known/openid-configuration (OpenID Connect Discovery 1.0 §4), with
// SMOKE_CLIENT_ID / SMOKE_CLIENT_SECRET, the audience AUDIENCE (the first, if several; Auth0 needs it) and SMOKE_SCOPE
// when set. Errors name the endpoint and the status, never the secret or a token. Used by .ci/smoke-stage.
// Every URL must be https (plain http only for a loopback host, as the tests' issuer), and no redirect is followed.
'use strict';

const env = process.env;
const TIMEOUT_MS = 10000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

function fail(message) {
  console.error(`.ci/smoke-stage: ${message}`);
  process.exit(1);
}

async function json(response, what) {
  try {
    return await response.json();
  } catch {
    return fail(`${what} answered ${response.status} without a JSON body`);
  }
}

// The client secret goes only where TLS protects it; WHATWG URL lowercases the host and brackets IPv6 ones.
function secure(value, what) {
  let url;
  try {
    url = new URL(value);
  } catch {
    return fail(`${what} is not a URL: ${value}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    fail(`${what} is not https: ${value} (plain http only for 127.0.0.1, [::1] or localhost)`);
  }
  return url.href;
}

// fetch follows a 307/308 by re-sending the same POST body, client secret included, wherever Location points
// (RFC 9110 §15.4.8-9, https://fetch.spec.whatwg.org/#http-redirect-fetch): with redirect 'manual' it hands the 3xx
// back, and it is refused.
async function request(url, init) {
  const response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
    fail(`${url} answered ${response.status}, a redirect, which is not followed: set TOKEN_ENDPOINT to the final URL`);
  }
  return response;
}

async function tokenEndpoint() {
  if (env.TOKEN_ENDPOINT) {
    return secure(env.TOKEN_ENDPOINT, 'TOKEN_ENDPOINT');
  }
  const issuer = env.TOKEN_ISSUER.endsWith('/') ? env.TOKEN_ISSUER : `${env.TOKEN_ISSUER}/`;
  const discovery = secure(`${issuer}.well-known/openid-configuration`, 'TOKEN_ISSUER');
  const response = await request(discovery, {});
  if (!response.ok) {
    fail(`${discovery} answered ${response.status}; set TOKEN_ENDPOINT`);
  }
  const endpoint = (await json(response, discovery)).token_endpoint;
  if (typeof endpoint !== 'string' || endpoint === '') {
    fail(`${discovery} names no token_endpoint; set TOKEN_ENDPOINT`);
  }
  return secure(endpoint, `the token_endpoint of ${discovery}`);
}

async function main() {
  const endpoint = await tokenEndpoint();
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: env.SMOKE_CLIENT_ID,
    client_secret: env.SMOKE_CLIENT_SECRET,
    audience: env.AUDIENCE.split(',')[0].trim(),
  });
  if (env.SMOKE_SCOPE) {
    form.set('scope', env.SMOKE_SCOPE);
  }
  const response = await request(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form,
  });
  const body = await json(response, endpoint);
  if (!response.ok) {
    fail(`${endpoint} refused client ${env.SMOKE_CLIENT_ID}: ${response.status} ${String(body.error || '')}`);
  }
  if (typeof body.access_token !== 'string' || body.access_token === '') {
    fail(`${endpoint} answered ${response.status} without an access_token`);
  }
  process.stdout.write(body.access_token);
}

main().catch((e) => fail(`cannot get a token: ${e.message}`));
