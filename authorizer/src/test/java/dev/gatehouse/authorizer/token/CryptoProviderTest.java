package dev.gatehouse.authorizer.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.auth0.jwt.algorithms.Algorithm;
import dev.gatehouse.authorizer.AuthorizerConfig;
import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException;
import dev.gatehouse.authorizer.keys.KeySetPolicy;
import dev.gatehouse.authorizer.testing.TestKeys;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CryptoProviderTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @Test
    void shouldUseAccpWhereItsNativeLibraryLoads() {
        // The build and CI machines are x86_64 Linux, where the x86_64 library on the test class path loads.
        CryptoProvider.Resolved resolved = CryptoProvider.ACCP.resolve();

        assertThat(resolved.fallbackReason()).isEmpty();
        assertThat(resolved.provider())
                .hasValueSatisfying(p -> assertThat(p.getName()).isEqualTo("AmazonCorrettoCryptoProvider"));
        assertThat(resolved.name()).startsWith("accp ");
    }

    @Test
    void shouldCheckThatAProviderSuppliesEveryAlgorithmBeforeItIsUsed() {
        // ACCP supplies all six (PSS with its parameters) and SHA-256: resolve() above hands it out.
        assertThat(RsaVerification.missingFrom(AmazonCorrettoCryptoProvider.INSTANCE))
                .isEmpty();
        // A provider with RSA signatures but no digests (the JDK's SunRsaSign) is refused, naming what it lacks.
        assertThat(RsaVerification.missingFrom(Security.getProvider("SunRsaSign")))
                .hasValue("SHA-256");
        // One with RS256 only: the first missing algorithm, with its JCA name.
        Provider rs256Only = new Provider("RS256Only", "1", "test") {};
        rs256Only.put("Signature.SHA256withRSA", "sun.security.rsa.RSASignature$SHA256withRSA");
        assertThat(RsaVerification.missingFrom(rs256Only)).hasValue("RS384 (SHA384withRSA)");
        assertThat(RsaVerification.missingFrom(new Provider("Empty", "1", "test") {}))
                .hasValue("RS256 (SHA256withRSA)");
    }

    @Test
    void shouldFindTheReadyLibraryOnTheLibraryPath(@TempDir Path dir) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        String path =
                String.join(File.pathSeparator, "", dir.resolve("missing").toString(), dir.toString(), lib.toString());

        assertThat(CryptoProvider.readyLibrary(path)).isEmpty();
        Files.write(lib.resolve("libamazonCorrettoCryptoProvider.so"), new byte[] {0x7F, 'E', 'L', 'F'});
        assertThat(CryptoProvider.readyLibrary(path)).contains(lib.resolve("libamazonCorrettoCryptoProvider.so"));
        assertThat(CryptoProvider.readyLibrary("\u0000bad")).isEmpty();
    }

    @Test
    void shouldUseTheJdkWhenAskedTo() {
        assertThat(CryptoProvider.JDK.resolve())
                .isEqualTo(new CryptoProvider.Resolved(Optional.empty(), "jdk", Optional.empty()));
    }

    @Test
    void shouldReadTheChoiceFromTheEnvironmentAndDefaultToAccp() {
        Map<String, String> env = Map.of(
                "TOKEN_ISSUER",
                TestKeys.ISSUER,
                "JWKS_URI",
                "https://x.example/jwks.json",
                "AUDIENCE",
                TestKeys.AUDIENCE);
        assertThat(AuthorizerConfig.fromEnv(env).crypto()).isEqualTo(CryptoProvider.ACCP);

        Map<String, String> jdk = new HashMap<>(env);
        jdk.put("CRYPTO_PROVIDER", " JDK ");
        assertThat(AuthorizerConfig.fromEnv(jdk).crypto()).isEqualTo(CryptoProvider.JDK);

        jdk.put("CRYPTO_PROVIDER", "bouncycastle");
        assertThatThrownBy(() -> AuthorizerConfig.fromEnv(jdk))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("CRYPTO_PROVIDER must be 'accp' or 'jdk', got 'bouncycastle'");
    }

    @Test
    void shouldVerifyAndRejectWithAccpExactlyAsWithTheJdk() {
        TestKeys keys = TestKeys.generate("key-1");
        for (CryptoProvider choice : CryptoProvider.values()) {
            Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
            AuthorizerConfig config = new AuthorizerConfig(
                    List.of(TestKeys.issuer()),
                    TokenRules.DEFAULT,
                    KeySetPolicy.DEFAULT,
                    AuthorizerConfig.DEFAULT_METRICS_NAMESPACE,
                    choice);
            TokenVerifier verifier = new TokenVerifier(
                    config.issuers(),
                    config.tokens(),
                    issuer -> TestKeys.keySource(TestKeys.fetcher(keys), clock),
                    clock,
                    choice.resolve().provider());
            String token = keys.sign(keys.token(NOW));
            String[] parts = token.split("\\.");
            byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
            signature[10] ^= 1;
            String tampered = parts[0] + "." + parts[1] + "."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
            String rs512 = keys.token(NOW).sign(Algorithm.RSA512(keys.publicKey, keys.privateKey));

            assertThat(verifier.verify(token).principal().subject())
                    .as(choice.name())
                    .isEqualTo("m2m-client@clients");
            assertThatThrownBy(() -> verifier.verify(tampered))
                    .as(choice.name())
                    .isInstanceOfSatisfying(
                            TokenRejectedException.class,
                            e -> assertThat(e.rejection()).isEqualTo(TokenRejectedException.Reason.INVALID_SIGNATURE));
            assertThatThrownBy(() -> verifier.verify(rs512))
                    .as(choice.name())
                    .isInstanceOfSatisfying(
                            TokenRejectedException.class,
                            e -> assertThat(e.rejection())
                                    .isEqualTo(TokenRejectedException.Reason.ALGORITHM_NOT_ALLOWED));
        }
    }
}
