package dev.gatehouse.authorizer.keys;

import static java.util.Objects.requireNonNull;

import dev.gatehouse.authorizer.exceptions.KeySetFailure;
import dev.gatehouse.authorizer.exceptions.KeySetFetchException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Fetches a key set with one HTTP/1.1 GET on a plain socket (TLS for https): no background threads (Lambda freezes
 * them), one deadline for the whole fetch, no proxy, redirects not followed, the body capped at {@code maxBytes} and
 * anything but 200 refused. Thread-safe.
 *
 * <p>Why not {@code HttpURLConnection} or {@code java.net.http}: their timeouts are per read (or stop at the first
 * header byte), so a server that sends its status line and headers one byte every few hundred milliseconds holds the
 * fetch for tens of seconds, and {@code HttpURLConnection.disconnect()} cannot interrupt a read in progress (it waits
 * for the same lock). Here every read, the TLS handshake included, runs with the socket timeout set to what is left of
 * the one deadline, so the fetch ends by connect + read timeout whatever the server does.
 */
public final class HttpJwksFetcher implements JwksFetcher {

    /** Closes sockets whose fetch outlived its deadline: one daemon platform thread, idle between fetches. */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gatehouse-jwks-deadline");
        thread.setDaemon(true);
        return thread;
    });

    /** Status line plus headers; a key-set server needs a few hundred bytes. */
    private static final int MAX_HEAD_BYTES = 16 * 1024;

    private final URI uri;
    private final KeySetPolicy policy;

    public HttpJwksFetcher(URI uri, KeySetPolicy policy) {
        this.uri = requireNonNull(uri, "uri is null");
        this.policy = requireNonNull(policy, "policy is null");
    }

    @Override
    public byte[] fetch(Duration budget) throws KeySetFetchException {
        long budgetMillis = Math.max(
                1,
                Math.min(
                        budget.toMillis(),
                        policy.connectTimeout().plus(policy.readTimeout()).toMillis()));
        long deadline = System.nanoTime() + budgetMillis * 1_000_000L;
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        String host = uri.getHost();
        int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> closer = null;
        // Direct, whatever the JVM's proxy settings: new Socket() connects through the default ProxySelector, which
        // follows socksProxyHost; NO_PROXY is "a plain socket ignoring any other proxy configuration"
        // (https://docs.oracle.com/en/java/javase/21/docs/api/java.base/java/net/Socket.html#%3Cinit%3E(java.net.Proxy)).
        Socket plain = new Socket(Proxy.NO_PROXY);
        try (Socket socket = plain) {
            // Socket timeouts bound each read of the plain socket only: a TLS handshake or one TLS record is many of
            // them, so a server trickling bytes under TLS would outlive the deadline. Closing the plain socket at the
            // deadline ends any read in progress, whatever layer it is in.
            closer = DEADLINES.schedule(
                    () -> {
                        expired.set(true);
                        try {
                            plain.close();
                        } catch (IOException ignored) {
                            // closing is all we can do
                        }
                    },
                    budgetMillis,
                    TimeUnit.MILLISECONDS);
            socket.connect(new InetSocketAddress(host, port), (int)
                    Math.min(policy.connectTimeout().toMillis(), budgetMillis));
            Socket channel = https ? tls(socket, host, port, deadline) : socket;
            Deadline in = new Deadline(channel, deadline);
            OutputStream out = channel.getOutputStream();
            out.write(request(host, port, https).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return response(in);
        } catch (SocketTimeoutException e) {
            throw timedOut(budgetMillis, e);
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            if (expired.get()) {
                throw timedOut(budgetMillis, e);
            }
            throw new KeySetFetchException(
                    KeySetFailure.UNAVAILABLE,
                    "Cannot fetch the JSON Web Key Set from " + uri + ": "
                            + e.getClass().getSimpleName(),
                    e);
        } finally {
            if (closer != null) {
                closer.cancel(false);
            }
        }
    }

    private KeySetFetchException timedOut(long budgetMillis, Exception cause) {
        return new KeySetFetchException(
                KeySetFailure.TIMEOUT,
                "Fetching the JSON Web Key Set from " + uri + " timed out (" + budgetMillis + " ms budget).",
                cause);
    }

    /** TLS with the host name checked against the certificate (a raw SSLSocket checks nothing unless told to). */
    private static Socket tls(Socket socket, String host, int port, long deadline) throws IOException {
        SSLSocket ssl =
                (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket, host, port, true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        // SNI carries host names only, never IP literals (IPv6 ones come bracketed from URI.getHost()).
        if (!host.startsWith("[") && !host.matches("[0-9.]+")) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        ssl.setSSLParameters(parameters);
        ssl.setSoTimeout(Deadline.remainingMillis(deadline));
        ssl.startHandshake();
        return ssl;
    }

    private String request(String host, int port, boolean https) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        boolean defaultPort = port == (https ? 443 : 80);
        return "GET " + path + query + " HTTP/1.1\r\n"
                + "Host: " + host + (defaultPort ? "" : ":" + port) + "\r\n"
                + "Accept: application/json\r\n"
                + "Accept-Encoding: identity\r\n"
                + "Connection: close\r\n"
                + "User-Agent: gatehouse-authorizer\r\n\r\n";
    }

    private byte[] response(Deadline in) throws IOException, KeySetFetchException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw invalidHttp("a status line");
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw invalidHttp("a numeric status");
        }
        long contentLength = -1;
        boolean chunked = false;
        int headBytes = statusLine.length();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            headBytes += header.length() + 2;
            if (headBytes > MAX_HEAD_BYTES) {
                throw invalidHttp("a status line and headers under " + MAX_HEAD_BYTES + " bytes");
            }
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw invalidHttp("header lines of the form 'Name: value'");
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                long declared;
                try {
                    declared = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw invalidHttp("a numeric Content-Length");
                }
                // Two different lengths are a request-smuggling shape: refuse rather than pick one.
                if (declared < 0 || (contentLength != -1 && contentLength != declared)) {
                    throw invalidHttp("one non-negative Content-Length");
                }
                contentLength = declared;
            } else if (name.equals("transfer-encoding")) {
                if (!value.equalsIgnoreCase("chunked")) {
                    throw invalidHttp("no transfer encoding other than chunked");
                }
                chunked = true;
            }
        }
        if (status != 200) {
            throw new KeySetFetchException(
                    KeySetFailure.HTTP_STATUS,
                    "The JSON Web Key Set endpoint " + uri + " answered HTTP " + status + " (expected 200).",
                    null);
        }
        if (contentLength > policy.maxBytes()) {
            throw tooLarge();
        }
        if (chunked) {
            return chunkedBody(in);
        }
        return contentLength >= 0 ? exactly(in, contentLength) : untilClose(in);
    }

    private byte[] exactly(Deadline in, long length) throws IOException, KeySetFetchException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) length);
        copy(in, out, length);
        return out.toByteArray();
    }

    private byte[] untilClose(Deadline in) throws IOException, KeySetFetchException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        copy(in, out, -1);
        return out.toByteArray();
    }

    private byte[] chunkedBody(Deadline in) throws IOException, KeySetFetchException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        while (true) {
            String sizeLine = line(in);
            int extension = sizeLine.indexOf(';');
            String hex = (extension >= 0 ? sizeLine.substring(0, extension) : sizeLine).trim();
            long size;
            try {
                size = hex.isEmpty() || hex.length() > 8 ? -1 : Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 0) {
                throw invalidHttp("hexadecimal chunk sizes");
            }
            if (size == 0) {
                // Trailers, if any, end with an empty line; nothing in them is used.
                String trailer;
                do {
                    trailer = line(in);
                } while (!trailer.isEmpty());
                return out.toByteArray();
            }
            if (out.size() + size > policy.maxBytes()) {
                throw tooLarge();
            }
            copy(in, out, size);
            if (!line(in).isEmpty()) {
                throw invalidHttp("CRLF after each chunk");
            }
        }
    }

    /** Copies {@code length} bytes ({@code -1}: until the server closes), keeping the size cap. */
    private void copy(Deadline in, ByteArrayOutputStream out, long length) throws IOException, KeySetFetchException {
        byte[] buffer = new byte[8192];
        long left = length;
        while (length < 0 || left > 0) {
            int n = in.read(buffer, length < 0 ? buffer.length : (int) Math.min(buffer.length, left));
            if (n == -1) {
                if (length < 0) {
                    return;
                }
                throw invalidHttp("the whole body it announced");
            }
            out.write(buffer, 0, n);
            left -= n;
            if (out.size() > policy.maxBytes()) {
                throw tooLarge();
            }
        }
    }

    /**
     * One CRLF- (or LF-) terminated line (status, header, chunk size or trailer), capped so a server cannot make us
     * buffer without end.
     */
    private String line(Deadline in) throws IOException, KeySetFetchException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b == -1) {
                throw invalidHttp("a complete HTTP response");
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_HEAD_BYTES) {
                throw invalidHttp("lines under " + MAX_HEAD_BYTES + " bytes");
            }
            line.append((char) b);
        }
    }

    private KeySetFetchException invalidHttp(String expected) {
        return new KeySetFetchException(
                KeySetFailure.UNAVAILABLE,
                "The JSON Web Key Set endpoint " + uri + " did not answer with valid HTTP/1.1 (expected " + expected
                        + ").",
                null);
    }

    private KeySetFetchException tooLarge() {
        return new KeySetFetchException(
                KeySetFailure.TOO_LARGE,
                "The JSON Web Key Set from " + uri + " is larger than " + policy.maxBytes() + " bytes.",
                null);
    }

    @Override
    public String toString() {
        return uri.toString();
    }

    /**
     * Reads from the socket with its timeout set, before every read, to what is left of the deadline: a per-read
     * timeout alone lets a server that sends one byte per read interval hold the fetch indefinitely. Buffered, so
     * reading the head byte by byte costs no system call per byte.
     */
    private static final class Deadline {

        private final Socket socket;
        private final InputStream in;
        private final long deadline;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;

        Deadline(Socket socket, long deadline) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadline = deadline;
        }

        int read() throws IOException {
            if (position == limit && !fill()) {
                return -1;
            }
            return buffer[position++] & 0xff;
        }

        int read(byte[] target, int max) throws IOException {
            if (position == limit && !fill()) {
                return -1;
            }
            int n = Math.min(max, limit - position);
            System.arraycopy(buffer, position, target, 0, n);
            position += n;
            return n;
        }

        private boolean fill() throws IOException {
            socket.setSoTimeout(remainingMillis(deadline));
            int n = in.read(buffer);
            if (n == -1) {
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }

        /** Milliseconds left before {@code deadline}; throws once it has passed (0 would mean "no timeout"). */
        static int remainingMillis(long deadline) throws SocketTimeoutException {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new SocketTimeoutException("the fetch deadline has passed");
            }
            return (int) Math.min(Integer.MAX_VALUE, left);
        }
    }
}
