package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.authorizer.policy.RouteSamples;
import dev.gatehouse.authorizer.testing.JwksServer;
import dev.gatehouse.authorizer.testing.TestKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The init-time key-set fetches run side by side (and beside the rest of init), each within the one init budget.
 *
 * <p>No timing is asserted: each of the two key servers answers only once both have been asked. Fetching one after
 * the other leaves the first waiting for a request that comes only after it gave up (its read timeout), so it is not
 * hydrated; fetching both at once gets both answers at once.
 */
class InitInParallelIT {

    private static final TestKeys KEYS = TestKeys.generate("key-1");

    @Test
    void shouldHydrateEveryIssuerWithinOneBudgetWhenEachFetchWaitsForTheOther() throws IOException {
        CountDownLatch bothAsked = new CountDownLatch(2);
        AtomicInteger requests = new AtomicInteger();
        List<HttpServer> servers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                servers.add(rendezvous(TestKeys.jwks(KEYS), bothAsked, requests));
            }
            String issuers = "[" + issuer("https://first.example/", servers.get(0)) + ","
                    + issuer("https://second.example/", servers.get(1)) + "]";
            List<String> log = new ArrayList<>();

            Authorizer.create(
                    AuthorizerConfig.fromEnv(Map.of(
                            "ISSUERS", issuers,
                            "JWKS_INIT_BUDGET_MILLIS", "10000",
                            "JWKS_CONNECT_TIMEOUT_MILLIS", "1000",
                            "JWKS_READ_TIMEOUT_MILLIS", "5000",
                            "CRYPTO_PROVIDER", "jdk")),
                    RouteSamples.wholeStage(),
                    Clock.systemUTC(),
                    log::add);

            assertThat(log.stream().filter(line -> line.contains("\"jwks_init\"")))
                    .hasSize(2)
                    .allSatisfy(line -> assertThat(line).contains("\"hydrated\":true"));
            assertThat(requests).as("one fetch per issuer").hasValue(2);
        } finally {
            servers.forEach(server -> server.stop(0));
        }
    }

    /** A key server that answers once {@code bothAsked} has been counted down by every server sharing it. */
    private static HttpServer rendezvous(String jwks, CountDownLatch bothAsked, AtomicInteger requests)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "rendezvous-jwks");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            try (exchange) {
                bothAsked.countDown();
                if (!bothAsked.await(20, TimeUnit.SECONDS)) {
                    return;
                }
                byte[] bytes = jwks.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client gave up
            }
        });
        server.start();
        return server;
    }

    private static String issuer(String issuer, HttpServer server) {
        return "{\"issuer\":\"" + issuer + "\",\"jwksUri\":\"http://127.0.0.1:"
                + server.getAddress().getPort() + JwksServer.PATH + "\",\"audiences\":[\"https://api\"]}";
    }
}
