package dev.gatehouse.local;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.gatehouse.common.AuthorizerPolicy;
import dev.gatehouse.common.Effect;
import dev.gatehouse.common.PolicyStatement;
import dev.gatehouse.local.ServerlessConfig.AuthorizerDefinition;
import dev.gatehouse.local.ServerlessConfig.Service;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A local API Gateway (REST API) for the {@code http} events of a service: routing, Lambda (TOKEN and REQUEST)
 * authorizers with API Gateway's result cache and policy evaluation, Lambda proxy integration, and API Gateway's
 * error responses. Serves {@code http://127.0.0.1:<port>/<stage>/<path>} like
 * {@code https://<api-id>.execute-api.<region>.amazonaws.com/<stage>/<path>}.
 *
 * <p>Thread-safe: requests are served concurrently; each function runs one invocation at a time.
 */
public final class LocalApiGateway implements AutoCloseable {

    static final String ACCOUNT_ID = "123456789012";
    static final String API_ID = "gatehouse0";
    static final String MISSING_AUTHENTICATION_TOKEN = "Missing Authentication Token";
    static final String UNAUTHORIZED = "Unauthorized";
    static final String ACCESS_DENIED = "User is not authorized to access this resource";
    static final String INTERNAL_SERVER_ERROR = "Internal server error";

    private static final int MAX_BODY = 10 * 1024 * 1024;
    private static final int MAX_CACHE_ENTRIES = 10_000;
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final Service service;
    private final Map<String, LambdaFunction> functions;
    private final RouteTable routes;
    private final Clock clock;
    private final Consumer<String> log;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Http.Server server;

    /** An authorizer's decision as API Gateway keeps it in its cache. {@code policy} is null when no statement applies. */
    private record Decision(String principalId, AuthorizerPolicy policy, Map<String, Object> context) {
        boolean allows(String methodArn) {
            return policy != null && policy.allows(methodArn);
        }
    }

    private record Cached(Decision decision, Instant expires) {}

    /** A finished gateway response. */
    private record Response(int status, Map<String, List<String>> headers, byte[] body) {}

    LocalApiGateway(Service service, Map<String, LambdaFunction> functions, Clock clock, Consumer<String> log, int port) {
        this.service = requireNonNull(service, "service is null");
        this.functions = Map.copyOf(functions);
        this.routes = new RouteTable(service.routes());
        this.clock = requireNonNull(clock, "clock is null");
        this.log = requireNonNull(log, "log is null");
        this.server = Http.start(port, this::handle);
    }

    public int port() {
        return server.port();
    }

    /** {@code http://127.0.0.1:<port>/<stage>}: the API's invoke URL. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/" + service.stage();
    }

    @Override
    public void close() {
        server.close();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long started = System.nanoTime();
        String requestId = UUID.randomUUID().toString();
        Response response;
        try {
            response = serve(exchange, requestId);
        } catch (RuntimeException e) {
            log.accept("gateway: request " + requestId + " failed: " + e);
            response = error(502, "InternalServerErrorException", INTERNAL_SERVER_ERROR);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        response.headers().forEach((name, values) -> values.forEach(value -> exchange.getResponseHeaders().add(name, value)));
        if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
            headers.put("Content-Type", "application/json");
        }
        headers.put("x-amzn-RequestId", requestId);
        Http.send(exchange, response.status(), headers, response.body());
        log.accept("gateway: " + exchange.getRequestMethod() + " " + pathForLog(exchange) + " -> " + response.status()
                + " (" + (System.nanoTime() - started) / 1_000_000 + " ms)");
    }

    private static String pathForLog(HttpExchange exchange) {
        String path = exchange.getRequestURI().getRawPath();
        return path == null ? "?" : path.length() > 200 ? path.substring(0, 200) + "..." : path;
    }

    private Response serve(HttpExchange exchange, String requestId) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String rawPath = exchange.getRequestURI().getRawPath();
        List<String> segments = decodeSegments(rawPath);
        if (segments == null) {
            return error(400, "BadRequestException", "Invalid request path: malformed percent-encoding");
        }
        if (segments.isEmpty() || !segments.get(0).equals(service.stage())) {
            return error(403, "MissingAuthenticationTokenException", MISSING_AUTHENTICATION_TOKEN);
        }
        List<String> resource = segments.subList(1, segments.size());
        Optional<RouteTable.Match> match = routes.match(method, resource);
        if (match.isEmpty()) {
            return error(403, "MissingAuthenticationTokenException", MISSING_AUTHENTICATION_TOKEN);
        }
        Map<String, List<String>> query = parseQuery(exchange.getRequestURI().getRawQuery());
        if (query == null) {
            return error(400, "BadRequestException", "Invalid query string: malformed percent-encoding");
        }
        byte[] body = Http.readBody(exchange, MAX_BODY);
        if (body == null) {
            return error(413, "RequestTooLargeException", "Request Too Long");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        // Routing above uses the normalised path; what the authorizer and the function see is the request's own path.
        String resourcePath = rawResourcePath(rawPath);
        String methodArn = methodArn(service.region(), service.stage(), method, rawPath);
        Request request = new Request(requestId, method, match.get(), resourcePath, headers, query, body,
                exchange.getRemoteAddress().getAddress().getHostAddress(), clock.instant());

        Map<String, Object> authorizerContext = null;
        AuthorizerDefinition authorizer = match.get().route().authorizer();
        if (authorizer != null) {
            Authorization outcome = authorize(authorizer, request, methodArn);
            if (outcome.denied() != null) {
                return outcome.denied();
            }
            authorizerContext = outcome.context();
        }
        LambdaFunction function = functions.get(match.get().route().function());
        LambdaFunction.Result result = function.invoke(Http.json(proxyEvent(request, authorizerContext)));
        if (result.failed()) {
            log.accept("gateway: function " + function.name() + " failed: " + result.errorType() + ": " + result.errorMessage());
            return error(502, "InternalServerErrorException", INTERNAL_SERVER_ERROR);
        }
        return proxyResponse(function.name(), result.payload());
    }

    /** Either the authorizer map for the proxy event or the error response. */
    private record Authorization(Map<String, Object> context, Response denied) {
        static Authorization denied(Response response) {
            return new Authorization(null, response);
        }
    }

    /** Runs the authorizer (or uses its cached decision). */
    private Authorization authorize(AuthorizerDefinition authorizer, Request request, String methodArn) {
        List<String> identity = identity(authorizer, request);
        if (identity == null) {
            return Authorization.denied(error(401, "UnauthorizedException", UNAUTHORIZED));
        }
        if (authorizer.type().equals("TOKEN") && authorizer.validationExpression() != null
                && !authorizer.validationExpression().matcher(identity.get(0)).matches()) {
            return Authorization.denied(error(401, "UnauthorizedException", UNAUTHORIZED));
        }
        String cacheKey = authorizer.function() + "\u0000" + authorizer.identitySource() + "\u0000" + String.join("\u0000", identity);
        Instant now = clock.instant();
        Cached cached = authorizer.ttlSeconds() > 0 ? cache.get(cacheKey) : null;
        Decision decision;
        long latency = 0;
        if (cached != null && cached.expires().isAfter(now)) {
            decision = cached.decision();
        } else {
            long started = System.nanoTime();
            LambdaFunction function = functions.get(authorizer.function());
            LambdaFunction.Result result = function.invoke(Http.json(authorizerEvent(authorizer, request, identity, methodArn)));
            latency = (System.nanoTime() - started) / 1_000_000;
            if (result.failed()) {
                if (UNAUTHORIZED.equals(result.errorMessage())) {
                    return Authorization.denied(error(401, "UnauthorizedException", UNAUTHORIZED));
                }
                log.accept("gateway: authorizer " + function.name() + " failed (API Gateway answers 500): " + result.errorType() + ": "
                        + result.errorMessage());
                return Authorization.denied(error(500, "AuthorizerConfigurationException", null));
            }
            try {
                decision = decision(result.payload());
            } catch (IllegalArgumentException e) {
                log.accept("gateway: authorizer " + function.name() + " returned an invalid response (API Gateway answers 500): " + e.getMessage());
                return Authorization.denied(error(500, "AuthorizerConfigurationException", null));
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
            return Authorization.denied(error(403, "AccessDeniedException", ACCESS_DENIED));
        }
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("principalId", decision.principalId());
        decision.context().forEach((key, value) -> context.put(key, String.valueOf(value)));
        context.put("integrationLatency", latency);
        return new Authorization(context, null);
    }

    /** The identity source values, or null when one is missing or empty (API Gateway then answers 401 without invoking). */
    private static List<String> identity(AuthorizerDefinition authorizer, Request request) {
        List<String> values = new ArrayList<>();
        for (String source : authorizer.identitySource().split(",")) {
            String s = source.strip();
            String value = null;
            if (s.regionMatches(true, 0, "method.request.header.", 0, 22)) {
                value = first(request.headers(), s.substring(22));
            } else if (s.startsWith("method.request.querystring.")) {
                List<String> q = request.query().get(s.substring(27));
                value = q == null ? null : q.get(q.size() - 1);
            }
            if (value == null || value.isBlank()) {
                return null;
            }
            values.add(value);
        }
        return values;
    }

    private Map<String, Object> authorizerEvent(AuthorizerDefinition authorizer, Request request, List<String> identity, String methodArn) {
        Map<String, Object> event = new LinkedHashMap<>();
        if (authorizer.type().equals("TOKEN")) {
            event.put("type", "TOKEN");
            event.put("methodArn", methodArn);
            event.put("authorizationToken", identity.get(0));
            return event;
        }
        Map<String, Object> proxy = proxyEvent(request, null);
        event.put("type", "REQUEST");
        event.put("methodArn", methodArn);
        for (String key : List.of("resource", "path", "httpMethod", "headers", "multiValueHeaders", "queryStringParameters",
                "multiValueQueryStringParameters", "pathParameters", "stageVariables", "requestContext")) {
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
        if (principal == null || !principal.isValueNode() || principal.isNull() || principal.asText().isEmpty()) {
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
                default -> throw new IllegalArgumentException("a statement's Effect must be Allow or Deny, got '" + effect + "'");
            };
            if (!strings(statement.get("Action"), "Action").stream().anyMatch(LocalApiGateway::coversInvoke)) {
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
                    throw new IllegalArgumentException("context value of '" + entry.getKey() + "' must be a string, number or boolean, got "
                            + value.getNodeType());
                }
            }
        }
        String principalId = principal.asText();
        return new Decision(principalId, statements.isEmpty() ? null : new AuthorizerPolicy(principalId, statements, context), context);
    }

    private static boolean coversInvoke(String action) {
        return action.equals("*") || action.equalsIgnoreCase("execute-api:*") || action.equalsIgnoreCase(PolicyStatement.ACTION);
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

    /** The request as the proxy integration hands it to the function. */
    private record Request(String requestId, String method, RouteTable.Match match, String resourcePath,
            Map<String, List<String>> headers, Map<String, List<String>> query, byte[] body, String sourceIp, Instant time) {}

    private Map<String, Object> proxyEvent(Request request, Map<String, Object> authorizer) {
        Map<String, Object> event = new LinkedHashMap<>();
        String resource = "/" + request.match().route().path();
        event.put("resource", resource);
        event.put("path", "/" + request.resourcePath());
        event.put("httpMethod", request.method());
        Map<String, String> single = new LinkedHashMap<>();
        request.headers().forEach((name, values) -> single.put(name, values.get(values.size() - 1)));
        String host = first(request.headers(), "Host");
        String userAgent = first(request.headers(), "User-Agent");
        event.put("headers", single.isEmpty() ? null : single);
        event.put("multiValueHeaders", request.headers().isEmpty() ? null : request.headers());
        Map<String, String> singleQuery = new LinkedHashMap<>();
        request.query().forEach((name, values) -> singleQuery.put(name, values.get(values.size() - 1)));
        event.put("queryStringParameters", singleQuery.isEmpty() ? null : singleQuery);
        event.put("multiValueQueryStringParameters", request.query().isEmpty() ? null : request.query());
        event.put("pathParameters", request.match().pathParameters().isEmpty() ? null : request.match().pathParameters());
        event.put("stageVariables", null);

        Map<String, Object> context = new LinkedHashMap<>();
        context.put("resourceId", Integer.toHexString(resource.hashCode() & 0xffffff));
        if (authorizer != null) {
            context.put("authorizer", authorizer);
        }
        context.put("resourcePath", resource);
        context.put("httpMethod", request.method());
        context.put("extendedRequestId", Base64.getEncoder().encodeToString(request.requestId().getBytes(StandardCharsets.UTF_8)).substring(0, 16));
        context.put("requestTime", REQUEST_TIME.format(request.time()));
        context.put("path", "/" + service.stage() + "/" + request.resourcePath());
        context.put("accountId", ACCOUNT_ID);
        context.put("protocol", "HTTP/1.1");
        context.put("stage", service.stage());
        context.put("domainPrefix", host == null ? API_ID : host.split("[.:]")[0]);
        context.put("requestTimeEpoch", request.time().toEpochMilli());
        context.put("requestId", request.requestId());
        Map<String, Object> identity = new LinkedHashMap<>();
        for (String key : List.of("cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller", "accessKey")) {
            identity.put(key, null);
        }
        identity.put("sourceIp", request.sourceIp());
        for (String key : List.of("cognitoAuthenticationType", "cognitoAuthenticationProvider", "userArn")) {
            identity.put(key, null);
        }
        identity.put("userAgent", userAgent);
        identity.put("user", null);
        context.put("identity", identity);
        context.put("domainName", host == null ? API_ID + ".execute-api." + service.region() + ".amazonaws.com" : host);
        context.put("apiId", API_ID);
        event.put("requestContext", context);
        String body = text(request.body());
        boolean binary = request.body().length > 0 && body == null;
        event.put("body", request.body().length == 0 ? null : binary ? Base64.getEncoder().encodeToString(request.body()) : body);
        event.put("isBase64Encoded", binary);
        return event;
    }

    /** Maps the function's proxy response as API Gateway does; anything malformed is API Gateway's 502. */
    private Response proxyResponse(String function, byte[] payload) {
        try {
            JsonNode node = Http.JSON.readTree(payload);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("the result is not a JSON object");
            }
            JsonNode status = node.get("statusCode");
            if (status == null || !(status.isInt() || status.isTextual() && status.asText().matches("\\d{3}"))) {
                throw new IllegalArgumentException("statusCode is missing or not a number");
            }
            int code = status.asInt();
            if (code < 100 || code > 599) {
                throw new IllegalArgumentException("statusCode " + code + " is not an HTTP status");
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            JsonNode single = node.get("headers");
            if (single != null && single.isObject()) {
                single.properties().forEach(e -> headers.put(e.getKey(), new ArrayList<>(List.of(e.getValue().asText()))));
            }
            JsonNode multi = node.get("multiValueHeaders");
            if (multi != null && multi.isObject()) {
                for (Map.Entry<String, JsonNode> e : multi.properties()) {
                    List<String> values = headers.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
                    for (JsonNode v : e.getValue().isArray() ? e.getValue() : List.of(e.getValue())) {
                        if (!values.contains(v.asText())) {
                            values.add(v.asText());
                        }
                    }
                }
            }
            JsonNode bodyNode = node.get("body");
            byte[] body = new byte[0];
            if (bodyNode != null && !bodyNode.isNull()) {
                String text = bodyNode.isTextual() ? bodyNode.textValue() : bodyNode.toString();
                body = node.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8);
            }
            return new Response(code, headers, body);
        } catch (IOException | IllegalArgumentException e) {
            log.accept("gateway: function " + function + " returned a malformed proxy response (API Gateway answers 502): " + e.getMessage());
            return error(502, "InternalServerErrorException", INTERNAL_SERVER_ERROR);
        }
    }

    private static Response error(int status, String type, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        return new Response(status, Map.of("Content-Type", List.of("application/json"), "x-amzn-ErrorType", List.of(type)), Http.json(body));
    }

    private static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }

    private static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * The request's path after the stage segment, exactly as sent: no slash removed, no percent-encoding decoded.
     *
     * <p>API Gateway (REST) routes {@code /orders/} to the {@code /orders} resource (Powertools relies on it and tests
     * it end to end on AWS: aws-powertools/powertools-lambda-python#1609) but hands on the request's own path: the
     * proxy event's {@code path} keeps the trailing slash (floci-io/floci#1863) and percent-encodings as sent
     * (middleapi/standard-server#93), and the authorizer's {@code methodArn} is the ARN of the incoming method request
     * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html), built
     * from the request path, not the resource template (dherault/serverless-offline#273, checked in CloudWatch). The
     * root is {@code .../GET/} (aws/chalice#1552).
     */
    static String rawResourcePath(String rawPath) {
        int slash = rawPath.indexOf('/', 1);
        return slash < 0 ? "" : rawPath.substring(slash + 1);
    }

    /** The method ARN API Gateway puts in TOKEN and REQUEST events: the raw path, see {@link #rawResourcePath}. */
    static String methodArn(String region, String stage, String method, String rawPath) {
        return "arn:aws:execute-api:" + region + ":" + ACCOUNT_ID + ":" + API_ID + "/" + stage + "/" + method + "/" + rawResourcePath(rawPath);
    }

    /** Percent-decodes each path segment ('+' stays '+'); null if the encoding is malformed. */
    static List<String> decodeSegments(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return null;
        }
        String trimmed = rawPath.substring(1);
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        List<String> segments = new ArrayList<>();
        if (trimmed.isEmpty()) {
            return segments;
        }
        try {
            for (String segment : trimmed.split("/", -1)) {
                segments.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return segments;
    }

    static Map<String, List<String>> parseQuery(String rawQuery) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        try {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return query;
    }
}
