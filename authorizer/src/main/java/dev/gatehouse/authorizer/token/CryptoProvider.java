package dev.gatehouse.authorizer.token;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
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

    /** ACCP's system property that has it load its library from {@code java.library.path} instead of its jar. */
    static final String USE_EXTERNAL_LIB = "com.amazon.corretto.crypto.provider.useExternalLib";

    /** The file name {@code System.loadLibrary("amazonCorrettoCryptoProvider")} looks for on Linux. */
    static final String LIBRARY_FILE = "libamazonCorrettoCryptoProvider.so";

    /**
     * Has ACCP load its native library where the function's package already holds it, ready to load: the jar's
     * {@code lib/}, which Lambda unzips to {@code $LAMBDA_TASK_ROOT/lib}, a directory on Lambda's documented
     * {@code LD_LIBRARY_PATH} and so on {@code java.library.path}
     * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
     * Otherwise ACCP copies the 9.6 MB library out of its jar into {@code java.io.tmpdir} at every cold start. Called
     * before ACCP's classes load (its loader reads the property once); a value the user set is left alone, and
     * without the file nothing is set, so ACCP loads the library from its own jar, if that holds one.
     *
     */
    static void preferReadyLibrary(String libraryPath) {
        if (System.getProperty(USE_EXTERNAL_LIB) == null
                && readyLibrary(libraryPath).isPresent()) {
            System.setProperty(USE_EXTERNAL_LIB, "true");
        }
    }

    /** The first {@value #LIBRARY_FILE} in a directory of {@code libraryPath} (a {@code java.library.path} value). */
    static Optional<Path> readyLibrary(String libraryPath) {
        for (String dir : libraryPath.split(File.pathSeparator)) {
            try {
                Path candidate = Path.of(dir).resolve(LIBRARY_FILE);
                if (!dir.isBlank() && Files.isRegularFile(candidate)) {
                    return Optional.of(candidate);
                }
            } catch (InvalidPathException e) {
                // not a directory name: not where the library is
            }
        }
        return Optional.empty();
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
        String libraryPath = System.getProperty("java.library.path", "");
        preferReadyLibrary(libraryPath);
        try {
            Throwable loadingError = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
            if (loadingError != null) {
                boolean bundled = AmazonCorrettoCryptoProvider.class.getResource(LIBRARY_FILE) != null;
                return new Resolved(
                        Optional.empty(),
                        "jdk",
                        Optional.of(
                                bundled || readyLibrary(libraryPath).isPresent()
                                        ? "ACCP's native library did not load: " + loadingError
                                        : "ACCP's native library " + LIBRARY_FILE
                                                + " is on neither java.library.path nor the class path: run the"
                                                + " unzipped package with its lib/ on LD_LIBRARY_PATH, as Lambda"
                                                + " does"));
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
