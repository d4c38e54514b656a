package dev.gatehouse.authorizer.policy;

import static java.util.Objects.requireNonNull;

import dev.gatehouse.common.AuthorizerContext;
import dev.gatehouse.common.AuthorizerPolicy;
import dev.gatehouse.common.Effect;
import dev.gatehouse.common.MethodArn;
import dev.gatehouse.common.PolicyStatement;
import dev.gatehouse.common.Principal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a verified principal into the policy API Gateway caches for its token.
 *
 * <p>API Gateway reuses that cached policy for every later method and path of the API called with the same token, so
 * the policy must be right for every route, never just the requested {@code methodArn}, and never name another API or
 * stage. It is therefore a function of the token's scopes, the route table and the ARN's partition, region, account,
 * API and stage <b>only</b>: the requested verb and path play no part, so no first request, however odd its path
 * (trailing slashes, encodings, a route the table does not know), can widen what the token may do later.
 *
 * <ul>
 *   <li>Allow exactly the patterns {@link RouteScopes#allowPatterns} of the routes the token's scopes permit (open
 *       routes and routes requiring one of its scopes); every other request is refused by omission. The table was
 *       checked at start so that no such pattern matches a request of a route the token is refused. A second
 *       statement denies the dot-segment forms ({@link RouteScopes#AMBIGUOUS_PATH_DENIES}), which no route model
 *       covers.
 *   <li>A token permitted nothing gets a Deny of the stage.
 * </ul>
 *
 * <p>The patterns depend only on which of the table's scopes a token holds, so they are computed once per such scope
 * set and cached (bounded), and so is each set's list of resource ARNs per API stage (bounded too): on the warm path a
 * policy costs two map lookups. Thread-safe.
 */
public final class PolicyFactory {

    private static final int MAX_CACHED_SCOPE_SETS = 1024;
    /** Stages (partition, region, account, API, stage) whose resource lists one scope set keeps. */
    private static final int MAX_CACHED_STAGES = 64;

    /** The method-ARN tails (after the stage) to allow for one set of granted scopes; empty = nothing. */
    record Patterns(List<String> allow, Map<String, List<String>> resourcesByStage) {
        Patterns(List<String> allow) {
            this(List.copyOf(allow), new ConcurrentHashMap<>());
        }

        /** The allowed resource ARNs under {@code stagePrefix} ({@code arn:…:{apiId}/{stage}/}), immutable. */
        List<String> resources(String stagePrefix) {
            List<String> cached = resourcesByStage.get(stagePrefix);
            if (cached != null) {
                return cached;
            }
            List<String> resources = new ArrayList<>(allow.size());
            for (String tail : allow) {
                resources.add(stagePrefix + tail);
            }
            List<String> computed = List.copyOf(resources);
            if (resourcesByStage.size() < MAX_CACHED_STAGES) {
                resourcesByStage.putIfAbsent(stagePrefix, computed);
            }
            return computed;
        }
    }

    /** Denied in every Allow policy, whatever the token: {@link RouteScopes#AMBIGUOUS_PATH_DENIES}. */
    private static final Patterns AMBIGUOUS_PATHS = new Patterns(RouteScopes.AMBIGUOUS_PATH_DENIES);

    private final RouteScopes routes;
    private final Set<String> requiredScopes;
    private final Map<Set<String>, Patterns> cache = new ConcurrentHashMap<>();

    public PolicyFactory(RouteScopes routes) {
        this.routes = requireNonNull(routes, "routes is null");
        this.requiredScopes = routes.requiredScopes();
    }

    public AuthorizerPolicy allow(Principal principal, MethodArn methodArn) {
        Map<String, Object> context = AuthorizerContext.of(principal);
        Patterns patterns = patterns(principal.scopes());
        if (patterns.allow().isEmpty()) {
            return new AuthorizerPolicy(
                    principal.subject(), List.of(PolicyStatement.deny(methodArn.stageWildcard())), context);
        }
        String stageWildcard = methodArn.stageWildcard();
        String stagePrefix = stageWildcard.substring(0, stageWildcard.length() - "*/*".length());
        routes.requireWithinBudget(stagePrefix);
        return new AuthorizerPolicy(
                principal.subject(),
                List.of(
                        new PolicyStatement(Effect.ALLOW, patterns.resources(stagePrefix)),
                        new PolicyStatement(Effect.DENY, AMBIGUOUS_PATHS.resources(stagePrefix))),
                context);
    }

    /**
     * Refuses an event of an API the table does not describe ({@link RouteScopes#requireDescribed}); called before the
     * token is verified.
     */
    public void requireDescribed(MethodArn methodArn) {
        routes.requireDescribed(methodArn);
    }

    /** The patterns for a token granting {@code scopes}; cached per subset of the table's scopes. */
    Patterns patterns(List<String> scopes) {
        Set<String> relevant = new TreeSet<>();
        for (String scope : scopes) {
            if (requiredScopes.contains(scope)) {
                relevant.add(scope);
            }
        }
        Patterns cached = cache.get(relevant);
        if (cached != null) {
            return cached;
        }
        Patterns computed = compute(relevant);
        if (cache.size() < MAX_CACHED_SCOPE_SETS) {
            cache.putIfAbsent(Set.copyOf(relevant), computed);
        }
        return computed;
    }

    private Patterns compute(Set<String> granted) {
        Set<String> allow = new LinkedHashSet<>();
        List<RouteScopes.Route> all = routes.routes();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).permits(granted)) {
                allow.addAll(routes.allowPatterns(i));
            }
        }
        return new Patterns(withoutCovered(allow));
    }

    /**
     * Drops a pattern that a {@code prefix*} pattern of the same set also matches ({@code GET/} beside {@code GET/*}).
     */
    private static List<String> withoutCovered(Set<String> patterns) {
        List<String> kept = new ArrayList<>();
        for (String pattern : patterns) {
            boolean covered = false;
            for (String other : patterns) {
                if (!other.equals(pattern)
                        && other.endsWith("*")
                        && other.indexOf('*') == other.length() - 1
                        && pattern.startsWith(other.substring(0, other.length() - 1))) {
                    covered = true;
                    break;
                }
            }
            if (!covered) {
                kept.add(pattern);
            }
        }
        return kept;
    }
}
