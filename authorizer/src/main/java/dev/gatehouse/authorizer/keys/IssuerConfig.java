package dev.gatehouse.authorizer.keys;

import static java.util.Objects.requireNonNull;

import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One trusted token issuer: the exact {@code iss} its tokens carry, where it publishes its keys, which audiences and
 * which signature algorithms are accepted from it. Immutable and thread-safe.
 *
 * @param issuer the exact {@code iss} (Auth0: {@code https://YOUR_TENANT.auth0.com/}, trailing slash included)
 * @param jwksUri the full URL of the issuer's JSON Web Key Set; https, or http for a loopback host
 * @param audiences the accepted audiences; a token must carry at least one of them in {@code aud}
 * @param algorithms the accepted {@code alg} values, never taken from the token; a subset of
 * {@link #SUPPORTED_ALGORITHMS}
 * @param scopeClaims the claims that grant scopes in this issuer's tokens ({@code scopeClaims} in {@code ISSUERS},
 *     checked by {@code AuthorizerConfig} against the names {@code token/ScopeClaims} knows); empty for the
 *     {@code SCOPE_CLAIMS} setting
 */
public record IssuerConfig(
        String issuer, URI jwksUri, List<String> audiences, List<String> algorithms, List<String> scopeClaims) {

    /** The environment variables that configure this record (read by {@code AuthorizerConfig.fromEnv}). */
    public static final String TOKEN_ISSUER = "TOKEN_ISSUER";

    public static final String JWKS_URI = "JWKS_URI";
    public static final String AUDIENCE = "AUDIENCE";
    public static final String TOKEN_ALGORITHMS = "TOKEN_ALGORITHMS";
    public static final String ISSUERS = "ISSUERS";

    /**
     * The algorithms the authorizer verifies: RS* and ES* through java-jwt (RS* with the token package's
     * {@code RsaVerification}), PS* (RSASSA-PSS, RFC 7518 §3.5, which java-jwt lacks) through {@code RsaVerification}
     * with the JCA's RSASSA-PSS.
     */
    public static final Set<String> SUPPORTED_ALGORITHMS =
            Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

    public static final List<String> DEFAULT_ALGORITHMS = List.of("RS256");

    /** An issuer whose scopes come from the claims {@code SCOPE_CLAIMS} names. */
    public IssuerConfig(String issuer, URI jwksUri, List<String> audiences, List<String> algorithms) {
        this(issuer, jwksUri, audiences, algorithms, List.of());
    }

    public IssuerConfig {
        requireNonNull(issuer, "issuer is null");
        scopeClaims = List.copyOf(requireNonNull(scopeClaims, "scopeClaims is null"));
        requireNonNull(jwksUri, "jwksUri is null");
        requireNonNull(audiences, "audiences is null");
        requireNonNull(algorithms, "algorithms is null");
        if (issuer.isBlank() || !issuer.equals(issuer.strip())) {
            throw new ConfigurationException(TOKEN_ISSUER + " (or 'issuer' in " + ISSUERS
                    + ") must be the exact, non-blank issuer of your tokens, e.g. https://YOUR_TENANT.auth0.com/");
        }
        checkJwksUri(jwksUri);
        audiences = List.copyOf(audiences);
        if (audiences.isEmpty() || audiences.stream().anyMatch(a -> a.isBlank() || !a.equals(a.strip()))) {
            throw new ConfigurationException(AUDIENCE + " (or 'audiences' in " + ISSUERS + ") of issuer " + issuer
                    + " must name at least one audience (your API identifier); separate several with commas");
        }
        algorithms = List.copyOf(algorithms);
        if (algorithms.isEmpty()) {
            throw new ConfigurationException(TOKEN_ALGORITHMS + " (or 'algorithms' in " + ISSUERS + ") of issuer "
                    + issuer + " must not be empty");
        }
        for (String algorithm : algorithms) {
            if (!SUPPORTED_ALGORITHMS.contains(algorithm)) {
                throw new ConfigurationException(TOKEN_ALGORITHMS + " (or 'algorithms' in " + ISSUERS + ") of issuer "
                        + issuer + " must be among "
                        + SUPPORTED_ALGORITHMS.stream().sorted().toList() + ", got '" + algorithm + "'");
            }
        }
    }

    /** An issuer accepting RS256 only. */
    public static IssuerConfig of(String issuer, URI jwksUri, List<String> audiences) {
        return new IssuerConfig(issuer, jwksUri, audiences, DEFAULT_ALGORITHMS);
    }

    private static void checkJwksUri(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute()
                || uri.getHost() == null
                || uri.getRawPath() == null
                || uri.getRawPath().isEmpty()) {
            throw new ConfigurationException(JWKS_URI
                    + " must be the full URL of the key set, e.g. "
                    + "https://YOUR_TENANT.auth0.com/.well-known/jwks.json, got '"
                    + uri + "'");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new ConfigurationException(JWKS_URI + " must not contain user info or a fragment, got '" + uri + "'");
        }
        if (scheme.equals("https")) {
            return;
        }
        if (scheme.equals("http") && isLoopback(uri.getHost())) {
            return;
        }
        throw new ConfigurationException(JWKS_URI
                + " must use https (plain http only for a loopback host such as 127.0.0.1), got '" + uri + "'");
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        // Only IP literals: resolving a name here would be a network call at initialisation.
        if (!literal.matches("[0-9.]+") && !literal.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
