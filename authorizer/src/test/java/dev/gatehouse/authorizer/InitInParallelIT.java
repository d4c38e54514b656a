package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.authorizer.policy.RouteScopes;
import dev.gatehouse.authorizer.testing.JwksServer.Trickler;
import dev.gatehouse.authorizer.testing.TestKeys;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The init-time key-set fetches run side by side (and beside the rest of init), each within the one init budget.
 *
 * <p>No timing is asserted: two key servers each take about 3 s to answer and the budget is 5 s, so fetching one after
 * the other leaves the second 2 s, too little, while fetching both at once leaves 2 s to spare.
 */
class InitInParallelIT {

    private static final TestKeys KEYS = TestKeys.generate("key-1");

    @Test
    void shouldHydrateEveryIssuerWithinOneBudgetWhenEachFetchTakesMoreThanHalfOfIt() throws IOException {
        String jwks = TestKeys.jwks(KEYS);
        long perByte = 3000 / jwks.length();
        try (Trickler first = Trickler.body(jwks, perByte);
                Trickler second = Trickler.body(jwks, perByte)) {
            String issuers = "[" + issuer("https://first.example/", first) + ","
                    + issuer("https://second.example/", second) + "]";
            List<String> log = new ArrayList<>();

            Authorizer.create(
                    AuthorizerConfig.fromEnv(Map.of(
                            "ISSUERS", issuers,
                            "JWKS_INIT_BUDGET_MILLIS", "5000",
                            "JWKS_CONNECT_TIMEOUT_MILLIS", "1000",
                            "JWKS_READ_TIMEOUT_MILLIS", "5000",
                            "CRYPTO_PROVIDER", "jdk")),
                    RouteScopes.wholeStage(),
                    Clock.systemUTC(),
                    log::add);

            assertThat(log.stream().filter(line -> line.contains("\"jwks_init\"")))
                    .hasSize(2)
                    .allSatisfy(line -> assertThat(line).contains("\"hydrated\":true"));
            assertThat(first.requests).hasValue(1);
            assertThat(second.requests).hasValue(1);
        }
    }

    private static String issuer(String issuer, Trickler server) {
        return "{\"issuer\":\"" + issuer + "\",\"jwksUri\":\"" + server.uri() + "\",\"audiences\":[\"https://api\"]}";
    }
}
