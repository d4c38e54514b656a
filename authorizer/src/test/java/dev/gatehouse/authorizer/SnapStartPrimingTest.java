package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.authorizer.keys.JwksKeySource;
import dev.gatehouse.authorizer.keys.KeySetPolicy;
import dev.gatehouse.authorizer.keys.KeySetStats;
import dev.gatehouse.authorizer.policy.RouteSamples;
import dev.gatehouse.authorizer.testing.MutableClock;
import dev.gatehouse.authorizer.testing.TestKeys;
import dev.gatehouse.authorizer.token.CryptoProvider;
import dev.gatehouse.authorizer.token.VerificationProvider;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SnapStartPrimingTest {

    @Test
    void shouldRunAllowedSyntheticDecisionsBeforeTheCheckpointWithoutNetworkOrLogs() {
        for (CryptoProvider crypto : CryptoProvider.values()) {
            SnapStartPriming priming = new SnapStartPriming(
                    List.of(),
                    VerificationProvider.fixed(crypto.resolve().provider()),
                    KeySetPolicy.DEFAULT,
                    300,
                    Duration.ofSeconds(60));

            priming.beforeCheckpoint(null);

            assertThat(priming.primed()).as(crypto.name()).isEqualTo(300);
        }
    }

    @Test
    void shouldStopPrimingAtItsTimeBudget() {
        SnapStartPriming priming = new SnapStartPriming(
                List.of(),
                VerificationProvider.fixed(Optional.empty()),
                KeySetPolicy.DEFAULT,
                Integer.MAX_VALUE,
                Duration.ofMillis(200));

        long started = System.nanoTime();
        int done = priming.prime();

        assertThat(done).isPositive().isLessThan(Integer.MAX_VALUE);
        // Key generation and token signing come before the budget starts; the loop itself stops at it.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void shouldRefetchKeySetsOlderThanTheirTtlAfterARestore() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-24T12:00:00Z"));
        AtomicInteger fetches = new AtomicInteger();
        byte[] jwks = TestKeys.jwks(TestKeys.generate("key-1")).getBytes(StandardCharsets.UTF_8);
        JwksKeySource keys = new JwksKeySource(
                TestKeys.issuer(),
                budget -> {
                    fetches.incrementAndGet();
                    return jwks;
                },
                KeySetPolicy.DEFAULT,
                clock,
                new KeySetStats());
        keys.hydrate(Duration.ofSeconds(1));
        SnapStartPriming priming = new SnapStartPriming(
                List.of(keys), VerificationProvider.fixed(Optional.empty()), KeySetPolicy.DEFAULT, 0, Duration.ZERO);

        priming.afterRestore(null);
        assertThat(priming.refreshed()).as("fresh keys are kept").isZero();
        assertThat(fetches).hasValue(1);

        clock.advance(KeySetPolicy.DEFAULT.ttl().plusDays(2));
        priming.afterRestore(null);

        assertThat(priming.refreshed()).isEqualTo(1);
        assertThat(fetches).hasValue(2);
        assertThat(keys.keyAge()).isZero();
    }

    @Test
    void shouldRegisterTheHooksOfEveryAuthorizerItBuilds() {
        Authorizer authorizer = Authorizer.create(
                AuthorizerConfig.of(
                                TestKeys.ISSUER,
                                URI.create("http://127.0.0.1:1/.well-known/jwks.json"),
                                List.of(TestKeys.AUDIENCE))
                        .withKeySets(new KeySetPolicy(
                                KeySetPolicy.DEFAULT_CONNECT_TIMEOUT,
                                KeySetPolicy.DEFAULT_READ_TIMEOUT,
                                KeySetPolicy.DEFAULT_MAX_BYTES,
                                KeySetPolicy.DEFAULT_TTL,
                                KeySetPolicy.DEFAULT_MAX_STALE,
                                KeySetPolicy.DEFAULT_COOLDOWN,
                                KeySetPolicy.DEFAULT_FAILURE_BACKOFF,
                                KeySetPolicy.DEFAULT_NEGATIVE_TTL,
                                Duration.ZERO)),
                RouteSamples.wholeStage(),
                Clock.systemUTC(),
                line -> {});

        assertThat(authorizer.priming()).isPresent();
    }
}
