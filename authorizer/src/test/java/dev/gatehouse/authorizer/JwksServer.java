package dev.gatehouse.authorizer;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A JWKS endpoint on 127.0.0.1 whose answer the test controls (a body, an error status, a hang, a trickle), counting
 * the requests it serves. Hangs are bounded: they end when the server closes or after 10 seconds.
 */
final class JwksServer implements AutoCloseable {

    static final String PATH = "/.well-known/jwks.json";

    private enum Mode { SERVE, HANG, TRICKLE }

    private final HttpServer server;
    private final AtomicReference<String> body = new AtomicReference<>("{\"keys\":[]}");
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.SERVE);
    private final CountDownLatch closed = new CountDownLatch(1);
    final AtomicInteger requests = new AtomicInteger();

    JwksServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "jwks-server");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            try (exchange) {
                switch (mode.get()) {
                    case HANG -> awaitClose(10_000);
                    case TRICKLE -> {
                        exchange.sendResponseHeaders(200, 0);
                        try (OutputStream out = exchange.getResponseBody()) {
                            for (int i = 0; i < 100 && !awaitClose(100); i++) {
                                out.write(' ');
                                out.flush();
                            }
                        }
                    }
                    case SERVE -> {
                        byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
                        exchange.getResponseHeaders().add("Content-Type", "application/json");
                        exchange.sendResponseHeaders(status.get(), bytes.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(bytes);
                        }
                    }
                }
            } catch (IOException e) {
                // the client gave up: expected for hangs and trickles
            }
        });
        server.start();
    }

    private boolean awaitClose(long millis) {
        try {
            return closed.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    void serve(String json) {
        status.set(200);
        body.set(json);
        mode.set(Mode.SERVE);
    }

    void fail(int httpStatus, String text) {
        status.set(httpStatus);
        body.set(text);
        mode.set(Mode.SERVE);
    }

    /** Accepts the connection and never answers. */
    void hang() {
        mode.set(Mode.HANG);
    }

    /** Answers 200 and then one byte every 100 ms. */
    void trickle() {
        mode.set(Mode.TRICKLE);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}
