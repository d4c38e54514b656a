package dev.gatehouse.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.local.ServerlessConfig.AuthorizerDefinition;
import dev.gatehouse.local.ServerlessConfig.FunctionDefinition;
import dev.gatehouse.local.ServerlessConfig.Route;
import dev.gatehouse.local.ServerlessConfig.Service;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdpFitTest {

    private static final String ISSUER = "http://127.0.0.1:9000/";
    private static final String JWKS = "http://127.0.0.1:9000/.well-known/jwks.json";
    private static final String API = "https://api.gatehouse.local";
    private static final IdpConfig IDP = new IdpConfig(
            Duration.ofHours(1),
            Map.of(API, List.of("read:hello"), "https://ungranted.api", List.of()),
            Map.of("client", new IdpConfig.Client("client", "secret", Map.of(API, List.of("read:hello")))));

    private static List<String> warnings(Map<String, String> authorizerEnvironment) {
        FunctionDefinition authorizer = new FunctionDefinition(
                "authorizer", "Handler", Path.of("authorizer.jar"), authorizerEnvironment, 6, 1024);
        FunctionDefinition hello = new FunctionDefinition(
                "helloWorld", "Handler", Path.of("hello.jar"), Map.of("AUDIENCE", "https://elsewhere"), 6, 1024);
        AuthorizerDefinition definition = new AuthorizerDefinition(
                "authorizer",
                "authorizer",
                AuthorizerType.TOKEN,
                IdentitySource.parse("method.request.header.Authorization", AuthorizerType.TOKEN, 0, "test"),
                null,
                0,
                List.of(),
                null);
        Service service = new Service(
                "svc",
                "local",
                "us-east-1",
                "a1b2c3d4e5",
                Map.of("authorizer", authorizer, "helloWorld", hello),
                List.of(
                        new Route("GET", "hello", "helloWorld", definition),
                        new Route("GET", "open", "helloWorld", null)),
                GatewayResponses.none(),
                List.of());
        return IdpFit.warnings(service, ISSUER, JWKS, IDP, "local/idp.yml");
    }

    @Test
    void shouldNotWarnWhenTheIdentityProvidersTokensFitTheAuthorizer() {
        assertThat(warnings(Map.of("TOKEN_ISSUER", ISSUER, "JWKS_URI", JWKS, "AUDIENCE", "https://other, " + API)))
                .as("one of the audiences is issued; functions that are no authorizer are not looked at")
                .isEmpty();
    }

    @Test
    void shouldNameTheAuthorizerTheAudienceAndWhatTheIdentityProviderIssues() {
        assertThat(warnings(Map.of("TOKEN_ISSUER", ISSUER, "JWKS_URI", JWKS, "AUDIENCE", "https://api.example.com")))
                .singleElement()
                .asString()
                .contains(
                        "authorizer 'authorizer'",
                        "[https://api.example.com]",
                        "local/idp.yml",
                        API,
                        "https://ungranted.api");
    }

    @Test
    void shouldWarnWhenNoClientHasAGrantForTheAudience() {
        assertThat(warnings(Map.of("TOKEN_ISSUER", ISSUER, "JWKS_URI", JWKS, "AUDIENCE", "https://ungranted.api")))
                .singleElement()
                .asString()
                .contains("authorizer 'authorizer'", "no client of local/idp.yml has a grant", "https://ungranted.api");
    }

    @Test
    void shouldWarnAboutAnIssuerAndAKeySetTheIdentityProviderDoesNotServe() {
        assertThat(warnings(Map.of(
                        "TOKEN_ISSUER",
                        "http://127.0.0.1:9000",
                        "JWKS_URI",
                        "https://tenant.auth0.com/.well-known/jwks.json",
                        "AUDIENCE",
                        API)))
                .satisfiesExactly(
                        issuer -> assertThat(issuer)
                                .contains("TOKEN_ISSUER is 'http://127.0.0.1:9000'", "writes 'iss' " + ISSUER),
                        keys -> assertThat(keys)
                                .contains("JWKS_URI is 'https://tenant.auth0.com/.well-known/jwks.json'", JWKS));
    }

    @Test
    void shouldReadTheIssuersListWhenItIsSet() {
        String fits = "[{\"issuer\":\"https://tenant.auth0.com/\",\"jwksUri\":\"https://tenant.auth0.com/jwks\","
                + "\"audiences\":[\"https://api.example.com\"]},{\"issuer\":\"" + ISSUER + "\",\"jwksUri\":\"" + JWKS
                + "\",\"audiences\":[\"" + API + "\"]}]";
        assertThat(warnings(Map.of("ISSUERS", fits))).isEmpty();

        String wrongAudience = "[{\"issuer\":\"" + ISSUER + "\",\"jwksUri\":\"" + JWKS
                + "\",\"audiences\":[\"https://api.example.com\"]}]";
        assertThat(warnings(Map.of("ISSUERS", wrongAudience)))
                .singleElement()
                .asString()
                .contains("authorizer 'authorizer'", "[https://api.example.com]", API);

        String otherIssuer = "[{\"issuer\":\"https://tenant.auth0.com/\",\"jwksUri\":\"https://tenant.auth0.com/jwks\","
                + "\"audiences\":[\"" + API + "\"]}]";
        assertThat(warnings(Map.of("ISSUERS", otherIssuer)))
                .singleElement()
                .asString()
                .contains("no ISSUERS entry has issuer " + ISSUER, "https://tenant.auth0.com/");
    }

    @Test
    void shouldFindTheRepositorysLocalStageSatisfiableAndAnOverriddenAudienceNot() {
        Path repo = TestStacks.repoRoot();
        IdpConfig idp = IdpConfig.load(repo.resolve("local/idp.yml"));
        Map<String, String> params = Map.of("tokenIssuer", ISSUER, "jwksUri", JWKS);

        Service shipped = ServerlessConfig.load(repo.resolve("infra/serverless.yml"), "local", params, name -> null);
        Service overridden = ServerlessConfig.load(
                repo.resolve("infra/serverless.yml"),
                "local",
                Map.of("tokenIssuer", ISSUER, "jwksUri", JWKS, "audience", "https://api.example.com"),
                name -> null);

        assertThat(IdpFit.warnings(shipped, ISSUER, JWKS, idp, "local/idp.yml")).isEmpty();
        assertThat(IdpFit.warnings(overridden, ISSUER, JWKS, idp, "local/idp.yml"))
                .singleElement()
                .asString()
                .startsWith("authorizer 'authorizer': the audience [https://api.example.com] is not an API of");
    }
}
