package dev.gatehouse.common;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * The caller as established by the authorizer from a verified access token: the token's subject,
 * the scopes it grants, the OAuth2 client it was issued to and its issuer.
 *
 * <p>Immutable and thread-safe.
 *
 * @param subject the token's {@code sub}; never blank
 * @param scopes the scopes the token grants, without duplicates: the union of the claims the authorizer's
 * {@code SCOPE_CLAIMS} names ({@code scope} by default; {@code permissions}, {@code scp}), in that order and then in
 * token order
 * @param clientId the OAuth2 client the token was issued to ({@code azp} or {@code client_id}), when the token names
 * one
 * @param issuer the token's {@code iss}; never blank
 */
public record Principal(String subject, List<String> scopes, Optional<String> clientId, String issuer) {

    public Principal {
        requireNonNull(subject, "subject is null");
        requireNonNull(scopes, "scopes is null");
        requireNonNull(clientId, "clientId is null");
        requireNonNull(issuer, "issuer is null");
        if (subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be blank");
        }
        if (issuer.isBlank()) {
            throw new IllegalArgumentException("issuer must not be blank");
        }
        scopes = List.copyOf(new LinkedHashSet<>(scopes));
        for (String scope : scopes) {
            if (scope.isEmpty() || hasWhitespace(scope)) {
                throw new IllegalArgumentException(
                        "each scope must be a non-empty string without whitespace, got '" + scope + "'");
            }
        }
    }

    private static boolean hasWhitespace(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isWhitespace(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** Parses an OAuth2 {@code scope} value (space-delimited, RFC 6749 §3.3); {@code null} means no scopes. */
    public static List<String> parseScope(String scope) {
        if (scope == null || scope.isBlank()) {
            return List.of();
        }
        // A plain scan, not String.split's regex: this runs for every verified token.
        LinkedHashSet<String> scopes = new LinkedHashSet<>();
        int start = -1;
        for (int i = 0; i <= scope.length(); i++) {
            boolean separator = i == scope.length() || isScopeSeparator(scope.charAt(i));
            if (separator && start >= 0) {
                scopes.add(scope.substring(start, i));
                start = -1;
            } else if (!separator && start < 0) {
                start = i;
            }
        }
        return List.copyOf(scopes);
    }

    private static boolean isScopeSeparator(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** Returns whether the token granted {@code scope}. Scopes compare exactly (case-sensitive). */
    public boolean hasScope(String scope) {
        return scopes.contains(requireNonNull(scope, "scope is null"));
    }

    /** The scopes as one space-delimited {@code scope} string, as OAuth2 writes them. */
    public String scopeString() {
        return String.join(" ", scopes);
    }
}
