package dev.gatehouse.authorizer.exceptions;

/**
 * Why the authorizer did not allow a request. Every failure is one of these, caught in exactly one place
 * (the authorizer's {@code Authorizer.decide}) and mapped to one outcome: {@link TokenRejectedException} becomes API
 * Gateway's 401, everything else a 500. Messages never contain the token.
 */
public abstract sealed class AuthorizerException extends RuntimeException
        permits TokenRejectedException, KeysUnavailableException, InvalidEventException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    AuthorizerException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** A short, stable, snake_case code for logs and metrics, e.g. {@code token_expired}. */
    public String reason() {
        return reason;
    }
}
