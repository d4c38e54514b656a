package dev.gatehouse.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Postman collection of events/ passes against the local stack, run by newman (pinned by local/package-lock.json).
 */
class NewmanIT {

    @TempDir
    Path work;

    @Test
    void shouldPassPostmanCollectionAgainstLocalStack() throws Exception {
        Path root = TestStacks.repoRoot();
        Path newman = root.resolve("local/node_modules/.bin/newman");
        assertThat(newman)
                .as("newman is installed by 'npm ci' in local/ (pre-integration-test)")
                .exists();
        try (LocalStack stack = LocalStack.start(TestStacks.options(work))) {
            Process process = new ProcessBuilder(List.of(
                            newman.toString(),
                            "run",
                            root.resolve("events/gatehouse.postman_collection.json")
                                    .toString(),
                            "--environment",
                            root.resolve("events/local.postman_environment.json")
                                    .toString(),
                            "--env-var",
                            "idpUrl=" + stack.identityProvider().issuer().replaceAll("/$", ""),
                            "--env-var",
                            "baseUrl=" + stack.gateway().baseUrl(),
                            "--color",
                            "off",
                            "--disable-unicode"))
                    .redirectErrorStream(true)
                    .redirectOutput(work.resolve("newman.log").toFile())
                    .start();
            boolean finished = process.waitFor(3, TimeUnit.MINUTES);
            String log = Files.readString(work.resolve("newman.log"));
            System.out.println(log);
            if (!finished) {
                process.destroyForcibly();
            }
            assertThat(finished).as("newman finished in time").isTrue();
            assertThat(process.exitValue()).as(log).isZero();
            assertThat(log)
                    .contains("Get a token")
                    .contains("without a token")
                    .contains("tampered token")
                    .contains("orders write with the read-only token")
                    .contains("403 from the cached policy");
        }
    }
}
