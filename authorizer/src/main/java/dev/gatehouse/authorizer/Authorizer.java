package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import dev.gatehouse.authorizer.DecisionLog.Entry;
import dev.gatehouse.authorizer.DecisionLog.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one decision function behind every handler: takes the Authorization value, verifies the token, and maps every
 * failure to exactly one outcome, logging one line with metrics per decision. Handlers only translate events and
 * responses. Built once per container (key sources hydrated within the configured budget); thread-safe.
 */
final class Authorizer {

    /** What a handler gives the core for one event. */
    interface Request<R> {
        /** The Authorization value; may throw {@link InvalidEventException} (500) or {@link TokenRejectedException} (401). */
        String authorization();

        /** The ARN the decision is about, for the log. */
        String resource();

        /** The response for a verified token; may throw {@link AuthorizerException}. */
        R allow(VerifiedToken token);

        /** The response for a rejected token: throw {@link UnauthorizedException} or return a deny. */
        R unauthorized();
    }

    /** Enough calls for the JIT to compile the decision path with C2 (thresholds are in the thousands). */
    static final int PRIMING_DECISIONS = 12_000;
    /** Bounds the priming before a SnapStart snapshot, whatever the CPU share of the function's memory size. */
    static final Duration PRIMING_BUDGET = Duration.ofSeconds(4);

    private final TokenVerifier verifier;
    private final DecisionLog log;
    /** Held so the SnapStart hooks stay registered (CRaC contexts reference resources weakly). */
    private final SnapStartPriming priming;

    Authorizer(TokenVerifier verifier, DecisionLog log) {
        this(verifier, log, null);
    }

    private Authorizer(TokenVerifier verifier, DecisionLog log, SnapStartPriming priming) {
        this.verifier = requireNonNull(verifier, "verifier is null");
        this.log = requireNonNull(log, "log is null");
        this.priming = priming;
    }

    /** The SnapStart hooks of an authorizer built by {@link #create}; empty otherwise. */
    java.util.Optional<SnapStartPriming> priming() {
        return java.util.Optional.ofNullable(priming);
    }

    /** Builds the verifier, one key source per issuer over HTTP, and hydrates the key sets within the init budget. */
    static Authorizer create(AuthorizerConfig config, Clock clock, Consumer<String> out) {
        KeySetStats stats = new KeySetStats();
        CryptoProvider.Resolved crypto = config.crypto().resolve();
        DecisionLog log = new DecisionLog(out, stats, config.metricsNamespace(), clock, crypto.provider());
        Map<String, JwksKeySource> sources = new HashMap<>();
        Map<String, Object> cryptoFields = new LinkedHashMap<>();
        cryptoFields.put("requested", config.crypto().name().toLowerCase(java.util.Locale.ROOT));
        cryptoFields.put("provider", crypto.name());
        crypto.fallbackReason().ifPresent(reason -> cryptoFields.put("fallbackReason", reason));
        log.note(null, "crypto_provider", cryptoFields);
        TokenVerifier verifier = new TokenVerifier(config, issuer -> sources.computeIfAbsent(issuer.issuer(), i ->
                new JwksKeySource(issuer, new HttpJwksFetcher(issuer.jwksUri(), config.keySets()), config.keySets(), clock, stats)),
                clock, crypto.provider());
        hydrate(config, sources, log);
        SnapStartPriming priming = new SnapStartPriming(List.copyOf(sources.values()), crypto.provider(), config.keySets(),
                PRIMING_DECISIONS, PRIMING_BUDGET);
        priming.register();
        return new Authorizer(verifier, log, priming);
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

    <R> R decide(Request<R> request, Context context) {
        long started = System.nanoTime();
        String resource = null;
        String token = null;
        try {
            resource = request.resource();
            token = BearerToken.extract(request.authorization());
            VerifiedToken verified = verifier.verify(token);
            R response = request.allow(verified);
            log.write(context, new Entry(Outcome.ALLOW, "token_valid", token, verified.keyId(), null, verified.principal(),
                    verified.keySource(), verified.keyAge(), resource, null, System.nanoTime() - started));
            return response;
        } catch (TokenRejectedException e) {
            log.write(context, new Entry(Outcome.UNAUTHORIZED, e.reason(), token, e.keyId(), e.claimedIssuer(), null, null, null,
                    resource, e.getMessage(), System.nanoTime() - started));
            return request.unauthorized();
        } catch (KeysUnavailableException e) {
            log.write(context, new Entry(Outcome.ERROR, e.reason(), token, e.keyId(), null, null, null, null, resource, e.getMessage(),
                    System.nanoTime() - started));
            throw e;
        } catch (AuthorizerException e) {
            log.write(context, new Entry(Outcome.ERROR, e.reason(), token, null, null, null, null, null, resource, e.getMessage(),
                    System.nanoTime() - started));
            throw e;
        } catch (RuntimeException e) {
            // Never let an unexpected failure look like a decision: log it and fail the invocation (500).
            log.write(context, new Entry(Outcome.ERROR, "internal_error", token, null, null, null, null, null, resource,
                    e.getClass().getName(), System.nanoTime() - started));
            throw new IllegalStateException("The authorizer failed unexpectedly (" + e.getClass().getName() + "); no decision was made.", e);
        }
    }

    /** The single Authorization value among {@code headers} (any case); several different values are a 401. */
    static String authorizationHeader(Map<String, String> headers) {
        return authorizationHeader(headers, null);
    }

    /**
     * The single Authorization value among {@code headers} and {@code multiValueHeaders} (any case, every value of
     * the latter); several different values are a 401, the same value repeated is one.
     */
    static String authorizationHeader(Map<String, String> headers, Map<String, List<String>> multiValueHeaders) {
        String found = null;
        if (headers != null) {
            for (Map.Entry<String, String> header : headers.entrySet()) {
                found = merge(found, header.getKey(), header.getValue());
            }
        }
        if (multiValueHeaders != null) {
            for (Map.Entry<String, List<String>> header : multiValueHeaders.entrySet()) {
                if (header.getValue() != null) {
                    for (String value : header.getValue()) {
                        found = merge(found, header.getKey(), value);
                    }
                }
            }
        }
        return found;
    }

    private static String merge(String found, String name, String value) {
        if (name == null || !name.equalsIgnoreCase("Authorization") || value == null) {
            return found;
        }
        if (found != null && !found.equals(value)) {
            throw new TokenRejectedException(TokenRejectedException.Reason.MALFORMED_AUTHORIZATION, "The request carries conflicting Authorization headers.");
        }
        return value;
    }
}
