package dev.gatehouse.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * infra/examples/separate-stack: a service deployed as its own stack that puts the shared authorizer in front of its
 * routes by ARN, imported from the export of the gatehouse stack of the same stage.
 */
class SeparateStackIT {

    @Test
    void shouldProtectTheRouteWithTheAuthorizerExportedByTheGatehouseStack() {
        PackagedService example = PackagedService.load(
                Infra.packaged("example-separate-stack").dir(), Infra.infraDir().resolve("examples/separate-stack"));
        String export = Infra.packaged("dev").template().path("Outputs").path("AuthorizerArn").path("Export").path("Name").asText();
        String imported = "{\"Fn::ImportValue\":\"" + export + "\"}";

        JsonNode method = example.resource("ApiGatewayMethodGreetingGet").path("Properties");
        assertThat(method.path("AuthorizationType").asText()).isEqualTo("CUSTOM");
        String authorizerId = method.path("AuthorizerId").path("Ref").asText();
        JsonNode authorizer = example.resource(authorizerId).path("Properties");
        assertThat(authorizer.path("Type").asText()).isEqualTo("TOKEN");
        assertThat(authorizer.path("IdentitySource").asText()).isEqualTo("method.request.header.Authorization");
        assertThat(authorizer.path("AuthorizerUri").toString()).contains(imported);
        // The example's API may invoke the shared authorizer: the permission lives in the example's stack.
        assertThat(example.resourcesOfType("AWS::Lambda::Permission").values())
                .anySatisfy(permission -> assertThat(permission.path("Properties").path("FunctionName").toString()).isEqualTo(imported));
        assertThat(example.resourcesOfType("AWS::Lambda::Function")).hasSize(1);
        assertThat(HandlerCheck.problems(example)).isEmpty();
    }
}
