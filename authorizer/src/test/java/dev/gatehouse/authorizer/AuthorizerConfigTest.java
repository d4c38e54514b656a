package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AuthorizerConfigTest {

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("TOKEN_ISSUER", "https://tenant.auth0.com/");
        env.put("JWKS_URI", "https://tenant.auth0.com/.well-known/jwks.json");
        env.put("AUDIENCE", "https://api.example.com");
        return env;
    }

    private static Map<String, String> env(String name, String value) {
        Map<String, String> env = env();
        env.put(name, value);
        return env;
    }

    @Test
    void shouldReadRequiredVariablesAndApplyDefaults() {
        AuthorizerConfig config = AuthorizerConfig.fromEnv(env());

        assertThat(config.issuer()).isEqualTo("https://tenant.auth0.com/");
        assertThat(config.jwksUri()).isEqualTo(URI.create("https://tenant.auth0.com/.well-known/jwks.json"));
        assertThat(config.audiences()).containsExactly("https://api.example.com");
        assertThat(config.leeway()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.jwksConnectTimeout()).isEqualTo(Duration.ofMillis(1000));
        assertThat(config.jwksReadTimeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void shouldSplitCommaSeparatedAudiences() {
        AuthorizerConfig config = AuthorizerConfig.fromEnv(env("AUDIENCE", " https://a.example , https://b.example,https://a.example"));

        assertThat(config.audiences()).containsExactly("https://a.example", "https://b.example");
    }

    @Test
    void shouldReadOptionalLeewayAndTimeouts() {
        Map<String, String> env = env("TOKEN_LEEWAY_SECONDS", "0");
        env.put("JWKS_CONNECT_TIMEOUT_MILLIS", "250");
        env.put("JWKS_READ_TIMEOUT_MILLIS", "700");

        AuthorizerConfig config = AuthorizerConfig.fromEnv(env);

        assertThat(config.leeway()).isZero();
        assertThat(config.jwksConnectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.jwksReadTimeout()).isEqualTo(Duration.ofMillis(700));
    }

    @ParameterizedTest(name = "should require {0}")
    @ValueSource(strings = {"TOKEN_ISSUER", "JWKS_URI", "AUDIENCE"})
    void shouldFailNamingTheMissingVariable(String name) {
        Map<String, String> env = env();
        env.remove(name);
        assertThatThrownBy(() -> AuthorizerConfig.fromEnv(env))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(name + " is required");

        assertThatThrownBy(() -> AuthorizerConfig.fromEnv(env(name, "  ")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(name + " is required");
    }

    @ParameterizedTest(name = "should reject JWKS_URI {0}")
    @ValueSource(strings = {
            "http://tenant.auth0.com/.well-known/jwks.json",
            "http://10.0.0.1/jwks.json",
            "ftp://tenant.auth0.com/jwks.json",
            "tenant.auth0.com/.well-known/jwks.json",
            "https://tenant.auth0.com",
            "https://user:pw@tenant.auth0.com/jwks.json",
            "https://tenant.auth0.com/jwks.json#keys",
            "not a url"})
    void shouldRejectUnsafeOrIncompleteJwksUri(String uri) {
        assertThatThrownBy(() -> AuthorizerConfig.fromEnv(env("JWKS_URI", uri)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("JWKS_URI ");
    }

    @ParameterizedTest(name = "should accept plain http for loopback {0}")
    @ValueSource(strings = {"http://127.0.0.1:9000/.well-known/jwks.json", "http://localhost:9000/jwks", "http://[::1]:9000/jwks", "http://127.1.2.3/jwks"})
    void shouldAcceptPlainHttpOnlyForLoopback(String uri) {
        assertThat(AuthorizerConfig.fromEnv(env("JWKS_URI", uri)).jwksUri()).isEqualTo(URI.create(uri));
    }

    @ParameterizedTest(name = "should reject {0}={1}")
    @CsvSource({
            "AUDIENCE, 'https://a.example,,https://b.example'",
            "AUDIENCE, ','",
            "TOKEN_LEEWAY_SECONDS, -1",
            "TOKEN_LEEWAY_SECONDS, 301",
            "TOKEN_LEEWAY_SECONDS, thirty",
            "JWKS_CONNECT_TIMEOUT_MILLIS, 0",
            "JWKS_READ_TIMEOUT_MILLIS, 60000",
            "JWKS_READ_TIMEOUT_MILLIS, 1.5s"})
    void shouldFailNamingTheInvalidVariable(String name, String value) {
        assertThatThrownBy(() -> AuthorizerConfig.fromEnv(env(name, value)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(name + " ");
    }

    @Test
    void shouldFailHandlerInitialisationWhenMisconfigured() {
        Map<String, String> env = env();
        env.remove("AUDIENCE");

        assertThatThrownBy(() -> new AuthorizerHandler(AuthorizerConfig.fromEnv(env)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("AUDIENCE");
    }

    @Test
    void shouldRejectEmptyAudienceListInRecord() {
        assertThatThrownBy(() -> AuthorizerConfig.of("https://tenant.auth0.com/", URI.create("https://tenant.auth0.com/jwks"), List.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("AUDIENCE ");
    }
}
