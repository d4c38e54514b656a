package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fetches a key set over HTTP(S) with {@link HttpURLConnection}: connect and read timeouts always set, redirects not
 * followed, the body capped at {@code maxBytes} and anything but 200 refused, and <b>one deadline</b> (the budget, at
 * most connect + read timeout) over connect, TLS, status line, headers and body. The socket timeouts alone do not
 * bound a fetch: each read that gets a byte resets them, so a server trickling its status line or headers held a
 * request ~80 s. A watchdog therefore closes the connection when the deadline passes, which fails the blocked read.
 * Its one daemon platform thread only waits between fetches (a frozen sandbox freezes it harmlessly, as no fetch is
 * then in flight). Thread-safe.
 */
final class HttpJwksFetcher implements JwksFetcher {

    /** Closes connections whose fetch outlived its deadline; a platform thread, as it must never wait for a carrier. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gatehouse-jwks-deadline");
        thread.setDaemon(true);
        return thread;
    });

    private final URI uri;
    private final KeySetPolicy policy;

    HttpJwksFetcher(URI uri, KeySetPolicy policy) {
        this.uri = requireNonNull(uri, "uri is null");
        this.policy = requireNonNull(policy, "policy is null");
    }

    @Override
    public byte[] fetch(Duration budget) throws KeySetFetchException {
        long budgetMillis = Math.max(1, Math.min(budget.toMillis(), policy.connectTimeout().plus(policy.readTimeout()).toMillis()));
        long deadline = System.nanoTime() + budgetMillis * 1_000_000L;
        AtomicBoolean expired = new AtomicBoolean();
        HttpURLConnection connection = null;
        ScheduledFuture<?> watchdog = null;
        try {
            HttpURLConnection opened = (HttpURLConnection) uri.toURL().openConnection();
            connection = opened;
            watchdog = WATCHDOG.schedule(() -> {
                expired.set(true);
                opened.disconnect();
            }, budgetMillis, TimeUnit.MILLISECONDS);
            connection.setConnectTimeout((int) Math.min(policy.connectTimeout().toMillis(), budgetMillis));
            connection.setReadTimeout((int) Math.min(policy.readTimeout().toMillis(), budgetMillis));
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setRequestProperty("Accept", "application/json");
            int status = connection.getResponseCode();
            if (status != 200) {
                throw new KeySetFetchException("jwks_http_status", "The JSON Web Key Set endpoint " + uri + " answered HTTP " + status + " (expected 200).", null);
            }
            long declared = connection.getContentLengthLong();
            if (declared > policy.maxBytes()) {
                throw tooLarge();
            }
            byte[] body = read(connection.getInputStream(), deadline);
            if (expired.get()) {
                throw timedOut(budgetMillis, null);
            }
            return body;
        } catch (SocketTimeoutException e) {
            throw timedOut(budgetMillis, e);
        } catch (IOException | IllegalArgumentException e) {
            if (expired.get()) {
                throw timedOut(budgetMillis, e);
            }
            throw new KeySetFetchException("jwks_unavailable", "Cannot fetch the JSON Web Key Set from " + uri + ": " + e.getClass().getSimpleName(), e);
        } finally {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private KeySetFetchException timedOut(long budgetMillis, Exception cause) {
        return new KeySetFetchException("jwks_timeout", "Fetching the JSON Web Key Set from " + uri + " timed out (" + budgetMillis
                + " ms budget for connect, status line, headers and body).", cause);
    }

    private byte[] read(InputStream in, long deadline) throws IOException, KeySetFetchException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(policy.maxBytes(), 16 * 1024));
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                if (out.size() > policy.maxBytes()) {
                    throw tooLarge();
                }
                // A server that trickles bytes defeats the per-read timeout; the budget bounds the whole body.
                if (System.nanoTime() - deadline > 0) {
                    throw new KeySetFetchException("jwks_timeout", "Fetching the JSON Web Key Set from " + uri + " exceeded its time budget.", null);
                }
            }
            return out.toByteArray();
        }
    }

    private KeySetFetchException tooLarge() {
        return new KeySetFetchException("jwks_too_large", "The JSON Web Key Set from " + uri + " is larger than " + policy.maxBytes() + " bytes.", null);
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
