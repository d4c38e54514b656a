package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;

/**
 * Fetches a key set over HTTP(S) with {@link HttpURLConnection}: no background threads (Lambda freezes them), connect
 * and read timeouts always set, the whole fetch bounded by a budget, redirects not followed, the body capped at
 * {@code maxBytes} and anything but 200 refused. Thread-safe.
 */
final class HttpJwksFetcher implements JwksFetcher {

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
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) uri.toURL().openConnection();
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
            return read(connection.getInputStream(), deadline);
        } catch (SocketTimeoutException e) {
            throw new KeySetFetchException("jwks_timeout", "Fetching the JSON Web Key Set from " + uri + " timed out (" + budgetMillis + " ms budget).", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new KeySetFetchException("jwks_unavailable", "Cannot fetch the JSON Web Key Set from " + uri + ": " + e.getClass().getSimpleName(), e);
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
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
