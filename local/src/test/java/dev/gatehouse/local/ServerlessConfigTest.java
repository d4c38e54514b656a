package dev.gatehouse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.local.ServerlessConfig.Resolver;
import dev.gatehouse.local.ServerlessConfig.Route;
import dev.gatehouse.local.ServerlessConfig.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerlessConfigTest {

    /** A service behind the route-scopes plugin, with more of the authorizer's settings and the provider's. */
    private static final String AUTHORIZED_SERVICE = """
            service: svc
            plugins: [./route-scopes]
            provider:
            %2$s
            functions:
              authorizer: {handler: a.Handler, package: {artifact: a.jar}%1$s}
              f:
                handler: a.B
                package: {artifact: f.jar}
                environment: {API: {Ref: ApiGatewayRestApi}}
                events:
                  - http: {path: x, method: get, authorizer: {name: authorizer}}
            """;

    @TempDir
    Path dir;

    @Test
    void shouldReadRepositorysServerlessYmlForLocalStage() {
        Path yml = TestStacks.repoRoot().resolve("infra/serverless.yml");

        Service service = ServerlessConfig.load(yml, "local", Map.of(), name -> null);

        assertThat(service.stage()).isEqualTo("local");
        assertThat(service.region()).isEqualTo("us-east-1");
        assertThat(service.functions()).containsKeys("authorizer", "helloWorld");
        assertThat(service.function("authorizer").environment())
                .containsEntry("TOKEN_ISSUER", "http://127.0.0.1:9000/")
                .containsEntry("JWKS_URI", "http://127.0.0.1:9000/.well-known/jwks.json")
                .containsEntry("AUDIENCE", "https://api.gatehouse.local")
                .containsEntry("TOKEN_LEEWAY_SECONDS", "30");
        assertThat(service.function("authorizer").artifact())
                .isEqualTo(TestStacks.repoRoot().resolve("authorizer/target/authorizer.jar"));
        Route route = service.routes().stream()
                .filter(r -> r.function().equals("helloWorld"))
                .findFirst()
                .orElseThrow();
        assertThat(route.method()).isEqualTo("GET");
        assertThat(route.path()).isEqualTo("hello-world");
        assertThat(route.authorizer().function()).isEqualTo("authorizer");
        assertThat(route.authorizer().type()).isEqualTo(AuthorizerType.TOKEN);
        assertThat(route.authorizer()
                        .validationExpression()
                        .matcher("Bearer abc.def.ghi")
                        .matches())
                .isTrue();
        assertThat(route.authorizer()
                        .validationExpression()
                        .matcher("Basic abc")
                        .matches())
                .isFalse();
    }

    @Test
    void shouldHandTheAuthorizerTheScopesOfEveryRouteBehindIt() throws Exception {
        Path yml = write("""
                service: svc
                plugins: [./route-scopes]
                functions:
                  authorizer:
                    handler: a.Handler
                    package: {artifact: a.jar}
                  orders:
                    handler: o.Handler
                    package: {artifact: o.jar}
                    events:
                      - http: {path: /orders, method: get, authorizer: {name: authorizer, scopes: [read:orders, admin]}}
                      - http: {path: 'orders/{id}', method: post,
                               authorizer: {name: authorizer, scopes: ['${param:writeScope}']}}
                      - http: {path: status, method: any, authorizer: authorizer}
                      - http: {path: public, method: get}
                params:
                  default: {writeScope: write:orders}
                """);

        Service service = ServerlessConfig.load(yml, "local", Map.of(), name -> null);

        assertThat(service.function("authorizer").environment().get("ROUTE_SCOPES"))
                .isEqualTo("{\"GET /orders\":[\"read:orders\",\"admin\"],\"POST "
                        + "/orders/{id}\":[\"write:orders\"],\"ANY /status\":[]}");
        assertThat(service.routes().get(0).authorizer().scopes()).containsExactly("read:orders", "admin");
    }

    @Test
    void shouldReadFunctionsFromTheirOwnFileAsOslsDoes() throws Exception {
        Path yml = write("""
                service: svc
                plugins: [./route-scopes]
                functions: ${file(./functions.yml)}
                """);
        Files.writeString(yml.resolveSibling("functions.yml"), """
                authorizer:
                  handler: a.Handler
                  package: {artifact: a.jar}
                orders:
                  handler: o.Handler
                  package: {artifact: o.jar}
                  events:
                    - http: {path: orders, method: get, authorizer: {name: authorizer, scopes: [read:orders]}}
                """);

        Service service = ServerlessConfig.load(yml, "local", Map.of(), name -> null);

        assertThat(service.function("authorizer").environment())
                .containsEntry("ROUTE_SCOPES", "{\"GET /orders\":[\"read:orders\"]}");
    }

    @Test
    void shouldRefuseAServiceWithNoRouteBehindTheAuthorizerAsThePluginDoes() throws Exception {
        Path yml = write("""
                service: svc
                plugins: [./route-scopes]
                functions:
                  authorizer:
                    handler: a.Handler
                    package: {artifact: a.jar}
                """);

        assertThatThrownBy(() -> ServerlessConfig.load(yml, "local", Map.of(), name -> null))
                .hasMessageContaining("no http event is behind the authorizer");
    }

    @Test
    void shouldGiveTheShippedAuthorizerTheShippedRouteTable() {
        Service service = ServerlessConfig.load(
                TestStacks.repoRoot().resolve("infra/serverless.yml"), "local", Map.of(), name -> null);

        assertThat(service.function("authorizer").environment().get("ROUTE_SCOPES"))
                .isEqualTo("{\"GET /hello-world\":[],\"GET /orders\":[\"read:orders\"],\"POST "
                        + "/orders\":[\"write:orders\"]}");
    }

    @Test
    void shouldTellTheAuthorizerTheIdOfTheLocalApiServingItsRoutes() throws Exception {
        Path yml = write(AUTHORIZED_SERVICE.formatted(", environment: {API_IDS: {Ref: ApiGatewayRestApi}}", ""));

        Service service = ServerlessConfig.load(yml, "local", Map.of(), name -> null, Resolver.BUILT_IN, "gatehouse7");

        assertThat(service.apiId()).isEqualTo("gatehouse7");
        assertThat(service.function("authorizer").environment()).containsEntry("API_IDS", "gatehouse7");
        // Any function may read its API's id the same way.
        assertThat(service.function("f").environment()).containsEntry("API", "gatehouse7");
    }

    @Test
    void shouldRefuseAHandWrittenApiIdsOfAnotherApiAsThePluginDoes() throws Exception {
        Path yml = write(AUTHORIZED_SERVICE.formatted(", environment: {API_IDS: abc123}", ""));

        assertThatThrownBy(() -> ServerlessConfig.load(yml, "local", Map.of(), name -> null))
                .hasMessage("route-scopes: the API_IDS written in serverless.yml (\"abc123\") differs from this"
                        + " service's API ({\"Ref\":\"ApiGatewayRestApi\"}); remove it (this plugin computes it)");
    }

    @Test
    void shouldRefuseARootResourceIdAsThePluginDoes() throws Exception {
        Path yml = write(AUTHORIZED_SERVICE.formatted(
                ", environment: {API_IDS: abc123}", "  apiGateway: {restApiId: abc123, restApiRootResourceId: r00t}"));

        assertThatThrownBy(() -> ServerlessConfig.load(yml, "local", Map.of(), name -> null))
                .hasMessageStartingWith("route-scopes: provider.apiGateway.restApiRootResourceId is set");
    }

    @Test
    void shouldRefuseASecondAuthorizerFunctionAsThePluginDoes() throws Exception {
        Path yml = write(AUTHORIZED_SERVICE.formatted(
                "}\n  partner: {handler: dev.gatehouse.authorizer.AuthorizerStreamHandler, package: {artifact: a.jar}",
                ""));

        assertThatThrownBy(() -> ServerlessConfig.load(yml, "local", Map.of(), name -> null))
                .hasMessage("route-scopes: function partner runs dev.gatehouse.authorizer.AuthorizerStreamHandler: one"
                        + " Gatehouse authorizer per stack, named 'authorizer'; a second API or table deploys as its"
                        + " own stack");
    }

    @Test
    void shouldRefuseAMethodOslsDoesNotNameAsThePluginDoes() throws Exception {
        Path yml = write(AUTHORIZED_SERVICE.formatted("", "").replace("method: get", "method: '*'"));

        assertThatThrownBy(() -> ServerlessConfig.load(yml, "local", Map.of(), name -> null))
                .hasMessageStartingWith("route-scopes: route * /x (function f) has method '*'");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{name: authorizer, type: request}",
                "{name: authorizer, identitySource: method.request.header.X-Token}",
                "{name: authorizer, resultTtlInSeconds: 0}",
                "{name: authorizer, identityValidationExpression: '^Bearer .+$'}",
                "{name: authorizer, arn: {Fn::GetAtt: [AuthorizerLambdaFunction, Arn]}}"
            })
    void shouldRefuseRoutesSettingOneAuthorizerDifferently(String other) throws Exception {
        Path yml = write(AUTHORIZED_SERVICE.formatted("", "") + "      - http: {path: y, method: get, authorizer: "
                + other + "}\n");

        assertThatThrownBy(() -> ServerlessConfig.load(yml, "local", Map.of(), name -> null))
                .hasMessageStartingWith("route-scopes: route GET /y (function f) and route GET /x set the authorizer"
                        + " 'authorizer' differently");
    }

    @Test
    void shouldRefuseAnExistingApiIdThatIsNoApiGatewayIdAsThePluginDoes() throws Exception {
        Path yml = write(AUTHORIZED_SERVICE.formatted("", "  apiGateway: {restApiId: abc-123}"));

        assertThatThrownBy(() -> ServerlessConfig.load(yml, "local", Map.of(), name -> null))
                .hasMessageStartingWith("route-scopes: provider.apiGateway.restApiId 'abc-123' is not");
    }

    @Test
    void shouldCountRoutesNamingTheAuthorizerByArnAsThePluginDoes() throws Exception {
        Path yml = write("""
                service: svc
                plugins: [./route-scopes]
                provider: {region: eu-west-1}
                functions:
                  authorizer: {handler: a.Handler, package: {artifact: a.jar}, snapStart: true}
                  f:
                    handler: a.B
                    package: {artifact: f.jar}
                    events:
                      - http: {path: a, method: get,
                               authorizer: {name: x, arn: {Fn::GetAtt: [AuthorizerLambdaFunction, Arn]}, scopes: [r]}}
                      - http: {path: b, method: get, authorizer: {name: y, arn: {Ref: AuthorizerSnapStartLambdaAlias}}}
                      - http: {path: c, method: get,
                               authorizer: {name: z, arn: {Fn::GetAtt: AuthorizerSnapStartLambdaAlias.AliasArn}}}
                """);

        Service service = ServerlessConfig.load(yml, "local", Map.of(), name -> null);

        assertThat(service.routes())
                .allSatisfy(route -> assertThat(route.authorizer().function()).isEqualTo("authorizer"));
        assertThat(service.function("authorizer").environment())
                .containsEntry("ROUTE_SCOPES", "{\"GET /a\":[\"r\"],\"GET /b\":[],\"GET /c\":[]}");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{Fn::ImportValue: gatehouse-local-AuthorizerArn}",
                "{Fn::GetAtt: [FLambdaFunction, Arn]}",
                "'arn:aws:lambda:eu-west-1:123456789012:function:svc-local-authorizer'",
                "'arn:aws:lambda:us-east-1:123456789012:function:svc-local-authorizer:7'",
                "'arn:aws:lambda:us-east-1:123456789012:function:svc-local-authorizer:snapstart'",
                "'arn:aws:lambda:us-east-1:123456789012:function:svc-local-authorizer'"
            })
    void shouldRefuseARouteNamingAnotherAuthorizerByArnAsThePluginDoes(String arn) throws Exception {
        Path yml = write(AUTHORIZED_SERVICE
                .formatted("", "")
                .replace("authorizer: {name: authorizer}", "authorizer: {name: x, arn: " + arn + "}"));

        assertThatThrownBy(() -> ServerlessConfig.load(yml, "local", Map.of(), name -> null))
                .hasMessageStartingWith("route-scopes: route GET /x (function f) names its authorizer by arn ")
                .hasMessageEndingWith(", which is not a reference to this stack's function 'authorizer'; use"
                        + " authorizer.name:"
                        + " authorizer (a service deployed as its own stack deploys its own authorizer:"
                        + " infra/examples/separate-stack)");
    }

    @Test
    void shouldRefuseAnAuthorizerOfAnotherStackWithoutThePlugin() throws Exception {
        Path yml = write("""
                service: svc
                functions:
                  f:
                    handler: a.B
                    package: {artifact: f.jar}
                    events:
                      - http: {path: x, method: get, authorizer: {arn: {Fn::ImportValue: gatehouse-AuthorizerArn}}}
                """);

        assertThatThrownBy(() -> ServerlessConfig.load(yml, "local", Map.of(), name -> null))
                .hasMessageContaining("The route GET /x names its authorizer by arn")
                .hasMessageContaining("the local stack runs a stack's own functions only");
    }

    @Test
    void shouldRefuseACachedRequestAuthorizerWithAnotherIdentitySourceAsThePluginDoes() throws Exception {
        Path yml = write(AUTHORIZED_SERVICE
                .formatted("", "")
                .replace(
                        "authorizer: {name: authorizer}",
                        "authorizer: {name: authorizer, type: request, identitySource: method.request.querystring.t}"));

        assertThatThrownBy(() -> ServerlessConfig.load(yml, "local", Map.of(), name -> null))
                .hasMessageStartingWith("route-scopes: route GET /x (function f) has a cached REQUEST authorizer whose"
                        + " identitySource is 'method.request.querystring.t'");
    }

    @Test
    void shouldAcceptARequestAuthorizerCachedUnderTheAuthorizationHeaderInAnyCase() throws Exception {
        Path yml = write(AUTHORIZED_SERVICE
                .formatted("", "")
                .replace(
                        "authorizer: {name: authorizer}",
                        "authorizer: {name: authorizer, type: request, identitySource:"
                                + " method.request.header.AUTHORIZATION}"));

        assertThat(ServerlessConfig.load(yml, "local", Map.of(), name -> null)
                        .function("authorizer")
                        .environment())
                .containsEntry("ROUTE_SCOPES", "{\"GET /x\":[]}");
    }

    @Test
    void shouldResolveVariablesWithOverridesFallbacksAndNesting() throws Exception {
        Path yml = write("""
                service: svc
                provider:
                  stage: ${opt:stage, 'dev'}
                  region: ${opt:region, "eu-central-1"}
                  timeout: 7
                  environment:
                    FROM_ENV: ${env:SOME_VAR, 'fallback'}
                    SET_ENV: ${env:SET_VAR}
                    STAGE: ${sls:stage}-${self:provider.stage}
                    NESTED: ${param:missing, ${param:present}}
                    NUMBER: ${param:number}
                    BY_ARCH: ${self:custom.byArch.${param:arch}}
                custom:
                  byArch: {arm64: arm-value, x86_64: x86-value}
                params:
                  default: {present: from-default, number: 5, arch: x86_64}
                  local: {present: from-local}
                functions:
                  f:
                    handler: a.B
                    package: {artifact: f.jar}
                    environment: {STAGE: overridden}
                """);

        Service service = ServerlessConfig.load(
                yml, "local", Map.of("number", "6"), name -> name.equals("SET_VAR") ? "set" : null);

        assertThat(service.region()).isEqualTo("eu-central-1");
        assertThat(service.function("f").timeoutSeconds()).isEqualTo(7);
        assertThat(service.function("f").artifact()).isEqualTo(dir.resolve("f.jar"));
        assertThat(service.function("f").environment())
                .containsEntry("FROM_ENV", "fallback")
                .containsEntry("SET_ENV", "set")
                .containsEntry("STAGE", "overridden")
                .containsEntry("NESTED", "from-local")
                .containsEntry("NUMBER", "6")
                .containsEntry("BY_ARCH", "x86-value");
    }

    @Test
    void shouldIgnoreUnknownKeysAndFailOnlyForVariablesItNeeds() throws Exception {
        Path tolerant = write("""
                service: svc
                custom: {secret: '${ssm:/not/needed}'}
                resources: {Resources: {X: {Type: 'AWS::SNS::Topic'}}}
                functions:
                  f: {handler: a.B, package: {artifact: f.jar}, events: [{http: 'GET things/{id}'}, {sqs: arn}]}
                """);
        assertThat(ServerlessConfig.load(tolerant, "local", Map.of(), n -> null).routes())
                .hasSize(1);

        Path needy = write("""
                service: svc
                functions:
                  f: {handler: a.B, package: {artifact: f.jar}, environment: {X: '${param:tokenIssuer}'}}
                """);
        assertThatThrownBy(() -> ServerlessConfig.load(needy, "local", Map.of(), n -> null))
                .hasMessageContaining("${param:tokenIssuer}")
                .hasMessageContaining("params.local");
    }

    @Test
    void shouldRejectAuthorizerThatIsNotAFunctionOfTheService() throws Exception {
        Path yml = write("""
                service: svc
                functions:
                  f: {handler: a.B, package: {artifact: f.jar},
                      events: [{http: {path: x, method: get, authorizer: {name: nope}}}]}
                """);

        assertThatThrownBy(() -> ServerlessConfig.load(yml, "local", Map.of(), n -> null))
                .hasMessageContaining("authorizer 'nope'");
    }

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("serverless-" + System.nanoTime() + ".yml");
        Files.writeString(file, yaml);
        return file;
    }
}
