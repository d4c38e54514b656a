package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import dev.gatehouse.authorizer.keys.IssuerConfig;
import dev.gatehouse.authorizer.keys.KeySetPolicy;
import dev.gatehouse.authorizer.policy.RouteSamples;
import dev.gatehouse.authorizer.token.ScopeClaims;
import dev.gatehouse.authorizer.token.TokenRules;
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

        assertThat(config.issuers())
                .containsExactly(new IssuerConfig(
                        "https://tenant.auth0.com/",
                        URI.create("https://tenant.auth0.com/.well-known/jwks.json"),
                        List.of("https://api.example.com"),
                        List.of("RS256")));
        assertThat(config.tokens()).isEqualTo(TokenRules.DEFAULT);
        assertThat(config.tokens().leeway()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.keySets()).isEqualTo(KeySetPolicy.DEFAULT);
        assertThat(config.keySets().connectTimeout()).isEqualTo(Duration.ofMillis(1000));
        assertThat(config.keySets().readTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.metricsNamespace()).isEqualTo("Gatehouse");
    }

    @Test
    void shouldSplitCommaSeparatedAudiences() {
        AuthorizerConfig config =
                AuthorizerConfig.fromEnv(env("AUDIENCE", " https://a.example , https://b.example,https://a.example"));

        assertThat(config.issuers().get(0).audiences()).containsExactly("https://a.example", "https://b.example");
    }

    @Test
    void shouldReadOptionalLeewayAndTimeouts() {
        Map<String, String> env = env("TOKEN_LEEWAY_SECONDS", "0");
        env.put("JWKS_CONNECT_TIMEOUT_MILLIS", "250");
        env.put("JWKS_READ_TIMEOUT_MILLIS", "700");

        AuthorizerConfig config = AuthorizerConfig.fromEnv(env);

        assertThat(config.tokens().leeway()).isZero();
        assertThat(config.keySets().connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.keySets().readTimeout()).isEqualTo(Duration.ofMillis(700));
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
    @ValueSource(
            strings = {
                "http://tenant.auth0.com/.well-known/jwks.json",
                "http://10.0.0.1/jwks.json",
                "ftp://tenant.auth0.com/jwks.json",
                "tenant.auth0.com/.well-known/jwks.json",
                "https://tenant.auth0.com",
                "https://user:pw@tenant.auth0.com/jwks.json",
                "https://tenant.auth0.com/jwks.json#keys",
                "not a url"
            })
    void shouldRejectUnsafeOrIncompleteJwksUri(String uri) {
        assertThatThrownBy(() -> AuthorizerConfig.fromEnv(env("JWKS_URI", uri)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("JWKS_URI ");
    }

    @ParameterizedTest(name = "should accept plain http for loopback {0}")
    @ValueSource(
            strings = {
                "http://127.0.0.1:9000/.well-known/jwks.json",
                "http://localhost:9000/jwks",
                "http://[::1]:9000/jwks",
                "http://127.1.2.3/jwks"
            })
    void shouldAcceptPlainHttpOnlyForLoopback(String uri) {
        assertThat(AuthorizerConfig.fromEnv(env("JWKS_URI", uri))
                        .issuers()
                        .get(0)
                        .jwksUri())
                .isEqualTo(URI.create(uri));
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
        "JWKS_READ_TIMEOUT_MILLIS, 1.5s",
        "TOKEN_ALGORITHMS, HS256",
        "TOKEN_ALGORITHMS, PS257",
        "TOKEN_ALGORITHMS, none",
        "JWKS_MAX_BYTES, 10",
        "JWKS_TTL_SECONDS, 0",
        "JWKS_MAX_STALE_SECONDS, -5",
        "JWKS_COOLDOWN_SECONDS, 7200",
        "JWKS_INIT_BUDGET_MILLIS, 60000",
        "TOKEN_MAX_LIFETIME_SECONDS, 0",
        "TOKEN_REQUIRED_CLAIMS, 'a,,b'",
        "SCOPE_CLAIMS, roles",
        "SCOPE_CLAIMS, Permissions",
        "SCOPE_CLAIMS, 'scope,,scp'",
        "SCOPE_CLAIMS, 'scope permissions'"
    })
    void shouldFailNamingTheInvalidVariable(String name, String value) {
        assertThatThrownBy(() -> AuthorizerConfig.fromEnv(env(name, value)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(name + " ");
    }

    @Test
    void shouldFailHandlerInitialisationWhenMisconfigured() {
        Map<String, String> env = env();
        env.remove("AUDIENCE");

        assertThatThrownBy(() -> new AuthorizerHandler(AuthorizerConfig.fromEnv(env), RouteSamples.wholeStage()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("AUDIENCE");
    }

    @Test
    void shouldRejectEmptyAudienceListInRecord() {
        assertThatThrownBy(() -> AuthorizerConfig.of(
                        "https://tenant.auth0.com/", URI.create("https://tenant.auth0.com/jwks"), List.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("AUDIENCE ");
    }

    @Test
    void shouldRefuseTheRemovedJwksSnapshotRatherThanIgnoreIt() {
        assertThatThrownBy(() -> AuthorizerConfig.fromEnv(env("JWKS_SNAPSHOT", "jwks-snapshot.json")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("JWKS_SNAPSHOT was removed ")
                .hasMessageContaining("unset it");
    }

    @Test
    void shouldRecordMetricsUnderServiceAndStageOnlyWhenBothAreSet() {
        assertThat(AuthorizerConfig.fromEnv(env()).metricDimensions()).isEmpty();

        Map<String, String> both = env();
        both.put("METRICS_SERVICE", " gatehouse ");
        both.put("METRICS_STAGE", "prod");
        assertThat(AuthorizerConfig.fromEnv(both).metricDimensions())
                .containsExactly(Map.entry("Service", "gatehouse"), Map.entry("Stage", "prod"));

        Map<String, String> serviceOnly = env();
        serviceOnly.put("METRICS_SERVICE", "gatehouse");
        assertThatThrownBy(() -> AuthorizerConfig.fromEnv(serviceOnly))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("METRICS_STAGE must be set with METRICS_SERVICE (the metrics' Service and Stage "
                        + "dimensions), or neither");
        Map<String, String> stageOnly = env();
        stageOnly.put("METRICS_STAGE", "prod");
        assertThatThrownBy(() -> AuthorizerConfig.fromEnv(stageOnly))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("METRICS_SERVICE must be set with METRICS_STAGE");
        both.put("METRICS_STAGE", "x".repeat(1025));
        assertThatThrownBy(() -> AuthorizerConfig.fromEnv(both))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("The metric dimension Stage must be a non-blank value of at most 1024 characters");
    }

    @Test
    void shouldReadTheOptionalTokenChecksAndKeySetPolicy() {
        Map<String, String> env = env("TOKEN_ALGORITHMS", "RS256,ES256");
        env.put("TOKEN_TYPE", "application/AT+JWT");
        env.put("TOKEN_MAX_LIFETIME_SECONDS", "86400");
        env.put("TOKEN_REQUIRED_CLAIMS", "azp, gty");
        env.put("JWKS_TTL_SECONDS", "60");
        env.put("JWKS_MAX_STALE_SECONDS", "0");
        env.put("JWKS_COOLDOWN_SECONDS", "5");
        env.put("JWKS_FAILURE_BACKOFF_MILLIS", "100");
        env.put("JWKS_NEGATIVE_CACHE_SECONDS", "10");
        env.put("JWKS_MAX_BYTES", "4096");
        env.put("JWKS_INIT_BUDGET_MILLIS", "0");
        env.put("METRICS_NAMESPACE", "Acme/Auth");

        AuthorizerConfig config = AuthorizerConfig.fromEnv(env);

        assertThat(config.issuers().get(0).algorithms()).containsExactly("RS256", "ES256");
        assertThat(config.tokens().requiredType()).contains("at+jwt");
        assertThat(config.tokens().maxLifetime()).contains(Duration.ofDays(1));
        assertThat(config.tokens().requiredClaims()).containsExactly("azp", "gty");
        assertThat(config.keySets())
                .isEqualTo(new KeySetPolicy(
                        Duration.ofMillis(1000),
                        Duration.ofMillis(1500),
                        4096,
                        Duration.ofSeconds(60),
                        Duration.ZERO,
                        Duration.ofSeconds(5),
                        Duration.ofMillis(100),
                        Duration.ofSeconds(10),
                        Duration.ZERO));
        assertThat(config.metricsNamespace()).isEqualTo("Acme/Auth");
    }

    @Test
    void shouldReadSeveralIssuersFromIssuersJson() {
        AuthorizerConfig config = AuthorizerConfig.fromEnv(Map.of("ISSUERS", """
                [{"issuer":"https://a.auth0.com/","jwksUri":"https://a.auth0.com/.well-known/jwks.json",
                  "audiences":["https://api"]},
                 {"issuer":"https://b.example/","jwksUri":"https://b.example/keys","audiences":["x","y"],
                  "algorithms":["ES256"]}]
                """));

        assertThat(config.issuers())
                .containsExactly(
                        new IssuerConfig(
                                "https://a.auth0.com/",
                                URI.create("https://a.auth0.com/.well-known/jwks.json"),
                                List.of("https://api"),
                                List.of("RS256")),
                        new IssuerConfig(
                                "https://b.example/",
                                URI.create("https://b.example/keys"),
                                List.of("x", "y"),
                                List.of("ES256")));
    }

    @Test
    void shouldReadAnIssuersOwnScopeClaims() {
        AuthorizerConfig config = AuthorizerConfig.fromEnv(Map.of("ISSUERS", """
                [{"issuer":"https://a.auth0.com/","jwksUri":"https://a.auth0.com/.well-known/jwks.json",
                  "audiences":["https://api"],"scopeClaims":["permissions","scope","permissions"]},
                 {"issuer":"https://b.example/","jwksUri":"https://b.example/keys","audiences":["x"]}]
                """, "SCOPE_CLAIMS", "scp"));

        assertThat(config.issuers().get(0).scopeClaims()).containsExactly("permissions", "scope");
        assertThat(config.issuers().get(1).scopeClaims())
                .as("SCOPE_CLAIMS applies")
                .isEmpty();
        assertThat(config.tokens().scopeClaims().names()).containsExactly("scp");
    }

    @ParameterizedTest(name = "should reject scopeClaims {0}")
    @ValueSource(strings = {"[]", "[\"roles\"]", "[\"Scope\"]", "\"permissions\"", "[42]", "null"})
    void shouldRejectAnIssuersScopeClaimsNamingTheVariable(String scopeClaims) {
        String json = "[{\"issuer\":\"https://a/\",\"jwksUri\":\"https://a/k\",\"audiences\":[\"x\"],"
                + "\"scopeClaims\":" + scopeClaims + "}]";

        assertThatThrownBy(() -> AuthorizerConfig.fromEnv(Map.of("ISSUERS", json)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'scopeClaims' of https://a/ in ISSUERS");
    }

    @ParameterizedTest(name = "should reject ISSUERS {0}")
    @ValueSource(
            strings = {
                "not json",
                "{}",
                "[]",
                "[42]",
                "[{\"issuer\":\"https://a/\",\"jwksUri\":\"https://a/k\"}]",
                "[{\"issuer\":\"https://a/\",\"jwksUri\":\"https://a/k\",\"audiences\":[\"x\"],"
                        + "\"jku\":\"https://evil\"}]",
                "[{\"issuer\":\"https://a/\",\"jwksUri\":\"https://a/k\",\"audiences\":[\"x\"]},"
                        + "{\"issuer\":\"https://a/\",\"jwksUri\":\"https://a/k\",\"audiences\":[\"y\"]}]"
            })
    void shouldRejectMalformedIssuersJson(String json) {
        assertThatThrownBy(() -> AuthorizerConfig.fromEnv(Map.of("ISSUERS", json)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("ISSUERS ");
    }

    @Test
    void shouldRejectAMemberGivenTwiceInAnIssuersEntry() {
        String json = "[{\"issuer\":\"https://a/\",\"jwksUri\":\"https://a/k\",\"audiences\":[\"x\"],"
                + "\"scopeClaims\":[\"scope\"],\"scopeClaims\":[\"permissions\"]}]";

        assertThatThrownBy(() -> AuthorizerConfig.fromEnv(Map.of("ISSUERS", json)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("ISSUERS ")
                .hasMessageContaining("Duplicate field 'scopeClaims'");
    }

    @Test
    void shouldRefuseIssuersTogetherWithTheSingleIssuerVariables() {
        Map<String, String> env =
                env("ISSUERS", "[{\"issuer\":\"https://a/\",\"jwksUri\":\"https://a/k\",\"audiences\":[\"x\"]}]");

        assertThatThrownBy(() -> AuthorizerConfig.fromEnv(env))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("ISSUERS and TOKEN_ISSUER are both set");
    }

    @Test
    void shouldReadScopeClaimsForEveryIssuerAndDefaultToScope() {
        assertThat(AuthorizerConfig.fromEnv(env()).tokens().scopeClaims()).isEqualTo(ScopeClaims.DEFAULT);
        assertThat(AuthorizerConfig.fromEnv(env("SCOPE_CLAIMS", " ")).tokens().scopeClaims())
                .isEqualTo(ScopeClaims.DEFAULT);
        assertThat(AuthorizerConfig.fromEnv(env("SCOPE_CLAIMS", "permissions, scope"))
                        .tokens()
                        .scopeClaims()
                        .names())
                .containsExactly("permissions", "scope");

        Map<String, String> issuers = new HashMap<>();
        issuers.put(
                "ISSUERS",
                "[{\"issuer\":\"https://a.auth0.com/\",\"jwksUri\":\"https://a.auth0.com/.well-known/jwks.json\","
                        + "\"audiences\":[\"https://api\"]},{\"issuer\":\"https://b.okta.com/\","
                        + "\"jwksUri\":\"https://b.okta.com/keys\",\"audiences\":[\"https://api\"]}]");
        issuers.put("SCOPE_CLAIMS", "scp,permissions");
        AuthorizerConfig config = AuthorizerConfig.fromEnv(issuers);
        assertThat(config.issuers()).hasSize(2);
        assertThat(config.tokens().scopeClaims().names()).containsExactly("scp", "permissions");
    }
}
