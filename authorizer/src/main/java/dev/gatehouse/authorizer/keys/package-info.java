/**
 * Internal: the issuer's signing keys. Fetching a key set ({@link dev.gatehouse.authorizer.keys.HttpJwksFetcher}, one
 * overall deadline, size cap, no redirects), parsing and filtering it
 * ({@link dev.gatehouse.authorizer.keys.JwksParser}) and caching it for the life of a Lambda container
 * ({@link dev.gatehouse.authorizer.keys.JwksKeySource}: TTL, stale if error, single flight, cool-down, negative cache).
 *
 * <p>Its types are public only so the {@code token} package and the handlers can use them; they are not an API, may
 * change in any release, and depend on nothing above them (only {@code exceptions}).
 */
package dev.gatehouse.authorizer.keys;
