package dev.gatehouse.authorizer.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.authorizer.exceptions.KeySetFetchException;
import dev.gatehouse.authorizer.testing.JwksServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The HTTP/1.1 framing of {@link HttpJwksFetcher} against a raw server on 127.0.0.1 that writes exactly the bytes a
 * test gives: the shapes a real key-set server (or a CDN in front of it) uses are read, the ambiguous or truncated ones
 * are fetch failures (500 type), never a partly read key set.
 */
class HttpJwksFetcherIT {

    private static final String KEY_SET = "{\"keys\":[]}";
    private static final KeySetPolicy POLICY =
            KeySetPolicy.DEFAULT.withTimeouts(Duration.ofMillis(1000), Duration.ofMillis(2000));

    private static byte[] fetch(String response) throws IOException, KeySetFetchException {
        try (JwksServer.Trickler server = JwksServer.Trickler.raw(response)) {
            return new HttpJwksFetcher(server.uri(), POLICY).fetch(Duration.ofSeconds(3));
        }
    }

    @Test
    void shouldReadAChunkedBodyWithExtensionsAndTrailers() throws Exception {
        byte[] body = fetch("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + "5;name=value\r\n{\"key\r\n"
                + "6\r\ns\":[]}\r\n" + "0\r\nX-Trailer: ignored\r\n\r\n");

        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(KEY_SET);
    }

    @Test
    void shouldReadABodyDelimitedByTheConnectionClosing() throws Exception {
        assertThat(new String(
                        fetch("HTTP/1.0 200 OK\nContent-Type: application/json\n\n" + KEY_SET), StandardCharsets.UTF_8))
                .isEqualTo(KEY_SET);
    }

    @Test
    void shouldReadExactlyTheContentLength() throws Exception {
        assertThat(new String(
                        fetch("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n" + KEY_SET + "garbage"),
                        StandardCharsets.UTF_8))
                .isEqualTo(KEY_SET);
    }

    @ParameterizedTest(name = "should fail as {1} on {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "two different Content-Length headers | jwks_unavailable | HTTP/1.1 200 OK\\r\\nContent-Length: "
                        + "11\\r\\nContent-Length: 5\\r\\n\\r\\n{\"keys\":[]}",
                "a body shorter than its Content-Length | jwks_unavailable | HTTP/1.1 200 "
                        + "OK\\r\\nContent-Length: 50\\r\\n\\r\\n{\"keys\":[]}",
                "a non-numeric Content-Length | jwks_unavailable | HTTP/1.1 200 OK\\r\\nContent-Length: "
                        + "1e3\\r\\n\\r\\n{\"keys\":[]}",
                "a gzip transfer encoding | jwks_unavailable | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: "
                        + "gzip\\r\\n\\r\\n{\"keys\":[]}",
                "a chunked body that ends early | jwks_unavailable | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: "
                        + "chunked\\r\\n\\r\\n5\\r\\n{\"ke",
                "a chunk size that is not hexadecimal | jwks_unavailable | HTTP/1.1 200 "
                        + "OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n{\"keys\":[]}\\r\\n0\\r\\n\\r\\n",
                "a head that never ends | jwks_unavailable | HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\n",
                "no HTTP at all | jwks_unavailable | SSH-2.0-OpenSSH_9.6\\r\\n\\r\\n",
                "a redirect | jwks_http_status | HTTP/1.1 301 Moved Permanently\\r\\nLocation: "
                        + "http://169.254.169.254/\\r\\nContent-Length: 0\\r\\n\\r\\n",
                "a declared length over the cap | jwks_too_large | HTTP/1.1 200 OK\\r\\nContent-Length: "
                        + "99999999\\r\\n\\r\\n{\"keys\":[]}",
                "a chunk over the cap | jwks_too_large | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: "
                        + "chunked\\r\\n\\r\\n5F5E0FF\\r\\n{\"keys\":[]}"
            })
    void shouldFailOnResponsesThatAreNotOneClearKeySetAnswer(String name, String reason, String response) {
        String unescaped = response.replace("\\r", "\r").replace("\\n", "\n");
        assertThatThrownBy(() -> fetch(unescaped))
                .isInstanceOfSatisfying(
                        KeySetFetchException.class,
                        e -> assertThat(e.failure().code()).isEqualTo(reason));
    }

    @Test
    void shouldFetchDirectlyWhateverTheJvmSocksProxySettings() throws Exception {
        // socksProxyHost/-Port are read at every connect of a new Socket() without a Proxy, through the default
        // ProxySelector
        // (https://docs.oracle.com/en/java/javase/21/docs/api/java.base/java/net/doc-files/net-properties.html);
        // an empty socksNonProxyHosts drops the selector's loopback exemption, so 127.0.0.1 would go through the proxy.
        Map<String, String> saved = new HashMap<>();
        try (ServerSocket socks = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                JwksServer server = new JwksServer()) {
            AtomicInteger proxied = new AtomicInteger();
            Thread.ofVirtual().start(() -> {
                while (!socks.isClosed()) {
                    try {
                        Socket accepted = socks.accept();
                        proxied.incrementAndGet();
                        accepted.close();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            Map.of(
                            "socksProxyHost", "127.0.0.1",
                            "socksProxyPort", String.valueOf(socks.getLocalPort()),
                            "socksNonProxyHosts", "")
                    .forEach((name, value) -> saved.put(name, System.setProperty(name, value)));

            byte[] body = new HttpJwksFetcher(server.uri(), POLICY).fetch(Duration.ofSeconds(3));

            assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(KEY_SET);
            assertThat(server.requests).hasValue(1);
            assertThat(proxied).as("connections to the SOCKS proxy").hasValue(0);
        } finally {
            saved.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
        }
    }

    @Test
    void shouldBoundAStalledTlsHandshakeByTheSameDeadline() throws Exception {
        // The server reads the ClientHello and then sends nothing for 10 s: only the fetch deadline ends the handshake.
        try (JwksServer.Trickler stalled = JwksServer.Trickler.head(KEY_SET, 0, 10_000)) {
            URI https = URI.create("https://127.0.0.1:" + stalled.uri().getPort() + JwksServer.PATH);
            HttpJwksFetcher fetcher = new HttpJwksFetcher(
                    https, KeySetPolicy.DEFAULT.withTimeouts(Duration.ofMillis(300), Duration.ofMillis(400)));
            long started = System.nanoTime();

            assertThatThrownBy(() -> fetcher.fetch(Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(
                            KeySetFetchException.class,
                            e -> assertThat(e.failure().code()).isEqualTo("jwks_timeout"));
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("700 ms budget, wide margin")
                    .isLessThan(Duration.ofMillis(7000));
        }
    }

    @Test
    void shouldRefuseAnHttpsServerThatDoesNotSpeakTls() {
        assertThatThrownBy(() -> {
                    try (JwksServer.Trickler plain =
                            JwksServer.Trickler.raw("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n" + KEY_SET)) {
                        new HttpJwksFetcher(
                                        URI.create("https://127.0.0.1:"
                                                + plain.uri().getPort() + JwksServer.PATH),
                                        POLICY)
                                .fetch(Duration.ofSeconds(3));
                    }
                })
                .isInstanceOfSatisfying(
                        KeySetFetchException.class,
                        e -> assertThat(e.failure().code()).isEqualTo("jwks_unavailable"));
    }

    @Test
    void shouldReadABodyOfManySmallChunks() throws Exception {
        // Chunk-size lines are not head bytes: a body sent in small chunks must not hit the 16 KB head cap.
        String json = "{\"keys\":[]," + "\"pad\":\"" + "x".repeat(20_000) + "\"}";
        StringBuilder chunks = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (char c : json.toCharArray()) {
            chunks.append("1\r\n").append(c).append("\r\n");
        }
        chunks.append("0\r\n\r\n");

        assertThat(new String(fetch(chunks.toString()), StandardCharsets.UTF_8)).isEqualTo(json);
    }

    @Test
    void shouldRefuseAHeadLargerThanItsCap() {
        String padding = ("X-Padding: " + "p".repeat(100) + "\r\n").repeat(200);
        assertThatThrownBy(() -> fetch("HTTP/1.1 200 OK\r\n" + padding + "Content-Length: 11\r\n\r\n" + KEY_SET))
                .isInstanceOfSatisfying(KeySetFetchException.class, e -> {
                    assertThat(e.failure().code()).isEqualTo("jwks_unavailable");
                    assertThat(e.getMessage()).contains("headers under");
                });
    }
}
