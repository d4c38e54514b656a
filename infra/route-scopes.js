'use strict';
// The authorizer's ROUTE_SCOPES, built from the http events of this service: every route behind the authorizer named
// `authorizer`, with the scopes its `authorizer.scopes` lists (any of them; none = open to every valid token).
// osls accepts `scopes` on any http authorizer and compiles it into the template only for Cognito authorizers, so the
// route and its scopes are declared once, on the event, and this is the only copy the authorizer sees.
// Used as ${file(./route-scopes.js)} in serverless.yml; the local stack computes the same (ServerlessConfig), and
// InfrastructureTemplateIT checks the packaged value against the events.
const fs = require('fs');
const path = require('path');
// js-yaml as the running osls loads it (a dependency of osls, not of this package; also from copies of this directory).
const yaml = require.main.require('js-yaml');

const AUTHORIZER = 'authorizer';

module.exports = async ({ resolveConfigurationProperty }) => {
  // The function names from the file itself: resolving all of `functions` would include this very variable.
  const raw = yaml.load(fs.readFileSync(path.join(__dirname, 'serverless.yml'), 'utf8'), { json: true }) || {};
  const routes = {};
  for (const name of Object.keys(raw.functions || {})) {
    const events = (await resolveConfigurationProperty(['functions', name, 'events'])) || [];
    for (const event of events) {
      const http = event && event.http;
      if (!http || typeof http !== 'object' || !http.authorizer) continue;
      const authorizer = typeof http.authorizer === 'string' ? { name: http.authorizer } : http.authorizer;
      if (authorizer.name !== AUTHORIZER || authorizer.arn) continue;
      const key = `${String(http.method).toUpperCase()} /${String(http.path).replace(/^\/+|\/+$/g, '')}`;
      if (routes[key]) throw new Error(`route ${key} is declared twice`);
      routes[key] = (authorizer.scopes || []).map(String);
    }
  }
  return JSON.stringify(routes);
};
