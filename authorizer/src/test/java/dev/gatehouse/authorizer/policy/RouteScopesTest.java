package dev.gatehouse.authorizer.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouteScopesTest {

    @Test
    void shouldRefuseToStartWithoutTheVariableNamingItAndTheExplicitWholeStageTable() {
        Map<String, String> blank = new HashMap<>();
        blank.put(RouteScopes.ROUTE_SCOPES, " ");
        for (Map<String, String> env : List.of(Map.<String, String>of(), blank)) {
            assertThatThrownBy(() -> RouteScopes.fromEnv(env))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(RouteScopes.ROUTE_SCOPES + " is not set")
                    .hasMessageContaining(RouteScopes.WHOLE_STAGE_JSON);
        }
    }

    @Test
    void shouldRefuseAnEmptyTableRatherThanGrantTheStage() {
        // What route-scopes.js produced for a split serverless.yml: it must not mean "everything".
        assertThatThrownBy(() -> RouteScopes.fromEnv(env("{}")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(RouteScopes.ROUTE_SCOPES + " declares no routes");
    }

    @Test
    void shouldReadRoutesWithTheirScopes() {
        RouteScopes routes = RouteScopes.fromEnv(env("{\"GET /orders\":[\"read:orders\"],\"post "
                + "/orders/{id}\":[\"write:orders\",\"admin\"],\"GET /hello-world\":[]}"));

        assertThat(routes.routes())
                .containsExactly(
                        new RouteScopes.Route("GET", "/orders", List.of("read:orders")),
                        new RouteScopes.Route("POST", "/orders/{id}", List.of("write:orders", "admin")),
                        new RouteScopes.Route("GET", "/hello-world", List.of()));
    }

    @Test
    void shouldAllowEachRouteByItsOwnPatternsWithATrailingSlashVariant() {
        RouteScopes routes = RouteSamples.table(
                "{\"GET /orders\":[\"read:orders\"],\"GET /orders/{id}\":[\"read:orders\"],\"GET /\":[],"
                        + "\"ANY /files/{proxy+}\":[]}");

        assertThat(routes.allowPatterns(0)).containsExactly("GET/orders", "GET/orders/");
        assertThat(routes.allowPatterns(1)).containsExactly("GET/orders/*");
        assertThat(routes.allowPatterns(2)).containsExactly("GET/");
        // ANY once per verb: '*/files/*' would also match 'GET/orders/files/x'.
        assertThat(routes.allowPatterns(3))
                .hasSize(RouteScopes.VERBS.size())
                .contains("GET/files/*", "DELETE/files/*")
                .doesNotContain("*/files/*");
    }

    @Test
    void shouldLeaveTheVerbsOfExplicitRoutesOutOfAnAnyRoute() {
        RouteScopes routes = RouteSamples.table("{\"GET /orders\":[\"read:orders\"],\"ANY /orders\":[\"admin\"]}");

        // HEAD may reach the GET route (read:orders) as well as the ANY route: not allowed to an admin alone.
        assertThat(routes.allowPatterns(1))
                .doesNotContain("GET/orders", "HEAD/orders")
                .contains("POST/orders");
    }

    @Test
    void shouldReadHttpApisDefaultRouteAsAnyVerbOnAnyPath() {
        RouteScopes routes = RouteSamples.table("{\"$default\":[\"read:all\"]}");

        assertThat(routes.routes())
                .containsExactly(
                        new RouteScopes.Route("ANY", "/", List.of("read:all")),
                        new RouteScopes.Route("ANY", "/{proxy+}", List.of("read:all")));
        assertThat(routes).isEqualTo(RouteSamples.table("{\"ANY /\":[\"read:all\"],\"ANY /{proxy+}\":[\"read:all\"]}"));
    }

    @Test
    void shouldSpellTheExplicitWholeStageTable() {
        assertThat(RouteSamples.wholeStage().routes())
                .extracting(RouteScopes.Route::toString)
                .containsExactly("ANY /{proxy+}", "ANY /");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "not json",
                "[]",
                "{\"GET\":[]}",
                "{\"GET /orders\":\"read:orders\"}",
                "{\"GET /orders\":[1]}",
                "{\"FETCH /orders\":[]}",
                "{\"GET orders\":[]}",
                "{\"GET /orders/{id\":[]}",
                "{\"GET /orders\":[\"\"]}",
                // A literal '%' would let one route's template spell another's encoded path; '*' and '?' are IAM
                // wildcards.
                "{\"GET /hello%2Dworld\":[]}",
                "{\"GET /orders*\":[]}",
                "{\"GET /orders?\":[]}",
                "{\"GET /{proxy+}/tail\":[]}",
                "{\"GET /orders\":[],\"GET /orders\":[\"admin\"]}",
            })
    void shouldRejectAMalformedTableNamingTheVariable(String json) {
        assertThatThrownBy(() -> RouteScopes.fromEnv(env(json)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(RouteScopes.ROUTE_SCOPES);
    }

    @Test
    void shouldRejectARouteNamedTwice() {
        assertThatThrownBy(() -> RouteSamples.table("{\"GET /orders/{id}\":[],\"GET /orders/{orderId}\":[\"a\"]}"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("more than once");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                // Finding 2: a reader's GET /orders/42%2Fstatus is served by /orders/{id} (id = "42/status" once
                // decoded), and an
                // Allow of GET/orders/*/status cannot tell it from a request of the open route.
                "{\"GET /orders/{id}\":[\"write:orders\"],\"GET /orders/{id}/status\":[]}",
                // The reverse: the reader may call /orders/{id}, whose pattern GET/orders/* matches every deeper path.
                "{\"GET /orders/{id}\":[\"read:orders\"],\"GET /orders/{id}/invoice\":[\"read:invoices\"]}",
                "{\"GET /users/{id}\":[\"admin\"],\"GET /users/me/profile\":[]}",
                "{\"GET /files/{proxy+}\":[\"admin\"],\"GET /files/public/readme\":[]}",
                "{\"ANY /{proxy+}\":[],\"GET /admin\":[\"admin\"]}",
                // GET/orders/* matches GET/orders// (a trailing slash of /orders, which needs another scope).
                "{\"GET /orders\":[\"admin\"],\"GET /orders/{id}\":[\"read:orders\"]}",
                // HEAD requests may reach a GET route: a HEAD allowed by the open catch-all must not reach the scoped
                // GET.
                "{\"HEAD /{proxy+}\":[],\"GET /orders\":[\"read:orders\"]}",
                "{\"$default\":[],\"GET /orders\":[\"read:orders\"]}",
            })
    void shouldRejectTablesThatOneCachedPolicyCannotEnforce(String table) {
        assertThatThrownBy(() -> RouteSamples.table(table))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(RouteScopes.ROUTE_SCOPES)
                .hasMessageContaining("cannot tell them apart")
                .hasMessageContaining("a request API Gateway may route to the second");
    }

    @Test
    void shouldNameBothRoutesAndACollidingRequest() {
        assertThatThrownBy(() ->
                        RouteSamples.table("{\"GET /orders/{id}\":[\"write:orders\"],\"GET /orders/{id}/status\":[]}"))
                .hasMessageContaining("'GET /orders/{id}/status' and 'GET /orders/{id}'")
                .hasMessageContaining("'GET/orders/*/status'")
                .hasMessageContaining("matches 'GET/orders/");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{\"GET /orders/{id}\":[\"read:orders\"],\"GET /orders/{id}/invoice\":[\"read:orders\"]}",
                "{\"GET /orders\":[\"read:orders\"],\"POST /orders\":[\"write:orders\"],\"GET "
                        + "/orders/{id}\":[\"read:orders\"],\"DELETE /orders/{id}\":[\"admin\"]}",
                "{\"GET /orders/{id}\":[\"read:orders\"],\"GET /invoices/{id}\":[\"read:invoices\"],\"GET /\":[]}",
                "{\"ANY /{proxy+}\":[],\"ANY /\":[]}",
                "{\"$default\":[\"read:all\"]}",
            })
    void shouldAcceptTablesWhoseRoutesPatternsStayApart(String table) {
        assertThat(RouteSamples.table(table).routes()).isNotEmpty();
    }

    @Test
    void shouldRefuseAGreedyRouteNeedingScopesBesideAnOpenParameterRoute() {
        // HTTP APIs send GET /orders/42/cancel to the greedy route; GET/orders/* would allow it to every token.
        assertThatThrownBy(() -> RouteSamples.table("{\"GET /orders/{id}\":[],\"ANY /orders/{proxy+}\":[\"admin\"]}"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'GET /orders/{id}'")
                .hasMessageContaining("'ANY /orders/{proxy+}'");
    }

    @Test
    void shouldTellAParameterFromAGreedyParameterOnOnePath() {
        RouteScopes routes =
                RouteSamples.table("{\"GET /orders/{id}\":[\"read\"],\"GET /orders/{proxy+}\":[\"read\"]}");

        assertThat(routes.routes()).hasSize(2);
    }

    @Test
    void shouldLetHeadReachBothAGetAndAnAnyRoute() {
        // An open ANY route must not allow the HEAD requests that may go to a scoped GET route of the same template.
        RouteScopes routes = RouteSamples.table("{\"GET /orders\":[\"read:orders\"],\"ANY /orders\":[]}");

        assertThat(routes.allowPatterns(1)).contains("POST/orders").doesNotContain("HEAD/orders", "GET/orders");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /public/..", "GET /./admin", "GET /.well-known/jwks.json", "ANY /a/../{proxy+}"})
    void shouldRefuseSegmentsBeginningWithADot(String route) {
        assertThatThrownBy(() -> RouteSamples.table("{\"" + route + "\":[]}"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(RouteScopes.ROUTE_SCOPES)
                .hasMessageContaining("begins with '.'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a1b2c3d4e5,", "a1b2c3d4e5,,b", "arn:aws:execute-api", "api-1"})
    void shouldRefuseAMissingOrInvalidApiIdsNamingTheVariable(String value) {
        Map<String, String> env =
                Map.of(RouteScopes.ROUTE_SCOPES, RouteScopes.WHOLE_STAGE_JSON, RouteScopes.API_IDS, value);

        assertThatThrownBy(() -> RouteScopes.fromEnv(env))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(RouteScopes.API_IDS);
    }

    @Test
    void shouldReadSeveralApiIds() {
        Map<String, String> env =
                Map.of(RouteScopes.ROUTE_SCOPES, RouteScopes.WHOLE_STAGE_JSON, RouteScopes.API_IDS, "a1b2c3d4e5, x9");

        assertThat(RouteScopes.fromEnv(env).apiIds()).containsExactlyInAnyOrder("a1b2c3d4e5", "x9");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /orders/{proxy+}", "GET /orders/{id}", "ANY /orders/{proxy+}"})
    void shouldNotAllowATrailingSlashThatAParameterRouteMayReceive(String scoped) {
        // HTTP APIs may send GET /orders/ to the parameter route (an empty value) rather than to GET /orders.
        RouteScopes routes = RouteSamples.table("{\"GET /orders\":[],\"" + scoped + "\":[\"admin\"]}");

        assertThat(routes.allowPatterns(0)).containsExactly("GET/orders");
    }

    /** An environment with {@code routeScopes} as the table of the sample events' API. */
    private static Map<String, String> env(String routeScopes) {
        return Map.of(RouteScopes.ROUTE_SCOPES, routeScopes, RouteScopes.API_IDS, "a1b2c3d4e5");
    }
}
