package dev.gatehouse.__PACKAGE__;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class __CLASS__Test {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final __CLASS__ handler = new __CLASS__();

    /**
     * events/__NAME__-proxy.json:
     * GET /__NAME__ by a caller granted read:__NAME__.
     */
    private static APIGatewayProxyRequestEvent sampleEvent() {
        return EventLoader.loadApiGatewayRestEvent(
                Path.of(System.getProperty("gatehouse.events.dir"), "__NAME__-proxy.json")
                        .toString());
    }

    private static APIGatewayProxyRequestEvent withScope(APIGatewayProxyRequestEvent event, String scope) {
        Map<String, Object> authorizer = new HashMap<>(event.getRequestContext().getAuthorizer());
        authorizer.put("scope", scope);
        event.getRequestContext().setAuthorizer(authorizer);
        return event;
    }

    @Test
    void shouldReadForACallerGrantedTheReadScope() throws Exception {
        APIGatewayProxyResponseEvent response = handler.handleRequest(sampleEvent(), null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.getBody());
        assertThat(body.get("operation").asText()).isEqualTo("read");
        assertThat(body.get("subject").asText()).isEqualTo("m2m-client@clients");
    }

    @Test
    void shouldRefuseToWriteForACallerGrantedOnlyTheReadScope() throws Exception {
        APIGatewayProxyRequestEvent event = sampleEvent().withHttpMethod("POST");

        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(response.getHeaders().get("WWW-Authenticate"))
                .contains("insufficient_scope", __CLASS__.WRITE_SCOPE);
        assertThat(JSON.readTree(response.getBody()).get("message").asText()).isEqualTo("Forbidden");
    }

    @Test
    void shouldWriteForACallerGrantedTheWriteScope() throws Exception {
        APIGatewayProxyRequestEvent event = withScope(sampleEvent().withHttpMethod("POST"), __CLASS__.WRITE_SCOPE);

        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(JSON.readTree(response.getBody()).get("operation").asText()).isEqualTo("write");
        assertThat(handler.handleRequest(withScope(sampleEvent(), __CLASS__.WRITE_SCOPE), null)
                        .getStatusCode())
                .isEqualTo(403);
    }

    @Test
    void shouldAnswer401WithoutAuthorizerContext() {
        APIGatewayProxyRequestEvent event = sampleEvent();
        event.getRequestContext().setAuthorizer(null);

        assertThat(handler.handleRequest(event, null).getStatusCode()).isEqualTo(401);
        assertThat(handler.handleRequest(null, null).getStatusCode()).isEqualTo(401);
    }

    @Test
    void shouldAnswer405ForOtherMethods() {
        assertThat(handler.handleRequest(sampleEvent().withHttpMethod("DELETE"), null)
                        .getStatusCode())
                .isEqualTo(405);
    }
}
