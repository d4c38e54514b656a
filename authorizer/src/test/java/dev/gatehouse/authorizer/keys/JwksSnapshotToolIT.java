package dev.gatehouse.authorizer.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.authorizer.exceptions.KeySetFetchException;
import dev.gatehouse.authorizer.testing.JwksServer;
import dev.gatehouse.authorizer.testing.MutableClock;
import dev.gatehouse.authorizer.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot the tool writes from a live key server is one the authorizer reads and stands on. */
class JwksSnapshotToolIT {

    private static final TestKeys A = TestKeys.generate("a");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));

    @Test
    void shouldWriteASnapshotTheAuthorizerAccepts() throws Exception {
        try (JwksServer server = new JwksServer()) {
            server.serve(TestKeys.jwks(A));
            Path out = dir.resolve("jwks-snapshot.json");

            JwksSnapshotTool.write(out, List.of(server.uri().toString()), clock);

            IssuerConfig issuer = IssuerConfig.of(TestKeys.ISSUER, server.uri(), List.of(TestKeys.AUDIENCE));
            clock.advance(Duration.ofHours(1));
            JwksSnapshot snapshot =
                    JwksSnapshot.load(new JwksSnapshot.Settings(out, Duration.ofDays(1)), null, List.of(issuer), clock);
            assertThat(snapshot.takenAt()).isEqualTo(Instant.parse("2026-12-07T12:00:00Z"));
            assertThat(snapshot.notUsed()).isEmpty();
            JwksKeySource source =
                    new JwksKeySource(issuer, budget -> new byte[0], KeySetPolicy.DEFAULT, clock, new KeySetStats());
            assertThat(snapshot.standIn(source, issuer, clock.instant().plusSeconds(3)))
                    .isTrue();
            assertThat(source.find("a").key().key()).isEqualTo(A.publicKey);
            assertThat(server.requests).hasValue(1);
        }
    }

    @Test
    void shouldWriteNothingForAKeySetWithoutAUsableKeyOrAServerThatFails() throws Exception {
        try (JwksServer server = new JwksServer()) {
            Path out = dir.resolve("jwks-snapshot.json");
            server.serve("{\"keys\":[]}");
            assertThatThrownBy(() ->
                            JwksSnapshotTool.write(out, List.of(server.uri().toString()), clock))
                    .isInstanceOf(KeySetFetchException.class)
                    .hasMessageContaining("has no usable key");
            server.fail(503, "down");
            assertThatThrownBy(() ->
                            JwksSnapshotTool.write(out, List.of(server.uri().toString()), clock))
                    .isInstanceOf(KeySetFetchException.class);
            assertThat(Files.exists(out)).isFalse();
        }
    }
}
