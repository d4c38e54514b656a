package dev.gatehouse.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScopeGuardTest {

    /** The sample proxy event: its caller was granted read:hello. */
    private static APIGatewayProxyRequestEvent sampleEvent() {
        return EventLoader.loadApiGatewayRestEvent(
                Path.of(System.getProperty("gatehouse.events.dir"), "hello-world-proxy.json")
                        .toString());
    }

    @Test
    void shouldPassACallerGrantedTheScope() {
        assertThat(ScopeGuard.requireScope(sampleEvent(), "read:hello")).isEmpty();
    }

    @Test
    void shouldPassACallerGrantedAnyOfTheScopes() {
        assertThat(ScopeGuard.requireScope(sampleEvent(), "admin", "read:hello"))
                .isEmpty();
    }

    @Test
    void shouldAnswer403WithTheRequiredScopesWhenTheTokenLacksThem() {
        Optional<APIGatewayProxyResponseEvent> refused =
                ScopeGuard.requireScope(sampleEvent(), "write:orders", "admin");

        assertThat(refused).isPresent();
        APIGatewayProxyResponseEvent response = refused.get();
        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(response.getHeaders())
                .containsEntry("Content-Type", "application/json")
                .containsEntry(
                        "WWW-Authenticate",
                        "Bearer realm=\"gatehouse\", error=\"insufficient_scope\", scope=\"write:orders admin\"");
        assertThat(response.getBody())
                .isEqualTo("{\"message\":\"Forbidden\",\"detail\":\"The access token grants none of the scopes "
                        + "this operation requires: write:orders, admin.\"}");
    }

    @Test
    void shouldAnswer401WithoutAVerifiedCaller() {
        APIGatewayProxyRequestEvent event = sampleEvent();
        event.getRequestContext().setAuthorizer(new HashMap<>(Map.of("scope", "write:orders")));

        APIGatewayProxyResponseEvent response =
                ScopeGuard.requireScope(event, "write:orders").orElseThrow();

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getHeaders())
                .containsEntry("WWW-Authenticate", "Bearer realm=\"gatehouse\", error=\"invalid_token\"");
        assertThat(response.getBody())
                .startsWith("{\"message\":\"Unauthorized\",\"detail\":\"The request carries no verified caller");
        assertThat(ScopeGuard.requireScope(null, "read:hello")).contains(ScopeGuard.unauthorized());
    }

    @Test
    void shouldRefuseACheckWithoutScopes() {
        assertThatThrownBy(() -> ScopeGuard.requireScope(sampleEvent()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one scope");
    }
}
