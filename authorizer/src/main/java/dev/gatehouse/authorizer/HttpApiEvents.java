package dev.gatehouse.authorizer;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import dev.gatehouse.authorizer.exceptions.AuthorizerException;
import dev.gatehouse.authorizer.exceptions.InvalidEventException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException;
import dev.gatehouse.common.MethodArn;
import java.util.List;

/** Reads HTTP API (payload 2.0) authorizer events. */
final class HttpApiEvents {

    private HttpApiEvents() {}

    /** The request an event holds: its route ARN and the token, read as {@link #authorization} says. */
    static AuthorizationRequest read(APIGatewayV2CustomAuthorizerEvent event) {
        String resource = event == null ? null : event.getRouteArn();
        try {
            MethodArn arn = routeArn(event);
            return AuthorizationRequest.of(resource, arn, authorization(event));
        } catch (AuthorizerException e) {
            return AuthorizationRequest.unreadable(resource, e);
        }
    }

    private static MethodArn routeArn(APIGatewayV2CustomAuthorizerEvent event) {
        if (event == null) {
            throw new InvalidEventException("The authorizer received no event.", null);
        }
        if (event.getVersion() != null && !event.getVersion().equals("2.0")) {
            throw new InvalidEventException(
                    "The HTTP API authorizer expects payload format version 2.0, got '" + event.getVersion() + "'.",
                    null);
        }
        try {
            return MethodArn.parse(event.getRouteArn());
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException(e.getMessage(), e);
        }
    }

    /**
     * The token to verify, which must be one of the identity-source values whenever there are any.
     *
     * <p>HTTP API caches an authorizer's answer under its identity sources, all of them together when there are several
     * (<a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html">Working
     * with AWS Lambda authorizers for HTTP APIs</a>, "Identity sources" and "Authorizer caching"). The verified token
     * must therefore be part of that key, or a caller could have their own principal cached under values that belong
     * to someone else's requests:
     * <ul>
     *   <li>one identity source: that value is the token (whatever header or parameter it was configured from);
     *   <li>several: the {@code Authorization} header (HTTP API joins repeated headers with commas, which the Bearer
     *       syntax then refuses), and only if it equals one of the identity-source values; otherwise a 401;
     *   <li>none (identity sources are optional only when caching is off, so nothing is cached): the
     *       {@code Authorization} header.
     * </ul>
     */
    private static String authorization(APIGatewayV2CustomAuthorizerEvent event) {
        List<String> identity = event.getIdentitySource();
        if (identity != null && identity.size() == 1) {
            return identity.get(0);
        }
        String header = AuthorizationHeaders.single(event.getHeaders());
        if (identity == null || identity.isEmpty() || header == null) {
            return header;
        }
        if (!identity.contains(header)) {
            throw new TokenRejectedException(
                    TokenRejectedException.Reason.MALFORMED_AUTHORIZATION,
                    "The Authorization header is not one of the request's " + identity.size()
                            + " identity-source values, which API Gateway caches the answer under.");
        }
        return header;
    }
}
