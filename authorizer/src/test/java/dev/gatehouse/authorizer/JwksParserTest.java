package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
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
                Arguments.of("1024-bit modulus", TestKeys.generate("key-1", 1024).jwk()),
                Arguments.of("EC key for an RS256 issuer", Map.of("kty", "EC", "kid", "key-1", "crv", "P-256",
                        "x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0")),
                Arguments.of("not an object", "key-1"));
    }

    @ParameterizedTest(name = "should refuse a key with {0}")
    @MethodSource("unusableKeys")
    void shouldRefuseUnusableKeys(String name, Object jwk) throws Exception {
        JwksParser.Parsed parsed = parse(Map.of("keys", List.of(jwk, TestKeys.generate("other").jwk())), RS256);

        assertThat(parsed.keys()).containsOnlyKeys("other");
        assertThat(parsed.refused()).isEqualTo(1);
    }

    @Test
    void shouldAcceptAnEcKeyForAnEs256Issuer() throws Exception {
        Map<String, Object> ec = Map.of("kty", "EC", "kid", "ec-1", "crv", "P-256", "use", "sig",
                "x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");

        JwksParser.Parsed parsed = parse(Map.of("keys", List.of(ec, KEYS.jwk())), List.of("ES256"));

        assertThat(parsed.keys()).containsOnlyKeys("ec-1");
        assertThat(parsed.keys().get("ec-1").fits("ES256")).isTrue();
        assertThat(parsed.keys().get("ec-1").fits("ES384")).isFalse();
    }

    @Test
    void shouldDropBothCopiesOfADuplicatedKid() throws Exception {
        JwksParser.Parsed parsed = parse(Map.of("keys", List.of(KEYS.jwk(), TestKeys.generate("key-1").jwk())), RS256);

        assertThat(parsed.keys()).isEmpty();
        assertThat(parsed.refused()).isEqualTo(2);
    }

    @ParameterizedTest(name = "should treat ''{0}'' as an invalid key set")
    @ValueSource(strings = {"", "<html>oops</html>", "{\"keys\":", "[]", "{}", "{\"keys\":{}}", "null", "42"})
    void shouldRejectDocumentsThatAreNotKeySets(String body) {
        assertThatThrownBy(() -> JwksParser.parse(body.getBytes(StandardCharsets.UTF_8), RS256))
                .isInstanceOfSatisfying(KeySetFetchException.class, e -> assertThat(e.reason()).isEqualTo("jwks_invalid"));
    }
}
