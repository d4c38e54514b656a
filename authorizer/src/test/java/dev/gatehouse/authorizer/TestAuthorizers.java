package dev.gatehouse.authorizer;

import dev.gatehouse.authorizer.keys.JwksFetcher;
import dev.gatehouse.authorizer.keys.JwksKeySource;
import dev.gatehouse.authorizer.keys.KeySetStats;
import dev.gatehouse.authorizer.policy.PolicyFactory;
import dev.gatehouse.authorizer.testing.TestKeys;
import dev.gatehouse.authorizer.token.TokenVerifier;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;

/** The handler tests' authorizer: the test issuer and audience, keys from a given fetcher, a fixed clock. */
final class TestAuthorizers {

    static final AuthorizerConfig CONFIG = AuthorizerConfig.of(
            TestKeys.ISSUER,
            URI.create("https://gatehouse-test.auth0.com/.well-known/jwks.json"),
            List.of(TestKeys.AUDIENCE));

    private TestAuthorizers() {}

    /** A verifier of the test issuer's tokens at {@code now}, its keys from {@code keys}. */
    static TokenVerifier verifier(JwksFetcher keys, Instant now) {
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        return new TokenVerifier(
                CONFIG.issuers(),
                CONFIG.tokens(),
                issuer -> new JwksKeySource(issuer, keys, CONFIG.keySets(), clock, new KeySetStats()),
                clock);
    }

    /** An authorizer over {@link #verifier}, deciding with {@code policies}, its log lines to {@code log}. */
    static Authorizer authorizer(JwksFetcher keys, Instant now, PolicyFactory policies, Consumer<String> log) {
        return new Authorizer(verifier(keys, now), policies, new DecisionLog(log));
    }
}
