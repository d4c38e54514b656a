package dev.gatehouse.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for 127.0.0.1, made with the JDK's own {@code keytool} (the JDK has no public API to
 * create certificates): a PKCS#12 key store for the server and trust store for Java clients, and a PEM for Node.
 */
final class Tls {

    private static final String PASSWORD = "gatehouse-bench";

    private final Path keyStore;
    private final Path certificatePem;

    private Tls(Path keyStore, Path certificatePem) {
        this.keyStore = keyStore;
        this.certificatePem = certificatePem;
    }

    static Tls selfSigned(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path keyStore = dir.resolve("jwks-tls.p12");
        Path pem = dir.resolve("jwks-tls.pem");
        Files.deleteIfExists(keyStore);
        Files.deleteIfExists(pem);
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(
                keytool,
                "-genkeypair",
                "-alias",
                "jwks",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD));
        run(List.of(
                keytool,
                "-exportcert",
                "-rfc",
                "-alias",
                "jwks",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                PASSWORD,
                "-file",
                pem.toString()));
        return new Tls(keyStore, pem);
    }

    SSLContext serverContext() throws IOException {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the benchmark's TLS key store " + keyStore, e);
        }
    }

    List<String> javaTrustOptions() {
        return List.of(
                "-Djavax.net.ssl.trustStore=" + keyStore,
                "-Djavax.net.ssl.trustStorePassword=" + PASSWORD,
                "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    /** Makes this JVM's default TLS context trust the certificate; call before the first TLS connection. */
    void trustInThisJvm() {
        for (String option : javaTrustOptions()) {
            String property = option.substring(2);
            System.setProperty(
                    property.substring(0, property.indexOf('=')), property.substring(property.indexOf('=') + 1));
        }
    }

    Path certificatePem() {
        return certificatePem;
    }

    private static void run(List<String> command) throws IOException {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
