package dev.gatehouse.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** HTTP plumbing shared by the identity provider, the gateway and the Runtime API servers. */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();

    static {
        // The JDK server leaves Nagle's algorithm on unless told otherwise (read once, when its first server starts).
        // With Nagle, a response written as headers + body waits for the client's delayed ACK: ~40 ms per call.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private Http() {}

    /** Starts a server on 127.0.0.1:{@code port} (0 = any free port), one virtual thread per exchange. */
    static Server start(int port, HttpHandler handler) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            server.setExecutor(executor);
            server.createContext("/", handler);
            server.start();
            return new Server(server, executor);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot listen on 127.0.0.1:" + port + " (" + e.getMessage() + "); is the port in use?", e);
        }
    }

    /** A running server; {@link #close()} stops it at once. */
    record Server(HttpServer server, ExecutorService executor) implements AutoCloseable {
        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    /** Reads at most {@code limit} bytes of the request body; returns null if the body is larger. */
    static byte[] readBody(HttpExchange exchange, int limit) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (out.size() + n > limit) {
                    return null;
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    static void send(HttpExchange exchange, int status, Map<String, String> headers, byte[] body) throws IOException {
        headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        boolean empty =
                body == null || body.length == 0 || exchange.getRequestMethod().equalsIgnoreCase("HEAD");
        exchange.sendResponseHeaders(status, empty ? -1 : body.length);
        if (!empty) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    static void sendJson(HttpExchange exchange, int status, Map<String, String> headers, Object body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, status, headers, json(body));
    }

    /** {@link #json(Object)} as a string. */
    static String jsonText(Object value) {
        return new String(json(value), StandardCharsets.UTF_8);
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
