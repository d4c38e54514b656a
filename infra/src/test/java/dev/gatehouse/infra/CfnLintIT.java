package dev.gatehouse.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** cfn-lint on every packaged template, where cfn-lint is installed (skipped, saying so, where it is not). */
class CfnLintIT {

    @Test
    void shouldPassCfnLintForEveryStage() {
        Path cfnLint = cfnLintOrSkip();
        List<Path> templates =
                List.of("dev", "prod", "local", "dev-java21-x86_64", "dev-no-snapstart", "example-separate-stack")
                        .stream()
                        .map(name -> Infra.packaged(name).templateFile())
                        .toList();

        Processes.Result result = CfnLint.lint(cfnLint, templates);

        assertThat(result.exitCode())
                .as("cfn-lint (ignoring only %s) said:%n%s", CfnLint.IGNORED_CHECKS, result.output())
                .isZero();
    }

    static Path cfnLintOrSkip() {
        Optional<Path> cfnLint = CfnLint.executable();
        if (cfnLint.isEmpty()) {
            System.out.println("[WARNING] cfn-lint is not on the PATH: the CloudFormation templates are NOT linted. "
                    + "Install it (pip install cfn-lint) to run this check.");
        }
        assumeTrue(
                cfnLint.isPresent(),
                "cfn-lint is not on the PATH; install it (pip install cfn-lint) to lint the templates");
        return cfnLint.get();
    }
}
