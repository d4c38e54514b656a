package dev.gatehouse.authorizer.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.authorizer.AuthorizerConfig;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException.Reason;
import dev.gatehouse.authorizer.keys.IssuerConfig;
import dev.gatehouse.authorizer.keys.JwksFetcher;
import dev.gatehouse.authorizer.keys.JwksKeySource;
import dev.gatehouse.authorizer.keys.KeySetPolicy;
import dev.gatehouse.authorizer.keys.KeySetStats;
import dev.gatehouse.authorizer.testing.RawTokens;
import dev.gatehouse.authorizer.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Known attacks on JWT verifiers, each of which must end in a rejection (401) and never in a principal. Where the
 * attack must not even reach the key set, the test also counts key-set fetches (initialisation excluded).
 */
class AttackCorpusTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final TestKeys KEYS = TestKeys.generate("key-1");
    private static final TestKeys ATTACKER = TestKeys.generate("key-1");
    private static final long EXP = NOW.plusSeconds(600).getEpochSecond();
    private static final String HEADER = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"key-1\"}";
    private static final String PAYLOAD = "{\"iss\":\"" + TestKeys.ISSUER + "\",\"sub\":\"attacker\",\"aud\":\""
            + TestKeys.AUDIENCE + "\",\"exp\":" + EXP + "}";
    private static final String VALID = RawTokens.rs256(HEADER, PAYLOAD, KEYS.privateKey);

    private final AtomicInteger fetches = new AtomicInteger();
    private final TokenVerifier verifier;

    AttackCorpusTest() {
        JwksFetcher keys = TestKeys.fetcher(KEYS);
        AuthorizerConfig config =
                AuthorizerConfig.of(TestKeys.ISSUER, TestKeys.issuer().jwksUri(), List.of(TestKeys.AUDIENCE));
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        JwksKeySource source = new JwksKeySource(
                config.issuers().get(0),
                budget -> {
                    fetches.incrementAndGet();
                    return keys.fetch(budget);
                },
                config.keySets(),
                clock,
                new KeySetStats());
        source.hydrate(Duration.ofSeconds(1));
        fetches.set(0);
        verifier = new TokenVerifier(config.issuers(), config.tokens(), issuer -> source, clock);
    }

    @Test
    void shouldAcceptTheUnalteredBaselineToken() {
        assertThat(verifier.verify(VALID).principal().subject()).isEqualTo("attacker");
    }

    @Test
    void shouldAcceptWhitespaceAroundTheJsonObjects() {
        String spaced = RawTokens.rs256(" " + HEADER + "\n", "\t" + PAYLOAD + " \r\n", KEYS.privateKey);

        assertThat(verifier.verify(spaced).principal().subject()).isEqualTo("attacker");
    }

    /**
     * Each validly signed, so only the syntax can refuse them. java-jwt reads the first JSON value of a segment and
     * keeps the last of two members with one name: {@code {..}xyz}, {@code {..}{..}} and duplicated
     * {@code sub}/{@code exp} passed before, and a reader that took the other copy would see another token.
     */
    static Stream<Arguments> notExactlyOneObject() {
        String body = PAYLOAD.substring(0, PAYLOAD.length() - 1);
        byte[] latin1 = PAYLOAD.replace("attacker", "att\u00e9cker").getBytes(StandardCharsets.ISO_8859_1);
        return Stream.of(
                attack(
                        "payload with trailing text",
                        RawTokens.rs256(HEADER, PAYLOAD + "xyz", KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "payload followed by a second object",
                        RawTokens.rs256(HEADER, PAYLOAD + "{}", KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "payload followed by a second payload",
                        RawTokens.rs256(HEADER, PAYLOAD + PAYLOAD.replace("attacker", "admin"), KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "payload with a stray closing brace",
                        RawTokens.rs256(HEADER, PAYLOAD + "}", KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "payload followed by null",
                        RawTokens.rs256(HEADER, PAYLOAD + " null", KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "payload followed by a NUL",
                        RawTokens.rs256(HEADER, PAYLOAD + "\u0000", KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "header with trailing text",
                        RawTokens.rs256(HEADER + "xyz", PAYLOAD, KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "header followed by a second object",
                        RawTokens.rs256(HEADER + "{}", PAYLOAD, KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "header followed by a second header",
                        RawTokens.rs256(HEADER + "{\"alg\":\"none\"}", PAYLOAD, KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "two sub claims",
                        RawTokens.rs256(HEADER, body + ",\"sub\":\"admin\"}", KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "two exp claims",
                        RawTokens.rs256(HEADER, body + ",\"exp\":" + (EXP + 86_400 * 365) + "}", KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "two iss claims",
                        RawTokens.rs256(HEADER, body + ",\"iss\":\"" + TestKeys.ISSUER + "\"}", KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "two aud claims",
                        RawTokens.rs256(HEADER, body + ",\"aud\":\"https://other.example\"}", KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "two scope claims",
                        RawTokens.rs256(HEADER, body + ",\"scope\":\"a\",\"scope\":\"admin\"}", KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "two unread claims",
                        RawTokens.rs256(HEADER, body + ",\"x\":1,\"x\":2}", KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "a duplicate inside a nested object",
                        RawTokens.rs256(HEADER, body + ",\"x\":{\"a\":1,\"a\":2}}", KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "two alg header parameters",
                        RawTokens.rs256(
                                "{\"alg\":\"none\",\"alg\":\"RS256\",\"kid\":\"key-1\"}", PAYLOAD, KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "two kid header parameters",
                        RawTokens.rs256(
                                "{\"alg\":\"RS256\",\"kid\":\"other\",\"kid\":\"key-1\"}", PAYLOAD, KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "payload not UTF-8",
                        RawTokens.rs256(HEADER.getBytes(StandardCharsets.UTF_8), latin1, KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "payload an unterminated object",
                        RawTokens.rs256(HEADER, body, KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack(
                        "payload nested beyond Jackson's depth limit",
                        RawTokens.rs256(
                                HEADER, body + ",\"x\":" + "[".repeat(1500) + "]".repeat(1500) + "}", KEYS.privateKey),
                        Reason.MALFORMED_TOKEN));
    }

    @ParameterizedTest(name = "should reject {0}")
    @MethodSource("notExactlyOneObject")
    void shouldRejectSegmentsThatAreNotExactlyOneJsonObject(String name, String token, Reason expected) {
        shouldRejectTheAttack(name, token, expected);
    }

    private static String[] parts() {
        return VALID.split("\\.");
    }

    private static String hs256(byte[] secret) {
        return KEYS.token(NOW).sign(Algorithm.HMAC256(secret));
    }

    static Stream<Arguments> attacks() throws Exception {
        String[] p = parts();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(KEYS.publicKey.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        String jwkJson = new ObjectMapper().writeValueAsString(KEYS.jwk());
        byte[] signature = Base64.getUrlDecoder().decode(p[2]);
        String standardAlphabet = Base64.getEncoder().withoutPadding().encodeToString(signature);
        String lastCharFlipped = p[2].substring(0, p[2].length() - 1) + (char) (p[2].charAt(p[2].length() - 1) ^ 1);
        byte[] longer = Arrays.copyOf(signature, signature.length + 1);
        byte[] leadingZero = new byte[signature.length + 1];
        System.arraycopy(signature, 0, leadingZero, 1, signature.length);
        byte[] shorter = Arrays.copyOf(signature, signature.length - 1);
        String attackerJwk = new ObjectMapper().writeValueAsString(ATTACKER.jwk());
        return Stream.of(
                attack(
                        "alg none",
                        RawTokens.b64("{\"alg\":\"none\",\"kid\":\"key-1\"}") + "." + p[1] + ".",
                        Reason.ALGORITHM_NOT_ALLOWED),
                attack(
                        "alg None",
                        RawTokens.b64("{\"alg\":\"None\",\"kid\":\"key-1\"}") + "." + p[1] + ".",
                        Reason.ALGORITHM_NOT_ALLOWED),
                attack(
                        "alg NONE with signature",
                        RawTokens.b64("{\"alg\":\"NONE\",\"kid\":\"key-1\"}") + "." + p[1] + "." + p[2],
                        Reason.ALGORITHM_NOT_ALLOWED),
                attack(
                        "no alg",
                        RawTokens.b64("{\"kid\":\"key-1\"}") + "." + p[1] + "." + p[2],
                        Reason.ALGORITHM_NOT_ALLOWED),
                attack(
                        "HS256 keyed with the public key (DER)",
                        hs256(KEYS.publicKey.getEncoded()),
                        Reason.ALGORITHM_NOT_ALLOWED),
                attack(
                        "HS256 keyed with the public key (PEM)",
                        hs256(pem.getBytes(StandardCharsets.US_ASCII)),
                        Reason.ALGORITHM_NOT_ALLOWED),
                attack(
                        "HS256 keyed with the public key (JWK)",
                        hs256(jwkJson.getBytes(StandardCharsets.UTF_8)),
                        Reason.ALGORITHM_NOT_ALLOWED),
                attack(
                        "RS512 (not configured)",
                        KEYS.token(NOW).sign(Algorithm.RSA512(KEYS.publicKey, KEYS.privateKey)),
                        Reason.ALGORITHM_NOT_ALLOWED),
                attack(
                        "embedded attacker jwk, same kid",
                        RawTokens.rs256(
                                "{\"alg\":\"RS256\",\"kid\":\"key-1\",\"jwk\":" + attackerJwk + "}",
                                PAYLOAD,
                                ATTACKER.privateKey),
                        Reason.INVALID_SIGNATURE),
                attack(
                        "jku to attacker keys",
                        RawTokens.rs256(
                                "{\"alg\":\"RS256\",\"kid\":\"key-1\",\"jku\":\"https://evil.example/jwks.json\"}",
                                PAYLOAD,
                                ATTACKER.privateKey),
                        Reason.INVALID_SIGNATURE),
                attack(
                        "x5u to attacker cert",
                        RawTokens.rs256(
                                "{\"alg\":\"RS256\",\"kid\":\"key-1\",\"x5u\":\"https://evil.example/cert.pem\"}",
                                PAYLOAD,
                                ATTACKER.privateKey),
                        Reason.INVALID_SIGNATURE),
                attack(
                        "crit header",
                        RawTokens.rs256(
                                "{\"alg\":\"RS256\",\"kid\":\"key-1\",\"crit\":[\"exp\"]}", PAYLOAD, KEYS.privateKey),
                        Reason.UNSUPPORTED_HEADER),
                attack(
                        "kid path traversal",
                        RawTokens.rs256(
                                "{\"alg\":\"RS256\",\"kid\":\"../../../../dev/null\"}", PAYLOAD, KEYS.privateKey),
                        Reason.UNKNOWN_KEY_ID),
                attack(
                        "kid SQL injection",
                        RawTokens.rs256(
                                "{\"alg\":\"RS256\",\"kid\":\"x' UNION SELECT 'secret' --\"}",
                                PAYLOAD,
                                KEYS.privateKey),
                        Reason.UNKNOWN_KEY_ID),
                attack(
                        "kid with NUL",
                        RawTokens.rs256("{\"alg\":\"RS256\",\"kid\":\"key-1\\u0000\"}", PAYLOAD, KEYS.privateKey),
                        Reason.CONTROL_CHARACTER),
                attack(
                        "kid URL",
                        RawTokens.rs256(
                                "{\"alg\":\"RS256\",\"kid\":\"https://evil.example/key\"}", PAYLOAD, KEYS.privateKey),
                        Reason.UNKNOWN_KEY_ID),
                attack(
                        "kid not a string",
                        RawTokens.rs256("{\"alg\":\"RS256\",\"kid\":42}", PAYLOAD, KEYS.privateKey),
                        Reason.INVALID_CLAIM),
                attack("signature with = padding", VALID + "=", Reason.MALFORMED_TOKEN),
                attack("signature with == padding", VALID + "==", Reason.MALFORMED_TOKEN),
                attack("signature in the standard alphabet", p[0] + "." + p[1] + "." + standardAlphabet, null),
                attack("signature with altered unused bits", p[0] + "." + p[1] + "." + lastCharFlipped, null),
                attack(
                        "signature with an extra byte",
                        p[0] + "." + p[1] + "." + RawTokens.b64(longer),
                        Reason.INVALID_SIGNATURE),
                attack(
                        "signature with a leading zero byte",
                        p[0] + "." + p[1] + "." + RawTokens.b64(leadingZero),
                        Reason.INVALID_SIGNATURE),
                attack(
                        "signature missing a byte",
                        p[0] + "." + p[1] + "." + RawTokens.b64(shorter),
                        Reason.INVALID_SIGNATURE),
                attack("trailing data", VALID + ".", Reason.MALFORMED_TOKEN),
                attack("trailing whitespace", VALID + " ", Reason.MALFORMED_TOKEN),
                attack("two segments", p[0] + "." + p[1], Reason.MALFORMED_TOKEN),
                attack("four segments", VALID + "." + p[2], Reason.MALFORMED_TOKEN),
                attack(
                        "five segments (JWE shape)",
                        p[0] + "." + p[1] + "." + p[2] + "." + p[2] + "." + p[2],
                        Reason.MALFORMED_TOKEN),
                attack("empty header", "." + p[1] + "." + p[2], Reason.MALFORMED_TOKEN),
                attack("header not JSON", RawTokens.b64("alg=RS256") + "." + p[1] + "." + p[2], Reason.MALFORMED_TOKEN),
                attack(
                        "header a JSON array",
                        RawTokens.b64("[\"RS256\"]") + "." + p[1] + "." + p[2],
                        Reason.MALFORMED_TOKEN),
                attack("header JSON null", RawTokens.b64("null") + "." + p[1] + "." + p[2], Reason.MALFORMED_TOKEN),
                attack(
                        "payload a JSON string",
                        RawTokens.rs256(HEADER, "\"admin\"", KEYS.privateKey),
                        Reason.MALFORMED_TOKEN),
                attack("payload a JSON array", RawTokens.rs256(HEADER, "[1]", KEYS.privateKey), Reason.MALFORMED_TOKEN),
                attack(
                        "exp as a string",
                        RawTokens.rs256(
                                HEADER, PAYLOAD.replace("\"exp\":" + EXP, "\"exp\":\"" + EXP + "\""), KEYS.privateKey),
                        Reason.INVALID_CLAIM),
                attack(
                        "exp as an array",
                        RawTokens.rs256(
                                HEADER, PAYLOAD.replace("\"exp\":" + EXP, "\"exp\":[" + EXP + "]"), KEYS.privateKey),
                        Reason.INVALID_CLAIM),
                attack(
                        "exp null",
                        RawTokens.rs256(HEADER, PAYLOAD.replace("\"exp\":" + EXP, "\"exp\":null"), KEYS.privateKey),
                        null),
                attack(
                        "aud as an object",
                        RawTokens.rs256(
                                HEADER,
                                PAYLOAD.replace(
                                        "\"aud\":\"" + TestKeys.AUDIENCE + "\"",
                                        "\"aud\":{\"" + TestKeys.AUDIENCE + "\":true}"),
                                KEYS.privateKey),
                        Reason.INVALID_CLAIM),
                attack(
                        "iss as an array",
                        RawTokens.rs256(
                                HEADER,
                                PAYLOAD.replace(
                                        "\"iss\":\"" + TestKeys.ISSUER + "\"", "\"iss\":[\"" + TestKeys.ISSUER + "\"]"),
                                KEYS.privateKey),
                        Reason.INVALID_CLAIM),
                attack(
                        "sub as a number",
                        RawTokens.rs256(HEADER, PAYLOAD.replace("\"sub\":\"attacker\"", "\"sub\":7"), KEYS.privateKey),
                        Reason.INVALID_CLAIM),
                attack(
                        "nbf as a string",
                        RawTokens.rs256(HEADER, PAYLOAD.replace("}", ",\"nbf\":\"0\"}"), KEYS.privateKey),
                        Reason.INVALID_CLAIM),
                attack("payload JSON null", RawTokens.rs256(HEADER, "null", KEYS.privateKey), Reason.MALFORMED_TOKEN),
                attack(
                        "header with leading garbage",
                        RawTokens.b64("x{\"alg\":\"RS256\",\"kid\":\"key-1\"}") + "." + p[1] + "." + p[2],
                        Reason.MALFORMED_TOKEN),
                attack(
                        "alg as a number",
                        RawTokens.rs256("{\"alg\":256,\"kid\":\"key-1\"}", PAYLOAD, KEYS.privateKey),
                        Reason.INVALID_CLAIM),
                attack("huge token", "a".repeat(TokenVerifier.MAX_TOKEN_LENGTH + 1), Reason.MALFORMED_TOKEN),
                attack(
                        "huge header",
                        RawTokens.b64("{\"alg\":\"RS256\",\"kid\":\"key-1\",\"x\":\"" + "A".repeat(10_000) + "\"}")
                                + "." + p[1] + "." + p[2],
                        Reason.MALFORMED_TOKEN));
    }

    private static Arguments attack(String name, String token, Reason reason) {
        return Arguments.of(name, token, reason);
    }

    @ParameterizedTest(name = "should reject {0}")
    @MethodSource("attacks")
    void shouldRejectTheAttack(String name, String token, Reason expected) {
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
            if (expected != null) {
                assertThat(e.rejection()).isEqualTo(expected);
            }
            assertThat(e.getMessage()).doesNotContain(token);
        });
        assertThat(fetches)
                .as("no attack may make the authorizer fetch from a URL the token names, or at all within "
                        + "the cool-down")
                .hasValue(0);
    }

    @Test
    void shouldNeverFetchForAForeignIssuerEvenWithAValidSignature() {
        String foreign =
                RawTokens.rs256(HEADER, PAYLOAD.replace(TestKeys.ISSUER, "https://evil.example/"), KEYS.privateKey);

        assertThatThrownBy(() -> verifier.verify(foreign))
                .isInstanceOfSatisfying(
                        TokenRejectedException.class,
                        e -> assertThat(e.rejection()).isEqualTo(Reason.WRONG_ISSUER));
        assertThat(fetches).hasValue(0);
    }

    @Test
    void shouldRejectAKeyTypeConfusionBetweenRsaAndEc() throws Exception {
        Map<String, Object> ecWithRsaKid = Map.of(
                "kty",
                "EC",
                "kid",
                "ec",
                "crv",
                "P-256",
                "alg",
                "ES256",
                "x",
                "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                "y",
                "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");
        byte[] body = new ObjectMapper().writeValueAsBytes(Map.of("keys", List.of(ecWithRsaKid, KEYS.jwk())));
        AuthorizerConfig both = new AuthorizerConfig(
                List.of(new IssuerConfig(
                        TestKeys.ISSUER,
                        TestKeys.issuer().jwksUri(),
                        List.of(TestKeys.AUDIENCE),
                        List.of("RS256", "ES256"))),
                TokenRules.DEFAULT,
                KeySetPolicy.DEFAULT,
                "Gatehouse");
        TokenVerifier mixed = TokenVerifierTest.verifier(both, budget -> body);

        String rsTokenNamingEcKey = RawTokens.rs256("{\"alg\":\"RS256\",\"kid\":\"ec\"}", PAYLOAD, KEYS.privateKey);

        assertThatThrownBy(() -> mixed.verify(rsTokenNamingEcKey))
                .isInstanceOfSatisfying(
                        TokenRejectedException.class,
                        e -> assertThat(e.rejection()).isEqualTo(Reason.UNUSABLE_KEY));
    }
}
