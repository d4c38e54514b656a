'use strict';
// An osls plugin that hands the authorizer its ROUTE_SCOPES: {"VERB /path": [scopes]} of every http event of this
// service behind the authorizer function named `authorizer`, with the scopes its `authorizer.scopes` lists (any of
// them; none = open to every valid token). osls accepts `scopes` on any http authorizer and compiles it into the
// template only for Cognito authorizers, so the route and its scopes are declared once, on the event, and this is the
// only copy the authorizer sees.
//
// It runs before packaging, on the fully resolved service (every function, however serverless.yml is split, e.g.
// `functions: ${file(./functions.yml)}`), and fails the build rather than ship a table that misses a route: the
// authorizer refuses every request no table route describes, and refuses to start without a table. A ROUTE_SCOPES
// written by hand must equal the computed one. The local stack computes the same (ServerlessConfig), and
// InfrastructureTemplateIT checks the packaged value against the events.
const AUTHORIZER = 'authorizer';

function routeScopes(functions) {
  const routes = {};
  for (const [name, definition] of Object.entries(functions || {})) {
    for (const event of (definition && definition.events) || []) {
      const http = event && event.http;
      if (!http || typeof http !== 'object' || !http.authorizer) continue;
      const authorizer = typeof http.authorizer === 'string' ? { name: http.authorizer } : http.authorizer;
      if (authorizer.name !== AUTHORIZER || authorizer.arn) continue;
      const key = `${String(http.method).toUpperCase()} /${String(http.path).replace(/^\/+|\/+$/g, '')}`;
      if (routes[key]) throw new Error(`route-scopes: route ${key} is declared twice (function ${name})`);
      const scopes = authorizer.scopes || [];
      if (!Array.isArray(scopes) || scopes.some((scope) => typeof scope !== 'string' || scope === '')) {
        throw new Error(`route-scopes: the authorizer.scopes of route ${key} (function ${name}) must be a list of non-empty strings`);
      }
      routes[key] = scopes;
    }
  }
  return routes;
}

function same(a, b) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length
    && keys.every((key) => Array.isArray(b[key]) && JSON.stringify(a[key]) === JSON.stringify(b[key]));
}

class RouteScopesPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    // package (also run by deploy) and `deploy function`, which updates the function's configuration on its own.
    this.hooks = {
      'before:package:initialize': () => this.apply(),
      'before:deploy:function:initialize': () => this.apply(),
    };
  }

  apply() {
    const functions = this.serverless.service.functions || {};
    const fail = (message) => { throw new this.serverless.classes.Error(`route-scopes: ${message}`); };
    const authorizer = functions[AUTHORIZER];
    if (!authorizer) fail(`the service has no function '${AUTHORIZER}' to hand ROUTE_SCOPES to`);
    let routes;
    try {
      routes = routeScopes(functions);
    } catch (e) {
      fail(e.message.replace(/^route-scopes: /, ''));
    }
    if (Object.keys(routes).length === 0) {
      fail(`no http event is behind the authorizer '${AUTHORIZER}', so ROUTE_SCOPES would be empty and the authorizer would refuse to start`);
    }
    authorizer.environment = authorizer.environment || {};
    const written = authorizer.environment.ROUTE_SCOPES;
    if (written !== undefined && written !== null && String(written).trim() !== '') {
      let parsed;
      try {
        parsed = JSON.parse(String(written));
      } catch (e) {
        fail(`the ROUTE_SCOPES written in serverless.yml is not JSON; remove it (this plugin computes it)`);
      }
      if (!parsed || typeof parsed !== 'object' || !same(routes, parsed)) {
        const missing = Object.keys(routes).filter((key) => !(parsed && key in parsed));
        fail(`the ROUTE_SCOPES written in serverless.yml differs from the http events behind the authorizer`
          + (missing.length ? ` (missing: ${missing.join(', ')})` : '') + `; remove it (this plugin computes it)`);
      }
    }
    authorizer.environment.ROUTE_SCOPES = JSON.stringify(routes);
  }
}

module.exports = RouteScopesPlugin;
module.exports.routeScopes = routeScopes;
