package dev.gatehouse.local;

import static dev.gatehouse.local.TestStacks.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auth0 RBAC on the repository's stack: the local identity provider issues one API's tokens in the
 * {@code access_token_authz} dialect (a {@code permissions} array beside {@code scope}) and another's in the default
 * one, and the authorizer jar runs with {@code --param scopeClaims=permissions} ({@code SCOPE_CLAIMS} in
 * infra/serverless.yml). The permissions decide the orders routes; a token with its scopes in {@code scope} only gets
 * none of them.
 */
class ScopeClaimsIT {

    private static final String GATEWAY_403 = "{\"message\":\"User is not authorized to access this resource\"}";
    private static final String RBAC = "https://rbac.gatehouse.local";

    @TempDir
    static Path work;

    static LocalStack stack;

    @BeforeAll
    static void start() throws IOException {
        Path idp = work.resolve("idp-rbac.yml");
        Files.writeString(idp, """
                apis:
                  - audience: https://api.gatehouse.local
                    scopes: [read:orders, write:orders]
                  - audience: https://rbac.gatehouse.local
                    scopes: [read:orders, write:orders]
                    tokenDialect: access_token_authz
                clients:
                  - clientId: reader
                    clientSecret: reader-secret
                    grants:
                      - audience: https://rbac.gatehouse.local
                        scopes: [read:orders]
                  - clientId: writer
                    clientSecret: writer-secret
                    grants:
                      - audience: https://rbac.gatehouse.local
                        scopes: [read:orders, write:orders]
                      - audience: https://api.gatehouse.local
                        scopes: [read:orders, write:orders]
                """);
        stack = LocalStack.start(TestStacks.options(work.resolve("stack"))
                .withIdpConfig(idp)
                .withParams(Map.of("scopeClaims", "permissions", "audience", TestStacks.AUDIENCE + "," + RBAC)));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static String token(String clientId, String audience) {
        HttpResponse<String> response = TestStacks.postToken(
                stack.identityProvider(),
                "application/json",
                "{\"client_id\":\"" + clientId + "\",\"client_secret\":\"" + clientId + "-secret\",\"audience\":\""
                        + audience + "\",\"grant_type\":\"client_credentials\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body()).get("access_token").asText();
    }

    private static HttpResponse<String> call(String method, String path, String token) {
        return TestStacks.call(method, stack.gateway().baseUrl() + path, token);
    }

    private static void assertRefusedByThePolicy(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.body()).isEqualTo(GATEWAY_403);
    }

    @Test
    void shouldIssuePermissionsBesideScopeInTheAuthzDialectOnly() {
        DecodedJWT rbac = JWT.decode(token("writer", RBAC));
        DecodedJWT plain = JWT.decode(token("writer", TestStacks.AUDIENCE));

        assertThat(rbac.getClaim("permissions").asList(String.class)).containsExactly("read:orders", "write:orders");
        assertThat(rbac.getClaim("scope").asString()).isEqualTo("read:orders write:orders");
        assertThat(plain.getClaim("permissions").isMissing()).isTrue();
        assertThat(plain.getClaim("scope").asString()).isEqualTo("read:orders write:orders");
    }

    @Test
    void shouldLetThePermissionsClaimDecideTheRoutes() {
        String reader = token("reader", RBAC);
        String writer = token("writer", RBAC);

        assertThat(call("GET", "/orders", reader).statusCode()).isEqualTo(200);
        assertRefusedByThePolicy(call("POST", "/orders", reader));
        HttpResponse<String> written = call("POST", "/orders", writer);
        assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
        assertThat(json(written.body()).get("scopes").toString()).isEqualTo("[\"read:orders\",\"write:orders\"]");
    }

    @Test
    void shouldGrantNothingFromAScopeClaimWhenOnlyPermissionsIsConfigured() {
        String scopeOnly = token("writer", TestStacks.AUDIENCE);

        assertRefusedByThePolicy(call("GET", "/orders", scopeOnly));
        assertRefusedByThePolicy(call("POST", "/orders", scopeOnly));
        HttpResponse<String> open = call("GET", "/hello-world", scopeOnly);
        assertThat(open.statusCode()).as(open.body()).isEqualTo(200);
        assertThat(json(open.body()).get("scopes").toString()).isEqualTo("[]");
    }
}
