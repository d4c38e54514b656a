package dev.gatehouse.infra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code osls package}, the way the build runs it: offline, no AWS credentials, deprecations as errors. */
final class Osls {

    private Osls() {}

    static Processes.Result packageService(Path serviceDir, Path output, String stage, List<String> params) {
        List<String> command =
                new ArrayList<>(List.of(Infra.osls().toString(), "package", "--stage=" + stage, "--package=" + output));
        params.forEach(param -> command.add("--param=" + param));
        return Processes.run(serviceDir, Map.of("SLS_DEPRECATION_NOTIFICATION_MODE", "error"), command);
    }

    /**
     * {@code osls deploy function -f <function>} without any AWS credentials: it can fail before reaching AWS, or at
     * the credentials, never deploy.
     */
    static Processes.Result deployFunctionOffline(Path serviceDir, String function, String stage, List<String> params) {
        List<String> command = new ArrayList<>(
                List.of(Infra.osls().toString(), "deploy", "function", "--function=" + function, "--stage=" + stage));
        params.forEach(param -> command.add("--param=" + param));
        Map<String, String> environment = new HashMap<>();
        for (String credentials : List.of(
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN",
                "AWS_PROFILE",
                "AWS_DEFAULT_PROFILE",
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                "AWS_ROLE_ARN",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
            environment.put(credentials, null);
        }
        environment.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        environment.put("AWS_CONFIG_FILE", "/dev/null");
        environment.put("AWS_EC2_METADATA_DISABLED", "true");
        return Processes.run(serviceDir, environment, command);
    }
}
