package dev.gatehouse.common;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RSA public key as a JSON Web Key (RFC 7517/7518 §6.3), the form identity providers publish in their JWKS: what
 * the local identity provider serves, and what tests, benchmarks and SnapStart priming publish for their own keys.
 */
public final class RsaJwk {

    private RsaJwk() {}

    /** {@code {"kty":"RSA","use":"sig","alg":"RS256","kid":…,"n":…,"e":…}}, in that order. */
    public static Map<String, Object> signingKey(String keyId, RSAPublicKey key) {
        requireNonNull(keyId, "keyId is null");
        requireNonNull(key, "key is null");
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "RSA");
        jwk.put("use", "sig");
        jwk.put("alg", "RS256");
        jwk.put("kid", keyId);
        jwk.put("n", base64Url(key.getModulus()));
        jwk.put("e", base64Url(key.getPublicExponent()));
        return jwk;
    }

    /**
     * A non-negative integer as unpadded base64url of its minimal unsigned big-endian bytes (RFC 7518 §2,
     * Base64urlUInt).
     */
    public static String base64Url(BigInteger value) {
        if (value.signum() < 0) {
            throw new IllegalArgumentException("a JWK integer must not be negative");
        }
        byte[] bytes = value.toByteArray();
        int offset = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOfRange(bytes, offset, bytes.length));
    }
}
