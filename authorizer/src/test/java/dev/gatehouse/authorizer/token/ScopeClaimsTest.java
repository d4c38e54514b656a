package dev.gatehouse.authorizer.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.authorizer.AuthorizerConfig;
import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException.Reason;
import dev.gatehouse.authorizer.keys.JwksFetcher;
import dev.gatehouse.authorizer.testing.RawTokens;
import dev.gatehouse.authorizer.testing.TestKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SCOPE_CLAIMS: which claims grant scopes, their shapes, and that a claim not configured grants nothing. */
class ScopeClaimsTest {

    /** The instant of {@link TokenVerifierTest}'s clock, which {@link TokenVerifierTest#verifier} uses. */
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    private static final TestKeys KEYS = TestKeys.generate("key-1");

    private static TokenVerifier verifier(String scopeClaims) {
        return verifier(scopeClaims, TestKeys.fetcher(KEYS));
    }

    private static TokenVerifier verifier(String scopeClaims, JwksFetcher fetcher) {
        AuthorizerConfig config = AuthorizerConfig.of(
                        TestKeys.ISSUER,
                        URI.create("https://gatehouse-test.auth0.com/.well-known/jwks.json"),
                        List.of(TestKeys.AUDIENCE))
                .withTokens(TokenRules.DEFAULT.withScopeClaims(ScopeClaims.parse(scopeClaims)));
        return TokenVerifierTest.verifier(config, fetcher);
    }

    /** A valid token carrying no scope claim but {@code claims} (name, value pairs; a value may be JSON null). */
    private static String token(Object... claims) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("iss", TestKeys.ISSUER);
        payload.put("sub", "m2m-client@clients");
        payload.put("aud", TestKeys.AUDIENCE);
        payload.put("iat", NOW.minusSeconds(60).getEpochSecond());
        payload.put("exp", NOW.plusSeconds(600).getEpochSecond());
        payload.put("azp", "m2m-client");
        for (int i = 0; i < claims.length; i += 2) {
            payload.put((String) claims[i], claims[i + 1]);
        }
        try {
            return RawTokens.rs256(
                    "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"key-1\"}",
                    new ObjectMapper().writeValueAsString(payload),
                    KEYS.privateKey);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> scopes(String scopeClaims, String token) {
        return verifier(scopeClaims).verify(token).principal().scopes();
    }

    /**
     * An ISSUERS entry's own scopeClaims replace SCOPE_CLAIMS for that issuer only: the same claims grant what each
     * issuer is configured to write them in, and nothing from a claim the other issuer writes.
     */
    @Test
    void shouldReadEachIssuersOwnScopeClaims() {
        String other = "https://other.example/";
        AuthorizerConfig config = AuthorizerConfig.fromEnv(Map.of(
                "ISSUERS",
                "[{\"issuer\":\"" + TestKeys.ISSUER + "\",\"jwksUri\":\"https://gatehouse-test.auth0.com/jwks\","
                        + "\"audiences\":[\"" + TestKeys.AUDIENCE + "\"],\"scopeClaims\":[\"permissions\"]},"
                        + "{\"issuer\":\"" + other + "\",\"jwksUri\":\"https://other.example/jwks\","
                        + "\"audiences\":[\"" + TestKeys.AUDIENCE + "\"]}]",
                "SCOPE_CLAIMS",
                "scp"));
        TokenVerifier verifier = TokenVerifierTest.verifier(config, TestKeys.fetcher(KEYS));
        Object[] claims = {"scope", "read:scope", "permissions", List.of("read:permissions"), "scp", List.of("read:scp")
        };

        assertThat(verifier.verify(token(claims)).principal().scopes()).containsExactly("read:permissions");
        String otherToken = token(
                Stream.concat(Stream.of("iss", other), Arrays.stream(claims)).toArray());
        assertThat(verifier.verify(otherToken).principal().scopes()).containsExactly("read:scp");
    }

    @Test
    void shouldDefaultToScopeOnly() {
        assertThat(ScopeClaims.DEFAULT.names()).containsExactly("scope");
        assertThat(TokenRules.DEFAULT.scopeClaims()).isEqualTo(ScopeClaims.DEFAULT);
    }

    @Test
    void shouldParseTheAllowedNamesInOrderEachOnce() {
        assertThat(ScopeClaims.parse(" permissions , scope,scp,scope").names())
                .containsExactly("permissions", "scope", "scp");
        assertThat(ScopeClaims.parse("scp").claims()).containsExactly(ScopeClaims.Name.SCP);
    }

    @ParameterizedTest(name = "should refuse SCOPE_CLAIMS=''{0}''")
    @ValueSource(
            strings = {
                "roles",
                "Permissions",
                "SCOPE",
                "scopes",
                "scope,",
                ",",
                "",
                "scope,,scp",
                "scope permissions",
                "scope;permissions",
                "https://example.com/permissions"
            })
    void shouldRefuseAnythingButTheAllowedNamesNamingTheVariableAndTheAllowedValues(String value) {
        assertThatThrownBy(() -> ScopeClaims.parse(value))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SCOPE_CLAIMS")
                .hasMessageContaining("[scope, permissions, scp]");
    }

    static Stream<Arguments> grantingShapes() {
        List<String> both = List.of("read:orders", "write:orders");
        return Stream.of(
                Arguments.of("scope", "scope", "read:orders write:orders", both),
                Arguments.of("scope", "scope", both, both),
                Arguments.of("permissions", "permissions", both, both),
                Arguments.of("permissions", "permissions", "read:orders  write:orders", both),
                Arguments.of("scp", "scp", "read:orders write:orders", both),
                Arguments.of("scp", "scp", both, both),
                Arguments.of("scp", "scp", List.of("read:orders", "read:orders"), List.of("read:orders")),
                Arguments.of("permissions", "permissions", List.of(), List.of()),
                Arguments.of("permissions", "permissions", "", List.of()),
                Arguments.of("scp", "scp", null, List.of()),
                Arguments.of("scope,permissions", "permissions", both, both));
    }

    @ParameterizedTest(name = "SCOPE_CLAIMS={0}: ''{1}'' = {2} grants {3}")
    @MethodSource("grantingShapes")
    void shouldReadAConfiguredClaimAsASpaceSeparatedStringOrAnArrayOfStrings(
            String scopeClaims, String claim, Object value, List<String> expected) {
        assertThat(scopes(scopeClaims, token(claim, value))).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldGrantTheUnionOfTheConfiguredClaimsInConfigurationOrder() {
        String token = token("scope", "a b", "permissions", List.of("c", "b"), "scp", "d a");

        assertThat(scopes("scope,permissions,scp", token)).containsExactly("a", "b", "c", "d");
        assertThat(scopes("scp,permissions", token)).containsExactly("d", "a", "c", "b");
        assertThat(scopes("permissions", token)).containsExactly("c", "b");
    }

    @Test
    void shouldIgnoreAClaimThatIsNotConfiguredEvenWhenItWouldGrantMore() {
        String token = token("scope", "read:orders", "permissions", List.of("write:orders", "admin"), "scp", "admin");

        assertThat(scopes("scope", token)).containsExactly("read:orders");
        assertThat(verifier("scope")
                        .verify(token("permissions", List.of("write:orders")))
                        .principal()
                        .scopes())
                .as("a permissions claim grants nothing under the default")
                .isEmpty();
        assertThat(scopes("permissions", token)).containsExactly("write:orders", "admin");
        assertThat(scopes("scp", token("scope", "admin", "permissions", List.of("admin"))))
                .isEmpty();
    }

    @Test
    void shouldGrantNothingFromTheDefaultRulesForAPermissionsOrScpClaim() {
        TokenVerifier defaults = TokenVerifierTest.verifier(
                AuthorizerConfig.of(
                        TestKeys.ISSUER,
                        URI.create("https://gatehouse-test.auth0.com/.well-known/jwks.json"),
                        List.of(TestKeys.AUDIENCE)),
                TestKeys.fetcher(KEYS));

        assertThat(defaults.verify(token("permissions", List.of("write:orders"), "scp", "write:orders"))
                        .principal()
                        .scopes())
                .isEmpty();
    }

    @ParameterizedTest(name = "should ignore an unconfigured ''{0}'' = {1}")
    @MethodSource("oddShapes")
    void shouldNotReadAnUnconfiguredClaimWhateverItsShape(String claim, Object value) {
        String other = claim.equals("scope") ? "permissions" : "scope";

        assertThat(scopes(other, token(claim, value, other, List.of("read:orders"))))
                .containsExactly("read:orders");
    }

    static Stream<Arguments> oddShapes() {
        Stream.Builder<Arguments> rows = Stream.builder();
        for (String claim : List.of("scope", "permissions", "scp")) {
            for (Object value : List.of(
                    42,
                    4.2,
                    true,
                    Map.of("read:orders", true),
                    List.of("read:orders", 42),
                    Arrays.asList("read:orders", null),
                    List.of("read:orders", List.of("write:orders")),
                    List.of("read:orders", Map.of()),
                    List.of(""),
                    List.of("read:orders write:orders"),
                    List.of("read:orders\u2003admin"),
                    "read:orders\u2003admin")) {
                rows.add(Arguments.of(claim, value));
            }
        }
        return rows.build();
    }

    /**
     * A configured claim the authorizer cannot read exactly is a 401, never a partial grant: neither the strings of a
     * mixed array nor the pieces of an element holding whitespace become scopes.
     */
    @ParameterizedTest(name = "should reject a configured ''{0}'' = {1}")
    @MethodSource("oddShapes")
    void shouldRejectAConfiguredClaimOfAnyOtherShape(String claim, Object value) {
        String token = token(claim, value);

        assertThatThrownBy(() -> verifier(claim).verify(token))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                    assertThat(e.rejection()).isEqualTo(Reason.INVALID_CLAIM);
                    assertThat(e.getMessage()).contains("'" + claim + "'").doesNotContain(token.split("\\.")[1]);
                });
        assertThatThrownBy(() -> verifier("scope,permissions,scp").verify(token))
                .isInstanceOf(TokenRejectedException.class);
    }

    static Stream<Arguments> controlCharacters() {
        Stream.Builder<Arguments> rows = Stream.builder();
        for (String claim : List.of("scope", "permissions", "scp")) {
            for (char c : List.of('\u0000', '\t', '\n', '\u001b', '\u007f', '\u0085', '\u2028')) {
                String character = String.format("U+%04X", (int) c);
                rows.add(Arguments.of(claim, "read:orders" + c + "admin", character));
                rows.add(Arguments.of(claim, List.of("read:orders", "admin" + c), character));
            }
        }
        return rows.build();
    }

    /** Scopes become the context's scope value that services read: no control character gets there. */
    @ParameterizedTest(name = "should reject a configured ''{0}'' = {1} ({2})")
    @MethodSource("controlCharacters")
    void shouldRejectControlCharactersInAConfiguredClaim(String claim, Object value, String character) {
        String token = token(claim, value);

        assertThatThrownBy(() -> verifier(claim).verify(token))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                    assertThat(e.rejection()).isEqualTo(Reason.CONTROL_CHARACTER);
                    assertThat(e.getMessage()).contains("'" + claim + "'", character);
                });
    }

    @Test
    void shouldRejectAnOddClaimBeforeAnyKeyLookup() {
        AtomicInteger fetches = new AtomicInteger();
        byte[] jwks = TestKeys.jwks(KEYS).getBytes(StandardCharsets.UTF_8);
        TokenVerifier verifier = verifier("permissions", budget -> {
            fetches.incrementAndGet();
            return jwks;
        });

        assertThatThrownBy(() -> verifier.verify(token("permissions", 42)))
                .isInstanceOfSatisfying(
                        TokenRejectedException.class,
                        e -> assertThat(e.rejection()).isEqualTo(Reason.INVALID_CLAIM));
        assertThat(fetches).hasValue(0);
    }
}
