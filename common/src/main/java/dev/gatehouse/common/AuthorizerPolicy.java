package dev.gatehouse.common;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a custom authorizer answers API Gateway: the principal, the {@code execute-api:Invoke} statements and the
 * context passed on to services in {@code requestContext.authorizer}.
 *
 * <p>API Gateway caches this answer per token and evaluates it against every later method of the API, so
 * {@link #allows(String)} is the question that matters: an explicit Deny wins over any Allow, and anything not
 * allowed is denied. Context values must be strings, numbers or booleans (API Gateway rejects others with a 500).
 *
 * <p>Immutable and thread-safe.
 */
public record AuthorizerPolicy(String principalId, List<PolicyStatement> statements, Map<String, Object> context) {

    public AuthorizerPolicy {
        requireNonNull(principalId, "principalId is null");
        if (principalId.isBlank()) {
            throw new IllegalArgumentException("principalId must not be blank");
        }
        statements = List.copyOf(requireNonNull(statements, "statements is null"));
        if (statements.isEmpty()) {
            throw new IllegalArgumentException("a policy needs at least one statement");
        }
        requireNonNull(context, "context is null");
        Map<String, Object> copy = new LinkedHashMap<>();
        context.forEach((key, value) -> {
            requireNonNull(key, "context key is null");
            if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                throw new IllegalArgumentException("context value of '" + key
                        + "' must be a string, number or boolean (API Gateway rejects other types), got "
                        + (value == null ? "null" : value.getClass().getSimpleName()));
            }
            copy.put(key, value);
        });
        context = Collections.unmodifiableMap(copy);
    }

    /** A policy that allows {@code resource} (an ARN pattern) for {@code principalId} and passes {@code context} on. */
    public static AuthorizerPolicy allow(String principalId, String resource, Map<String, Object> context) {
        return new AuthorizerPolicy(principalId, List.of(PolicyStatement.allow(resource)), context);
    }

    /** A policy that denies {@code resource} (an ARN pattern) for {@code principalId}. */
    public static AuthorizerPolicy deny(String principalId, String resource) {
        return new AuthorizerPolicy(principalId, List.of(PolicyStatement.deny(resource)), Map.of());
    }

    /**
     * Evaluates this policy for {@code methodArn} as API Gateway does: denied if any Deny statement matches,
     * otherwise allowed if any Allow statement matches, otherwise denied.
     */
    public boolean allows(String methodArn) {
        boolean allowed = false;
        for (PolicyStatement statement : statements) {
            if (statement.matches(methodArn)) {
                if (statement.effect() == Effect.DENY) {
                    return false;
                }
                allowed = true;
            }
        }
        return allowed;
    }
}
