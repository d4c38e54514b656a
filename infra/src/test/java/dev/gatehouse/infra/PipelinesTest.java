package dev.gatehouse.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The CI/CD pipelines (Bitbucket and GitHub Actions) build and test every push, deploy dev from main and prod only
 * through the prod environment (GitHub: release tags; Bitbucket: a manual step of main), build what they deploy without
 * a cache another branch can write, take credentials from the CI's variables, and run exactly the commands
 * infra/README.md documents.
 */
class PipelinesTest {

    static final String BUILD = "bash .ci/run";
    static final String DEPLOY_DEV = ".ci/deploy dev";
    static final String DEPLOY_PROD = ".ci/deploy prod";
    static final String SMOKE_DEV = ".ci/smoke-stage dev";
    static final String SMOKE_PROD = ".ci/smoke-stage prod";
    /** Where the Bitbucket deploy steps put the step's OIDC token for the AWS SDK. */
    static final String WEB_IDENTITY_TOKEN_FILE = "export AWS_WEB_IDENTITY_TOKEN_FILE=/tmp/aws-web-identity-token";
    /** The GitHub tags that deploy prod: release versions, all inside the {@code v*} the tag ruleset protects. */
    static final String RELEASE_TAGS = "v[0-9]+.[0-9]+.[0-9]+";
    /** Every function's artifact in infra/serverless.yml, relative to the repository: what the deploy steps need. */
    static final List<String> JARS = jars();

    private static final Pattern AWS_ACCESS_KEY = Pattern.compile("(AKIA|ASIA)[0-9A-Z]{16}");

    private final Path repo = Path.of(Infra.property("gatehouse.repo.dir"));

    @Test
    void shouldBuildAndTestEveryPushOnBitbucket() {
        Map<String, Object> pipelines = map(bitbucket(), "pipelines");

        assertThat(scripts(list(pipelines, "default"))).containsExactly(List.of(BUILD));
    }

    @Test
    void shouldDeployDevFromMainAfterTheBuildOnBitbucket() {
        List<Object> main = main();

        assertThat(scripts(main)).startsWith(List.of(BUILD), List.of(DEPLOY_DEV, SMOKE_DEV));
        assertThat(step(main, 1)).containsEntry("deployment", "dev").doesNotContainKey("trigger");
        assertThat(list(step(main, 0), "artifacts")).containsExactlyInAnyOrderElementsOf(JARS);
    }

    @Test
    void shouldDeployProdFromMainOnlyByAManualStepAfterDevOnBitbucket() {
        // Bitbucket Cloud cannot restrict who pushes a tag, so no tag pipeline deploys; prod is the manual last step of
        // main, which the prod environment's deployment permissions keep to admins and branch main.
        List<Object> main = main();

        assertThat(scripts(main))
                .containsExactly(List.of(BUILD), List.of(DEPLOY_DEV, SMOKE_DEV), List.of(DEPLOY_PROD, SMOKE_PROD));
        assertThat(step(main, 2)).containsEntry("deployment", "prod").containsEntry("trigger", "manual");
        Map<String, Object> pipelines = map(bitbucket(), "pipelines");
        assertThat(pipelines.keySet()).containsExactlyInAnyOrder("default", "branches");
        assertThat(map(pipelines, "branches")).containsOnlyKeys("main");
        assertThat(list(pipelines, "default"))
                .allSatisfy(step -> assertThat(map(map(step), "step")).doesNotContainKey("deployment"));
    }

    @Test
    void shouldBuildWhatDeploysWithoutACacheAnotherBranchCanWriteOnBitbucket() {
        // A repository's caches serve every branch's pipelines: none in the pipeline whose jars deploy.
        assertThat(main())
                .allSatisfy(step -> assertThat(map(map(step), "step"))
                        .as("a step of the main pipeline")
                        .doesNotContainKey("caches"));
    }

    @Test
    void shouldBuildEveryPushAndPullRequestOnGitHub() {
        Map<String, Object> workflow = github();
        // YAML 1.1 reads the key "on" as the boolean true.
        Map<String, Object> on = map(workflow.containsKey("on") ? workflow.get("on") : workflow.get(Boolean.TRUE));

        assertThat(list(map(on, "push"), "branches")).containsExactly("**");
        assertThat(list(map(on, "push"), "tags")).containsExactly(RELEASE_TAGS);
        // Nothing that runs in the default branch's context (pull_request_target, workflow_run…) and could fill the
        // cache the main and tag builds restore.
        assertThat(on).containsOnlyKeys("push", "pull_request");
        assertThat(runs(job("build"))).containsExactly(BUILD);
        assertThat(job("build").toString()).contains(JARS);
    }

    @Test
    void shouldDeployDevFromMainAndProdFromTagsOnGitHub() {
        Map<String, Object> dev = job("deploy-dev");
        Map<String, Object> prod = job("deploy-prod");

        assertThat(dev).containsEntry("needs", "build").containsEntry("environment", "dev");
        assertThat((String) dev.get("if")).contains("github.ref == 'refs/heads/main'");
        assertThat(runs(dev)).containsExactly(DEPLOY_DEV, SMOKE_DEV);
        assertThat(prod).containsEntry("needs", "build").containsEntry("environment", "prod");
        assertThat((String) prod.get("if")).contains("startsWith(github.ref, 'refs/tags/v')");
        assertThat(runs(prod)).containsExactly(DEPLOY_PROD, SMOKE_PROD);
    }

    @Test
    void shouldAskForAnOidcTokenOnlyInTheEnvironmentOfTheStageOnGitHub() {
        // The role trusts sub repo:OWNER/REPO:environment:<stage>; the environment's rules decide which refs get it.
        map(github(), "jobs").forEach((name, job) -> {
            Object permissions = map(job).get("permissions");
            if (permissions != null && "write".equals(map(permissions).get("id-token"))) {
                assertThat(name).as("a job with id-token: write").startsWith("deploy-");
                assertThat(map(job)).containsEntry("environment", name.substring("deploy-".length()));
            }
        });
    }

    @Test
    void shouldUseNoCacheInTheDeployJobsAndOnlySetupJavasBranchScopedOneToBuildOnGitHub() {
        map(github(), "jobs")
                .forEach((name, job) -> list(map(job), "steps").stream()
                        .map(PipelinesTest::map)
                        .forEach(step -> {
                            String uses = String.valueOf(step.get("uses"));
                            assertThat(uses).as(name).doesNotStartWith("actions/cache");
                            Map<String, Object> with = step.containsKey("with") ? map(step, "with") : Map.of();
                            if (with.containsKey("cache")) {
                                // Restores caches of its own ref and of the default branch only.
                                assertThat(name).isEqualTo("build");
                                assertThat(uses).startsWith("actions/setup-java@");
                            }
                        }));
    }

    @Test
    void shouldAssumeTheDeployRoleOnGitHubThroughOidcAndTakeParamsFromTheCiVariables() {
        for (String stage : List.of("dev", "prod")) {
            Map<String, Object> job = job("deploy-" + stage);
            assertThat(map(job, "permissions"))
                    .as(stage)
                    .containsEntry("id-token", "write")
                    .containsEntry("contents", "read");
            List<Map<String, Object>> steps =
                    list(job, "steps").stream().map(PipelinesTest::map).toList();
            int credentials = indexOf(
                    steps,
                    step -> String.valueOf(step.get("uses")).startsWith("aws-actions/configure-aws-credentials@"));
            int deploy = indexOf(steps, step -> ((".ci/deploy " + stage).equals(step.get("run"))));
            int smoke = indexOf(steps, step -> ((".ci/smoke-stage " + stage).equals(step.get("run"))));
            assertThat(credentials).as(stage).isNotNegative().isLessThan(deploy);
            assertThat(deploy).as(stage).isLessThan(smoke);
            assertThat(map(steps.get(credentials), "with"))
                    .as(stage)
                    .containsEntry("role-to-assume", "${{ vars.AWS_ROLE_ARN }}")
                    .containsEntry("aws-region", "${{ vars.AWS_REGION }}");
            assertThat(map(steps.get(deploy), "env"))
                    .as(stage)
                    .containsEntry("TOKEN_ISSUER", "${{ vars.TOKEN_ISSUER }}")
                    .containsEntry("JWKS_URI", "${{ vars.JWKS_URI }}")
                    .containsEntry("AUDIENCE", "${{ vars.AUDIENCE }}")
                    .containsEntry("FUNCTION_PERMISSIONS_BOUNDARY", "${{ vars.FUNCTION_PERMISSIONS_BOUNDARY }}");
            assertThat(map(steps.get(smoke), "env"))
                    .as(stage)
                    .containsEntry("SMOKE_CLIENT_ID", "${{ secrets.SMOKE_CLIENT_ID }}")
                    .containsEntry("SMOKE_CLIENT_SECRET", "${{ secrets.SMOKE_CLIENT_SECRET }}")
                    .containsEntry("TOKEN_ISSUER", "${{ vars.TOKEN_ISSUER }}")
                    .containsEntry("AUDIENCE", "${{ vars.AUDIENCE }}");
        }
        // Only the deploy jobs may ask for an OIDC token.
        assertThat(map(github(), "permissions")).doesNotContainKey("id-token");
        assertThat(job("build")).doesNotContainKey("permissions");
    }

    @Test
    void shouldAssumeTheDeployRoleOnBitbucketThroughOidc() {
        List<Object> main = main();
        for (int deploy = 1; deploy <= 2; deploy++) {
            assertThat(step(main, deploy)).containsEntry("oidc", true);
            List<String> script = list(step(main, deploy), "script").stream()
                    .map(Object::toString)
                    .toList();
            assertThat(script.subList(0, 2))
                    .containsExactly(
                            WEB_IDENTITY_TOKEN_FILE,
                            "printf '%s' \"$BITBUCKET_STEP_OIDC_TOKEN\" > \"$AWS_WEB_IDENTITY_TOKEN_FILE\"");
        }
        assertThat(step(main, 0)).doesNotContainKey("oidc");
    }

    @Test
    void shouldHoldNoLongLivedAwsKeys() throws IOException {
        for (Path file : List.of(repo.resolve("bitbucket-pipelines.yml"), repo.resolve(".github/workflows/ci.yml"))) {
            String text = Files.readString(file);
            assertThat(AWS_ACCESS_KEY.matcher(text).find())
                    .as("an AWS access key in " + file)
                    .isFalse();
            assertThat(text).as(file.toString()).doesNotContain("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
        }
    }

    @Test
    void shouldRunNode22WhereverOslsRuns() throws IOException {
        // The AWS SDK osls uses ends its Node 20 support; package.json's engines say the same.
        assertThat(PackagedService.JSON
                        .readTree(repo.resolve("infra/package.json").toFile())
                        .path("engines")
                        .path("node")
                        .asText())
                .isEqualTo("^22.13.0 || >=24");
        for (Object job : map(github(), "jobs").values()) {
            list(map(job), "steps").stream()
                    .map(PipelinesTest::map)
                    .filter(step -> String.valueOf(step.get("uses")).startsWith("actions/setup-node@"))
                    .forEach(step -> assertThat(map(step, "with")).containsEntry("node-version", "22"));
        }
        List<Object> main = main();
        assertThat(list(step(main, 0), "script").toString()).contains("https://nodejs.org/dist/v22.");
        assertThat(List.of(step(main, 1), step(main, 2)))
                .allSatisfy(deploy -> assertThat(deploy.get("image").toString()).startsWith("node:22-"));
    }

    @Test
    void shouldRefuseToSmokeTestWithoutTheClientAndTheIssuer() {
        Map<String, String> environment = new HashMap<>();
        List.of("SMOKE_CLIENT_ID", "SMOKE_CLIENT_SECRET", "TOKEN_ISSUER", "AUDIENCE")
                .forEach(name -> environment.put(name, null));

        Processes.Result result = Processes.run(repo, environment, List.of("bash", ".ci/smoke-stage", "dev"));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output())
                .contains(
                        "SMOKE_CLIENT_ID is required to smoke-test stage dev",
                        "SMOKE_CLIENT_SECRET is required",
                        "TOKEN_ISSUER is required",
                        "AUDIENCE is required");
        Processes.Result usage = Processes.run(repo, Map.of(), List.of("bash", ".ci/smoke-stage"));
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.output()).startsWith("usage: .ci/smoke-stage <stage>");
    }

    private static int indexOf(List<Map<String, Object>> steps, Predicate<Map<String, Object>> matches) {
        for (int i = 0; i < steps.size(); i++) {
            if (matches.test(steps.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void shouldRunOnlyCommandsTheReadmeDocuments() throws IOException {
        String readme = Files.readString(repo.resolve("infra/README.md"));
        List<String> commands = new ArrayList<>();
        Map<String, Object> pipelines = map(bitbucket(), "pipelines");
        Stream.of(list(pipelines, "default"), main())
                .forEach(steps -> scripts(steps).forEach(commands::addAll));
        map(github(), "jobs").values().forEach(job -> commands.addAll(runs(map(job))));

        assertThat(commands).contains(BUILD, DEPLOY_DEV, DEPLOY_PROD, SMOKE_DEV, SMOKE_PROD);
        assertThat(commands)
                .allSatisfy(command -> assertThat(readme)
                        .as("infra/README.md documents `%s`", command)
                        .contains(command));
    }

    @Test
    void shouldRefuseToDeployWithoutIssuerAudienceAndKeys() {
        Map<String, String> environment = new HashMap<>();
        List.of("TOKEN_ISSUER", "JWKS_URI", "AUDIENCE").forEach(name -> environment.put(name, null));

        Processes.Result result = Processes.run(repo, environment, List.of("bash", ".ci/deploy", "dev"));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output())
                .contains(
                        "TOKEN_ISSUER is required to deploy stage dev", "JWKS_URI is required", "AUDIENCE is required")
                .doesNotContain("npm");
    }

    @Test
    void shouldRefuseAStageWhoseNameCouldFallUnderAnotherStagesRole() {
        // Names are <service>-<stage>-...: dev-2's would match dev's deploy role.
        for (String stage : List.of("dev-2", "Dev", "dev_2", "2dev")) {
            Processes.Result result = Processes.run(repo, Map.of(), List.of("bash", ".ci/deploy", stage));

            assertThat(result.exitCode()).as(stage).isEqualTo(2);
            assertThat(result.output())
                    .as(stage)
                    .startsWith("stage '" + stage + "' is not valid: lowercase letters and digits")
                    .doesNotContain("npm");
        }
    }

    @Test
    void shouldRefuseTheStageDeployWhoseRolesWouldBeTheDeployRoles() {
        // The deploy role may change roles gatehouse-<stage>-*; gatehouse-deploy-* are the deploy roles themselves.
        Map<String, String> environment = new HashMap<>();
        List.of("TOKEN_ISSUER", "JWKS_URI", "AUDIENCE").forEach(name -> environment.put(name, null));

        Processes.Result result = Processes.run(repo, environment, List.of("bash", ".ci/deploy", "deploy"));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output())
                .startsWith("stage 'deploy' is not valid: its execution roles (gatehouse-deploy-*) would include the"
                        + " deploy roles")
                .doesNotContain("npm");
    }

    @Test
    void shouldPrintUsageWithoutAStage() {
        Processes.Result result = Processes.run(repo, Map.of(), List.of("bash", ".ci/deploy"));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).startsWith("usage: .ci/deploy <stage>");
    }

    @Test
    void shouldInstallCurlWhereABitbucketStepSmokeTestsWithASlimImage() {
        // .ci/smoke needs curl; node:*-slim images do not have it.
        List<Object> steps = list(map(bitbucket(), "definitions"), "steps");
        List<Map<String, Object>> smoking = steps.stream()
                .map(step -> map(map(step), "step"))
                .filter(step -> list(step, "script").stream()
                        .map(Object::toString)
                        .anyMatch(line -> line.startsWith(".ci/smoke-stage ")))
                .toList();
        assertThat(smoking).hasSize(2);
        assertThat(smoking).allSatisfy(step -> {
            List<String> script =
                    list(step, "script").stream().map(Object::toString).toList();
            int install = script.indexOf(script.stream()
                    .filter(line -> line.startsWith("apt-get ") && line.contains(" curl"))
                    .findFirst()
                    .orElse("none"));
            assertThat(install)
                    .as("%s installs curl before .ci/smoke-stage", step.get("name"))
                    .isBetween(0, script.size() - 1)
                    .isLessThan(script.indexOf(script.stream()
                            .filter(line -> line.startsWith(".ci/smoke-stage "))
                            .findFirst()
                            .orElseThrow()));
        });
    }

    @Test
    void shouldShipExecutableCiScripts() {
        assertThat(repo.resolve(".ci/run")).isExecutable();
        assertThat(repo.resolve(".ci/deploy")).isExecutable();
        assertThat(repo.resolve(".ci/smoke-stage")).isExecutable();
    }

    private Map<String, Object> bitbucket() {
        return yaml(repo.resolve("bitbucket-pipelines.yml"));
    }

    /** The steps of Bitbucket's main pipeline: build, deploy dev, deploy prod. */
    private List<Object> main() {
        return list(map(map(bitbucket(), "pipelines"), "branches"), "main");
    }

    private static Map<String, Object> step(List<Object> steps, int index) {
        assertThat(steps).hasSizeGreaterThan(index);
        return map(map(steps.get(index)), "step");
    }

    private Map<String, Object> github() {
        return yaml(repo.resolve(".github/workflows/ci.yml"));
    }

    private Map<String, Object> job(String name) {
        return map(map(github(), "jobs"), name);
    }

    /** The {@code script} of each Bitbucket step, anchors and aliases resolved. */
    private static List<List<String>> scripts(List<Object> steps) {
        return steps.stream()
                .map(step -> list(map(map(step), "step"), "script").stream()
                        .map(Object::toString)
                        .filter(line -> Stream.of("apt-get ", "curl ", "export ", "python3 ", "printf ")
                                .noneMatch(line::startsWith))
                        .toList())
                .toList();
    }

    /** The {@code run} commands of a GitHub job, tool installation left out. */
    private static List<String> runs(Map<String, Object> job) {
        return list(job, "steps").stream()
                .map(PipelinesTest::map)
                .filter(step -> step.containsKey("run"))
                .map(step -> step.get("run").toString().strip())
                .filter(run -> !run.startsWith("pip install"))
                .toList();
    }

    private static List<String> jars() {
        Map<String, Object> service = yaml(Path.of(Infra.property("gatehouse.repo.dir"), "infra/serverless.yml"));
        Map<String, Object> functions = map(service, "functions");
        return functions.values().stream()
                .map(function -> map(map(function), "package").get("artifact").toString())
                .flatMap(artifact -> artifactsOf(service, artifact).stream())
                .map(artifact -> artifact.replaceFirst("^\\.\\./", ""))
                .distinct()
                .toList();
    }

    /**
     * A literal artifact, or every value of the {@code custom} map an artifact like
     * {@code ${self:custom.authorizerArtifact.${param:architecture}}} picks from (one jar per architecture).
     */
    private static List<String> artifactsOf(Map<String, Object> service, String artifact) {
        Matcher byKey = Pattern.compile("\\$\\{self:custom\\.([A-Za-z0-9]+)\\.\\$\\{[^}]+}}")
                .matcher(artifact);
        if (!byKey.matches()) {
            return List.of(artifact);
        }
        return map(map(service, "custom"), byKey.group(1)).values().stream()
                .map(Object::toString)
                .toList();
    }

    /** A YAML file as maps and lists; a key given twice fails the test instead of one of them silently winning. */
    private static Map<String, Object> yaml(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try {
            return map(new Yaml(new SafeConstructor(options)).load(Files.readString(file)));
        } catch (IOException e) {
            throw new AssertionError("Cannot read " + file, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return map(parent.get(key));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> parent, String key) {
        assertThat(parent).containsKey(key);
        assertThat(parent.get(key)).as(key).isInstanceOf(List.class);
        return (List<Object>) parent.get(key);
    }
}
