package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.common.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        ALLOW("allow", "Allow"), UNAUTHORIZED("unauthorized", "Unauthorized"), ERROR("error", "Error");

        final String code;
        final String metric;

        Outcome(String code, String metric) {
            this.code = code;
            this.metric = metric;
        }
    }

    /** Everything known about one decision. Fields may be null. */
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
            long latencyNanos) {}

    private static final int MAX_VALUE_LENGTH = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Consumer<String> fallback;
    private final KeySetStats stats;
    private final String namespace;
    private final Clock clock;

    /** @param fallback where lines go when the invocation has no Lambda context (local tools, tests) */
    DecisionLog(Consumer<String> fallback, KeySetStats stats, String namespace, Clock clock) {
        this.fallback = requireNonNull(fallback, "fallback is null");
        this.stats = requireNonNull(stats, "stats is null");
        this.namespace = requireNonNull(namespace, "namespace is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** A log with its own statistics, for tests and local tools. */
    DecisionLog(Consumer<String> fallback) {
        this(fallback, new KeySetStats(), AuthorizerConfig.DEFAULT_METRICS_NAMESPACE, Clock.systemUTC());
    }

    void write(Context context, Entry entry) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "authorizer_decision");
        line.put("outcome", entry.outcome().code);
        line.put("reason", entry.reason());
        line.put("kid", truncate(entry.keyId()));
        line.put("issuer", truncate(entry.principal() != null ? entry.principal().issuer() : entry.issuer()));
        if (entry.principal() != null) {
            line.put("clientId", entry.principal().clientId().orElse(null));
            line.put("principalId", entry.principal().subject());
        }
        line.put("keySource", entry.keySource() == null ? null : entry.keySource().code());
        line.put("resource", truncate(entry.resource()));
        line.put("requestId", context == null ? null : context.getAwsRequestId());
        line.put("tokenHash", tokenHash(entry.token()));
        line.put("detail", entry.detail());

        double latencyMillis = entry.latencyNanos() / 1_000_000.0;
        KeySetStats.Drained fetches = stats.drain();
        line.put("DecisionLatency", latencyMillis);
        for (Outcome outcome : Outcome.values()) {
            line.put(outcome.metric, outcome == entry.outcome() ? 1 : 0);
        }
        line.put("JwksFetches", fetches.fetches());
        line.put("JwksFetchFailures", fetches.failures());
        List<Map<String, String>> metrics = new java.util.ArrayList<>(List.of(
                metric("DecisionLatency", "Milliseconds"),
                metric("Allow", "Count"), metric("Unauthorized", "Count"), metric("Error", "Count"),
                metric("JwksFetches", "Count"), metric("JwksFetchFailures", "Count")));
        if (!fetches.latenciesMillis().isEmpty()) {
            line.put("JwksFetchLatency", fetches.latenciesMillis());
            metrics.add(metric("JwksFetchLatency", "Milliseconds"));
        }
        if (entry.keyAge() != null) {
            line.put("KeyAge", entry.keyAge().toSeconds());
            metrics.add(metric("KeyAge", "Seconds"));
        }
        line.put("_aws", Map.of(
                "Timestamp", clock.millis(),
                "CloudWatchMetrics", List.of(Map.of("Namespace", namespace, "Dimensions", List.of(List.of()), "Metrics", metrics))));
        emit(context, line);
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
        if (token == null) {
            return null;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            return null;
        }
    }

    private static String truncate(String value) {
        if (value == null || value.length() <= MAX_VALUE_LENGTH) {
            return value;
        }
        return value.substring(0, MAX_VALUE_LENGTH) + "...";
    }
}
