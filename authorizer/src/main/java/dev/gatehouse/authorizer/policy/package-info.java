/**
 * Internal: from a verified principal to the IAM policy API Gateway caches. The route table
 * ({@link dev.gatehouse.authorizer.policy.RouteScopes}, {@code ROUTE_SCOPES}), the languages of API Gateway's route
 * templates and of IAM's resource globs ({@code RouteLanguage}), and the policy built from both
 * ({@link dev.gatehouse.authorizer.policy.PolicyFactory}), cache-safe because it never depends on the request.
 *
 * <p>Its types are public only so the handlers can use them; they are not an API, may change in any release, and
 * depend only on {@code common} and {@code exceptions}.
 */
package dev.gatehouse.authorizer.policy;
