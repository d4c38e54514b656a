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

    /** The Authorization header (HTTP API joins repeated headers with commas, which the Bearer syntax then refuses), else the one identity source. */
    static String authorization(APIGatewayV2CustomAuthorizerEvent event) {
        String header = Authorizer.authorizationHeader(event.getHeaders());
        if (header != null) {
            return header;
        }
        List<String> identity = event.getIdentitySource();
        return identity != null && identity.size() == 1 ? identity.get(0) : null;
    }
}
