package dev.gatehouse.authorizer.exceptions;

import java.util.Locale;

/** Why a key-set fetch failed. {@link #code()} is what the decision log and the metrics carry. */
public enum KeySetFailure {
    /** Unreachable, refused, reset, not HTTP/1.1, or failed in a way nobody planned for. */
    UNAVAILABLE,
    /** The fetch did not finish within its one overall deadline. */
    TIMEOUT,
    /** The endpoint answered, but not {@code 200} (redirects included: they are not followed). */
    HTTP_STATUS,
    /** The body is larger than the configured cap. */
    TOO_LARGE,
    /** The body is not a JSON Web Key Set. */
    INVALID;

    private final String code = "jwks_" + name().toLowerCase(Locale.ROOT);

    /**
     * {@code jwks_unavailable}, {@code jwks_timeout}, {@code jwks_http_status}, {@code jwks_too_large} or
     * {@code jwks_invalid}.
     */
    public String code() {
        return code;
    }
}
