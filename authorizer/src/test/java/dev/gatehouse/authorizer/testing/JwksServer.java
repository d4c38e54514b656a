package dev.gatehouse.authorizer.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
public final class JwksServer implements AutoCloseable {

    public static final String PATH = "/.well-known/jwks.json";

    private enum Mode {
        SERVE,
        HANG,
        TRICKLE
    }

    private final HttpServer server;
    private final AtomicReference<String> body = new AtomicReference<>("{\"keys\":[]}");
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.SERVE);
    private final CountDownLatch closed = new CountDownLatch(1);
    public final AtomicInteger requests = new AtomicInteger();

    public JwksServer() throws IOException {
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
                    case HANG -> awaitClose(60_000);
                    case TRICKLE -> {
                        exchange.sendResponseHeaders(200, 0);
                        try (OutputStream out = exchange.getResponseBody()) {
                            for (int i = 0; i < 600 && !awaitClose(100); i++) {
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

    public void serve(String json) {
        status.set(200);
        body.set(json);
        mode.set(Mode.SERVE);
    }

    public void fail(int httpStatus, String text) {
        status.set(httpStatus);
        body.set(text);
        mode.set(Mode.SERVE);
    }

    /** Accepts the connection and does not answer for 60 s. */
    public void hang() {
        mode.set(Mode.HANG);
    }

    /** Answers 200 and then one byte every 100 ms, for 60 s. */
    public void trickle() {
        mode.set(Mode.TRICKLE);
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }

    /**
     * A raw HTTP server on 127.0.0.1 that writes its answer slowly, one byte every {@code delayMillis}: either the
     * whole answer (status line and headers included, which {@link HttpServer} cannot do) or the head at once and then
     * the body. Each byte comes well within any read timeout, so only a deadline over the whole fetch ends it. Serves
     * until closed.
     */
    public static final class Trickler implements AutoCloseable {

        private final ServerSocket socket;
        private final CountDownLatch closed = new CountDownLatch(1);
        public final AtomicInteger requests = new AtomicInteger();

        private Trickler(byte[] head, byte[] body, boolean trickleHead, long delayMillis) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(
                    () -> {
                        while (!socket.isClosed()) {
                            try {
                                Socket client = socket.accept();
                                requests.incrementAndGet();
                                Thread writer = new Thread(
                                        () -> serve(client, head, body, trickleHead, delayMillis), "jwks-trickler");
                                writer.setDaemon(true);
                                writer.start();
                            } catch (IOException e) {
                                return; // closed
                            }
                        }
                    },
                    "jwks-trickler-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        /** A 200 answer whose status line and headers (padded to {@code headBytes}) arrive one byte at a time. */
        public static Trickler head(String json, int headBytes, long delayMillis) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            return new Trickler(paddedHead(body.length, headBytes), body, true, delayMillis);
        }

        /** Writes {@code response} verbatim (head and body, as given) at once, then closes the connection. */
        public static Trickler raw(String response) throws IOException {
            return new Trickler(response.getBytes(StandardCharsets.UTF_8), new byte[0], false, 0);
        }

        /** A 200 answer with a Content-Length whose head arrives at once and whose body arrives one byte at a time. */
        public static Trickler body(String json, long delayMillis) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            return new Trickler(paddedHead(body.length, 0), body, false, delayMillis);
        }

        private static byte[] paddedHead(int contentLength, int headBytes) {
            StringBuilder head = new StringBuilder(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + contentLength + "\r\n");
            while (head.length() < headBytes) {
                head.append("X-Padding: ").append("p".repeat(60)).append("\r\n");
            }
            return head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        }

        private void serve(Socket client, byte[] head, byte[] body, boolean trickleHead, long delayMillis) {
            try (client;
                    OutputStream out = client.getOutputStream()) {
                client.getInputStream().read(new byte[4096]); // the request; its content does not matter
                if (!trickleHead) {
                    out.write(head);
                    out.flush();
                }
                byte[] slow = trickleHead ? concat(head, body) : body;
                for (byte b : slow) {
                    if (closed.await(delayMillis, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                    out.write(b);
                    out.flush();
                }
            } catch (IOException e) {
                // the client gave up: expected
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static byte[] concat(byte[] a, byte[] b) {
            byte[] all = new byte[a.length + b.length];
            System.arraycopy(a, 0, all, 0, a.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }

        public URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + PATH);
        }

        @Override
        public void close() throws IOException {
            closed.countDown();
            socket.close();
        }
    }
}
