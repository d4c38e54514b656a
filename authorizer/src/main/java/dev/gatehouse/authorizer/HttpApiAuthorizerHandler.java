package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import dev.gatehouse.common.AuthorizerContext;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP API (payload format 2.0) Lambda authorizer with <b>simple responses</b> ({@code enableSimpleResponses: true}):
 * {@code {"isAuthorized": true, "context": {...}}} for a valid token, {@code {"isAuthorized": false}} for any problem
 * with the token (HTTP API answers 403), and a descriptive error when the authorizer cannot decide (500). The token is
 * the {@code Authorization} header (any case; several different values are rejected), else the single identity source.
 *
 * <p>Built once per container; thread-safe.
 */
public final class HttpApiAuthorizerHandler implements RequestHandler<APIGatewayV2CustomAuthorizerEvent, SimpleIAMPolicyResponse> {

    private final Authorizer authorizer;

    /** Used by the Lambda runtime: reads the configuration from the environment, once per container. */
    public HttpApiAuthorizerHandler() {
        this(AuthorizerConfig.fromEnv(System.getenv()));
    }

    /** Used by local tools and integration tests. */
    public HttpApiAuthorizerHandler(AuthorizerConfig config) {
        this(Authorizer.create(config, Clock.systemUTC(), System.out::println));
    }

    HttpApiAuthorizerHandler(Authorizer authorizer) {
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
    }

    @Override
    public SimpleIAMPolicyResponse handleRequest(APIGatewayV2CustomAuthorizerEvent event, Context context) {
        return authorizer.decide(new Authorizer.Request<>() {
            @Override
            public String resource() {
                return event == null ? null : event.getRouteArn();
            }

            @Override
            public String authorization() {
                HttpApiEvents.routeArn(event);
                return HttpApiEvents.authorization(event);
            }

            @Override
            public SimpleIAMPolicyResponse allow(VerifiedToken token) {
                Map<String, String> context = new LinkedHashMap<>();
                AuthorizerContext.of(token.principal()).forEach((k, v) -> context.put(k, String.valueOf(v)));
                return SimpleIAMPolicyResponse.builder().withIsAuthorized(true).withContext(context).build();
            }

            @Override
            public SimpleIAMPolicyResponse unauthorized() {
                return SimpleIAMPolicyResponse.builder().withIsAuthorized(false).withContext(Map.of()).build();
            }
        }, context);
    }
}
