package dev.gatehouse.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.authorizer.policy.RouteScopes;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * infra/examples/separate-stack: a service deployed as its own stack, behind its own authorizer function built from the
 * same jar, whose ROUTE_SCOPES lists exactly this stack's routes and whose API_IDS names this stack's API (another
 * stack's authorizer answers only its own API).
 */
class SeparateStackIT {

    @Test
    void shouldProtectItsRoutesWithItsOwnAuthorizerAndItsOwnRouteTable() {
        PackagedService example = PackagedService.load(
                Infra.packaged("example-separate-stack").dir(), Infra.infraDir().resolve("examples/separate-stack"));

        JsonNode method = example.resource("ApiGatewayMethodGreetingGet").path("Properties");
        assertThat(method.path("AuthorizationType").asText()).isEqualTo("CUSTOM");
        String authorizerId = method.path("AuthorizerId").path("Ref").asText();
        JsonNode authorizer = example.resource(authorizerId).path("Properties");
        assertThat(authorizer.path("Type").asText()).isEqualTo("TOKEN");
        assertThat(authorizer.path("IdentitySource").asText()).isEqualTo("method.request.header.Authorization");
        assertThat(authorizer.path("AuthorizerUri").toString())
                .contains("AuthorizerLambdaFunction")
                .doesNotContain("Fn::ImportValue");
        JsonNode function = example.lambda("authorizer").path("Properties");
        assertThat(function.path("Handler").asText()).isEqualTo("dev.gatehouse.authorizer.AuthorizerStreamHandler");
        String routeScopes = function.path("Environment")
                .path("Variables")
                .path("ROUTE_SCOPES")
                .asText();
        assertThat(routeScopes).isEqualTo("{\"GET /greeting\":[\"read:greeting\"]}");
        assertThat(RouteScopes.parse(routeScopes, Set.of("packaged")).routes()).hasSize(1);
        JsonNode variables = function.path("Environment").path("Variables");
        assertThat(variables.path("API_IDS").toString()).isEqualTo("{\"Ref\":\"ApiGatewayRestApi\"}");
        assertThat(variables.path("METRICS_SERVICE").asText()).isEqualTo("gatehouse-example");
        assertThat(variables.path("METRICS_STAGE").asText()).isEqualTo("dev");
        assertThat(variables.path("METRICS_NAMESPACE").asText()).isEqualTo("Gatehouse");
        assertThat(example.resourcesOfType("AWS::Lambda::Function")).hasSize(2);
        assertThat(HandlerCheck.problems(example)).isEmpty();
    }
}
