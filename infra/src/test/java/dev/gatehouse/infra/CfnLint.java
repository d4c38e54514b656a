package dev.gatehouse.infra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * cfn-lint, where it is installed. W3005 ("obsolete DependsOn") is the only check ignored: the framework itself emits
 * DependsOn entries that Ref/GetAtt already imply.
 */
final class CfnLint {

    static final String IGNORED_CHECKS = "W3005";

    private CfnLint() {}

    static Optional<Path> executable() {
        return Processes.onPath("cfn-lint");
    }

    static Processes.Result lint(Path cfnLint, List<Path> templates) {
        List<String> command = new ArrayList<>(List.of(cfnLint.toString(), "--ignore-checks", IGNORED_CHECKS, "--"));
        templates.forEach(template -> command.add(template.toString()));
        return Processes.run(Infra.infraDir(), Map.of(), command);
    }
}
