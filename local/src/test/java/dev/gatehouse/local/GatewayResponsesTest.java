package dev.gatehouse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

class GatewayResponsesTest {

    private static final GatewayResponses.Context CONTEXT = new GatewayResponses.Context(
            "req-1", "local", "a1b2c3d4e5", Map.of("Origin", List.of("https://app.example")));

    private static GatewayResponses parse(String yaml) {
        return GatewayResponses.parse(new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml));
    }

    private static String body(GatewayResponse response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static final String STACK = """
            Unauthorized:
              Type: AWS::ApiGateway::GatewayResponse
              Properties:
                RestApiId: {Ref: ApiGatewayRestApi}
                ResponseType: UNAUTHORIZED
                StatusCode: '401'
                ResponseParameters:
                  gatewayresponse.header.WWW-Authenticate: "'Bearer realm=\\"x\\", error=\\"invalid_token\\"'"
                  gatewayresponse.header.Access-Control-Allow-Origin: method.request.header.Origin
                ResponseTemplates:
                  application/json: '{"message":$context.error.messageString,"type":"$context.error.responseType"}'
            Default4xx:
              Type: AWS::ApiGateway::GatewayResponse
              Properties:
                RestApiId: {Ref: ApiGatewayRestApi}
                ResponseType: DEFAULT_4XX
                ResponseParameters:
                  gatewayresponse.header.Access-Control-Allow-Origin: "'*'"
            Default5xx:
              Type: AWS::ApiGateway::GatewayResponse
              Properties:
                RestApiId: {Ref: ApiGatewayRestApi}
                ResponseType: DEFAULT_5XX
                ResponseTemplates:
                  application/json: '{"error":$context.error.messageString,"id":"${context.requestId}"}'
            OtherApi:
              Type: AWS::ApiGateway::GatewayResponse
              Properties:
                RestApiId: {Ref: SomeOtherApi}
                ResponseType: ACCESS_DENIED
                StatusCode: '418'
            Table:
              Type: AWS::DynamoDB::Table
            """;

    @Test
    void shouldApplyATypesOwnCustomisation() {
        GatewayResponse response = parse(STACK).apply(GatewayResponse.unauthorized(), CONTEXT);

        assertThat(response.status()).isEqualTo(401);
        assertThat(body(response)).isEqualTo("{\"message\":\"Unauthorized\",\"type\":\"UNAUTHORIZED\"}");
        assertThat(response.headers())
                .containsEntry("WWW-Authenticate", List.of("Bearer realm=\"x\", error=\"invalid_token\""))
                .containsEntry("Access-Control-Allow-Origin", List.of("https://app.example"))
                .containsEntry("x-amzn-ErrorType", List.of("UnauthorizedException"))
                .containsEntry("Content-Type", List.of("application/json"));
    }

    @Test
    void shouldRenderTheDefaultTemplateAsApiGatewayDoes() {
        GatewayResponses responses = parse("""
                D:
                  Type: AWS::ApiGateway::GatewayResponse
                  Properties:
                    RestApiId: {Ref: ApiGatewayRestApi}
                    ResponseType: ACCESS_DENIED
                    ResponseTemplates: {application/json: '{"message":$context.error.messageString}'}
                """);

        for (boolean explicit : new boolean[] {true, false}) {
            GatewayResponse original = GatewayResponse.accessDenied(explicit);
            assertThat(body(responses.apply(original, CONTEXT))).isEqualTo(body(original));
        }
    }

    @Test
    void shouldKeepWhatIsNotAVariableAsWrittenForTheTemplateIsNotVelocity() {
        GatewayResponses responses = parse("""
                D:
                  Type: AWS::ApiGateway::GatewayResponse
                  Properties:
                    RestApiId: {Ref: ApiGatewayRestApi}
                    ResponseType: UNAUTHORIZED
                    ResponseTemplates: {text/plain: '#if(x) $context.error.message #end'}
                """);

        GatewayResponse response = responses.apply(GatewayResponse.unauthorized(), CONTEXT);

        assertThat(body(response)).isEqualTo("#if(x) Unauthorized #end");
        assertThat(response.headers()).containsEntry("Content-Type", List.of("text/plain"));
    }

    @Test
    void shouldLeaveOutAHeaderMappedFromARequestHeaderTheRequestLacks() {
        GatewayResponse response = parse(STACK)
                .apply(GatewayResponse.unauthorized(), new GatewayResponses.Context("r", "local", "a", Map.of()));

        assertThat(response.headers()).doesNotContainKey("Access-Control-Allow-Origin");
    }

    @Test
    void shouldApplyTheFallbackToTypesWithoutTheirOwnKeepingTheirStatusAndBody() {
        GatewayResponses responses = parse(STACK);

        // ACCESS_DENIED is customised only for another API: DEFAULT_4XX applies, as it does to an unknown route.
        for (GatewayResponse original :
                List.of(GatewayResponse.accessDenied(true), GatewayResponse.missingAuthenticationToken())) {
            GatewayResponse response = responses.apply(original, CONTEXT);

            assertThat(response.status()).isEqualTo(403);
            assertThat(response.body()).isEqualTo(original.body());
            assertThat(response.headers()).containsEntry("Access-Control-Allow-Origin", List.of("*"));
        }
        GatewayResponse failed = responses.apply(GatewayResponse.authorizerConfigurationError(), CONTEXT);
        assertThat(failed.status()).isEqualTo(500);
        assertThat(body(failed)).isEqualTo("{\"error\":null,\"id\":\"req-1\"}");
    }

    @Test
    void shouldLetAFallbacksStatusCodeChangeEveryResponseOfItsClassWithoutOne() {
        GatewayResponses responses = parse("""
                D:
                  Type: AWS::ApiGateway::GatewayResponse
                  Properties: {RestApiId: {Ref: ApiGatewayRestApi}, ResponseType: DEFAULT_4XX, StatusCode: '400'}
                """);

        assertThat(responses
                        .apply(GatewayResponse.missingAuthenticationToken(), CONTEXT)
                        .status())
                .isEqualTo(400);
        assertThat(responses.apply(GatewayResponse.unauthorized(), CONTEXT).status())
                .isEqualTo(400);
        assertThat(responses
                        .apply(GatewayResponse.internalServerError(), CONTEXT)
                        .status())
                .isEqualTo(502);
    }

    @Test
    void shouldPassTheIntegrationsOwnResponsesAndEveryDefaultWithoutCustomisationUnchanged() {
        GatewayResponse integration = new GatewayResponse(404, Map.of("X", List.of("y")), new byte[] {1});
        assertThat(parse(STACK).apply(integration, CONTEXT)).isSameAs(integration);
        GatewayResponse unauthorized = GatewayResponse.unauthorized();
        assertThat(GatewayResponses.parse(null).apply(unauthorized, CONTEXT)).isSameAs(unauthorized);
    }

    @Test
    void shouldRefuseWhatItWouldRenderDifferentlyFromAws() {
        String head = """
                R:
                  Type: AWS::ApiGateway::GatewayResponse
                  Properties:
                    RestApiId: {Ref: ApiGatewayRestApi}
                    ResponseType: UNAUTHORIZED
                """;
        assertThatThrownBy(() -> parse(head + "    ResponseTemplates: {application/json: '$input.body'}"))
                .hasMessageContaining("resources.Resources.R.Properties.ResponseTemplates.application/json")
                .hasMessageContaining("'$input.body'");
        assertThatThrownBy(() -> parse(head + "    ResponseParameters: {gatewayresponse.header.X: stageVariables.x}"))
                .hasMessageContaining("method.request.header.NAME, got 'stageVariables.x'");
        assertThatThrownBy(() -> parse(head + "    StatusCode: 'abc'"))
                .hasMessageContaining("StatusCode must be an HTTP status code, got 'abc'");
    }
}
