package dev.gatehouse.authorizer;

/** A key-set fetch failed: unreachable, timed out, not 200, too large or not a JSON Web Key Set. Internal to the key source. */
final class KeySetFetchException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    KeySetFetchException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** {@code jwks_unavailable}, {@code jwks_timeout}, {@code jwks_http_status}, {@code jwks_too_large} or {@code jwks_invalid}. */
    String reason() {
        return reason;
    }
}
