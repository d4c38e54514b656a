package dev.gatehouse.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * .ci/smoke-stage against an issuer on 127.0.0.1: it discovers the token endpoint, makes a client-credentials request
 * and hands the token to {@code .ci/smoke} exactly as {@code SMOKE_TOKEN=<token> .ci/smoke "$BASE_URL"}; a refused
 * client stops it before the smoke test, and neither the secret nor a token is printed; a redirect or a plain-http
 * URL of a host other than loopback stops it before the secret leaves. {@code .ci/smoke} is a
 * stand-in in a copy of .ci/ that records what it was given (the real one calls the deployed API).
 */
class SmokeStageIT {

    private static final String SECRET = "s3cret-of-the-smoke-client";
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzbW9rZSJ9.c2lnbmF0dXJl";

    @TempDir
    Path temp;

    private HttpServer issuer;
    /** Where a redirect points: it records every request that reaches it. */
    private HttpServer elsewhere;

    private final ConcurrentLinkedQueue<Map<String, String>> tokenRequests = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> requestsElsewhere = new ConcurrentLinkedQueue<>();
    private volatile int tokenStatus = 200;
    private volatile String tokenEndpoint;
    /** A path of the issuer that answers {@link #redirectStatus} to {@link #elsewhere}, or null. */
    private volatile String redirectPath;

    private volatile int redirectStatus;

    @BeforeEach
    void startIssuer() throws IOException {
        elsewhere = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        elsewhere.createContext("/", exchange -> {
            requestsElsewhere.add(exchange.getRequestMethod() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            answer(exchange, 200, "{\"access_token\":\"" + TOKEN + "\",\"token_endpoint\":\"" + elsewhereUrl() + "\"}");
        });
        elsewhere.start();
        issuer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        tokenEndpoint = issuerUrl() + "oauth/token";
        issuer.createContext("/.well-known/openid-configuration", exchange -> {
            if (!redirected(exchange)) {
                answer(
                        exchange,
                        200,
                        "{\"issuer\":\"" + issuerUrl() + "\",\"token_endpoint\":\"" + tokenEndpoint + "\"}");
            }
        });
        issuer.createContext("/oauth/token", exchange -> {
            if (redirected(exchange)) {
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> form = new LinkedHashMap<>();
            form.put("method", exchange.getRequestMethod());
            form.put("content-type", exchange.getRequestHeaders().getFirst("Content-Type"));
            for (String pair : body.split("&")) {
                String[] kv = pair.split("=", 2);
                form.put(
                        URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
            tokenRequests.add(form);
            answer(
                    exchange,
                    tokenStatus,
                    tokenStatus == 200
                            ? "{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}"
                            : "{\"error\":\"access_denied\"}");
        });
        issuer.start();
    }

    @AfterEach
    void stopIssuer() {
        issuer.stop(0);
        elsewhere.stop(0);
    }

    @Test
    void shouldHandTheClientCredentialsTokenAndTheBaseUrlToTheSmokeTest() throws IOException {
        Path repo = copyWithStandInSmoke();

        Processes.Result result = smokeStage(repo);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(Files.readString(repo.resolve("smoke-called-with")))
                .isEqualTo("token=" + TOKEN + " base=https://abc123.execute-api.eu-west-1.amazonaws.com/dev\n");
        assertThat(tokenRequests)
                .singleElement()
                .satisfies(form -> assertThat(form)
                        .containsEntry("method", "POST")
                        .containsEntry("content-type", "application/x-www-form-urlencoded")
                        .containsEntry("grant_type", "client_credentials")
                        .containsEntry("client_id", "smoke-client")
                        .containsEntry("client_secret", SECRET)
                        // the first of several audiences
                        .containsEntry("audience", "https://api.example.com")
                        .containsEntry("scope", "read:orders"));
        assertThat(result.output()).doesNotContain(SECRET, TOKEN);
    }

    @Test
    void shouldStopBeforeTheSmokeTestWhenTheIssuerRefusesTheClient() throws IOException {
        Path repo = copyWithStandInSmoke();
        tokenStatus = 401;

        Processes.Result result = smokeStage(repo);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output())
                .contains(issuerUrl() + "oauth/token", "refused client smoke-client", "401", "access_denied")
                .doesNotContain(SECRET);
        assertThat(repo.resolve("smoke-called-with")).doesNotExist();
    }

    @ParameterizedTest(name = "{1} from {0}")
    @CsvSource({"/oauth/token, 307", "/oauth/token, 308", "/.well-known/openid-configuration, 302"})
    void shouldRefuseARedirectWithoutFollowingIt(String path, int status) throws IOException {
        Path repo = copyWithStandInSmoke();
        redirectPath = path;
        redirectStatus = status;

        Processes.Result result = smokeStage(repo);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output())
                .contains(issuerUrl() + path.substring(1) + " answered " + status, "not followed")
                .doesNotContain(SECRET, TOKEN);
        assertThat(requestsElsewhere).as("requests to the redirect's target").isEmpty();
        assertThat(repo.resolve("smoke-called-with")).doesNotExist();
    }

    @Test
    void shouldRefuseAPlainHttpTokenEndpointFromDiscovery() throws IOException {
        Path repo = copyWithStandInSmoke();
        tokenEndpoint = "http://token.example/oauth/token";

        Processes.Result result = smokeStage(repo);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output())
                .contains("the token_endpoint of " + issuerUrl() + ".well-known/openid-configuration is not https: "
                        + tokenEndpoint)
                .doesNotContain(SECRET);
        assertThat(tokenRequests).isEmpty();
        assertThat(repo.resolve("smoke-called-with")).doesNotExist();
    }

    @Test
    void shouldRefuseAPlainHttpTokenEndpointVariable() throws IOException {
        Path repo = copyWithStandInSmoke();

        Processes.Result result = smokeStage(repo, Map.of("TOKEN_ENDPOINT", "http://token.example/oauth/token"));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output())
                .contains("TOKEN_ENDPOINT is not https: http://token.example/oauth/token")
                .doesNotContain(SECRET);
        assertThat(repo.resolve("smoke-called-with")).doesNotExist();
    }

    private Processes.Result smokeStage(Path repo) {
        return smokeStage(repo, Map.of());
    }

    private Processes.Result smokeStage(Path repo, Map<String, String> overrides) {
        Map<String, String> environment = new HashMap<>();
        environment.put("SMOKE_CLIENT_ID", "smoke-client");
        environment.put("SMOKE_CLIENT_SECRET", SECRET);
        environment.put("TOKEN_ISSUER", issuerUrl());
        environment.put("TOKEN_ENDPOINT", null);
        environment.put("AUDIENCE", "https://api.example.com, https://other.example.com");
        environment.put("SMOKE_SCOPE", "read:orders");
        environment.put("BASE_URL", "https://abc123.execute-api.eu-west-1.amazonaws.com/dev");
        environment.putAll(overrides);
        return Processes.run(repo, environment, List.of("bash", ".ci/smoke-stage", "dev"));
    }

    /** .ci/ as shipped, with a .ci/smoke that records its SMOKE_TOKEN and argument. */
    private Path copyWithStandInSmoke() throws IOException {
        Path repo = temp.resolve("repo");
        Files.createDirectories(repo.resolve(".ci/lib"));
        for (String file :
                List.of(".ci/smoke-stage", ".ci/lib/client-credentials-token.js", ".ci/lib/stack-output.js")) {
            Files.copy(Infra.repoDir().resolve(file), repo.resolve(file));
        }
        Path smoke = repo.resolve(".ci/smoke");
        Files.writeString(
                smoke,
                "#!/usr/bin/env bash\n"
                        + "printf 'token=%s base=%s\\n' \"$SMOKE_TOKEN\" \"$1\""
                        + " > \"$(dirname \"$0\")/../smoke-called-with\"\n");
        Files.setPosixFilePermissions(smoke, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(repo.resolve(".ci/smoke-stage"), PosixFilePermissions.fromString("rwxr-xr-x"));
        return repo;
    }

    private String issuerUrl() {
        return "http://127.0.0.1:" + issuer.getAddress().getPort() + "/";
    }

    private String elsewhereUrl() {
        return "http://127.0.0.1:" + elsewhere.getAddress().getPort() + "/stolen";
    }

    /** Answers the redirect when this exchange is for {@link #redirectPath}. */
    private boolean redirected(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals(redirectPath)) {
            return false;
        }
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().set("Location", elsewhereUrl());
        exchange.sendResponseHeaders(redirectStatus, -1);
        exchange.close();
        return true;
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
