package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.auth0.jwt.JWTCreator;
import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import dev.gatehouse.authorizer.exceptions.UnauthorizedException;
import dev.gatehouse.authorizer.keys.JwksKeySource;
import dev.gatehouse.authorizer.keys.KeySetStats;
import dev.gatehouse.authorizer.policy.PolicyFactory;
import dev.gatehouse.authorizer.policy.RouteSamples;
import dev.gatehouse.authorizer.policy.RouteScopes;
import dev.gatehouse.authorizer.testing.TestKeys;
import dev.gatehouse.authorizer.token.ScopeClaims;
import dev.gatehouse.authorizer.token.TokenVerifier;
import dev.gatehouse.common.AuthorizerContext;
import dev.gatehouse.common.AuthorizerPolicy;
import dev.gatehouse.common.Effect;
import dev.gatehouse.common.PolicyStatement;
import dev.gatehouse.common.Principal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A tenant whose tokens carry their scopes in {@code permissions} (Auth0 RBAC), {@code scp} (Okta's array, Entra ID's
 * string) or in both {@code scope} and {@code permissions} gets, under the matching {@code SCOPE_CLAIMS}, exactly the
 * decisions a {@code scope} tenant gets: the same policy, the same context, the same allow or deny for every route of
 * the table. Over seeded random route tables and grants ({@code GATEHOUSE_SEED=N} replays a run).
 */
class ScopeClaimsDecisionTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final TestKeys KEYS = TestKeys.generate("key-1");
    private static final String PREFIX = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/";
    private static final int TABLES = 150;
    private static final List<String> ROUTES = List.of(
            "GET /hello-world",
            "GET /orders",
            "POST /orders",
            "GET /orders/{id}",
            "PUT /orders/{id}",
            "DELETE /orders/{id}",
            "GET /admin",
            "ANY /reports/{proxy+}");
    private static final List<String> SCOPES =
            List.of("read:orders", "write:orders", "read:hello", "admin", "read:reports");

    /** How a tenant writes the granted scopes into its tokens, and the SCOPE_CLAIMS it configures. */
    private record Dialect(String name, String scopeClaims, BiFunction<JWTCreator.Builder, List<String>, Void> write) {}

    private static final List<Dialect> DIALECTS = List.of(
            new Dialect("Auth0 RBAC, permissions only", "permissions", (b, s) -> {
                b.withClaim("permissions", s);
                return null;
            }),
            new Dialect("Auth0 access_token_authz (scope and permissions)", "scope,permissions", (b, s) -> {
                b.withClaim("scope", String.join(" ", s)).withClaim("permissions", s);
                return null;
            }),
            new Dialect("Okta, scp array", "scp", (b, s) -> {
                b.withClaim("scp", s);
                return null;
            }),
            new Dialect("Entra ID, scp string", "scp", (b, s) -> {
                b.withClaim("scp", String.join(" ", s));
                return null;
            }),
            new Dialect("scope as an array", "scope", (b, s) -> {
                b.withClaim("scope", s);
                return null;
            }));

    private static Authorizer authorizer(String scopeClaims, PolicyFactory policies) {
        AuthorizerConfig config = AuthorizerConfig.fromEnv(Map.of(
                "TOKEN_ISSUER",
                TestKeys.ISSUER,
                "JWKS_URI",
                "https://gatehouse-test.auth0.com/.well-known/jwks.json",
                "AUDIENCE",
                TestKeys.AUDIENCE,
                ScopeClaims.SCOPE_CLAIMS,
                scopeClaims));
        TokenVerifier verifier = new TokenVerifier(
                config.issuers(),
                config.tokens(),
                issuer -> new JwksKeySource(issuer, TestKeys.fetcher(KEYS), config.keySets(), CLOCK, new KeySetStats()),
                CLOCK);
        return new Authorizer(verifier, policies, new DecisionLog(line -> {}));
    }

    private static AuthorizerHandler handler(String scopeClaims, PolicyFactory policies) {
        return new AuthorizerHandler(authorizer(scopeClaims, policies));
    }

    /** A client-credentials token without any scope claim, the way each dialect then adds one. */
    private static JWTCreator.Builder bareToken() {
        return KEYS.token(NOW).withClaim("scope", (String) null);
    }

    private static AuthorizerPolicy decide(AuthorizerHandler handler, String token, String first) {
        APIGatewayCustomAuthorizerEvent event = Events.authorizerEvent("authorizer-token.json", token);
        event.setMethodArn(PREFIX + first);
        IamPolicyResponseV1 response = handler.handleRequest(event, new FakeContext());
        @SuppressWarnings("unchecked")
        Map<String, Object>[] statements =
                (Map<String, Object>[]) response.getPolicyDocument().get("Statement");
        List<PolicyStatement> parsed = new ArrayList<>();
        for (Map<String, Object> statement : statements) {
            Effect effect = "Allow".equals(statement.get("Effect")) ? Effect.ALLOW : Effect.DENY;
            parsed.add(new PolicyStatement(effect, List.of((String[]) statement.get("Resource"))));
        }
        return new AuthorizerPolicy(response.getPrincipalId(), parsed, response.getContext());
    }

    @Test
    void shouldGiveEveryDialectTheSameDecisionsAsScopeForEveryRoute() {
        long seed = seed();
        System.out.println("ScopeClaimsDecisionTest seed " + seed + " (replay with GATEHOUSE_SEED=" + seed + ")");
        Random random = new Random(seed);
        int accepted = 0;
        int allowed = 0;
        int refused = 0;
        for (int t = 0; t < TABLES; t++) {
            String json = table(random);
            RouteScopes routes;
            try {
                routes = RouteSamples.table(json);
            } catch (ConfigurationException e) {
                continue;
            }
            accepted++;
            PolicyFactory policies = new PolicyFactory(routes);
            List<String> granted = new ArrayList<>(
                    SCOPES.stream().filter(s -> random.nextInt(3) == 0).toList());
            if (random.nextInt(4) == 0) {
                granted.add("unrelated:scope");
            }
            String first = ROUTES.get(random.nextInt(ROUTES.size())).replace(" /", "/");
            String where = "seed " + seed + ", table #" + t + " " + json + ", granted " + granted;

            AuthorizerPolicy expected = decide(
                    handler("scope", policies),
                    KEYS.sign(bareToken().withClaim("scope", String.join(" ", granted))),
                    first);
            assertThat(expected.context()).as(where).containsEntry(AuthorizerContext.SCOPE, String.join(" ", granted));
            for (RouteScopes.Route route : routes.routes()) {
                // Written out here rather than asked of RouteScopes: open, or any one of its scopes granted.
                boolean permits =
                        route.scopes().isEmpty() || route.scopes().stream().anyMatch(granted::contains);
                for (String request : RouteSamples.canonical(route)) {
                    assertThat(expected.allows(PREFIX + request))
                            .as("%s: %s of %s", where, request, route)
                            .isEqualTo(permits);
                    if (permits) {
                        allowed++;
                    } else {
                        refused++;
                    }
                }
            }
            for (Dialect dialect : DIALECTS) {
                JWTCreator.Builder builder = bareToken();
                dialect.write().apply(builder, granted);
                AuthorizerPolicy policy = decide(handler(dialect.scopeClaims(), policies), KEYS.sign(builder), first);
                assertThat(policy).as("%s: %s", dialect.name(), where).isEqualTo(expected);
            }
        }
        System.out.println("ScopeClaimsDecisionTest: " + accepted + " of " + TABLES + " tables, " + allowed
                + " allowed and " + refused + " refused route requests, each decided alike by " + DIALECTS.size()
                + " dialects");
        assertThat(accepted).as("enough enforceable tables").isGreaterThan(TABLES / 2);
        assertThat(allowed).as("some requests allowed").isPositive();
        assertThat(refused).as("some requests refused").isPositive();
    }

    @Test
    void shouldNotLetAnUnconfiguredPermissionsClaimReachARoute() {
        RouteScopes routes =
                RouteSamples.table("{\"GET /orders\":[\"read:orders\"],\"POST /orders\":[\"write:orders\"]}");
        PolicyFactory policies = new PolicyFactory(routes);
        String token = KEYS.sign(bareToken()
                .withClaim("scope", "read:orders")
                .withClaim("permissions", List.of("write:orders"))
                .withClaim("scp", List.of("write:orders")));

        AuthorizerPolicy scopeOnly = decide(handler("scope", policies), token, "GET/orders");
        AuthorizerPolicy union = decide(handler("scope,permissions", policies), token, "GET/orders");

        assertThat(scopeOnly.allows(PREFIX + "GET/orders")).isTrue();
        assertThat(scopeOnly.allows(PREFIX + "POST/orders")).isFalse();
        assertThat(scopeOnly.context()).containsEntry(AuthorizerContext.SCOPE, "read:orders");
        assertThat(union.allows(PREFIX + "POST/orders")).isTrue();
        assertThat(union.context()).containsEntry(AuthorizerContext.SCOPE, "read:orders write:orders");
    }

    @Test
    void shouldPassTheUnionToServicesAsTheSpaceSeparatedScopeTheyAlreadyRead() {
        PolicyFactory policies = new PolicyFactory(RouteSamples.wholeStage());
        String token = KEYS.sign(bareToken()
                .withClaim("scope", "read:orders")
                .withClaim("permissions", List.of("write:orders", "read:orders")));

        AuthorizerPolicy policy = decide(handler("scope,permissions", policies), token, "GET/orders");
        Map<String, Object> delivered = new LinkedHashMap<>();
        policy.context().forEach((key, value) -> delivered.put(key, String.valueOf(value)));
        delivered.put(AuthorizerContext.PRINCIPAL_ID, policy.principalId());

        Principal caller = AuthorizerContext.principalOf(delivered).orElseThrow();
        assertThat(caller.scopes()).containsExactly("read:orders", "write:orders");
        assertThat(caller.hasScope("write:orders")).isTrue();
    }

    @Test
    void shouldPutTheUnionIntoTheHttpApiSimpleResponsesContext() {
        HttpApiAuthorizerHandler simple = new HttpApiAuthorizerHandler(
                authorizer("permissions,scp", new PolicyFactory(RouteSamples.wholeStage())));
        String token = KEYS.sign(bareToken()
                .withClaim("scope", "admin")
                .withClaim("permissions", List.of("read:orders"))
                .withClaim("scp", "write:orders"));

        SimpleIAMPolicyResponse response = simple.handleRequest(
                Events.httpApiAuthorizerEvent("authorizer-http-api.json", token), new FakeContext());

        assertThat(response.getIsAuthorized()).isTrue();
        assertThat(response.getContext()).containsEntry(AuthorizerContext.SCOPE, "read:orders write:orders");
    }

    @Test
    void shouldAnswerExactlyUnauthorizedForAConfiguredClaimOfTheWrongShape() {
        AuthorizerHandler handler = handler("permissions", new PolicyFactory(RouteSamples.wholeStage()));
        String token = KEYS.sign(bareToken().withClaim("permissions", Map.of("orders", "write")));

        assertThatThrownBy(() -> handler.handleRequest(
                        Events.authorizerEvent("authorizer-token.json", token), new FakeContext()))
                .isInstanceOf(UnauthorizedException.class)
                .hasMessage("Unauthorized");
    }

    private static long seed() {
        String value = System.getenv("GATEHOUSE_SEED");
        return value == null || value.isBlank() ? 20261207L : Long.parseLong(value.strip());
    }

    private static String table(Random random) {
        Map<String, List<String>> table = new LinkedHashMap<>();
        for (String route : ROUTES) {
            if (table.isEmpty() || random.nextInt(3) > 0) {
                table.put(
                        route,
                        SCOPES.stream().filter(s -> random.nextInt(4) == 0).toList());
            }
        }
        return table.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":"
                        + e.getValue().stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(",", "[", "]")))
                .collect(Collectors.joining(",", "{", "}"));
    }
}
