package dev.gatehouse.authorizer.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.authorizer.AuthorizerConfig;
import dev.gatehouse.authorizer.exceptions.KeySetFailure;
import dev.gatehouse.authorizer.exceptions.KeySetFetchException;
import dev.gatehouse.authorizer.exceptions.KeysUnavailableException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException.Reason;
import dev.gatehouse.authorizer.keys.IssuerConfig;
import dev.gatehouse.authorizer.keys.JwksFetcher;
import dev.gatehouse.authorizer.keys.JwksKeySource;
import dev.gatehouse.authorizer.keys.KeySetPolicy;
import dev.gatehouse.authorizer.keys.KeySetStats;
import dev.gatehouse.authorizer.testing.RawTokens;
import dev.gatehouse.authorizer.testing.TestKeys;
import dev.gatehouse.common.Principal;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenVerifierTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final TestKeys KEYS = TestKeys.generate("key-1");
    private static final TestKeys OTHER_KEYS = TestKeys.generate("key-1");
    private static final AuthorizerConfig CONFIG = AuthorizerConfig.of(
            TestKeys.ISSUER,
            URI.create("https://gatehouse-test.auth0.com/.well-known/jwks.json"),
            List.of(TestKeys.AUDIENCE, "https://other.api"));

    private final TokenVerifier verifier = verifier(TestKeys.fetcher(KEYS));

    private static TokenVerifier verifier(JwksFetcher jwks) {
        return verifier(CONFIG, jwks);
    }

    static TokenVerifier verifier(AuthorizerConfig config, JwksFetcher jwks) {
        return new TokenVerifier(
                config.issuers(),
                config.tokens(),
                issuer -> new JwksKeySource(issuer, jwks, config.keySets(), CLOCK, new KeySetStats()),
                CLOCK);
    }

    @Test
    void shouldReturnPrincipalForValidToken() {
        VerifiedToken verified = verifier.verify(KEYS.sign(KEYS.token(NOW)));

        assertThat(verified.keyId()).isEqualTo("key-1");
        assertThat(verified.principal())
                .isEqualTo(new Principal(
                        "m2m-client@clients",
                        List.of("read:hello", "write:hello"),
                        Optional.of("m2m-client"),
                        TestKeys.ISSUER));
    }

    @Test
    void shouldAcceptAnyOfTheConfiguredAudiences() {
        String token = KEYS.sign(KEYS.token(NOW).withAudience("https://unrelated.api", "https://other.api"));

        assertThat(verifier.verify(token).principal().subject()).isEqualTo("m2m-client@clients");
    }

    @Test
    void shouldTakeClientIdFromClientIdClaimWhenAzpIsAbsent() {
        String token = KEYS.sign(KEYS.token(NOW).withClaim("azp", (String) null).withClaim("client_id", "okta-client"));

        assertThat(verifier.verify(token).principal().clientId()).contains("okta-client");
    }

    @Test
    void shouldAcceptTokenWithoutScope() {
        String token = KEYS.sign(KEYS.token(NOW).withClaim("scope", (String) null));

        assertThat(verifier.verify(token).principal().scopes()).isEmpty();
    }

    @Test
    void shouldAcceptExpiryWithinLeeway() {
        String token =
                KEYS.sign(KEYS.token(NOW).withIssuedAt(NOW.minusSeconds(3600)).withExpiresAt(NOW.minusSeconds(20)));

        assertThat(verifier.verify(token).principal().subject()).isEqualTo("m2m-client@clients");
    }

    static Stream<Arguments> rejectedClaims() {
        return Stream.of(
                rejected(
                        "expired beyond leeway",
                        b -> b.withIssuedAt(NOW.minusSeconds(7200)).withExpiresAt(NOW.minusSeconds(31)),
                        Reason.TOKEN_EXPIRED),
                rejected("without exp", b -> b.withExpiresAt((Instant) null), Reason.MISSING_CLAIM),
                rejected("not yet valid", b -> b.withNotBefore(NOW.plusSeconds(120)), Reason.TOKEN_NOT_YET_VALID),
                rejected("issued in the future", b -> b.withIssuedAt(NOW.plusSeconds(120)), Reason.ISSUED_IN_FUTURE),
                rejected("wrong issuer", b -> b.withIssuer("https://evil.auth0.com/"), Reason.WRONG_ISSUER),
                rejected(
                        "issuer without trailing slash",
                        b -> b.withIssuer("https://gatehouse-test.auth0.com"),
                        Reason.WRONG_ISSUER),
                rejected("without issuer", b -> b.withIssuer(null), Reason.WRONG_ISSUER),
                rejected("wrong audience", b -> b.withAudience("https://unrelated.api"), Reason.WRONG_AUDIENCE),
                rejected("without audience", b -> b.withAudience((String[]) null), Reason.MISSING_CLAIM),
                rejected("without subject", b -> b.withSubject(null), Reason.MISSING_CLAIM),
                rejected("blank subject", b -> b.withSubject(" "), Reason.MISSING_CLAIM),
                rejected("scope a number", b -> b.withClaim("scope", 42), Reason.INVALID_CLAIM),
                rejected("azp not a string", b -> b.withClaim("azp", 42), Reason.INVALID_CLAIM),
                rejected("without kid", b -> b.withKeyId(null), Reason.MISSING_KEY_ID),
                rejected("unknown kid", b -> b.withKeyId("key-unknown"), Reason.UNKNOWN_KEY_ID));
    }

    private static Arguments rejected(String name, UnaryOperator<JWTCreator.Builder> change, Reason reason) {
        return Arguments.of(name, change, reason);
    }

    @ParameterizedTest(name = "should reject token {0}")
    @MethodSource("rejectedClaims")
    void shouldRejectTokenWithBadClaims(String name, UnaryOperator<JWTCreator.Builder> change, Reason reason) {
        String token = KEYS.sign(change.apply(KEYS.token(NOW)));

        assertRejected(token, reason);
    }

    @Test
    void shouldRejectTokenWithoutExp() {
        assertRejected(KEYS.sign(KEYS.token(NOW).withExpiresAt((Instant) null)), Reason.MISSING_CLAIM);
    }

    @Test
    void shouldRejectAlgNone() {
        String token = JWT.create()
                .withKeyId("key-1")
                .withIssuer(TestKeys.ISSUER)
                .withSubject("attacker")
                .withAudience(TestKeys.AUDIENCE)
                .withExpiresAt(NOW.plusSeconds(600))
                .sign(Algorithm.none());

        assertRejected(token, Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void shouldRejectHs256SignedWithThePublicKeyAsSecret() {
        byte[] pem = ("-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder().encodeToString(KEYS.publicKey.getEncoded())
                        + "\n-----END PUBLIC KEY-----\n")
                .getBytes(StandardCharsets.US_ASCII);
        for (byte[] secret : List.of(KEYS.publicKey.getEncoded(), pem)) {
            String token = KEYS.token(NOW).sign(Algorithm.HMAC256(secret));

            assertRejected(token, Reason.ALGORITHM_NOT_ALLOWED);
        }
    }

    @Test
    void shouldRejectOtherRsaAlgorithms() {
        assertRejected(
                KEYS.token(NOW).sign(Algorithm.RSA512(KEYS.publicKey, KEYS.privateKey)), Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void shouldRejectTokenSignedByAnotherKeyWithTheSameKid() {
        assertRejected(OTHER_KEYS.sign(OTHER_KEYS.token(NOW)), Reason.INVALID_SIGNATURE);
    }

    @Test
    void shouldRejectTamperedPayload() {
        String[] parts = KEYS.sign(KEYS.token(NOW)).split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("read:hello write:hello", "admin");
        String tampered = parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];

        assertRejected(tampered, Reason.INVALID_SIGNATURE);
    }

    @Test
    void shouldRejectTamperedSignature() {
        String[] parts = KEYS.sign(KEYS.token(NOW)).split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[signature.length / 2] ^= 0x01;
        String tampered = parts[0] + "." + parts[1] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);

        assertRejected(tampered, Reason.INVALID_SIGNATURE);
    }

    @Test
    void shouldRejectTokenWithoutSignature() {
        String[] parts = KEYS.sign(KEYS.token(NOW)).split("\\.");

        assertRejected(parts[0] + "." + parts[1] + ".", Reason.INVALID_SIGNATURE);
    }

    @ParameterizedTest(name = "should reject malformed token ''{0}''")
    @ValueSource(
            strings = {
                "",
                "abc",
                "a.b",
                "a.b.c.d",
                "e30.e30",
                "!!!.e30.sig",
                "bm90LWpzb24.e30.c2ln",
                "e30.bm90LWpzb24.c2ln",
                "W10.e30.c2ln"
            })
    void shouldRejectMalformedToken(String token) {
        assertRejected(token, Reason.MALFORMED_TOKEN);
    }

    @Test
    void shouldRejectHugeTokenBeforeDecoding() {
        assertRejected("a".repeat(TokenVerifier.MAX_TOKEN_LENGTH + 1), Reason.MALFORMED_TOKEN);
    }

    @Test
    void shouldNotLookUpKeysForForeignIssuerOrDisallowedAlgorithm() {
        AtomicInteger fetches = new AtomicInteger();
        JwksFetcher keys = TestKeys.fetcher(KEYS);
        TokenVerifier counting = verifier(budget -> {
            fetches.incrementAndGet();
            return keys.fetch(budget);
        });

        assertThatThrownBy(() -> counting.verify(KEYS.sign(KEYS.token(NOW).withIssuer("https://evil.example/"))))
                .isInstanceOf(TokenRejectedException.class);
        assertThatThrownBy(() -> counting.verify(KEYS.token(NOW).sign(Algorithm.HMAC256("secret"))))
                .isInstanceOf(TokenRejectedException.class);

        assertThat(fetches).hasValue(0);
    }

    @Test
    void shouldReportUnreachableKeySetAsKeysUnavailable() {
        TokenVerifier down = verifier(budget -> {
            throw new KeySetFetchException(
                    KeySetFailure.UNAVAILABLE,
                    "Cannot fetch the JSON Web Key Set from "
                            + "https://gatehouse-test.auth0.com/.well-known/jwks.json: ConnectException",
                    new IOException("Connection refused"));
        });

        assertThatThrownBy(() -> down.verify(KEYS.sign(KEYS.token(NOW))))
                .isInstanceOfSatisfying(KeysUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo("jwks_unavailable");
                    assertThat(e.keyId()).isEqualTo("key-1");
                    assertThat(e.getMessage()).isNotEqualTo("Unauthorized").contains("JSON Web Key Set");
                });
    }

    @Test
    void shouldReportUnreadableKeySetAsKeysUnavailable() {
        TokenVerifier broken = verifier(budget -> "<html>oops</html>".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> broken.verify(KEYS.sign(KEYS.token(NOW))))
                .isInstanceOfSatisfying(
                        KeysUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo("jwks_invalid"));
    }

    @Test
    void shouldNotTrustPublishedKeysThatAreNotUsableRs256SigningKeysAndSaySo() {
        Map<String, Object> encryptionKey = new HashMap<>(KEYS.jwk());
        encryptionKey.put("use", "enc");
        assertRejected(verifier(jwks(encryptionKey)), KEYS.sign(KEYS.token(NOW)), Reason.UNUSABLE_KEY);

        Map<String, Object> otherAlgorithm = new HashMap<>(KEYS.jwk());
        otherAlgorithm.put("alg", "RS512");
        assertRejected(verifier(jwks(otherAlgorithm)), KEYS.sign(KEYS.token(NOW)), Reason.UNUSABLE_KEY);

        Map<String, Object> ecKey = Map.of(
                "kty",
                "EC",
                "kid",
                "key-1",
                "crv",
                "P-256",
                "x",
                "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                "y",
                "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");
        assertRejected(verifier(jwks(ecKey)), KEYS.sign(KEYS.token(NOW)), Reason.UNUSABLE_KEY);

        TestKeys weak = TestKeys.generate("key-1", 1024);
        assertRejected(verifier(TestKeys.fetcher(weak)), weak.sign(weak.token(NOW)), Reason.UNUSABLE_KEY);
    }

    @Test
    void shouldRejectAKeyPinnedToAnotherAllowedAlgorithm() {
        AuthorizerConfig both = new AuthorizerConfig(
                List.of(new IssuerConfig(
                        TestKeys.ISSUER,
                        CONFIG.issuers().get(0).jwksUri(),
                        List.of(TestKeys.AUDIENCE),
                        List.of("RS256", "RS512"))),
                TokenRules.DEFAULT,
                KeySetPolicy.DEFAULT,
                "Gatehouse");
        Map<String, Object> pinnedTo512 = new HashMap<>(KEYS.jwk());
        pinnedTo512.put("alg", "RS512");

        assertRejected(verifier(both, jwks(pinnedTo512)), KEYS.sign(KEYS.token(NOW)), Reason.UNUSABLE_KEY);
        assertThat(verifier(both, jwks(pinnedTo512))
                        .verify(KEYS.token(NOW).sign(Algorithm.RSA512(KEYS.publicKey, KEYS.privateKey)))
                        .keyId())
                .isEqualTo("key-1");
    }

    private static JwksFetcher jwks(Map<String, Object> jwk) {
        byte[] body;
        try {
            body = new ObjectMapper().writeValueAsBytes(Map.of("keys", List.of(jwk)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return budget -> body;
    }

    @Test
    void shouldNeverPutTheTokenInTheRejectionMessage() {
        String token = KEYS.sign(KEYS.token(NOW).withAudience("https://unrelated.api"));

        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
            assertThat(e.getMessage()).doesNotContain(token).doesNotContain(token.split("\\.")[1]);
            assertThat(e.keyId()).isEqualTo("key-1");
            assertThat(e.claimedIssuer()).isEqualTo(TestKeys.ISSUER);
        });
    }

    /** A header with every parameter the verifier reads. */
    private static Map<String, Object> fullHeader() {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        header.put("kid", "key-1");
        return header;
    }

    /** A payload with every claim the verifier reads, so each claim's check runs in the presence of all the others. */
    private static Map<String, Object> fullPayload() {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("iss", TestKeys.ISSUER);
        payload.put("sub", "m2m-client@clients");
        payload.put("aud", List.of(TestKeys.AUDIENCE, "https://unrelated.api"));
        payload.put("exp", NOW.plusSeconds(600).getEpochSecond());
        payload.put("nbf", NOW.minusSeconds(60).getEpochSecond());
        payload.put("iat", NOW.minusSeconds(60).getEpochSecond());
        payload.put("scope", "read:hello write:hello");
        payload.put("azp", "m2m-client");
        payload.put("client_id", "m2m-client");
        return payload;
    }

    /**
     * The full header and payload, with {@code name} in {@code part} set to {@code value}, signed by the trusted key.
     */
    private static String fullTokenWith(String part, String name, Object value) {
        Map<String, Object> header = fullHeader();
        Map<String, Object> payload = fullPayload();
        ("header".equals(part) ? header : payload).put(name, value);
        try {
            ObjectMapper json = new ObjectMapper();
            return RawTokens.rs256(json.writeValueAsString(header), json.writeValueAsString(payload), KEYS.privateKey);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldAcceptTheTokenWithEveryClaimTheVerifierReads() {
        VerifiedToken verified = verifier.verify(fullTokenWith("payload", "sub", "m2m-client@clients"));

        assertThat(verified.principal())
                .isEqualTo(new Principal(
                        "m2m-client@clients",
                        List.of("read:hello", "write:hello"),
                        Optional.of("m2m-client"),
                        TestKeys.ISSUER));
    }

    @Test
    void shouldAcceptNonIntegerNumericDatesAndJsonNullAsAbsent() {
        assertThat(verifier.verify(fullTokenWith(
                                "payload", "exp", NOW.plusSeconds(600).getEpochSecond() + 0.5))
                        .keyId())
                .isEqualTo("key-1");
        assertThat(verifier.verify(fullTokenWith("payload", "client_id", null))
                        .principal()
                        .clientId())
                .contains("m2m-client");
        assertThat(verifier.verify(fullTokenWith("payload", "scope", null))
                        .principal()
                        .scopes())
                .isEmpty();
    }

    static Stream<Arguments> wronglyTypedClaims() {
        Object number = 42;
        Object decimal = 4.2;
        Object bool = true;
        Object object = Map.of("value", "x");
        Object strings = List.of("x");
        Stream.Builder<Arguments> rows = Stream.builder();
        for (String name : List.of("alg", "kid", "typ")) {
            for (Object value : List.of(number, decimal, bool, object, strings)) {
                rows.add(Arguments.of("header", name, value));
            }
        }
        for (String name : List.of("iss", "sub", "azp", "client_id")) {
            for (Object value : List.of(number, decimal, bool, object, strings)) {
                rows.add(Arguments.of("payload", name, value));
            }
        }
        // A string or an array of scope strings (ScopeClaims; its other shapes: ScopeClaimsTest).
        for (Object value : List.of(number, decimal, bool, object, List.of("x", 42))) {
            rows.add(Arguments.of("payload", "scope", value));
        }
        for (Object value : List.of(
                number,
                bool,
                object,
                List.of(TestKeys.AUDIENCE, 42),
                List.of(TestKeys.AUDIENCE, Map.of()),
                List.of(TestKeys.AUDIENCE, List.of()),
                Arrays.asList(TestKeys.AUDIENCE, null))) {
            rows.add(Arguments.of("payload", "aud", value));
        }
        for (String name : List.of("exp", "nbf", "iat")) {
            for (Object value :
                    List.of(String.valueOf(NOW.getEpochSecond()), bool, object, List.of(NOW.getEpochSecond()))) {
                rows.add(Arguments.of("payload", name, value));
            }
        }
        return rows.build();
    }

    /**
     * Every header parameter and claim the authorizer reads, given a wrong JSON type while all the others are present
     * and valid: always a 401 with {@code invalid_claim}. Before, {@code client_id} went unchecked when {@code azp} was
     * present, {@code typ} unless TOKEN_TYPE was set, and an {@code aud} array element 42 was read as "42".
     */
    @ParameterizedTest(name = "should reject the {0}''s ''{1}'' = {2}")
    @MethodSource("wronglyTypedClaims")
    void shouldRejectAWronglyTypedClaimWhateverOtherClaimsArePresent(String part, String name, Object value) {
        String token = fullTokenWith(part, name, value);

        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
            assertThat(e.rejection()).isEqualTo(Reason.INVALID_CLAIM);
            assertThat(e.getMessage()).contains("'" + name + "'").doesNotContain(token.split("\\.")[1]);
        });
    }

    static Stream<Arguments> controlCharacters() {
        List<Character> characters = List.of(
                '\u0000', '\t', '\n', '\r', '\u001b', '\u001f', '\u007f', '\u0085', '\u009f', '\u2028', '\u2029');
        Map<String, Object> header = fullHeader();
        Map<String, Object> payload = fullPayload();
        Stream.Builder<Arguments> rows = Stream.builder();
        for (char c : characters) {
            for (String name : List.of("kid", "alg", "typ")) {
                rows.add(Arguments.of(
                        "header", name, header.get(name) + String.valueOf(c) + "x", String.format("U+%04X", (int) c)));
            }
            // scope: ScopeClaimsTest (read after decoding, so its rejection carries the token's clean kid and iss).
            for (String name : List.of("iss", "sub", "azp", "client_id")) {
                rows.add(Arguments.of(
                        "payload",
                        name,
                        payload.get(name) + String.valueOf(c) + "x",
                        String.format("U+%04X", (int) c)));
            }
            rows.add(Arguments.of(
                    "payload",
                    "aud",
                    List.of(TestKeys.AUDIENCE, "https://evil" + c + ".api"),
                    String.format("U+%04X", (int) c)));
        }
        return rows.build();
    }

    /**
     * sub, the client id and iss become principalId and context values (scope too: ScopeClaimsTest); kid and iss are
     * logged even for a rejected token. None may carry a control character, and the rejection carries neither that kid
     * nor that iss.
     */
    @ParameterizedTest(name = "should reject the {0}''s ''{1}'' with {3}")
    @MethodSource("controlCharacters")
    void shouldRejectControlCharactersInEveryValueThatReachesTheContextOrTheLog(
            String part, String name, Object value, String character) {
        String token = fullTokenWith(part, name, value);

        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
            assertThat(e.rejection()).isEqualTo(Reason.CONTROL_CHARACTER);
            assertThat(e.getMessage()).contains("'" + name + "'", character).doesNotContain(token.split("\\.")[1]);
            assertThat(e.keyId()).isNull();
            assertThat(e.claimedIssuer()).isNull();
        });
    }

    @ParameterizedTest(name = "should accept a subject with ''{0}''")
    @ValueSource(strings = {"caf\u00e9", "\u00a0", "\ud83d\ude00", "\u200b", "\ufeff", "a b", "\\", "\""})
    void shouldAcceptPrintableUnicodeInClaims(String text) {
        String subject = "user-" + text + "-1";

        assertThat(verifier.verify(fullTokenWith("payload", "sub", subject))
                        .principal()
                        .subject())
                .isEqualTo(subject);
    }

    private void assertRejected(String token, Reason reason) {
        assertRejected(verifier, token, reason);
    }

    private static void assertRejected(TokenVerifier verifier, String token, Reason reason) {
        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOfSatisfying(
                        TokenRejectedException.class,
                        e -> assertThat(e.rejection()).isEqualTo(reason));
    }
}
