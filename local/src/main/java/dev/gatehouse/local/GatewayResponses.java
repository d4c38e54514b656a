package dev.gatehouse.local;

import static java.util.Objects.requireNonNull;

import dev.gatehouse.local.GatewayResponse.ResponseType;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stack's customised gateway responses: the {@code AWS::ApiGateway::GatewayResponse} resources of
 * {@code resources.Resources} for the service's own API ({@code RestApiId: {Ref: ApiGatewayRestApi}}), applied to
 * the errors API Gateway answers itself, as AWS applies them
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html):
 *
 * <ul>
 *   <li>a response of a type with a customisation gets its status code (if it sets one), its headers and its body
 *       template; one without gets {@code DEFAULT_4XX}'s or {@code DEFAULT_5XX}'s, by its status class, keeping its
 *       own status code unless the fallback sets one ("Changing the status code of this fallback gateway response
 *       changes the status codes of all other 4XX responses": supported-gateway-response-types.html);
 *   <li>header values ({@code gatewayresponse.header.NAME}) are static ({@code "'value'"}) or a request header
 *       ({@code method.request.header.NAME}, left out when the request has none)
 *       (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-gateway-responses.html);
 *   <li>the body is the {@code application/json} template (else the only one); without templates, API Gateway's
 *       default {@code {"message":$context.error.messageString}}.
 * </ul>
 *
 * Templates are Velocity; the local gateway renders the variables gateway responses use ({@code
 * $context.error.message}, {@code .messageString}, {@code .responseType}, {@code $context.requestId}, {@code
 * $context.stage}, {@code $context.apiId}) and refuses others, and any directive, when the yml is loaded: a template
 * rendered differently from AWS would make local answers differ from deployed ones. Immutable and thread-safe.
 *
 * @param customisations by response type
 */
record GatewayResponses(Map<ResponseType, Customisation> customisations) {

    static final String RESOURCE_TYPE = "AWS::ApiGateway::GatewayResponse";
    /** The logical id osls gives a service's REST API. */
    static final String REST_API = "ApiGatewayRestApi";

    private static final String HEADER_PARAMETER = "gatewayresponse.header.";
    private static final String REQUEST_HEADER = "method.request.header.";
    private static final Pattern VARIABLE =
            Pattern.compile("\\$!?(?:\\{([A-Za-z][A-Za-z0-9_.]*)}|([A-Za-z][A-Za-z0-9_.]*))");
    private static final List<String> VARIABLES = List.of(
            "context.error.message",
            "context.error.messageString",
            "context.error.responseType",
            "context.requestId",
            "context.stage",
            "context.apiId");

    /** Where a header's value comes from: a literal, or a request header. */
    record HeaderValue(String literal, String requestHeader) {}

    /** One customisation. {@code status} is null when it keeps the type's status code. */
    record Customisation(Integer status, Map<String, HeaderValue> headers, String contentType, String template) {}

    /** What a template may refer to, for one request. */
    record Context(String requestId, String stage, String apiId, Map<String, List<String>> requestHeaders) {
        Context {
            requireNonNull(requestId, "requestId is null");
            requireNonNull(requestHeaders, "requestHeaders is null");
        }
    }

    GatewayResponses {
        Map<ResponseType, Customisation> copy = new EnumMap<>(ResponseType.class);
        copy.putAll(customisations);
        customisations = Collections.unmodifiableMap(copy);
    }

    /** None: API Gateway's defaults. */
    static GatewayResponses none() {
        return new GatewayResponses(Map.of());
    }

    /** The customisations in {@code resources} (the yml's {@code resources.Resources}, resolved; may be null). */
    static GatewayResponses parse(Object resources) {
        Map<ResponseType, Customisation> customisations = new EnumMap<>(ResponseType.class);
        if (!(resources instanceof Map<?, ?> map)) {
            return new GatewayResponses(customisations);
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getValue() instanceof Map<?, ?> resource) || !RESOURCE_TYPE.equals(resource.get("Type"))) {
                continue;
            }
            String where = "resources.Resources." + entry.getKey();
            Object properties = resource.get("Properties");
            if (!(properties instanceof Map<?, ?> props)) {
                throw new IllegalArgumentException(where + ".Properties must be a mapping");
            }
            if (!(props.get("RestApiId") instanceof Map<?, ?> api && REST_API.equals(api.get("Ref")))) {
                continue; // another API's: not the one the local gateway stands for
            }
            String typeName = String.valueOf(props.get("ResponseType"));
            ResponseType type;
            try {
                type = ResponseType.valueOf(typeName);
            } catch (IllegalArgumentException e) {
                // A type the local gateway never answers with (THROTTLED, INVALID_API_KEY, ...) changes nothing here.
                if (typeName.matches("[A-Z0-9_]+")) {
                    continue;
                }
                throw new IllegalArgumentException(
                        where + ".Properties.ResponseType is not a gateway response type," + " got '" + typeName + "'");
            }
            if (customisations.put(type, customisation(props, where + ".Properties")) != null) {
                throw new IllegalArgumentException(where + ": " + type + " is customised twice");
            }
        }
        return new GatewayResponses(customisations);
    }

    private static Customisation customisation(Map<?, ?> props, String where) {
        Integer status = null;
        Object code = props.get("StatusCode");
        if (code != null) {
            String text = String.valueOf(code).strip();
            if (!text.matches("[1-5][0-9][0-9]")) {
                throw new IllegalArgumentException(
                        where + ".StatusCode must be an HTTP status code, got '" + text + "'");
            }
            status = Integer.valueOf(text);
        }
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        if (props.get("ResponseParameters") instanceof Map<?, ?> parameters) {
            parameters.forEach((key, value) -> {
                String name = String.valueOf(key);
                String mapping = String.valueOf(value).strip();
                String at = where + ".ResponseParameters." + name;
                if (!name.startsWith(HEADER_PARAMETER) || name.length() == HEADER_PARAMETER.length()) {
                    throw new IllegalArgumentException(
                            at + ": the local gateway sets only gatewayresponse.header.NAME");
                }
                HeaderValue header;
                if (mapping.length() >= 2 && mapping.startsWith("'") && mapping.endsWith("'")) {
                    header = new HeaderValue(mapping.substring(1, mapping.length() - 1), null);
                } else if (mapping.startsWith(REQUEST_HEADER) && mapping.length() > REQUEST_HEADER.length()) {
                    header = new HeaderValue(null, mapping.substring(REQUEST_HEADER.length()));
                } else {
                    throw new IllegalArgumentException(at + ": the local gateway maps a static value ('...') or"
                            + " method.request.header.NAME, got '" + mapping + "'");
                }
                headers.put(name.substring(HEADER_PARAMETER.length()), header);
            });
        } else if (props.get("ResponseParameters") != null) {
            throw new IllegalArgumentException(where + ".ResponseParameters must be a mapping");
        }
        String contentType = null;
        String template = null;
        if (props.get("ResponseTemplates") instanceof Map<?, ?> templates && !templates.isEmpty()) {
            contentType = templates.containsKey("application/json")
                    ? "application/json"
                    : String.valueOf(templates.keySet().iterator().next());
            if (templates.size() > 1 && !contentType.equals("application/json")) {
                throw new IllegalArgumentException(where + ".ResponseTemplates: with several templates the local"
                        + " gateway needs an application/json one (it does not negotiate the content type)");
            }
            template = String.valueOf(templates.get(contentType));
            checkTemplate(template, where + ".ResponseTemplates." + contentType);
        } else if (props.get("ResponseTemplates") != null && !(props.get("ResponseTemplates") instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(where + ".ResponseTemplates must be a mapping");
        }
        return new Customisation(status, headers, contentType, template);
    }

    private static void checkTemplate(String template, String where) {
        if (template.contains("#")) {
            throw new IllegalArgumentException(where + ": the local gateway renders no Velocity directives (#...)");
        }
        Matcher m = VARIABLE.matcher(template);
        while (m.find()) {
            if (!VARIABLES.contains(name(m))) {
                throw new IllegalArgumentException(where + ": the local gateway renders only $"
                        + String.join(", $", VARIABLES) + " in gateway response templates, got '" + m.group() + "'");
            }
        }
    }

    /** {@code response} as the stack's customisations make it; the integration's own responses pass unchanged. */
    GatewayResponse apply(GatewayResponse response, Context context) {
        if (response.type() == null) {
            return response;
        }
        ResponseType type = response.type();
        Customisation custom = customisations.get(type);
        Customisation fallback = type == ResponseType.DEFAULT_4XX || type == ResponseType.DEFAULT_5XX
                ? null
                : customisations.get(ResponseType.fallbackFor(response.status()));
        Customisation chosen = custom != null ? custom : fallback;
        if (chosen == null) {
            return response;
        }
        int status = response.status();
        if (chosen.status() != null) {
            status = chosen.status();
        } else if (fallback != null && fallback.status() != null) {
            status = fallback.status();
        }
        Map<String, List<String>> headers = new LinkedHashMap<>(response.headers());
        chosen.headers().forEach((name, value) -> {
            String v = value.literal() != null
                    ? value.literal()
                    : Headers.first(context.requestHeaders(), value.requestHeader());
            if (v != null) {
                headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
                headers.put(name, List.of(v));
            }
        });
        byte[] body = response.body();
        if (chosen.template() != null) {
            body = render(chosen.template(), type, response.message(), context).getBytes(StandardCharsets.UTF_8);
            headers.keySet().removeIf(existing -> existing.equalsIgnoreCase("Content-Type"));
            headers.put("Content-Type", List.of(chosen.contentType()));
        }
        return new GatewayResponse(status, headers, body, type, response.message());
    }

    private static String name(Matcher variable) {
        return variable.group(1) != null ? variable.group(1) : variable.group(2);
    }

    private static String render(String template, ResponseType type, String message, Context context) {
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (name(m)) {
                case "context.error.message" -> message == null ? "" : message;
                case "context.error.messageString" ->
                    message == null ? "null" : new String(Http.json(message), StandardCharsets.UTF_8);
                case "context.error.responseType" -> type.name();
                case "context.requestId" -> context.requestId();
                case "context.stage" -> String.valueOf(context.stage());
                case "context.apiId" -> String.valueOf(context.apiId());
                default -> throw new IllegalStateException("unchecked template variable " + m.group());
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The customised types, for the start-up banner. */
    List<String> customised() {
        return customisations.keySet().stream().map(Enum::name).toList();
    }
}
