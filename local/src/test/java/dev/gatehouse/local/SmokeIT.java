package dev.gatehouse.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .ci/smoke BASE_URL}, the deploy pipelines' smoke test, against the local stack of infra/serverless.yml with a
 * token from the local identity provider: it passes with a token that lacks the forbidden route's scope and fails,
 * naming the check, with one that has it.
 */
class SmokeIT {

    @TempDir
    static Path work;

    static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(TestStacks.options(work));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private record Run(int exit, String output) {}

    private static Run smoke(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path root = TestStacks.repoRoot();
        ProcessBuilder builder = new ProcessBuilder(
                        concat(List.of("bash", root.resolve(".ci/smoke").toString()), List.of(args)))
                .directory(root.toFile())
                .redirectErrorStream(true);
        builder.environment().remove("SMOKE_TOKEN");
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        System.out.println(text);
        return new Run(process.exitValue(), text);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    @Test
    void shouldPassWithATokenThatLacksTheForbiddenRoutesScope() throws Exception {
        // gatehouse-local-client: read:hello only, so GET /orders (read:orders) is the 403.
        String token = TestStacks.token(stack.identityProvider());

        Run run = smoke(Map.of("SMOKE_TOKEN", token), stack.gateway().baseUrl());

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("ok    GET /hello-world with the token -> 200")
                .contains("ok    GET /hello-world without a token -> 401, WWW-Authenticate: Bearer realm=\"gatehouse\"")
                .contains("ok    GET /orders with the token -> 403, Access-Control-Allow-Origin: *")
                .contains("smoke: 3 of 3 checks passed")
                .doesNotContain(token);
    }

    @Test
    void shouldFailNamingTheCheckWhenTheForbiddenRouteIsAllowed() throws Exception {
        String token =
                stack.identityProvider().mint("gatehouse-orders-reader", TestStacks.AUDIENCE, List.of("read:orders"));

        Run run = smoke(Map.of("SMOKE_TOKEN", token), stack.gateway().baseUrl());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.output())
                .contains("FAIL  GET /orders with the token: expected 403")
                .contains("got HTTP 200")
                .contains("smoke: 1 of 3 checks failed")
                .doesNotContain(token);
    }

    @Test
    void shouldFailWhenTheRoutesAreWrongAndTakeThemFromTheEnvironment() throws Exception {
        String token = TestStacks.token(stack.identityProvider());

        Run run = smoke(
                Map.of("SMOKE_TOKEN", token, "SMOKE_OPEN_PATH", "/nope", "SMOKE_FORBIDDEN_METHOD", "POST"),
                stack.gateway().baseUrl() + "/");

        assertThat(run.exit()).isEqualTo(1);
        // An unknown route is API Gateway's 403 Missing Authentication Token: neither 200 nor 401.
        assertThat(run.output())
                .contains("FAIL  GET /nope with the token: expected 200")
                .contains("Missing Authentication Token")
                .contains("FAIL  GET /nope without a token: expected 401")
                .contains("ok    POST /orders with the token -> 403");
    }

    @Test
    void shouldRefuseToRunWithoutAToken() throws Exception {
        Run run = smoke(Map.of(), stack.gateway().baseUrl());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.output()).contains("SMOKE_TOKEN is required");
    }
}
