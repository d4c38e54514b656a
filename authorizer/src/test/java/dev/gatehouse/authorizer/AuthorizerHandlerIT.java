package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handler end to end, built the way Lambda builds it (from environment variables), against a real JWKS endpoint on 127.0.0.1. */
class AuthorizerHandlerIT {

    private static final TestKeys KEYS = TestKeys.generate("key-1");
    private static final TestKeys ROTATED = TestKeys.generate("key-2");

    private JwksServer jwks;
    private final FakeContext context = new FakeContext();

    @BeforeEach
    void startJwks() throws IOException {
        jwks = new JwksServer();
        jwks.serve(TestKeys.jwks(KEYS));
    }

    @AfterEach
    void stopJwks() {
        jwks.close();
    }

    private static AuthorizerHandler handlerFor(URI jwksUri) {
        return new AuthorizerHandler(AuthorizerConfig.fromEnv(Map.of(
                "TOKEN_ISSUER", TestKeys.ISSUER,
                "JWKS_URI", jwksUri.toString(),
                "AUDIENCE", "https://unrelated.api," + TestKeys.AUDIENCE,
                "JWKS_CONNECT_TIMEOUT_MILLIS", "500",
                "JWKS_READ_TIMEOUT_MILLIS", "1000")));
    }

    private static String token(TestKeys keys) {
        return keys.sign(keys.token(Instant.now()));
    }

    @Test
    void shouldAllowTokenVerifiedAgainstTheJwksEndpointAndCacheTheKey() {
        AuthorizerHandler handler = handlerFor(jwks.uri());

        IamPolicyResponseV1 first = handler.handleRequest(Events.authorizerEvent("authorizer-token.json", token(KEYS)), context);
        IamPolicyResponseV1 second = handler.handleRequest(Events.authorizerEvent("authorizer-request.json", token(KEYS)), context);

        assertThat(first.getPrincipalId()).isEqualTo("m2m-client@clients");
        assertThat(second.getPrincipalId()).isEqualTo("m2m-client@clients");
        assertThat(jwks.requests).as("key set fetched once, then served from the cache").hasValue(1);
    }

    @Test
    void shouldAcceptARotatedKeyOnceTheJwksPublishesIt() {
        AuthorizerHandler handler = handlerFor(jwks.uri());
        handler.handleRequest(Events.authorizerEvent("authorizer-token.json", token(KEYS)), context);

        jwks.serve(TestKeys.jwks(KEYS, ROTATED));

        assertThat(handler.handleRequest(Events.authorizerEvent("authorizer-token.json", token(ROTATED)), context).getPrincipalId())
                .isEqualTo("m2m-client@clients");
    }

    @Test
    void shouldAnswerUnauthorizedForATokenSignedByAKeyTheJwksDoesNotHold() {
        AuthorizerHandler handler = handlerFor(jwks.uri());

        assertThatThrownBy(() -> handler.handleRequest(Events.authorizerEvent("authorizer-token.json", token(ROTATED)), context))
                .isInstanceOf(UnauthorizedException.class)
                .hasMessage("Unauthorized");
        assertThat(context.lines).singleElement().asString().contains("\"reason\":\"unknown_key_id\"", "\"kid\":\"key-2\"");
    }

    @Test
    void shouldFailWithANonUnauthorizedErrorWhenTheJwksIsUnreachable() throws IOException {
        URI closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = URI.create("http://127.0.0.1:" + socket.getLocalPort() + JwksServer.PATH);
        }
        AuthorizerHandler handler = handlerFor(closedPort);

        assertThatThrownBy(() -> handler.handleRequest(Events.authorizerEvent("authorizer-token.json", token(KEYS)), context))
                .isInstanceOf(KeysUnavailableException.class)
                .message().isNotEqualTo("Unauthorized").contains("JSON Web Key Set");
        assertThat(context.lines).singleElement().asString().contains("\"outcome\":\"error\"", "\"reason\":\"jwks_unavailable\"");
    }

    @Test
    void shouldFailWithANonUnauthorizedErrorWhenTheJwksAnswersAnError() {
        jwks.fail(503, "<html>Service Unavailable</html>");
        AuthorizerHandler handler = handlerFor(jwks.uri());

        assertThatThrownBy(() -> handler.handleRequest(Events.authorizerEvent("authorizer-token.json", token(KEYS)), context))
                .isInstanceOf(KeysUnavailableException.class)
                .message().isNotEqualTo("Unauthorized");
    }

    @Test
    void shouldKeepVerifyingWithTheCachedKeyWhileTheJwksIsDown() {
        AuthorizerHandler handler = handlerFor(jwks.uri());
        handler.handleRequest(Events.authorizerEvent("authorizer-token.json", token(KEYS)), context);

        jwks.fail(500, "oops");

        assertThat(handler.handleRequest(Events.authorizerEvent("authorizer-token.json", token(KEYS)), context).getPrincipalId())
                .isEqualTo("m2m-client@clients");
    }
}
