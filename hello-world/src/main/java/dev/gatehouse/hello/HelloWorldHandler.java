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
import java.util.Optional;

/**
 * The first service behind the authorizer, and the shape of every new one: reads the verified caller from
 * {@code requestContext.authorizer} and greets it. Without authorizer context (the function was invoked without
 * the authorizer in front of it) it answers 401 with a JSON explanation instead of failing. Thread-safe.
 */
public final class HelloWorldHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The route is declared with {@code cors: true}: API Gateway answers the preflight, the function each response. */
    private static final Map<String, String> HEADERS = Map.of("Content-Type", "application/json", "Access-Control-Allow-Origin", "*");

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        Optional<Principal> caller = AuthorizerContext.principalOf(event);
        if (caller.isEmpty()) {
            return response(401, Map.of(
                    "message", "Unauthorized",
                    "detail", "The request carries no verified caller (requestContext.authorizer.principalId); "
                            + "this function must be deployed behind the Gatehouse authorizer."));
        }
        Principal principal = caller.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", "Hello, " + principal.subject() + "!");
        body.put("subject", principal.subject());
        principal.clientId().ifPresent(clientId -> body.put("clientId", clientId));
        body.put("scopes", principal.scopes());
        return response(200, body);
    }

    private static APIGatewayProxyResponseEvent response(int status, Map<String, ?> body) {
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the response body as JSON", e);
        }
        return new APIGatewayProxyResponseEvent().withStatusCode(status).withHeaders(HEADERS).withBody(json);
    }
}
