package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.gatehouse.common.MethodArn;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
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
    private final PolicyFactory policies;

    /**
     * Used by the Lambda runtime: reads the configuration from the environment, once per container. {@value
     * RouteScopes#ROUTE_SCOPES} is required: there is no implicit whole-stage grant.
     */
    public AuthorizerHandler() {
        this(AuthorizerConfig.fromEnv(System.getenv()), RouteScopes.fromEnv(System.getenv()));
    }

    /** Used by local tools and integration tests: valid tokens may call the routes their scopes permit, nothing else. */
    public AuthorizerHandler(AuthorizerConfig config, RouteScopes routes) {
        this(Authorizer.create(config, Clock.systemUTC(), System.out::println), new PolicyFactory(routes));
    }

    AuthorizerHandler(Authorizer authorizer, PolicyFactory policies) {
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
        this.policies = requireNonNull(policies, "policies is null");
    }

    /** The runtime's entry point: the event with its {@code multiValueHeaders}. */
    @Override
    public IamPolicyResponseV1 handleRequest(RestAuthorizerEvent event, Context context) {
        return decide(event, event == null ? null : event.getMultiValueHeaders(), context);
    }

    /** For callers holding the library's event type, which has no {@code multiValueHeaders}. */
    public IamPolicyResponseV1 handleRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
        return decide(event, event instanceof RestAuthorizerEvent rest ? rest.getMultiValueHeaders() : null, context);
    }

    private IamPolicyResponseV1 decide(APIGatewayCustomAuthorizerEvent event, Map<String, List<String>> multiValueHeaders, Context context) {
        return authorizer.decide(new Authorizer.Request<>() {
            private MethodArn arn;

            @Override
            public String resource() {
                return event == null ? null : event.getMethodArn();
            }

            @Override
            public String authorization() {
                arn = methodArn(event);
                String type = event.getType() == null ? "" : event.getType().toUpperCase(Locale.ROOT);
                return switch (type) {
                    case "TOKEN" -> event.getAuthorizationToken();
                    case "REQUEST" -> Authorizer.authorizationHeader(event.getHeaders(), multiValueHeaders);
                    default -> throw new InvalidEventException(
                            "The authorizer event type must be TOKEN or REQUEST, got '" + event.getType() + "'.", null);
                };
            }

            @Override
            public IamPolicyResponseV1 allow(VerifiedToken token) {
                return IamPolicyResponses.from(policies.allow(token.principal(), arn));
            }

            @Override
            public IamPolicyResponseV1 unauthorized() {
                throw new UnauthorizedException();
            }
        }, context);
    }

    private static MethodArn methodArn(APIGatewayCustomAuthorizerEvent event) {
        if (event == null) {
            throw new InvalidEventException("The authorizer received no event.", null);
        }
        try {
            return MethodArn.parse(event.getMethodArn());
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException(e.getMessage(), e);
        }
    }
}
