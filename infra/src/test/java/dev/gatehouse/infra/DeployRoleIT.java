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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
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
 * what they may do stays within the stage (by name, or by the tags of its REST API) and covers what the packaged
 * templates create.
 */
class DeployRoleIT {

    private static final Path TEMPLATE = Infra.infraDir().resolve("deploy-role.yml");
    /**
     * The only grants on resources wider than the stage's own, each because AWS cannot scope it further (besides
     * listing the REST APIs, checked with the other API Gateway grants).
     */
    private static final Set<String> UNSCOPED =
            Set.of("ValidateTemplateHasNoResource", "DescribeLogGroupsHasNoNarrowerResource");
    /** A name of the stage: {@code <service>-<stage>} ended by a hyphen, a slash or nothing, never by a wildcard. */
    private static final Pattern NAMED_FOR_THE_STAGE = Pattern.compile("\\$\\{Service}-\\$\\{Stage}([-/]|$)");
    /** The role actions the Service Authorization Reference lists with the iam:PermissionsBoundary condition key. */
    private static final Set<String> BOUNDED_ROLE_ACTIONS = Set.of(
            "iam:CreateRole",
            "iam:DeleteRole",
            "iam:UpdateRole",
            "iam:UpdateRoleDescription",
            "iam:UpdateAssumeRolePolicy",
            "iam:PutRolePolicy",
            "iam:DeleteRolePolicy");

    private static final Set<String> API_GATEWAY_WRITES =
            Set.of("apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE");
    private static final String REST_APIS = "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis";

    /** The only principal the deploy role may let invoke a function (lambda:Principal of lambda:AddPermission). */
    private static final String API_GATEWAY_PRINCIPAL = "apigateway.amazonaws.com";

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
            for (String action : texts(statement.path("Action"))) {
                assertThat(action).as(sid).doesNotContain("*");
            }
            if (isApiGateway(statement)) {
                continue; // scoped by the API's tags: shouldScopeEveryApiGatewayWriteToTheApiTaggedForTheStage
            }
            assertThat(statement.path("Effect").asText()).as(sid).isEqualTo("Allow");
            if (UNSCOPED.contains(sid)) {
                continue;
            }
            for (String arn : arns(statement)) {
                assertThat(arn).as(sid).startsWith("arn:${AWS::Partition}:");
                assertThat(NAMED_FOR_THE_STAGE.matcher(arn).find())
                        .as("%s: %s names the stage, ended by a hyphen or a slash", sid, arn)
                        .isTrue();
            }
        }
        assertThat(statement("ValidateTemplateHasNoResource").toString())
                .isEqualTo("{\"Sid\":\"ValidateTemplateHasNoResource\",\"Effect\":\"Allow\","
                        + "\"Action\":\"cloudformation:ValidateTemplate\",\"Resource\":\"*\"}");
        assertThat(texts(statement("DescribeLogGroupsHasNoNarrowerResource").path("Action")))
                .containsExactly("logs:DescribeLogGroups");
        // Deploys, never deletes the stack.
        assertThat(allActions()).doesNotContain("cloudformation:DeleteStack");
    }

    @Test
    void shouldAllowNoHyphenInTheServiceOrTheStageSoThatTheHyphenAfterTheStageEndsIt() {
        // gatehouse-dev-* must be stage dev of service gatehouse, never service gatehouse-dev-x nor stage dev-2.
        Pattern service =
                Pattern.compile(parameter("Service").path("AllowedPattern").asText());
        Pattern stage =
                Pattern.compile(parameter("Stage").path("AllowedPattern").asText());

        assertThat(parameter("Service").path("Default").asText()).isEqualTo("gatehouse");
        assertThat(List.of("gatehouse", "orders2"))
                .allMatch(name -> service.matcher(name).matches());
        assertThat(List.of("gatehouse-dev", "gatehouse-dev-x", "-", "Gatehouse", ""))
                .noneMatch(name -> service.matcher(name).matches());
        assertThat(List.of("dev", "prod", "local", "qa2"))
                .allMatch(name -> stage.matcher(name).matches());
        assertThat(List.of("dev-2", "dev-", "-", "Dev", ""))
                .noneMatch(name -> stage.matcher(name).matches());
        // The change set too is named exactly (osls: <stack>-change-set), not <service>-<stage>-*.
        assertThat(arns(statement("Stack")))
                .contains("arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:"
                        + "changeSet/${Service}-${Stage}-change-set/*")
                .noneMatch(arn -> arn.contains("${Service}-${Stage}-*/"));
    }

    @Test
    void shouldRefuseTheStageDeployWhoseExecutionRolesWouldBeTheDeployRoles() {
        // The roles a stage may create and change are <service>-<stage>-*, the deploy roles <service>-deploy-<stage>-…:
        // no stage the template accepts may reach a deploy role, its own or another stage's.
        Pattern stages =
                Pattern.compile(parameter("Stage").path("AllowedPattern").asText());
        String service = parameter("Service").path("Default").asText();
        List<String> candidates = List.of("dev", "prod", "deploy", "deploy2", "deployer", "d");
        List<String> deployRoles = new ArrayList<>();
        for (String id : List.of("GitHubDeployRole", "BitbucketDeployRole")) {
            String name = resource(id)
                    .path("Properties")
                    .path("RoleName")
                    .path("Fn::Sub")
                    .asText();
            candidates.forEach(stage -> deployRoles.add(substitute(name, service, stage)));
        }
        List<String> roleScopes = new ArrayList<>();
        statements()
                .forEach(statement -> arns(statement).stream()
                        .filter(arn -> arn.contains(":role/"))
                        .forEach(arn -> roleScopes.add(arn.substring(arn.indexOf(":role/") + ":role/".length()))));
        assertThat(roleScopes).as("role ARNs the deploy policy grants on").isNotEmpty();

        for (String stage : candidates) {
            if (!stages.matcher(stage).matches()) {
                continue;
            }
            for (String scope : roleScopes) {
                Pattern glob = glob(substitute(scope, service, stage));
                assertThat(deployRoles)
                        .as("deploy roles under %s of stage %s", scope, stage)
                        .noneMatch(role -> glob.matcher(role).matches());
            }
        }
        assertThat(stages.matcher("deploy").matches()).isFalse();
        assertThat(List.of("deploy2", "deployer", "redeploy"))
                .allMatch(stage -> stages.matcher(stage).matches());
    }

    @Test
    void shouldLetTheDeployerGrantOnlyApiGatewayTheRightToInvokeTheFunctions() {
        List<JsonNode> granting = statements().stream()
                .filter(statement -> texts(statement.path("Action")).contains("lambda:AddPermission"))
                .toList();

        assertThat(granting).hasSize(1);
        assertThat(texts(granting.get(0).path("Action"))).containsExactly("lambda:AddPermission");
        assertThat(granting.get(0).path("Condition").toString())
                .isEqualTo("{\"StringEquals\":{\"lambda:Principal\":\"" + API_GATEWAY_PRINCIPAL + "\"}}");
        // All that the packaged templates ask for.
        for (String packaging : List.of("dev", "prod", "dev-no-snapstart")) {
            Map<String, JsonNode> permissions = Infra.packaged(packaging).resourcesOfType("AWS::Lambda::Permission");
            assertThat(permissions).as(packaging).isNotEmpty();
            permissions.forEach((id, permission) -> assertThat(
                            permission.path("Properties").path("Principal").asText())
                    .as("%s %s", packaging, id)
                    .isEqualTo(API_GATEWAY_PRINCIPAL));
        }
    }

    @Test
    void shouldScopeEveryApiGatewayWriteToTheApiTaggedForTheStage() throws IOException {
        JsonNode createTags = PackagedService.JSON.readTree(
                "{\"aws:RequestTag/service\":{\"Ref\":\"Service\"},\"aws:RequestTag/stage\":{\"Ref\":\"Stage\"},"
                        + "\"aws:RequestTag/deployer\":{\"Fn::Sub\":\"${Service}-${Stage}\"}}");
        JsonNode resourceTags = PackagedService.JSON.readTree(
                "{\"aws:ResourceTag/service\":{\"Ref\":\"Service\"},\"aws:ResourceTag/stage\":{\"Ref\":\"Stage\"},"
                        + "\"aws:ResourceTag/deployer\":{\"Fn::Sub\":\"${Service}-${Stage}\"}}");
        JsonNode stageTags = PackagedService.JSON.readTree(
                "{\"aws:RequestTag/service\":{\"Ref\":\"Service\"},\"aws:RequestTag/stage\":{\"Ref\":\"Stage\"}}");
        List<String> checked = new ArrayList<>();
        for (JsonNode statement : statements()) {
            if (!isApiGateway(statement)
                    || !"Allow".equals(statement.path("Effect").asText())) {
                continue;
            }
            String sid = statement.path("Sid").asText();
            List<String> actions = texts(statement.path("Action"));
            JsonNode condition = statement.path("Condition");
            assertThat(actions).as(sid).allMatch(action -> action.startsWith("apigateway:"));
            for (String arn : arns(statement)) {
                checked.add(arn);
                if (arn.equals(REST_APIS) && actions.stream().noneMatch(API_GATEWAY_WRITES::contains)) {
                    // Listing the region's APIs, which osls does to find the stage's by name: read-only, no tags.
                    assertThat(actions).as(sid).containsExactly("apigateway:GET");
                } else if (arn.equals(REST_APIS)) {
                    assertThat(actions).as(sid).containsExactly("apigateway:POST");
                    assertThat(condition.properties()).as(sid).hasSize(1);
                    assertThat(condition.path("StringEquals")).as(sid).isEqualTo(createTags);
                } else if (arn.equals(REST_APIS + "/*")) {
                    assertThat(condition.properties()).as(sid).hasSize(1);
                    assertThat(condition.path("StringEquals")).as(sid).isEqualTo(resourceTags);
                } else if (arn.startsWith("arn:${AWS::Partition}:apigateway:${AWS::Region}::/tags/")) {
                    // Tagging has no aws:ResourceTag: a stage named like this one only, with exactly the keys osls
                    // writes.
                    assertThat(actions).as(sid).containsExactly("apigateway:PUT");
                    assertThat(arn).as(sid).endsWith("%2Frestapis%2F*%2Fstages%2F${Stage}");
                    assertThat(condition.path("StringEquals")).as(sid).isEqualTo(stageTags);
                    assertThat(condition.path("ForAllValues:StringEquals").toString())
                            .as(sid)
                            .isEqualTo("{\"aws:TagKeys\":[\"service\",\"stage\"]}");
                } else {
                    throw new AssertionError(
                            sid + " grants API Gateway actions on " + arn + ", which no tag of the stage's API scopes");
                }
            }
        }
        assertThat(checked).as("API Gateway grants").contains(REST_APIS, REST_APIS + "/*");

        // A stage's own tags outrank the ones it inherits: no stage writes, which a deploy does not need.
        JsonNode noStageWrites = statement("NoStageWrites");
        assertThat(noStageWrites.path("Effect").asText()).isEqualTo("Deny");
        assertThat(texts(noStageWrites.path("Action"))).containsExactlyInAnyOrderElementsOf(API_GATEWAY_WRITES);
        assertThat(arns(noStageWrites)).containsExactlyInAnyOrder(REST_APIS + "/*/stages", REST_APIS + "/*/stages/*");
        assertThat(statements())
                .filteredOn(statement -> "Deny".equals(statement.path("Effect").asText()))
                .containsExactly(noStageWrites);
    }

    @Test
    void shouldTellTheApiApartByATagThatNoGrantCanPutOnAStage() {
        // This role may tag another service's stage named like its own, and a stage's own tags outrank the ones it
        // inherits, key by key: the API grants must require a tag of the API that no tagging grant can write.
        Set<String> apiTagKeys = tagKeys(statement("RestApiTaggedForTheStage"), "aws:ResourceTag/");
        Set<String> stageTagKeys = new TreeSet<>();
        for (JsonNode statement : statements()) {
            if ("Allow".equals(statement.path("Effect").asText())
                    && arns(statement).stream().anyMatch(arn -> arn.contains("::/tags/"))) {
                JsonNode keys = statement
                        .path("Condition")
                        .path("ForAllValues:StringEquals")
                        .path("aws:TagKeys");
                assertThat(keys.isMissingNode())
                        .as("%s tags resources without limiting aws:TagKeys", statement.path("Sid"))
                        .isFalse();
                stageTagKeys.addAll(texts(keys));
            }
        }
        Set<String> onlyTheApi = new TreeSet<>(apiTagKeys);
        onlyTheApi.removeAll(stageTagKeys);

        assertThat(stageTagKeys).as("tag keys the role may write").isNotEmpty();
        assertThat(onlyTheApi)
                .as(
                        "tag keys RestApiTaggedForTheStage requires (%s) that the role cannot write (%s)",
                        apiTagKeys, stageTagKeys)
                .isNotEmpty();
        assertThat(tagKeys(statement("CreateRestApiTaggedForTheStage"), "aws:RequestTag/"))
                .isEqualTo(apiTagKeys);
    }

    @Test
    void shouldConditionOnTheTagsThePackagedTemplatesGiveTheRestApiAndOslsGivesItsStage() {
        String service = parameter("Service").path("Default").asText();
        for (String stage : List.of("dev", "prod")) {
            PackagedService packaged = Infra.packaged(stage);
            assertThat(packaged.state().path("service").path("service").asText())
                    .as("serverless.yml's service is the deploy role's Service")
                    .isEqualTo(service);
            Map<String, JsonNode> apis = packaged.resourcesOfType("AWS::ApiGateway::RestApi");
            assertThat(apis).as(stage).hasSize(1);
            Map<String, String> apiTags = new TreeMap<>();
            apis.values()
                    .iterator()
                    .next()
                    .path("Properties")
                    .path("Tags")
                    .forEach(tag -> apiTags.put(
                            tag.path("Key").asText(), tag.path("Value").asText()));
            // The RestApi carries every tag the API grants require, and every provider tag besides.
            assertThat(apiTags)
                    .as("%s RestApi tags", stage)
                    .containsAllEntriesOf(
                            tagValues(statement("RestApiTaggedForTheStage"), "aws:ResourceTag/", service, stage))
                    .containsAllEntriesOf(
                            tagValues(statement("CreateRestApiTaggedForTheStage"), "aws:RequestTag/", service, stage));
            // osls tags the API's stage with stackTags and tags merged, and TagResource may write only these.
            JsonNode provider = packaged.state().path("service").path("provider");
            Map<String, String> stageTags = new TreeMap<>();
            for (String key : List.of("stackTags", "tags")) {
                provider.path(key)
                        .properties()
                        .forEach(tag ->
                                stageTags.put(tag.getKey(), tag.getValue().asText()));
            }
            JsonNode tagging = statement("TagOnlyAStageNamedLikeThisOne");
            assertThat(stageTags)
                    .as("%s provider.stackTags and provider.tags", stage)
                    .isEqualTo(tagValues(tagging, "aws:RequestTag/", service, stage));
            assertThat(stageTags.keySet())
                    .containsExactlyInAnyOrderElementsOf(texts(tagging.path("Condition")
                            .path("ForAllValues:StringEquals")
                            .path("aws:TagKeys")));
            assertThat(apiTags).as("%s RestApi tags", stage).containsAllEntriesOf(stageTags);
        }
    }

    @Test
    void shouldLetTheDeployerCreateAndChangeOnlyRolesBoundedByTheFunctionBoundary() {
        JsonNode bounded = statement("ExecutionRolesBoundedOnly");
        assertThat(texts(bounded.path("Action"))).containsExactlyInAnyOrderElementsOf(BOUNDED_ROLE_ACTIONS);
        assertThat(bounded.path("Condition").toString())
                .isEqualTo("{\"StringEquals\":{\"iam:PermissionsBoundary\":{\"Ref\":\"FunctionBoundary\"}}}");
        // UpdateAssumeRolePolicy included: who may assume a role matters as much as what it may do.
        long granting = statements().stream()
                .filter(statement -> texts(statement.path("Action")).stream().anyMatch(BOUNDED_ROLE_ACTIONS::contains))
                .count();
        assertThat(granting)
                .as("statements granting role actions that iam:PermissionsBoundary can condition")
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

    /** The tag keys a statement's StringEquals condition names with this prefix ({@code aws:ResourceTag/}, …). */
    private static Set<String> tagKeys(JsonNode statement, String prefix) {
        return tagValues(statement, prefix, "service", "stage").keySet();
    }

    /**
     * The tags a statement's StringEquals condition requires with this prefix, for the deploy role stack of this
     * service and stage ({@code !Ref Service}, {@code !Ref Stage} and {@code !Sub} of both resolved).
     */
    private static Map<String, String> tagValues(JsonNode statement, String prefix, String service, String stage) {
        Map<String, String> tags = new TreeMap<>();
        statement.path("Condition").path("StringEquals").properties().forEach(condition -> {
            if (condition.getKey().startsWith(prefix)) {
                tags.put(condition.getKey().substring(prefix.length()), resolve(condition.getValue(), service, stage));
            }
        });
        assertThat(tags)
                .as("%s conditions on %s", statement.path("Sid"), prefix)
                .isNotEmpty();
        return tags;
    }

    private static String resolve(JsonNode value, String service, String stage) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.path("Fn::Sub").isTextual()) {
            return substitute(value.path("Fn::Sub").asText(), service, stage);
        }
        return switch (value.path("Ref").asText()) {
            case "Service" -> service;
            case "Stage" -> stage;
            default -> throw new AssertionError("Cannot resolve " + value);
        };
    }

    /** {@code ${Service}} and {@code ${Stage}} of a {@code !Sub} string replaced. */
    private static String substitute(String template, String service, String stage) {
        return template.replace("${Service}", service).replace("${Stage}", stage);
    }

    /** An IAM ARN pattern as a regular expression: {@code *} any characters, {@code ?} one. */
    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(
                    switch (c) {
                        case '*' -> ".*";
                        case '?' -> ".";
                        default -> Pattern.quote(String.valueOf(c));
                    });
        }
        return Pattern.compile(regex.toString());
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

    private JsonNode parameter(String name) {
        JsonNode parameter = template.path("Parameters").path(name);
        assertThat(parameter.isMissingNode())
                .as("deploy-role.yml has a parameter " + name)
                .isFalse();
        return parameter;
    }

    private JsonNode resource(String id) {
        JsonNode resource = template.path("Resources").path(id);
        assertThat(resource.isMissingNode())
                .as("deploy-role.yml has a resource " + id)
                .isFalse();
        return resource;
    }

    private static boolean isApiGateway(JsonNode statement) {
        return texts(statement.path("Action")).stream().anyMatch(action -> action.startsWith("apigateway:"));
    }

    /** A statement's resources, each {@code !Sub} as its template string. */
    private static List<String> arns(JsonNode statement) {
        List<String> arns = new ArrayList<>();
        list(statement.path("Resource"))
                .forEach(resource -> arns.add(
                        resource.isTextual()
                                ? resource.asText()
                                : resource.path("Fn::Sub").asText()));
        return arns;
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
