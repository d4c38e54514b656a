package dev.gatehouse.authorizer.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
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
import dev.gatehouse.authorizer.testing.TestKeys;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Optional token checks (typ, lifetime, required claims), several issuers with separate key sets, and ES256. */
class HardenedVerificationTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final TestKeys KEYS = TestKeys.generate("key-1");
    private static final TestKeys OTHER_ISSUER_KEYS = TestKeys.generate("other-1");
    private static final String OTHER_ISSUER = "https://other-tenant.example/";

    private final Map<String, AtomicInteger> fetches = new HashMap<>();

    private TokenVerifier verifier(AuthorizerConfig config, Map<String, JwksFetcher> fetchers) {
        return new TokenVerifier(
                config.issuers(),
                config.tokens(),
                issuer -> {
                    AtomicInteger count = fetches.computeIfAbsent(issuer.issuer(), i -> new AtomicInteger());
                    JwksFetcher fetcher = fetchers.get(issuer.issuer());
                    return new JwksKeySource(
                            issuer,
                            budget -> {
                                count.incrementAndGet();
                                return fetcher.fetch(budget);
                            },
                            config.keySets(),
                            CLOCK,
                            new KeySetStats());
                },
                CLOCK);
    }

    private TokenVerifier single(TokenRules rules) {
        AuthorizerConfig config = AuthorizerConfig.of(
                        TestKeys.ISSUER, TestKeys.issuer().jwksUri(), List.of(TestKeys.AUDIENCE))
                .withTokens(rules);
        return verifier(config, Map.of(TestKeys.ISSUER, TestKeys.fetcher(KEYS)));
    }

    private static void assertRejected(TokenVerifier verifier, String token, Reason reason) {
        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOfSatisfying(
                        TokenRejectedException.class,
                        e -> assertThat(e.rejection()).isEqualTo(reason));
    }

    @Test
    void shouldRequireTheConfiguredTypWhenSet() {
        TokenVerifier verifier =
                single(new TokenRules(Duration.ofSeconds(30), Optional.of("at+jwt"), Optional.empty(), List.of()));

        assertThat(verifier.verify(KEYS.sign(KEYS.token(NOW).withHeader(Map.of("typ", "at+jwt"))))
                        .keyId())
                .isEqualTo("key-1");
        assertThat(verifier.verify(KEYS.sign(KEYS.token(NOW).withHeader(Map.of("typ", "application/AT+JWT"))))
                        .keyId())
                .isEqualTo("key-1");
        assertRejected(verifier, KEYS.sign(KEYS.token(NOW).withHeader(Map.of("typ", "JWT"))), Reason.WRONG_TYPE);
        assertRejected(verifier, KEYS.sign(KEYS.token(NOW)), Reason.WRONG_TYPE);
    }

    @Test
    void shouldIgnoreTypWhenNotConfigured() {
        assertThat(single(TokenRules.DEFAULT)
                        .verify(KEYS.sign(KEYS.token(NOW).withHeader(Map.of("typ", "anything"))))
                        .keyId())
                .isEqualTo("key-1");
    }

    @Test
    void shouldEnforceTheMaximumLifetimeWhenSet() {
        TokenVerifier verifier = single(
                new TokenRules(Duration.ofSeconds(30), Optional.empty(), Optional.of(Duration.ofHours(1)), List.of()));

        assertThat(verifier.verify(KEYS.sign(KEYS.token(NOW))).keyId()).isEqualTo("key-1");
        assertRejected(
                verifier, KEYS.sign(KEYS.token(NOW).withExpiresAt(NOW.plusSeconds(3601))), Reason.LIFETIME_TOO_LONG);
        assertRejected(verifier, KEYS.sign(KEYS.token(NOW).withIssuedAt((Instant) null)), Reason.MISSING_CLAIM);
    }

    @Test
    void shouldRequireTheConfiguredClaims() {
        TokenVerifier verifier = single(
                new TokenRules(Duration.ofSeconds(30), Optional.empty(), Optional.empty(), List.of("gty", "azp")));

        assertThat(verifier.verify(KEYS.sign(KEYS.token(NOW))).keyId()).isEqualTo("key-1");
        assertRejected(verifier, KEYS.sign(KEYS.token(NOW).withClaim("gty", (String) null)), Reason.MISSING_CLAIM);
    }

    @Test
    void shouldVerifyEachIssuerAgainstItsOwnKeySetAndRejectUnknownIssuersWithoutAnyFetch() {
        AuthorizerConfig config = new AuthorizerConfig(
                List.of(
                        IssuerConfig.of(TestKeys.ISSUER, TestKeys.issuer().jwksUri(), List.of(TestKeys.AUDIENCE)),
                        IssuerConfig.of(
                                OTHER_ISSUER,
                                URI.create("https://other-tenant.example/keys"),
                                List.of("https://other.api"))),
                TokenRules.DEFAULT,
                KeySetPolicy.DEFAULT,
                "Gatehouse");
        TokenVerifier verifier = verifier(
                config,
                Map.of(TestKeys.ISSUER, TestKeys.fetcher(KEYS), OTHER_ISSUER, TestKeys.fetcher(OTHER_ISSUER_KEYS)));
        String other = OTHER_ISSUER_KEYS.sign(
                OTHER_ISSUER_KEYS.token(NOW).withIssuer(OTHER_ISSUER).withAudience("https://other.api"));

        assertThat(verifier.verify(KEYS.sign(KEYS.token(NOW))).principal().issuer())
                .isEqualTo(TestKeys.ISSUER);
        assertThat(verifier.verify(other).principal().issuer()).isEqualTo(OTHER_ISSUER);
        assertRejected(
                verifier,
                OTHER_ISSUER_KEYS.sign(OTHER_ISSUER_KEYS.token(NOW).withIssuer(OTHER_ISSUER)),
                Reason.WRONG_AUDIENCE);
        // The other issuer's key cannot vouch for the first issuer, even though both key sets are trusted.
        assertRejected(verifier, OTHER_ISSUER_KEYS.sign(OTHER_ISSUER_KEYS.token(NOW)), Reason.UNKNOWN_KEY_ID);
        int before = fetches.values().stream().mapToInt(AtomicInteger::get).sum();
        assertRejected(
                verifier, KEYS.sign(KEYS.token(NOW).withIssuer("https://unknown.example/")), Reason.WRONG_ISSUER);
        assertThat(fetches.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(before);
    }

    @Test
    void shouldVerifyEs256TokensForAnIssuerConfiguredForEs256Only() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        ECPublicKey publicKey = (ECPublicKey) pair.getPublic();
        Map<String, Object> jwk = Map.of(
                "kty",
                "EC",
                "kid",
                "ec-1",
                "crv",
                "P-256",
                "use",
                "sig",
                "alg",
                "ES256",
                "x",
                coordinate(publicKey.getW().getAffineX()),
                "y",
                coordinate(publicKey.getW().getAffineY()));
        byte[] body = new ObjectMapper().writeValueAsBytes(Map.of("keys", List.of(jwk, KEYS.jwk())));
        AuthorizerConfig config = new AuthorizerConfig(
                List.of(new IssuerConfig(
                        TestKeys.ISSUER, TestKeys.issuer().jwksUri(), List.of(TestKeys.AUDIENCE), List.of("ES256"))),
                TokenRules.DEFAULT,
                KeySetPolicy.DEFAULT,
                "Gatehouse");
        TokenVerifier verifier = verifier(config, Map.of(TestKeys.ISSUER, budget -> body));

        String es256 =
                KEYS.token(NOW).withKeyId("ec-1").sign(Algorithm.ECDSA256(publicKey, (ECPrivateKey) pair.getPrivate()));

        assertThat(verifier.verify(es256).keyId()).isEqualTo("ec-1");
        assertRejected(verifier, KEYS.sign(KEYS.token(NOW)), Reason.ALGORITHM_NOT_ALLOWED);
        assertRejected(
                verifier,
                JWT.create()
                        .withKeyId("ec-1")
                        .withIssuer(TestKeys.ISSUER)
                        .withSubject("x")
                        .withAudience(TestKeys.AUDIENCE)
                        .withExpiresAt(NOW.plusSeconds(60))
                        .sign(Algorithm.ECDSA256(
                                (ECPublicKey) generator.generateKeyPair().getPublic(),
                                (ECPrivateKey) generator.generateKeyPair().getPrivate())),
                Reason.INVALID_SIGNATURE);
    }

    @Test
    void shouldVerifyPs256TokensWithEitherCryptoProviderForAnIssuerConfiguredForPs256() throws Exception {
        Map<String, Object> jwk = new HashMap<>(KEYS.jwk());
        jwk.put("alg", "PS256");
        byte[] body = new ObjectMapper().writeValueAsBytes(Map.of("keys", List.of(jwk)));
        AuthorizerConfig config = new AuthorizerConfig(
                List.of(new IssuerConfig(
                        TestKeys.ISSUER, TestKeys.issuer().jwksUri(), List.of(TestKeys.AUDIENCE), List.of("PS256"))),
                TokenRules.DEFAULT,
                KeySetPolicy.DEFAULT,
                "Gatehouse");
        String payload = "{\"iss\":\"" + TestKeys.ISSUER + "\",\"sub\":\"pss-client@clients\",\"aud\":\""
                + TestKeys.AUDIENCE + "\",\"iat\":" + NOW.getEpochSecond() + ",\"exp\":"
                + NOW.plusSeconds(600).getEpochSecond() + "}";
        String ps256 = pss("{\"alg\":\"PS256\",\"typ\":\"JWT\",\"kid\":\"key-1\"}", payload);
        String[] parts = ps256.split("\\.");
        String otherPayload = pss(
                        "{\"alg\":\"PS256\",\"kid\":\"key-1\"}", payload.replace("pss-client", "someone-else"))
                .split("\\.")[1];

        for (CryptoProvider crypto : CryptoProvider.values()) {
            TokenVerifier verifier = new TokenVerifier(
                    config.issuers(),
                    config.tokens(),
                    issuer -> new JwksKeySource(issuer, budget -> body, config.keySets(), CLOCK, new KeySetStats()),
                    CLOCK,
                    crypto.resolve().provider());

            assertThat(verifier.verify(ps256).principal().subject())
                    .as(crypto.name())
                    .isEqualTo("pss-client@clients");
            assertRejected(verifier, parts[0] + "." + otherPayload + "." + parts[2], Reason.INVALID_SIGNATURE);
            assertRejected(verifier, KEYS.sign(KEYS.token(NOW)), Reason.ALGORITHM_NOT_ALLOWED);
        }
    }

    /** Signs {@code header.payload} with RSASSA-PSS (SHA-256, MGF1-SHA-256, 32-byte salt), which java-jwt cannot. */
    private static String pss(String header, String payload) throws Exception {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = base64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        Signature signature = Signature.getInstance("RSASSA-PSS");
        signature.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        signature.initSign(KEYS.privateKey);
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + base64.encodeToString(signature.sign());
    }

    private static String coordinate(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[32];
        int copy = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - copy, fixed, 32 - copy, copy);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(fixed, 32));
    }
}
