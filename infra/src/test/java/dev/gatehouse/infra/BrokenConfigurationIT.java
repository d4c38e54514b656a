package dev.gatehouse.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Breaks a copy of infra/serverless.yml on purpose and watches the checks that guard the real one fail: proof that
 * a green build means the infrastructure was checked, not that the checks cannot fail.
 */
class BrokenConfigurationIT {

    /** The first event of the orders function in serverless.yml. */
    private static final String ORDERS_GET = "      - http:\n          path: orders\n          method: get\n";
    /** The authorizer of GET /hello-world in serverless.yml, from its type to its identity source. */
    private static final String HELLO_AUTHORIZER = helloAuthorizer("token", "method.request.header.Authorization");

    private static final String AUTHORIZATION = "method.request.header.Authorization";
    /** The type and identity source of every route's authorizer in serverless.yml. */
    private static final String TOKEN_TYPE =
            "            type: token\n            identitySource: " + AUTHORIZATION + "\n";

    private static final String TTL = "resultTtlInSeconds: ${param:authorizerResultTtlInSeconds}";
    private static final String LEEWAY = "      TOKEN_LEEWAY_SECONDS: ${param:tokenLeewaySeconds}\n";
    private static final String API_GATEWAY = "  apiGateway:\n";
    private static final String RESOURCES = "\n  Resources:\n";
    private static final String EXTENSIONS = "\n  extensions:\n";
    private static final String EXISTING_API = "    restApiId: abc123\n    restApiRootResourceId: r00tid\n";

    @TempDir
    Path temp;

    @Test
    void shouldPackageTheUnbrokenCopy() throws IOException {
        PackagedService service = packageCopy(UnaryOperator.identity());

        assertThat(HandlerCheck.problems(service)).isEmpty();
        assertThat(TemplateRules.unprotectedMethods(service)).isEmpty();
        assertThat(TemplateRules.rolesNotOwnLogGroupOnly(service)).isEmpty();
    }

    @Test
    void shouldReportAHandlerClassMissingFromItsArtifact() throws IOException {
        PackagedService service = packageCopy(yml -> replace(
                yml, "handler: dev.gatehouse.hello.HelloWorldHandler", "handler: dev.gatehouse.hello.NoSuchHandler"));

        assertThat(HandlerCheck.problems(service))
                .singleElement()
                .asString()
                .contains("helloWorld", "dev.gatehouse.hello.NoSuchHandler", "is not in the artifact");
    }

    @Test
    void shouldReportAHandlerClassThatIsNotALambdaHandler() throws IOException {
        PackagedService service = packageCopy(yml -> replace(
                yml,
                "handler: dev.gatehouse.authorizer.AuthorizerStreamHandler",
                "handler: dev.gatehouse.authorizer.AuthorizerConfig"));

        assertThat(HandlerCheck.problems(service))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("authorizer", "dev.gatehouse.authorizer.AuthorizerConfig", "implements neither"));
    }

    @Test
    void shouldReportAHandlerInTheWrongArtifact() throws IOException {
        PackagedService service = packageCopy(yml -> replace(
                yml, "handler: dev.gatehouse.hello.HelloWorldHandler", "handler: dev.gatehouse.orders.OrdersHandler"));

        assertThat(HandlerCheck.problems(service))
                .singleElement()
                .asString()
                .contains("helloWorld", "hello-world.jar", "is not in the artifact");
    }

    @Test
    void shouldReportARouteWithoutTheAuthorizer() throws IOException {
        PackagedService service = packageCopy(yml -> replace(
                yml,
                "    events:\n      - http:\n",
                "    events:\n      - http:\n          path: forgot-the-authorizer\n          method: "
                        + "get\n      - http:\n"));

        assertThat(TemplateRules.unprotectedMethods(service))
                .singleElement()
                .asString()
                .contains("ApiGatewayMethodForgotDashtheDashauthorizerGet", "CUSTOM");
    }

    @Test
    void shouldReportAFunctionWithoutItsOwnRoleAndARoleThatWritesAnotherLogGroup() throws IOException {
        PackagedService service = packageCopy(yml -> replace(
                replace(yml, "    role: HelloWorldExecutionRole\n", ""),
                "Resource: { 'Fn::GetAtt': [OrdersLogGroup, Arn] }",
                "Resource: { 'Fn::GetAtt': [AuthorizerLogGroup, Arn] }"));

        assertThat(TemplateRules.rolesNotOwnLogGroupOnly(service))
                .anySatisfy(problem -> assertThat(problem).contains("helloWorld", TemplateRules.FRAMEWORK_ROLE))
                .anySatisfy(problem -> assertThat(problem).contains("OrdersExecutionRole", "AuthorizerLogGroup"));
    }

    @Test
    void shouldRefuseASnapStartParamOtherThanTrueOrFalse() throws IOException {
        Path service = copyService(UnaryOperator.identity());
        List<String> params = new ArrayList<>(Infra.DEV_PARAMS);
        params.add("snapStart=yes");

        Processes.Result result = Osls.packageService(service, temp.resolve("out"), "dev", params);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("functions.authorizer.snapStart");
        assertThat(temp.resolve("out/cloudformation-template-update-stack.json"))
                .doesNotExist();
    }

    @Test
    void shouldRefuseToPackageAStageWithoutIssuerAudienceAndKeys() throws IOException {
        Path service = copyService(UnaryOperator.identity());

        Processes.Result result = Osls.packageService(service, temp.resolve("out"), "dev", List.of());

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("Cannot resolve variable", "TOKEN_ISSUER", "JWKS_URI", "AUDIENCE");
        assertThat(temp.resolve("out/cloudformation-template-update-stack.json"))
                .doesNotExist();
    }

    @Test
    void shouldRefuseAStageMissingOnlyOneParam() throws IOException {
        Path service = copyService(UnaryOperator.identity());

        Processes.Result result =
                Osls.packageService(service, temp.resolve("out"), "prod", Infra.DEV_PARAMS.subList(0, 2));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("AUDIENCE").doesNotContain("TOKEN_ISSUER");
    }

    @Test
    void shouldFailCfnLintOnADanglingReference() throws IOException {
        Path cfnLint = CfnLintIT.cfnLintOrSkip();
        PackagedService service = packageCopy(yml -> replace(
                yml,
                "Resource: { 'Fn::GetAtt': [HelloWorldLogGroup, Arn] }",
                "Resource: { 'Fn::GetAtt': [HelloWorldLogGroupThatDoesNotExist, Arn] }"));

        Processes.Result result = CfnLint.lint(cfnLint, List.of(service.templateFile()));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("HelloWorldLogGroupThatDoesNotExist");
    }

    /** Finding 5: with functions in their own file, route-scopes.js read the yml itself and produced {}. */
    @Test
    void shouldComputeTheSameRouteScopesWhenTheFunctionsLiveInTheirOwnFile() throws IOException {
        String shipped = routeScopes(packageCopy(UnaryOperator.identity()));
        Path service = copyService(UnaryOperator.identity());
        String yml = Files.readString(service.resolve("serverless.yml"));
        int start = yml.indexOf("\nfunctions:\n") + 1;
        int end = yml.indexOf("\nresources:\n");
        assertThat(start).isPositive();
        assertThat(end).isGreaterThan(start);
        String functions =
                yml.substring(start + "functions:\n".length(), end + 1).replaceAll("(?m)^  ", "");
        Files.writeString(service.resolve("functions.yml"), functions);
        Files.writeString(
                service.resolve("serverless.yml"),
                yml.substring(0, start) + "functions: ${file(./functions.yml)}\n" + yml.substring(end + 1));
        Path out = temp.resolve("split-out");

        Processes.Result result = Osls.packageService(service, out, "dev", Infra.DEV_PARAMS);

        assertThat(result.exitCode())
                .as("osls package of the split copy said:%n%s", result.output())
                .isZero();
        assertThat(routeScopes(PackagedService.load(out, service)))
                .isEqualTo(shipped)
                .contains("GET /orders", "POST /orders", "GET /hello-world");
    }

    @Test
    void shouldRefuseToPackageWhenNoRouteIsBehindTheAuthorizer() throws IOException {
        Path service = copyService(
                yml -> yml.replaceAll("(?m)^            name: authorizer$", "            name: someOtherAuthorizer")
                        .replace(
                                "functions:\n",
                                "functions:\n  someOtherAuthorizer:\n    handler: "
                                        + "dev.gatehouse.hello.HelloWorldHandler\n"
                                        + "    package:\n      artifact: "
                                        + Infra.repoDir().toAbsolutePath() + "/authorizer/target/authorizer.jar\n"));

        Processes.Result result = Osls.packageService(service, temp.resolve("out"), "dev", Infra.DEV_PARAMS);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("route-scopes", "no http event is behind the authorizer");
    }

    @Test
    void shouldRefuseAHandWrittenRouteScopesThatMissesARoute() throws IOException {
        Path service = copyService(yml -> replace(
                yml,
                "      TOKEN_LEEWAY_SECONDS: ${param:tokenLeewaySeconds}\n",
                "      TOKEN_LEEWAY_SECONDS: ${param:tokenLeewaySeconds}\n      ROUTE_SCOPES: '{\"GET "
                        + "/hello-world\":[]}'\n"));

        Processes.Result result = Osls.packageService(service, temp.resolve("out"), "dev", Infra.DEV_PARAMS);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("route-scopes", "differs from the http events", "GET /orders");
    }

    /** Issue 22: route-scopes.js left every route whose authorizer is given by arn out of ROUTE_SCOPES. */
    @Test
    void shouldCountRoutesNamingThisStacksAuthorizerByArn() throws IOException {
        String byArn = """
                - http:
                    path: orders/{id}
                    method: get
                    authorizer:
                      name: byFunctionArn
                      arn: { 'Fn::GetAtt': [AuthorizerLambdaFunction, Arn] }
                      scopes: [read:orders]
                - http:
                    path: orders/{id}
                    method: delete
                    authorizer:
                      name: byAlias
                      arn: ${self:custom.ownAuthorizer}
                      scopes: [write:orders]
                """.indent(6);
        PackagedService service = packageCopy(yml -> replace(
                replace(yml, "\ncustom:\n", "\ncustom:\n  ownAuthorizer: { Ref: AuthorizerSnapStartLambdaAlias }\n"),
                ORDERS_GET,
                byArn + ORDERS_GET));

        assertThat(PackagedService.JSON.readValue(
                        routeScopes(service), new TypeReference<Map<String, List<String>>>() {}))
                .containsEntry("GET /orders/{id}", List.of("read:orders"))
                .containsEntry("DELETE /orders/{id}", List.of("write:orders"))
                .containsEntry("GET /orders", List.of("read:orders"))
                .hasSize(5);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{ 'Fn::ImportValue': gatehouse-dev-AuthorizerArn }",
                "{ 'Fn::GetAtt': [HelloWorldLambdaFunction, Arn] }",
                "'arn:aws:lambda:eu-west-1:123456789012:function:gatehouse-dev-authorizer'",
                "'arn:aws:lambda:us-east-1:123456789012:function:gatehouse-dev-authorizer:7'",
                "'arn:aws:lambda:us-east-1:123456789012:function:gatehouse-dev-authorizer:snapstart'",
                "'arn:aws:lambda:us-east-1:123456789012:function:gatehouse-dev-authorizer'"
            })
    void shouldRefuseARouteNamingAnotherAuthorizerByArn(String arn) throws IOException {
        Path service = copyService(yml -> replace(
                yml,
                ORDERS_GET,
                "      - http: {path: 'orders/{id}', method: get, authorizer: {name: elsewhere, arn: " + arn + "}}\n"
                        + ORDERS_GET));

        Processes.Result result = Osls.packageService(service, temp.resolve("out"), "dev", Infra.DEV_PARAMS);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output())
                .contains("route-scopes: route GET /orders/{id} (function orders) names its authorizer by arn")
                .contains("use authorizer.name: authorizer");
    }

    @Test
    void shouldRefuseARouteNamingAnExistingAuthorizerById() throws IOException {
        Path service = copyService(yml -> replace(
                yml,
                ORDERS_GET,
                "      - http: {path: 'orders/{id}', method: get, authorizer: {type: token, authorizerId: abc123}}\n"
                        + ORDERS_GET));

        Processes.Result result = Osls.packageService(service, temp.resolve("out"), "dev", Infra.DEV_PARAMS);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output())
                .contains("route-scopes: route GET /orders/{id} (function orders) names its authorizer by"
                        + " authorizerId \"abc123\"");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "method.request.header.X-Token",
                "method.request.querystring.access_token",
                "method.request.header.Authorization, method.request.querystring.v"
            })
    void shouldRefuseACachedRequestAuthorizerWithAnotherIdentitySource(String identitySource) throws IOException {
        Path service = copyService(yml -> replace(yml, HELLO_AUTHORIZER, helloAuthorizer("request", identitySource)));

        Processes.Result result = Osls.packageService(service, temp.resolve("out"), "dev", Infra.DEV_PARAMS);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output())
                .contains("route-scopes: route GET /hello-world (function helloWorld) has a cached REQUEST authorizer"
                        + " whose identitySource is '" + identitySource + "'");
    }

    @ParameterizedTest(name = "{0} {1}, TTL {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "request | method.request.header.authorization | 300",
                "request | method.request.header.X-Token       | 0",
                "token   | method.request.header.X-Token       | 300"
            })
    void shouldAcceptAnAuthorizerCachedUnderWhatItVerifies(String type, String identitySource, String ttl)
            throws IOException {
        // On every route: routes of one authorizer must agree on its settings.
        PackagedService service = packageCopy(yml -> replace(
                replace(yml, TOKEN_TYPE, TOKEN_TYPE.replace("token", type).replace(AUTHORIZATION, identitySource)),
                TTL,
                TTL.replace("${param:authorizerResultTtlInSeconds}", ttl)));

        assertThat(routeScopes(service)).contains("\"GET /hello-world\":[]");
    }

    @Test
    void shouldRefuseAHandWrittenApiIdsOfAnotherApi() throws IOException {
        Path service = copyService(yml -> replace(yml, LEEWAY, LEEWAY + "      API_IDS: abc123\n"));

        Processes.Result result = Osls.packageService(service, temp.resolve("out"), "dev", Infra.DEV_PARAMS);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output())
                .contains("route-scopes: the API_IDS written in serverless.yml (\"abc123\") differs from this service's"
                        + " API ({\"Ref\":\"ApiGatewayRestApi\"})");
    }

    /** Paths below restApiRootResourceId hang below a resource the table cannot see (osls requires it for an API). */
    @Test
    void shouldRefuseTheRootResourceIdOfAnExistingApi() throws IOException {
        Processes.Result result =
                packageBroken(yml -> withoutRestApiTags(replace(yml, API_GATEWAY, API_GATEWAY + EXISTING_API)));

        assertThat(result.output())
                .contains("route-scopes: provider.apiGateway.restApiRootResourceId is set: the routes would hang below"
                        + " a resource ROUTE_SCOPES cannot see; remove it");
    }

    /** deploy function would keep the deployed environment: osls skips it when a value is an object (API_IDS). */
    @Test
    void shouldRefuseToDeployTheAuthorizerAloneWithoutItsApiIds() throws IOException {
        Path service = copyService(UnaryOperator.identity());

        Processes.Result result = Osls.deployFunctionOffline(service, "authorizer", "dev", Infra.DEV_PARAMS);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("route-scopes: deploy function cannot set API_IDS");
    }

    /** Issue 22: a method wired to the authorizer in resources.Resources packaged without being in ROUTE_SCOPES. */
    @Test
    void shouldRefuseAMethodOnTheAuthorizerOutsideTheHttpEvents() throws IOException {
        String admin = """
                AdminResource:
                  Type: AWS::ApiGateway::Resource
                  Properties: {RestApiId: {Ref: ApiGatewayRestApi}, ParentId: {Ref: ApiGatewayResourceOrders},
                    PathPart: admin}
                AdminMethod:
                  Type: AWS::ApiGateway::Method
                  Properties: {RestApiId: {Ref: ApiGatewayRestApi}, ResourceId: {Ref: AdminResource}, HttpMethod: GET,
                    AuthorizationType: CUSTOM, AuthorizerId: {Ref: AuthorizerApiGatewayAuthorizer},
                    Integration: {Type: MOCK}}
                """.indent(4);

        Processes.Result result = packageBroken(yml -> replace(yml, RESOURCES, RESOURCES + admin));

        assertThat(result.output())
                .contains("route-scopes: the method AdminMethod (GET /orders/admin) uses the authorizer"
                        + " AuthorizerApiGatewayAuthorizer but is not a route of ROUTE_SCOPES");
    }

    @Test
    void shouldRefuseAnExtensionPuttingAPublicMethodOnTheAuthorizer() throws IOException {
        String extension = """
                ApiGatewayMethodHelloDashworldOptions:
                  Properties: {AuthorizationType: CUSTOM, AuthorizerId: {Ref: AuthorizerApiGatewayAuthorizer}}
                """.indent(4);

        Processes.Result result = packageBroken(yml -> replace(yml, EXTENSIONS, EXTENSIONS + extension));

        assertThat(result.output())
                .contains("route-scopes: the method ApiGatewayMethodHelloDashworldOptions (OPTIONS /hello-world)");
    }

    @Test
    void shouldRefuseACustomMethodOnAnAuthorizerOutsideTheTemplate() throws IOException {
        String extension = """
                ApiGatewayMethodHelloDashworldOptions:
                  Properties: {AuthorizationType: CUSTOM, AuthorizerId: abc123}
                """.indent(4);

        Processes.Result result = packageBroken(yml -> replace(yml, EXTENSIONS, EXTENSIONS + extension));

        assertThat(result.output())
                .contains("route-scopes: the method ApiGatewayMethodHelloDashworldOptions has a CUSTOM AuthorizerId"
                        + " \"abc123\" that is not a Ref");
    }

    @Test
    void shouldRefuseTheAuthorizerOnAnotherRestApi() throws IOException {
        String extended = "    AuthorizerApiGatewayAuthorizer:\n";

        Processes.Result result =
                packageBroken(yml -> replace(yml, extended, extended + "      Properties: {RestApiId: abc123}\n"));

        assertThat(result.output())
                .contains("route-scopes: the authorizer AuthorizerApiGatewayAuthorizer invokes the function"
                        + " 'authorizer' on the REST API \"abc123\", not this service's API");
    }

    /** Issue 22: a second function of the authorizer's jar packaged with a table nobody checked. */
    @Test
    void shouldRefuseASecondAuthorizerFunction() throws IOException {
        Processes.Result result = packageBroken(yml -> replace(
                yml,
                "functions:\n",
                "functions:\n  partnerAuthorizer:\n    handler: dev.gatehouse.authorizer.AuthorizerStreamHandler\n"
                        + "    package:\n      artifact: " + Infra.repoDir().toAbsolutePath()
                        + "/authorizer/target/authorizer.jar\n    environment:\n"
                        + "      ROUTE_SCOPES: '{\"GET /orders/{id}\":[]}'\n"));

        assertThat(result.output())
                .contains("route-scopes: function partnerAuthorizer runs dev.gatehouse.authorizer."
                        + "AuthorizerStreamHandler: one Gatehouse authorizer per stack, named 'authorizer'");
    }

    /** osls gives the one authorizer resource of these routes the settings of the last of them. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{name: authorizer, type: request}",
                "{name: authorizer, identitySource: method.request.header.X-Token}",
                "{name: authorizer, resultTtlInSeconds: 0}",
                "{name: authorizer, identityValidationExpression: '^Bearer .+$'}",
                "{name: authorizer, arn: { 'Fn::GetAtt': [AuthorizerLambdaFunction, Arn] }}"
            })
    void shouldRefuseRoutesSettingTheAuthorizerDifferently(String authorizer) throws IOException {
        Processes.Result result = packageBroken(yml -> replace(
                yml,
                ORDERS_GET,
                "      - http: {path: 'orders/{id}', method: get, authorizer: " + authorizer + "}\n" + ORDERS_GET));

        assertThat(result.output())
                .contains("route-scopes: route GET /orders/{id} (function orders) and route GET /hello-world set the"
                        + " authorizer 'authorizer' differently");
    }

    @Test
    void shouldRefuseAMethodOslsDoesNotName() throws IOException {
        Processes.Result result = packageBroken(yml -> replace(
                yml,
                ORDERS_GET,
                "      - http: {path: 'orders/{id}', method: '*', authorizer: {name: authorizer}}\n" + ORDERS_GET));

        assertThat(result.output())
                .contains("route-scopes: route * /orders/{id} (function orders) has method '*': http.method must be"
                        + " one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY");
    }

    /** Packages the broken copy, expecting osls to fail without writing a template. */
    private Processes.Result packageBroken(UnaryOperator<String> breakIt) throws IOException {
        Path out = temp.resolve("out");
        Processes.Result result = Osls.packageService(copyService(breakIt), out, "dev", Infra.DEV_PARAMS);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(out.resolve("cloudformation-template-update-stack.json")).doesNotExist();
        return result;
    }

    private static String routeScopes(PackagedService service) {
        return service.lambda("authorizer")
                .path("Properties")
                .path("Environment")
                .path("Variables")
                .path("ROUTE_SCOPES")
                .asText();
    }

    private PackagedService packageCopy(UnaryOperator<String> breakIt) throws IOException {
        Path service = copyService(breakIt);
        Path out = temp.resolve("out");
        Processes.Result result = Osls.packageService(service, out, "dev", Infra.DEV_PARAMS);
        assertThat(result.exitCode())
                .as("osls package of the copy said:%n%s", result.output())
                .isZero();
        return PackagedService.load(out, service);
    }

    /**
     * serverless.yml, changed by {@code breakIt}, and route-scopes.js in a temporary service directory whose artifacts
     * are the real jars.
     */
    private Path copyService(UnaryOperator<String> breakIt) throws IOException {
        Path service = Files.createDirectories(temp.resolve("service"));
        String yml = Files.readString(Infra.infraDir().resolve("serverless.yml"))
                .replace(": ../", ": " + Infra.repoDir().toAbsolutePath() + "/");
        Files.writeString(service.resolve("serverless.yml"), breakIt.apply(yml));
        Files.copy(
                Infra.infraDir().resolve("route-scopes.js"),
                service.resolve("route-scopes.js"),
                StandardCopyOption.REPLACE_EXISTING);
        return service;
    }

    private static String helloAuthorizer(String type, String identitySource) {
        return "          path: hello-world\n          method: get\n          cors: true\n          authorizer:\n"
                + "            name: authorizer\n            type: " + type + "\n            identitySource: "
                + identitySource + "\n";
    }

    /** {@code yml} without the {@code resources.extensions.ApiGatewayRestApi} block that ends serverless.yml. */
    private static String withoutRestApiTags(String yml) {
        String block = "    # The REST API's tags";
        assertThat(yml).as("serverless.yml still ends with the RestApi's tags").contains(block);
        return yml.substring(0, yml.indexOf(block));
    }

    private static String replace(String yml, String from, String to) {
        assertThat(yml).as("serverless.yml still has the text this test breaks").contains(from);
        return yml.replace(from, to);
    }
}
