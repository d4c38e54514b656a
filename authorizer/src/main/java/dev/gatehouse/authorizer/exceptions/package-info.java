/**
 * Internal: why the authorizer did not allow a request. {@link dev.gatehouse.authorizer.exceptions.AuthorizerException}
 * is sealed: a {@link dev.gatehouse.authorizer.exceptions.TokenRejectedException} becomes API Gateway's 401, every
 * other subclass a 500. {@link dev.gatehouse.authorizer.exceptions.KeySetFailure} names why a key-set fetch failed.
 *
 * <p>The bottom layer: every other authorizer package may use it, and it uses none of them. Public only so they can;
 * not an API.
 */
package dev.gatehouse.authorizer.exceptions;
