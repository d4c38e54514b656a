package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.common.PolicyStatement;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which scopes each route of the API requires, as declared on its {@code http} event in {@code infra/serverless.yml}
 * ({@code authorizer.scopes}) and handed to the authorizer in {@value #ROUTE_SCOPES} by the deployment
 * ({@code infra/route-scopes.js} builds it from the same events). A route requires any one of its scopes; a route
 * with no scopes is open to every valid token. Empty ({@link #NONE}) when the variable is not set: then every valid
 * token may call the whole stage, as before per-route scopes existed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param routes the routes, each verb and path once
 */
public record RouteScopes(List<Route> routes) {

    /** JSON object {@code {"GET /orders": ["read:orders"], "POST /orders": ["write:orders"], "GET /hello-world": []}}. */
    public static final String ROUTE_SCOPES = "ROUTE_SCOPES";

    /** No route table: every valid token may call the whole stage. */
    public static final RouteScopes NONE = new RouteScopes(List.of());

    /**
     * The most bytes the policy document for a token may take. API Gateway documents an 8 KB limit for a Lambda
     * authorizer's result only for WebSocket APIs and none for REST; we hold every API to that tightest documented
     * figure, so a cached result never depends on an undocumented limit.
     */
    public static final int MAX_POLICY_BYTES = 8192;

    /**
     * Bytes of {@code "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/"} and a stage name, assumed generously:
     * long partitions ({@code aws-us-gov}) and regions, and stage names up to 40 characters.
     */
    static final int MAX_ARN_PREFIX_BYTES = 120;

    /** Version, the Statement array, two statements with Action and Effect: the document without its resources. */
    static final int POLICY_OVERHEAD_BYTES = 200;

    static final List<String> VERBS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~!$&'()+,;=:@%-]+|\\{[A-Za-z0-9_.-]+\\+?}");

    /**
     * One route: {@code method} in upper case ({@code ANY} for any verb), {@code path} with a leading slash and
     * {@code {param}} / {@code {proxy+}} path parameters, and the scopes it requires (any of them; empty = open).
     */
    public record Route(String method, String path, List<String> scopes) {
        public Route {
            requireNonNull(method, "method is null");
            requireNonNull(path, "path is null");
            scopes = List.copyOf(new java.util.LinkedHashSet<>(requireNonNull(scopes, "scopes is null")));
            if (!method.equals("ANY") && !VERBS.contains(method)) {
                throw new ConfigurationException(ROUTE_SCOPES + ": the method of route '" + method + " " + path + "' must be one of " + VERBS + " or ANY");
            }
            if (!path.startsWith("/")) {
                throw new ConfigurationException(ROUTE_SCOPES + ": the path of route '" + method + " " + path + "' must start with '/'");
            }
            if (!path.equals("/")) {
                for (String segment : path.substring(1).split("/", -1)) {
                    if (!SEGMENT.matcher(segment).matches()) {
                        throw new ConfigurationException(ROUTE_SCOPES + ": route '" + method + " " + path + "' has an invalid path segment '" + segment
                                + "'; expected literal segments and {param} or {proxy+} path parameters");
                    }
                }
            }
            for (String scope : scopes) {
                if (scope.isEmpty() || scope.chars().anyMatch(Character::isWhitespace)) {
                    throw new ConfigurationException(ROUTE_SCOPES + ": route '" + method + " " + path + "' names a scope that is empty or contains whitespace");
                }
            }
        }

        /** Whether a token granting {@code granted} may call this route: no scopes required, or any one of them granted. */
        boolean permits(Set<String> granted) {
            if (scopes.isEmpty()) {
                return true;
            }
            for (String scope : scopes) {
                if (granted.contains(scope)) {
                    return true;
                }
            }
            return false;
        }

        /** The method-ARN tail pattern after the stage: {@code VERB/resource path}, path parameters as {@code *}. */
        String pattern() {
            return (method.equals("ANY") ? "*" : method) + "/" + resourcePath("*", "*");
        }

        /**
         * Whether the IAM pattern {@code glob} (literal characters and {@code *}) matches at least one request this route
         * serves, exactly: API Gateway fills {@code {param}} with one non-empty segment (no {@code /}) and
         * {@code {proxy+}} with one or more characters, slashes included.
         */
        boolean reachableBy(String glob) {
            String path = resourcePath(String.valueOf(SEGMENT_TOKEN), String.valueOf(GREEDY_TOKEN));
            for (String verb : method.equals("ANY") ? VERBS : List.of(method)) {
                if (intersects(glob, verb + "/" + path)) {
                    return true;
                }
            }
            return false;
        }

        /** Method-ARN tails of concrete requests this route serves (one per verb, path parameters filled in): examples for tests. */
        List<String> samples() {
            String path = resourcePath("p", "p/p");
            return method.equals("ANY") ? VERBS.stream().map(verb -> verb + "/" + path).toList() : List.of(method + "/" + path);
        }

        private String resourcePath(String parameter, String greedy) {
            if (path.equals("/")) {
                return "";
            }
            List<String> segments = new ArrayList<>();
            for (String segment : path.substring(1).split("/", -1)) {
                segments.add(segment.startsWith("{") ? (segment.endsWith("+}") ? greedy : parameter) : segment);
            }
            return String.join("/", segments);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    public RouteScopes {
        routes = List.copyOf(requireNonNull(routes, "routes is null"));
        Set<String> seen = new HashSet<>();
        for (Route route : routes) {
            if (!seen.add(route.method() + " " + route.path().replaceAll("\\{[^}]*}", "{}"))) {
                throw new ConfigurationException(ROUTE_SCOPES + " names route '" + route + "' more than once");
            }
        }
        requireDistinguishable(routes);
        int bound = policyBytesUpperBound(routes);
        if (bound > MAX_POLICY_BYTES) {
            throw new ConfigurationException(ROUTE_SCOPES + " lists " + routes.size() + " routes, whose policy could take up to " + bound
                    + " bytes; the budget is " + MAX_POLICY_BYTES + " bytes (API Gateway's 8 KB authorizer-result limit): "
                    + "give routes that belong together a common path prefix and the same scopes, or split the API");
        }
    }

    /**
     * A bound on the policy document for any token: each route contributes at most one resource, either to the Allow
     * (permitted routes, possibly widened to a shorter pattern) or to the Deny (refused routes), never to both.
     */
    static int policyBytesUpperBound(List<Route> routes) {
        int bytes = POLICY_OVERHEAD_BYTES;
        for (Route route : routes) {
            bytes += MAX_ARN_PREFIX_BYTES + route.pattern().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 3;
        }
        return bytes;
    }

    /**
     * IAM's {@code *} also matches {@code /}, so the pattern of one route can cover requests of another. The policy
     * allows granted routes and denies a refused route only where an Allow would cover it; that Deny must then not
     * cover a request of a route the same token may call. Route tables where that can happen are rejected here.
     */
    private static void requireDistinguishable(List<Route> routes) {
        for (Route denied : routes) {
            if (denied.scopes().isEmpty()) {
                continue;
            }
            Route swallowed = null;
            Route covering = null;
            for (Route other : routes) {
                if (other == denied || !(other.scopes().isEmpty() || !denied.scopes().containsAll(other.scopes()))) {
                    continue;
                }
                if (swallowed == null && other.reachableBy(denied.pattern())) {
                    swallowed = other;
                }
                if (covering == null && denied.reachableBy(other.pattern())) {
                    covering = other;
                }
            }
            if (swallowed != null && covering != null) {
                throw new ConfigurationException(ROUTE_SCOPES + ": route '" + denied + "' needs other scopes than '" + covering + "' and '" + swallowed
                        + "', but IAM wildcards cannot tell their requests apart (path parameters become '*', which also matches '/'); "
                        + "give them the same scopes or distinct literal path segments");
            }
        }
    }

    /** In a route template: a {@code {param}} (one or more characters other than {@code /}). */
    private static final char SEGMENT_TOKEN = '\u0001';
    /** In a route template: a {@code {proxy+}} (one or more characters of any kind). */
    private static final char GREEDY_TOKEN = '\u0002';

    /**
     * Whether some string matches both the IAM glob ({@code *} = any run of characters) and the route template (literal
     * characters, {@link #SEGMENT_TOKEN}, {@link #GREEDY_TOKEN}): a search over the product of the two automata.
     * States are (glob position, template position, inside a parameter having consumed at least one character).
     */
    static boolean intersects(String glob, String template) {
        int n = glob.length();
        int m = template.length();
        boolean[][][] seen = new boolean[n + 1][m + 1][2];
        java.util.ArrayDeque<int[]> queue = new java.util.ArrayDeque<>();
        queue.add(new int[] {0, 0, 0});
        seen[0][0][0] = true;
        while (!queue.isEmpty()) {
            int[] s = queue.poll();
            int i = s[0];
            int j = s[1];
            int in = s[2];
            if (i == n && j == m && in == 0) {
                return true;
            }
            // Epsilon moves: a glob star may match nothing more; a parameter that has consumed a character may end.
            if (i < n && glob.charAt(i) == '*') {
                visit(seen, queue, i + 1, j, in);
            }
            if (in == 1) {
                visit(seen, queue, i, j + 1, 0);
            }
            // Consume one character on both sides.
            if (i >= n) {
                continue;
            }
            boolean star = glob.charAt(i) == '*';
            char literal = glob.charAt(i);
            int nextI = star ? i : i + 1;
            if (in == 1) {
                char token = template.charAt(j);
                if (star || token == GREEDY_TOKEN || literal != '/') {
                    visit(seen, queue, nextI, j, 1);
                }
            } else if (j < m) {
                char token = template.charAt(j);
                if (token == SEGMENT_TOKEN) {
                    if (star || literal != '/') {
                        visit(seen, queue, nextI, j, 1);
                    }
                } else if (token == GREEDY_TOKEN) {
                    visit(seen, queue, nextI, j, 1);
                } else if (star || literal == token) {
                    visit(seen, queue, nextI, j + 1, 0);
                }
            }
        }
        return false;
    }

    private static void visit(boolean[][][] seen, java.util.ArrayDeque<int[]> queue, int i, int j, int in) {
        if (!seen[i][j][in]) {
            seen[i][j][in] = true;
            queue.add(new int[] {i, j, in});
        }
    }

    /** Whether no route table is configured. */
    public boolean isEmpty() {
        return routes.isEmpty();
    }

    /** Every scope some route requires. */
    Set<String> requiredScopes() {
        Set<String> scopes = new HashSet<>();
        routes.forEach(route -> scopes.addAll(route.scopes()));
        return scopes;
    }

    /**
     * Reads {@value #ROUTE_SCOPES}; absent or blank means {@link #NONE}.
     *
     * @throws ConfigurationException naming the variable and what was expected
     */
    public static RouteScopes fromEnv(Map<String, String> env) {
        requireNonNull(env, "env is null");
        String value = env.get(ROUTE_SCOPES);
        if (value == null || value.isBlank()) {
            return NONE;
        }
        return parse(value);
    }

    /** Parses the JSON form of {@value #ROUTE_SCOPES}. */
    public static RouteScopes parse(String json) {
        String expected = ROUTE_SCOPES + " must be a JSON object of \"VERB /path\": [\"scope\", ...] entries, e.g. {\"GET /orders\":[\"read:orders\"]}";
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new ConfigurationException(expected + "; it is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new ConfigurationException(expected + "; got no object");
        }
        List<Route> routes = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String[] key = field.getKey().strip().split("\\s+");
            if (key.length != 2) {
                throw new ConfigurationException(expected + "; the key '" + field.getKey() + "' is not 'VERB /path'");
            }
            if (!field.getValue().isArray()) {
                throw new ConfigurationException(expected + "; the scopes of '" + field.getKey() + "' are not an array");
            }
            List<String> scopes = new ArrayList<>();
            for (JsonNode scope : field.getValue()) {
                if (!scope.isTextual()) {
                    throw new ConfigurationException(expected + "; a scope of '" + field.getKey() + "' is not a string");
                }
                scopes.add(scope.asText());
            }
            String path = key[1].length() > 1 && key[1].endsWith("/") ? key[1].substring(0, key[1].length() - 1) : key[1];
            routes.add(new Route(key[0].toUpperCase(Locale.ROOT), path, scopes));
        }
        return new RouteScopes(routes);
    }
}
