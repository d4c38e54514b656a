package dev.gatehouse.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Resolves a serverless.yml with the osls that deploys it: {@code osls print --stage S --format json --param k=v},
 * run in the service's directory with the {@code node_modules/.bin/osls} found upwards from it ({@code infra/}'s, which
 * {@code infra/package.json} pins and {@code ./mvnw package} installs). Every variable source osls knows is resolved as
 * it is for {@code osls package}: {@code ${file(...)}} splits with addresses, {@code ${self:}}, {@code ${param:}},
 * {@code ${sls:}}, {@code ${env:}}, {@code ${strToBool()}}, ... (https://www.serverless.com/framework/docs/guides/variables).
 *
 * <p>Offline by design: the child gets no AWS credentials (no profile, no credential or config file, no instance
 * metadata), so a source that reads an AWS account ({@code ${cf:}}, {@code ${ssm:}}, {@code ${s3:}}) fails at once
 * with a message saying so, instead of the local stack depending on a deployed one.
 */
final class OslsPrint {

    /** How long one {@code osls print} may take (it takes ~1-3 s). */
    private static final long TIMEOUT_SECONDS = 120;

    private static final List<String> CREDENTIAL_VARIABLES = List.of(
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_ROLE_ARN",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI");

    private OslsPrint() {}

    /** The {@code node_modules/.bin/osls} nearest above {@code serviceDir}, or null. */
    static Path locate(Path serviceDir) {
        for (Path dir = serviceDir.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("node_modules/.bin/osls");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
            Path infra = dir.resolve("infra/node_modules/.bin/osls");
            if (Files.isExecutable(infra)) {
                return infra;
            }
        }
        return null;
    }

    /** The resolved service of {@code file} for {@code stage}, with {@code params} as {@code --param}. */
    static Map<?, ?> resolve(Path osls, Path file, String stage, Map<String, String> params) {
        requireNonNull(osls, "osls is null");
        Path yml = file.toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(
                osls.toString(),
                "print",
                "--config",
                yml.getFileName().toString(),
                "--stage",
                stage,
                "--format",
                "json"));
        params.forEach((key, value) -> command.add("--param=" + key + "=" + value));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(yml.getParent().toFile());
        Map<String, String> env = builder.environment();
        CREDENTIAL_VARIABLES.forEach(env::remove);
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        env.put("AWS_CONFIG_FILE", "/dev/null");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("SLS_TELEMETRY_DISABLED", "1");
        env.put("SLS_NOTIFICATIONS_MODE", "off");
        String where = "osls print --stage " + stage + " of " + yml;
        Process process;
        try {
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + osls + " (" + e.getMessage() + ")", e);
        }
        CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(where + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + where, e);
        }
        String out = new String(stdout.join(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            String err = new String(stderr.join(), StandardCharsets.UTF_8);
            throw new IllegalArgumentException(
                    where + " failed (exit " + process.exitValue() + "):\n" + explain(out.strip(), err.strip()));
        }
        try {
            Object parsed = Http.JSON.readValue(out, Object.class);
            if (parsed instanceof Map<?, ?> map) {
                return map;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new IllegalStateException(
                where + " printed no JSON object: " + (out.length() > 500 ? out.substring(0, 500) + "..." : out));
    }

    private static String explain(String out, String err) {
        String message = out.isEmpty() ? err : out;
        if (message.contains("AWS provider credentials not found")) {
            message += "\nThe local stack resolves serverless.yml offline, without AWS credentials, so a variable that"
                    + " reads an AWS account (${cf:...}, ${ssm:...}, ${s3:...}) cannot be resolved: give the value as"
                    + " a param for the local stage (see local/README.md).";
        }
        return message;
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
