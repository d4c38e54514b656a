package dev.gatehouse.authorizer.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.authorizer.exceptions.KeySetFetchException;
import dev.gatehouse.authorizer.testing.TestKeys;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JwksParserTest {

    private static final TestKeys KEYS = TestKeys.generate("key-1");
    private static final List<String> RS256 = List.of("RS256");

    private static JwksParser.Parsed parse(Object document, List<String> algorithms) throws Exception {
        return JwksParser.parse(new ObjectMapper().writeValueAsBytes(document), algorithms);
    }

    private static Map<String, Object> jwk(Consumer<Map<String, Object>> change) {
        Map<String, Object> jwk = new HashMap<>(KEYS.jwk());
        change.accept(jwk);
        return jwk;
    }

    @Test
    void shouldParseAUsableRsaSigningKey() throws Exception {
        JwksParser.Parsed parsed = parse(Map.of("keys", List.of(KEYS.jwk())), RS256);

        assertThat(parsed.keys()).containsOnlyKeys("key-1");
        assertThat(parsed.keys().get("key-1").key()).isEqualTo(KEYS.publicKey);
        assertThat(parsed.refused()).isZero();
    }

    static Stream<Arguments> unusableKeys() {
        return Stream.of(
                Arguments.of("use enc", jwk(j -> j.put("use", "enc"))),
                Arguments.of("use not a string", jwk(j -> j.put("use", 1))),
                Arguments.of("alg RS512 for an RS256 issuer", jwk(j -> j.put("alg", "RS512"))),
                Arguments.of("alg HS256", jwk(j -> j.put("alg", "HS256"))),
                Arguments.of("kty oct", jwk(j -> j.put("kty", "oct"))),
                Arguments.of("no kid", jwk(j -> j.remove("kid"))),
                Arguments.of("empty kid", jwk(j -> j.put("kid", ""))),
                Arguments.of("no modulus", jwk(j -> j.remove("n"))),
                Arguments.of("modulus not base64url", jwk(j -> j.put("n", "!!!"))),
                Arguments.of("even exponent", jwk(j -> j.put("e", "Ag"))),
                Arguments.of(
                        "1024-bit modulus", TestKeys.generate("key-1", 1024).jwk()),
                Arguments.of(
                        "EC key for an RS256 issuer",
                        Map.of(
                                "kty",
                                "EC",
                                "kid",
                                "key-1",
                                "crv",
                                "P-256",
                                "x",
                                "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                                "y",
                                "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0")),
                Arguments.of("not an object", "key-1"));
    }

    @ParameterizedTest(name = "should refuse a key with {0}")
    @MethodSource("unusableKeys")
    void shouldRefuseUnusableKeys(String name, Object jwk) throws Exception {
        JwksParser.Parsed parsed =
                parse(Map.of("keys", List.of(jwk, TestKeys.generate("other").jwk())), RS256);

        assertThat(parsed.keys()).containsOnlyKeys("other");
        assertThat(parsed.refused()).isEqualTo(1);
    }

    @Test
    void shouldAcceptAnEcKeyForAnEs256Issuer() throws Exception {
        Map<String, Object> ec = Map.of(
                "kty",
                "EC",
                "kid",
                "ec-1",
                "crv",
                "P-256",
                "use",
                "sig",
                "x",
                "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                "y",
                "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");

        JwksParser.Parsed parsed = parse(Map.of("keys", List.of(ec, KEYS.jwk())), List.of("ES256"));

        assertThat(parsed.keys()).containsOnlyKeys("ec-1");
        assertThat(parsed.keys().get("ec-1").fits("ES256")).isTrue();
        assertThat(parsed.keys().get("ec-1").fits("ES384")).isFalse();
    }

    @Test
    void shouldDropBothCopiesOfADuplicatedKid() throws Exception {
        JwksParser.Parsed parsed = parse(
                Map.of("keys", List.of(KEYS.jwk(), TestKeys.generate("key-1").jwk())), RS256);

        assertThat(parsed.keys()).isEmpty();
        assertThat(parsed.refused()).isEqualTo(2);
    }

    @ParameterizedTest(name = "should treat ''{0}'' as an invalid key set")
    @ValueSource(strings = {"", "<html>oops</html>", "{\"keys\":", "[]", "{}", "{\"keys\":{}}", "null", "42"})
    void shouldRejectDocumentsThatAreNotKeySets(String body) {
        assertThatThrownBy(() -> JwksParser.parse(body.getBytes(StandardCharsets.UTF_8), RS256))
                .isInstanceOfSatisfying(
                        KeySetFetchException.class,
                        e -> assertThat(e.failure().code()).isEqualTo("jwks_invalid"));
    }

    /** A real EC key of {@code curve} as a JWK. */
    private static Map<String, Object> ecJwk(String kid, String curve, String jcaCurve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(jcaCurve));
        ECPublicKey key = (ECPublicKey) generator.generateKeyPair().getPublic();
        int length = (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        Map<String, Object> jwk = new HashMap<>();
        jwk.put("kty", "EC");
        jwk.put("kid", kid);
        jwk.put("crv", curve);
        jwk.put("x", base64(key.getW().getAffineX(), length));
        jwk.put("y", base64(key.getW().getAffineY(), length));
        return jwk;
    }

    private static String base64(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] fixed = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, fixed, length - copy, copy);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"P-256,secp256r1,ES256", "P-384,secp384r1,ES384", "P-521,secp521r1,ES512"})
    void shouldAcceptRealEcKeysAndRefuseTheirPointsMovedOffTheCurve(String curve, String jcaCurve, String algorithm)
            throws Exception {
        Map<String, Object> genuine = ecJwk("genuine", curve, jcaCurve);
        Map<String, Object> offCurve = new HashMap<>(genuine);
        offCurve.put("kid", "off-curve");
        BigInteger y = new BigInteger(1, Base64.getUrlDecoder().decode((String) genuine.get("y")));
        int length = Base64.getUrlDecoder().decode((String) genuine.get("y")).length;
        offCurve.put("y", base64(y.add(BigInteger.ONE), length));
        Map<String, Object> shortX = new HashMap<>(genuine);
        shortX.put("kid", "short-x");
        shortX.put("x", Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[length - 1]));
        Map<String, Object> outsideField = new HashMap<>(genuine);
        outsideField.put("kid", "outside-field");
        byte[] ones = new byte[length];
        Arrays.fill(ones, (byte) 0xFF);
        outsideField.put("x", Base64.getUrlEncoder().withoutPadding().encodeToString(ones));
        Map<String, Object> zero = new HashMap<>(genuine);
        zero.put("kid", "zero");
        zero.put("x", base64(BigInteger.ZERO, length));
        zero.put("y", base64(BigInteger.ZERO, length));

        JwksParser.Parsed parsed =
                parse(Map.of("keys", List.of(genuine, offCurve, shortX, outsideField, zero)), List.of(algorithm));

        assertThat(parsed.keys()).containsOnlyKeys("genuine");
        assertThat(parsed.unusable())
                .containsOnly(
                        Map.entry("off-curve", JwksParser.Unusable.EC_POINT),
                        Map.entry("short-x", JwksParser.Unusable.EC_POINT),
                        Map.entry("outside-field", JwksParser.Unusable.EC_POINT),
                        Map.entry("zero", JwksParser.Unusable.EC_POINT));
    }

    @Test
    void shouldHonourKeyOps() throws Exception {
        Map<String, Object> verify = jwk(j -> j.put("key_ops", List.of("verify")));
        Map<String, Object> encrypt = jwk(j -> {
            j.put("kid", "encrypt-only");
            j.put("key_ops", List.of("encrypt"));
        });
        Map<String, Object> notAnArray = jwk(j -> {
            j.put("kid", "not-an-array");
            j.put("key_ops", "verify");
        });
        Map<String, Object> notStrings = jwk(j -> {
            j.put("kid", "not-strings");
            j.put("key_ops", List.of("verify", 1));
        });

        JwksParser.Parsed parsed = parse(Map.of("keys", List.of(verify, encrypt, notAnArray, notStrings)), RS256);

        assertThat(parsed.keys()).containsOnlyKeys("key-1");
        assertThat(parsed.unusable())
                .containsOnly(
                        Map.entry("encrypt-only", JwksParser.Unusable.KEY_OPS),
                        Map.entry("not-an-array", JwksParser.Unusable.KEY_OPS),
                        Map.entry("not-strings", JwksParser.Unusable.KEY_OPS));
    }

    @Test
    void shouldRememberWhyEachPublishedKidWasLeftOut() throws Exception {
        JwksParser.Parsed parsed = parse(
                Map.of("keys", List.of(TestKeys.generate("short", 1024).jwk(), jwk(j -> {
                    j.put("kid", "enc");
                    j.put("use", "enc");
                }))),
                RS256);

        assertThat(parsed.unusable())
                .containsOnly(
                        Map.entry("short", JwksParser.Unusable.RSA_KEY), Map.entry("enc", JwksParser.Unusable.USE));
        assertThat(JwksParser.Unusable.RSA_KEY.description()).contains("2048 bits");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"keys\":[],\"keys\":[]}", "{\"keys\":[{\"kid\":\"a\",\"kid\":\"b\",\"kty\":\"RSA\"}]}"})
    void shouldRefuseAKeySetThatNamesAMemberTwice(String body) {
        assertThatThrownBy(() -> JwksParser.parse(body.getBytes(StandardCharsets.UTF_8), RS256))
                .isInstanceOfSatisfying(
                        KeySetFetchException.class,
                        e -> assertThat(e.failure().code()).isEqualTo("jwks_invalid"))
                .hasMessageContaining("names a member twice");
    }
}
