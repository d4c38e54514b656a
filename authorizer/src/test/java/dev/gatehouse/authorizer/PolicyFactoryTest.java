package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.gatehouse.common.AuthorizerPolicy;
import dev.gatehouse.common.MethodArn;
import dev.gatehouse.common.Principal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

class PolicyFactoryTest {

    private static final String PREFIX = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/";
    private static final MethodArn REQUEST = MethodArn.parse(PREFIX + "GET/orders");

    /** A realistic API: hello-world open, and three services with read and write scopes, nested resources included. */
    private static final RouteScopes API = RouteScopes.parse("""
            {"GET /hello-world": [],
             "GET /orders": ["read:orders"], "POST /orders": ["write:orders"],
             "GET /orders/{id}": ["read:orders"], "PUT /orders/{id}": ["write:orders"], "DELETE /orders/{id}": ["write:orders", "admin"],
             "GET /orders/{id}/invoice": ["read:invoices"],
             "GET /customers": ["read:customers"], "GET /customers/{id}": ["read:customers"], "PATCH /customers/{id}": ["write:customers"],
             "GET /status": [], "GET /": []}
            """);

    private static Principal principal(String... scopes) {
        return new Principal("client@clients", List.of(scopes), Optional.of("client"), "https://issuer.example/");
    }

    @Test
    void shouldAllowTheWholeStageWithoutARouteTable() {
        AuthorizerPolicy policy = new PolicyFactory().allow(principal(), REQUEST);

        assertThat(policy.statements()).hasSize(1);
        assertThat(policy.statements().get(0).resources()).containsExactly(PREFIX + "*/*");
    }

    @Test
    void shouldGiveAReadTokenTheReadRouteAndRefuseTheWriteRouteInOneCachedPolicy() {
        AuthorizerPolicy policy = new PolicyFactory(API).allow(principal("read:orders"), MethodArn.parse(PREFIX + "POST/orders"));

        assertThat(policy.allows(PREFIX + "GET/orders")).isTrue();
        assertThat(policy.allows(PREFIX + "GET/orders/42")).isTrue();
        assertThat(policy.allows(PREFIX + "POST/orders")).isFalse();
        assertThat(policy.allows(PREFIX + "PUT/orders/42")).isFalse();
        assertThat(policy.allows(PREFIX + "GET/orders/42/invoice")).isFalse();
        assertThat(policy.allows(PREFIX + "GET/hello-world")).isTrue();
        assertThat(policy.allows(PREFIX + "GET/status")).isTrue();
        assertThat(policy.allows(PREFIX + "DELETE/status")).isFalse();
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
                boolean expected = route.permits(java.util.Set.copyOf(granted));
                for (String sample : route.samples()) {
                    assertThat(policy.allows(PREFIX + sample)).as("%s (%s) for a token with %s; policy %s", sample, route, granted, policy.statements())
                            .isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void shouldCompressRoutesSharingAPrefix() {
        AuthorizerPolicy policy = new PolicyFactory(API).allow(principal("read:orders", "read:invoices", "read:customers"), REQUEST);

        // Every GET is permitted: one GET/* instead of seven routes; the writes stay refused by omission.
        assertThat(policy.statements()).hasSize(1);
        assertThat(policy.statements().get(0).resources()).contains(PREFIX + "GET/*").hasSizeLessThan(4);
    }

    @Test
    void shouldDenyTheStageToATokenPermittedNothing() {
        RouteScopes onlyScoped = RouteScopes.parse("{\"GET /orders\":[\"read:orders\"],\"POST /orders\":[\"write:orders\"]}");

        AuthorizerPolicy policy = new PolicyFactory(onlyScoped).allow(principal("other"), REQUEST);

        assertThat(policy.allows(PREFIX + "GET/orders")).isFalse();
        assertThat(policy.allows(PREFIX + "POST/orders")).isFalse();
    }

    @Test
    void shouldAllowTheStageOfAnApiTheTableDoesNotDescribe() {
        // A separate stack using this authorizer by ARN: its routes are not in the table.
        MethodArn other = MethodArn.parse("arn:aws:execute-api:us-east-1:123456789012:zzzzzzzzzz/dev/GET/greeting");

        AuthorizerPolicy policy = new PolicyFactory(API).allow(principal(), other);

        assertThat(policy.statements().get(0).resources()).containsExactly("arn:aws:execute-api:us-east-1:123456789012:zzzzzzzzzz/dev/*/*");
    }

    @Test
    void shouldStayWithinTheByteBudgetThatTheRouteTableBounds() {
        RouteScopes large = largestAcceptedTable();
        List<String> scopes = new ArrayList<>(large.requiredScopes());
        PolicyFactory factory = new PolicyFactory(large);
        int bound = RouteScopes.policyBytesUpperBound(large.routes());
        assertThat(bound).isLessThanOrEqualTo(RouteScopes.MAX_POLICY_BYTES);
        // Every other scope granted: the least compressible mix of permitted and refused routes.
        for (int offset = 0; offset < 2; offset++) {
            List<String> granted = new ArrayList<>();
            for (int i = offset; i < scopes.size(); i += 2) {
                granted.add(scopes.get(i));
            }
            AuthorizerPolicy policy = factory.allow(principal(granted.toArray(String[]::new)), MethodArn.parse(PREFIX + "GET/service0"));
            int bytes = RuntimeSerialization.toJson(IamPolicyResponses.from(policy), IamPolicyResponseV1.class).get("policyDocument").toString()
                    .getBytes(StandardCharsets.UTF_8).length;
            assertThat(bytes).isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void shouldRejectARouteTableWhosePolicyCouldExceedTheBudget() {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < 80; i++) {
            json.append(i == 0 ? "" : ",").append("\"GET /service").append(i).append("/items/{id}\":[\"read:s").append(i).append("\"]");
        }
        json.append('}');

        assertThatThrownBy(() -> RouteScopes.parse(json.toString()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("budget is " + RouteScopes.MAX_POLICY_BYTES);
    }

    /** As many five-route services as the budget accepts, each service with its own read and write scope. */
    private static RouteScopes largestAcceptedTable() {
        RouteScopes accepted = RouteScopes.NONE;
        for (int services = 1; ; services++) {
            StringBuilder json = new StringBuilder("{");
            for (int i = 0; i < services; i++) {
                String s = "service" + i;
                json.append(i == 0 ? "" : ",")
                        .append("\"GET /").append(s).append("\":[\"read:").append(s).append("\"],")
                        .append("\"POST /").append(s).append("\":[\"write:").append(s).append("\"],")
                        .append("\"GET /").append(s).append("/{id}\":[\"read:").append(s).append("\"],")
                        .append("\"PUT /").append(s).append("/{id}\":[\"write:").append(s).append("\"],")
                        .append("\"DELETE /").append(s).append("/{id}\":[\"write:").append(s).append("\"]");
            }
            try {
                accepted = RouteScopes.parse(json.append('}').toString());
            } catch (ConfigurationException e) {
                assertThat(services).as("services accepted before the budget ran out").isGreaterThan(5);
                return accepted;
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "{\"GET /users/{id}\":[\"admin\"],\"GET /users/me/profile\":[]}               | GET/users/me/profile | GET/users/meredith",
            "{\"GET /orders/{id}\":[\"read:orders\"],\"GET /orders/search/recent\":[]} | GET/orders/search/recent | GET/orders/searchable"})
    void shouldNeverWidenAnAllowOntoARequestOfARefusedRoute(String table, String permitted, String refused) {
        AuthorizerPolicy policy = new PolicyFactory(RouteScopes.parse(table)).allow(principal(), MethodArn.parse(PREFIX + permitted));

        assertThat(policy.allows(PREFIX + permitted)).isTrue();
        assertThat(policy.allows(PREFIX + refused)).as("policy %s", policy.statements()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "{\"GET /files/{proxy+}\":[\"admin\"],\"GET /files/public/readme\":[]}",
            "{\"GET /a/{proxy+}\":[\"admin\"],\"GET /a/{x}/c\":[]}",
            "{\"GET /orders/{id}\":[\"read:orders\"],\"ANY /status\":[],\"GET /orders/{id}/invoice\":[\"read:invoices\"]}"})
    void shouldRejectTablesWhoseRoutesIamWildcardsCannotTellApart(String table) {
        assertThatThrownBy(() -> RouteScopes.parse(table))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot tell their requests apart");
    }

    @org.junit.jupiter.api.Test
    void shouldMatchGlobsAgainstRouteRequestsExactly() {
        RouteScopes.Route user = RouteScopes.parse("{\"GET /users/{id}\":[\"admin\"]}").routes().get(0);
        RouteScopes.Route files = RouteScopes.parse("{\"GET /files/{proxy+}\":[\"admin\"]}").routes().get(0);

        assertThat(user.reachableBy("GET/users/me*")).as("'meredith' is an id").isTrue();
        assertThat(user.reachableBy("GET/users/me/profile")).as("an id has no slash").isFalse();
        assertThat(user.reachableBy("GET/users/")).as("an id is not empty").isFalse();
        assertThat(user.reachableBy("POST/*")).isFalse();
        assertThat(user.reachableBy("*")).isTrue();
        assertThat(files.reachableBy("GET/files/a/b/c")).isTrue();
        assertThat(files.reachableBy("GET/files/")).isFalse();
        assertThat(files.reachableBy("GET/file*")).isTrue();
    }
}
