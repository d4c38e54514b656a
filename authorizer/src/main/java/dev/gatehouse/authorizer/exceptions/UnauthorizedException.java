package dev.gatehouse.authorizer.exceptions;

/**
 * What the handler throws to make API Gateway answer 401: its message is exactly {@code Unauthorized}, the one
 * error text API Gateway maps to 401 (any other text becomes a 500). It carries no stack trace and no detail;
 * the reason is in the decision log line.
 */
public final class UnauthorizedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The error message API Gateway maps to 401. */
    public static final String MESSAGE = "Unauthorized";

    public UnauthorizedException() {
        super(MESSAGE, null, false, false);
    }
}
