package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import dev.gatehouse.authorizer.DecisionLog.Entry;
import dev.gatehouse.authorizer.exceptions.AuthorizerException;
import dev.gatehouse.authorizer.exceptions.KeysUnavailableException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException;
import dev.gatehouse.authorizer.keys.HttpJwksFetcher;
import dev.gatehouse.authorizer.keys.IssuerConfig;
import dev.gatehouse.authorizer.keys.JwksKeySource;
import dev.gatehouse.authorizer.keys.KeySetStats;
import dev.gatehouse.authorizer.policy.PolicyFactory;
import dev.gatehouse.authorizer.policy.RouteScopes;
import dev.gatehouse.authorizer.token.BearerToken;
import dev.gatehouse.authorizer.token.TokenVerifier;
import dev.gatehouse.authorizer.token.VerificationProvider;
import dev.gatehouse.authorizer.token.VerifiedToken;
import dev.gatehouse.common.AuthorizerPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The one decision function behind every handler: takes a request an event reader built, verifies its token, builds
 * the policy it earns, and maps every failure to exactly one outcome, logging one line with metrics per decision.
 * Handlers only read events and map the {@link Decision} to their response. Built once per container (key sources
 * hydrated within the configured budget); thread-safe.
 */
final class Authorizer {

    /** Enough calls for the JIT to compile the decision path with C2 (thresholds are in the thousands). */
    static final int PRIMING_DECISIONS = 12_000;
    /** Bounds the priming before a SnapStart snapshot, whatever the CPU share of the function's memory size. */
    static final Duration PRIMING_BUDGET = Duration.ofSeconds(4);
    /** How long init waits past its budget for a key-set fetch to notice the deadline and return. */
    private static final Duration JOIN_GRACE = Duration.ofMillis(200);

    private final TokenVerifier verifier;
    private final PolicyFactory policies;
    private final DecisionLog log;
    /** Held so the SnapStart hooks stay registered (CRaC contexts reference resources weakly). */
    private final SnapStartPriming priming;

    Authorizer(TokenVerifier verifier, PolicyFactory policies, DecisionLog log) {
        this(verifier, policies, log, null);
    }

    private Authorizer(TokenVerifier verifier, PolicyFactory policies, DecisionLog log, SnapStartPriming priming) {
        this.verifier = requireNonNull(verifier, "verifier is null");
        this.policies = requireNonNull(policies, "policies is null");
        this.log = requireNonNull(log, "log is null");
        this.priming = priming;
    }

    /** The SnapStart hooks of an authorizer built by {@link #create}; empty otherwise. */
    Optional<SnapStartPriming> priming() {
        return Optional.ofNullable(priming);
    }

    /**
     * Builds the verifier, one key source per issuer over HTTP, and the policy factory over {@code routes}, and
     * hydrates the key sets within the init budget.
     *
     * <p>The key-set fetches (TLS set-up and handshake included, the longest step of a cold start) start first, one
     * platform thread per issuer; ACCP loads on a thread of its own ({@link VerificationProvider}); the decision log
     * and the verifier are built while they are in flight. Init then waits for the fetches, within the same budget as
     * before, but not for ACCP: the JDK's provider verifies until ACCP has passed its self-tests.
     */
    static Authorizer create(AuthorizerConfig config, RouteScopes routes, Clock clock, Consumer<String> out) {
        KeySetStats stats = new KeySetStats();
        Map<String, JwksKeySource> sources = new LinkedHashMap<>();
        for (IssuerConfig issuer : config.issuers()) {
            sources.put(
                    issuer.issuer(),
                    new JwksKeySource(
                            issuer,
                            new HttpJwksFetcher(issuer.jwksUri(), config.keySets()),
                            config.keySets(),
                            clock,
                            stats));
        }
        Hydration hydration = Hydration.start(sources, config.keySets().initBudget());

        // ACCP loads on its own thread too; the JDK's provider verifies until it has passed its self-tests.
        VerificationProvider crypto = VerificationProvider.loading(config.crypto());
        DecisionLog log =
                new DecisionLog(out, stats, config.metricsNamespace(), config.metricDimensions(), clock, crypto);
        crypto.whenResolved(resolved -> {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("requested", config.crypto().name().toLowerCase(Locale.ROOT));
            fields.put("provider", resolved.name());
            resolved.fallbackReason().ifPresent(reason -> fields.put("fallbackReason", reason));
            log.note(null, "crypto_provider", fields);
        });
        TokenVerifier verifier = new TokenVerifier(
                config.issuers(), config.tokens(), issuer -> sources.get(issuer.issuer()), clock, crypto);
        hydration.await(config, log);
        SnapStartPriming priming = new SnapStartPriming(
                List.copyOf(sources.values()), crypto, config.keySets(), PRIMING_DECISIONS, PRIMING_BUDGET);
        priming.register();
        return new Authorizer(verifier, new PolicyFactory(routes), log, priming);
    }

    /**
     * The init-time key-set fetches, one platform thread per issuer (a blocking socket read; no virtual thread). Init
     * waits for each within the budget.
     */
    private record Hydration(long deadline, Map<String, CompletableFuture<Boolean>> fetches) {

        static Hydration start(Map<String, JwksKeySource> sources, Duration budget) {
            long deadline = System.nanoTime() + budget.toNanos();
            Map<String, CompletableFuture<Boolean>> fetches = new LinkedHashMap<>();
            sources.forEach((issuer, source) -> {
                CompletableFuture<Boolean> fetched = new CompletableFuture<>();
                fetches.put(issuer, fetched);
                Thread.ofPlatform().daemon().name("gatehouse-jwks-init").start(() -> {
                    try {
                        fetched.complete(source.hydrate(Duration.ofNanos(deadline - System.nanoTime())));
                    } catch (RuntimeException | Error e) {
                        fetched.complete(false);
                        throw e;
                    }
                });
            });
            return new Hydration(deadline, fetches);
        }

        /** Waits for each fetch until the budget's end (a fetch is bounded by it), and logs the outcome. */
        void await(AuthorizerConfig config, DecisionLog log) {
            for (IssuerConfig issuer : config.issuers()) {
                CompletableFuture<Boolean> fetched = fetches.get(issuer.issuer());
                boolean ok = false;
                try {
                    // A little grace past the deadline: the fetch itself stops at the deadline.
                    long left = Math.max(0, deadline - System.nanoTime()) + JOIN_GRACE.toNanos();
                    ok = fetched.get(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException e) {
                    // not hydrated: the first request fetches
                }
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("issuer", issuer.issuer());
                fields.put("jwksUri", issuer.jwksUri().toString());
                fields.put("hydrated", ok);
                log.note(null, "jwks_init", fields);
            }
        }
    }

    /**
     * Decides {@code request}.
     *
     * @throws AuthorizerException if the authorizer cannot decide (keys unavailable, an unusable event): a 500
     * @throws IllegalStateException on any unexpected failure, never taken for a decision: a 500
     */
    Decision decide(AuthorizationRequest request, Context context) {
        long started = System.nanoTime();
        String resource = request.resource();
        String token = null;
        try {
            AuthorizerException unreadable = request.unreadable();
            if (unreadable != null) {
                throw unreadable;
            }
            policies.requireDescribed(request.arn());
            token = BearerToken.extract(request.authorization());
            VerifiedToken verified = verifier.verify(token);
            AuthorizerPolicy policy = policies.allow(verified.principal(), request.arn());
            log.write(context, Entry.allowed(token, verified, resource, System.nanoTime() - started));
            return new Decision.Allowed(verified, policy);
        } catch (TokenRejectedException e) {
            log.write(context, Entry.rejected(token, e, resource, System.nanoTime() - started));
            return new Decision.Rejected(e.rejection());
        } catch (KeysUnavailableException e) {
            log.write(context, Entry.keysUnavailable(token, e, resource, System.nanoTime() - started));
            throw e;
        } catch (AuthorizerException e) {
            log.write(context, Entry.error(e.reason(), token, resource, e.getMessage(), System.nanoTime() - started));
            throw e;
        } catch (RuntimeException e) {
            // Never let an unexpected failure look like a decision: log it and fail the invocation (500).
            log.write(
                    context,
                    Entry.error(
                            "internal_error", token, resource, e.getClass().getName(), System.nanoTime() - started));
            throw new IllegalStateException(
                    "The authorizer failed unexpectedly (" + e.getClass().getName() + "); no decision was made.", e);
        }
    }
}
