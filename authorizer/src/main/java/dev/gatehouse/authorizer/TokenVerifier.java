package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.RSAKeyProvider;
import com.auth0.jwt.interfaces.Verification;
import dev.gatehouse.authorizer.TokenRejectedException.Reason;
import dev.gatehouse.common.Principal;
import java.time.Clock;
import java.util.Optional;

/**
 * Verifies an RS256 access token and returns the principal it establishes. Built once per container; thread-safe.
 *
 * <p>Checks, in order: length, structure, algorithm (RS256 only, never taken from the token), presence of a
 * {@code kid}, the exact issuer (before any key lookup, so tokens of foreign issuers never cause a key-set fetch),
 * then signature, {@code exp} (required), {@code nbf}, {@code iat}, audience (any of the configured ones) and
 * {@code sub} (required) through java-jwt.
 */
final class TokenVerifier {

    static final String ALGORITHM = "RS256";
    /** Well above any real access token, well below API Gateway's header limit; checked before decoding. */
    static final int MAX_TOKEN_LENGTH = 8 * 1024;

    private final String issuer;
    private final JWTVerifier verifier;

    TokenVerifier(AuthorizerConfig config, RSAKeyProvider keys, Clock clock) {
        requireNonNull(config, "config is null");
        requireNonNull(keys, "keys is null");
        requireNonNull(clock, "clock is null");
        this.issuer = config.issuer();
        Verification verification = JWT.require(Algorithm.RSA256(keys))
                .withIssuer(config.issuer())
                .withAnyOfAudience(config.audiences().toArray(String[]::new))
                .withClaimPresence("sub")
                .acceptLeeway(config.leeway().toSeconds());
        this.verifier = ((JWTVerifier.BaseVerification) verification).build(clock);
    }

    /**
     * @throws TokenRejectedException if the token is not acceptable (401)
     * @throws KeysUnavailableException if the signing keys cannot be obtained (500)
     */
    VerifiedToken verify(String token) {
        requireNonNull(token, "token is null");
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new TokenRejectedException(Reason.MALFORMED_TOKEN, "The token is longer than " + MAX_TOKEN_LENGTH + " characters.");
        }
        DecodedJWT jwt;
        try {
            jwt = JWT.decode(token);
        } catch (JWTDecodeException e) {
            throw new TokenRejectedException(Reason.MALFORMED_TOKEN, "The token is not a well-formed JWT.", null, null, e);
        }
        String keyId = jwt.getKeyId();
        String claimedIssuer = jwt.getIssuer();
        try {
            return new VerifiedToken(verify(jwt), keyId);
        } catch (TokenRejectedException e) {
            throw e.withToken(keyId, claimedIssuer);
        }
    }

    private Principal verify(DecodedJWT jwt) {
        if (!ALGORITHM.equals(jwt.getAlgorithm())) {
            throw new TokenRejectedException(Reason.ALGORITHM_NOT_ALLOWED, "The token's algorithm is not " + ALGORITHM + ".");
        }
        if (jwt.getKeyId() == null || jwt.getKeyId().isEmpty()) {
            throw new TokenRejectedException(Reason.MISSING_KEY_ID, "The token header has no 'kid'.");
        }
        if (!issuer.equals(jwt.getIssuer())) {
            throw new TokenRejectedException(Reason.WRONG_ISSUER, "The token's 'iss' is not the configured issuer.");
        }
        // java-jwt replaces a withClaimPresence("exp") check with its own expiry check, which passes when exp is absent.
        if (jwt.getClaim("exp").isMissing() || jwt.getClaim("exp").isNull()) {
            throw new TokenRejectedException(Reason.MISSING_CLAIM, "The token has no 'exp' claim; tokens without expiry are not accepted.");
        }
        try {
            verifier.verify(jwt);
        } catch (AlgorithmMismatchException e) {
            throw new TokenRejectedException(Reason.ALGORITHM_NOT_ALLOWED, "The token's algorithm is not " + ALGORITHM + ".", null, null, e);
        } catch (SignatureVerificationException e) {
            throw new TokenRejectedException(Reason.INVALID_SIGNATURE, "The token's signature does not verify.", null, null, e);
        } catch (TokenExpiredException e) {
            throw new TokenRejectedException(Reason.TOKEN_EXPIRED, "The token expired at " + e.getExpiredOn() + ".", null, null, e);
        } catch (MissingClaimException e) {
            throw new TokenRejectedException(Reason.MISSING_CLAIM, "The token has no '" + e.getClaimName() + "' claim.", null, null, e);
        } catch (IncorrectClaimException e) {
            throw incorrectClaim(e);
        } catch (JWTDecodeException e) {
            throw new TokenRejectedException(Reason.MALFORMED_TOKEN, "The token is not a well-formed JWT.", null, null, e);
        } catch (JWTVerificationException e) {
            throw new TokenRejectedException(Reason.INVALID_CLAIM, "The token failed verification.", null, null, e);
        }
        return principal(jwt);
    }

    private static TokenRejectedException incorrectClaim(IncorrectClaimException e) {
        String claim = String.valueOf(e.getClaimName());
        return switch (claim) {
            case "aud" -> new TokenRejectedException(Reason.WRONG_AUDIENCE, "The token's 'aud' holds none of the configured audiences.", null, null, e);
            case "iss" -> new TokenRejectedException(Reason.WRONG_ISSUER, "The token's 'iss' is not the configured issuer.", null, null, e);
            case "nbf" -> new TokenRejectedException(Reason.TOKEN_NOT_YET_VALID, "The token is not valid yet ('nbf').", null, null, e);
            case "iat" -> new TokenRejectedException(Reason.ISSUED_IN_FUTURE, "The token's 'iat' lies in the future.", null, null, e);
            default -> new TokenRejectedException(Reason.INVALID_CLAIM, "The token's '" + claim + "' claim is invalid.", null, null, e);
        };
    }

    private static Principal principal(DecodedJWT jwt) {
        String subject = jwt.getSubject();
        if (subject == null || subject.isBlank()) {
            throw new TokenRejectedException(Reason.MISSING_CLAIM, "The token has no usable 'sub' claim.");
        }
        String scope = stringClaim(jwt, "scope");
        String clientId = Optional.ofNullable(stringClaim(jwt, "azp")).orElseGet(() -> stringClaim(jwt, "client_id"));
        try {
            return new Principal(subject, Principal.parseScope(scope), Optional.ofNullable(clientId).filter(id -> !id.isBlank()), jwt.getIssuer());
        } catch (IllegalArgumentException e) {
            throw new TokenRejectedException(Reason.INVALID_CLAIM, "The token's claims do not form a valid principal: " + e.getMessage(), null, null, e);
        }
    }

    /** A claim that must be a string when present; any other JSON type is rejected rather than silently ignored. */
    private static String stringClaim(DecodedJWT jwt, String name) {
        Claim claim = jwt.getClaim(name);
        if (claim.isMissing() || claim.isNull()) {
            return null;
        }
        String value = claim.asString();
        if (value == null) {
            throw new TokenRejectedException(Reason.INVALID_CLAIM, "The token's '" + name + "' claim must be a string.");
        }
        return value;
    }
}
