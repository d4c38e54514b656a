package dev.gatehouse.common;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The contract between the authorizer and the services behind it: the keys the authorizer writes into its
 * policy's {@code context}, and the one call a service makes to read the verified caller back from
 * {@code requestContext.authorizer} of its proxy event.
 *
 * <p>API Gateway hands every context value to services as a string, and adds {@code principalId}.
 */
public final class AuthorizerContext {

    /**
     * The token's scopes, space-delimited as in OAuth2 (empty when the token grants none), whichever claims carried
     * them ({@code scope}, Auth0's {@code permissions}, {@code scp}: the authorizer's {@code SCOPE_CLAIMS}); read it
     * with {@link #principalOf} or {@link Principal#parseScope}.
     */
    public static final String SCOPE = "scope";
    /** The OAuth2 client the token was issued to; absent when the token names none. */
    public static final String CLIENT_ID = "clientId";
    /** The token's issuer. */
    public static final String ISSUER = "issuer";
    /** Added by API Gateway from the authorizer's {@code principalId}: the token's subject. */
    public static final String PRINCIPAL_ID = "principalId";

    private AuthorizerContext() {}

    /**
     * The context the authorizer returns for {@code principal}: string values only, so every service reads the same.
     */
    public static Map<String, Object> of(Principal principal) {
        requireNonNull(principal, "principal is null");
        Map<String, Object> context = new LinkedHashMap<>();
        context.put(SCOPE, principal.scopeString());
        principal.clientId().ifPresent(clientId -> context.put(CLIENT_ID, clientId));
        context.put(ISSUER, principal.issuer());
        return context;
    }

    /**
     * Reads the verified caller from a proxy event's {@code requestContext.authorizer}.
     *
     * @return the principal, or empty when the event carries no authorizer context with a {@code principalId}
     *     (the function was invoked without the authorizer in front of it)
     */
    public static Optional<Principal> principalOf(APIGatewayProxyRequestEvent event) {
        if (event == null || event.getRequestContext() == null) {
            return Optional.empty();
        }
        return principalOf(event.getRequestContext().getAuthorizer());
    }

    /** Reads the verified caller from an authorizer context map, as API Gateway delivers it to services. */
    public static Optional<Principal> principalOf(Map<String, ?> authorizer) {
        if (authorizer == null) {
            return Optional.empty();
        }
        String subject = string(authorizer.get(PRINCIPAL_ID));
        String issuer = string(authorizer.get(ISSUER));
        if (subject == null || subject.isBlank() || issuer == null || issuer.isBlank()) {
            return Optional.empty();
        }
        String clientId = string(authorizer.get(CLIENT_ID));
        return Optional.of(new Principal(
                subject,
                Principal.parseScope(string(authorizer.get(SCOPE))),
                Optional.ofNullable(clientId).filter(id -> !id.isBlank()),
                issuer));
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }
}
