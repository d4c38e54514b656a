package dev.gatehouse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.local.ServerlessConfig.Resolver;
import dev.gatehouse.local.ServerlessConfig.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * infra/route-scopes.js, run by {@code osls package} (infra's osls, as deployed), and its Java twin
 * {@link RouteScopesPlugin}, run when the local stack loads the same serverless.yml: the same table, and the same
 * refusals with the same messages.
 */
class RouteScopesPluginIT {

    /** A service behind the plugin: more provider settings, more authorizer settings, the events of {@code f}. */
    private static final String SERVICE = """
            service: twin
            plugins: [./route-scopes]
            provider:
              name: aws
              runtime: java21
            %s
            functions:
              authorizer: {handler: a.Handler, package: {artifact: f.jar}, snapStart: true%s}
              f:
                handler: a.B
                package: {artifact: f.jar}
                events:
            %s
            """;

    private static final Pattern PLUGIN_ERROR = Pattern.compile("(?m)^route-scopes: .*$");

    /** A service of {@link #SERVICE}, named for the test's report. */
    record Case(String what, String provider, String authorizer, String events) {
        @Override
        public String toString() {
            return what;
        }
    }

    private static final String BEHIND_IT = "- http: {path: a, method: get, authorizer: authorizer}";
    private static final String EXISTING_API = "  apiGateway: {restApiId: abc123, restApiRootResourceId: r00t}";

    static Stream<Case> refused() {
        return Stream.of(
                new Case(
                        "another authorizer by arn",
                        "",
                        "",
                        "- http: {path: 'a/{id}', method: get,"
                                + " authorizer: {name: x, arn: {Fn::ImportValue: gatehouse-local-AuthorizerArn}}}"),
                new Case(
                        "this authorizer of another region",
                        "",
                        "",
                        "- http: {path: a, method: get, authorizer:"
                                + " 'arn:aws:lambda:eu-west-1:123456789012:function:twin-local-authorizer'}"),
                new Case(
                        "a cached request authorizer reading the query string",
                        "",
                        "",
                        "- http: {path: a, method: get, authorizer: {name: authorizer, type: request, identitySource:"
                                + " 'method.request.header.Authorization, method.request.querystring.v'}}"),
                new Case(
                        "an authorizer by id",
                        "",
                        "",
                        "- http: {path: a, method: get, authorizer: {type: token, authorizerId: abc123}}"),
                new Case("a route declared twice", "", "", BEHIND_IT + "\n      " + BEHIND_IT.replace("a,", "/a/,")),
                new Case("no route behind it", "", "", "- http: {path: a, method: get}"),
                new Case(
                        "a hand-written ROUTE_SCOPES",
                        "",
                        ", environment: {ROUTE_SCOPES: '{\"GET /b\":[]}'}",
                        BEHIND_IT),
                new Case("a hand-written API_IDS", "", ", environment: {API_IDS: abc123}", BEHIND_IT),
                new Case(
                        "this authorizer by a string arn",
                        "",
                        "",
                        "- http: {path: a, method: get, authorizer:"
                                + " 'arn:aws:lambda:us-east-1:123456789012:function:twin-local-authorizer:snapstart'}"),
                new Case(
                        "a second authorizer function",
                        "",
                        "}\n  partner: {handler: dev.gatehouse.authorizer.AuthorizerStreamHandler,"
                                + " package: {artifact: f.jar}",
                        BEHIND_IT),
                new Case(
                        "two routes setting the authorizer's ttl differently",
                        "",
                        "",
                        BEHIND_IT + "\n      - http: {path: b, method: get,"
                                + " authorizer: {name: authorizer, resultTtlInSeconds: 0}}"),
                new Case(
                        "two routes naming the authorizer differently",
                        "",
                        "",
                        BEHIND_IT + "\n      - http: {path: b, method: get, authorizer:"
                                + " {name: authorizer, arn: {Fn::GetAtt: [AuthorizerLambdaFunction, Arn]}}}"),
                new Case("a method osls does not name", "", "", BEHIND_IT.replace("get", "'*'")),
                new Case("a root resource id", EXISTING_API, "", BEHIND_IT));
    }

    static Stream<Case> accepted() {
        return Stream.of(
                new Case(
                        "this stack's authorizer by arn",
                        "",
                        "",
                        "- http: {path: a, method: get, authorizer:"
                                + " {name: x, arn: {Fn::GetAtt: [AuthorizerLambdaFunction, Arn]}, scopes: [r]}}\n"
                                + "      - http: {path: b, method: post,"
                                + " authorizer: {name: y, arn: {Ref: AuthorizerSnapStartLambdaAlias}}}"),
                new Case(
                        "a cached request authorizer",
                        "",
                        "",
                        "- http: {path: a, method: get, authorizer: {name: authorizer, type: request,"
                                + " identitySource: method.request.header.authorization}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void shouldRefuseWhatThePluginRefusesWithItsMessage(Case service) throws Exception {
        Path dir = write(service);

        TestStacks.OslsResult packaged = TestStacks.oslsPackage(dir);
        Matcher refusal = PLUGIN_ERROR.matcher(packaged.output());

        assertThat(packaged.exitCode()).as(packaged.output()).isNotZero();
        assertThat(refusal.find()).as(packaged.output()).isTrue();
        assertThatThrownBy(() -> load(dir)).hasMessage(refusal.group());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void shouldComputeTheTableThePluginComputes(Case service) throws Exception {
        Path dir = write(service);

        TestStacks.OslsResult packaged = TestStacks.oslsPackage(dir);
        assertThat(packaged.exitCode()).as(packaged.output()).isZero();
        JsonNode variables = Http.JSON
                .readTree(dir.resolve(".serverless/cloudformation-template-update-stack.json")
                        .toFile())
                .path("Resources")
                .path("AuthorizerLambdaFunction")
                .path("Properties")
                .path("Environment")
                .path("Variables");
        Map<String, String> local = load(dir).function("authorizer").environment();

        assertThat(local.get("ROUTE_SCOPES"))
                .isEqualTo(variables.path("ROUTE_SCOPES").asText());
        assertThat(variables.path("API_IDS").toString()).isEqualTo("{\"Ref\":\"ApiGatewayRestApi\"}");
        assertThat(local.get("API_IDS")).isEqualTo(LocalApiGateway.API_ID);
    }

    private static Path write(Case service) throws Exception {
        Path dir = TestStacks.serviceDir("route-scopes-" + service.what().replaceAll("[^a-z]+", "-"));
        // An empty zip: osls copies the artifact into the package.
        Files.write(
                dir.resolve("f.jar"),
                new byte[] {0x50, 0x4b, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        Files.writeString(
                dir.resolve("serverless.yml"),
                SERVICE.formatted(service.provider(), service.authorizer(), "      " + service.events()));
        return dir;
    }

    private static Service load(Path dir) {
        return ServerlessConfig.load(dir.resolve("serverless.yml"), "local", Map.of(), name -> null, Resolver.OSLS);
    }
}
