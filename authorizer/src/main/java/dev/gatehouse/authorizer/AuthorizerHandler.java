package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.auth0.jwk.JwkProvider;
import com.auth0.jwk.JwkProviderBuilder;
import dev.gatehouse.authorizer.TokenRejectedException.Reason;
import dev.gatehouse.common.MethodArn;
import java.net.MalformedURLException;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The API Gateway (REST) Lambda custom authorizer: {@code TOKEN} and {@code REQUEST} events in, an IAM policy out.
 *
 * <ul>
 *   <li>valid token: a policy allowing the API stage the request came through, with {@code principalId} = {@code sub}
 *       and the scopes, client id and issuer in {@code context};
 *   <li>any problem with the token: the invocation fails with exactly {@code Unauthorized} (API Gateway answers 401);
 *   <li>the authorizer cannot decide (keys unavailable, bad event): a descriptive error (API Gateway answers 500).
 * </ul>
 *
 * <p>Everything expensive (configuration, key provider, verifier) is built once per container, in the constructor.
 * Thread-safe.
 */
public final class AuthorizerHandler implements RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponseV1> {

    /** jwks-rsa caches up to this many keys... */
    private static final int KEY_CACHE_SIZE = 10;
    /** ...each for this long, so a key removed from the set stops being trusted after at most this time. */
    private static final long KEY_CACHE_MINUTES = 15;
    /** At most this many key-set fetches in a burst, refilled by one per minute: unknown kids cannot flood the issuer. */
    private static final long FETCH_BUCKET_SIZE = 10;

    private final TokenVerifier verifier;
    private final PolicyFactory policies;
    private final DecisionLog log;

    /** Used by the Lambda runtime: reads the configuration from the environment, once per container. */
    public AuthorizerHandler() {
        this(AuthorizerConfig.fromEnv(System.getenv()));
    }

    /** Used by local tools and integration tests. */
    public AuthorizerHandler(AuthorizerConfig config) {
        this(new TokenVerifier(config, new JwksKeyProvider(jwkProvider(config)), Clock.systemUTC()),
                new PolicyFactory(),
                new DecisionLog(System.out::println));
    }

    AuthorizerHandler(TokenVerifier verifier, PolicyFactory policies, DecisionLog log) {
        this.verifier = requireNonNull(verifier, "verifier is null");
        this.policies = requireNonNull(policies, "policies is null");
        this.log = requireNonNull(log, "log is null");
    }

    static JwkProvider jwkProvider(AuthorizerConfig config) {
        try {
            // The URL constructor: the String one would append /.well-known/jwks.json to JWKS_URI.
            return new JwkProviderBuilder(config.jwksUri().toURL())
                    .cached(KEY_CACHE_SIZE, KEY_CACHE_MINUTES, TimeUnit.MINUTES)
                    .rateLimited(FETCH_BUCKET_SIZE, 1, TimeUnit.MINUTES)
                    .timeouts((int) config.jwksConnectTimeout().toMillis(), (int) config.jwksReadTimeout().toMillis())
                    .build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new ConfigurationException(AuthorizerConfig.JWKS_URI + " is not a usable URL: " + e.getMessage());
        }
    }

    @Override
    public IamPolicyResponseV1 handleRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
        String methodArn = event == null ? null : event.getMethodArn();
        try {
            MethodArn arn = methodArn(event);
            VerifiedToken token = verifier.verify(BearerToken.extract(authorization(event)));
            IamPolicyResponseV1 response = IamPolicyResponses.from(policies.allow(token.principal(), arn));
            log.allowed(context, token, methodArn);
            return response;
        } catch (TokenRejectedException e) {
            log.rejected(context, e, methodArn);
            throw new UnauthorizedException();
        } catch (KeysUnavailableException e) {
            log.failed(context, e.reason(), e.keyId(), e.getMessage(), methodArn);
            throw e;
        } catch (AuthorizerException e) {
            log.failed(context, e.reason(), null, e.getMessage(), methodArn);
            throw e;
        } catch (RuntimeException e) {
            // Never let an unexpected failure look like a decision: log it and fail the invocation (500).
            log.failed(context, "internal_error", null, e.getClass().getName(), methodArn);
            throw new IllegalStateException("The authorizer failed unexpectedly (" + e.getClass().getName() + "); no decision was made.", e);
        }
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

    /** The Authorization value: the identity source of a TOKEN event, the Authorization header of a REQUEST event. */
    private static String authorization(APIGatewayCustomAuthorizerEvent event) {
        String type = event.getType() == null ? "" : event.getType().toUpperCase(Locale.ROOT);
        return switch (type) {
            case "TOKEN" -> event.getAuthorizationToken();
            case "REQUEST" -> authorizationHeader(event.getHeaders());
            default -> throw new InvalidEventException(
                    "The authorizer event type must be TOKEN or REQUEST, got '" + event.getType() + "'.", null);
        };
    }

    private static String authorizationHeader(Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        String found = null;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey() != null && header.getKey().equalsIgnoreCase("Authorization") && header.getValue() != null) {
                if (found != null && !found.equals(header.getValue())) {
                    throw new TokenRejectedException(Reason.MALFORMED_AUTHORIZATION, "The request carries conflicting Authorization headers.");
                }
                found = header.getValue();
            }
        }
        return found;
    }
}
