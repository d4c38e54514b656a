// Usage:
//   node bench.js cold <auth0-sample|aws-jwt-verify>        one decision, policy printed to stdout, then exit
//   node bench.js warm <auth0-sample|aws-jwt-verify> <tokens file> <warmup> <measured>
// Configuration from the environment, as the authorizer reads it: TOKEN_ISSUER, JWKS_URI, AUDIENCE, METHOD_ARN;
// cold reads the token from TOKEN.
'use strict';
const fs = require('fs');

const [mode, impl, tokensFile, warmupArg, measuredArg] = process.argv.slice(2);
if (!['cold', 'warm'].includes(mode) || !['auth0-sample', 'aws-jwt-verify'].includes(impl)) {
  console.error('usage: node bench.js cold|warm auth0-sample|aws-jwt-verify [tokens file] [warmup] [measured]');
  process.exit(2);
}
const config = { issuer: process.env.TOKEN_ISSUER, audience: process.env.AUDIENCE, jwksUri: process.env.JWKS_URI };
const methodArn = process.env.METHOD_ARN;
const decide = require(`./${impl}.js`).create(config);

async function cold() {
  const policy = await decide(process.env.TOKEN, methodArn);
  process.stdout.write(JSON.stringify(policy) + '\n');
}

async function warm() {
  const tokens = fs.readFileSync(tokensFile, 'utf8').split('\n').filter(Boolean);
  const warmup = Number(warmupArg);
  const measured = Number(measuredArg);
  for (let i = 0; i < warmup; i++) await decide(tokens[i % tokens.length], methodArn);
  const samples = new Float64Array(measured);
  const start = process.hrtime.bigint();
  for (let i = 0; i < measured; i++) {
    const t0 = process.hrtime.bigint();
    await decide(tokens[i % tokens.length], methodArn);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const totalSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  samples.sort();
  const pct = (p) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
  process.stdout.write(JSON.stringify({ impl, n: measured, opsPerSecond: measured / totalSeconds, p50Micros: pct(0.5), p99Micros: pct(0.99) }) + '\n');
}

(mode === 'cold' ? cold() : warm()).catch((e) => {
  console.error(`${impl}: ${e.message}`);
  process.exit(1);
});
