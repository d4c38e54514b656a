package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.authorizer.exceptions.KeysUnavailableException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException;
import dev.gatehouse.authorizer.keys.JwksKeySource;
import dev.gatehouse.authorizer.keys.KeySetStats;
import dev.gatehouse.authorizer.token.VerificationProvider;
import dev.gatehouse.authorizer.token.VerifiedToken;
import dev.gatehouse.common.JsonStrings;
import dev.gatehouse.common.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Writes exactly one JSON line per authorization decision: outcome, reason code, kid, issuer, client id, subject,
 * where the key came from (cache / fetch / stale), key age, latency, request id and a short hash of the token (never
 * the token). The same line carries CloudWatch Embedded Metric Format metadata ({@code _aws}), so CloudWatch extracts
 * the metrics from the log without any agent or SDK: {@code Allow}, {@code Unauthorized}, {@code Error} (counts),
 * {@code DecisionLatency}, {@code KeyAge}, {@code JwksFetches}, {@code JwksFetchFailures}, {@code JwksFetchLatency}.
 * Values a token claims before verification are truncated. Thread-safe.
 */
final class DecisionLog {

    /** Outcome of one decision. */
    enum Outcome {
        ALLOW("allow", "Allow"),
        UNAUTHORIZED("unauthorized", "Unauthorized"),
        ERROR("error", "Error");

        final String code;
        final String metric;

        Outcome(String code, String metric) {
            this.code = code;
            this.metric = metric;
        }
    }

    /** Everything known about one decision; built by the factories, which say what each outcome knows. */
    record Entry(
            Outcome outcome,
            String reason,
            String token,
            String keyId,
            String issuer,
            Principal principal,
            JwksKeySource.Source keySource,
            Duration keyAge,
            String resource,
            String detail,
            long latencyNanos) {

        /** A valid token. */
        static Entry allowed(String token, VerifiedToken verified, String resource, long latencyNanos) {
            return new Entry(
                    Outcome.ALLOW,
                    "token_valid",
                    token,
                    verified.keyId(),
                    null,
                    verified.principal(),
                    verified.keySource(),
                    verified.keyAge(),
                    resource,
                    null,
                    latencyNanos);
        }

        /** A missing or unacceptable token; {@code token} may be null (none was found). */
        static Entry rejected(String token, TokenRejectedException why, String resource, long latencyNanos) {
            return new Entry(
                    Outcome.UNAUTHORIZED,
                    why.reason(),
                    token,
                    why.keyId(),
                    why.claimedIssuer(),
                    null,
                    null,
                    null,
                    resource,
                    why.getMessage(),
                    latencyNanos);
        }

        /** No key could verify the token because the key set could not be had. */
        static Entry keysUnavailable(String token, KeysUnavailableException why, String resource, long latencyNanos) {
            return new Entry(
                    Outcome.ERROR,
                    why.reason(),
                    token,
                    why.keyId(),
                    null,
                    null,
                    null,
                    null,
                    resource,
                    why.getMessage(),
                    latencyNanos);
        }

        /** Any other failure to decide; {@code token} and {@code resource} may be null. */
        static Entry error(String reason, String token, String resource, String detail, long latencyNanos) {
            return new Entry(
                    Outcome.ERROR, reason, token, null, null, null, null, null, resource, detail, latencyNanos);
        }
    }

    private static final int MAX_VALUE_LENGTH = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Consumer<String> fallback;
    private final KeySetStats stats;
    private final String namespace;
    private final Clock clock;
    private final String[] metricDirectives;
    /** The dimension members of every line, written once: {@code ,"Service":"…","Stage":"…"} (or nothing). */
    private final String dimensionFields;
    /**
     * SHA-256 for the token hash, from the verification provider when there is one (one digest per thread: a lookup
     * among the providers per request costs more than hashing; the JDK's runs as plain Java under C1).
     */
    private final VerificationProvider digests;
    /** This thread's SHA-256, with the provider choice it came from (replaced once, when ACCP takes over). */
    private final ThreadLocal<Held> sha256 = new ThreadLocal<>();

    private record Held(Optional<Provider> from, MessageDigest digest) {}

    /** @param fallback where lines go when the invocation has no Lambda context (local tools, tests) */
    DecisionLog(Consumer<String> fallback, KeySetStats stats, String namespace, Clock clock) {
        this(fallback, stats, namespace, Map.of(), clock, VerificationProvider.fixed(Optional.empty()));
    }

    /**
     * @param dimensions the dimensions every metric is recorded under, in order (none: the namespace alone)
     * @param digests the provider of the token hash's SHA-256, read per line (empty: the JDK's)
     */
    DecisionLog(
            Consumer<String> fallback,
            KeySetStats stats,
            String namespace,
            Map<String, String> dimensions,
            Clock clock,
            VerificationProvider digests) {
        this.fallback = requireNonNull(fallback, "fallback is null");
        this.stats = requireNonNull(stats, "stats is null");
        this.namespace = requireNonNull(namespace, "namespace is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metricDirectives = metricDirectives(namespace, List.copyOf(dimensions.keySet()));
        StringBuilder fields = new StringBuilder();
        dimensions.forEach((name, value) -> field(fields, name, value));
        this.dimensionFields = fields.toString();
        this.digests = requireNonNull(digests, "digests is null");
    }

    /** A log with its own statistics, for tests and local tools. */
    DecisionLog(Consumer<String> fallback) {
        this(fallback, new KeySetStats(), AuthorizerConfig.DEFAULT_METRICS_NAMESPACE, Clock.systemUTC());
    }

    void write(Context context, Entry entry) {
        // Built by hand rather than through Jackson: this runs on every request, and under Lambda's C1-only JIT a
        // map-and-serializer line costs as much as the rest of the decision. The layout is fixed; values are escaped.
        StringBuilder line = new StringBuilder(768).append("{\"event\":\"authorizer_decision\"");
        safeField(line, "outcome", entry.outcome().code);
        safeField(line, "reason", entry.reason());
        field(line, "kid", truncate(entry.keyId()));
        field(
                line,
                "issuer",
                truncate(entry.principal() != null ? entry.principal().issuer() : entry.issuer()));
        if (entry.principal() != null) {
            field(line, "clientId", entry.principal().clientId().orElse(null));
            field(line, "principalId", entry.principal().subject());
        }
        safeField(
                line,
                "keySource",
                entry.keySource() == null ? null : entry.keySource().code());
        field(line, "resource", truncate(entry.resource()));
        field(line, "requestId", context == null ? null : context.getAwsRequestId());
        safeField(line, "tokenHash", tokenHash(entry.token(), sha256()));
        field(line, "detail", entry.detail());

        line.append(dimensionFields);

        KeySetStats.Drained fetches = stats.drain();
        line.append(",\"DecisionLatency\":").append(entry.latencyNanos() / 1_000_000.0);
        for (Outcome outcome : Outcome.values()) {
            line.append(",\"").append(outcome.metric).append("\":").append(outcome == entry.outcome() ? 1 : 0);
        }
        line.append(",\"JwksFetches\":").append(fetches.fetches());
        line.append(",\"JwksFetchFailures\":").append(fetches.failures());
        boolean fetchLatency = !fetches.latenciesMillis().isEmpty();
        if (fetchLatency) {
            line.append(",\"JwksFetchLatency\":[");
            for (int i = 0; i < fetches.latenciesMillis().size(); i++) {
                line.append(i == 0 ? "" : ",").append(fetches.latenciesMillis().get(i));
            }
            line.append(']');
        }
        boolean keyAge = entry.keyAge() != null;
        if (keyAge) {
            line.append(",\"KeyAge\":").append(entry.keyAge().toSeconds());
        }
        line.append(",\"_aws\":{\"Timestamp\":")
                .append(clock.millis())
                .append(metricDirectives[(fetchLatency ? 1 : 0) + (keyAge ? 2 : 0)])
                .append("}}");
        emit(context, line.toString());
    }

    /** The {@code CloudWatchMetrics} part of {@code _aws}, for each combination of the two optional metrics. */
    private static String[] metricDirectives(String namespace, List<String> dimensions) {
        String[] directives = new String[4];
        for (int variant = 0; variant < 4; variant++) {
            List<Map<String, String>> metrics = new ArrayList<>(List.of(
                    metric("DecisionLatency", "Milliseconds"),
                    metric("Allow", "Count"),
                    metric("Unauthorized", "Count"),
                    metric("Error", "Count"),
                    metric("JwksFetches", "Count"),
                    metric("JwksFetchFailures", "Count")));
            if ((variant & 1) != 0) {
                metrics.add(metric("JwksFetchLatency", "Milliseconds"));
            }
            if ((variant & 2) != 0) {
                metrics.add(metric("KeyAge", "Seconds"));
            }
            try {
                directives[variant] = ",\"CloudWatchMetrics\":"
                        + JSON.writeValueAsString(List.of(
                                Map.of("Namespace", namespace, "Dimensions", List.of(dimensions), "Metrics", metrics)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the EMF metric directives", e);
            }
        }
        return directives;
    }

    /** A value this class or the authorizer produced (codes, hex): known to need no JSON escaping. */
    private static void safeField(StringBuilder line, String name, String value) {
        if (value != null) {
            line.append(",\"").append(name).append("\":\"").append(value).append('"');
        }
    }

    private static void field(StringBuilder line, String name, String value) {
        if (value != null) {
            JsonStrings.appendQuoted(line.append(",\"").append(name).append("\":"), value);
        }
    }

    /** A line outside any decision (initialisation), without metrics. */
    void note(Context context, String event, Map<String, Object> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", event);
        line.putAll(fields);
        emit(context, line);
    }

    private void emit(Context context, Map<String, Object> line) {
        line.values().removeIf(v -> v == null);
        String json;
        try {
            json = JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            json = "{\"event\":\"" + line.get("event") + "\",\"reason\":\"log_serialization_failed\"}";
        }
        emit(context, json);
    }

    private void emit(Context context, String json) {
        LambdaLogger logger = context == null ? null : context.getLogger();
        if (logger != null) {
            logger.log(json + "\n");
        } else {
            fallback.accept(json);
        }
    }

    private static Map<String, String> metric(String name, String unit) {
        return Map.of("Name", name, "Unit", unit);
    }

    /** The first 8 bytes of the token's SHA-256, hex: enough to correlate lines, useless to replay. */
    static String tokenHash(String token) {
        return tokenHash(token, sha256(Optional.empty()));
    }

    private static String tokenHash(String token, MessageDigest digest) {
        if (token == null) {
            return null;
        }
        return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.ISO_8859_1)), 0, 8);
    }

    private MessageDigest sha256() {
        Optional<Provider> now = digests.current();
        Held held = sha256.get();
        if (held == null || held.from() != now) {
            held = new Held(now, sha256(now));
            sha256.set(held);
        }
        return held.digest();
    }

    private static MessageDigest sha256(Optional<Provider> provider) {
        try {
            return provider.isPresent()
                    ? MessageDigest.getInstance("SHA-256", provider.get())
                    : MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static String truncate(String value) {
        if (value == null || value.length() <= MAX_VALUE_LENGTH) {
            return value;
        }
        return value.substring(0, MAX_VALUE_LENGTH) + "...";
    }
}
