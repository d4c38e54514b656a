package dev.gatehouse.authorizer.token;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import java.security.Provider;
import java.util.Locale;
import java.util.Optional;

/**
 * Which JCA provider verifies RSA signatures. Lambda starts Java with {@code -XX:TieredStopAtLevel=1} (C1 only) unless
 * SnapStart or provisioned concurrency is on, and under C1 the JDK's RSA-2048 verify takes about 230 µs; Amazon
 * Corretto Crypto Provider (ACCP, AWS-LC through JNI) takes about 16 µs whatever the JIT tier (see BENCHMARKS.md).
 *
 * <p>ACCP is used only for signature verification, through {@link RsaVerification}; it is never installed as a
 * JVM-wide provider, so TLS, {@code SecureRandom} and everything else stay on the JDK's providers. When its native
 * library cannot load (another CPU architecture, an unusual libc), verification falls back to the JDK, never fails.
 */
public enum CryptoProvider {
    /** ACCP when its native library loads, otherwise the JDK's provider. */
    ACCP,
    /** The JDK's own providers. */
    JDK;

    /** The environment variable that selects the provider. */
    public static final String CRYPTO_PROVIDER = "CRYPTO_PROVIDER";

    /** Parses {@code accp} or {@code jdk} (any case). */
    public static CryptoProvider parse(String value, String variable) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(variable + " must be 'accp' or 'jdk', got '" + value + "'");
        }
    }

    /** The provider in effect and, when ACCP was asked for but is not used, why. */
    public record Resolved(Optional<Provider> provider, String name, Optional<String> fallbackReason) {}

    /**
     * Resolves the choice: loads ACCP's native library if asked to and runs its self-tests (a cost of a few hundred
     * ms, which {@link VerificationProvider#loading} keeps off the critical path).
     */
    public Resolved resolve() {
        if (this == JDK) {
            return new Resolved(Optional.empty(), "jdk", Optional.empty());
        }
        try {
            Throwable loadingError = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
            if (loadingError != null) {
                return new Resolved(
                        Optional.empty(), "jdk", Optional.of("ACCP's native library did not load: " + loadingError));
            }
            AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
            // Every algorithm the authorizer will ask ACCP for, built now: a provider that lacks one is not used at
            // all, rather than failing on the first token that needs it.
            Optional<String> missing = RsaVerification.missingFrom(AmazonCorrettoCryptoProvider.INSTANCE);
            if (missing.isPresent()) {
                return new Resolved(Optional.empty(), "jdk", Optional.of("ACCP lacks " + missing.get()));
            }
            return new Resolved(
                    Optional.of(AmazonCorrettoCryptoProvider.INSTANCE),
                    "accp " + AmazonCorrettoCryptoProvider.INSTANCE.getVersionStr(),
                    Optional.empty());
        } catch (RuntimeException | LinkageError e) {
            return new Resolved(Optional.empty(), "jdk", Optional.of("ACCP is unavailable: " + e));
        }
    }
}
