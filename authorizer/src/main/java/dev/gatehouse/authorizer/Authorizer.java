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
import dev.gatehouse.authorizer.token.CryptoProvider;
import dev.gatehouse.authorizer.token.TokenVerifier;
import dev.gatehouse.authorizer.token.VerifiedToken;
import dev.gatehouse.common.AuthorizerPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
     */
    static Authorizer create(AuthorizerConfig config, RouteScopes routes, Clock clock, Consumer<String> out) {
        KeySetStats stats = new KeySetStats();
        CryptoProvider.Resolved crypto = config.crypto().resolve();
        DecisionLog log = new DecisionLog(out, stats, config.metricsNamespace(), clock, crypto.provider());
        Map<String, JwksKeySource> sources = new HashMap<>();
        Map<String, Object> cryptoFields = new LinkedHashMap<>();
        cryptoFields.put("requested", config.crypto().name().toLowerCase(Locale.ROOT));
        cryptoFields.put("provider", crypto.name());
        crypto.fallbackReason().ifPresent(reason -> cryptoFields.put("fallbackReason", reason));
        log.note(null, "crypto_provider", cryptoFields);
        TokenVerifier verifier = new TokenVerifier(
                config.issuers(),
                config.tokens(),
                issuer -> sources.computeIfAbsent(
                        issuer.issuer(),
                        i -> new JwksKeySource(
                                issuer,
                                new HttpJwksFetcher(issuer.jwksUri(), config.keySets()),
                                config.keySets(),
                                clock,
                                stats)),
                clock,
                crypto.provider());
        hydrate(config, sources, log);
        SnapStartPriming priming = new SnapStartPriming(
                List.copyOf(sources.values()), crypto.provider(), config.keySets(), PRIMING_DECISIONS, PRIMING_BUDGET);
        priming.register();
        return new Authorizer(verifier, new PolicyFactory(routes), log, priming);
    }

    private static void hydrate(AuthorizerConfig config, Map<String, JwksKeySource> sources, DecisionLog log) {
        long deadline = System.nanoTime() + config.keySets().initBudget().toNanos();
        for (IssuerConfig issuer : config.issuers()) {
            long left = deadline - System.nanoTime();
            boolean ok = left > 0 && sources.get(issuer.issuer()).hydrate(Duration.ofNanos(left));
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("issuer", issuer.issuer());
            fields.put("jwksUri", issuer.jwksUri().toString());
            fields.put("hydrated", ok);
            log.note(null, "jwks_init", fields);
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
