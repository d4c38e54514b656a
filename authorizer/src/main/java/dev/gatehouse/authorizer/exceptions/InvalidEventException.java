package dev.gatehouse.authorizer.exceptions;

/**
 * The authorizer event itself is unusable (no event, no or a malformed {@code methodArn}, an unsupported
 * {@code type}): a deployment problem, not the caller's. API Gateway answers 500.
 */
public final class InvalidEventException extends AuthorizerException {

    private static final long serialVersionUID = 1L;

    public InvalidEventException(String message, Throwable cause) {
        super("invalid_event", message, cause);
    }
}
