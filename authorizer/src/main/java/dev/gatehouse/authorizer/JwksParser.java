package dev.gatehouse.authorizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses a JSON Web Key Set (RFC 7517) into the keys the authorizer may use. A document that is not a JSON object with
 * a {@code keys} array is a fetch failure; an individual key that is unusable is left out (and counted): no {@code kid},
 * {@code kty} other than RSA/EC, {@code use} other than {@code sig}, an {@code alg} the issuer does not accept, an RSA
 * modulus under 2048 bits, an unknown curve, malformed numbers, or a {@code kid} that appears twice (ambiguous: both
 * copies are dropped). {@code x5c}/{@code x5u} are ignored. Stateless and thread-safe.
 */
final class JwksParser {

    static final int MIN_RSA_BITS = 2048;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> CURVES = Map.of("P-256", "secp256r1", "P-384", "secp384r1", "P-521", "secp521r1");

    /** The usable keys by {@code kid}, and how many entries were refused. */
    record Parsed(Map<String, SigningKey> keys, int refused) {}

    private JwksParser() {}

    static Parsed parse(byte[] body, Collection<String> algorithms) throws KeySetFetchException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new KeySetFetchException("jwks_invalid", "The JSON Web Key Set is not valid JSON.", null);
        }
        if (root == null || !root.isObject() || !root.path("keys").isArray()) {
            throw new KeySetFetchException("jwks_invalid", "The JSON Web Key Set is not a JSON object with a 'keys' array.", null);
        }
        Map<String, SigningKey> keys = new LinkedHashMap<>();
        Set<String> duplicates = new HashSet<>();
        int refused = 0;
        for (JsonNode jwk : root.get("keys")) {
            Optional<SigningKey> key = key(jwk, algorithms);
            if (key.isEmpty()) {
                refused++;
                continue;
            }
            String kid = key.get().keyId();
            if (duplicates.contains(kid) || keys.containsKey(kid)) {
                if (keys.remove(kid) != null) {
                    refused++;
                }
                duplicates.add(kid);
                refused++;
                continue;
            }
            keys.put(kid, key.get());
        }
        return new Parsed(Map.copyOf(keys), refused);
    }

    private static Optional<SigningKey> key(JsonNode jwk, Collection<String> algorithms) {
        if (!jwk.isObject()) {
            return Optional.empty();
        }
        String kid = text(jwk, "kid");
        String kty = text(jwk, "kty");
        String use = text(jwk, "use");
        String alg = text(jwk, "alg");
        if (kid == null || kid.isEmpty() || kty == null) {
            return Optional.empty();
        }
        if (jwk.has("use") && !"sig".equals(use)) {
            return Optional.empty();
        }
        if (jwk.has("alg") && (alg == null || !algorithms.contains(alg))) {
            return Optional.empty();
        }
        try {
            PublicKey key = switch (kty) {
                case "RSA" -> rsa(jwk);
                case "EC" -> ec(jwk);
                default -> null;
            };
            SigningKey signingKey = key == null ? null : new SigningKey(kid, key, Optional.ofNullable(alg));
            // The key must be able to verify at least one accepted algorithm (an RSA key for an ES256-only issuer is useless).
            if (signingKey == null || algorithms.stream().noneMatch(signingKey::fits)) {
                return Optional.empty();
            }
            return Optional.of(signingKey);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static PublicKey rsa(JsonNode jwk) throws GeneralSecurityException {
        BigInteger modulus = unsigned(jwk, "n");
        BigInteger exponent = unsigned(jwk, "e");
        if (modulus == null || exponent == null || modulus.bitLength() < MIN_RSA_BITS || exponent.compareTo(BigInteger.valueOf(3)) < 0 || !exponent.testBit(0)) {
            return null;
        }
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
    }

    private static PublicKey ec(JsonNode jwk) throws GeneralSecurityException {
        String curve = CURVES.get(text(jwk, "crv"));
        BigInteger x = unsigned(jwk, "x");
        BigInteger y = unsigned(jwk, "y");
        if (curve == null || x == null || y == null) {
            return null;
        }
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec(curve));
        ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), spec));
    }

    private static BigInteger unsigned(JsonNode jwk, String field) {
        String value = text(jwk, field);
        if (value == null || value.isEmpty()) {
            return null;
        }
        return new BigInteger(1, Base64.getUrlDecoder().decode(value));
    }

    private static String text(JsonNode jwk, String field) {
        JsonNode value = jwk.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
