package dev.gatehouse.authorizer;

import dev.gatehouse.common.AuthorizerContext;
import dev.gatehouse.common.AuthorizerPolicy;
import dev.gatehouse.common.MethodArn;
import dev.gatehouse.common.Principal;

/**
 * Turns a verified principal into the policy API Gateway caches for its token.
 *
 * <p>API Gateway reuses that cached policy for every later method and path of the API called with the same token,
 * so the Allow covers the whole stage the request came through ({@code {apiId}/{stage}/*}{@code /*}), never just
 * the requested {@code methodArn} (which would turn every other endpoint into a 403 for the cache TTL) and never
 * another API or stage.
 */
final class PolicyFactory {

    AuthorizerPolicy allow(Principal principal, MethodArn methodArn) {
        return AuthorizerPolicy.allow(principal.subject(), methodArn.stageWildcard(), AuthorizerContext.of(principal));
    }
}
