package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.authorizer.keys.IssuerConfig;
import dev.gatehouse.authorizer.keys.JwksKeySource;
import dev.gatehouse.authorizer.keys.KeySetPolicy;
import dev.gatehouse.authorizer.keys.KeySetStats;
import dev.gatehouse.authorizer.policy.PolicyFactory;
import dev.gatehouse.authorizer.policy.RouteScopes;
import dev.gatehouse.authorizer.token.CryptoProvider;
import dev.gatehouse.authorizer.token.TokenRules;
import dev.gatehouse.authorizer.token.TokenVerifier;
import dev.gatehouse.authorizer.token.VerificationProvider;
import dev.gatehouse.common.MethodArn;
import dev.gatehouse.common.RsaJwk;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart hooks (org.crac, which Lambda's Java runtime calls around the snapshot):
 *
 * <ul>
 *   <li><b>before the checkpoint</b>, primes the decision path: runs synthetic decisions (token parse, RS256 verify
 *       with the configured provider, claims, policy, log line) against a throwaway key held in memory, so the
 *       snapshot holds JIT-compiled code. With SnapStart Lambda runs the full tiered JIT (not C1 only), and the
 *       first requests after a restore then run at warm speed. No network, no real key, nothing logged per decision;
 *   <li><b>after the restore</b>, re-checks the age of every cached key set: a snapshot can be restored days after it
 *       was taken, so a key set older than its TTL is refetched now (within the init budget) instead of on a request.
 * </ul>
 *
 * <p>On a JVM without CRaC support (no SnapStart) neither hook is ever called and this costs nothing.
 */
public final class SnapStartPriming implements Resource {

    private static final String ISSUER = "https://priming.gatehouse.invalid/";
    private static final String AUDIENCE = "https://priming.gatehouse.invalid/api";
    private static final String KEY_ID = "priming";
    private static final String METHOD_ARN = "arn:aws:execute-api:us-east-1:000000000000:priming/snapshot/GET/prime";

    private final Collection<JwksKeySource> keySources;
    private final VerificationProvider crypto;
    private final KeySetPolicy keySets;
    private final int decisions;
    private final Duration budget;
    private volatile int primed;
    private volatile int refreshed;

    SnapStartPriming(
            Collection<JwksKeySource> keySources,
            VerificationProvider crypto,
            KeySetPolicy keySets,
            int decisions,
            Duration budget) {
        this.keySources = requireNonNull(keySources, "keySources is null");
        this.crypto = requireNonNull(crypto, "crypto is null");
        this.keySets = requireNonNull(keySets, "keySets is null");
        this.decisions = decisions;
        this.budget = requireNonNull(budget, "budget is null");
    }

    /**
     * Runs, without a checkpoint, the priming that {@link #beforeCheckpoint} runs for a function configured with
     * {@code crypto}; returns how many decisions ran. A public seam for measuring tools (the bench's priming probe):
     * org.crac refuses to call the hooks outside a real checkpoint. Touches no network and no real key, logs nothing.
     */
    public static int primeWithoutCheckpoint(CryptoProvider crypto) {
        return new SnapStartPriming(
                        List.of(),
                        VerificationProvider.fixed(crypto.resolve().provider()),
                        KeySetPolicy.DEFAULT,
                        Authorizer.PRIMING_DECISIONS,
                        Authorizer.PRIMING_BUDGET)
                .prime();
    }

    /**
     * Registers the hooks with the global CRaC context. The caller must keep a reference: contexts hold resources
     * weakly.
     */
    void register() {
        Core.getGlobalContext().register(this);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        // The snapshot should hold the provider requests will use: ACCP, if it is still loading in the background.
        crypto.awaitResolved(budget);
        primed = prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        int count = 0;
        for (JwksKeySource source : keySources) {
            Duration age = source.keyAge();
            if (age == null || age.compareTo(keySets.ttl()) >= 0) {
                source.hydrate(keySets.initBudget());
                count++;
            }
        }
        refreshed = count;
    }

    /** How many synthetic decisions the last checkpoint ran. */
    int primed() {
        return primed;
    }

    /** How many key sets the last restore refetched. */
    int refreshed() {
        return refreshed;
    }

    /** Runs up to {@code decisions} allowed decisions within {@code budget}; returns how many ran. */
    int prime() {
        KeyPair pair = keyPair();
        Clock clock = Clock.systemUTC();
        IssuerConfig issuer = IssuerConfig.of(ISSUER, URI.create(ISSUER + ".well-known/jwks.json"), List.of(AUDIENCE));
        byte[] jwks = jwks((RSAPublicKey) pair.getPublic());
        KeySetStats stats = new KeySetStats();
        JwksKeySource keys = new JwksKeySource(issuer, fetchBudget -> jwks, keySets, clock, stats);
        Authorizer authorizer = new Authorizer(
                new TokenVerifier(List.of(issuer), TokenRules.DEFAULT, i -> keys, clock, crypto),
                new PolicyFactory(RouteScopes.wholeStage(Set.of("priming"))),
                new DecisionLog(
                        line -> {}, stats, AuthorizerConfig.DEFAULT_METRICS_NAMESPACE, Map.of(), clock, crypto));
        MethodArn arn = MethodArn.parse(METHOD_ARN);
        List<String> tokens = tokens(pair, 32);

        long deadline = System.nanoTime() + budget.toNanos();
        int done = 0;
        while (done < decisions && System.nanoTime() < deadline) {
            String token = tokens.get(done % tokens.size());
            Decision decision = authorizer.decide(AuthorizationRequest.of(METHOD_ARN, arn, "Bearer " + token), null);
            if (!(decision instanceof Decision.Allowed allowed)) {
                throw new IllegalStateException("a priming token was rejected");
            }
            IamPolicyResponses.v1(allowed.policy());
            done++;
        }
        return done;
    }

    private static List<String> tokens(KeyPair pair, int count) {
        Algorithm algorithm = Algorithm.RSA256((RSAPublicKey) pair.getPublic(), (RSAPrivateKey) pair.getPrivate());
        Instant now = Instant.now();
        return IntStream.range(0, count)
                .mapToObj(i -> JWT.create()
                        .withKeyId(KEY_ID)
                        .withIssuer(ISSUER)
                        .withSubject("priming-" + i + "@clients")
                        .withAudience(AUDIENCE)
                        .withIssuedAt(now)
                        .withExpiresAt(now.plusSeconds(3600))
                        .withClaim("azp", "priming-" + i)
                        .withClaim("scope", "prime:decisions")
                        .sign(algorithm))
                .toList();
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate the priming key", e);
        }
    }

    private static byte[] jwks(RSAPublicKey key) {
        try {
            return new ObjectMapper().writeValueAsBytes(Map.of("keys", List.of(RsaJwk.signingKey(KEY_ID, key))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the priming key set", e);
        }
    }
}
