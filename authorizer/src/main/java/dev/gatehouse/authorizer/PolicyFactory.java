package dev.gatehouse.authorizer;

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
 * the policy must be right for every route, never just the requested {@code methodArn} (which would turn every other
 * endpoint into a 403 for the cache TTL), and never name another API or stage.
 *
 * <ul>
 *   <li>Without a route table ({@link RouteScopes#NONE}): Allow the whole stage ({@code {apiId}/{stage}/*}{@code /*}).
 *   <li>With one: Allow exactly the routes the token's scopes permit (open routes and routes requiring one of its
 *       scopes), each pattern widened to the shortest path prefix that still covers no refused route; Deny a refused
 *       route only where an Allow would otherwise cover it. A token permitted nothing gets a Deny of the stage.
 *   <li>A request whose method and path match no route of the table comes from an API the table does not describe
 *       (a separate stack using this authorizer by ARN): Allow that whole stage, as without a table.
 * </ul>
 *
 * <p>The route patterns depend only on which of the table's scopes a token holds, so they are computed once per such
 * scope set and cached (bounded). Thread-safe.
 */
final class PolicyFactory {

    private static final int MAX_CACHED_SCOPE_SETS = 1024;

    /** The method-ARN tails (after the stage) to allow and to deny for one set of granted scopes. */
    record Patterns(List<String> allow, List<String> deny) {
        Patterns {
            allow = List.copyOf(allow);
            deny = List.copyOf(deny);
        }
    }

    private final RouteScopes routes;
    private final Set<String> requiredScopes;
    /** Every route's pattern, to tell a request of the table's API from one of another API; null without a table. */
    private final PolicyStatement described;
    private final Map<Set<String>, Patterns> cache = new ConcurrentHashMap<>();

    PolicyFactory() {
        this(RouteScopes.NONE);
    }

    PolicyFactory(RouteScopes routes) {
        this.routes = requireNonNull(routes, "routes is null");
        this.requiredScopes = routes.requiredScopes();
        this.described = routes.isEmpty() ? null : new PolicyStatement(Effect.ALLOW,
                routes.routes().stream().map(RouteScopes.Route::pattern).distinct().toList());
    }

    AuthorizerPolicy allow(Principal principal, MethodArn methodArn) {
        Map<String, Object> context = AuthorizerContext.of(principal);
        if (routes.isEmpty() || !describes(methodArn)) {
            return AuthorizerPolicy.allow(principal.subject(), methodArn.stageWildcard(), context);
        }
        Patterns patterns = patterns(principal.scopes());
        String stagePrefix = methodArn.stageWildcard().substring(0, methodArn.stageWildcard().length() - "*/*".length());
        if (patterns.allow().isEmpty()) {
            return new AuthorizerPolicy(principal.subject(), List.of(PolicyStatement.deny(methodArn.stageWildcard())), context);
        }
        List<PolicyStatement> statements = new ArrayList<>();
        statements.add(new PolicyStatement(Effect.ALLOW, prefixed(stagePrefix, patterns.allow())));
        if (!patterns.deny().isEmpty()) {
            statements.add(new PolicyStatement(Effect.DENY, prefixed(stagePrefix, patterns.deny())));
        }
        return new AuthorizerPolicy(principal.subject(), statements, context);
    }

    private boolean describes(MethodArn methodArn) {
        return described.matches(methodArn.httpMethod() + "/" + methodArn.resourcePath());
    }

    private static List<String> prefixed(String prefix, List<String> tails) {
        List<String> resources = new ArrayList<>(tails.size());
        for (String tail : tails) {
            resources.add(prefix + tail);
        }
        return resources;
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
        List<RouteScopes.Route> permitted = new ArrayList<>();
        List<RouteScopes.Route> refused = new ArrayList<>();
        for (RouteScopes.Route route : routes.routes()) {
            if (route.permits(granted)) {
                permitted.add(route);
            } else {
                refused.add(route);
            }
        }
        Set<String> allow = new LinkedHashSet<>();
        for (RouteScopes.Route route : permitted) {
            allow.add(widen(route.pattern(), refused));
        }
        List<String> compact = withoutCovered(allow);
        List<String> deny = new ArrayList<>();
        for (RouteScopes.Route route : refused) {
            for (String pattern : compact) {
                if (route.reachableBy(pattern)) {
                    deny.add(route.pattern());
                    break;
                }
            }
        }
        return new Patterns(compact, deny);
    }

    /**
     * The shortest generalisation of {@code pattern} ({@code *}, {@code VERB/*}, {@code VERB/a*}, {@code VERB/a/b*}, ...,
     * the pattern itself) that matches no request of a refused route (an exact check, {@code Route.reachableBy}). Wider
     * patterns only add paths that are no route of the table, which API Gateway answers itself without calling any function.
     */
    private static String widen(String pattern, List<RouteScopes.Route> refused) {
        List<String> candidates = new ArrayList<>();
        candidates.add("*");
        int slash = pattern.indexOf('/');
        candidates.add(pattern.substring(0, slash) + "/*");
        for (int i = pattern.indexOf('/', slash + 1); i > 0; i = pattern.indexOf('/', i + 1)) {
            candidates.add(pattern.substring(0, i) + "*");
        }
        for (String candidate : candidates) {
            if (refused.stream().noneMatch(route -> route.reachableBy(candidate))) {
                return candidate;
            }
        }
        return pattern;
    }

    /** Drops prefix patterns ({@code x*}) covered by a shorter prefix pattern, and exact patterns covered by any pattern. */
    private static List<String> withoutCovered(Set<String> patterns) {
        List<String> kept = new ArrayList<>();
        for (String pattern : patterns) {
            boolean covered = false;
            for (String other : patterns) {
                if (!other.equals(pattern) && other.endsWith("*") && other.indexOf('*') == other.length() - 1
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
