package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import dev.gatehouse.authorizer.exceptions.TokenRejectedException;
import dev.gatehouse.authorizer.token.VerifiedToken;
import dev.gatehouse.common.AuthorizerPolicy;

/**
 * What {@link Authorizer#decide} concluded about a request the authorizer could decide: allowed, with the verified
 * token and the policy it earns, or rejected, with the reason. A request it cannot decide (keys unavailable, an
 * unusable event, a bug) is no decision: {@code decide} throws, and the invocation fails (500).
 *
 * <p>Handlers map a decision to their response shape with {@code instanceof}, not a pattern {@code switch}, whose
 * bootstrap costs at its first use, which is on the cold path.
 */
sealed interface Decision permits Decision.Allowed, Decision.Rejected {

    /** A valid token, and the policy it earns in the request's API stage (the same for every route, so cache-safe). */
    record Allowed(VerifiedToken token, AuthorizerPolicy policy) implements Decision {
        public Allowed {
            requireNonNull(token, "token is null");
            requireNonNull(policy, "policy is null");
        }
    }

    /** A missing or unacceptable token: API Gateway must answer 401 (or, for a simple response, 403). */
    record Rejected(TokenRejectedException.Reason reason) implements Decision {
        public Rejected {
            requireNonNull(reason, "reason is null");
        }
    }
}
