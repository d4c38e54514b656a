package dev.gatehouse.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthorizerContextTest {

    private static final Principal PRINCIPAL = new Principal(
            "m2m-client@clients",
            List.of("read:hello", "write:hello"),
            Optional.of("m2m-client"),
            "https://example.auth0.com/");

    private static APIGatewayProxyRequestEvent sampleEvent() {
        return EventLoader.loadApiGatewayRestEvent(
                Path.of(System.getProperty("gatehouse.events.dir"), "hello-world-proxy.json")
                        .toString());
    }

    @Test
    void shouldWriteOnlyStringValuesIntoTheContext() {
        assertThat(AuthorizerContext.of(PRINCIPAL))
                .containsExactly(
                        Map.entry("scope", "read:hello write:hello"),
                        Map.entry("clientId", "m2m-client"),
                        Map.entry("issuer", "https://example.auth0.com/"));
    }

    @Test
    void shouldOmitTheClientIdWhenTheTokenNamesNone() {
        Principal user = new Principal("auth0|123", List.of(), Optional.empty(), "https://example.auth0.com/");

        assertThat(AuthorizerContext.of(user))
                .containsOnlyKeys("scope", "issuer")
                .containsEntry("scope", "");
    }

    @Test
    void shouldReadThePrincipalFromTheSampleProxyEvent() {
        assertThat(AuthorizerContext.principalOf(sampleEvent()))
                .contains(new Principal(
                        "m2m-client@clients",
                        List.of("read:hello"),
                        Optional.of("m2m-client"),
                        "https://example.auth0.com/"));
    }

    @Test
    void shouldRoundTripWhatTheAuthorizerWritesAsApiGatewayDeliversIt() {
        Map<String, Object> delivered = new HashMap<>();
        AuthorizerContext.of(PRINCIPAL).forEach((key, value) -> delivered.put(key, value.toString()));
        delivered.put("principalId", PRINCIPAL.subject());
        delivered.put("integrationLatency", 7);

        assertThat(AuthorizerContext.principalOf(delivered)).contains(PRINCIPAL);
    }

    @Test
    void shouldFindNoPrincipalWithoutAuthorizerContext() {
        APIGatewayProxyRequestEvent event = sampleEvent();
        event.getRequestContext().setAuthorizer(null);
        assertThat(AuthorizerContext.principalOf(event)).isEmpty();

        event.setRequestContext(null);
        assertThat(AuthorizerContext.principalOf(event)).isEmpty();
        assertThat(AuthorizerContext.principalOf((APIGatewayProxyRequestEvent) null))
                .isEmpty();
        assertThat(AuthorizerContext.principalOf(Map.of("scope", "read:hello", "issuer", "https://example.auth0.com/")))
                .isEmpty();
        assertThat(AuthorizerContext.principalOf(Map.of("principalId", "someone")))
                .isEmpty();
    }

    @Test
    void shouldParseScopesAndAnswerScopeQuestions() {
        assertThat(Principal.parseScope("  read:a   write:b read:a ")).containsExactly("read:a", "write:b");
        assertThat(Principal.parseScope(null)).isEmpty();
        assertThat(PRINCIPAL.hasScope("read:hello")).isTrue();
        assertThat(PRINCIPAL.hasScope("READ:hello")).isFalse();
        assertThatThrownBy(() -> new Principal(" ", List.of(), Optional.empty(), "iss"))
                .hasMessageContaining("subject");
        assertThatThrownBy(() -> new Principal("s", List.of("a b"), Optional.empty(), "iss"))
                .hasMessageContaining("scope");
    }
}
