package dev.gatehouse.__PACKAGE__;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.common.AuthorizerContext;
import dev.gatehouse.common.Principal;
import dev.gatehouse.common.ScopeGuard;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The __NAME__ service:
 * {@code GET /__NAME__} needs {@value #READ_SCOPE},
 * {@code POST /__NAME__} needs {@value #WRITE_SCOPE}.
 *
 * <p>The authorizer's policy already refuses a token without the route's scope (403 before this function runs); the
 * {@link ScopeGuard} checks here keep the function safe when it is invoked some other way. Thread-safe.
 */
public final class __CLASS__ implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    /** Declared on the GET route in infra/serverless.yml ({@code authorizer.scopes}) as well. */
    static final String READ_SCOPE = "read:__NAME__";
    /** Declared on the POST route in infra/serverless.yml ({@code authorizer.scopes}) as well. */
    static final String WRITE_SCOPE = "write:__NAME__";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The route is declared with {@code cors: true}: API Gateway answers the preflight, the function each response. */
    private static final Map<String, String> HEADERS =
            Map.of("Content-Type", "application/json", "Access-Control-Allow-Origin", "*");

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        String method = event == null || event.getHttpMethod() == null
                ? ""
                : event.getHttpMethod().toUpperCase(Locale.ROOT);
        return switch (method) {
            case "GET" -> guarded(event, READ_SCOPE, 200, "read");
            case "POST" -> guarded(event, WRITE_SCOPE, 201, "write");
            default -> {
                Optional<Principal> caller = AuthorizerContext.principalOf(event);
                yield caller.isEmpty()
                        ? ScopeGuard.unauthorized()
                        : response(
                                405,
                                Map.of(
                                        "message",
                                        "Method Not Allowed",
                                        "detail",
                                        "/__NAME__ answers GET and POST, not '" + method + "'."));
            }
        };
    }

    private static APIGatewayProxyResponseEvent guarded(
            APIGatewayProxyRequestEvent event, String scope, int status, String operation) {
        Optional<APIGatewayProxyResponseEvent> refused = ScopeGuard.requireScope(event, scope);
        if (refused.isPresent()) {
            return refused.get();
        }
        Principal caller = AuthorizerContext.principalOf(event).orElseThrow();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", "__NAME__");
        body.put("operation", operation);
        body.put("subject", caller.subject());
        body.put("scopes", caller.scopes());
        return response(status, body);
    }

    private static APIGatewayProxyResponseEvent response(int status, Map<String, ?> body) {
        try {
            return new APIGatewayProxyResponseEvent()
                    .withStatusCode(status)
                    .withHeaders(HEADERS)
                    .withBody(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the response body as JSON", e);
        }
    }
}
