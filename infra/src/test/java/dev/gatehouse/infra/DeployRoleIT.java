package dev.gatehouse.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * infra/deploy-role.yml: the roles CI assumes through OpenID Connect to deploy one stage. Who may assume them, and that
 * what they may do stays within the stage and covers what the packaged templates create.
 */
class DeployRoleIT {

    private static final Path TEMPLATE = Infra.infraDir().resolve("deploy-role.yml");
    /** The only grants on resources wider than the stage's own, each because AWS cannot scope it further. */
    private static final Set<String> UNSCOPED =
            Set.of("ValidateTemplateHasNoResource", "DescribeLogGroupsHasNoNarrowerResource", "RestApisOfThisRegion");

    private final JsonNode template = load(TEMPLATE);

    @Test
    void shouldPassCfnLint() {
        Path cfnLint = CfnLintIT.cfnLintOrSkip();

        Processes.Result result = CfnLint.lint(cfnLint, List.of(TEMPLATE));

        assertThat(result.exitCode()).as("cfn-lint said:%n%s", result.output()).isZero();
    }

    @Test
    void shouldLetOnlyAGitHubJobInTheStagesEnvironmentOfTheRepositoryAssumeTheGitHubRole() {
        JsonNode role = resource("GitHubDeployRole");
        assertThat(role.path("Condition").asText()).isEqualTo("TrustGitHub");
        JsonNode statements =
                role.path("Properties").path("AssumeRolePolicyDocument").path("Statement");

        assertThat(statements).hasSize(1);
        JsonNode trust = statements.get(0);
        assertThat(trust.path("Effect").asText()).isEqualTo("Allow");
        assertThat(trust.path("Action").asText()).isEqualTo("sts:AssumeRoleWithWebIdentity");
        assertThat(trust.path("Principal").path("Federated").toString())
                .isEqualTo("{\"Fn::If\":[\"CreateGitHubProvider\",{\"Ref\":\"GitHubOidcProvider\"},"
                        + "{\"Ref\":\"GitHubOidcProviderArn\"}]}");
        // StringEquals on both, never StringLike: no other repository, environment, or audience.
        assertThat(trust.path("Condition").properties())
                .extracting(Map.Entry::getKey)
                .containsExactly("StringEquals");
        JsonNode equals = trust.path("Condition").path("StringEquals");
        assertThat(equals.path("token.actions.githubusercontent.com:aud").asText())
                .isEqualTo("sts.amazonaws.com");
        assertThat(equals.path("token.actions.githubusercontent.com:sub").toString())
                .isEqualTo("{\"Fn::Sub\":\"repo:${GitHubRepository}:environment:${Stage}\"}");
        assertThat(resource("GitHubOidcProvider").path("Properties").path("Url").asText())
                .isEqualTo("https://token.actions.githubusercontent.com");
        assertThat(resource("GitHubOidcProvider")
                        .path("Properties")
                        .path("ClientIdList")
                        .toString())
                .isEqualTo("[\"sts.amazonaws.com\"]");
    }

    @Test
    void shouldLetOnlyABitbucketStepOfTheRepositoryDeployingToTheStageAssumeTheBitbucketRole() throws IOException {
        JsonNode role = resource("BitbucketDeployRole");
        assertThat(role.path("Condition").asText()).isEqualTo("TrustBitbucket");
        JsonNode sub = role.path("Properties").path("AssumeRolePolicyDocument").path("Fn::Sub");
        // The document is a string (its condition keys name the workspace's issuer); read it with stand-in values.
        String document = sub.get(0)
                .asText()
                .replace("${Provider}", "arn:aws:iam::123456789012:oidc-provider/issuer")
                .replace("${Issuer}", "issuer")
                .replace("${BitbucketWorkspaceUuid}", "W")
                .replace("${BitbucketRepositoryUuid}", "{R}")
                .replace("${BitbucketDeploymentEnvironmentUuid}", "{E}");
        JsonNode statements = PackagedService.JSON.readTree(document).path("Statement");

        assertThat(statements).hasSize(1);
        JsonNode trust = statements.get(0);
        assertThat(trust.path("Effect").asText()).isEqualTo("Allow");
        assertThat(trust.path("Action").asText()).isEqualTo("sts:AssumeRoleWithWebIdentity");
        assertThat(trust.path("Condition").toString())
                .isEqualTo("{\"StringEquals\":{\"issuer:aud\":\"ari:cloud:bitbucket::workspace/W\"},"
                        + "\"StringLike\":{\"issuer:sub\":\"{R}:{E}:*\"}}");
        assertThat(sub.get(1).path("Issuer").path("Fn::Sub").asText())
                .isEqualTo("api.bitbucket.org/2.0/workspaces/${BitbucketWorkspace}/pipelines-config/identity/oidc");
        assertThat(resource("BitbucketOidcProvider")
                        .path("Properties")
                        .path("Url")
                        .path("Fn::Sub")
                        .asText())
                .isEqualTo("https://api.bitbucket.org/2.0/workspaces/${BitbucketWorkspace}"
                        + "/pipelines-config/identity/oidc");
        // Both roles get the same policy and nothing else; neither is among the roles that policy may change.
        for (String id : List.of("GitHubDeployRole", "BitbucketDeployRole")) {
            JsonNode properties = resource(id).path("Properties");
            assertThat(properties.path("ManagedPolicyArns").toString()).isEqualTo("[{\"Ref\":\"DeployPolicy\"}]");
            assertThat(properties.has("Policies")).isFalse();
            assertThat(properties.path("MaxSessionDuration").asInt()).isEqualTo(3600);
            assertThat(properties.path("RoleName").path("Fn::Sub").asText()).startsWith("${Service}-deploy-${Stage}-");
        }
    }

    @Test
    void shouldGrantNoWildcardActionAndScopeEveryResourceToTheStageButWhatAwsCannotScope() {
        for (JsonNode statement : statements()) {
            String sid = statement.path("Sid").asText();
            assertThat(statement.path("Effect").asText()).as(sid).isEqualTo("Allow");
            for (String action : texts(statement.path("Action"))) {
                assertThat(action).as(sid).doesNotContain("*");
            }
            for (JsonNode resource : list(statement.path("Resource"))) {
                String arn = resource.isTextual()
                        ? resource.asText()
                        : resource.path("Fn::Sub").asText();
                if (UNSCOPED.contains(sid)) {
                    continue;
                }
                assertThat(arn).as(sid).startsWith("arn:${AWS::Partition}:").contains("${Service}-${Stage}");
            }
        }
        assertThat(statement("ValidateTemplateHasNoResource").toString())
                .isEqualTo("{\"Sid\":\"ValidateTemplateHasNoResource\",\"Effect\":\"Allow\","
                        + "\"Action\":\"cloudformation:ValidateTemplate\",\"Resource\":\"*\"}");
        assertThat(texts(statement("DescribeLogGroupsHasNoNarrowerResource").path("Action")))
                .containsExactly("logs:DescribeLogGroups");
        assertThat(statement("RestApisOfThisRegion").path("Resource").toString())
                .contains("arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis");
        // Deploys, never deletes the stack.
        assertThat(allActions()).doesNotContain("cloudformation:DeleteStack");
    }

    @Test
    void shouldLetTheDeployerCreateAndChangeOnlyRolesBoundedByTheFunctionBoundary() {
        JsonNode bounded = statement("ExecutionRolesBoundedOnly");
        assertThat(texts(bounded.path("Action")))
                .containsExactlyInAnyOrder("iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy");
        assertThat(bounded.path("Condition").toString())
                .isEqualTo("{\"StringEquals\":{\"iam:PermissionsBoundary\":{\"Ref\":\"FunctionBoundary\"}}}");
        long granting = statements().stream()
                .filter(statement -> texts(statement.path("Action")).stream()
                        .anyMatch(action -> List.of("iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy")
                                .contains(action)))
                .count();
        assertThat(granting)
                .as("statements granting role creation or inline policies")
                .isEqualTo(1);
        assertThat(allActions())
                .doesNotContain(
                        "iam:PutRolePermissionsBoundary",
                        "iam:DeleteRolePermissionsBoundary",
                        "iam:CreatePolicy",
                        "iam:DeletePolicy");

        // The boundary allows what the execution roles in serverless.yml use, on the stage's log groups only.
        JsonNode boundary = resource("FunctionBoundary")
                .path("Properties")
                .path("PolicyDocument")
                .path("Statement");
        assertThat(boundary).hasSize(1);
        List<String> allowed = texts(boundary.get(0).path("Action"));
        assertThat(boundary.get(0).path("Resource").toString())
                .isEqualTo("[{\"Fn::Sub\":\"arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:"
                        + "log-group:/aws/lambda/${Service}-${Stage}-*:*\"}]");
        for (JsonNode role :
                Infra.packaged("dev").resourcesOfType("AWS::IAM::Role").values()) {
            role.path("Properties")
                    .path("Policies")
                    .forEach(policy -> policy.path("PolicyDocument")
                            .path("Statement")
                            .forEach(statement -> assertThat(allowed).containsAll(texts(statement.path("Action")))));
        }
        assertThat(template.path("Outputs")
                        .path("FunctionPermissionsBoundaryArn")
                        .path("Value")
                        .toString())
                .isEqualTo("{\"Ref\":\"FunctionBoundary\"}");
    }

    @Test
    void shouldPassTheExecutionRolesToLambdaOnly() {
        for (JsonNode statement : statements()) {
            if (texts(statement.path("Action")).contains("iam:PassRole")) {
                assertThat(texts(statement.path("Action"))).containsExactly("iam:PassRole");
                assertThat(statement.path("Condition").toString())
                        .isEqualTo("{\"StringEquals\":{\"iam:PassedToService\":\"lambda.amazonaws.com\"}}");
            }
        }
        assertThat(allActions()).contains("iam:PassRole", "lambda:PublishVersion");
        assertThat(allActions())
                .doesNotContain(
                        "iam:AttachRolePolicy", "iam:CreatePolicyVersion", "iam:CreateUser", "iam:CreateAccessKey");
    }

    @Test
    void shouldCoverEveryServiceThePackagedTemplatesCreateResourcesOf() {
        Map<String, String> prefixes = Map.of(
                "apigateway", "apigateway",
                "cloudwatch", "cloudwatch",
                "iam", "iam",
                "lambda", "lambda",
                "logs", "logs",
                "s3", "s3");
        Set<String> granted = new TreeSet<>();
        allActions().forEach(action -> granted.add(action.substring(0, action.indexOf(':'))));
        Set<String> needed = new TreeSet<>();
        for (String packaging : List.of("dev", "prod", "dev-no-snapstart")) {
            Infra.packaged(packaging).resources().forEach(resource -> {
                String service = resource.path("Type").asText().split("::")[1].toLowerCase(Locale.ROOT);
                needed.add(prefixes.getOrDefault(service, service));
            });
        }

        assertThat(granted).as("services the deploy policy grants actions of").containsAll(needed);
    }

    private List<JsonNode> statements() {
        List<JsonNode> statements = new ArrayList<>();
        resource("DeployPolicy")
                .path("Properties")
                .path("PolicyDocument")
                .path("Statement")
                .forEach(statements::add);
        assertThat(statements).isNotEmpty();
        return statements;
    }

    private JsonNode statement(String sid) {
        return statements().stream()
                .filter(statement -> sid.equals(statement.path("Sid").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("DeployPolicy has no statement " + sid));
    }

    private List<String> allActions() {
        List<String> actions = new ArrayList<>();
        statements().forEach(statement -> actions.addAll(texts(statement.path("Action"))));
        return actions;
    }

    private JsonNode resource(String id) {
        JsonNode resource = template.path("Resources").path(id);
        assertThat(resource.isMissingNode())
                .as("deploy-role.yml has a resource " + id)
                .isFalse();
        return resource;
    }

    private static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        list(node).forEach(value -> texts.add(value.asText()));
        return texts;
    }

    private static Iterable<JsonNode> list(JsonNode node) {
        return node.isArray() ? node : List.of(node);
    }

    /** The template as JSON, its short-form intrinsics ({@code !Sub x}) in their long form ({@code Fn::Sub: x}). */
    private static JsonNode load(Path file) {
        try {
            Object yaml = new Yaml(new CloudFormationConstructor()).load(Files.readString(file));
            return PackagedService.JSON.valueToTree(yaml);
        } catch (IOException e) {
            throw new AssertionError("Cannot read " + file, e);
        }
    }

    /** CloudFormation's short-form tags: {@code !Ref x} read as {@code {Ref: x}}, {@code !If} as {@code Fn::If}. */
    private static final class CloudFormationConstructor extends SafeConstructor {

        CloudFormationConstructor() {
            super(new LoaderOptions());
            yamlMultiConstructors.put("!", new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String tag = node.getTag().getValue().substring(1);
                    String function = tag.equals("Ref") || tag.equals("Condition") ? tag : "Fn::" + tag;
                    Object value = switch (node) {
                        case ScalarNode scalar -> constructScalar(scalar);
                        case SequenceNode sequence -> constructSequence(sequence);
                        case MappingNode mapping -> constructMapping(mapping);
                        default -> throw new IllegalArgumentException("Unexpected YAML node " + node);
                    };
                    return Map.of(function, value);
                }
            });
        }
    }
}
