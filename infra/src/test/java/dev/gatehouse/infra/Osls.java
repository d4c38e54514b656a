package dev.gatehouse.infra;

import java.nio.file.Path;
import java.util.ArrayList;
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
}
