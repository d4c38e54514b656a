package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponse;
import dev.gatehouse.common.AuthorizerPolicy;
import dev.gatehouse.common.MethodArn;
import dev.gatehouse.common.PolicyStatement;
import java.time.Clock;
import java.util.LinkedHashMap;

/**
 * The HTTP API (payload format 2.0) Lambda authorizer with <b>IAM policy responses</b>: the same policy as the REST
 * authorizer (exactly the routes of the {@link RouteScopes} table the token's scopes permit, in the stage of
 * {@code routeArn}, so a cached result is right for every route; a {@code $default} route key is any verb on any path),
 * {@code Unauthorized} for any problem with the token, and a descriptive error (500) when the authorizer cannot decide.
 *
 * <p>Built once per container; thread-safe.
 */
public final class HttpApiIamAuthorizerHandler implements RequestHandler<APIGatewayV2CustomAuthorizerEvent, IamPolicyResponse> {

    private final Authorizer authorizer;
    private final PolicyFactory policies;

    /**
     * Used by the Lambda runtime: reads the configuration from the environment, once per container. {@value
     * RouteScopes#ROUTE_SCOPES} is required: there is no implicit whole-stage grant.
     */
    public HttpApiIamAuthorizerHandler() {
        this(AuthorizerConfig.fromEnv(System.getenv()), RouteScopes.fromEnv(System.getenv()));
    }

    /** Used by local tools and integration tests: valid tokens may call the routes their scopes permit, nothing else. */
    public HttpApiIamAuthorizerHandler(AuthorizerConfig config, RouteScopes routes) {
        this(Authorizer.create(config, Clock.systemUTC(), System.out::println), new PolicyFactory(routes));
    }

    HttpApiIamAuthorizerHandler(Authorizer authorizer, PolicyFactory policies) {
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
        this.policies = requireNonNull(policies, "policies is null");
    }

    @Override
    public IamPolicyResponse handleRequest(APIGatewayV2CustomAuthorizerEvent event, Context context) {
        return authorizer.decide(new Authorizer.Request<>() {
            private MethodArn arn;

            @Override
            public String resource() {
                return event == null ? null : event.getRouteArn();
            }

            @Override
            public String authorization() {
                arn = HttpApiEvents.routeArn(event);
                return HttpApiEvents.authorization(event);
            }

            @Override
            public IamPolicyResponse allow(VerifiedToken token) {
                AuthorizerPolicy policy = policies.allow(token.principal(), arn);
                return IamPolicyResponse.builder()
                        .withPrincipalId(policy.principalId())
                        .withPolicyDocument(IamPolicyResponse.PolicyDocument.builder()
                                .withVersion(IamPolicyResponse.VERSION_2012_10_17)
                                .withStatement(policy.statements().stream().map(HttpApiIamAuthorizerHandler::statement).toList())
                                .build())
                        .withContext(new LinkedHashMap<>(policy.context()))
                        .build();
            }

            @Override
            public IamPolicyResponse unauthorized() {
                throw new UnauthorizedException();
            }
        }, context);
    }

    private static IamPolicyResponse.Statement statement(PolicyStatement statement) {
        return IamPolicyResponse.Statement.builder()
                .withAction(PolicyStatement.ACTION)
                .withEffect(statement.effect().iamName())
                .withResource(statement.resources())
                .build();
    }
}
