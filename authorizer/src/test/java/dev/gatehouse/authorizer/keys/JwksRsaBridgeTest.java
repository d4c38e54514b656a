package dev.gatehouse.authorizer.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.authorizer.exceptions.KeySetFailure;
import dev.gatehouse.authorizer.exceptions.KeySetFetchException;
import dev.gatehouse.authorizer.testing.TestKeys;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class JwksRsaBridgeTest {

    private static final URI JWKS = URI.create("https://gatehouse-test.auth0.com/.well-known/jwks.json");
    private static final TestKeys KEYS = TestKeys.generate("key-1");

    private static JwksRsaBridge bridge(JwksFetcher fetcher) {
        return new JwksRsaBridge(JWKS, fetcher, List.of("RS256"));
    }

    private static JwksFetcher serving(String json) {
        return budget -> json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldConvertThePublishedKeyThroughJwksRsa() throws KeySetFetchException {
        JwksParser.Parsed parsed = bridge(TestKeys.fetcher(KEYS)).fetch(Duration.ofSeconds(1));

        assertThat(parsed.keys()).containsOnlyKeys("key-1");
        assertThat(((RSAPublicKey) parsed.keys().get("key-1").key()).getModulus())
                .isEqualTo(KEYS.publicKey.getModulus());
    }

    @Test
    void shouldHandTheBudgetToOurFetcherAndKeepItsFailureThroughJwksRsa() {
        AtomicReference<Duration> asked = new AtomicReference<>();
        JwksRsaBridge timingOut = bridge(budget -> {
            asked.set(budget);
            throw new KeySetFetchException(KeySetFailure.TIMEOUT, "timed out", null);
        });

        assertThatThrownBy(() -> timingOut.fetch(Duration.ofMillis(1234)))
                .isInstanceOfSatisfying(
                        KeySetFetchException.class, e -> assertThat(e.failure()).isEqualTo(KeySetFailure.TIMEOUT));
        assertThat(asked).hasValue(Duration.ofMillis(1234));
    }

    @Test
    void shouldTreatAnEmptySetAsValidWithNoKeysThoughJwksRsaRefusesIt() throws KeySetFetchException {
        JwksParser.Parsed parsed = bridge(serving("{\"keys\":[]}")).fetch(Duration.ofSeconds(1));

        assertThat(parsed.keys()).isEmpty();
        assertThat(parsed.refused()).isZero();
    }

    @Test
    void shouldKeepTheGoodKeysWhenAnotherEntryHasNoKtyThoughJwksRsaWouldFailTheWholeSet() throws KeySetFetchException {
        String good = TestKeys.jwks(KEYS);
        String withBroken = good.replace("{\"keys\":[", "{\"keys\":[{\"kid\":\"broken\",\"n\":\"AQAB\"},");

        JwksParser.Parsed parsed = bridge(serving(withBroken)).fetch(Duration.ofSeconds(1));

        assertThat(parsed.keys()).containsOnlyKeys("key-1");
        assertThat(parsed.unusable()).containsEntry("broken", JwksParser.Unusable.KTY);
    }

    @Test
    void shouldRefuseAMemberNamedTwiceWhichJwksRsaWouldAccept() {
        JwksRsaBridge duplicate = bridge(serving("{\"keys\":[],\"keys\":[]}"));

        assertThatThrownBy(() -> duplicate.fetch(Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(
                        KeySetFetchException.class, e -> assertThat(e.failure()).isEqualTo(KeySetFailure.INVALID));
    }
}
