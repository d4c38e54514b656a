package dev.gatehouse.authorizer;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import dev.gatehouse.authorizer.exceptions.AuthorizerException;
import dev.gatehouse.authorizer.exceptions.InvalidEventException;
import dev.gatehouse.common.MethodArn;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads REST API authorizer events ({@code TOKEN} and {@code REQUEST}). */
final class RestAuthorizerEvents {

    private RestAuthorizerEvents() {}

    /**
     * The request an event holds: a {@code TOKEN} event's {@code authorizationToken}, or a {@code REQUEST} event's one
     * {@code Authorization} header (every value of {@code multiValueHeaders} included).
     */
    static AuthorizationRequest read(
            APIGatewayCustomAuthorizerEvent event, Map<String, List<String>> multiValueHeaders) {
        String resource = event == null ? null : event.getMethodArn();
        try {
            MethodArn arn = methodArn(event);
            String type = event.getType() == null ? "" : event.getType().toUpperCase(Locale.ROOT);
            String authorization = switch (type) {
                case "TOKEN" -> event.getAuthorizationToken();
                case "REQUEST" -> AuthorizationHeaders.single(event.getHeaders(), multiValueHeaders);
                default ->
                    throw new InvalidEventException(
                            "The authorizer event type must be TOKEN or REQUEST, got '" + event.getType() + "'.", null);
            };
            return AuthorizationRequest.of(resource, arn, authorization);
        } catch (AuthorizerException e) {
            return AuthorizationRequest.unreadable(resource, e);
        }
    }

    private static MethodArn methodArn(APIGatewayCustomAuthorizerEvent event) {
        if (event == null) {
            throw new InvalidEventException("The authorizer received no event.", null);
        }
        try {
            return MethodArn.parse(event.getMethodArn());
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException(e.getMessage(), e);
        }
    }
}
