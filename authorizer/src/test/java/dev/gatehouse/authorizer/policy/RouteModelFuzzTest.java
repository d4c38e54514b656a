package dev.gatehouse.authorizer.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import dev.gatehouse.common.AuthorizerPolicy;
import dev.gatehouse.common.MethodArn;
import dev.gatehouse.common.Principal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Coverage-guided fuzzing (Jazzer) of the route model: whatever {@code ROUTE_SCOPES} holds, it is accepted or refused
 * with a {@link ConfigurationException} (nothing else); for an accepted table, the policy does not depend on the
 * first request's ARN, allows every canonical request of a permitted route, and allows no request that
 * {@link RouteLanguage} says API Gateway may route to a refused route.
 *
 * <p>An input is UTF-8 text of four lines, so a person can read and add one: the table JSON; the token's scopes
 * (space separated); the first request's ARN tail ({@code VERB/path}); a later request's ARN tail.
 * {@code ./mvnw verify} replays the committed inputs under
 * {@code src/test/resources/dev/gatehouse/authorizer/RouteModelFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes
 * (authorizer/README.md has the command). {@link RouteTablePropertyTest} covers the same invariant with thousands of
 * seeded random tables per run.
 */
class RouteModelFuzzTest {

    private static final String PREFIX = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/";

    @FuzzTest(maxDuration = "60s")
    void tableAndRequests(byte[] input) {
        String[] lines = Arrays.copyOf(new String(input, StandardCharsets.UTF_8).split("\n", 4), 4);
        RouteScopes routes;
        try {
            routes = RouteSamples.table(lines[0] == null ? "" : lines[0]);
        } catch (ConfigurationException refused) {
            return;
        }
        List<String> scopes = lines[1] == null || lines[1].isBlank()
                ? List.of()
                : Arrays.stream(lines[1].strip().split("\\s+"))
                        .filter(scope -> !scope.isEmpty())
                        .toList();
        Principal principal;
        try {
            principal = new Principal("sub", scopes, Optional.empty(), "https://issuer.example/");
        } catch (IllegalArgumentException notAScopeList) {
            return; // the verifier never hands the policy such scopes
        }
        PolicyFactory factory = new PolicyFactory(routes);
        AuthorizerPolicy canonical = factory.allow(principal, MethodArn.parse(PREFIX + "GET/"));
        MethodArn first = arn(lines[2]);
        if (first != null) {
            assertThat(factory.allow(principal, first))
                    .as("the policy depends on the first request %s", lines[2])
                    .isEqualTo(canonical);
        }
        Map<String, Set<String>> methods = new HashMap<>();
        routes.routes()
                .forEach(route -> methods.computeIfAbsent(route.shape(), k -> new HashSet<>())
                        .add(route.method()));
        Set<String> granted = Set.copyOf(scopes);
        String later = lines[3] == null ? "" : lines[3];
        int slash = later.indexOf('/');
        for (RouteScopes.Route route : routes.routes()) {
            if (route.permits(granted)) {
                for (String request : RouteSamples.canonical(route)) {
                    String verb = request.substring(0, request.indexOf('/'));
                    if (!route.method().equals("ANY")
                            || !methods.get(route.shape()).contains(verb)) {
                        assertThat(canonical.allows(PREFIX + request))
                                .as("refuses %s of permitted %s", request, route)
                                .isTrue();
                    }
                }
            } else if (slash > 0) {
                String verb = later.substring(0, slash);
                String path = later.substring(slash + 1);
                if (path.indexOf('*') < 0
                        && RouteLanguage.verbReaches(verb, route.method(), methods.get(route.shape()))
                        && RouteSamples.contains(RouteLanguage.of(route.path()), path)) {
                    assertThat(canonical.allows(PREFIX + later))
                            .as("allows %s of refused %s; policy %s", later, route, canonical.statements())
                            .isFalse();
                }
            }
        }
    }

    private static MethodArn arn(String tail) {
        if (tail == null) {
            return null;
        }
        try {
            return MethodArn.parse(PREFIX + tail);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }
}
