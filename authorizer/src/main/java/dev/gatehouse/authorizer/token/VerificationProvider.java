package dev.gatehouse.authorizer.token;

import static java.util.Objects.requireNonNull;

import java.security.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The provider that verifies signatures (and hashes the log's token hash) right now: fixed, or the JDK's until
 * Amazon Corretto Crypto Provider has loaded in the background, then ACCP.
 *
 * <p>Loading ACCP (its native library, then {@link CryptoProvider#resolve()}'s {@code assertHealthy()}, which runs
 * its self-test suite) takes a few hundred milliseconds of a cold start. Loaded on its own thread, it is off the
 * critical path: the first tokens are verified by the JDK's provider (correct, slower under C1), and ACCP takes over
 * once it has passed its self-tests. ACCP is never handed out before they pass; if it fails to load, the JDK's
 * provider stays, as with a synchronous fallback. Users read {@link #current()} per operation and keep one
 * {@code Signature}/{@code MessageDigest} per thread per provider.
 */
public final class VerificationProvider {

    private final CountDownLatch resolved = new CountDownLatch(1);
    private final List<Consumer<CryptoProvider.Resolved>> listeners = new ArrayList<>();
    private volatile Optional<Provider> current;
    private CryptoProvider.Resolved outcome;

    private VerificationProvider(Optional<Provider> initial) {
        this.current = requireNonNull(initial, "initial is null");
    }

    /** Always {@code provider} (empty: the JDK's). */
    public static VerificationProvider fixed(Optional<Provider> provider) {
        VerificationProvider fixed = new VerificationProvider(provider);
        fixed.resolve(new CryptoProvider.Resolved(
                provider, provider.map(Provider::getName).orElse("jdk"), Optional.empty()));
        return fixed;
    }

    /** The JDK's provider until {@code choice} has resolved on a platform daemon thread, then its provider. */
    public static VerificationProvider loading(CryptoProvider choice) {
        requireNonNull(choice, "choice is null");
        VerificationProvider loading = new VerificationProvider(Optional.empty());
        if (choice == CryptoProvider.JDK) {
            loading.resolve(choice.resolve());
        } else {
            Thread.ofPlatform().daemon().name("gatehouse-accp-load").start(() -> {
                CryptoProvider.Resolved outcome;
                try {
                    outcome = choice.resolve();
                } catch (RuntimeException | Error e) {
                    outcome = new CryptoProvider.Resolved(
                            Optional.empty(), "jdk", Optional.of("ACCP is unavailable: " + e));
                }
                loading.resolve(outcome);
            });
        }
        return loading;
    }

    /** On the JDK's provider, unresolved until {@link #resolve}: for tests of the switch. */
    static VerificationProvider pending() {
        return new VerificationProvider(Optional.empty());
    }

    void resolve(CryptoProvider.Resolved resolution) {
        List<Consumer<CryptoProvider.Resolved>> waiting;
        synchronized (this) {
            outcome = resolution;
            current = resolution.provider();
            waiting = List.copyOf(listeners);
            listeners.clear();
        }
        try {
            waiting.forEach(listener -> listener.accept(resolution));
        } finally {
            // After the listeners: whoever awaits the resolution also sees what they did.
            resolved.countDown();
        }
    }

    /**
     * Runs {@code listener} with the outcome: now if the choice has resolved, else on the loading thread when it has.
     */
    public void whenResolved(Consumer<CryptoProvider.Resolved> listener) {
        requireNonNull(listener, "listener is null");
        CryptoProvider.Resolved now;
        synchronized (this) {
            now = outcome;
            if (now == null) {
                listeners.add(listener);
                return;
            }
        }
        listener.accept(now);
    }

    /** The provider to use now; the same {@link Optional} instance until it changes. */
    public Optional<Provider> current() {
        return current;
    }

    /**
     * Waits until the choice has resolved, for at most {@code timeout} (SnapStart's before-checkpoint hook, so the
     * snapshot holds ACCP; tests).
     *
     * @return whether it has resolved
     */
    public boolean awaitResolved(Duration timeout) {
        try {
            return resolved.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
