package dev.gatehouse.hello;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HelloWorldHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HelloWorldHandler handler = new HelloWorldHandler();

    private static APIGatewayProxyRequestEvent sampleEvent() {
        return EventLoader.loadApiGatewayRestEvent(
                Path.of(System.getProperty("gatehouse.events.dir"), "hello-world-proxy.json")
                        .toString());
    }

    @Test
    void shouldGreetTheCallerNamedByTheAuthorizer() throws Exception {
        APIGatewayProxyResponseEvent response = handler.handleRequest(sampleEvent(), null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getHeaders())
                .containsEntry("Content-Type", "application/json")
                .containsEntry("Access-Control-Allow-Origin", "*");
        assertThat(JSON.readTree(response.getBody())).isEqualTo(JSON.readTree("""
                {"message": "Hello, m2m-client@clients!", "subject": "m2m-client@clients", "clientId": "m2m-client",
                 "scopes": ["read:hello"]}
                """));
    }

    @Test
    void shouldAnswerAJsonErrorInsteadOfCrashingWithoutAuthorizerContext() throws Exception {
        APIGatewayProxyRequestEvent event = sampleEvent();
        event.getRequestContext().setAuthorizer(null);

        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
        JsonNode body = JSON.readTree(response.getBody());
        assertThat(body.get("message").asText()).isEqualTo("Unauthorized");
        assertThat(body.get("detail").asText()).contains("requestContext.authorizer is missing");
    }

    @Test
    void shouldGreetACallerWithAPrincipalIdButNoIssuer() throws Exception {
        APIGatewayProxyRequestEvent event = sampleEvent();
        event.getRequestContext().setAuthorizer(new HashMap<>(Map.of("principalId", "someone")));

        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.getBody())).isEqualTo(JSON.readTree("""
                {"message": "Hello, someone!", "subject": "someone", "scopes": []}
                """));
    }

    @Test
    void shouldNameWhatIsMissingWhenItRefuses() throws Exception {
        APIGatewayProxyRequestEvent event = sampleEvent();
        event.getRequestContext().setAuthorizer(new HashMap<>(Map.of("issuer", "https://issuer.example/")));

        assertThat(JSON.readTree(handler.handleRequest(event, null).getBody())
                        .get("detail")
                        .asText())
                .contains("requestContext.authorizer.principalId is missing");
        assertThat(JSON.readTree(handler.handleRequest(new APIGatewayProxyRequestEvent(), null)
                                .getBody())
                        .get("detail")
                        .asText())
                .contains("requestContext is missing");
    }

    @Test
    void shouldAnswerAJsonErrorForAnEmptyEvent() {
        APIGatewayProxyResponseEvent response = handler.handleRequest(new APIGatewayProxyRequestEvent(), null);

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(handler.handleRequest(null, null).getStatusCode()).isEqualTo(401);
    }

    @Test
    void shouldSerializeTheResponseAsTheLambdaRuntimeDoes() throws Exception {
        APIGatewayProxyResponseEvent response = handler.handleRequest(sampleEvent(), null);
        PojoSerializer<APIGatewayProxyResponseEvent> serializer = LambdaEventSerializers.serializerFor(
                APIGatewayProxyResponseEvent.class, getClass().getClassLoader());
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        serializer.toJson(response, out);

        JsonNode json = JSON.readTree(out.toByteArray());
        assertThat(json.get("statusCode").asInt()).isEqualTo(200);
        assertThat(json.get("headers").get("Content-Type").asText()).isEqualTo("application/json");
        assertThat(JSON.readTree(json.get("body").asText()).get("message").asText())
                .isEqualTo("Hello, m2m-client@clients!");
    }
}
