package dev.gatehouse.authorizer.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import dev.gatehouse.authorizer.exceptions.InvalidEventException;
import dev.gatehouse.common.MethodArn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which scopes each route of the API requires, as declared on its {@code http} event in {@code infra/serverless.yml}
 * ({@code authorizer.scopes}) and handed to the authorizer in {@value #ROUTE_SCOPES} by the deployment (computed from
 * the fully resolved service, so every route behind the authorizer is in it). A route requires any one of its scopes; a
 * route with no scopes is open to every valid token. The table is <b>required</b>: a request no route describes is
 * refused, and a whole-stage grant is the explicit table {@value #WHOLE_STAGE_JSON} ({@link #wholeStage}). A table
 * describes the API(s) named in {@value #API_IDS} and no other: {@link #requireDescribed} refuses an event of any other
 * API, which the table may not describe.
 *
 * <p>At construction every route gets the IAM resource patterns ({@link #allowPatterns}) a token permitted that route
 * is allowed, and the table is rejected when one of them could match a request of another route that some token may be
 * refused ({@link RouteLanguage} says which requests those are, whatever the gateway does with slashes and
 * percent-encodings): IAM's {@code *} also matches {@code /}, so such tables cannot be enforced by one cached policy.
 *
 * <p>Immutable and thread-safe.
 */
public final class RouteScopes {

    /**
     * JSON object {@code {"GET /orders": ["read:orders"], "POST /orders": ["write:orders"], "GET /hello-world": []}}.
     */
    public static final String ROUTE_SCOPES = "ROUTE_SCOPES";

    /**
     * The ids of the API(s) the table describes, comma-separated ({@code {Ref: ApiGatewayRestApi}} when deployed): an
     * event of any other API is refused (500), never answered with this table.
     */
    public static final String API_IDS = "API_IDS";

    /** The explicit table for "every valid token may call every route of the stage". */
    public static final String WHOLE_STAGE_JSON = "{\"ANY /{proxy+}\":[],\"ANY /\":[]}";

    /** HTTP API's catch-all route key: any verb, any path. */
    static final String DEFAULT_ROUTE = "$default";

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

    public static final List<String> VERBS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
    /**
     * A literal segment (no {@code %}: a route template names characters, and {@link RouteLanguage} adds their encoded
     * forms; no {@code *} or {@code ?}, which IAM would read as wildcards) or a {@code {param}} / {@code {proxy+}}.
     */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~!$&'()+,;=:@-]+|\\{[A-Za-z0-9_.-]+\\+?}");

    private static final Pattern API_ID = Pattern.compile("[A-Za-z0-9]{1,64}");

    /**
     * Resource tails (after {@code {apiId}/{stage}/}) every Allow policy also denies: a path segment that begins with
     * a dot ({@code ..}, {@code .}), raw or after an encoded slash; any encoded dot or encoded {@code %}; and any
     * backslash, raw or encoded. AWS does not document whether anything in front of the authorizer resolves dot
     * segments (RFC 3986, 5.2.4) or takes {@code \} for {@code /} while routing, with the method ARN keeping the path
     * as sent, so {@code GET/public/../admin} might be routed to {@code /admin} while {@code GET/public/*} matches it:
     * these requests are refused whatever the token (a 403), which is why table segments may not begin with a dot.
     * {@code %25} covers every double encoding ({@code %252E}).
     */
    static final List<String> AMBIGUOUS_PATH_DENIES =
            List.of("*/.*", "*%2F.*", "*%2f.*", "*%2E*", "*%2e*", "*%25*", "*\\*", "*%5C*", "*%5c*");

    /**
     * One route: {@code method} in upper case ({@code ANY} for any verb), {@code path} with a leading slash and
     * {@code {param}} / {@code {proxy+}} path parameters, and the scopes it requires (any of them; empty = open).
     */
    public record Route(String method, String path, List<String> scopes) {
        public Route {
            requireNonNull(method, "method is null");
            requireNonNull(path, "path is null");
            scopes = List.copyOf(new LinkedHashSet<>(requireNonNull(scopes, "scopes is null")));
            if (!method.equals("ANY") && !VERBS.contains(method)) {
                throw new ConfigurationException(ROUTE_SCOPES + ": the method of route '" + method + " " + path
                        + "' must be one of " + VERBS + " or ANY");
            }
            if (!path.startsWith("/")) {
                throw new ConfigurationException(
                        ROUTE_SCOPES + ": the path of route '" + method + " " + path + "' must start with '/'");
            }
            if (!path.equals("/")) {
                String[] segments = path.substring(1).split("/", -1);
                for (int i = 0; i < segments.length; i++) {
                    String segment = segments[i];
                    if (!SEGMENT.matcher(segment).matches()) {
                        throw new ConfigurationException(
                                ROUTE_SCOPES + ": route '" + method + " " + path + "' has an invalid path segment '"
                                        + segment
                                        + "'; expected literal segments (no '%', '*' or '?') and {param} or "
                                        + "{proxy+} path parameters");
                    }
                    if (segment.startsWith(".")) {
                        throw new ConfigurationException(ROUTE_SCOPES + ": route '" + method + " " + path
                                + "' has a path segment '" + segment + "' that begins with '.'; dot segments ('.', "
                                + "'..') may be resolved in front of the authorizer, so every policy denies "
                                + "segments beginning with a dot and such a route could never be called");
                    }
                    if (segment.endsWith("+}") && i != segments.length - 1) {
                        throw new ConfigurationException(ROUTE_SCOPES + ": route '" + method + " " + path
                                + "' has a greedy parameter '" + segment
                                + "' before its last segment; API Gateway allows {proxy+} only at the end");
                    }
                }
            }
            for (String scope : scopes) {
                if (scope.isEmpty() || scope.chars().anyMatch(Character::isWhitespace)) {
                    throw new ConfigurationException(ROUTE_SCOPES + ": route '" + method + " " + path
                            + "' names a scope that is empty or contains whitespace");
                }
            }
        }

        /**
         * Whether a token granting {@code granted} may call this route: no scopes required, or any one of them granted.
         */
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
            return (method.equals("ANY") ? "*" : method) + "/" + resourcePattern();
        }

        /**
         * The resource path after {@code VERB/}, path parameters as {@code *}: {@code orders/*}, or empty for
         * {@code /}.
         */
        String resourcePattern() {
            if (path.equals("/")) {
                return "";
            }
            List<String> segments = new ArrayList<>();
            for (String segment : path.substring(1).split("/", -1)) {
                segments.add(segment.startsWith("{") ? "*" : segment);
            }
            return String.join("/", segments);
        }

        /**
         * The template with parameter names erased but their kind kept ({@code /orders/{}}, {@code /orders/{+}}): two
         * routes are the same resource only when their shapes are equal ({@code {id}} is not {@code {proxy+}}).
         */
        String shape() {
            return path.replaceAll("\\{[^}]*\\+}", "{+}").replaceAll("\\{[^}+]*}", "{}");
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private final List<Route> routes;
    /** Per route (by index): the IAM resource tails (after the stage) a token permitted it is allowed. */
    private final List<List<String>> allowPatterns;

    private final Set<String> requiredScopes;
    private final Set<String> apiIds;

    /**
     * @param apiIds the API(s) the table describes, at least one
     * @param routes the routes, each verb and path once, at least one
     * @throws ConfigurationException naming {@value #ROUTE_SCOPES} when the table is empty, names a route twice, cannot
     *     be enforced by IAM patterns, or its policy could exceed {@link #MAX_POLICY_BYTES}; naming {@value #API_IDS}
     *     when no API or an invalid id is given
     */
    public RouteScopes(Set<String> apiIds, List<Route> routes) {
        this.apiIds = Set.copyOf(new TreeSet<>(requireNonNull(apiIds, "apiIds is null")));
        if (this.apiIds.isEmpty()) {
            throw new ConfigurationException(
                    API_IDS + " names no API; the route table must say which API it describes");
        }
        for (String apiId : this.apiIds) {
            if (!API_ID.matcher(apiId).matches()) {
                throw new ConfigurationException(
                        API_IDS + " holds '" + apiId + "', which is no API Gateway API id (letters and digits)");
            }
        }
        this.routes = List.copyOf(requireNonNull(routes, "routes is null"));
        if (this.routes.isEmpty()) {
            throw new ConfigurationException(ROUTE_SCOPES
                    + " declares no routes, so no request could be allowed; declare every route of the API, " + "or "
                    + WHOLE_STAGE_JSON + " to let every valid token call every route");
        }
        Set<String> seen = new HashSet<>();
        for (Route route : this.routes) {
            if (!seen.add(route.method() + " " + route.shape())) {
                throw new ConfigurationException(ROUTE_SCOPES + " names route '" + route + "' more than once");
            }
        }
        Set<String> scopes = new HashSet<>();
        this.routes.forEach(route -> scopes.addAll(route.scopes()));
        this.requiredScopes = Set.copyOf(scopes);
        this.allowPatterns = allowPatterns(this.routes);
        int bound = policyBytesUpperBound();
        if (bound > MAX_POLICY_BYTES) {
            throw new ConfigurationException(ROUTE_SCOPES + " lists " + this.routes.size()
                    + " routes, whose policy could take up to " + bound + " bytes; the budget is " + MAX_POLICY_BYTES
                    + " bytes (API Gateway's 8 KB authorizer-result limit): split the API");
        }
    }

    /**
     * The explicit whole-stage table {@value #WHOLE_STAGE_JSON} of the API(s) {@code apiIds}: every valid token may
     * call every route.
     */
    public static RouteScopes wholeStage(Set<String> apiIds) {
        return parse(WHOLE_STAGE_JSON, apiIds);
    }

    /** The API(s) the table describes. */
    public Set<String> apiIds() {
        return apiIds;
    }

    /**
     * Refuses an event of an API the table does not describe: another API wired to this authorizer may have routes
     * the table's patterns match ({@code GET/orders/*} covers {@code GET/orders/42/admin}), so it is never answered.
     *
     * @throws InvalidEventException naming the API and {@value #API_IDS} (API Gateway answers 500)
     */
    public void requireDescribed(MethodArn arn) {
        if (!apiIds.contains(arn.apiId())) {
            throw new InvalidEventException(
                    "The event comes from API '" + arn.apiId() + "', but " + ROUTE_SCOPES + " describes only " + API_IDS
                            + " " + new TreeSet<>(apiIds)
                            + "; this authorizer answers no other API: give that API its own authorizer",
                    null);
        }
    }

    /**
     * Refuses an Allow policy under {@code stagePrefix} ({@code arn:…:{apiId}/{stage}/}) longer than the
     * {@value #MAX_ARN_PREFIX_BYTES} bytes the policy budget was checked for at start: it could exceed 8 KB.
     *
     * @throws InvalidEventException naming the limit (API Gateway answers 500)
     */
    void requireWithinBudget(String stagePrefix) {
        int prefixBytes = stagePrefix.getBytes(StandardCharsets.UTF_8).length;
        if (prefixBytes > MAX_ARN_PREFIX_BYTES) {
            throw new InvalidEventException(
                    "The ARN's API and stage prefix takes " + prefixBytes + " bytes, more than the "
                            + MAX_ARN_PREFIX_BYTES + " the policy budget assumes; use a stage name of at most 40 "
                            + "characters",
                    null);
        }
    }

    /** The routes, in the order declared. */
    public List<Route> routes() {
        return routes;
    }

    /**
     * The IAM resource tails (after {@code {apiId}/{stage}/}) that a token permitted {@code routes().get(index)} is
     * allowed.
     */
    List<String> allowPatterns(int index) {
        return allowPatterns.get(index);
    }

    /**
     * For each route, the patterns that allow it: {@code VERB/path} with parameters as {@code *} (an {@code ANY} route
     * once per verb it serves, as {@code *}{@code /path} would also match paths of other routes), plus the same with a
     * trailing slash when that is safe; an {@code ANY} route allows {@code HEAD} only where that is safe too. A pattern
     * that could match a request of a route that some token holding this
     * route's scopes is refused makes the table unenforceable, and it is rejected here, at start, naming both routes.
     */
    private static List<List<String>> allowPatterns(List<Route> routes) {
        Map<String, Set<String>> explicitVerbs = new HashMap<>();
        for (Route route : routes) {
            explicitVerbs.computeIfAbsent(route.shape(), k -> new HashSet<>()).add(route.method());
        }
        List<RouteLanguage> languages =
                routes.stream().map(route -> RouteLanguage.of(route.path())).toList();
        List<List<String>> all = new ArrayList<>();
        for (Route route : routes) {
            Set<String> explicit = explicitVerbs.getOrDefault(route.shape(), Set.of());
            List<String> verbs = route.method().equals("ANY")
                    ? VERBS.stream().filter(verb -> !explicit.contains(verb)).toList()
                    : List.of(route.method());
            List<String> patterns = new ArrayList<>();
            String resource = route.resourcePattern();
            for (String verb : verbs) {
                Optional<String> collision = collision(route, verb, resource, routes, languages, explicitVerbs);
                if (collision.isPresent()
                        && verb.equals("HEAD")
                        && route.method().equals("ANY")) {
                    // HEAD may reach a GET route instead (undocumented): allowed by an ANY route only where safe.
                    continue;
                }
                if (collision.isPresent()) {
                    throw new ConfigurationException(ROUTE_SCOPES + ": route '" + route + "' and " + collision.get()
                            + "; IAM's '*' also matches '/', so one cached policy cannot tell them apart: give "
                            + "both the same scopes, "
                            + "or distinct literal path segments");
                }
                patterns.add(verb + "/" + resource);
                // API Gateway routes /orders/ to /orders and keeps the slash in the method ARN: allow it too, where
                // safe.
                if (!resource.isEmpty()
                        && !resource.endsWith("*")
                        && collision(route, verb, resource + "/", routes, languages, explicitVerbs)
                                .isEmpty()) {
                    patterns.add(verb + "/" + resource + "/");
                }
            }
            all.add(List.copyOf(patterns));
        }
        return List.copyOf(all);
    }

    /**
     * A description of the first route some token permitted {@code route} is refused whose requests
     * {@code verb/resource} matches.
     */
    private static Optional<String> collision(
            Route route,
            String verb,
            String resource,
            List<Route> routes,
            List<RouteLanguage> languages,
            Map<String, Set<String>> explicitVerbs) {
        for (int i = 0; i < routes.size(); i++) {
            Route other = routes.get(i);
            if (other == route
                    || !refusableWhilePermitted(other, route)
                    || !RouteLanguage.verbReaches(
                            verb, other.method(), explicitVerbs.getOrDefault(other.shape(), Set.of()))) {
                continue;
            }
            Optional<String> example = languages.get(i).counterexample(resource);
            if (example.isPresent()) {
                return Optional.of("'" + other + "' need different scopes, but the pattern '" + verb + "/" + resource
                        + "' allowing the first also matches '" + verb + "/" + example.get()
                        + "', a request API Gateway may route to the second");
            }
        }
        return Optional.empty();
    }

    /**
     * Whether some token may call {@code permitted} but not {@code refused}: {@code refused} needs scopes, and not only
     * ones {@code permitted} also accepts.
     */
    private static boolean refusableWhilePermitted(Route refused, Route permitted) {
        return !refused.scopes().isEmpty()
                && (permitted.scopes().isEmpty() || !refused.scopes().containsAll(permitted.scopes()));
    }

    /**
     * A bound on the policy document for any token: every allow pattern of the table and every
     * {@link #AMBIGUOUS_PATH_DENIES} pattern, each with its ARN prefix.
     */
    public int policyBytesUpperBound() {
        int bytes = POLICY_OVERHEAD_BYTES;
        for (String deny : AMBIGUOUS_PATH_DENIES) {
            bytes += MAX_ARN_PREFIX_BYTES + deny.length() + 3;
        }
        for (List<String> patterns : allowPatterns) {
            for (String pattern : patterns) {
                bytes += MAX_ARN_PREFIX_BYTES + pattern.getBytes(StandardCharsets.UTF_8).length + 3;
            }
        }
        return bytes;
    }

    /** Every scope some route requires. */
    public Set<String> requiredScopes() {
        return requiredScopes;
    }

    /**
     * Reads {@value #ROUTE_SCOPES}, which is required.
     *
     * @throws ConfigurationException naming the variable and what was expected
     */
    public static RouteScopes fromEnv(Map<String, String> env) {
        requireNonNull(env, "env is null");
        String value = env.get(ROUTE_SCOPES);
        if (value == null || value.isBlank()) {
            throw new ConfigurationException(ROUTE_SCOPES
                    + " is not set; the authorizer needs the route table of the API it guards "
                    + "(the deployment computes it from the http events behind the authorizer), or " + WHOLE_STAGE_JSON
                    + " to let every valid token call every route");
        }
        return parse(value, apiIdsFromEnv(env));
    }

    /**
     * Reads {@value #API_IDS}, which is required beside {@value #ROUTE_SCOPES} (and for simple responses, where the
     * table is the whole stage).
     *
     * @throws ConfigurationException naming the variable and what was expected
     */
    public static Set<String> apiIdsFromEnv(Map<String, String> env) {
        requireNonNull(env, "env is null");
        String value = env.get(API_IDS);
        if (value == null || value.isBlank()) {
            throw new ConfigurationException(API_IDS
                    + " is not set; the authorizer needs the id(s) of the API its route table describes, "
                    + "comma-separated (the deployment passes {Ref: ApiGatewayRestApi}), and refuses every other API");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String id : value.split(",", -1)) {
            if (id.isBlank()) {
                throw new ConfigurationException(API_IDS + " holds an empty id; expected API ids separated by commas");
            }
            ids.add(id.strip());
        }
        return ids;
    }

    /**
     * Parses the JSON form of {@value #ROUTE_SCOPES}; the key {@value #DEFAULT_ROUTE} (HTTP API's catch-all) means any
     * verb on any path.
     */
    public static RouteScopes parse(String json, Set<String> apiIds) {
        String expected = ROUTE_SCOPES
                + " must be a JSON object of \"VERB /path\": [\"scope\", ...] entries, e.g. {\"GET "
                + "/orders\":[\"read:orders\"]}";
        JsonNode root;
        try {
            root = new ObjectMapper()
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .readTree(json);
        } catch (IOException e) {
            throw new ConfigurationException(expected + "; it is not valid JSON or names a route twice");
        }
        if (root == null || !root.isObject()) {
            throw new ConfigurationException(expected + "; got no object");
        }
        List<Route> routes = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey().strip();
            String[] key = name.split("\\s+");
            if (!field.getValue().isArray()) {
                throw new ConfigurationException(
                        expected + "; the scopes of '" + field.getKey() + "' are not an array");
            }
            List<String> scopes = new ArrayList<>();
            for (JsonNode scope : field.getValue()) {
                if (!scope.isTextual()) {
                    throw new ConfigurationException(
                            expected + "; a scope of '" + field.getKey() + "' is not a string");
                }
                scopes.add(scope.asText());
            }
            if (name.equals(DEFAULT_ROUTE)) {
                routes.add(new Route("ANY", "/", scopes));
                routes.add(new Route("ANY", "/{proxy+}", scopes));
                continue;
            }
            if (key.length != 2) {
                throw new ConfigurationException(
                        expected + "; the key '" + field.getKey() + "' is not 'VERB /path' or " + DEFAULT_ROUTE);
            }
            String path =
                    key[1].length() > 1 && key[1].endsWith("/") ? key[1].substring(0, key[1].length() - 1) : key[1];
            routes.add(new Route(key[0].toUpperCase(Locale.ROOT), path, scopes));
        }
        return new RouteScopes(apiIds, routes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RouteScopes that && routes.equals(that.routes) && apiIds.equals(that.apiIds);
    }

    @Override
    public int hashCode() {
        return 31 * routes.hashCode() + apiIds.hashCode();
    }

    @Override
    public String toString() {
        return apiIds + " " + routes;
    }
}
