package dev.gatehouse.authorizer;

import static dev.gatehouse.authorizer.keys.IssuerConfig.AUDIENCE;
import static dev.gatehouse.authorizer.keys.IssuerConfig.ISSUERS;
import static dev.gatehouse.authorizer.keys.IssuerConfig.JWKS_URI;
import static dev.gatehouse.authorizer.keys.IssuerConfig.TOKEN_ALGORITHMS;
import static dev.gatehouse.authorizer.keys.IssuerConfig.TOKEN_ISSUER;
import static dev.gatehouse.authorizer.keys.KeySetPolicy.JWKS_CONNECT_TIMEOUT_MILLIS;
import static dev.gatehouse.authorizer.keys.KeySetPolicy.JWKS_COOLDOWN_SECONDS;
import static dev.gatehouse.authorizer.keys.KeySetPolicy.JWKS_FAILURE_BACKOFF_MILLIS;
import static dev.gatehouse.authorizer.keys.KeySetPolicy.JWKS_INIT_BUDGET_MILLIS;
import static dev.gatehouse.authorizer.keys.KeySetPolicy.JWKS_MAX_BYTES;
import static dev.gatehouse.authorizer.keys.KeySetPolicy.JWKS_MAX_STALE_SECONDS;
import static dev.gatehouse.authorizer.keys.KeySetPolicy.JWKS_NEGATIVE_CACHE_SECONDS;
import static dev.gatehouse.authorizer.keys.KeySetPolicy.JWKS_READ_TIMEOUT_MILLIS;
import static dev.gatehouse.authorizer.keys.KeySetPolicy.JWKS_TTL_SECONDS;
import static dev.gatehouse.authorizer.token.CryptoProvider.CRYPTO_PROVIDER;
import static dev.gatehouse.authorizer.token.ScopeClaims.SCOPE_CLAIMS;
import static dev.gatehouse.authorizer.token.TokenRules.TOKEN_LEEWAY_SECONDS;
import static dev.gatehouse.authorizer.token.TokenRules.TOKEN_MAX_LIFETIME_SECONDS;
import static dev.gatehouse.authorizer.token.TokenRules.TOKEN_REQUIRED_CLAIMS;
import static dev.gatehouse.authorizer.token.TokenRules.TOKEN_TYPE;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import dev.gatehouse.authorizer.keys.IssuerConfig;
import dev.gatehouse.authorizer.keys.KeySetPolicy;
import dev.gatehouse.authorizer.token.CryptoProvider;
import dev.gatehouse.authorizer.token.ScopeClaims;
import dev.gatehouse.authorizer.token.TokenRules;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How the authorizer verifies tokens: which issuers it trusts (each with its key set, audiences and algorithms),
 * the checks applied to every token, and how key sets are fetched and cached.
 *
 * <p>Immutable and thread-safe. Build it once per container with {@link #fromEnv(Map)}.
 *
 * @param issuers the trusted issuers, at least one, each {@code iss} once
 * @param tokens checks applied to every token (leeway, optional typ, lifetime, required claims)
 * @param keySets fetching and caching of the key sets
 * @param metricsNamespace the CloudWatch namespace of the Embedded Metric Format lines
 * @param crypto which provider verifies RSA signatures (ACCP by default, with a fallback to the JDK)
 * @param metricDimensions the dimensions every metric is recorded under, in order ({@code Service}, {@code Stage}),
 *     or none
 */
public record AuthorizerConfig(
        List<IssuerConfig> issuers,
        TokenRules tokens,
        KeySetPolicy keySets,
        String metricsNamespace,
        CryptoProvider crypto,
        Map<String, String> metricDimensions) {

    public static final String METRICS_NAMESPACE = "METRICS_NAMESPACE";

    /** The {@code Service} dimension of every metric (set with {@link #METRICS_STAGE}, or neither). */
    public static final String METRICS_SERVICE = "METRICS_SERVICE";

    /** The {@code Stage} dimension of every metric, so stages sharing an account do not mix. */
    public static final String METRICS_STAGE = "METRICS_STAGE";

    public static final String DEFAULT_METRICS_NAMESPACE = "Gatehouse";

    public AuthorizerConfig {
        issuers = List.copyOf(requireNonNull(issuers, "issuers is null"));
        requireNonNull(tokens, "tokens is null");
        requireNonNull(keySets, "keySets is null");
        requireNonNull(metricsNamespace, "metricsNamespace is null");
        requireNonNull(crypto, "crypto is null");
        metricDimensions = Collections.unmodifiableMap(
                new LinkedHashMap<>(requireNonNull(metricDimensions, "metricDimensions is null")));
        if (issuers.isEmpty()) {
            throw new ConfigurationException("At least one issuer is required: set " + TOKEN_ISSUER + ", " + JWKS_URI
                    + " and " + AUDIENCE + ", or " + ISSUERS);
        }
        Set<String> seen = new HashSet<>();
        for (IssuerConfig issuer : issuers) {
            if (!seen.add(issuer.issuer())) {
                throw new ConfigurationException(ISSUERS + " names issuer " + issuer.issuer() + " more than once");
            }
        }
        if (metricsNamespace.isBlank() || metricsNamespace.length() > 255) {
            throw new ConfigurationException(
                    METRICS_NAMESPACE + " must be a non-blank CloudWatch namespace of at most 255 characters");
        }
        metricDimensions.forEach((name, value) -> {
            // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html: 1 to 1024
            // characters, at least one that is not whitespace.
            if (value.isBlank() || value.length() > 1024) {
                throw new ConfigurationException(
                        "The metric dimension " + name + " must be a non-blank value of at most 1024 characters");
            }
        });
    }

    /** A configuration with the default crypto provider and no metric dimensions. */
    public AuthorizerConfig(
            List<IssuerConfig> issuers,
            TokenRules tokens,
            KeySetPolicy keySets,
            String metricsNamespace,
            CryptoProvider crypto) {
        this(issuers, tokens, keySets, metricsNamespace, crypto, Map.of());
    }

    /** A configuration with the default crypto provider (ACCP, falling back to the JDK). */
    public AuthorizerConfig(
            List<IssuerConfig> issuers, TokenRules tokens, KeySetPolicy keySets, String metricsNamespace) {
        this(issuers, tokens, keySets, metricsNamespace, CryptoProvider.ACCP, Map.of());
    }

    /** One RS256 issuer with default checks, key-set policy, metrics namespace and crypto provider. */
    public static AuthorizerConfig of(String issuer, URI jwksUri, List<String> audiences) {
        return new AuthorizerConfig(
                List.of(IssuerConfig.of(issuer, jwksUri, audiences)),
                TokenRules.DEFAULT,
                KeySetPolicy.DEFAULT,
                DEFAULT_METRICS_NAMESPACE);
    }

    /** The same configuration with other key-set settings. */
    public AuthorizerConfig withKeySets(KeySetPolicy value) {
        return new AuthorizerConfig(issuers, tokens, value, metricsNamespace, crypto, metricDimensions);
    }

    /** The same configuration with other token checks. */
    public AuthorizerConfig withTokens(TokenRules value) {
        return new AuthorizerConfig(issuers, value, keySets, metricsNamespace, crypto, metricDimensions);
    }

    /** The same configuration with another crypto provider. */
    public AuthorizerConfig withCrypto(CryptoProvider value) {
        return new AuthorizerConfig(issuers, tokens, keySets, metricsNamespace, value, metricDimensions);
    }

    /**
     * Reads the configuration from environment variables. Issuers come either from {@value #TOKEN_ISSUER},
     * {@value #JWKS_URI}, {@value #AUDIENCE} (and optionally {@value #TOKEN_ALGORITHMS}) or from {@value #ISSUERS}, a
     * JSON array of {@code {"issuer","jwksUri","audiences":[..],"algorithms":[..]}} objects; never both. Everything
     * else is optional (see the README for defaults).
     *
     * @throws ConfigurationException naming the variable that is missing or invalid and what was expected
     */
    public static AuthorizerConfig fromEnv(Map<String, String> env) {
        requireNonNull(env, "env is null");
        if (present(env, "JWKS_SNAPSHOT")) {
            throw new ConfigurationException("JWKS_SNAPSHOT was removed (a bundled key set kept removed keys trusted): "
                    + "unset it; each container trusts only the key sets it fetched itself");
        }
        List<IssuerConfig> issuers = present(env, ISSUERS) ? issuersFromJson(env) : List.of(singleIssuer(env));
        TokenRules tokens = new TokenRules(
                Duration.ofSeconds(optionalLong(env, TOKEN_LEEWAY_SECONDS, TokenRules.DEFAULT_LEEWAY.toSeconds())),
                Optional.ofNullable(env.get(TOKEN_TYPE)).filter(v -> !v.isBlank()),
                present(env, TOKEN_MAX_LIFETIME_SECONDS)
                        ? Optional.of(Duration.ofSeconds(optionalLong(env, TOKEN_MAX_LIFETIME_SECONDS, 0)))
                        : Optional.empty(),
                present(env, TOKEN_REQUIRED_CLAIMS)
                        ? list(env.get(TOKEN_REQUIRED_CLAIMS), TOKEN_REQUIRED_CLAIMS)
                        : List.of());
        // SCOPE_CLAIMS: which claims grant scopes (default: scope only), for every issuer without its own scopeClaims.
        if (present(env, SCOPE_CLAIMS)) {
            tokens = tokens.withScopeClaims(ScopeClaims.parse(env.get(SCOPE_CLAIMS)));
        }
        KeySetPolicy keySets = new KeySetPolicy(
                Duration.ofMillis(optionalLong(
                        env, JWKS_CONNECT_TIMEOUT_MILLIS, KeySetPolicy.DEFAULT_CONNECT_TIMEOUT.toMillis())),
                Duration.ofMillis(
                        optionalLong(env, JWKS_READ_TIMEOUT_MILLIS, KeySetPolicy.DEFAULT_READ_TIMEOUT.toMillis())),
                (int) Math.min(Integer.MAX_VALUE, optionalLong(env, JWKS_MAX_BYTES, KeySetPolicy.DEFAULT_MAX_BYTES)),
                Duration.ofSeconds(optionalLong(env, JWKS_TTL_SECONDS, KeySetPolicy.DEFAULT_TTL.toSeconds())),
                Duration.ofSeconds(
                        optionalLong(env, JWKS_MAX_STALE_SECONDS, KeySetPolicy.DEFAULT_MAX_STALE.toSeconds())),
                Duration.ofSeconds(optionalLong(env, JWKS_COOLDOWN_SECONDS, KeySetPolicy.DEFAULT_COOLDOWN.toSeconds())),
                Duration.ofMillis(optionalLong(
                        env, JWKS_FAILURE_BACKOFF_MILLIS, KeySetPolicy.DEFAULT_FAILURE_BACKOFF.toMillis())),
                Duration.ofSeconds(
                        optionalLong(env, JWKS_NEGATIVE_CACHE_SECONDS, KeySetPolicy.DEFAULT_NEGATIVE_TTL.toSeconds())),
                Duration.ofMillis(
                        optionalLong(env, JWKS_INIT_BUDGET_MILLIS, KeySetPolicy.DEFAULT_INIT_BUDGET.toMillis())));
        String namespace =
                present(env, METRICS_NAMESPACE) ? env.get(METRICS_NAMESPACE).strip() : DEFAULT_METRICS_NAMESPACE;
        CryptoProvider crypto = present(env, CRYPTO_PROVIDER)
                ? CryptoProvider.parse(env.get(CRYPTO_PROVIDER), CRYPTO_PROVIDER)
                : CryptoProvider.ACCP;
        return new AuthorizerConfig(issuers, tokens, keySets, namespace, crypto, metricDimensions(env));
    }

    /**
     * {@code Service} and {@code Stage} from {@value #METRICS_SERVICE} and {@value #METRICS_STAGE}: both or neither,
     * since alarms and dashboards select a metric by its whole dimension set and half of one matches nothing.
     */
    private static Map<String, String> metricDimensions(Map<String, String> env) {
        boolean service = present(env, METRICS_SERVICE);
        boolean stage = present(env, METRICS_STAGE);
        if (service != stage) {
            throw new ConfigurationException((service ? METRICS_STAGE : METRICS_SERVICE) + " must be set with "
                    + (service ? METRICS_SERVICE : METRICS_STAGE)
                    + " (the metrics' Service and Stage dimensions), or neither");
        }
        if (!service) {
            return Map.of();
        }
        Map<String, String> dimensions = new LinkedHashMap<>();
        dimensions.put("Service", env.get(METRICS_SERVICE).strip());
        dimensions.put("Stage", env.get(METRICS_STAGE).strip());
        return dimensions;
    }

    private static IssuerConfig singleIssuer(Map<String, String> env) {
        String issuer = required(
                env,
                TOKEN_ISSUER,
                "the exact issuer of your tokens, e.g. https://YOUR_TENANT.auth0.com/ (or set " + ISSUERS + ")");
        URI jwksUri = parseUri(
                required(
                        env,
                        JWKS_URI,
                        "the full URL of the key set, e.g. https://YOUR_TENANT.auth0.com/.well-known/jwks.json"),
                JWKS_URI);
        List<String> audiences =
                list(required(env, AUDIENCE, "your API identifier (one value or a comma-separated list)"), AUDIENCE);
        List<String> algorithms = present(env, TOKEN_ALGORITHMS)
                ? list(env.get(TOKEN_ALGORITHMS), TOKEN_ALGORITHMS)
                : IssuerConfig.DEFAULT_ALGORITHMS;
        return new IssuerConfig(issuer, jwksUri, audiences, algorithms);
    }

    private static List<IssuerConfig> issuersFromJson(Map<String, String> env) {
        for (String simple : List.of(TOKEN_ISSUER, JWKS_URI, AUDIENCE, TOKEN_ALGORITHMS)) {
            if (present(env, simple)) {
                throw new ConfigurationException(ISSUERS + " and " + simple
                        + " are both set; use either the single-issuer variables or " + ISSUERS);
            }
        }
        String expected = ISSUERS
                + " must be a JSON array of objects {\"issuer\":..., \"jwksUri\":..., \"audiences\":[...], "
                + "\"algorithms\":[...] (optional, default [\"RS256\"]), \"scopeClaims\":[...] (optional, default "
                + SCOPE_CLAIMS + ")}";
        JsonNode root;
        try {
            // A member given twice (two scopeClaims, two audiences) is refused, not resolved to the last one.
            root = new ObjectMapper()
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .readTree(env.get(ISSUERS));
        } catch (JsonProcessingException e) {
            throw new ConfigurationException(expected + "; it is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new ConfigurationException(expected + "; got no non-empty array");
        }
        List<IssuerConfig> issuers = new ArrayList<>();
        for (JsonNode entry : root) {
            if (!entry.isObject()) {
                throw new ConfigurationException(expected + "; an entry is not an object");
            }
            for (Iterator<String> names = entry.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!Set.of("issuer", "jwksUri", "audiences", "algorithms", "scopeClaims")
                        .contains(name)) {
                    throw new ConfigurationException(expected + "; unknown field '" + name + "'");
                }
            }
            String issuer = text(entry, "issuer", expected);
            URI jwksUri = parseUri(text(entry, "jwksUri", expected), ISSUERS + " jwksUri of " + issuer);
            List<String> audiences = strings(
                    entry.get("audiences"), expected + "; 'audiences' of " + issuer + " must be an array of strings");
            List<String> algorithms = entry.has("algorithms")
                    ? strings(
                            entry.get("algorithms"),
                            expected + "; 'algorithms' of " + issuer + " must be an array of strings")
                    : IssuerConfig.DEFAULT_ALGORITHMS;
            List<String> scopeClaims = List.of();
            if (entry.has("scopeClaims")) {
                String where = "'scopeClaims' of " + issuer + " in " + ISSUERS;
                scopeClaims =
                        strings(entry.get("scopeClaims"), expected + "; " + where + " must be an array of strings");
                // Checked here, so a wrong name fails initialisation naming the variable.
                ScopeClaims.of(scopeClaims, where);
            }
            issuers.add(new IssuerConfig(issuer, jwksUri, audiences, algorithms, scopeClaims));
        }
        return issuers;
    }

    private static String text(JsonNode entry, String field, String expected) {
        JsonNode value = entry.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new ConfigurationException(expected + "; '" + field + "' is missing or not a string");
        }
        return value.asText();
    }

    private static List<String> strings(JsonNode node, String message) {
        if (node == null || !node.isArray()) {
            throw new ConfigurationException(message);
        }
        List<String> values = new ArrayList<>();
        for (JsonNode value : node) {
            if (!value.isTextual()) {
                throw new ConfigurationException(message);
            }
            values.add(value.asText());
        }
        return values.stream().distinct().toList();
    }

    private static boolean present(Map<String, String> env, String name) {
        String value = env.get(name);
        return value != null && !value.isBlank();
    }

    private static List<String> list(String value, String name) {
        List<String> values = Arrays.stream(value.split(",")).map(String::strip).toList();
        if (values.stream().anyMatch(String::isEmpty)) {
            throw new ConfigurationException(name + " must be one value or a comma-separated list of non-empty values");
        }
        return values.stream().distinct().toList();
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

    private static URI parseUri(String value, String name) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigurationException(name + " must be a URL, got '" + value + "': " + e.getReason());
        }
    }
}
