package dev.gatehouse.local;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished gateway response, and API Gateway's own error responses: a JSON {@code message} and the
 * {@code x-amzn-ErrorType} header
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
 */
record GatewayResponse(int status, Map<String, List<String>> headers, byte[] body) {

    /** The message of API Gateway's 401, and the error message by which an authorizer asks for it. */
    static final String UNAUTHORIZED = "Unauthorized";

    GatewayResponse {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** 403 for an unknown stage, path or method. */
    static GatewayResponse missingAuthenticationToken() {
        return error(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
    }

    /** 401: no identity, an identity the validation expression refuses, or the authorizer's {@code Unauthorized}. */
    static GatewayResponse unauthorized() {
        return error(401, "UnauthorizedException", UNAUTHORIZED);
    }

    /**
     * 403: the authorizer's policy does not allow the method ARN. A REST API says which: "User is not authorized to
     * access this resource with an explicit deny" when a Deny statement matches, "User is not authorized to access this
     * resource" when no Allow does
     * (https://repost.aws/knowledge-center/api-gateway-403-error-lambda-authorizer).
     */
    static GatewayResponse accessDenied(boolean explicitDeny) {
        return error(
                403,
                "AccessDeniedException",
                explicitDeny
                        ? "User is not authorized to access this resource with an explicit deny"
                        : "User is not authorized to access this resource");
    }

    /** 500: the authorizer failed or returned something API Gateway cannot use. */
    static GatewayResponse authorizerConfigurationError() {
        return error(500, "AuthorizerConfigurationException", null);
    }

    /** 502: the integration failed or returned a malformed proxy response. */
    static GatewayResponse internalServerError() {
        return error(502, "InternalServerErrorException", "Internal server error");
    }

    /** API Gateway's error response of {@code type}; {@code message} may be null (its {@code {"message": null}}). */
    static GatewayResponse error(int status, String type, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        return new GatewayResponse(
                status,
                Map.of("Content-Type", List.of("application/json"), "x-amzn-ErrorType", List.of(type)),
                Http.json(body));
    }
}
