package dev.gatehouse.authorizer.keys;

import static java.util.Objects.requireNonNull;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Optional;

/**
 * A usable verification key from a key set: its {@code kid}, the public key and the {@code alg} the set pins it to
 * (if any). Only keys that passed {@link JwksParser}'s checks exist as instances.
 */
public record SigningKey(String keyId, PublicKey key, Optional<String> algorithm) {

    public SigningKey {
        requireNonNull(keyId, "keyId is null");
        requireNonNull(key, "key is null");
        requireNonNull(algorithm, "algorithm is null");
    }

    /**
     * Whether this key may verify a token signed with {@code tokenAlgorithm} (key type, curve and pinned alg all
     * match).
     */
    public boolean fits(String tokenAlgorithm) {
        if (algorithm.isPresent() && !algorithm.get().equals(tokenAlgorithm)) {
            return false;
        }
        return switch (tokenAlgorithm) {
            case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512" -> key instanceof RSAPublicKey;
            case "ES256" ->
                key instanceof ECPublicKey ec
                        && ec.getParams().getCurve().getField().getFieldSize() == 256;
            case "ES384" ->
                key instanceof ECPublicKey ec
                        && ec.getParams().getCurve().getField().getFieldSize() == 384;
            case "ES512" ->
                key instanceof ECPublicKey ec
                        && ec.getParams().getCurve().getField().getFieldSize() == 521;
            default -> false;
        };
    }
}
