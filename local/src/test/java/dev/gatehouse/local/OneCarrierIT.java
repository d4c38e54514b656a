package dev.gatehouse.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stack as {@code ./local/run} starts it, in a child JVM whose virtual-thread scheduler has exactly one carrier
 * and may not add any ({@code parallelism=1}, {@code maxPoolSize=1}). A thread blocked on a function's log pipe that
 * were virtual would hold that carrier for good, and neither the gateway nor the identity provider (their exchanges run
 * on virtual threads) would answer again: that is what happened to a stack left idle for ~100 s, once the scheduler's
 * spare carriers had retired. Here the condition holds from the start, so the test needs no idle wait.
 */
class OneCarrierIT {

    /** Generous: a request to a stack that works takes milliseconds; one to a stalled stack never completes. */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);

    private static final Pattern IDP = Pattern.compile("token endpoint (http://127\\.0\\.0\\.1:\\d+/oauth/token)");
    private static final Pattern GATEWAY = Pattern.compile("API Gateway +(http://127\\.0\\.0\\.1:\\d+/local)");

    static Process stack;
    static final List<String> output = new CopyOnWriteArrayList<>();
    static String tokenEndpoint;
    static String gateway;

    @BeforeAll
    static void start() throws Exception {
        Path repo = TestStacks.repoRoot();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(
                java.toString(),
                "-Djdk.virtualThreadScheduler.parallelism=1",
                "-Djdk.virtualThreadScheduler.maxPoolSize=1",
                "-cp",
                repo.resolve("local/target/gatehouse-local.jar") + ":" + repo.resolve("local/target/lib/*"),
                "dev.gatehouse.local.Main",
                "--gateway-port",
                "0",
                "--idp-port",
                "0"));
        stack = new ProcessBuilder(command)
                .directory(repo.toFile())
                .redirectErrorStream(true)
                .start();
        stack.getOutputStream().close();
        CompletableFuture<Void> up = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("one-carrier-stack-output").start(() -> {
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(stack.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    output.add(line);
                    System.out.println("[one-carrier stack] " + line);
                    Matcher idp = IDP.matcher(line);
                    if (idp.find()) {
                        tokenEndpoint = idp.group(1);
                    }
                    Matcher gw = GATEWAY.matcher(line);
                    if (gw.find()) {
                        gateway = gw.group(1);
                    }
                    if (tokenEndpoint != null && gateway != null) {
                        up.complete(null);
                    }
                }
            } catch (IOException e) {
                // the stack ended
            }
            up.completeExceptionally(new IllegalStateException(
                    "The stack exited before printing its banner: " + String.join("\n", output)));
        });
        up.get(3, TimeUnit.MINUTES);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (stack != null) {
            // SIGTERM: Main's shutdown hook stops the function JVMs.
            stack.destroy();
            if (!stack.waitFor(30, TimeUnit.SECONDS)) {
                stack.descendants().forEach(ProcessHandle::destroyForcibly);
                stack.destroyForcibly();
            }
        }
    }

    @Test
    void shouldServeTheGatewayAndTheIdentityProviderWithOneCarrierWhileFunctionsRun() {
        for (int round = 1; round <= 3; round++) {
            // New tokens each round: the authorizer runs (and logs, through its pipe) every time, and so does the
            // function behind each route.
            String hello = token(TestStacks.CLIENT_ID, TestStacks.CLIENT_SECRET);
            String orders = token("gatehouse-orders-reader", "gatehouse-orders-reader-secret");
            for (Map.Entry<String, String> call :
                    Map.of("/hello-world", hello, "/orders", orders).entrySet()) {
                HttpResponse<String> response = call(
                        "the gateway",
                        HttpRequest.newBuilder(URI.create(gateway + call.getKey()))
                                .header("Authorization", "Bearer " + call.getValue())
                                .GET());
                assertThat(response.statusCode())
                        .as("round %d, GET %s: %s", round, call.getKey(), response.body())
                        .isEqualTo(200);
            }
            HttpResponse<String> anonymous = call(
                    "the gateway",
                    HttpRequest.newBuilder(URI.create(gateway + "/hello-world")).GET());
            assertThat(anonymous.statusCode()).isEqualTo(401);
        }
        assertThat(output)
                .as("the functions' log lines still reach the stack's output")
                .anyMatch(line -> line.startsWith("[authorizer] "));
        assertThat(stack.isAlive()).isTrue();
    }

    private static String token(String clientId, String clientSecret) {
        HttpResponse<String> response = call(
                "the identity provider",
                HttpRequest.newBuilder(URI.create(tokenEndpoint))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"client_id\":\"" + clientId
                                + "\",\"client_secret\":\"" + clientSecret + "\",\"audience\":\""
                                + TestStacks.AUDIENCE + "\",\"grant_type\":\"client_credentials\"}")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestStacks.json(response.body()).get("access_token").asText();
    }

    private static HttpResponse<String> call(String server, HttpRequest.Builder request) {
        try {
            return TestStacks.HTTP.send(request.timeout(ANSWER_WITHIN).build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new AssertionError(
                    server + " did not answer within " + ANSWER_WITHIN.toSeconds()
                            + " s with one virtual-thread carrier: is a thread blocked on a pipe virtual?",
                    e);
        } catch (IOException e) {
            throw new AssertionError(server + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
