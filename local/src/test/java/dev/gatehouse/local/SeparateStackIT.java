package dev.gatehouse.local;

import static dev.gatehouse.local.TestStacks.get;
import static dev.gatehouse.local.TestStacks.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services deployed as their own stacks, run beside the main stack ({@code ./local/run --with ...}) with the same
 * identity provider and so the same tokens: infra/examples/separate-stack behind its own authorizer, and a stack whose
 * routes name the main stack's authorizer by ARN ({@code Fn::ImportValue} of its export), which gets the main
 * authorizer with its own ROUTE_SCOPES, as deployed.
 */
class SeparateStackIT {

    private static final String GATEWAY_403 = "{\"message\":\"User is not authorized to access this resource\"}";

    @TempDir
    static Path work;

    static LocalStack stack;
    static String helloToken;
    static String greetingToken;

    @BeforeAll
    static void start() throws Exception {
        Path root = TestStacks.repoRoot();
        Path byArn = TestStacks.serviceDir("by-arn").resolve("serverless.yml");
        Files.writeString(byArn, """
                service: by-arn
                provider:
                  name: aws
                  runtime: java21
                  stage: ${opt:stage, 'dev'}
                functions:
                  greeting:
                    handler: dev.gatehouse.hello.HelloWorldHandler
                    package: {artifact: %s/hello-world/target/hello-world.jar}
                    events:
                      # A route the main stack's table also has (GET /hello-world, open to every valid token) ...
                      - http:
                          path: hello-world
                          method: get
                          authorizer:
                            arn: {Fn::ImportValue: 'gatehouse-${sls:stage}-AuthorizerArn'}
                            identityValidationExpression: ^[Bb][Ee][Aa][Rr][Ee][Rr] +[-0-9a-zA-Z._~+/]+=*$
                      # ... and one it has not: the shared authorizer allows it to no token.
                      - http:
                          path: greeting
                          method: get
                          authorizer:
                            arn: {Fn::ImportValue: 'gatehouse-${sls:stage}-AuthorizerArn'}
                            scopes: [read:greeting]
                """.formatted(root));
        stack = LocalStack.start(TestStacks.options(work)
                .withStack(root.resolve("infra/examples/separate-stack"))
                .withStack(byArn));
        helloToken = TestStacks.token(stack.identityProvider());
        greetingToken = TestStacks.json(TestStacks.postToken(
                                stack.identityProvider(),
                                "application/json",
                                "{\"client_id\":\"gatehouse-greeting-client\",\"client_secret\":"
                                        + "\"gatehouse-greeting-secret\",\"audience\":\"" + TestStacks.AUDIENCE
                                        + "\",\"grant_type\":\"client_credentials\"}")
                        .body())
                .get("access_token")
                .asText();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static HttpResponse<String> call(String service, String path, String token) {
        return get(
                stack.gateway(service).baseUrl() + path,
                token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
    }

    @Test
    void shouldServeEachStackOnItsOwnGateway() {
        assertThat(stack.gateway().service().name()).isEqualTo("gatehouse");
        assertThat(List.of(
                        stack.gateway().port(),
                        stack.gateway("gatehouse-example").port(),
                        stack.gateway("by-arn").port()))
                .doesNotHaveDuplicates();
        assertThat(call("gatehouse-example", "/hello-world", helloToken).statusCode())
                .isEqualTo(403); // not a route of that API: Missing Authentication Token
    }

    @Test
    void shouldAnswerTheSeparateStackExample200And401And403WithTheMainStacksTokens() {
        HttpResponse<String> allowed = call("gatehouse-example", "/greeting", greetingToken);
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        assertThat(json(allowed.body()).get("subject").asText()).isEqualTo("gatehouse-greeting-client@clients");

        HttpResponse<String> missing = call("gatehouse-example", "/greeting", null);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body()).isEqualTo("{\"message\":\"Unauthorized\"}");

        // read:hello only: the example's own authorizer permits none of its routes, so its policy is an explicit Deny.
        HttpResponse<String> denied = call("gatehouse-example", "/greeting", helloToken);
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body())
                .isEqualTo("{\"message\":\"User is not authorized to access this resource with an explicit deny\"}");

        // The same tokens on the main stack.
        assertThat(call("gatehouse", "/hello-world", greetingToken).statusCode())
                .isEqualTo(200);
        assertThat(call("gatehouse", "/hello-world", helloToken).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRunRoutesNamingTheMainAuthorizerByArnWithTheMainStacksRouteTable() {
        HttpResponse<String> coinciding = call("by-arn", "/hello-world", helloToken);
        assertThat(coinciding.statusCode()).as(coinciding.body()).isEqualTo(200);
        assertThat(json(coinciding.body()).get("subject").asText()).isEqualTo(TestStacks.CLIENT_ID + "@clients");

        assertThat(call("by-arn", "/hello-world", null).statusCode()).isEqualTo(401);
        assertThat(call("by-arn", "/hello-world", "not.a.jwt").statusCode()).isEqualTo(401);

        // Not in the main authorizer's ROUTE_SCOPES: refused whatever the token's scopes, as deployed.
        for (String token : new String[] {helloToken, greetingToken}) {
            HttpResponse<String> response = call("by-arn", "/greeting", token);
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.body()).isEqualTo(GATEWAY_403);
        }
    }
}
