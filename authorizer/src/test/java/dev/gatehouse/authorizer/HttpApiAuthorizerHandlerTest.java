package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponse;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.authorizer.exceptions.ConfigurationException;
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
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTP API (payload 2.0) handlers over the same core: simple responses and IAM policy responses. */
class HttpApiAuthorizerHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final TestKeys KEYS = TestKeys.generate("key-1");

    private final FakeContext context = new FakeContext();

    private static Authorizer authorizer(JwksFetcher keys) {
        return authorizer(keys, new PolicyFactory(RouteSamples.wholeStage()));
    }

    private static Authorizer authorizer(JwksFetcher keys, PolicyFactory policies) {
        return TestAuthorizers.authorizer(keys, NOW, policies, line -> {});
    }

    private final HttpApiAuthorizerHandler simple = new HttpApiAuthorizerHandler(authorizer(TestKeys.fetcher(KEYS)));
    private final HttpApiIamAuthorizerHandler iam = new HttpApiIamAuthorizerHandler(authorizer(TestKeys.fetcher(KEYS)));

    private static APIGatewayV2CustomAuthorizerEvent event(String token) {
        return Events.httpApiAuthorizerEvent("authorizer-http-api.json", token);
    }

    @Test
    void shouldAuthorizeAValidTokenWithContext() {
        SimpleIAMPolicyResponse response = simple.handleRequest(event(KEYS.sign(KEYS.token(NOW))), context);

        assertThat(response.getIsAuthorized()).isTrue();
        assertThat(response.getContext())
                .containsEntry("scope", "read:hello write:hello")
                .containsEntry("clientId", "m2m-client")
                .containsEntry("issuer", TestKeys.ISSUER);
        assertThat(context.lines)
                .singleElement()
                .asString()
                .contains("\"outcome\":\"allow\"", "\"resource\":\"arn:aws:execute-api:");
    }

    @Test
    void shouldSerializeTheSimpleResponseTheWayApiGatewayExpectsIt() throws IOException {
        JsonNode json = RuntimeSerialization.toJson(
                simple.handleRequest(event(KEYS.sign(KEYS.token(NOW))), context), SimpleIAMPolicyResponse.class);

        assertThat(json.get("isAuthorized").asBoolean()).isTrue();
        assertThat(json.get("context").get("clientId").asText()).isEqualTo("m2m-client");
        assertThat(new ObjectMapper().writeValueAsString(json)).doesNotContain("policyDocument");
    }

    @Test
    void shouldAnswerNotAuthorizedForABadToken() {
        SimpleIAMPolicyResponse response =
                simple.handleRequest(event(KEYS.sign(KEYS.token(NOW).withAudience("https://other"))), context);

        assertThat(response.getIsAuthorized()).isFalse();
        assertThat(context.lines)
                .singleElement()
                .asString()
                .contains("\"outcome\":\"unauthorized\"", "\"reason\":\"wrong_audience\"");
    }

    @Test
    void shouldRejectRepeatedAuthorizationHeadersThatHttpApiJoinsWithACommaOrConflictingCases() {
        String token = KEYS.sign(KEYS.token(NOW));
        APIGatewayV2CustomAuthorizerEvent joined = event(token);
        joined.setHeaders(Map.of("authorization", "Bearer " + token + ",Bearer " + token));
        // The identity source is the joined header value too.
        joined.setIdentitySource(List.of("Bearer " + token + ",Bearer " + token));
        APIGatewayV2CustomAuthorizerEvent conflicting = event(token);
        Map<String, String> headers = new HashMap<>(conflicting.getHeaders());
        headers.put("Authorization", "Bearer other");
        conflicting.setHeaders(headers);
        // Several identity sources: the token comes from the Authorization header(s).
        conflicting.setIdentitySource(List.of("Bearer " + token, "tenant-1"));

        assertThat(simple.handleRequest(joined, context).getIsAuthorized()).isFalse();
        assertThat(simple.handleRequest(conflicting, context).getIsAuthorized()).isFalse();
    }

    @Test
    void shouldVerifyTheTokenApiGatewayCachesTheAnswerUnderNotAnotherHeader() {
        // Identity source $request.header.X-Token (the cache key) and a different valid token in Authorization: the
        // answer must be about the X-Token value, or a caller could plant their principal under someone else's key.
        APIGatewayV2CustomAuthorizerEvent event =
                event(KEYS.sign(KEYS.token(NOW).withSubject("cache-key-owner@clients")));
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("authorization", "Bearer " + KEYS.sign(KEYS.token(NOW).withSubject("someone-else@clients")));
        event.setHeaders(headers);

        IamPolicyResponse response = iam.handleRequest(event, context);

        assertThat(response.getPrincipalId()).isEqualTo("cache-key-owner@clients");
    }

    /**
     * Finding 3: with several identity sources, the Authorization header was verified even when it was none of them.
     */
    @Test
    void shouldRefuseAnAuthorizationHeaderThatIsNoneOfSeveralIdentitySources() {
        String cached = KEYS.sign(KEYS.token(NOW).withSubject("cache-key-owner@clients"));
        APIGatewayV2CustomAuthorizerEvent event =
                event(KEYS.sign(KEYS.token(NOW).withSubject("someone-else@clients")));
        event.setIdentitySource(List.of("Bearer " + cached, "tenant-1"));

        assertThat(simple.handleRequest(event, context).getIsAuthorized()).isFalse();
        assertThatThrownBy(() -> iam.handleRequest(event, context))
                .isInstanceOf(UnauthorizedException.class)
                .hasMessage("Unauthorized");
    }

    @Test
    void shouldVerifyTheAuthorizationHeaderWhenItIsOneOfSeveralIdentitySources() {
        String token = KEYS.sign(KEYS.token(NOW));
        APIGatewayV2CustomAuthorizerEvent event = event(token);
        event.setIdentitySource(List.of("tenant-1", "Bearer " + token));

        assertThat(simple.handleRequest(event, context).getIsAuthorized()).isTrue();
        assertThat(iam.handleRequest(event, context).getPrincipalId()).isEqualTo("m2m-client@clients");
    }

    @Test
    void shouldReadTheAuthorizationHeaderWhenNoIdentitySourceIsConfigured() {
        // No identity source: caching is off, so no cache key to honour.
        APIGatewayV2CustomAuthorizerEvent event = event(KEYS.sign(KEYS.token(NOW)));
        event.setIdentitySource(List.of());

        assertThat(simple.handleRequest(event, context).getIsAuthorized()).isTrue();
    }

    /** Finding 4: the simple handler silently did not enforce ROUTE_SCOPES. */
    @Test
    void shouldRefuseToStartTheSimpleHandlerWithRouteScopesNamingTheVariableAndTheIamHandler() {
        assertThatThrownBy(() -> HttpApiAuthorizerHandler.withoutRouteScopes(Map.of(RouteScopes.ROUTE_SCOPES, " ")))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> HttpApiAuthorizerHandler.withoutRouteScopes(
                        Map.of(RouteScopes.ROUTE_SCOPES, "{\"GET /orders\":[\"read:orders\"]}")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(RouteScopes.ROUTE_SCOPES)
                .hasMessageContaining(HttpApiIamAuthorizerHandler.class.getName());
        assertThat(HttpApiAuthorizerHandler.withoutRouteScopes(Map.of("ISSUER", "x")))
                .containsEntry("ISSUER", "x");
    }

    @Test
    void shouldAllowOnlyTheTablesRoutesFromTheIamVariantWithADefaultRoute() {
        PolicyFactory policies = new PolicyFactory(RouteSamples.table("{\"$default\":[\"read:hello\"]}"));
        HttpApiIamAuthorizerHandler scoped =
                new HttpApiIamAuthorizerHandler(authorizer(TestKeys.fetcher(KEYS), policies));

        JsonNode json = RuntimeSerialization.toJson(
                scoped.handleRequest(event(KEYS.sign(KEYS.token(NOW))), context), IamPolicyResponse.class);

        assertThat(json.at("/policyDocument/Statement/0/Effect").asText()).isEqualTo("Allow");
        assertThat(json.at("/policyDocument/Statement/0/Resource").toString())
                .contains("abcdef123/$default/GET/*")
                .contains("abcdef123/$default/POST/*");
    }

    @Test
    void shouldTakeTheTokenFromTheSingleIdentitySourceWithoutHeaders() {
        APIGatewayV2CustomAuthorizerEvent event = event(KEYS.sign(KEYS.token(NOW)));
        event.setHeaders(null);

        assertThat(simple.handleRequest(event, context).getIsAuthorized()).isTrue();
    }

    @Test
    void shouldFailAsA500WhenKeysAreUnavailableNeverAsNotAuthorized() {
        HttpApiAuthorizerHandler down = new HttpApiAuthorizerHandler(authorizer(budget -> {
            throw new KeySetFetchException(KeySetFailure.TIMEOUT, "timed out", null);
        }));

        assertThatThrownBy(() -> down.handleRequest(event(KEYS.sign(KEYS.token(NOW))), context))
                .isInstanceOf(KeysUnavailableException.class)
                .message()
                .isNotEqualTo("Unauthorized");
    }

    @Test
    void shouldFailAsA500ForAMissingRouteArn() {
        APIGatewayV2CustomAuthorizerEvent event = event(KEYS.sign(KEYS.token(NOW)));
        event.setRouteArn(null);

        assertThatThrownBy(() -> simple.handleRequest(event, context)).isInstanceOf(InvalidEventException.class);
    }

    @Test
    void shouldReturnTheWholeStageTablesPolicyFromTheIamVariant() {
        IamPolicyResponse response = iam.handleRequest(event(KEYS.sign(KEYS.token(NOW))), context);

        assertThat(response.getPrincipalId()).isEqualTo("m2m-client@clients");
        JsonNode json = RuntimeSerialization.toJson(response, IamPolicyResponse.class);
        assertThat(json.at("/policyDocument/Statement/0/Effect").asText()).isEqualTo("Allow");
        assertThat(json.at("/policyDocument/Statement/0/Resource/0").asText())
                .isEqualTo("arn:aws:execute-api:us-east-1:123456789012:abcdef123/$default/GET/*");
        assertThat(json.at("/context/clientId").asText()).isEqualTo("m2m-client");
    }

    @Test
    void shouldAnswerExactlyUnauthorizedFromTheIamVariantForABadToken() {
        assertThatThrownBy(() -> iam.handleRequest(event("not-a-token"), context))
                .isInstanceOf(UnauthorizedException.class)
                .hasMessage("Unauthorized");
    }
}
