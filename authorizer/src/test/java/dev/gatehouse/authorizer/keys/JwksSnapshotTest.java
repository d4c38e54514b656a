package dev.gatehouse.authorizer.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import dev.gatehouse.authorizer.testing.MutableClock;
import dev.gatehouse.authorizer.testing.TestKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and checking a bundled key-set snapshot. */
class JwksSnapshotTest {

    private static final TestKeys A = TestKeys.generate("a");
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final IssuerConfig ISSUER = TestKeys.issuer();

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(NOW);

    private Path write(String json) throws IOException {
        Path file = dir.resolve("jwks-snapshot.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }

    private String snapshot(Instant takenAt, String jwksUri) {
        return "{\"takenAt\":\"" + takenAt + "\",\"keySets\":{\"" + jwksUri + "\":" + TestKeys.jwks(A) + "}}";
    }

    private JwksSnapshot load(Path file, Duration maxAge) {
        return JwksSnapshot.load(new JwksSnapshot.Settings(file, maxAge), null, List.of(ISSUER), clock);
    }

    @Test
    void shouldReadTheKeySetOfEveryConfiguredIssuerAndStandIn() throws IOException {
        Path file =
                write(snapshot(NOW.minus(Duration.ofHours(3)), ISSUER.jwksUri().toString()));

        JwksSnapshot snapshot = load(file, Duration.ofDays(1));

        assertThat(snapshot.notUsed()).isEmpty();
        assertThat(snapshot.takenAt()).isEqualTo(NOW.minus(Duration.ofHours(3)));
        JwksKeySource source = new JwksKeySource(
                ISSUER,
                budget -> {
                    throw new AssertionError("no fetch expected");
                },
                KeySetPolicy.DEFAULT,
                clock,
                new KeySetStats());
        assertThat(snapshot.standIn(source, ISSUER, NOW.plusSeconds(3))).isTrue();
        assertThat(source.find("a").source()).isEqualTo(JwksKeySource.Source.SNAPSHOT);
    }

    @Test
    void shouldResolveARelativePathAgainstTheTaskRoot() throws IOException {
        write(snapshot(NOW, ISSUER.jwksUri().toString()));

        JwksSnapshot snapshot = JwksSnapshot.load(
                new JwksSnapshot.Settings(Path.of("jwks-snapshot.json"), Duration.ofDays(1)),
                dir.toString(),
                List.of(ISSUER),
                clock);

        assertThat(snapshot.notUsed()).isEmpty();
    }

    @Test
    void shouldNotUseASnapshotOlderThanItsMaximumAgeOrDatedInTheFuture() throws IOException {
        Path old = write(snapshot(
                NOW.minus(Duration.ofDays(1)).minusSeconds(1), ISSUER.jwksUri().toString()));
        JwksSnapshot tooOld = load(old, Duration.ofDays(1));
        assertThat(tooOld.notUsed())
                .hasValueSatisfying(why -> assertThat(why).contains("JWKS_SNAPSHOT_MAX_AGE_SECONDS=86400"));
        JwksKeySource source =
                new JwksKeySource(ISSUER, budget -> new byte[0], KeySetPolicy.DEFAULT, clock, new KeySetStats());
        assertThat(tooOld.standIn(source, ISSUER, NOW.plusSeconds(3))).isFalse();

        Path future =
                write(snapshot(NOW.plus(Duration.ofMinutes(6)), ISSUER.jwksUri().toString()));
        assertThat(load(future, Duration.ofDays(1)).notUsed())
                .hasValueSatisfying(why -> assertThat(why).contains("in the future"));
        // Within the allowed skew it is used.
        Path skewed =
                write(snapshot(NOW.plus(Duration.ofMinutes(4)), ISSUER.jwksUri().toString()));
        assertThat(load(skewed, Duration.ofDays(1)).notUsed()).isEmpty();
    }

    @Test
    void shouldRefuseASnapshotItCannotHonour() throws IOException {
        assertThatThrownBy(() -> load(dir.resolve("missing.json"), Duration.ofDays(1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("JWKS_SNAPSHOT names ")
                .hasMessageEndingWith("which cannot be read as JSON (NoSuchFileException)");
        Path other = write(snapshot(NOW, "https://other.example/jwks.json"));
        assertThatThrownBy(() -> load(other, Duration.ofDays(1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("holds no key set for " + ISSUER.jwksUri());
        Path notASnapshot = write(TestKeys.jwks(A));
        assertThatThrownBy(() -> load(notASnapshot, Duration.ofDays(1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("must hold {\"takenAt\"");
        Path badInstant = write(snapshot(NOW, ISSUER.jwksUri().toString()).replace(NOW.toString(), "yesterday"));
        assertThatThrownBy(() -> load(badInstant, Duration.ofDays(1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageEndingWith("takenAt is not an ISO-8601 instant");
        Path unusable = write("{\"takenAt\":\"" + NOW + "\",\"keySets\":{\"" + ISSUER.jwksUri() + "\":{\"keys\":3}}}");
        assertThatThrownBy(() -> load(unusable, Duration.ofDays(1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is unusable");
        Path twice = write("{\"takenAt\":\"" + NOW + "\",\"takenAt\":\"" + NOW + "\",\"keySets\":{}}");
        assertThatThrownBy(() -> load(twice, Duration.ofDays(1))).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> new JwksSnapshot.Settings(Path.of("x"), Duration.ofDays(31)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("JWKS_SNAPSHOT_MAX_AGE_SECONDS must be between 1 and 2592000 seconds");
    }
}
