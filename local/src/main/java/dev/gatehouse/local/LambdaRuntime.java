package dev.gatehouse.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What AWS's java21 runtime provides to every function, reproduced locally: the runtime interface client (RIC) and its
 * libraries on the class path, its JNI library unpacked once, the {@code java} binary and Lambda's default JVM flags.
 *
 * @param classPath the jars of {@code target/lambda-runtime} (copied there by the build)
 * @param jniLibrary the RIC's native library for this machine, unpacked
 * @param workDir where deployment jars are unpacked, one directory per function
 */
record LambdaRuntime(List<Path> classPath, Path jniLibrary, Path workDir) {

    static final String MAIN_CLASS = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    /**
     * What Lambda passes to java21 functions (JAVA_TOOL_OPTIONS aside) without SnapStart or provisioned concurrency.
     */
    static final List<String> JVM_FLAGS = List.of(
            "-XX:+TieredCompilation",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xshare:auto",
            // The RIC loads its JNI library; newer JDKs warn about that unless native access is granted, as Lambda's
            // runtime does.
            "--enable-native-access=ALL-UNNAMED");

    LambdaRuntime {
        classPath = List.copyOf(classPath);
    }

    /** Finds the runtime jars in {@code runtimeDir} and unpacks the JNI library into {@code workDir}. */
    static LambdaRuntime locate(Path runtimeDir, Path workDir) {
        List<Path> jars = new ArrayList<>();
        Path ric = null;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(runtimeDir, "*.jar")) {
            for (Path jar : dir) {
                jars.add(jar.toAbsolutePath());
                if (jar.getFileName().toString().startsWith("aws-lambda-java-runtime-interface-client")) {
                    ric = jar;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot list " + runtimeDir + " (" + e.getMessage()
                            + "); build the local module first: ./mvnw -pl local -am package -DskipTests",
                    e);
        }
        if (ric == null) {
            throw new IllegalStateException("No aws-lambda-java-runtime-interface-client jar in " + runtimeDir
                    + "; build the local module first: ./mvnw -pl local -am package -DskipTests");
        }
        return new LambdaRuntime(jars, unpackJni(ric, workDir), workDir);
    }

    Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static Path unpackJni(Path ricJar, Path workDir) {
        String arch = switch (System.getProperty("os.arch").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch_64";
            default ->
                throw new IllegalStateException("The Lambda runtime interface client has no native library for "
                        + System.getProperty("os.arch"));
        };
        String libc =
                Files.exists(Path.of("/lib/ld-musl-x86_64.so.1")) || Files.exists(Path.of("/lib/ld-musl-aarch64.so.1"))
                        ? "linux_musl"
                        : "linux";
        String name = "jni/libaws-lambda-jni." + libc + "-" + arch + ".so";
        try (ZipFile zip = new ZipFile(ricJar.toFile())) {
            ZipEntry entry = zip.getEntry(name);
            if (entry == null) {
                throw new IllegalStateException(ricJar + " has no " + name);
            }
            Files.createDirectories(workDir);
            Path target = workDir.resolve("libaws-lambda-jni.so");
            try (InputStream in = zip.getInputStream(entry)) {
                Path tmp = Files.createTempFile(workDir, "jni", ".so");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return target.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack " + name + " from " + ricJar + ": " + e.getMessage(), e);
        }
    }

    /**
     * Unpacks a deployment jar into a fresh directory under the work directory, as Lambda unpacks it into /var/task.
     */
    Path unpack(String functionName, Path artifact) {
        if (!Files.isRegularFile(artifact)) {
            throw new IllegalStateException("The artifact of function '" + functionName + "' does not exist: "
                    + artifact + "; build it first (./mvnw -pl local -am package -DskipTests)");
        }
        try {
            Files.createDirectories(workDir);
            Path dir = Files.createTempDirectory(workDir, functionName + "-");
            try (ZipFile zip = new ZipFile(artifact.toFile())) {
                var entries = zip.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry entry = entries.nextElement();
                    Path target = dir.resolve(entry.getName()).normalize();
                    if (!target.startsWith(dir)) {
                        throw new IllegalStateException(
                                artifact + " contains an entry outside its root: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        try (InputStream in = zip.getInputStream(entry)) {
                            Files.copy(in, target);
                        }
                    }
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack " + artifact + ": " + e.getMessage(), e);
        }
    }
}
