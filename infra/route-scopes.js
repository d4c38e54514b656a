'use strict';
// An osls plugin that tells the authorizer function named `authorizer` which API it serves: ROUTE_SCOPES,
// {"VERB /path": [scopes]} of every http event of this service behind it, with the scopes its `authorizer.scopes` lists
// (any of them; none = open to every valid token), and API_IDS, the id of the REST API those events belong to (osls's
// own reference to it: { Ref: ApiGatewayRestApi }, or provider.apiGateway.restApiId for an existing API). The
// authorizer refuses events of any other API, so the table is never applied to routes it does not describe. osls
// accepts `scopes` on any http authorizer and compiles it into the template only for Cognito authorizers, so the route
// and its scopes are declared once, on the event, and this is the only copy the authorizer sees.
//
// An http event is behind the authorizer when its authorizer is `authorizer` (by name) or an `arn` referring to that
// function of this stack: { Fn::GetAtt: [AuthorizerLambdaFunction, Arn] }, { Ref: AuthorizerSnapStartLambdaAlias } (or
// its { Fn::GetAtt: [..., AliasArn] }). Any other `arn` (a string ARN too: its account is not checked, and osls points
// the authorizer at $LATEST), or an `authorizerId`, fails the build: this stack's table cannot describe it. Events of
// one osls authorizer (one name) must agree on its settings, which osls takes from the last of them. A
// cached REQUEST authorizer (resultTtlInSeconds not 0; osls's default is 300) must take exactly the Authorization
// header as its identity source: API Gateway caches the decision under that value, and the authorizer verifies the
// token of the Authorization header (a TOKEN authorizer's identity source is the token it gets).
//
// A second hook checks the final template: a method wired to the authorizer in `resources` (or by an extension) must be
// a route of the table, and an authorizer invoking the function must be on the service's API (templateProblem).
//
// It runs before packaging, on the fully resolved service (every function, however serverless.yml is split, e.g.
// `functions: ${file(./functions.yml)}`), and fails the build rather than ship a table that misses a route. A
// ROUTE_SCOPES or API_IDS written by hand must equal the computed one. The local stack computes the same
// (RouteScopesPlugin.java), and the infra tests check the packaged values against the events.
const { isDeepStrictEqual } = require('node:util');

const AUTHORIZER = 'authorizer';
// The package of the authorizer's handlers.
const AUTHORIZER_PACKAGE = 'dev.gatehouse.authorizer.';
// The methods osls accepts besides ANY.
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'];
const HEADER_SOURCE = /^method\.request\.header\.(.+)$/;
// Identity sources: https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html
const AUTHORIZATION_SOURCE = 'method.request.header.Authorization';

// Whether an authorizer `arn` refers to this stack's authorizer function (`own`: its logical ids). The Ref of an
// AWS::Lambda::Alias, and its AliasArn, is the alias's ARN; the Arn of an AWS::Lambda::Function the function's
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-alias.html).
function namesTheAuthorizer(arn, own) {
  if (!arn || typeof arn !== 'object' || Array.isArray(arn) || Object.keys(arn).length !== 1) return false;
  if ('Ref' in arn) return arn.Ref === own.aliasId;
  const getAtt = typeof arn['Fn::GetAtt'] === 'string' ? arn['Fn::GetAtt'].split('.') : arn['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt.length === 2
    && ((getAtt[0] === own.functionId && getAtt[1] === 'Arn') || (getAtt[0] === own.aliasId && getAtt[1] === 'AliasArn'));
}

// The http event's authorizer as osls's getAuthorizer reads it (api-gateway/lib/validate.js): a string is AWS_IAM, an
// ARN (with a colon) or a function name.
function authorizerOf(http) {
  if (typeof http.authorizer !== 'string') return http.authorizer;
  if (http.authorizer.toUpperCase() === 'AWS_IAM') return { type: 'AWS_IAM' };
  return http.authorizer.includes(':') ? { arn: http.authorizer } : { name: http.authorizer };
}

// osls's getNormalizedFunctionName, which names an authorizer's resource.
function normalizedName(name) {
  const normalized = name.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return normalized.charAt(0).toUpperCase() + normalized.slice(1);
}

// The settings osls takes from one event for the authorizer resource of all of them (api-gateway/lib/validate.js and
// authorizers.js), normalized as osls reads them.
const SETTINGS = ['type', 'identitySource', 'resultTtlInSeconds', 'identityValidationExpression', 'arn'];

// ROUTE_SCOPES of the http events behind the authorizer; throws (a message without the plugin's prefix) on an event
// it must refuse.
function routeScopes(functions, own) {
  const routes = {};
  const firstOfAuthorizer = {};
  for (const [name, definition] of Object.entries(functions || {})) {
    for (const event of (definition && definition.events) || []) {
      const http = event && event.http;
      if (!http || typeof http !== 'object' || !http.authorizer) continue;
      const key = `${String(http.method).toUpperCase()} /${String(http.path).replace(/^\/+|\/+$/g, '')}`;
      const route = `route ${key} (function ${name})`;
      const authorizer = authorizerOf(http);
      const type = String(authorizer.type || 'token').toUpperCase();
      if (authorizer.type && authorizer.authorizerId) {
        throw new Error(`${route} names its authorizer by authorizerId ${JSON.stringify(authorizer.authorizerId)},`
          + ` which may be this stack's authorizer without the route in its ROUTE_SCOPES; use authorizer.name:`
          + ` ${AUTHORIZER}`);
      }
      if (type === 'AWS_IAM') continue;
      if (authorizer.arn) {
        if (!namesTheAuthorizer(authorizer.arn, own)) {
          throw new Error(`${route} names its authorizer by arn ${JSON.stringify(authorizer.arn)}, which is not a`
            + ` reference to this stack's function '${AUTHORIZER}'; use authorizer.name: ${AUTHORIZER} (a service`
            + ` deployed as its own stack deploys its own authorizer: infra/examples/separate-stack)`);
        }
      } else if (authorizer.name !== AUTHORIZER) {
        continue;
      }
      const method = String(http.method).toUpperCase();
      if (!METHODS.includes(method)) {
        throw new Error(`${route} has method '${method}': http.method must be one of ${METHODS.join(', ')}`);
      }
      if (routes[key]) throw new Error(`route ${key} is declared twice (function ${name})`);
      // osls: a resultTtlInSeconds that is not a number is 300; a missing identity source the Authorization header.
      const parsedTtl = Number.parseInt(authorizer.resultTtlInSeconds, 10);
      const ttl = Number.isNaN(parsedTtl) ? 300 : parsedTtl;
      const source = authorizer.identitySource ? String(authorizer.identitySource).trim() : AUTHORIZATION_SOURCE;
      const expression = authorizer.identityValidationExpression;
      const settings = {
        type,
        identitySource: source,
        resultTtlInSeconds: ttl,
        identityValidationExpression: typeof expression === 'string' && expression !== '' ? expression : null,
        arn: authorizer.arn === undefined ? null : authorizer.arn,
      };
      const authorizerName = authorizer.name || JSON.stringify(authorizer.arn);
      const first = firstOfAuthorizer[normalizedName(authorizerName)];
      if (!first) {
        firstOfAuthorizer[normalizedName(authorizerName)] = { key, settings };
      } else {
        const differing = SETTINGS.find((setting) => !isDeepStrictEqual(first.settings[setting], settings[setting]));
        if (differing) {
          throw new Error(`${route} and route ${first.key} set the authorizer '${authorizerName}' differently`
            + ` (${differing}): osls deploys one authorizer with the last route's settings for both; make them equal`);
        }
      }
      const header = HEADER_SOURCE.exec(source);
      if (type === 'REQUEST' && ttl !== 0 && !(header && header[1].toLowerCase() === 'authorization')) {
        throw new Error(`${route} has a cached REQUEST authorizer whose identitySource is '${source}': API Gateway`
          + ` would cache its decision under a value the authorizer never checks (it verifies the token of the`
          + ` Authorization header); use identitySource: ${AUTHORIZATION_SOURCE}, or resultTtlInSeconds: 0`);
      }
      const scopes = authorizer.scopes || [];
      if (!Array.isArray(scopes) || scopes.some((scope) => typeof scope !== 'string' || scope === '')) {
        throw new Error(`the authorizer.scopes of route ${key} (function ${name}) must be a list of non-empty strings`);
      }
      routes[key] = scopes;
    }
  }
  return routes;
}

// The path of the AWS::ApiGateway::Resource `id` from its ParentId/PathPart chain up to `root` (osls's root resource
// reference), or null where the chain cannot be followed.
function resourcePath(resources, id, root) {
  const parts = [];
  const seen = new Set();
  for (let current = id; !isDeepStrictEqual(current, root);) {
    const logicalId = current && typeof current === 'object' && Object.keys(current).length === 1 ? current.Ref : null;
    const resource = typeof logicalId === 'string' && !seen.has(logicalId) ? resources[logicalId] : null;
    const properties = resource && resource.Type === 'AWS::ApiGateway::Resource' ? resource.Properties || {} : null;
    if (!properties || typeof properties.PathPart !== 'string') return null;
    seen.add(logicalId);
    parts.unshift(properties.PathPart);
    current = properties.ParentId;
  }
  return `/${parts.join('/')}`;
}

// Whether `value` (an AuthorizerUri) mentions the authorizer function anywhere: a reference to its logical ids or its
// deployed name in any string. Over-approximates, so an authorizer that might reach the function is checked.
function mentions(value, own) {
  if (typeof value === 'string') {
    return value === own.functionId || value === own.aliasId || (own.name !== undefined && value.includes(own.name));
  }
  if (Array.isArray(value)) return value.some((item) => mentions(item, own));
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => mentions(key, own) || mentions(item, own));
  }
  return false;
}

// Problems of the final template (after osls merged resources.Resources and resources.extensions): every method with a
// CUSTOM authorizer uses an authorizer of the template, each one reaching the authorizer function is on the service's
// API, and each method using one is a route of ROUTE_SCOPES. Methods and authorizers per
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-method.html and
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-authorizer.html.
function templateProblem(resources, routes, own, apiId, root) {
  const ours = new Set();
  for (const [id, resource] of Object.entries(resources)) {
    if (!resource || resource.Type !== 'AWS::ApiGateway::Authorizer') continue;
    const properties = resource.Properties || {};
    if (!mentions(properties.AuthorizerUri, own)) continue;
    if (!isDeepStrictEqual(properties.RestApiId, apiId)) {
      return `the authorizer ${id} invokes the function '${AUTHORIZER}' on the REST API`
        + ` ${JSON.stringify(properties.RestApiId)}, not this service's API (${JSON.stringify(apiId)})`;
    }
    ours.add(id);
  }
  for (const [id, resource] of Object.entries(resources)) {
    if (!resource || resource.Type !== 'AWS::ApiGateway::Method') continue;
    const properties = resource.Properties || {};
    const authorization = properties.AuthorizationType;
    if (typeof authorization !== 'string' && authorization !== undefined) {
      return `the method ${id} has an AuthorizationType that is not a string`;
    }
    if (String(authorization).toUpperCase() !== 'CUSTOM') continue;
    const authorizer = properties.AuthorizerId;
    const authorizerId = authorizer && typeof authorizer === 'object' && Object.keys(authorizer).length === 1
      ? authorizer.Ref : undefined;
    const target = typeof authorizerId === 'string' ? resources[authorizerId] : undefined;
    if (!target || target.Type !== 'AWS::ApiGateway::Authorizer') {
      return `the method ${id} has a CUSTOM AuthorizerId ${JSON.stringify(authorizer)} that is not a Ref of an`
        + ` AWS::ApiGateway::Authorizer of this template`;
    }
    if (!ours.has(authorizerId)) continue;
    const path = resourcePath(resources, properties.ResourceId, root);
    if (path === null) {
      return `the method ${id} uses the authorizer ${authorizerId}, but its ResourceId cannot be followed to the`
        + ` API's root resource, so ROUTE_SCOPES cannot list it`;
    }
    const key = `${String(properties.HttpMethod).toUpperCase()} ${path}`;
    if (!(key in routes)) {
      return `the method ${id} (${key}) uses the authorizer ${authorizerId} but is not a route of ROUTE_SCOPES;`
        + ` declare it as an http event with authorizer.name: ${AUTHORIZER}`;
    }
  }
  return null;
}

function same(a, b) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length
    && keys.every((key) => Array.isArray(b[key]) && JSON.stringify(a[key]) === JSON.stringify(b[key]));
}

function written(value) {
  return value !== undefined && value !== null && String(value).trim() !== '';
}

class RouteScopesPlugin {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options || {};
    // package (also run by deploy) and `deploy function`, which updates the function's configuration on its own.
    this.hooks = {
      'before:package:initialize': () => this.apply(),
      'before:deploy:function:initialize': () => this.applyToDeployFunction(),
      // The final template, after osls merged resources.Resources and resources.extensions into it (osls's
      // package/index.js; `deploy` spawns `package`, lib/plugins/deploy.js).
      'after:aws:package:finalize:mergeCustomProviderResources': () => this.checkTemplate(),
    };
  }

  fail(message) {
    throw new this.serverless.classes.Error(`route-scopes: ${message}`);
  }

  apply() {
    const functions = this.serverless.service.functions || {};
    const authorizer = functions[AUTHORIZER];
    if (!authorizer) this.fail(`the service has no function '${AUTHORIZER}' to hand ROUTE_SCOPES to`);
    for (const [name, definition] of Object.entries(functions)) {
      const handler = definition && definition.handler;
      if (name !== AUTHORIZER && typeof handler === 'string' && handler.startsWith(AUTHORIZER_PACKAGE)) {
        this.fail(`function ${name} runs ${handler}: one Gatehouse authorizer per stack, named '${AUTHORIZER}'; a`
          + ` second API or table deploys as its own stack`);
      }
    }
    const apiGateway = this.serverless.service.provider.apiGateway || {};
    if (written(apiGateway.restApiRootResourceId)) {
      this.fail(`provider.apiGateway.restApiRootResourceId is set: the routes would hang below a resource ROUTE_SCOPES`
        + ` cannot see; remove it`);
    }
    const provider = this.serverless.getProvider('aws');
    const own = {
      functionId: provider.naming.getLambdaLogicalId(AUTHORIZER),
      aliasId: provider.naming.getLambdaSnapStartAliasLogicalId(AUTHORIZER),
      name: authorizer.name,
    };
    let routes;
    try {
      routes = routeScopes(functions, own);
    } catch (e) {
      this.fail(e.message);
    }
    if (Object.keys(routes).length === 0) {
      this.fail(`no http event is behind the authorizer '${AUTHORIZER}', so ROUTE_SCOPES would be empty and the authorizer would refuse to start`);
    }
    // What osls itself puts in the API's resources and permissions: provider.apiGateway.restApiId, else the API it
    // creates.
    const apiId = provider.getApiGatewayRestApiId();
    if (typeof apiId === 'string' && !/^[A-Za-z0-9]+$/.test(apiId)) {
      this.fail(`provider.apiGateway.restApiId '${apiId}' is not an API Gateway API id (letters and digits only)`);
    }
    authorizer.environment = authorizer.environment || {};
    const environment = authorizer.environment;
    if (written(environment.ROUTE_SCOPES)) {
      let parsed;
      try {
        parsed = JSON.parse(String(environment.ROUTE_SCOPES));
      } catch (e) {
        this.fail(`the ROUTE_SCOPES written in serverless.yml is not JSON; remove it (this plugin computes it)`);
      }
      if (!parsed || typeof parsed !== 'object' || !same(routes, parsed)) {
        const missing = Object.keys(routes).filter((key) => !(parsed && key in parsed));
        this.fail(`the ROUTE_SCOPES written in serverless.yml differs from the http events behind the authorizer`
          + (missing.length ? ` (missing: ${missing.join(', ')})` : '') + `; remove it (this plugin computes it)`);
      }
    }
    if (written(environment.API_IDS) && !isDeepStrictEqual(environment.API_IDS, apiId)) {
      this.fail(`the API_IDS written in serverless.yml (${JSON.stringify(environment.API_IDS)}) differs from this`
        + ` service's API (${JSON.stringify(apiId)}); remove it (this plugin computes it)`);
    }
    environment.ROUTE_SCOPES = JSON.stringify(routes);
    environment.API_IDS = apiId;
    this.checked = { routes, own, apiId, root: provider.getApiGatewayRestApiRootResourceId() };
  }

  checkTemplate() {
    if (!this.checked) this.fail(`the template was packaged without ROUTE_SCOPES being computed`);
    const { routes, own, apiId, root } = this.checked;
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    const problem = templateProblem((template && template.Resources) || {}, routes, own, apiId, root);
    if (problem) this.fail(problem);
  }

  // `deploy function` sets the environment through the Lambda API, and leaves it as it is when a value is an object
  // (osls's deploy-function.js), such as API_IDS's { Ref: ApiGatewayRestApi }: the authorizer would keep the
  // ROUTE_SCOPES of the last deploy.
  applyToDeployFunction() {
    this.apply();
    const apiIds = this.serverless.service.functions[AUTHORIZER].environment.API_IDS;
    if (this.options.function === AUTHORIZER && typeof apiIds !== 'string') {
      this.fail(`deploy function cannot set API_IDS (${JSON.stringify(apiIds)}, a CloudFormation reference), so it`
        + ` would leave the authorizer's environment and ROUTE_SCOPES as last deployed; deploy the service (osls deploy)`);
    }
  }
}

module.exports = RouteScopesPlugin;
