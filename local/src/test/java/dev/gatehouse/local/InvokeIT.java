package dev.gatehouse.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./local/run invoke FUNCTION EVENT_FILE}: the JSON result on stdout, exit status 1 when the function fails. */
class InvokeIT {

    @TempDir
    Path work;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int invoke(String function, Path event) {
        LocalStack.Options options = TestStacks.options(work);
        return Main.invoke(
                options.withLog(line -> System.out.println(line)),
                function,
                event,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private JsonNode output() {
        return TestStacks.json(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldPrintHelloWorldProxyResponse() {
        int status = invoke("helloWorld", TestStacks.repoRoot().resolve("events/hello-world-proxy.json"));

        assertThat(status).as(out.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(output().get("statusCode").asInt()).isEqualTo(200);
        assertThat(output().get("body").asText()).contains("m2m-client@clients");
    }

    @Test
    void shouldRunAuthorizerWithFreshTokenForAccessTokenPlaceholder() {
        int status = invoke("authorizer", TestStacks.repoRoot().resolve("events/authorizer-token.json"));

        assertThat(status).as(out.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(output().get("principalId").asText()).isEqualTo("gatehouse-local-client@clients");
        assertThat(output().get("policyDocument")
                        .get("Statement")
                        .get(0)
                        .get("Effect")
                        .asText())
                .isEqualTo("Allow");
    }

    @Test
    void shouldExitNonZeroWithErrorWhenFunctionFails() throws Exception {
        Path event = work.resolve("bad-token.json");
        Files.writeString(
                event,
                Files.readString(TestStacks.repoRoot().resolve("events/authorizer-token.json"))
                        .replace("ACCESS_TOKEN", "not.a.token"));

        int status = invoke("authorizer", event);

        assertThat(status).isEqualTo(1);
        assertThat(output().get("errorMessage").asText()).isEqualTo("Unauthorized");
    }

    @Test
    void shouldExitWithUsageErrorForUnknownFunction() {
        int status = Main.run(
                new String[] {
                    "invoke",
                    "noSuchFunction",
                    TestStacks.repoRoot()
                            .resolve("events/hello-world-proxy.json")
                            .toString()
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("No function 'noSuchFunction'");
    }
}
