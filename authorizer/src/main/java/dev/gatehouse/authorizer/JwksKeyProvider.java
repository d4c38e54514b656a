package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import com.auth0.jwk.InvalidPublicKeyException;
import com.auth0.jwk.Jwk;
import com.auth0.jwk.JwkException;
import com.auth0.jwk.JwkProvider;
import com.auth0.jwk.NetworkException;
import com.auth0.jwk.RateLimitReachedException;
import com.auth0.jwk.SigningKeyNotFoundException;
import com.auth0.jwt.interfaces.RSAKeyProvider;
import dev.gatehouse.authorizer.TokenRejectedException.Reason;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;

/**
 * Finds the RSA verification key for a token's {@code kid} through jwks-rsa and translates its checked
 * {@link JwkException}s into our own outcomes. java-jwt's {@code RSAAlgorithm} wraps only IllegalArgument/IllegalState
 * and crypto exceptions from a key provider into a signature failure, so ours (neither) reach the handler intact:
 * an unknown kid is the token's fault (401); an unreachable or unreadable key set is not (500).
 *
 * <p>Thread-safe if the wrapped provider is (jwks-rsa's built providers are).
 */
final class JwksKeyProvider implements RSAKeyProvider {

    private final JwkProvider jwks;

    JwksKeyProvider(JwkProvider jwks) {
        this.jwks = requireNonNull(jwks, "jwks is null");
    }

    @Override
    public RSAPublicKey getPublicKeyById(String keyId) {
        if (keyId == null || keyId.isEmpty()) {
            throw new TokenRejectedException(Reason.MISSING_KEY_ID, "The token header has no 'kid'.");
        }
        Jwk jwk;
        try {
            jwk = jwks.get(keyId);
        } catch (NetworkException e) {
            throw new KeysUnavailableException("jwks_unavailable", "Cannot fetch the JSON Web Key Set: " + e.getMessage(), keyId, e);
        } catch (RateLimitReachedException e) {
            throw new KeysUnavailableException("jwks_rate_limited",
                    "The JSON Web Key Set fetch rate limit is exhausted; next fetch possible in " + e.getAvailableIn() + " ms.", keyId, e);
        } catch (SigningKeyNotFoundException e) {
            if (e.getCause() != null) {
                // jwks-rsa reports an unparseable key entry as "not found" with the parse failure as cause.
                throw new KeysUnavailableException("jwks_invalid", "The JSON Web Key Set could not be read: " + e.getMessage(), keyId, e);
            }
            throw new TokenRejectedException(Reason.UNKNOWN_KEY_ID, "No key in the JSON Web Key Set has the token's 'kid'.", keyId, null, null);
        } catch (JwkException e) {
            throw new KeysUnavailableException("jwks_unavailable", "Cannot obtain a key from the JSON Web Key Set: " + e.getMessage(), keyId, e);
        }
        if (jwk.getUsage() != null && !jwk.getUsage().equals("sig")) {
            throw new TokenRejectedException(Reason.UNUSABLE_KEY, "The key the token names is not a signing key (use is not 'sig').", keyId, null, null);
        }
        if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().equals(TokenVerifier.ALGORITHM)) {
            throw new TokenRejectedException(Reason.UNUSABLE_KEY, "The key the token names is not an RS256 key.", keyId, null, null);
        }
        PublicKey key;
        try {
            key = jwk.getPublicKey();
        } catch (InvalidPublicKeyException e) {
            throw new TokenRejectedException(Reason.UNUSABLE_KEY, "The key the token names cannot verify RS256 signatures.", keyId, null, e);
        }
        if (!(key instanceof RSAPublicKey rsaKey)) {
            throw new TokenRejectedException(Reason.UNUSABLE_KEY, "The key the token names is not an RSA key.", keyId, null, null);
        }
        return rsaKey;
    }

    @Override
    public RSAPrivateKey getPrivateKey() {
        return null;
    }

    @Override
    public String getPrivateKeyId() {
        return null;
    }
}
