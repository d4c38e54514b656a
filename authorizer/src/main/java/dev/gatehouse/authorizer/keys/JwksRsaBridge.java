package dev.gatehouse.authorizer.keys;

import com.auth0.jwk.Jwk;
import com.auth0.jwk.JwkException;
import com.auth0.jwk.JwksHttpClient;
import com.auth0.jwk.JwksHttpResponse;
import com.auth0.jwk.NetworkException;
import com.auth0.jwk.UrlJwkProvider;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.authorizer.exceptions.KeySetFailure;
import dev.gatehouse.authorizer.exceptions.KeySetFetchException;
import java.io.IOException;
import java.io.Serial;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fetches a key set through jwks-rsa's {@link UrlJwkProvider}, with Gatehouse's bounded fetcher as its
 * {@code JwksHttpClient}, and converts each key with jwks-rsa's {@link Jwk}.
 *
 * <p>What jwks-rsa lacks, and this class adds around it: its default client ({@code HttpURLConnection}) has per-read
 * timeouts but no overall deadline, no size cap, and follows redirects; so the bytes come from a {@link JwksFetcher}
 * instead. Its parser accepts a member named twice, and one entry without {@code kty} fails the whole set
 * ({@code Jwk.fromValues} throws, and {@code getAll} gives up); so the body is first screened by {@link JwksParser},
 * and jwks-rsa reads only the entries that passed. It refuses an empty set ("No keys found"), which for us is a valid
 * set that holds no usable key. It checks neither key sizes nor that an EC point lies on its curve; {@link JwksParser}
 * does, on the numbers it decoded itself, and requires jwks-rsa's key to hold exactly them. Its caching providers are
 * not used ({@code GuavaCachedJwkProvider} needs Guava, which the build excludes); {@link JwksKeySource} caches.
 */
final class JwksRsaBridge {

    private final URL url;
    private final JwksFetcher fetcher;
    private final Collection<String> algorithms;

    JwksRsaBridge(URI jwksUri, JwksFetcher fetcher, Collection<String> algorithms) {
        try {
            this.url = jwksUri.toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + jwksUri, e);
        }
        this.fetcher = fetcher;
        this.algorithms = List.copyOf(algorithms);
    }

    /** One fetch within {@code budget}: the usable keys, or why the set could not be had. */
    JwksParser.Parsed fetch(Duration budget) throws KeySetFetchException {
        Screening screening = new Screening(fetcher, budget, algorithms);
        List<Jwk> jwks;
        try {
            // A provider per fetch: it is two fields, and its client carries this fetch's budget.
            jwks = new UrlJwkProvider(url, screening).getAll();
        } catch (NetworkException e) {
            if (e.getCause() instanceof Failed failed) {
                throw failed.failure;
            }
            throw new KeySetFetchException(
                    KeySetFailure.UNAVAILABLE, "Cannot fetch the JSON Web Key Set from " + url + ".", e);
        } catch (JwkException e) {
            if (screening.screened != null && screening.screened.candidates().isEmpty()) {
                // jwks-rsa refuses a set without keys; nothing passed the screening, so nothing is usable.
                return JwksParser.convert(screening.screened, algorithms, node -> null);
            }
            throw new KeySetFetchException(
                    KeySetFailure.INVALID, "jwks-rsa cannot read the JSON Web Key Set from " + url + ".", e);
        }
        if (jwks.size() != screening.screened.candidates().size()) {
            throw new KeySetFetchException(
                    KeySetFailure.INVALID,
                    "jwks-rsa read " + jwks.size() + " keys from the JSON Web Key Set of " + url + ", expected "
                            + screening.screened.candidates().size() + ".",
                    null);
        }
        Map<String, Jwk> byKid = new HashMap<>();
        for (Jwk jwk : jwks) {
            byKid.put(jwk.getId(), jwk);
        }
        return JwksParser.convert(
                screening.screened,
                algorithms,
                (JsonNode node) -> byKid.get(node.get("kid").asText()));
    }

    /** The {@code JwksHttpClient} jwks-rsa calls: our bounded fetch, then the screening, keeping what it found. */
    private static final class Screening implements JwksHttpClient {

        private final JwksFetcher fetcher;
        private final Duration budget;
        private final Collection<String> algorithms;
        private JwksParser.Screened screened;

        Screening(JwksFetcher fetcher, Duration budget, Collection<String> algorithms) {
            this.fetcher = fetcher;
            this.budget = budget;
            this.algorithms = algorithms;
        }

        @Override
        public JwksHttpResponse fetch(URL url) throws IOException {
            try {
                screened = JwksParser.screen(fetcher.fetch(budget), algorithms);
            } catch (KeySetFetchException e) {
                throw new Failed(e);
            }
            return new JwksHttpResponse(screened.json());
        }
    }

    /**
     * Carries our failure through jwks-rsa, which wraps every {@link IOException} of its client in a
     * {@link NetworkException}.
     */
    private static final class Failed extends IOException {

        @Serial
        private static final long serialVersionUID = 1L;

        private final transient KeySetFetchException failure;

        Failed(KeySetFetchException failure) {
            super(failure.getMessage(), null);
            this.failure = failure;
        }
    }
}
