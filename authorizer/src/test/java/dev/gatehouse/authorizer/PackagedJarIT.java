package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployable artifacts: target/authorizer.jar (x86_64) and target/authorizer-arm64.jar are self-contained,
 * unsigned, carry ACCP's native library for their CPU, stay within the size budget, and their handler starts from the
 * jar alone.
 */
class PackagedJarIT {

    private static final Path JAR = Path.of("target", "authorizer.jar");
    private static final Path ARM64_JAR = Path.of("target", "authorizer-arm64.jar");
    /** Where Lambda unzips it: {@code $LAMBDA_TASK_ROOT/lib}, on Lambda's {@code LD_LIBRARY_PATH}. */
    private static final String ACCP_LIBRARY = "lib/libamazonCorrettoCryptoProvider.so";

    private static final String ACCP_BUNDLED_LIBRARY =
            "com/amazon/corretto/crypto/provider/libamazonCorrettoCryptoProvider.so";
    /** ELF e_machine values. */
    private static final int EM_X86_64 = 0x3E;

    private static final int EM_AARCH64 = 0xB7;
    /**
     * Measured at 6.8 MiB (x86_64) / 6.6 MiB (arm64) when set: ACCP's native library is 3.2 MiB of it, Jackson and
     * joda-time (from aws-lambda-java-events) most of the rest. The budget leaves ~10 % headroom; growing past it
     * needs a reason (cold start reads every byte through the class loader's zip index).
     */
    private static final long SIZE_BUDGET_BYTES = 7_500_000;

    @Test
    void shouldStayWithinTheSizeBudget() throws IOException {
        assertThat(Files.size(JAR)).as("size of %s", JAR).isLessThanOrEqualTo(SIZE_BUDGET_BYTES);
        assertThat(Files.size(ARM64_JAR)).as("size of %s", ARM64_JAR).isLessThanOrEqualTo(SIZE_BUDGET_BYTES);
    }

    @Test
    void shouldCarryAccpsNativeLibraryForEachJarsCpu() throws IOException {
        assertThat(elfMachine(JAR)).as("ELF machine of the library in %s", JAR).isEqualTo(EM_X86_64);
        assertThat(elfMachine(ARM64_JAR))
                .as("ELF machine of the library in %s", ARM64_JAR)
                .isEqualTo(EM_AARCH64);
    }

    @Test
    void shouldShipTheLibraryOnlyReadyToLoadNotInsideAccpsPackage() throws IOException {
        assertThat(entries(JAR)).doesNotContain(ACCP_BUNDLED_LIBRARY);
        assertThat(entries(ARM64_JAR)).doesNotContain(ACCP_BUNDLED_LIBRARY);
    }

    /**
     * Unzipped as Lambda does (working directory = the package, {@code LD_LIBRARY_PATH} with its {@code lib/}), the
     * jar's ACCP loads its library in place: ACCP resolves, and nothing is copied into an empty {@code java.io.tmpdir}.
     */
    @Test
    void shouldLoadAccpInPlaceWhenUnzippedAsLambdaDoes(@TempDir Path dir) throws Exception {
        Path task = Files.createDirectories(dir.resolve("task"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        try (JarFile jar = new JarFile(JAR.toFile())) {
            for (ZipEntry entry : Collections.list(jar.entries())) {
                Path target = task.resolve(entry.getName()).normalize();
                if (!target.startsWith(task)) {
                    throw new IOException("entry outside the package: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = jar.getInputStream(entry)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder child = new ProcessBuilder(
                        java,
                        "-Djava.io.tmpdir=" + tmp,
                        "-cp",
                        task
                                + File.pathSeparator
                                + Path.of("target", "test-classes").toAbsolutePath(),
                        "dev.gatehouse.authorizer.token.ResolveCryptoMain")
                .directory(task.toFile())
                .redirectErrorStream(true);
        // Lambda's documented value: /lib64:/usr/lib64:$LAMBDA_RUNTIME_DIR:$LAMBDA_RUNTIME_DIR/lib:$LAMBDA_TASK_ROOT:
        // $LAMBDA_TASK_ROOT/lib:/opt/lib
        child.environment()
                .put("LD_LIBRARY_PATH", "/lib64:/usr/lib64:" + task + ":" + task.resolve("lib") + ":/opt/lib");
        child.environment().put("LAMBDA_TASK_ROOT", task.toString());
        Process process = child.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).as(output).contains("accp 2.5.0 -");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("copied into java.io.tmpdir").isEmpty();
        }
    }

    @Test
    void shouldShipTheSameClassesInBothArchitectureJars() throws IOException {
        assertThat(entries(ARM64_JAR)).isEqualTo(entries(JAR));
    }

    private static int elfMachine(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            ZipEntry library = file.getEntry(ACCP_LIBRARY);
            assertThat(library).as("%s in %s", ACCP_LIBRARY, jar).isNotNull();
            byte[] header = file.getInputStream(library).readNBytes(20);
            assertThat(new String(header, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("ELF");
            return (header[18] & 0xFF) | (header[19] & 0xFF) << 8;
        }
    }

    private static Set<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return Collections.list(file.entries()).stream()
                    .map(ZipEntry::getName)
                    .collect(Collectors.toSet());
        }
    }

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
        assertThat(Files.isRegularFile(JAR))
                .as("run 'package' first: %s", JAR.toAbsolutePath())
                .isTrue();
        try (URLClassLoader isolated =
                new URLClassLoader(new URL[] {JAR.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> config = isolated.loadClass("dev.gatehouse.authorizer.AuthorizerConfig");
            Method fromEnv = config.getMethod("fromEnv", Map.class);
            Object parsed = fromEnv.invoke(
                    null,
                    Map.of(
                            "TOKEN_ISSUER", "https://tenant.auth0.com/",
                            "JWKS_URI", "https://tenant.auth0.com/.well-known/jwks.json",
                            "AUDIENCE", "https://api.example.com"));
            Class<?> routes = isolated.loadClass("dev.gatehouse.authorizer.policy.RouteScopes");
            Object table = routes.getMethod("parse", String.class, Set.class)
                    .invoke(null, "{\"GET /orders\":[\"read:orders\"]}", Set.of("a1b2c3d4e5"));
            Class<?> handler = isolated.loadClass("dev.gatehouse.authorizer.AuthorizerHandler");

            Object instance = handler.getConstructor(config, routes).newInstance(parsed, table);

            assertThat(instance.getClass().getClassLoader()).isSameAs(isolated);
            assertThat(isolated.loadClass("com.amazonaws.services.lambda.runtime.RequestHandler")
                            .isAssignableFrom(handler))
                    .isTrue();
            assertThat(isolated.loadClass("dev.gatehouse.common.MethodArn").getClassLoader())
                    .isSameAs(isolated);
        }
    }

    @Test
    void shouldShipAllHandlersAndJwksRsaWithoutGuava() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> names = Collections.list(jar.entries()).stream()
                    .map(ZipEntry::getName)
                    .toList();
            assertThat(names)
                    .contains(
                            "dev/gatehouse/authorizer/AuthorizerHandler.class",
                            "dev/gatehouse/authorizer/HttpApiAuthorizerHandler.class",
                            "dev/gatehouse/authorizer/HttpApiIamAuthorizerHandler.class",
                            "com/auth0/jwk/UrlJwkProvider.class",
                            "com/auth0/jwk/Jwk.class");
            assertThat(names).noneMatch(name -> name.startsWith("com/google/"));
        }
    }
}
