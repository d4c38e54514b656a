package dev.gatehouse.authorizer.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import dev.gatehouse.common.AuthorizerPolicy;
import dev.gatehouse.common.MethodArn;
import dev.gatehouse.common.Principal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The invariant of issue 10, checked over thousands of random route tables: for any token and any first request,
 * the cached policy allows no request API Gateway may route to a route the token is refused (in any form the gateway
 * may present it: extra slashes, percent-encodings, decoded {@code %2F} in parameters, HEAD for GET), allows every
 * canonical request of a route it is permitted, and does not depend on the first request.
 *
 * <p>Seeded and reproducible: {@code GATEHOUSE_SEED=N ./mvnw -pl authorizer -am test -Dtest=RouteTablePropertyTest
 * -Dsurefire.failIfNoSpecifiedTests=false} replays (or explores) a run; a failure names the seed, the table, the
 * scopes, the first ARN and the request. The request generator is written independently of {@link RouteLanguage}, and
 * policies are evaluated with IAM's matching ({@link AuthorizerPolicy#allows}), so the test is no restatement of the
 * code under test.
 */
class RouteTablePropertyTest {

    private static final String PREFIX = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/";
    private static final int TABLES = 10_000;
    private static final List<String> LITERALS = List.of("orders", "items", "a", "b", "users", "me", "o");
    private static final List<String> PARAMETERS = List.of("{id}", "{x}");
    private static final List<String> METHODS = List.of("GET", "GET", "POST", "ANY", "DELETE", "HEAD");
    private static final List<String> SCOPES = List.of("s1", "s2", "s3");

    @Test
    void shouldNeverAllowARefusedRoutesRequestNorRefuseAPermittedOneWhateverTheFirstRequest() {
        long seed = seed();
        System.out.println("RouteTablePropertyTest seed " + seed + " (replay with GATEHOUSE_SEED=" + seed + ")");
        Random random = new Random(seed);
        int accepted = 0;
        int checks = 0;
        for (int t = 0; t < TABLES; t++) {
            String json = table(random);
            RouteScopes routes;
            try {
                routes = RouteScopes.parse(json);
            } catch (ConfigurationException e) {
                continue;
            }
            accepted++;
            PolicyFactory factory = new PolicyFactory(routes);
            Map<String, Set<String>> methodsByShape = new HashMap<>();
            for (RouteScopes.Route route : routes.routes()) {
                methodsByShape
                        .computeIfAbsent(route.shape(), k -> new HashSet<>())
                        .add(route.method());
            }
            List<String> granted =
                    SCOPES.stream().filter(scope -> random.nextInt(3) == 0).toList();
            Principal principal = new Principal("sub", granted, Optional.empty(), "https://issuer.example/");
            RouteScopes.Route firstRoute =
                    routes.routes().get(random.nextInt(routes.routes().size()));
            String first =
                    random.nextInt(4) == 0 ? "GET/" + noise(random) : request(random, firstRoute, methodsByShape);
            String where = "seed " + seed + ", table #" + t + " " + json + ", scopes " + granted + ", first ARN "
                    + PREFIX + first;
            AuthorizerPolicy policy = factory.allow(principal, MethodArn.parse(PREFIX + first));

            AuthorizerPolicy canonicalFirst = factory.allow(principal, MethodArn.parse(PREFIX + "GET/"));
            assertThat(policy)
                    .as("the policy depends on the first request: %s", where)
                    .isEqualTo(canonicalFirst);
            for (RouteScopes.Route route : routes.routes()) {
                boolean permitted = route.permits(Set.copyOf(granted));
                if (permitted) {
                    for (String request : canonical(random, route, methodsByShape)) {
                        checks++;
                        assertThat(policy.allows(PREFIX + request))
                                .as(
                                        "refuses %s of permitted %s: %s; policy %s",
                                        request, route, where, policy.statements())
                                .isTrue();
                    }
                } else {
                    for (int i = 0; i < 24; i++) {
                        String request = request(random, route, methodsByShape);
                        checks++;
                        assertThat(policy.allows(PREFIX + request))
                                .as(
                                        "allows %s of refused %s: %s; policy %s",
                                        request, route, where, policy.statements())
                                .isFalse();
                    }
                }
            }
        }
        System.out.println("RouteTablePropertyTest: " + accepted + " of " + TABLES + " tables accepted, " + checks
                + " requests checked");
        assertThat(accepted)
                .as("the generator must produce enough enforceable tables to mean something")
                .isGreaterThan(TABLES / 4);
    }

    private static long seed() {
        String value = System.getenv("GATEHOUSE_SEED");
        return value == null || value.isBlank() ? 20261206L : Long.parseLong(value.strip());
    }

    private static String table(Random random) {
        Map<String, List<String>> table = new LinkedHashMap<>();
        int routes = 1 + random.nextInt(6);
        for (int i = 0; i < routes; i++) {
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
            String key = METHODS.get(random.nextInt(METHODS.size())) + " " + (path.isEmpty() ? "/" : path);
            List<String> scopes =
                    SCOPES.stream().filter(scope -> random.nextInt(3) == 0).toList();
            table.put(key, scopes);
        }
        return table.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":"
                        + e.getValue().stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(",", "[", "]")))
                .collect(Collectors.joining(",", "{", "}"));
    }

    /**
     * Canonical requests of {@code route}: each verb it serves, parameters filled with plain values, no extra slashes.
     */
    private static List<String> canonical(
            Random random, RouteScopes.Route route, Map<String, Set<String>> methodsByShape) {
        List<String> requests = new ArrayList<>();
        String value = "v" + random.nextInt(100);
        for (String sample : RouteSamples.canonical(route, value, value + "/" + value)) {
            String verb = sample.substring(0, sample.indexOf('/'));
            if (!route.method().equals("ANY")
                    || !methodsByShape.get(route.shape()).contains(verb)) {
                requests.add(sample);
            }
        }
        return requests;
    }

    /** A request API Gateway may route to {@code route}, in any of the forms it may present in the method ARN. */
    private static String request(Random random, RouteScopes.Route route, Map<String, Set<String>> methodsByShape) {
        Set<String> declared = methodsByShape.get(route.shape());
        String verb;
        if (route.method().equals("ANY")) {
            List<String> served = RouteScopes.VERBS.stream()
                    .filter(v -> !declared.contains(v))
                    .toList();
            verb = served.get(random.nextInt(served.size()));
        } else if (route.method().equals("GET")
                && !declared.contains("HEAD")
                && !declared.contains("ANY")
                && random.nextInt(4) == 0) {
            verb = "HEAD";
        } else {
            verb = route.method();
        }
        StringBuilder path = new StringBuilder();
        path.append(slashes(random, random.nextInt(5) == 0 ? 1 + random.nextInt(2) : 0));
        if (!route.path().equals("/")) {
            String[] segments = route.path().substring(1).split("/", -1);
            for (int i = 0; i < segments.length; i++) {
                if (i > 0) {
                    path.append(slashes(random, random.nextInt(5) == 0 ? 2 : 1));
                }
                String segment = segments[i];
                if (segment.endsWith("+}")) {
                    int pieces = 1 + random.nextInt(3);
                    for (int p = 0; p < pieces; p++) {
                        path.append(p > 0 ? "/" : "").append(parameter(random));
                    }
                } else if (segment.startsWith("{")) {
                    path.append(parameter(random));
                } else {
                    for (char c : segment.toCharArray()) {
                        path.append(encoded(random, c));
                    }
                }
            }
            path.append(slashes(random, random.nextInt(3) == 0 ? 1 + random.nextInt(2) : 0));
        } else if (random.nextInt(3) == 0) {
            path.append('/');
        }
        return verb + "/" + path;
    }

    private static String slashes(Random random, int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append(random.nextInt(6) == 0 ? (random.nextBoolean() ? "%2F" : "%2f") : "/");
        }
        return out.toString();
    }

    /**
     * A parameter value as it may appear: plain, with encoded or decoded slashes, encoded characters, a table literal.
     */
    private static String parameter(Random random) {
        return switch (random.nextInt(7)) {
            case 0 -> "42";
            case 1 -> "a%2Fb";
            case 2 -> "a/b";
            case 3 ->
                LITERALS.get(random.nextInt(LITERALS.size())) + "/" + LITERALS.get(random.nextInt(LITERALS.size()));
            case 4 -> "%41";
            case 5 -> LITERALS.get(random.nextInt(LITERALS.size()));
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
}
