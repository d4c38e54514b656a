package dev.gatehouse.hello;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.common.AuthorizerContext;
import dev.gatehouse.common.Principal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The first service behind the authorizer, and the shape of every new one: reads the verified caller from
 * {@code requestContext.authorizer} and greets it. Without authorizer context (the function was invoked without
 * the authorizer in front of it) it answers 401 with a JSON explanation instead of failing. Thread-safe.
 */
public final class HelloWorldHandler
        implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The route is declared with {@code cors: true}: API Gateway answers the preflight, the function each response. */
    private static final Map<String, String> HEADERS =
            Map.of("Content-Type", "application/json", "Access-Control-Allow-Origin", "*");

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        Map<String, Object> authorizer = event == null || event.getRequestContext() == null
                ? null
                : event.getRequestContext().getAuthorizer();
        Object principalId = authorizer == null ? null : authorizer.get(AuthorizerContext.PRINCIPAL_ID);
        if (principalId == null || principalId.toString().isBlank()) {
            String missing = event == null
                    ? "the event"
                    : event.getRequestContext() == null
                            ? "requestContext"
                            : authorizer == null
                                    ? "requestContext.authorizer"
                                    : "requestContext.authorizer.principalId";
            return response(
                    401,
                    Map.of(
                            "message",
                            "Unauthorized",
                            "detail",
                            "The request carries no verified caller: " + missing + " is missing; "
                                    + "this function must be deployed behind the Gatehouse authorizer."));
        }
        // Any authorizer in front of it names the caller in principalId; issuer, clientId and scope are Gatehouse
        // extras.
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", "Hello, " + principalId + "!");
        body.put("subject", principalId.toString());
        Object clientId = authorizer.get(AuthorizerContext.CLIENT_ID);
        if (clientId != null && !clientId.toString().isBlank()) {
            body.put("clientId", clientId.toString());
        }
        Object scope = authorizer.get(AuthorizerContext.SCOPE);
        body.put("scopes", Principal.parseScope(scope == null ? null : scope.toString()));
        return response(200, body);
    }

    private static APIGatewayProxyResponseEvent response(int status, Map<String, ?> body) {
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the response body as JSON", e);
        }
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(status)
                .withHeaders(HEADERS)
                .withBody(json);
    }
}
