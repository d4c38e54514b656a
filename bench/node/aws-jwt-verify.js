// aws-jwt-verify (awslabs) as its README recommends for a Lambda authorizer: one verifier per container.
'use strict';
const { JwtRsaVerifier } = require('aws-jwt-verify');

function create({ issuer, audience, jwksUri }) {
  const verifier = JwtRsaVerifier.create({ issuer, audience, jwksUri });
  return async function decide(token, methodArn) {
    const payload = await verifier.verify(token);
    return {
      principalId: payload.sub,
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }] },
      context: { scope: payload.scope },
    };
  };
}

module.exports = { create };
