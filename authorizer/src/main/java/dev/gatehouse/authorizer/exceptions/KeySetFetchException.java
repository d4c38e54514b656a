package dev.gatehouse.authorizer.exceptions;

import static java.util.Objects.requireNonNull;

/**
 * A key-set fetch failed: unreachable, timed out, not 200, too large or not a JSON Web Key Set. It never leaves the
 * key source, which turns it into a {@link KeysUnavailableException} when no cached key can answer instead.
 */
public final class KeySetFetchException extends Exception {

    private static final long serialVersionUID = 1L;

    private final KeySetFailure failure;

    public KeySetFetchException(KeySetFailure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = requireNonNull(failure, "failure is null");
    }

    public KeySetFailure failure() {
        return failure;
    }
}
