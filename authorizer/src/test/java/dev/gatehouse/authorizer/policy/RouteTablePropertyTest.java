package dev.gatehouse.authorizer.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import dev.gatehouse.common.AuthorizerPolicy;
import dev.gatehouse.common.MethodArn;
import dev.gatehouse.common.Principal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The invariant, checked over thousands of random route tables per routing mode: for any token and any first request,
 * the cached policy allows no presentation of a request that API Gateway may route to a route the token is refused,
 * allows every canonical request of a route it is permitted, and does not depend on the first request.
 *
 * <p>The oracle is written independently of {@link RouteLanguage} and {@link RouteScopes}: it parses the generated
 * table itself and routes each request as the mode's API Gateway would ({@link Mode}), over every way AWS leaves open
 * (the path decoded zero, one or two times, {@code %2F} splitting segments or not, repeated and trailing slashes
 * collapsed or not, dot segments resolved or not); where its documentation is silent it takes every route that could
 * win. A request is checked in every form the method ARN may carry (raw, and each normalisation), and policies are
 * evaluated with IAM's matching ({@link AuthorizerPolicy#allows}).
 *
 * <p>Seeded and reproducible: {@code GATEHOUSE_SEED=N ./mvnw -pl authorizer -am test -Dtest=RouteTablePropertyTest
 * -Dsurefire.failIfNoSpecifiedTests=false} replays (or explores) a run; a failure names the mode, seed, table, scopes,
 * first ARN, the request and the route the oracle sends it to.
 */
class RouteTablePropertyTest {

    private static final String PREFIX = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/";
    private static final int TABLES = 10_000;
    private static final List<String> LITERALS = List.of("orders", "items", "a", "b", "users", "me", "o", "v1.0");
    private static final List<String> PARAMETERS = List.of("{id}", "{x}");
    private static final List<String> METHODS = List.of("GET", "GET", "POST", "ANY", "DELETE", "HEAD");
    private static final List<String> VERBS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
    private static final List<String> SCOPES = List.of("s1", "s2", "s3");

    /** How API Gateway picks the route of a request. */
    enum Mode {
        /**
         * REST APIs: a tree of resources, a literal child preferred to a path variable; whether it backtracks, and
         * whether an unserved verb falls back to an ancestor's {@code {proxy+}}, is undocumented, so every resource
         * serving the verb that no other matching one beats on every segment may win.
         */
        REST,
        /**
         * HTTP APIs
         * (<a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html#http-api-develop-routes.evaluation">
         * Routing API requests</a>): route keys are independent; a full match of route and method wins over a match
         * with a greedy path variable, which wins over {@code $default}; an {@code ANY} route matches the methods not
         * defined for its resource; the most specific route wins (where the documentation does not order two, both
         * may).
         */
        HTTP_API
    }

    /** One route of a generated table, parsed by the test itself. */
    private record TableRoute(String key, String method, List<String> segments, List<String> scopes, boolean fallback) {

        boolean permits(Set<String> granted) {
            return scopes.isEmpty() || scopes.stream().anyMatch(granted::contains);
        }

        boolean greedy() {
            return !segments.isEmpty() && segments.get(segments.size() - 1).endsWith("+}");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void shouldNeverAllowARefusedRoutesRequestNorRefuseAPermittedOne(Mode mode) {
        long seed = seed();
        System.out.println(
                "RouteTablePropertyTest " + mode + " seed " + seed + " (replay with GATEHOUSE_SEED=" + seed + ")");
        Random random = new Random(seed ^ mode.ordinal());
        int accepted = 0;
        int checks = 0;
        int refusedRoutings = 0;
        for (int t = 0; t < TABLES; t++) {
            Map<String, List<String>> generated = table(random, mode);
            String json = json(generated);
            RouteScopes routes;
            try {
                routes = RouteSamples.table(json);
            } catch (ConfigurationException e) {
                continue;
            }
            accepted++;
            List<TableRoute> table = parse(generated);
            PolicyFactory factory = new PolicyFactory(routes);
            List<String> granted =
                    SCOPES.stream().filter(scope -> random.nextInt(3) == 0).toList();
            Set<String> grantedSet = Set.copyOf(granted);
            Principal principal = new Principal("sub", granted, Optional.empty(), "https://issuer.example/");
            String first = random.nextInt(4) == 0
                    ? "GET/" + noise(random)
                    : request(random, table.get(random.nextInt(table.size())), table);
            String where = mode + ", seed " + seed + ", table #" + t + " " + json + ", scopes " + granted
                    + ", first ARN " + PREFIX + first;
            AuthorizerPolicy policy = factory.allow(principal, MethodArn.parse(PREFIX + first));

            assertThat(policy)
                    .as("the policy depends on the first request: %s", where)
                    .isEqualTo(factory.allow(principal, MethodArn.parse(PREFIX + "GET/")));
            for (RouteScopes.Route route : routes.routes()) {
                if (route.permits(grantedSet)) {
                    for (String request : canonical(random, route, routes)) {
                        checks++;
                        assertThat(policy.allows(PREFIX + request))
                                .as("refuses %s of permitted %s: %s; policy %s", request, route, where, policy)
                                .isTrue();
                    }
                }
            }
            for (TableRoute aimedAt : table) {
                int requests = aimedAt.permits(grantedSet) ? 4 : 24;
                for (int i = 0; i < requests; i++) {
                    String request = request(random, aimedAt, table);
                    String verb = request.substring(0, request.indexOf('/'));
                    String raw = request.substring(verb.length());
                    for (Reading reading : readings(raw)) {
                        Optional<TableRoute> refused = route(mode, table, verb, reading.segments()).stream()
                                .filter(r -> !r.permits(grantedSet))
                                .findFirst();
                        if (refused.isEmpty()) {
                            continue;
                        }
                        refusedRoutings++;
                        for (String presented : presentations(raw, reading)) {
                            checks++;
                            assertThat(policy.allows(PREFIX + verb + "/" + presented))
                                    .as(
                                            "allows %s (presented as %s) that may reach refused %s: %s; policy %s",
                                            request,
                                            verb + "/" + presented,
                                            refused.get().key(),
                                            where,
                                            policy)
                                    .isFalse();
                        }
                    }
                }
            }
        }
        System.out.println("RouteTablePropertyTest " + mode + ": " + accepted + " of " + TABLES + " tables accepted, "
                + refusedRoutings + " requests reaching a refused route, " + checks + " presentations checked");
        assertThat(accepted)
                .as("the generator must produce enough enforceable tables to mean something")
                .isGreaterThan(TABLES / 4);
        assertThat(refusedRoutings)
                .as("the generator must aim enough requests at refused routes")
                .isGreaterThan(TABLES);
    }

    private static long seed() {
        String value = System.getenv("GATEHOUSE_SEED");
        return value == null || value.isBlank() ? 20261208L : Long.parseLong(value.strip());
    }

    // ----- tables -------------------------------------------------------------------------------------------------

    /**
     * A random table; often a route on a template next to an earlier one (the same path with another method, or its
     * last segment turned from a parameter into a greedy one or back), where a model that mixes them up would fail.
     */
    private static Map<String, List<String>> table(Random random, Mode mode) {
        Map<String, List<String>> table = new LinkedHashMap<>();
        List<String> paths = new ArrayList<>();
        int routes = 1 + random.nextInt(6);
        for (int i = 0; i < routes; i++) {
            List<String> scopes =
                    SCOPES.stream().filter(scope -> random.nextInt(3) == 0).toList();
            if (mode == Mode.HTTP_API && random.nextInt(12) == 0) {
                table.put("$default", scopes);
                continue;
            }
            String path;
            if (!paths.isEmpty() && random.nextInt(3) == 0) {
                path = sibling(random, paths.get(random.nextInt(paths.size())));
            } else {
                path = path(random);
            }
            paths.add(path);
            table.put(METHODS.get(random.nextInt(METHODS.size())) + " " + path, scopes);
        }
        return table;
    }

    private static String path(Random random) {
        StringBuilder path = new StringBuilder();
        int depth = random.nextInt(4);
        for (int d = 0; d < depth; d++) {
            int kind = random.nextInt(10);
            if (kind < 6) {
                path.append('/').append(LITERALS.get(random.nextInt(LITERALS.size())));
            } else if (kind < 9 || d < depth - 1) {
                path.append('/').append(PARAMETERS.get(random.nextInt(PARAMETERS.size())));
            } else {
                path.append("/{proxy+}");
            }
        }
        return path.isEmpty() ? "/" : path.toString();
    }

    /** {@code path} itself, or with its last segment a greedy variable, a parameter, or one more segment. */
    private static String sibling(Random random, String path) {
        String parent = path.equals("/") ? "" : path.substring(0, path.lastIndexOf('/'));
        return switch (random.nextInt(4)) {
            case 0 -> path;
            case 1 -> parent + "/{proxy+}";
            case 2 -> parent + "/" + PARAMETERS.get(random.nextInt(PARAMETERS.size()));
            default ->
                path.endsWith("+}")
                        ? parent + "/{id}/{proxy+}"
                        : (path.equals("/") ? "" : path) + "/" + LITERALS.get(random.nextInt(LITERALS.size()));
        };
    }

    private static String json(Map<String, List<String>> table) {
        return table.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":"
                        + e.getValue().stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(",", "[", "]")))
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static List<TableRoute> parse(Map<String, List<String>> table) {
        List<TableRoute> routes = new ArrayList<>();
        table.forEach((key, scopes) -> {
            if (key.equals("$default")) {
                routes.add(new TableRoute(key, "ANY", List.of(), scopes, true));
                return;
            }
            String method = key.substring(0, key.indexOf(' '));
            String path = key.substring(key.indexOf(' ') + 1);
            List<String> segments =
                    path.equals("/") ? List.of() : List.of(path.substring(1).split("/"));
            routes.add(new TableRoute(key, method, segments, scopes, false));
        });
        return routes;
    }

    // ----- requests -----------------------------------------------------------------------------------------------

    /** {@code VERB/raw path} of a request built from {@code route}'s template, often bent into something else. */
    private static String request(Random random, TableRoute route, List<TableRoute> table) {
        String verb = random.nextInt(3) == 0 || route.method().equals("ANY")
                ? VERBS.get(random.nextInt(VERBS.size()))
                : route.method();
        List<String> segments = new ArrayList<>();
        for (String segment : route.segments()) {
            if (segment.endsWith("+}")) {
                int pieces = 1 + random.nextInt(3);
                for (int p = 0; p < pieces; p++) {
                    segments.add(parameter(random));
                }
            } else if (segment.startsWith("{")) {
                segments.add(parameter(random));
            } else {
                segments.add(segment);
            }
        }
        if (route.fallback() || random.nextInt(6) == 0) {
            segments.add(parameter(random));
        }
        if (random.nextInt(5) == 0) {
            // A traversal: another route's path, back up to the root with dot segments, then this one's path.
            TableRoute other = table.get(random.nextInt(table.size()));
            List<String> detour = new ArrayList<>();
            for (String segment : other.segments()) {
                detour.add(segment.startsWith("{") ? "p" : segment);
            }
            detour.add("p");
            int ups = detour.size();
            for (int i = 0; i < ups; i++) {
                detour.add(DOT_DOT.get(random.nextInt(DOT_DOT.size())));
            }
            segments.addAll(0, detour);
        } else if (random.nextInt(8) == 0) {
            segments.add(random.nextInt(segments.size() + 1), random.nextBoolean() ? "." : "%2E");
        }
        StringBuilder raw = new StringBuilder(slashes(random, 1 + (random.nextInt(5) == 0 ? 1 : 0)));
        for (int i = 0; i < segments.size(); i++) {
            if (i > 0) {
                raw.append(slashes(random, random.nextInt(5) == 0 ? 2 : 1));
            }
            String segment = segments.get(i);
            if (LITERALS.contains(segment)) {
                for (char c : segment.toCharArray()) {
                    raw.append(encoded(random, c));
                }
            } else {
                raw.append(segment);
            }
        }
        if (random.nextInt(4) == 0) {
            raw.append('/');
        }
        return verb + raw;
    }

    /** Spellings of {@code ..}: raw, percent-encoded (once, twice, either case, partly), before an encoded slash. */
    private static final List<String> DOT_DOT = List.of("..", "..", "%2E%2E", "%2e.", ".%2E", "%252E%252E", "..%2F.");

    private static String slashes(Random random, int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append(i > 0 && random.nextInt(4) == 0 ? (random.nextBoolean() ? "%2F" : "%2f") : "/");
        }
        return out.toString();
    }

    /** A parameter value as it may appear: plain, with encoded slashes, encoded characters, a table literal. */
    private static String parameter(Random random) {
        return switch (random.nextInt(7)) {
            case 0 -> "42";
            case 1 -> "a%2Fb";
            case 2 ->
                LITERALS.get(random.nextInt(LITERALS.size())) + "%2F" + LITERALS.get(random.nextInt(LITERALS.size()));
            case 3 -> "%41";
            case 4, 5 -> LITERALS.get(random.nextInt(LITERALS.size()));
            default -> "x" + random.nextInt(1000);
        };
    }

    private static String encoded(Random random, char c) {
        return switch (random.nextInt(12)) {
            case 0 -> String.format("%%%02X", (int) c);
            case 1 -> String.format("%%%02x", (int) c);
            case 2 -> String.format("%%25%02X", (int) c);
            default -> String.valueOf(c);
        };
    }

    private static String noise(Random random) {
        StringBuilder out = new StringBuilder();
        int length = random.nextInt(30);
        String alphabet = "abo/%2F-_.~XYZ{}*?";
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    /**
     * Canonical requests of a permitted route the policy must allow: each verb it serves (an {@code ANY} route: those
     * no route of its exact template declares, but not {@code HEAD}, which may belong to a {@code GET} route), plain
     * parameter values, no extra slashes.
     */
    private static List<String> canonical(Random random, RouteScopes.Route route, RouteScopes routes) {
        Set<String> declared = new LinkedHashSet<>();
        for (RouteScopes.Route other : routes.routes()) {
            if (other.shape().equals(route.shape())) {
                declared.add(other.method());
            }
        }
        String value = "v" + random.nextInt(100);
        List<String> requests = new ArrayList<>();
        for (String sample : RouteSamples.canonical(route, value, value + "/" + value)) {
            String verb = sample.substring(0, sample.indexOf('/'));
            if (!route.method().equals("ANY") || !declared.contains(verb) && !verb.equals("HEAD")) {
                requests.add(sample);
            }
        }
        return requests;
    }

    // ----- the oracle ---------------------------------------------------------------------------------------------

    /** A way the gateway may read a path for routing: its segments ({@code /} is none, never one empty one). */
    private record Reading(List<String> segments) {
        Reading {
            segments = segments.equals(List.of("")) ? List.of() : segments;
        }
    }

    /** Every route the mode's gateway may send {@code verb} on {@code segments} to. */
    private static Set<TableRoute> route(Mode mode, List<TableRoute> table, String verb, List<String> segments) {
        List<TableRoute> candidates = new ArrayList<>();
        for (TableRoute route : table) {
            if (!route.fallback() && methodRank(route, verb) > 0 && matches(route.segments(), segments)) {
                candidates.add(route);
            }
        }
        if (mode == Mode.HTTP_API) {
            List<TableRoute> full =
                    candidates.stream().filter(route -> !route.greedy()).toList();
            if (!full.isEmpty()) {
                return best(full, verb);
            }
            if (!candidates.isEmpty()) {
                return best(candidates, verb);
            }
            return table.stream().filter(TableRoute::fallback).collect(Collectors.toSet());
        }
        return best(candidates, verb);
    }

    /** The candidates no other candidate beats: at least as specific on every segment and method, better on one. */
    private static Set<TableRoute> best(List<TableRoute> candidates, String verb) {
        Set<TableRoute> best = new LinkedHashSet<>();
        for (TableRoute route : candidates) {
            boolean beaten = false;
            for (TableRoute other : candidates) {
                if (other != route && beats(other, route, verb)) {
                    beaten = true;
                    break;
                }
            }
            if (!beaten) {
                best.add(route);
            }
        }
        return best;
    }

    private static boolean beats(TableRoute a, TableRoute b, String verb) {
        boolean strictly = false;
        int n = Math.min(a.segments().size(), b.segments().size());
        for (int i = 0; i < n; i++) {
            int ra = segmentRank(a.segments().get(i));
            int rb = segmentRank(b.segments().get(i));
            if (ra < rb) {
                return false;
            }
            strictly |= ra > rb;
        }
        int ma = methodRank(a, verb);
        int mb = methodRank(b, verb);
        if (ma < mb) {
            return false;
        }
        return strictly || ma > mb || a.segments().size() > b.segments().size();
    }

    private static int segmentRank(String segment) {
        return segment.endsWith("+}") ? 1 : segment.startsWith("{") ? 2 : 3;
    }

    /**
     * 2: the route declares the verb; 1: it may serve it ({@code ANY}, or {@code GET} for {@code HEAD}: undocumented
     * either way); 0: it does not.
     */
    private static int methodRank(TableRoute route, String verb) {
        if (route.method().equals(verb)) {
            return 2;
        }
        return route.method().equals("ANY")
                        || verb.equals("HEAD") && route.method().equals("GET")
                ? 1
                : 0;
    }

    private static boolean matches(List<String> template, List<String> path) {
        if (template.isEmpty()) {
            return path.isEmpty();
        }
        for (int i = 0; i < template.size(); i++) {
            String segment = template.get(i);
            // A parameter may be empty as the last of several segments (/orders/ may reach /orders/{id}: undocumented).
            boolean mayBeEmpty = i > 0 && i == template.size() - 1;
            if (segment.endsWith("+}")) {
                return path.size() > i
                        && (mayBeEmpty
                                || !String.join("/", path.subList(i, path.size()))
                                        .isEmpty());
            }
            if (i >= path.size()) {
                return false;
            }
            String value = path.get(i);
            if (segment.startsWith("{") ? value.isEmpty() && !mayBeEmpty : !segment.equals(value)) {
                return false;
            }
        }
        return path.size() == template.size();
    }

    /**
     * The ways the gateway may read {@code raw} for routing: decoded zero, one or two times before it is split, or
     * split first and each segment decoded (an encoded slash stays inside its segment); each with empty segments
     * (repeated and trailing slashes) kept or dropped, and dot segments resolved or not.
     */
    private static Set<Reading> readings(String raw) {
        List<List<String>> splits = new ArrayList<>();
        String once = decode(raw);
        splits.add(split(raw));
        splits.add(split(once));
        splits.add(split(decode(once)));
        List<String> rawSegments = split(raw);
        splits.add(rawSegments.stream().map(RouteTablePropertyTest::decode).toList());
        splits.add(rawSegments.stream().map(s -> decode(decode(s))).toList());
        Set<Reading> readings = new LinkedHashSet<>();
        for (List<String> split : splits) {
            for (boolean collapse : new boolean[] {false, true}) {
                for (boolean resolve : new boolean[] {false, true}) {
                    List<String> segments = split;
                    if (collapse) {
                        segments = segments.stream().filter(s -> !s.isEmpty()).toList();
                    }
                    if (resolve) {
                        segments = resolveDots(segments);
                    }
                    readings.add(new Reading(segments));
                    if (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
                        readings.add(new Reading(segments.subList(0, segments.size() - 1)));
                    }
                }
            }
        }
        return readings;
    }

    /**
     * The forms the method ARN may carry {@code raw} in (after {@code VERB/}) when the gateway routed it by
     * {@code routed}: as sent, decoded once or twice (every slash and dot segment kept), or exactly as routed. (A
     * method ARN whose slashes were collapsed or dot segments resolved in another way than the routing's is not
     * considered.)
     */
    private static Set<String> presentations(String raw, Reading routed) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(raw.substring(1));
        forms.add(String.join("/", routed.segments()));
        String once = decode(raw);
        forms.add(once.substring(Math.min(1, once.length())));
        String twice = decode(once);
        forms.add(twice.substring(Math.min(1, twice.length())));
        return forms;
    }

    private static List<String> split(String path) {
        String body = path.startsWith("/") ? path.substring(1) : path;
        return body.isEmpty() ? List.of() : Arrays.asList(body.split("/", -1));
    }

    /** RFC 3986, 5.2.4, over segments: {@code .} dropped, {@code ..} drops the segment before it. */
    private static List<String> resolveDots(List<String> segments) {
        List<String> out = new ArrayList<>();
        for (String segment : segments) {
            if (segment.equals("..")) {
                if (!out.isEmpty()) {
                    out.remove(out.size() - 1);
                }
            } else if (!segment.equals(".")) {
                out.add(segment);
            }
        }
        return out;
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }
}
