package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import dev.gatehouse.authorizer.policy.RouteScopes;
import dev.gatehouse.common.AuthorizerContext;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP API (payload format 2.0) Lambda authorizer with <b>simple responses</b>
 * ({@code enableSimpleResponses: true}): {@code {"isAuthorized": true, "context": {...}}} for a valid token,
 * {@code {"isAuthorized": false}} for any problem with the token (HTTP API answers 403), and a descriptive error when
 * the authorizer cannot decide (500). The token is read as {@link HttpApiEvents#authorization} says: always part of the
 * identity sources the answer is cached under.
 *
 * <p>A simple response is one yes for every route of the API, so it cannot enforce per-route scopes: this handler
 * refuses to start when {@value RouteScopes#ROUTE_SCOPES} is set, rather than silently not enforcing it; use
 * {@link HttpApiIamAuthorizerHandler} (IAM policy responses) for per-route scopes.
 *
 * <p>Built once per container; thread-safe.
 */
public final class HttpApiAuthorizerHandler
        implements RequestHandler<APIGatewayV2CustomAuthorizerEvent, SimpleIAMPolicyResponse> {

    private final Authorizer authorizer;

    /**
     * Used by the Lambda runtime: reads the configuration from the environment, once per container; {@value
     * RouteScopes#API_IDS} is required.
     */
    public HttpApiAuthorizerHandler() {
        this(AuthorizerConfig.fromEnv(withoutRouteScopes(System.getenv())), RouteScopes.apiIdsFromEnv(System.getenv()));
    }

    /** Used by local tools and integration tests: answers events of the APIs {@code apiIds} only. */
    public HttpApiAuthorizerHandler(AuthorizerConfig config, Set<String> apiIds) {
        // A simple response is one yes for every route: the whole-stage table is the only one it can honour.
        this(Authorizer.create(config, RouteScopes.wholeStage(apiIds), Clock.systemUTC(), System.out::println));
    }

    HttpApiAuthorizerHandler(Authorizer authorizer) {
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
    }

    /**
     * {@code env}, if it sets no {@value RouteScopes#ROUTE_SCOPES}.
     *
     * @throws ConfigurationException naming the variable and the handler that enforces it
     */
    static Map<String, String> withoutRouteScopes(Map<String, String> env) {
        // Present at all, even blank, is refused: a deployment that sets it expects it enforced.
        if (env.containsKey(RouteScopes.ROUTE_SCOPES)) {
            throw new ConfigurationException(
                    RouteScopes.ROUTE_SCOPES + " is set, but " + HttpApiAuthorizerHandler.class.getSimpleName()
                            + " answers with simple responses, which cannot enforce per-route scopes; use "
                            + HttpApiIamAuthorizerHandler.class.getName() + " (IAM policy responses) or unset "
                            + RouteScopes.ROUTE_SCOPES);
        }
        return env;
    }

    @Override
    public SimpleIAMPolicyResponse handleRequest(APIGatewayV2CustomAuthorizerEvent event, Context context) {
        return answer(HttpApiEvents.read(event), context);
    }

    /** The answer to a request however its event was read (this class or {@link HttpApiAuthorizerStreamHandler}). */
    SimpleIAMPolicyResponse answer(AuthorizationRequest request, Context context) {
        Decision decision = authorizer.decide(request, context);
        if (decision instanceof Decision.Allowed allowed) {
            Map<String, String> values = new LinkedHashMap<>();
            AuthorizerContext.of(allowed.token().principal()).forEach((k, v) -> values.put(k, String.valueOf(v)));
            return SimpleIAMPolicyResponse.builder()
                    .withIsAuthorized(true)
                    .withContext(values)
                    .build();
        }
        return SimpleIAMPolicyResponse.builder()
                .withIsAuthorized(false)
                .withContext(Map.of())
                .build();
    }
}
