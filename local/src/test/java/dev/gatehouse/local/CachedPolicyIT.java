package dev.gatehouse.local;

import static dev.gatehouse.local.TestStacks.get;
import static dev.gatehouse.local.TestStacks.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API Gateway's authorizer result cache and response handling, on a fixture service with two routes per authorizer:
 * the real authorizer (whose stage-wide policy must stay right for every route), a fixture authorizer that allows only
 * the method ARN (so the cached policy gives the well-known 403 on the second route), and the error outcomes.
 */
class CachedPolicyIT {

    @TempDir
    static Path work;

    static LocalStack stack;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        Path root = TestStacks.repoRoot();
        Path fixtures = TestStacks.fixtureJar(work);
        Path yml = TestStacks.serviceDir("cached-policy").resolve("serverless.yml");
        Files.writeString(yml, """
                service: fixture
                plugins: [./route-scopes]
                provider:
                  name: aws
                  runtime: java21
                  stage: ${opt:stage, 'dev'}
                  region: ${opt:region, 'eu-west-1'}
                  environment:
                    GREETING: ${env:GATEHOUSE_SURELY_UNSET_VARIABLE, 'hello'}
                params:
                  default:
                    audience: https://api.gatehouse.local
                functions:
                  authorizer:
                    handler: dev.gatehouse.authorizer.AuthorizerHandler
                    package: {artifact: %1$s/authorizer/target/authorizer.jar}
                    environment:
                      TOKEN_ISSUER: ${param:tokenIssuer}
                      JWKS_URI: ${param:jwksUri}
                      AUDIENCE: ${param:audience}
                  fixtureAuthorizer:
                    handler: dev.gatehouse.local.fixtures.FixtureAuthorizer
                    package: {artifact: %2$s}
                    environment:
                      AUDIENCE: https://fixture.example   # not in local/idp.yml: a start-up warning (ignored by it)
                  hello:
                    handler: dev.gatehouse.hello.HelloWorldHandler
                    package: {artifact: %1$s/hello-world/target/hello-world.jar}
                    events:
                      - http: {path: stage-wide/a, method: get, authorizer: {name: authorizer, resultTtlInSeconds: 300}}
                      - http: {path: stage-wide/b, method: get, authorizer: {name: authorizer, resultTtlInSeconds: 300}}
                  echo:
                    handler: dev.gatehouse.local.fixtures.EchoHandler
                    timeout: 3
                    package: {artifact: %2$s}
                    events:
                      - http: {path: method-only/a, method: get,
                               authorizer: {name: fixtureAuthorizer, resultTtlInSeconds: 300}}
                      - http: {path: method-only/b, method: get,
                               authorizer: {name: fixtureAuthorizer, resultTtlInSeconds: 300}}
                      - http: {path: no-cache/a, method: get,
                               authorizer: {name: fixtureAuthorizer, resultTtlInSeconds: 0}}
                      - http: {path: no-cache/b, method: get,
                               authorizer: {name: fixtureAuthorizer, resultTtlInSeconds: 0}}
                      - http: {path: 'items/{id}', method: post,
                               authorizer: {name: fixtureAuthorizer, resultTtlInSeconds: 0}}
                      - http: 'ANY /open/{proxy+}'
                      - http: {path: request/uncached, method: get,
                               authorizer: {name: fixtureAuthorizer, type: request, resultTtlInSeconds: 0}}
                      - http: {path: request/cached, method: get,
                               authorizer: {name: fixtureAuthorizer, type: request, resultTtlInSeconds: 300,
                                            identitySource: method.request.header.X-Key}}
                """.formatted(root.toString(), fixtures.toString()));
        stack = LocalStack.start(TestStacks.options(work.resolve("work")).withServerlessYml(yml));
        base = stack.gateway().baseUrl();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldWarnAtStartUpAboutAnAuthorizerWhoseAudienceTheIdentityProviderDoesNotIssue() {
        assertThat(stack.warnings())
                .singleElement()
                .asString()
                .startsWith("authorizer 'fixtureAuthorizer': the audience [https://fixture.example] is not an API of ")
                .contains("local/idp.yml", "issues tokens only for [" + TestStacks.AUDIENCE + "]");
        assertThat(stack.banner()).endsWith("\nWarning: " + stack.warnings().get(0) + "\n");
    }

    private static HttpResponse<String> call(String path, String token) {
        return get(base + path, Map.of("Authorization", "Bearer " + token));
    }

    @Test
    void shouldKeepRealAuthorizersCachedPolicyRightForEveryRoute() {
        // Fails if the authorizer allowed only the method ARN: the policy cached for /stage-wide/a would deny
        // /stage-wide/b.
        String token = TestStacks.token(stack.identityProvider());

        assertThat(call("/stage-wide/a", token).statusCode()).isEqualTo(200);
        assertThat(call("/stage-wide/b", token).statusCode()).isEqualTo(200);
        assertThat(call("/stage-wide/a", token).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldDenySecondRouteFromCachedMethodOnlyPolicyAsApiGatewayDoes() {
        String token = "method-only-" + UUID.randomUUID();

        assertThat(call("/method-only/a", token).statusCode()).isEqualTo(200);
        HttpResponse<String> second = call("/method-only/b", token);

        assertThat(second.statusCode()).isEqualTo(403);
        assertThat(second.body()).isEqualTo("{\"message\":\"User is not authorized to access this resource\"}");
        assertThat(second.headers().firstValue("x-amzn-ErrorType")).hasValue("AccessDeniedException");
    }

    @Test
    void shouldInvokeAuthorizerForEveryRequestWhenTtlIsZero() {
        String token = "method-only-" + UUID.randomUUID();

        assertThat(call("/no-cache/a", token).statusCode()).isEqualTo(200);
        assertThat(call("/no-cache/b", token).statusCode()).isEqualTo(200);
    }

    private static int requestInvocations(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body())
                .get("requestContext")
                .get("authorizer")
                .get("invocations")
                .asInt();
    }

    @Test
    void shouldInvokeARequestAuthorizerWithoutCachingOnEveryRequestAndRefuseMissingIdentityWithoutInvoking() {
        // No identity source and TTL 0: nothing to be missing, so a bare request reaches the authorizer, every time.
        int first = requestInvocations(get(base + "/request/uncached", Map.of()));
        // With caching, a missing identity source is a 401 before any invocation.
        HttpResponse<String> missing = get(base + "/request/cached", Map.of());
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body()).isEqualTo("{\"message\":\"Unauthorized\"}");
        assertThat(requestInvocations(get(base + "/request/uncached", Map.of())))
                .isEqualTo(first + 1);
        // Present: invoked once, then answered from the cache under that value.
        Map<String, String> key = Map.of("X-Key", "key-" + UUID.randomUUID());
        assertThat(requestInvocations(get(base + "/request/cached", key))).isEqualTo(first + 2);
        assertThat(requestInvocations(get(base + "/request/cached", key))).isEqualTo(first + 2);
    }

    @Test
    void shouldMapAuthorizerOutcomesLikeApiGateway() {
        HttpResponse<String> denied = call("/no-cache/a", "deny");
        assertThat(denied.statusCode()).isEqualTo(403);
        // A matching Deny statement, not merely no matching Allow (the method-only test has that message).
        assertThat(denied.body())
                .isEqualTo(
                        "{\"message\":\"User is not authorized to access this resource" + " with an explicit deny\"}");
        assertThat(denied.headers().firstValue("x-amzn-ErrorType")).hasValue("AccessDeniedException");
        HttpResponse<String> unauthorized = call("/no-cache/a", "unauthorized");
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.body()).isEqualTo("{\"message\":\"Unauthorized\"}");
        for (String token : new String[] {"boom", "nested"}) {
            HttpResponse<String> failed = call("/no-cache/a", token);
            assertThat(failed.statusCode()).as(token).isEqualTo(500);
            assertThat(failed.body()).isEqualTo("{\"message\":null}");
            assertThat(failed.headers().firstValue("x-amzn-ErrorType")).hasValue("AuthorizerConfigurationException");
        }
    }

    @Test
    void shouldFillProxyEventAsApiGatewayDoes() {
        HttpResponse<String> response =
                TestStacks.send(HttpRequest.newBuilder(URI.create(base + "/items/42%2F7?q=1&q=2&x=y"))
                        .header("Authorization", "Bearer method-only-echo")
                        .header("X-Multi", "one")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"not\": json"))
                        .build());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Echo")).hasValue("yes");
        JsonNode event = json(response.body());
        assertThat(event.get("resource").asText()).isEqualTo("/items/{id}");
        // The raw path, as REST APIs deliver it; the parameter decoded.
        assertThat(event.get("path").asText()).isEqualTo("/items/42%2F7");
        assertThat(event.get("httpMethod").asText()).isEqualTo("POST");
        assertThat(event.get("pathParameters").get("id").asText()).isEqualTo("42/7");
        assertThat(event.get("queryStringParameters").get("q").asText()).isEqualTo("2");
        assertThat(event.get("multiValueQueryStringParameters").get("q").toString())
                .isEqualTo("[\"1\",\"2\"]");
        assertThat(event.get("headers").get("X-multi").asText()).isEqualTo("one");
        assertThat(event.get("body").asText()).isEqualTo("{\"not\": json");
        assertThat(event.get("isBase64Encoded").asBoolean()).isFalse();
        JsonNode context = event.get("requestContext");
        assertThat(context.get("stage").asText()).isEqualTo("local");
        assertThat(context.get("resourcePath").asText()).isEqualTo("/items/{id}");
        assertThat(context.get("httpMethod").asText()).isEqualTo("POST");
        assertThat(context.get("path").asText()).isEqualTo("/local/items/42%2F7");
        assertThat(context.get("requestId").asText()).isNotBlank();
        assertThat(context.get("identity").get("sourceIp").asText()).isEqualTo("127.0.0.1");
        JsonNode authorizer = context.get("authorizer");
        assertThat(authorizer.get("principalId").asText()).isEqualTo("fixture-principal");
        assertThat(authorizer.get("number").isTextual()).isTrue();
        assertThat(authorizer.get("number").asText()).isEqualTo("42");
        assertThat(authorizer.get("flag").asText()).isEqualTo("true");
        assertThat(authorizer.get("text").asText()).isEqualTo("fixture");
        assertThat(authorizer.get("methodArn").asText())
                .isEqualTo("arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/local/POST/items/42%2F7");
    }

    @Test
    void shouldRouteATrailingSlashToTheResourceButKeepItInTheMethodArnAndPath() {
        // AWS routes /method-only/a/ to the method-only/a resource and puts the request's own path in the method ARN.
        HttpResponse<String> response = call("/method-only/a/", "method-only-" + UUID.randomUUID());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode event = json(response.body());
        assertThat(event.get("resource").asText()).isEqualTo("/method-only/a");
        assertThat(event.get("path").asText()).isEqualTo("/method-only/a/");
        assertThat(event.get("requestContext").get("path").asText()).isEqualTo("/local/method-only/a/");
        assertThat(event.get("requestContext")
                        .get("authorizer")
                        .get("methodArn")
                        .asText())
                .isEqualTo("arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/local/GET/method-only/a/");
    }

    @Test
    void shouldAnswer502WhenFunctionFailsOrReturnsMalformedResponse() {
        for (String query : new String[] {"crash", "malformed"}) {
            HttpResponse<String> response = get(base + "/open/anything?" + query, Map.of());

            assertThat(response.statusCode()).as(query).isEqualTo(502);
            assertThat(response.body()).isEqualTo("{\"message\":\"Internal server error\"}");
        }
        assertThat(get(base + "/open/still/works", Map.of()).statusCode()).isEqualTo(200);
    }

    /**
     * Lambda's documented LD_LIBRARY_PATH, with the function's task root: a native library in the package's lib/ (the
     * authorizer's ACCP) loads from there, as on Lambda.
     */
    @Test
    void shouldRunEachFunctionWithLambdasLibraryPath() throws Exception {
        HttpResponse<String> response = get(base + "/open/anything?environment", Map.of());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode variables = TestStacks.json(response.body());
        String taskRoot = variables.get("LAMBDA_TASK_ROOT").asText();
        assertThat(variables.get("LD_LIBRARY_PATH").asText())
                .isEqualTo("/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:" + taskRoot + ":" + taskRoot
                        + "/lib:/opt/lib");
    }

    @Test
    void shouldAnswer413ForBodiesOverTenMegabytes() {
        HttpResponse<String> response = TestStacks.send(HttpRequest.newBuilder(URI.create(base + "/open/big"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[10 * 1024 * 1024 + 1]))
                .build());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).isEqualTo("{\"message\":\"Request Too Long\"}");
    }
}
