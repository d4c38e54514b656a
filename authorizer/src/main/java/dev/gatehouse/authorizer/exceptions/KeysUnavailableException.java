package dev.gatehouse.authorizer.exceptions;

/**
 * The authorizer could not obtain the issuer's signing keys (key set unreachable, unreadable or refused by the
 * size cap, past its time budget) and has no usable cached key for the token: it cannot decide, so it must not answer
 * {@code Unauthorized} (the caller did nothing wrong) and must never allow. API Gateway answers 500.
 */
public final class KeysUnavailableException extends AuthorizerException {

    private static final long serialVersionUID = 1L;

    private final KeySetFailure failure;
    private final String keyId;

    public KeysUnavailableException(KeySetFailure failure, String message, String keyId, Throwable cause) {
        super(failure.code(), message, cause);
        this.failure = failure;
        this.keyId = keyId;
    }

    /** Why the last fetch of the key set failed. */
    public KeySetFailure failure() {
        return failure;
    }

    /** The {@code kid} the authorizer was looking for. */
    public String keyId() {
        return keyId;
    }
}
