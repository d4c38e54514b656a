package dev.gatehouse.local;

import java.util.Locale;

/**
 * The Lambda authorizer types the local gateway runs, as {@code authorizer.type} names them in serverless.yml
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html). Cognito user
 * pools and IAM authorization are not run locally.
 */
enum AuthorizerType {
    /** The authorizer gets one header value as {@code authorizationToken}. */
    TOKEN,
    /** The authorizer gets the request's headers, query string, path parameters and request context. */
    REQUEST;

    /** {@code token} or {@code request} in any case; {@code null} is TOKEN, as in osls. */
    static AuthorizerType parse(String value, String where) {
        if (value == null) {
            return TOKEN;
        }
        return switch (value.toUpperCase(Locale.ROOT)) {
            case "TOKEN" -> TOKEN;
            case "REQUEST" -> REQUEST;
            default ->
                throw new IllegalArgumentException(where + " must be token or request locally, got '" + value + "'");
        };
    }
}
