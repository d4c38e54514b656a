package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.authorizer.DecisionLog.Entry;
import dev.gatehouse.authorizer.exceptions.KeySetFailure;
import dev.gatehouse.authorizer.exceptions.KeysUnavailableException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException.Reason;
import dev.gatehouse.authorizer.keys.JwksKeySource;
import dev.gatehouse.authorizer.keys.KeySetStats;
import dev.gatehouse.authorizer.token.VerificationProvider;
import dev.gatehouse.authorizer.token.VerifiedToken;
import dev.gatehouse.common.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decision line is also a CloudWatch Embedded Metric Format document. */
class DecisionLogTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    private final List<String> lines = new ArrayList<>();
    private final KeySetStats stats = new KeySetStats();
    private final DecisionLog log =
            new DecisionLog(lines::add, stats, "Gatehouse/Test", Clock.fixed(NOW, ZoneOffset.UTC));
    private final FakeContext context = new FakeContext();

    @Test
    void shouldWriteOneEmfLineWithDecisionAndKeySetMetrics() throws Exception {
        stats.fetched(12, true);
        stats.fetched(1500, false);
        Principal principal = new Principal("sub-1", List.of("read:x"), Optional.of("client-1"), "https://issuer/");

        VerifiedToken verified =
                new VerifiedToken(principal, "kid-1", JwksKeySource.Source.STALE, Duration.ofSeconds(700));
        log.write(
                context,
                Entry.allowed(
                        "header.payload.signature",
                        verified,
                        "arn:aws:execute-api:us-east-1:1:a/dev/GET/x",
                        2_500_000));

        JsonNode line = new ObjectMapper().readTree(context.lines.getFirst());
        assertThat(line.get("outcome").asText()).isEqualTo("allow");
        assertThat(line.get("keySource").asText()).isEqualTo("stale");
        assertThat(line.get("requestId").asText()).isEqualTo(context.getAwsRequestId());
        assertThat(line.get("tokenHash").asText())
                .hasSize(16)
                .isEqualTo(DecisionLog.tokenHash("header.payload.signature"));
        assertThat(line.get("Allow").asInt()).isEqualTo(1);
        assertThat(line.get("Unauthorized").asInt()).isZero();
        assertThat(line.get("Error").asInt()).isZero();
        assertThat(line.get("DecisionLatency").asDouble()).isEqualTo(2.5);
        assertThat(line.get("JwksFetches").asInt()).isEqualTo(2);
        assertThat(line.get("JwksFetchFailures").asInt()).isEqualTo(1);
        assertThat(line.get("JwksFetchLatency")).hasSize(2);
        assertThat(line.get("KeyAge").asInt()).isEqualTo(700);
        JsonNode aws = line.get("_aws");
        assertThat(aws.get("Timestamp").asLong()).isEqualTo(NOW.toEpochMilli());
        JsonNode directive = aws.get("CloudWatchMetrics").get(0);
        assertThat(directive.get("Namespace").asText()).isEqualTo("Gatehouse/Test");
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[]]");
        List<String> declared = new ArrayList<>();
        directive.get("Metrics").forEach(metric -> {
            declared.add(metric.get("Name").asText());
            assertThat(line.has(metric.get("Name").asText()))
                    .as("every declared metric has a value")
                    .isTrue();
        });
        assertThat(declared)
                .contains(
                        "Allow",
                        "Unauthorized",
                        "Error",
                        "DecisionLatency",
                        "JwksFetches",
                        "JwksFetchFailures",
                        "JwksFetchLatency",
                        "KeyAge");
        assertThat(context.lines.getFirst()).doesNotContain("header.payload.signature");
    }

    @Test
    void shouldRecordEveryMetricUnderTheConfiguredDimensions() throws Exception {
        Map<String, String> dimensions = new LinkedHashMap<>();
        dimensions.put("Service", "gatehouse");
        dimensions.put("Stage", "prod \"eu\"");
        DecisionLog dimensioned = new DecisionLog(
                lines::add,
                stats,
                "Gatehouse/Test",
                dimensions,
                Clock.fixed(NOW, ZoneOffset.UTC),
                VerificationProvider.fixed(Optional.empty()));

        dimensioned.write(
                null, Entry.rejected(null, new TokenRejectedException(Reason.UNKNOWN_KEY_ID, "unknown"), null, 0));

        JsonNode line = new ObjectMapper().readTree(lines.getFirst());
        // EMF reads each dimension's value from the member of that name.
        assertThat(line.get("Service").asText()).isEqualTo("gatehouse");
        assertThat(line.get("Stage").asText()).isEqualTo("prod \"eu\"");
        assertThat(line.get("_aws")
                        .get("CloudWatchMetrics")
                        .get(0)
                        .get("Dimensions")
                        .toString())
                .isEqualTo("[[\"Service\",\"Stage\"]]");
    }

    @Test
    void shouldNotRepeatDrainedFetchCounts() throws Exception {
        stats.fetched(5, true);
        log.write(null, Entry.rejected(null, new TokenRejectedException(Reason.UNKNOWN_KEY_ID, "unknown"), null, 0));
        log.write(
                null,
                Entry.keysUnavailable(
                        null, new KeysUnavailableException(KeySetFailure.TIMEOUT, "timed out", null, null), null, 0));

        assertThat(new ObjectMapper().readTree(lines.get(0)).get("JwksFetches").asInt())
                .isEqualTo(1);
        JsonNode second = new ObjectMapper().readTree(lines.get(1));
        assertThat(second.get("JwksFetches").asInt()).isZero();
        assertThat(second.get("Error").asInt()).isEqualTo(1);
        assertThat(second.has("JwksFetchLatency")).isFalse();
    }

    @Test
    void shouldEscapeHostileValuesIntoValidJson() throws Exception {
        String hostile = "evil\"},{\"outcome\":\"allow\\\n\r\t\u0001\u2028é☃";
        log.write(
                null,
                Entry.rejected(
                        "a.b.c",
                        new TokenRejectedException(Reason.WRONG_ISSUER, hostile, hostile, hostile, null),
                        hostile,
                        0));

        JsonNode line = new ObjectMapper().readTree(lines.getFirst());
        assertThat(line.get("outcome").asText()).isEqualTo("unauthorized");
        assertThat(line.get("kid").asText()).isEqualTo(hostile);
        assertThat(line.get("issuer").asText()).isEqualTo(hostile);
        assertThat(line.get("detail").asText()).isEqualTo(hostile);
        assertThat(lines.getFirst()).doesNotContain("\n").doesNotContain("\u2028");
    }
}
