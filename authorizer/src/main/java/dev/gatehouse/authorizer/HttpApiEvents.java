package dev.gatehouse.authorizer;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import dev.gatehouse.common.MethodArn;
import java.util.List;

/** Reads HTTP API (payload 2.0) authorizer events. */
final class HttpApiEvents {

    private HttpApiEvents() {}

    static MethodArn routeArn(APIGatewayV2CustomAuthorizerEvent event) {
        if (event == null) {
            throw new InvalidEventException("The authorizer received no event.", null);
        }
        if (event.getVersion() != null && !event.getVersion().equals("2.0")) {
            throw new InvalidEventException("The HTTP API authorizer expects payload format version 2.0, got '" + event.getVersion() + "'.", null);
        }
        try {
            return MethodArn.parse(event.getRouteArn());
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException(e.getMessage(), e);
        }
    }

    /**
     * The one identity source when there is exactly one: it is what API Gateway caches the answer under, so the token
     * verified must be that value, never another header (else a caller could store their own principal under someone
     * else's cache key). With several identity sources, the Authorization header (HTTP API joins repeated headers with
     * commas, which the Bearer syntax then refuses).
     */
    static String authorization(APIGatewayV2CustomAuthorizerEvent event) {
        List<String> identity = event.getIdentitySource();
        if (identity != null && identity.size() == 1) {
            return identity.get(0);
        }
        return Authorizer.authorizationHeader(event.getHeaders());
    }
}
