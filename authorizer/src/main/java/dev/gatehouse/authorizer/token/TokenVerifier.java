package dev.gatehouse.authorizer.token;

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
import com.auth0.jwt.interfaces.ECDSAKeyProvider;
import com.auth0.jwt.interfaces.RSAKeyProvider;
import com.auth0.jwt.interfaces.Verification;
import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import dev.gatehouse.authorizer.exceptions.KeysUnavailableException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException.Reason;
import dev.gatehouse.authorizer.keys.IssuerConfig;
import dev.gatehouse.authorizer.keys.JwksKeySource;
import dev.gatehouse.authorizer.keys.SigningKey;
import dev.gatehouse.common.Principal;
import java.security.Provider;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Verifies an access token against the configured issuers and returns the principal it establishes. Built once per
 * container; thread-safe.
 *
 * <p>Checks, in order, all before any key lookup: length; the syntax ({@link TokenSyntax}: three strictly base64url
 * segments, a header and a payload that are each exactly one JSON object without duplicate members, every parameter and
 * claim read here of its JSON type and free of control characters); a known issuer (so tokens of foreign issuers never
 * cause a key-set fetch); an algorithm that issuer accepts (never taken from the token alone); no {@code crit} header;
 * a {@code kid}; the optional {@code typ}; {@code exp} present; the optional lifetime and required claims; the scopes,
 * from the claims {@link ScopeClaims} names (the union; a configured claim of the wrong shape is refused). Then the key
 * for {@code kid} from the issuer's own key set (headers such as {@code jku}, {@code x5u}, {@code jwk}, {@code x5c} are
 * never used), which must fit the algorithm; then signature, {@code exp}, {@code nbf}, {@code iat}, audience (any of)
 * and {@code sub} through java-jwt.
 */
public final class TokenVerifier {

    /** Well above any real access token, well below API Gateway's header limit; checked before decoding. */
    static final int MAX_TOKEN_LENGTH = 8 * 1024;

    /** One trusted issuer: its key source and a java-jwt verifier per accepted algorithm. */
    private record Issuer(
            IssuerConfig config, JwksKeySource keys, Map<String, JWTVerifier> verifiers, ScopeClaims scopeClaims) {}

    private final Map<String, Issuer> issuers;
    private final TokenRules rules;

    /**
     * @param issuers the trusted issuers, at least one
     * @param keySources the key source of each configured issuer, by issuer
     */
    public TokenVerifier(
            List<IssuerConfig> issuers,
            TokenRules rules,
            Function<IssuerConfig, JwksKeySource> keySources,
            Clock clock) {
        this(issuers, rules, keySources, clock, Optional.empty());
    }

    /**
     * @param issuers the trusted issuers, at least one
     * @param keySources the key source of each configured issuer, by issuer
     * @param crypto the provider of RSA signature verification, or empty for the JDK's (see {@link CryptoProvider})
     */
    public TokenVerifier(
            List<IssuerConfig> issuers,
            TokenRules rules,
            Function<IssuerConfig, JwksKeySource> keySources,
            Clock clock,
            Optional<Provider> crypto) {
        this(issuers, rules, keySources, clock, VerificationProvider.fixed(crypto));
    }

    /**
     * @param issuers the trusted issuers, at least one
     * @param keySources the key source of each configured issuer, by issuer
     * @param crypto the provider of RSA signature verification, read per token (see {@link VerificationProvider})
     */
    public TokenVerifier(
            List<IssuerConfig> issuers,
            TokenRules rules,
            Function<IssuerConfig, JwksKeySource> keySources,
            Clock clock,
            VerificationProvider crypto) {
        requireNonNull(issuers, "issuers is null");
        this.rules = requireNonNull(rules, "rules is null");
        requireNonNull(keySources, "keySources is null");
        requireNonNull(clock, "clock is null");
        if (issuers.isEmpty()) {
            throw new IllegalArgumentException("issuers is empty");
        }
        Map<String, Issuer> byIssuer = new LinkedHashMap<>();
        for (IssuerConfig issuer : issuers) {
            JwksKeySource keys = requireNonNull(keySources.apply(issuer), "no key source for " + issuer.issuer());
            Map<String, JWTVerifier> verifiers = new HashMap<>();
            for (String algorithm : issuer.algorithms()) {
                Verification verification = JWT.require(algorithm(algorithm, keys, crypto))
                        .withIssuer(issuer.issuer())
                        .withAnyOfAudience(issuer.audiences().toArray(String[]::new))
                        .withClaimPresence("sub")
                        .acceptLeeway(rules.leeway().toSeconds());
                verifiers.put(algorithm, ((JWTVerifier.BaseVerification) verification).build(clock));
            }
            ScopeClaims scopeClaims = issuer.scopeClaims().isEmpty()
                    ? rules.scopeClaims()
                    : ScopeClaims.of(
                            issuer.scopeClaims(),
                            "'scopeClaims' of " + issuer.issuer() + " in " + IssuerConfig.ISSUERS);
            byIssuer.put(issuer.issuer(), new Issuer(issuer, keys, Map.copyOf(verifiers), scopeClaims));
        }
        this.issuers = Map.copyOf(byIssuer);
    }

    /**
     * @throws TokenRejectedException if the token is not acceptable (401)
     * @throws KeysUnavailableException if the signing keys cannot be obtained (500)
     */
    public VerifiedToken verify(String token) {
        requireNonNull(token, "token is null");
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new TokenRejectedException(
                    Reason.MALFORMED_TOKEN, "The token is longer than " + MAX_TOKEN_LENGTH + " characters.");
        }
        TokenSyntax.check(token);
        DecodedJWT jwt;
        try {
            jwt = JWT.decode(token);
        } catch (JWTDecodeException e) {
            throw new TokenRejectedException(
                    Reason.MALFORMED_TOKEN, "The token is not a well-formed JWT.", null, null, e);
        }
        // Both are strings or absent (TokenSyntax: java-jwt's getIssuer() would turn 42 into "42"), and free of control
        // characters, so safe to attach for the log line.
        String keyId = jwt.getHeaderClaim("kid").asString();
        String claimedIssuer = jwt.getIssuer();
        try {
            return verify(jwt);
        } catch (TokenRejectedException e) {
            throw e.withToken(keyId, claimedIssuer);
        } catch (JWTDecodeException e) {
            throw new TokenRejectedException(
                    Reason.MALFORMED_TOKEN, "The token is not a well-formed JWT.", keyId, claimedIssuer, e);
        }
    }

    private VerifiedToken verify(DecodedJWT jwt) {
        Issuer issuer = jwt.getIssuer() == null ? null : issuers.get(jwt.getIssuer());
        if (issuer == null) {
            throw new TokenRejectedException(Reason.WRONG_ISSUER, "The token's 'iss' is not a configured issuer.");
        }
        String algorithm = jwt.getHeaderClaim("alg").asString();
        JWTVerifier verifier = algorithm == null ? null : issuer.verifiers().get(algorithm);
        if (verifier == null) {
            throw new TokenRejectedException(
                    Reason.ALGORITHM_NOT_ALLOWED,
                    "The token's algorithm is not one its issuer is configured for "
                            + issuer.config().algorithms() + ".");
        }
        if (!jwt.getHeaderClaim("crit").isMissing()) {
            throw new TokenRejectedException(
                    Reason.UNSUPPORTED_HEADER,
                    "The token has a 'crit' header; no critical header extensions are supported.");
        }
        // asString(): null unless the kid is a JSON string (getKeyId() would turn 42 into "42").
        String keyId = jwt.getHeaderClaim("kid").asString();
        if (keyId == null || keyId.isEmpty()) {
            throw new TokenRejectedException(Reason.MISSING_KEY_ID, "The token header has no 'kid'.");
        }
        if (rules.requiredType().isPresent() && !rules.requiredType().get().equals(normalisedType(jwt.getType()))) {
            throw new TokenRejectedException(
                    Reason.WRONG_TYPE,
                    "The token's 'typ' header is not " + rules.requiredType().get() + ".");
        }
        // java-jwt replaces a withClaimPresence("exp") check with its own expiry check, which passes when exp is
        // absent.
        Instant expiresAt = jwt.getExpiresAtAsInstant();
        if (expiresAt == null) {
            throw new TokenRejectedException(
                    Reason.MISSING_CLAIM, "The token has no 'exp' claim; tokens without expiry are not accepted.");
        }
        if (rules.maxLifetime().isPresent()) {
            Instant issuedAt = jwt.getIssuedAtAsInstant();
            if (issuedAt == null) {
                throw new TokenRejectedException(
                        Reason.MISSING_CLAIM, "The token has no 'iat' claim, required to check its lifetime.");
            }
            if (Duration.between(issuedAt, expiresAt)
                            .compareTo(rules.maxLifetime().get())
                    > 0) {
                throw new TokenRejectedException(
                        Reason.LIFETIME_TOO_LONG,
                        "The token's lifetime (exp - iat) exceeds "
                                + rules.maxLifetime().get().toSeconds() + " s.");
            }
        }
        for (String claim : rules.requiredClaims()) {
            Claim value = jwt.getClaim(claim);
            if (value.isMissing() || value.isNull()) {
                throw new TokenRejectedException(Reason.MISSING_CLAIM, "The token has no '" + claim + "' claim.");
            }
        }
        // Read before the key lookup, like every other check on the token's content (ScopeClaims: a configured claim of
        // the wrong shape is a 401).
        List<String> scopes = issuer.scopeClaims().read(jwt);
        JwksKeySource.KeyLookup lookup = issuer.keys().find(keyId);
        if (!lookup.key().fits(algorithm)) {
            throw new TokenRejectedException(
                    Reason.UNUSABLE_KEY, "The key the token names cannot verify " + algorithm + " signatures.");
        }
        try {
            verifier.verify(jwt);
        } catch (AlgorithmMismatchException e) {
            throw new TokenRejectedException(
                    Reason.ALGORITHM_NOT_ALLOWED, "The token's algorithm is not allowed.", null, null, e);
        } catch (SignatureVerificationException e) {
            throw new TokenRejectedException(
                    Reason.INVALID_SIGNATURE, "The token's signature does not verify.", null, null, e);
        } catch (TokenExpiredException e) {
            throw new TokenRejectedException(
                    Reason.TOKEN_EXPIRED, "The token expired at " + e.getExpiredOn() + ".", null, null, e);
        } catch (MissingClaimException e) {
            throw new TokenRejectedException(
                    Reason.MISSING_CLAIM, "The token has no '" + e.getClaimName() + "' claim.", null, null, e);
        } catch (IncorrectClaimException e) {
            throw incorrectClaim(e);
        } catch (JWTDecodeException e) {
            throw new TokenRejectedException(
                    Reason.MALFORMED_TOKEN, "The token is not a well-formed JWT.", null, null, e);
        } catch (JWTVerificationException e) {
            throw new TokenRejectedException(Reason.INVALID_CLAIM, "The token failed verification.", null, null, e);
        }
        return new VerifiedToken(principal(jwt, scopes), keyId, lookup.source(), lookup.keyAge());
    }

    private static String normalisedType(String type) {
        if (type == null) {
            return null;
        }
        String lower = type.toLowerCase(Locale.ROOT);
        return lower.startsWith("application/") ? lower.substring("application/".length()) : lower;
    }

    private static Algorithm algorithm(String name, JwksKeySource keys, VerificationProvider crypto) {
        RSAKeyProvider rsa = new RSAKeyProvider() {
            @Override
            public RSAPublicKey getPublicKeyById(String keyId) {
                return keyOf(keys, keyId, name, RSAPublicKey.class);
            }

            @Override
            public RSAPrivateKey getPrivateKey() {
                return null;
            }

            @Override
            public String getPrivateKeyId() {
                return null;
            }
        };
        ECDSAKeyProvider ec = new ECDSAKeyProvider() {
            @Override
            public ECPublicKey getPublicKeyById(String keyId) {
                return keyOf(keys, keyId, name, ECPublicKey.class);
            }

            @Override
            public ECPrivateKey getPrivateKey() {
                return null;
            }

            @Override
            public String getPrivateKeyId() {
                return null;
            }
        };
        Optional<Algorithm> rsaVerification = RsaVerification.of(name, rsa, crypto);
        if (rsaVerification.isPresent()) {
            return rsaVerification.get();
        }
        return switch (name) {
            case "ES256" -> Algorithm.ECDSA256(ec);
            case "ES384" -> Algorithm.ECDSA384(ec);
            case "ES512" -> Algorithm.ECDSA512(ec);
            default -> throw new ConfigurationException("Unsupported algorithm " + name);
        };
    }

    /**
     * The key java-jwt asks for while verifying. It was looked up (fetching if needed, and checked to fit) just before,
     * so this reads the cache only; our exceptions are not IllegalArgument/IllegalState, so java-jwt lets them through
     * unchanged.
     */
    private static <K extends PublicKey> K keyOf(JwksKeySource keys, String keyId, String algorithm, Class<K> type) {
        SigningKey signingKey = keys.cached(keyId);
        PublicKey key = signingKey.key();
        // Checked again here: a refresh may have replaced the key set since the lookup that checked the key.
        if (!type.isInstance(key) || !signingKey.fits(algorithm)) {
            throw new TokenRejectedException(
                    Reason.UNUSABLE_KEY,
                    "The key the token names is not of the type its algorithm needs.",
                    keyId,
                    null,
                    null);
        }
        return type.cast(key);
    }

    private static TokenRejectedException incorrectClaim(IncorrectClaimException e) {
        String claim = String.valueOf(e.getClaimName());
        return switch (claim) {
            case "aud" ->
                new TokenRejectedException(
                        Reason.WRONG_AUDIENCE,
                        "The token's 'aud' holds none of the configured audiences.",
                        null,
                        null,
                        e);
            case "iss" ->
                new TokenRejectedException(
                        Reason.WRONG_ISSUER, "The token's 'iss' is not the configured issuer.", null, null, e);
            case "nbf" ->
                new TokenRejectedException(
                        Reason.TOKEN_NOT_YET_VALID, "The token is not valid yet ('nbf').", null, null, e);
            case "iat" ->
                new TokenRejectedException(
                        Reason.ISSUED_IN_FUTURE, "The token's 'iat' lies in the future.", null, null, e);
            default ->
                new TokenRejectedException(
                        Reason.INVALID_CLAIM, "The token's '" + claim + "' claim is invalid.", null, null, e);
        };
    }

    private static Principal principal(DecodedJWT jwt, List<String> scopes) {
        // stringClaim: getSubject() would turn a numeric sub into a string.
        String subject = stringClaim(jwt, "sub");
        if (subject == null || subject.isBlank()) {
            throw new TokenRejectedException(Reason.MISSING_CLAIM, "The token has no usable 'sub' claim.");
        }
        // Both were type-checked by TokenSyntax whichever is present; azp (OIDC) wins over client_id (RFC 9068).
        String clientId = Optional.ofNullable(stringClaim(jwt, "azp")).orElseGet(() -> stringClaim(jwt, "client_id"));
        try {
            return new Principal(
                    subject, scopes, Optional.ofNullable(clientId).filter(id -> !id.isBlank()), jwt.getIssuer());
        } catch (IllegalArgumentException e) {
            throw new TokenRejectedException(
                    Reason.INVALID_CLAIM,
                    "The token's claims do not form a valid principal: " + e.getMessage(),
                    null,
                    null,
                    e);
        }
    }

    /**
     * A claim that must be a string when present; any other JSON type is rejected rather than silently ignored (already
     * refused by {@link TokenSyntax} for the claims it knows; kept so a claim read here is never coerced).
     */
    private static String stringClaim(DecodedJWT jwt, String name) {
        Claim claim = jwt.getClaim(name);
        if (claim.isMissing() || claim.isNull()) {
            return null;
        }
        String value = claim.asString();
        if (value == null) {
            throw new TokenRejectedException(
                    Reason.INVALID_CLAIM, "The token's '" + name + "' claim must be a string.");
        }
        return value;
    }
}
