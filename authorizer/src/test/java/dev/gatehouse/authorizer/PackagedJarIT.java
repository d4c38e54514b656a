package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The deployable artifact: target/authorizer.jar is self-contained, unsigned, and its handler starts from it alone. */
class PackagedJarIT {

    private static final Path JAR = Path.of("target", "authorizer.jar");

    @Test
    void shouldContainNoSignatureFiles() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> signatures = Collections.list(jar.entries()).stream()
                    .map(ZipEntry::getName)
                    .filter(name -> name.startsWith("META-INF/") && name.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"))
                    .toList();
            assertThat(signatures).isEmpty();
        }
    }

    @Test
    void shouldBuildTheHandlerFromTheJarAloneWithoutTheTestClasspath() throws Exception {
        assertThat(Files.isRegularFile(JAR)).as("run 'package' first: %s", JAR.toAbsolutePath()).isTrue();
        try (URLClassLoader isolated = new URLClassLoader(new URL[] {JAR.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> config = isolated.loadClass("dev.gatehouse.authorizer.AuthorizerConfig");
            Method fromEnv = config.getMethod("fromEnv", Map.class);
            Object parsed = fromEnv.invoke(null, Map.of(
                    "TOKEN_ISSUER", "https://tenant.auth0.com/",
                    "JWKS_URI", "https://tenant.auth0.com/.well-known/jwks.json",
                    "AUDIENCE", "https://api.example.com"));
            Class<?> handler = isolated.loadClass("dev.gatehouse.authorizer.AuthorizerHandler");

            Object instance = handler.getConstructor(config).newInstance(parsed);

            assertThat(instance.getClass().getClassLoader()).isSameAs(isolated);
            assertThat(isolated.loadClass("com.amazonaws.services.lambda.runtime.RequestHandler").isAssignableFrom(handler)).isTrue();
            assertThat(isolated.loadClass("dev.gatehouse.common.MethodArn").getClassLoader()).isSameAs(isolated);
        }
    }

    @Test
    void shouldShipAllHandlersAndNeitherJwksRsaNorGuava() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> names = Collections.list(jar.entries()).stream().map(ZipEntry::getName).toList();
            assertThat(names).contains(
                    "dev/gatehouse/authorizer/AuthorizerHandler.class",
                    "dev/gatehouse/authorizer/HttpApiAuthorizerHandler.class",
                    "dev/gatehouse/authorizer/HttpApiIamAuthorizerHandler.class");
            assertThat(names).noneMatch(name -> name.startsWith("com/google/") || name.startsWith("com/auth0/jwk/"));
        }
    }
}
