package dev.gatehouse.authorizer;

/**
 * The authorizer could not obtain the issuer's signing keys (key set unreachable, unreadable or refused by the
 * size cap, past its time budget) and has no usable cached key for the token: it cannot decide, so it must not answer {@code Unauthorized}
 * (the caller did nothing wrong) and must never allow. API Gateway answers 500.
 */
public final class KeysUnavailableException extends AuthorizerException {

    private static final long serialVersionUID = 1L;

    private final String keyId;

    KeysUnavailableException(String reason, String message, String keyId, Throwable cause) {
        super(reason, message, cause);
        this.keyId = keyId;
    }

    /** The {@code kid} the authorizer was looking for. */
    public String keyId() {
        return keyId;
    }
}
