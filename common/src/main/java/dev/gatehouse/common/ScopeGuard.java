package dev.gatehouse.common;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Authorization inside a service, for checks the route table cannot express (a scope that depends on the body, a
 * second line of defence behind the authorizer's policy):
 *
 * <pre>{@code
 * Optional<APIGatewayProxyResponseEvent> refused = ScopeGuard.requireScope(event, "write:orders");
 * if (refused.isPresent()) {
 *     return refused.get();
 * }
 * }</pre>
 *
 * <p>Answers as API Gateway and RFC 6750 §3 do: 401 with {@code error="invalid_token"} when the event carries no
 * verified caller, 403 with {@code error="insufficient_scope"} and the required scopes when the token lacks them; both
 * with a JSON body {@code {"message": ..., "detail": ...}}. Stateless and thread-safe.
 */
public final class ScopeGuard {

    private ScopeGuard() {}

    /**
     * Checks that the caller of {@code event} was granted at least one of {@code anyOf}.
     *
     * @return empty when it was; otherwise the 401 or 403 response the service should return
     */
    public static Optional<APIGatewayProxyResponseEvent> requireScope(
            APIGatewayProxyRequestEvent event, String... anyOf) {
        List<String> required = List.of(anyOf);
        if (required.isEmpty()) {
            throw new IllegalArgumentException("requireScope needs at least one scope");
        }
        Optional<Principal> caller = AuthorizerContext.principalOf(event);
        if (caller.isEmpty()) {
            return Optional.of(unauthorized());
        }
        for (String scope : required) {
            if (caller.get().hasScope(scope)) {
                return Optional.empty();
            }
        }
        return Optional.of(forbidden(required));
    }

    /** 401: the event carries no verified caller (the function was invoked without the authorizer in front of it). */
    public static APIGatewayProxyResponseEvent unauthorized() {
        return response(
                401,
                "Unauthorized",
                "The request carries no verified caller (requestContext.authorizer.principalId); this function "
                        + "must be deployed behind the Gatehouse authorizer.",
                "Bearer realm=\"gatehouse\", error=\"invalid_token\"");
    }

    /** 403: the token does not grant any of {@code required}. */
    public static APIGatewayProxyResponseEvent forbidden(List<String> required) {
        String scopes = String.join(" ", required);
        return response(
                403,
                "Forbidden",
                "The access token grants none of the scopes this operation requires: " + String.join(", ", required)
                        + ".",
                "Bearer realm=\"gatehouse\", error=\"insufficient_scope\", scope=\"" + scopes + "\"");
    }

    private static APIGatewayProxyResponseEvent response(int status, String message, String detail, String challenge) {
        String body = "{\"message\":" + JsonStrings.quote(message) + ",\"detail\":" + JsonStrings.quote(detail) + "}";
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(status)
                .withHeaders(Map.of("Content-Type", "application/json", "WWW-Authenticate", challenge))
                .withBody(body);
    }
}
