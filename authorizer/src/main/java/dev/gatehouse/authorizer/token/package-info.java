/**
 * Internal: from an {@code Authorization} value to a verified token. Bearer parsing
 * ({@link dev.gatehouse.authorizer.token.BearerToken}), strict syntax checks before any decoding
 * ({@code TokenSyntax}), verification through java-jwt against the issuer's keys
 * ({@link dev.gatehouse.authorizer.token.TokenVerifier}), the rules applied to every token
 * ({@link dev.gatehouse.authorizer.token.TokenRules}) and the choice of RSA provider
 * ({@link dev.gatehouse.authorizer.token.CryptoProvider}).
 *
 * <p>Its types are public only so the handlers can use them; they are not an API, may change in any release, and
 * depend only on {@code keys} and {@code exceptions}.
 */
package dev.gatehouse.authorizer.token;
