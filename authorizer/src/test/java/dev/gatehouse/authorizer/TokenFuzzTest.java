package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Property-based fuzzing through the REST handler: random strings and single mutations of a valid token never yield a
 * policy and never any failure other than exactly {@code Unauthorized}.
 */
class TokenFuzzTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final TestKeys KEYS = TestKeys.generate("key-1");
    private static final String VALID = KEYS.sign(KEYS.token(NOW));
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+/=";
    private static final AuthorizerHandler HANDLER = handler();

    private static AuthorizerHandler handler() {
        AuthorizerConfig config = AuthorizerConfig.of(TestKeys.ISSUER, URI.create("https://gatehouse-test.auth0.com/.well-known/jwks.json"), List.of(TestKeys.AUDIENCE));
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        TokenVerifier verifier = new TokenVerifier(config,
                issuer -> new JwksKeySource(issuer, TestKeys.fetcher(KEYS), config.keySets(), clock, new KeySetStats()), clock);
        return new AuthorizerHandler(new Authorizer(verifier, new DecisionLog(line -> {})), new PolicyFactory(RouteScopes.wholeStage()));
    }

    private static void assertOnlyUnauthorized(String authorization) {
        APIGatewayCustomAuthorizerEvent event = new APIGatewayCustomAuthorizerEvent();
        event.setType("TOKEN");
        event.setMethodArn("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/hello-world");
        event.setAuthorizationToken(authorization);
        assertThatThrownBy(() -> HANDLER.handleRequest(event, null))
                .isExactlyInstanceOf(UnauthorizedException.class)
                .hasMessage("Unauthorized");
    }

    @Property(tries = 300)
    void shouldAnswerOnlyUnauthorizedForRandomStrings(@ForAll("tokenish") String token) {
        assertOnlyUnauthorized("Bearer " + token);
    }

    @Property(tries = 200)
    void shouldAnswerOnlyUnauthorizedForArbitraryHeaderValues(@ForAll String authorization) {
        assertOnlyUnauthorized(authorization);
    }

    @Property(tries = 500)
    void shouldAnswerOnlyUnauthorizedForAnySingleCharacterChangeOfAValidToken(
            @ForAll @IntRange(min = 0, max = 4000) int position, @ForAll("alphabet") char replacement) {
        int at = position % VALID.length();
        Assume.that(VALID.charAt(at) != replacement);
        String mutated = VALID.substring(0, at) + replacement + VALID.substring(at + 1);

        assertOnlyUnauthorized("Bearer " + mutated);
    }

    @Property(tries = 200)
    void shouldAnswerOnlyUnauthorizedForInsertedOrDeletedCharacters(
            @ForAll @IntRange(min = 0, max = 4000) int position, @ForAll("alphabet") char inserted, @ForAll boolean delete) {
        int at = position % VALID.length();
        String mutated = delete ? VALID.substring(0, at) + VALID.substring(at + 1) : VALID.substring(0, at) + inserted + VALID.substring(at);

        assertOnlyUnauthorized("Bearer " + mutated);
    }

    @Property(tries = 100)
    void shouldAnswerOnlyUnauthorizedForSwappedSegments(@ForAll @IntRange(min = 0, max = 5) int permutation) {
        String[] p = VALID.split("\\.");
        int[][] orders = {{0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}, {0, 0, 2}};
        int[] order = orders[permutation];
        assertOnlyUnauthorized("Bearer " + p[order[0]] + "." + p[order[1]] + "." + p[order[2]]);
    }

    @Provide
    Arbitrary<String> tokenish() {
        return Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMinLength(0).ofMaxLength(600);
    }

    @Provide
    Arbitrary<Character> alphabet() {
        return Arbitraries.of(ALPHABET.chars().mapToObj(c -> (char) c).toList());
    }

    @net.jqwik.api.Example
    void shouldStillAllowTheUnmutatedToken() {
        APIGatewayCustomAuthorizerEvent event = new APIGatewayCustomAuthorizerEvent();
        event.setType("TOKEN");
        event.setMethodArn("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/hello-world");
        event.setAuthorizationToken("Bearer " + VALID);
        assertThat(HANDLER.handleRequest(event, null).getPrincipalId()).isEqualTo("m2m-client@clients");
    }
}
