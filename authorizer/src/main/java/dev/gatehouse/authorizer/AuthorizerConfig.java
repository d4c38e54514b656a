package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the authorizer verifies tokens: which issuer it trusts, where that issuer publishes its keys, which
 * audiences it accepts, how much clock skew it tolerates and how long it may wait for the key set.
 *
 * <p>Immutable and thread-safe. Build it once per container with {@link #fromEnv(Map)}.
 *
 * @param issuer the exact {@code iss} tokens must carry (Auth0: {@code https://YOUR_TENANT.auth0.com/}, trailing slash included)
 * @param jwksUri the full URL of the issuer's JSON Web Key Set; https, or http for a loopback host
 * @param audiences the accepted audiences; a token must carry at least one of them in {@code aud}
 * @param leeway clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}
 * @param jwksConnectTimeout connect timeout for fetching the key set
 * @param jwksReadTimeout read timeout for fetching the key set
 */
public record AuthorizerConfig(
        String issuer, URI jwksUri, List<String> audiences, Duration leeway, Duration jwksConnectTimeout, Duration jwksReadTimeout) {

    public static final String TOKEN_ISSUER = "TOKEN_ISSUER";
    public static final String JWKS_URI = "JWKS_URI";
    public static final String AUDIENCE = "AUDIENCE";
    public static final String TOKEN_LEEWAY_SECONDS = "TOKEN_LEEWAY_SECONDS";
    public static final String JWKS_CONNECT_TIMEOUT_MILLIS = "JWKS_CONNECT_TIMEOUT_MILLIS";
    public static final String JWKS_READ_TIMEOUT_MILLIS = "JWKS_READ_TIMEOUT_MILLIS";

    public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);
    public static final Duration MAX_LEEWAY = Duration.ofMinutes(5);
    /** API Gateway's own JWT authorizer gives a key-set fetch 1.5 s; ours stays well inside the authorizer's deadline. */
    public static final Duration DEFAULT_JWKS_CONNECT_TIMEOUT = Duration.ofMillis(1000);
    public static final Duration DEFAULT_JWKS_READ_TIMEOUT = Duration.ofMillis(1500);
    public static final Duration MAX_JWKS_TIMEOUT = Duration.ofSeconds(5);

    public AuthorizerConfig {
        requireNonNull(issuer, "issuer is null");
        requireNonNull(jwksUri, "jwksUri is null");
        requireNonNull(audiences, "audiences is null");
        requireNonNull(leeway, "leeway is null");
        requireNonNull(jwksConnectTimeout, "jwksConnectTimeout is null");
        requireNonNull(jwksReadTimeout, "jwksReadTimeout is null");
        if (issuer.isBlank() || !issuer.equals(issuer.strip())) {
            throw new ConfigurationException(TOKEN_ISSUER + " must be the exact, non-blank issuer of your tokens, e.g. https://YOUR_TENANT.auth0.com/");
        }
        checkJwksUri(jwksUri);
        audiences = List.copyOf(audiences);
        if (audiences.isEmpty() || audiences.stream().anyMatch(a -> a.isBlank() || !a.equals(a.strip()))) {
            throw new ConfigurationException(AUDIENCE + " must name at least one audience (your API identifier); separate several with commas");
        }
        if (leeway.isNegative() || leeway.compareTo(MAX_LEEWAY) > 0) {
            throw new ConfigurationException(TOKEN_LEEWAY_SECONDS + " must be between 0 and " + MAX_LEEWAY.toSeconds() + " seconds, got " + leeway.toSeconds());
        }
        checkTimeout(jwksConnectTimeout, JWKS_CONNECT_TIMEOUT_MILLIS);
        checkTimeout(jwksReadTimeout, JWKS_READ_TIMEOUT_MILLIS);
    }

    /** A configuration with default leeway and timeouts. */
    public static AuthorizerConfig of(String issuer, URI jwksUri, List<String> audiences) {
        return new AuthorizerConfig(issuer, jwksUri, audiences, DEFAULT_LEEWAY, DEFAULT_JWKS_CONNECT_TIMEOUT, DEFAULT_JWKS_READ_TIMEOUT);
    }

    /**
     * Reads the configuration from environment variables: {@value #TOKEN_ISSUER}, {@value #JWKS_URI} and
     * {@value #AUDIENCE} (required), {@value #TOKEN_LEEWAY_SECONDS}, {@value #JWKS_CONNECT_TIMEOUT_MILLIS} and
     * {@value #JWKS_READ_TIMEOUT_MILLIS} (optional).
     *
     * @throws ConfigurationException naming the variable that is missing or invalid and what was expected
     */
    public static AuthorizerConfig fromEnv(Map<String, String> env) {
        requireNonNull(env, "env is null");
        String issuer = required(env, TOKEN_ISSUER, "the exact issuer of your tokens, e.g. https://YOUR_TENANT.auth0.com/");
        URI jwksUri = parseUri(required(env, JWKS_URI, "the full URL of the key set, e.g. https://YOUR_TENANT.auth0.com/.well-known/jwks.json"));
        List<String> audiences = Arrays.stream(required(env, AUDIENCE, "your API identifier (one value or a comma-separated list)").split(","))
                .map(String::strip)
                .toList();
        if (audiences.stream().anyMatch(String::isEmpty)) {
            throw new ConfigurationException(AUDIENCE + " must be one audience or a comma-separated list of non-empty audiences");
        }
        return new AuthorizerConfig(
                issuer,
                jwksUri,
                audiences.stream().distinct().toList(),
                Duration.ofSeconds(optionalLong(env, TOKEN_LEEWAY_SECONDS, DEFAULT_LEEWAY.toSeconds())),
                Duration.ofMillis(optionalLong(env, JWKS_CONNECT_TIMEOUT_MILLIS, DEFAULT_JWKS_CONNECT_TIMEOUT.toMillis())),
                Duration.ofMillis(optionalLong(env, JWKS_READ_TIMEOUT_MILLIS, DEFAULT_JWKS_READ_TIMEOUT.toMillis())));
    }

    private static String required(Map<String, String> env, String name, String expected) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new ConfigurationException(name + " is required: set it to " + expected);
        }
        return value.strip();
    }

    private static long optionalLong(Map<String, String> env, String name, long defaultValue) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + " must be a whole number, got '" + value + "'");
        }
    }

    private static URI parseUri(String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigurationException(JWKS_URI + " must be a URL, got '" + value + "': " + e.getReason());
        }
    }

    private static void checkJwksUri(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawPath() == null || uri.getRawPath().isEmpty()) {
            throw new ConfigurationException(JWKS_URI + " must be the full URL of the key set, e.g. https://YOUR_TENANT.auth0.com/.well-known/jwks.json, got '" + uri + "'");
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
        throw new ConfigurationException(JWKS_URI + " must use https (plain http only for a loopback host such as 127.0.0.1), got '" + uri + "'");
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
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static void checkTimeout(Duration timeout, String name) {
        if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(MAX_JWKS_TIMEOUT) > 0) {
            throw new ConfigurationException(name + " must be between 1 and " + MAX_JWKS_TIMEOUT.toMillis() + " milliseconds, got " + timeout.toMillis());
        }
    }
}
