package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.authorizer.exceptions.InvalidEventException;
import dev.gatehouse.authorizer.exceptions.KeySetFailure;
import dev.gatehouse.authorizer.exceptions.KeySetFetchException;
import dev.gatehouse.authorizer.exceptions.KeysUnavailableException;
import dev.gatehouse.authorizer.exceptions.UnauthorizedException;
import dev.gatehouse.authorizer.keys.JwksFetcher;
import dev.gatehouse.authorizer.policy.PolicyFactory;
import dev.gatehouse.authorizer.policy.RouteSamples;
import dev.gatehouse.authorizer.policy.RouteScopes;
import dev.gatehouse.authorizer.testing.RuntimeSerialization;
import dev.gatehouse.authorizer.testing.TestKeys;
import dev.gatehouse.authorizer.token.TokenVerifier;
import dev.gatehouse.common.AuthorizerPolicy;
import dev.gatehouse.common.Effect;
import dev.gatehouse.common.PolicyStatement;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthorizerHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final TestKeys KEYS = TestKeys.generate("key-1");
    private static final String METHOD_ARN =
            "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/hello-world";

    private final List<String> fallbackLog = new ArrayList<>();
    private final FakeContext context = new FakeContext();
    private final AuthorizerHandler handler = handler(TestKeys.fetcher(KEYS));

    private AuthorizerHandler handler(JwksFetcher keys) {
        TokenVerifier verifier = TestAuthorizers.verifier(keys, NOW);
        return new AuthorizerHandler(new Authorizer(
                verifier, new PolicyFactory(RouteSamples.wholeStage()), new DecisionLog(fallbackLog::add)));
    }

    private static String validToken() {
        return KEYS.sign(KEYS.token(NOW));
    }

    @Test
    void shouldAllowTheWholeStageForAValidTokenUnderTheExplicitWholeStageTable() {
        IamPolicyResponseV1 response =
                handler.handleRequest(Events.authorizerEvent("authorizer-token.json", validToken()), context);

        assertThat(response.getPrincipalId()).isEqualTo("m2m-client@clients");
        assertThat(response.getContext())
                .containsExactly(
                        Map.entry("scope", "read:hello write:hello"),
                        Map.entry("clientId", "m2m-client"),
                        Map.entry("issuer", TestKeys.ISSUER));
        assertThat(policyOf(response).statements().get(0))
                .isEqualTo(PolicyStatement.allow(RouteScopes.VERBS.stream()
                        .map(verb -> "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/" + verb + "/*")
                        .toArray(String[]::new)));
    }

    @Test
    void shouldReturnAPolicyThatStaysRightForEveryMethodOfTheStageUnderTheResultCache() {
        AuthorizerPolicy policy =
                policyOf(handler.handleRequest(Events.authorizerEvent("authorizer-token.json", validToken()), context));

        assertThat(policy.allows(METHOD_ARN)).isTrue();
        assertThat(policy.allows("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/POST/orders"))
                .isTrue();
        assertThat(policy.allows("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/DELETE/orders/42/items/7"))
                .isTrue();
        assertThat(policy.allows("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/"))
                .isTrue();
        assertThat(policy.allows("arn:aws:execute-api:us-east-1:123456789012:zzzzzzzzzz/dev/GET/hello-world"))
                .isFalse();
        assertThat(policy.allows("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/hello-world"))
                .isFalse();
        assertThat(policy.allows("arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/dev/GET/hello-world"))
                .isFalse();
        assertThat(policy.allows("arn:aws:execute-api:us-east-1:999999999999:a1b2c3d4e5/dev/GET/hello-world"))
                .isFalse();
    }

    @Test
    void shouldAllowOnlyTheRoutesTheTokensScopesPermitWithARouteTable() throws IOException {
        // The token grants read:hello and write:hello; POST /orders needs write:orders, GET /orders read:orders or
        // read:hello.
        TokenVerifier verifier = TestAuthorizers.verifier(TestKeys.fetcher(KEYS), NOW);
        RouteScopes routes = RouteScopes.fromEnv(Map.of(
                RouteScopes.ROUTE_SCOPES,
                "{\"GET /hello-world\":[],\"GET /orders\":[\"read:orders\",\"read:hello\"],\"POST "
                        + "/orders\":[\"write:orders\"]}",
                RouteScopes.API_IDS,
                "a1b2c3d4e5"));
        AuthorizerHandler scoped = new AuthorizerHandler(
                new Authorizer(verifier, new PolicyFactory(routes), new DecisionLog(fallbackLog::add)));

        IamPolicyResponseV1 response =
                scoped.handleRequest(Events.authorizerEvent("authorizer-token.json", validToken()), context);

        AuthorizerPolicy policy = policyOf(response);
        assertThat(policy.allows(METHOD_ARN)).isTrue();
        assertThat(policy.allows("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/orders"))
                .isTrue();
        assertThat(policy.allows("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/POST/orders"))
                .isFalse();
        assertThat(policy.allows("arn:aws:execute-api:us-east-1:123456789012:zzzzzzzzzz/dev/GET/orders"))
                .isFalse();
        assertThat(RuntimeSerialization.toJson(response, IamPolicyResponseV1.class)
                        .get("policyDocument")
                        .get("Statement")
                        .get(0)
                        .get("Resource")
                        .toString())
                .isEqualTo("[\"arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/hello-world\","
                        + "\"arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/hello-world/\","
                        + "\"arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/orders\","
                        + "\"arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/orders/\"]");
    }

    @Test
    void shouldSerializeThePolicyTheWayApiGatewayExpectsIt() throws IOException {
        IamPolicyResponseV1 response =
                handler.handleRequest(Events.authorizerEvent("authorizer-token.json", validToken()), context);

        JsonNode json = RuntimeSerialization.toJson(response, IamPolicyResponseV1.class);

        JsonNode expected = new ObjectMapper().readTree("""
                {"principalId": "m2m-client@clients",
                 "policyDocument": {"Version": "2012-10-17",
                   "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow",
                     "Resource": ["arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/*",
                                  "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/POST/*",
                                  "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/PUT/*",
                                  "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/PATCH/*",
                                  "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/DELETE/*",
                                  "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/HEAD/*",
                                  "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/OPTIONS/*"]},
                     {"Action": "execute-api:Invoke", "Effect": "Deny",
                     "Resource": ["arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*/.*",
                                  "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*%2F.*",
                                  "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*%2f.*",
                                  "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*%2E*",
                                  "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*%2e*",
                                  "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*%25*",
                                  "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*\\\\*",
                                  "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*%5C*",
                                  "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*%5c*"]}]},
                 "context": {"scope": "read:hello write:hello", "clientId": "m2m-client",
                             "issuer": "https://gatehouse-test.auth0.com/"}}
                """);
        assertThat(json).isEqualTo(expected);
    }

    @Test
    void shouldAllowARequestAuthorizerEventCarryingTheTokenInItsHeaders() {
        APIGatewayCustomAuthorizerEvent event = Events.authorizerEvent("authorizer-request.json", validToken());

        assertThat(handler.handleRequest(event, context).getPrincipalId()).isEqualTo("m2m-client@clients");
    }

    @Test
    void shouldReadTheRequestEventsAuthorizationHeaderCaseInsensitively() {
        APIGatewayCustomAuthorizerEvent event = Events.authorizerEvent("authorizer-request.json", validToken());
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("authorization", headers.remove("Authorization"));
        event.setHeaders(headers);

        assertThat(handler.handleRequest(event, context).getPrincipalId()).isEqualTo("m2m-client@clients");
    }

    @Test
    void shouldRejectConflictingAuthorizationHeaders() {
        APIGatewayCustomAuthorizerEvent event = Events.authorizerEvent("authorizer-request.json", validToken());
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("authorization", "Bearer " + KEYS.sign(KEYS.token(NOW).withSubject("someone-else")));
        event.setHeaders(headers);

        assertUnauthorized(event);
        assertThat(context.lines).singleElement().asString().contains("\"reason\":\"malformed_authorization\"");
    }

    @ParameterizedTest(name = "should answer Unauthorized for authorizationToken ''{0}''")
    @ValueSource(strings = {"", "Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-jwt", "Bearer e30.e30.c2ln"})
    void shouldAnswerExactlyUnauthorizedForBadTokens(String authorization) {
        APIGatewayCustomAuthorizerEvent event = Events.authorizerEvent("authorizer-token.json", "x");
        event.setAuthorizationToken(authorization);

        assertUnauthorized(event);
    }

    @Test
    void shouldAnswerUnauthorizedForAnExpiredToken() {
        String expired =
                KEYS.sign(KEYS.token(NOW).withIssuedAt(NOW.minusSeconds(7200)).withExpiresAt(NOW.minusSeconds(3600)));

        assertUnauthorized(Events.authorizerEvent("authorizer-token.json", expired));
        assertThat(context.lines)
                .singleElement()
                .asString()
                .contains("\"outcome\":\"unauthorized\"", "\"reason\":\"token_expired\"", "\"kid\":\"key-1\"");
    }

    @Test
    void shouldAnswerUnauthorizedWhenTheAuthorizationTokenIsMissing() {
        APIGatewayCustomAuthorizerEvent event = Events.authorizerEvent("authorizer-token.json", "x");
        event.setAuthorizationToken(null);

        assertUnauthorized(event);
    }

    @Test
    void shouldFailWithADescriptiveErrorNotUnauthorizedWhenKeysAreUnavailable() {
        AuthorizerHandler down = handler(budget -> {
            throw new KeySetFetchException(
                    KeySetFailure.UNAVAILABLE,
                    "Cannot fetch the JSON Web Key Set from "
                            + "https://gatehouse-test.auth0.com/.well-known/jwks.json: ConnectException",
                    new IOException("Connection refused"));
        });

        assertThatThrownBy(() ->
                        down.handleRequest(Events.authorizerEvent("authorizer-token.json", validToken()), context))
                .isInstanceOf(KeysUnavailableException.class)
                .message()
                .isNotEqualTo("Unauthorized")
                .contains("JSON Web Key Set");
        assertThat(context.lines)
                .singleElement()
                .asString()
                .contains("\"outcome\":\"error\"", "\"reason\":\"jwks_unavailable\"");
    }

    @ParameterizedTest(name = "should fail as a 500 for methodArn ''{0}''")
    @ValueSource(
            strings = {
                "",
                "arn:aws:lambda:us-east-1:123456789012:function:x",
                "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5"
            })
    void shouldFailWithADescriptiveErrorForAnUnusableMethodArn(String methodArn) {
        APIGatewayCustomAuthorizerEvent event = Events.authorizerEvent("authorizer-token.json", validToken());
        event.setMethodArn(methodArn);

        assertThatThrownBy(() -> handler.handleRequest(event, context))
                .isInstanceOf(InvalidEventException.class)
                .message()
                .isNotEqualTo("Unauthorized")
                .contains("methodArn");
    }

    @Test
    void shouldFailWithADescriptiveErrorForAnUnknownEventType() {
        APIGatewayCustomAuthorizerEvent event = Events.authorizerEvent("authorizer-token.json", validToken());
        event.setType("SOMETHING");

        assertThatThrownBy(() -> handler.handleRequest(event, context))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("TOKEN or REQUEST");
    }

    @Test
    void shouldFailWithADescriptiveErrorForANullEvent() {
        assertThatThrownBy(() -> handler.handleRequest(null, context)).isInstanceOf(InvalidEventException.class);
    }

    @Test
    void shouldLogOneLinePerDecisionWithoutTheToken() {
        String token = validToken();
        handler.handleRequest(Events.authorizerEvent("authorizer-token.json", token), context);
        assertUnauthorized(Events.authorizerEvent("authorizer-token.json", token + "x"));

        assertThat(context.lines).hasSize(2);
        assertThat(context.lines.get(0))
                .contains(
                        "\"outcome\":\"allow\"",
                        "\"kid\":\"key-1\"",
                        "\"issuer\":\"" + TestKeys.ISSUER + "\"",
                        "\"clientId\":\"m2m-client\"",
                        "\"principalId\":\"m2m-client@clients\"");
        // An appended character makes the signature segment non-canonical base64url: refused before any crypto.
        assertThat(context.lines.get(1))
                .contains("\"outcome\":\"unauthorized\"", "\"reason\":\"malformed_token\"", "\"tokenHash\":\"");
        for (String line : context.lines) {
            for (String part : token.split("\\.")) {
                assertThat(line).doesNotContain(part);
            }
        }
    }

    @Test
    void shouldLogToStandardOutputWhenThereIsNoLambdaContext() {
        handler.handleRequest(Events.authorizerEvent("authorizer-token.json", validToken()), null);

        assertThat(fallbackLog)
                .singleElement()
                .asString()
                .startsWith("{\"event\":\"authorizer_decision\",\"outcome\":\"allow\"");
    }

    private void assertUnauthorized(APIGatewayCustomAuthorizerEvent event) {
        assertThatThrownBy(() -> handler.handleRequest(event, context))
                .isInstanceOf(UnauthorizedException.class)
                .hasMessage("Unauthorized");
    }

    /** Reads the policy back from the response, so tests can ask API Gateway's question: is this method ARN allowed? */
    private static AuthorizerPolicy policyOf(IamPolicyResponseV1 response) {
        @SuppressWarnings("unchecked")
        Map<String, Object>[] statements =
                (Map<String, Object>[]) response.getPolicyDocument().get("Statement");
        List<PolicyStatement> parsed = new ArrayList<>();
        for (Map<String, Object> statement : statements) {
            assertThat(statement.get("Action")).isEqualTo("execute-api:Invoke");
            Effect effect = "Allow".equals(statement.get("Effect")) ? Effect.ALLOW : Effect.DENY;
            parsed.add(new PolicyStatement(effect, List.of((String[]) statement.get("Resource"))));
        }
        return new AuthorizerPolicy(response.getPrincipalId(), parsed, response.getContext());
    }

    @Test
    void shouldReadTheRuntimesRestEventWithItsMultiValueHeaders() {
        RestAuthorizerEvent event = Events.restAuthorizerEvent("authorizer-request.json", validToken());

        assertThat(event.getType()).isEqualTo("REQUEST");
        assertThat(event.getMethodArn()).endsWith("/dev/GET/hello-world");
        assertThat(event.getHeaders()).containsKey("Authorization");
        assertThat(event.getMultiValueHeaders()).containsEntry("Authorization", List.of("Bearer " + validToken()));
        assertThat(handler.handleRequest(event, context).getPrincipalId()).isEqualTo("m2m-client@clients");
    }

    /** Finding 7: the second Authorization value lived only in multiValueHeaders and was never seen. */
    @Test
    void shouldRefuseConflictingAuthorizationValuesInMultiValueHeaders() throws IOException {
        String other = KEYS.sign(KEYS.token(NOW).withSubject("someone-else"));
        ObjectNode json = (ObjectNode) new ObjectMapper()
                .readTree(Files.readString(Events.dir().resolve("authorizer-request.json"))
                        .replace("ACCESS_TOKEN", validToken()));
        ((ObjectNode) json.get("multiValueHeaders")).putArray("authorization").add("Bearer " + other);

        RestAuthorizerEvent event = Events.restAuthorizerEventJson(json.toString());

        assertThatThrownBy(() -> handler.handleRequest(event, context))
                .isInstanceOf(UnauthorizedException.class)
                .hasMessage("Unauthorized");
    }

    @Test
    void shouldAcceptTheSameAuthorizationValueRepeated() throws IOException {
        ObjectNode json = (ObjectNode) new ObjectMapper()
                .readTree(Files.readString(Events.dir().resolve("authorizer-request.json"))
                        .replace("ACCESS_TOKEN", validToken()));
        ((ObjectNode) json.get("multiValueHeaders"))
                .putArray("Authorization")
                .add("Bearer " + validToken())
                .add("Bearer " + validToken());

        assertThat(handler.handleRequest(Events.restAuthorizerEventJson(json.toString()), context)
                        .getPrincipalId())
                .isEqualTo("m2m-client@clients");
    }

    /** Finding 1: a first request the table does not describe got the whole stage, cached for the token. */
    @Test
    void shouldNotWidenTheCachedPolicyForAFirstRequestWithATrailingSlash() {
        TokenVerifier verifier = TestAuthorizers.verifier(TestKeys.fetcher(KEYS), NOW);
        RouteScopes routes = RouteSamples.table(
                "{\"GET /hello-world\":[],\"GET /orders\":[\"read:hello\"],\"POST /orders\":[\"write:orders\"]}");
        AuthorizerHandler scoped = new AuthorizerHandler(
                new Authorizer(verifier, new PolicyFactory(routes), new DecisionLog(fallbackLog::add)));
        APIGatewayCustomAuthorizerEvent event = Events.authorizerEvent("authorizer-token.json", validToken());
        event.setMethodArn("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/orders/");

        AuthorizerPolicy policy = policyOf(scoped.handleRequest(event, context));

        assertThat(policy.allows("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/orders/"))
                .isTrue();
        assertThat(policy.allows("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/POST/orders"))
                .isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET//orders", "GET/" + "x/", "GET/orders%2F42"})
    void shouldDecideOnAValidTokenWhateverTheArnsPath(String tail) {
        APIGatewayCustomAuthorizerEvent event = Events.authorizerEvent("authorizer-token.json", validToken());
        event.setMethodArn("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/"
                + (tail.equals("GET/x/") ? "GET/" + "x/".repeat(1000) : tail));

        assertThat(handler.handleRequest(event, context).getPrincipalId()).isEqualTo("m2m-client@clients");
    }

    @Test
    void shouldFailAnEventOfAnotherApiBeforeReadingItsToken() {
        // Another API wired to this authorizer: its routes are not in the table, so it is never answered (500).
        List<Integer> fetches = new ArrayList<>();
        AuthorizerHandler counting = handler(budget -> {
            fetches.add(1);
            return TestKeys.fetcher(KEYS).fetch(budget);
        });
        APIGatewayCustomAuthorizerEvent event = Events.authorizerEvent("authorizer-token.json", validToken());
        event.setMethodArn(event.getMethodArn().replace(":a1b2c3d4e5/", ":zzzzzzzzzz/"));

        assertThatThrownBy(() -> counting.handleRequest(event, context))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("'zzzzzzzzzz'")
                .hasMessageContaining(RouteScopes.API_IDS);
        assertThat(fetches).isEmpty();
    }
}
