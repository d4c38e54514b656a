package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import dev.gatehouse.authorizer.exceptions.AuthorizerException;
import dev.gatehouse.common.MethodArn;

/**
 * One authorizer event as the core needs it, whatever its shape: the ARN the decision is about and the
 * {@code Authorization} value, or why the event could not be read. An event reader builds it once; nothing in it
 * changes afterwards or depends on the order it is read in.
 */
final class AuthorizationRequest {

    private final String resource;
    private final MethodArn arn;
    private final String authorization;
    private final AuthorizerException unreadable;

    private AuthorizationRequest(String resource, MethodArn arn, String authorization, AuthorizerException unreadable) {
        this.resource = resource;
        this.arn = arn;
        this.authorization = authorization;
        this.unreadable = unreadable;
    }

    /**
     * A readable event.
     *
     * @param resource the event's ARN as sent, for the log
     * @param arn that ARN, parsed
     * @param authorization the {@code Authorization} value; null when the request has none (a 401, not an error)
     */
    static AuthorizationRequest of(String resource, MethodArn arn, String authorization) {
        return new AuthorizationRequest(resource, requireNonNull(arn, "arn is null"), authorization, null);
    }

    /**
     * An event the reader could not use: a deployment problem (500) or a request that holds no single token (401),
     * as {@code why} says.
     *
     * @param resource the event's ARN as sent, for the log; may be null
     */
    static AuthorizationRequest unreadable(String resource, AuthorizerException why) {
        return new AuthorizationRequest(resource, null, null, requireNonNull(why, "why is null"));
    }

    /** The ARN as sent, for the log; may be null for an unreadable event. */
    String resource() {
        return resource;
    }

    /** The parsed ARN of a readable event. */
    MethodArn arn() {
        return arn;
    }

    /** The {@code Authorization} value of a readable event; may be null. */
    String authorization() {
        return authorization;
    }

    /** Why the event could not be read; null for a readable event. */
    AuthorizerException unreadable() {
        return unreadable;
    }
}
