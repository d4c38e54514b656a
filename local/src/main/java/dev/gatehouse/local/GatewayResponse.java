package dev.gatehouse.local;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished gateway response, and API Gateway's own error responses: a JSON {@code message} and the
 * {@code x-amzn-ErrorType} header, each of a gateway response type that the stack's {@link GatewayResponses} may
 * customise (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
 *
 * @param type the gateway response type of an error API Gateway answers itself; null for the integration's response
 * @param message the error's {@code $context.error.message} (may be null); null for the integration's response
 */
record GatewayResponse(int status, Map<String, List<String>> headers, byte[] body, ResponseType type, String message) {

    /** The message of API Gateway's 401, and the error message by which an authorizer asks for it. */
    static final String UNAUTHORIZED = "Unauthorized";

    /** The gateway response types the local gateway answers with, and their default status codes (docs above). */
    enum ResponseType {
        ACCESS_DENIED(403),
        AUTHORIZER_CONFIGURATION_ERROR(500),
        DEFAULT_4XX(0),
        DEFAULT_5XX(0),
        MISSING_AUTHENTICATION_TOKEN(403),
        REQUEST_TOO_LARGE(413),
        UNAUTHORIZED(401);

        /** The documented default status code; 0 for the two fallbacks, whose default is none ("Null"). */
        final int defaultStatus;

        ResponseType(int defaultStatus) {
            this.defaultStatus = defaultStatus;
        }

        /** The fallback whose customisation applies to a response of {@code status} without one of its own. */
        static ResponseType fallbackFor(int status) {
            return status >= 500 ? DEFAULT_5XX : DEFAULT_4XX;
        }
    }

    GatewayResponse {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** The integration's response, passed on as it is. */
    GatewayResponse(int status, Map<String, List<String>> headers, byte[] body) {
        this(status, headers, body, null, null);
    }

    /** 403 for an unknown stage, path or method. */
    static GatewayResponse missingAuthenticationToken() {
        return error(
                403,
                ResponseType.MISSING_AUTHENTICATION_TOKEN,
                "MissingAuthenticationTokenException",
                "Missing Authentication Token");
    }

    /** 401: no identity, an identity the validation expression refuses, or the authorizer's {@code Unauthorized}. */
    static GatewayResponse unauthorized() {
        return error(401, ResponseType.UNAUTHORIZED, "UnauthorizedException", UNAUTHORIZED);
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
                ResponseType.ACCESS_DENIED,
                "AccessDeniedException",
                explicitDeny
                        ? "User is not authorized to access this resource with an explicit deny"
                        : "User is not authorized to access this resource");
    }

    /** 500: the authorizer failed or returned something API Gateway cannot use. */
    static GatewayResponse authorizerConfigurationError() {
        return error(500, ResponseType.AUTHORIZER_CONFIGURATION_ERROR, "AuthorizerConfigurationException", null);
    }

    /** 502: the integration failed or returned a malformed proxy response. */
    static GatewayResponse internalServerError() {
        return error(502, ResponseType.DEFAULT_5XX, "InternalServerErrorException", "Internal server error");
    }

    /** 413: a request body over API Gateway's 10 MB. */
    static GatewayResponse requestTooLarge() {
        return error(413, ResponseType.REQUEST_TOO_LARGE, "RequestTooLargeException", "Request Too Long");
    }

    /** 400: a request API Gateway cannot read. */
    static GatewayResponse badRequest(String message) {
        return error(400, ResponseType.DEFAULT_4XX, "BadRequestException", message);
    }

    /**
     * API Gateway's error response of {@code type}; {@code message} may be null (its {@code {"message": null}}). The
     * body is what API Gateway's default template, {@code {"message":$context.error.messageString}}, renders.
     */
    static GatewayResponse error(int status, ResponseType type, String errorType, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        return new GatewayResponse(
                status,
                Map.of("Content-Type", List.of("application/json"), "x-amzn-ErrorType", List.of(errorType)),
                Http.json(body),
                type,
                message);
    }
}
