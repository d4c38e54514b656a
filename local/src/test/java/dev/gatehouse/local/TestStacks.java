package dev.gatehouse.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.local.fixtures.FixtureAuthorizer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Shared set-up of the local module's integration tests: paths, stack options on free ports, the fixture jar, HTTP
 * calls.
 */
final class TestStacks {

    static final String CLIENT_ID = "gatehouse-local-client";
    static final String CLIENT_SECRET = "gatehouse-local-secret";
    static final String AUDIENCE = "https://api.gatehouse.local";

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestStacks() {}

    static Path repoRoot() {
        String events = System.getProperty("gatehouse.events.dir");
        if (events == null) {
            throw new IllegalStateException("gatehouse.events.dir is not set; run the tests through Maven");
        }
        return Path.of(events).toAbsolutePath().getParent();
    }

    /** The ./local/run defaults, but on free ports with a private work directory. */
    static LocalStack.Options options(Path workDir) {
        return LocalStack.Options.defaults(repoRoot())
                .withPorts(0, 0)
                .withWorkDir(workDir)
                .withLog(line -> System.out.println(line));
    }

    /**
     * A fresh directory for a test's serverless.yml inside the repository ({@code local/target/it-services/NAME}), so
     * that {@code osls print} finds infra/'s osls above it, holding a copy of the route-scopes plugin.
     */
    static Path serviceDir(String name) throws IOException {
        Path dir = repoRoot().resolve("local/target/it-services").resolve(name);
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(dir);
        Files.copy(repoRoot().resolve("infra/route-scopes.js"), dir.resolve("route-scopes.js"));
        return dir;
    }

    /**
     * A deployment jar holding the classes of the fixtures package (they need only aws-lambda-java-core, which the
     * runtime provides).
     */
    static Path fixtureJar(Path dir) throws IOException, URISyntaxException {
        Path classes = Path.of(FixtureAuthorizer.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Path packageDir = classes.resolve("dev/gatehouse/local/fixtures");
        Path jar = dir.resolve("fixtures.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.list(packageDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                out.putNextEntry(new JarEntry("dev/gatehouse/local/fixtures/" + file.getFileName()));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
        }
        return jar;
    }

    /** What {@code osls package} did: its exit code and its output. */
    record OslsResult(int exitCode, String output) {}

    /**
     * {@code osls package --stage local} of the serverless.yml in {@code dir} (a {@link #serviceDir}), by infra's osls,
     * offline: no AWS credentials, no instance metadata. The template lands in {@code dir/.serverless}.
     */
    static OslsResult oslsPackage(Path dir) throws IOException, InterruptedException {
        Path osls = OslsPrint.locate(dir);
        if (osls == null) {
            throw new IllegalStateException("No osls above " + dir + ": ./mvnw package installs infra's");
        }
        Path log = dir.resolve("osls.log");
        ProcessBuilder builder = new ProcessBuilder(osls.toString(), "package", "--stage", "local")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        builder.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        builder.environment().put("AWS_CONFIG_FILE", "/dev/null");
        builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        builder.environment().put("SLS_TELEMETRY_DISABLED", "1");
        builder.environment().put("SLS_NOTIFICATIONS_MODE", "off");
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("osls package did not finish within 120 s");
        }
        return new OslsResult(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    static HttpResponse<String> get(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .GET();
        headers.forEach(request::header);
        return send(request.build());
    }

    /** {@code method} on {@code url} with the bearer {@code token}; a POST sends {@code {}}. */
    static HttpResponse<String> call(String method, String url, String token) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .method(
                        method,
                        method.equals("POST")
                                ? HttpRequest.BodyPublishers.ofString("{}")
                                : HttpRequest.BodyPublishers.noBody())
                .build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> postToken(IdentityProvider idp, String contentType, String body) {
        return send(HttpRequest.newBuilder(URI.create(idp.tokenEndpoint()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    /** A token for the default client, fetched the way the README's curl does. */
    static String token(IdentityProvider idp) {
        HttpResponse<String> response = postToken(
                idp,
                "application/json",
                "{\"client_id\":\"" + CLIENT_ID + "\",\"client_secret\":\"" + CLIENT_SECRET + "\",\"audience\":\""
                        + AUDIENCE + "\",\"grant_type\":\"client_credentials\"}");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token request failed: " + response.statusCode() + " " + response.body());
        }
        return json(response.body()).get("access_token").asText();
    }

    /**
     * Sends {@code request} as written to 127.0.0.1:{@code port} and returns the whole response (the request should
     * say {@code Connection: close}): for what the JDK client will not send, such as a {@code Host} of our choosing.
     */
    static String raw(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static JsonNode json(String body) {
        try {
            return Http.JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }
}
