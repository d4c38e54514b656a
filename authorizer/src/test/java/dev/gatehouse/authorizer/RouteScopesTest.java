package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouteScopesTest {

    @Test
    void shouldBeEmptyWithoutTheVariable() {
        assertThat(RouteScopes.fromEnv(Map.of())).isEqualTo(RouteScopes.NONE);
        assertThat(RouteScopes.fromEnv(Map.of(RouteScopes.ROUTE_SCOPES, " "))).isEqualTo(RouteScopes.NONE);
    }

    @Test
    void shouldReadRoutesWithTheirScopes() {
        RouteScopes routes = RouteScopes.fromEnv(Map.of(RouteScopes.ROUTE_SCOPES,
                "{\"GET /orders\":[\"read:orders\"],\"post /orders/{id}\":[\"write:orders\",\"admin\"],\"GET /hello-world\":[]}"));

        assertThat(routes.routes()).containsExactly(
                new RouteScopes.Route("GET", "/orders", List.of("read:orders")),
                new RouteScopes.Route("POST", "/orders/{id}", List.of("write:orders", "admin")),
                new RouteScopes.Route("GET", "/hello-world", List.of()));
    }

    @Test
    void shouldTurnPathParametersIntoWildcards() {
        RouteScopes.Route route = new RouteScopes.Route("ANY", "/orders/{id}/files/{proxy+}", List.of());

        assertThat(route.pattern()).isEqualTo("*/orders/*/files/*");
        assertThat(route.samples()).hasSize(RouteScopes.VERBS.size()).contains("GET/orders/p/files/p/p");
        assertThat(new RouteScopes.Route("GET", "/", List.of()).pattern()).isEqualTo("GET/");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "not json",
        "[]",
        "{\"GET\":[]}",
        "{\"GET /orders\":\"read:orders\"}",
        "{\"GET /orders\":[1]}",
        "{\"FETCH /orders\":[]}",
        "{\"GET orders\":[]}",
        "{\"GET /orders/{id\":[]}",
        "{\"GET /orders\":[\"\"]}",
    })
    void shouldRejectAMalformedTableNamingTheVariable(String json) {
        assertThatThrownBy(() -> RouteScopes.fromEnv(Map.of(RouteScopes.ROUTE_SCOPES, json)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(RouteScopes.ROUTE_SCOPES);
    }

    @Test
    void shouldRejectARouteNamedTwice() {
        assertThatThrownBy(() -> RouteScopes.parse("{\"GET /orders/{id}\":[],\"GET /orders/{orderId}\":[\"a\"]}"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("more than once");
    }

    @Test
    void shouldRejectRoutesWhoseWildcardsCannotBeToldApart() {
        // A token with read:files only may call ANY /orders/{id} (open) and GET /orders/{id}/files, not GET /orders/{id}.
        // The Allow */orders/* covers GET /orders/{id}, so it needs a Deny GET/orders/*, which also covers GET /orders/{id}/files.
        assertThatThrownBy(() -> RouteScopes.parse(
                "{\"GET /orders/{id}\":[\"read:orders\"],\"GET /orders/{id}/files\":[\"read:files\"],\"ANY /orders/{id}\":[]}"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("GET /orders/{id}")
                .hasMessageContaining("cannot tell");
    }

    @Test
    void shouldAcceptNestedRoutesWithDifferentScopes() {
        RouteScopes routes = RouteScopes.parse("{\"GET /orders/{id}\":[\"read:orders\"],\"GET /orders/{id}/invoice\":[\"read:invoices\"]}");

        assertThat(routes.routes()).hasSize(2);
    }
}
