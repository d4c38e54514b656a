// The Auth0 sample's approach (auth0-samples/jwt-rsa-aws-custom-authorizer, lib.js), on current versions of the
// same libraries: jwks-rsa fetches and caches the key by kid, jsonwebtoken verifies, the policy allows methodArn.
'use strict';
const jwt = require('jsonwebtoken');
const jwksClient = require('jwks-rsa');

function create({ issuer, audience, jwksUri }) {
  const client = jwksClient({ cache: true, rateLimit: true, jwksRequestsPerMinute: 10, jwksUri });
  return async function decide(token, methodArn) {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || !decoded.header || !decoded.header.kid) throw new Error('invalid token');
    const key = await client.getSigningKey(decoded.header.kid);
    const payload = jwt.verify(token, key.getPublicKey(), { audience, issuer });
    return {
      principalId: payload.sub,
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }] },
      context: { scope: payload.scope },
    };
  };
}

module.exports = { create };
