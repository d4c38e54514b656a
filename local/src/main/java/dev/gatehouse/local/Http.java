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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/** HTTP plumbing shared by the identity provider, the gateway and the Runtime API servers. */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The {@code Host} values a loopback client sends: a loopback name or address, with or without a port. */
    private static final Pattern LOOPBACK_HOST =
            Pattern.compile("(127\\.0\\.0\\.1|localhost|\\[::1])(:[0-9]{1,5})?", Pattern.CASE_INSENSITIVE);

    private static final Map<String, String> FOREIGN_HOST =
            Map.of("message", "Forbidden: this local server answers only requests to 127.0.0.1, localhost or [::1]");

    static {
        // The JDK server leaves Nagle's algorithm on unless told otherwise (read once, when its first server starts).
        // With Nagle, a response written as headers + body waits for the client's delayed ACK: ~40 ms per call.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private Http() {}

    /**
     * Starts a server on 127.0.0.1:{@code port} (0 = any free port), one virtual thread per exchange, that hands
     * {@code handler} only requests with a loopback {@code Host} ({@link #isLoopbackHost}) and answers the others 403.
     */
    static Server start(int port, HttpHandler handler) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            server.setExecutor(executor);
            server.createContext("/", exchange -> {
                List<String> hosts = exchange.getRequestHeaders().get("Host");
                if (hosts != null && hosts.size() == 1 && isLoopbackHost(hosts.get(0))) {
                    handler.handle(exchange);
                } else {
                    sendJson(exchange, 403, Map.of(), FOREIGN_HOST);
                }
            });
            server.start();
            return new Server(server, executor);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot listen on 127.0.0.1:" + port + " (" + e.getMessage() + "); is the port in use?", e);
        }
    }

    /**
     * Whether a {@code Host} header names this machine's loopback interface. Listening on 127.0.0.1 is not enough: a
     * web page can point a name of its own at 127.0.0.1 (DNS rebinding) and its requests then carry that name as
     * {@code Host}; refusing every other name is the defence
     * (https://github.com/nccgroup/singularity/wiki/Preventing-DNS-Rebinding-Attacks).
     */
    static boolean isLoopbackHost(String host) {
        return host != null && LOOPBACK_HOST.matcher(host.strip()).matches();
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
