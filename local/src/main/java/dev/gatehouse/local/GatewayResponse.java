package dev.gatehouse.local;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished gateway response, and API Gateway's own error responses: a JSON {@code message} and the
 * {@code x-amzn-ErrorType} header
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
 */
record GatewayResponse(int status, Map<String, List<String>> headers, byte[] body) {

    static final String MISSING_AUTHENTICATION_TOKEN = "Missing Authentication Token";
    static final String UNAUTHORIZED = "Unauthorized";
    static final String ACCESS_DENIED = "User is not authorized to access this resource";
    static final String INTERNAL_SERVER_ERROR = "Internal server error";

    GatewayResponse {
        headers = Map.copyOf(headers);
    }

    /** API Gateway's error response of {@code type}; {@code message} may be null (its {@code {"message": null}}). */
    static GatewayResponse error(int status, String type, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        return new GatewayResponse(
                status, Map.of("Content-Type", List.of("application/json"), "x-amzn-ErrorType", List.of(type)), Http.json(body));
    }
}
