package dev.gatehouse.local;

import static dev.gatehouse.local.TestStacks.get;
import static dev.gatehouse.local.TestStacks.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service deployed as its own stack, run beside the main stack ({@code ./local/run --with ...}) with the same
 * identity provider and so the same tokens: infra/examples/separate-stack behind its own authorizer, on its own API.
 */
class SeparateStackIT {

    @TempDir
    static Path work;

    static LocalStack stack;
    static String helloToken;
    static String greetingToken;

    @BeforeAll
    static void start() {
        Path root = TestStacks.repoRoot();
        stack = LocalStack.start(TestStacks.options(work).withStack(root.resolve("infra/examples/separate-stack")));
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
        assertThat(stack.gateway().port())
                .isNotEqualTo(stack.gateway("gatehouse-example").port());
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
    void shouldTellEachStacksAuthorizerTheIdOfItsOwnApi() {
        ServerlessConfig.Service main = stack.gateway().service();
        ServerlessConfig.Service example = stack.gateway("gatehouse-example").service();

        assertThat(main.function("authorizer").environment()).containsEntry("API_IDS", "a1b2c3d4e5");
        assertThat(example.function("authorizer").environment()).containsEntry("API_IDS", "gatehouse1");
        assertThat(List.of(main.apiId(), example.apiId())).containsExactly("a1b2c3d4e5", "gatehouse1");
    }
}
