package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.gatehouse.authorizer.exceptions.UnauthorizedException;
import dev.gatehouse.authorizer.policy.RouteSamples;
import dev.gatehouse.authorizer.testing.JwksServer;
import dev.gatehouse.authorizer.testing.TestKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundled key-set snapshot answers while the live fetch is in flight, and a key the issuer has since removed stops
 * being trusted the moment the live fetch completes. The key server holds its answer until the test releases it, so
 * nothing depends on timing (the read timeout, 5 s, only bounds a test that hangs).
 */
class JwksSnapshotIT {

    private static final TestKeys REMOVED = TestKeys.generate("removed");
    private static final TestKeys CURRENT = TestKeys.generate("current");

    @TempDir
    Path dir;

    private final FakeContext context = new FakeContext();
    private final List<String> initLog = new CopyOnWriteArrayList<>();

    private Path snapshot(Instant takenAt, String jwksUri, TestKeys... keys) throws IOException {
        Path file = dir.resolve("jwks-snapshot.json");
        Files.writeString(
                file,
                "{\"takenAt\":\"" + takenAt + "\",\"keySets\":{\"" + jwksUri + "\":" + TestKeys.jwks(keys) + "}}",
                StandardCharsets.UTF_8);
        return file;
    }

    private AuthorizerHandler handler(JwksServer jwks, Path snapshot) {
        return new AuthorizerHandler(Authorizer.create(
                AuthorizerConfig.fromEnv(Map.of(
                        "TOKEN_ISSUER",
                        TestKeys.ISSUER,
                        "JWKS_URI",
                        jwks.uri().toString(),
                        "AUDIENCE",
                        TestKeys.AUDIENCE,
                        "JWKS_SNAPSHOT",
                        snapshot.toString(),
                        "JWKS_INIT_BUDGET_MILLIS",
                        "10000",
                        "JWKS_READ_TIMEOUT_MILLIS",
                        "5000",
                        "CRYPTO_PROVIDER",
                        "jdk")),
                RouteSamples.wholeStage(),
                Clock.systemUTC(),
                initLog::add));
    }

    private IamPolicyResponseV1 decide(AuthorizerHandler handler, TestKeys keys) {
        return handler.handleRequest(
                Events.authorizerEvent("authorizer-token.json", keys.sign(keys.token(Instant.now()))), context);
    }

    @Test
    void shouldAnswerFromTheSnapshotUntilTheLiveFetchCompletesThenOnlyFromTheLiveSet() throws Exception {
        try (JwksServer jwks = new JwksServer()) {
            CountDownLatch release = new CountDownLatch(1);
            jwks.holdUntil(release, TestKeys.jwks(CURRENT));
            Path file = snapshot(
                    Instant.now().minus(Duration.ofHours(1)), jwks.uri().toString(), REMOVED);

            // Init returns with the live fetch still held by the server.
            AuthorizerHandler handler = handler(jwks, file);
            assertThat(initLog).noneMatch(line -> line.contains("\"jwks_init\""));
            assertThat(initLog).anyMatch(line -> line.contains("\"jwks_snapshot\"") && line.contains("\"used\":true"));

            assertThat(decide(handler, REMOVED).getPolicyDocument()).isNotNull();
            assertThat(context.lines.getLast()).contains("\"outcome\":\"allow\"", "\"keySource\":\"snapshot\"");

            release.countDown();
            awaitInitLine();
            assertThat(initLog)
                    .filteredOn(line -> line.contains("\"jwks_init\""))
                    .singleElement()
                    .satisfies(line -> assertThat(line).contains("\"hydrated\":true", "\"snapshotStoodIn\":true"));

            // The live set no longer has the snapshot's key: refused at once; the live key is served from the cache.
            assertThatThrownBy(() -> decide(handler, REMOVED)).isInstanceOf(UnauthorizedException.class);
            assertThat(decide(handler, CURRENT).getPolicyDocument()).isNotNull();
            assertThat(context.lines.getLast()).contains("\"keySource\":\"cache\"");
            assertThat(jwks.requests).hasValue(1);
        }
    }

    @Test
    void shouldFetchAtInitAsWithoutASnapshotWhenTheSnapshotIsTooOld() throws Exception {
        try (JwksServer jwks = new JwksServer()) {
            jwks.serve(TestKeys.jwks(CURRENT));
            Path file =
                    snapshot(Instant.now().minus(Duration.ofDays(2)), jwks.uri().toString(), REMOVED);

            AuthorizerHandler handler = handler(jwks, file);

            assertThat(initLog)
                    .anyMatch(line -> line.contains("\"jwks_snapshot\"")
                            && line.contains("\"used\":false")
                            && line.contains("JWKS_SNAPSHOT_MAX_AGE_SECONDS=86400"));
            assertThat(initLog).anyMatch(line -> line.contains("\"jwks_init\"") && line.contains("\"hydrated\":true"));
            assertThatThrownBy(() -> decide(handler, REMOVED)).isInstanceOf(UnauthorizedException.class);
        }
    }

    /** Polls for the init line the fetch thread writes when it completes; gives up (and fails) after 20 s. */
    private void awaitInitLine() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (initLog.stream().noneMatch(line -> line.contains("\"jwks_init\"")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
