package dev.gatehouse.common;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One {@code execute-api:Invoke} statement of an authorizer policy: an effect over method-ARN patterns.
 * Patterns use IAM wildcards: {@code *} matches any run of characters (including {@code /}), {@code ?} one character.
 *
 * <p>Immutable and thread-safe.
 */
public record PolicyStatement(Effect effect, List<String> resources) {

    /** The only action an API Gateway authorizer policy grants or denies. */
    public static final String ACTION = "execute-api:Invoke";

    public PolicyStatement {
        requireNonNull(effect, "effect is null");
        resources = List.copyOf(requireNonNull(resources, "resources is null"));
        if (resources.isEmpty()) {
            throw new IllegalArgumentException("a statement needs at least one resource");
        }
        for (String resource : resources) {
            if (resource.isBlank()) {
                throw new IllegalArgumentException("a statement resource must not be blank");
            }
        }
    }

    public static PolicyStatement allow(String... resources) {
        return new PolicyStatement(Effect.ALLOW, List.of(resources));
    }

    public static PolicyStatement deny(String... resources) {
        return new PolicyStatement(Effect.DENY, List.of(resources));
    }

    /** Returns whether one of this statement's resources matches {@code methodArn}. */
    public boolean matches(String methodArn) {
        requireNonNull(methodArn, "methodArn is null");
        for (String resource : resources) {
            if (IamWildcard.matches(resource, methodArn)) {
                return true;
            }
        }
        return false;
    }
}
