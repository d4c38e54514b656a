package dev.gatehouse.local;

import static dev.gatehouse.local.GatewayResponse.UNAUTHORIZED;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.common.AuthorizerPolicy;
import dev.gatehouse.common.Effect;
import dev.gatehouse.common.PolicyStatement;
import dev.gatehouse.local.ServerlessConfig.AuthorizerDefinition;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * API Gateway's side of Lambda authorizers (TOKEN and REQUEST): reading the identity source, invoking the authorizer,
 * validating what it returns, the result cache keyed by the identity values for {@code resultTtlInSeconds}, and
 * evaluating the returned policy against the method ARN
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html).
 *
 * <p>Thread-safe.
 */
final class LambdaAuthorizers {

    private static final int MAX_CACHE_ENTRIES = 10_000;

    private final Map<String, LambdaFunction> functions;
    private final ProxyIntegration proxy;
    private final Clock clock;
    private final Consumer<String> log;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * An authorizer's decision as API Gateway keeps it in its cache. {@code policy} is null when no statement applies.
     */
    private record Decision(String principalId, AuthorizerPolicy policy, Map<String, Object> context) {
        boolean allows(String methodArn) {
            return policy != null && policy.allows(methodArn);
        }

        /** Whether a Deny statement matches {@code methodArn}: API Gateway's 403 then says "explicit deny". */
        boolean explicitlyDenies(String methodArn) {
            return policy != null
                    && policy.statements().stream().anyMatch(s -> s.effect() == Effect.DENY && s.matches(methodArn));
        }
    }

    private record Cached(Decision decision, Instant expires) {}

    LambdaAuthorizers(
            Map<String, LambdaFunction> functions, ProxyIntegration proxy, Clock clock, Consumer<String> log) {
        this.functions = Map.copyOf(functions);
        this.proxy = requireNonNull(proxy, "proxy is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.log = requireNonNull(log, "log is null");
    }

    /** Either the authorizer map for the proxy event or the error response. */
    record Authorization(Map<String, Object> context, GatewayResponse denied) {
        static Authorization denied(GatewayResponse response) {
            return new Authorization(null, response);
        }
    }

    /** Runs the authorizer (or uses its cached decision) for {@code request} to {@code methodArn}. */
    Authorization authorize(AuthorizerDefinition authorizer, ProxyIntegration.Request request, String methodArn) {
        List<String> identity = authorizer
                .identitySource()
                .values(request.headers(), request.query())
                .orElse(null);
        if (identity == null) {
            return Authorization.denied(GatewayResponse.unauthorized());
        }
        if (authorizer.type() == AuthorizerType.TOKEN
                && authorizer.validationExpression() != null
                && !authorizer.validationExpression().matcher(identity.get(0)).matches()) {
            return Authorization.denied(GatewayResponse.unauthorized());
        }
        String cacheKey = authorizer.function() + "\u0000"
                + authorizer.identitySource().text() + "\u0000" + String.join("\u0000", identity);
        Instant now = clock.instant();
        Cached cached = authorizer.ttlSeconds() > 0 ? cache.get(cacheKey) : null;
        Decision decision;
        long latency = 0;
        if (cached != null && cached.expires().isAfter(now)) {
            decision = cached.decision();
        } else {
            long started = System.nanoTime();
            LambdaFunction function = functions.get(authorizer.function());
            LambdaFunction.Result result =
                    function.invoke(Http.json(authorizerEvent(authorizer, request, identity, methodArn)));
            latency = (System.nanoTime() - started) / 1_000_000;
            if (result.failed()) {
                if (UNAUTHORIZED.equals(result.errorMessage())) {
                    return Authorization.denied(GatewayResponse.unauthorized());
                }
                log.accept("gateway: authorizer " + function.name() + " failed (API Gateway answers 500): "
                        + result.errorType() + ": " + result.errorMessage());
                return Authorization.denied(GatewayResponse.authorizerConfigurationError());
            }
            try {
                decision = decision(result.payload());
            } catch (IllegalArgumentException e) {
                log.accept("gateway: authorizer " + function.name()
                        + " returned an invalid response (API Gateway answers 500): " + e.getMessage());
                return Authorization.denied(GatewayResponse.authorizerConfigurationError());
            }
            if (authorizer.ttlSeconds() > 0) {
                if (cache.size() >= MAX_CACHE_ENTRIES) {
                    cache.values().removeIf(c -> !c.expires().isAfter(now));
                    if (cache.size() >= MAX_CACHE_ENTRIES) {
                        cache.clear();
                    }
                }
                cache.put(cacheKey, new Cached(decision, now.plusSeconds(authorizer.ttlSeconds())));
            }
        }
        if (!decision.allows(methodArn)) {
            return Authorization.denied(GatewayResponse.accessDenied(decision.explicitlyDenies(methodArn)));
        }
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("principalId", decision.principalId());
        decision.context().forEach((key, value) -> context.put(key, String.valueOf(value)));
        context.put("integrationLatency", latency);
        return new Authorization(context, null);
    }

    private Map<String, Object> authorizerEvent(
            AuthorizerDefinition authorizer,
            ProxyIntegration.Request request,
            List<String> identity,
            String methodArn) {
        Map<String, Object> event = new LinkedHashMap<>();
        if (authorizer.type() == AuthorizerType.TOKEN) {
            event.put("type", "TOKEN");
            event.put("methodArn", methodArn);
            event.put("authorizationToken", identity.get(0));
            return event;
        }
        Map<String, Object> proxy = this.proxy.event(request, null);
        event.put("type", "REQUEST");
        event.put("methodArn", methodArn);
        for (String key : List.of(
                "resource",
                "path",
                "httpMethod",
                "headers",
                "multiValueHeaders",
                "queryStringParameters",
                "multiValueQueryStringParameters",
                "pathParameters",
                "stageVariables",
                "requestContext")) {
            event.put(key, proxy.get(key));
        }
        return event;
    }

    /** Parses what the authorizer returned, rejecting what API Gateway rejects (its 500). */
    private static Decision decision(byte[] payload) {
        JsonNode node;
        try {
            node = Http.JSON.readTree(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("the response is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("the response is not a JSON object");
        }
        JsonNode principal = node.get("principalId");
        if (principal == null
                || !principal.isValueNode()
                || principal.isNull()
                || principal.asText().isEmpty()) {
            throw new IllegalArgumentException("principalId is missing");
        }
        JsonNode document = node.get("policyDocument");
        if (document == null || !document.isObject()) {
            throw new IllegalArgumentException("policyDocument is missing");
        }
        JsonNode statementsNode = document.get("Statement");
        if (statementsNode == null || statementsNode.isNull()) {
            throw new IllegalArgumentException("policyDocument.Statement is missing");
        }
        List<PolicyStatement> statements = new ArrayList<>();
        for (JsonNode statement : statementsNode.isArray() ? statementsNode : List.of(statementsNode)) {
            if (!statement.isObject()) {
                throw new IllegalArgumentException("a policy statement is not an object");
            }
            String effect = statement.path("Effect").asText("");
            Effect parsed = switch (effect) {
                case "Allow" -> Effect.ALLOW;
                case "Deny" -> Effect.DENY;
                default ->
                    throw new IllegalArgumentException(
                            "a statement's Effect must be Allow or Deny, got '" + effect + "'");
            };
            if (!strings(statement.get("Action"), "Action").stream().anyMatch(LambdaAuthorizers::coversInvoke)) {
                continue;
            }
            List<String> resources = strings(statement.get("Resource"), "Resource");
            if (!resources.isEmpty()) {
                statements.add(new PolicyStatement(parsed, resources));
            }
        }
        Map<String, Object> context = new LinkedHashMap<>();
        JsonNode contextNode = node.get("context");
        if (contextNode != null && !contextNode.isNull()) {
            if (!contextNode.isObject()) {
                throw new IllegalArgumentException("context must be an object");
            }
            for (Map.Entry<String, JsonNode> entry : contextNode.properties()) {
                JsonNode value = entry.getValue();
                if (value.isTextual()) {
                    context.put(entry.getKey(), value.textValue());
                } else if (value.isNumber()) {
                    context.put(entry.getKey(), value.numberValue());
                } else if (value.isBoolean()) {
                    context.put(entry.getKey(), value.booleanValue());
                } else {
                    throw new IllegalArgumentException("context value of '" + entry.getKey()
                            + "' must be a string, number or boolean, got " + value.getNodeType());
                }
            }
        }
        String principalId = principal.asText();
        return new Decision(
                principalId,
                statements.isEmpty() ? null : new AuthorizerPolicy(principalId, statements, context),
                context);
    }

    private static boolean coversInvoke(String action) {
        return action.equals("*")
                || action.equalsIgnoreCase("execute-api:*")
                || action.equalsIgnoreCase(PolicyStatement.ACTION);
    }

    private static List<String> strings(JsonNode node, String name) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : node.isArray() ? node : List.of(node)) {
            if (!item.isTextual()) {
                throw new IllegalArgumentException("a statement's " + name + " must be a string or a list of strings");
            }
            values.add(item.textValue());
        }
        return values;
    }
}
