package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponse;
import dev.gatehouse.authorizer.exceptions.UnauthorizedException;
import dev.gatehouse.authorizer.policy.RouteScopes;
import java.time.Clock;

/**
 * The HTTP API (payload format 2.0) Lambda authorizer with <b>IAM policy responses</b>: the same policy as the REST
 * authorizer (exactly the routes of the {@link RouteScopes} table the token's scopes permit, in the stage of
 * {@code routeArn}, so a cached result is right for every route; a {@code $default} route key is any verb on any path),
 * {@code Unauthorized} for any problem with the token, and a descriptive error (500) when the authorizer cannot decide.
 *
 * <p>Built once per container; thread-safe.
 */
public final class HttpApiIamAuthorizerHandler
        implements RequestHandler<APIGatewayV2CustomAuthorizerEvent, IamPolicyResponse> {

    private final Authorizer authorizer;

    /**
     * Used by the Lambda runtime: reads the configuration from the environment, once per container. {@value
     * RouteScopes#ROUTE_SCOPES} is required: there is no implicit whole-stage grant.
     */
    public HttpApiIamAuthorizerHandler() {
        this(AuthorizerConfig.fromEnv(System.getenv()), RouteScopes.fromEnv(System.getenv()));
    }

    /**
     * Used by local tools and integration tests: valid tokens may call the routes their scopes permit, nothing else.
     */
    public HttpApiIamAuthorizerHandler(AuthorizerConfig config, RouteScopes routes) {
        this(Authorizer.create(config, routes, Clock.systemUTC(), System.out::println));
    }

    HttpApiIamAuthorizerHandler(Authorizer authorizer) {
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
    }

    @Override
    public IamPolicyResponse handleRequest(APIGatewayV2CustomAuthorizerEvent event, Context context) {
        return answer(HttpApiEvents.read(event), context);
    }

    /** The answer to a request however its event was read (this class or {@link HttpApiIamAuthorizerStreamHandler}). */
    IamPolicyResponse answer(AuthorizationRequest request, Context context) {
        Decision decision = authorizer.decide(request, context);
        if (decision instanceof Decision.Allowed allowed) {
            return IamPolicyResponses.v2(allowed.policy());
        }
        throw new UnauthorizedException();
    }
}
