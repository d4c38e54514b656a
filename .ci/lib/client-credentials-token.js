// Prints an access token from a client-credentials request (RFC 6749 §4.4) to TOKEN_ENDPOINT, or to the
// token_endpoint of ${TOKEN_ISSUER}.well-known/openid-configuration (OpenID Connect Discovery 1.0 §4), with
// SMOKE_CLIENT_ID / SMOKE_CLIENT_SECRET, the audience AUDIENCE (the first, if several; Auth0 needs it) and SMOKE_SCOPE
// when set. Errors name the endpoint and the status, never the secret or a token. Used by .ci/smoke-stage.
'use strict';

const env = process.env;
const TIMEOUT_MS = 10000;

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

async function tokenEndpoint() {
  if (env.TOKEN_ENDPOINT) {
    return env.TOKEN_ENDPOINT;
  }
  const issuer = env.TOKEN_ISSUER.endsWith('/') ? env.TOKEN_ISSUER : `${env.TOKEN_ISSUER}/`;
  const discovery = `${issuer}.well-known/openid-configuration`;
  const response = await fetch(discovery, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) {
    fail(`${discovery} answered ${response.status}; set TOKEN_ENDPOINT`);
  }
  const endpoint = (await json(response, discovery)).token_endpoint;
  if (typeof endpoint !== 'string' || endpoint === '') {
    fail(`${discovery} names no token_endpoint; set TOKEN_ENDPOINT`);
  }
  return endpoint;
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
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form,
    signal: AbortSignal.timeout(TIMEOUT_MS),
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
