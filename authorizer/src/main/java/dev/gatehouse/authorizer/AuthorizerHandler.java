package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.gatehouse.authorizer.exceptions.UnauthorizedException;
import dev.gatehouse.authorizer.policy.RouteScopes;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The API Gateway (REST) Lambda custom authorizer: {@code TOKEN} and {@code REQUEST} events in, an IAM policy out.
 *
 * <ul>
 *   <li>valid token: a policy allowing, in the API stage the request came through, exactly the routes of the
 *       {@link RouteScopes} table its scopes permit (whatever the requested path), with {@code principalId} =
 *       {@code sub} and the scopes, client id and issuer in {@code context};
 *   <li>any problem with the token: the invocation fails with exactly {@code Unauthorized} (API Gateway answers 401);
 *   <li>the authorizer cannot decide (keys unavailable, bad event): a descriptive error (API Gateway answers 500).
 * </ul>
 *
 * <p>Everything expensive (configuration, key sources hydrated within their budget, verifier) is built once per
 * container, in the constructor. Thread-safe.
 */
public final class AuthorizerHandler implements RequestHandler<RestAuthorizerEvent, IamPolicyResponseV1> {

    private final Authorizer authorizer;

    /**
     * Used by the Lambda runtime: reads the configuration from the environment, once per container. {@value
     * RouteScopes#ROUTE_SCOPES} is required: there is no implicit whole-stage grant.
     */
    public AuthorizerHandler() {
        this(AuthorizerConfig.fromEnv(System.getenv()), RouteScopes.fromEnv(System.getenv()));
    }

    /**
     * Used by local tools and integration tests: valid tokens may call the routes their scopes permit, nothing else.
     */
    public AuthorizerHandler(AuthorizerConfig config, RouteScopes routes) {
        this(Authorizer.create(config, routes, Clock.systemUTC(), System.out::println));
    }

    AuthorizerHandler(Authorizer authorizer) {
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
    }

    /** The runtime's entry point: the event with its {@code multiValueHeaders}. */
    @Override
    public IamPolicyResponseV1 handleRequest(RestAuthorizerEvent event, Context context) {
        return answer(RestAuthorizerEvents.read(event, event == null ? null : event.getMultiValueHeaders()), context);
    }

    /** For callers holding the library's event type, which has no {@code multiValueHeaders}. */
    public IamPolicyResponseV1 handleRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
        Map<String, List<String>> multiValueHeaders =
                event instanceof RestAuthorizerEvent rest ? rest.getMultiValueHeaders() : null;
        return answer(RestAuthorizerEvents.read(event, multiValueHeaders), context);
    }

    /** The answer to a request however its event was read (this class or {@link AuthorizerStreamHandler}). */
    IamPolicyResponseV1 answer(AuthorizationRequest request, Context context) {
        Decision decision = authorizer.decide(request, context);
        if (decision instanceof Decision.Allowed allowed) {
            return IamPolicyResponses.v1(allowed.policy());
        }
        throw new UnauthorizedException();
    }
}
