package dev.gatehouse.local;

import static dev.gatehouse.local.TestStacks.json;
import static dev.gatehouse.local.TestStacks.postToken;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The local identity provider speaks Auth0's client-credentials wire format. */
class IdentityProviderIT {

    static IdentityProvider idp;

    @BeforeAll
    static void start() {
        idp = IdentityProvider.start(IdpConfig.load(TestStacks.repoRoot().resolve("local/idp.yml")), 0);
    }

    @AfterAll
    static void stop() {
        idp.close();
    }

    @Test
    void shouldIssueAuth0ShapedTokenVerifiableWithJwks() throws Exception {
        HttpResponse<String> response = postToken(
                idp,
                "application/json",
                "{\"client_id\":\"gatehouse-local-client\","
                        + "\"client_secret\":\"gatehouse-local-secret\","
                        + "\"audience\":\"https://api.gatehouse.local\",\"grant_type\":\"client_credentials\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(86400);
        assertThat(body.get("scope").asText()).isEqualTo("read:hello");
        DecodedJWT jwt = JWT.require(Algorithm.RSA256(jwksKey(), null))
                .withIssuer(idp.issuer())
                .withAudience("https://api.gatehouse.local")
                .build()
                .verify(body.get("access_token").asText());
        assertThat(idp.issuer()).matches("http://127\\.0\\.0\\.1:\\d+/");
        assertThat(jwt.getSubject()).isEqualTo("gatehouse-local-client@clients");
        assertThat(jwt.getClaim("azp").asString()).isEqualTo("gatehouse-local-client");
        assertThat(jwt.getClaim("gty").asString()).isEqualTo("client-credentials");
        assertThat(jwt.getClaim("scope").asString()).isEqualTo("read:hello");
        assertThat(jwt.getKeyId()).isNotBlank();
        assertThat(jwt.getAlgorithm()).isEqualTo("RS256");
        assertThat(jwt.getExpiresAtAsInstant())
                .isEqualTo(jwt.getIssuedAtAsInstant().plusSeconds(86400));
    }

    @Test
    void shouldAcceptFormEncodedRequestAndBasicCredentials() {
        HttpResponse<String> form = postToken(
                idp,
                "application/x-www-form-urlencoded",
                "grant_type=client_credentials&client_id=gatehouse-local-client&client_secret=gatehouse-local-secret"
                        + "&audience=https%3A%2F%2Fapi.gatehouse.local&scope=read%3Ahello");
        assertThat(form.statusCode()).as(form.body()).isEqualTo(200);

        HttpResponse<String> basic = TestStacks.send(HttpRequest.newBuilder(URI.create(idp.tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString("gatehouse-local-client:gatehouse-local-secret"
                                                .getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&audience=https%3A%2F%2Fapi.gatehouse.local"))
                .build());
        assertThat(basic.statusCode()).as(basic.body()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "wrong secret|{\"client_id\":\"gatehouse-local-client\",\"client_secret\":\"nope\","
                        + "\"audience\":\"https://api.gatehouse.local\","
                        + "\"grant_type\":\"client_credentials\"}|401|invalid_client",
                "unknown client|{\"client_id\":\"who\",\"client_secret\":\"x\","
                        + "\"audience\":\"https://api.gatehouse.local\","
                        + "\"grant_type\":\"client_credentials\"}|401|invalid_client",
                "unknown audience|{\"client_id\":\"gatehouse-local-client\","
                        + "\"client_secret\":\"gatehouse-local-secret\",\"audience\":\"https://other\","
                        + "\"grant_type\":\"client_credentials\"}|403|access_denied",
                "no grant|{\"client_id\":\"gatehouse-no-grant-client\","
                        + "\"client_secret\":\"gatehouse-no-grant-secret\","
                        + "\"audience\":\"https://api.gatehouse.local\","
                        + "\"grant_type\":\"client_credentials\"}|403|access_denied",
                "scope not "
                        + "granted|{\"client_id\":\"gatehouse-local-client\","
                        + "\"client_secret\":\"gatehouse-local-secret\","
                        + "\"audience\":\"https://api.gatehouse.local\","
                        + "\"grant_type\":\"client_credentials\",\"scope\":\"write:hello\"}|403|access_denied",
                "no audience|{\"client_id\":\"gatehouse-local-client\","
                        + "\"client_secret\":\"gatehouse-local-secret\","
                        + "\"grant_type\":\"client_credentials\"}|403|access_denied",
                "password grant|{\"client_id\":\"gatehouse-local-client\","
                        + "\"client_secret\":\"gatehouse-local-secret\","
                        + "\"grant_type\":\"password\"}|400|unsupported_grant_type",
                "no grant type|{\"client_id\":\"gatehouse-local-client\"}|400|invalid_request",
                "malformed JSON|{\"client_id\":|400|invalid_request",
                "non-string value|{\"client_id\":42,\"grant_type\":\"client_credentials\"}|400|invalid_request",
                "JSON array|[]|400|invalid_request",
            })
    void shouldAnswerOAuthErrors(String name, String body, int status, String error) {
        HttpResponse<String> response = postToken(idp, "application/json", body);

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(json(response.body()).get("error").asText()).isEqualTo(error);
        assertThat(json(response.body()).get("error_description").asText()).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            nullValues = "none",
            value = {
                // What a page on evil.example sends once its name resolves to 127.0.0.1 (DNS rebinding).
                "a foreign Host|evil.example|none",
                "no Host|none|none",
                "a second Host|127.0.0.1|evil.example"
            })
    void shouldMintNoTokenUnlessTheHostIsLoopback(String name, String host, String secondHost) throws Exception {
        int port = URI.create(idp.issuer()).getPort();
        String body = "{\"client_id\":\"gatehouse-local-client\",\"client_secret\":\"gatehouse-local-secret\","
                + "\"audience\":\"https://api.gatehouse.local\",\"grant_type\":\"client_credentials\"}";
        String request = "POST /oauth/token HTTP/1.1\r\n%sContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n" + body;
        String hostLines = (host == null ? "" : "Host: " + host + "\r\n")
                + (secondHost == null ? "" : "Host: " + secondHost + "\r\n");

        String refused = TestStacks.raw(port, request.formatted(hostLines));
        String loopback = TestStacks.raw(port, request.formatted("Host: 127.0.0.1:" + port + "\r\n"));

        assertThat(refused)
                .startsWith("HTTP/1.1 403")
                .contains("{\"message\":\"Forbidden: this local server answers only requests to 127.0.0.1")
                .doesNotContain("access_token");
        assertThat(loopback).startsWith("HTTP/1.1 200").contains("\"access_token\":\"ey");
    }

    @Test
    void shouldRejectOtherContentTypesAndMethods() {
        assertThat(postToken(idp, "text/plain", "grant_type=client_credentials").statusCode())
                .isEqualTo(400);
        HttpResponse<String> get = TestStacks.get(idp.tokenEndpoint(), Map.of());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(json(get.body()).get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void shouldPublishDiscoveryDocument() {
        JsonNode doc = json(TestStacks.get(idp.issuer() + ".well-known/openid-configuration", Map.of())
                .body());

        assertThat(doc.get("issuer").asText()).isEqualTo(idp.issuer());
        assertThat(doc.get("jwks_uri").asText()).isEqualTo(idp.jwksUri());
        assertThat(doc.get("token_endpoint").asText()).isEqualTo(idp.tokenEndpoint());
    }

    private static RSAPublicKey jwksKey() throws Exception {
        JsonNode key =
                json(TestStacks.get(idp.jwksUri(), Map.of()).body()).get("keys").get(0);
        assertThat(key.get("kty").asText()).isEqualTo("RSA");
        assertThat(key.get("use").asText()).isEqualTo("sig");
        assertThat(key.get("alg").asText()).isEqualTo("RS256");
        Base64.Decoder b64 = Base64.getUrlDecoder();
        return (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(
                        new BigInteger(1, b64.decode(key.get("n").asText())),
                        new BigInteger(1, b64.decode(key.get("e").asText()))));
    }
}
