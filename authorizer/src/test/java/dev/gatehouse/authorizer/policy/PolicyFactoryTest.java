package dev.gatehouse.authorizer.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import dev.gatehouse.authorizer.exceptions.InvalidEventException;
import dev.gatehouse.common.AuthorizerPolicy;
import dev.gatehouse.common.MethodArn;
import dev.gatehouse.common.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyFactoryTest {

    private static final String PREFIX = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/";
    private static final MethodArn REQUEST = MethodArn.parse(PREFIX + "GET/orders");

    /** A realistic API: hello-world open, and three services with read and write scopes, nested resources included. */
    private static final RouteScopes API = RouteSamples.table("""
            {"GET /hello-world": [],
             "GET /orders": ["read:orders"], "POST /orders": ["write:orders"],
             "GET /orders/{id}": ["read:orders"], "PUT /orders/{id}": ["write:orders"],
             "DELETE /orders/{id}": ["write:orders", "admin"],
             "GET /orders/{id}/items": ["read:orders"],
             "GET /invoices/{id}": ["read:invoices"],
             "GET /customers": ["read:customers"], "GET /customers/{id}": ["read:customers"],
             "PATCH /customers/{id}": ["write:customers"],
             "GET /status": [], "GET /": []}
            """);

    private static Principal principal(String... scopes) {
        return new Principal("client@clients", List.of(scopes), Optional.of("client"), "https://issuer.example/");
    }

    @Test
    void shouldAllowTheWholeStageOnlyThroughTheExplicitTable() {
        AuthorizerPolicy policy = new PolicyFactory(RouteSamples.wholeStage()).allow(principal(), REQUEST);

        assertThat(policy.statements()).hasSize(2);
        assertThat(policy.statements().get(0).resources())
                .hasSize(RouteScopes.VERBS.size())
                .contains(PREFIX + "GET/*", PREFIX + "OPTIONS/*");
        assertThat(policy.allows(PREFIX + "GET/")).isTrue();
        assertThat(policy.allows(PREFIX + "POST/anything/at/all")).isTrue();
        assertThat(policy.allows("arn:aws:execute-api:us-east-1:123456789012:zzzzzzzzzz/prod/GET/x"))
                .as("another API")
                .isFalse();
        assertThat(policy.allows(PREFIX.replace("/prod/", "/dev/") + "GET/x"))
                .as("another stage")
                .isFalse();
    }

    @Test
    void shouldGiveAReadTokenTheReadRouteAndRefuseTheWriteRouteInOneCachedPolicy() {
        AuthorizerPolicy policy =
                new PolicyFactory(API).allow(principal("read:orders"), MethodArn.parse(PREFIX + "POST/orders"));

        assertThat(policy.allows(PREFIX + "GET/orders")).isTrue();
        assertThat(policy.allows(PREFIX + "GET/orders/"))
                .as("API Gateway routes /orders/ to /orders")
                .isTrue();
        assertThat(policy.allows(PREFIX + "GET/orders/42")).isTrue();
        assertThat(policy.allows(PREFIX + "POST/orders")).isFalse();
        assertThat(policy.allows(PREFIX + "POST/orders/")).isFalse();
        assertThat(policy.allows(PREFIX + "PUT/orders/42")).isFalse();
        assertThat(policy.allows(PREFIX + "GET/invoices/42")).isFalse();
        assertThat(policy.allows(PREFIX + "GET/hello-world")).isTrue();
        assertThat(policy.allows(PREFIX + "GET/status")).isTrue();
        assertThat(policy.allows(PREFIX + "DELETE/status")).isFalse();
        assertThat(policy.allows(PREFIX + "GET/nowhere"))
                .as("no route of the table")
                .isFalse();
        assertThat(policy.context()).containsEntry("scope", "read:orders");
    }

    @Test
    void shouldBeRightForEveryRouteAndEveryCombinationOfScopes() {
        List<String> scopes = new ArrayList<>(API.requiredScopes());
        PolicyFactory factory = new PolicyFactory(API);
        for (int mask = 0; mask < 1 << scopes.size(); mask++) {
            List<String> granted = new ArrayList<>();
            for (int i = 0; i < scopes.size(); i++) {
                if ((mask & 1 << i) != 0) {
                    granted.add(scopes.get(i));
                }
            }
            AuthorizerPolicy policy = factory.allow(principal(granted.toArray(String[]::new)), REQUEST);
            for (RouteScopes.Route route : API.routes()) {
                boolean expected = route.permits(Set.copyOf(granted));
                for (String sample : RouteSamples.canonical(route)) {
                    assertThat(policy.allows(PREFIX + sample))
                            .as("%s (%s) for a token with %s; policy %s", sample, route, granted, policy.statements())
                            .isEqualTo(expected);
                }
            }
        }
    }

    /** Finding 1: each of these first requests got the whole stage, cached for the token. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "GET/orders/",
                "GET/hello-world/",
                "GET/orders//",
                "HEAD/orders",
                "GET/hello%2Dworld",
                "GET/Orders",
                "GET/nowhere",
                "get/orders",
                "GET//orders",
                "GET/orders/42%2Fstatus",
                "GET/"
            })
    void shouldGiveTheSamePolicyWhateverTheFirstRequest(String first) {
        PolicyFactory factory = new PolicyFactory(API);
        AuthorizerPolicy canonical = factory.allow(principal("read:orders"), MethodArn.parse(PREFIX + "GET/orders"));

        AuthorizerPolicy policy = factory.allow(principal("read:orders"), MethodArn.parse(PREFIX + first));

        assertThat(policy).isEqualTo(canonical);
        assertThat(policy.allows(PREFIX + "POST/orders")).isFalse();
    }

    @Test
    void shouldReuseOneResourceListPerScopeSetAndStageAndNeverMixStages() {
        PolicyFactory factory = new PolicyFactory(API);
        List<String> prod = factory.allow(principal("read:orders"), REQUEST)
                .statements()
                .getFirst()
                .resources();

        assertThat(factory.allow(principal("read:orders"), MethodArn.parse(PREFIX + "POST/orders"))
                        .statements()
                        .getFirst()
                        .resources())
                .isSameAs(prod);
        // More stages than the cache keeps: each still gets its own prefix.
        for (int i = 0; i < 100; i++) {
            String stage = "arn:aws:execute-api:eu-west-1:210987654321:zzzzzzzzzz/s" + i + "/";
            List<String> resources = factory.allow(principal("read:orders"), MethodArn.parse(stage + "GET/orders"))
                    .statements()
                    .getFirst()
                    .resources();
            assertThat(resources)
                    .hasSameSizeAs(prod)
                    .allSatisfy(arn -> assertThat(arn).startsWith(stage));
            assertThat(resources)
                    .containsExactlyElementsOf(
                            prod.stream().map(arn -> arn.replace(PREFIX, stage)).toList());
        }
        assertThat(factory.allow(principal("read:orders"), REQUEST)
                        .statements()
                        .getFirst()
                        .resources())
                .isSameAs(prod);
    }

    @Test
    void shouldGiveANoScopeTokenOnlyTheOpenRoutes() {
        AuthorizerPolicy policy =
                new PolicyFactory(API).allow(principal(), MethodArn.parse(PREFIX + "GET/hello-world/"));

        assertThat(policy.statements().get(0).resources())
                .containsExactlyInAnyOrder(
                        PREFIX + "GET/hello-world",
                        PREFIX + "GET/hello-world/",
                        PREFIX + "GET/status",
                        PREFIX + "GET/status/",
                        PREFIX + "GET/");
    }

    @Test
    void shouldDenyTheStageToATokenPermittedNothing() {
        RouteScopes onlyScoped =
                RouteSamples.table("{\"GET /orders\":[\"read:orders\"],\"POST /orders\":[\"write:orders\"]}");

        AuthorizerPolicy policy = new PolicyFactory(onlyScoped).allow(principal("other"), REQUEST);

        assertThat(policy.statements()).containsExactly(dev.gatehouse.common.PolicyStatement.deny(PREFIX + "*/*"));
        assertThat(policy.allows(PREFIX + "GET/orders")).isFalse();
        assertThat(policy.allows(PREFIX + "POST/orders")).isFalse();
    }

    @Test
    void shouldGiveAnApiTheTableDoesNotDescribeOnlyTheTablesRoutes() {
        // Another API calling this authorizer by ARN: only its requests that coincide with a table route are allowed.
        String other = "arn:aws:execute-api:us-east-1:123456789012:zzzzzzzzzz/dev/";

        AuthorizerPolicy policy = new PolicyFactory(API).allow(principal(), MethodArn.parse(other + "GET/greeting"));

        assertThat(policy.allows(other + "GET/greeting")).isFalse();
        assertThat(policy.allows(other + "GET/hello-world")).isTrue();
        assertThat(policy.allows(PREFIX + "GET/hello-world")).isFalse();
    }

    @Test
    void shouldRejectARouteTableWhosePolicyCouldExceedTheBudget() {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < 80; i++) {
            json.append(i == 0 ? "" : ",")
                    .append("\"GET /service")
                    .append(i)
                    .append("/items/{id}\":[\"read:s")
                    .append(i)
                    .append("\"]");
        }
        json.append('}');

        assertThatThrownBy(() -> RouteSamples.table(json.toString()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("budget is " + RouteScopes.MAX_POLICY_BYTES);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "GET/public/../admin",
                "GET/public/./../admin",
                "GET/public/%2E%2E/admin",
                "GET/public/%2e./admin",
                "GET/public/..%2Fadmin",
                "GET/public%2F..%2Fadmin",
                "GET/public/%252E%252E/admin",
                "GET/public/x/..",
                "GET/..",
                "GET/public/x\\..\\..\\admin",
                "GET/public/x%5C..%5C..%5Cadmin",
                "GET/public/x%5c..%5c..%5cadmin"
            })
    void shouldDenyDotSegmentsWhateverTheAllowedPatterns(String request) {
        // A gateway that resolved '..' for routing would send these to GET /admin, which the token is refused.
        RouteScopes routes = RouteSamples.table("{\"GET /public/{proxy+}\":[],\"GET /admin\":[\"admin\"]}");

        AuthorizerPolicy policy = new PolicyFactory(routes).allow(principal(), REQUEST);

        assertThat(policy.allows(PREFIX + "GET/public/x/y")).isTrue();
        assertThat(policy.allows(PREFIX + request)).isFalse();
    }

    @Test
    void shouldRefuseAnEventOfAnApiTheTableDoesNotDescribe() {
        PolicyFactory factory = new PolicyFactory(API);

        factory.requireDescribed(REQUEST);
        assertThatThrownBy(() -> factory.requireDescribed(
                        MethodArn.parse("arn:aws:execute-api:us-east-1:123456789012:zzzzzzzzzz/prod/GET/orders")))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("'zzzzzzzzzz'")
                .hasMessageContaining(RouteScopes.API_IDS);
    }

    @Test
    void shouldRefuseAStageLongerThanThePolicyBudgetAssumes() {
        PolicyFactory factory = new PolicyFactory(API);
        String stage = "s".repeat(128);

        assertThatThrownBy(() -> factory.allow(
                        principal(),
                        MethodArn.parse("arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:a1b2c3d4e5/" + stage
                                + "/GET/orders")))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("stage name");
    }
}
