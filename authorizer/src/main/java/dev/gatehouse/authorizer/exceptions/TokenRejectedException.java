package dev.gatehouse.authorizer.exceptions;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * The caller's token is missing or not acceptable: API Gateway must answer 401. Carries the reason and, where the
 * token could be decoded, the {@code kid} and {@code iss} it claims (unverified, for logs only).
 */
public final class TokenRejectedException extends AuthorizerException {

    private static final long serialVersionUID = 1L;

    /** Why a token was rejected. */
    public enum Reason {
        MISSING_TOKEN,
        MALFORMED_AUTHORIZATION,
        MALFORMED_TOKEN,
        ALGORITHM_NOT_ALLOWED,
        MISSING_KEY_ID,
        UNKNOWN_KEY_ID,
        UNUSABLE_KEY,
        INVALID_SIGNATURE,
        TOKEN_EXPIRED,
        TOKEN_NOT_YET_VALID,
        ISSUED_IN_FUTURE,
        WRONG_ISSUER,
        WRONG_TYPE,
        UNSUPPORTED_HEADER,
        LIFETIME_TOO_LONG,
        WRONG_AUDIENCE,
        MISSING_CLAIM,
        /** A header parameter or claim the authorizer reads has the wrong JSON type, or another invalid value. */
        INVALID_CLAIM,
        /**
         * A header parameter or claim the authorizer reads (and may put into the principal, the context or a log line)
         * holds a C0/C1 control character or U+2028/U+2029.
         */
        CONTROL_CHARACTER;

        /** The snake_case code used in logs. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason rejection;
    private final String keyId;
    private final String claimedIssuer;

    public TokenRejectedException(Reason reason, String message) {
        this(reason, message, null, null, null);
    }

    public TokenRejectedException(Reason reason, String message, String keyId, String claimedIssuer, Throwable cause) {
        super(requireNonNull(reason, "reason is null").code(), message, cause);
        this.rejection = reason;
        this.keyId = keyId;
        this.claimedIssuer = claimedIssuer;
    }

    /** The same rejection, annotated with what the token claims about itself. */
    public TokenRejectedException withToken(String keyId, String claimedIssuer) {
        return new TokenRejectedException(rejection, getMessage(), keyId, claimedIssuer, getCause());
    }

    public Reason rejection() {
        return rejection;
    }

    /** The token's {@code kid}, unverified; may be {@code null}. */
    public String keyId() {
        return keyId;
    }

    /** The token's {@code iss}, unverified; may be {@code null}. */
    public String claimedIssuer() {
        return claimedIssuer;
    }
}
