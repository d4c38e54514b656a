package dev.gatehouse.local;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import dev.gatehouse.local.ServerlessConfig.AuthorizerDefinition;
import dev.gatehouse.local.ServerlessConfig.Service;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A local API Gateway (REST API) for the {@code http} events of a service: the HTTP server, path and query decoding,
 * routing, and the order of the steps. The Lambda authorizers (identity source, result cache, policy evaluation) are
 * {@link LambdaAuthorizers}; the proxy integration's event and response mapping is {@link ProxyIntegration}; API
 * Gateway's error responses are {@link GatewayResponse}. Serves {@code http://127.0.0.1:<port>/<stage>/<path>} like
 * {@code https://<api-id>.execute-api.<region>.amazonaws.com/<stage>/<path>}.
 *
 * <p>Thread-safe: requests are served concurrently; each function runs one invocation at a time.
 */
public final class LocalApiGateway implements AutoCloseable {

    static final String ACCOUNT_ID = "123456789012";
    /**
     * The main stack's API id: the one the sample events in {@code events/} carry, so that {@code ./local/run invoke
     * authorizer events/authorizer-token.json} is an event of the API the authorizer's {@code API_IDS} names.
     */
    static final String API_ID = "a1b2c3d4e5";

    private static final int MAX_BODY = 10 * 1024 * 1024;

    private final Service service;
    private final String apiId;
    private final Map<String, LambdaFunction> functions;
    private final RouteTable routes;
    private final Clock clock;
    private final Consumer<String> log;
    private final ProxyIntegration proxy;
    private final LambdaAuthorizers authorizers;
    private final Http.Server server;

    LocalApiGateway(
            Service service, Map<String, LambdaFunction> functions, Clock clock, Consumer<String> log, int port) {
        this(service, API_ID, functions, clock, log, port);
    }

    /** A gateway for {@code service} as the API {@code apiId}; {@code functions} holds the service's functions. */
    LocalApiGateway(
            Service service,
            String apiId,
            Map<String, LambdaFunction> functions,
            Clock clock,
            Consumer<String> log,
            int port) {
        this.service = requireNonNull(service, "service is null");
        this.apiId = requireNonNull(apiId, "apiId is null");
        this.functions = Map.copyOf(functions);
        List<ServerlessConfig.Route> all = new ArrayList<>(service.routes());
        service.preflights().forEach(preflight -> all.add(ServerlessConfig.Route.preflight(preflight)));
        this.routes = new RouteTable(all);
        this.clock = requireNonNull(clock, "clock is null");
        this.log = requireNonNull(log, "log is null");
        this.proxy = new ProxyIntegration(service, apiId, log);
        this.authorizers = new LambdaAuthorizers(functions, proxy, clock, log);
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
        GatewayResponse response;
        try {
            response = serve(exchange, requestId);
        } catch (RuntimeException e) {
            log.accept("gateway: request " + requestId + " failed: " + e);
            response = GatewayResponse.internalServerError();
        }
        Map<String, List<String>> requestHeaders = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> requestHeaders.put(name, List.copyOf(values)));
        response = service.gatewayResponses()
                .apply(response, new GatewayResponses.Context(requestId, service.stage(), apiId, requestHeaders));
        Map<String, String> headers = new LinkedHashMap<>();
        response.headers()
                .forEach((name, values) ->
                        values.forEach(value -> exchange.getResponseHeaders().add(name, value)));
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

    private GatewayResponse serve(HttpExchange exchange, String requestId) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String rawPath = exchange.getRequestURI().getRawPath();
        List<String> segments = decodeSegments(rawPath);
        if (segments == null) {
            return GatewayResponse.badRequest("Invalid request path: malformed percent-encoding");
        }
        if (segments.isEmpty() || !segments.get(0).equals(service.stage())) {
            return GatewayResponse.missingAuthenticationToken();
        }
        List<String> resource = segments.subList(1, segments.size());
        Optional<RouteTable.Match> match = routes.match(method, resource);
        if (match.isEmpty()) {
            return GatewayResponse.missingAuthenticationToken();
        }
        Map<String, List<String>> query = parseQuery(exchange.getRequestURI().getRawQuery());
        if (query == null) {
            return GatewayResponse.badRequest("Invalid query string: malformed percent-encoding");
        }
        byte[] body = Http.readBody(exchange, MAX_BODY);
        if (body == null) {
            return GatewayResponse.requestTooLarge();
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        CorsPreflight preflight = match.get().route().preflight();
        if (preflight != null) {
            // AuthorizationType NONE and a MOCK integration: no authorizer, no function.
            return preflight.respond(match.get().pathParameters(), query, headers);
        }
        // Routing above uses the normalised path; what the authorizer and the function see is the request's own path.
        String resourcePath = rawResourcePath(rawPath);
        String methodArn = methodArn(service.region(), apiId, service.stage(), method, rawPath);
        ProxyIntegration.Request request = new ProxyIntegration.Request(
                requestId,
                method,
                match.get(),
                resourcePath,
                headers,
                query,
                body,
                exchange.getRemoteAddress().getAddress().getHostAddress(),
                clock.instant());

        Map<String, Object> authorizerContext = null;
        AuthorizerDefinition authorizer = match.get().route().authorizer();
        if (authorizer != null) {
            LambdaAuthorizers.Authorization outcome = authorizers.authorize(authorizer, request, methodArn);
            if (outcome.denied() != null) {
                return outcome.denied();
            }
            authorizerContext = outcome.context();
        }
        LambdaFunction function = functions.get(match.get().route().function());
        LambdaFunction.Result result = function.invoke(Http.json(proxy.event(request, authorizerContext)));
        if (result.failed()) {
            log.accept("gateway: function " + function.name() + " failed: " + result.errorType() + ": "
                    + result.errorMessage());
            return GatewayResponse.internalServerError();
        }
        return proxy.response(function.name(), result.payload());
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
        return methodArn(region, API_ID, stage, method, rawPath);
    }

    /** The method ARN of a request to the API {@code apiId}. */
    static String methodArn(String region, String apiId, String stage, String method, String rawPath) {
        return "arn:aws:execute-api:" + region + ":" + ACCOUNT_ID + ":" + apiId + "/" + stage + "/" + method + "/"
                + rawResourcePath(rawPath);
    }

    /** The service this gateway serves. */
    Service service() {
        return service;
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
