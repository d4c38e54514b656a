package dev.gatehouse.authorizer.token;

import static java.util.Objects.requireNonNull;

import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks on a token beyond signature, issuer, audience and time, each off unless configured. Immutable and thread-safe.
 *
 * @param leeway clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}
 * @param requiredType the {@code typ} header the token must carry (e.g. {@code at+jwt}, RFC 9068), compared
 *     case-insensitively and with an optional {@code application/} prefix
 * @param maxLifetime the longest {@code exp - iat} accepted; tokens must then carry {@code iat}
 * @param requiredClaims claims that must be present and not null
 * @param scopeClaims the claims whose values grant scopes ({@code SCOPE_CLAIMS}; {@code scope} unless configured)
 */
public record TokenRules(
        Duration leeway,
        Optional<String> requiredType,
        Optional<Duration> maxLifetime,
        List<String> requiredClaims,
        ScopeClaims scopeClaims) {

    /** The environment variables that configure this record (read by {@code AuthorizerConfig.fromEnv}). */
    public static final String TOKEN_LEEWAY_SECONDS = "TOKEN_LEEWAY_SECONDS";

    public static final String TOKEN_TYPE = "TOKEN_TYPE";
    public static final String TOKEN_MAX_LIFETIME_SECONDS = "TOKEN_MAX_LIFETIME_SECONDS";
    public static final String TOKEN_REQUIRED_CLAIMS = "TOKEN_REQUIRED_CLAIMS";

    public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);
    public static final Duration MAX_LEEWAY = Duration.ofMinutes(5);
    public static final TokenRules DEFAULT =
            new TokenRules(DEFAULT_LEEWAY, Optional.empty(), Optional.empty(), List.of());

    public TokenRules {
        requireNonNull(leeway, "leeway is null");
        requireNonNull(requiredType, "requiredType is null");
        requireNonNull(maxLifetime, "maxLifetime is null");
        requiredClaims = List.copyOf(requireNonNull(requiredClaims, "requiredClaims is null"));
        requireNonNull(scopeClaims, "scopeClaims is null");
        if (leeway.isNegative() || leeway.compareTo(MAX_LEEWAY) > 0) {
            throw new ConfigurationException(TOKEN_LEEWAY_SECONDS + " must be between 0 and " + MAX_LEEWAY.toSeconds()
                    + " seconds, got " + leeway.toSeconds());
        }
        requiredType = requiredType
                .map(t -> t.strip().toLowerCase(Locale.ROOT))
                .map(t -> t.startsWith("application/") ? t.substring(12) : t);
        if (requiredType.filter(String::isEmpty).isPresent()) {
            throw new ConfigurationException(TOKEN_TYPE + " must not be blank; leave it unset to skip the typ check");
        }
        if (maxLifetime.filter(d -> d.compareTo(Duration.ofSeconds(1)) < 0).isPresent()) {
            throw new ConfigurationException(TOKEN_MAX_LIFETIME_SECONDS + " must be at least 1 second");
        }
        if (requiredClaims.stream().anyMatch(c -> c.isBlank() || !c.equals(c.strip()))) {
            throw new ConfigurationException(TOKEN_REQUIRED_CLAIMS + " must be a comma-separated list of claim names");
        }
    }

    /** Rules reading scopes from {@code scope} only ({@link ScopeClaims#DEFAULT}). */
    public TokenRules(
            Duration leeway,
            Optional<String> requiredType,
            Optional<Duration> maxLifetime,
            List<String> requiredClaims) {
        this(leeway, requiredType, maxLifetime, requiredClaims, ScopeClaims.DEFAULT);
    }

    /** The same rules with another leeway. */
    public TokenRules withLeeway(Duration value) {
        return new TokenRules(value, requiredType, maxLifetime, requiredClaims, scopeClaims);
    }

    /** The same rules reading scopes from other claims. */
    public TokenRules withScopeClaims(ScopeClaims value) {
        return new TokenRules(leeway, requiredType, maxLifetime, requiredClaims, value);
    }
}
