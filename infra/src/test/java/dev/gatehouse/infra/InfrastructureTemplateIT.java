package dev.gatehouse.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.authorizer.policy.RouteScopes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks the CloudFormation that {@code osls package} compiled from infra/serverless.yml for each stage, at the
 * package phase of this module: what would be deployed, without an AWS account.
 */
class InfrastructureTemplateIT {

    @TempDir
    Path temp;

    private static final String AUTHORIZER_ALIAS = "AuthorizerSnapStartLambdaAlias";
    private static final String METRICS_NAMESPACE = "Gatehouse";
    /**
     * RFC 6750 §3: {@code Bearer} followed by comma-separated auth-params; ours always name the realm and the error.
     */
    private static final Pattern BEARER_CHALLENGE =
            Pattern.compile("^'Bearer realm=\"[^\"]+\", error=\"(invalid_token|insufficient_scope)\", "
                    + "error_description=\"[^\"\\\\]+\"'$");

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local"})
    void shouldDefineATokenAuthorizerThatApiGatewayValidatesBeforeInvoking(String stage) {
        JsonNode properties =
                Infra.packaged(stage).resource(TemplateRules.AUTHORIZER_ID).path("Properties");

        assertThat(properties.path("Type").asText()).isEqualTo("TOKEN");
        assertThat(properties.path("IdentitySource").asText()).isEqualTo("method.request.header.Authorization");
        Pattern validation =
                Pattern.compile(properties.path("IdentityValidationExpression").asText());
        assertThat(validation
                        .matcher("Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln")
                        .matches())
                .isTrue();
        assertThat(validation.matcher("bearer abc.def-_~+/=").matches()).isTrue();
        assertThat(validation.matcher("Basic dXNlcjpwYXNz").matches()).isFalse();
        assertThat(validation.matcher("Bearer").matches()).isFalse();
        assertThat(validation.matcher("eyJhbGciOiJSUzI1NiJ9.e30.c2ln").matches())
                .isFalse();
        assertThat(properties.path("AuthorizerResultTtlInSeconds").asInt()).isBetween(1, 3600);
        assertThat(properties.path("AuthorizerUri").toString()).contains("\"AuthorizerLambdaFunction\"", "snapstart");
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local"})
    void shouldProtectEveryMethodWithTheCustomAuthorizer(String stage) {
        PackagedService service = Infra.packaged(stage);

        assertThat(TemplateRules.unprotectedMethods(service)).isEmpty();
        assertThat(service.resource("ApiGatewayMethodHelloDashworldGet")
                        .path("Properties")
                        .path("AuthorizationType")
                        .asText())
                .isEqualTo("CUSTOM");
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local"})
    void shouldLetOnlyThisApiInvokeTheAuthorizerAndEachIntegration(String stage) {
        PackagedService service = Infra.packaged(stage);
        Map<String, JsonNode> permissions = service.resourcesOfType("AWS::Lambda::Permission");
        Set<String> invocable = new HashSet<>();
        permissions.forEach((id, permission) -> {
            JsonNode properties = permission.path("Properties");
            assertThat(properties.path("Principal").asText()).as(id).isEqualTo("apigateway.amazonaws.com");
            assertThat(properties.path("Action").asText()).as(id).isEqualTo("lambda:InvokeFunction");
            assertThat(properties.path("SourceArn").toString()).as(id).contains("{\"Ref\":\"ApiGatewayRestApi\"}");
            invocable.add(properties.path("FunctionName").toString());
        });

        assertThat(invocable).contains("{\"Ref\":\"" + AUTHORIZER_ALIAS + "\"}");
        for (Map.Entry<String, JsonNode> method :
                service.resourcesOfType("AWS::ApiGateway::Method").entrySet()) {
            JsonNode integration = method.getValue().path("Properties").path("Integration");
            if (!"AWS_PROXY".equals(integration.path("Type").asText())) {
                continue;
            }
            JsonNode target = integration.path("Uri").findValue("Fn::GetAtt");
            assertThat(invocable)
                    .as("permission for the integration of " + method.getKey())
                    .contains("{\"Fn::GetAtt\":" + target + "}");
        }
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod"})
    void shouldRunJava25OnArm64ByDefault(String stage) {
        for (JsonNode function :
                Infra.packaged(stage).resourcesOfType("AWS::Lambda::Function").values()) {
            assertThat(function.path("Properties").path("Runtime").asText()).isEqualTo("java25");
            assertThat(function.path("Properties").path("Architectures").toString())
                    .isEqualTo("[\"arm64\"]");
        }
    }

    @Test
    void shouldRunTheLocalStageOnTheX86MachinesTheLocalStackRunsOn() {
        for (JsonNode function :
                Infra.packaged("local").resourcesOfType("AWS::Lambda::Function").values()) {
            assertThat(function.path("Properties").path("Runtime").asText()).isEqualTo("java25");
            assertThat(function.path("Properties").path("Architectures").toString())
                    .isEqualTo("[\"x86_64\"]");
        }
    }

    @Test
    void shouldRunJava21OnX86WhenAskedTo() {
        PackagedService service = Infra.packaged("dev-java21-x86_64");
        Map<String, JsonNode> functions = service.resourcesOfType("AWS::Lambda::Function");

        assertThat(functions).hasSize(service.functions().size()).hasSizeGreaterThanOrEqualTo(2);
        for (JsonNode function : functions.values()) {
            assertThat(function.path("Properties").path("Runtime").asText()).isEqualTo("java21");
            assertThat(function.path("Properties").path("Architectures").toString())
                    .isEqualTo("[\"x86_64\"]");
        }
        assertThat(Infra.packaged("dev-java21-x86_64")
                        .functions()
                        .get("authorizer")
                        .path("package")
                        .path("artifact")
                        .asText())
                .as("the x86_64 authorizer jar, with ACCP's x86_64 library")
                .isEqualTo("../authorizer/target/authorizer.jar");
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod"})
    void shouldGiveTheAuthorizerTheIssuerOfItsStage(String stage) {
        JsonNode variables = Infra.packaged(stage)
                .lambda("authorizer")
                .path("Properties")
                .path("Environment")
                .path("Variables");

        assertThat(variables.path("TOKEN_ISSUER").asText())
                .isEqualTo(Infra.property("gatehouse.infra." + stage + ".tokenIssuer"));
        assertThat(variables.path("JWKS_URI").asText())
                .isEqualTo(Infra.property("gatehouse.infra." + stage + ".jwksUri"));
        assertThat(variables.path("AUDIENCE").asText())
                .isEqualTo(Infra.property("gatehouse.infra." + stage + ".audience"));
        assertThat(variables.path("TOKEN_LEEWAY_SECONDS").asText()).isEqualTo("30");
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local"})
    void shouldNameTheServiceAndStageTheAuthorizersMetricsAreFiledUnder(String stage) {
        JsonNode variables = Infra.packaged(stage)
                .lambda("authorizer")
                .path("Properties")
                .path("Environment")
                .path("Variables");

        // The dimensions the alarms and the dashboard read (Service, Stage) and their namespace.
        assertThat(variables.path("METRICS_NAMESPACE").asText()).isEqualTo(METRICS_NAMESPACE);
        assertThat(variables.path("METRICS_SERVICE").asText()).isEqualTo("gatehouse");
        assertThat(variables.path("METRICS_STAGE").asText()).isEqualTo(stage);
    }

    @Test
    void shouldPointTheLocalStageAtTheLocalIdentityProvider() {
        PackagedService local = Infra.packaged("local");
        JsonNode variables = local.lambda("authorizer")
                .path("Properties")
                .path("Environment")
                .path("Variables");

        assertThat(variables.path("TOKEN_ISSUER").asText()).isEqualTo("http://127.0.0.1:9000/");
        assertThat(variables.path("JWKS_URI").asText()).isEqualTo("http://127.0.0.1:9000/.well-known/jwks.json");
        assertThat(variables.path("AUDIENCE").asText()).isEqualTo("https://api.gatehouse.local");
        // The local API Gateway reads the http events and the resolved environment from the same file.
        assertThat(local.functions()
                        .get("helloWorld")
                        .path("events")
                        .get(0)
                        .path("http")
                        .path("authorizer")
                        .path("name")
                        .asText())
                .isEqualTo("authorizer");
    }

    @Test
    void shouldTakeStageAndRegionFromTheCommandLine() {
        PackagedService prod = Infra.packaged("prod");
        PackagedService dev = Infra.packaged("dev");

        assertThat(prod.state().path("service").path("provider").path("stage").asText())
                .isEqualTo("prod");
        assertThat(prod.state().path("service").path("provider").path("region").asText())
                .isEqualTo("eu-west-1");
        assertThat(dev.state().path("service").path("provider").path("region").asText())
                .isEqualTo("us-east-1");
        assertThat(prod.lambda("authorizer")
                        .path("Properties")
                        .path("FunctionName")
                        .asText())
                .isEqualTo("gatehouse-prod-authorizer");
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local"})
    void shouldSizeTheAuthorizerToAnswerWellInsideApiGatewayLimits(String stage) {
        JsonNode properties = Infra.packaged(stage).lambda("authorizer").path("Properties");

        // The JWKS fetch may take 1 s to connect and 1.5 s to read; API Gateway waits 10 s at most (HTTP APIs).
        assertThat(properties.path("Timeout").asInt()).isBetween(3, 6);
        assertThat(properties.path("MemorySize").asInt()).isGreaterThanOrEqualTo(1024);
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local"})
    void shouldStartTheAuthorizerFromASnapStartSnapshotOfAPublishedVersion(String stage) {
        PackagedService service = Infra.packaged(stage);

        assertThat(service.lambda("authorizer")
                        .path("Properties")
                        .path("SnapStart")
                        .path("ApplyOn")
                        .asText())
                .isEqualTo("PublishedVersions");
        JsonNode alias = service.resource(AUTHORIZER_ALIAS).path("Properties");
        assertThat(alias.path("FunctionName").path("Ref").asText()).isEqualTo("AuthorizerLambdaFunction");
        String version = alias.path("FunctionVersion").path("Fn::GetAtt").get(0).asText();
        assertThat(service.resource(version).path("Type").asText()).isEqualTo("AWS::Lambda::Version");
        assertThat(service.resource(version)
                        .path("Properties")
                        .path("FunctionName")
                        .path("Ref")
                        .asText())
                .isEqualTo("AuthorizerLambdaFunction");
        // API Gateway calls the alias (a published version); $LATEST would start without the snapshot.
        assertThat(service.resource(TemplateRules.AUTHORIZER_ID)
                        .path("Properties")
                        .path("AuthorizerUri")
                        .toString())
                .contains("{\"Fn::Join\":[\":\",[{\"Fn::GetAtt\":[\"AuthorizerLambdaFunction\",\"Arn\"]},\""
                        + alias.path("Name").asText() + "\"]]}");
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local"})
    void shouldAnswer401And403WithJsonCorsAndABearerChallenge(String stage) throws JsonProcessingException {
        Map<String, JsonNode> responses = Infra.packaged(stage).resourcesOfType("AWS::ApiGateway::GatewayResponse");
        Map<String, String> statusByType = Map.of("UNAUTHORIZED", "401", "ACCESS_DENIED", "403");
        Map<String, String> errorByType =
                Map.of("UNAUTHORIZED", "invalid_token", "ACCESS_DENIED", "insufficient_scope");

        assertThat(responses.values().stream()
                        .map(response ->
                                response.path("Properties").path("ResponseType").asText()))
                .containsExactlyInAnyOrderElementsOf(statusByType.keySet());
        for (JsonNode response : responses.values()) {
            JsonNode properties = response.path("Properties");
            String type = properties.path("ResponseType").asText();
            assertThat(properties.path("StatusCode").asText()).as(type).isEqualTo(statusByType.get(type));
            assertThat(properties.path("RestApiId").path("Ref").asText())
                    .as(type)
                    .isEqualTo("ApiGatewayRestApi");
            JsonNode headers = properties.path("ResponseParameters");
            assertThat(headers.path("gatewayresponse.header.Access-Control-Allow-Origin")
                            .asText())
                    .as(type)
                    .isEqualTo("'*'");
            assertThat(headers.path("gatewayresponse.header.Access-Control-Allow-Headers")
                            .asText())
                    .as(type)
                    .contains("Authorization");
            String challenge =
                    headers.path("gatewayresponse.header.WWW-Authenticate").asText();
            assertThat(challenge)
                    .as(type)
                    .matches(BEARER_CHALLENGE)
                    .contains("error=\"" + errorByType.get(type) + "\"");
            // API Gateway substitutes $context.error.messageString with a quoted JSON string, e.g. "Unauthorized".
            String body = properties
                    .path("ResponseTemplates")
                    .path("application/json")
                    .asText()
                    .replace("$context.error.messageString", "\"Unauthorized\"");
            assertThat(PackagedService.JSON.readTree(body).path("message").asText())
                    .as(type)
                    .isEqualTo("Unauthorized");
        }
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local"})
    void shouldServeTheGatewayResponsesFromTheFirstDeployment(String stage) {
        PackagedService service = Infra.packaged(stage);
        Map<String, JsonNode> deployments = service.resourcesOfType("AWS::ApiGateway::Deployment");

        assertThat(deployments).hasSize(1);
        Set<String> before =
                dependencies(service, deployments.keySet().iterator().next());
        assertThat(before)
                .containsAll(service.resourcesOfType("AWS::ApiGateway::GatewayResponse")
                        .keySet());
    }

    @Test
    void shouldKeepLogsForEachStagesRetention() {
        Map<String, Integer> retentionByStage = Map.of("dev", 14, "prod", 90, "local", 1);

        retentionByStage.forEach((stage, days) -> {
            Map<String, JsonNode> logGroups = Infra.packaged(stage).resourcesOfType("AWS::Logs::LogGroup");
            assertThat(logGroups)
                    .as(stage)
                    .hasSize(Infra.packaged(stage).functions().size());
            logGroups
                    .values()
                    .forEach(group -> assertThat(group.path("Properties")
                                    .path("RetentionInDays")
                                    .asInt())
                            .as(stage)
                            .isEqualTo(days));
        });
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local"})
    void shouldGrantNoWildcardPermissions(String stage) {
        PackagedService service = Infra.packaged(stage);

        assertThat(service.resourcesOfType("AWS::IAM::Role")).isNotEmpty();
        assertThat(TemplateRules.wildcardIam(service)).isEmpty();
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local", "dev-java21-x86_64"})
    void shouldRunEachFunctionAsItsOwnRoleThatWritesOnlyItsOwnLogGroup(String stage) {
        PackagedService service = Infra.packaged(stage);

        assertThat(TemplateRules.rolesNotOwnLogGroupOnly(service)).isEmpty();
        assertThat(service.resources().has(TemplateRules.FRAMEWORK_ROLE)).isFalse();
        assertThat(service.resourcesOfType("AWS::IAM::Role"))
                .hasSize(service.functions().size());
        assertThat(service.lambda("authorizer").path("Properties").path("Role").toString())
                .isEqualTo("{\"Fn::GetAtt\":[\"AuthorizerExecutionRole\",\"Arn\"]}");
        assertThat(service.resource("AuthorizerExecutionRole").toString())
                .contains("{\"Fn::GetAtt\":[\"AuthorizerLogGroup\",\"Arn\"]}")
                .doesNotContain("HelloWorldLogGroup", "OrdersLogGroup", "lambda:");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod", "local", "dev-java21-x86_64", "dev-no-snapstart"})
    void shouldTellTheAuthorizerTheIdOfTheApiItsRoutesBelongTo(String packaging) {
        PackagedService service = Infra.packaged(packaging);

        assertThat(service.lambda("authorizer")
                        .path("Properties")
                        .path("Environment")
                        .path("Variables")
                        .path("API_IDS")
                        .toString())
                .isEqualTo("{\"Ref\":\"ApiGatewayRestApi\"}");
        assertThat(service.resource("ApiGatewayRestApi").path("Type").asText()).isEqualTo("AWS::ApiGateway::RestApi");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod", "local", "dev-no-snapstart"})
    void shouldOfferOtherApisNoAuthorizerArnOutput(String packaging) {
        // An API wired to it would get only 500s: the authorizer answers the events of the API in its API_IDS alone.
        JsonNode outputs = Infra.packaged(packaging).template().path("Outputs");

        assertThat(outputs.has("ServiceEndpoint")).isTrue();
        assertThat(outputs.has("AuthorizerArn")).isFalse();
        assertThat(outputs.toString()).doesNotContain("AuthorizerSnapStartLambdaAlias");
    }

    @Test
    void shouldBoundEveryExecutionRoleByThePolicyTheParamNames() {
        Path out = temp.resolve("bounded");
        String boundary = "arn:aws:iam::123456789012:policy/gatehouse-dev-function-boundary";
        Processes.Result result = Osls.packageService(
                Infra.infraDir(), out, "dev", Infra.devParams("functionPermissionsBoundary=" + boundary));
        assertThat(result.exitCode())
                .as("osls package said:%n%s", result.output())
                .isZero();
        PackagedService bounded = PackagedService.load(out, Infra.infraDir());

        JsonNode parameter = bounded.template().path("Parameters").path("FunctionPermissionsBoundary");
        assertThat(parameter.path("Default").asText()).isEqualTo(boundary);
        assertThat(Pattern.compile(parameter.path("AllowedPattern").asText())
                        .matcher(boundary)
                        .matches())
                .isTrue();
        assertThat(Infra.packaged("dev")
                        .template()
                        .path("Parameters")
                        .path("FunctionPermissionsBoundary")
                        .path("Default")
                        .asText())
                .as("no boundary unless the param names one")
                .isEmpty();
        assertThat(bounded.template()
                        .path("Conditions")
                        .path("HasFunctionPermissionsBoundary")
                        .toString())
                .isEqualTo("{\"Fn::Not\":[{\"Fn::Equals\":[{\"Ref\":\"FunctionPermissionsBoundary\"},\"\"]}]}");
        assertThat(TemplateRules.rolesNotOwnLogGroupOnly(bounded)).isEmpty();
    }

    @Test
    void shouldCallTheFunctionItselfWithoutSnapStart() {
        PackagedService service = Infra.packaged("dev-no-snapstart");
        String function = "{\"Fn::GetAtt\":[\"AuthorizerLambdaFunction\",\"Arn\"]}";

        assertThat(service.lambda("authorizer").path("Properties").has("SnapStart"))
                .isFalse();
        assertThat(service.resourcesOfType("AWS::Lambda::Alias")).isEmpty();
        // API Gateway calls the function ($LATEST), and may.
        assertThat(service.resource(TemplateRules.AUTHORIZER_ID)
                        .path("Properties")
                        .path("AuthorizerUri")
                        .toString())
                .contains("/functions/\"," + function + ",\"/invocations\"")
                .doesNotContain("snapstart");
        assertThat(service.resource("AuthorizerLambdaPermissionApiGateway")
                        .path("Properties")
                        .path("FunctionName")
                        .toString())
                .isEqualTo(function);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod", "local", "dev-java21-x86_64", "dev-no-snapstart"})
    void shouldNameOnlyResourcesThatExistInTheOutputs(String packaging) {
        PackagedService service = Infra.packaged(packaging);

        service.template().path("Outputs").properties().forEach(output -> {
            List<String> named = new ArrayList<>();
            output.getValue().findValues("Ref").forEach(ref -> named.add(ref.asText()));
            output.getValue()
                    .findValues("Fn::GetAtt")
                    .forEach(getAtt -> named.add(getAtt.get(0).asText()));
            assertThat(named)
                    .as(output.getKey())
                    .allSatisfy(id -> assertThat(id.startsWith("AWS::")
                                    || service.resources().has(id))
                            .as("%s names %s", output.getKey(), id)
                            .isTrue());
        });
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local"})
    void shouldHandTheAuthorizerTheScopesDeclaredOnEveryRouteBehindIt(String stage) throws Exception {
        PackagedService service = Infra.packaged(stage);
        Map<String, List<String>> declared = new LinkedHashMap<>();
        service.functions()
                .forEach((function, definition) -> definition.path("events").forEach(event -> {
                    JsonNode http = event.path("http");
                    if (http.path("authorizer").path("name").asText().equals("authorizer")) {
                        List<String> scopes = new ArrayList<>();
                        http.path("authorizer").path("scopes").forEach(scope -> scopes.add(scope.asText()));
                        declared.put(
                                http.path("method").asText().toUpperCase(Locale.ROOT) + " /"
                                        + http.path("path").asText().replaceAll("^/+|/+$", ""),
                                scopes);
                    }
                }));
        String routeScopes = service.lambda("authorizer")
                .path("Properties")
                .path("Environment")
                .path("Variables")
                .path("ROUTE_SCOPES")
                .asText();

        assertThat(PackagedService.JSON.readValue(routeScopes, new TypeReference<Map<String, List<String>>>() {}))
                .isEqualTo(declared);
        // The authorizer accepts it: routes it can tell apart, and a worst-case policy within its byte budget.
        assertThat(RouteScopes.parse(routeScopes, Set.of("packaged")).routes()).hasSize(declared.size());
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local"})
    void shouldKeepTheAuthorizersEnvironmentWithinLambdasFourKilobytes(String stage) {
        int bytes = 0;
        for (Map.Entry<String, JsonNode> variable : Infra.packaged(stage)
                .lambda("authorizer")
                .path("Properties")
                .path("Environment")
                .path("Variables")
                .properties()) {
            bytes += variable.getKey().length() + variable.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
        }
        assertThat(bytes).isLessThanOrEqualTo(4096);
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod"})
    void shouldNotCompileRouteScopesIntoTheApiItself(String stage) {
        // authorizer.scopes is for our authorizer only: on a CUSTOM authorizer API Gateway must not see
        // AuthorizationScopes.
        Infra.packaged(stage)
                .resourcesOfType("AWS::ApiGateway::Method")
                .forEach((id, method) -> assertThat(method.path("Properties").has("AuthorizationScopes"))
                        .as(id)
                        .isFalse());
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local"})
    void shouldPackageEachFunctionWithItsOwnArtifact(String stage) {
        PackagedService service = Infra.packaged(stage);

        assertThat(service.state().path("package").path("individually").asBoolean())
                .isTrue();
        assertThat(service.functions()).containsKeys("authorizer", "helloWorld");
        // The authorizer jar carries ACCP's native library, so each architecture has its own.
        String authorizerJar = stage.equals("local") ? "authorizer.jar" : "authorizer-arm64.jar";
        assertThat(service.functions()
                        .get("authorizer")
                        .path("package")
                        .path("artifact")
                        .asText())
                .isEqualTo("../authorizer/target/" + authorizerJar);
        service.functions().forEach((function, definition) -> {
            // Each function ships its own module's shaded jar: ../{module}/target/{module}.jar (-arm64 for the
            // authorizer on arm64).
            String artifact = definition.path("package").path("artifact").asText();
            assertThat(artifact).as(function).matches("\\.\\./([a-z0-9-]+)/target/\\1(-arm64)?\\.jar");
            assertThat(Infra.repoDir()
                            .resolve(artifact.substring(3).replaceFirst("/.*", ""))
                            .resolve("pom.xml"))
                    .as(function)
                    .isRegularFile();
            assertThat(service.lambda(function)
                            .path("Properties")
                            .path("Code")
                            .path("S3Key")
                            .asText())
                    .endsWith("/" + Path.of(artifact).getFileName());
        });
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "prod", "local", "dev-java21-x86_64"})
    void shouldNameHandlersThatLambdaCanStartFromEachArtifact(String stage) {
        PackagedService service = Infra.packaged(stage);

        assertThat(service.lambda("authorizer")
                        .path("Properties")
                        .path("Handler")
                        .asText())
                .isEqualTo("dev.gatehouse.authorizer.AuthorizerStreamHandler");
        assertThat(HandlerCheck.problems(service)).isEmpty();
    }

    @Test
    void shouldDifferBetweenDevAndProdOnlyInStageSettings() throws JsonProcessingException {
        // Compared as JSON trees: osls writes the Lambda versions in an order that depends on their hashes.
        assertThat(PackagedService.JSON.readTree(normalised(Infra.packaged("prod"), "prod")))
                .isEqualTo(PackagedService.JSON.readTree(normalised(Infra.packaged("dev"), "dev")));
    }

    /** Every resource the given one waits for, through DependsOn, Ref and Fn::GetAtt, transitively. */
    private static Set<String> dependencies(PackagedService service, String logicalId) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(logicalId));
        while (!todo.isEmpty()) {
            JsonNode resource = service.resources().path(todo.pop());
            List<String> direct = new ArrayList<>();
            JsonNode dependsOn = resource.path("DependsOn");
            if (dependsOn.isTextual()) {
                direct.add(dependsOn.asText());
            }
            dependsOn.forEach(id -> direct.add(id.asText()));
            resource.findValues("Ref").forEach(ref -> direct.add(ref.asText()));
            resource.findValues("Fn::GetAtt")
                    .forEach(getAtt -> direct.add(getAtt.get(0).asText()));
            direct.stream()
                    .filter(id -> service.resources().has(id))
                    .filter(seen::add)
                    .forEach(todo::push);
        }
        return seen;
    }

    /** The template with per-build values (timestamps, hashes), the stage name and the per-stage settings blanked. */
    private static String normalised(PackagedService service, String stage) {
        ObjectNode template = service.template().deepCopy();
        template.path("Resources").forEach(resource -> {
            JsonNode variables = resource.path("Properties").path("Environment").path("Variables");
            if (variables instanceof ObjectNode env) {
                List.of("TOKEN_ISSUER", "JWKS_URI", "AUDIENCE")
                        .forEach(name -> env.replace(name, env.textNode("<param>")));
            }
            if ("AWS::Logs::LogGroup".equals(resource.path("Type").asText())) {
                ((ObjectNode) resource.path("Properties")).put("RetentionInDays", 0);
            }
            if (resource.path("Properties").has("CodeSha256")) {
                ((ObjectNode) resource.path("Properties")).put("CodeSha256", "<sha256>");
            }
        });
        return template.toPrettyString()
                .replaceAll("\\d{13}-\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z", "<timestamp>")
                .replaceAll("ApiGatewayDeployment\\d+", "ApiGatewayDeployment<n>")
                .replaceAll("LambdaVersion[A-Za-z0-9]+", "LambdaVersion<hash>")
                .replace("gatehouse-" + stage, "gatehouse-<stage>")
                .replace("gatehouse/" + stage + "/", "gatehouse/<stage>/")
                .replace("\"" + stage + "\"", "\"<stage>\"")
                // inside the dashboard's body, a JSON string within the template's JSON
                .replace("\\\"" + stage + "\\\"", "\\\"<stage>\\\"")
                .replace("/" + stage + "\"", "/<stage>\"");
    }
}
