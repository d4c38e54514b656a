package dev.gatehouse.authorizer.keys;

import static java.util.Objects.requireNonNull;

import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import java.time.Duration;

/**
 * How the authorizer fetches and caches each issuer's JSON Web Key Set. Immutable and thread-safe.
 *
 * @param connectTimeout connect timeout of one fetch
 * @param readTimeout read timeout of one fetch; the whole fetch is also bounded by connect + read timeout
 * @param maxBytes the largest key-set response accepted
 * @param ttl age after which the whole key set is refetched (keys removed from the set stop being trusted)
 * @param maxStale how long past {@code ttl} the last key set stays usable while refetches fail (stale-if-error)
 * @param cooldown how old the key set a request saw must be before an unknown {@code kid} in it causes a refetch
 * @param failureBackoff minimum time between a failed fetch and the next attempt
 * @param negativeTtl how long a {@code kid} that was still unknown after a refetch is rejected without another fetch
 * @param initBudget time the handler may spend fetching key sets during initialisation
 */
public record KeySetPolicy(
        Duration connectTimeout,
        Duration readTimeout,
        int maxBytes,
        Duration ttl,
        Duration maxStale,
        Duration cooldown,
        Duration failureBackoff,
        Duration negativeTtl,
        Duration initBudget) {

    /** The environment variables that configure this record (read by {@code AuthorizerConfig.fromEnv}). */
    public static final String JWKS_CONNECT_TIMEOUT_MILLIS = "JWKS_CONNECT_TIMEOUT_MILLIS";

    public static final String JWKS_READ_TIMEOUT_MILLIS = "JWKS_READ_TIMEOUT_MILLIS";
    public static final String JWKS_MAX_BYTES = "JWKS_MAX_BYTES";
    public static final String JWKS_TTL_SECONDS = "JWKS_TTL_SECONDS";
    public static final String JWKS_MAX_STALE_SECONDS = "JWKS_MAX_STALE_SECONDS";
    public static final String JWKS_COOLDOWN_SECONDS = "JWKS_COOLDOWN_SECONDS";
    public static final String JWKS_FAILURE_BACKOFF_MILLIS = "JWKS_FAILURE_BACKOFF_MILLIS";
    public static final String JWKS_NEGATIVE_CACHE_SECONDS = "JWKS_NEGATIVE_CACHE_SECONDS";
    public static final String JWKS_INIT_BUDGET_MILLIS = "JWKS_INIT_BUDGET_MILLIS";

    /**
     * API Gateway's own JWT authorizer gives a key-set fetch 1.5 s; ours stays well inside the authorizer's deadline.
     */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(1000);

    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMillis(1500);
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(5);
    /** API Gateway's own JWT authorizer accepts 150 KB. */
    public static final int DEFAULT_MAX_BYTES = 150 * 1024;

    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    public static final Duration DEFAULT_MAX_STALE = Duration.ofHours(1);
    public static final Duration DEFAULT_COOLDOWN = Duration.ofSeconds(30);
    public static final Duration DEFAULT_FAILURE_BACKOFF = Duration.ofSeconds(2);
    public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_INIT_BUDGET = Duration.ofMillis(3000);

    public static final KeySetPolicy DEFAULT = new KeySetPolicy(
            DEFAULT_CONNECT_TIMEOUT,
            DEFAULT_READ_TIMEOUT,
            DEFAULT_MAX_BYTES,
            DEFAULT_TTL,
            DEFAULT_MAX_STALE,
            DEFAULT_COOLDOWN,
            DEFAULT_FAILURE_BACKOFF,
            DEFAULT_NEGATIVE_TTL,
            DEFAULT_INIT_BUDGET);

    public KeySetPolicy {
        between(connectTimeout, "connectTimeout", JWKS_CONNECT_TIMEOUT_MILLIS, Duration.ofMillis(1), MAX_TIMEOUT);
        between(readTimeout, "readTimeout", JWKS_READ_TIMEOUT_MILLIS, Duration.ofMillis(1), MAX_TIMEOUT);
        if (maxBytes < 1024 || maxBytes > 1024 * 1024) {
            throw new ConfigurationException(JWKS_MAX_BYTES + " must be between 1024 and 1048576, got " + maxBytes);
        }
        between(ttl, "ttl", JWKS_TTL_SECONDS, Duration.ofSeconds(1), Duration.ofDays(1));
        between(maxStale, "maxStale", JWKS_MAX_STALE_SECONDS, Duration.ZERO, Duration.ofDays(7));
        between(cooldown, "cooldown", JWKS_COOLDOWN_SECONDS, Duration.ZERO, Duration.ofHours(1));
        between(failureBackoff, "failureBackoff", JWKS_FAILURE_BACKOFF_MILLIS, Duration.ZERO, Duration.ofMinutes(10));
        between(negativeTtl, "negativeTtl", JWKS_NEGATIVE_CACHE_SECONDS, Duration.ZERO, Duration.ofDays(1));
        between(initBudget, "initBudget", JWKS_INIT_BUDGET_MILLIS, Duration.ZERO, Duration.ofSeconds(10));
    }

    /** The same policy with other fetch timeouts. */
    public KeySetPolicy withTimeouts(Duration connect, Duration read) {
        return new KeySetPolicy(
                connect, read, maxBytes, ttl, maxStale, cooldown, failureBackoff, negativeTtl, initBudget);
    }

    private static void between(Duration value, String component, String variable, Duration min, Duration max) {
        requireNonNull(value, component + " is null");
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ConfigurationException(variable + " must be between " + describe(min, variable) + " and "
                    + describe(max, variable) + ", got " + describe(value, variable));
        }
    }

    private static String describe(Duration value, String variable) {
        return variable.endsWith("_MILLIS") ? value.toMillis() + " ms" : value.toSeconds() + " s";
    }
}
