package dev.gatehouse.authorizer.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.authorizer.exceptions.KeySetFetchException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 6: one deadline covers connect, status line, headers and body of a key-set fetch, whatever a server
 * on 127.0.0.1 does. The servers below send one byte every 100 ms, so each read gets data well inside the read timeout
 * and only an overall deadline can stop the fetch. Bounds are wide (the budget is 0.3 s; the assertion allows 15 s,
 * the trickle would last about 30 s): a loaded machine cannot make them flake.
 */
class HttpJwksFetcherDeadlineIT {

    private static final String KEYS = "{\"keys\":[]}";
    private static final String HEADERS = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: "
            + "p".repeat(300) + "\r\nContent-Length: " + KEYS.length() + "\r\n\r\n";

    private static KeySetPolicy policy() {
        return new KeySetPolicy(
                Duration.ofMillis(100),
                Duration.ofMillis(200),
                KeySetPolicy.DEFAULT_MAX_BYTES,
                KeySetPolicy.DEFAULT_TTL,
                KeySetPolicy.DEFAULT_MAX_STALE,
                KeySetPolicy.DEFAULT_COOLDOWN,
                KeySetPolicy.DEFAULT_FAILURE_BACKOFF,
                KeySetPolicy.DEFAULT_NEGATIVE_TTL,
                KeySetPolicy.DEFAULT_INIT_BUDGET);
    }

    @Test
    void shouldBoundAFetchWhoseServerTricklesItsStatusLineAndHeaders() throws Exception {
        try (TricklingServer server = new TricklingServer(HEADERS + KEYS, 0)) {
            long started = System.nanoTime();

            assertThatThrownBy(() -> new HttpJwksFetcher(server.uri(), policy()).fetch(Duration.ofSeconds(10)))
                    .isInstanceOfSatisfying(
                            KeySetFetchException.class,
                            e -> assertThat(e.failure().code()).isEqualTo("jwks_timeout"));

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void shouldBoundAFetchWhoseServerTricklesItsBody() throws Exception {
        String body = "{\"keys\":[" + " ".repeat(300) + "]}";
        String headers =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n";
        try (TricklingServer server = new TricklingServer(headers + body, headers.length())) {
            long started = System.nanoTime();

            assertThatThrownBy(() -> new HttpJwksFetcher(server.uri(), policy()).fetch(Duration.ofSeconds(10)))
                    .isInstanceOfSatisfying(
                            KeySetFetchException.class,
                            e -> assertThat(e.failure().code()).isEqualTo("jwks_timeout"));

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void shouldStillFetchFromAPromptServer() throws Exception {
        try (TricklingServer server = new TricklingServer(HEADERS + KEYS, Integer.MAX_VALUE)) {
            byte[] fetched = new HttpJwksFetcher(server.uri(), policy()).fetch(Duration.ofSeconds(10));

            assertThat(new String(fetched, StandardCharsets.UTF_8)).isEqualTo(KEYS);
        }
    }

    /**
     * Answers every connection with {@code response}: the first {@code prompt} bytes at once, then one byte per 100 ms.
     */
    private static final class TricklingServer implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;

        TricklingServer(String response, int prompt) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            byte[] bytes = response.getBytes(StandardCharsets.US_ASCII);
            thread = new Thread(
                    () -> {
                        while (!socket.isClosed()) {
                            try (Socket client = socket.accept()) {
                                client.setTcpNoDelay(true);
                                OutputStream out = client.getOutputStream();
                                int first = Math.min(prompt, bytes.length);
                                out.write(bytes, 0, first);
                                out.flush();
                                for (int i = first; i < bytes.length && !socket.isClosed(); i++) {
                                    out.write(bytes[i]);
                                    out.flush();
                                    Thread.sleep(100);
                                }
                                // Let the client finish reading before the socket closes.
                                Thread.sleep(200);
                            } catch (IOException | InterruptedException e) {
                                // the client gave up or the server closed: next connection, or the loop ends
                            }
                        }
                    },
                    "trickling-jwks-server");
            thread.setDaemon(true);
            thread.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/.well-known/jwks.json");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
