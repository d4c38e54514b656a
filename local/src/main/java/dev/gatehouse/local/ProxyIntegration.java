package dev.gatehouse.local;

import static dev.gatehouse.local.LocalApiGateway.ACCOUNT_ID;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.local.ServerlessConfig.Service;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * API Gateway's Lambda proxy integration (REST API, payload 1.0): the event a function gets and the mapping of what it
 * returns (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html).
 */
final class ProxyIntegration {

    private static final DateTimeFormatter REQUEST_TIME = DateTimeFormatter.ofPattern(
                    "dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final Service service;
    private final String apiId;
    private final Consumer<String> log;

    ProxyIntegration(Service service, String apiId, Consumer<String> log) {
        this.service = requireNonNull(service, "service is null");
        this.apiId = requireNonNull(apiId, "apiId is null");
        this.log = requireNonNull(log, "log is null");
    }

    /** The request as the proxy integration hands it to the function (and a REQUEST authorizer sees it). */
    record Request(
            String requestId,
            String method,
            RouteTable.Match match,
            String resourcePath,
            Map<String, List<String>> headers,
            Map<String, List<String>> query,
            byte[] body,
            String sourceIp,
            Instant time) {}

    /** The proxy event of {@code request}; {@code authorizer} (the authorizer's context) may be null. */
    Map<String, Object> event(Request request, Map<String, Object> authorizer) {
        Map<String, Object> event = new LinkedHashMap<>();
        String resource = "/" + request.match().route().path();
        event.put("resource", resource);
        event.put("path", "/" + request.resourcePath());
        event.put("httpMethod", request.method());
        Map<String, String> single = new LinkedHashMap<>();
        request.headers().forEach((name, values) -> single.put(name, values.get(values.size() - 1)));
        String host = Headers.first(request.headers(), "Host");
        String userAgent = Headers.first(request.headers(), "User-Agent");
        event.put("headers", single.isEmpty() ? null : single);
        event.put("multiValueHeaders", request.headers().isEmpty() ? null : request.headers());
        Map<String, String> singleQuery = new LinkedHashMap<>();
        request.query().forEach((name, values) -> singleQuery.put(name, values.get(values.size() - 1)));
        event.put("queryStringParameters", singleQuery.isEmpty() ? null : singleQuery);
        event.put("multiValueQueryStringParameters", request.query().isEmpty() ? null : request.query());
        event.put(
                "pathParameters",
                request.match().pathParameters().isEmpty()
                        ? null
                        : request.match().pathParameters());
        event.put("stageVariables", null);

        Map<String, Object> context = new LinkedHashMap<>();
        context.put("resourceId", Integer.toHexString(resource.hashCode() & 0xffffff));
        if (authorizer != null) {
            context.put("authorizer", authorizer);
        }
        context.put("resourcePath", resource);
        context.put("httpMethod", request.method());
        context.put(
                "extendedRequestId",
                Base64.getEncoder()
                        .encodeToString(request.requestId().getBytes(StandardCharsets.UTF_8))
                        .substring(0, 16));
        context.put("requestTime", REQUEST_TIME.format(request.time()));
        context.put("path", "/" + service.stage() + "/" + request.resourcePath());
        context.put("accountId", ACCOUNT_ID);
        context.put("protocol", "HTTP/1.1");
        context.put("stage", service.stage());
        context.put("domainPrefix", host == null ? apiId : host.split("[.:]")[0]);
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
        context.put("domainName", host == null ? apiId + ".execute-api." + service.region() + ".amazonaws.com" : host);
        context.put("apiId", apiId);
        event.put("requestContext", context);
        String body = text(request.body());
        boolean binary = request.body().length > 0 && body == null;
        event.put(
                "body",
                request.body().length == 0 ? null : binary ? Base64.getEncoder().encodeToString(request.body()) : body);
        event.put("isBase64Encoded", binary);
        return event;
    }

    /** Maps the function's proxy response as API Gateway does; anything malformed is API Gateway's 502. */
    GatewayResponse response(String function, byte[] payload) {
        try {
            JsonNode node = Http.JSON.readTree(payload);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("the result is not a JSON object");
            }
            JsonNode status = node.get("statusCode");
            if (status == null
                    || !(status.isInt() || status.isTextual() && status.asText().matches("\\d{3}"))) {
                throw new IllegalArgumentException("statusCode is missing or not a number");
            }
            int code = status.asInt();
            if (code < 100 || code > 599) {
                throw new IllegalArgumentException("statusCode " + code + " is not an HTTP status");
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            JsonNode single = node.get("headers");
            if (single != null && single.isObject()) {
                single.properties()
                        .forEach(e -> headers.put(
                                e.getKey(), new ArrayList<>(List.of(e.getValue().asText()))));
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
                body = node.path("isBase64Encoded").asBoolean(false)
                        ? Base64.getDecoder().decode(text)
                        : text.getBytes(StandardCharsets.UTF_8);
            }
            return new GatewayResponse(code, headers, body);
        } catch (IOException | IllegalArgumentException e) {
            log.accept("gateway: function " + function
                    + " returned a malformed proxy response (API Gateway answers 502): " + e.getMessage());
            return GatewayResponse.internalServerError();
        }
    }

    private static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
