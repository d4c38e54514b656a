package dev.gatehouse.authorizer.keys;

import com.auth0.jwk.InvalidPublicKeyException;
import com.auth0.jwk.Jwk;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.authorizer.exceptions.KeySetFailure;
import dev.gatehouse.authorizer.exceptions.KeySetFetchException;
import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Parses a JSON Web Key Set (RFC 7517) into the keys the authorizer may use. A document that is not a JSON object with
 * a {@code keys} array, or that names any member twice (at the top or in a key: which copy counts would be a guess),
 * is a fetch failure; an individual key that is unusable is left out (and counted, and remembered by {@code kid} with
 * the reason, so a token naming it is told why): no {@code kid}, {@code kty} other than RSA/EC, {@code use} other than
 * {@code sig}, {@code key_ops} without {@code verify}, an {@code alg} the issuer does not accept, an RSA modulus under
 * 2048 bits, an unknown curve, EC coordinates of the wrong length, outside the field or not on the curve (invalid-curve
 * attacks), malformed numbers, or a {@code kid} that appears twice (ambiguous: both copies are dropped).
 * {@code x5c}/{@code x5u} are ignored. The key itself is built by jwks-rsa's {@link Jwk} (see {@link JwksRsaBridge}),
 * and must hold exactly the numbers checked here. Stateless and thread-safe.
 */
final class JwksParser {

    static final int MIN_RSA_BITS = 2048;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private static final Map<String, String> CURVES =
            Map.of("P-256", "secp256r1", "P-384", "secp384r1", "P-521", "secp521r1");

    /** Why a published key was left out. */
    enum Unusable {
        KTY("its kty is not RSA or EC"),
        USE("its use is not 'sig'"),
        KEY_OPS("its key_ops do not include 'verify'"),
        ALG("its alg is not one the issuer is configured for"),
        RSA_KEY("its RSA modulus is shorter than " + MIN_RSA_BITS + " bits or its exponent is invalid"),
        CURVE("its crv is not P-256, P-384 or P-521"),
        EC_POINT("its EC coordinates are missing, of the wrong length, outside the field or not on the curve"),
        MALFORMED("its numbers are malformed"),
        NO_ALGORITHM("it cannot verify any algorithm the issuer is configured for"),
        DUPLICATE_KID("its kid appears more than once in the set");

        private final String description;

        Unusable(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    /** The usable keys by {@code kid}, how many entries were refused, and why each refused {@code kid} was. */
    record Parsed(Map<String, SigningKey> keys, int refused, Map<String, Unusable> unusable) {
        Parsed {
            keys = Map.copyOf(keys);
            unusable = Map.copyOf(unusable);
        }
    }

    /** One entry: a key, or the reason it is unusable. */
    private record Entry(SigningKey key, Unusable unusable) {}

    /**
     * A key set after the checks that need no key material: the entries still in the running (by {@code kid}, each an
     * object with a textual {@code kty} of RSA or EC), and those already refused.
     */
    record Screened(Map<String, JsonNode> candidates, int refused, Map<String, Unusable> unusable) {

        /** The candidates as a JSON Web Key Set, for jwks-rsa to read. */
        String json() {
            ObjectNode root = JSON.createObjectNode();
            ArrayNode keys = root.putArray("keys");
            candidates.values().forEach(keys::add);
            return root.toString();
        }
    }

    private JwksParser() {}

    /**
     * Parses {@code body} and converts its keys with jwks-rsa's {@link Jwk}, as {@link JwksRsaBridge} does after a
     * fetch.
     */
    static Parsed parse(byte[] body, Collection<String> algorithms) throws KeySetFetchException {
        return convert(screen(body, algorithms), algorithms, node -> Jwk.fromValues(JSON.convertValue(node, MAP)));
    }

    /**
     * The checks before any key material: valid JSON with no member named twice, an object with a {@code keys} array,
     * and per entry a {@code kid} (appearing once), {@code kty}, {@code use}, {@code key_ops} and {@code alg}.
     */
    static Screened screen(byte[] body, Collection<String> algorithms) throws KeySetFetchException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new KeySetFetchException(
                    KeySetFailure.INVALID, "The JSON Web Key Set is not valid JSON, or names a member twice.", null);
        }
        if (root == null || !root.isObject() || !root.path("keys").isArray()) {
            throw new KeySetFetchException(
                    KeySetFailure.INVALID, "The JSON Web Key Set is not a JSON object with a 'keys' array.", null);
        }
        Map<String, JsonNode> candidates = new LinkedHashMap<>();
        Map<String, Unusable> unusable = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        int refused = 0;
        for (JsonNode jwk : root.get("keys")) {
            String kid = jwk.isObject() ? text(jwk, "kid") : null;
            if (kid == null || kid.isEmpty()) {
                refused++;
                continue;
            }
            if (!seen.add(kid)) {
                if (candidates.remove(kid) != null) {
                    refused++;
                }
                unusable.put(kid, Unusable.DUPLICATE_KID);
                refused++;
                continue;
            }
            Unusable why = screen(jwk, algorithms);
            if (why != null) {
                unusable.put(kid, why);
                refused++;
                continue;
            }
            candidates.put(kid, jwk);
        }
        return new Screened(candidates, refused, unusable);
    }

    /**
     * Converts each candidate with the {@link Jwk} that {@code jwks} gives for its node, then checks the key material
     * jwks-rsa does not: an RSA modulus of at least {@value #MIN_RSA_BITS} bits and a valid exponent; EC coordinates of
     * the field's length, in the field and on the curve; and that the key jwks-rsa built holds exactly those numbers.
     */
    static Parsed convert(Screened screened, Collection<String> algorithms, Function<JsonNode, Jwk> jwks) {
        Map<String, SigningKey> keys = new LinkedHashMap<>();
        Map<String, Unusable> unusable = new LinkedHashMap<>(screened.unusable());
        int refused = screened.refused();
        for (Map.Entry<String, JsonNode> candidate : screened.candidates().entrySet()) {
            Entry entry = key(candidate.getKey(), candidate.getValue(), algorithms, jwks);
            if (entry.key() == null) {
                unusable.put(candidate.getKey(), entry.unusable());
                refused++;
            } else {
                keys.put(candidate.getKey(), entry.key());
            }
        }
        return new Parsed(keys, refused, unusable);
    }

    private static Unusable screen(JsonNode jwk, Collection<String> algorithms) {
        String kty = text(jwk, "kty");
        String alg = text(jwk, "alg");
        if (kty == null || !kty.equals("RSA") && !kty.equals("EC")) {
            return Unusable.KTY;
        }
        if (jwk.has("use") && !"sig".equals(text(jwk, "use"))) {
            return Unusable.USE;
        }
        if (jwk.has("key_ops") && !allowsVerify(jwk.get("key_ops"))) {
            return Unusable.KEY_OPS;
        }
        if (jwk.has("alg") && (alg == null || !algorithms.contains(alg))) {
            return Unusable.ALG;
        }
        return null;
    }

    private static Entry key(String kid, JsonNode jwk, Collection<String> algorithms, Function<JsonNode, Jwk> jwks) {
        try {
            PublicKey key;
            if (text(jwk, "kty").equals("RSA")) {
                RSAPublicKeySpec expected = rsa(jwk);
                if (expected == null) {
                    return refuse(Unusable.RSA_KEY);
                }
                key = jwks.apply(jwk).getPublicKey();
                if (!(key instanceof RSAPublicKey rsa)
                        || !rsa.getModulus().equals(expected.getModulus())
                        || !rsa.getPublicExponent().equals(expected.getPublicExponent())) {
                    return refuse(Unusable.MALFORMED);
                }
            } else {
                String curve = CURVES.get(text(jwk, "crv"));
                if (curve == null) {
                    return refuse(Unusable.CURVE);
                }
                ECPoint expected = ec(jwk, curve);
                if (expected == null) {
                    return refuse(Unusable.EC_POINT);
                }
                key = jwks.apply(jwk).getPublicKey();
                if (!(key instanceof ECPublicKey ec) || !ec.getW().equals(expected)) {
                    return refuse(Unusable.MALFORMED);
                }
            }
            SigningKey signingKey = new SigningKey(kid, key, Optional.ofNullable(text(jwk, "alg")));
            // The key must be able to verify at least one accepted algorithm (an RSA key for an ES256-only issuer is
            // useless).
            if (algorithms.stream().noneMatch(signingKey::fits)) {
                return refuse(Unusable.NO_ALGORITHM);
            }
            return new Entry(signingKey, null);
        } catch (InvalidPublicKeyException | GeneralSecurityException | IllegalArgumentException e) {
            return refuse(Unusable.MALFORMED);
        }
    }

    private static Entry refuse(Unusable why) {
        return new Entry(null, why);
    }

    /** RFC 7517 4.3: {@code key_ops} is an array of strings; a key for verification must list {@code verify}. */
    private static boolean allowsVerify(JsonNode ops) {
        if (!ops.isArray()) {
            return false;
        }
        boolean verify = false;
        for (JsonNode op : ops) {
            if (!op.isTextual()) {
                return false;
            }
            verify |= op.asText().equals("verify");
        }
        return verify;
    }

    /**
     * The RSA numbers, or null unless the modulus has at least {@value #MIN_RSA_BITS} bits and the exponent is odd and
     * at least 3.
     */
    private static RSAPublicKeySpec rsa(JsonNode jwk) {
        BigInteger modulus = unsigned(jwk, "n");
        BigInteger exponent = unsigned(jwk, "e");
        if (modulus == null
                || exponent == null
                || modulus.bitLength() < MIN_RSA_BITS
                || exponent.compareTo(BigInteger.valueOf(3)) < 0
                || !exponent.testBit(0)) {
            return null;
        }
        return new RSAPublicKeySpec(modulus, exponent);
    }

    /**
     * The EC point, or null unless its coordinates are exactly the field's length (RFC 7518 6.2.1.2/6.2.1.3), lie
     * in the field and satisfy the curve equation y² = x³ + ax + b (mod p): the JDK's {@code KeyFactory} checks none of
     * this, and a point off the curve lets an attacker learn about keys in ECDH-style invalid-curve attacks and makes
     * signature checks meaningless.
     */
    private static ECPoint ec(JsonNode jwk, String curve) throws GeneralSecurityException {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec(curve));
        ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
        int length = (spec.getCurve().getField().getFieldSize() + 7) / 8;
        BigInteger x = coordinate(jwk, "x", length);
        BigInteger y = coordinate(jwk, "y", length);
        if (x == null || y == null || !(spec.getCurve().getField() instanceof ECFieldFp field)) {
            return null;
        }
        BigInteger p = field.getP();
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return null;
        }
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right = x.pow(3)
                .add(spec.getCurve().getA().multiply(x))
                .add(spec.getCurve().getB())
                .mod(p);
        if (!left.equals(right)) {
            return null;
        }
        return new ECPoint(x, y);
    }

    private static BigInteger coordinate(JsonNode jwk, String field, int length) {
        String value = text(jwk, field);
        if (value == null || value.isEmpty()) {
            return null;
        }
        byte[] bytes = Base64.getUrlDecoder().decode(value);
        return bytes.length == length ? new BigInteger(1, bytes) : null;
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
