package dev.gatehouse.authorizer.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.authorizer.AuthorizerConfig;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException;
import dev.gatehouse.authorizer.keys.JwksKeySource;
import dev.gatehouse.authorizer.keys.KeySetStats;
import dev.gatehouse.authorizer.testing.TestKeys;
import java.security.Provider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ACCP loaded in the background: the JDK's provider until it resolves, then ACCP, the same verdicts throughout. */
class VerificationProviderTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final TestKeys KEYS = TestKeys.generate("key-1");
    private static final TestKeys STRANGER = TestKeys.generate("key-1");

    @Test
    void shouldResolveTheJdkChoiceAtOnceAndTellListenersRegisteredBeforeOrAfter() {
        VerificationProvider jdk = VerificationProvider.loading(CryptoProvider.JDK);
        List<String> heard = new ArrayList<>();

        jdk.whenResolved(resolved -> heard.add(resolved.name()));

        assertThat(jdk.awaitResolved(Duration.ZERO)).isTrue();
        assertThat(jdk.current()).isEmpty();
        assertThat(heard).containsExactly("jdk");
    }

    @Test
    void shouldServeTheJdkProviderUntilAccpHasLoadedThenAccp() {
        VerificationProvider accp = VerificationProvider.loading(CryptoProvider.ACCP);
        Optional<Provider> before = accp.current();
        List<CryptoProvider.Resolved> heard = new ArrayList<>();
        accp.whenResolved(heard::add);

        // Generous: loading ACCP takes well under a second; this only bounds a broken loader.
        assertThat(accp.awaitResolved(Duration.ofMinutes(2))).isTrue();
        Optional<Provider> resolved = CryptoProvider.ACCP.resolve().provider();
        assertThat(accp.current()).isEqualTo(resolved);
        assertThat(heard)
                .singleElement()
                .satisfies(r -> assertThat(r.provider()).isEqualTo(resolved));
        assertThat(before)
                .satisfiesAnyOf(b -> assertThat(b).isEmpty(), b -> assertThat(b).isEqualTo(resolved));
        List<String> late = new ArrayList<>();
        accp.whenResolved(r -> late.add(r.name()));
        assertThat(late).containsExactly(heard.get(0).name());
    }

    @Test
    void shouldGiveTheSameVerdictsBeforeAndAfterTheSwitch() {
        VerificationProvider switching = VerificationProvider.pending();
        AuthorizerConfig config =
                AuthorizerConfig.of(TestKeys.ISSUER, TestKeys.issuer().jwksUri(), List.of(TestKeys.AUDIENCE));
        TokenVerifier verifier = new TokenVerifier(
                config.issuers(),
                config.tokens(),
                issuer -> new JwksKeySource(issuer, TestKeys.fetcher(KEYS), config.keySets(), CLOCK, new KeySetStats()),
                CLOCK,
                switching);
        String valid = KEYS.sign(KEYS.token(NOW));
        String forged = STRANGER.sign(STRANGER.token(NOW));

        assertThat(verifier.verify(valid).principal().subject()).isEqualTo("m2m-client@clients");
        assertThatThrownBy(() -> verifier.verify(forged)).isInstanceOf(TokenRejectedException.class);

        CryptoProvider.Resolved accp = CryptoProvider.ACCP.resolve();
        switching.resolve(accp);

        assertThat(switching.current()).isSameAs(accp.provider());
        assertThat(verifier.verify(valid).principal().subject()).isEqualTo("m2m-client@clients");
        assertThatThrownBy(() -> verifier.verify(forged)).isInstanceOf(TokenRejectedException.class);
    }
}
